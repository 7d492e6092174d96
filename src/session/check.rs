//! The check: the incremental state when it can answer, else a full run that leaves one.
//!
//! With records kept, a run first tries the vault's incremental state (see `incremental`);
//! a run that cannot build on it checks the whole vault (the note cache serving unchanged
//! notes) and leaves a new state. A state is of the whole vault, whichever notes a run
//! reports: `check PATHS` checks every note and reports those PATHS name. `--fix` and
//! `--no-cache` are full runs that keep nothing.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::Session;
use super::history::Want;
use super::incremental::{self, Done};
use super::state::State;
use crate::cache::Key;
use crate::diagnostic::Diagnostic;
use crate::model::Vault;
use crate::parse::Detail;
use crate::pipeline::Analysis;
use crate::report::Tally;
use crate::timings::Timings;
use crate::vault::{VaultError, relative};

/// Enough rounds for fixes that uncover other fixes; each round re-reads the vault.
const MAX_FIX_ROUNDS: usize = 10;

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// The date "today" is for date rules.
    pub today: Date,
    /// Notes or folders to report on (`check PATHS`); links still resolve against the whole
    /// vault. Empty: every note.
    pub paths: Vec<PathBuf>,
    /// Apply safe fixes to the notes first, then report what is left.
    pub fix: bool,
    /// Judge what is staged (the index against HEAD) where a rule reads git, not the files:
    /// what a pre-commit hook is about to commit.
    pub staged: bool,
}

/// Why a check could not be done.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write a fixed note: {0}")]
    Fix(std::io::Error),
    #[error("cannot write output: {0}")]
    Write(std::io::Error),
}

/// A check's findings: the notes a run reports, as data.
pub struct Outcome {
    pub(super) run: Run,
    pub(super) filters: Vec<Selection>,
    /// `--fix`: the fixes applied and the files they changed.
    pub fixed: Option<(usize, Vec<String>)>,
}

pub(super) enum Run {
    /// The whole vault loaded and checked; the state it leaves, if it can leave one.
    Full {
        vault: Vault,
        found: Vec<Diagnostic>,
        state: Option<Box<State>>,
    },
    Incremental(Box<Done>),
}

impl Outcome {
    /// Is the note at `path` reported?
    pub fn picks(&self, path: &str) -> bool {
        picks(&self.filters, path)
    }

    /// The reported findings' count.
    pub fn tally(&self) -> Tally {
        match &self.run {
            Run::Full {
                state: Some(state), ..
            } => state.tally(&|p| self.picks(p)),
            Run::Full { found, .. } => Tally::of(found),
            Run::Incremental(done) => done.state.tally(&|p| self.picks(p)),
        }
    }

    /// The reported findings, in report order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match &self.run {
            Run::Full {
                found,
                state: Some(_),
                ..
            } => found
                .iter()
                .filter(|d| self.picks(&d.path))
                .cloned()
                .collect(),
            // Narrowed already, findings outside notes kept.
            Run::Full { found, .. } => found.clone(),
            Run::Incremental(done) => (done.state.notes.iter().enumerate())
                .filter(|(_, s)| self.picks(&s.path))
                .filter_map(|(id, _)| done.state.diagnostics(id))
                .flatten()
                .collect(),
        }
    }

    /// The notes the rules ran on again, for an incremental run.
    pub fn rechecked(&self) -> Option<&[usize]> {
        match &self.run {
            Run::Incremental(done) => Some(&done.rechecked),
            Run::Full { .. } => None,
        }
    }
}

impl Session {
    /// Checks the vault (see the module documentation).
    pub fn check(&mut self, req: &CheckRequest) -> Result<Outcome, CheckError> {
        let root = self.root()?;
        let filters = self.selections(&root, &req.paths)?;
        self.check_selected(req, filters)
    }

    /// [`Session::check`] of the notes `filters` select.
    pub(super) fn check_selected(
        &mut self,
        req: &CheckRequest,
        filters: Vec<Selection>,
    ) -> Result<Outcome, CheckError> {
        if req.fix {
            return self.fixed_run(req, filters);
        }
        self.walk()?;
        let git = self.git_for_check(req.staged);
        let mut clock = Timings::start();
        let state = (self.store()).and_then(|store| State::load(store, &self.state_key(req.today)));
        clock.lap("state load");
        let store = self.store().cloned();
        if let (Some(store), Some(state)) = (store, state)
            && let Some(walk) = self.walk.take()
        {
            let done = incremental::run(&self.settings, walk, state, &store, req.today, git);
            let done = match done {
                Ok(done) => done,
                Err(walk) => {
                    self.walk = Some(walk);
                    return self.full_run(req, filters);
                }
            };
            clock.lap("incremental");
            clock.note(&format!(
                "incremental    {} rechecked, {} loaded",
                done.rechecked.len(),
                done.partial.full.iter().filter(|&&f| f).count()
            ));
            return Ok(Outcome {
                run: Run::Incremental(Box::new(done)),
                filters,
                fixed: None,
            });
        }
        self.full_run(req, filters)
    }

    /// The key of the vault's incremental state: what decides the findings besides the
    /// files (the format and the PATHS do not).
    pub(super) fn state_key(&self, today: Date) -> Key {
        Key::new(&[
            &self.config_bytes(),
            today.to_string().as_bytes(),
            self.settings.src.to_string_lossy().as_bytes(),
        ])
    }

    /// The book.toml's bytes (none without one).
    pub(super) fn config_bytes(&self) -> Vec<u8> {
        self.settings
            .config_path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .unwrap_or_default()
    }

