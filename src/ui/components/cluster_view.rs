//! The cluster view: one card per node (status, roles, taints) with the pods bound to it,
//! coloured by the STATUS kubectl would print, and a lane for pods not yet scheduled. Clicking a
//! node or pod selects it everywhere. Large clusters switch to a compact grid of tiles so the page
//! stays responsive with hundreds of nodes.

use k8s_openapi::api::core::v1::{Node, Pod};
use yew::prelude::*;

use super::use_workspace;
use crate::kubectl::printers::cluster::{node_roles, node_status};
use crate::kubectl::printers::pods::pod_summary;
use crate::sim::Simulation;
use crate::ui::state::WorkspaceAction;

/// Above this many nodes the view shows compact tiles instead of cards.
const COMPACT_ABOVE_NODES: usize = 24;

/// The CSS class of a pod chip for kubectl's STATUS column.
fn status_class(status: &str) -> &'static str {
    match status {
        "Running" => "pod-running",
        "Completed" | "Succeeded" => "pod-done",
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" => "pod-pending",
        s if s.starts_with("Init:") && !s.contains("Error") && !s.contains("BackOff") => "pod-pending",
        _ => "pod-failing",
    }
}

struct View<'a> {
    sim: &'a Simulation,
    selection: Option<&'a str>,
    select: Callback<String>,
}

impl View<'_> {
    fn on_select(&self, subject: String) -> Callback<MouseEvent> {
        let select = self.select.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            select.emit(subject.clone())
        })
    }

    fn pod_chip(&self, pod: &Pod) -> Html {
        let summary = pod_summary(pod, self.sim.now_unix());
        let name = pod.metadata.name.clone().unwrap_or_default();
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let subject = format!("pod/{namespace}/{name}");
        let selected = self.selection == Some(subject.as_str());
        let title = format!("{name}  {}  {}  restarts {}", summary.ready, summary.status, summary.restarts);
        html! {
            <li>
                <button
                    class={classes!("pod-chip", status_class(&summary.status), selected.then_some("selected"))}
                    title={title}
                    data-testid="pod-chip"
                    aria-pressed={selected.to_string()}
                    onclick={self.on_select(subject)}
                >
                    <span class="pod-name">{name}</span>
                    <span class="pod-status">{format!("{} {}", summary.ready, summary.status)}</span>
                </button>
            </li>
        }
    }

    fn node_card(&self, node: &Node) -> Html {
        let name = node.metadata.name.clone().unwrap_or_default();
        let status = node_status(node);
        let roles = node_roles(node).join(",");
        let taints: Html = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .into_iter()
            .flatten()
            .map(|t| html! { <li class="taint">{format!("{}:{}", t.key, t.effect)}</li> })
            .collect();
        let allocatable = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
        let size = |key: &str| allocatable.and_then(|a| a.get(key)).map(|q| q.0.clone()).unwrap_or_default();
        let pods: Html = pods_on(self.sim, Some(&name)).map(|p| self.pod_chip(p)).collect();
        let subject = format!("node/{name}");
        let selected = self.selection == Some(subject.as_str());
        html! {
            <article class={classes!("node-card", (!status.starts_with("Ready")).then_some("not-ready"), selected.then_some("selected"))} data-testid="node-card">
                <h3><button class="node-name" onclick={self.on_select(subject)}>{name.clone()}</button></h3>
                <p class="node-meta">{format!("{status} · {} · {} CPU · {}", if roles.is_empty() { "<none>".to_string() } else { roles }, size("cpu"), size("memory"))}</p>
                <ul class="taints">{taints}</ul>
                <ul class="pods">{pods}</ul>
            </article>
        }
    }

    /// A small tile per node with one dot per pod, for large clusters.
    fn node_tile(&self, node: &Node) -> Html {
        let name = node.metadata.name.clone().unwrap_or_default();
        let status = node_status(node);
        let now = self.sim.now_unix();
        let dots: Html = pods_on(self.sim, Some(&name))
            .map(|p| html! { <i class={classes!("dot", status_class(&pod_summary(p, now).status))} /> })
            .collect();
        let subject = format!("node/{name}");
        html! {
            <button class={classes!("node-tile", (!status.starts_with("Ready")).then_some("not-ready"))} title={format!("{name} {status}")} data-testid="node-card" onclick={self.on_select(subject)}>
                {dots}
            </button>
        }
    }
}

fn pods_on<'a>(sim: &'a Simulation, node: Option<&'a str>) -> impl Iterator<Item = &'a Pod> + 'a {
    sim.store().list("Pod", None).filter_map(|o| o.as_pod()).filter(move |p| {
        p.spec.as_ref().and_then(|s| s.node_name.as_deref()).filter(|n| !n.is_empty()) == node
    })
}

/// The cluster pane.
#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let workspace = use_workspace();
    let select = {
        let workspace = workspace.clone();
        Callback::from(move |subject: String| {
            workspace.dispatch(WorkspaceAction::SelectObject(Some(subject)))
        })
    };
    let session = workspace.session.borrow();
    let view = View { sim: session.simulation(), selection: workspace.selection.as_deref(), select };
    let nodes: Vec<&Node> = view.sim.store().list("Node", None).filter_map(|o| o.as_node()).collect();
    let compact = nodes.len() > COMPACT_ABOVE_NODES;
    let cards: Html =
        nodes.iter().map(|n| if compact { view.node_tile(n) } else { view.node_card(n) }).collect();
    let pending: Vec<&Pod> = pods_on(view.sim, None).collect();
    let pending_lane = if pending.is_empty() {
        html! {}
    } else {
        let chips: Html = pending.iter().take(200).map(|p| view.pod_chip(p)).collect();
        html! {
            <div class="pending-lane" data-testid="pending-pods">
                <h3>{format!("Not scheduled ({})", pending.len())}</h3>
                <ul class="pods">{chips}</ul>
            </div>
        }
    };
    html! {
        <div class="cluster">
            <h2>{format!("Cluster · {} nodes", nodes.len())}</h2>
            {pending_lane}
            <div class={if compact { "node-grid compact" } else { "node-grid" }}>{cards}</div>
        </div>
    }
}
