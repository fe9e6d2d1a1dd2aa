//! Plays a scenario's steps against a simulation and checks their expectations.

use regex_lite::Regex;

use super::format::{Scenario, Step};
use crate::console::{self, Output};
use crate::sim::{time::parse_rfc3339, SimTime, Simulation, DEFAULT_SEED};

/// What one step did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutcome {
    /// Index of the step in the scenario.
    pub index: usize,
    /// Virtual time when the step started.
    pub time: SimTime,
    /// The step as written.
    pub action: String,
    /// What the step printed, as a terminal shows it.
    pub output: Output,
    /// Expectations that did not hold, each described in one line.
    pub failures: Vec<String>,
}

impl StepOutcome {
    /// The transcript block: `[+45s] $ kubectl get pods`, then the output verbatim.
    pub fn transcript(&self) -> String {
        let mut text = format!("[{}] $ {}\n", self.time, self.action);
        text.push_str(&self.output.text());
        text
    }
}

/// Runs a scenario step by step.
pub struct Runner {
    scenario: Scenario,
    sim: Simulation,
    next: usize,
    /// A running `kubectl get -w`, until the next step that is not a wait.
    watch: Option<crate::kubectl::watch::Watch>,
}

impl Runner {
    /// A runner at the start of `scenario`; `seed` overrides the scenario's own.
    pub fn new(scenario: Scenario, seed: Option<u64>) -> Runner {
        let seed = seed.or(scenario.seed).unwrap_or(DEFAULT_SEED);
        let mut sim = Simulation::new(scenario.cluster.clone(), seed);
        if let Some(start) = scenario.start.as_deref().and_then(parse_rfc3339) {
            sim.set_epoch(start);
        }
        Runner { scenario, sim, next: 0, watch: None }
    }

    /// The scenario being played.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The simulation the steps act on.
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// Mutable access to the simulation, for inputs outside the scenario's steps.
    pub fn simulation_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }

    /// Whether every step has run.
    pub fn finished(&self) -> bool {
        self.next >= self.scenario.steps.len()
    }

    /// Runs the next step and returns what it did, or `None` when all steps have run.
    pub fn run_next(&mut self) -> Option<StepOutcome> {
        let index = self.next;
        let step = self.scenario.steps.get(index)?.clone();
        self.next += 1;
        let time = self.sim.time();
        if !console::only_waits(&step.action) {
            self.watch = None;
        }
        let (mut output, watch) =
            console::execute_watching(&mut self.sim, &self.scenario.files, &step.action);
        if watch.is_some() {
            self.watch = watch;
        }
        // A watch's rows show under the step during which they were printed.
        if let Some(watch) = &self.watch {
            for row in watch.take_lines() {
                output.out(row);
            }
        }
        let failures = check(&step, &output);
        Some(StepOutcome { index, time, action: step.action, output, failures })
    }

    /// Runs every remaining step.
    pub fn run_all(&mut self) -> Vec<StepOutcome> {
        std::iter::from_fn(|| self.run_next()).collect()
    }
}

/// The expectations of `step` that `output` does not meet.
pub fn check(step: &Step, output: &Output) -> Vec<String> {
    let lines = output.lines();
    let mut failures = Vec::new();
    for pattern in &step.expect {
        match Regex::new(pattern) {
            Ok(re) if lines.iter().any(|l| re.is_match(l)) => {}
            Ok(_) => failures.push(format!("expected a line matching '{pattern}'")),
            Err(e) => failures.push(format!("invalid pattern '{pattern}': {e}")),
        }
    }
    for pattern in &step.expect_not {
        match Regex::new(pattern) {
            Ok(re) => {
                if let Some(line) = lines.iter().find(|l| re.is_match(l)) {
                    failures.push(format!("expected no line matching '{pattern}', got '{line}'"));
                }
            }
            Err(e) => failures.push(format!("invalid pattern '{pattern}': {e}")),
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(steps: &str) -> Scenario {
        Scenario::parse(&format!("title: t\nsteps:\n{steps}")).unwrap()
    }

    #[test]
    fn wait_steps_move_virtual_time_and_stamp_the_transcript() {
        let mut runner = Runner::new(scenario("  - wait 45s\n  - wait 1m\n"), None);
        let outcomes = runner.run_all();
        assert_eq!(outcomes[0].transcript(), "[+0s] $ wait 45s\n");
        assert_eq!(outcomes[1].time, SimTime(45_000));
        assert_eq!(runner.simulation().time(), SimTime(105_000));
    }

    #[test]
    fn expectations_are_checked_line_by_line() {
        let mut runner = Runner::new(
            scenario("  - do: kubectl version\n    expect: ['^Server Version: v1\\.36']\n    expect_not: ['^error']\n  - do: kubectl version\n    expect: ['^nothing like this$']\n"),
            None,
        );
        let outcomes = runner.run_all();
        assert!(outcomes[0].failures.is_empty(), "{:?}", outcomes[0].failures);
        assert_eq!(outcomes[1].failures, ["expected a line matching '^nothing like this$'"]);
    }

    #[test]
    fn a_bad_step_prints_an_error_and_the_run_goes_on() {
        let mut runner = Runner::new(scenario("  - wait forever\n  - wait 1s\n"), None);
        let outcomes = runner.run_all();
        assert!(outcomes[0].output.text().starts_with("error: "), "{}", outcomes[0].output.text());
        assert_eq!(runner.simulation().time(), SimTime(1_000));
    }
}
