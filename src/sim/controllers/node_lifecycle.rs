//! The node lifecycle controller (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`)
//! and the taint-eviction controller (`pkg/controller/tainteviction`).
//!
//! Every `node-monitor-period` (5 s) each Node's last sign of life is checked: the Ready
//! condition's heartbeat, its Lease's renewTime, or a renewal counted by the simulation kernel.
//! After `node-monitor-grace-period` (50 s) of silence its conditions become Unknown
//! (`NodeStatusUnknown`), it gets the `unreachable` NoSchedule and NoExecute taints, and its pods
//! Ready=False with a `NodeNotReady` event. The taint-eviction controller deletes pods on
//! NoExecute-tainted nodes when their toleration runs out (300 s by default): the deletion
//! stays pending (Terminating) while no kubelet confirms it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, PodCondition, Taint};

use super::daemon_set::tolerates;
use super::pod_control::normal_event;
use super::{Action, Reconciler};
use crate::sim::api::store::timestamp;
use crate::sim::api::{DeleteOptions, EventRecord, Object, ObjectKey, WatchEvent};
use crate::sim::{SimDuration, Simulation};

/// How often nodes are checked (`--node-monitor-period`).
pub const NODE_MONITOR_PERIOD: SimDuration = SimDuration::from_secs(5);
/// Silence after which a node is unreachable (`--node-monitor-grace-period`, v1.32+).
pub const NODE_MONITOR_GRACE_PERIOD: SimDuration = SimDuration::from_secs(50);
/// The taint of a node whose kubelet stopped reporting.
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
/// The taint of a node whose kubelet reports NotReady.
pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";

/// Node conditions that become NoSchedule taints while True (`nodeConditionToTaintKeyStatusMap`).
const PRESSURE_TAINTS: [(&str, &str); 3] = [
    ("MemoryPressure", "node.kubernetes.io/memory-pressure"),
    ("DiskPressure", "node.kubernetes.io/disk-pressure"),
    ("PIDPressure", "node.kubernetes.io/pid-pressure"),
];

/// The node lifecycle controller.
#[derive(Clone, Debug, Default)]
pub struct NodeLifecycleController {
    /// Per node: the kernel's renewal count last seen, and when it was seen to change.
    renewals: BTreeMap<String, (u64, i64)>,
}

fn ready_condition(node: &Node) -> Option<&k8s_openapi::api::core::v1::NodeCondition> {
    node.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == "Ready")
}

impl NodeLifecycleController {
    /// The latest sign of life of `node`, in Unix seconds.
    fn last_heartbeat(&mut self, sim: &Simulation, node: &Node, name: &str) -> i64 {
        let now = sim.now_unix();
        let heartbeat =
            ready_condition(node).and_then(|c| c.last_heartbeat_time.as_ref()).map_or(0, |t| t.0.as_second());
        let lease = sim
            .store()
            .get("Lease", "kube-node-lease", name)
            .and_then(|o| o.as_lease().cloned())
            .and_then(|l| l.spec?.renew_time)
            .map_or(0, |t| t.0.as_second());
        let counted = match sim.lease_renewals(name) {
            Some(count) => {
                let entry = self.renewals.entry(name.to_string()).or_insert((count, now));
                if entry.0 != count {
                    *entry = (count, now);
                }
                entry.1
            }
            None => 0,
        };
        heartbeat.max(lease).max(counted)
    }

