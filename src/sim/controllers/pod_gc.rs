//! The pod garbage collector (`pkg/controller/podgc/gc_controller.go`): pods bound to a node
//! that no longer exists are deleted at once (grace period 0) after a 40 s quarantine, marked
//! with the `DisruptionTarget` condition (reason `DeletionByPodGC`) first.

use k8s_openapi::api::core::v1::PodCondition;

use super::{Action, Reconciler};
use crate::sim::api::store::timestamp;
use crate::sim::api::{DeleteOptions, Object, ObjectKey, WatchEvent, WatchEventType};
use crate::sim::{SimDuration, Simulation};

/// How long a node must stay gone before its pods are collected (`quarantineTime`).
pub const QUARANTINE: SimDuration = SimDuration::from_secs(40);

/// The pod garbage collector.
#[derive(Clone, Debug, Default)]
pub struct PodGcController;

impl Reconciler for PodGcController {
    fn name(&self) -> &'static str {
        "pod-garbage-collector"
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        // A deleted Node: look at its pods after the quarantine (the key names the node).
        if event.object.kind() == "Node" && event.event_type == WatchEventType::Deleted {
            return vec![ObjectKey {
                kind: "Node".into(),
                namespace: String::new(),
                name: event.object.name().into(),
            }];
        }
        Vec::new()
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        if sim.store().get("Node", "", &key.name).is_some() {
            return Action::await_change();
        }
        let orphans: Vec<Object> = sim
            .store()
            .list("Pod", None)
            .filter(|p| {
                p.as_pod().and_then(|p| p.spec.as_ref()?.node_name.as_deref()) == Some(key.name.as_str())
            })
            .map(|p| (**p).clone())
            .collect();
        if orphans.is_empty() {
            return Action::await_change();
        }
        // Still in quarantine: the first look after deletion only schedules the collection.
        let marked_since = orphans
            .iter()
            .filter_map(|p| {
                p.as_pod()?
                    .status
                    .as_ref()?
                    .conditions
                    .as_ref()?
                    .iter()
                    .find(|c| c.type_ == "DisruptionTarget")
                    .cloned()
            })
            .filter_map(|c| c.last_transition_time.map(|t| t.0.as_second()))
            .min();
        let now = sim.now_unix();
        match marked_since {
            Some(since) if now - since >= QUARANTINE.as_secs() as i64 => {
                for pod in orphans {
                    let options = DeleteOptions { grace_period_seconds: Some(0), ..Default::default() };
                    let _ = sim.delete("Pod", pod.namespace(), pod.name(), options);
                }
                Action::await_change()
            }
            Some(since) => {
                Action::requeue(SimDuration::from_secs((since + QUARANTINE.as_secs() as i64 - now) as u64))
            }
            None => {
                for mut pod in orphans {
                    if let Some(p) = pod.as_pod_mut() {
                        let conditions = p
                            .status
                            .get_or_insert_with(Default::default)
                            .conditions
                            .get_or_insert_with(Vec::new);
                        conditions.push(PodCondition {
                            type_: "DisruptionTarget".into(),
                            status: "True".into(),
                            reason: Some("DeletionByPodGC".into()),
                            message: Some("PodGC: node no longer exists".into()),
                            last_transition_time: Some(timestamp(now)),
                            ..Default::default()
                        });
                        p.metadata.resource_version = None;
                    }
                    let _ = sim.update(pod);
                }
                Action::requeue(QUARANTINE)
            }
        }
    }
}
