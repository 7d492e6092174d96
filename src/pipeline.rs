//! The pipeline in one place: load → parse → resolve → graph, then rules on demand.
//!
//! Every command starts from an [`Analysis`]; none re-reads a file or re-parses a note.

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::graph::LinkGraph;
use crate::index::{Index, Resolved};
use crate::model::Vault;
use crate::parse::Detail;
use crate::rules::{self, Context};
use crate::vault::{self, VaultError};

/// A loaded, parsed and resolved vault.
pub struct Analysis {
    pub settings: Settings,
    pub vault: Vault,
    pub index: Index,
    /// `resolved[note][link]`, parallel to each note's `links`.
    pub resolved: Vec<Vec<Resolved>>,
    pub graph: LinkGraph,
}

impl Analysis {
    /// Loads with every detail kept (exports, queries, the site).
    pub fn load(settings: Settings) -> Result<Self, VaultError> {
        Self::load_with(settings, Detail::Full)
    }

    /// Loads keeping what `detail` asks for: `check` needs less than an export.
    pub fn load_with(settings: Settings, detail: Detail) -> Result<Self, VaultError> {
        Self::load_cached(settings, detail, None)
    }

    /// Loads like [`Analysis::load_with`], with notes whose files did not change served from
    /// the note cache in `cache_dir` (see crate::note_cache).
    pub fn load_cached(
        settings: Settings,
        detail: Detail,
        cache_dir: Option<&std::path::Path>,
    ) -> Result<Self, VaultError> {
        let mut clock = Timings::start();
        let walk = if cache_dir.is_some() {
            vault::walk(&settings)?
        } else {
            vault::walk_names(&settings)?
        };
        let vault = vault::parse_walked_cached(&settings, walk, detail, cache_dir);
        clock.lap("load + parse");
        Ok(Self::from_vault(settings, vault))
    }

    /// Resolves and graphs an already parsed vault.
    pub fn from_vault(settings: Settings, vault: Vault) -> Self {
        let mut clock = Timings::start();
        let index = Index::build(&vault);
        clock.lap("index");
        let resolved: Vec<Vec<Resolved>> = vault
            .notes
            .par_iter()
            .enumerate()
            .map(|(id, note)| {
                note.links
                    .iter()
                    .map(|link| index.resolve(&vault, id, link.target(note)))
                    .collect()
            })
            .collect();
        clock.lap("resolve");
        let graph = LinkGraph::build(&vault, &resolved);
        clock.lap("graph");
        Self {
            settings,
            vault,
            index,
            resolved,
            graph,
        }
    }

    /// Runs the rules; `only[note]` limits which notes are reported (links still resolve
    /// against the whole vault).
    pub fn check(&self, today: Date, only: Option<&[bool]>) -> Vec<Diagnostic> {
        let cx = Context {
            vault: &self.vault,
            index: &self.index,
            resolved: &self.resolved,
            inbound: rules::Inbound::Graph(&self.graph),
            settings: &self.settings,
            today,
        };
        let mut clock = Timings::start();
        let found = rules::run(&cx, only);
        clock.lap("rules");
        found
    }
}

/// Phase timings on stderr when `VAULTC_TIMINGS` is set: where a run's time goes, for the
/// benchmark and for profiling, without a profiler.
pub struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    pub fn start() -> Self {
        let on = std::env::var_os("VAULTC_TIMINGS").is_some();
        Self {
            last: on.then(std::time::Instant::now),
        }
    }

    /// A line of its own among the timings (a count, say), when timings are on.
    pub fn note(&self, line: &str) {
        if self.last.is_some() {
            eprintln!("vaultc: {line}");
        }
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            eprintln!(
                "vaultc: {phase:<14} {:>8.1} ms  rss {:>6} MB",
                (now - last).as_secs_f64() * 1e3,
                resident_mb()
            );
            self.last = Some(now);
        }
    }
}

/// Resident memory now, in MB (Linux; 0 elsewhere), for the timings above.
fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / 1_000_000)
}
