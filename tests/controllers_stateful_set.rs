//! The StatefulSet controller against a fake kubelet (pods Ready 2 s after creation).

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, wait};
use podlab::sim::Simulation;

const WEB: &str = "
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web-sts}}
  template:
    metadata: {labels: {app: web-sts}}
    spec:
      containers: [{name: nginx, image: 'nginx:1.27'}]
  volumeClaimTemplates:
    - metadata: {name: www}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
";

fn pods(sim: &Simulation) -> Vec<String> {
    let mut names: Vec<String> = sim
        .store()
        .list("Pod", Some("default"))
        .filter(|p| p.name().starts_with("web-") && p.metadata().deletion_timestamp.is_none())
        .map(|p| p.name().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn ordered_ready_creates_one_ordinal_at_a_time_with_its_claim() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    wait(&mut sim, 1);
    assert_eq!(pods(&sim), ["web-0"]);
    wait(&mut sim, 2);
    assert_eq!(pods(&sim), ["web-0", "web-1"]);
    wait(&mut sim, 10);
    assert_eq!(pods(&sim), ["web-0", "web-1", "web-2"]);
    let pod = sim.store().get("Pod", "default", "web-1").unwrap().as_pod().cloned().unwrap();
    let spec = pod.spec.unwrap();
    assert_eq!((spec.hostname.as_deref(), spec.subdomain.as_deref()), (Some("web-1"), Some("web")));
    let volume = spec.volumes.unwrap().into_iter().find(|v| v.name == "www").unwrap();
    assert_eq!(volume.persistent_volume_claim.unwrap().claim_name, "www-web-1");
    assert_eq!(pod.metadata.labels.as_ref().unwrap()["statefulset.kubernetes.io/pod-name"], "web-1");
    for claim in ["www-web-0", "www-web-1", "www-web-2"] {
        assert!(sim.store().get("PersistentVolumeClaim", "default", claim).is_some(), "{claim}");
    }
    let events = events_for(&sim, "web");
    assert!(events.contains(&(
        "SuccessfulCreate".into(),
        "create Claim www-web-1 Pod web-1 in StatefulSet web success".into()
    )));
    assert!(events
        .contains(&("SuccessfulCreate".into(), "create Pod web-2 in StatefulSet web successful".into())));
    let status = sim
        .store()
        .get("StatefulSet", "default", "web")
        .unwrap()
        .as_stateful_set()
        .unwrap()
        .status
        .clone()
        .unwrap();
    assert_eq!((status.replicas, status.ready_replicas), (3, Some(3)));
}

#[test]
fn scale_down_removes_the_highest_ordinal_first_and_keeps_the_claims() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    wait(&mut sim, 15);
    apply(&mut sim, &WEB.replace("replicas: 3", "replicas: 1"));
    wait(&mut sim, 0);
    sim.step_until(sim.time());
    assert_eq!(pods(&sim), ["web-0", "web-1"], "web-2 goes first, alone");
    wait(&mut sim, 5);
    assert_eq!(pods(&sim), ["web-0"]);
    assert!(sim.store().get("PersistentVolumeClaim", "default", "www-web-2").is_some());
    assert!(events_for(&sim, "web")
        .contains(&("SuccessfulDelete".into(), "delete Pod web-2 in StatefulSet web successful".into())));
}

#[test]
fn a_deleted_pod_comes_back_with_the_same_name() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    wait(&mut sim, 15);
    let old_uid = sim.store().get("Pod", "default", "web-1").unwrap().uid().to_string();
    sim.delete("Pod", "default", "web-1", Default::default()).unwrap();
    wait(&mut sim, 5);
    let new = sim.store().get("Pod", "default", "web-1").unwrap();
    assert_ne!(new.uid(), old_uid);
}

#[test]
fn a_rolling_update_replaces_pods_from_the_highest_ordinal_down_to_the_partition() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &WEB.replace(
            "  serviceName: web",
            "  serviceName: web\n  updateStrategy:\n    rollingUpdate: {partition: 1}",
        ),
    );
    wait(&mut sim, 15);
    let hash = |sim: &Simulation, name: &str| {
        sim.store()
            .get("Pod", "default", name)
            .map(|p| p.labels().get("controller-revision-hash").cloned().unwrap_or_default())
    };
    let before = hash(&sim, "web-0");
    apply(
        &mut sim,
        &WEB.replace(
            "  serviceName: web",
            "  serviceName: web\n  updateStrategy:\n    rollingUpdate: {partition: 1}",
        )
        .replace("nginx:1.27", "nginx:1.28"),
    );
    wait(&mut sim, 30);
    assert_eq!(hash(&sim, "web-0"), before, "ordinals below the partition keep the old revision");
    assert_ne!(hash(&sim, "web-1"), before);
    assert_ne!(hash(&sim, "web-2"), before);
    let deletes: Vec<String> = events_for(&sim, "web")
        .into_iter()
        .filter(|(r, _)| r == "SuccessfulDelete")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        deletes,
        ["delete Pod web-2 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web successful"]
    );
}

#[test]
fn rollout_status_counts_pods_until_ready() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    let out = fake::run(&mut sim, "kubectl rollout status statefulset/web");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.first(), Some(&"Waiting for 3 pods to be ready..."), "{out}");
    assert!(lines.contains(&"Waiting for 1 pods to be ready..."), "{out}");
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("statefulset rolling update complete 3 pods at revision web-")
            && last.ends_with("..."),
        "{out}"
    );
}
