//! The PersistentVolume binder (`pkg/controller/volume/persistentvolume/pv_controller.go`) and
//! kind's local-path provisioner: a Pending claim binds to the smallest Available volume that
//! fits (class, capacity, access modes), or gets a volume `pvc-<uid>` provisioned by its
//! StorageClass — at once for `Immediate`, once a pod using it is scheduled for
//! `WaitForFirstConsumer` (a hostPath volume pinned to that pod's node). Deleting a claim
//! releases its volume, which the reclaim policy then deletes or keeps.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference,
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimStatus, PersistentVolumeSpec,
    PersistentVolumeStatus, VolumeNodeAffinity,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::pod_control::{normal_event, warning_event};
use super::{Action, Reconciler};
use crate::sim::api::quantity::parse_millis;
use crate::sim::api::{DeleteOptions, Object, ObjectKey, WatchEvent, WatchEventType};
use crate::sim::Simulation;

/// The component name of the binder's events.
pub const COMPONENT: &str = "persistentvolume-controller";
/// The provisioner of kind's default StorageClass.
pub const LOCAL_PATH_PROVISIONER: &str = "rancher.io/local-path";

/// The PersistentVolume binder and provisioner.
#[derive(Clone, Debug, Default)]
pub struct PersistentVolumeController;

fn requested_bytes(pvc: &PersistentVolumeClaim) -> i128 {
    pvc.spec
        .as_ref()
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
        .and_then(|q| parse_millis(&q.0))
        .unwrap_or(0)
}

fn pv_bytes(pv: &PersistentVolume) -> i128 {
    pv.spec
        .as_ref()
        .and_then(|s| s.capacity.as_ref())
        .and_then(|c| c.get("storage"))
        .and_then(|q| parse_millis(&q.0))
        .unwrap_or(0)
}

fn claim_reference(pvc: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: pvc.metadata.name.clone(),
        namespace: pvc.metadata.namespace.clone(),
        uid: pvc.metadata.uid.clone(),
        resource_version: pvc.metadata.resource_version.clone(),
        field_path: None,
    }
}

