//! The repository, read with gix: found from the vault folder, HEAD's tree and the index
//! below that folder, and blobs parsed as notes.

use std::collections::HashMap;
use std::path::Path;

use gix::ObjectId;

use super::Edited;
use crate::cache::Digest;
use crate::model::Note;
use crate::parse::{Detail, parse_note_with};

/// The git repository whose work tree holds the vault.
pub struct Repo {
    repo: gix::ThreadSafeRepository,
    /// The vault folder relative to the work tree, `/`-terminated; `""` at its top.
    prefix: String,
    /// HEAD's commit; `None` before the first commit.
    head: Option<ObjectId>,
    shallow: bool,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("prefix", &self.prefix)
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl Repo {
    /// The repository whose work tree holds the folder `vault`, found as git finds it (the
    /// environment git gives a hook honoured); `None` outside one, or for a bare repository.
    pub fn discover(vault: &Path) -> Option<Self> {
        let root = std::fs::canonicalize(vault).ok()?;
        let options = gix::discover::upwards::Options {
            // A ceiling that does not enclose the vault is ignored, as git ignores it.
            match_ceiling_dir_or_error: false,
            ..Default::default()
        };
        let repo = gix::ThreadSafeRepository::discover_with_environment_overrides_opts(
            &root,
            options,
            |o, _| o,
        )
        .ok()?;
        let local = repo.to_thread_local();
        let workdir = std::fs::canonicalize(local.workdir()?).ok()?;
        let mut prefix = String::new();
        for part in root.strip_prefix(&workdir).ok()?.components() {
            prefix.push_str(part.as_os_str().to_str()?);
            prefix.push('/');
        }
        let head = local.head_id().ok().map(gix::Id::detach);
        let shallow = local.is_shallow().unwrap_or(false);
        Some(Self {
            repo,
            prefix,
            head,
            shallow,
        })
    }

    pub fn head(&self) -> Option<ObjectId> {
        self.head
    }

    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// The vault folder in the work tree, `/`-terminated (`""` at its top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub(super) fn local(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    /// What the git side of a check reads besides the notes, as one digest: the vault
    /// folder, HEAD's commit and, under `--staged`, the index's blobs below the folder. No
    /// tree is read: a run whose files and this did not change replays its report.
    pub fn fingerprint(&self, staged: bool) -> Digest {
        let mut h = blake3::Hasher::new();
        h.update(self.prefix.as_bytes());
        h.update(&[0, u8::from(staged)]);
        if let Some(head) = self.head {
            h.update(head.as_bytes());
        }
        if staged {
            let mut index: Vec<(String, ObjectId)> = index_blobs(&self.local(), &self.prefix)
                .into_iter()
                .collect();
            index.sort_unstable();
            for (path, id) in index {
                h.update(&(path.len() as u64).to_le_bytes());
                h.update(path.as_bytes());
                h.update(id.as_bytes());
            }
        }
        *h.finalize().as_bytes()
    }

    /// Each note's baseline: HEAD's blob and, under `--staged`, the index's.
    pub fn baselines(&self, staged: bool) -> Baselines {
        let repo = self.local();
        let head = self
            .head
            .and_then(|commit| head_blobs(&repo, commit, &self.prefix))
            .unwrap_or_default();
        let index = if staged {
            index_blobs(&repo, &self.prefix)
        } else {
            HashMap::new()
        };
        Baselines {
            staged,
            kind: repo.object_hash(),
            head,
            index,
        }
    }

    /// A reader of blobs for one thread.
    pub(super) fn reader(&self) -> Reader {
        Reader { repo: self.local() }
    }
}

/// Per note path (vault-relative), the blob HEAD has and, under `--staged`, the blob the
/// index has: what a note is judged against.
#[derive(Debug, Default)]
pub struct Baselines {
    staged: bool,
    kind: gix::hash::Kind,
    head: HashMap<String, ObjectId>,
    index: HashMap<String, ObjectId>,
}

impl Baselines {
    /// The version judged is the index's (`check --staged`).
    pub fn staged(&self) -> bool {
        self.staged
    }

    /// The note at `path`'s baseline as one number (0 when git holds none): a check's
    /// findings for the note stay true while its file and this do not change.
    pub fn mark(&self, path: &str) -> u64 {
        let head = self.head.get(path);
        let index = self.index.get(path);
        if head.is_none() && index.is_none() {
            return 0;
        }
        let mut h = blake3::Hasher::new();
        h.update(&[u8::from(self.staged)]);
        for id in [head, index] {
            h.update(id.map_or(&[][..], |id| id.as_bytes()));
            h.update(&[0]);
        }
        let bytes = h.finalize();
        u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default()).max(1)
    }

