//! Going places: what is under the cursor, its definition, who references it, a hover that
//! shows it, and the symbols of a note and of the vault.

use lsp_types::{self as lsp, Location};

use super::server::Here;
use super::text::{self, Encoding, Root};
use crate::index::{Target, fold};
use crate::model::{Heading, Note, NoteId, Subpath};
use crate::parse::heading_key;
use crate::pipeline::Analysis;
use crate::query::{EntityRef, references};
use crate::source::Span;

/// Something the cursor can be on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Thing {
    Note(NoteId),
    /// A name linked to that no note has.
    Unresolved(String),
    Attachment(usize),
    /// A note's heading (index into its `headings`).
    Heading(NoteId, usize),
    /// A note's block id (index into its `blocks`).
    Block(NoteId, usize),
    /// A tag, without `#`.
    Tag(String),
}

fn inside(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

/// The link of `note` at `offset` (index into its `links`).
pub(super) fn link_at(note: &Note, offset: usize) -> Option<usize> {
    note.links.iter().position(|l| inside(l.span, offset))
}

/// The heading of `note` a subpath's heading chain names.
pub(super) fn find_heading(note: &Note, chain: crate::model::HeadingChain<'_>) -> Option<usize> {
    let key = heading_key(chain.last());
    note.headings.iter().position(|h| h.matches_key(&key))
}

/// What link `i` of note `id` points at.
pub(super) fn link_thing(a: &Analysis, id: NoteId, i: usize) -> Option<Thing> {
    let note = &a.vault.notes[id];
    let link = note.links.get(i)?;
    match a.resolved[id].get(i)?.target() {
        Target::Note(t) | Target::Alias(t) => {
            let target = &a.vault.notes[t];
            Some(match link.subpath(note) {
                Subpath::Heading(chain) => {
                    find_heading(target, chain).map_or(Thing::Note(t), |h| Thing::Heading(t, h))
                }
                Subpath::Block(b) => target
                    .blocks
                    .iter()
                    .position(|x| x.id == b)
                    .map_or(Thing::Note(t), |b| Thing::Block(t, b)),
                Subpath::None => Thing::Note(t),
            })
        }
        Target::Attachment(i) => Some(Thing::Attachment(i)),
        Target::Unresolved => {
            let name = link.target(note);
            (!name.is_empty()).then(|| Thing::Unresolved(name.to_owned()))
        }
    }
}

/// What the cursor is on: a link's target, a heading, a block id, a tag or an alias (the
/// note itself).
pub(super) fn thing_at(here: &Here<'_>) -> Option<Thing> {
    let note = here.note();
    let at = here.offset;
    if let Some(i) = link_at(note, at) {
        return link_thing(here.a, here.id, i);
    }
    if let Some(h) = note.headings.iter().position(|h| inside(h.span, at)) {
        return Some(Thing::Heading(here.id, h));
    }
    if let Some(b) = note.blocks.iter().position(|b| inside(b.span, at)) {
        return Some(Thing::Block(here.id, b));
    }
    if let Some(t) = note.tags.iter().find(|t| inside(t.span, at)) {
        return Some(Thing::Tag(t.name.clone()));
    }
    note.aliases
        .iter()
        .any(|al| inside(al.span, at))
        .then_some(Thing::Note(here.id))
}

/// A location in note `id`.
pub(super) fn location(
    a: &Analysis,
    root: &Root,
    enc: Encoding,
    id: NoteId,
    span: Span,
) -> Option<Location> {
    let note = &a.vault.notes[id];
    Some(Location {
        uri: root.uri(&note.path)?,
        range: text::note_span(note, enc, span),
    })
}

pub(super) fn definition(here: &Here<'_>) -> Option<Location> {
    let (a, root, enc) = (here.a, here.root, here.enc);
    let i = link_at(here.note(), here.offset)?;
    match link_thing(a, here.id, i)? {
        Thing::Note(t) => location(a, root, enc, t, Span::default()),
        Thing::Heading(t, h) => location(a, root, enc, t, a.vault.notes[t].headings[h].span),
        Thing::Block(t, b) => location(a, root, enc, t, a.vault.notes[t].blocks[b].span),
        Thing::Attachment(i) => Some(Location {
            uri: root.uri(&a.vault.attachments[i])?,
            range: lsp::Range::default(),
        }),
        Thing::Unresolved(_) | Thing::Tag(_) => None,
    }
}

/// Every place that references `thing`: for a note or an unresolved name what `vaultc refs`
/// lists (every link, by name, alias or path, in any case); for a heading or a block the
/// links whose subpath names it; for a tag every use of it and of the tags nested in it.
/// With `declaration`, a heading, block or tag's own place too.
pub(super) fn references_of(a: &Analysis, thing: &Thing, declaration: bool) -> Vec<(NoteId, Span)> {
    match thing {
        Thing::Note(id) => spans(references(a, &EntityRef::Note(*id), true)),
        Thing::Unresolved(name) => spans(references(a, &EntityRef::Unresolved(name.clone()), true)),
        Thing::Attachment(want) => {
            links_where(a, |_, _, r| r.target() == Target::Attachment(*want))
        }
        Thing::Heading(t, h) => {
            let heading = &a.vault.notes[*t].headings[*h];
            let mut out = links_where(a, |note, link, r| {
                r.note() == Some(*t)
                    && matches!(link.subpath(note), Subpath::Heading(c) if heading.matches_key(&heading_key(c.last())))
            });
            if declaration {
                out.insert(0, (*t, heading.span));
            }
            out
        }
        Thing::Block(t, b) => {
            let block = &a.vault.notes[*t].blocks[*b];
            let mut out = links_where(a, |note, link, r| {
                r.note() == Some(*t) && link.subpath(note) == Subpath::Block(&block.id)
            });
            if declaration {
                out.insert(0, (*t, block.span));
            }
            out
        }
        Thing::Tag(name) => tag_uses(a, name),
    }
}

fn spans(refs: Vec<crate::query::Reference>) -> Vec<(NoteId, Span)> {
    refs.into_iter().map(|r| (r.note, r.span)).collect()
}

/// The links of the vault `pick` selects, in note then text order.
fn links_where(
    a: &Analysis,
    pick: impl Fn(&Note, &crate::model::Link, &crate::index::Resolved) -> bool,
) -> Vec<(NoteId, Span)> {
    let mut out = Vec::new();
    for (id, note) in a.vault.notes.iter().enumerate() {
        for (link, r) in note.links.iter().zip(&a.resolved[id]) {
            if pick(note, link, r) {
                out.push((id, link.span));
            }
        }
    }
    out
}

/// Does tag `tag` fall under `name` (it, or a tag nested in it), case aside?
pub(super) fn under(tag: &str, name: &str) -> bool {
    let (tag, name) = (fold(tag), fold(name));
    tag == name
        || tag
            .strip_prefix(name.as_ref())
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Every use of tag `name` and of the tags nested in it.
pub(super) fn tag_uses(a: &Analysis, name: &str) -> Vec<(NoteId, Span)> {
    let mut out = Vec::new();
    for (id, note) in a.vault.notes.iter().enumerate() {
        for t in &note.tags {
            if under(&t.name, name) {
                out.push((id, t.span));
            }
        }
    }
    out
}

/// How many lines a hover shows of a note or a section.
const HOVER_LINES: usize = 12;

pub(super) fn hover(here: &Here<'_>) -> Option<lsp::Hover> {
    let a = here.a;
    let note = here.note();
    let (thing, span) = match link_at(note, here.offset) {
        Some(i) => (link_thing(a, here.id, i)?, note.links[i].span),
        None => {
            let t = note.tags.iter().find(|t| inside(t.span, here.offset))?;
            (Thing::Tag(t.name.clone()), t.span)
        }
    };
    let value = match &thing {
        Thing::Note(t) => {
            let n = &a.vault.notes[*t];
            format!("**{}**\n\n{}", n.path, first_lines(n))
        }
        Thing::Heading(t, h) => {
            let n = &a.vault.notes[*t];
            format!("**{}**\n\n{}", n.path, section(n, *h))
        }
        Thing::Block(t, b) => {
            let n = &a.vault.notes[*t];
            let line = n.blocks[*b].span.line as usize;
            format!("**{}**\n\n{}", n.path, n.lines.line_text(&n.text, line))
        }
        Thing::Attachment(i) => format!("attachment `{}`", a.vault.attachments[*i]),
        Thing::Unresolved(name) => unresolved_hover(a, name),
        Thing::Tag(name) => {
            let notes = tag_uses(a, name)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<std::collections::BTreeSet<_>>();
            format!(
                "`#{name}`: {} notes carry it or a tag nested in it",
                notes.len()
            )
        }
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value,
        }),
        range: Some(text::note_span(note, here.enc, span)),
    })
}

