//! The `default-scheduler` component: drives the scheduling framework in
//! [`crate::sim::scheduler`] from watch events, binds pods through the API and records the
//! `Scheduled` / `FailedScheduling` events.
//!
//! Pending pods enter the [`SchedulingQueue`] when they are seen; a cycle timer pops them one at a
//! time against the [`SchedulerCache`], a snapshot kept up to date from watch events (as
//! kube-scheduler's cache is) with every pod bound so far assumed into it, so every decision sees
//! the pods bound before it without rebuilding the snapshot per cycle.
//! Unschedulable pods wait for a cluster change (a node added or updated, a pod deleted, storage
//! changes) or the 5-minute flush, exactly as kube-scheduler's queue does. The last result per
//! pod is kept so the app can explain the decision node by node.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Pod, PodCondition};

use super::api::{DeleteOptions, EventRecord, Object, Propagation, WatchEvent, WatchEventType};
use super::scheduler::{
    claim_bindings, scheduled_event_message, ClusterEvent, Decision, PodInfo, QueueName, ScheduleResult,
    Scheduler, SchedulerCache, SchedulingQueue, DEFAULT_SCHEDULER_NAME,
};
use super::simulation::{Actor, ActorId, Simulation};
use super::time::{SimDuration, SimTime};

/// Time one scheduling cycle plus the bind call take on a small cluster.
const CYCLE_LATENCY: SimDuration = SimDuration::from_millis(15);

/// How many explanations are kept (the newest per pod).
const MAX_EXPLANATIONS: usize = 1000;
/// How many per-node rows the kept explanations may hold in all: on a large cluster one
/// explanation has a row for each of hundreds of nodes, so fewer are kept.
const MAX_EXPLANATION_ROWS: usize = 50_000;

const TOKEN_CYCLE: u64 = 1;

/// The scheduler component.
#[derive(Clone)]
pub struct DefaultScheduler {
    id: ActorId,
    queue: SchedulingQueue,
    framework: Scheduler,
    /// When a cycle timer is already pending.
    wake_at: Option<SimTime>,
    explanations: Explanations,
    cache: SchedulerCache,
}

/// The newest scheduling result per pod, oldest dropped first past [`MAX_EXPLANATIONS`]
/// results or [`MAX_EXPLANATION_ROWS`] node rows.
#[derive(Clone, Default)]
struct Explanations {
    by_pod: BTreeMap<String, (u64, Rc<ScheduleResult>)>,
    /// Pod keys by the sequence number of their result: the eviction order.
    order: BTreeMap<u64, String>,
    next_seq: u64,
    rows: usize,
}

impl Explanations {
    fn get(&self, key: &str) -> Option<&ScheduleResult> {
        self.by_pod.get(key).map(|(_, r)| r.as_ref())
    }

    fn insert(&mut self, key: String, result: ScheduleResult) {
        self.remove(&key);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.rows += result.nodes.len();
        self.order.insert(seq, key.clone());
        self.by_pod.insert(key, (seq, Rc::new(result)));
        while self.by_pod.len() > MAX_EXPLANATIONS
            || (self.rows > MAX_EXPLANATION_ROWS && self.by_pod.len() > 1)
        {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            self.remove(&oldest);
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some((seq, result)) = self.by_pod.remove(key) {
            self.order.remove(&seq);
            self.rows -= result.nodes.len();
        }
    }
}

impl DefaultScheduler {
    /// Registers the scheduler with `sim` and queues the pods already pending.
    pub fn install(sim: &mut Simulation) -> ActorId {
        let id = sim.next_actor_id();
        let mut scheduler = DefaultScheduler {
            id,
            queue: SchedulingQueue::new(),
            framework: Scheduler::new(),
            wake_at: None,
            explanations: Explanations::default(),
            cache: build_cache(sim),
        };
        let pending: Vec<Pod> = sim.store().list("Pod", None).filter_map(|o| o.as_pod().cloned()).collect();
        for pod in &pending {
            scheduler.enqueue(sim, pod);
        }
        scheduler.arm(sim);
        sim.add_actor(Box::new(scheduler))
    }

