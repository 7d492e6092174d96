//! Graph pictures computed at build time: a note's neighbourhood and the vault's best-linked
//! entities, laid out on circles. The template draws them as inline SVG; no script runs.

use serde::Serialize;

use super::plan::Plan;
use super::urls::href;
use crate::graph::{Entity, EntityId};
use crate::pipeline::Analysis;

/// At most this many neighbours around a note (the best-linked ones).
pub const LOCAL_NEIGHBOURS: usize = 16;
/// At most this many entities on the global graph page.
pub const GLOBAL_NODES: usize = 150;
/// Labels longer than this are cut.
const LABEL_CHARS: usize = 18;

/// A drawing for the `graph.svg.html` template, in whole pixels (small pages).
#[derive(Debug, Serialize)]
pub struct GraphView {
    pub width: u32,
    pub height: u32,
    pub nodes: Vec<NodeView>,
    /// Every edge as one SVG path: `M x y L x y …`.
    pub edges: String,
}

#[derive(Debug, Serialize)]
pub struct NodeView {
    pub x: i32,
    pub y: i32,
    pub r: i32,
    /// The name, cut to [`LABEL_CHARS`].
    pub label: String,
    /// The full name, when the label is cut (shown as a tooltip).
    pub name: Option<String>,
    pub href: Option<String>,
    /// `current`, `note` or `unresolved`.
    pub kind: &'static str,
    /// The label's position; `end` when it is left of the node.
    pub lx: i32,
    pub ly: i32,
    pub end: bool,
}

/// Undirected neighbours of every entity with link counts, self links left out.
#[derive(Debug, Default)]
pub struct Neighbours {
    /// Sorted by count (most first), then id.
    pub of: Vec<Vec<(EntityId, u32)>>,
    /// The same neighbours sorted by id, for lookups.
    by_id: Vec<Vec<EntityId>>,
}

impl Neighbours {
    /// The links among entities that have a page: private notes, and names only they link
    /// to, are no one's neighbours.
    pub fn collect(a: &Analysis, plan: &Plan) -> Self {
        let shown: Vec<bool> = a
            .graph
            .entities()
            .map(|(id, e)| plan.entity_page(id, e).is_some())
            .collect();
        let mut pairs: Vec<(EntityId, EntityId, u32)> =
            Vec::with_capacity(a.graph.edge_count() * 2);
        for (from, to, count) in a.graph.edges() {
            if from != to && shown[from] && shown[to] {
                pairs.push((from, to, count));
                pairs.push((to, from, count));
            }
        }
        pairs.sort_unstable();
        let mut of: Vec<Vec<(EntityId, u32)>> = vec![Vec::new(); a.graph.entity_count()];
        for (x, y, count) in pairs {
            match of[x].last_mut() {
                Some(last) if last.0 == y => last.1 += count,
                _ => of[x].push((y, count)),
            }
        }
        let by_id = of
            .iter()
            .map(|list| list.iter().map(|(id, _)| *id).collect())
            .collect();
        for list in &mut of {
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        Self { of, by_id }
    }

    pub fn linked(&self, a: EntityId, b: EntityId) -> bool {
        self.by_id[a].binary_search(&b).is_ok()
    }
}

/// Draws `ring` on a circle around `centre` (when given), for the page at `page`.
fn draw(
    a: &Analysis,
    plan: &Plan,
    page: &str,
    neighbours: &Neighbours,
    centre: Option<EntityId>,
    ring: &[EntityId],
    (width, height): (u32, u32),
) -> GraphView {
    // The circle leaves room on both sides for labels.
    let (cx, cy) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
    let radius = cy * 0.7;
    let mut at: Vec<(EntityId, i32, i32)> = Vec::with_capacity(ring.len() + 1);
    if let Some(c) = centre {
        at.push((c, cx as i32, cy as i32));
    }
    let n = ring.len().max(1) as f64;
    for (i, &id) in ring.iter().enumerate() {
        // Start at the top and go clockwise.
        let angle = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
        let x = (cx + radius * angle.cos()).round() as i32;
        let y = (cy + radius * angle.sin()).round() as i32;
        at.push((id, x, y));
    }
    let nodes = at
        .iter()
        .enumerate()
        .map(|(i, &(id, x, y))| {
            let current = centre.is_some() && i == 0;
            let entity = a.graph.entity(id);
            let name = match entity {
                Entity::Note(n) => crate::site::title(&a.vault.notes[*n]),
                Entity::Unresolved(name) => name.as_str(),
            };
            let cut = name.chars().count() > LABEL_CHARS;
            let label = if cut {
                format!(
                    "{}…",
                    name.chars().take(LABEL_CHARS - 1).collect::<String>()
                )
            } else {
                name.to_owned()
            };
            let r = if current { 7 } else { 5 };
            let end = f64::from(x) < cx - 1.0;
            NodeView {
                x,
                y,
                r,
                label,
                name: cut.then(|| name.to_owned()),
                href: plan.entity_page(id, entity).map(|p| href(page, p)),
                kind: match entity {
                    _ if current => "current",
                    Entity::Unresolved(_) => "unresolved",
                    Entity::Note(_) => "note",
                },
                lx: if end { x - r - 3 } else { x + r + 3 },
                ly: y + 3,
                end,
            }
        })
        .collect();
    let mut edges = String::new();
    for (i, &(p, px, py)) in at.iter().enumerate() {
        for &(q, qx, qy) in &at[i + 1..] {
            if neighbours.linked(p, q) {
                edges.push_str(&format!("M{px} {py}L{qx} {qy}"));
            }
        }
    }
    GraphView {
        width,
        height,
        nodes,
        edges,
    }
}

/// A note's (or unresolved name's) neighbourhood: what it links to and what links to it.
pub fn local(
    a: &Analysis,
    plan: &Plan,
    page: &str,
    neighbours: &Neighbours,
    centre: EntityId,
) -> GraphView {
    let ring: Vec<EntityId> = neighbours.of[centre]
        .iter()
        .take(LOCAL_NEIGHBOURS)
        .map(|(id, _)| *id)
        .collect();
    draw(a, plan, page, neighbours, Some(centre), &ring, (460, 300))
}

/// The [`GLOBAL_NODES`] entities with the most links, in id order around one circle.
pub fn global(a: &Analysis, plan: &Plan, page: &str, neighbours: &Neighbours) -> GraphView {
    let mut ranked: Vec<(usize, EntityId)> = neighbours
        .of
        .iter()
        .enumerate()
        .map(|(id, list)| (list.len(), id))
        .filter(|(degree, _)| *degree > 0)
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut ring: Vec<EntityId> = ranked
        .iter()
        .take(GLOBAL_NODES)
        .map(|(_, id)| *id)
        .collect();
    ring.sort_unstable();
    // Room for the labels around the circle, growing with the number of nodes.
    let width = (360 + ring.len() as u32 * 6).min(1000);
    draw(
        a,
        plan,
        page,
        neighbours,
        None,
        &ring,
        (width, width * 4 / 5),
    )
}
