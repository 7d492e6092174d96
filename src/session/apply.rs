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
use crate::graph::LinkGraph;
use crate::index::{Resolved, Target, strip_md};
use crate::model::{Note, NoteId};
use crate::parse::{Detail, parse_note_with};
use crate::pipeline::{Analysis, resolve_links};
use crate::timings::Timings;
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
        // A walk with sizes and times: they are what a refresh compares. A walk made with
        // records kept has them (see `Session::walk`); only a names-only one is redone.
        if !self.caching {
            self.walk = None;
        }
        self.watching = true;
        let seen = self.walk()?.files.clone();
        let analysis = self.analysis(detail)?;
        self.seen = seen;
        self.detail = detail;
        self.graph_behind = false;
        Ok(self.resident.insert(analysis))
    }

    /// The vault kept in memory, if [`Session::resident`] loaded it.
    pub fn resident_analysis(&self) -> Option<&Analysis> {
        self.resident.as_ref()
    }

    /// Lets [`Session::apply`] leave the graph behind when an edit only changes which
    /// unresolved names a note links to (typing inside `[[...]]`): the rules read only how
    /// many notes link to each note, which such an edit cannot change, so the findings are
    /// right at once and the graph (its unresolved entities) is built again by
    /// [`Session::settle_graph`], when the editor pauses. Off by default: an edit then always
    /// leaves the whole analysis up to date.
    pub fn defer_graph(&mut self, on: bool) {
        self.defer_graph = on;
    }

    /// Is the graph's picture of unresolved names behind the notes (see
    /// [`Session::defer_graph`])?
    pub fn graph_behind(&self) -> bool {
        self.graph_behind
    }

    /// Builds the graph again if [`Session::apply`] left it behind.
    pub fn settle_graph(&mut self) {
        if let Some(a) = self.resident.as_mut()
            && std::mem::take(&mut self.graph_behind)
        {
            a.graph = LinkGraph::build(&a.vault, &a.resolved);
        }
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
    ///
    /// When the vault's names stay the same (only edits, no alias among them changed), the
    /// index is kept and only the edited notes' links are resolved again; the graph is built
    /// again only when what their links reach changed. Otherwise the vault is resolved and
    /// graphed again as a whole.
    pub fn apply(&mut self, changes: &[Change]) -> Changed {
        let Some(mut a) = self.resident.take() else {
            return Changed::default();
        };
        let before = Before::of(&a, changes);
        let (vault, mut changed) = self.applied(std::mem::take(&mut a.vault), changes);
        a.vault = vault;
        if changed.is_empty() {
            self.resident = Some(a);
            return changed;
        }
        let mut clock = Timings::start();
        let a = if changed.names {
            let Analysis {
                settings,
                vault,
                index,
                resolved,
                graph,
                history,
            } = a;
            drop((index, resolved, graph));
            self.graph_behind = false;
            let mut new = Analysis::from_vault(settings, vault);
            // Kept by path: the dates of the last commits still hold, and a note judged
            // before an edit is at worst not flagged until the next check.
            new.history = history;
            new
        } else {
            match relink(&mut a, &before, &changed.edited, self.defer_graph) {
                Graph::Kept => {}
                Graph::Built => self.graph_behind = false,
                Graph::Behind => self.graph_behind = true,
            }
            clock.lap("relink");
            a
        };
        changed.affected = before.affected(&a, &changed);
        self.resident = Some(a);
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

/// What the changed notes were before the changes: their anchors, the notes their links
/// reached (by path: ids move when notes come and go), and where each link ended in the
/// graph.
struct Before {
    notes: std::collections::HashMap<String, Was>,
}

struct Was {
    anchors: crate::cache::Digest,
    targets: BTreeSet<String>,
    ends: Vec<End>,
}

/// Where a link ends in the graph: what [`LinkGraph::build`] reads of it.
#[derive(Debug, PartialEq, Eq)]
enum End {
    Note(NoteId),
    Attachment,
    /// An unresolved name, as written (the graph names it by its first spelling).
    Unresolved(String),
}

/// The graph ends of a note's links, in link order.
fn ends(note: &Note, resolved: &[Resolved]) -> Vec<End> {
    note.links
        .iter()
        .zip(resolved)
        .map(|(link, r)| match r.target() {
            Target::Note(t) | Target::Alias(t) => End::Note(t),
            Target::Attachment(_) => End::Attachment,
            Target::Unresolved => End::Unresolved(strip_md(link.target(note)).to_owned()),
        })
        .collect()
}

/// What [`relink`] did with the graph.
enum Graph {
    /// No link ends elsewhere: the graph is still right.
    Kept,
    Built,
    /// Only unresolved names moved, and the caller lets the graph wait.
    Behind,
}

/// Resolves the edited notes' links again against the kept index (the vault's names did
/// not change, so no other note's links resolve differently), and builds the graph again
/// when one of their links ends elsewhere than before (or a link came or went) — unless
/// only unresolved names moved and `defer` lets the graph wait.
fn relink(a: &mut Analysis, before: &Before, edited: &[String], defer: bool) -> Graph {
    let mut moved = false;
    let mut renamed = false;
    for path in edited {
        let Some(id) = id_of(a, path) else {
            continue;
        };
        a.resolved[id] = resolve_links(&a.index, &a.vault, id);
        let now = ends(&a.vault.notes[id], &a.resolved[id]);
        match before.notes.get(path) {
            Some(was) if was.ends == now => {}
            Some(was) if only_unresolved_moved(&was.ends, &now) => renamed = true,
            _ => moved = true,
        }
    }
    if moved || (renamed && !defer) {
        a.graph = LinkGraph::build(&a.vault, &a.resolved);
        Graph::Built
    } else if renamed {
        Graph::Behind
    } else {
        Graph::Kept
    }
}

/// The same links reaching the same notes and attachments, only unresolved names differ:
/// every note's edges to notes, and the link indexes they keep, are unchanged.
fn only_unresolved_moved(was: &[End], now: &[End]) -> bool {
    was.len() == now.len()
        && was
            .iter()
            .zip(now)
            .all(|(a, b)| a == b || matches!((a, b), (End::Unresolved(_), End::Unresolved(_))))
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
                let note = &old.vault.notes[id];
                let targets = state::targets(id, &old.resolved[id])
                    .into_iter()
                    .map(|t| old.vault.notes[t as usize].path.clone())
                    .collect();
                let was = Was {
                    anchors: state::anchors(note),
                    targets,
                    ends: ends(note, &old.resolved[id]),
                };
                Some((path.clone(), was))
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
            let (Some(was), Some(id)) = (self.notes.get(path), id_of(new, path)) else {
                continue;
            };
            affected.insert(path.clone());
            if was.anchors != state::anchors(&new.vault.notes[id]) {
                moved.push(id);
            }
            let is: BTreeSet<String> = state::targets(id, &new.resolved[id])
                .into_iter()
                .map(|t| new.vault.notes[t as usize].path.clone())
                .collect();
            affected.extend(was.targets.symmetric_difference(&is).cloned());
        }
        if !moved.is_empty() {
            // The notes linking into a note whose headings or block ids changed: one look
            // at every resolved link, without a list of targets made per note.
            let reaches =
                |id: NoteId, r: &Resolved| r.note().is_some_and(|t| t != id && moved.contains(&t));
            for (id, resolved) in new.resolved.iter().enumerate() {
                if resolved.iter().any(|r| reaches(id, r)) {
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

    /// The analysis an apply leaves must be the one a fresh load of the same texts gives.
    fn assert_fresh(s: &Session) {
        let a = s.resident_analysis().unwrap();
        let vault = crate::model::Vault {
            root: a.vault.root.clone(),
            notes: a
                .vault
                .notes
                .iter()
                .map(|n| parse_note_with(n.path.clone(), n.text.clone().into_bytes(), Detail::Lean))
                .collect(),
            attachments: a.vault.attachments.clone(),
            ..Default::default()
        };
        let fresh = Analysis::from_vault(a.settings.clone(), vault);
        assert_eq!(a.resolved, fresh.resolved);
        let edges = |x: &Analysis| -> Vec<(usize, usize, Vec<u32>)> {
            x.graph
                .edge_links()
                .map(|(f, t, l)| (f, t, l.to_vec()))
                .collect()
        };
        assert_eq!(edges(a), edges(&fresh));
        let today = jiff::civil::date(2026, 1, 1);
        let found = |x: &Analysis| -> Vec<String> {
            x.check(today, None)
                .iter()
                .map(|d| format!("{} {:?} {}", d.path, d.span, d.message))
                .collect()
        };
        assert_eq!(found(a), found(&fresh));
    }

    #[test]
    fn typing_inside_a_broken_link_leaves_the_graph_behind_only_when_deferred() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("A.md"), "[[B]] [[Nowhere]]\n").unwrap();
        std::fs::write(dir.path().join("B.md"), "# B\n").unwrap();
        let mut s = session(dir.path());
        let type_into = |s: &mut Session, text: &str| {
            s.apply(&[Change::Buffer {
                path: "A.md".into(),
                text: text.into(),
            }]);
        };
        // By default every edit leaves the whole analysis up to date.
        type_into(&mut s, "[[B]] [[Nowherex]]\n");
        assert!(!s.graph_behind());
        assert_fresh(&s);
        s.defer_graph(true);
        type_into(&mut s, "[[B]] [[Nowherexy]]\n");
        assert!(s.graph_behind());
        let a = s.resident_analysis().unwrap();
        assert_eq!(a.graph.unresolved_name("nowherexy"), None, "not built yet");
        let found: Vec<String> = a
            .check(jiff::civil::date(2026, 1, 1), None)
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert!(found.iter().any(|m| m.contains("`Nowherexy`")), "{found:?}");
        s.settle_graph();
        assert!(!s.graph_behind());
        let a = s.resident_analysis().unwrap();
        assert_eq!(a.graph.unresolved_name("nowherexy"), Some("Nowherexy"));
        assert_fresh(&s);
        // An edit that moves a link to a note builds the graph at once, deferred or not.
        type_into(&mut s, "[[B]] [[Nowhere]] [[Other]]\n");
        type_into(&mut s, "[[Nowhere]] [[Other]]\n");
        assert!(!s.graph_behind());
        assert_fresh(&s);
    }

    #[test]
    fn edits_applied_in_place_equal_a_fresh_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("A.md"), "# A\n\n## Facts\n\ntext\n").unwrap();
        std::fs::write(dir.path().join("B.md"), "[[A#Facts]] [[Gone]]\n").unwrap();
        std::fs::write(dir.path().join("C.md"), "[[B]]\n").unwrap();
        let mut s = session(dir.path());
        let edits = [
            ("A.md", "# A\n\n## Facts\n\ntext, more\n"),
            ("B.md", "[[A#Facts]] [[C]] [[Gone]]\n"),
            ("B.md", "[[A#Facts]] [[C]] [[gone]] [[New one]]\n"),
            ("A.md", "# A\n\n## Figures\n\n[[B]]\n"),
            ("C.md", "nothing\n"),
        ];
        for (path, text) in edits {
            let changed = s.apply(&[Change::Buffer {
                path: path.into(),
                text: text.into(),
            }]);
            assert!(!changed.names);
            assert_fresh(&s);
        }
        // A body edit leaves the graph alone; one that moves a link's end rebuilds it.
        let changed = s.apply(&[Change::Buffer {
            path: "C.md".into(),
            text: "[[A]]\n".into(),
        }]);
        assert_eq!(
            changed.affected,
            ["A.md", "C.md"],
            "A gained an inbound link"
        );
        assert_fresh(&s);
    }
}