    /// The last scheduling result for `namespace/name`, with per-node, per-plugin verdicts.
    pub fn explanation(&self, key: &str) -> Option<&ScheduleResult> {
        self.explanations.get(key)
    }

    fn enqueue(&mut self, sim: &Simulation, pod: &Pod) {
        if pod.metadata.deletion_timestamp.is_some() || is_bound(pod) {
            return;
        }
        let key = pod_key(pod);
        let priority = pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0);
        match self.queue.where_is(&key) {
            // The pod's own status writes (FailedScheduling) must not requeue it; only a change
            // that can release a gated pod matters.
            Some(QueueName::Gated) => self.queue.update(&key, pod, priority, sim.time()),
            Some(_) => {}
            None => {
                self.queue.add(&key, pod, priority, sim.time());
            }
        }
    }

    /// Makes sure a cycle timer is pending for the next moment work is due.
    fn arm(&mut self, sim: &mut Simulation) {
        let due = if self.queue.active_len() > 0 {
            Some(sim.time() + CYCLE_LATENCY)
        } else {
            self.queue.next_wake()
        };
        let Some(due) = due else { return };
        if self.wake_at.is_some_and(|w| w <= due && w >= sim.time()) {
            return;
        }
        self.wake_at = Some(due);
        sim.schedule_timer(self.id, due, TOKEN_CYCLE);
    }

    fn run_cycles(&mut self, sim: &mut Simulation) {
        self.queue.flush(sim.time());
        if self.queue.active_len() == 0 {
            return;
        }
        if self.cache.is_stale() {
            self.cache = build_cache(sim);
        }
        while let Some(entry) = self.queue.pop(sim.time()) {
            let Some((namespace, name)) = entry.key.split_once('/') else { continue };
            // The store's own copy: a cycle reads the pod and never changes it.
            let stored = sim.store().get("Pod", namespace, name).and_then(|o| match &**o {
                Object::Pod(pod) => Some(Rc::clone(pod)),
                _ => None,
            });
            let Some(pod) = stored else { continue };
            if is_bound(&pod) || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let info = PodInfo::shared(Rc::clone(&pod), &self.cache.snapshot().priority_classes);
            let result = self.framework.schedule(&info, self.cache.snapshot(), sim.rng());
            match &result.decision {
                Decision::Scheduled { node } => {
                    let node = node.clone();
                    for binding in claim_bindings(&info, &node, self.cache.snapshot()) {
                        bind_claim(sim, namespace, &binding);
                    }
                    if bind(sim, &pod, &node) {
                        self.cache.assume(&pod, &node);
                    }
                }
                Decision::Unschedulable { message, nominated_node, victims } => {
                    record_unschedulable(sim, &pod, message, nominated_node.as_deref());
                    for victim in victims {
                        preempt(sim, &pod, victim, nominated_node.as_deref().unwrap_or(""));
                    }
                    self.queue.add_unschedulable(entry.clone(), sim.time());
                }
            }
            self.remember(entry.key.clone(), result);
        }
    }

    /// Keeps the cache in step with the store.
    fn update_cache(&mut self, event: &WatchEvent) {
        let deleted = event.event_type == WatchEventType::Deleted;
        let cache = &mut self.cache;
        match &*event.object {
            Object::Pod(pod) if deleted => cache.delete_pod(pod),
            Object::Pod(pod) => cache.set_pod(pod),
            Object::Node(node) if deleted => {
                cache.delete_node(node.metadata.name.as_deref().unwrap_or_default())
            }
            Object::Node(node) => cache.set_node(node),
            Object::PersistentVolumeClaim(claim) if deleted => cache.delete_claim(claim),
            Object::PersistentVolumeClaim(claim) => cache.set_claim(claim),
            Object::PersistentVolume(volume) if deleted => cache.delete_volume(volume),
            Object::PersistentVolume(volume) => cache.set_volume(volume),
            Object::StorageClass(class) if deleted => cache.delete_storage_class(class),
            Object::StorageClass(class) => cache.set_storage_class(class),
            Object::PriorityClass(_) => cache.priority_classes_changed(),
            _ => {}
        }
    }

