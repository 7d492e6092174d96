//! The vault's tags as a tree, with the notes under each.
//!
//! Tags compare case-insensitively; the first spelling met (in path order) is shown. A note
//! tagged `#a/b` counts under `a` too, as in Obsidian's tag pane; the page of `a` lists the
//! notes tagged `a` itself and links to `a/b` (a parent's page listing every nested note
//! would repeat all of its children's pages). Private notes' tags are not collected.

use std::collections::BTreeMap;

use crate::index::fold;
use crate::model::{NoteId, Vault};

#[derive(Debug)]
pub struct TagEntry {
    /// The full tag as first written, `markets/rotation`.
    pub shown: String,
    /// Notes carrying this tag or one nested under it, in vault order.
    pub notes: Vec<NoteId>,
    /// Notes carrying this very tag, in vault order.
    pub direct: Vec<NoteId>,
    /// Folded keys of the tags one level below.
    pub children: Vec<String>,
}

/// Folded full tag → entry; `BTreeMap` order puts every parent before its children.
#[derive(Debug, Default)]
pub struct Tags {
    pub entries: BTreeMap<String, TagEntry>,
}

impl Tags {
    /// The tags of the notes `published` (by `NoteId`) lets through: a tag only private
    /// notes carry has no entry.
    pub fn collect(vault: &Vault, published: &[bool]) -> Self {
        let mut entries: BTreeMap<String, TagEntry> = BTreeMap::new();
        for (id, note) in vault.notes.iter().enumerate() {
            if !published[id] {
                continue;
            }
            for tag in &note.tags {
                let parts: Vec<&str> = tag.name.split('/').filter(|p| !p.is_empty()).collect();
                for depth in 1..=parts.len() {
                    let shown = parts[..depth].join("/");
                    let key = fold(&shown).into_owned();
                    let entry = entries.entry(key).or_insert_with(|| TagEntry {
                        shown,
                        notes: Vec::new(),
                        direct: Vec::new(),
                        children: Vec::new(),
                    });
                    if entry.notes.last() != Some(&id) {
                        entry.notes.push(id);
                    }
                    if depth == parts.len() && entry.direct.last() != Some(&id) {
                        entry.direct.push(id);
                    }
                }
            }
        }
        let keys: Vec<String> = entries.keys().cloned().collect();
        for key in keys {
            if let Some((parent, _)) = key.rsplit_once('/')
                && let Some(p) = entries.get_mut(parent)
            {
                p.children.push(key.clone());
            }
        }
        Tags { entries }
    }

    /// Top-level tags, in order.
    pub fn roots(&self) -> impl Iterator<Item = &String> {
        self.entries.keys().filter(|k| !k.contains('/'))
    }

    pub fn get(&self, tag: &str) -> Option<&TagEntry> {
        self.entries.get(fold(tag).as_ref())
    }
}
