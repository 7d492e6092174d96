//! What must hold for every [`Note`] `parse_note` returns, whatever the input bytes.

use vaultc::model::{Link, LinkKind, Note, UpdatedSource};
use vaultc::source::Span;

/// Everything wrong with a parsed note (empty when all invariants hold).
///
/// - every span lies in the text (`start <= end <= len`), both ends on char boundaries;
/// - every span's line/col is what `note.lines.line_col` says for its start;
/// - a link's strings (`target`, `display`, `subpath_raw`) resolve against the note (a bad
///   handle panics);
/// - a link's `target_range()` is exactly its `target`, inside its span (or, for
///   Markdown-syntax links whose path is not written verbatim, the whole span);
/// - an `unescaped_pipe` is a `|` inside its link's span, in a table;
/// - table cells only index existing links;
/// - a body stamp's span holds its raw text; a month stamp's date is a month's last day;
/// - the line index counts the text's lines;
/// - a frontmatter property's key span holds a key of the parsed frontmatter, and its spans
///   lie in the frontmatter.
pub fn problems(note: &Note) -> Vec<String> {
    let mut out = Vec::new();
    span_problems(note, &mut out);
    property_problems(note, &mut out);
    for s in &note.suppressions {
        if s.line != s.span.line {
            out.push(format!(
                "suppression line {} but span line {}",
                s.line, s.span.line
            ));
        }
    }
    for l in &note.links {
        link_problems(note, l, &mut out);
    }
    for t in &note.tables {
        let cells = t.columns.iter().chain(t.rows.iter().flat_map(|r| &r.cells));
        for c in cells {
            if let Some(i) = c.links.iter().find(|&&i| i >= note.links.len()) {
                out.push(format!(
                    "cell {:?} points at link {i} of {}",
                    c.text,
                    note.links.len()
                ));
            }
        }
    }
    stamp_problems(note, &mut out);
    let lines = note.text.bytes().filter(|&b| b == b'\n').count() + 1;
    if note.lines.line_count() != lines {
        out.push(format!(
            "line index has {} lines, the text {lines}",
            note.lines.line_count()
        ));
    }
    out
}

/// Every span of the note, checked with [`span_problem`].
fn span_problems(note: &Note, out: &mut Vec<String>) {
    let mut span = |what: &str, s: &Span| {
        if let Some(p) = span_problem(note, s) {
            out.push(format!("{what}: {p} ({s:?})"));
        }
    };
    if let Some(fm) = &note.frontmatter {
        span("frontmatter", &fm.span);
        if let Some(e) = &fm.error {
            span("frontmatter error", &e.span);
        }
    }
    for a in &note.aliases {
        span(&format!("alias {:?}", a.text), &a.span);
    }
    for t in &note.tags {
        span(&format!("tag {:?}", t.name), &t.span);
    }
    for t in &note.invalid_tags {
        span(&format!("invalid tag {:?}", t.text), &t.span);
    }
    for h in &note.headings {
        span(&format!("heading {:?}", h.text()), &h.span);
    }
    for b in &note.blocks {
        span(&format!("block {:?}", b.id), &b.span);
    }
    for l in &note.links {
        span(&format!("link {:?}", l.target(note)), &l.span);
    }
    for s in &note.empty_links {
        span("empty link", s);
    }
    for (ti, t) in note.tables.iter().enumerate() {
        span(&format!("table {ti}"), &t.span);
        for (ci, c) in t.columns.iter().enumerate() {
            span(&format!("table {ti} column {ci}"), &c.span);
        }
        for (ri, r) in t.rows.iter().enumerate() {
            span(&format!("table {ti} row {ri}"), &r.span);
            for (ci, c) in r.cells.iter().enumerate() {
                span(&format!("table {ti} row {ri} cell {ci}"), &c.span);
            }
        }
    }
    for u in &note.updated {
        span(&format!("updated {:?}", u.raw), &u.span);
    }
    for d in &note.dated_sections {
        span(&format!("dated section {:?}", d.heading), &d.span);
    }
    for s in &note.suppressions {
        span("suppression", &s.span);
    }
}

