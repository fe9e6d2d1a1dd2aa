//! The same scenario run twice with one seed yields an identical trace and transcript.

mod common;

#[test]
fn every_scenario_replays_identically_from_its_seed() {
    for path in common::scenario_files() {
        for seed in [1u64, 42] {
            let (first, first_hash) = common::run_scenario(&path, Some(seed));
            let (second, second_hash) = common::run_scenario(&path, Some(seed));
            assert_eq!(
                first_hash,
                second_hash,
                "{}: trace differs between two runs; rerun with `podlab run --seed {seed} {}`",
                path.display(),
                path.display()
            );
            let a: Vec<String> = first.iter().map(|o| o.transcript()).collect();
            let b: Vec<String> = second.iter().map(|o| o.transcript()).collect();
            assert_eq!(a, b, "{}: transcript differs (seed {seed})", path.display());
        }
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let scenario = podlab::scenario::Scenario::parse("title: t\nsteps:\n  - wait 1m\n").unwrap();
    let hash = |seed| {
        let mut runner = podlab::scenario::Runner::new(scenario.clone(), Some(seed));
        runner.run_all();
        runner.simulation().trace().hash()
    };
    assert_eq!(hash(1), hash(1));
    assert_ne!(hash(1), hash(2), "the seed must reach the simulation");
}
