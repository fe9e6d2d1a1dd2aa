//! Shared helpers for the native integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;

use podlab::scenario::{Runner, Scenario, StepOutcome};

/// The shared reference folder beside the crate (`../shared`), or `PODLAB_SHARED`.
pub fn shared_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PODLAB_SHARED") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The official docs' examples and their expected outputs (`../shared/corpus/k8s-website`).
pub fn corpus_dir() -> PathBuf {
    shared_dir().join("corpus/k8s-website")
}

/// Every scenario file of the built-in library, sorted by name.
pub fn scenario_files() -> Vec<PathBuf> {
    let dir = shared_dir().join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// Runs a scenario file to its end with `seed` (or its own) and returns every step's outcome and
/// the final trace hash.
pub fn run_scenario(path: &std::path::Path, seed: Option<u64>) -> (Vec<StepOutcome>, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut runner = Runner::new(scenario, seed);
    let outcomes = runner.run_all();
    (outcomes, runner.simulation().trace().hash())
}

/// Writes a report that `make test` prints after the native suite.
pub fn write_report(name: &str, text: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/reports");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.txt")), text);
}

/// Applies a manifest to `sim` as `kubectl apply -f` and fails the test on any error.
pub fn apply(sim: &mut podlab::sim::Simulation, yaml: &str) {
    let files = vec![("m.yaml".to_string(), yaml.to_string())];
    let out = podlab::console::execute(sim, &files, "kubectl apply -f m.yaml");
    assert!(!out.has_errors(), "{}", out.text());
}

/// Runs a kubectl line and returns what it printed.
pub fn kubectl(sim: &mut podlab::sim::Simulation, line: &str) -> String {
    podlab::console::execute(sim, &[], line).text()
}
