//! Force-directed graph layout, computed at build time so that pages show a settled graph at
//! once and the browser only draws it.
//!
//! Fruchterman–Reingold forces: every pair of nodes pushes apart (`k² / d`), every edge pulls
//! its ends together (`d² / k`), and a weak pull towards the centre keeps separate clusters in
//! view; each step moves a node at most the current temperature, which cools linearly. Above
//! [`DIRECT_MAX`] nodes the pushes come from a Barnes–Hut quadtree (far groups of nodes act as
//! one), so a step costs `O(n log n)`; nodes are moved in parallel, each from the same
//! positions, so the result does not depend on the number of threads.
//!
//! Starting positions are a sunflower spiral in the order the caller gives (nodes of one folder
//! side by side start side by side), so the same graph always gets the same picture.

use rayon::prelude::*;

/// Up to this many nodes, every pair is computed directly.
const DIRECT_MAX: usize = 200;
/// Barnes–Hut: a cell this much smaller than its distance acts as one body.
const THETA: f32 = 1.0;
/// The ideal edge length.
pub const K: f32 = 30.0;

/// Positions for nodes `0..n` joined by `edges`, after `steps` steps; with `pinned`, node 0
/// stays in the middle (a page's own node in its local graph).
pub fn layout(n: usize, edges: &[(u32, u32)], steps: usize, pinned: bool) -> Vec<[f32; 2]> {
    let mut pos: Vec<[f32; 2]> = (0..n).map(spiral).collect();
    if n < 2 {
        return pos;
    }
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b && (a as usize) < n && (b as usize) < n {
            adjacency[a as usize].push(b);
            adjacency[b as usize].push(a);
        }
    }
    let start = K * (n as f32).sqrt() / 4.0;
    for step in 0..steps {
        let temperature = start * (1.0 - step as f32 / steps as f32) + 0.5;
        // Small graphs (every page's local graph): each pair once, on this thread.
        pos = if n > DIRECT_MAX {
            let tree = Tree::build(&pos);
            (0..n)
                .into_par_iter()
                .map(|i| settle(&pos, &adjacency, i, tree.push(&pos, i), temperature, pinned))
                .collect()
        } else {
            let pushes = direct_pushes(&pos);
            (0..n)
                .map(|i| settle(&pos, &adjacency, i, pushes[i], temperature, pinned))
                .collect()
        };
    }
    pos
}

/// Node `i`'s next position: `push` from the other nodes, the pull of its edges and of the
/// centre, moved at most `temperature`.
fn settle(
    pos: &[[f32; 2]],
    adjacency: &[Vec<u32>],
    i: usize,
    [mut fx, mut fy]: [f32; 2],
    temperature: f32,
    pinned: bool,
) -> [f32; 2] {
    let [x, y] = pos[i];
    if pinned && i == 0 {
        return [x, y];
    }
    for &j in &adjacency[i] {
        let [dx, dy] = [pos[j as usize][0] - x, pos[j as usize][1] - y];
        let d = (dx * dx + dy * dy).sqrt().max(0.01);
        fx += dx * d / K;
        fy += dy * d / K;
    }
    // Towards the centre, more for nodes with few links.
    let g = 0.02 / (1.0 + adjacency[i].len() as f32).sqrt();
    fx -= x * g * K / 10.0;
    fy -= y * g * K / 10.0;
    let f = (fx * fx + fy * fy).sqrt();
    if f <= f32::EPSILON {
        return [x, y];
    }
    let step = f.min(temperature) / f;
    [x + fx * step, y + fy * step]
}

/// `k² / d` between every pair, each pair computed once.
fn direct_pushes(pos: &[[f32; 2]]) -> Vec<[f32; 2]> {
    let mut out = vec![[0.0f32; 2]; pos.len()];
    for i in 0..pos.len() {
        for j in i + 1..pos.len() {
            let [px, py] = repel(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1], 1.0, i + j);
            out[i][0] += px;
            out[i][1] += py;
            out[j][0] -= px;
            out[j][1] -= py;
        }
    }
    out
}

/// The i-th point of a sunflower spiral: evenly spread, about `K` apart.
fn spiral(i: usize) -> [f32; 2] {
    let golden = std::f32::consts::PI * (3.0 - 5f32.sqrt());
    let r = K * 0.8 * (i as f32 + 0.5).sqrt();
    let a = golden * i as f32;
    [r * a.cos(), r * a.sin()]
}

/// The push of `mass` nodes at distance (dx, dy); two nodes in one place part in a fixed
/// direction picked by `salt`.
fn repel(dx: f32, dy: f32, mass: f32, salt: usize) -> [f32; 2] {
    let d2 = dx * dx + dy * dy;
    if d2 < 1e-4 {
        let a = salt as f32;
        return [a.cos() * K, a.sin() * K];
    }
    let f = mass * K * K / d2;
    [dx * f, dy * f]
}

/// A quadtree cell: its bounds, the mass and centre of the nodes in it, and its children
/// (or its one node).
struct Cell {
    x: f32,
    y: f32,
    size: f32,
    mass: f32,
    cx: f32,
    cy: f32,
    children: Option<[u32; 4]>,
    node: Option<u32>,
}

struct Tree {
    cells: Vec<Cell>,
}

