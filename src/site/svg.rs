//! The link graph on the site, laid out at build time ([`layout`](super::layout)).
//!
//! - Each note and entity page has its neighbourhood as inline SVG: the page, what it links
//!   to and what links to it, and the links among those. It shows without a script;
//!   `assets/graph.js` adds zoom, pan and hover.
//! - The global graph is `graph-data.js`: every published note and every name without a note
//!   that one links to, with its position, links, folder and first tag; `assets/graph.js`
//!   draws it on a canvas, with labels only where they fit.
//!
//! Nodes are coloured by their top folder: the colour is picked by the folder's name, so it
//! is the same on every page and in every build.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use serde::Serialize;

use super::layout::layout;
use super::output::SiteFile;
use super::plan::Plan;
use super::urls::href;
use crate::graph::{Entity, EntityId};
use crate::pipeline::Analysis;

/// At most this many neighbours around a note (the best-linked ones).
pub const LOCAL_NEIGHBOURS: usize = 16;
/// Labels longer than this are cut.
const LABEL_CHARS: usize = 20;
/// How many colours nodes take.
pub const COLOURS: u64 = 10;
/// The local graph's drawing, in pixels (drawn at this size in the sidebar).
const LOCAL_SIZE: (f32, f32) = (300.0, 250.0);

/// A drawing for the `graph.svg.html` template, in whole pixels.
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
    /// The colour of the node's top folder, `0..COLOURS`.
    pub colour: u64,
    /// The other ends of its edges, space-separated node numbers (`graph.js` lights them on
    /// hover).
    pub links: String,
}

/// Undirected neighbours of every entity with link counts, self links and unpublished notes
/// left out.
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

/// The colour of a folder (`""` for the vault root), by its name.
pub fn colour(folder: &str) -> u64 {
    let mut h = FxHasher::default();
    folder.hash(&mut h);
    h.finish() % COLOURS
}

/// The top folder of a note's vault path (`""` at the root).
pub fn top_folder(path: &str) -> &str {
    path.split_once('/').map_or("", |(top, _)| top)
}

/// An entity's name and colour (`None`: a name without a note).
pub fn describe(a: &Analysis, id: EntityId) -> (&str, Option<u64>) {
    match a.graph.entity(id) {
        Entity::Note(n) => {
            let note = &a.vault.notes[*n];
            (
                crate::site::title(note),
                Some(colour(top_folder(&note.path))),
            )
        }
        Entity::Unresolved(name) => (name.as_str(), None),
    }
}

/// The nodes of `centre`'s local graph: itself, then its best-linked neighbours.
pub fn local_nodes(neighbours: &Neighbours, centre: EntityId) -> Vec<EntityId> {
    std::iter::once(centre)
        .chain(
            neighbours.of[centre]
                .iter()
                .take(LOCAL_NEIGHBOURS)
                .map(|(id, _)| *id),
        )
        .collect()
}

/// A note's (or unresolved name's) neighbourhood, laid out, for the page at `page`.
pub fn local(
    a: &Analysis,
    plan: &Plan,
    page: &str,
    neighbours: &Neighbours,
    centre: EntityId,
) -> GraphView {
    let ids = local_nodes(neighbours, centre);
    let mut pairs = Vec::new();
    for (i, &p) in ids.iter().enumerate() {
        for (j, &q) in ids.iter().enumerate().skip(i + 1) {
            if neighbours.linked(p, q) {
                pairs.push((i as u32, j as u32));
            }
        }
    }
    let pos = fit(&layout(ids.len(), &pairs, 30, true), LOCAL_SIZE);
    let mut degree = vec![0usize; ids.len()];
    let mut links = vec![String::new(); ids.len()];
    for &(i, j) in &pairs {
        let (i, j) = (i as usize, j as usize);
        degree[i] += 1;
        degree[j] += 1;
        for (x, y) in [(i, j), (j, i)] {
            if !links[x].is_empty() {
                links[x].push(' ');
            }
            links[x].push_str(&y.to_string());
        }
    }
    let nodes = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let entity = a.graph.entity(id);
            let (name, colour) = describe(a, id);
            let cut = name.chars().count() > LABEL_CHARS;
            NodeView {
                x: pos[i][0].round() as i32,
                y: pos[i][1].round() as i32,
                r: (3.0 + 1.5 * (degree[i] as f32).sqrt()).round() as i32 + i32::from(i == 0),
                label: if cut {
                    let head: String = name.chars().take(LABEL_CHARS - 1).collect();
                    format!("{}…", head.trim_end())
                } else {
                    name.to_owned()
                },
                name: cut.then(|| name.to_owned()),
                href: plan.entity_page(id, entity).map(|p| href(page, p)),
                kind: match colour {
                    _ if i == 0 => "current",
                    None => "unresolved",
                    Some(_) => "note",
                },
                colour: colour.unwrap_or(0),
                links: std::mem::take(&mut links[i]),
            }
        })
        .collect::<Vec<NodeView>>();
    let mut edges = String::new();
    for &(i, j) in &pairs {
        let (p, q) = (&nodes[i as usize], &nodes[j as usize]);
        let _ = write!(edges, "M{} {}L{} {}", p.x, p.y, q.x, q.y);
    }
    GraphView {
        width: LOCAL_SIZE.0 as u32,
        height: LOCAL_SIZE.1 as u32,
        nodes,
        edges,
    }
}

