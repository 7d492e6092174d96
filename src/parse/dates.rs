//! Dates: `updated` stamps in the body and dated section headings.
//!
//! A stamp is a line of a paragraph that starts (after emphasis markers) with `Updated` or
//! `Last updated`, or with a `Created DATE` part and then one of those, and gives a date:
//! `*Updated 2026-01-14*`, `**Updated:** 2026-01-14`, `_Last updated January 14, 2026_`,
//! `*Created 2025-11-02 · Updated 2026-01-14*`, `*Updated 2026-01-14 — thesis revised*`,
//! `*Updated 14 Jan 2026 (after Q4 prints)*`. Parts are separated by `·`, `.`, `,`, `;`, `|`
//! or a dash; after the last date, a separator or `(` may start free text. `Created` dates
//! never count as updates. A month alone (`Updated Jan 2026`, `Updated 2026-01`) is read as
//! the month's last day, so a note is never called stale too early.
//!
//! A dated heading names a day (`January 14, 2026 update`, `2026-03-02 notes`) or a month
//! (`Current rotation (March 2026)`); a month counts as its first day, so a section is only
//! "later" than the stamp when it must be.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T ])").expect("static regex")
});

/// The date forms a stamp may give, each anchored at the start: a day (ISO, `January 14,
/// 2026`, `14 Jan 2026`) or a month (`Jan 2026`, `2026-01`). Any word in a month's place
/// before a day is still read as a date (`Janury 14, 2026`), so that invalid-date reports it.
static STAMP_DATE: LazyLock<Regex> = LazyLock::new(|| {
    let month = |name: &str| MONTH.replacen('(', &format!("(?P<{name}>"), 1);
    Regex::new(&format!(
        concat!(
            r"(?i)^(?:",
            r"(?P<iso>(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}))",
            r"|(?P<md>(?P<mdm>[a-z]+)\.?[ \t]+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<mdy>\d{{4}}))",
            r"|(?P<dm>(?P<dmd>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+{dmm}\.?,?[ \t]+(?P<dmy>\d{{4}}))",
            r"|(?P<mo>{mom}\.?,?[ \t]+(?P<moy>\d{{4}}))",
            r"|(?P<isomo>(?P<imy>\d{{4}})-(?P<imm>\d{{2}}))",
            r")(?:$|[^\p{{L}}\p{{N}}-])",
        ),
        dmm = month("dmm"),
        mom = month("mom"),
    ))
    .expect("static regex")
});

static HEADING_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    ))
    .expect("static regex")
});

static HEADING_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b{MONTH}\.?\s+(\d{{4}})\b")).expect("static regex")
});

static HEADING_ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("static regex"));

/// Parses an `updated` value: `2026-01-14`, `2026/01/14`, a date-time, `January 14, 2026` or
/// `14 Jan 2026`. `None` when the text is not a real calendar day.
pub(crate) fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if let Some(c) = ISO.captures(raw) {
        return ymd(&c[1], &c[2], &c[3]);
    }
    match stamp_date(raw) {
        Some((len, date, false)) if len == raw.len() => date,
        _ => None,
    }
}

/// The date a stamp gives at the start of `s`: `(its length, the date if it is a real one,
/// whether it names a whole month)`. A month is read as its last day.
fn stamp_date(s: &str) -> Option<(usize, Option<Date>, bool)> {
    if let Some(day) = iso_day(s) {
        return Some(day);
    }
    let c = STAMP_DATE.captures(s)?;
    let group = |name: &str| c.name(name).map(|m| m.as_str());
    if let Some(m) = c.name("iso") {
        let date = ymd(group("y")?, group("m")?, group("d")?);
        return Some((m.end(), date, false));
    }
    if let Some(m) = c.name("md") {
        let date = month_number(group("mdm")?)
            .and_then(|mo| ymd(group("mdy")?, &mo.to_string(), group("mdd")?));
        return Some((m.end(), date, false));
    }
    if let Some(m) = c.name("dm") {
        let date = ymd(
            group("dmy")?,
            &month_number(group("dmm")?)?.to_string(),
            group("dmd")?,
        );
        return Some((m.end(), date, false));
    }
    if let Some(m) = c.name("mo") {
        let date = month_end(group("moy")?, month_number(group("mom")?)?);
        return Some((m.end(), date, true));
    }
    let m = c.name("isomo")?;
    let date = month_end(group("imy")?, group("imm")?.parse().ok()?);
    Some((m.end(), date, true))
}

/// `YYYY-MM-DD` at the start of `s`, not followed by a letter, digit or `-`: the common stamp,
/// read without the regex.
fn iso_day(s: &str) -> Option<(usize, Option<Date>, bool)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-');
    if !(shape && digits(8..10)) {
        return None;
    }
    let ends = s[10..]
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '-'));
    ends.then(|| (10, ymd(&s[0..4], &s[5..7], &s[8..10]), false))
}

