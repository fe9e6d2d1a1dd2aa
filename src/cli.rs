//! The native command line: `podlab run [--seed N] [--check] SCENARIO.yaml`.
//!
//! It plays a scenario and prints its transcript, each step as `[+45s] $ STEP` followed by exactly
//! what the step printed, so a transcript can be diffed against a real terminal session.

use std::io::Write;
use std::path::PathBuf;

use crate::scenario::{Runner, Scenario};

const USAGE: &str = "\
Usage: podlab run [--seed N] [--check] SCENARIO.yaml

Runs a scenario and prints its transcript.
  --seed N   use seed N instead of the scenario's own
  --check    evaluate the steps' expect: entries; exit 1 if one fails";

/// Exit status of a run whose expectations failed.
pub const EXIT_CHECK_FAILED: i32 = 1;
/// Exit status for bad usage or a malformed scenario.
pub const EXIT_USAGE: i32 = 2;

/// Runs the command line `args` (without the program name) and returns the exit status.
pub fn main(args: Vec<String>) -> i32 {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    match parse(args) {
        Ok(Command::Run(opts)) => run(&opts, &mut stdout, &mut stderr),
        Ok(Command::Help) => {
            let _ = writeln!(stdout, "{USAGE}");
            0
        }
        Err(message) => {
            let _ = writeln!(stderr, "podlab: {message}\n\n{USAGE}");
            EXIT_USAGE
        }
    }
}

enum Command {
    Run(RunOptions),
    Help,
}

/// Options of `podlab run`.
#[derive(Debug, Default)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Evaluate expectations.
    pub check: bool,
    /// The scenario file.
    pub path: PathBuf,
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut opts = RunOptions::default();
    let mut subcommand = None;
    let mut path = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("seed") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy();
                opts.seed = Some(text.parse().map_err(|_| format!("--seed: not a number: {text:?}"))?);
            }
            Long("check") => opts.check = true,
            Value(v) if subcommand.is_none() => subcommand = Some(v.to_string_lossy().into_owned()),
            Value(v) if path.is_none() => path = Some(PathBuf::from(v)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    match subcommand.as_deref() {
        Some("run") => {
            opts.path = path.ok_or("run: missing SCENARIO.yaml")?;
            Ok(Command::Run(opts))
        }
        Some("help") => Ok(Command::Help),
        Some(other) => Err(format!("unknown command {other:?}")),
        None => Err("missing command".into()),
    }
}

/// Runs a scenario file, writing the transcript to `out` and the verdict to `err`.
pub fn run(opts: &RunOptions, out: &mut impl Write, err: &mut impl Write) -> i32 {
    let text = match std::fs::read_to_string(&opts.path) {
        Ok(text) => text,
        Err(e) => {
            let _ = writeln!(err, "podlab: {}: {e}", opts.path.display());
            return EXIT_USAGE;
        }
    };
    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "podlab: {}: {e}", opts.path.display());
            return EXIT_USAGE;
        }
    };
    let mut runner = Runner::new(scenario, opts.seed);
    let seed = runner.simulation().seed();
    let mut failed = 0;
    while let Some(outcome) = runner.run_next() {
        let _ = write!(out, "{}", outcome.transcript());
        if opts.check {
            for failure in &outcome.failures {
                failed += 1;
                let _ = writeln!(err, "FAILED step {} `{}`: {failure}", outcome.index + 1, outcome.action);
            }
        }
    }
    let _ = out.flush();
    if failed > 0 {
        let _ = writeln!(err, "{failed} expectation(s) failed in {} (seed {seed})", opts.path.display());
        EXIT_CHECK_FAILED
    } else {
        0
    }
}
