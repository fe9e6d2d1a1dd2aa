//! `podlab graph`, run as a learner would: Mermaid source of a scenario's graphs at a time.

mod common;

use std::process::Command;

fn podlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_podlab")).args(args).output().expect("podlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scenario(name: &str) -> String {
    common::shared_dir().join("scenarios").join(name).display().to_string()
}

#[test]
fn graph_prints_the_named_graph_at_a_time() {
    let path = scenario("07-liveness-probe.yaml");
    let (code, early, _) = podlab(&["graph", "--at", "5s", "--graph", "lifecycle", &path]);
    assert_eq!(code, 0);
    assert!(early.contains("stateDiagram-v2\n"), "{early}");
    assert!(
        early.contains("  class Pending current\n"),
        "before its image is pulled the pod is Pending: {early}"
    );
    let (code, later, _) = podlab(&["graph", "--at", "3m", "--graph", "lifecycle", &path]);
    assert_eq!(code, 0);
    assert!(later.contains("  class Running current\n"), "{later}");
    assert!(later.contains("CrashLoopBackOff"), "{later}");
    assert!(!later.contains("flowchart"), "only the named graph: {later}");
}

#[test]
fn graph_prints_every_graph_by_default_separated_by_blank_lines() {
    let (code, out, _) = podlab(&["graph", &scenario("17-deployment-rolling-update.yaml")]);
    assert_eq!(code, 0);
    let diagrams: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(diagrams.len(), 6, "{out}");
    for (diagram, title) in diagrams.iter().zip([
        "Pod lifecycle: default/web-",
        "Containers of default/web-",
        "Reconcile loop of replicaset default/web-",
        "Ownership in namespace default",
        "Pod creation pipeline: default/web-",
        "Cluster map",
    ]) {
        assert!(diagram.starts_with(&format!("---\ntitle: \"{title}")), "{diagram}");
    }
}

#[test]
fn graph_rejects_an_unknown_graph_or_time() {
    let path = scenario("01-first-pod.yaml");
    let (code, _, err) = podlab(&["graph", "--graph", "sequence", &path]);
    assert_eq!(code, 2);
    assert!(err.contains("--graph: unknown graph \"sequence\" (one of lifecycle, containers, reconcile, ownership, pipeline, cluster)"), "{err}");
    let (code, _, err) = podlab(&["graph", "--at", "soon", &path]);
    assert_eq!(code, 2);
    assert!(err.contains("--at: not a time like 90s or 3m"), "{err}");
    let (code, _, err) = podlab(&["graph", "/nonexistent/scenario.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/scenario.yaml"), "{err}");
}
