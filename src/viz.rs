//! Visual models: the graphs and charts the playground draws from a running [`Simulation`],
//! their layout, and their export as Mermaid source. Pure Rust with no web dependency, so every
//! model is tested natively; the Yew components in `ui` only draw what these produce.
//!
//! # Entry points
//! - [`GraphKind`]: `lifecycle`, `containers`, `reconcile`, `ownership`, `pipeline`, `cluster`
//!   ([`GraphKind::parse`], [`GraphKind::name`], [`GraphKind::ALL`]).
//! - [`build`]`(&Simulation, GraphKind, selection: Option<&str>) -> Graph`: the model of one
//!   graph. `selection` names an object as the trace does (`pod/default/web`,
//!   `replicaset/default/web-7c5`, `deployment/default/web`) or a bare pod name; without one, the
//!   first pod (or ReplicaSet) of namespace `default` is shown. The ownership graph shows the
//!   selection's namespace.
//! - [`layout()`]`(&Graph) -> Layout`: boxes and routed arrows in pixels; [`Drawing`] holds a
//!   graph with its layout, which is what the SVG component draws.
//! - [`mermaid::export`]`(&Graph) -> String`: `flowchart` or `stateDiagram-v2` source.
//! - Charts: [`ChartRecorder::sample`] is fed the simulation at each time step the caller
//!   chooses (the trace does not keep object counts); [`ChartRecorder::replica_chart`],
//!   [`ChartRecorder::phase_chart`], [`ChartRecorder::restart_chart`] and
//!   [`ChartRecorder::hpa_chart`] turn the samples into [`Chart`]s.
//!
//! - [`timeline::pod_timeline`]: a pod's phase and container states over time, with its events.
//! - [`play_until`]: runs a scenario's steps up to a virtual time, for `podlab graph --at`.
//!
//! Node highlight classes, shared by the SVG view (`www/viz.css`) and the Mermaid `classDef`s:
//! `current`, `running`, `pending`, `waiting`, `failed`, `succeeded`, `unknown`, `muted`; the
//! edge class `taken` marks the branch taken last.

pub mod chart;
mod cluster;
mod containers;
pub mod graph;
pub mod layout;
mod lifecycle;
pub mod mermaid;
mod ownership;
mod pipeline;
mod reconcile;
mod select;
pub mod timeline;

pub use chart::{Chart, ChartRecorder, Series};
pub use graph::{Direction, Edge, Flavor, Graph, Node, Shape};
pub use layout::{layout, Layout};

use crate::scenario::Runner;
use crate::sim::{SimDuration, SimTime, Simulation};

/// A graph and its layout, ready to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    /// The model.
    pub graph: Graph,
    /// Where everything goes.
    pub layout: Layout,
}

impl Drawing {
    /// Lays out `graph`.
    pub fn new(graph: Graph) -> Drawing {
        let layout = layout(&graph);
        Drawing { graph, layout }
    }
}

/// The graphs the playground draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GraphKind {
    /// A pod's phase state machine with its containers' states and how often each edge was taken.
    Lifecycle,
    /// A pod's containers: init containers in order, sidecars, app containers, their probes.
    Containers,
    /// The ReplicaSet controller's reconcile loop and the branch it took last.
    Reconcile,
    /// Owners and dependents in a namespace.
    Ownership,
    /// The path of a pod from kubectl to a network address, and how far it got.
    Pipeline,
    /// Nodes with their capacity and the pods on them.
    Cluster,
}

impl GraphKind {
    /// Every graph, in the order the CLI prints them.
    pub const ALL: [GraphKind; 6] = [
        GraphKind::Lifecycle,
        GraphKind::Containers,
        GraphKind::Reconcile,
        GraphKind::Ownership,
        GraphKind::Pipeline,
        GraphKind::Cluster,
    ];

    /// The graph's short name.
    pub fn name(self) -> &'static str {
        match self {
            GraphKind::Lifecycle => "lifecycle",
            GraphKind::Containers => "containers",
            GraphKind::Reconcile => "reconcile",
            GraphKind::Ownership => "ownership",
            GraphKind::Pipeline => "pipeline",
            GraphKind::Cluster => "cluster",
        }
    }

    /// The graph named `name`.
    pub fn parse(name: &str) -> Option<GraphKind> {
        GraphKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What graph `kind` shows by default after a run: the first pod the run created, or for the
/// reconcile loop its first Deployment (else ReplicaSet). `None` for the cluster map.
pub fn default_selection(sim: &Simulation, kind: GraphKind) -> Option<String> {
    select::first_in_run(sim, kind)
}

/// The model of graph `kind` for `selection` (see the module doc).
pub fn build(sim: &Simulation, kind: GraphKind, selection: Option<&str>) -> Graph {
    match kind {
        GraphKind::Lifecycle => lifecycle::build(sim, selection),
        GraphKind::Containers => containers::build(sim, selection),
        GraphKind::Reconcile => reconcile::build(sim, selection),
        GraphKind::Ownership => ownership::build(sim, selection),
        GraphKind::Pipeline => pipeline::build(sim, selection),
        GraphKind::Cluster => cluster::build(sim),
    }
}

/// Runs the steps of a fresh `runner` that start before `at` (all of them when `None`). A `wait` that would
/// pass `at` is cut short there, and when the steps end early the clock runs on to `at`, so the
/// graphs show the cluster exactly at that moment.
pub fn play_until(runner: &mut Runner, at: Option<SimDuration>) {
    let Some(at) = at.map(|d| SimTime(d.as_millis())) else {
        runner.run_all();
        return;
    };
    let steps = runner.scenario().steps.clone();
    for step in &steps {
        let now = runner.simulation().time();
        if now >= at || runner.finished() {
            break;
        }
        let wait = step.action.strip_prefix("wait ").and_then(|d| SimDuration::parse(d.trim()));
        if let Some(d) = wait {
            if now.as_millis() + d.as_millis() > at.as_millis() {
                runner.simulation_mut().advance(SimDuration(at.as_millis() - now.as_millis()));
                return;
            }
        }
        runner.run_next();
    }
    let now = runner.simulation().time();
    if now < at {
        runner.simulation_mut().advance(SimDuration(at.as_millis() - now.as_millis()));
    }
}
