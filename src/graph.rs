//! The entity graph: every note and every unresolved link target is a node; links are edges.
//!
//! An unresolved target is one entity whatever its case and whether it ends in `.md`
//! ([`unresolved_key`]): `[[Example]]`, `[[example.md]]` and `[text](Example.md)` are one
//! missing note, named as first written without the `.md`.
//!
//! petgraph stays private to this module; callers ask questions in vault terms.
//!
//! Entities are numbered by [`EntityId`]: notes first, in vault order (so a note's entity id
//! is its [`NoteId`]), then unresolved names in the order the vault first links to them.
//! Edges are kept sorted by (from, to). Both orders depend only on the vault's content, so
//! every output built from them is deterministic.

use std::collections::VecDeque;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::index::{Resolved, Target, strip_md, unresolved_key};
use crate::model::{NoteId, Vault};

/// Something a link can point at: a note, or a name that no note has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityRef {
    Note(NoteId),
    /// An unresolved link target, as first written in the vault.
    Unresolved(String),
}

/// A node's number: `0..entity_count()`. Notes come first, so a note's id equals its
/// [`NoteId`].
pub type EntityId = usize;

/// PageRank's damping factor: the chance a random reader follows a link rather than jumping.
pub const PAGE_RANK_DAMPING: f64 = 0.85;
/// Power-iteration rounds at most; iteration stops early once ranks move less than
/// [`PAGE_RANK_TOLERANCE`] in total.
pub const PAGE_RANK_ITERATIONS: usize = 50;
const PAGE_RANK_TOLERANCE: f64 = 1e-12;

/// A node: a note, or a name that notes link to but no note has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    Note(NoteId),
    Unresolved(String),
}

/// An edge: how many links go from one entity to another, and which links they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub count: u32,
    /// Where the edge's links start in [`LinkGraph::edge_links`]'s list: `count` indexes
    /// into the linking note's `links`, in text order.
    first: u32,
}

#[derive(Debug, Default)]
pub struct LinkGraph {
    graph: DiGraph<Entity, Edge>,
    notes: Vec<NodeIndex>,
    unresolved: HashMap<String, NodeIndex>,
    /// Every edge's links (indexes into the linking note's `links`), edge after edge: an
    /// edge carries the spans of its links without a copy of them, and without spans that
    /// move with every edit of the text before them.
    links: Vec<u32>,
}

impl LinkGraph {
    /// Builds the graph from each note's resolved links (`resolved[note][link]`).
    pub fn build(vault: &Vault, resolved: &[Vec<Resolved>]) -> Self {
        let mut g = LinkGraph::default();
        g.graph.reserve_nodes(vault.notes.len());
        for id in 0..vault.notes.len() {
            g.notes.push(g.graph.add_node(Entity::Note(id)));
        }
        // Every link as a (from, to, link) triple, then sorted and counted: no map, and the
        // graph's edge list is allocated once at its final size (a large vault has millions).
        let mut pairs: Vec<(NodeIndex, NodeIndex, u32)> =
            Vec::with_capacity(resolved.iter().map(Vec::len).sum());
        for (id, links) in resolved.iter().enumerate() {
            let from = g.notes[id];
            let note = &vault.notes[id];
            for (i, (link, r)) in note.links.iter().zip(links).enumerate() {
                let to = match r.target() {
                    Target::Note(t) | Target::Alias(t) => g.notes[t],
                    Target::Attachment(_) => continue,
                    Target::Unresolved => {
                        let target = link.target(note);
                        let key = unresolved_key(target);
                        // Most unresolved names are linked more than once: look before
                        // copying the key.
                        match g.unresolved.get(key.as_ref()) {
                            Some(&n) => n,
                            None => {
                                let shown = strip_md(target).to_owned();
                                let n = g.graph.add_node(Entity::Unresolved(shown));
                                g.unresolved.insert(key.into_owned(), n);
                                n
                            }
                        }
                    }
                };
                pairs.push((from, to, i as u32));
            }
        }
        // The triples come note by note, so sorting each note's run sorts them all: runs are
        // short, and sorted on every core.
        pairs
            .par_chunk_by_mut(|a, b| a.0 == b.0)
            .for_each(<[(NodeIndex, NodeIndex, u32)]>::sort_unstable);
        let same = |a: &(NodeIndex, NodeIndex, u32), b: &(NodeIndex, NodeIndex, u32)| {
            (a.0, a.1) == (b.0, b.1)
        };
        let distinct = pairs.windows(2).filter(|w| !same(&w[0], &w[1])).count() + 1;
        g.graph.reserve_exact_edges(distinct.min(pairs.len()));
        g.links = pairs.iter().map(|p| p.2).collect();
        let mut first = 0;
        for run in pairs.chunk_by(same) {
            let (a, b, _) = run[0];
            g.graph.add_edge(
                a,
                b,
                Edge {
                    count: run.len() as u32,
                    first,
                },
            );
            first += run.len() as u32;
        }
        g
    }