    fn remember(&mut self, key: String, result: ScheduleResult) {
        self.explanations.insert(key, result);
    }
}

impl Actor for DefaultScheduler {
    fn name(&self) -> String {
        DEFAULT_SCHEDULER_NAME.into()
    }

    fn on_watch(&mut self, sim: &mut Simulation, event: &WatchEvent) {
        self.update_cache(event);
        let now = sim.time();
        match (&*event.object, event.event_type) {
            (Object::Pod(pod), WatchEventType::Deleted) => {
                self.queue.delete(&pod_key(pod));
                if is_bound(pod) {
                    self.queue.on_cluster_event(ClusterEvent::PodDeleted, now);
                }
            }
            (Object::Pod(pod), _) => {
                if is_bound(pod) {
                    self.queue.delete(&pod_key(pod));
                    if pod.metadata.deletion_timestamp.is_some() {
                        self.queue.on_cluster_event(ClusterEvent::AssignedPodUpdated, now);
                    }
                } else if pod.metadata.deletion_timestamp.is_some() {
                    self.queue.delete(&pod_key(pod));
                } else {
                    self.enqueue(sim, pod);
                }
            }
            (Object::Node(_), WatchEventType::Added) => {
                self.queue.on_cluster_event(ClusterEvent::NodeAdded, now)
            }
            (Object::Node(_), WatchEventType::Modified) => {
                self.queue.on_cluster_event(ClusterEvent::NodeUpdated, now)
            }
            (Object::PersistentVolume(_), _) => {
                self.queue.on_cluster_event(ClusterEvent::PersistentVolumeChanged, now)
            }
            (Object::PersistentVolumeClaim(_), _) => {
                self.queue.on_cluster_event(ClusterEvent::PersistentVolumeClaimChanged, now)
            }
            (Object::StorageClass(_), _) => {
                self.queue.on_cluster_event(ClusterEvent::StorageClassChanged, now)
            }
            _ => return,
        }
        self.arm(sim);
    }

    fn on_timer(&mut self, sim: &mut Simulation, _token: u64) {
        if self.wake_at.is_some_and(|w| w <= sim.time()) {
            self.wake_at = None;
        }
        self.run_cycles(sim);
        self.arm(sim);
    }
}

fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or("default"),
        pod.metadata.name.as_deref().unwrap_or_default()
    )
}

fn is_bound(pod: &Pod) -> bool {
    pod.spec.as_ref().and_then(|s| s.node_name.as_deref()).is_some_and(|n| !n.is_empty())
}

fn pod_on(pod: &Pod, node: &str) -> Pod {
    let mut pod = pod.clone();
    if let Some(spec) = pod.spec.as_mut() {
        spec.node_name = Some(node.to_string());
    }
    pod
}

fn build_cache(sim: &Simulation) -> SchedulerCache {
    fn all<T: Clone>(sim: &Simulation, kind: &str, typed: impl Fn(&Object) -> Option<&T>) -> Vec<T> {
        sim.store().list(kind, None).filter_map(|o| typed(o).cloned()).collect()
    }
    SchedulerCache::new(
        &all(sim, "Node", Object::as_node),
        &all(sim, "Pod", Object::as_pod),
        &all(sim, "PersistentVolumeClaim", Object::as_persistent_volume_claim),
        &all(sim, "PersistentVolume", Object::as_persistent_volume),
        &all(sim, "StorageClass", Object::as_storage_class),
        &all(sim, "PriorityClass", Object::as_priority_class),
    )
}

/// Sets the pod's condition of `kind`, keeping its transition time when the status is unchanged.
fn set_condition(pod: &mut Pod, condition: PodCondition) {
    let status = pod.status.get_or_insert_with(Default::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(existing) if existing.status == condition.status => {
            existing.reason = condition.reason;
            existing.message = condition.message;
        }
        Some(existing) => *existing = condition,
        None => conditions.push(condition),
    }
}

