//! Git for a session: the repository found once, the baselines a check judges notes by, and
//! a [`History`] for the rules and the outputs — read only when a rule that reads it is on
//! or an output shows it.

use std::sync::Arc;

use super::Session;
use crate::cache::Digest;
use crate::history::{Baselines, History, Repo};
use crate::model::Vault;
use crate::timings::Timings;

/// What a command reads of git.
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    /// Judge the notes against HEAD, for `updated-not-bumped` (only when it is on).
    pub judge: bool,
    /// Judge the staged version (the index against HEAD), not the file.
    pub staged: bool,
    /// The last commit that changed each note: what stats, the exports and the site show.
    pub last_commits: bool,
}

impl Want {
    /// What a check reads: its notes judged (the staged versions under `--staged`).
    pub fn check(staged: bool) -> Self {
        Self {
            judge: true,
            staged,
            last_commits: false,
        }
    }
}

/// The repository and the baselines a run reads, shared with the incremental check.
#[derive(Debug, Clone)]
pub(super) struct Git {
    pub repo: Arc<Repo>,
    pub baselines: Arc<Baselines>,
}

impl Session {
    /// The repository holding the vault, found once per session.
    fn repo(&mut self) -> Option<Arc<Repo>> {
        if self.repo.is_none() {
            let mut clock = Timings::start();
            self.repo = Some(Repo::discover(&self.settings.src).map(Arc::new));
            clock.lap("git: open");
        }
        self.repo.clone().flatten()
    }

    /// Does a check read git? Only when a rule that reads it is on.
    pub(super) fn check_reads_git(&self) -> bool {
        crate::rules::read_history(&self.settings)
    }

    /// What git decides of a check's findings besides the files, as one digest (zeros when
    /// the check reads no git: outside a repository, or with the rule off).
    pub(super) fn git_fingerprint(&mut self, staged: bool) -> Digest {
        if !self.check_reads_git() {
            return Digest::default();
        }
        self.repo()
            .map(|r| r.fingerprint(staged))
            .unwrap_or_default()
    }

    /// The repository and its baselines for a run (`staged`: with the index's blobs), read
    /// once per session and mode.
    pub(super) fn git(&mut self, staged: bool) -> Option<Git> {
        let repo = self.repo()?;
        let baselines = match &self.baselines {
            Some(b) if b.staged() == staged => b.clone(),
            _ => {
                let mut clock = Timings::start();
                let b = Arc::new(repo.baselines(staged));
                clock.lap("git: baselines");
                self.baselines.insert(b).clone()
            }
        };
        Some(Git { repo, baselines })
    }

    /// The checks' git for a check of `staged`: none when the check reads no git.
    pub(super) fn git_for_check(&mut self, staged: bool) -> Option<Git> {
        if self.check_reads_git() {
            self.git(staged)
        } else {
            None
        }
    }

    /// What git says of `vault` as `want` asks (the notes `only` selects judged); `None`
    /// outside a repository, or when nothing asked for is needed.
    pub fn history(&mut self, vault: &Vault, want: Want, only: Option<&[bool]>) -> Option<History> {
        let judge = want.judge && self.check_reads_git();
        if !judge && !want.last_commits {
            return None;
        }
        let store = self.store().cloned();
        let git = self.git(want.staged)?;
        let mut clock = Timings::start();
        let last = want.last_commits.then(|| {
            let last = git.repo.last_commits(&git.baselines, store.as_ref());
            clock.lap("git: last commits");
            last
        });
        let judge = judge.then_some((git.baselines.as_ref(), only));
        let history = History::of(&git.repo, vault, judge, last);
        clock.lap("git: judge");
        Some(history)
    }
}

impl Session {
    /// The analysis kept in memory (see [`Session::resident`]), with what git says of its
    /// notes as `want` asks.
    pub fn resident_with_history(
        &mut self,
        detail: crate::parse::Detail,
        want: Want,
    ) -> Result<&crate::pipeline::Analysis, crate::vault::VaultError> {
        self.resident(detail)?;
        if let Some(mut a) = self.resident.take() {
            a.history = self.history(&a.vault, want, None);
            self.resident = Some(a);
        }
        self.resident
            .as_ref()
            .ok_or_else(|| crate::vault::VaultError::Missing(self.settings.src.clone()))
    }

    /// HEAD's commit, in hex, when the vault is in a repository that has one: what a site
    /// showing the last commits is made from besides the files.
    pub fn git_head(&mut self) -> Option<String> {
        self.repo()?.head().map(|id| id.to_string())
    }
}

/// `fingerprint` of the files, with git's part mixed in.
pub(super) fn with_git(fingerprint: Digest, git: Digest) -> Digest {
    if git == Digest::default() {
        return fingerprint;
    }
    let mut h = blake3::Hasher::new();
    h.update(&fingerprint);
    h.update(&git);
    *h.finalize().as_bytes()
}