/// Scales and moves `pos` into a `width × height` box around its first node, leaving room
/// for labels, never spreading a small graph more than four times its laid-out size.
fn fit(pos: &[[f32; 2]], (width, height): (f32, f32)) -> Vec<[f32; 2]> {
    let (mx, my) = (46.0, 18.0);
    let [cx, cy] = pos.first().copied().unwrap_or([0.0, 0.0]);
    let (mut dx, mut dy) = (1.0f32, 1.0f32);
    for &[x, y] in pos {
        dx = dx.max((x - cx).abs());
        dy = dy.max((y - cy).abs());
    }
    let s = ((width / 2.0 - mx) / dx)
        .min((height / 2.0 - my) / dy)
        .min(4.0);
    pos.iter()
        .map(|&[x, y]| [width / 2.0 + (x - cx) * s, height / 2.0 + (y - cy) * s])
        .collect()
}

/// Layout steps for the global graph: fewer as it grows, each step costing more.
fn global_steps(n: usize) -> usize {
    match n {
        0..=500 => 300,
        501..=3000 => 120,
        _ => 30,
    }
}

/// `graph-data.js`: the whole graph for `assets/graph.js`, laid out; kept from the previous
/// build when no node, name, page, folder, tag or link changed (the layout is the costly part).
pub fn global_file(
    a: &Analysis,
    plan: &Plan,
    neighbours: &Neighbours,
    reuse: &dyn crate::site::Reuse,
) -> SiteFile {
    let ids = global_nodes(a, plan, neighbours);
    let mut index = vec![u32::MAX; a.graph.entity_count()];
    for (i, &(.., id)) in ids.iter().enumerate() {
        index[id] = i as u32;
    }
    let mut edges = Vec::new();
    for (i, &(.., id)) in ids.iter().enumerate() {
        for &(other, _) in &neighbours.of[id] {
            let j = index[other];
            if j != u32::MAX && (i as u32) < j {
                edges.push((i as u32, j));
            }
        }
    }
    edges.sort_unstable();
    let (rows, folders, tags) = global_rows(a, plan, neighbours, &ids);
    let mut h = FxHasher::default();
    ("graph-data", 1u32, &rows, &edges, &folders, &tags).hash(&mut h);
    let fingerprint = h.finish();
    if reuse.reusable(GRAPH_DATA, fingerprint) {
        return SiteFile::kept(GRAPH_DATA, fingerprint);
    }
    let pos = layout(ids.len(), &edges, global_steps(ids.len()), false);
    let mut out = String::from("vaultcGraph.data({\"nodes\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "[{},{},{}",
            pos[i][0].round(),
            pos[i][1].round(),
            &row[1..]
        );
    }
    out.push_str("],\"edges\":[");
    for (k, (i, j)) in edges.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "{i},{j}");
    }
    let _ = writeln!(
        out,
        "],\"folders\":{},\"tags\":{}}});",
        serde_json::json!(folders),
        serde_json::json!(tags)
    );
    let out = super::search::escape_markup(&out).into_owned();
    let mut file = SiteFile::bytes(GRAPH_DATA, out.into_bytes());
    file.fingerprint = Some(fingerprint);
    file
}

pub const GRAPH_DATA: &str = "graph-data.js";

/// The global graph's nodes: notes by folder and path (a folder starts in one place), then
/// names without a note that a published note links to.
fn global_nodes<'a>(
    a: &'a Analysis,
    plan: &Plan,
    neighbours: &Neighbours,
) -> Vec<(u8, &'a str, &'a str, EntityId)> {
    let mut ids: Vec<(u8, &str, &str, EntityId)> = (0..a.vault.notes.len())
        .filter(|&n| plan.note_page(n).is_some())
        .map(|n| {
            let path = a.vault.notes[n].path.as_str();
            (0, top_folder(path), path, a.graph.note_entity(n))
        })
        .collect();
    ids.extend(a.graph.entities().filter_map(|(id, e)| match e {
        Entity::Unresolved(name) if !neighbours.of[id].is_empty() => {
            Some((1, "", name.as_str(), id))
        }
        _ => None,
    }));
    ids.sort_unstable();
    ids
}

/// Each node as a JSON array without its position: `[links, folder, colour, tag, name,
/// page]` (`-1`: none); with the folder and tag names.
fn global_rows<'a>(
    a: &'a Analysis,
    plan: &Plan,
    neighbours: &Neighbours,
    ids: &[(u8, &'a str, &'a str, EntityId)],
) -> (Vec<String>, Vec<&'a str>, Vec<&'a str>) {
    let mut tag_names = Names::default();
    let mut folders = Names::default();
    let rows = ids
        .iter()
        .map(|&(kind, folder, _, id)| {
            let entity = a.graph.entity(id);
            let (name, colour) = describe(a, id);
            let folder_no = if kind == 0 {
                folders.number(folder) as i64
            } else {
                -1
            };
            let tag = match entity {
                Entity::Note(n) => a.vault.notes[*n].tags.first().map(|t| {
                    let top = t.name.split('/').next().unwrap_or(&t.name);
                    tag_names.number(top) as i64
                }),
                Entity::Unresolved(_) => None,
            };
            serde_json::json!([
                neighbours.of[id].len(),
                folder_no,
                colour.map_or(-1, |c| c as i64),
                tag.unwrap_or(-1),
                name,
                plan.entity_page(id, entity).unwrap_or("")
            ])
            .to_string()
        })
        .collect();
    (rows, folders.list, tag_names.list)
}

/// Names numbered in the order met, any case the same (the first spelling stays).
#[derive(Default)]
struct Names<'a> {
    list: Vec<&'a str>,
    numbers: rustc_hash::FxHashMap<String, usize>,
}

impl<'a> Names<'a> {
    fn number(&mut self, name: &'a str) -> usize {
        let key = crate::index::fold(name).into_owned();
        *self.numbers.entry(key).or_insert_with(|| {
            self.list.push(name);
            self.list.len() - 1
        })
    }
}
