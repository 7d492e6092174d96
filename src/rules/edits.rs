//! Edits that rules offer as fixes and that need more than a span: rewriting a link's target
//! while keeping what it shows, and a stamp's date while keeping how it is written.
//! (`crate::fix` applies them; rules only describe them.)

use jiff::civil::Date;

use crate::diagnostic::Edit;
use crate::model::{Link, LinkKind, Note, Updated};
use crate::parse::MONTHS;

/// An edit that points a wikilink, embed or frontmatter link at `linktext` instead of its
/// target, changing nothing else of it. With `keep_shown`, a link that shows its target (a
/// wikilink without `|display`) keeps showing the words it showed: the written target
/// becomes its display text, after `\|` in a table (`[[formulas]]` → `[[Formulas|formulas]]`).
///
/// `None` where that is not safe: the target is not written verbatim (a Markdown link's
/// encoded path), the note was not valid UTF-8, or the new text could not be read back as
/// this target (`|`, `#`, brackets or a line break in it; quotes in a frontmatter string).
pub fn retarget(note: &Note, link: &Link, linktext: &str, keep_shown: bool) -> Option<Edit> {
    let target = link.target(note);
    let range = link.target.text_range()?;
    let unreadable = linktext.is_empty()
        || linktext.trim() != linktext
        || linktext.contains(['|', '#', '^', '[', ']', '\n', '\r']);
    if note.lossy || unreadable || note.text.get(range.clone()) != Some(target) {
        return None;
    }
    match link.kind {
        LinkKind::Wiki | LinkKind::Embed => {}
        LinkKind::Frontmatter if !linktext.contains(['"', '\'', '\\']) => {}
        LinkKind::Frontmatter | LinkKind::Markdown => return None,
    }
    let edit = |end: usize, content: String| Edit {
        start: range.start as u32,
        end: end as u32,
        content,
    };
    if !keep_shown || link.kind == LinkKind::Embed || link.display.is_some() {
        return Some(edit(range.end, linktext.to_owned()));
    }
    // Up to the closing `]]`: the subpath and spaces after the target stay as written.
    let close = (link.span.end as usize).checked_sub(2)?;
    let between = note.text.get(range.end..close)?;
    let pipe = if link.in_table { "\\|" } else { "|" };
    Some(edit(close, format!("{linktext}{between}{pipe}{target}")))
}

/// An edit that sets stamp `stamp` of `note` to `date`, written as the stamp writes its
/// date: ISO with its separators and padding (`2026-01-14`, `2026/1/4`), words in the same
/// style (`January 14, 2026`, `Jan. 14th, 2026`, `14 Jan 2026`: a month's name in the same
/// case and length, an ordinal suffix kept), and a month alone as a month (`Jan 2026`,
/// `2026-01`). Quotes around a frontmatter value are outside the stamp's text, so they stay.
///
/// `None` where that is not safe: the note was not valid UTF-8, the stamp's text is not
/// where its span says, or it holds more than a date (a time: `2026-01-14T10:30`).
pub fn restamp(note: &Note, stamp: &Updated, date: Date) -> Option<Edit> {
    let range = stamp.span.range();
    if note.lossy || note.text.get(range.clone()) != Some(stamp.raw.as_str()) {
        return None;
    }
    Some(Edit {
        start: range.start as u32,
        end: range.end as u32,
        content: restyle(&stamp.raw, date, stamp.whole_month)?,
    })
}

/// `raw`, a date as a stamp writes it, with `date` in its place (its month alone when
/// `whole_month`).
fn restyle(raw: &str, date: Date, whole_month: bool) -> Option<String> {
    // Runs of digits, of letters, and of anything else, each kept or replaced in turn.
    let mut runs: Vec<&str> = Vec::new();
    let mut start = 0;
    let class = |c: char| (c.is_ascii_digit(), c.is_alphabetic());
    for (i, c) in raw.char_indices().skip(1) {
        let prev = raw[..i].chars().next_back().map(class);
        if prev != Some(class(c)) {
            runs.push(&raw[start..i]);
            start = i;
        }
    }
    runs.push(&raw[start..]);
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let iso = runs.len() >= 3 && runs[0].len() == 4 && digits(runs[0]) && !runs[1].is_empty();
    if iso {
        return iso_style(&runs, date, whole_month);
    }
    word_style(&runs, date, whole_month)
}

