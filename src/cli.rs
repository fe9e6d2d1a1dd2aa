//! The native command line: `podlab run [--seed N] [--check] SCENARIO.yaml`.
//!
//! It plays a scenario and prints its transcript, each step as `[+45s] $ STEP` followed by exactly
//! what the step printed, so a transcript can be diffed against a real terminal session.
//! `podlab graph` plays a scenario up to a time and prints the Mermaid source of its graphs.

use std::io::Write;
use std::path::PathBuf;

use crate::scenario::{Runner, Scenario};

const USAGE: &str = "\
Usage: podlab run [--seed N] [--check] SCENARIO.yaml
       podlab graph [--at TIME] [--graph NAME] [--seed N] SCENARIO.yaml
       podlab bench schedule --nodes N --pods M [--anti-affinity] [--seed N]
       podlab bench cluster --nodes N --pods M [--seed N]

run     runs a scenario and prints its transcript.
          --seed N   use seed N instead of the scenario's own
          --check    evaluate the steps' expect: entries; exit 1 if one fails
graph   runs a scenario up to TIME and prints the Mermaid source of a graph.
          --at TIME     virtual time like 90s, 3m or 1m30s (default: the end of the steps;
                        a later TIME keeps the clock running after the last step)
          --graph NAME  lifecycle, containers, reconcile, ownership, pipeline or cluster
                        (default: all, separated by blank lines)
        The graphs show the first pod the scenario created (lifecycle, containers, pipeline,
        and its namespace for ownership), its first Deployment or else ReplicaSet (reconcile),
        and every node (cluster).
bench   schedule: measures the scheduler: M pods of one Deployment-like template onto N nodes;
          prints pods per second, wall time and peak memory (figures, never a verdict).
        cluster: runs a whole cluster of N nodes with Deployments totalling M pods until all are
          Running and Ready, then 10 virtual minutes; prints wall time to settle, speed-up over
          real time, events per second and peak memory.";

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
        Ok(Command::Graph(opts)) => graph(&opts, &mut stdout, &mut stderr),
        Ok(Command::BenchSchedule(opts)) => {
            bench_schedule(&opts, &mut stdout);
            0
        }
        Ok(Command::BenchCluster(opts)) => {
            bench_cluster(&opts, &mut stdout);
            0
        }
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
    Graph(GraphOptions),
    BenchSchedule(BenchOptions),
    BenchCluster(BenchOptions),
    Help,
}

/// Options of `podlab bench schedule`.
#[derive(Debug)]
pub struct BenchOptions {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of pods.
    pub pods: usize,
    /// Give every pod a required anti-affinity to its siblings (per hostname).
    pub anti_affinity: bool,
    /// Seed for the scheduler's tie-breaks.
    pub seed: u64,
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

/// Options of `podlab graph`.
#[derive(Debug, Default)]
pub struct GraphOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Virtual time to stop at; the end of the steps when `None`.
    pub at: Option<crate::sim::SimDuration>,
    /// The graph to print; all when `None`.
    pub graph: Option<crate::viz::GraphKind>,
    /// The scenario file.
    pub path: PathBuf,
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut opts = RunOptions::default();
    let mut subcommand = None;
    let mut path = None;
    let (mut nodes, mut pods, mut anti_affinity) = (None, None, false);
    let (mut at, mut graph_kind) = (None, None);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("seed") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy();
                opts.seed = Some(text.parse().map_err(|_| format!("--seed: not a number: {text:?}"))?);
            }
            Long("check") => opts.check = true,
            Long("at") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy();
                at = Some(
                    crate::sim::SimDuration::parse(&text)
                        .ok_or_else(|| format!("--at: not a time like 90s or 3m: {text:?}"))?,
                );
            }
            Long("graph") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy();
                graph_kind = Some(crate::viz::GraphKind::parse(&text).ok_or_else(|| {
                    let names: Vec<&str> = crate::viz::GraphKind::ALL.iter().map(|k| k.name()).collect();
                    format!("--graph: unknown graph {text:?} (one of {})", names.join(", "))
                })?);
            }
            Long("nodes") => nodes = Some(number(&mut parser, "--nodes")?),
            Long("pods") => pods = Some(number(&mut parser, "--pods")?),
            Long("anti-affinity") => anti_affinity = true,
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
        Some("graph") => Ok(Command::Graph(GraphOptions {
            seed: opts.seed,
            at,
            graph: graph_kind,
            path: path.ok_or("graph: missing SCENARIO.yaml")?,
        })),
        Some("bench") => match path.as_ref().and_then(|p| p.to_str()) {
            Some("schedule") => Ok(Command::BenchSchedule(BenchOptions {
                nodes: nodes.ok_or("bench schedule: missing --nodes N")?,
                pods: pods.ok_or("bench schedule: missing --pods M")?,
                anti_affinity,
                seed: opts.seed.unwrap_or(crate::sim::DEFAULT_SEED),
            })),
            Some("cluster") => Ok(Command::BenchCluster(BenchOptions {
                nodes: nodes.ok_or("bench cluster: missing --nodes N")?,
                pods: pods.ok_or("bench cluster: missing --pods M")?,
                anti_affinity,
                seed: opts.seed.unwrap_or(crate::sim::DEFAULT_SEED),
            })),
            _ => Err("bench: expected `schedule` or `cluster`".into()),
        },
        Some("help") => Ok(Command::Help),
        Some(other) => Err(format!("unknown command {other:?}")),
        None => Err("missing command".into()),
    }
}