/// The first lines of a note's body (after its frontmatter).
fn first_lines(note: &Note) -> String {
    let start = note.frontmatter.as_ref().map_or(0, |f| {
        let end = f.span.end as usize;
        // Past the closing fence's line.
        note.text[end.min(note.text.len())..]
            .find('\n')
            .map_or(note.text.len(), |i| end + i + 1)
    });
    let body = note.text.get(start..).unwrap_or("");
    body.lines()
        .skip_while(|l| l.trim().is_empty())
        .take(HOVER_LINES)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Heading `h`'s section: its line and what follows up to the next heading of its level or
/// above (at most [`HOVER_LINES`] lines).
fn section(note: &Note, h: usize) -> String {
    let heading: &Heading = &note.headings[h];
    let end = note.headings[h + 1..]
        .iter()
        .find(|x| x.level <= heading.level)
        .map_or(note.text.len(), |x| x.span.start as usize);
    let start = note.lines.line_start(heading.span.line as usize);
    note.text
        .get(start..end)
        .unwrap_or("")
        .lines()
        .take(HOVER_LINES)
        .collect::<Vec<_>>()
        .join("\n")
}

/// An entity without a note: who references it.
fn unresolved_hover(a: &Analysis, name: &str) -> String {
    let refs = references(a, &EntityRef::Unresolved(name.to_owned()), true);
    let notes: std::collections::BTreeSet<NoteId> = refs.iter().map(|r| r.note).collect();
    let mut out = format!(
        "`{name}` has no note: {} {} in {} {}\n",
        refs.len(),
        if refs.len() == 1 {
            "reference"
        } else {
            "references"
        },
        notes.len(),
        if notes.len() == 1 { "note" } else { "notes" },
    );
    for r in refs.iter().take(HOVER_LINES) {
        let path = &a.vault.notes[r.note].path;
        out.push_str(&format!("\n- `{path}:{}`: {}", r.span.line, r.context));
    }
    if refs.len() > HOVER_LINES {
        out.push_str(&format!("\n- … and {} more", refs.len() - HOVER_LINES));
    }
    out
}

/// A note's headings, nested by level.
#[allow(
    deprecated,
    reason = "DocumentSymbol's `deprecated` field must be written"
)]
pub(super) fn document_symbols(note: &Note, enc: Encoding) -> Vec<lsp::DocumentSymbol> {
    let mut stack: Vec<(u8, lsp::DocumentSymbol)> = Vec::new();
    let mut roots = Vec::new();
    for (i, h) in note.headings.iter().enumerate() {
        let end = note.headings[i + 1..]
            .iter()
            .find(|x| x.level <= h.level)
            .map_or(note.text.len(), |x| x.span.start as usize);
        let symbol = lsp::DocumentSymbol {
            name: if h.text().is_empty() {
                "(empty heading)".into()
            } else {
                h.text().to_owned()
            },
            detail: Some(format!("h{}", h.level)),
            kind: lsp::SymbolKind::STRING,
            tags: None,
            deprecated: None,
            range: text::note_range(
                note,
                enc,
                h.span.start as usize,
                end.max(h.span.end as usize),
            ),
            selection_range: text::note_span(note, enc, h.span),
            children: None,
        };
        while stack.last().is_some_and(|(level, _)| *level >= h.level) {
            pop_into(&mut stack, &mut roots);
        }
        stack.push((h.level, symbol));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut roots);
    }
    roots
}

