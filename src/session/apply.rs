//! A vault kept in memory and updated in place: `serve` applies the files that changed on
//! disk instead of loading the vault again, and an editor server can apply its buffers on
//! every keystroke.
//!
//! [`Session::resident`] loads the vault once; [`Session::apply`] re-parses the changed notes
//! (from disk or from a buffer), adds and removes files, resolves the vault again and says
//! what changed — including the notes whose findings an edit can move without touching them
//! (see `incremental` for the same reasoning): notes that link to a heading or block that
//! changed, and notes an edit started or stopped linking to.

use std::collections::BTreeSet;

use super::Session;
use super::state;
use crate::model::{Note, NoteId};
use crate::parse::{Detail, parse_note_with};
use crate::pipeline::Analysis;
use crate::vault::{self, VaultError};

/// One change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file at this vault-relative path changed on disk: edited, created or deleted.
    File(String),
    /// An editor's unsaved text of the note at this vault-relative path.
    Buffer { path: String, text: String },
}

/// What an apply changed, by vault-relative path (each list sorted).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Notes whose text changed.
    pub edited: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Attachments added or removed.
    pub attachments: Vec<String>,
    /// Notes whose findings may have changed: the edited and added ones, those linking to a
    /// heading or block id that changed, those an edit started or stopped linking to, and,
    /// when [`Changed::names`], every note.
    pub affected: Vec<String>,
    /// The vault's names changed (a note or attachment added or removed, an alias edited):
    /// any link may resolve differently.
    pub names: bool,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.edited.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.attachments.is_empty()
    }
}

impl Session {
    /// Loads the whole vault at `detail` and keeps it for [`Session::apply`].
    pub fn resident(&mut self, detail: Detail) -> Result<&Analysis, VaultError> {
        // A walk with sizes and times: they are what a refresh compares.
        self.walk = None;
        self.watching = true;
        let seen = self.walk()?.files.clone();
        let analysis = self.analysis(detail)?;
        self.seen = seen;
        self.detail = detail;
        Ok(self.resident.insert(analysis))
    }

    /// The vault kept in memory, if [`Session::resident`] loaded it.
    pub fn resident_analysis(&self) -> Option<&Analysis> {
        self.resident.as_ref()
    }

    /// Walks the vault again and applies the files that changed since the last walk (by
    /// size and time): what `serve` does between builds.
    pub fn refresh(&mut self) -> Result<Changed, VaultError> {
        self.walk = None;
        let now = self.walk()?.files.clone();
        let before: std::collections::HashMap<&str, &crate::cache::Stamp> = self
            .seen
            .iter()
            .map(|f| (f.rel.as_str(), &f.stamp))
            .collect();
        let mut changes: Vec<Change> = now
            .iter()
            .filter(|f| before.get(f.rel.as_str()) != Some(&&f.stamp))
            .map(|f| Change::File(f.rel.clone()))
            .collect();
        let present: BTreeSet<&str> = now.iter().map(|f| f.rel.as_str()).collect();
        changes.extend(
            self.seen
                .iter()
                .filter(|f| !present.contains(f.rel.as_str()))
                .map(|f| Change::File(f.rel.clone())),
        );
        self.seen = now;
        Ok(self.apply(&changes))
    }

    /// Applies `changes` to the vault kept in memory (nothing without one) and says what
    /// changed.
    pub fn apply(&mut self, changes: &[Change]) -> Changed {
        let Some(old) = self.resident.take() else {
            return Changed::default();
        };
        let before = Before::of(&old, changes);
        let Analysis {
            settings,
            vault,
            index,
            resolved,
            graph,
            history,
        } = old;
        let (vault, mut changed) = self.applied(vault, changes);
        if changed.is_empty() {
            self.resident = Some(Analysis {
                settings,
                vault,
                index,
                resolved,
                graph,
                history,
            });
            return changed;
        }
        drop((index, resolved, graph));
        let mut new = Analysis::from_vault(settings, vault);
        // Kept by path: the dates of the last commits still hold, and a note judged before
        // an edit is at worst not flagged until the next check.
        new.history = history;
        changed.affected = before.affected(&new, &changed);
        self.resident = Some(new);
        changed
    }

    /// The vault with `changes` made to it (notes kept sorted by path), and what they were.
    fn applied(
        &self,
        mut vault: crate::model::Vault,
        changes: &[Change],
    ) -> (crate::model::Vault, Changed) {
        let mut changed = Changed::default();
        for change in changes {
            let (path, note) = match change {
                Change::Buffer { path, text } => (
                    path,
                    Some(parse_note_with(
                        path.clone(),
                        text.clone().into_bytes(),
                        self.detail,
                    )),
                ),
                Change::File(path) => (path, self.read_note(path)),
            };
            if !path.to_ascii_lowercase().ends_with(".md") {
                let file = vault.root.join(path);
                apply_attachment(&mut vault.attachments, path, file.is_file(), &mut changed);
                continue;
            }
            let at = vault.notes.binary_search_by(|n| n.path.as_str().cmp(path));
            match (at, note) {
                (Ok(i), Some(note)) => {
                    if vault.notes[i].digest != note.digest {
                        changed.names |=
                            state::alias_texts(&vault.notes[i]) != state::alias_texts(&note);
                        vault.notes[i] = note;
                        changed.edited.push(path.clone());
                    }
                }
                (Err(i), Some(note)) => {
                    vault.notes.insert(i, note);
                    changed.added.push(path.clone());
                    changed.names = true;
                }
                (Ok(i), None) => {
                    vault.notes.remove(i);
                    changed.removed.push(path.clone());
                    changed.names = true;
                }
                (Err(_), None) => {}
            }
        }
        for list in [
            &mut changed.edited,
            &mut changed.added,
            &mut changed.removed,
        ] {
            list.sort();
            list.dedup();
        }
        (vault, changed)
    }

