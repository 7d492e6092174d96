//! The engine: a [`Session`] owns one vault — its settings, its folder, where its records
//! live, the walk — and is the one way commands load and check it.
//!
//! ```text
//! Session::open(target)          discovery from the path given (see [`open`])
//!   .walk()                      the vault's files, with stamps (load stage)
//!   .analysis(detail)            walk → parse (note cache) → resolve → graph
//!   .check(request) -> Outcome   run cache → incremental state → full run (see [`check`])
//!   .report(request, out)        the check, rendered, with its rendering kept (see [`report`])
//!   .resident(detail)            an analysis kept in memory, then
//!   .apply(changes) -> Changed   files or editor buffers applied in place (see [`apply`])
//! ```
//!
//! Every record the session keeps (notes, incremental state, rendered reports) is in its
//! [`Store`]; with caching off, none is read or written.

mod apply;
mod check;
mod history;
mod incremental;
mod load;
mod notes;
pub mod open;
mod replay;
mod report;
mod state;

use std::path::{Path, PathBuf};

pub use self::apply::{Change, Changed};
pub use self::check::{CheckError, CheckRequest, Outcome};
pub use self::history::Want;
pub use self::open::{OpenError, Target};
pub use self::report::{ReportRequest, Reported};
use crate::cache::Store;
use crate::config::Settings;
use crate::parse::Detail;
use crate::pipeline::Analysis;
use crate::timings::Timings;
use crate::vault::{self, VaultError, Walk};

/// One vault, opened for a command (or kept open by a server).
pub struct Session {
    settings: Settings,
    store: Store,
    caching: bool,
    notices: Vec<String>,
    walk: Option<Walk>,
    /// The analysis [`Session::apply`] updates in place, the detail it was parsed at, and
    /// the files the last walk saw (what [`Session::refresh`] compares).
    resident: Option<Analysis>,
    detail: Detail,
    seen: Vec<vault::Found>,
    /// Walks stamp every file even without records: a resident vault notices changes.
    watching: bool,
    /// The git repository holding the vault, once looked for, and the baselines read from it
    /// (see [`history`]).
    repo: Option<Option<std::sync::Arc<crate::history::Repo>>>,
    baselines: Option<std::sync::Arc<crate::history::Baselines>>,
    /// [`Session::apply`] may leave the graph behind when only unresolved names moved
    /// ([`Session::defer_graph`]); it is then behind until [`Session::settle_graph`].
    defer_graph: bool,
    graph_behind: bool,
}

impl Session {
    /// Opens the vault `target` names (see [`open`]).
    pub fn open(target: &Target) -> Result<Self, OpenError> {
        let (mut settings, notices) = open::discover(target)?;
        let store = Store::locate(settings.config_path.as_deref(), &settings.src);
        if settings.config_path.is_none() {
            // No book.toml to name an output folder: the site goes beside the cache, not
            // into the folder vaultc was pointed at.
            settings.build_dir = store.site_dir();
        }
        Ok(Self {
            settings,
            store,
            caching: true,
            notices,
            walk: None,
            resident: None,
            detail: Detail::Lean,
            seen: Vec::new(),
            watching: false,
            repo: None,
            baselines: None,
            defer_graph: false,
            graph_behind: false,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Builds go to `dir`; the walk skips it.
    pub fn set_build_dir(&mut self, dir: PathBuf) {
        self.settings.build_dir = dir;
        self.walk = None;
    }

    /// Neither read nor write any record (`--no-cache`).
    pub fn without_cache(&mut self) {
        self.caching = false;
    }

    /// Where the records live, when the session keeps any.
    pub fn store(&self) -> Option<&Store> {
        self.caching.then_some(&self.store)
    }

    /// Where the records live, kept or not (`vaultc cache clean`).
    pub fn store_location(&self) -> &Store {
        &self.store
    }

    /// The vault folder, as a real path; an error when it does not exist.
    pub fn root(&self) -> Result<PathBuf, VaultError> {
        std::fs::canonicalize(&self.settings.src)
            .map_err(|_| VaultError::Missing(self.settings.src.clone()))
    }

    /// One-line notes for the user gathered so far (what was taken as the vault, a vault
    /// with no notes); the library never prints them itself.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// The vault's files, walked once per session (with sizes and times when records are
    /// kept: they are what the records compare).
    pub fn walk(&mut self) -> Result<&Walk, VaultError> {
        if self.walk.is_none() {
            let mut clock = Timings::start();
            // Sizes and times are for the records and for noticing changes.
            let walk = if self.caching || self.watching {
                vault::walk(&self.settings)?
            } else {
                vault::walk_names(&self.settings)?
            };
            clock.lap("walk");
            if !walk.files.iter().any(|f| f.is_note) {
                self.notices.push(format!(
                    "no notes (.md files) in {}",
                    shown(&self.settings.src)
                ));
            }
            self.walk = Some(walk);
        }
        Ok(self.walk.get_or_insert_default())
    }

    /// The walk, taken out of the session (the next [`Session::walk`] walks again).
    fn take_walk(&mut self) -> Result<Walk, VaultError> {
        self.walk()?;
        Ok(self.walk.take().unwrap_or_default())
    }

    /// The whole vault parsed at `detail` (the note cache serving unchanged notes), resolved
    /// and graphed.
    pub fn analysis(&mut self, detail: Detail) -> Result<Analysis, VaultError> {
        let walk = self.take_walk()?;
        let mut clock = Timings::start();
        let vault = load::load_vault(&self.settings, walk, detail, self.store());
        clock.lap("read + parse");
        Ok(Analysis::from_vault(self.settings.clone(), vault))
    }
}

/// A folder as the user best recognises it: its real path.
fn shown(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}

impl Session {
    /// The vault's files as a site build is about to read them (see
    /// [`crate::site::inputs`]): what tells whether a built site is up to date.
    pub fn site_inputs(&mut self) -> Result<crate::site::inputs::Inputs, VaultError> {
        Ok(crate::site::inputs::Inputs::of(self.walk()?))
    }
}
