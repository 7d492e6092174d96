//! Obsidian syntax pulldown-cmark does not know: `%% comments %%`, `$math$`, and the
//! `vaultc-disable` directives written in comments.
//!
//! The `%` and `$` positions come from text events only, so code spans and code blocks never
//! open a comment or math. Pairing follows Obsidian: `%%` to the next `%%` (or the end of the
//! note), `$$` to the next `$$`, and inline `$…$` by pandoc's rule, which keeps dollar
//! amounts (`$5-$10`, `~$38M`) as text. Math stays inside one block (a paragraph, a heading,
//! a list item's text, a table cell), so it never crosses a table cell or a blank line; and a
//! wikilink is never inside math: a `$` in a wikilink (`[[LAPSUS$]]`) opens or closes nothing,
//! and a span that would hold a wikilink is not math.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use regex::Regex;

use crate::model::SuppressionScope;

/// The `%%` and `$` markers of a note, gathered from its events with what math may not cross:
/// the one place both the model and the site decide comments and math.
#[derive(Debug, Default)]
pub(crate) struct Markers {
    /// `%%` offsets.
    comments: Vec<usize>,
    /// `$` offsets, each with the number of the block it sits in.
    dollars: Vec<(usize, u32)>,
    /// Wikilinks and embeds that can matter to math (see [`Markers::wikilink`]).
    wikilinks: Vec<Range<usize>>,
    /// The last wikilink seen, kept here until a `$` inside it or after it makes it matter.
    last_link: Option<Range<usize>>,
    block: u32,
}

impl Markers {
    /// A `%%` at `at`.
    pub fn comment(&mut self, at: usize) {
        self.comments.push(at);
    }

    /// A `$` at `at`, in the current block.
    pub fn dollar(&mut self, at: usize) {
        if let Some(link) = self.last_link.take_if(|l| l.contains(&at)) {
            self.wikilinks.push(link);
        }
        self.dollars.push((at, self.block));
    }

    /// A wikilink or wikilink embed written at `r`. Only one that holds a `$` or comes after
    /// one can matter to math, so only those are kept: a link's text events come right after
    /// it opens, and events come in text order.
    pub fn wikilink(&mut self, r: Range<usize>) {
        if self.dollars.is_empty() {
            self.last_link = Some(r);
        } else {
            self.wikilinks.push(r);
        }
    }

    /// A block starts or ends: math never spans it.
    pub fn next_block(&mut self) {
        self.block += 1;
    }

    /// Reads the markers off a note's events (offsets into `text`), as the parser does.
    pub fn from_events(text: &str, events: &[(Event<'_>, Range<usize>)]) -> Self {
        let bytes = text.as_bytes();
        let mut m = Self::default();
        let mut in_code = false;
        for (event, r) in events {
            if splits_math(event) {
                m.next_block();
            }
            match event {
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Start(Tag::Link { link_type, .. } | Tag::Image { link_type, .. })
                    if matches!(link_type, LinkType::WikiLink { .. }) =>
                {
                    m.wikilink(r.clone());
                }
                Event::Text(_) if !in_code => {
                    let src = &bytes[r.clone()];
                    for i in memchr::memmem::find_iter(src, b"%%") {
                        m.comment(r.start + i);
                    }
                    for i in memchr::memchr_iter(b'$', src) {
                        m.dollar(r.start + i);
                    }
                }
                _ => {}
            }
        }
        m
    }

    /// Comment and math ranges, each sorted. The markers may have come in any order.
    pub fn hidden_ranges(self, text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let Self {
            comments: mut markers,
            mut dollars,
            mut wikilinks,
            ..
        } = self;
        // Text events do not always come in text order (pulldown-cmark re-reads the text of
        // a failed link or image, e.g. `![[%%[[%%](] ](](%%)%%%%]]`), so the markers can be
        // out of order or repeated; pairing needs them sorted and apart.
        markers.sort_unstable();
        let mut last_end = 0;
        markers.retain(|&m| {
            let keep = m >= last_end;
            if keep {
                last_end = m + 2;
            }
            keep
        });
        let comments = pair_comments(&markers, text.len());
        if dollars.is_empty() {
            return (comments, Vec::new());
        }
        dollars.sort_unstable();
        dollars.dedup_by_key(|d| d.0);
        wikilinks.sort_unstable_by_key(|r| (r.start, r.end));
        let math = pair_math(text, &dollars, &comments, &wikilinks);
        (comments, math)
    }
}

/// Does this event start or end a block (which math never crosses)? Inline markup does not.
pub(crate) fn splits_math(event: &Event<'_>) -> bool {
    inline_tag(event) == Some(false)
}

/// For an event that starts or ends an element: is the element inline markup (emphasis,
/// links, images…) rather than a block? `None` for every other event.
pub(crate) fn inline_tag(event: &Event<'_>) -> Option<bool> {
    match event {
        Event::Start(tag) => Some(matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        )),
        Event::End(tag) => Some(matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        )),
        _ => None,
    }
}

/// Comment ranges from `%%` marker offsets (sorted). An unclosed comment runs to `end`.
fn pair_comments(markers: &[usize], end: usize) -> Vec<Range<usize>> {
    markers
        .chunks(2)
        .map(|pair| pair[0]..pair.get(1).map_or(end, |&c| c + 2))
        .collect()
}

