//! The StatefulSet controller (`pkg/controller/statefulset/stateful_set_control.go`,
//! `stateful_set_utils.go`): pods `<sts>-<ordinal>` with stable hostnames, one PVC per
//! volumeClaimTemplate and ordinal (`<template>-<sts>-<ordinal>`, created before the pod and
//! kept afterwards), OrderedReady (one at a time, lowest first up, highest first down) or
//! Parallel management, and rolling updates from the highest ordinal down to `partition`.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::daemon_set::CONTROLLER_REVISION_HASH;
use super::deployment::compute_hash;
use super::pod_control::{normal_event, warning_event};
use super::{
    controller_of, controller_ref, is_pod_available, is_pod_ready, owner_key, pod_phase, Action, Reconciler,
};
use crate::sim::api::{DeleteOptions, Object, ObjectKey, WatchEvent};
use crate::sim::Simulation;

/// The component name of the controller's events.
pub const COMPONENT: &str = "statefulset-controller";
/// The label naming a StatefulSet pod.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The label carrying a StatefulSet pod's ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// The StatefulSet controller.
#[derive(Clone, Debug, Default)]
pub struct StatefulSetController;

fn ordinal_of(set_name: &str, pod_name: &str) -> Option<i32> {
    pod_name.strip_prefix(set_name)?.strip_prefix('-')?.parse().ok()
}

fn running_and_ready(pod: &Pod) -> bool {
    pod_phase(pod) == "Running" && is_pod_ready(pod) && pod.metadata.deletion_timestamp.is_none()
}

