//! A learner's session: the editor's files, the cluster they drive, and the inputs that rebuild
//! that cluster at any earlier moment.
//!
//! The simulation is deterministic, so the cluster at time T is exactly what replaying the
//! session's inputs up to T from the same seed produces. Going back in time therefore rebuilds the
//! simulation and replays; the inputs after that moment are kept as the session's future (moving
//! forward again replays them) until the learner types something new there, which starts a new
//! branch and drops them. This keeps the memory of "snapshots" to the inputs alone.

use std::rc::Rc;

use crate::console::{self, Output};
use crate::kubectl::watch::Watch;
use crate::scenario::{Scenario, Step};
use crate::sim::{ClusterSpec, SimDuration, SimTime, Simulation, DEFAULT_SEED};
use crate::viz::ChartRecorder;

/// Most chart samples taken while the clock runs over one span; at least one per virtual second.
const SAMPLES_PER_SPAN: u64 = 300;

/// Manifest files as the editor holds them: name and text, in tab order.
pub type Files = Vec<(String, String)>;

/// One command the learner (or a scenario step) ran, with what it needs to run again.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// Virtual time when it ran.
    pub time: SimTime,
    /// Virtual time when it returned (`wait 30s` and `kubectl wait` move the clock).
    pub end: SimTime,
    /// The line as typed.
    pub line: String,
    /// The editor's files at that moment, which `-f NAME` reads. Shared between inputs while
    /// the files do not change.
    pub files: Rc<Files>,
    /// What it printed.
    pub output: Output,
}

impl Input {
    /// Whether this is a playground `wait` (no effect but time passing) that has run before, so
    /// its end and output are known without running it again.
    fn is_known_wait(&self) -> bool {
        self.end > self.time && self.line.split_whitespace().next() == Some("wait")
    }
}

/// What describes the session apart from its inputs: where it came from and how it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// Title shown in the app and used for shares and exports.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// The cluster the session starts from.
    pub cluster: ClusterSpec,
    /// The seed of every random choice.
    pub seed: u64,
    /// Unix seconds that virtual time zero stands for, when not the default.
    pub epoch: Option<i64>,
    /// The scenario's steps, which the app can run one by one.
    pub steps: Vec<Step>,
}

impl Default for Origin {
    fn default() -> Self {
        Origin {
            title: "My playground".into(),
            description: String::new(),
            cluster: ClusterSpec::default(),
            seed: DEFAULT_SEED,
            epoch: None,
            steps: Vec::new(),
        }
    }
}

impl Origin {
    /// The origin of a scenario file.
    pub fn of(scenario: &Scenario) -> Origin {
        Origin {
            title: scenario.title.clone(),
            description: scenario.description.clone(),
            cluster: scenario.cluster.clone(),
            seed: scenario.seed.unwrap_or(DEFAULT_SEED),
            epoch: scenario.start.as_deref().and_then(crate::sim::time::parse_rfc3339),
            steps: scenario.steps.clone(),
        }
    }
}

/// The playground's model: files, cluster and the inputs that made it.
pub struct Session {
    origin: Origin,
    files: Rc<Files>,
    inputs: Vec<Input>,
    /// How many of `inputs` the simulation has run; the rest are the future after a seek back.
    applied: usize,
    sim: Simulation,
    /// The latest moment the session has reached on its current branch.
    horizon: SimTime,
    /// Counts over time for the charts, sampled as the clock runs (rebuilt on replay).
    charts: ChartRecorder,
    /// A running `kubectl get -w`: its rows join the latest input's output as time runs.
    watch: Option<Watch>,
}

impl Session {
    /// A fresh cluster from `origin` with `files` in the editor.
    pub fn new(origin: Origin, files: Files) -> Session {
        let sim = fresh_simulation(&origin);
        let mut charts = ChartRecorder::new();
        charts.sample(&sim);
        Session {
            origin,
            files: Rc::new(files),
            inputs: Vec::new(),
            applied: 0,
            sim,
            horizon: SimTime::ZERO,
            charts,
            watch: None,
        }
    }

    /// A session that opens `scenario`: its files in the editor, none of its steps run yet.
    pub fn from_scenario(scenario: &Scenario) -> Session {
        Session::new(Origin::of(scenario), scenario.files.clone())
    }

