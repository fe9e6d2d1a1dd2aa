//! The header: the project name and what cluster is running.

use yew::prelude::*;

use super::use_workspace;

/// The top bar.
#[function_component(Header)]
pub fn header() -> Html {
    let workspace = use_workspace();
    let sim = workspace.sim.borrow();
    html! {
        <header class="header">
            <h1 class="brand">{"Podlab"}</h1>
            <span class="tagline">{"a Kubernetes cluster in your browser"}</span>
            <span class="seed" title="Every random choice derives from this seed">{format!("seed {}", sim.seed())}</span>
        </header>
    }
}
