//! Link syntax: the parts of a wikilink or embed as written, and local Markdown links.
//!
//! pulldown-cmark finds wikilinks (and knows where code spans and HTML hide them); this module
//! reads the raw text of each one, so every part keeps its exact byte range. Obsidian's rules
//! (OBSIDIAN.md §A): the first `|` ends the link text (a `\` right before it belongs to the
//! separator, as tables require), the first `#` ends the path, and the path is trimmed.

use std::ops::Range;

use crate::model::{Link, LinkKind, Subpath, TextRef};
use crate::source::Span;

/// A wikilink's parts, as byte ranges of the note text.
#[derive(Debug)]
pub(crate) struct WikiParts<'t> {
    text: &'t str,
    pub kind: LinkKind,
    /// The path, trimmed.
    pub target: Range<usize>,
    /// After the first `#`, trimmed.
    pub subpath_raw: Option<Range<usize>>,
    /// After the first `|`.
    pub display: Option<Range<usize>>,
}

impl<'t> WikiParts<'t> {
    /// `[[]]`, `[[|x]]`, `[[#]]`: nothing to link to.
    pub fn is_empty(&self) -> bool {
        self.target.is_empty() && self.subpath() == Subpath::None
    }

    #[cfg(test)]
    pub fn target(&self) -> &'t str {
        &self.text[self.target.clone()]
    }

    pub fn subpath(&self) -> Subpath<'t> {
        self.subpath_raw
            .clone()
            .map_or(Subpath::None, |r| Subpath::parse(&self.text[r]))
    }

    pub fn into_link(self, span: Span, in_table: bool) -> Link {
        let text_ref = |r: Range<usize>| TextRef::in_text(r.start, r.end);
        Link {
            kind: self.kind,
            target: text_ref(self.target),
            subpath_raw: self.subpath_raw.map(text_ref),
            display: self.display.map(text_ref),
            span,
            in_table,
            unescaped_pipe: None,
        }
    }
}

/// Reads `text[start..end]`, which must be a whole `[[…]]` or `![[…]]`.
///
/// Returns `None` for text that Obsidian would not take as a link: a target holding `[`, `]`
/// or a line break (pulldown-cmark accepts those; OBSIDIAN.md A9, A10).
pub(crate) fn parse_wikilink(
    text: &str,
    start: usize,
    end: usize,
    kind: LinkKind,
) -> Option<WikiParts<'_>> {
    let raw = text.get(start..end)?;
    let (kind, open) = match (kind, raw.starts_with('!')) {
        (LinkKind::Frontmatter, _) => (LinkKind::Frontmatter, 2),
        (_, true) => (LinkKind::Embed, 3),
        (_, false) => (LinkKind::Wiki, 2),
    };
    let opener = if open == 3 { "![[" } else { "[[" };
    if raw.len() < open + 2 || !raw.starts_with(opener) || !raw.ends_with("]]") {
        return None;
    }
    let inner_start = start + open;
    let inner = &text[inner_start..end - 2];
    // Offsets below are relative to `inner_start`.
    let (linktext_len, display) = match inner.find('|') {
        Some(p) => {
            let escaped = p > 0 && inner.as_bytes()[p - 1] == b'\\';
            (if escaped { p - 1 } else { p }, Some(p + 1..inner.len()))
        }
        None => (inner.len(), None),
    };
    let linktext = &inner[..linktext_len];
    let (path, sub) = match linktext.find('#') {
        Some(h) => (&linktext[..h], Some(h + 1..linktext_len)),
        None => (linktext, None),
    };
    let target = path.trim();
    if target.contains(['[', ']', '\n', '\r']) {
        return None;
    }
    let lead = path.len() - path.trim_start().len();
    let target_start = inner_start + lead;
    let at = |r: Range<usize>| r.start + inner_start..r.end + inner_start;
    Some(WikiParts {
        text,
        kind,
        target: target_start..target_start + target.len(),
        subpath_raw: sub.map(|r| {
            let (s, e) = super::trim_range(text, r.start + inner_start, r.end + inner_start);
            s..e
        }),
        display: display.map(at),
    })
}

/// A Markdown link destination that points into the vault: `(path, subpath_raw)`, with the
/// path percent-decoded. External URLs (any scheme, `//host`) give `None`.
pub(crate) fn local_destination(dest: &str) -> Option<(String, Option<String>)> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return None;
    }
    let (path, sub) = match dest.find('#') {
        Some(h) => (&dest[..h], Some(dest[h + 1..].to_owned())),
        None => (dest, None),
    };
    // A query string never names a vault file.
    let path = path.split('?').next().unwrap_or(path);
    Some((percent_decode(path), sub.map(|s| percent_decode(&s))))
}