    /// The note at vault path `rel`, read from disk and parsed; `None` when it is gone or
    /// cannot be read (a file that cannot be read is reported by a full check).
    fn read_note(&self, rel: &str) -> Option<Note> {
        let path = self.settings.src.join(rel);
        let found = vault::Found {
            rel: rel.to_owned(),
            path,
            is_note: true,
            stamp: crate::cache::Stamp::default(),
        };
        let bytes = vault::read(&found).ok()?;
        Some(parse_note_with(rel.to_owned(), bytes, self.detail))
    }
}

/// Records an attachment at `path` that now exists (`present`) or not.
fn apply_attachment(list: &mut Vec<String>, path: &str, present: bool, changed: &mut Changed) {
    match (list.binary_search_by(|a| a.as_str().cmp(path)), present) {
        (Err(i), true) => list.insert(i, path.to_owned()),
        (Ok(i), false) => {
            list.remove(i);
        }
        _ => return,
    }
    changed.attachments.push(path.to_owned());
    changed.names = true;
}

/// What the changed notes were before the changes: their anchors, and the notes their
/// links reached (by path: ids move when notes come and go).
struct Before {
    notes: std::collections::HashMap<String, (crate::cache::Digest, BTreeSet<String>)>,
}

impl Before {
    fn of(old: &Analysis, changes: &[Change]) -> Self {
        let notes = changes
            .iter()
            .filter_map(|c| {
                let path = match c {
                    Change::File(path) | Change::Buffer { path, .. } => path,
                };
                let id = id_of(old, path)?;
                let targets = state::targets(id, &old.resolved[id])
                    .into_iter()
                    .map(|t| old.vault.notes[t as usize].path.clone())
                    .collect();
                Some((
                    path.clone(),
                    (state::anchors(&old.vault.notes[id]), targets),
                ))
            })
            .collect();
        Self { notes }
    }

    /// The notes of `new` whose findings the changes can move (see [`Changed::affected`]).
    fn affected(&self, new: &Analysis, changed: &Changed) -> Vec<String> {
        if changed.names {
            return new.vault.notes.iter().map(|n| n.path.clone()).collect();
        }
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let mut moved = Vec::new();
        for path in &changed.edited {
            let (Some((anchors, was)), Some(id)) = (self.notes.get(path), id_of(new, path)) else {
                continue;
            };
            affected.insert(path.clone());
            if *anchors != state::anchors(&new.vault.notes[id]) {
                moved.push(id as u32);
            }
            let is: BTreeSet<String> = state::targets(id, &new.resolved[id])
                .into_iter()
                .map(|t| new.vault.notes[t as usize].path.clone())
                .collect();
            affected.extend(was.symmetric_difference(&is).cloned());
        }
        if !moved.is_empty() {
            for (id, resolved) in new.resolved.iter().enumerate() {
                if state::targets(id, resolved)
                    .iter()
                    .any(|t| moved.contains(t))
                {
                    affected.insert(new.vault.notes[id].path.clone());
                }
            }
        }
        affected.into_iter().collect()
    }
}

/// The id of the note at vault path `path`.
fn id_of(a: &Analysis, path: &str) -> Option<NoteId> {
    a.vault
        .notes
        .binary_search_by(|n| n.path.as_str().cmp(path))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Target;

    fn session(dir: &std::path::Path) -> Session {
        let mut s = Session::open(&Target::vault(dir)).unwrap();
        s.without_cache();
        s.resident(Detail::Lean).unwrap();
        s
    }

    #[test]
    fn a_heading_rename_marks_the_notes_that_link_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("A.md"), "# A\n\n## Facts\n").unwrap();
        std::fs::write(dir.path().join("B.md"), "[[A#Facts]]\n").unwrap();
        std::fs::write(dir.path().join("C.md"), "[[B]]\n").unwrap();
        let mut s = session(dir.path());
        let changed = s.apply(&[Change::Buffer {
            path: "A.md".into(),
            text: "# A\n\n## Figures\n".into(),
        }]);
        assert_eq!(changed.edited, ["A.md"]);
        assert_eq!(changed.affected, ["A.md", "B.md"]);
        assert!(!changed.names);
        let a = s.resident_analysis().unwrap();
        assert_eq!(a.vault.notes[0].headings[1].text(), "Figures");
    }

    #[test]
    fn files_added_and_removed_on_disk_are_picked_up_by_a_refresh() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("A.md"), "[[B]]\n").unwrap();
        let mut s = session(dir.path());
        assert!(s.refresh().unwrap().is_empty());
        std::fs::write(dir.path().join("B.md"), "# B\n").unwrap();
        let changed = s.refresh().unwrap();
        assert_eq!(changed.added, ["B.md"]);
        assert!(changed.names);
        let a = s.resident_analysis().unwrap();
        assert_eq!(a.resolved[0][0].note(), Some(1), "[[B]] resolves now");
        std::fs::remove_file(dir.path().join("A.md")).unwrap();
        assert_eq!(s.refresh().unwrap().removed, ["A.md"]);
        assert_eq!(s.resident_analysis().unwrap().vault.notes.len(), 1);
    }
}
