//! The store's lifecycle rules: generated names, graceful pod deletion, garbage collection
//! through ownerReferences, event aggregation and watch events delivered to actors.

use std::cell::RefCell;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use podlab::sim::api::{
    DeleteOptions, DeleteOutcome, EventRecord, Object, Propagation, WatchEvent, WatchEventType,
};
use podlab::sim::{Actor, ClusterSpec, SimDuration, Simulation};

fn pod(name: &str) -> Pod {
    Pod {
        metadata: ObjectMeta { name: Some(name.into()), ..Default::default() },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "c".into(),
                image: Some("nginx".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    }
}

fn replica_set(sim: &mut Simulation) -> Rc<Object> {
    let text = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: c, image: nginx}]\n";
    let rs: ReplicaSet = serde_yaml::from_str(text).unwrap();
    sim.create(Object::from(rs)).unwrap()
}

fn owned_pod(sim: &mut Simulation, owner: &Object, name: &str) {
    let mut p = pod(name);
    p.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: owner.name().into(),
        uid: owner.uid().into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]);
    sim.create(Object::from(p)).unwrap();
}

#[test]
fn generate_name_draws_a_five_character_suffix() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let mut p = pod("");
    p.metadata.generate_name = Some("web-".into());
    let created = sim.create(Object::from(p)).unwrap();
    assert_eq!(created.name().len(), 9);
    assert!(created.name().starts_with("web-"));
    assert_eq!(created.metadata().generation, Some(1));
    assert!(created.metadata().creation_timestamp.is_some());
}

#[test]
fn bound_pods_terminate_gracefully_until_the_kubelet_finishes() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let mut p = pod("web");
    p.spec.as_mut().unwrap().node_name = Some("podlab-worker".into());
    sim.create(Object::from(p)).unwrap();
    let outcome = sim.delete("Pod", "default", "web", DeleteOptions::default()).unwrap();
    let DeleteOutcome::Terminating(pod) = outcome else { panic!("expected Terminating") };
    assert_eq!(pod.metadata().deletion_grace_period_seconds, Some(30));
    assert!(pod.metadata().deletion_timestamp.is_some());
    assert!(sim.delete_pod_finally("default", "web"));
    assert!(sim.store().get("Pod", "default", "web").is_none());
}

#[test]
fn background_deletion_collects_dependents() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let rs = replica_set(&mut sim);
    owned_pod(&mut sim, &rs, "rs-a");
    owned_pod(&mut sim, &rs, "rs-b");
    sim.delete("ReplicaSet", "default", "rs", DeleteOptions::default()).unwrap();
    assert_eq!(sim.store().list("Pod", Some("default")).count(), 0);
}

#[test]
fn orphan_deletion_keeps_dependents_without_owner() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let rs = replica_set(&mut sim);
    owned_pod(&mut sim, &rs, "rs-a");
    let options = DeleteOptions { propagation: Propagation::Orphan, ..Default::default() };
    sim.delete("ReplicaSet", "default", "rs", options).unwrap();
    let pod = sim.store().get("Pod", "default", "rs-a").expect("pod kept");
    assert!(pod.metadata().owner_references.is_none());
    assert!(sim.store().get("ReplicaSet", "default", "rs").is_none());
}

#[test]
fn foreground_deletion_waits_for_dependents() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let rs = replica_set(&mut sim);
    owned_pod(&mut sim, &rs, "rs-a");
    let mut bound = sim.store().get("Pod", "default", "rs-a").unwrap().as_ref().clone();
    bound.as_pod_mut().unwrap().spec.as_mut().unwrap().node_name = Some("podlab-worker".into());
    sim.update(bound).unwrap();
    let options = DeleteOptions { propagation: Propagation::Foreground, ..Default::default() };
    let outcome = sim.delete("ReplicaSet", "default", "rs", options).unwrap();
    assert!(matches!(outcome, DeleteOutcome::Terminating(_)));
    let owner = sim.store().get("ReplicaSet", "default", "rs").unwrap();
    assert_eq!(owner.metadata().finalizers.as_deref(), Some(&["foregroundDeletion".to_string()][..]));
    assert!(sim.delete_pod_finally("default", "rs-a"));
    assert!(sim.store().get("ReplicaSet", "default", "rs").is_none());
}

