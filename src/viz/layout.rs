//! A layered (Sugiyama-style) layout of a [`Graph`]: cycle breaking, layer assignment, crossing
//! reduction by barycentre sweeps, coordinates, and edge routes with label positions.
//!
//! Written here rather than taken from a crate: the graphs are small (tens of nodes), and the
//! layout crates that exist either pull in large dependency trees (petgraph-based) or lack edge
//! labels, which these graphs need on almost every arrow; a few hundred lines keep the wasm
//! bundle lean and the result deterministic.
//!
//! Edge labels get space of their own, as dagre does: ranks are doubled and every edge passes
//! through a dummy box on each odd rank it crosses; the middle one is the size of the label. The
//! ordering and spacing then keep labels clear of nodes and of each other by construction.
//! Nodes without any edge are packed in rows below the layered part, so a map of hundreds of
//! cluster nodes stays a grid rather than one endless row.

use std::collections::BTreeMap;

use super::graph::{Direction, Graph, Shape};

/// Horizontal space per character of a label (13 px sans-serif).
pub const LABEL_CHAR: f64 = 7.4;
/// Horizontal space per character of a sub-label line (11 px).
pub const SUB_CHAR: f64 = 6.4;
/// Height of the label line.
pub const LABEL_LINE: f64 = 18.0;
/// Height of a sub-label line.
pub const SUB_LINE: f64 = 15.0;
const PAD_X: f64 = 14.0;
const PAD_Y: f64 = 9.0;
const NODE_GAP: f64 = 28.0;
const RANK_GAP: f64 = 22.0;
const MARGIN: f64 = 16.0;
const LOOP: f64 = 28.0;
/// Width available to the grid of unconnected nodes.
const GRID_WIDTH: f64 = 1200.0;

/// A placed node: centre and size.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// The node's id.
    pub id: String,
    /// Centre x.
    pub x: f64,
    /// Centre y.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The shape the box holds.
    pub shape: Shape,
}

impl NodeBox {
    /// Left, top, right, bottom.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        (self.x - self.w / 2.0, self.y - self.h / 2.0, self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Where the ray from the centre towards `(tx, ty)` leaves the shape.
    pub fn border_towards(&self, tx: f64, ty: f64) -> (f64, f64) {
        let (dx, dy) = (tx - self.x, ty - self.y);
        if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
            return (self.x, self.y + self.h / 2.0);
        }
        let (hw, hh) = (self.w / 2.0, self.h / 2.0);
        let t = match self.shape {
            Shape::Diamond => 1.0 / (dx.abs() / hw + dy.abs() / hh),
            Shape::Circle => hw.min(hh) / dx.hypot(dy),
            Shape::Rounded | Shape::Stadium => {
                let tx = if dx.abs() > 1e-9 { hw / dx.abs() } else { f64::INFINITY };
                let ty = if dy.abs() > 1e-9 { hh / dy.abs() } else { f64::INFINITY };
                tx.min(ty)
            }
        };
        (self.x + dx * t, self.y + dy * t)
    }

    /// Whether `(px, py)` lies on the shape's outline, within `eps`.
    pub fn on_border(&self, px: f64, py: f64, eps: f64) -> bool {
        let (dx, dy) = ((px - self.x).abs(), (py - self.y).abs());
        let (hw, hh) = (self.w / 2.0, self.h / 2.0);
        match self.shape {
            Shape::Diamond => (dx / hw + dy / hh - 1.0).abs() * hw.min(hh) <= eps,
            Shape::Circle => (dx.hypot(dy) - hw.min(hh)).abs() <= eps,
            Shape::Rounded | Shape::Stadium => {
                let inside = dx <= hw + eps && dy <= hh + eps;
                inside && ((dx - hw).abs() <= eps || (dy - hh).abs() <= eps)
            }
        }
    }
}