/// The binding subresource: sets `spec.nodeName` and `PodScheduled=True`.
fn bind(sim: &mut Simulation, pod: &Pod, node: &str) -> bool {
    let mut bound = pod_on(pod, node);
    let now = super::api::store::timestamp(sim.now_unix());
    set_condition(
        &mut bound,
        PodCondition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_transition_time: Some(now),
            ..Default::default()
        },
    );
    if let Some(status) = bound.status.as_mut() {
        status.nominated_node_name = None;
        status.phase.get_or_insert_with(|| "Pending".into());
    }
    let Ok(stored) = sim.update(Object::from(bound)) else { return false };
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    sim.record_event(EventRecord {
        involved: &stored,
        event_type: "Normal",
        reason: "Scheduled",
        message: scheduled_event_message(namespace, name, node),
        component: DEFAULT_SCHEDULER_NAME,
        host: None,
        field_path: None,
    });
    true
}

fn record_unschedulable(sim: &mut Simulation, pod: &Pod, message: &str, nominated: Option<&str>) {
    let mut pending = pod.clone();
    let now = super::api::store::timestamp(sim.now_unix());
    set_condition(
        &mut pending,
        PodCondition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("Unschedulable".into()),
            message: Some(message.to_string()),
            last_transition_time: Some(now),
            ..Default::default()
        },
    );
    let status = pending.status.get_or_insert_with(Default::default);
    status.phase.get_or_insert_with(|| "Pending".into());
    if let Some(node) = nominated {
        status.nominated_node_name = Some(node.to_string());
    }
    let stored = match sim.update(Object::from(pending)) {
        Ok(stored) => stored,
        Err(_) => Rc::new(Object::from(pod.clone())),
    };
    sim.record_event(EventRecord {
        involved: &stored,
        event_type: "Warning",
        reason: "FailedScheduling",
        message: message.to_string(),
        component: DEFAULT_SCHEDULER_NAME,
        host: None,
        field_path: None,
    });
}

/// Evicts a preemption victim: `DisruptionTarget` condition, `Preempted` event, graceful delete.
fn preempt(sim: &mut Simulation, preemptor: &Pod, victim: &super::scheduler::Victim, node: &str) {
    let Some(mut pod) =
        sim.store().get("Pod", &victim.namespace, &victim.name).and_then(|o| o.as_pod().cloned())
    else {
        return;
    };
    let now = super::api::store::timestamp(sim.now_unix());
    set_condition(
        &mut pod,
        PodCondition {
            type_: "DisruptionTarget".into(),
            status: "True".into(),
            reason: Some("PreemptionByScheduler".into()),
            message: Some(format!(
                "{DEFAULT_SCHEDULER_NAME}: preempting to accommodate a higher priority pod"
            )),
            last_transition_time: Some(now),
            ..Default::default()
        },
    );
    let stored = sim.update(Object::from(pod)).ok();
    if let Some(stored) = stored {
        let uid = preemptor.metadata.uid.as_deref().unwrap_or_default();
        sim.record_event(EventRecord {
            involved: &stored,
            event_type: "Normal",
            reason: "Preempted",
            message: format!("Preempted by pod {uid} on node {node}"),
            component: DEFAULT_SCHEDULER_NAME,
            host: None,
            field_path: None,
        });
    }
    let _ = sim.delete(
        "Pod",
        &victim.namespace,
        &victim.name,
        DeleteOptions { grace_period_seconds: None, propagation: Propagation::Background },
    );
}

/// Carries out VolumeBinding's PreBind for a delayed claim.
fn bind_claim(sim: &mut Simulation, namespace: &str, binding: &super::scheduler::ClaimBinding) {
    use super::scheduler::{ClaimBinding, SELECTED_NODE_ANNOTATION};
    let (claim, patch) = match binding {
        ClaimBinding::Static { claim, volume } => {
            (claim, serde_json::json!({"spec": {"volumeName": volume}}))
        }
        ClaimBinding::Provision { claim, node } => {
            (claim, serde_json::json!({"metadata": {"annotations": {SELECTED_NODE_ANNOTATION: node}}}))
        }
    };
    let _ = sim.patch("PersistentVolumeClaim", namespace, claim, &patch, super::api::PatchKind::Merge);
}
