//! The incremental cache must always equal a snapshot built afresh from the same objects.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Container, Node, NodeSpec, NodeStatus, Pod, PodSpec, PodStatus, Taint};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use proptest::prelude::*;

use super::bench::synthetic_pod;
use super::cache::SchedulerCache;
use super::snapshot::ClusterSnapshot;

#[derive(Clone, Debug)]
enum Change {
    SetNode {
        node: usize,
        zone: usize,
        tainted: bool,
        cpu: usize,
    },
    DeleteNode(usize),
    SetPod {
        pod: usize,
        node: Option<usize>,
        nominated: Option<usize>,
        app: usize,
        phase: usize,
        terminating: bool,
    },
    DeletePod(usize),
}

/// Nodes 0..4 exist at times; pods may name node 4, which never does.
fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0..4usize, 0..2usize, any::<bool>(), 1..4usize)
            .prop_map(|(node, zone, tainted, cpu)| Change::SetNode { node, zone, tainted, cpu }),
        (0..4usize).prop_map(Change::DeleteNode),
        (
            0..8usize,
            proptest::option::of(0..5usize),
            proptest::option::of(0..5usize),
            0..3usize,
            0..4usize,
            any::<bool>()
        )
            .prop_map(|(pod, node, nominated, app, phase, terminating)| Change::SetPod {
                pod,
                node,
                nominated,
                app,
                phase,
                terminating
            }),
        (0..8usize).prop_map(Change::DeletePod),
    ]
}

fn node_object(index: usize, zone: usize, tainted: bool, cpu: usize) -> Node {
    let name = format!("node-{index}");
    let resources = BTreeMap::from([
        ("cpu".to_string(), Quantity(cpu.to_string())),
        ("memory".to_string(), Quantity("8Gi".to_string())),
    ]);
    Node {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: Some(BTreeMap::from([
                ("kubernetes.io/hostname".to_string(), name),
                ("topology.kubernetes.io/zone".to_string(), format!("zone-{zone}")),
            ])),
            ..ObjectMeta::default()
        },
        spec: Some(NodeSpec {
            taints: tainted.then(|| {
                vec![Taint { key: "dedicated".into(), effect: "NoSchedule".into(), ..Taint::default() }]
            }),
            ..NodeSpec::default()
        }),
        status: Some(NodeStatus { allocatable: Some(resources), ..NodeStatus::default() }),
    }
}

fn pod_object(
    index: usize,
    node: Option<usize>,
    nominated: Option<usize>,
    app: usize,
    phase: usize,
    terminating: bool,
) -> Pod {
    let mut pod = synthetic_pod(index, app == 2);
    pod.metadata.labels = Some(BTreeMap::from([("app".to_string(), format!("app-{app}"))]));
    if terminating {
        pod.metadata.deletion_timestamp = Some(crate::sim::api::store::timestamp(0));
    }
    let spec = pod.spec.get_or_insert_with(PodSpec::default);
    spec.node_name = node.map(|n| format!("node-{n}"));
    spec.priority_class_name = index.is_multiple_of(2).then(|| "high".to_string());
    if app == 1 {
        spec.containers.push(Container { name: "sidecar".into(), ..Container::default() });
    }
    pod.status = Some(PodStatus {
        phase: Some(["Pending", "Running", "Succeeded", "Failed"][phase].to_string()),
        nominated_node_name: nominated.map(|n| format!("node-{n}")),
        ..PodStatus::default()
    });
    pod
}

fn priority_classes() -> Vec<PriorityClass> {
    vec![PriorityClass {
        metadata: ObjectMeta { name: Some("high".into()), ..ObjectMeta::default() },
        value: Some(1000),
        ..PriorityClass::default()
    }]
}

proptest! {
    #[test]
    fn incremental_cache_equals_a_fresh_snapshot(changes in proptest::collection::vec(change(), 1..60)) {
        let classes = priority_classes();
        let mut nodes: BTreeMap<usize, Node> = BTreeMap::new();
        let mut pods: BTreeMap<usize, Pod> = BTreeMap::new();
        let mut cache = SchedulerCache::new(&[], &[], &[], &[], &[], &classes);
        for change in changes {
            match change {
                Change::SetNode { node, zone, tainted, cpu } => {
                    let object = node_object(node, zone, tainted, cpu);
                    cache.set_node(&object);
                    nodes.insert(node, object);
                }
                Change::DeleteNode(node) => {
                    if nodes.remove(&node).is_some() {
                        cache.delete_node(&format!("node-{node}"));
                    }
                }
                Change::SetPod { pod, node, nominated, app, phase, terminating } => {
                    let object = pod_object(pod, node, nominated, app, phase, terminating);
                    cache.set_pod(&Rc::new(object.clone()));
                    pods.insert(pod, object);
                }
                Change::DeletePod(pod) => {
                    if let Some(object) = pods.remove(&pod) {
                        cache.delete_pod(&object);
                    }
                }
            }
            let node_list: Vec<Node> = nodes.values().cloned().collect();
            // The store lists pods by namespace and name.
            let mut pod_list: Vec<Pod> = pods.values().cloned().collect();
            pod_list.sort_by_key(|p| p.metadata.name.clone());
            let fresh = ClusterSnapshot::new(&node_list, &pod_list, &[], &[], &[], &classes);
            prop_assert_eq!(cache.snapshot().summary(), fresh.summary());
        }
    }
}

#[test]
fn a_pod_bound_to_a_missing_node_counts_once_the_node_appears() {
    let mut cache = SchedulerCache::new(&[], &[], &[], &[], &[], &[]);
    cache.set_pod(&Rc::new(pod_object(1, Some(0), None, 0, 1, false)));
    assert_eq!(cache.snapshot().pod_count(), 0);
    cache.set_node(&node_object(0, 0, false, 2));
    assert_eq!(cache.snapshot().pod_count(), 1);
    cache.delete_node("node-0");
    assert_eq!(cache.snapshot().pod_count(), 0);
    cache.set_node(&node_object(0, 1, false, 2));
    assert_eq!(cache.snapshot().node("node-0").map(|n| n.pods.len()), Some(1));
}
