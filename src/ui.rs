//! The playground app (wasm32 only): Yew components over the playground model.
//!
//! The session lives in one shared [`state::Workspace`] that components read through a context
//! and change by dispatching [`state::WorkspaceAction`]s. The wall clock only paces the
//! simulation (a `gloo-timers` interval advances virtual time by the elapsed real time times the
//! speed); nothing inside the simulation reads it.

pub mod app;
pub mod boot;
pub mod browser;
pub mod components;
pub mod panic;
pub mod persistence;
pub mod shortcuts;
pub mod state;

/// Mounts the app into the page's `#app` element with what the address asks for, and installs
/// the panic panel. A page without `#app` (one that uses the JavaScript API) gets nothing.
pub fn start() {
    panic::install();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    if let Some(root) = root {
        let props = app::AppProps { boot: boot::Boot::from_location() };
        yew::Renderer::<app::App>::with_root_and_props(root, props).render();
    }
}
