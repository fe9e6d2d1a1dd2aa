//! The JavaScript API for docs pages: mount a playground with a scenario into any element.
//!
//! ```js
//! import init, { mount } from "./podlab.js";
//! await init();
//! mount(document.getElementById("demo"), scenarioYaml, "panes=terminal,cluster&autoplay=1");
//! ```
//! `options` uses the embed address's parameters (see `playground::link`). The iframe snippet
//! from the app's Embed dialog is the simpler way; this is for pages that host the files.

use wasm_bindgen::prelude::*;

use crate::playground::link;
use crate::scenario::Scenario;
use crate::ui::app::{App, AppProps};
use crate::ui::boot::Boot;

/// Mounts an embedded playground running `scenario` (a scenario file) into `element`. Errors
/// name the scenario's line, as the app would.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, scenario: &str, options: &str) -> Result<(), JsValue> {
    crate::ui::panic::install();
    let scenario =
        Scenario::parse(scenario).map_err(|e| JsValue::from_str(&format!("podlab: scenario: {e}")))?;
    let embed = link::parse(&format!("?embed=1&{}", options.trim_start_matches('?')), "").embed;
    let boot = Boot { scenario: Some(scenario), embed, notice: None, reset_cluster: false };
    yew::Renderer::<App>::with_root_and_props(element, AppProps { boot }).render();
    Ok(())
}
