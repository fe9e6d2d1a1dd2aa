//! The root component: owns the workspace, paces virtual time, applies the theme and keyboard
//! shortcuts, and lays out the panes (all of them, or those an embed asked for).

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::boot::Boot;
use super::components::{
    ActionsBar, ClusterView, Details, DialogHost, Editor, EventLog, GraphPane, Header, Notice, Steps,
    Terminal, TimeControls,
};
use super::shortcuts;
use super::state::{Workspace, WorkspaceAction};

/// The shared workspace handle every component reads.
pub type WorkspaceContext = UseReducerHandle<Workspace>;

/// How often the clock ticks, in real milliseconds.
const TICK_MS: u32 = 100;

/// What the app starts from.
#[derive(Properties, PartialEq, Clone, Default)]
pub struct AppProps {
    /// The scenario and options to start with.
    #[prop_or_default]
    pub boot: Boot,
}

/// The whole playground.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let boot = props.boot.clone();
    let workspace = use_reducer(move || Workspace::start(boot));
    {
        let workspace = workspace.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || {
                workspace.dispatch(WorkspaceAction::Tick { elapsed_ms: u64::from(TICK_MS) });
            });
            move || drop(interval)
        });
    }
    {
        // Shortcuts listen on the document; the handler reads the latest workspace through the
        // handle, which always dispatches to the current state.
        let workspace = workspace.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if let Some(action) = shortcuts::action_for(&e, &workspace) {
                    e.prevent_default();
                    workspace.dispatch(action);
                }
            });
            if let Some(document) = &document {
                let _ =
                    document.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
            move || {
                if let Some(document) = document {
                    let _ = document
                        .remove_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
                }
            }
        });
    }
    {
        let theme = workspace.theme;
        use_effect_with(theme, move |theme| {
            let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
            if let Some(root) = root {
                let _ = match theme.attribute() {
                    Some(value) => root.set_attribute("data-theme", value),
                    None => root.remove_attribute("data-theme"),
                };
            }
        });
    }
    let embedded = workspace.embed.is_some();
    let pane = |name: &'static str, label: &'static str, body: Html| {
        if workspace.shows(name) {
            html! { <section class={classes!("pane", format!("pane-{name}"))} aria-label={label} data-pane={name}>{body}</section> }
        } else {
            html! {}
        }
    };
    html! {
        <ContextProvider<WorkspaceContext> context={workspace.clone()}>
            <div class={classes!("app", embedded.then_some("embedded"))} data-testid="app">
                <Header />
                <TimeControls />
                if !embedded { <ActionsBar /> }
                <Notice />
                <main class="panes">
                    {pane("steps", "Scenario", html! { <Steps /> })}
                    {pane("editor", "Manifests", html! { <Editor /> })}
                    {pane("terminal", "Terminal", html! { <Terminal /> })}
                    {pane("cluster", "Cluster", html! { <ClusterView /> })}
                    {pane("graph", "Graphs and charts", html! { <GraphPane /> })}
                    {pane("details", "Selected object", html! { <Details /> })}
                    {pane("events", "Event log", html! { <EventLog /> })}
                </main>
                <DialogHost />
            </div>
        </ContextProvider<WorkspaceContext>>
    }
}
