//! Obsidian syntax pulldown-cmark does not know: `%% comments %%`, `$math$`, and the
//! `vaultc-disable` directives written in comments.
//!
//! The `%` and `$` positions come from text events only, so code spans and code blocks never
//! open a comment or math. Pairing follows Obsidian: `%%` to the next `%%` (or the end of the
//! note), `$$` to the next `$$`, and inline `$…$` by pandoc's rule, which keeps dollar
//! amounts (`$5-$10`, `~$38M`) as text.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::SuppressionScope;

/// Comment and math ranges of a note from the `%%` and `$` offsets found in its text events
/// (outside code), in any order: the one place both the model and the site decide them.
pub(crate) fn hidden_ranges(
    text: &str,
    mut markers: Vec<usize>,
    mut dollars: Vec<usize>,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    // Text events do not always come in text order (pulldown-cmark re-reads the text of a
    // failed link or image, e.g. `![[%%[[%%](] ](](%%)%%%%]]`), so the markers can be out
    // of order or repeated; pairing needs them sorted and apart.
    markers.sort_unstable();
    let mut last_end = 0;
    markers.retain(|&m| {
        let keep = m >= last_end;
        if keep {
            last_end = m + 2;
        }
        keep
    });
    dollars.sort_unstable();
    dollars.dedup();
    let comments = pair_comments(&markers, text.len());
    let math = pair_math(text, &dollars, &comments);
    (comments, math)
}

/// Comment ranges from `%%` marker offsets (sorted). An unclosed comment runs to `end`.
fn pair_comments(markers: &[usize], end: usize) -> Vec<Range<usize>> {
    markers
        .chunks(2)
        .map(|pair| pair[0]..pair.get(1).map_or(end, |&c| c + 2))
        .collect()
}

/// Math ranges from `$` offsets (sorted), skipping those inside comments.
fn pair_math(text: &str, dollars: &[usize], comments: &[Range<usize>]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let d: Vec<usize> = dollars
        .iter()
        .copied()
        .filter(|&p| {
            let escaped = p > 0 && bytes[p - 1] == b'\\';
            !escaped && !inside(comments, p)
        })
        .collect();
    let is_double = |i: usize| d.get(i + 1) == Some(&(d[i] + 1));
    let mut out = Vec::new();
    // The end of the line of the current `$`, found once per line: a 10 MB line of dollars
    // must not be scanned once per dollar.
    let mut line_end = 0;
    let mut i = 0;
    while i < d.len() {
        let p = d[i];
        if is_double(i) {
            let close = (i + 2..d.len()).find(|&j| is_double(j));
            match close {
                Some(j) => {
                    out.push(p..d[j] + 2);
                    i = j + 2;
                }
                None => i += 2,
            }
            continue;
        }
        let opens = text[p + 1..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace());
        if line_end <= p {
            line_end = memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |e| p + e);
        }
        let close = opens
            .then(|| {
                (i + 1..d.len())
                    .take(256)
                    .take_while(|&j| d[j] < line_end)
                    .find(|&j| {
                        let q = d[j];
                        let before = text[..q].chars().next_back();
                        let after = bytes.get(q + 1).copied();
                        before.is_some_and(|c| !c.is_whitespace() && c != '\\')
                            && !after.is_some_and(|b| b.is_ascii_digit() || b == b'$')
                    })
            })
            .flatten();
        match close {
            Some(j) => {
                out.push(p..d[j] + 1);
                i = j + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Is `pos` inside one of the sorted, non-overlapping `ranges`?
pub(super) fn inside(ranges: &[Range<usize>], pos: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= pos);
    ranges.get(i).is_some_and(|r| r.start <= pos)
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*vaultc-disable(-next-line)?\b\s*([\w\-,\s]*?)\s*$").expect("static regex")
});

/// Reads `vaultc-disable RULE …` / `vaultc-disable-next-line RULE …` from a comment's content.
pub(super) fn directive(content: &str) -> Option<(SuppressionScope, Vec<String>)> {
    let c = DIRECTIVE.captures(content)?;
    let scope = if c.get(1).is_some() {
        SuppressionScope::NextLine
    } else {
        SuppressionScope::RestOfNote
    };
    let rules = c[2]
        .split(|ch: char| ch == ',' || ch.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some((scope, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn math(s: &str) -> Vec<&str> {
        let dollars: Vec<usize> = memchr::memchr_iter(b'$', s.as_bytes()).collect();
        pair_math(s, &dollars, &[])
            .into_iter()
            .map(|r| &s[r])
            .collect()
    }

    #[test]
    fn dollar_amounts_are_not_math() {
        assert!(math("from $5-$10 and $1,000/$2,000").is_empty());
        assert!(math("~$38M and ~$10M | x").is_empty());
        assert!(math("costs $5M vs [[NVIDIA]] at $3M").is_empty());
        assert_eq!(math("so $x^2$ and $$[[a]]$$"), ["$x^2$", "$$[[a]]$$"]);
    }

    #[test]
    fn directives() {
        assert_eq!(
            directive(" vaultc-disable broken-link, stale-note "),
            Some((
                SuppressionScope::RestOfNote,
                vec!["broken-link".into(), "stale-note".into()]
            ))
        );
        assert_eq!(
            directive("vaultc-disable-next-line broken-link").map(|d| d.0),
            Some(SuppressionScope::NextLine)
        );
        assert_eq!(directive("just a comment"), None);
    }
}