impl StatefulSetController {
    fn sync_stateful_set(&self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("StatefulSet", &key.namespace, &key.name).cloned() else {
            return Action::await_change();
        };
        let Some(set) = object.as_stateful_set().cloned() else { return Action::await_change() };
        if set.metadata.deletion_timestamp.is_some() {
            return Action::await_change();
        }
        let Some(spec) = set.spec.clone() else { return Action::await_change() };
        let revision = format!(
            "{}-{}",
            key.name,
            // Upstream always hashes with a collision count, 0 until a collision happened.
            compute_hash(
                &spec.template,
                Some(set.status.as_ref().and_then(|s| s.collision_count).unwrap_or(0))
            )
        );
        let replicas = spec.replicas.unwrap_or(1);
        let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
        let parallel = spec.pod_management_policy.as_deref() == Some("Parallel");
        let pods: BTreeMap<i32, Pod> = sim
            .store()
            .list("Pod", Some(&key.namespace))
            .filter(|p| controller_of(p).is_some_and(|r| r.uid == object.uid()))
            .filter_map(|p| p.as_pod().cloned())
            .filter_map(|p| {
                ordinal_of(&key.name, p.metadata.name.as_deref().unwrap_or_default()).map(|o| (o, p))
            })
            .collect();
        let wanted = start..start + replicas;

        // Replace failed pods, create missing ones in order.
        let mut halted = false;
        for ordinal in wanted.clone() {
            match pods.get(&ordinal) {
                Some(pod) if pod_phase(pod) == "Failed" && pod.metadata.deletion_timestamp.is_none() => {
                    self.delete(sim, &object, pod);
                    if !parallel {
                        halted = true;
                        break;
                    }
                }
                Some(pod) => {
                    if !parallel && !running_and_ready(pod) {
                        halted = true;
                        break;
                    }
                }
                None => {
                    self.create(sim, &object, &set, ordinal, &revision);
                    if !parallel {
                        halted = true;
                        break;
                    }
                }
            }
        }
        // Scale down: highest ordinal first; OrderedReady one at a time.
        if !halted {
            let mut surplus: Vec<&Pod> =
                pods.iter().filter(|(o, _)| !wanted.contains(o)).map(|(_, p)| p).collect();
            surplus.reverse();
            if !parallel && surplus.iter().any(|p| p.metadata.deletion_timestamp.is_some()) {
                halted = true;
            } else {
                for pod in surplus {
                    if pod.metadata.deletion_timestamp.is_none() {
                        self.delete(sim, &object, pod);
                        if !parallel {
                            halted = true;
                            break;
                        }
                    }
                }
            }
        }
        // Rolling update: highest outdated ordinal at or above the partition, once all are ready.
        let rolling = spec.update_strategy.as_ref().is_none_or(|s| s.type_.as_deref() != Some("OnDelete"));
        let partition = spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0);
        let all_ready = wanted.clone().all(|o| pods.get(&o).is_some_and(running_and_ready));
        if rolling && !halted && all_ready {
            let outdated = wanted.clone().rev().filter(|o| *o >= start + partition).find(|o| {
                pods.get(o).is_some_and(|p| {
                    p.metadata.labels.as_ref().and_then(|l| l.get(CONTROLLER_REVISION_HASH))
                        != Some(&revision)
                })
            });
            if let Some(pod) = outdated.and_then(|o| pods.get(&o)) {
                self.delete(sim, &object, pod);
            }
        }
        self.update_status(sim, &set, &revision)
    }

    fn create(
        &self,
        sim: &mut Simulation,
        object: &Rc<Object>,
        set: &StatefulSet,
        ordinal: i32,
        revision: &str,
    ) {
        let Some(spec) = set.spec.as_ref() else { return };
        let set_name = object.name();
        let pod_name = format!("{set_name}-{ordinal}");
        let mut volumes: Vec<Volume> = Vec::new();
        for template in spec.volume_claim_templates.iter().flatten() {
            let template_name = template.metadata.name.clone().unwrap_or_default();
            let claim = format!("{template_name}-{pod_name}");
            if sim.store().get("PersistentVolumeClaim", object.namespace(), &claim).is_none() {
                let pvc = PersistentVolumeClaim {
                    metadata: ObjectMeta {
                        name: Some(claim.clone()),
                        namespace: Some(object.namespace().into()),
                        labels: spec.selector.match_labels.clone(),
                        ..Default::default()
                    },
                    spec: template.spec.clone(),
                    status: None,
                };
                match sim.create(Object::from(pvc)) {
                    Ok(_) => normal_event(
                        sim,
                        object,
                        "SuccessfulCreate",
                        format!("create Claim {claim} Pod {pod_name} in StatefulSet {set_name} success"),
                        COMPONENT,
                    ),
                    Err(error) => {
                        warning_event(sim, object, "FailedCreate", format!("create Claim {claim} for Pod {pod_name} in StatefulSet {set_name} failed error: {}", error.message()), COMPONENT);
                        return;
                    }
                }
            }
            volumes.push(Volume {
                name: template_name,
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim,
                    read_only: None,
                }),
                ..Default::default()
            });
        }
        let template_meta = spec.template.metadata.clone().unwrap_or_default();
        let mut labels = template_meta.labels.unwrap_or_default();
        labels.insert(POD_NAME_LABEL.into(), pod_name.clone());
        labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
        labels.insert(CONTROLLER_REVISION_HASH.into(), revision.into());
        let mut pod_spec = spec.template.spec.clone().unwrap_or_default();
        pod_spec.hostname = Some(pod_name.clone());
        if !spec.service_name.as_deref().unwrap_or_default().is_empty() {
            pod_spec.subdomain = spec.service_name.clone();
        }
        let mut all_volumes: Vec<Volume> = pod_spec.volumes.take().unwrap_or_default();
        all_volumes.retain(|v| !volumes.iter().any(|c| c.name == v.name));
        all_volumes.extend(volumes);
        pod_spec.volumes = (!all_volumes.is_empty()).then_some(all_volumes);
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some(pod_name.clone()),
                namespace: Some(object.namespace().into()),
                labels: Some(labels),
                annotations: template_meta.annotations,
                owner_references: Some(vec![controller_ref(object)]),
                ..Default::default()
            },
            spec: Some(pod_spec),
            status: None,
        };
        match sim.create(Object::from(pod)) {
            Ok(_) => normal_event(
                sim,
                object,
                "SuccessfulCreate",
                format!("create Pod {pod_name} in StatefulSet {set_name} successful"),
                COMPONENT,
            ),
            Err(error) => warning_event(
                sim,
                object,
                "FailedCreate",
                format!("create Pod {pod_name} in StatefulSet {set_name} failed error: {}", error.message()),
                COMPONENT,
            ),
        }
    }

    fn delete(&self, sim: &mut Simulation, object: &Object, pod: &Pod) {
        let name = pod.metadata.name.clone().unwrap_or_default();
        match sim.delete("Pod", object.namespace(), &name, DeleteOptions::default()) {
            Ok(_) => normal_event(
                sim,
                object,
                "SuccessfulDelete",
                format!("delete Pod {name} in StatefulSet {} successful", object.name()),
                COMPONENT,
            ),
            Err(error) => warning_event(
                sim,
                object,
                "FailedDelete",
                format!(
                    "delete Pod {name} in StatefulSet {} failed error: {}",
                    object.name(),
                    error.message()
                ),
                COMPONENT,
            ),
        }
    }

    fn update_status(&self, sim: &mut Simulation, set: &StatefulSet, revision: &str) -> Action {
        let namespace = set.metadata.namespace.clone().unwrap_or_default();
        let uid = set.metadata.uid.clone().unwrap_or_default();
        let min_ready = set.spec.as_ref().and_then(|s| s.min_ready_seconds).unwrap_or(0);
        let now = sim.now_unix();
        let pods: Vec<Pod> = sim
            .store()
            .list("Pod", Some(&namespace))
            .filter(|p| controller_of(p).is_some_and(|r| r.uid == uid))
            .filter_map(|p| p.as_pod().cloned())
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let count = |f: &dyn Fn(&Pod) -> bool| pods.iter().filter(|p| f(p)).count() as i32;
        let updated = count(&|p| {
            p.metadata.labels.as_ref().and_then(|l| l.get(CONTROLLER_REVISION_HASH)).map(String::as_str)
                == Some(revision)
        });
        let previous = set.status.clone().unwrap_or_default();
        let current_revision = if updated == pods.len() as i32 {
            revision.to_string()
        } else {
            previous.current_revision.clone().unwrap_or_else(|| revision.to_string())
        };
        let current = count(&|p| {
            p.metadata.labels.as_ref().and_then(|l| l.get(CONTROLLER_REVISION_HASH))
                == Some(&current_revision)
        });
        let ready = count(&|p| is_pod_ready(p));
        let available = count(&|p| is_pod_available(p, min_ready, now));
        let status = StatefulSetStatus {
            replicas: pods.len() as i32,
            ready_replicas: Some(ready),
            current_replicas: Some(current),
            updated_replicas: Some(updated),
            available_replicas: Some(available),
            current_revision: Some(current_revision),
            update_revision: Some(revision.into()),
            observed_generation: set.metadata.generation,
            collision_count: Some(previous.collision_count.unwrap_or(0)),
            conditions: previous.conditions.clone(),
        };
        let action = pods
            .iter()
            .filter_map(|p| super::time_until_available(p, min_ready, now))
            .min()
            .map_or(Action::await_change(), Action::requeue);
        if set.status.as_ref() != Some(&status) {
            let mut updated_set = set.clone();
            updated_set.status = Some(status);
            updated_set.metadata.resource_version = None;
            let _ = sim.update(Object::from(updated_set));
        }
        action
    }
}

impl Reconciler for StatefulSetController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "StatefulSet" => vec![ObjectKey::of(object)],
            "Pod" => owner_key(object, "StatefulSet").into_iter().collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_stateful_set(sim, key)
    }
}