    /// Every edge as `(from, to, links)`, sorted by `(from, to)`: `links` are indexes into
    /// the `from` note's `links`, in text order (their spans are the edge's spans).
    pub fn edge_links(&self) -> impl Iterator<Item = (EntityId, EntityId, &[u32])> {
        self.graph.edge_references().map(|e| {
            let Edge { count, first } = *e.weight();
            let links = self
                .links
                .get(first as usize..(first + count) as usize)
                .unwrap_or(&[]);
            (e.source().index(), e.target().index(), links)
        })
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

    /// The unresolved entity `name` means (any case, `.md` optional), as first written in
    /// the vault.
    pub fn unresolved_name(&self, name: &str) -> Option<&str> {
        match &self.graph[*self.unresolved.get(unresolved_key(name).as_ref())?] {
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

    /// How many entities link to this entity (any note but the entity itself).
    pub fn linking_sources(&self, id: EntityId) -> usize {
        let n = NodeIndex::new(id);
        self.graph
            .neighbors_directed(n, Direction::Incoming)
            .filter(|&m| m != n)
            .count()
    }

    /// How many links reach this entity from other entities (each occurrence counts; links
    /// from a note to itself do not).
    pub fn inbound_links(&self, id: EntityId) -> u32 {
        let n = NodeIndex::new(id);
        self.graph
            .edges_directed(n, Direction::Incoming)
            .filter(|e| e.source() != n)
            .map(|e| e.weight().count)
            .sum()
    }

    /// The entity at `id`.
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.graph[NodeIndex::new(id)]
    }

    /// Every entity with its id, in id order (notes in vault order, then unresolved names).
    pub fn entities(&self) -> impl Iterator<Item = (EntityId, &Entity)> {
        self.graph
            .node_indices()
            .map(|n| (n.index(), &self.graph[n]))
    }

    /// Every edge as `(from, to, link count)`, sorted by `(from, to)`. Links from a note to
    /// itself are an edge too.
    pub fn edges(&self) -> impl Iterator<Item = (EntityId, EntityId, u32)> {
        self.graph
            .edge_references()
            .map(|e| (e.source().index(), e.target().index(), e.weight().count))
    }

    /// How many distinct (from, to) pairs are linked.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The entity of a note.
    pub fn note_entity(&self, id: NoteId) -> EntityId {
        self.notes[id].index()
    }

    /// The entity a query result names, if the graph has it (an unresolved name is looked up
    /// in any case, `.md` optional: a link's target finds its entity).
    pub fn entity_of(&self, e: &EntityRef) -> Option<EntityId> {
        match e {
            EntityRef::Note(id) => self.notes.get(*id).map(|n| n.index()),
            EntityRef::Unresolved(name) => self
                .unresolved
                .get(unresolved_key(name).as_ref())
                .map(|n| n.index()),
        }
    }

    /// Notes no other note links to (links from a note to itself do not count), in vault
    /// order.
    pub fn orphans(&self) -> Vec<NoteId> {
        (0..self.notes.len())
            .filter(|&id| self.linking_notes(id) == 0)
            .collect()
    }

    /// How many weakly connected components the graph has (links followed either way; an
    /// entity with no links is a component of its own).
    pub fn components(&self) -> usize {
        petgraph::algo::connected_components(&self.graph)
    }

    /// PageRank of every entity, indexed by [`EntityId`]; the ranks sum to 1.
    ///
    /// Each distinct edge counts once whatever its link count (as in petgraph's
    /// `page_rank`), and links from a note to itself are left out. An entity with no outgoing
    /// links (every unresolved name, and notes that link nowhere else) spreads its rank
    /// evenly over all entities. Damping [`PAGE_RANK_DAMPING`], at most
    /// [`PAGE_RANK_ITERATIONS`] rounds of power iteration over the edge list: O(rounds × edges),
    /// well under a second for 100k entities and 300k edges (petgraph's own `page_rank` is
    /// quadratic in the node count per round).
    pub fn page_rank(&self) -> Vec<f64> {
        let n = self.graph.node_count();
        if n == 0 {
            return Vec::new();
        }
        let edges: Vec<(usize, usize)> = self
            .graph
            .edge_references()
            .map(|e| (e.source().index(), e.target().index()))
            .filter(|(a, b)| a != b)
            .collect();
        let mut out_degree = vec![0u32; n];
        for &(a, _) in &edges {
            out_degree[a] += 1;
        }
        let d = PAGE_RANK_DAMPING;
        let nf = n as f64;
        let mut rank = vec![1.0 / nf; n];
        let mut next = vec![0.0; n];
        for _ in 0..PAGE_RANK_ITERATIONS {
            let dangling: f64 = rank
                .iter()
                .zip(&out_degree)
                .filter(|&(_, &deg)| deg == 0)
                .map(|(r, _)| r)
                .sum();
            let base = (1.0 - d) / nf + d * dangling / nf;
            next.fill(base);
            for &(a, b) in &edges {
                next[b] += d * rank[a] / f64::from(out_degree[a]);
            }
            // Renormalise against rounding drift.
            let total: f64 = next.iter().sum();
            let mut moved = 0.0;
            for (r, x) in rank.iter_mut().zip(&next) {
                let x = x / total;
                moved += (x - *r).abs();
                *r = x;
            }
            if moved < PAGE_RANK_TOLERANCE {
                break;
            }
        }
        rank
    }

    /// A shortest chain of links from `from` to `to`, both ends included, following links
    /// in their direction only (a path that needs a link walked backwards does not count).
    /// `None` when there is no such chain. Among equally short chains, the one through the
    /// lowest entity ids wins, so the answer is deterministic. `from == to` is `[from]`.
    pub fn shortest_path(&self, from: EntityId, to: EntityId) -> Option<Vec<EntityId>> {
        let n = self.graph.node_count();
        if from >= n || to >= n {
            return None;
        }
        if from == to {
            return Some(vec![from]);
        }
        let mut parent: Vec<Option<EntityId>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[from] = true;
        let mut queue = VecDeque::from([from]);
        let mut next = Vec::new();
        while let Some(at) = queue.pop_front() {
            next.clear();
            next.extend(
                self.graph
                    .neighbors_directed(NodeIndex::new(at), Direction::Outgoing)
                    .map(|m| m.index()),
            );
            next.sort_unstable();
            next.dedup();
            for &m in &next {
                if seen[m] {
                    continue;
                }
                seen[m] = true;
                parent[m] = Some(at);
                if m == to {
                    let mut path = vec![to];
                    let mut cur = to;
                    while let Some(p) = parent[cur] {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(m);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;
    use crate::parse::parse_note;

    /// A vault of `(path, text)` notes and its graph.
    fn graph(notes: &[(&str, &str)], attachments: &[&str]) -> LinkGraph {
        let vault = Vault {
            notes: notes
                .iter()
                .map(|(p, t)| parse_note((*p).to_owned(), t.as_bytes().to_vec()))
                .collect(),
            attachments: attachments.iter().map(|a| (*a).to_owned()).collect(),
            ..Vault::default()
        };
        let index = Index::build(&vault);
        let resolved: Vec<Vec<Resolved>> = vault
            .notes
            .iter()
            .enumerate()
            .map(|(id, n)| {
                n.links
                    .iter()
                    .map(|l| index.resolve(&vault, id, l.target(n)))
                    .collect()
            })
            .collect();
        LinkGraph::build(&vault, &resolved)
    }

    /// A(0) → B ×2, C, Missing, itself; B(1) → C; C(2) → missing; D(3) alone; E(4) embeds an
    /// image only. Missing is entity 5.
    fn sample() -> LinkGraph {
        graph(
            &[
                ("A.md", "[[B]] [[b]] [[C]] [[Missing]] [[A]] [[#Top]]\n"),
                ("B.md", "[[C]]\n"),
                ("C.md", "[[missing]]\n"),
                ("D.md", "nothing\n"),
                ("E.md", "![[img.png]]\n"),
            ],
            &["img.png"],
        )
    }

    #[test]
    fn entities_and_edges_in_a_fixed_order() {
        let g = sample();
        let entities: Vec<_> = g.entities().map(|(id, e)| (id, e.clone())).collect();
        assert_eq!(
            entities,
            vec![
                (0, Entity::Note(0)),
                (1, Entity::Note(1)),
                (2, Entity::Note(2)),
                (3, Entity::Note(3)),
                (4, Entity::Note(4)),
                (5, Entity::Unresolved("Missing".into())),
            ]
        );
        let edges: Vec<_> = g.edges().collect();
        assert_eq!(
            edges,
            vec![
                (0, 0, 2),
                (0, 1, 2),
                (0, 2, 1),
                (0, 5, 1),
                (1, 2, 1),
                (2, 5, 1)
            ]
        );
        assert_eq!(g.edge_count(), 6);
        let links: Vec<_> = g.edge_links().map(|(_, _, l)| l.to_vec()).collect();
        assert_eq!(
            links,
            [vec![4, 5], vec![0, 1], vec![2], vec![3], vec![0], vec![0]],
            "each edge's links, in text order"
        );
        assert_eq!(g.entity(5), &Entity::Unresolved("Missing".into()));
        assert_eq!(g.note_entity(3), 3);
        assert_eq!(g.entity_of(&EntityRef::Note(2)), Some(2));
        assert_eq!(
            g.entity_of(&EntityRef::Unresolved("MISSING".into())),
            Some(5)
        );
        assert_eq!(g.entity_of(&EntityRef::Unresolved("Nope".into())), None);
    }

    #[test]
    fn a_missing_note_is_one_entity_with_or_without_md() {
        let g = graph(
            &[
                ("A.md", "[[Example.md]] [[Example]]\n"),
                ("B.md", "[text](Example.md) [[example]] [[Other.pdf]]\n"),
            ],
            &[],
        );
        let names: Vec<_> = g.unresolved_names().collect();
        assert_eq!(g.unresolved_count(), 2, "{names:?}");
        assert_eq!(g.entity(2), &Entity::Unresolved("Example".into()));
        assert_eq!(g.inbound_links(2), 4);
        for name in ["Example", "example.md", "EXAMPLE.MD"] {
            assert_eq!(g.entity_of(&EntityRef::Unresolved(name.into())), Some(2));
        }
        assert_eq!(g.unresolved_name("Example.md"), Some("Example"));
        assert_eq!(g.entity(3), &Entity::Unresolved("Other.pdf".into()));
    }

    #[test]
    fn inbound_counts_leave_out_self_links() {
        let g = sample();
        assert_eq!(g.inbound_links(0), 0);
        assert_eq!(g.inbound_links(1), 2);
        assert_eq!(g.inbound_links(2), 2);
        assert_eq!(g.inbound_links(5), 2);
        assert_eq!(g.linking_sources(0), 0);
        assert_eq!(g.linking_sources(1), 1);
        assert_eq!(g.linking_sources(2), 2);
        assert_eq!(g.linking_sources(5), 2);
        assert_eq!(g.linking_notes(2), 2);
        assert_eq!(g.orphans(), vec![0, 3, 4]);
    }

    #[test]
    fn weak_components_count_isolated_notes() {
        assert_eq!(sample().components(), 3);
        assert_eq!(graph(&[], &[]).components(), 0);
    }

    #[test]
    fn shortest_paths_follow_link_direction() {
        let g = sample();
        assert_eq!(g.shortest_path(0, 5), Some(vec![0, 5]));
        assert_eq!(g.shortest_path(1, 5), Some(vec![1, 2, 5]));
        assert_eq!(g.shortest_path(3, 3), Some(vec![3]));
        assert_eq!(g.shortest_path(5, 0), None, "unresolved names link nowhere");
        assert_eq!(g.shortest_path(2, 1), None, "B links to C, not back");
        assert_eq!(g.shortest_path(0, 3), None);
        assert_eq!(g.shortest_path(0, 99), None);
    }

    #[test]
    fn shortest_path_ties_go_to_the_lowest_ids() {
        // A → B → D and A → C → D: B comes first.
        let g = graph(
            &[
                ("A.md", "[[C]] [[B]]\n"),
                ("B.md", "[[D]]\n"),
                ("C.md", "[[D]]\n"),
                ("D.md", "\n"),
            ],
            &[],
        );
        assert_eq!(g.shortest_path(0, 3), Some(vec![0, 1, 3]));
    }

    #[test]
    fn page_rank_sums_to_one_and_favours_the_linked() {
        let g = sample();
        let pr = g.page_rank();
        assert_eq!(pr.len(), 6);
        assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(pr[5] > pr[2] && pr[2] > pr[1] && pr[1] > pr[0], "{pr:?}");
        assert!((pr[3] - pr[4]).abs() < 1e-15, "unlinked notes rank alike");
        assert!(graph(&[], &[]).page_rank().is_empty());
    }

    #[test]
    fn page_rank_of_known_graphs() {
        // A two-cycle splits evenly; a self link changes nothing.
        let g = graph(&[("A.md", "[[B]] [[A]]\n"), ("B.md", "[[A]]\n")], &[]);
        let pr = g.page_rank();
        assert!(
            (pr[0] - 0.5).abs() < 1e-9 && (pr[1] - 0.5).abs() < 1e-9,
            "{pr:?}"
        );
        // A hub and three spokes that link to it; the hub links nowhere, so its rank spreads
        // evenly. Stationary equations: s = (1-d)/4 + d*h/4 for each spoke, h = s + 3*d*s.
        let g = graph(
            &[
                ("H.md", "\n"),
                ("S1.md", "[[H]]\n"),
                ("S2.md", "[[H]]\n"),
                ("S3.md", "[[H]]\n"),
            ],
            &[],
        );
        let pr = g.page_rank();
        let d = PAGE_RANK_DAMPING;
        let s = (1.0 - d) / 4.0 + d * pr[0] / 4.0;
        let h = s + 3.0 * d * s;
        assert!((pr[1] - s).abs() < 1e-9, "{pr:?}");
        assert!((pr[0] - h).abs() < 1e-9, "{pr:?}");
    }

    #[test]
    fn page_rank_scales_to_a_large_vault() {
        // 100k entities, 300k edges: the power iteration is linear in the edges.
        let n = 100_000usize;
        let mut g = LinkGraph::default();
        for id in 0..n {
            g.notes.push(g.graph.add_node(Entity::Note(id)));
        }
        for a in 0..n {
            for k in [1usize, 7, 7919] {
                let b = (a * 31 + k) % n;
                g.graph
                    .add_edge(g.notes[a], g.notes[b], Edge { count: 1, first: 0 });
            }
        }
        let start = std::time::Instant::now();
        let pr = g.page_rank();
        let took = start.elapsed();
        assert_eq!(pr.len(), n);
        assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-6);
        // Generous even for an unoptimised build on a busy machine.
        assert!(took.as_secs_f64() < 10.0, "page_rank took {took:?}");
        assert_eq!(g.components(), 1);
        assert!(g.shortest_path(0, n - 1).is_some());
    }
}
