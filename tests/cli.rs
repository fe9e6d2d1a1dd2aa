//! The `podlab` command line, run as a learner would run it.

use std::process::Command;

fn podlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_podlab")).args(args).output().expect("podlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scenario_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("podlab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn run_prints_a_transcript_stamped_with_virtual_time() {
    let path = scenario_file("ok.yaml", "title: t\nsteps:\n  - wait 45s\n  - kubectl version\n");
    let (code, stdout, _) = podlab(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("[+0s] $ wait 45s\n[+45s] $ kubectl version\nClient Version: v1.36.0\n"),
        "{stdout}"
    );
}

#[test]
fn check_exits_1_and_names_the_step_and_pattern_that_failed() {
    let path = scenario_file(
        "bad.yaml",
        "title: t\nseed: 5\nsteps:\n  - do: kubectl version\n    expect: ['^Server Version: v9']\n",
    );
    let (code, _, stderr) = podlab(&["run", "--check", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("FAILED step 1 `kubectl version`: expected a line matching '^Server Version: v9'"),
        "{stderr}"
    );
    assert!(stderr.contains("(seed 5)"), "the seed is printed on failure: {stderr}");
    let (code, _, _) = podlab(&["run", "--seed", "9", path.to_str().unwrap()]);
    assert_eq!(code, 0, "without --check expectations are not evaluated");
}

#[test]
fn a_malformed_scenario_exits_2_with_its_line() {
    let path = scenario_file("malformed.yaml", "title: t\nsteps:\n  - do: x\n    expcet: []\n");
    let (code, _, stderr) = podlab(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("line "), "{stderr}");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(podlab(&["fly"]).0, 2);
    assert_eq!(podlab(&["run"]).0, 2);
    assert_eq!(podlab(&["run", "--seed", "x", "f.yaml"]).0, 2);
}