    /// The note paths HEAD holds.
    pub(super) fn head_paths(&self) -> impl Iterator<Item = &str> {
        self.head.keys().map(String::as_str)
    }

    /// `note` judged: `Some` when the version judged (its file, or the staged blob) is not
    /// HEAD's; `read` reads and parses a blob. `None` as well when git holds no version to
    /// compare (untracked, added since HEAD, a blob the repository lacks) or when the file
    /// was not valid UTF-8 (its bytes are not known).
    pub(super) fn edited(
        &self,
        note: &Note,
        mut read: impl FnMut(ObjectId) -> Option<Note>,
    ) -> Option<Edited> {
        let head = *self.head.get(&note.path)?;
        if self.staged {
            let staged = *self.index.get(&note.path)?;
            if staged == head {
                return None;
            }
            return Some(Edited {
                head: read(head)?,
                staged: Some(read(staged)?),
            });
        }
        if note.lossy || blob_id(self.kind, note)? == head {
            return None;
        }
        Some(Edited {
            head: read(head)?,
            staged: None,
        })
    }
}

/// The id git gives the note's file as a blob.
fn blob_id(kind: gix::hash::Kind, note: &Note) -> Option<ObjectId> {
    let bytes = if note.bom {
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice(note.text.as_bytes());
        std::borrow::Cow::Owned(b)
    } else {
        std::borrow::Cow::Borrowed(note.text.as_bytes())
    };
    gix::objs::compute_hash(kind, gix::objs::Kind::Blob, &bytes).ok()
}

/// Reads blobs as notes, on one thread.
pub(super) struct Reader {
    repo: gix::Repository,
}

impl Reader {
    /// Blob `id`, parsed as the note at `path`; `None` when the repository lacks it.
    pub fn note(&self, path: &str, id: ObjectId) -> Option<Note> {
        let mut blob = self.repo.find_blob(id).ok()?;
        let bytes = std::mem::take(&mut blob.data);
        Some(parse_note_with(path.to_owned(), bytes, Detail::Lean))
    }
}

/// A path the walk takes for a note.
fn is_note(path: &str) -> bool {
    let n = path.len();
    n >= 3 && path.is_char_boundary(n - 3) && path[n - 3..].eq_ignore_ascii_case(".md")
}

/// The tree of folder `prefix` (`/`-terminated, `""` for the top) in tree `tree`.
pub(super) fn subtree(repo: &gix::Repository, tree: ObjectId, prefix: &str) -> Option<ObjectId> {
    let folder = prefix.trim_end_matches('/');
    if folder.is_empty() {
        return Some(tree);
    }
    let entry = repo
        .find_tree(tree)
        .ok()?
        .lookup_entry_by_path(folder)
        .ok()??;
    entry.mode().is_tree().then(|| entry.object_id())
}

/// HEAD's note blobs below the vault folder, by vault path.
fn head_blobs(
    repo: &gix::Repository,
    commit: ObjectId,
    prefix: &str,
) -> Option<HashMap<String, ObjectId>> {
    let tree = repo.find_commit(commit).ok()?.tree_id().ok()?.detach();
    let Some(folder) = subtree(repo, tree, prefix) else {
        return Some(HashMap::new());
    };
    let files = repo
        .find_tree(folder)
        .ok()?
        .traverse()
        .breadthfirst
        .files()
        .ok()?;
    Some(
        files
            .into_iter()
            .filter(|e| e.mode.is_blob())
            .filter_map(|e| Some((String::from_utf8(e.filepath.into()).ok()?, e.oid)))
            .filter(|(path, _)| is_note(path))
            .collect(),
    )
}

/// The index's note blobs below the vault folder (merged entries, not those only intended
/// to be added), by vault path; none without an index.
fn index_blobs(repo: &gix::Repository, prefix: &str) -> HashMap<String, ObjectId> {
    let Ok(index) = repo.open_index() else {
        return HashMap::new();
    };
    index
        .entries()
        .iter()
        .filter(|e| {
            e.flags.stage_raw() == 0
                && !e.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD)
                && e.mode.to_tree_entry_mode().is_some_and(|m| m.is_blob())
        })
        .filter_map(|e| {
            let path = std::str::from_utf8(e.path(&index)).ok()?;
            let rel = path.strip_prefix(prefix)?;
            is_note(rel).then(|| (rel.to_owned(), e.id))
        })
        .collect()
}
