//! Node-pressure eviction: pods whose memory use adds up past what the node has left make the
//! kubelet report MemoryPressure, taint the node, and evict pods one by one in its ranking
//! order until `memory.available` is back above 100Mi.

mod common;

use common::{apply, kubectl};
use podlab::console::execute;
use podlab::sim::api::Object;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};

fn cluster() -> Simulation {
    Simulation::new(ClusterSpec::default(), 11)
}

/// A pod on podlab-worker whose stress process holds `size` of memory (`3500m` = 3500Mi).
fn hog(name: &str, size: &str, resources: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: podlab-worker\n  containers:\n    - name: {name}\n      image: polinux/stress\n      command: [\"stress\"]\n      args: [\"--vm\", \"1\", \"--vm-bytes\", \"{size}\", \"--vm-hang\", \"1\"]\n{resources}"
    )
}

fn pod(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::Pod {
    match sim.store().get("Pod", "default", name).map(|o| (**o).clone()) {
        Some(Object::Pod(p)) => (*p).clone(),
        other => panic!("pod {name} not found: {other:?}"),
    }
}

fn node(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::Node {
    sim.store().get("Node", "", name).and_then(|o| o.as_node().cloned()).expect("node")
}

fn condition(sim: &Simulation, node_name: &str, kind: &str) -> (String, String) {
    let n = node(sim, node_name);
    let c = n
        .status
        .and_then(|s| s.conditions)
        .and_then(|c| c.into_iter().find(|c| c.type_ == kind))
        .expect("condition");
    (c.status, c.reason.unwrap_or_default())
}

fn has_taint(sim: &Simulation, node_name: &str, key: &str) -> bool {
    node(sim, node_name)
        .spec
        .and_then(|s| s.taints)
        .is_some_and(|t| t.iter().any(|t| t.key == key && t.effect == "NoSchedule"))
}

/// (object name, type, reason, message) of every event.
fn events(sim: &Simulation) -> Vec<(String, String, String, String)> {
    sim.store()
        .list("Event", None)
        .filter_map(|o| o.as_event())
        .map(|e| {
            (
                e.involved_object.name.clone().unwrap_or_default(),
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn row(table: &str, name: &str) -> String {
    table.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_default().to_string()
}

const GUARANTEED: &str =
    "      resources:\n        requests:\n          memory: 2Gi\n        limits:\n          memory: 2Gi\n";
const BURSTABLE: &str = "      resources:\n        requests:\n          memory: 1Gi\n";

/// 3500Mi + 3000Mi + 1500Mi + 150Mi of an 8Gi node, plus each image's program at rest (~1 MiB):
/// 38Mi left, under the 100Mi threshold.
fn crowd(sim: &mut Simulation) {
    apply(sim, &hog("best-effort", "3500m", ""));
    apply(sim, &hog("burstable", "3000m", BURSTABLE));
    apply(sim, &hog("guaranteed", "1500m", GUARANTEED));
    apply(sim, &hog("small", "150m", ""));
}

#[test]
fn memory_pressure_evicts_the_pod_furthest_over_its_request() {
    let mut sim = cluster();
    crowd(&mut sim);
    sim.advance(SimDuration::from_secs(60));

    let p = pod(&sim, "best-effort");
    let status = p.status.clone().unwrap_or_default();
    assert_eq!(status.phase.as_deref(), Some("Failed"));
    assert_eq!(status.reason.as_deref(), Some("Evicted"));
    let message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 38Mi. Container best-effort was using 3501Mi, request is 0, has larger consumption of memory. ";
    assert_eq!(status.message.as_deref(), Some(message));
    let disruption = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "DisruptionTarget")
        .cloned()
        .expect("DisruptionTarget condition");
    assert_eq!(disruption.status, "True");
    assert_eq!(disruption.reason.as_deref(), Some("TerminationByKubelet"));

    let all = events(&sim);
    assert!(
        all.iter().any(|(n, t, r, m)| n == "best-effort" && t == "Warning" && r == "Evicted" && m == message),
        "{all:?}"
    );
    assert!(
        all.iter().any(|(n, t, r, m)| n == "podlab-worker"
            && t == "Warning"
            && r == "EvictionThresholdMet"
            && m == "Attempting to reclaim memory"),
        "{all:?}"
    );
    assert!(all.iter().any(|(n, _, r, m)| n == "podlab-worker"
        && r == "NodeHasInsufficientMemory"
        && m == "Node podlab-worker status is now: NodeHasInsufficientMemory"));

    // One eviction was enough: the others keep running, nothing else was evicted.
    for name in ["burstable", "guaranteed", "small"] {
        assert_eq!(pod(&sim, name).status.and_then(|s| s.phase).as_deref(), Some("Running"), "{name}");
    }
    assert_eq!(all.iter().filter(|(_, _, r, _)| r == "Evicted").count(), 1);

    assert_eq!(
        condition(&sim, "podlab-worker", "MemoryPressure"),
        ("True".to_string(), "KubeletHasInsufficientMemory".to_string())
    );
    assert!(has_taint(&sim, "podlab-worker", "node.kubernetes.io/memory-pressure"));
    assert!(!has_taint(&sim, "podlab-worker2", "node.kubernetes.io/memory-pressure"));

    // The condition outlives the pressure by the transition period (5 min), then clears.
    sim.advance(SimDuration::from_secs(200));
    assert_eq!(condition(&sim, "podlab-worker", "MemoryPressure").0, "True");
    sim.advance(SimDuration::from_secs(150));
    assert_eq!(
        condition(&sim, "podlab-worker", "MemoryPressure"),
        ("False".to_string(), "KubeletHasSufficientMemory".to_string())
    );
    assert!(!has_taint(&sim, "podlab-worker", "node.kubernetes.io/memory-pressure"));
    // The evicted pod stays listed, failed, for its owner or the user to delete.
    assert_eq!(pod(&sim, "best-effort").status.and_then(|s| s.phase).as_deref(), Some("Failed"));
}

#[test]
fn kubectl_shows_the_eviction() {
    let mut sim = cluster();
    crowd(&mut sim);
    // Step until the kubelet has evicted: kubectl shows Evicted while the container stops...
    let mut seen = String::new();
    for _ in 0..120 {
        sim.advance(SimDuration::from_millis(500));
        let table = kubectl(&mut sim, "kubectl get pods");
        if row(&table, "best-effort").contains("Evicted") {
            seen = table;
            break;
        }
    }
    let evicted = row(&seen, "best-effort");
    assert!(evicted.contains("Evicted"), "{seen}");
    assert!(row(&seen, "burstable").contains("Running"), "{seen}");
    let describe = kubectl(&mut sim, "kubectl describe pod best-effort");
    assert!(describe.contains("Status:           Failed"), "{describe}");
    assert!(describe.contains("Reason:           Evicted"), "{describe}");
    assert!(describe.contains("The node was low on resource: memory."), "{describe}");
    // ...and once it stopped, its exit (SIGKILL after the minimum grace period) is the STATUS,
    // as newer kubelets report it; the pod keeps reason Evicted.
    sim.advance(SimDuration::from_secs(5));
    let table = kubectl(&mut sim, "kubectl get pods");
    let stopped = row(&table, "best-effort");
    assert!(stopped.contains("0/1"), "{table}");
    assert_eq!(pod(&sim, "best-effort").status.and_then(|s| s.reason).as_deref(), Some("Evicted"));
    let node = kubectl(&mut sim, "kubectl describe node podlab-worker");
    assert!(node.contains("MemoryPressure"), "{node}");
    assert!(node.contains("node.kubernetes.io/memory-pressure:NoSchedule"), "{node}");
}

#[test]
fn eviction_ranks_use_above_requests_before_quality_of_service() {
    // The burstable pod is 2326Mi over its request, the best-effort one only 800Mi over: the
    // burstable one goes first. The guaranteed pod, within its request, is never chosen.
    let mut sim = cluster();
    apply(&mut sim, &hog("best-effort", "800m", ""));
    apply(&mut sim, &hog("burstable", "3350m", BURSTABLE));
    apply(&mut sim, &hog("guaranteed", "2000m", GUARANTEED));
    apply(&mut sim, &hog("guaranteed2", "2000m", GUARANTEED));
    sim.advance(SimDuration::from_secs(60));
    let reason = |sim: &Simulation, name: &str| pod(sim, name).status.and_then(|s| s.reason);
    assert_eq!(reason(&sim, "burstable").as_deref(), Some("Evicted"));
    for name in ["best-effort", "guaranteed", "guaranteed2"] {
        assert_eq!(reason(&sim, name), None, "{name}");
    }
}

#[test]
fn replacements_avoid_the_pressured_node() {
    let mut sim = cluster();
    crowd(&mut sim);
    sim.advance(SimDuration::from_secs(40));
    assert!(has_taint(&sim, "podlab-worker", "node.kubernetes.io/memory-pressure"));
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
    apply(&mut sim, deployment);
    sim.advance(SimDuration::from_secs(30));
    let web: Vec<_> = sim
        .store()
        .list("Pod", Some("default"))
        .filter_map(|o| o.as_pod().cloned())
        .filter(|p| p.metadata.name.as_deref().is_some_and(|n| n.starts_with("web-")))
        .collect();
    assert_eq!(web.len(), 3);
    for p in web {
        let on = p.spec.and_then(|s| s.node_name).unwrap_or_default();
        assert_ne!(on, "podlab-worker", "the memory-pressure taint keeps new pods away");
    }
}

#[test]
fn a_node_under_memory_pressure_refuses_best_effort_pods() {
    let mut sim = cluster();
    crowd(&mut sim);
    sim.advance(SimDuration::from_secs(40));
    assert_eq!(condition(&sim, "podlab-worker", "MemoryPressure").0, "True");
    // Bound straight to the node (no scheduler, so no taint check): the kubelet itself refuses.
    let bare = |name: &str, resources: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: podlab-worker\n  containers:\n    - name: web\n      image: nginx:1.27\n{resources}"
        )
    };
    apply(&mut sim, &bare("late", ""));
    apply(&mut sim, &bare("late-burstable", "      resources:\n        requests:\n          memory: 64Mi\n"));
    sim.advance(SimDuration::from_secs(10));
    let refused = pod(&sim, "late").status.unwrap_or_default();
    assert_eq!(refused.phase.as_deref(), Some("Failed"));
    assert_eq!(refused.reason.as_deref(), Some("Evicted"));
    assert_eq!(refused.message.as_deref(), Some("The node had condition: [MemoryPressure]. "));
    let table = kubectl(&mut sim, "kubectl get pods");
    assert!(row(&table, "late").contains("Evicted"), "{table}");
    assert!(row(&table, "late-burstable").contains("Running"), "{table}");
}

#[test]
fn load_on_a_workload_can_starve_its_node() {
    let mut sim = cluster();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: cache\n  template:\n    metadata:\n      labels:\n        app: cache\n    spec:\n      containers:\n        - name: cache\n          image: nginx:1.27\n";
    apply(&mut sim, deployment);
    sim.advance(SimDuration::from_secs(30));
    let out = execute(&mut sim, &[], "load set deployment/cache cpu=100m memory=8150Mi");
    assert!(!out.has_errors(), "{}", out.text());
    sim.advance(SimDuration::from_secs(30));
    let pods: Vec<_> = sim.store().list("Pod", Some("default")).filter_map(|o| o.as_pod().cloned()).collect();
    let evicted: Vec<_> = pods
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted"))
        .collect();
    assert!(!evicted.is_empty(), "the loaded pod was evicted");
    let message = evicted[0].status.as_ref().and_then(|s| s.message.clone()).unwrap_or_default();
    assert!(
        // 8150Mi of load plus nginx at rest (3.35 MB): quantities that are not whole Mi print in bytes.
        message.starts_with("The node was low on resource: memory. Threshold quantity: 100Mi, available: 40690192. Container cache was using 8549244400, request is 0"),
        "{message}"
    );
    // Its ReplicaSet replaced it on a node without pressure.
    let replacement = pods
        .iter()
        .find(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Failed"))
        .expect("a replacement pod");
    let from = evicted[0].spec.as_ref().and_then(|s| s.node_name.clone());
    assert_ne!(replacement.spec.as_ref().and_then(|s| s.node_name.clone()), from);
}
