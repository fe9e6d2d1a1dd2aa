//! Runs every scenario of the built-in library with `--check` semantics and reports how many
//! hold. A scenario whose expectations fail is listed in the report (target/reports/); a panic
//! while running one fails the test, because a panic would kill the app.

mod common;

use std::fmt::Write;

#[test]
fn every_library_scenario_runs_and_the_report_lists_which_hold() {
    let files = common::scenario_files();
    assert!(!files.is_empty(), "no scenarios found under {}", common::shared_dir().display());
    let mut report = String::new();
    let mut holding = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (outcomes, _) = common::run_scenario(path, None);
        let failures: Vec<String> = outcomes
            .iter()
            .flat_map(|o| o.failures.iter().map(move |f| format!("step {} `{}`: {f}", o.index + 1, o.action)))
            .collect();
        if failures.is_empty() {
            holding += 1;
            let _ = writeln!(report, "  hold  {name}");
        } else {
            let _ = writeln!(
                report,
                "  FAIL  {name} ({} failed expectations; first: {})",
                failures.len(),
                failures[0]
            );
        }
    }
    let summary = format!("scenarios: {holding}/{} hold under `podlab run --check`\n{report}", files.len());
    common::write_report("scenarios", &summary);
    println!("{summary}");
}
