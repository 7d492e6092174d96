//! A parsed vault, resolved: the index, every link's resolution and the link graph, then the
//! rules on demand. What every output (report, export, site, queries) reads.
//!
//! [`crate::session::Session`] loads the vault and builds an [`Analysis`] from it; nothing
//! here reads a file or parses a note.

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::graph::LinkGraph;
use crate::history::History;
use crate::index::{Index, Resolved};
use crate::model::{NoteId, Vault};
use crate::rules::{self, Context};
pub use crate::timings::Timings;

/// A loaded, parsed and resolved vault.
pub struct Analysis {
    pub settings: Settings,
    pub vault: Vault,
    pub index: Index,
    /// `resolved[note][link]`, parallel to each note's `links`.
    pub resolved: Vec<Vec<Resolved>>,
    pub graph: LinkGraph,
    /// What git says of the notes, when the run reads it (see [`crate::history`]).
    pub history: Option<History>,
}

/// The resolutions of note `id`'s links, in link order.
pub fn resolve_links(index: &Index, vault: &Vault, id: NoteId) -> Vec<Resolved> {
    let note = &vault.notes[id];
    note.links
        .iter()
        .map(|link| index.resolve(vault, id, link.target(note)))
        .collect()
}

impl Analysis {
    /// Resolves and graphs a parsed vault.
    pub fn from_vault(settings: Settings, vault: Vault) -> Self {
        let mut clock = Timings::start();
        let index = Index::build(&vault);
        clock.lap("index");
        let resolved: Vec<Vec<Resolved>> = (0..vault.notes.len())
            .into_par_iter()
            .map(|id| resolve_links(&index, &vault, id))
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
            history: None,
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
            history: self.history.as_ref(),
        };
        let mut clock = Timings::start();
        let found = rules::run(&cx, only);
        clock.lap("rules");
        found
    }
}