/// Byte range of a Markdown link's path in `text[start..end]`, when it is written verbatim
/// right after `](` (spaces and a `<` allowed between) and ends there (at `#`, `?`, `)`, `>`
/// or a space). Percent-encoded or escaped paths and reference links (`![x][ref]`) give
/// `None`: no range holds their `target`, so a fix must not be written there.
pub(crate) fn markdown_target_range(
    text: &str,
    start: usize,
    end: usize,
    target: &str,
) -> Option<(usize, usize)> {
    let raw = text.get(start..end)?;
    if target.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = raw[from..].find("](") {
        let at = from + i + 2;
        let rest = raw[at..].trim_start();
        let rest = rest.strip_prefix('<').unwrap_or(rest);
        let path_at = raw.len() - rest.len();
        if let Some(after) = rest.strip_prefix(target)
            && after.starts_with(['#', '?', ')', '>', ' ', '\t', '\n', '\r'])
        {
            return Some((start + path_at, start + path_at + target.len()));
        }
        from = at;
    }
    None
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Decodes `%XX` escapes; text that does not decode to UTF-8 is returned as written.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> Option<WikiParts<'_>> {
        parse_wikilink(s, 0, s.len(), LinkKind::Wiki)
    }

    fn display<'a>(p: &WikiParts<'a>) -> Option<&'a str> {
        p.display.clone().map(|r| &p.text[r])
    }

    fn chain<'a>(p: &WikiParts<'a>) -> Vec<&'a str> {
        match p.subpath() {
            Subpath::Heading(c) => c.iter().collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn escaped_pipe_belongs_to_the_separator() {
        let p = parts("[[Google\\|Alphabet]]").unwrap();
        assert_eq!(p.target(), "Google");
        assert_eq!(display(&p), Some("Alphabet"));
    }

    #[test]
    fn target_is_trimmed_and_split_at_first_hash() {
        let p = parts("[[ foo#^abc |foo > ^abc]]").unwrap();
        assert_eq!((p.target(), p.target.clone()), ("foo", 3..6));
        assert_eq!(p.subpath(), Subpath::Block("abc"));
        assert_eq!(p.subpath_raw.clone().map(|r| &p.text[r]), Some("^abc"));
        let p = parts("[[Help#Questions#Report bugs]]").unwrap();
        assert_eq!(chain(&p), ["Questions", "Report bugs"]);
        let p = parts("[[Help# A ## B #]]").unwrap();
        assert_eq!(chain(&p), ["A", "B"]);
        assert_eq!(display(&parts("[[a|b|c]]").unwrap()), Some("b|c"));
        assert_eq!(parts("[[page#]]").unwrap().subpath(), Subpath::None);
        assert_eq!(parts("[[page# # ]]").unwrap().subpath(), Subpath::None);
        assert_eq!(parts("[[page#^ ]]").unwrap().subpath(), Subpath::None);
        assert!(parts("[[#]]").unwrap().is_empty());
    }

    #[test]
    fn brackets_or_line_breaks_in_target_are_not_links() {
        assert!(parts("[[a]b]]").is_none());
        assert!(parts("[[Note\ncontinued]]").is_none());
    }

    #[test]
    fn markdown_target_ranges_point_at_the_written_path() {
        fn range<'s>(s: &'s str, t: &str) -> Option<&'s str> {
            markdown_target_range(s, 0, s.len(), t).map(|(a, b)| &s[a..b])
        }
        assert_eq!(range("![alt](CHART.png)", "CHART.png"), Some("CHART.png"));
        assert_eq!(range("[a](b.md)](x.md#h)", "x.md"), Some("x.md"));
        assert_eq!(
            range("[t]( <My Note.md> \"t\")", "My Note.md"),
            Some("My Note.md")
        );
        assert_eq!(range("[x.md](x.md?q=1)", "x.md"), Some("x.md"));
        // Not verbatim: encoded, or only a prefix, or a reference link.
        assert_eq!(range("![](My%20Chart.png)", "My Chart.png"), None);
        assert_eq!(range("[x](ab.md)", "a"), None);
        assert_eq!(range("![x][ref]", "x.png"), None);
    }

    #[test]
    fn markdown_destinations() {
        assert_eq!(
            local_destination("a%20b.md#h"),
            Some(("a b.md".into(), Some("h".into())))
        );
        assert_eq!(local_destination("https://x.y/#z"), None);
        assert_eq!(local_destination("mailto:a@b.c"), None);
        assert_eq!(
            local_destination("#Heading"),
            Some((String::new(), Some("Heading".into())))
        );
        assert_eq!(percent_decode("%E2%82%AC%2"), "€%2");
    }
}
