//! Where everything goes: the site path of every note, entity, tag and copied file, planned
//! once before any page is rendered.
//!
//! Notes keep their folders (`Actors/NVIDIA.md` → `actors/nvidia.html`); a root note named
//! `index`, `Home` or `README` becomes the home page. Unresolved entities live under
//! `entities/`, tags under `tags/`, copied attachments under `files/`, the site's assets under
//! `assets/`. Paths are claimed in sorted order, so a given vault always gets the same URLs.

use std::collections::HashMap;

use super::slug::{Allocator, slug_dir, slug_folders, slugify, slugify_file};
use super::tags::Tags;
use crate::graph::{Entity, EntityId};
use crate::index::{Target, fold};
use crate::model::NoteId;
use crate::pipeline::Analysis;

/// Root notes that become the home page, in order of preference.
const HOME_NAMES: &[&str] = &["index", "home", "readme"];

pub const HOME_PAGE: &str = "index.html";

#[derive(Debug)]
pub struct Plan {
    /// The page of each note, by `NoteId`.
    pub notes: Vec<String>,
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
    pub fn new(a: &Analysis, tags: &Tags) -> Self {
        let mut alloc = Allocator::with_reserved();
        let home = HOME_NAMES.iter().find_map(|want| {
            a.vault
                .notes
                .iter()
                .position(|n| !n.path.contains('/') && fold(&n.name) == *want)
        });
        let notes = a
            .vault
            .notes
            .iter()
            .enumerate()
            .map(|(id, note)| {
                if home == Some(id) {
                    return HOME_PAGE.to_owned();
                }
                let stem = note.path.strip_suffix(".md").unwrap_or(&note.path);
                let (folders, name) = stem.rsplit_once('/').unwrap_or(("", stem));
                alloc.claim(&slug_dir(folders), &slugify(name), Some("html"))
            })
            .collect();

        let mut entity_order: Vec<(String, EntityId)> = a
            .graph
            .entities()
            .filter_map(|(id, e)| match e {
                Entity::Unresolved(name) => Some((fold(name).into_owned(), id)),
                Entity::Note(_) => None,
            })
            .collect();
        entity_order.sort();
        let entities = entity_order
            .iter()
            .map(|(key, id)| (*id, alloc.claim("entities", &slugify(key), Some("html"))))
            .collect();

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

        let mut used = vec![false; a.vault.attachments.len()];
        for r in a.resolved.iter().flatten() {
            if let Target::Attachment(i) = r.target() {
                used[i] = true;
            }
        }
        let files = a
            .vault
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
            .collect();

        Plan {
            notes,
            home,
            entities,
            entity_order: entity_order.into_iter().map(|(_, id)| id).collect(),
            tags: tag_pages,
            files,
        }
    }

    /// The page of a note, or None when the note is not published.
    pub fn note_page(&self, id: NoteId) -> Option<&str> {
        self.notes.get(id).map(String::as_str)
    }

    /// The page of a tag (any case).
    pub fn tag_page(&self, tag: &str) -> Option<&str> {
        self.tags.get(fold(tag).as_ref()).map(String::as_str)
    }

    /// The page of an entity: a note's page or an unresolved name's page.
    pub fn entity_page(&self, id: EntityId, entity: &Entity) -> Option<&str> {
        match entity {
            Entity::Note(n) => self.notes.get(*n).map(String::as_str),
            Entity::Unresolved(_) => self.entities.get(&id).map(String::as_str),
        }
    }
}