fn ymd(y: &str, m: &str, d: &str) -> Option<Date> {
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// The last day of a month.
fn month_end(year: &str, month: i8) -> Option<Date> {
    Some(
        Date::new(year.parse().ok()?, month, 1)
            .ok()?
            .last_of_month(),
    )
}

/// The months' names, January first, in lower case: what stamps in words are read from and
/// what a bumped stamp is written with.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's number from its name or abbreviation (`Jan`, `January`, `Sept`; any case).
fn month_number(name: &str) -> Option<i8> {
    let name = name.to_ascii_lowercase();
    let n = MONTHS.iter().position(|full| {
        *full == name || full[..3] == name || (name == "sept" && full.starts_with("sept"))
    })?;
    i8::try_from(n + 1).ok()
}

/// An `updated` stamp found in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The byte range of the date text in the paragraph.
    pub range: std::ops::Range<usize>,
    /// The date, when the text names a real one (a month's last day for a month).
    pub date: Option<Date>,
    /// The stamp names a month, not a day.
    pub whole_month: bool,
}

/// `updated` stamps in a paragraph's raw text, in text order.
pub(crate) fn find_stamps(paragraph: &str) -> Vec<Stamp> {
    // Most paragraphs hold no stamp: one quick look for the label first.
    if !paragraph.contains("pdated") && !paragraph.contains("PDATED") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in paragraph.split_inclusive('\n') {
        stamps_on_line(line.trim_end_matches(['\n', '\r']), line_start, &mut out);
        line_start += line.len();
    }
    out
}

/// What starts a part of a stamp line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Created,
    Updated,
}

/// The stamps of one line (`at` is its offset in the paragraph); none unless the whole line
/// reads as stamp parts, optionally followed by separated free text.
fn stamps_on_line(line: &str, at: usize, out: &mut Vec<Stamp>) {
    let mut found = Vec::new();
    let mut pos = skip_marks(line, 0);
    loop {
        let Some((label, after)) = label_at(line, pos) else {
            return;
        };
        pos = skip_marks(line, after);
        if let Some(rest) = line[pos..].strip_prefix(':') {
            pos = skip_marks(line, line.len() - rest.len());
        }
        if let Some(rest) = strip_word(&line[pos..], "on") {
            pos = skip_marks(line, line.len() - rest.len());
        }
        let Some((len, date, whole_month)) = stamp_date(&line[pos..]) else {
            return;
        };
        if label == Label::Updated {
            found.push(Stamp {
                range: at + pos..at + pos + len,
                date,
                whole_month,
            });
        }
        pos = skip_marks(line, pos + len);
        if pos == line.len() {
            break;
        }
        // A separator, then either the next part or free text.
        let Some(sep) = separator(&line[pos..]) else {
            return;
        };
        pos = skip_marks(line, pos + sep);
        if label_at(line, pos).is_none() {
            break;
        }
    }
    out.extend(found);
}

/// Past whitespace and emphasis markers.
fn skip_marks(line: &str, pos: usize) -> usize {
    let rest = &line[pos..];
    pos + rest.len() - rest.trim_start_matches([' ', '\t', '*', '_']).len()
}

/// `Created`, `Updated` or `Last updated` (any case) as a whole word at `pos`.
fn label_at(line: &str, pos: usize) -> Option<(Label, usize)> {
    let rest = &line[pos..];
    let (label, rest) = if let Some(r) = strip_word(rest, "created") {
        (Label::Created, r)
    } else if let Some(r) = strip_word(rest, "updated") {
        (Label::Updated, r)
    } else {
        let r = strip_word(rest, "last")?;
        (
            Label::Updated,
            strip_word(r.trim_start_matches([' ', '\t']), "updated")?,
        )
    };
    Some((label, line.len() - rest.len()))
}

/// `s` without a leading `word` (any case) that ends there: the rest.
fn strip_word<'s>(s: &'s str, word: &str) -> Option<&'s str> {
    let head = s.get(..word.len())?;
    let rest = &s[word.len()..];
    let ends = !rest.starts_with(|c: char| c.is_alphanumeric());
    (head.eq_ignore_ascii_case(word) && ends).then_some(rest)
}

/// The length of the separator at the start of `s`, spaces around it included.
fn separator(s: &str) -> Option<usize> {
    let trimmed = s.trim_start_matches([' ', '\t']);
    let lead = s.len() - trimmed.len();
    let c = trimmed.chars().next()?;
    let sep = matches!(
        c,
        '·' | '•' | '.' | ',' | ';' | '|' | '—' | '–' | '-' | '(' | '/'
    );
    // A separator, or at least a space before an opening parenthesis or dash.
    sep.then(|| lead + c.len_utf8())
}