/// The frontmatter properties' spans.
fn property_problems(note: &Note, out: &mut Vec<String>) {
    let Some(fm) = &note.frontmatter else {
        return;
    };
    for p in &fm.properties {
        let key = note.text.get(p.key_span.range()).unwrap_or_default();
        if !fm.value.as_ref().is_some_and(|v| v.contains_key(key)) {
            out.push(format!("property key {key:?} is no key of the frontmatter"));
        }
        for s in [&p.key_span, &p.span].into_iter().chain(&p.items) {
            if let Some(problem) = span_problem(note, s) {
                out.push(format!("property {key:?}: {problem} ({s:?})"));
            }
            if s.start < fm.span.start || s.end > fm.span.end {
                out.push(format!("property {key:?}: {s:?} outside the frontmatter"));
            }
        }
    }
}

/// A link's handles, target range, brackets and unescaped pipe.
fn link_problems(note: &Note, l: &Link, out: &mut Vec<String>) {
    let text = note.text.as_str();
    let target = l.target(note);
    let _ = (l.display(note), l.subpath_raw(note), l.subpath(note));
    let (ts, te) = (l.target_range().start, l.target_range().end);
    if ts > te || te > text.len() || !text.is_char_boundary(ts) || !text.is_char_boundary(te) {
        out.push(format!(
            "link {target:?}: target range {ts}..{te} is not in the text"
        ));
        return;
    }
    if ts < l.span.start as usize || te > l.span.end as usize {
        out.push(format!(
            "link {target:?}: target range {ts}..{te} is outside the link {:?}",
            l.span
        ));
    }
    // A Markdown link or image whose path is not written verbatim (percent-encoded,
    // escaped, a reference link) keeps the whole link as its range.
    let whole = (ts, te) == (l.span.start as usize, l.span.end as usize);
    let markdown_syntax = matches!(l.kind, LinkKind::Markdown | LinkKind::Embed);
    if !(markdown_syntax && whole) && text[ts..te] != *target {
        out.push(format!(
            "link {target:?}: target range {ts}..{te} holds {:?}",
            &text[ts..te]
        ));
    }
    if let Some(p) = l.unescaped_pipe {
        let p = p as usize;
        if !l.in_table
            || p < l.span.start as usize
            || p >= l.span.end as usize
            || text.as_bytes().get(p) != Some(&b'|')
        {
            out.push(format!(
                "link {target:?}: unescaped pipe at {p} is not a `|` of the link {:?}",
                l.span
            ));
        }
    }
}

/// Body stamps point at their date text; a month stamp is read as the month's last day.
fn stamp_problems(note: &Note, out: &mut Vec<String>) {
    for u in &note.updated {
        let at = note.text.get(u.span.range());
        if u.source == UpdatedSource::Footer && at != Some(u.raw.as_str()) {
            out.push(format!("stamp {:?}: its span holds {at:?}", u.raw));
        }
        if let Some(d) = u.date.filter(|_| u.whole_month)
            && d != d.last_of_month()
        {
            out.push(format!("month stamp {:?} read as {d}", u.raw));
        }
    }
}

/// What is wrong with one span, if anything.
pub fn span_problem(note: &Note, s: &Span) -> Option<String> {
    let text = note.text.as_str();
    let (start, end) = (s.start as usize, s.end as usize);
    if start > end {
        return Some(format!("start {start} > end {end}"));
    }
    if end > text.len() {
        return Some(format!("end {end} past the text's {} bytes", text.len()));
    }
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Some("not on char boundaries".to_owned());
    }
    let (line, col) = note.lines.line_col(text, start);
    if (s.line, s.col) != (line, col) {
        return Some(format!(
            "line/col {}:{} but the offset is at {line}:{col}",
            s.line, s.col
        ));
    }
    None
}

/// The decoded text is the input: BOM removed, invalid UTF-8 decoded lossily (and flagged).
pub fn decode_problem(input: &[u8], note: &Note) -> Option<String> {
    let bom = input.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &input[3..] } else { input };
    if note.bom != bom {
        return Some(format!("bom flag {} for input with bom {bom}", note.bom));
    }
    let lossy = std::str::from_utf8(body).is_err();
    if note.lossy != lossy {
        return Some(format!("lossy flag {} but input lossy {lossy}", note.lossy));
    }
    if note.text != String::from_utf8_lossy(body) {
        return Some("text is not the decoded input".to_owned());
    }
    None
}