/// A placed edge label: centre and size.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelBox {
    /// The text.
    pub text: String,
    /// Centre x.
    pub x: f64,
    /// Centre y.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl LabelBox {
    /// Left, top, right, bottom.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        (self.x - self.w / 2.0, self.y - self.h / 2.0, self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// A routed edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    /// Index of the edge in the graph.
    pub index: usize,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// The polyline from the source's border to the target's border.
    pub points: Vec<(f64, f64)>,
    /// The label, placed.
    pub label: Option<LabelBox>,
    /// The flow the route follows: `Some(false)` top to bottom, `Some(true)` left to right,
    /// `None` for a self-loop, whose points are the corners of one curve.
    pub flow: Option<bool>,
}

impl EdgeRoute {
    /// An SVG path through the points that starts and ends exactly on the borders: S-curves
    /// whose tangents follow the flow between consecutive points (as Mermaid's flowcharts
    /// draw), or one cubic through a self-loop's corners.
    pub fn svg_path(&self) -> String {
        let p = &self.points;
        let Some(&(x0, y0)) = p.first() else { return String::new() };
        let mut d = format!("M{x0:.1},{y0:.1}");
        match self.flow {
            None if p.len() == 4 => {
                d.push_str(&format!(
                    " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                    p[1].0, p[1].1, p[2].0, p[2].1, p[3].0, p[3].1
                ));
            }
            flow => {
                let lr = flow == Some(true);
                for w in p.windows(2) {
                    let ((ax, ay), (bx, by)) = (w[0], w[1]);
                    let (c1, c2) = if lr {
                        let mx = (ax + bx) / 2.0;
                        ((mx, ay), (mx, by))
                    } else {
                        let my = (ay + by) / 2.0;
                        ((ax, my), (bx, my))
                    };
                    d.push_str(&format!(" C{:.1},{:.1} {:.1},{:.1} {bx:.1},{by:.1}", c1.0, c1.1, c2.0, c2.1));
                }
            }
        }
        d
    }
}

/// A laid-out graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
    /// Nodes in graph order.
    pub nodes: Vec<NodeBox>,
    /// Edges in graph order.
    pub edges: Vec<EdgeRoute>,
}