#[test]
fn repeated_events_are_aggregated() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let created = sim.create(Object::from(pod("web"))).unwrap();
    for _ in 0..3 {
        sim.record_event(EventRecord {
            involved: &created,
            event_type: "Warning",
            reason: "BackOff",
            message: "Back-off restarting failed container c in pod web_default(x)".into(),
            component: "kubelet",
            host: Some("podlab-worker"),
            field_path: Some("spec.containers{c}".into()),
        });
        sim.advance(SimDuration::from_secs(10));
    }
    // The scheduler records its own event for the pod; only the kubelet's BackOff repeats.
    let events: Vec<_> = sim
        .store()
        .list("Event", Some("default"))
        .filter(|e| e.as_event().is_some_and(|e| e.reason.as_deref() == Some("BackOff")))
        .collect();
    assert_eq!(events.len(), 1);
    let event = events[0].as_event().unwrap();
    assert_eq!(event.count, Some(3));
    assert!(events[0].name().starts_with("web."));
    assert_eq!(events[0].name().len(), "web.".len() + 16);
    assert_ne!(event.first_timestamp, event.last_timestamp);
}

#[derive(Clone)]
struct Recorder(Rc<RefCell<Vec<(WatchEventType, String)>>>);

impl Actor for Recorder {
    fn name(&self) -> String {
        "recorder".into()
    }
    fn on_watch(&mut self, _sim: &mut Simulation, event: &WatchEvent) {
        if event.object.kind() == "Pod" {
            self.0.borrow_mut().push((event.event_type, event.object.name().to_string()));
        }
    }
}

#[test]
fn actors_see_watch_events_through_the_queue() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let seen = Rc::new(RefCell::new(Vec::new()));
    sim.add_actor(Box::new(Recorder(seen.clone())));
    sim.create(Object::from(pod("web"))).unwrap();
    assert!(seen.borrow().is_empty(), "delivered only when the queue runs");
    sim.advance(SimDuration::from_millis(1));
    sim.delete("Pod", "default", "web", DeleteOptions::default()).unwrap();
    sim.advance(SimDuration::from_millis(1));
    assert_eq!(
        *seen.borrow(),
        vec![(WatchEventType::Added, "web".to_string()), (WatchEventType::Deleted, "web".to_string())]
    );
}

#[test]
fn the_cluster_starts_like_kind() {
    let sim = Simulation::new(ClusterSpec::default(), 1);
    let store = sim.store();
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        assert!(store.get("Namespace", "", ns).is_some(), "{ns}");
        assert!(store.get("ServiceAccount", ns, "default").is_some(), "{ns}");
    }
    let node = store.get("Node", "", "podlab-worker2").unwrap().to_json();
    assert_eq!(node["spec"]["podCIDR"], "10.244.2.0/24");
    assert_eq!(node["status"]["addresses"][0]["address"], "172.18.0.4");
    assert_eq!(node["status"]["nodeInfo"]["kubeletVersion"], "v1.36.0");
    assert_eq!(node["metadata"]["labels"]["kubernetes.io/hostname"], "podlab-worker2");
    let svc = store.get("Service", "default", "kubernetes").unwrap().to_json();
    assert_eq!(svc["spec"]["clusterIP"], "10.96.0.1");
    assert!(store.get("Service", "kube-system", "kube-dns").is_some());
    let sc = store.get("StorageClass", "", "standard").unwrap().to_json();
    assert_eq!(sc["volumeBindingMode"], "WaitForFirstConsumer");
}

#[test]
fn the_same_seed_and_inputs_give_the_same_trace() {
    let run = |seed: u64| {
        let mut sim = Simulation::new(ClusterSpec::default(), seed);
        let mut p = pod("");
        p.metadata.generate_name = Some("web-".into());
        sim.create(Object::from(p)).unwrap();
        sim.advance(SimDuration::from_secs(30));
        (
            sim.trace().hash(),
            sim.store().list("Pod", Some("default")).map(|p| p.name().to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).1, run(8).1);
}