/// `2026-01-14`, `2026/1/4`, `2026.01.14`, `2026-01`.
fn iso_style(runs: &[&str], date: Date, whole_month: bool) -> Option<String> {
    let number = |n: i8, like: &str| format!("{n:0width$}", width = like.len().min(2));
    let sep = |s: &str| matches!(s, "-" | "/" | ".");
    if !runs
        .iter()
        .step_by(2)
        .all(|r| r.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    match runs {
        [_, s1, m] if whole_month && *s1 == "-" => {
            Some(format!("{}-{}", date.year(), number(date.month(), m)))
        }
        [_, s1, m, s2, d] if !whole_month && sep(s1) && s1 == s2 => Some(format!(
            "{}{s1}{}{s2}{}",
            date.year(),
            number(date.month(), m),
            number(date.day(), d)
        )),
        _ => None,
    }
}

/// `January 14, 2026`, `Jan. 14th, 2026`, `14 Jan 2026`, `Jan 2026`: the year, the month's
/// name and the day (with its suffix) replaced, everything between them kept.
fn word_style(runs: &[&str], date: Date, whole_month: bool) -> Option<String> {
    let (mut year, mut month, mut day) = (0, 0, 0);
    let mut out = String::new();
    let mut after_day = false;
    for run in runs {
        let first = run.chars().next()?;
        if first.is_ascii_digit() && run.len() == 4 {
            year += 1;
            out.push_str(&date.year().to_string());
        } else if first.is_ascii_digit() && run.len() <= 2 {
            day += 1;
            let width = if run.starts_with('0') { 2 } else { 1 };
            out.push_str(&format!("{:0width$}", date.day()));
            after_day = true;
            continue;
        } else if first.is_alphabetic() && after_day && ordinal(run).is_some() {
            out.push_str(&same_case(run, ordinal_suffix(date.day())));
        } else if first.is_alphabetic() {
            month += 1;
            out.push_str(&month_name(run, date.month())?);
        } else if first.is_ascii_digit() {
            return None;
        } else {
            out.push_str(run);
        }
        after_day = false;
    }
    let days = usize::from(!whole_month);
    (year == 1 && month == 1 && day == days).then_some(out)
}

/// `run` is an ordinal suffix (`st`, `nd`, `rd`, `th`, any case).
fn ordinal(run: &str) -> Option<()> {
    ["st", "nd", "rd", "th"]
        .iter()
        .any(|s| run.eq_ignore_ascii_case(s))
        .then_some(())
}

fn ordinal_suffix(day: i8) -> &'static str {
    match (day % 10, day % 100) {
        (1, n) if n != 11 => "st",
        (2, n) if n != 12 => "nd",
        (3, n) if n != 13 => "rd",
        _ => "th",
    }
}

/// Month `month`'s name written as `like` writes its month: whole or cut to three letters
/// (`Sept` to four), in the same case.
fn month_name(like: &str, month: i8) -> Option<String> {
    let lower = like.to_ascii_lowercase();
    let known = MONTHS
        .iter()
        .any(|m| *m == lower || m[..3] == lower || (lower == "sept" && m.starts_with("sept")));
    if !known {
        return None;
    }
    let name = MONTHS[usize::try_from(month - 1).ok()?];
    let whole = MONTHS.contains(&lower.as_str());
    let shown = match (whole, name) {
        (true, _) => name,
        (false, "september") if lower == "sept" => "sept",
        (false, _) => &name[..3],
    };
    Some(same_case(like, shown))
}