impl Layout {
    /// The box of node `id`.
    pub fn node(&self, id: &str) -> Option<&NodeBox> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// The size a node needs for its label and sub-labels.
pub fn node_size(label: &str, sub: &[String], shape: Shape) -> (f64, f64) {
    if shape == Shape::Circle {
        return (20.0, 20.0);
    }
    let text_w = (label.chars().count() as f64 * LABEL_CHAR)
        .max(sub.iter().map(|s| s.chars().count() as f64 * SUB_CHAR).fold(0.0, f64::max));
    let text_h = LABEL_LINE + SUB_LINE * sub.len() as f64;
    match shape {
        // The text must fit the inscribed rectangle: |x|/hw + |y|/hh <= 1 at its corners.
        Shape::Diamond => ((text_w + 2.0 * PAD_X) * 1.6, (text_h + 2.0 * PAD_Y) * 1.8),
        Shape::Stadium => (text_w + 2.0 * PAD_X + text_h, text_h + 2.0 * PAD_Y),
        _ => (text_w + 2.0 * PAD_X, text_h + 2.0 * PAD_Y),
    }
}

/// The size of an edge label.
pub fn label_size(text: &str) -> (f64, f64) {
    (text.chars().count() as f64 * SUB_CHAR + 10.0, SUB_LINE + 4.0)
}

/// One box in the layering: a real node or a dummy on an edge.
#[derive(Clone, Debug)]
struct Item {
    /// Extent across ranks' flow (x in TB).
    across: f64,
    /// Extent along the flow (y in TB).
    along: f64,
    /// Extra room after the box across the flow (self-loops and their labels).
    extra: f64,
    rank: usize,
    pos: f64,
}

/// Lays out `graph`.
pub fn layout(graph: &Graph) -> Layout {
    let lr = graph.direction == Direction::LeftRight;
    let index: BTreeMap<&str, usize> =
        graph.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let n = graph.nodes.len();
    let sizes: Vec<(f64, f64)> = graph.nodes.iter().map(|n| node_size(&n.label, &n.sub, n.shape)).collect();
    let orient = |(w, h): (f64, f64)| if lr { (h, w) } else { (w, h) };

    // Real edges as index pairs; self-loops aside.
    let mut real: Vec<(usize, usize, usize)> = Vec::new();
    let mut loops: Vec<(usize, usize)> = Vec::new();
    for (ei, e) in graph.edges.iter().enumerate() {
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else { continue };
        if a == b {
            loops.push((ei, a));
        } else {
            real.push((ei, a, b));
        }
    }
    let connected: Vec<bool> = (0..n).map(|i| real.iter().any(|&(_, a, b)| a == i || b == i)).collect();

    // Cycle breaking: edges that close a cycle in a depth-first search are reversed.
    let reversed = back_edges(n, &real);
    let dag: Vec<(usize, usize, usize, bool)> = real
        .iter()
        .zip(&reversed)
        .map(|(&(ei, a, b), &rev)| if rev { (ei, b, a, true) } else { (ei, a, b, false) })
        .collect();

    // Longest-path layering, ranks doubled so labels sit on odd ranks.
    let mut rank = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for &(_, a, b, _) in &dag {
            if rank[b] < rank[a] + 2 {
                rank[b] = rank[a] + 2;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    let mut items: Vec<Item> = Vec::new();
    for i in 0..n {
        let (across, along) = orient(sizes[i]);
        items.push(Item { across, along, extra: 0.0, rank: rank[i], pos: 0.0 });
    }
    for &(ei, node) in &loops {
        let text_w = graph.edges[ei].text().map(|t| orient(label_size(&t)).0).unwrap_or(0.0);
        items[node].extra += LOOP + text_w + 6.0;
    }

    // Chains of dummies; label dummy in the middle odd rank.
    let mut chains: Vec<(usize, Vec<usize>, Option<usize>, bool)> = Vec::new(); // (edge, items, label item, reversed)
    let mut adjacency: Vec<(usize, usize)> = Vec::new();
    for &(ei, a, b, rev) in &dag {
        let (ra, rb) = (rank[a], rank[b]);
        let mut chain = vec![a];
        let odd: Vec<usize> = (ra + 1..rb).filter(|r| r % 2 == 1).collect();
        let label_rank = odd.get(odd.len().saturating_sub(1) / 2).copied();
        let mut label_item = None;
        for r in ra + 1..rb {
            let (across, along) = match (Some(r) == label_rank, graph.edges[ei].text()) {
                (true, Some(t)) => orient(label_size(&t)),
                _ => (6.0, 0.0),
            };
            items.push(Item { across, along, extra: 0.0, rank: r, pos: 0.0 });
            if Some(r) == label_rank {
                label_item = Some(items.len() - 1);
            }
            chain.push(items.len() - 1);
        }
        chain.push(b);
        for w in chain.windows(2) {
            adjacency.push((w[0], w[1]));
        }
        chains.push((ei, chain, label_item, rev));
    }

    // Layers, initial order by first appearance, then barycentre sweeps.
    let max_rank = items.iter().map(|it| it.rank).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); max_rank + 1];
    for (i, it) in items.iter().enumerate() {
        if i >= n || connected[i] {
            layers[it.rank].push(i);
        }
    }
    order_layers(&mut layers, &adjacency, items.len());

    // Coordinates across the flow: pack, then pull towards neighbours a few times.
    for layer in &layers {
        let mut x = 0.0;
        for &i in layer {
            items[i].pos = x + items[i].across / 2.0;
            x += items[i].across + items[i].extra + NODE_GAP;
        }
    }
    let mut ups: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut downs: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for &(a, b) in &adjacency {
        downs[a].push(b);
        ups[b].push(a);
    }
    for round in 0..8 {
        let down = round % 2 == 0;
        let order: Vec<usize> =
            if down { (0..layers.len()).collect() } else { (0..layers.len()).rev().collect() };
        for li in order {
            let layer = layers[li].clone();
            let want: Vec<f64> = layer
                .iter()
                .map(|&i| {
                    let nb = if down { &ups[i] } else { &downs[i] };
                    if nb.is_empty() {
                        items[i].pos
                    } else {
                        nb.iter().map(|&j| items[j].pos).sum::<f64>() / nb.len() as f64
                    }
                })
                .collect();
            place(&mut items, &layer, &want);
        }
    }

    // Coordinates along the flow: each rank as tall as its tallest box.
    let mut rank_top = vec![0.0; layers.len()];
    let mut rank_size = vec![0.0f64; layers.len()];
    for (r, layer) in layers.iter().enumerate() {
        rank_size[r] = layer.iter().map(|&i| items[i].along).fold(0.0, f64::max);
    }
    let mut y = 0.0;
    for r in 0..layers.len() {
        rank_top[r] = y;
        if rank_size[r] > 0.0 || r % 2 == 0 {
            y += rank_size[r] + RANK_GAP;
        } else {
            y += RANK_GAP / 2.0;
        }
    }
    let min_pos = items
        .iter()
        .enumerate()
        .filter(|(i, _)| *i >= n || connected[*i])
        .map(|(_, it)| it.pos - it.across / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if min_pos.is_finite() { MARGIN - min_pos } else { MARGIN };
    // (across, along) centres in the oriented space.
    let mut centre: Vec<(f64, f64)> = items
        .iter()
        .map(|it| (it.pos + shift, MARGIN + rank_top[it.rank] + rank_size[it.rank] / 2.0))
        .collect();
    let mut extent_across = items
        .iter()
        .enumerate()
        .filter(|(i, _)| *i >= n || connected[*i])
        .map(|(i, it)| centre[i].0 + it.across / 2.0 + it.extra)
        .fold(0.0, f64::max);
    let mut extent_along = if connected.iter().any(|&c| c) { MARGIN + y - RANK_GAP } else { 0.0 };

    // Unconnected nodes in rows below.
    let lone: Vec<usize> = (0..n).filter(|&i| !connected[i]).collect();
    if !lone.is_empty() {
        let row_width = extent_across.max(GRID_WIDTH);
        let mut x = MARGIN;
        let mut top = extent_along + if extent_along > 0.0 { RANK_GAP } else { MARGIN };
        let mut row_h: f64 = 0.0;
        for i in lone {
            let it = &items[i];
            if x > MARGIN && x + it.across > row_width {
                x = MARGIN;
                top += row_h + RANK_GAP;
                row_h = 0.0;
            }
            centre[i] = (x + it.across / 2.0, top + it.along / 2.0);
            x += it.across + it.extra + NODE_GAP;
            row_h = row_h.max(it.along);
            extent_across = extent_across.max(x - NODE_GAP);
        }
        extent_along = top + row_h;
    }

    let to_xy = |(a, b): (f64, f64)| if lr { (b, a) } else { (a, b) };
    let nodes: Vec<NodeBox> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (x, y) = to_xy(centre[i]);
            NodeBox { id: node.id.clone(), x, y, w: sizes[i].0, h: sizes[i].1, shape: node.shape }
        })
        .collect();

