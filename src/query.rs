//! Questions asked of an analysed vault: which entity a name means, who references it, the
//! vault's statistics, and which link a path between two entities takes.
//!
//! Shared by `refs`, `backlinks`, `tables`, `path` and the exports, so that a name typed on the
//! command line means the same entity everywhere.

use std::collections::HashSet;

use serde::Serialize;

use crate::config::edit_distance;
use crate::graph::{Entity, EntityId};
use crate::index::{Target, fold, unresolved_key};
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
/// name, an alias, or a link target no note has, all compared case-insensitively (NFC). An
/// alias matched only in another case gives way to a link target of that spelling.
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
    // An alias typed in its own case first; in another case only when no link names
    // `name` (a link `[[man]]` is not the note aliased `MAN`: aliases match case-exactly).
    let any_case = || {
        if a.graph.unresolved_name(bare).is_some() {
            &[][..]
        } else {
            a.index.alias_owners_any_case(bare)
        }
    };
    for ids in [
        a.index.notes_named(bare),
        a.index.alias_owners(bare),
        any_case(),
    ] {
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

/// Every link in the vault that points at `e` (by name or path in any case, or by an alias
/// as written; in text, tables, headings, embeds and frontmatter), in note order then text
/// order. An unresolved entity's links are all those whose target names it in any case,
/// with or without `.md`.
/// `include_self` keeps links from a note to itself.
pub fn references(a: &Analysis, e: &EntityRef, include_self: bool) -> Vec<Reference> {
    let want_key = match e {
        EntityRef::Unresolved(name) => Some(unresolved_key(name).into_owned()),
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
                    want_key.as_deref() == Some(unresolved_key(link.target(note)).as_ref())
                }
                _ => false,
            };
            if hit {
                out.push(Reference {
                    note: id,
                    link: i,
                    span: link.span,
                    context: context(note, link.span),
                });
            }
        }
    }
    out
}

/// Longest line a reference's context keeps whole; a longer one is cut around the link.
const CONTEXT_WHOLE: usize = 300;
/// How much of a long line the context keeps on each side of the link, in bytes.
const CONTEXT_SIDE: usize = 100;

/// The line a link is on, trimmed; a long line only around the link, with `…` where it was
/// cut. Each reference's context is bounded: a line of 40k links is not copied 40k times.
fn context(note: &crate::model::Note, span: Span) -> String {
    let line = note.lines.line_text(&note.text, span.line as usize);
    if line.len() <= CONTEXT_WHOLE {
        return line.trim().to_owned();
    }
    let line_start = note.lines.line_start(span.line as usize);
    let at = (span.start as usize)
        .saturating_sub(line_start)
        .min(line.len());
    let end = (span.end as usize)
        .saturating_sub(line_start)
        .clamp(at, line.len());
    let mut from = at.saturating_sub(CONTEXT_SIDE);
    while !line.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = end.min(at + CONTEXT_WHOLE - CONTEXT_SIDE) + CONTEXT_SIDE;
    to = to.min(line.len());
    while !line.is_char_boundary(to) {
        to += 1;
    }
    format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        line[from..to].trim(),
        if to < line.len() { "…" } else { "" }
    )
}

/// One note among the references to an entity: how many of them it holds, and which is the
/// best to show (an index into the references).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkingNote {
    pub note: NoteId,
    pub count: usize,
    pub best: usize,
}

/// The notes `refs` (from [`references`]) come from, most references first (ties in note
/// order). A note's best reference is its first in prose, else its first in a table, else
/// its first in the frontmatter: the line that says most about why the note links.
pub fn linking_notes(a: &Analysis, refs: &[Reference]) -> Vec<LinkingNote> {
    let rank = |r: &Reference| {
        let link = r.link(a);
        match (link.kind, link.in_table) {
            (crate::model::LinkKind::Frontmatter, _) => 2,
            (_, true) => 1,
            (_, false) => 0,
        }
    };
    let mut notes: Vec<LinkingNote> = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        match notes.last_mut() {
            Some(n) if n.note == r.note => {
                n.count += 1;
                if rank(r) < rank(&refs[n.best]) {
                    n.best = i;
                }
            }
            _ => notes.push(LinkingNote {
                note: r.note,
                count: 1,
                best: i,
            }),
        }
    }
    notes.sort_by(|x, y| y.count.cmp(&x.count).then(x.note.cmp(&y.note)));
    notes
}