impl Tree {
    fn build(pos: &[[f32; 2]]) -> Self {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &[x, y] in pos {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let size = (x1 - x0).max(y1 - y0).max(1.0) * 1.001;
        let mut tree = Tree {
            cells: Vec::with_capacity(pos.len() * 2),
        };
        tree.cells.push(Cell::empty(x0, y0, size));
        for (i, &p) in pos.iter().enumerate() {
            tree.insert(0, i as u32, p, pos, 0);
        }
        tree.finish(0, pos);
        tree
    }

    fn insert(&mut self, cell: usize, node: u32, p: [f32; 2], pos: &[[f32; 2]], depth: u32) {
        self.cells[cell].mass += 1.0;
        if let Some(children) = self.cells[cell].children {
            let q = self.cells[cell].quadrant(p);
            self.insert(children[q] as usize, node, p, pos, depth + 1);
            return;
        }
        let Some(other) = self.cells[cell].node else {
            self.cells[cell].node = Some(node);
            return;
        };
        if depth > 40 {
            // Nodes in (almost) one place: the cell holds one and counts the rest.
            return;
        }
        let c = &self.cells[cell];
        let half = c.size / 2.0;
        let (x, y) = (c.x, c.y);
        let first = self.cells.len() as u32;
        for q in 0..4 {
            let qx = x + if q & 1 == 1 { half } else { 0.0 };
            let qy = y + if q & 2 == 2 { half } else { 0.0 };
            self.cells.push(Cell::empty(qx, qy, half));
        }
        let cellref = &mut self.cells[cell];
        cellref.children = Some([first, first + 1, first + 2, first + 3]);
        cellref.node = None;
        // Both nodes go in again through this cell, which counts them again.
        cellref.mass -= 2.0;
        let op = pos[other as usize];
        self.insert(cell, other, op, pos, depth);
        self.insert(cell, node, p, pos, depth);
    }

    /// Centres of mass, bottom up.
    fn finish(&mut self, cell: usize, pos: &[[f32; 2]]) {
        if let Some(children) = self.cells[cell].children {
            let (mut sx, mut sy, mut m) = (0.0, 0.0, 0.0);
            for c in children {
                self.finish(c as usize, pos);
                let child = &self.cells[c as usize];
                sx += child.cx * child.mass;
                sy += child.cy * child.mass;
                m += child.mass;
            }
            if m > 0.0 {
                self.cells[cell].cx = sx / m;
                self.cells[cell].cy = sy / m;
            }
        } else if let Some(n) = self.cells[cell].node {
            let [x, y] = pos[n as usize];
            self.cells[cell].cx = x;
            self.cells[cell].cy = y;
        }
    }

    fn push(&self, pos: &[[f32; 2]], i: usize) -> [f32; 2] {
        let [x, y] = pos[i];
        let (mut fx, mut fy) = (0.0, 0.0);
        let mut stack = vec![0usize];
        while let Some(c) = stack.pop() {
            let cell = &self.cells[c];
            if cell.mass == 0.0 || cell.node == Some(i as u32) && cell.mass <= 1.0 {
                continue;
            }
            let (dx, dy) = (x - cell.cx, y - cell.cy);
            let far = cell.size * cell.size < THETA * THETA * (dx * dx + dy * dy);
            match cell.children {
                Some(children) if !far => stack.extend(children.iter().map(|&k| k as usize)),
                _ => {
                    let [px, py] = repel(dx, dy, cell.mass, c);
                    fx += px;
                    fy += py;
                }
            }
        }
        [fx, fy]
    }
}

impl Cell {
    fn empty(x: f32, y: f32, size: f32) -> Self {
        Cell {
            x,
            y,
            size,
            mass: 0.0,
            cx: 0.0,
            cy: 0.0,
            children: None,
            node: None,
        }
    }

    fn quadrant(&self, [px, py]: [f32; 2]) -> usize {
        let half = self.size / 2.0;
        usize::from(px >= self.x + half) + 2 * usize::from(py >= self.y + half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(p: &[[f32; 2]], a: usize, b: usize) -> f32 {
        ((p[a][0] - p[b][0]).powi(2) + (p[a][1] - p[b][1]).powi(2)).sqrt()
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones_and_the_result_is_stable() {
        // Two triangles joined by one edge.
        let edges = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3)];
        let p = layout(6, &edges, 200, false);
        assert!(dist(&p, 0, 1) < dist(&p, 0, 5), "{p:?}");
        assert!(dist(&p, 3, 4) < dist(&p, 1, 4), "{p:?}");
        assert_eq!(p, layout(6, &edges, 200, false), "deterministic");
        let star = layout(5, &[(0, 1), (0, 2), (0, 3), (0, 4)], 100, true);
        assert_eq!(star[0], spiral(0), "the pinned node stays");
    }

    #[test]
    fn the_quadtree_pushes_like_the_direct_sum() {
        let pos: Vec<[f32; 2]> = (0..300).map(spiral).collect();
        let tree = Tree::build(&pos);
        let direct = direct_pushes(&pos);
        for i in [0, 17, 299] {
            let [ax, ay] = direct[i];
            let [bx, by] = tree.push(&pos, i);
            // Far groups acting as one: an error small beside the pushes it adds up.
            let gross: f32 = (0..pos.len())
                .filter(|&j| j != i)
                .map(|j| {
                    let [px, py] = repel(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1], 1.0, j);
                    (px * px + py * py).sqrt()
                })
                .sum();
            let err = ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt();
            assert!(
                err < 0.03 * gross,
                "node {i}: {ax},{ay} vs {bx},{by} of {gross}"
            );
        }
        let p = layout(2000, &[(0, 1)], 5, false);
        assert!(p.iter().all(|q| q[0].is_finite() && q[1].is_finite()));
    }
}