    let mut edges: Vec<EdgeRoute> = Vec::new();
    for (ei, chain, label_item, rev) in &chains {
        let mut pts: Vec<(f64, f64)> = chain.iter().map(|&i| to_xy(centre[i])).collect();
        if *rev {
            pts.reverse();
        }
        let (from, to) = (&graph.edges[*ei].from, &graph.edges[*ei].to);
        let (Some(&a), Some(&b)) = (index.get(from.as_str()), index.get(to.as_str())) else { continue };
        // Straight two-point edges keep their ends; longer chains drop the zero-size dummies
        // next to a label so curves stay calm.
        let next = pts[1];
        let prev = pts[pts.len() - 2];
        let start = port(&nodes[a], next, lr);
        let end = port(&nodes[b], prev, lr);
        let last = pts.len() - 1;
        pts[0] = start;
        pts[last] = end;
        let label = label_item.and_then(|li| {
            let text = graph.edges[*ei].text()?;
            let (w, h) = label_size(&text);
            let (x, y) = to_xy(centre[li]);
            Some(LabelBox { text, x, y, w, h })
        });
        edges.push(EdgeRoute {
            index: *ei,
            from: from.clone(),
            to: to.clone(),
            points: pts,
            label,
            flow: Some(lr),
        });
    }
    for &(ei, node) in &loops {
        let b = &nodes[node];
        let (l, t, r, btm) = b.bounds();
        let _ = l;
        // A loop out of the right side (bottom in LR) and back in.
        let (pts, lx, ly) = if lr {
            let (x1, x2) = (b.x - b.w / 4.0, b.x + b.w / 4.0);
            let y = btm + LOOP;
            (vec![(x1, btm), (x1, y), (x2, y), (x2, btm)], b.x, y + 12.0)
        } else {
            let (y1, y2) = (b.y - b.h / 4.0, b.y + b.h / 4.0);
            let x = r + LOOP;
            let _ = t;
            (vec![(r, y1), (x, y1), (x, y2), (r, y2)], x, b.y)
        };
        let (sx, sy) = (pts[0].0, pts[0].1);
        let start = if b.shape == Shape::Rounded || b.shape == Shape::Stadium {
            (sx, sy)
        } else {
            b.border_towards(sx + if lr { 0.0 } else { 1.0 }, sy + if lr { 1.0 } else { 0.0 })
        };
        let mut pts = pts;
        pts[0] = start;
        let end_hint = pts[3];
        if b.shape == Shape::Diamond || b.shape == Shape::Circle {
            pts[3] = b.border_towards(end_hint.0, end_hint.1 + 0.01);
        }
        let label = graph.edges[ei].text().map(|text| {
            let (w, h) = label_size(&text);
            if lr {
                LabelBox { text, x: lx, y: ly + h / 2.0 - 6.0, w, h }
            } else {
                LabelBox { text, x: lx + 4.0 + w / 2.0, y: ly, w, h }
            }
        });
        edges.push(EdgeRoute {
            index: ei,
            from: graph.edges[ei].from.clone(),
            to: graph.edges[ei].to.clone(),
            points: pts,
            label,
            flow: None,
        });
    }
    edges.sort_by_key(|e| e.index);