/// How many entities the `stats` leader boards show.
const TOP: usize = 10;

/// What every format says about an entity.
pub struct Node<'a> {
    pub kind: &'static str,
    pub name: &'a str,
    /// The note's vault path; `None` for an unresolved name.
    pub path: Option<&'a str>,
}

pub fn node<'a>(a: &'a Analysis, e: &'a Entity) -> Node<'a> {
    match e {
        Entity::Note(id) => {
            let note = &a.vault.notes[*id];
            Node {
                kind: "note",
                name: &note.name,
                path: Some(&note.path),
            }
        }
        Entity::Unresolved(name) => Node {
            kind: "unresolved",
            name,
            path: None,
        },
    }
}

/// `vaultc stats --json`. Field names are stable; new fields may be added.
#[derive(Serialize)]
pub struct Stats {
    pub notes: usize,
    /// Link and embed occurrences in all notes, whatever they reach.
    pub links: usize,
    /// The occurrences among `links` that reach an attachment (not graph edges).
    pub attachment_links: usize,
    /// Distinct (from, to) entity pairs.
    pub edges: usize,
    pub entities: usize,
    /// Unresolved entities (names linked to that no note has).
    pub unresolved: usize,
    /// Distinct tags, case-insensitive (`#a/b` counts once, as `a/b`).
    pub tags: usize,
    /// Notes no other note links to.
    pub orphans: usize,
    /// Weakly connected components of the link graph.
    pub components: usize,
    pub orphan_notes: Vec<String>,
    /// Every unresolved entity, most linked first.
    pub unresolved_entities: Vec<EntityStat>,
    /// Up to ten entities with the most inbound links (ties by name).
    pub top_inbound: Vec<EntityStat>,
    /// Up to ten entities with the highest PageRank (ties by name).
    pub top_page_rank: Vec<EntityStat>,
    /// What git says of the notes; `null` outside a git repository.
    pub history: Option<HistoryStats>,
}

/// The notes' stamps beside their git history.
#[derive(Serialize)]
pub struct HistoryStats {
    /// HEAD's commit; `null` before the first commit.
    pub head: Option<String>,
    /// A shallow clone: notes last changed before its oldest commit have no date.
    pub shallow: bool,
    /// Notes whose last commit is dated after their `updated` stamp.
    pub edited_after_stamp: usize,
    /// Every note, in path order: its stamp beside the last commit that changed it.
    pub notes: Vec<NoteDates>,
}

/// A note's `updated` stamp and the last commit that changed it.
#[derive(Serialize, Clone)]
pub struct NoteDates {
    pub path: String,
    /// The stamp's date (`YYYY-MM-DD`), if the note has one.
    pub updated: Option<String>,
    /// The day of the last commit that changed the note; `null` for a note git does not
    /// hold, or whose history the repository lacks.
    pub last_commit: Option<String>,
    /// That commit's id.
    pub commit: Option<String>,
    /// The last commit is dated after the stamp.
    pub edited_after_stamp: bool,
}

impl HistoryStats {
    fn of(a: &Analysis) -> Option<Self> {
        let h = a.history.as_ref()?;
        let notes: Vec<NoteDates> = a
            .vault
            .notes
            .iter()
            .map(|n| {
                let last = h.last_commit(&n.path);
                NoteDates {
                    path: n.path.clone(),
                    updated: n.updated_date().and_then(|u| u.date).map(|d| d.to_string()),
                    last_commit: last.map(|c| c.date.to_string()),
                    commit: last.map(|c| c.id.clone()),
                    edited_after_stamp: h.edited_after_stamp(n).is_some(),
                }
            })
            .collect();
        Some(HistoryStats {
            head: h.head.clone(),
            shallow: h.shallow,
            edited_after_stamp: notes.iter().filter(|n| n.edited_after_stamp).count(),
            notes,
        })
    }
}

#[derive(Serialize, Clone)]
pub struct EntityStat {
    pub id: EntityId,
    pub kind: &'static str,
    pub name: String,
    pub path: Option<String>,
    /// Links from other entities.
    pub inbound_links: u32,
    /// Entities (notes) that link here.
    pub linking_notes: usize,
    pub page_rank: f64,
}