impl PersistentVolumeController {
    fn sync_claim(&self, sim: &mut Simulation, key: &ObjectKey) {
        let Some(object) = sim.store().get("PersistentVolumeClaim", &key.namespace, &key.name).cloned()
        else {
            return;
        };
        let Some(pvc) = object.as_persistent_volume_claim().cloned() else { return };
        if pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound")
            || pvc.metadata.deletion_timestamp.is_some()
        {
            return;
        }
        let spec = pvc.spec.clone().unwrap_or_default();
        let class_name = spec.storage_class_name.clone();
        let wanted_modes = spec.access_modes.clone().unwrap_or_default();
        let request = requested_bytes(&pvc);
        let claim_uid = pvc.metadata.uid.clone();
        // Static binding: the smallest Available volume that fits.
        let candidate =
            sim.store()
                .list("PersistentVolume", None)
                .filter_map(|o| o.as_persistent_volume().cloned())
                .filter(|pv| {
                    let pv_spec = pv.spec.clone().unwrap_or_default();
                    let free = pv_spec.claim_ref.as_ref().is_none_or(|r| {
                        r.uid == claim_uid || (r.uid.is_none() && r.name == pvc.metadata.name)
                    });
                    let named =
                        spec.volume_name.as_deref().is_none_or(|n| pv.metadata.name.as_deref() == Some(n));
                    let same_class = pv_spec.storage_class_name.clone().unwrap_or_default()
                        == class_name.clone().unwrap_or_default();
                    let modes = pv_spec.access_modes.clone().unwrap_or_default();
                    free && named
                        && same_class
                        && pv.metadata.deletion_timestamp.is_none()
                        && pv
                            .status
                            .as_ref()
                            .and_then(|s| s.phase.as_deref())
                            .is_none_or(|p| p == "Available" || p == "Pending")
                        && pv_bytes(pv) >= request
                        && wanted_modes.iter().all(|m| modes.contains(m))
                })
                .min_by(|a, b| pv_bytes(a).cmp(&pv_bytes(b)).then(a.metadata.name.cmp(&b.metadata.name)));
        if let Some(pv) = candidate {
            self.bind(sim, &pvc, pv, false);
            return;
        }
        let class = class_name
            .as_deref()
            .filter(|c| !c.is_empty())
            .and_then(|c| sim.store().get("StorageClass", "", c).and_then(|o| o.as_storage_class().cloned()));
        let Some(class) = class else {
            let message = if class_name.as_deref().is_none_or(str::is_empty) {
                "no persistent volumes available for this claim and no storage class is set".to_string()
            } else {
                format!("storageclass.storage.k8s.io {:?} not found", class_name.unwrap_or_default())
            };
            warning_event(
                sim,
                &object,
                if message.starts_with("no") { "FailedBinding" } else { "ProvisioningFailed" },
                message,
                COMPONENT,
            );
            return;
        };
        let node = if class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer") {
            match self.selected_node(sim, &pvc) {
                Some(node) => Some(node),
                None => {
                    normal_event(
                        sim,
                        &object,
                        "WaitForFirstConsumer",
                        "waiting for first consumer to be created before binding".into(),
                        COMPONENT,
                    );
                    return;
                }
            }
        } else {
            None
        };
        self.provision(sim, &object, &pvc, &class, node);
    }

    /// The node of a scheduled pod that uses the claim (the scheduler's selected node).
    fn selected_node(&self, sim: &Simulation, pvc: &PersistentVolumeClaim) -> Option<String> {
        let name = pvc.metadata.name.as_deref()?;
        sim.store().list("Pod", pvc.metadata.namespace.as_deref()).filter_map(|o| o.as_pod()).find_map(
            |pod| {
                let spec = pod.spec.as_ref()?;
                let uses = spec
                    .volumes
                    .iter()
                    .flatten()
                    .any(|v| v.persistent_volume_claim.as_ref().is_some_and(|c| c.claim_name == name));
                uses.then(|| spec.node_name.clone()).flatten()
            },
        )
    }

    fn provision(
        &self,
        sim: &mut Simulation,
        object: &Object,
        pvc: &PersistentVolumeClaim,
        class: &k8s_openapi::api::storage::v1::StorageClass,
        node: Option<String>,
    ) {
        let claim = format!("{}/{}", object.namespace(), object.name());
        let provisioner = class.provisioner.clone();
        normal_event(
            sim,
            object,
            "ExternalProvisioning",
            format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."),
            COMPONENT,
        );
        let provisioner_component = format!("{provisioner}_local-path-provisioner");
        normal_event(
            sim,
            object,
            "Provisioning",
            format!("External provisioner is provisioning volume for claim {claim:?}"),
            &provisioner_component,
        );
        let name = format!("pvc-{}", object.uid());
        let spec = pvc.spec.clone().unwrap_or_default();
        let storage =
            spec.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get("storage")).cloned();
        let mut annotations =
            BTreeMap::from([("pv.kubernetes.io/provisioned-by".to_string(), provisioner.clone())]);
        if let Some(node) = &node {
            annotations.insert("local.path.provisioner/selected-node".into(), node.clone());
        }
        let pv = PersistentVolume {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                annotations: Some(annotations),
                finalizers: Some(vec!["kubernetes.io/pv-protection".into()]),
                ..Default::default()
            },
            spec: Some(PersistentVolumeSpec {
                access_modes: spec.access_modes.clone(),
                capacity: storage.map(|q| BTreeMap::from([("storage".to_string(), q)])),
                claim_ref: Some(claim_reference(pvc)),
                host_path: Some(HostPathVolumeSource {
                    path: format!(
                        "/var/local-path-provisioner/{name}_{}_{}",
                        object.namespace(),
                        object.name()
                    ),
                    type_: Some("DirectoryOrCreate".into()),
                }),
                node_affinity: node.map(|n| VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: Some(vec![NodeSelectorRequirement {
                                key: "kubernetes.io/hostname".into(),
                                operator: "In".into(),
                                values: Some(vec![n]),
                            }]),
                            match_fields: None,
                        }],
                    }),
                }),
                persistent_volume_reclaim_policy: Some(
                    class.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
                ),
                storage_class_name: class.metadata.name.clone(),
                volume_mode: spec.volume_mode.clone().or_else(|| Some("Filesystem".into())),
                ..Default::default()
            }),
            status: None,
        };
        match sim.create(Object::from(pv)) {
            Ok(created) => {
                normal_event(
                    sim,
                    object,
                    "ProvisioningSucceeded",
                    format!("Successfully provisioned volume {name}"),
                    &provisioner_component,
                );
                if let Some(pv) = created.as_persistent_volume().cloned() {
                    self.bind(sim, pvc, pv, true);
                }
            }
            Err(error) => {
                warning_event(sim, object, "ProvisioningFailed", error.message(), &provisioner_component)
            }
        }
    }

    /// Binds claim and volume both ways.
    fn bind(
        &self,
        sim: &mut Simulation,
        pvc: &PersistentVolumeClaim,
        mut pv: PersistentVolume,
        provisioned: bool,
    ) {
        let pv_name = pv.metadata.name.clone().unwrap_or_default();
        let pv_spec = pv.spec.get_or_insert_with(Default::default);
        pv_spec.claim_ref = Some(claim_reference(pvc));
        let capacity = pv_spec.capacity.clone();
        let modes = pv_spec.access_modes.clone();
        if !provisioned {
            pv.metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
        }
        pv.status = Some(PersistentVolumeStatus {
            phase: Some("Bound".into()),
            ..pv.status.clone().unwrap_or_default()
        });
        pv.metadata.resource_version = None;
        let _ = sim.update(Object::from(pv));
        let mut claim = pvc.clone();
        claim.spec.get_or_insert_with(Default::default).volume_name = Some(pv_name);
        let annotations = claim.metadata.annotations.get_or_insert_with(BTreeMap::new);
        annotations.insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
        annotations.insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
        claim.status = Some(PersistentVolumeClaimStatus {
            phase: Some("Bound".into()),
            capacity,
            access_modes: modes,
            ..claim.status.clone().unwrap_or_default()
        });
        claim.metadata.resource_version = None;
        let _ = sim.update(Object::from(claim));
    }

    /// A claim is gone: its volume is Released, then deleted if its policy says Delete.
    fn release(&self, sim: &mut Simulation, claim: &Object) {
        let volumes: Vec<PersistentVolume> = sim
            .store()
            .list("PersistentVolume", None)
            .filter_map(|o| o.as_persistent_volume().cloned())
            .filter(|pv| {
                pv.spec
                    .as_ref()
                    .and_then(|s| s.claim_ref.as_ref())
                    .is_some_and(|r| r.uid.as_deref() == Some(claim.uid()))
            })
            .collect();
        for mut pv in volumes {
            let name = pv.metadata.name.clone().unwrap_or_default();
            if pv.spec.as_ref().and_then(|s| s.persistent_volume_reclaim_policy.as_deref()) == Some("Delete")
            {
                pv.metadata.finalizers = None;
                pv.metadata.resource_version = None;
                let _ = sim.update(Object::from(pv));
                let _ = sim.delete("PersistentVolume", "", &name, DeleteOptions::default());
            } else {
                pv.status = Some(PersistentVolumeStatus {
                    phase: Some("Released".into()),
                    ..pv.status.clone().unwrap_or_default()
                });
                pv.metadata.resource_version = None;
                let _ = sim.update(Object::from(pv));
            }
        }
    }
}

