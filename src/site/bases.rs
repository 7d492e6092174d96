//! What each view of each Obsidian Bases file selects, for the site to show under an
//! embedded `![[X.base#View]]`: computed once per build from the published notes, for the
//! views whose filters are simple (tags, folders, property equality); `None` for the others.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::index::fold;
use crate::model::{BaseFilter, Note, NoteId};
use crate::pipeline::Analysis;

use super::plan::Plan;

/// The notes a view shows: `(base path, view name)` → published notes in vault order.
#[derive(Debug, Default)]
pub struct Bases {
    views: HashMap<(String, String), Option<Vec<NoteId>>>,
}

impl Bases {
    pub fn collect(a: &Analysis, plan: &Plan) -> Self {
        let mut views = HashMap::new();
        for base in &a.vault.bases {
            for view in &base.views {
                let filters: Vec<&BaseFilter> =
                    base.filter.iter().chain(view.filter.as_ref()).collect();
                let selected = filters.iter().all(|f| simple(f)).then(|| {
                    plan.published()
                        .map(|(id, _)| id)
                        .filter(|&id| filters.iter().all(|f| matches(f, &a.vault.notes[id])))
                        .collect()
                });
                views.insert((base.path.clone(), view.name.clone()), selected);
            }
        }
        Self { views }
    }

    /// The notes view `view` of the base at `path` shows; `None` when the view is not
    /// simple or not there.
    pub fn selected(&self, path: &str, view: &str) -> Option<&[NoteId]> {
        self.views
            .get(&(path.to_owned(), view.to_owned()))?
            .as_deref()
    }

    /// Hashes what the views of the base at `path` show (the notes' paths and texts).
    pub fn hash_base(&self, a: &Analysis, path: &str, h: &mut impl Hasher) {
        let mut keys: Vec<&(String, String)> =
            self.views.keys().filter(|(p, _)| p == path).collect();
        keys.sort();
        for key in keys {
            key.hash(h);
            for &id in self.views[key].iter().flatten() {
                a.vault.notes[id].path.hash(h);
                a.vault.notes[id].digest.hash(h);
            }
        }
    }
}

fn simple(f: &BaseFilter) -> bool {
    match f {
        BaseFilter::And(items) | BaseFilter::Or(items) | BaseFilter::Not(items) => {
            items.iter().all(simple)
        }
        BaseFilter::Tag(_) | BaseFilter::Folder(_) | BaseFilter::Equals(..) => true,
        BaseFilter::Other(_) => false,
    }
}

fn matches(f: &BaseFilter, note: &Note) -> bool {
    match f {
        BaseFilter::And(items) => items.iter().all(|f| matches(f, note)),
        BaseFilter::Or(items) => items.iter().any(|f| matches(f, note)),
        BaseFilter::Not(items) => !items.iter().any(|f| matches(f, note)),
        BaseFilter::Tag(tag) => {
            let want = fold(tag);
            note.tags.iter().any(|t| {
                let have = fold(&t.name);
                have == want
                    || have
                        .strip_prefix(want.as_ref())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        }
        BaseFilter::Folder(folder) => {
            folder.is_empty()
                || note.folder() == folder
                || note
                    .folder()
                    .strip_prefix(folder.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        }
        BaseFilter::Equals(key, value) => note
            .frontmatter
            .as_ref()
            .and_then(|f| f.value.as_ref()?.get(key))
            .is_some_and(|v| v == value),
        BaseFilter::Other(_) => false,
    }
}