impl Stats {
    pub fn compute(a: &Analysis) -> Self {
        let g = &a.graph;
        let rank = g.page_rank();
        let stat = |id: EntityId| {
            let n = node(a, g.entity(id));
            EntityStat {
                id,
                kind: n.kind,
                name: n.name.to_owned(),
                path: n.path.map(str::to_owned),
                inbound_links: g.inbound_links(id),
                linking_notes: g.linking_sources(id),
                page_rank: rank[id],
            }
        };
        let all: Vec<EntityStat> = (0..g.entity_count()).map(stat).collect();
        let by_inbound = |x: &EntityStat, y: &EntityStat| {
            y.inbound_links
                .cmp(&x.inbound_links)
                .then_with(|| x.name.cmp(&y.name))
                .then(x.id.cmp(&y.id))
        };
        let mut top_inbound: Vec<EntityStat> = all
            .iter()
            .filter(|s| s.inbound_links > 0)
            .cloned()
            .collect();
        top_inbound.sort_by(by_inbound);
        top_inbound.truncate(TOP);
        let mut top_page_rank = all.clone();
        top_page_rank.sort_by(|x, y| {
            y.page_rank
                .total_cmp(&x.page_rank)
                .then_with(|| x.name.cmp(&y.name))
                .then(x.id.cmp(&y.id))
        });
        top_page_rank.truncate(TOP);
        let mut unresolved_entities: Vec<EntityStat> =
            all.into_iter().filter(|s| s.kind == "unresolved").collect();
        unresolved_entities.sort_by(by_inbound);

        let tags: HashSet<String> = a
            .vault
            .notes
            .iter()
            .flat_map(|n| &n.tags)
            .map(|t| fold(&t.name).into_owned())
            .collect();
        let orphans = g.orphans();
        Stats {
            notes: a.vault.notes.len(),
            links: a.vault.notes.iter().map(|n| n.links.len()).sum(),
            attachment_links: a
                .resolved
                .iter()
                .flatten()
                .filter(|r| matches!(r.target(), Target::Attachment(_)))
                .count(),
            edges: g.edge_count(),
            entities: g.entity_count(),
            unresolved: g.unresolved_count(),
            tags: tags.len(),
            orphans: orphans.len(),
            components: g.components(),
            orphan_notes: orphans
                .iter()
                .map(|&id| a.vault.notes[id].path.clone())
                .collect(),
            unresolved_entities,
            top_inbound,
            top_page_rank,
            history: HistoryStats::of(a),
        }
    }
}

/// The first link (in text order) in note `from` that reaches entity `to`: (note, link index).
pub fn hop_link(a: &Analysis, from: EntityId, to: EntityId) -> Option<(usize, usize)> {
    let Entity::Note(note) = *a.graph.entity(from) else {
        return None;
    };
    let want = match a.graph.entity(to) {
        Entity::Note(id) => EntityRef::Note(*id),
        Entity::Unresolved(name) => EntityRef::Unresolved(unresolved_key(name).into_owned()),
    };
    let note_ref = &a.vault.notes[note];
    let links = note_ref.links.iter().zip(&a.resolved[note]);
    links
        .enumerate()
        .find(|(_, (link, r))| match (&want, r.target()) {
            (EntityRef::Note(id), _) => r.note() == Some(*id),
            (EntityRef::Unresolved(key), Target::Unresolved) => {
                unresolved_key(link.target(note_ref)) == key.as_str()
            }
            _ => false,
        })
        .map(|(i, _)| (note, i))
}

#[cfg(test)]
mod tests {
    use super::{CONTEXT_WHOLE, context};
    use crate::parse::parse_note;

    #[test]
    fn a_long_line_is_cut_around_the_link() {
        let short = parse_note("s.md".into(), b"  See [[A]] here.  \n".to_vec());
        assert_eq!(context(&short, short.links[0].span), "See [[A]] here.");
        let line = format!("{}[[Target]]{}\n", "é".repeat(500), "x ".repeat(500));
        let long = parse_note("l.md".into(), line.into_bytes());
        let cut = context(&long, long.links[0].span);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("é[[Target]]x "), "{cut}");
        assert!(
            cut.len() <= CONTEXT_WHOLE + 2 * '…'.len_utf8(),
            "{}",
            cut.len()
        );
    }
}
