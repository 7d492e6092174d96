//! Who links to what, for every entity at once, with a readable line of context per link.
//!
//! The same answer as `query::references` gives for one entity (links by name, path, alias or
//! any case; in text, tables, embeds and frontmatter; links from a note to itself left out),
//! gathered in one pass over the vault instead of one pass per page.

use crate::graph::EntityId;
use crate::index::Target;
use crate::model::{LinkKind, NoteId};
use crate::pipeline::Analysis;
use crate::query::EntityRef;

use super::plan::Plan;
use super::text::readable;

/// How much of a line a context snippet keeps around its link.
const CONTEXT_CHARS: usize = 180;

/// One link into an entity: the linking note and the index of the link in its `links`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlink {
    pub note: NoteId,
    pub link: usize,
}

/// Links into each entity, by `EntityId`, in note order then text order.
#[derive(Debug, Default)]
pub struct Backlinks {
    pub by_entity: Vec<Vec<Backlink>>,
}

impl Backlinks {
    /// The links of published notes (a private note is nobody's backlink).
    pub fn collect(a: &Analysis, plan: &Plan) -> Self {
        let mut by_entity = vec![Vec::new(); a.graph.entity_count()];
        for (id, note) in a.vault.notes.iter().enumerate() {
            if !plan.is_published(id) {
                continue;
            }
            for (i, (link, r)) in note.links.iter().zip(&a.resolved[id]).enumerate() {
                let to = match r.target() {
                    Target::Note(t) | Target::Alias(t) if t != id => Some(a.graph.note_entity(t)),
                    Target::Unresolved => a
                        .graph
                        .entity_of(&EntityRef::Unresolved(link.target(note).to_owned())),
                    _ => None,
                };
                if let Some(to) = to {
                    by_entity[to].push(Backlink { note: id, link: i });
                }
            }
        }
        Self { by_entity }
    }

    pub fn of(&self, entity: EntityId) -> &[Backlink] {
        self.by_entity.get(entity).map_or(&[], Vec::as_slice)
    }

    /// How many notes link to `entity` (its links come grouped by note).
    pub fn note_count(&self, entity: EntityId) -> usize {
        let links = self.of(entity);
        links
            .iter()
            .zip(links.iter().skip(1))
            .filter(|(x, y)| x.note != y.note)
            .count()
            + usize::from(!links.is_empty())
    }
}

/// The line a link sits on, as a reader would say it: links shown by their text, emphasis
/// and table pipes dropped, cut to about [`CONTEXT_CHARS`] around the link.
pub fn context(a: &Analysis, b: Backlink) -> String {
    let note = &a.vault.notes[b.note];
    let link = &note.links[b.link];
    if link.kind == LinkKind::Frontmatter {
        return format!("(frontmatter) {}", link.span_text(&note.text));
    }
    let line = note.lines.line_text(&note.text, link.span.line as usize);
    let line_start = note.text[..link.span.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let shown = readable(line);
    if shown.len() <= CONTEXT_CHARS {
        // Short in bytes, so short in characters too.
        return shown;
    }
    let shown: Vec<char> = shown.chars().collect();
    if shown.len() <= CONTEXT_CHARS {
        return shown.into_iter().collect();
    }
    // Centre the window where the link sits, proportionally (markup was dropped).
    let at = (link.span.start as usize).saturating_sub(line_start);
    let centre = at * shown.len() / line.len().max(1);
    let start = centre
        .saturating_sub(CONTEXT_CHARS / 2)
        .min(shown.len() - CONTEXT_CHARS);
    let end = start + CONTEXT_CHARS;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&shown[start..end]);
    if end < shown.len() {
        out.push('…');
    }
    out
}

trait SpanText {
    fn span_text<'t>(&self, text: &'t str) -> &'t str;
}

impl SpanText for crate::model::Link {
    fn span_text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.range()).unwrap_or("")
    }
}