/// `word` (lower case) in the case `like` is written in: `JAN`, `Jan` or `jan`.
fn same_case(like: &str, word: &str) -> String {
    let upper = like
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    let capital = like.chars().next().is_some_and(char::is_uppercase);
    if upper && like.chars().count() > 1 {
        word.to_ascii_uppercase()
    } else if capital {
        let mut chars = word.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_ascii_uppercase().to_string() + chars.as_str()
        })
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::retarget;
    use crate::parse::parse_note;

    /// The text after pointing every link of `text` at `to`.
    fn retargeted(text: &str, to: &str, keep_shown: bool) -> String {
        let note = parse_note("n.md".into(), text.as_bytes().to_vec());
        let mut out = note.text.clone();
        for link in note.links.iter().rev() {
            let Some(e) = retarget(&note, link, to, keep_shown) else {
                continue;
            };
            out.replace_range(e.start as usize..e.end as usize, &e.content);
        }
        out
    }

    #[test]
    fn a_retargeted_link_keeps_what_it_showed() {
        let text = "[[formulas]] [[ formulas ]] [[formulas|the sheet]] [[formulas#H]] ![[formulas]]\n\n| a |\n|---|\n| [[formulas]] |\n";
        assert_eq!(
            retargeted(text, "Formulas", true),
            "[[Formulas|formulas]] [[ Formulas |formulas]] [[Formulas|the sheet]] [[Formulas#H|formulas]] ![[Formulas]]\n\n| a |\n|---|\n| [[Formulas\\|formulas]] |\n"
        );
        assert_eq!(
            retargeted(text, "Formulas", false),
            "[[Formulas]] [[ Formulas ]] [[Formulas|the sheet]] [[Formulas#H]] ![[Formulas]]\n\n| a |\n|---|\n| [[Formulas]] |\n"
        );
        // Text that would not read back as the target: no edit.
        for bad in ["A|B", "A#B", "a]]b", " A", ""] {
            assert_eq!(retargeted("[[x]]\n", bad, true), "[[x]]\n", "{bad:?}");
        }
        let fm = "---\nup: \"[[x]]\"\n---\n[x](x.md)\n";
        assert_eq!(
            retargeted(fm, "Y", true),
            "---\nup: \"[[Y|x]]\"\n---\n[x](x.md)\n"
        );
        assert_eq!(retargeted(fm, "Say \"Y\"", true), fm);
    }

    #[test]
    fn a_restamped_date_keeps_its_form() {
        use super::restyle;
        use jiff::civil::date;
        let (nov24, jun3) = (date(2026, 11, 24), date(2027, 6, 3));
        let cases = [
            ("2026-01-14", nov24, "2026-11-24"),
            ("2026/1/4", jun3, "2027/6/3"),
            ("2026.01.14", jun3, "2027.06.03"),
            ("January 14, 2026", nov24, "November 24, 2026"),
            ("Jan. 14th, 2026", nov24, "Nov. 24th, 2026"),
            ("Jan. 14th, 2026", date(2026, 12, 1), "Dec. 1st, 2026"),
            ("Jan 14TH, 2026", date(2026, 12, 22), "Dec 22ND, 2026"),
            ("Jan 4th 2026", date(2026, 12, 13), "Dec 13th 2026"),
            ("14 Jan 2026", jun3, "3 Jun 2027"),
            ("04 Jan 2026", jun3, "03 Jun 2027"),
            ("14 January, 2026", jun3, "3 June, 2027"),
            ("JAN 14, 2026", jun3, "JUN 3, 2027"),
            ("jan 14, 2026", jun3, "jun 3, 2027"),
            ("Sept 14, 2026", date(2027, 9, 3), "Sept 3, 2027"),
            ("Sept 14, 2026", jun3, "Jun 3, 2027"),
            ("May 14, 2026", nov24, "November 24, 2026"),
        ];
        for (raw, to, want) in cases {
            assert_eq!(restyle(raw, to, false).as_deref(), Some(want), "{raw:?}");
            // What is written reads back as the date it was meant to give.
            let note =
                crate::parse::parse_note("n.md".into(), format!("*Updated {want}*\n").into());
            assert_eq!(
                note.updated_date().and_then(|u| u.date),
                Some(to),
                "{want:?}"
            );
        }
        for (raw, want) in [
            ("2026-01", "2027-06"),
            ("Jan 2026", "Jun 2027"),
            ("January 2026", "June 2027"),
        ] {
            assert_eq!(restyle(raw, jun3, true).as_deref(), Some(want), "{raw:?}");
        }
        for raw in [
            "2026-01-14T10:30:00",
            "soon",
            "Janury 14, 2026",
            "2026-01-14 12",
            "14 15 Jan 2026",
        ] {
            assert_eq!(restyle(raw, jun3, false), None, "{raw:?}");
        }
    }
}
