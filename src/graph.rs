//! The entity graph: every note and every unresolved link target is a node; links are edges.
//!
//! petgraph stays private to this module; callers ask questions in vault terms.

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::index::{Resolved, Target, fold};
use crate::model::{NoteId, Vault};

/// A node: a note, or a name that notes link to but no note has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    Note(NoteId),
    Unresolved(String),
}

/// An edge: how many links go from one entity to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub count: u32,
}

#[derive(Debug, Default)]
pub struct LinkGraph {
    graph: DiGraph<Entity, Edge>,
    notes: Vec<NodeIndex>,
    unresolved: HashMap<String, NodeIndex>,
}

impl LinkGraph {
    /// Builds the graph from each note's resolved links (`resolved[note][link]`).
    pub fn build(vault: &Vault, resolved: &[Vec<Resolved>]) -> Self {
        let mut g = LinkGraph::default();
        for id in 0..vault.notes.len() {
            g.notes.push(g.graph.add_node(Entity::Note(id)));
        }
        let mut edges: HashMap<(NodeIndex, NodeIndex), u32> = HashMap::new();
        for (id, links) in resolved.iter().enumerate() {
            let from = g.notes[id];
            for (link, r) in vault.notes[id].links.iter().zip(links) {
                let to = match r.target {
                    Target::Note(t) | Target::Alias(t) => g.notes[t],
                    Target::Attachment(_) => continue,
                    Target::Unresolved => {
                        let key = fold(&link.target).into_owned();
                        *g.unresolved.entry(key).or_insert_with(|| {
                            g.graph.add_node(Entity::Unresolved(link.target.clone()))
                        })
                    }
                };
                *edges.entry((from, to)).or_default() += 1;
            }
        }
        let mut edges: Vec<_> = edges.into_iter().collect();
        edges.sort_unstable();
        for ((a, b), count) in edges {
            g.graph.add_edge(a, b, Edge { count });
        }
        g
    }

    /// How many other notes link to this note.
    pub fn linking_notes(&self, id: NoteId) -> usize {
        self.graph
            .neighbors_directed(self.notes[id], Direction::Incoming)
            .filter(|&n| n != self.notes[id])
            .count()
    }

    pub fn entity_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn unresolved_count(&self) -> usize {
        self.unresolved.len()
    }

    /// The unresolved entity `name` means (any case), as first written in the vault.
    pub fn unresolved_name(&self, name: &str) -> Option<&str> {
        match &self.graph[*self.unresolved.get(fold(name).as_ref())?] {
            Entity::Unresolved(shown) => Some(shown),
            Entity::Note(_) => None,
        }
    }

    /// Every unresolved entity's name, as first written.
    pub fn unresolved_names(&self) -> impl Iterator<Item = &str> {
        self.unresolved
            .values()
            .filter_map(|&n| match &self.graph[n] {
                Entity::Unresolved(shown) => Some(shown.as_str()),
                Entity::Note(_) => None,
            })
    }
}