    /// Rebuilds a saved session: replays `inputs` (time, line, files) and stops at `time`.
    pub fn restore(
        origin: Origin,
        files: Files,
        inputs: Vec<(SimTime, String, Rc<Files>)>,
        time: SimTime,
    ) -> Session {
        let mut session = Session::new(origin, files);
        session.inputs = inputs
            .into_iter()
            .map(|(at, line, files)| Input { time: at, end: at, line, files, output: Output::default() })
            .collect();
        session.seek(time);
        session
    }

    /// Where the session came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The simulated cluster at the current moment.
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The current virtual time.
    pub fn time(&self) -> SimTime {
        self.sim.time()
    }

    /// The latest moment reached on this branch: the end of the scrubber.
    pub fn horizon(&self) -> SimTime {
        self.horizon.max(self.sim.time())
    }

    /// Counts over virtual time for the charts.
    pub fn charts(&self) -> &ChartRecorder {
        &self.charts
    }

    /// The editor's files.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Replaces the editor's files; the cluster is not touched.
    pub fn set_files(&mut self, files: Files) {
        if *self.files != files {
            self.files = Rc::new(files);
        }
    }

    /// Inputs that have run, oldest first: the terminal transcript.
    pub fn past(&self) -> &[Input] {
        &self.inputs[..self.applied]
    }

    /// Inputs after the current moment, kept until a new input starts another branch.
    pub fn future(&self) -> &[Input] {
        &self.inputs[self.applied..]
    }

    /// Every input of this branch, past and future.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Runs a terminal line now. If the learner had gone back in time, this starts a new branch:
    /// the inputs that were ahead are dropped.
    pub fn run(&mut self, line: &str) -> &Output {
        self.inputs.truncate(self.applied);
        self.horizon = self.sim.time();
        let input = self.execute(line.to_string(), Rc::clone(&self.files));
        self.inputs.push(input);
        self.applied = self.inputs.len();
        self.horizon = self.horizon.max(self.sim.time());
        &self.inputs[self.applied - 1].output
    }

    /// Runs a kubectl line that only reads (`get`, `describe`, `logs`, `events`, `top`,
    /// `explain`, `api-resources`, `version`) without recording it, for panels that show the
    /// cluster. Anything else is refused, because it would change the cluster outside the inputs.
    pub fn inspect(&mut self, line: &str) -> Option<Output> {
        let words = shlex::split(line)?;
        let reads = matches!(
            words.get(1).map(String::as_str),
            Some("get" | "describe" | "logs" | "events" | "top" | "explain" | "api-resources" | "version")
        );
        if words.first().map(String::as_str) != Some("kubectl")
            || !reads
            || words.iter().any(|w| w == "-w" || w == "--watch" || w == "-f" || w == "--follow")
        {
            return None;
        }
        Some(console::execute(&mut self.sim, &self.files, line))
    }

    /// Moves virtual time forward by `span`, replaying any future inputs on the way.
    pub fn advance(&mut self, span: SimDuration) {
        let target = self.sim.time() + span;
        self.advance_to(target);
    }

    /// Runs exactly the next thing that happens: a pending cluster event or a future input.
    pub fn step(&mut self) {
        let next_input =
            self.inputs.get(self.applied).map(|i| if i.is_known_wait() { i.end } else { i.time });
        match (next_input, self.sim.next_event_time()) {
            (Some(input), event) if event.is_none_or(|e| input <= e) => self.advance_to(input),
            _ => {
                self.sim.step();
                self.charts.sample(&self.sim);
                self.collect_watch();
            }
        }
        self.horizon = self.horizon.max(self.sim.time());
    }

    /// Goes to `time` on this branch: forward by running, backward by rebuilding and replaying.
    pub fn seek(&mut self, time: SimTime) {
        if time < self.sim.time() {
            self.watch = None;
            self.sim = fresh_simulation(&self.origin);
            self.applied = 0;
            self.charts = ChartRecorder::new();
            self.charts.sample(&self.sim);
        }
        self.advance_to(time);
    }

    /// Starts the cluster again with `seed`, keeping the files; the inputs are forgotten.
    pub fn reset(&mut self, seed: u64) {
        self.origin.seed = seed;
        self.watch = None;
        self.sim = fresh_simulation(&self.origin);
        self.charts = ChartRecorder::new();
        self.charts.sample(&self.sim);
        self.inputs.clear();
        self.applied = 0;
        self.horizon = SimTime::ZERO;
    }