/// Math ranges from `$` offsets with their blocks (sorted), skipping those inside comments
/// and wikilinks; no range holds a wikilink (`links`, sorted).
fn pair_math(
    text: &str,
    dollars: &[(usize, u32)],
    comments: &[Range<usize>],
    links: &[Range<usize>],
) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let d: Vec<(usize, u32)> = dollars
        .iter()
        .copied()
        .filter(|&(p, _)| {
            let escaped = p > 0 && bytes[p - 1] == b'\\';
            !escaped && !inside(comments, p) && !inside(links, p)
        })
        .collect();
    // Is `d[i]` the first of a `$$` in one block?
    let is_double = |i: usize| d.get(i + 1) == Some(&(d[i].0 + 1, d[i].1));
    // Does `start..end` hold the start of a wikilink?
    let holds_link = |start: usize, end: usize| {
        let k = links.partition_point(|l| l.start <= start);
        links.get(k).is_some_and(|l| l.start < end)
    };
    let mut out = Vec::new();
    // The end of the line of the current `$`, found once per line: a 10 MB line of dollars
    // must not be scanned to its end once per dollar.
    let mut line_end = 0;
    let mut i = 0;
    while i < d.len() {
        let (p, block) = d[i];
        if line_end <= p {
            line_end = memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |e| p + e);
        }
        if is_double(i) {
            let close = (i + 2..d.len())
                .take_while(|&j| d[j].1 == block)
                .find(|&j| is_double(j));
            match close {
                Some(j) if !holds_link(p, d[j].0) => {
                    out.push(p..d[j].0 + 2);
                    i = j + 2;
                }
                _ => i += 2,
            }
            continue;
        }
        match inline_close(text, &d, i, line_end) {
            Some(j) if !holds_link(p, d[j].0) => {
                out.push(p..d[j].0 + 1);
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The `$` that closes inline math opened by `d[i]`, by pandoc's rule: the opener is followed
/// by a non-space, the closer (on the same line, in the same block) follows a non-space and
/// is not followed by a digit or another `$`. `line_end` is where the opener's line ends.
fn inline_close(text: &str, d: &[(usize, u32)], i: usize, line_end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (p, block) = d[i];
    let opens = text[p + 1..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace());
    if !opens {
        return None;
    }
    (i + 1..d.len())
        .take(256)
        .take_while(|&j| d[j].0 < line_end && d[j].1 == block)
        .find(|&j| {
            let q = d[j].0;
            let before = text[..q].chars().next_back();
            let after = bytes.get(q + 1).copied();
            before.is_some_and(|c| !c.is_whitespace() && c != '\\')
                && !after.is_some_and(|b| b.is_ascii_digit() || b == b'$')
        })
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

    /// The math of a note, read from its events as the parser and the site read it.
    fn math(s: &str) -> Vec<&str> {
        let events: Vec<_> = pulldown_cmark::Parser::new_ext(s, super::super::markdown_options())
            .into_offset_iter()
            .collect();
        let (_, math) = Markers::from_events(s, &events).hidden_ranges(s);
        math.into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn dollar_amounts_are_not_math() {
        assert!(math("from $5-$10 and $1,000/$2,000").is_empty());
        assert!(math("~$38M and ~$10M | x").is_empty());
        assert!(math("costs $5M vs [[NVIDIA]] at $3M").is_empty());
        assert_eq!(math("so $x^2$ and $$y$$"), ["$x^2$", "$$y$$"]);
        assert_eq!(math("$$\na = b\n$$\n"), ["$$\na = b\n$$"]);
    }

    #[test]
    fn a_dollar_in_a_wikilink_opens_no_math() {
        // The second `$` would close math opened by the first and hide `[[Okta]]`.
        assert!(math("[[LAPSUS$]] obtained access to [[Okta]], said [[LAPSUS$]].").is_empty());
        assert!(math("![[P$L.png]] and [[Okta]] then ![[P$L.png]]").is_empty());
        assert_eq!(math("[[LAPSUS$]] and $x^2$"), ["$x^2$"]);
    }

    #[test]
    fn a_span_holding_a_wikilink_is_not_math() {
        assert!(math("$[[D]]$ and $$[[a]]$$").is_empty());
        assert!(math("paid $5 for [[Okta]] and 10$ more").is_empty());
        // The opener that would hold the link is skipped; the next pair is math.
        assert_eq!(math("$a [[B]] c$ then $x$"), ["$x$"]);
    }

    #[test]
    fn math_never_crosses_a_table_cell_or_a_blank_line() {
        let table = "| a | b |\n|---|---|\n| $$$ | Constrained ([[Power constraints]]) |\n\
                     | x | y |\n| $$ | z |\n";
        assert!(math(table).is_empty());
        assert!(math("| a | b |\n|---|---|\n| $x | y$ |\n").is_empty());
        assert_eq!(math("| a | b |\n|---|---|\n| $x$ | y |\n"), ["$x$"]);
        assert!(math("$$\na = b\n\nc = d\n$$\n").is_empty());
        assert!(math("# Price $$\n$$ below\n").is_empty());
        assert!(math("- item $$a\n- item b$$\n").is_empty());
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
