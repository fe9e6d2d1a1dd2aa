//! The cluster view: one card per node with its role, taints and lease heartbeat.

use yew::prelude::*;

use super::use_workspace;

/// The cluster pane.
#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let workspace = use_workspace();
    let sim = workspace.sim.borrow();
    let cards: Html = sim
        .cluster()
        .nodes
        .iter()
        .map(|node| {
            let tainted = !node.taints.is_empty();
            let taints: Html = node
                .taints
                .iter()
                .map(|t| html! { <li class="taint">{format!("{}:{}", t.key, t.effect)}</li> })
                .collect();
            let renewals = sim.lease_renewals(&node.name).unwrap_or(0);
            html! {
                <article class={classes!("node-card", tainted.then_some("tainted"))} data-testid="node-card">
                    <h3>{node.name.clone()}</h3>
                    <p class="node-size">{format!("{} CPU · {} · {} pods", node.cpu, node.memory, node.pods)}</p>
                    <ul class="taints">{taints}</ul>
                    <p class="lease" title="Lease renewals by the kubelet">{format!("heartbeats {renewals}")}</p>
                </article>
            }
        })
        .collect();
    html! {
        <div class="cluster">
            <h2>{"Cluster"}</h2>
            <div class="node-grid">{cards}</div>
        </div>
    }
}
