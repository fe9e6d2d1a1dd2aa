//! The layered layout draws every graph of every scenario legibly: no two node boxes overlap,
//! every arrow starts and ends on its nodes' outlines, and edge labels clear nodes and each
//! other.

mod common;

use podlab::scenario::{Runner, Scenario};
use podlab::sim::{ClusterSpec, NodeSpec, Simulation};
use podlab::viz::layout::overlaps;
use podlab::viz::{self, Direction, Edge, Graph, GraphKind, Layout, Node, Shape};

fn check(layout: &Layout, what: &str) {
    for (i, a) in layout.nodes.iter().enumerate() {
        for b in &layout.nodes[i + 1..] {
            assert!(
                !overlaps(a.bounds(), b.bounds(), 0.5),
                "{what}: nodes {} and {} overlap: {a:?} {b:?}",
                a.id,
                b.id
            );
        }
    }
    for edge in &layout.edges {
        let (Some(from), Some(to)) = (layout.node(&edge.from), layout.node(&edge.to)) else {
            panic!("{what}: edge {}→{} has a missing end", edge.from, edge.to);
        };
        let (first, last) = (edge.points[0], edge.points[edge.points.len() - 1]);
        assert!(
            from.on_border(first.0, first.1, 0.5),
            "{what}: {}→{} starts off {}'s border at {first:?}: {from:?}",
            edge.from,
            edge.to,
            from.id
        );
        assert!(
            to.on_border(last.0, last.1, 0.5),
            "{what}: {}→{} ends off {}'s border at {last:?}: {to:?}",
            edge.from,
            edge.to,
            to.id
        );
        if let Some(label) = &edge.label {
            for node in &layout.nodes {
                assert!(
                    !overlaps(label.bounds(), node.bounds(), 0.5),
                    "{what}: label {:?} overlaps node {}",
                    label.text,
                    node.id
                );
            }
        }
    }
    let labels: Vec<_> = layout.edges.iter().filter_map(|e| e.label.as_ref()).collect();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(
                !overlaps(a.bounds(), b.bounds(), 0.5),
                "{what}: labels {:?} and {:?} overlap",
                a.text,
                b.text
            );
        }
    }
    for n in &layout.nodes {
        let (l, t, r, b) = n.bounds();
        assert!(
            l >= 0.0 && t >= 0.0 && r <= layout.width && b <= layout.height,
            "{what}: node {} outside the canvas",
            n.id
        );
    }
}

#[test]
fn every_graph_of_every_scenario_lays_out_cleanly() {
    let mut checked = 0;
    for path in common::scenario_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut runner = Runner::new(scenario, None);
        runner.run_all();
        let sim = runner.simulation();
        for kind in GraphKind::ALL {
            let selection = viz::default_selection(sim, kind);
            let graph = viz::build(sim, kind, selection.as_deref());
            let layout = viz::layout(&graph);
            assert_eq!(layout.nodes.len(), graph.nodes.len());
            assert_eq!(layout.edges.len(), graph.edges.len());
            check(&layout, &format!("{} {}", path.display(), kind.name()));
            checked += 1;
        }
    }
    assert_eq!(checked, common::scenario_files().len() * GraphKind::ALL.len());
}

/// Cycles, long edges, self-loops, parallel edges in both directions and every shape.
fn tangled(direction: Direction) -> Graph {
    let mut g = Graph::new("tangled", direction);
    g.add(Node::new("start", "").shape(Shape::Circle));
    g.add(Node::new("a", "a rather long state name").line("with a sub-label line"));
    g.add(Node::new("b", "B?").shape(Shape::Diamond));
    g.add(Node::new("c", "stage c").shape(Shape::Stadium));
    g.add(Node::new("d", "d"));
    g.add(Node::new("lone", "unconnected"));
    g.connect(Edge::new("start", "a").label("created"));
    g.connect(Edge::new("a", "b").label("check"));
    g.connect(Edge::new("b", "c").label("yes"));
    g.connect(Edge::new("b", "d").label("no"));
    g.connect(Edge::new("c", "a").label("again").count(3));
    g.connect(Edge::new("a", "d").label("skip ahead, a long label"));
    g.connect(Edge::new("d", "b").label("back"));
    g.connect(Edge::new("b", "b").label("retry").count(2));
    g.connect(Edge::new("a", "a").label("restart"));
    g.connect(Edge::new("start", "d"));
    g
}

#[test]
fn cycles_loops_and_long_edges_lay_out_cleanly_in_both_directions() {
    for direction in [Direction::TopBottom, Direction::LeftRight] {
        let layout = viz::layout(&tangled(direction));
        check(&layout, &format!("tangled {direction:?}"));
        // The arrow into `a` from `c` (closing a cycle) still ends at `a`.
        let back = layout.edges.iter().find(|e| e.from == "c" && e.to == "a").map(|e| e.points.clone());
        let back = back.unwrap_or_default();
        let a = layout.node("a").map(|n| (n.x, n.y)).unwrap_or_default();
        let end = back.last().copied().unwrap_or_default();
        let start = back.first().copied().unwrap_or_default();
        let dist = |p: (f64, f64)| (p.0 - a.0).hypot(p.1 - a.1);
        assert!(dist(end) < dist(start), "the cycle edge c→a points at a ({direction:?})");
    }
}

#[test]
fn flow_runs_in_the_graph_direction() {
    let mut g = Graph::new("chain", Direction::TopBottom);
    for id in ["a", "b", "c"] {
        g.add(Node::new(id, id));
    }
    g.connect(Edge::new("a", "b"));
    g.connect(Edge::new("b", "c"));
    let tb = viz::layout(&g);
    let y = |l: &Layout, id: &str| l.node(id).map(|n| (n.x, n.y)).unwrap_or_default();
    assert!(y(&tb, "a").1 < y(&tb, "b").1 && y(&tb, "b").1 < y(&tb, "c").1);
    g.direction = Direction::LeftRight;
    let lr = viz::layout(&g);
    assert!(y(&lr, "a").0 < y(&lr, "b").0 && y(&lr, "b").0 < y(&lr, "c").0);
}

#[test]
fn a_cluster_of_hundreds_of_nodes_is_a_compact_grid() {
    let cluster = ClusterSpec { nodes: (0..300).map(|i| NodeSpec::new(&format!("worker-{i:03}"))).collect() };
    let sim = Simulation::new(cluster, 1);
    let graph = viz::build(&sim, GraphKind::Cluster, None);
    assert_eq!(graph.nodes.len(), 300, "one box per node, pods counted inside");
    assert!(graph.nodes.iter().all(|n| n.sub.iter().any(|l| l == "no pods")));
    let layout = viz::layout(&graph);
    check(&layout, "300 nodes");
    assert!(layout.width <= 1300.0, "rows wrap: width {}", layout.width);
}
