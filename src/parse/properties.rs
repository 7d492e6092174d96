//! Where each top-level frontmatter property is written: its key, its value and, for a list,
//! each item. The YAML parser gives values without positions; this reads the same text once,
//! line by line, for the shapes Obsidian writes (plain and quoted scalars, `[…]` and block
//! lists, block scalars, nested mappings), and [`super::frontmatter`] keeps a shape only when
//! it agrees with the parsed value (same key, as many items as the parsed list).
//!
//! Linear in the YAML text: every byte is looked at a bounded number of times.

use std::ops::Range;

/// One top-level `key: value` entry, as byte ranges of the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Written {
    /// The key, inside its quotes when quoted.
    pub key: Range<usize>,
    /// The value (see [`crate::model::Property::span`]).
    pub value: Range<usize>,
    /// A list's items, each as [`value_in`] reads a value; `None` when the value is no list.
    pub items: Option<Vec<Range<usize>>>,
}

/// Every top-level entry of `yaml`, in text order.
pub(super) fn scan(yaml: &str) -> Vec<Written> {
    let lines = line_ranges(yaml);
    let root = lines
        .iter()
        .map(|r| &yaml[r.clone()])
        .find(|l| is_content(l))
        .map_or(0, indent);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let r = lines[i].clone();
        let line = &yaml[r.clone()];
        i += 1;
        let rest = &line[indent(line).min(line.len())..];
        if !is_content(line) || indent(line) != root || is_item(rest) {
            continue;
        }
        let Some(key_len) = super::frontmatter::key_end(rest) else {
            continue;
        };
        let key_at = r.start + root;
        let key = key_range(yaml, key_at, key_at + key_len - 1);
        // The entry: this line and the lines under it (deeper, or `- ` items at the root).
        let mut end = r.end;
        while let Some(next) = lines.get(i) {
            let l = &yaml[next.clone()];
            let rest = &l[indent(l).min(l.len())..];
            // (A flow list or mapping may close at the root's indent.)
            let deeper = indent(l) > root || is_item(rest) || rest.starts_with([']', '}']);
            if is_content(l) && !deeper {
                break;
            }
            end = next.end;
            i += 1;
        }
        let (value, items) = value_in(yaml, key_at + key_len..end, true);
        out.push(Written { key, value, items });
    }
    out
}

