//! The last commit that changed each note: HEAD's first-parent line walked back, each
//! commit's tree compared with its parent's below the vault folder, until every note HEAD
//! holds has a date. A merge counts as the commit that brought its changes in.
//!
//! A walk reads one tree comparison per commit, so a long history costs; the dates are kept
//! in the store (one record per vault, see [`crate::cache`]) with the HEAD they are for. A
//! later run with the same HEAD reads them; one whose HEAD descends from it walks only the
//! commits since. Where the history stops short — a shallow clone's boundary, a commit or
//! tree the repository lacks — the notes not yet dated stay undated: the boundary commit
//! did not necessarily change them.

use std::collections::{BTreeMap, HashMap, HashSet};

use gix::ObjectId;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::repo::subtree;
use super::{Baselines, Repo};
use crate::cache::{Key, Kind, Store, envelope};

const KIND: Kind = Kind {
    tag: *b"hist",
    version: 1,
};
const NAME: &str = "history";

/// A commit that changed a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastCommit {
    /// The commit id, in hex.
    pub id: String,
    /// The day it was committed, in the committer's time zone.
    pub date: Date,
}

/// The dates kept in the store, for the HEAD they were made at.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    head: Vec<u8>,
    /// The commits, each once.
    commits: Vec<LastCommit>,
    /// Note path → index in `commits`.
    notes: Vec<(String, u32)>,
}

impl Record {
    fn of(head: ObjectId, dates: &HashMap<String, LastCommit>) -> Self {
        let mut record = Record {
            head: head.as_bytes().to_vec(),
            ..Record::default()
        };
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut paths: Vec<(&String, &LastCommit)> = dates.iter().collect();
        paths.sort_unstable_by_key(|(p, _)| *p);
        for (path, commit) in paths {
            let at = *index.entry(commit.id.as_str()).or_insert_with(|| {
                record.commits.push(commit.clone());
                (record.commits.len() - 1) as u32
            });
            record.notes.push((path.clone(), at));
        }
        record
    }

    fn get(&self, path: &str) -> Option<&LastCommit> {
        let i = self
            .notes
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()?;
        self.commits.get(self.notes[i].1 as usize)
    }
}

impl Repo {
    /// The last commit that changed each note HEAD holds below the vault folder, by vault
    /// path; read from and kept in `store` when given.
    pub fn last_commits(
        &self,
        baselines: &Baselines,
        store: Option<&Store>,
    ) -> HashMap<String, LastCommit> {
        let Some(head) = self.head() else {
            return HashMap::new();
        };
        let key = Key::new(&[NAME.as_bytes(), self.prefix().as_bytes()]);
        let kept: Option<Record> = store.and_then(|s| envelope::read(&s.file(NAME), KIND, &key));
        let kept_head = kept
            .as_ref()
            .and_then(|k| ObjectId::try_from(&k.head[..]).ok());
        let left: HashSet<&str> = baselines.head_paths().collect();
        let dates = Walk {
            repo: self.local(),
            prefix: self.prefix(),
            left,
            found: HashMap::new(),
        }
        .run(head, kept_head.zip(kept.as_ref()));
        if kept_head != Some(head)
            && let Some(store) = store
        {
            // Without the record the next run walks again: nothing is lost.
            let _ = store.prepare().and_then(|()| {
                envelope::write(&store.file(NAME), KIND, &key, &Record::of(head, &dates))
            });
        }
        dates
    }
}

/// One walk down the first-parent line.
struct Walk<'a> {
    repo: gix::Repository,
    prefix: &'a str,
    /// The notes not dated yet.
    left: HashSet<&'a str>,
    found: HashMap<String, LastCommit>,
}

impl Walk<'_> {
    /// Walks from `head`; at `kept`'s commit, the notes left take the dates kept for them.
    fn run(
        mut self,
        head: ObjectId,
        kept: Option<(ObjectId, &Record)>,
    ) -> HashMap<String, LastCommit> {
        let mut at = Some(head);
        while let Some(id) = at.filter(|_| !self.left.is_empty()) {
            if let Some((_, record)) = kept.filter(|(k, _)| *k == id) {
                for path in std::mem::take(&mut self.left) {
                    if let Some(c) = record.get(path) {
                        self.found.insert(path.to_owned(), c.clone());
                    }
                }
                break;
            }
            let Some(parent) = self.step(id) else {
                break;
            };
            at = parent;
        }
        self.found
    }

    /// Dates the notes commit `id` changed; its first parent (`Some(None)` for a root
    /// commit), or `None` where the history stops (a commit or tree missing).
    fn step(&mut self, id: ObjectId) -> Option<Option<ObjectId>> {
        let commit = self.repo.find_commit(id).ok()?;
        let tree = commit.tree_id().ok()?.detach();
        let parent = commit.parent_ids().next().map(gix::Id::detach);
        let parent_tree = match parent {
            Some(p) => Some(self.repo.find_commit(p).ok()?.tree_id().ok()?.detach()),
            None => None,
        };
        let time = commit.time().ok()?;
        let date = jiff::Timestamp::from_second(time.seconds)
            .ok()
            .zip(jiff::tz::Offset::from_seconds(time.offset).ok())
            .map(|(t, o)| t.to_zoned_datetime(jiff::tz::TimeZone::fixed(o)).date())?;
        let after = subtree(&self.repo, tree, self.prefix);
        let before = parent_tree.and_then(|t| subtree(&self.repo, t, self.prefix));
        let mut changed = Vec::new();
        changes(&self.repo, before, after, "", &mut changed)?;
        let commit = LastCommit {
            id: id.to_string(),
            date,
        };
        for path in changed {
            if self.left.remove(path.as_str()) {
                self.found.insert(path, commit.clone());
            }
        }
        Some(parent)
    }
}

/// The paths of the files (below `base`, `/`-terminated) that differ between trees `a` and
/// `b` (`None`: an empty tree); `None` when a tree cannot be read.
fn changes(
    repo: &gix::Repository,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    base: &str,
    out: &mut Vec<String>,
) -> Option<()> {
    if a == b {
        return Some(());
    }
    type Side = Option<(gix::objs::tree::EntryMode, ObjectId)>;
    let mut names: BTreeMap<Vec<u8>, (Side, Side)> = BTreeMap::new();
    for (tree, left) in [(a, true), (b, false)] {
        let Some(tree) = tree else { continue };
        let tree = repo.find_tree(tree).ok()?;
        for e in tree.decode().ok()?.entries {
            let slot = names.entry(e.filename.to_vec()).or_default();
            let side = Some((e.mode, e.oid.to_owned()));
            if left {
                slot.0 = side;
            } else {
                slot.1 = side;
            }
        }
    }
    for (name, (x, y)) in names {
        if x == y {
            continue;
        }
        let Ok(name) = String::from_utf8(name) else {
            continue;
        };
        let tree = |s: Side| s.filter(|(m, _)| m.is_tree()).map(|(_, id)| id);
        let file = |s: Side| s.filter(|(m, _)| !m.is_tree());
        if tree(x).is_some() || tree(y).is_some() {
            changes(repo, tree(x), tree(y), &format!("{base}{name}/"), out)?;
        }
        if file(x) != file(y) {
            out.push(format!("{base}{name}"));
        }
    }
    Some(())
}
