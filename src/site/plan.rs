//! Where everything goes: the site path of every note, entity, tag and copied file, planned
//! once before any page is rendered — and which notes have no page at all.
//!
//! Notes keep their folders (`Actors/NVIDIA.md` → `actors/nvidia.html`); a root note named
//! `index`, `Home` or `README` becomes the home page. Unresolved entities live under
//! `entities/`, tags under `tags/`, copied attachments under `files/`, the site's assets under
//! `assets/`. Paths are claimed in sorted order, so a given vault always gets the same URLs.
//!
//! Publishing control (SPEC §5): a note with `publish: false` or `draft: true`, one that a
//! `[build] exclude` glob matches, and with `[output.html] publish = "explicit"` every note
//! without `publish: true`, is private. A private note gets no page, and the plan is the one
//! place that knows: every part of the site asks [`Plan::note_page`], which has no answer
//! for it. Names that only private notes link to get no entity page, attachments that only
//! private notes reach are not copied.

use std::collections::HashMap;

use super::slug::{Allocator, slug_dir, slug_folders, slugify, slugify_file};
use super::tags::Tags;
use crate::config::Publish;
use crate::graph::{Entity, EntityId};
use crate::index::{Target, fold};
use crate::model::{Note, NoteId};
use crate::pipeline::Analysis;

/// Root notes that become the home page, in order of preference.
const HOME_NAMES: &[&str] = &["index", "home", "readme"];

pub const HOME_PAGE: &str = "index.html";

#[derive(Debug)]
pub struct Plan {
    /// The page of each note, by `NoteId`; `None` for a private note. Read it through
    /// [`Plan::note_page`].
    notes: Vec<Option<String>>,
    /// The note whose page is the home page.
    pub home: Option<usize>,
    /// The page of each unresolved entity.
    pub entities: HashMap<EntityId, String>,
    /// Unresolved entities in page order (by folded name).
    pub entity_order: Vec<EntityId>,
    /// The page of each tag, by folded tag.
    pub tags: HashMap<String, String>,
    /// Where each attachment a link reaches is copied, by attachment index.
    pub files: Vec<Option<String>>,
}

impl Plan {
    /// Plans the site of the notes that `published` (by `NoteId`) lets through; `tags` are
    /// collected from those notes only.
    pub fn new(a: &Analysis, tags: &Tags, published: &[bool]) -> Self {
        let mut alloc = Allocator::with_reserved();
        let home = HOME_NAMES.iter().find_map(|want| {
            a.vault.notes.iter().enumerate().position(|(id, n)| {
                published[id] && !n.path.contains('/') && fold(&n.name) == *want
            })
        });
        let notes = a
            .vault
            .notes
            .iter()
            .enumerate()
            .map(|(id, note)| {
                if !published[id] {
                    return None;
                }
                if home == Some(id) {
                    return Some(HOME_PAGE.to_owned());
                }
                let stem = note.path.strip_suffix(".md").unwrap_or(&note.path);
                let (folders, name) = stem.rsplit_once('/').unwrap_or(("", stem));
                Some(alloc.claim(&slug_dir(folders), &slugify(name), Some("html")))
            })
            .collect();
        let (entities, entity_order) = entity_pages(a, published, &mut alloc);
        let tag_pages = tags
            .entries
            .keys()
            .map(|key| {
                let mut parts: Vec<String> = key.split('/').map(slugify).collect();
                let last = parts.pop().unwrap_or_default();
                let dir = std::iter::once("tags".to_owned())
                    .chain(parts)
                    .collect::<Vec<_>>()
                    .join("/");
                (key.clone(), alloc.claim(&dir, &last, Some("html")))
            })
            .collect();
        let files = copied_files(a, published, &mut alloc);
        Plan {
            notes,
            home,
            entities,
            entity_order,
            tags: tag_pages,
            files,
        }
    }

