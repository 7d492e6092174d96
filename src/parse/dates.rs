//! Dates: `updated` stamps in the body and dated section headings.
//!
//! A stamp is a line such as `*Updated 2026-01-14*`, `Updated: 2026-01-14` or
//! `_Last updated January 14, 2026_`. A dated heading names a day (`January 14, 2026 update`,
//! `2026-03-02 notes`) or a month (`Current rotation (March 2026)`); a month counts as its
//! first day, so a section is only "later" than the stamp when it must be.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^[ \t]*[*_]{0,3}[ \t]*(?:last[ \t]+)?updated[ \t]*:?[ \t]*[*_]{0,3}[ \t]*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|[A-Za-z]+\.?[ \t]+\d{1,2},?[ \t]+\d{4})[ \t]*[*_]{0,3}[ \t]*\r?$")
        .expect("static regex")
});

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T ])").expect("static regex")
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

/// Parses an `updated` value: `2026-01-14`, `2026/01/14`, a date-time, or `January 14, 2026`.
/// `None` when the text is not a real calendar date.
pub(crate) fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if let Some(c) = ISO.captures(raw) {
        return ymd(&c[1], &c[2], &c[3]);
    }
    let c = HEADING_DAY.captures(raw)?;
    (c.get(0)?.as_str().len() == raw.len()).then_some(())?;
    ymd(&c[3], &month_number(&c[1])?.to_string(), &c[2])
}

fn ymd(y: &str, m: &str, d: &str) -> Option<Date> {
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

fn month_number(name: &str) -> Option<i8> {
    let n = match name.get(..3)?.to_ascii_lowercase().as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

/// `updated` stamps in a paragraph's raw text: `(byte range of the date text, raw)`.
pub(crate) fn find_stamps(paragraph: &str) -> Vec<(usize, usize)> {
    if !paragraph.contains("pdated") && !paragraph.contains("PDATED") {
        return Vec::new();
    }
    STAMP
        .captures_iter(paragraph)
        .filter_map(|c| c.get(1).map(|m| (m.start(), m.end())))
        .collect()
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

    #[test]
    fn stamps() {
        let p = "*Updated 2026-01-14*";
        assert_eq!(find_stamps(p), vec![(9, 19)]);
        assert_eq!(find_stamps("Updated: 2026-02-30").len(), 1);
        assert_eq!(find_stamps("_Last updated January 14, 2026_").len(), 1);
        assert!(find_stamps("We updated the model in 2026-01-14 runs").is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-01-14"), Some(date(2026, 1, 14)));
        assert_eq!(parse_date("2026-01-14T10:30:00"), Some(date(2026, 1, 14)));
        assert_eq!(parse_date("January 14, 2026"), Some(date(2026, 1, 14)));
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
