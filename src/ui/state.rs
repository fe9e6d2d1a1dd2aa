//! The workspace state shared by every component: the session (files, cluster, inputs), what is
//! selected, the clock controls, and which dialog is open.
//!
//! Components read it through a context and change it only by dispatching a
//! [`WorkspaceAction`]; every change that the learner would miss after a reload is saved.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Reducible;

use super::boot::{Boot, EmbedOptions};
use super::persistence::{self, Saved};
use crate::playground::{library, Files, Origin, Session};
use crate::scenario::{self, Scenario};
use crate::sim::{SimDuration, SimTime};

/// Speeds offered by the time controls (virtual seconds per real second).
pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 100, 500, 1000];

/// Terminal history is capped so a long session cannot exhaust localStorage.
const MAX_HISTORY: usize = 500;

/// Ticks between saves of the clock while playing (the rest is saved when it changes).
const SAVE_EVERY_TICKS: u64 = 50;

/// A dialog over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// The scenario library.
    Library,
    /// The share link.
    Share,
    /// The embed snippet and its options.
    Embed,
    /// Export for a real cluster.
    Export,
    /// Keyboard shortcuts.
    Help,
}

/// The colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum Theme {
    /// Follow the system setting.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The next theme in the toggle's cycle.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    /// The `data-theme` value, or `None` to follow the system.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// How a scenario step went when it ran from the steps panel.
#[derive(Clone, Debug, PartialEq)]
pub struct StepResult {
    /// Index into the origin's steps.
    pub index: usize,
    /// Expectations that did not hold; empty when the step passed.
    pub failures: Vec<String>,
}

/// Everything the app shows and edits.
pub struct Workspace {
    /// Files, cluster and inputs; shared so actions do not copy the simulation.
    pub session: Rc<RefCell<Session>>,
    /// Index of the file open in the editor.
    pub active: usize,
    /// Lines typed into the terminal, oldest first.
    pub history: Vec<String>,
    /// Whether virtual time follows the wall clock.
    pub playing: bool,
    /// Virtual seconds per real second.
    pub speed: u32,
    /// The selected object, as the trace names it (`pod/default/web`).
    pub selection: Option<String>,
    /// The next scenario step the steps panel runs.
    pub next_step: usize,
    /// Results of the scenario steps run so far.
    pub step_results: Vec<StepResult>,
    /// The open dialog.
    pub dialog: Option<Dialog>,
    /// The colour theme.
    pub theme: Theme,
    /// The learner's own saved scenarios, as (title, scenario file).
    pub saved_scenarios: Vec<(String, String)>,
    /// A message for the learner (a refused share link, a saved scenario).
    pub notice: Option<String>,
    /// Set when the app runs embedded in another page: only some panes, nothing saved.
    pub embed: Option<EmbedOptions>,
    /// Bumped on every change so components re-render.
    pub version: u64,
    ticks: u64,
}

/// What a component can ask the workspace to do.
pub enum WorkspaceAction {
    /// Real time passed while playing: advance virtual time by `elapsed_ms` × speed.
    Tick {
        /// Real milliseconds since the last tick.
        elapsed_ms: u64,
    },
    /// Start or stop following the wall clock.
    SetPlaying(bool),
    /// Change the speed.
    SetSpeed(u32),
    /// Run exactly the next pending event.
    StepEvent,
    /// Jump ahead by a span of virtual time.
    Jump(SimDuration),
    /// Go to a moment of this branch (the scrubber).
    Seek(SimTime),
    /// Run a terminal line.
    Run(String),
    /// Replace the active file's text.
    Edit(String),
    /// Open another file in the editor.
    SelectFile(usize),
    /// Add an empty manifest file and open it.
    NewFile,
    /// Open a file with this name and text (from `kubectl edit`), replacing one of the same name.
    OpenFile(String, String),
    /// Apply the active file to the cluster.
    ApplyActive,
    /// Start a fresh cluster with this seed, keeping the files.
    ResetCluster(u64),
    /// Open a scenario: its files, a fresh cluster, its steps ready to run.
    OpenScenario(Box<Scenario>),
    /// Run the next step of the scenario.
    RunNextStep,
    /// Run every remaining step of the scenario.
    RunAllSteps,
    /// Save the workspace as one of the learner's scenarios.
    SaveScenario(String),
    /// Forget one of the learner's scenarios.
    DeleteSavedScenario(usize),
    /// Select an object everywhere (`pod/default/web`), or clear the selection.
    SelectObject(Option<String>),
    /// Open or close a dialog.
    SetDialog(Option<Dialog>),
    /// Switch to the next theme.
    CycleTheme,
    /// Show or clear a message.
    Notify(Option<String>),
}