/// Each line's range without its line break (`\n` or `\r\n`).
fn line_ranges(yaml: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in yaml.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        out.push(start..start + text.len());
        start += line.len();
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Neither blank nor only a comment.
fn is_content(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    !t.is_empty() && !t.starts_with('#')
}

/// A block list item: `-` then a space or the line's end.
fn is_item(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t")
}

/// The key written at `at..colon` (its `:` at `colon`): inside its quotes, or trimmed.
fn key_range(yaml: &str, at: usize, colon: usize) -> Range<usize> {
    let raw = yaml[at..colon].trim_end_matches([' ', '\t']);
    let quoted = raw.len() >= 2
        && (raw.starts_with('"') && raw.ends_with('"')
            || raw.starts_with('\'') && raw.ends_with('\''));
    if quoted {
        at + 1..at + raw.len() - 1
    } else {
        at..at + raw.len()
    }
}

/// The value written in `yaml[r]` (what follows a `key:` or a `- `) and, for a list when
/// `items` asks, its items (a list's items do not read their own lists' items: each byte is
/// read a bounded number of times however deep lists nest). Spaces, comments, anchors (`&a`)
/// and tags (`!t`) before it are skipped; nothing left is an empty range where `r` starts.
fn value_in(yaml: &str, r: Range<usize>, items: bool) -> (Range<usize>, Option<Vec<Range<usize>>>) {
    let b = yaml.as_bytes();
    let p = skip_props(yaml, skip_space(yaml, r.start, r.end), r.end);
    if p >= r.end {
        return (r.start..r.start, None);
    }
    match b[p] {
        b'[' => {
            let close = flow_end(yaml, p, r.end);
            (p..close, items.then(|| flow_items(yaml, p + 1..close)))
        }
        b'{' => (p..flow_end(yaml, p, r.end), None),
        b'"' | b'\'' => {
            let (inner, _) = quoted(yaml, p, r.end);
            (inner, None)
        }
        b'-' if is_item(yaml[p..r.end].split(['\n', '\r']).next().unwrap_or("")) => {
            if !items {
                return (p..content_end(yaml, p..r.end, false), None);
            }
            let items = block_items(yaml, p..r.end);
            let end = items.last().map_or(p + 1, |i| i.end.max(p + 1));
            (p..end, Some(items))
        }
        b'|' | b'>' => (p..content_end(yaml, p..r.end, false), None),
        _ => (p..content_end(yaml, p..r.end, true), None),
    }
}

/// The first byte at or after `at` (before `end`) that is no space, line break or comment.
fn skip_space(yaml: &str, mut at: usize, end: usize) -> usize {
    let b = yaml.as_bytes();
    while at < end {
        match b[at] {
            b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            b'#' => at = yaml[at..end].find('\n').map_or(end, |i| at + i),
            _ => break,
        }
    }
    at
}

/// Skips `&anchor` and `!tag` properties (and the spaces after them).
fn skip_props(yaml: &str, mut at: usize, end: usize) -> usize {
    while at < end && matches!(yaml.as_bytes()[at], b'&' | b'!') {
        let token = yaml[at..end]
            .find([' ', '\t', '\n', '\r'])
            .map_or(end, |i| at + i);
        at = skip_space(yaml, token, end);
    }
    at
}

/// A quoted scalar opening at `at`: the range inside its quotes and the offset after its
/// closing quote (unclosed: to `end`).
fn quoted(yaml: &str, at: usize, end: usize) -> (Range<usize>, usize) {
    let b = yaml.as_bytes();
    let q = b[at];
    let mut i = at + 1;
    while i < end {
        match b[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return (at + 1..i, i + 1),
            _ => i += 1,
        }
    }
    (at + 1..end, end)
}

/// The offset after the `]` or `}` that closes the flow collection opening at `at` (quotes,
/// nesting and comments heeded); unclosed: `end`.
fn flow_end(yaml: &str, at: usize, end: usize) -> usize {
    let b = yaml.as_bytes();
    let mut depth = 0usize;
    let mut i = at;
    while i < end {
        match b[i] {
            b'"' | b'\'' if starts_token(b, i) => i = quoted(yaml, i, end).1,
            b'#' if i > at && matches!(b[i - 1], b' ' | b'\t') => {
                i = yaml[i..end].find('\n').map_or(end, |n| i + n);
            }
            c => {
                if matches!(c, b'[' | b'{') {
                    depth += 1;
                } else if matches!(c, b']' | b'}') {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                i += 1;
            }
        }
    }
    end
}

/// A quote opens a quoted scalar only where a scalar starts (`[a'b]` is a plain `a'b`).
fn starts_token(b: &[u8], i: usize) -> bool {
    i == 0
        || matches!(
            b[i - 1],
            b'[' | b'{' | b',' | b' ' | b'\t' | b'\n' | b'\r' | b':'
        )
}

/// The items of a flow list whose inside is `r` (between `[` and `]`): quoted items inside
/// their quotes, nested collections bracket to bracket, plain items trimmed. A trailing
/// comma makes no item.
fn flow_items(yaml: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let b = yaml.as_bytes();
    let end = r.end.saturating_sub(1).max(r.start);
    let mut out = Vec::new();
    let mut at = r.start;
    loop {
        at = skip_props(yaml, skip_space(yaml, at, end), end);
        if at >= end {
            return out;
        }
        let (item, after) = match b[at] {
            b',' => (at..at, at),
            b'"' | b'\'' => quoted(yaml, at, end),
            b'[' | b'{' => {
                let close = flow_end(yaml, at, end);
                (at..close, close)
            }
            _ => {
                let stop = plain_flow_end(yaml, at, end);
                (
                    at..at + strip_comment(&yaml[at..stop]).trim_end().len(),
                    stop,
                )
            }
        };
        out.push(item);
        // On to the comma after the item (a `key: value` pair item runs on to it too).
        let comma = plain_flow_end(yaml, after, end);
        let Some(next) = (comma < end && b[comma] == b',').then_some(comma + 1) else {
            return out;
        };
        at = next;
    }
}

/// Where a plain scalar in a flow list, starting at `at`, ends: at a `,`, `[`, `]`, `{`, `}`
/// or a comment (quotes after a value's start are skipped whole).
fn plain_flow_end(yaml: &str, mut at: usize, end: usize) -> usize {
    let b = yaml.as_bytes();
    let start = at;
    while at < end {
        match b[at] {
            b',' | b'[' | b']' | b'{' | b'}' => break,
            b'#' if at > start && matches!(b[at - 1], b' ' | b'\t') => {
                at = yaml[at..end].find('\n').map_or(end, |n| at + n);
            }
            b'"' | b'\'' if at > start && starts_token(b, at) => at = quoted(yaml, at, end).1,
            _ => at += 1,
        }
    }
    at
}

/// The items of a block list starting with the `-` at `r.start`: each item's value (see
/// [`value_in`]), its region running to the next `-` at the same indent.
fn block_items(yaml: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let line_start = yaml[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let dash_indent = r.start - line_start;
    // Offsets of the item dashes: the first, then each line's at the same indent.
    let mut dashes = vec![r.start];
    let mut pos = yaml[r.start..r.end]
        .find('\n')
        .map_or(r.end, |i| r.start + i + 1);
    while pos < r.end {
        let line_end = yaml[pos..r.end].find('\n').map_or(r.end, |i| pos + i);
        let line = yaml[pos..line_end].trim_end_matches('\r');
        if indent(line) == dash_indent && is_item(&line[dash_indent..]) {
            dashes.push(pos + dash_indent);
        }
        pos = line_end + 1;
    }
    let bounds = dashes.iter().skip(1).copied().chain([r.end]);
    dashes
        .iter()
        .zip(bounds)
        .map(|(&dash, next)| value_in(yaml, dash + 1..next, false).0)
        .collect()
}

/// The end of the last line of text in `r`, blank lines after it left out. For a plain
/// scalar (`plain`), comment-only lines after it and a ` #comment` ending it are left out
/// too (in a block scalar a `#` is text).
fn content_end(yaml: &str, r: Range<usize>, plain: bool) -> usize {
    let mut last = r.start..r.start;
    let mut pos = r.start;
    for line in yaml[r.clone()].split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let t = text.trim_start_matches([' ', '\t']);
        let first = pos == r.start;
        if !t.is_empty() && (!plain || first || !t.starts_with('#')) {
            last = pos..pos + text.len();
        }
        pos += line.len();
    }
    let text = &yaml[last.clone()];
    let text = if plain { strip_comment(text) } else { text };
    last.start + text.trim_end_matches([' ', '\t']).len()
}

/// `text` up to its first comment (a `#` after a space or tab).
fn strip_comment(text: &str) -> &str {
    let b = text.as_bytes();
    match (1..b.len()).find(|&i| b[i] == b'#' && matches!(b[i - 1], b' ' | b'\t')) {
        Some(i) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    type Shape = (String, String, Vec<String>);

    fn note(text: &str) -> crate::model::Note {
        crate::parse::parse_note("n.md".into(), text.as_bytes().to_vec())
    }

    /// Each property as the text its spans slice: key, value, items.
    fn shapes(text: &str) -> Vec<Shape> {
        let n = note(text);
        let slice = |s: crate::source::Span| n.text[s.range()].to_owned();
        let fm = n.frontmatter.as_ref().unwrap();
        assert!(fm.error.is_none(), "{:?}", fm.error);
        // Every span's line and column agree with its offset.
        for p in &fm.properties {
            for s in [p.key_span, p.span].iter().chain(&p.items) {
                assert_eq!(n.lines.line_col(&n.text, s.start as usize), (s.line, s.col));
            }
        }
        fm.properties
            .iter()
            .map(|p| {
                let items = p.items.iter().map(|&s| slice(s)).collect();
                (slice(p.key_span), slice(p.span), items)
            })
            .collect()
    }

    fn shape(key: &str, value: &str, items: &[&str]) -> Shape {
        let items = items.iter().map(|&s| s.to_owned()).collect();
        (key.to_owned(), value.to_owned(), items)
    }

    #[test]
    fn scalars_keep_the_span_they_are_written_at() {
        let text = "---\ntitle: Plain words  # a comment\n\"quoted key\": \"x, y\"\nsingle: 'it''s'\nempty:\nn: 12\nfolded: a\n  b\nblock: |\n  line # not a comment\n\n  more\nanchored: &a !!str  v\n---\nbody\n";
        assert_eq!(
            shapes(text),
            [
                shape("title", "Plain words", &[]),
                shape("quoted key", "x, y", &[]),
                shape("single", "it''s", &[]),
                shape("empty", "", &[]),
                shape("n", "12", &[]),
                shape("folded", "a\n  b", &[]),
                shape("block", "|\n  line # not a comment\n\n  more", &[]),
                shape("anchored", "v", &[]),
            ]
        );
    }

    #[test]
    fn lists_keep_a_span_per_item() {
        let text = "---\nflow: [a, \"b, c\", 'd' , [e, f], {g: h},]\nblock:\n  - one\n  - \"two\"  # c\n  -\n  - - nested\n    - deeper\nsame:\n- x\n- y\nmulti: [\n  p,\n  q # c\n]\nmap:\n  k: v\n  l: [w]\n---\n";
        assert_eq!(
            shapes(text),
            [
                shape(
                    "flow",
                    "[a, \"b, c\", 'd' , [e, f], {g: h},]",
                    &["a", "b, c", "d", "[e, f]", "{g: h}"]
                ),
                shape(
                    "block",
                    "- one\n  - \"two\"  # c\n  -\n  - - nested\n    - deeper",
                    &["one", "two", "", "- nested\n    - deeper"]
                ),
                shape("same", "- x\n- y", &["x", "y"]),
                shape("multi", "[\n  p,\n  q # c\n]", &["p", "q"]),
                shape("map", "k: v\n  l: [w]", &[]),
            ]
        );
    }

    #[test]
    fn crlf_bom_and_multibyte_text_keep_their_spans() {
        let text = "\u{FEFF}---\r\naliases: [Société Générale, \"日本\"]\r\ntags:\r\n  - é/ü\r\nnote: ça va 🙂\r\n---\r\n";
        assert_eq!(
            shapes(text),
            [
                shape(
                    "aliases",
                    "[Société Générale, \"日本\"]",
                    &["Société Générale", "日本"]
                ),
                shape("tags", "- é/ü", &["é/ü"]),
                shape("note", "ça va 🙂", &[]),
            ]
        );
        let n = note(text);
        let al = &n.aliases[1];
        assert_eq!((al.span.line, al.span.col), (2, 30));
    }

    #[test]
    fn aliases_span_their_own_text() {
        // `a` is also in the key `aliases`: each alias is found in its value, not before.
        let cases = [
            ("---\naliases: [a, b, a]\n---\n", vec!["a", "b", "a"]),
            ("---\naliases:\n  - a\n  - \" b \"\n---\n", vec!["a", "b"]),
            ("---\naliases: a, b\n---\n", vec!["a", "b"]),
            ("---\nalias: \"a\"\n---\n", vec!["a"]),
            (
                "---\naliases: [1, true, {x: y}, c]\n---\n",
                vec!["1", "true", "c"],
            ),
        ];
        for (text, want) in cases {
            let n = note(text);
            let got: Vec<&str> = n.aliases.iter().map(|a| &n.text[a.span.range()]).collect();
            assert_eq!(got, want, "{text:?}");
            let texts: Vec<&str> = n.aliases.iter().map(|a| a.text.as_str()).collect();
            assert_eq!(texts, want, "{text:?}");
            let at = n.text.find("alias").unwrap() + 5;
            assert!(
                n.aliases.iter().all(|a| a.span.start as usize > at),
                "{text:?}"
            );
        }
    }

    #[test]
    fn frontmatter_tags_span_their_own_text() {
        // `a` and `g` are also in the key `tags`.
        let cases = [
            ("---\ntags: [a, g/b, 'a']\n---\n", vec!["a", "g/b", "a"]),
            ("---\ntags:\n  - a\n  - \"#g\"\n---\n", vec!["a", "#g"]),
            ("---\ntags: a, g  t\n---\n", vec!["a", "g", "t"]),
            ("---\ntag: \"a\"\n---\n", vec!["a"]),
        ];
        for (text, want) in cases {
            let n = note(text);
            // Valid or not (`#g` in a list is not a tag), each spans its own text.
            let mut spans: Vec<_> = n.tags.iter().map(|t| t.span).collect();
            spans.extend(n.invalid_tags.iter().map(|t| t.span));
            spans.sort();
            let got: Vec<&str> = spans.iter().map(|s| &n.text[s.range()]).collect();
            assert_eq!(got, want, "{text:?}");
            let at = n.text.find("tag").unwrap() + 3;
            assert!(spans.iter().all(|s| s.start as usize > at), "{text:?}");
        }
    }

    #[test]
    fn a_shape_that_disagrees_with_the_value_keeps_no_items() {
        // A `#` glued to a word is text in YAML: one item `a#b`, not a comment.
        let s = shapes("---\nx: [a#b]\ny: \"esc\\\"aped\"\n---\n");
        assert_eq!(s[0], shape("x", "[a#b]", &["a#b"]));
        assert_eq!(s[1], shape("y", "esc\\\"aped", &[]));
    }
}
