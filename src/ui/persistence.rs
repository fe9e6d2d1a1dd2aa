//! Keeps the learner's workspace in localStorage so that nothing typed is ever lost, not even
//! invalid YAML: the editor text is saved on every change, before it is parsed.
//!
//! The cluster itself is not stored: its origin (seed, cluster, scenario steps) and the inputs
//! with the files they read are, and the session replays them on load. The learner's own
//! scenarios live under a second key, so resetting the workspace never touches them.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::state::Theme;
use crate::playground::{Files, Origin, Session};
use crate::scenario::Scenario;
use crate::sim::SimTime;

/// The workspace key; older saves (files and history only) load with the rest defaulted.
const KEY: &str = "podlab.workspace.v1";
/// The learner's scenarios.
const LIBRARY_KEY: &str = "podlab.library.v1";
/// Autosaved workspaces kept among "My scenarios" before the oldest is dropped.
const MAX_AUTOSAVES: usize = 10;
/// The title prefix of autosaved workspaces.
pub const AUTOSAVE_PREFIX: &str = "Autosaved: ";

/// One input as saved: when, what, and which saved file set it read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedInput {
    /// Virtual milliseconds.
    pub t: u64,
    /// The line.
    pub line: String,
    /// Index into [`Saved::file_sets`].
    pub files: usize,
}

/// What survives a reload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// The editor's files, in order.
    #[serde(default)]
    pub files: Files,
    /// The name of the file open in the editor.
    #[serde(default)]
    pub active_file: String,
    /// Lines typed into the terminal, oldest first.
    #[serde(default)]
    pub history: Vec<String>,
    /// The session's origin as a scenario file without files.
    #[serde(default)]
    pub origin: Option<String>,
    /// The distinct file sets the inputs read.
    #[serde(default)]
    pub file_sets: Vec<Files>,
    /// The inputs of the current branch.
    #[serde(default)]
    pub inputs: Vec<SavedInput>,
    /// The virtual time to return to.
    #[serde(default)]
    pub time_ms: u64,
    /// The next scenario step.
    #[serde(default)]
    pub next_step: usize,
    /// The colour theme.
    #[serde(default)]
    pub theme: Theme,
}

impl Saved {
    /// What to save of `session` and the app around it.
    pub fn of(session: &Session, active: usize, history: &[String], next_step: usize, theme: Theme) -> Saved {
        let mut sets: Vec<Rc<Files>> = Vec::new();
        let inputs = session
            .inputs()
            .iter()
            .map(|input| {
                let index = sets.iter().position(|s| Rc::ptr_eq(s, &input.files) || **s == *input.files);
                let index = index.unwrap_or_else(|| {
                    sets.push(Rc::clone(&input.files));
                    sets.len() - 1
                });
                SavedInput { t: input.time.as_millis(), line: input.line.clone(), files: index }
            })
            .collect();
        Saved {
            files: session.files().clone(),
            active_file: session.files().get(active).map(|(n, _)| n.clone()).unwrap_or_default(),
            history: history.to_vec(),
            origin: Some(origin_scenario(session.origin(), Files::new()).to_yaml()),
            file_sets: sets.iter().map(|s| (**s).clone()).collect(),
            inputs,
            time_ms: session.time().as_millis(),
            next_step,
            theme,
        }
    }

    /// The session this save describes, replayed to its moment; `None` if the origin is damaged.
    pub fn restore(&self) -> Option<Session> {
        let origin = match &self.origin {
            Some(text) => Origin::of(&Scenario::parse(text).ok()?),
            None => Origin::default(),
        };
        let sets: Vec<Rc<Files>> = self.file_sets.iter().cloned().map(Rc::new).collect();
        let inputs = self
            .inputs
            .iter()
            .map(|i| (SimTime(i.t), i.line.clone(), sets.get(i.files).cloned().unwrap_or_default()))
            .collect();
        Some(Session::restore(origin, self.files_or_default(), inputs, SimTime(self.time_ms)))
    }

    /// The saved files (an older save may hold none).
    pub fn files_or_default(&self) -> Files {
        self.files.clone()
    }

    /// The saved workspace as a scenario: its origin with the current files.
    pub fn as_scenario(&self) -> Scenario {
        let origin = self
            .origin
            .as_deref()
            .and_then(|t| Scenario::parse(t).ok())
            .map(|s| Origin::of(&s))
            .unwrap_or_default();
        origin_scenario(&origin, self.files.clone())
    }
}

fn origin_scenario(origin: &Origin, files: Files) -> Scenario {
    Scenario {
        title: origin.title.clone(),
        description: origin.description.clone(),
        seed: Some(origin.seed),
        start: origin.epoch.map(crate::sim::time::rfc3339),
        cluster: origin.cluster.clone(),
        files,
        steps: origin.steps.clone(),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn write<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        // Failures (private mode, quota) are ignored: the app keeps working.
        let _ = storage.set_item(key, &text);
    }
}

/// The saved workspace, if any and readable.
pub fn load() -> Option<Saved> {
    read(KEY)
}

/// Saves the workspace.
pub fn save(saved: &Saved) {
    write(KEY, saved);
}

/// Forgets the saved workspace.
pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(KEY);
    }
}

/// The learner's scenarios as (title, scenario file), oldest first.
pub fn load_library() -> Vec<(String, String)> {
    read(LIBRARY_KEY).unwrap_or_default()
}

/// Adds a scenario to the learner's library.
pub fn add_to_library(title: &str, text: &str) {
    let mut library = load_library();
    library.retain(|(_, existing)| existing != text);
    library.push((title.to_string(), text.to_string()));
    write(LIBRARY_KEY, &library);
}

/// Removes the learner's scenario at `index`.
pub fn remove_from_library(index: usize) {
    let mut library = load_library();
    if index < library.len() {
        library.remove(index);
        write(LIBRARY_KEY, &library);
    }
}

/// Keeps a workspace that is about to be replaced among the learner's scenarios, so opening a
/// link or another scenario never loses what was typed. Only the newest autosaves are kept.
pub fn autosave_into_library(saved: &Saved) {
    if saved.files.iter().all(|(_, text)| text.trim().is_empty()) {
        return;
    }
    let scenario = saved.as_scenario();
    if crate::playground::library::BUILT_IN.iter().any(|(_, text)| {
        Scenario::parse(text).is_ok_and(|s| s.title == scenario.title && s.files == scenario.files)
    }) {
        // An untouched built-in scenario needs no copy.
        return;
    }
    let title = format!("{AUTOSAVE_PREFIX}{}", scenario.title.trim_start_matches(AUTOSAVE_PREFIX));
    let text = scenario.to_yaml();
    let mut library = load_library();
    library.retain(|(_, existing)| *existing != text);
    library.push((title, text));
    while library.iter().filter(|(t, _)| t.starts_with(AUTOSAVE_PREFIX)).count() > MAX_AUTOSAVES {
        if let Some(oldest) = library.iter().position(|(t, _)| t.starts_with(AUTOSAVE_PREFIX)) {
            library.remove(oldest);
        }
    }
    write(LIBRARY_KEY, &library);
}