    /// The whole vault checked; with records kept, every note (for the state it leaves).
    pub(super) fn full_run(
        &mut self,
        req: &CheckRequest,
        filters: Vec<Selection>,
    ) -> Result<Outcome, CheckError> {
        let keep_state = self.store().is_some();
        let seen = self.walk().map(incremental::note_stamps)?;
        let mut analysis = self.analysis(Detail::Lean)?;
        let only = selected(&analysis.vault, &filters);
        let checked = if keep_state { None } else { only.as_deref() };
        analysis.history = self.history(&analysis.vault, Want::check(req.staged), checked);
        let found = analysis.check(req.today, checked);
        let git = self.git_for_check(req.staged);
        let state = keep_state
            .then(|| State::of_run(&analysis.vault, &seen, &analysis.resolved, &found))
            .flatten()
            .map(|mut state| {
                if let Some(git) = git {
                    state.mark_git(|path| git.baselines.mark(path));
                }
                Box::new(state)
            });
        // The report reads only the notes and the findings: what resolution built goes now,
        // so the report's memory reuses it (on large vaults the report is where memory
        // peaks). Without a state, the findings are narrowed to the notes PATHS name.
        let Analysis { vault, .. } = analysis;
        let found = match (&state, only) {
            (None, Some(only)) => found
                .into_iter()
                .filter(|d| d.note.is_none_or(|id| only[id]))
                .collect(),
            _ => found,
        };
        Ok(Outcome {
            run: Run::Full {
                vault,
                found,
                state,
            },
            filters,
            fixed: None,
        })
    }

    /// `--fix`: fixes applied round after round (a fix may uncover another), then the
    /// vault as it is left, checked.
    fn fixed_run(
        &mut self,
        req: &CheckRequest,
        filters: Vec<Selection>,
    ) -> Result<Outcome, CheckError> {
        let today = req.today;
        let mut analysis = self.analysis(Detail::Lean)?;
        let mut only = selected(&analysis.vault, &filters);
        analysis.history = self.history(&analysis.vault, Want::check(req.staged), only.as_deref());
        let (mut edits, mut files) = (0, std::collections::BTreeSet::new());
        for _ in 0..MAX_FIX_ROUNDS {
            let found = analysis.check(today, only.as_deref());
            if !found.iter().any(|d| d.fix.is_some()) {
                break;
            }
            let (e, f) = crate::fix::apply(&analysis.vault, &found).map_err(CheckError::Fix)?;
            if e == 0 {
                break;
            }
            edits += e;
            files.extend(f);
            analysis = self.analysis(Detail::Lean)?;
            only = selected(&analysis.vault, &filters);
            analysis.history =
                self.history(&analysis.vault, Want::check(req.staged), only.as_deref());
        }
        let found = analysis.check(today, only.as_deref());
        Ok(Outcome {
            run: Run::Full {
                vault: analysis.vault,
                found,
                state: None,
            },
            filters,
            fixed: (edits > 0).then(|| (edits, files.into_iter().collect())),
        })
    }

    /// The PATHS as vault-relative selections; none when they select the whole vault.
    pub(super) fn selections(
        &self,
        root: &Path,
        paths: &[PathBuf],
    ) -> Result<Vec<Selection>, CheckError> {
        // Without a book.toml, a lone folder argument is the vault itself, not a filter.
        if self.settings.config_path.is_none() && paths.len() == 1 && paths[0].is_dir() {
            return Ok(Vec::new());
        }
        let filters = paths
            .iter()
            .map(|p| selection(root, p))
            .collect::<Result<Vec<_>, _>>()?;
        // A path that selects the whole vault (`vaultc check vault/`) is no filter at all.
        if filters.iter().any(|s| s.folder && s.rel.is_empty()) {
            return Ok(Vec::new());
        }
        Ok(filters)
    }
}

/// A path argument as a vault-relative selection (`""` is the whole vault).
#[derive(Debug)]
pub(super) struct Selection {
    rel: String,
    folder: bool,
}

fn selection(root: &Path, arg: &Path) -> Result<Selection, CheckError> {
    let canon = std::fs::canonicalize(arg)
        .map_err(|_| CheckError::Usage(format!("{} does not exist", arg.display())))?;
    // The vault's folder or one above it (the book.toml's): the whole vault.
    if root.starts_with(&canon) && canon.is_dir() {
        return Ok(Selection {
            rel: String::new(),
            folder: true,
        });
    }
    if !canon.starts_with(root) {
        return Err(CheckError::Usage(format!(
            "{} is outside the vault {}",
            arg.display(),
            root.display()
        )));
    }
    Ok(Selection {
        rel: relative(root, &canon),
        folder: canon.is_dir(),
    })
}

/// Which notes the selections pick; `None` picks all.
fn selected(vault: &Vault, filters: &[Selection]) -> Option<Vec<bool>> {
    if filters.is_empty() {
        return None;
    }
    Some(
        vault
            .notes
            .iter()
            .map(|n| picks(filters, &n.path))
            .collect(),
    )
}

/// Does one of the selections name the note at `path` (itself, or a folder it is in)?
pub(super) fn picks(filters: &[Selection], path: &str) -> bool {
    filters.is_empty()
        || filters.iter().any(|s| {
            if s.folder {
                s.rel.is_empty()
                    || path
                        .strip_prefix(&s.rel)
                        .is_some_and(|r| r.starts_with('/'))
            } else {
                path == s.rel
            }
        })
}
