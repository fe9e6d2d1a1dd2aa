//! The PersistentVolume binder and local-path provisioner against a fake kubelet.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, wait};
use podlab::sim::Simulation;

const CLAIM: &str = "
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: notes}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
";

const POD: &str = "
apiVersion: v1
kind: Pod
metadata: {name: notebook}
spec:
  containers: [{name: app, image: 'busybox:1.36', volumeMounts: [{name: data, mountPath: /data}]}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: notes}}]
";

fn claim_phase(sim: &Simulation) -> String {
    let pvc = sim
        .store()
        .get("PersistentVolumeClaim", "default", "notes")
        .unwrap()
        .as_persistent_volume_claim()
        .cloned()
        .unwrap();
    pvc.status.and_then(|s| s.phase).unwrap_or_default()
}

#[test]
fn wait_for_first_consumer_provisions_a_local_volume_on_the_pods_node() {
    let mut sim = cluster();
    apply(&mut sim, CLAIM);
    wait(&mut sim, 5);
    assert_eq!(claim_phase(&sim), "Pending");
    assert!(events_for(&sim, "notes").contains(&(
        "WaitForFirstConsumer".into(),
        "waiting for first consumer to be created before binding".into()
    )));
    apply(&mut sim, POD);
    wait(&mut sim, 5);
    assert_eq!(claim_phase(&sim), "Bound");
    let pvc = sim.store().get("PersistentVolumeClaim", "default", "notes").unwrap().clone();
    let pv_name = format!("pvc-{}", pvc.uid());
    let claim = pvc.as_persistent_volume_claim().unwrap();
    assert_eq!(claim.spec.as_ref().unwrap().volume_name.as_deref(), Some(pv_name.as_str()));
    assert_eq!(claim.status.as_ref().unwrap().capacity.as_ref().unwrap()["storage"].0, "1Gi");
    let pv =
        sim.store().get("PersistentVolume", "", &pv_name).unwrap().as_persistent_volume().cloned().unwrap();
    let spec = pv.spec.unwrap();
    assert_eq!(spec.persistent_volume_reclaim_policy.as_deref(), Some("Delete"));
    assert_eq!(spec.storage_class_name.as_deref(), Some("standard"));
    assert_eq!(pv.status.unwrap().phase.as_deref(), Some("Bound"));
    let node = sim
        .store()
        .get("Pod", "default", "notebook")
        .unwrap()
        .as_pod()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .node_name
        .clone()
        .unwrap();
    let affinity = spec.node_affinity.unwrap().required.unwrap().node_selector_terms[0]
        .match_expressions
        .clone()
        .unwrap();
    assert_eq!(affinity[0].values.as_deref(), Some(&[node][..]));
    assert!(events_for(&sim, "notes")
        .contains(&("ProvisioningSucceeded".into(), format!("Successfully provisioned volume {pv_name}"))));
    // Deleting the claim deletes a volume whose policy is Delete.
    sim.delete("Pod", "default", "notebook", Default::default()).unwrap();
    wait(&mut sim, 5);
    sim.delete("PersistentVolumeClaim", "default", "notes", Default::default()).unwrap();
    wait(&mut sim, 5);
    assert!(sim.store().get("PersistentVolume", "", &pv_name).is_none());
}

#[test]
fn a_claim_binds_to_the_smallest_fitting_static_volume() {
    let mut sim = cluster();
    let pv = |name: &str, size: &str| {
        format!(
            "
apiVersion: v1
kind: PersistentVolume
metadata: {{name: {name}}}
spec:
  capacity: {{storage: {size}}}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {{path: /mnt/{name}}}
"
        )
    };
    apply(&mut sim, &pv("big", "10Gi"));
    apply(&mut sim, &pv("small", "2Gi"));
    apply(&mut sim, &pv("tiny", "500Mi"));
    apply(&mut sim, &CLAIM.replace("accessModes", "storageClassName: manual\n  accessModes"));
    wait(&mut sim, 2);
    assert_eq!(claim_phase(&sim), "Bound");
    let claim = sim
        .store()
        .get("PersistentVolumeClaim", "default", "notes")
        .unwrap()
        .as_persistent_volume_claim()
        .cloned()
        .unwrap();
    assert_eq!(claim.spec.unwrap().volume_name.as_deref(), Some("small"));
    assert_eq!(
        claim.status.unwrap().capacity.unwrap()["storage"].0,
        "2Gi",
        "the claim shows the volume's capacity"
    );
    sim.delete("PersistentVolumeClaim", "default", "notes", Default::default()).unwrap();
    wait(&mut sim, 2);
    let small =
        sim.store().get("PersistentVolume", "", "small").unwrap().as_persistent_volume().cloned().unwrap();
    assert_eq!(small.status.unwrap().phase.as_deref(), Some("Released"), "Retain keeps a released volume");
}

#[test]
fn a_new_volume_no_claim_has_bound_is_available() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "
apiVersion: v1
kind: PersistentVolume
metadata: {name: spare}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {path: /mnt/spare}
",
    );
    wait(&mut sim, 1);
    let phase = |sim: &Simulation| {
        let pv = sim.store().get("PersistentVolume", "", "spare").unwrap().as_persistent_volume().cloned();
        pv.unwrap().status.and_then(|s| s.phase).unwrap_or_default()
    };
    assert_eq!(phase(&sim), "Available");
    apply(&mut sim, &CLAIM.replace("accessModes", "storageClassName: manual\n  accessModes"));
    wait(&mut sim, 2);
    assert_eq!(phase(&sim), "Bound");
}
