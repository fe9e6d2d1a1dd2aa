//! The cluster view: one card per node (status, roles, taints) with the pods bound to it,
//! coloured by the STATUS kubectl would print, and a lane for pods not yet scheduled.

use k8s_openapi::api::core::v1::{Node, Pod};
use yew::prelude::*;

use super::use_workspace;
use crate::kubectl::printers::cluster::{node_roles, node_status};
use crate::kubectl::printers::pods::pod_summary;
use crate::sim::Simulation;

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

fn pod_chip(pod: &Pod, now_unix: i64) -> Html {
    let summary = pod_summary(pod, now_unix);
    let name = pod.metadata.name.clone().unwrap_or_default();
    let title = format!("{name}  {}  {}  restarts {}", summary.ready, summary.status, summary.restarts);
    html! {
        <li class={classes!("pod-chip", status_class(&summary.status))} title={title} data-testid="pod-chip">
            <span class="pod-name">{name}</span>
            <span class="pod-status">{format!("{} {}", summary.ready, summary.status)}</span>
        </li>
    }
}

fn pods_on<'a>(sim: &'a Simulation, node: Option<&'a str>) -> impl Iterator<Item = &'a Pod> + 'a {
    sim.store().list("Pod", None).filter_map(|o| o.as_pod()).filter(move |p| {
        p.spec.as_ref().and_then(|s| s.node_name.as_deref()).filter(|n| !n.is_empty()) == node
    })
}

fn node_card(sim: &Simulation, node: &Node) -> Html {
    let name = node.metadata.name.clone().unwrap_or_default();
    let now = sim.now_unix();
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
    let pods: Html = pods_on(sim, Some(&name)).map(|p| pod_chip(p, now)).collect();
    html! {
        <article class={classes!("node-card", (!status.starts_with("Ready")).then_some("not-ready"))} data-testid="node-card">
            <h3>{name.clone()}</h3>
            <p class="node-meta">{format!("{status} · {} · {} CPU · {}", if roles.is_empty() { "<none>".to_string() } else { roles }, size("cpu"), size("memory"))}</p>
            <ul class="taints">{taints}</ul>
            <ul class="pods">{pods}</ul>
        </article>
    }
}

/// The cluster pane.
#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let workspace = use_workspace();
    let sim = workspace.sim.borrow();
    let cards: Html =
        sim.store().list("Node", None).filter_map(|o| o.as_node()).map(|n| node_card(&sim, n)).collect();
    let pending: Vec<&Pod> = pods_on(&sim, None).collect();
    let pending_lane = if pending.is_empty() {
        html! {}
    } else {
        let chips: Html = pending.iter().map(|p| pod_chip(p, sim.now_unix())).collect();
        html! {
            <div class="pending-lane" data-testid="pending-pods">
                <h3>{"Not scheduled"}</h3>
                <ul class="pods">{chips}</ul>
            </div>
        }
    };
    html! {
        <div class="cluster">
            <h2>{"Cluster"}</h2>
            {pending_lane}
            <div class="node-grid">{cards}</div>
        </div>
    }
}
