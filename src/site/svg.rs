//! The link graph on the site, laid out at build time ([`layout`](super::layout)).
//!
//! - Each note and entity page has its neighbourhood: the page, what it links to and what
//!   links to it, and the links among those, laid out here and packed into a short attribute
//!   of the page's `<svg>` (node numbers, positions, links; see [`pack`]). `assets/graph.js`
//!   draws it with each node's title, page and colour from `nav-data.js`, which the folder
//!   tree loads anyway — so a page carries about 150 bytes of graph instead of 4 KB of SVG
//!   that repeated the same titles and pages on every page around them — and adds zoom, pan
//!   and hover.
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
use super::nav::Numbers;
use super::output::SiteFile;
use super::plan::Plan;
use crate::graph::{Entity, EntityId};
use crate::pipeline::Analysis;

/// At most this many neighbours around a note (the best-linked ones).
pub const LOCAL_NEIGHBOURS: usize = 16;
/// How many colours nodes take.
pub const COLOURS: u64 = 10;
/// The local graph's drawing, in pixels (drawn at this size in the sidebar).
const LOCAL_SIZE: (f32, f32) = (300.0, 250.0);

/// A local graph for the `graph.svg.html` template: its size in pixels and its nodes and
/// links packed into one attribute (see [`pack`]), which `assets/graph.js` draws.
#[derive(Debug, Serialize)]
pub struct GraphView {
    pub width: u32,
    pub height: u32,
    pub data: String,
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

/// A note's (or unresolved name's) neighbourhood, laid out, with every node named by its
/// number in `nav-data.js` (its title, page and colour are there, once for the whole site).
pub fn local(numbers: &Numbers, neighbours: &Neighbours, centre: EntityId) -> GraphView {
    let ids: Vec<EntityId> = local_nodes(neighbours, centre)
        .into_iter()
        .filter(|&id| numbers.get(id).is_some())
        .collect();
    let mut pairs = Vec::new();
    for (i, &p) in ids.iter().enumerate() {
        for (j, &q) in ids.iter().enumerate().skip(i + 1) {
            if neighbours.linked(p, q) {
                pairs.push((i as u32, j as u32));
            }
        }
    }
    let pos = fit(&layout(ids.len(), &pairs, 30, true), LOCAL_SIZE);
    let nodes: Vec<(u32, [f32; 2])> = ids
        .iter()
        .zip(pos)
        .map(|(&id, p)| (numbers.get(id).unwrap_or(0), p))
        .collect();
    GraphView {
        width: LOCAL_SIZE.0 as u32,
        height: LOCAL_SIZE.1 as u32,
        data: pack(&nodes, &pairs),
    }
}

/// The digits of [`pack`]: URL-safe base64's.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A local graph in a few characters, base-64 digits throughout: the width `w` of a node
/// number; the node count `n`; each node's number (`w` digits), x and y (two digits each, in
/// pixels); then one bit per pair of nodes (0–1, 0–2, …, 1–2, …), six to a digit, high bit
/// first: set when the two link. A page's 17 nodes take about 140 characters, where the
/// same graph as SVG took 4 KB.
pub fn pack(nodes: &[(u32, [f32; 2])], pairs: &[(u32, u32)]) -> String {
    let digit = |v: u32| char::from(DIGITS[(v & 63) as usize]);
    let push = |out: &mut String, v: u32, width: u32| {
        for k in (0..width).rev() {
            out.push(digit(v >> (6 * k)));
        }
    };
    let largest = nodes.iter().map(|&(n, _)| n).max().unwrap_or(0);
    let width = (1..=5).find(|&w| largest >> (6 * w) == 0).unwrap_or(6);
    let n = nodes.len().min(63);
    let mut out = String::with_capacity(2 + n * (width as usize + 4) + n * n / 12 + 1);
    out.push(digit(width));
    out.push(digit(n as u32));
    for &(number, [x, y]) in &nodes[..n] {
        push(&mut out, number, width);
        push(&mut out, x.round().clamp(0.0, 4095.0) as u32, 2);
        push(&mut out, y.round().clamp(0.0, 4095.0) as u32, 2);
    }
    let bits = n * n.saturating_sub(1) / 2;
    let mut mask = vec![0u8; bits.div_ceil(6)];
    for &(i, j) in pairs {
        let (i, j) = (i as usize, j as usize);
        if i < j && j < n {
            // Pairs before row i: (n-1) + (n-2) + … + (n-i).
            let k = i * (2 * n - i - 1) / 2 + (j - i - 1);
            mask[k / 6] |= 1 << (5 - k % 6);
        }
    }
    out.extend(mask.into_iter().map(|m| digit(u32::from(m))));
    out
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

/// `graph-data.js`: the whole graph for `assets/graph.js`, laid out: every node of
/// `nav-data.js`, in its order (so that a node's title and page are read there), with its
/// position, link count, folder, colour and first tag. Kept from the previous build when no
/// node, folder, tag or link changed (the layout is the costly part; a new title changes
/// `nav-data.js` only).
pub fn global_file(
    a: &Analysis,
    numbers: &Numbers,
    neighbours: &Neighbours,
    reuse: &dyn crate::site::Reuse,
) -> SiteFile {
    let ids: Vec<EntityId> = numbers
        .notes
        .iter()
        .map(|&n| a.graph.note_entity(n))
        .chain(numbers.names.iter().copied())
        .collect();
    let mut edges = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        for &(other, _) in &neighbours.of[id] {
            if let Some(j) = numbers.get(other)
                && (i as u32) < j
            {
                edges.push((i as u32, j));
            }
        }
    }
    edges.sort_unstable();
    let (rows, folders, tags) = global_rows(a, neighbours, &ids);
    let mut h = FxHasher::default();
    ("graph-data", 2u32, &rows, &edges, &folders, &tags).hash(&mut h);
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
        let _ = write!(out, "[{},{},{}]", pos[i][0].round(), pos[i][1].round(), row);
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

/// Each node's `links,folder,colour,tag` (`-1`: none), with the top folders' and first tags'
/// names.
fn global_rows<'a>(
    a: &'a Analysis,
    neighbours: &Neighbours,
    ids: &[EntityId],
) -> (Vec<String>, Vec<&'a str>, Vec<&'a str>) {
    let mut tag_names = Names::default();
    let mut folders = Names::default();
    let rows = ids
        .iter()
        .map(|&id| {
            let (folder, colour, tag) = match a.graph.entity(id) {
                Entity::Note(n) => {
                    let note = &a.vault.notes[*n];
                    let top = top_folder(&note.path);
                    let tag = note.tags.first().map(|t| {
                        let first = t.name.split('/').next().unwrap_or(&t.name);
                        tag_names.number(first) as i64
                    });
                    (
                        folders.number(top) as i64,
                        colour(top) as i64,
                        tag.unwrap_or(-1),
                    )
                }
                Entity::Unresolved(_) => (-1, -1, -1),
            };
            format!("{},{folder},{colour},{tag}", neighbours.of[id].len())
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
