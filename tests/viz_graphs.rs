//! The graphs and charts show what the scenarios do: the phase and restarts of a crash-looping
//! pod, the ReplicaSets of a rolling update, the reconcile branch taken, init containers in
//! order, how far a pod got through the creation pipeline, and nodes that fail.
//! Each graph's Mermaid export is written to target/mermaid/ for the Mermaid parser check.

mod common;

use podlab::scenario::{Runner, Scenario};
use podlab::sim::{SimDuration, Simulation};
use podlab::viz::{self, mermaid, ChartRecorder, Graph, GraphKind};

fn runner(name: &str) -> Runner {
    let path = common::shared_dir().join("scenarios").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Runner::new(Scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}")), None)
}

/// Builds a graph for the default selection and saves its Mermaid source.
fn graph(sim: &Simulation, kind: GraphKind, tag: &str) -> Graph {
    let selection = viz::default_selection(sim, kind);
    let graph = viz::build(sim, kind, selection.as_deref());
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mermaid");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("test-{tag}-{}.mmd", kind.name())), mermaid::export(&graph));
    graph
}

fn restart_count(sim: &Simulation, name: &str) -> i32 {
    let pod = sim.store().get("Pod", "default", name).and_then(|o| o.as_pod().cloned());
    let statuses = pod.and_then(|p| p.status).and_then(|s| s.container_statuses).unwrap_or_default();
    statuses.iter().map(|c| c.restart_count).sum()
}

#[test]
fn liveness_failures_show_running_with_crash_loop_back_off_and_counted_restarts() {
    let mut r = runner("07-liveness-probe.yaml");
    viz::play_until(&mut r, SimDuration::parse("3m"));
    let sim = r.simulation();
    assert_eq!(sim.time().as_secs(), 180);
    let g = graph(sim, GraphKind::Lifecycle, "07-at-3m");
    assert_eq!(g.title, "Pod lifecycle: default/liveness-http");
    let current: Vec<&str> = g.with_class("current").map(|n| n.id.as_str()).collect();
    assert_eq!(current, ["Running"]);
    let running = g.node("Running").map(|n| n.sub.join("\n")).unwrap_or_default();
    assert!(running.contains("web: Waiting (CrashLoopBackOff), restart in "), "{running}");
    let restarts = restart_count(sim, "liveness-http");
    assert!(restarts >= 3, "the scenario restarts the container several times by 3m, saw {restarts}");
    let restart_edge = g.edge("Running", "Running").and_then(|e| e.count);
    assert_eq!(restart_edge, Some(restarts as u32), "the restart loop counts every restart");
    assert_eq!(g.edge("Pending", "Running").and_then(|e| e.count), Some(1));
    assert_eq!(g.edge("Running", "Failed").and_then(|e| e.count), None, "never taken");

    let m = mermaid::export(&g);
    assert!(
        m.starts_with("---\ntitle: \"Pod lifecycle: default/liveness-http\"\n---\nstateDiagram-v2\n"),
        "{m}"
    );
    assert!(m.contains("  class Running current\n"), "{m}");
    assert!(m.contains(&format!("  Running --> Running : container restart ×{restarts}\n")), "{m}");

    // The probe that fails is named with its last result in the container sequence.
    let c = graph(sim, GraphKind::Containers, "07-at-3m");
    let web = c.node("app_0").map(|n| n.sub.join("\n")).unwrap_or_default();
    assert!(web.contains("liveness httpGet :80/healthz: failed ×"), "{web}");
}