fn pop_into(stack: &mut Vec<(u8, lsp::DocumentSymbol)>, roots: &mut Vec<lsp::DocumentSymbol>) {
    let Some((_, done)) = stack.pop() else {
        return;
    };
    match stack.last_mut() {
        Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(done),
        None => roots.push(done),
    }
}

/// How many symbols a workspace search returns at most.
const MAX_SYMBOLS: usize = 200;

/// Notes, aliases and headings whose name holds `query` (case aside), the most linked
/// notes first.
#[allow(
    deprecated,
    reason = "SymbolInformation's `deprecated` field must be written"
)]
pub(super) fn workspace_symbols(
    a: &Analysis,
    root: &Root,
    enc: Encoding,
    query: &str,
) -> Vec<lsp::SymbolInformation> {
    let q = fold(query.trim());
    let mut order: Vec<NoteId> = (0..a.vault.notes.len()).collect();
    order.sort_by_cached_key(|&id| {
        std::cmp::Reverse(a.graph.inbound_links(a.graph.note_entity(id)))
    });
    let mut out = Vec::new();
    let mut push = |id: NoteId, name: &str, kind, span: Span, container: Option<&str>| {
        if out.len() < MAX_SYMBOLS
            && fold(name).contains(q.as_ref())
            && let Some(location) = location(a, root, enc, id, span)
        {
            out.push(lsp::SymbolInformation {
                name: name.to_owned(),
                kind,
                tags: None,
                deprecated: None,
                location,
                container_name: container.map(str::to_owned),
            });
        }
    };
    for &id in &order {
        let note = &a.vault.notes[id];
        push(
            id,
            &note.name,
            lsp::SymbolKind::FILE,
            Span::default(),
            Some(note.folder()),
        );
        for al in &note.aliases {
            push(
                id,
                &al.text,
                lsp::SymbolKind::KEY,
                al.span,
                Some(&note.name),
            );
        }
    }
    for &id in &order {
        let note = &a.vault.notes[id];
        for h in &note.headings {
            push(
                id,
                h.text(),
                lsp::SymbolKind::STRING,
                h.span,
                Some(&note.name),
            );
        }
    }
    out
}
