//! A synthetic scheduling workload for throughput measurements: N identical nodes in three
//! zones and M replicas of one Deployment-like template, scheduled one by one and assumed into
//! the snapshot as the real scheduler cache does. Timing is left to the caller.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, Node, NodeStatus, Pod, PodAffinityTerm, PodAntiAffinity, PodSpec,
    ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};

use super::schedule::Scheduler;
use super::snapshot::ClusterSnapshot;
use crate::sim::rng::SimRng;

/// What a benchmark run placed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BenchStats {
    pub nodes: usize,
    pub pods: usize,
    pub scheduled: usize,
    pub unschedulable: usize,
    pub nodes_used: usize,
    pub min_pods_per_node: usize,
    pub max_pods_per_node: usize,
}

fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
    pairs.iter().map(|(k, v)| (k.to_string(), Quantity(v.to_string()))).collect()
}

/// A worker node with 32 CPU, 128Gi and 110 pods, in one of three zones.
pub fn synthetic_node(index: usize) -> Node {
    let name = format!("node-{index:05}");
    let labels = BTreeMap::from([
        ("kubernetes.io/hostname".to_string(), name.clone()),
        ("kubernetes.io/os".to_string(), "linux".to_string()),
        ("topology.kubernetes.io/zone".to_string(), format!("zone-{}", index % 3)),
    ]);
    let resources = quantities(&[("cpu", "32"), ("memory", "128Gi"), ("pods", "110")]);
    Node {
        metadata: ObjectMeta { name: Some(name), labels: Some(labels), ..ObjectMeta::default() },
        status: Some(NodeStatus {
            capacity: Some(resources.clone()),
            allocatable: Some(resources),
            ..NodeStatus::default()
        }),
        ..Node::default()
    }
}

/// Replica `index` of the `bench` Deployment (100m CPU, 128Mi), optionally with a required
/// anti-affinity to its siblings per hostname.
pub fn synthetic_pod(index: usize, anti_affinity: bool) -> Pod {
    let labels = BTreeMap::from([("app".to_string(), "bench".to_string())]);
    let affinity = anti_affinity.then(|| Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![PodAffinityTerm {
                label_selector: Some(LabelSelector {
                    match_labels: Some(labels.clone()),
                    ..LabelSelector::default()
                }),
                topology_key: "kubernetes.io/hostname".to_string(),
                ..PodAffinityTerm::default()
            }]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    });
    Pod {
        metadata: ObjectMeta {
            name: Some(format!("bench-{index:06}")),
            namespace: Some("default".to_string()),
            uid: Some(format!("uid-{index}")),
            labels: Some(labels),
            owner_references: Some(vec![OwnerReference {
                api_version: "apps/v1".to_string(),
                kind: "ReplicaSet".to_string(),
                name: "bench-5d4f8c7b9".to_string(),
                uid: "rs-uid".to_string(),
                controller: Some(true),
                ..OwnerReference::default()
            }]),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            affinity,
            containers: vec![Container {
                name: "app".to_string(),
                image: Some("nginx:1.27".to_string()),
                resources: Some(ResourceRequirements {
                    requests: Some(quantities(&[("cpu", "100m"), ("memory", "128Mi")])),
                    ..ResourceRequirements::default()
                }),
                ..Container::default()
            }],
            ..PodSpec::default()
        }),
        ..Pod::default()
    }
}

/// Schedules `pods` replicas onto `nodes` synthetic nodes and reports where they went.
pub fn bench_schedule(nodes: usize, pods: usize, anti_affinity: bool, seed: u64) -> BenchStats {
    let node_objects: Vec<Node> = (0..nodes).map(synthetic_node).collect();
    let mut snapshot = ClusterSnapshot::new(&node_objects, &[], &[], &[], &[], &[]);
    let mut scheduler = Scheduler::new();
    scheduler.record = false;
    let mut rng = SimRng::new(seed);
    let mut stats = BenchStats { nodes, pods, ..BenchStats::default() };
    for index in 0..pods {
        let pod = synthetic_pod(index, anti_affinity);
        let result = scheduler.schedule_one(&pod, &snapshot, &mut rng);
        match result.node() {
            Some(node) => {
                let node = node.to_string();
                snapshot.add_pod(&pod, &node);
                stats.scheduled += 1;
            }
            None => stats.unschedulable += 1,
        }
    }
    let counts: Vec<usize> = snapshot.nodes.iter().map(|n| n.pods.len()).collect();
    stats.nodes_used = counts.iter().filter(|c| **c > 0).count();
    stats.min_pods_per_node = counts.iter().copied().min().unwrap_or(0);
    stats.max_pods_per_node = counts.iter().copied().max().unwrap_or(0);
    stats
}
