//! The root component: owns the workspace, paces virtual time, lays out the panes.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::components::{ClusterView, Editor, EventLog, Header, Terminal, TimeControls};
use super::state::{Workspace, WorkspaceAction};

/// The shared workspace handle every component reads.
pub type WorkspaceContext = UseReducerHandle<Workspace>;

/// How often the clock ticks, in real milliseconds.
const TICK_MS: u32 = 100;

/// The whole playground.
#[function_component(App)]
pub fn app() -> Html {
    let workspace = use_reducer(Workspace::restore_or_start);
    {
        let workspace = workspace.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || {
                workspace.dispatch(WorkspaceAction::Tick { elapsed_ms: u64::from(TICK_MS) });
            });
            move || drop(interval)
        });
    }
    html! {
        <ContextProvider<WorkspaceContext> context={workspace}>
            <div class="app" data-testid="app">
                <Header />
                <TimeControls />
                <main class="panes">
                    <section class="pane pane-editor" aria-label="Manifests"><Editor /></section>
                    <section class="pane pane-cluster" aria-label="Cluster"><ClusterView /></section>
                    <section class="pane pane-terminal" aria-label="Terminal"><Terminal /></section>
                    <section class="pane pane-events" aria-label="Event log"><EventLog /></section>
                </main>
            </div>
        </ContextProvider<WorkspaceContext>>
    }
}