/// `syncVolume`: a new volume that no claim has bound yet is `Available` (a volume that
/// names its claim in advance too, until that claim binds it).
fn sync_volume(sim: &mut Simulation, key: &ObjectKey) {
    let Some(mut pv) =
        sim.store().get("PersistentVolume", "", &key.name).and_then(|o| o.as_persistent_volume().cloned())
    else {
        return;
    };
    let phase = pv.status.as_ref().and_then(|s| s.phase.as_deref());
    let unbound = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()).is_none_or(|r| r.uid.is_none());
    if pv.metadata.deletion_timestamp.is_some() || phase.is_some_and(|p| p != "Pending") || !unbound {
        return;
    }
    pv.status = Some(PersistentVolumeStatus {
        phase: Some("Available".into()),
        ..pv.status.clone().unwrap_or_default()
    });
    pv.metadata.resource_version = None;
    let _ = sim.update(Object::from(pv));
}

impl Reconciler for PersistentVolumeController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        let pending_claims = || {
            sim.store()
                .list("PersistentVolumeClaim", None)
                .filter(|c| {
                    c.as_persistent_volume_claim()
                        .and_then(|p| p.status.as_ref())
                        .and_then(|s| s.phase.as_deref())
                        != Some("Bound")
                })
                .map(|c| ObjectKey::of(c))
                .collect::<Vec<_>>()
        };
        match object.kind() {
            "PersistentVolumeClaim" if event.event_type == WatchEventType::Deleted => {
                // The claim key with a marker kind: reconcile releases its volume.
                vec![ObjectKey {
                    kind: "ReleasedClaim".into(),
                    namespace: object.namespace().into(),
                    name: object.uid().into(),
                }]
            }
            "PersistentVolumeClaim" => vec![ObjectKey::of(object)],
            "PersistentVolume" if event.event_type == WatchEventType::Deleted => pending_claims(),
            "PersistentVolume" => {
                let mut keys = vec![ObjectKey::of(object)];
                keys.extend(pending_claims());
                keys
            }
            "Pod" => {
                let Some(pod) = object.as_pod() else { return Vec::new() };
                if pod.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none() {
                    return Vec::new();
                }
                pod.spec
                    .iter()
                    .flat_map(|s| s.volumes.iter().flatten())
                    .filter_map(|v| v.persistent_volume_claim.as_ref())
                    .map(|c| ObjectKey {
                        kind: "PersistentVolumeClaim".into(),
                        namespace: object.namespace().into(),
                        name: c.claim_name.clone(),
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        if key.kind == "ReleasedClaim" {
            let stand_in = Object::from(PersistentVolumeClaim {
                metadata: ObjectMeta {
                    uid: Some(key.name.clone()),
                    namespace: Some(key.namespace.clone()),
                    ..Default::default()
                },
                ..Default::default()
            });
            self.release(sim, &stand_in);
        } else if key.kind == "PersistentVolume" {
            sync_volume(sim, key);
        } else {
            self.sync_claim(sim, key);
        }
        Action::await_change()
    }
}