    fn monitor_node_health(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("Node", "", &key.name).cloned() else {
            self.renewals.remove(&key.name);
            return Action::await_change();
        };
        let Some(mut node) = object.as_node().cloned() else { return Action::await_change() };
        let now = sim.now_unix();
        let last = self.last_heartbeat(sim, &node, &key.name);
        let silent = now - last > NODE_MONITOR_GRACE_PERIOD.as_secs() as i64;
        let ready = ready_condition(&node).map(|c| (c.status.clone(), c.reason.clone().unwrap_or_default()));
        let mut changed = false;
        if silent && ready.as_ref().is_some_and(|(s, _)| s != "Unknown") {
            for c in node.status.iter_mut().flat_map(|s| s.conditions.iter_mut().flatten()) {
                c.status = "Unknown".into();
                c.reason = Some("NodeStatusUnknown".into());
                c.message = Some("Kubelet stopped posting node status.".into());
                c.last_transition_time = Some(timestamp(now));
            }
            changed = true;
            normal_event(
                sim,
                &object,
                "NodeNotReady",
                format!("Node {} status is now: NodeNotReady", key.name),
                "node-controller",
            );
            self.mark_pods_not_ready(sim, &key.name);
        } else if !silent && ready.as_ref().is_some_and(|(_, r)| r == "NodeStatusUnknown") {
            // Heard from the node again: its kubelet's status stands again.
            for c in node.status.iter_mut().flat_map(|s| s.conditions.iter_mut().flatten()) {
                let (status, reason, message) = match c.type_.as_str() {
                    "Ready" => ("True", "KubeletReady", "kubelet is posting ready status"),
                    "MemoryPressure" => {
                        ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")
                    }
                    "DiskPressure" => ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    "PIDPressure" => {
                        ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available")
                    }
                    _ => continue,
                };
                c.status = status.into();
                c.reason = Some(reason.into());
                c.message = Some(message.into());
                c.last_transition_time = Some(timestamp(now));
                c.last_heartbeat_time = Some(timestamp(now));
            }
            changed = true;
            normal_event(
                sim,
                &object,
                "NodeReady",
                format!("Node {} status is now: NodeReady", key.name),
                "node-controller",
            );
        }
        // Taints follow the Ready condition.
        let ready_status = ready_condition(&node).map(|c| c.status.clone()).unwrap_or_default();
        let wanted: Option<&str> = match ready_status.as_str() {
            "Unknown" => Some(UNREACHABLE_TAINT),
            "False" => Some(NOT_READY_TAINT),
            _ => None,
        };
        let spec = node.spec.get_or_insert_with(Default::default);
        let mut taints = spec.taints.clone().unwrap_or_default();
        let before = taints.clone();
        taints.retain(|t| {
            (t.key != UNREACHABLE_TAINT && t.key != NOT_READY_TAINT) || Some(t.key.as_str()) == wanted
        });
        if let Some(key) = wanted {
            for effect in ["NoSchedule", "NoExecute"] {
                if !taints.iter().any(|t| t.key == key && t.effect == effect) {
                    taints.push(Taint {
                        key: key.into(),
                        value: None,
                        effect: effect.into(),
                        time_added: (effect == "NoExecute").then(|| timestamp(now)),
                    });
                }
            }
        }
        // TaintNodesByCondition: a pressure condition the kubelet reports True is a NoSchedule
        // taint of the same name, removed once the condition clears.
        let conditions = node.status.as_ref().and_then(|s| s.conditions.clone()).unwrap_or_default();
        for (condition, key) in PRESSURE_TAINTS {
            let pressed = conditions.iter().any(|c| c.type_ == condition && c.status == "True");
            let present = taints.iter().any(|t| t.key == key && t.effect == "NoSchedule");
            if pressed && !present {
                taints.push(Taint {
                    key: key.into(),
                    value: None,
                    effect: "NoSchedule".into(),
                    time_added: None,
                });
            } else if !pressed && present {
                taints.retain(|t| t.key != key);
            }
        }
        if taints != before {
            spec.taints = (!taints.is_empty()).then_some(taints);
            changed = true;
        }
        if changed {
            node.metadata.resource_version = None;
            let _ = sim.update(Object::from(node));
        }
        Action::requeue(NODE_MONITOR_PERIOD)
    }

    /// `MarkPodsNotReady`: every pod on the node gets Ready=False and a `NodeNotReady` event.
    fn mark_pods_not_ready(&self, sim: &mut Simulation, node: &str) {
        let pods: Vec<Object> = sim
            .store()
            .list("Pod", None)
            .filter(|p| {
                p.as_pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.node_name.as_deref()) == Some(node)
            })
            .map(|p| (**p).clone())
            .collect();
        let now = timestamp(sim.now_unix());
        for mut object in pods {
            let Some(pod) = object.as_pod_mut() else { continue };
            let mut changed = false;
            for c in pod.status.iter_mut().flat_map(|s| s.conditions.iter_mut().flatten()) {
                if c.type_ == "Ready" && c.status != "False" {
                    c.status = "False".into();
                    c.last_transition_time = Some(now.clone());
                    changed = true;
                }
            }
            if !changed {
                continue;
            }
            pod.metadata.resource_version = None;
            if let Ok(updated) = sim.update(object) {
                sim.record_event(EventRecord {
                    involved: &updated,
                    event_type: "Warning",
                    reason: "NodeNotReady",
                    message: "Node is not ready".into(),
                    component: "node-controller",
                    host: None,
                    field_path: None,
                });
            }
        }
    }
}