impl Workspace {
    /// The workspace the page starts with: an embedded or shared scenario, the saved workspace,
    /// or the welcome scenario on a first visit.
    pub fn start(boot: Boot) -> Workspace {
        let mut saved = if boot.embed.is_some() { None } else { persistence::load() };
        if let Some(saved) = saved.as_mut().filter(|_| boot.reset_cluster) {
            saved.inputs.clear();
            saved.time_ms = 0;
            saved.next_step = 0;
        }
        let saved_scenarios = persistence::load_library();
        let mut notice = boot.notice.clone();
        let (session, mut workspace_saved, autoplay_step) = match (boot.scenario, saved) {
            (Some(scenario), saved) => {
                // A shared link replaces the workspace; keep the old one among "My scenarios".
                if let Some(saved) = &saved {
                    persistence::autosave_into_library(saved);
                }
                (Session::from_scenario(&scenario), None, true)
            }
            (None, Some(saved)) => match saved.restore() {
                Some(session) => (session, Some(saved), false),
                None => {
                    notice = Some("The saved cluster could not be rebuilt; your files are kept.".into());
                    let files = saved.files_or_default();
                    (Session::new(Origin::default(), files), None, false)
                }
            },
            (None, None) => {
                let scenario = library::find(library::WELCOME).and_then(|t| Scenario::parse(t).ok());
                match scenario {
                    Some(scenario) => (Session::from_scenario(&scenario), None, true),
                    None => (Session::new(Origin::default(), Files::new()), None, false),
                }
            }
        };
        let active = workspace_saved
            .as_ref()
            .and_then(|s| session.files().iter().position(|(n, _)| *n == s.active_file))
            .unwrap_or(0);
        let history = workspace_saved.as_mut().map(|s| std::mem::take(&mut s.history)).unwrap_or_default();
        let mut workspace = Workspace {
            session: Rc::new(RefCell::new(session)),
            active,
            history,
            playing: boot.embed.as_ref().is_none_or(|e| e.autoplay),
            speed: 1,
            selection: None,
            next_step: workspace_saved.as_ref().map_or(0, |s| s.next_step),
            step_results: Vec::new(),
            dialog: None,
            theme: workspace_saved.as_ref().map_or(Theme::System, |s| s.theme),
            saved_scenarios,
            notice,
            embed: boot.embed.clone(),
            version: 0,
            ticks: 0,
        };
        match boot.embed.as_ref().and_then(|e| e.theme.as_deref()) {
            Some("dark") => workspace.theme = Theme::Dark,
            Some("light") => workspace.theme = Theme::Light,
            _ => {}
        }
        // A scenario opened fresh starts with its first step (usually the apply), so the page
        // shows pods moving within a second.
        if autoplay_step && workspace.embed.as_ref().is_none_or(|e| e.autoplay) {
            workspace.run_next_step();
        }
        if let Some(start) = boot.embed.as_ref().and_then(|e| e.start) {
            workspace.session.borrow_mut().seek(start);
        }
        workspace.save();
        workspace
    }

    /// The file open in the editor.
    pub fn active_file(&self) -> Option<(String, String)> {
        self.session.borrow().files().get(self.active).cloned()
    }

    /// Whether a pane is shown (everything, unless embedded with a pane list).
    pub fn shows(&self, pane: &str) -> bool {
        self.embed.as_ref().is_none_or(|e| e.panes.iter().any(|p| p == pane))
    }

    fn save(&self) {
        if self.embed.is_some() {
            return;
        }
        let session = self.session.borrow();
        persistence::save(&Saved::of(&session, self.active, &self.history, self.next_step, self.theme));
    }

    fn run_line(&mut self, line: &str) {
        let opened = self.session.borrow_mut().run(line).opened_files().to_vec();
        self.open_files(opened);
    }

    /// Opens the files a command handed to the editor (`kubectl edit`, `kubectl cp`).
    fn open_files(&mut self, opened: Vec<(String, String)>) {
        for (name, text) in opened {
            self.open_file(name, text);
        }
    }

    fn open_file(&mut self, name: String, text: String) {
        let mut files = self.session.borrow().files().clone();
        match files.iter().position(|(n, _)| *n == name) {
            Some(index) => {
                files[index].1 = text;
                self.active = index;
            }
            None => {
                files.push((name, text));
                self.active = files.len() - 1;
            }
        }
        self.session.borrow_mut().set_files(files);
    }

    fn run_next_step(&mut self) -> bool {
        let step = self.session.borrow().origin().steps.get(self.next_step).cloned();
        let Some(step) = step else {
            return false;
        };
        let (failures, opened) = {
            let mut session = self.session.borrow_mut();
            let output = session.run(&step.action);
            (scenario::check(&step, output), output.opened_files().to_vec())
        };
        self.open_files(opened);
        self.step_results.retain(|r| r.index != self.next_step);
        self.step_results.push(StepResult { index: self.next_step, failures });
        self.next_step += 1;
        true
    }

