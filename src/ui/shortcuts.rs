//! Keyboard shortcuts: the table the help overlay shows and the mapping from key presses to
//! workspace actions. Single-key shortcuts never fire while the learner types in a field.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Dialog, Workspace, WorkspaceAction};
use crate::sim::SimDuration;

/// Every shortcut as (keys, what it does), in the order the help overlay lists them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space / k", "Play or pause the clock"),
    (".", "Step to the next event"),
    ("]", "Jump ahead 10 seconds"),
    ("}", "Jump ahead 1 minute"),
    ("Ctrl+Enter", "Apply the open file (also in the editor)"),
    ("/", "Focus the terminal"),
    ("e", "Focus the editor"),
    ("Tab", "Complete a command or name in the terminal"),
    ("↑ / ↓", "Terminal history"),
    ("l", "Open the scenario library"),
    ("t", "Switch theme (system, light, dark)"),
    ("?", "Show this help"),
    ("Esc", "Close a dialog"),
];

fn typing_in_a_field(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

fn focus(testid: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// The action a key press asks for, if it is a shortcut here. Focus shortcuts act directly.
pub fn action_for(e: &KeyboardEvent, workspace: &Workspace) -> Option<WorkspaceAction> {
    let key = e.key();
    if key == "Escape" && workspace.dialog.is_some() {
        return Some(WorkspaceAction::SetDialog(None));
    }
    if key == "Enter" && (e.ctrl_key() || e.meta_key()) && workspace.shows("editor") {
        return Some(WorkspaceAction::ApplyActive);
    }
    if typing_in_a_field(e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    match key.as_str() {
        " " | "k" => Some(WorkspaceAction::SetPlaying(!workspace.playing)),
        "." => Some(WorkspaceAction::StepEvent),
        "]" => Some(WorkspaceAction::Jump(SimDuration::from_secs(10))),
        "}" => Some(WorkspaceAction::Jump(SimDuration::from_secs(60))),
        "?" => Some(WorkspaceAction::SetDialog(Some(Dialog::Help))),
        "l" if workspace.embed.is_none() => Some(WorkspaceAction::SetDialog(Some(Dialog::Library))),
        "t" => Some(WorkspaceAction::CycleTheme),
        "/" => {
            focus("terminal-input");
            e.prevent_default();
            None
        }
        "e" => {
            focus("editor");
            e.prevent_default();
            None
        }
        _ => None,
    }
}
