//! The node lifecycle and taint-eviction controllers: a node that stops reporting becomes
//! NotReady after 50 s, is tainted unreachable, its pods turn Ready=False, and they are marked
//! for deletion 300 s later and stay Terminating while no kubelet confirms.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{cluster, wait};
use k8s_openapi::api::core::v1::{Node, NodeCondition, NodeStatus, Pod, PodCondition, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use podlab::sim::api::store::timestamp;
use podlab::sim::api::Object;
use podlab::sim::Simulation;

/// A node whose kubelet posted one Ready status now and then went silent.
fn add_silent_node(sim: &mut Simulation, name: &str) {
    let now = timestamp(sim.now_unix());
    let node = Node {
        metadata: ObjectMeta { name: Some(name.into()), ..Default::default() },
        status: Some(NodeStatus {
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: "True".into(),
                reason: Some("KubeletReady".into()),
                message: Some("kubelet is posting ready status".into()),
                last_heartbeat_time: Some(now.clone()),
                last_transition_time: Some(now),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    sim.create(Object::from(node)).unwrap();
}

fn add_running_pod(sim: &mut Simulation, name: &str, node: &str) {
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            node_name: Some(node.into()),
            containers: vec![k8s_openapi::api::core::v1::Container {
                name: "app".into(),
                image: Some("nginx:1.27".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    };
    let created = sim.create(Object::from(pod)).unwrap();
    let mut pod = created.as_pod().cloned().unwrap();
    pod.status = Some(PodStatus {
        phase: Some("Running".into()),
        pod_ip: Some("10.244.9.2".into()),
        conditions: Some(vec![PodCondition {
            type_: "Ready".into(),
            status: "True".into(),
            last_transition_time: Some(timestamp(sim.now_unix())),
            ..Default::default()
        }]),
        ..Default::default()
    });
    pod.metadata.resource_version = None;
    sim.update(Object::from(pod)).unwrap();
}

fn node(sim: &Simulation, name: &str) -> Node {
    sim.store().get("Node", "", name).unwrap().as_node().cloned().unwrap()
}

fn pod_ready(sim: &Simulation, name: &str) -> String {
    let pod = sim.store().get("Pod", "default", name).unwrap().as_pod().cloned().unwrap();
    pod.status.unwrap().conditions.unwrap().into_iter().find(|c| c.type_ == "Ready").unwrap().status
}

#[test]
fn a_silent_node_turns_not_ready_after_the_grace_period_and_its_pods_are_evicted_after_300s() {
    let mut sim = cluster();
    add_silent_node(&mut sim, "podlab-lost");
    add_running_pod(&mut sim, "lonely", "podlab-lost");
    wait(&mut sim, 45);
    let ready = node(&sim, "podlab-lost").status.unwrap().conditions.unwrap()[0].status.clone();
    assert_eq!(ready, "True", "still within the 50 s grace period");
    wait(&mut sim, 10);
    let n = node(&sim, "podlab-lost");
    let condition = n.status.unwrap().conditions.unwrap()[0].clone();
    assert_eq!(
        (condition.status.as_str(), condition.reason.as_deref(), condition.message.as_deref()),
        ("Unknown", Some("NodeStatusUnknown"), Some("Kubelet stopped posting node status."))
    );
    let taints: Vec<(String, String)> =
        n.spec.unwrap().taints.unwrap().into_iter().map(|t| (t.key, t.effect)).collect();
    assert_eq!(
        taints,
        [
            ("node.kubernetes.io/unreachable".to_string(), "NoSchedule".to_string()),
            ("node.kubernetes.io/unreachable".to_string(), "NoExecute".to_string())
        ]
    );
    assert_eq!(pod_ready(&sim, "lonely"), "False");
    assert!(fake::events_for(&sim, "lonely").contains(&("NodeNotReady".into(), "Node is not ready".into())));
    // The pod tolerates unreachable for 300 s (DefaultTolerationSeconds).
    wait(&mut sim, 290);
    assert!(sim.store().get("Pod", "default", "lonely").unwrap().metadata().deletion_timestamp.is_none());
    wait(&mut sim, 15);
    let pod = sim.store().get("Pod", "default", "lonely").expect("stuck Terminating: no kubelet confirms");
    assert!(pod.metadata().deletion_timestamp.is_some());
    assert!(fake::events_for(&sim, "lonely")
        .contains(&("TaintManagerEviction".into(), "Marking for deletion Pod default/lonely".into())));
}

#[test]
fn healthy_nodes_stay_ready() {
    let mut sim = cluster();
    wait(&mut sim, 600);
    for name in ["podlab-control-plane", "podlab-worker", "podlab-worker2", "podlab-worker3"] {
        let n = node(&sim, name);
        let ready = n.status.unwrap().conditions.unwrap().into_iter().find(|c| c.type_ == "Ready").unwrap();
        assert_eq!(ready.status, "True", "{name}");
        assert!(n
            .spec
            .unwrap()
            .taints
            .unwrap_or_default()
            .iter()
            .all(|t| t.key != "node.kubernetes.io/unreachable"));
    }
}

#[test]
fn pods_of_a_deleted_node_are_collected_after_the_quarantine() {
    let mut sim = cluster();
    add_silent_node(&mut sim, "podlab-lost");
    add_running_pod(&mut sim, "lonely", "podlab-lost");
    wait(&mut sim, 5);
    sim.delete("Node", "", "podlab-lost", Default::default()).unwrap();
    wait(&mut sim, 30);
    assert!(sim.store().get("Pod", "default", "lonely").is_some(), "still in quarantine");
    wait(&mut sim, 15);
    assert!(sim.store().get("Pod", "default", "lonely").is_none());
}