    fn copy(&self) -> Workspace {
        Workspace {
            session: Rc::clone(&self.session),
            active: self.active,
            history: self.history.clone(),
            playing: self.playing,
            speed: self.speed,
            selection: self.selection.clone(),
            next_step: self.next_step,
            step_results: self.step_results.clone(),
            dialog: self.dialog,
            theme: self.theme,
            saved_scenarios: self.saved_scenarios.clone(),
            notice: self.notice.clone(),
            embed: self.embed.clone(),
            version: self.version + 1,
            ticks: self.ticks,
        }
    }
}

impl Reducible for Workspace {
    type Action = WorkspaceAction;

    fn reduce(self: Rc<Self>, action: WorkspaceAction) -> Rc<Self> {
        let mut next = self.copy();
        match action {
            WorkspaceAction::Tick { elapsed_ms } => {
                if !next.playing {
                    return self;
                }
                let span = SimDuration::from_millis(elapsed_ms.saturating_mul(u64::from(next.speed)));
                next.session.borrow_mut().advance(span);
                next.ticks += 1;
                if next.ticks.is_multiple_of(SAVE_EVERY_TICKS) {
                    next.save();
                }
                return Rc::new(next);
            }
            WorkspaceAction::SetPlaying(playing) => next.playing = playing,
            WorkspaceAction::SetSpeed(speed) => next.speed = speed.clamp(1, 1000),
            WorkspaceAction::StepEvent => {
                next.playing = false;
                next.session.borrow_mut().step();
            }
            WorkspaceAction::Jump(span) => next.session.borrow_mut().advance(span),
            WorkspaceAction::Seek(time) => {
                next.playing = false;
                next.session.borrow_mut().seek(time);
                // Scenario steps that ran after this moment are undone with the inputs.
                let ran = next.session.borrow().past().len();
                next.step_results.retain(|r| r.index < ran);
                next.next_step = next.next_step.min(ran);
            }
            WorkspaceAction::Run(line) => {
                let line = line.trim().to_string();
                if line.is_empty() {
                    return self;
                }
                next.run_line(&line);
                if next.history.last() != Some(&line) {
                    next.history.push(line);
                }
                let excess = next.history.len().saturating_sub(MAX_HISTORY);
                next.history.drain(..excess);
            }
            WorkspaceAction::Edit(text) => {
                let mut files = next.session.borrow().files().clone();
                if let Some(file) = files.get_mut(next.active) {
                    file.1 = text;
                }
                next.session.borrow_mut().set_files(files);
            }
            WorkspaceAction::SelectFile(index) => {
                if index < next.session.borrow().files().len() {
                    next.active = index;
                }
            }
            WorkspaceAction::NewFile => {
                let count = next.session.borrow().files().len();
                let name = (1..)
                    .map(|i| format!("manifest-{}.yaml", count + i))
                    .find(|n| next.session.borrow().files().iter().all(|(existing, _)| existing != n));
                next.open_file(name.unwrap_or_else(|| "manifest.yaml".into()), String::new());
            }
            WorkspaceAction::OpenFile(name, text) => next.open_file(name, text),
            WorkspaceAction::ApplyActive => {
                if let Some((name, _)) = next.active_file() {
                    next.run_line(&format!(
                        "kubectl apply -f {}",
                        shlex::try_quote(&name).unwrap_or_default()
                    ));
                }
            }
            WorkspaceAction::ResetCluster(seed) => {
                next.session.borrow_mut().reset(seed);
                next.next_step = 0;
                next.step_results.clear();
                next.selection = None;
            }
            WorkspaceAction::OpenScenario(scenario) => {
                if let Some(saved) = persistence::load() {
                    persistence::autosave_into_library(&saved);
                    next.saved_scenarios = persistence::load_library();
                }
                next.session = Rc::new(RefCell::new(Session::from_scenario(&scenario)));
                next.active = 0;
                next.next_step = 0;
                next.step_results.clear();
                next.selection = None;
                next.dialog = None;
                next.playing = true;
                next.run_next_step();
            }
            WorkspaceAction::RunNextStep => {
                next.run_next_step();
            }
            WorkspaceAction::RunAllSteps => while next.run_next_step() {},
            WorkspaceAction::SaveScenario(title) => {
                let mut scenario = next.session.borrow().to_scenario();
                if !title.trim().is_empty() {
                    scenario.title = title.trim().to_string();
                }
                persistence::add_to_library(&scenario.title, &scenario.to_yaml());
                next.saved_scenarios = persistence::load_library();
                next.notice = Some(format!("Saved \"{}\" in My scenarios.", scenario.title));
            }
            WorkspaceAction::DeleteSavedScenario(index) => {
                persistence::remove_from_library(index);
                next.saved_scenarios = persistence::load_library();
            }
            WorkspaceAction::SelectObject(selection) => next.selection = selection,
            WorkspaceAction::SetDialog(dialog) => next.dialog = dialog,
            WorkspaceAction::CycleTheme => next.theme = next.theme.next(),
            WorkspaceAction::Notify(notice) => next.notice = notice,
        }
        next.save();
        Rc::new(next)
    }
}

impl PartialEq for Workspace {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.session, &other.session)
    }
}
