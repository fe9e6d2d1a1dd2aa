//! The workspace state shared by every component: the simulation, the editor's files, the
//! terminal transcript and the clock controls.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Reducible;

use super::persistence::{self, Saved};
use crate::console::{self, Output};
use crate::sim::{ClusterSpec, SimDuration, SimTime, Simulation, DEFAULT_SEED};

/// The manifest a first visit opens.
pub const STARTER_FILE: (&str, &str) = (
    "hello-pod.yaml",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\n  labels:\n    app: hello\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 80\n",
);

/// Speeds offered by the time controls (virtual seconds per real second).
pub const SPEEDS: [u32; 6] = [1, 2, 5, 10, 100, 1000];

/// Terminal history is capped so a long session cannot exhaust localStorage.
const MAX_HISTORY: usize = 500;

/// One command typed into the terminal and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct TerminalEntry {
    /// Virtual time when it ran.
    pub time: SimTime,
    /// The line as typed.
    pub command: String,
    /// What it printed.
    pub output: Output,
}

/// Everything the app shows and edits.
pub struct Workspace {
    /// The simulated cluster; shared so actions do not copy it.
    pub sim: Rc<RefCell<Simulation>>,
    /// The editor's files, in order.
    pub files: Vec<(String, String)>,
    /// Index of the file open in the editor.
    pub active: usize,
    /// The terminal transcript, oldest first.
    pub terminal: Vec<TerminalEntry>,
    /// Lines typed into the terminal, oldest first.
    pub history: Vec<String>,
    /// Whether virtual time follows the wall clock.
    pub playing: bool,
    /// Virtual seconds per real second.
    pub speed: u32,
    /// Bumped on every change so components re-render.
    pub version: u64,
}

/// What a component can ask the workspace to do.
pub enum WorkspaceAction {
    /// Real time passed while playing: advance virtual time by `elapsed_ms` × speed.
    Tick { elapsed_ms: u64 },
    /// Start or stop following the wall clock.
    SetPlaying(bool),
    /// Change the speed.
    SetSpeed(u32),
    /// Run exactly the next pending event.
    StepEvent,
    /// Jump ahead by a span of virtual time.
    Jump(SimDuration),
    /// Run a terminal line.
    Run(String),
    /// Replace the active file's text.
    Edit(String),
    /// Open another file in the editor.
    Select(usize),
    /// Apply the active file to the cluster.
    ApplyActive,
    /// Start a fresh cluster, keeping the files.
    ResetCluster,
}

impl Workspace {
    /// The workspace saved in localStorage, or the starter workspace on a first visit.
    pub fn restore_or_start() -> Workspace {
        let saved = persistence::load().unwrap_or_default();
        let mut files = saved.files;
        if files.is_empty() {
            files.push((STARTER_FILE.0.to_string(), STARTER_FILE.1.to_string()));
        }
        let active = files.iter().position(|(n, _)| *n == saved.active_file).unwrap_or(0);
        Workspace {
            sim: Rc::new(RefCell::new(Simulation::new(ClusterSpec::default(), DEFAULT_SEED))),
            files,
            active,
            terminal: Vec::new(),
            history: saved.history,
            playing: true,
            speed: 1,
            version: 0,
        }
    }

    /// The file open in the editor.
    pub fn active_file(&self) -> Option<&(String, String)> {
        self.files.get(self.active)
    }

    fn save(&self) {
        persistence::save(&Saved {
            files: self.files.clone(),
            active_file: self.active_file().map(|(n, _)| n.clone()).unwrap_or_default(),
            history: self.history.clone(),
        });
    }

    fn run_line(&mut self, line: &str) {
        let time = self.sim.borrow().time();
        let output = console::execute(&mut self.sim.borrow_mut(), &self.files, line);
        self.terminal.push(TerminalEntry { time, command: line.to_string(), output });
    }
}

impl Reducible for Workspace {
    type Action = WorkspaceAction;

    fn reduce(self: Rc<Self>, action: WorkspaceAction) -> Rc<Self> {
        let mut next = Workspace {
            sim: Rc::clone(&self.sim),
            files: self.files.clone(),
            active: self.active,
            terminal: self.terminal.clone(),
            history: self.history.clone(),
            playing: self.playing,
            speed: self.speed,
            version: self.version + 1,
        };
        match action {
            WorkspaceAction::Tick { elapsed_ms } => {
                if !next.playing {
                    return self;
                }
                let span = SimDuration::from_millis(elapsed_ms.saturating_mul(u64::from(next.speed)));
                next.sim.borrow_mut().advance(span);
            }
            WorkspaceAction::SetPlaying(playing) => next.playing = playing,
            WorkspaceAction::SetSpeed(speed) => next.speed = speed.clamp(1, 1000),
            WorkspaceAction::StepEvent => {
                next.playing = false;
                next.sim.borrow_mut().step();
            }
            WorkspaceAction::Jump(span) => next.sim.borrow_mut().advance(span),
            WorkspaceAction::Run(line) => {
                let line = line.trim().to_string();
                if !line.is_empty() {
                    next.run_line(&line);
                    if next.history.last() != Some(&line) {
                        next.history.push(line);
                    }
                    let excess = next.history.len().saturating_sub(MAX_HISTORY);
                    next.history.drain(..excess);
                    next.save();
                }
            }
            WorkspaceAction::Edit(text) => {
                if let Some(file) = next.files.get_mut(next.active) {
                    file.1 = text;
                }
                next.save();
            }
            WorkspaceAction::Select(index) => {
                if index < next.files.len() {
                    next.active = index;
                    next.save();
                }
            }
            WorkspaceAction::ApplyActive => {
                if let Some((name, _)) = next.active_file().cloned() {
                    next.run_line(&format!("kubectl apply -f {name}"));
                }
            }
            WorkspaceAction::ResetCluster => {
                let seed = next.sim.borrow().seed();
                next.sim = Rc::new(RefCell::new(Simulation::new(ClusterSpec::default(), seed)));
                next.terminal.clear();
            }
        }
        Rc::new(next)
    }
}

impl PartialEq for Workspace {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.sim, &other.sim)
    }
}