/// The earliest date a heading's text can mean, if it names one.
pub(crate) fn heading_date(text: &str) -> Option<Date> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(c) = HEADING_ISO.captures(text) {
        return ymd(&c[1], &c[2], &c[3]);
    }
    if let Some(c) = HEADING_DAY.captures(text) {
        return ymd(&c[3], &month_number(&c[1])?.to_string(), &c[2]);
    }
    let c = HEADING_MONTH.captures(text)?;
    ymd(&c[2], &month_number(&c[1])?.to_string(), "1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The stamps of a paragraph: (date text, date, whole month).
    fn stamps(p: &str) -> Vec<(&str, Option<Date>, bool)> {
        find_stamps(p)
            .into_iter()
            .map(|s| (&p[s.range], s.date, s.whole_month))
            .collect()
    }

    fn day(p: &str) -> Vec<Option<Date>> {
        stamps(p).into_iter().map(|s| s.1).collect()
    }

    #[test]
    fn stamp_ranges_hold_the_date() {
        assert_eq!(find_stamps("*Updated 2026-01-14*")[0].range, 9..19);
        assert_eq!(stamps("Updated: 2026-02-30"), [("2026-02-30", None, false)]);
        assert_eq!(
            stamps("_Last updated January 14, 2026_"),
            [("January 14, 2026", Some(date(2026, 1, 14)), false)]
        );
        assert!(find_stamps("We updated the model in 2026-01-14 runs").is_empty());
    }

    #[test]
    fn stamps_in_the_usual_forms() {
        let jan14 = vec![Some(date(2026, 1, 14))];
        for p in [
            "*Updated 2026-01-14*",
            "*Created 2025-11-02 · Updated 2026-01-14*",
            "*Created 2025-11-02. Updated 2026-01-14*",
            "*Created 2025-11-02, updated 2026-01-14*",
            "*Updated 2026-01-14 — rotation thesis revised*",
            "*Updated 2026-01-14 (after Q4 prints)*",
            "_Updated: 2026-01-14_",
            "**Updated:** 2026-01-14",
            "*Last updated: 2026-01-14 — initial research complete*",
            "Updated on 2026-01-14.",
            "*Updated January 14, 2026*",
            "*Updated Jan. 14th, 2026*",
            "*Updated 14 Jan 2026*",
            "*Updated 14 January, 2026 (IPO day)*",
            "Some text first.\n*Updated 2026-01-14*\n",
        ] {
            assert_eq!(day(p), jan14, "{p:?}");
        }
    }

    #[test]
    fn created_never_counts_and_prose_is_not_a_stamp() {
        for p in [
            "*Created 2026-01-14*",
            "We updated the model on 2026-01-14.",
            "Updated 2026-01-14 guidance raised the target",
            "*Updated soon*",
            "Updated estimates after the call",
            "| Updated 2026-01-14 | x |",
            "**Updated:** see below 2026-01-14",
        ] {
            assert_eq!(day(p), [], "{p:?}");
        }
        // Both dates read, only the update kept, in either order.
        assert_eq!(
            day("*Updated 2026-01-14 · Created 2026-03-01*"),
            [Some(date(2026, 1, 14))]
        );
    }

    #[test]
    fn a_month_alone_is_its_last_day() {
        assert_eq!(
            stamps("*Updated Jan 2026*"),
            [("Jan 2026", Some(date(2026, 1, 31)), true)]
        );
        assert_eq!(
            stamps("Updated February 2028"),
            [("February 2028", Some(date(2028, 2, 29)), true)]
        );
        assert_eq!(
            stamps("*Updated 2026-04*"),
            [("2026-04", Some(date(2026, 4, 30)), true)]
        );
        assert_eq!(stamps("*Updated 2026-13*"), [("2026-13", None, true)]);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-01-14"), Some(date(2026, 1, 14)));
        assert_eq!(parse_date("2026-01-14T10:30:00"), Some(date(2026, 1, 14)));
        assert_eq!(parse_date("January 14, 2026"), Some(date(2026, 1, 14)));
        assert_eq!(parse_date("14 Jan 2026"), Some(date(2026, 1, 14)));
        assert_eq!(parse_date("Janury 14, 2026"), None);
        assert_eq!(parse_date("Jan 2026"), None, "a value names a day");
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn dated_headings() {
        assert_eq!(
            heading_date("January 14, 2026 update"),
            Some(date(2026, 1, 14))
        );
        assert_eq!(
            heading_date("Current rotation (March 2026)"),
            Some(date(2026, 3, 1))
        );
        assert_eq!(heading_date("Winners (Jan 2026)"), Some(date(2026, 1, 1)));
        assert_eq!(heading_date("2026-03-02 notes"), Some(date(2026, 3, 2)));
        assert_eq!(
            heading_date("Historical Mag 7 annual returns (2021-2025)"),
            None
        );
        assert_eq!(heading_date("Analyst 12-month price targets"), None);
    }
}
