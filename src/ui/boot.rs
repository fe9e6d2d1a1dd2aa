//! What the page starts with: the address's shared scenario and embed options, or a scenario and
//! options handed to the JavaScript API.

use crate::playground::link;
pub use crate::playground::link::EmbedOptions;
use crate::scenario::Scenario;

/// How the app starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Boot {
    /// A scenario to open instead of the saved workspace.
    pub scenario: Option<Scenario>,
    /// Embed mode.
    pub embed: Option<EmbedOptions>,
    /// A message to show first (e.g. why a link could not be opened).
    pub notice: Option<String>,
    /// Start the saved workspace with a fresh cluster (the error panel's way out): the files
    /// stay, the inputs that rebuilt the cluster are dropped.
    pub reset_cluster: bool,
}

impl Boot {
    /// What the page's address asks for.
    pub fn from_location() -> Boot {
        let location = web_sys::window().map(|w| w.location());
        let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
        let hash = location.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
        let link = link::parse(&search, &hash);
        let reset_cluster = search.contains("reset-cluster=1");
        if reset_cluster {
            // Once is enough: a later reload must not reset again.
            let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
        let (scenario, notice) = match link.scenario {
            Some(Ok(scenario)) => (Some(scenario), None),
            Some(Err(e)) => {
                (None, Some(format!("This link could not be opened: {e}. Your workspace is unchanged.")))
            }
            None => (None, None),
        };
        Boot { scenario, embed: link.embed, notice, reset_cluster }
    }

    /// The page address without query and fragment: where share and embed links point.
    pub fn base_url() -> String {
        let location = web_sys::window().map(|w| w.location());
        let origin = location.as_ref().and_then(|l| l.origin().ok()).unwrap_or_default();
        let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
        format!("{origin}{path}")
    }
}
