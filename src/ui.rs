//! The playground app (wasm32 only): Yew components over the simulation.
//!
//! The simulation lives in one shared [`state::Workspace`] that components read through a
//! context and change by dispatching [`state::WorkspaceAction`]s. The wall clock only paces the
//! simulation (a `gloo-timers` interval advances virtual time by the elapsed real time times the
//! speed); nothing inside the simulation reads it.

pub mod app;
pub mod components;
pub mod panic;
pub mod persistence;
pub mod state;

/// Mounts the app into the page's `#app` element (or the body) and installs the panic panel.
pub fn start() {
    panic::install();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