    let mut width: f64 = 0.0;
    let mut height: f64 = 0.0;
    for nb in &nodes {
        let (_, _, r, b) = nb.bounds();
        width = width.max(r);
        height = height.max(b);
    }
    for e in &edges {
        for &(x, y) in &e.points {
            width = width.max(x);
            height = height.max(y);
        }
        if let Some(l) = &e.label {
            let (_, _, r, b) = l.bounds();
            width = width.max(r);
            height = height.max(b);
        }
    }
    let _ = (extent_across, extent_along);
    Layout { width: width + MARGIN, height: height + MARGIN, nodes, edges }
}

/// Where an edge leaves or enters `node` on its way to or from `toward`: the side facing along
/// the flow (bottom or top in TB, right or left in LR) when `toward` lies beyond it, so arrows
/// run with the flow; otherwise the outline in `toward`'s direction.
fn port(node: &NodeBox, toward: (f64, f64), lr: bool) -> (f64, f64) {
    if node.shape == Shape::Rounded || node.shape == Shape::Stadium {
        let (l, t, r, b) = node.bounds();
        let round = if node.shape == Shape::Stadium { node.h / 2.0 } else { 8.0 };
        if lr {
            let round = if node.shape == Shape::Stadium { 0.0 } else { round };
            let y = toward.1.clamp(t + round.min(node.h / 2.0), b - round.min(node.h / 2.0));
            if toward.0 > r {
                return (r, y);
            }
            if toward.0 < l {
                return (l, y);
            }
        } else {
            let inset = round.min(node.w / 2.0);
            let x = toward.0.clamp(l + inset, r - inset);
            if toward.1 > b {
                return (x, b);
            }
            if toward.1 < t {
                return (x, t);
            }
        }
    }
    node.border_towards(toward.0, toward.1)
}