impl Reconciler for NodeLifecycleController {
    fn name(&self) -> &'static str {
        "node-lifecycle-controller"
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        (event.object.kind() == "Node").then(|| ObjectKey::of(&event.object)).into_iter().collect()
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.monitor_node_health(sim, key)
    }
}

/// Deletes pods from nodes with NoExecute taints they do not tolerate (long enough).
#[derive(Clone, Debug, Default)]
pub struct TaintEvictionController;

impl TaintEvictionController {
    fn sync_node(&self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(node) = sim.store().get("Node", "", &key.name).and_then(|o| o.as_node().cloned()) else {
            return Action::await_change();
        };
        let taints: Vec<Taint> = node
            .spec
            .iter()
            .flat_map(|s| s.taints.iter().flatten())
            .filter(|t| t.effect == "NoExecute")
            .cloned()
            .collect();
        if taints.is_empty() {
            return Action::await_change();
        }
        let now = sim.now_unix();
        let pods: Vec<Object> = sim
            .store()
            .list("Pod", None)
            .filter(|p| p.metadata().deletion_timestamp.is_none())
            .filter(|p| {
                p.as_pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.node_name.as_deref())
                    == Some(key.name.as_str())
            })
            .map(|p| (**p).clone())
            .collect();
        let mut action = Action::await_change();
        for object in pods {
            let Some(pod) = object.as_pod() else { continue };
            let tolerations = pod.spec.as_ref().and_then(|s| s.tolerations.clone()).unwrap_or_default();
            // The earliest moment some taint stops being tolerated.
            let mut evict_at: Option<i64> = None;
            for taint in &taints {
                let added = taint.time_added.as_ref().map_or(now, |t| t.0.as_second());
                let matching: Vec<Option<i64>> = tolerations
                    .iter()
                    .filter(|t| tolerates(t, taint))
                    .map(|t| t.toleration_seconds)
                    .collect();
                // Not tolerated: now. A toleration without seconds: never. Otherwise the shortest.
                let at = if matching.is_empty() {
                    Some(now)
                } else if matching.iter().any(Option::is_none) {
                    None
                } else {
                    matching.iter().flatten().min().map(|seconds| added + (*seconds).max(0))
                };
                if let Some(at) = at {
                    evict_at = Some(evict_at.map_or(at, |e| e.min(at)));
                }
            }
            let Some(at) = evict_at else { continue };
            if at > now {
                action = action.sooner(Action::requeue(SimDuration::from_secs((at - now) as u64)));
                continue;
            }
            let namespace = object.namespace().to_string();
            let name = object.name().to_string();
            sim.record_event(EventRecord {
                involved: &object,
                event_type: "Normal",
                reason: "TaintManagerEviction",
                message: format!("Marking for deletion Pod {namespace}/{name}"),
                component: "taint-eviction-controller",
                host: None,
                field_path: None,
            });
            let mut marked = object.clone();
            if let Some(p) = marked.as_pod_mut() {
                let conditions =
                    p.status.get_or_insert_with(Default::default).conditions.get_or_insert_with(Vec::new);
                conditions.retain(|c| c.type_ != "DisruptionTarget");
                conditions.push(PodCondition {
                    type_: "DisruptionTarget".into(),
                    status: "True".into(),
                    reason: Some("DeletionByTaintManager".into()),
                    message: Some("Taint manager: deleting due to NoExecute taint".into()),
                    last_transition_time: Some(timestamp(now)),
                    ..Default::default()
                });
                p.metadata.resource_version = None;
            }
            let _ = sim.update(marked);
            let _ = sim.delete("Pod", &namespace, &name, DeleteOptions::default());
        }
        action
    }
}

impl Reconciler for TaintEvictionController {
    fn name(&self) -> &'static str {
        "taint-eviction-controller"
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "Node" => vec![ObjectKey::of(object)],
            "Pod" => object
                .as_pod()
                .and_then(|p| p.spec.as_ref()?.node_name.clone())
                .map(|n| ObjectKey { kind: "Node".into(), namespace: String::new(), name: n })
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_node(sim, key)
    }
}
