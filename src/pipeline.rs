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
    pub fn load(settings: Settings) -> Result<Self, VaultError> {
        let vault = vault::load(&settings)?;
        let index = Index::build(&vault);
        let resolved: Vec<Vec<Resolved>> = vault
            .notes
            .par_iter()
            .enumerate()
            .map(|(id, note)| {
                note.links
                    .iter()
                    .map(|link| index.resolve(&vault, id, link))
                    .collect()
            })
            .collect();
        let graph = LinkGraph::build(&vault, &resolved);
        Ok(Self {
            settings,
            vault,
            index,
            resolved,
            graph,
        })
    }

    /// Runs the rules; `only[note]` limits which notes are reported (links still resolve
    /// against the whole vault).
    pub fn check(&self, today: Date, only: Option<&[bool]>) -> Vec<Diagnostic> {
        let cx = Context {
            vault: &self.vault,
            index: &self.index,
            resolved: &self.resolved,
            graph: &self.graph,
            settings: &self.settings,
            today,
        };
        rules::run(&cx, only)
    }
}
