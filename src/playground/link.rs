//! Page addresses: what a URL asks the app to open, and the share and embed addresses it makes.
//!
//! `?embed=1&panes=terminal,cluster&autoplay=0&t=90&theme=dark#s=…` opens the shared scenario
//! `#s=…` in embed mode with only the named panes, paused, 90 virtual seconds in, dark. Every
//! parameter is validated against a fixed list; anything else is ignored, so a crafted address
//! can neither inject markup nor ask for something the app does not have.

use crate::scenario::Scenario;
use crate::sim::SimTime;

use super::share::{self, ShareError};

/// Panes an embed can show, in the order the app lays them out.
pub const PANES: [&str; 7] = ["editor", "terminal", "cluster", "graph", "steps", "details", "events"];

/// The latest start time an embed may ask for (a day of virtual time).
const MAX_START_SECS: u64 = 24 * 3600;

/// How an embedded playground looks and starts.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    /// The panes to show, a subset of [`PANES`].
    pub panes: Vec<String>,
    /// Whether the clock runs and the scenario's first step runs on load.
    pub autoplay: bool,
    /// Virtual time to go to after loading.
    pub start: Option<SimTime>,
    /// `light` or `dark`; `None` follows the system.
    pub theme: Option<String>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            panes: vec!["terminal".into(), "cluster".into()],
            autoplay: true,
            start: None,
            theme: None,
        }
    }
}

/// What an address asks for.
#[derive(Debug, Default)]
pub struct Link {
    /// A shared scenario in the fragment, or why it could not be read.
    pub scenario: Option<Result<Scenario, ShareError>>,
    /// Embed mode and its options.
    pub embed: Option<EmbedOptions>,
}

/// Reads `search` (`?a=b&…`) and `hash` (`#s=…`) of the page address.
pub fn parse(search: &str, hash: &str) -> Link {
    let params: Vec<(&str, &str)> = search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let param = |name: &str| params.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let embed = matches!(param("embed"), Some("1" | "true" | "")).then(|| {
        let mut options = EmbedOptions::default();
        if let Some(panes) = param("panes") {
            let chosen: Vec<String> = PANES
                .iter()
                .filter(|p| panes.split([',', '+', ' ']).any(|q| q == **p))
                .map(|p| p.to_string())
                .collect();
            if !chosen.is_empty() {
                options.panes = chosen;
            }
        }
        options.autoplay = !matches!(param("autoplay"), Some("0" | "false"));
        options.start = param("t")
            .and_then(|t| t.parse::<u64>().ok())
            .map(|secs| SimTime(secs.min(MAX_START_SECS) * 1000));
        options.theme = param("theme").filter(|t| matches!(*t, "light" | "dark")).map(String::from);
        options
    });
    let scenario = share::is_share_fragment(hash).then(|| share::decode(hash));
    Link { scenario, embed }
}

/// The address that opens `scenario` in the full app at `base` (the page address without query
/// or fragment).
pub fn share_url(base: &str, scenario: &Scenario) -> String {
    format!("{base}#{}", share::encode(scenario))
}

/// The address that embeds `scenario` with `options`.
pub fn embed_url(base: &str, scenario: &Scenario, options: &EmbedOptions) -> String {
    let mut query = format!("?embed=1&panes={}", options.panes.join(","));
    if !options.autoplay {
        query.push_str("&autoplay=0");
    }
    if let Some(start) = options.start {
        query.push_str(&format!("&t={}", start.as_secs()));
    }
    if let Some(theme) = &options.theme {
        query.push_str(&format!("&theme={theme}"));
    }
    format!("{base}{query}#{}", share::encode(scenario))
}

/// The `<iframe>` snippet a docs page pastes; the title is escaped for an attribute.
pub fn iframe_snippet(url: &str, title: &str) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
    };
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"520\" style=\"border:1px solid #d9dee7;border-radius:8px\" loading=\"lazy\"></iframe>",
        escape(url),
        escape(title)
    )
}
