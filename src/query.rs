//! Questions asked of an analysed vault: which entity a name means, and who references it.
//!
//! Shared by `refs`, `backlinks`, `tables`, `path` and the exports, so that a name typed on the
//! command line means the same entity everywhere.

use crate::config::edit_distance;
use crate::index::{Target, fold};
use crate::model::{Link, NoteId};
use crate::pipeline::Analysis;
use crate::source::Span;

pub use crate::graph::EntityRef;

/// Why a name does not pick one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// Nothing has this name; the closest known names, best first.
    Unknown { suggestions: Vec<String> },
    /// Several notes have this name (in different folders); their paths.
    Ambiguous { paths: Vec<String> },
}

impl LookupError {
    /// A one-paragraph message for the command line.
    pub fn message(&self, name: &str) -> String {
        match self {
            LookupError::Unknown { suggestions } if suggestions.is_empty() => {
                format!("no note, alias or linked name `{name}` in this vault")
            }
            LookupError::Unknown { suggestions } => format!(
                "no note, alias or linked name `{name}` in this vault; did you mean {}?",
                suggestions
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            LookupError::Ambiguous { paths } => format!(
                "`{name}` names {} notes: {}; give a path to pick one",
                paths.len(),
                paths
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The entity a user means by `name`: a vault path (`Actors/NVIDIA`, `.md` optional), a note
/// name, an alias, or a link target no note has, all compared case-insensitively (NFC).
pub fn find_entity(a: &Analysis, name: &str) -> Result<EntityRef, LookupError> {
    let name = name.trim();
    let bare = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".MD"))
        .unwrap_or(name);
    let key = fold(bare);
    if let Some(id) = a
        .vault
        .notes
        .iter()
        .position(|n| fold(n.path.strip_suffix(".md").unwrap_or(&n.path)) == key)
    {
        return Ok(EntityRef::Note(id));
    }
    for ids in [a.index.notes_named(bare), a.index.alias_owners(bare)] {
        match ids {
            [] => {}
            [id] => return Ok(EntityRef::Note(*id)),
            many => {
                return Err(LookupError::Ambiguous {
                    paths: many
                        .iter()
                        .map(|&i| a.vault.notes[i].path.clone())
                        .collect(),
                });
            }
        }
    }
    if let Some(shown) = a.graph.unresolved_name(bare) {
        return Ok(EntityRef::Unresolved(shown.to_owned()));
    }
    Err(LookupError::Unknown {
        suggestions: suggestions(a, bare),
    })
}

/// Up to three known names close to `name` (by edit distance on folded text).
fn suggestions(a: &Analysis, name: &str) -> Vec<String> {
    let key = fold(name);
    let limit = (key.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, String)> = a
        .vault
        .notes
        .iter()
        .flat_map(|n| {
            std::iter::once(n.name.as_str()).chain(n.aliases.iter().map(|al| al.text.as_str()))
        })
        .chain(a.graph.unresolved_names())
        .filter_map(|cand| {
            let f = fold(cand);
            let d = if f.contains(key.as_ref()) || key.contains(f.as_ref()) {
                1
            } else {
                edit_distance(&key, &f)
            };
            (d <= limit).then(|| (d, cand.to_owned()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|x, y| x.1 == y.1);
    scored.into_iter().take(3).map(|(_, s)| s).collect()
}

/// The display name of an entity: the note's name, or the unresolved target.
pub fn entity_name(a: &Analysis, e: &EntityRef) -> String {
    match e {
        EntityRef::Note(id) => a.vault.notes[*id].name.clone(),
        EntityRef::Unresolved(name) => name.clone(),
    }
}

/// One link that points at an entity.
#[derive(Debug, Clone)]
pub struct Reference {
    pub note: NoteId,
    /// Index into the note's `links`.
    pub link: usize,
    pub span: Span,
    /// The line of text the link is on (its first line), as context.
    pub context: String,
}

impl Reference {
    pub fn link<'a>(&self, a: &'a Analysis) -> &'a Link {
        &a.vault.notes[self.note].links[self.link]
    }
}

/// Every link in the vault that points at `e` (by name, path, alias or any case; in text,
/// tables, headings, embeds and frontmatter), in note order then text order.
/// `include_self` keeps links from a note to itself.
pub fn references(a: &Analysis, e: &EntityRef, include_self: bool) -> Vec<Reference> {
    let unresolved_key = match e {
        EntityRef::Unresolved(name) => Some(fold(name).into_owned()),
        EntityRef::Note(_) => None,
    };
    let mut out = Vec::new();
    for (id, note) in a.vault.notes.iter().enumerate() {
        if !include_self && *e == EntityRef::Note(id) {
            continue;
        }
        for (i, (link, r)) in note.links.iter().zip(&a.resolved[id]).enumerate() {
            let hit = match (e, r.target()) {
                (EntityRef::Note(want), _) => r.note() == Some(*want),
                (EntityRef::Unresolved(_), Target::Unresolved) => {
                    unresolved_key.as_deref() == Some(fold(link.target(note)).as_ref())
                }
                _ => false,
            };
            if hit {
                out.push(Reference {
                    note: id,
                    link: i,
                    span: link.span,
                    context: note
                        .lines
                        .line_text(&note.text, link.span.line as usize)
                        .trim()
                        .to_owned(),
                });
            }
        }
    }
    out
}
