//! What git says of the vault: a load-stage input, read once per run, like the walk.
//!
//! The vault may sit in a git work tree (as its top folder, or below it). [`Repo::discover`]
//! finds the repository from the vault folder the way git does — `GIT_DIR`,
//! `GIT_INDEX_FILE` and `GIT_CEILING_DIRECTORIES` honoured, so a pre-commit hook judges the
//! index git is about to commit. Everything is read with gix (pure Rust), never from the
//! output of the `git` command. Two things come out of it:
//!
//! - [`Baselines`]: per note path, the blob HEAD has there and, for `check --staged`, the
//!   blob the index has. One walk of HEAD's tree below the vault folder and one read of the
//!   index; what the incremental check compares between runs ([`Baselines::mark`]).
//! - [`History`]: per note, whether the version judged (the file, or the staged blob under
//!   `--staged`) is HEAD's, and HEAD's version parsed where it is not (what
//!   `updated-not-bumped` compares); and for the outputs that show it (stats, the exports,
//!   the site), the date of the last commit that changed each note ([`last`], kept in the
//!   store).
//!
//! Outside a repository, before the first commit, for untracked notes and for blobs the
//! repository lacks (a partial or damaged clone) there is nothing to compare, and the git
//! rules say nothing: "unknown" is never read as "changed".

mod last;
mod repo;

use std::collections::HashMap;

use rayon::prelude::*;

pub use self::last::LastCommit;
pub use self::repo::{Baselines, Repo};
use crate::model::{Note, Vault};

/// A note that differs from HEAD, as a rule compares it.
#[derive(Debug)]
pub struct Edited {
    /// The note as HEAD has it, parsed.
    pub head: Note,
    /// Under `check --staged`: the note as the index has it, parsed (the version judged).
    /// Without it, the version judged is the note read from the vault.
    pub staged: Option<Note>,
}

/// What git says of a vault's notes, for the rules and the outputs.
#[derive(Debug, Default)]
pub struct History {
    /// The version judged is the index's (`check --staged`), not the file's.
    pub staged: bool,
    /// HEAD's commit, in hex; `None` before the first commit.
    pub head: Option<String>,
    /// The repository is a shallow clone: the oldest changes are not in it.
    pub shallow: bool,
    /// The notes judged that differ from HEAD, by vault path.
    edited: HashMap<String, Edited>,
    /// The last commit that changed each note, by vault path (when asked for).
    last: HashMap<String, LastCommit>,
}

impl History {
    /// The note at `path`, when it was judged and differs from HEAD.
    pub fn edited(&self, path: &str) -> Option<&Edited> {
        self.edited.get(path)
    }

    /// The last commit that changed the note at `path`: `None` for an untracked note, or one
    /// whose history the repository does not hold (a shallow clone).
    pub fn last_commit(&self, path: &str) -> Option<&LastCommit> {
        self.last.get(path)
    }

    /// The last commit that changed `note`, when it is dated after the note's `updated`
    /// stamp (a month stamp counts as the month's last day): the note was edited after the
    /// date it claims. `None` too when either date is unknown.
    pub fn edited_after_stamp(&self, note: &Note) -> Option<&LastCommit> {
        let stamp = note.updated_date()?.date?;
        self.last_commit(&note.path).filter(|c| c.date > stamp)
    }

    /// The history of `repo` for `vault`: the notes `only` selects (all when `None`) judged
    /// against HEAD when `judge` holds the baselines to judge them by; the dates of the last
    /// commits when `last` holds them.
    pub fn of(
        repo: &Repo,
        vault: &Vault,
        judge: Option<(&Baselines, Option<&[bool]>)>,
        last: Option<HashMap<String, LastCommit>>,
    ) -> Self {
        let mut history = History {
            head: repo.head().map(|id| id.to_string()),
            shallow: repo.is_shallow(),
            last: last.unwrap_or_default(),
            ..History::default()
        };
        if let Some((baselines, only)) = judge {
            history.staged = baselines.staged();
            history.edited = judged(repo, baselines, vault, only);
        }
        history
    }
}

/// The selected notes that differ from HEAD, with HEAD's version (and the staged one) parsed.
fn judged(
    repo: &Repo,
    baselines: &Baselines,
    vault: &Vault,
    only: Option<&[bool]>,
) -> HashMap<String, Edited> {
    (0..vault.notes.len())
        .into_par_iter()
        .filter(|&id| only.is_none_or(|o| o[id]))
        .map_init(
            || repo.reader(),
            |reader, id| {
                let note = &vault.notes[id];
                let edited = baselines.edited(note, |blob| reader.note(&note.path, blob))?;
                Some((note.path.clone(), edited))
            },
        )
        .flatten()
        .collect()
}
