//! Keeps the learner's workspace in localStorage so that nothing typed is ever lost, not even
//! invalid YAML: the editor text is saved on every change, before it is parsed.

use serde::{Deserialize, Serialize};

const KEY: &str = "podlab.workspace.v1";

/// What survives a reload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// The editor's files, in order.
    pub files: Vec<(String, String)>,
    /// The name of the file open in the editor.
    pub active_file: String,
    /// Lines typed into the terminal, oldest first.
    pub history: Vec<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved workspace, if any and readable.
pub fn load() -> Option<Saved> {
    let text = storage()?.get_item(KEY).ok()??;
    serde_json::from_str(&text).ok()
}

/// Saves the workspace; failures (private mode, quota) are ignored, the app keeps working.
pub fn save(saved: &Saved) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(saved)) {
        let _ = storage.set_item(KEY, &text);
    }
}

/// Forgets the saved workspace.
pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(KEY);
    }
}
