//! Playground actions for the selected object (fail a node, kill a container, break a probe,
//! scale, set load) plus the ones that need no selection (add a node, new seed). Every action is
//! a console line run as an input, so it shows in the terminal and survives time travel.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_workspace;
use crate::playground::actions::{self, Selected};
use crate::ui::state::WorkspaceAction;

/// Highest CPU load the slider offers, in millicores.
const MAX_LOAD_MILLIS: u32 = 4000;

/// The actions toolbar.
#[function_component(ActionsBar)]
pub fn actions_bar() -> Html {
    let workspace = use_workspace();
    let session = workspace.session.borrow();
    let sim = session.simulation();
    let selected = workspace.selection.as_deref().and_then(|s| Selected::parse(sim, s));
    let run = |line: String| {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::Run(line.clone())))
    };
    let contextual: Html = selected
        .iter()
        .flat_map(|s| actions::for_selection(sim, s))
        .map(|a| html! { <button title={a.hint.clone()} onclick={run(a.line.clone())}>{a.label.clone()}</button> })
        .collect();
    let load = selected.as_ref().and_then(|s| {
        let line_for = {
            let selected = s.clone();
            move |millis: u32| actions::load_line(&selected, millis)
        };
        line_for(0)?;
        let current = actions::current_load(sim, s);
        let workspace = workspace.clone();
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(line) = input.value().parse::<u32>().ok().and_then(&line_for) {
                workspace.dispatch(WorkspaceAction::Run(line));
            }
        });
        Some(html! {
            <label class="load" title="Total CPU demand of the workload's clients, shared by its ready pods (drives kubectl top and the HPA)">
                {"CPU load "}
                <input type="range" min="0" max={MAX_LOAD_MILLIS.to_string()} step="100" value={current.to_string()} {onchange} aria-label="CPU load in millicores" />
                <span class="load-value">{format!("{current}m")}</span>
            </label>
        })
    });
    let add_node = run(format!("node add {}", actions::next_node_name(sim)));
    let seed = session.origin().seed;
    let new_seed = {
        let workspace = workspace.clone();
        // A new seed derived from the old one keeps the sequence of seeds reproducible.
        let next =
            seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407) % 1_000_000;
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::ResetCluster(next)))
    };
    let label = match &selected {
        Some(s) => format!("{} {}", s.kind, s.name),
        None => "Select a node or pod for more actions".into(),
    };
    html! {
        <div class="actions-bar" role="toolbar" aria-label="Playground actions" data-testid="actions">
            <span class="selection-label">{label}</span>
            {contextual}
            {load.unwrap_or_default()}
            <span class="spacer" />
            <button onclick={add_node} title="Add a worker node (4 CPU, 8Gi)">{"Add node"}</button>
            <button onclick={new_seed} title={format!("Start a fresh cluster with another seed (now {seed}); files are kept")}>{"New cluster"}</button>
        </div>
    }
}
