//! The ReplicaSet controller against a fake kubelet: creation, adoption, release, surplus
//! deletion, scaling and status.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, live_pods, wait};
use podlab::sim::Simulation;

const SOLO_PODS: &str = "
apiVersion: v1
kind: Pod
metadata: {name: solo-1, labels: {app: shop, tier: frontend}}
spec: {containers: [{name: web, image: 'nginx:1.27'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: solo-2, labels: {app: shop, tier: frontend}}
spec: {containers: [{name: web, image: 'nginx:1.27'}]}
";

const SHOP_RS: &str = "
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: shop}
spec:
  replicas: 3
  selector:
    matchLabels: {app: shop}
    matchExpressions: [{key: tier, operator: In, values: [frontend, edge]}]
  template:
    metadata: {labels: {app: shop, tier: frontend}}
    spec: {containers: [{name: web, image: 'nginx:1.27'}]}
";

fn rs_status(sim: &Simulation) -> (i32, i32, i32, i32) {
    let rs =
        sim.store().get("ReplicaSet", "default", "shop").and_then(|o| o.as_replica_set().cloned()).unwrap();
    let s = rs.status.unwrap_or_default();
    (
        s.replicas,
        s.fully_labeled_replicas.unwrap_or(0),
        s.ready_replicas.unwrap_or(0),
        s.available_replicas.unwrap_or(0),
    )
}

fn owner_of(sim: &Simulation, pod: &str) -> Option<String> {
    let pod = sim.store().get("Pod", "default", pod)?;
    pod.metadata().owner_references.as_ref()?.first().map(|r| r.name.clone())
}

#[test]
fn a_replica_set_creates_its_pods_and_reports_them_ready() {
    let mut sim = cluster();
    apply(&mut sim, SHOP_RS);
    wait(&mut sim, 5);
    let pods = live_pods(&sim, "shop-");
    assert_eq!(pods.len(), 3, "{pods:?}");
    for pod in &pods {
        let suffix = pod.strip_prefix("shop-").unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(suffix.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)), "{pod}");
    }
    assert_eq!(rs_status(&sim), (3, 3, 3, 3));
    let events = events_for(&sim, "shop");
    assert_eq!(
        events.iter().filter(|(r, m)| r == "SuccessfulCreate" && m.starts_with("Created pod: shop-")).count(),
        3
    );
}

#[test]
fn matching_bare_pods_are_adopted_and_only_the_shortfall_is_created() {
    let mut sim = cluster();
    apply(&mut sim, SOLO_PODS);
    wait(&mut sim, 5);
    apply(&mut sim, SHOP_RS);
    wait(&mut sim, 5);
    assert_eq!(owner_of(&sim, "solo-1").as_deref(), Some("shop"));
    assert_eq!(owner_of(&sim, "solo-2").as_deref(), Some("shop"));
    assert_eq!(live_pods(&sim, "shop-").len(), 1);
    assert_eq!(rs_status(&sim).0, 3);
}

#[test]
fn a_deleted_pod_is_replaced_and_a_relabelled_pod_is_released_and_replaced() {
    let mut sim = cluster();
    apply(&mut sim, SOLO_PODS);
    wait(&mut sim, 5);
    apply(&mut sim, SHOP_RS);
    wait(&mut sim, 5);
    sim.delete("Pod", "default", "solo-1", Default::default()).unwrap();
    wait(&mut sim, 10);
    assert_eq!(live_pods(&sim, "shop-").len(), 2);
    assert_eq!(rs_status(&sim), (3, 3, 3, 3));

    let patch = serde_json::json!({"metadata": {"labels": {"app": "debug"}}});
    sim.patch("Pod", "default", "solo-2", &patch, podlab::sim::api::PatchKind::Merge).unwrap();
    wait(&mut sim, 10);
    assert_eq!(owner_of(&sim, "solo-2"), None, "released pods lose their ownerReference");
    assert!(sim.store().get("Pod", "default", "solo-2").is_some(), "released pods keep running");
    assert_eq!(live_pods(&sim, "shop-").len(), 3);
}

#[test]
fn a_surplus_matching_pod_is_deleted_not_ready_first() {
    let mut sim = cluster();
    apply(&mut sim, SHOP_RS);
    wait(&mut sim, 10);
    apply(
        &mut sim,
        "
apiVersion: v1
kind: Pod
metadata: {name: stray, labels: {app: shop, tier: edge}}
spec: {containers: [{name: web, image: 'nginx:1.27'}]}
",
    );
    wait(&mut sim, 10);
    assert!(sim.store().get("Pod", "default", "stray").is_none());
    let events = events_for(&sim, "shop");
    assert!(events.contains(&("SuccessfulDelete".into(), "Deleted pod: stray".into())), "{events:?}");
    assert_eq!(live_pods(&sim, "shop-").len(), 3);
}

#[test]
fn scaling_up_and_down_follows_the_replica_count() {
    let mut sim = cluster();
    apply(&mut sim, SHOP_RS);
    wait(&mut sim, 10);
    let out = fake::run(&mut sim, "kubectl scale rs shop --replicas=5");
    assert_eq!(out, "replicaset.apps/shop scaled\n");
    wait(&mut sim, 10);
    assert_eq!(rs_status(&sim), (5, 5, 5, 5));
    fake::run(&mut sim, "kubectl scale rs shop --replicas=2");
    wait(&mut sim, 10);
    assert_eq!(live_pods(&sim, "shop-").len(), 2);
    assert_eq!(rs_status(&sim).0, 2);
    let deletes = events_for(&sim, "shop").iter().filter(|(r, _)| r == "SuccessfulDelete").count();
    assert_eq!(deletes, 3);
}

#[test]
fn available_replicas_wait_for_min_ready_seconds() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: shop}
spec:
  replicas: 2
  minReadySeconds: 10
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: web, image: 'nginx:1.27'}]}
",
    );
    wait(&mut sim, 5);
    assert_eq!(rs_status(&sim), (2, 2, 2, 0));
    wait(&mut sim, 8);
    assert_eq!(rs_status(&sim), (2, 2, 2, 2));
}

#[test]
fn a_replication_controller_keeps_its_pods_too() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 2
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: web, image: 'nginx:1.27'}]}
",
    );
    wait(&mut sim, 5);
    assert_eq!(live_pods(&sim, "legacy-").len(), 2);
    let rc = sim.store().get("ReplicationController", "default", "legacy").unwrap();
    let status = rc.as_replication_controller().unwrap().status.clone().unwrap();
    assert_eq!((status.replicas, status.ready_replicas), (2, Some(2)));
}