/// Marks the edges that close a cycle, found by depth-first search in node order.
fn back_edges(n: usize, edges: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, &(_, a, b)) in edges.iter().enumerate() {
        out[a].push((k, b));
    }
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut back = vec![false; edges.len()];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        // Iterative DFS: (node, next child index).
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&(k, w)) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Orders each layer to reduce crossings: barycentre sweeps down and up, keeping the best.
fn order_layers(layers: &mut [Vec<usize>], adjacency: &[(usize, usize)], count: usize) {
    let mut ups: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut downs: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(a, b) in adjacency {
        downs[a].push(b);
        ups[b].push(a);
    }
    let mut best = layers.to_vec();
    let mut best_crossings = crossings(layers, &downs, count);
    for round in 0..12 {
        let down = round % 2 == 0;
        let range: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for li in range {
            let neighbour = if down { li - 1 } else { li + 1 };
            let mut at = vec![f64::NAN; count];
            for (p, &i) in layers[neighbour].iter().enumerate() {
                at[i] = p as f64;
            }
            let layer = &mut layers[li];
            let keys: Vec<(f64, usize)> = layer
                .iter()
                .enumerate()
                .map(|(p, &i)| {
                    let nb = if down { &ups[i] } else { &downs[i] };
                    let vals: Vec<f64> = nb.iter().map(|&j| at[j]).filter(|v| !v.is_nan()).collect();
                    let key =
                        if vals.is_empty() { p as f64 } else { vals.iter().sum::<f64>() / vals.len() as f64 };
                    (key, i)
                })
                .collect();
            let mut keyed = keys;
            // Stable sort keeps ties in their current order, which keeps the result deterministic.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            *layer = keyed.into_iter().map(|(_, i)| i).collect();
        }
        let c = crossings(layers, &downs, count);
        if c < best_crossings {
            best_crossings = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Edge crossings between consecutive layers.
fn crossings(layers: &[Vec<usize>], downs: &[Vec<usize>], count: usize) -> usize {
    let mut total = 0;
    for pair in layers.windows(2) {
        let mut at = vec![usize::MAX; count];
        for (p, &i) in pair[1].iter().enumerate() {
            at[i] = p;
        }
        let mut segs: Vec<(usize, usize)> = Vec::new();
        for (p, &i) in pair[0].iter().enumerate() {
            for &j in &downs[i] {
                if at[j] != usize::MAX {
                    segs.push((p, at[j]));
                }
            }
        }
        for a in 0..segs.len() {
            for b in a + 1..segs.len() {
                let (s, t) = (segs[a], segs[b]);
                if (s.0 < t.0 && s.1 > t.1) || (s.0 > t.0 && s.1 < t.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Places a layer's boxes as close to `want` as their order and spacing allow: a left-to-right
/// pass and a right-to-left pass, averaged, then separated once more.
fn place(items: &mut [Item], layer: &[usize], want: &[f64]) {
    if layer.is_empty() {
        return;
    }
    let gap = |a: &Item, b: &Item| a.across / 2.0 + a.extra + NODE_GAP + b.across / 2.0;
    let mut left = want.to_vec();
    for k in 1..layer.len() {
        let min = left[k - 1] + gap(&items[layer[k - 1]], &items[layer[k]]);
        left[k] = left[k].max(min);
    }
    let mut right = want.to_vec();
    for k in (0..layer.len() - 1).rev() {
        let max = right[k + 1] - gap(&items[layer[k]], &items[layer[k + 1]]);
        right[k] = right[k].min(max);
    }
    let mut pos: Vec<f64> = left.iter().zip(&right).map(|(a, b)| (a + b) / 2.0).collect();
    for k in 1..layer.len() {
        let min = pos[k - 1] + gap(&items[layer[k - 1]], &items[layer[k]]);
        pos[k] = pos[k].max(min);
    }
    for (k, &i) in layer.iter().enumerate() {
        items[i].pos = pos[k];
    }
}

/// Whether two rectangles (left, top, right, bottom) overlap by more than `eps`.
pub fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64), eps: f64) -> bool {
    a.0 + eps < b.2 && b.0 + eps < a.2 && a.1 + eps < b.3 && b.1 + eps < a.3
}