    /// The session as a scenario file: its files and its inputs as steps, with `wait` steps for
    /// the time that passed between them, so that running it reproduces the cluster.
    pub fn to_scenario(&self) -> Scenario {
        let mut steps = Vec::new();
        let mut clock = SimTime::ZERO;
        let push_wait = |steps: &mut Vec<Step>, from: SimTime, to: SimTime| {
            if to > from {
                steps.push(Step::new(format!("wait {}", duration_text(to - from))));
            }
        };
        for input in self.past() {
            push_wait(&mut steps, clock, input.time);
            steps.push(Step::new(input.line.clone()));
            clock = input.end.max(input.time);
        }
        push_wait(&mut steps, clock, self.sim.time());
        Scenario {
            title: self.origin.title.clone(),
            description: self.origin.description.clone(),
            seed: (self.origin.seed != DEFAULT_SEED).then_some(self.origin.seed),
            start: self.origin.epoch.map(crate::sim::time::rfc3339),
            cluster: self.origin.cluster.clone(),
            files: self.files.to_vec(),
            steps,
        }
    }

    fn advance_to(&mut self, target: SimTime) {
        while let Some(input) = self.inputs.get(self.applied) {
            if input.time > target {
                break;
            }
            if input.is_known_wait() {
                // A wait only lets time pass, so the moments inside it exist too: stop there,
                // keeping the wait ahead, or let it finish and keep what it printed.
                if input.end > target {
                    break;
                }
                let end = input.end;
                self.collect_watch();
                self.run_clock_to(end);
                // What a watch printed during the wait is already in the wait's output.
                if let Some(watch) = &self.watch {
                    watch.take_lines();
                }
                self.applied += 1;
                continue;
            }
            let (at, line, files) = (input.time, input.line.clone(), Rc::clone(&input.files));
            self.run_clock_to(at);
            let replayed = self.execute(line, files);
            self.inputs[self.applied] = replayed;
            self.applied += 1;
        }
        self.run_clock_to(target);
        self.collect_watch();
        self.horizon = self.horizon.max(self.sim.time());
    }

    /// Moves the rows a running watch printed into the latest input's output.
    fn collect_watch(&mut self) {
        let Some(watch) = &self.watch else { return };
        let lines = watch.take_lines();
        if let Some(input) = self.applied.checked_sub(1).and_then(|i| self.inputs.get_mut(i)) {
            for line in lines {
                input.output.out(line);
            }
        }
    }

    /// Runs the clock to `target` in slices, sampling the charts after each. Running events in
    /// slices processes them in the same order as one run, so the trace is the same.
    fn run_clock_to(&mut self, target: SimTime) {
        let now = self.sim.time();
        if target <= now {
            return;
        }
        let slice = (target.since(now).as_millis() / SAMPLES_PER_SPAN).max(1000);
        let mut at = now;
        while at < target {
            at = (at + SimDuration::from_millis(slice)).min(target);
            self.sim.step_until(at);
            self.charts.sample(&self.sim);
        }
    }

    fn execute(&mut self, line: String, files: Rc<Files>) -> Input {
        self.collect_watch();
        if !console::only_waits(&line) {
            // Typing the next command ends the watch, as Ctrl-C does.
            self.watch = None;
        }
        let time = self.sim.time();
        let words = shlex::split(&line).unwrap_or_default();
        // A plain `wait DURATION` runs here rather than in the console, so the charts see the
        // time inside it; it prints nothing either way.
        let output = match words.as_slice() {
            [wait, duration] if wait == "wait" => match SimDuration::parse(duration) {
                Some(span) => {
                    self.run_clock_to(time + span);
                    Output::default()
                }
                None => console::execute(&mut self.sim, &files, &line),
            },
            _ => {
                let (output, watch) = console::execute_watching(&mut self.sim, &files, &line);
                if watch.is_some() {
                    self.watch = watch;
                }
                self.charts.sample(&self.sim);
                output
            }
        };
        let mut output = output;
        if let Some(watch) = &self.watch {
            for row in watch.take_lines() {
                output.out(row);
            }
        }
        Input { time, end: self.sim.time(), line, files, output }
    }
}

fn fresh_simulation(origin: &Origin) -> Simulation {
    let mut sim = Simulation::new(origin.cluster.clone(), origin.seed);
    if let Some(epoch) = origin.epoch {
        sim.set_epoch(epoch);
    }
    sim
}

/// `90s` → `1m30s`, as the `wait` step reads it.
fn duration_text(span: SimDuration) -> String {
    let ms = span.as_millis();
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut text = String::new();
    if h > 0 {
        text.push_str(&format!("{h}h"));
    }
    if m > 0 {
        text.push_str(&format!("{m}m"));
    }
    if s > 0 || text.is_empty() {
        text.push_str(&format!("{s}s"));
    }
    text
}
