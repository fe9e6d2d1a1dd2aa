//! The DaemonSet controller against a fake kubelet.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, wait};
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use podlab::sim::api::Object;
use podlab::sim::Simulation;

const AGENT: &str = "
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      containers: [{name: agent, image: 'busybox:1.36'}]
";

/// `(node, pod)` of every live DaemonSet pod, by node.
fn placement(sim: &Simulation) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = sim
        .store()
        .list("Pod", Some("default"))
        .filter(|p| p.name().starts_with("node-agent-") && p.metadata().deletion_timestamp.is_none())
        .map(|p| {
            (
                p.as_pod().unwrap().spec.as_ref().unwrap().node_name.clone().unwrap_or_default(),
                p.name().to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

fn status(sim: &Simulation) -> (i32, i32, i32, i32, i32) {
    let s = sim
        .store()
        .get("DaemonSet", "default", "node-agent")
        .unwrap()
        .as_daemon_set()
        .unwrap()
        .status
        .clone()
        .unwrap();
    (
        s.desired_number_scheduled,
        s.current_number_scheduled,
        s.number_ready,
        s.updated_number_scheduled.unwrap_or(0),
        s.number_available.unwrap_or(0),
    )
}

#[test]
fn one_pod_runs_on_each_worker_but_not_on_the_tainted_control_plane() {
    let mut sim = cluster();
    apply(&mut sim, AGENT);
    wait(&mut sim, 5);
    let nodes: Vec<String> = placement(&sim).into_iter().map(|(n, _)| n).collect();
    assert_eq!(nodes, ["podlab-worker", "podlab-worker2", "podlab-worker3"]);
    assert_eq!(status(&sim), (3, 3, 3, 3, 3));
    let pod = sim.store().get("Pod", "default", &placement(&sim)[0].1).unwrap();
    let tolerations = pod.as_pod().unwrap().spec.as_ref().unwrap().tolerations.clone().unwrap();
    assert!(tolerations.iter().any(|t| t.key.as_deref() == Some("node.kubernetes.io/unreachable")
        && t.effect.as_deref() == Some("NoExecute")
        && t.toleration_seconds.is_none()));
    assert_eq!(
        events_for(&sim, "node-agent")
            .iter()
            .filter(|(r, m)| r == "SuccessfulCreate" && m.starts_with("Created pod: node-agent-"))
            .count(),
        3
    );
}

#[test]
fn the_daemon_set_follows_nodes_that_join_and_leave() {
    let mut sim = cluster();
    apply(&mut sim, AGENT);
    wait(&mut sim, 5);
    let node = Node {
        metadata: ObjectMeta {
            name: Some("podlab-worker4".into()),
            labels: Some([("kubernetes.io/hostname".to_string(), "podlab-worker4".to_string())].into()),
            ..Default::default()
        },
        ..Default::default()
    };
    sim.create(Object::from(node)).unwrap();
    wait(&mut sim, 5);
    assert_eq!(status(&sim), (4, 4, 4, 4, 4));
    assert!(placement(&sim).iter().any(|(n, _)| n == "podlab-worker4"));
    sim.delete("Node", "", "podlab-worker4", Default::default()).unwrap();
    wait(&mut sim, 5);
    assert_eq!(status(&sim).0, 3);
    assert!(!placement(&sim).iter().any(|(n, _)| n == "podlab-worker4"));
}

#[test]
fn a_template_change_rolls_out_one_node_at_a_time() {
    let mut sim = cluster();
    apply(&mut sim, AGENT);
    wait(&mut sim, 5);
    apply(&mut sim, &AGENT.replace("busybox:1.36", "busybox:1.37"));
    // maxUnavailable 1: never more than one node without an available agent.
    for _ in 0..30 {
        wait(&mut sim, 1);
        assert!(status(&sim).4 >= 2, "{:?} at {:?}", status(&sim), sim.time());
    }
    assert_eq!(status(&sim), (3, 3, 3, 3, 3));
    for (_, pod) in placement(&sim) {
        let object = sim.store().get("Pod", "default", &pod).unwrap();
        let image = object.as_pod().unwrap().spec.as_ref().unwrap().containers[0].image.clone();
        assert_eq!(image.as_deref(), Some("busybox:1.37"));
    }
}

#[test]
fn rollout_status_waits_for_every_node() {
    let mut sim = cluster();
    apply(&mut sim, AGENT);
    let out = fake::run(&mut sim, "kubectl rollout status daemonset/node-agent");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.first(),
        Some(
            &"Waiting for daemon set \"node-agent\" rollout to finish: 0 of 3 updated pods are available..."
        ),
        "{out}"
    );
    assert_eq!(lines.last(), Some(&"daemon set \"node-agent\" successfully rolled out"));
}