fn number(parser: &mut lexopt::Parser, flag: &str) -> Result<usize, String> {
    let value = parser.value().map_err(|e| e.to_string())?;
    let text = value.to_string_lossy();
    text.parse().map_err(|_| format!("{flag}: not a number: {text:?}"))
}

/// Milliseconds since the first call: the benchmarks' wall clock.
// Wall time is what a benchmark measures; the simulation itself never reads the clock.
#[allow(clippy::disallowed_methods, clippy::disallowed_types)]
fn wall_clock() -> impl Fn() -> f64 {
    let origin = std::time::Instant::now();
    move || origin.elapsed().as_secs_f64() * 1000.0
}

/// Runs the scheduling benchmark and prints its figures.
pub fn bench_schedule(opts: &BenchOptions, out: &mut impl Write) {
    let clock = wall_clock();
    let figures = crate::bench::bench_schedule(opts.nodes, opts.pods, opts.anti_affinity, opts.seed, &clock);
    let _ = writeln!(out, "{}", figures.report(crate::bench::peak_memory()));
}

/// Runs the whole-cluster benchmark and prints its figures.
pub fn bench_cluster(opts: &BenchOptions, out: &mut impl Write) {
    let clock = wall_clock();
    let figures = crate::bench::bench_cluster(opts.nodes, opts.pods, opts.seed, &clock);
    let _ = writeln!(out, "{}", figures.report(crate::bench::peak_memory()));
}

fn load(path: &std::path::Path, err: &mut impl Write) -> Option<Scenario> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            let _ = writeln!(err, "podlab: {}: {e}", path.display());
            return None;
        }
    };
    match Scenario::parse(&text) {
        Ok(s) => Some(s),
        Err(e) => {
            let _ = writeln!(err, "podlab: {}: {e}", path.display());
            None
        }
    }
}

/// Plays a scenario up to `--at` and writes the Mermaid source of the chosen graphs to `out`.
pub fn graph(opts: &GraphOptions, out: &mut impl Write, err: &mut impl Write) -> i32 {
    let Some(scenario) = load(&opts.path, err) else { return EXIT_USAGE };
    let mut runner = Runner::new(scenario, opts.seed);
    crate::viz::play_until(&mut runner, opts.at);
    let sim = runner.simulation();
    let kinds = match opts.graph {
        Some(kind) => vec![kind],
        None => crate::viz::GraphKind::ALL.to_vec(),
    };
    let sources: Vec<String> = kinds
        .into_iter()
        .map(|kind| {
            let selection = crate::viz::default_selection(sim, kind);
            crate::viz::mermaid::export(&crate::viz::build(sim, kind, selection.as_deref()))
        })
        .collect();
    let _ = write!(out, "{}", sources.join("\n"));
    let _ = out.flush();
    0
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