#[test]
fn a_rolling_update_shows_both_replica_sets_and_their_counts_crossing() {
    let mut r = runner("17-deployment-rolling-update.yaml");
    let mut charts = ChartRecorder::new();
    // Play up to the image change, then sample every second while the rollout runs.
    while let Some(outcome) = r.run_next() {
        charts.sample(r.simulation());
        if outcome.action.starts_with("kubectl set image") {
            break;
        }
    }
    for _ in 0..120 {
        r.simulation_mut().advance(SimDuration::from_secs(1));
        charts.sample(r.simulation());
    }
    let sim = r.simulation();
    let chart = charts.replica_chart("default", "web");
    let sets: Vec<String> = chart
        .series
        .iter()
        .filter(|s| s.name.ends_with(" current") && s.name != "web current")
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(
        sets.len(),
        2,
        "old and new ReplicaSet: {:?}",
        chart.series.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let (a, b) = (chart.series(&sets[0]), chart.series(&sets[1]));
    assert!(a.zip(b).is_some_and(|(a, b)| a.crosses(b)), "the old set falls as the new one rises");
    let total = chart.series("web current").map(|s| s.points.iter().map(|p| p.1).fold(0.0, f64::max));
    assert_eq!(total, Some(5.0), "maxSurge 1 over 4 replicas: never more than five pods");

    let g = graph(sim, GraphKind::Ownership, "17-rollout");
    let deployment = g.node("deployment_web").map(|n| n.id.clone()).unwrap_or_default();
    assert!(!deployment.is_empty(), "the Deployment is drawn");
    let sets: Vec<&viz::Node> = g.nodes.iter().filter(|n| n.id.starts_with("replicaset_web_")).collect();
    assert_eq!(sets.len(), 2);
    for rs in &sets {
        assert!(g.edge(&deployment, &rs.id).is_some(), "deployment owns {}", rs.id);
        assert!(rs.sub.iter().any(|l| l.starts_with("revision ") && l.contains(" · hash ")), "{:?}", rs.sub);
    }
    let pods: Vec<&viz::Node> = g.nodes.iter().filter(|n| n.id.starts_with("pod_web_")).collect();
    assert_eq!(pods.len(), 4);
    for pod in pods {
        assert_eq!(
            g.edges.iter().filter(|e| e.to == pod.id && e.label.as_deref() == Some("owns")).count(),
            1
        );
    }
}

#[test]
fn the_reconcile_loop_counts_spawned_and_deleted_pods_and_rests_in_maintain() {
    let mut r = runner("16-replicaset.yaml");
    r.run_all();
    let g = graph(r.simulation(), GraphKind::Reconcile, "16-end");
    assert_eq!(g.title, "Reconcile loop of replicaset default/shop");
    let rs = g.node("rs").map(|n| n.sub.join(" ")).unwrap_or_default();
    assert_eq!(rs, "desired 2 · current 2 · ready 2 · available 2");
    let current: Vec<&str> = g.with_class("current").map(|n| n.id.as_str()).collect();
    assert_eq!(current, ["maintain"]);
    let spawned = g.edge("compare", "spawn").and_then(|e| e.count).unwrap_or(0);
    let deleted = g.edge("compare", "delete").and_then(|e| e.count).unwrap_or(0);
    assert!(spawned >= 3, "scaled to 5 and replaced a deleted pod: {spawned}");
    assert!(deleted >= 3, "scaled from 5 to 2: {deleted}");
    assert!(g.edge("compare", "maintain").is_some_and(|e| e.classes.iter().any(|c| c == "taken")));
}

#[test]
fn the_reconcile_loop_spawns_while_pods_are_missing() {
    let mut r = runner("16-replicaset.yaml");
    // Right after the ReplicaSet is applied, before its pods exist.
    while let Some(outcome) = r.run_next() {
        if outcome.action.contains("shop-rs.yaml") {
            break;
        }
    }
    let g = graph(r.simulation(), GraphKind::Reconcile, "16-start");
    let current: Vec<&str> = g.with_class("current").map(|n| n.id.as_str()).collect();
    assert!(current == ["spawn"] || current == ["maintain"], "{current:?}");
}

#[test]
fn init_containers_run_in_order_before_the_app_container() {
    let mut r = runner("10-init-containers.yaml");
    r.run_all();
    let g = graph(r.simulation(), GraphKind::Containers, "10-end");
    let label = |id: &str| g.node(id).map(|n| n.label.clone()).unwrap_or_default();
    assert_eq!(label("init_0"), "init: wait-for-db");
    assert_eq!(label("init_1"), "init: wait-for-cache");
    assert_eq!(label("app_0"), "app: web");
    assert_eq!(g.edge("pod", "init_0").and_then(|e| e.label.clone()).as_deref(), Some("1."));
    assert_eq!(g.edge("init_0", "init_1").and_then(|e| e.label.clone()).as_deref(), Some("2."));
    assert!(g.edge("init_1", "app_0").is_some());
    assert!(g.node("init_0").is_some_and(|n| n.has_class("succeeded")));

    let mut r = runner("11-native-sidecar.yaml");
    r.run_all();
    let g = graph(r.simulation(), GraphKind::Containers, "11-end");
    assert!(g.nodes.iter().any(|n| n.label.starts_with("sidecar: ")), "{:?}", g.nodes);
}

#[test]
fn the_pipeline_shows_how_far_a_pod_got() {
    let mut r = runner("01-first-pod.yaml");
    r.run_all();
    let g = graph(r.simulation(), GraphKind::Pipeline, "01-end");
    let current: Vec<&str> = g.with_class("current").map(|n| n.id.as_str()).collect();
    assert_eq!(current, ["network"], "a Ready pod went all the way");
    assert!(g.node("scheduler").is_some_and(|n| n.sub.iter().any(|l| l.starts_with("→ podlab-worker"))));

    // big-batch asks for more than any node has; look before it is deleted.
    let mut r = runner("24-scheduler-insufficient-resources.yaml");
    viz::play_until(&mut r, SimDuration::parse("10s"));
    let g = graph(r.simulation(), GraphKind::Pipeline, "24-at-10s");
    assert_eq!(g.title, "Pod creation pipeline: default/big-batch");
    let scheduler = g.node("scheduler");
    assert!(scheduler.is_some_and(|n| n.has_class("failed")), "{scheduler:?}");
    assert!(scheduler.is_some_and(|n| n.sub.iter().any(|l| l.contains("nodes are available"))));
    assert!(g.node("kubelet").is_some_and(|n| n.has_class("muted")));
}

#[test]
fn a_failed_node_is_marked_on_the_cluster_map() {
    let mut r = runner("26-node-failure.yaml");
    while let Some(outcome) = r.run_next() {
        if outcome.action == "node fail podlab-worker" {
            break;
        }
    }
    r.simulation_mut().advance(SimDuration::from_secs(60));
    let g = graph(r.simulation(), GraphKind::Cluster, "26-failed");
    let worker = g.node("node_podlab_worker");
    assert!(
        worker.is_some_and(|n| n.has_class("failed") && n.sub.iter().any(|l| l.starts_with("NotReady"))),
        "{worker:?}"
    );
    assert!(g.node("node_podlab_worker2").is_some_and(|n| n.has_class("running")));
    for edge in &g.edges {
        assert!(edge.from.starts_with("node_") || edge.from == "unscheduled");
    }
}

#[test]
fn hpa_and_phase_charts_follow_the_simulation() {
    let mut r = runner("23-horizontal-pod-autoscaler.yaml");
    let mut charts = ChartRecorder::new();
    while r.run_next().is_some() {
        charts.sample(r.simulation());
    }
    let hpa = r
        .simulation()
        .store()
        .list("HorizontalPodAutoscaler", Some("default"))
        .next()
        .map(|o| o.name().to_string());
    let hpa = hpa.unwrap_or_default();
    let chart = charts.hpa_chart("default", &hpa);
    let replicas = chart.series("current replicas").map(|s| s.points.iter().map(|p| p.1).fold(0.0, f64::max));
    assert!(replicas.is_some_and(|r| r > 1.0), "the autoscaler scaled up: {replicas:?}");
    let load = chart.series("load (CPU cores)").map(|s| s.points.iter().map(|p| p.1).fold(0.0, f64::max));
    assert!(load.is_some_and(|l| l > 0.0), "{load:?}");
    let phases = charts.phase_chart();
    assert!(phases.series("Running").is_some_and(|s| s.points.iter().any(|p| p.1 > 0.0)));
}

#[test]
fn odd_selections_and_an_empty_cluster_never_panic() {
    let sim = Simulation::new(podlab::sim::ClusterSpec { nodes: Vec::new() }, 7);
    for selection in [
        None,
        Some(""),
        Some("////"),
        Some("pod//"),
        Some("nosuchkind/x/y"),
        Some("pöd/ü/ß"),
        Some("deployment/default/none"),
    ] {
        for kind in GraphKind::ALL {
            let g = viz::build(&sim, kind, selection);
            let layout = viz::layout(&g);
            assert_eq!(layout.nodes.len(), g.nodes.len());
            assert!(layout.width.is_finite() && layout.height.is_finite());
            let source = mermaid::export(&g);
            assert!(!source.is_empty());
            if selection.is_none() {
                let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mermaid");
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(dir.join(format!("test-empty-{}.mmd", kind.name())), source);
            }
        }
    }
    assert!(
        viz::build(&sim, GraphKind::Lifecycle, None).note.is_some(),
        "an empty cluster says why it is empty"
    );
}

#[test]
fn labels_with_mermaid_syntax_are_escaped() {
    use viz::{Direction, Edge, Flavor, Node, Shape};
    let tricky = r#"say "hi" [x] {y} (z) #1 <b> & a|b; c %% d: e"#;
    for flavor in [Flavor::Flowchart, Flavor::State] {
        let mut g = Graph::new(format!("tricky {tricky}"), Direction::TopBottom);
        g.flavor = flavor;
        g.add(Node::new("start", "").shape(Shape::Circle));
        g.add(Node::new("a", tricky).line(tricky).class("current"));
        g.add(Node::new("b", "end").shape(Shape::Diamond).class("failed"));
        g.connect(Edge::new("start", "a"));
        g.connect(Edge::new("a", "b").label(tricky).count(2));
        let m = mermaid::export(&g);
        // The body after the front matter; the title there is YAML text, not Mermaid syntax.
        let body = m.rsplit("---\n").next().unwrap_or_default();
        assert!(!body.contains("<b>") && !body.contains("\"hi\"") && !body.contains("#1"), "{m}");
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mermaid");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("test-escaping-{flavor:?}.mmd")), m);
    }
}

#[test]
fn a_pods_timeline_shows_its_phase_its_container_restarts_and_the_probe_failures() {
    let mut r = runner("07-liveness-probe.yaml");
    viz::play_until(&mut r, SimDuration::parse("3m"));
    let sim = r.simulation();
    let timeline =
        viz::timeline::pod_timeline(sim, "pod/default/liveness-http").expect("the pod is in the trace");
    let phases: Vec<&str> = timeline.lanes[0].segments.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(phases, ["Pending", "Running"]);
    let web = timeline.lanes.iter().find(|l| l.name == "container web").expect("a lane for the container");
    let runs = web.segments.iter().filter(|s| s.label == "Running").count();
    assert_eq!(runs as i32, restart_count(sim, "liveness-http") + 1, "one Running stretch per start");
    assert!(web.segments.iter().any(|s| s.label.starts_with("Terminated (Completed, exit 0)")), "{web:?}");
    assert!(timeline
        .marks
        .iter()
        .any(|m| m.warning && m.text.starts_with("Unhealthy: Liveness probe failed")));
    assert_eq!(timeline.end, 180.0);
    assert!(web.segments.windows(2).all(|w| w[0].end == w[1].start), "segments tile the lane");
    assert!(viz::timeline::pod_timeline(sim, "pod/default/nope").is_none());
}