    /// The page of note `id`; `None` when the note is private (or no note has that id).
    /// Everything the site shows of a note goes through here.
    pub fn note_page(&self, id: NoteId) -> Option<&str> {
        self.notes.get(id)?.as_deref()
    }

    /// Is note `id` on the site?
    pub fn is_published(&self, id: NoteId) -> bool {
        self.note_page(id).is_some()
    }

    /// The published notes' ids with their pages, in vault order.
    pub fn published(&self) -> impl Iterator<Item = (NoteId, &str)> + '_ {
        self.notes
            .iter()
            .enumerate()
            .filter_map(|(id, page)| Some((id, page.as_deref()?)))
    }

    /// The page of a tag (any case).
    pub fn tag_page(&self, tag: &str) -> Option<&str> {
        self.tags.get(fold(tag).as_ref()).map(String::as_str)
    }

    /// The page of an entity: a note's page or an unresolved name's page; `None` for a
    /// private note and for a name only private notes link to.
    pub fn entity_page(&self, id: EntityId, entity: &Entity) -> Option<&str> {
        match entity {
            Entity::Note(n) => self.note_page(*n),
            Entity::Unresolved(_) => self.entities.get(&id).map(String::as_str),
        }
    }
}

/// Which notes are on the site, by `NoteId` (see the module comment).
pub fn published(a: &Analysis) -> Vec<bool> {
    let settings = &a.settings;
    a.vault
        .notes
        .iter()
        .map(|note| {
            let publish = flag(note, "publish");
            let shown = match settings.publish {
                Publish::All => publish != Some(false),
                Publish::Explicit => publish == Some(true),
            };
            let excluded =
                !settings.site_exclude.is_empty() && settings.site_exclude.is_match(&note.path);
            shown && !excluded && flag(note, "draft") != Some(true)
        })
        .collect()
}

/// A yes/no frontmatter property: `true`/`false`, or the same as a string in any case.
fn flag(note: &Note, key: &str) -> Option<bool> {
    let value = note.frontmatter.as_ref()?.value.as_ref()?.get(key)?;
    match value {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The pages of the unresolved names that published notes link to, and their order (by
/// folded name).
fn entity_pages(
    a: &Analysis,
    published: &[bool],
    alloc: &mut Allocator,
) -> (HashMap<EntityId, String>, Vec<EntityId>) {
    let mut linked = vec![false; a.graph.entity_count()];
    for (from, to, _) in a.graph.edges() {
        if let Entity::Note(n) = a.graph.entity(from)
            && published[*n]
        {
            linked[to] = true;
        }
    }
    let mut order: Vec<(String, EntityId)> = a
        .graph
        .entities()
        .filter_map(|(id, e)| match e {
            Entity::Unresolved(name) if linked[id] => Some((fold(name).into_owned(), id)),
            _ => None,
        })
        .collect();
    order.sort();
    let pages = order
        .iter()
        .map(|(key, id)| (*id, alloc.claim("entities", &slugify(key), Some("html"))))
        .collect();
    (pages, order.into_iter().map(|(_, id)| id).collect())
}

/// Where each attachment that a published note links to or embeds is copied.
fn copied_files(a: &Analysis, published: &[bool], alloc: &mut Allocator) -> Vec<Option<String>> {
    let mut used = vec![false; a.vault.attachments.len()];
    for (id, links) in a.resolved.iter().enumerate() {
        if !published[id] {
            continue;
        }
        for r in links {
            if let Target::Attachment(i) = r.target() {
                used[i] = true;
            }
        }
    }
    a.vault
        .attachments
        .iter()
        .zip(used)
        .map(|(path, used)| {
            used.then(|| {
                let (folders, name) = path.rsplit_once('/').unwrap_or(("", path));
                let (stem, ext) = slugify_file(name);
                let dir = std::iter::once("files".to_owned())
                    .chain(slug_folders(folders))
                    .collect::<Vec<_>>()
                    .join("/");
                alloc.claim(&dir, &stem, ext.as_deref())
            })
        })
        .collect()
}
