//! The scheduling queue: activeQ (PrioritySort order), backoffQ (1 s doubling to 10 s per
//! failed attempt) and the unschedulable pods, which move back on cluster events that may make
//! them schedulable or after 5 minutes. Gated pods wait outside all three. Times are SimTime.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod};

use super::plugins::scheduling_gates;
use crate::sim::time::{SimDuration, SimTime};

pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";
/// `podInitialBackoffSeconds`.
pub const INITIAL_BACKOFF: SimDuration = SimDuration::from_secs(1);
/// `podMaxBackoffSeconds`.
pub const MAX_BACKOFF: SimDuration = SimDuration::from_secs(10);
/// `podMaxInUnschedulablePodsDuration`.
pub const MAX_UNSCHEDULABLE_DURATION: SimDuration = SimDuration::from_mins(5);

/// Whether this scheduler owns the pod (`spec.schedulerName`, defaulted to default-scheduler).
pub fn responsible_for(pod: &Pod) -> bool {
    pod.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()).is_none_or(|n| n == DEFAULT_SCHEDULER_NAME)
}

/// A pod waiting in the queue, keyed by `namespace/name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedPod {
    pub key: String,
    pub priority: i32,
    /// When it last entered the queue (PrioritySort's tie-break).
    pub enqueued: SimTime,
    /// When it first entered the queue.
    pub first_enqueued: SimTime,
    /// Failed scheduling attempts so far.
    pub attempts: u32,
    /// When it last became unschedulable.
    pub unschedulable_since: SimTime,
}

impl QueuedPod {
    /// 1 s × 2^(attempts−1), capped at 10 s.
    pub fn backoff(&self) -> SimDuration {
        let mut backoff = INITIAL_BACKOFF;
        for _ in 1..self.attempts {
            backoff = SimDuration::from_millis(backoff.as_millis() * 2);
            if backoff >= MAX_BACKOFF {
                return MAX_BACKOFF;
            }
        }
        backoff
    }

    pub fn backoff_expiry(&self) -> SimTime {
        self.unschedulable_since + self.backoff()
    }
}

/// Cluster changes that can make an unschedulable pod schedulable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterEvent {
    NodeAdded,
    NodeUpdated,
    PodDeleted,
    AssignedPodUpdated,
    PersistentVolumeChanged,
    PersistentVolumeClaimChanged,
    StorageClassChanged,
}

/// Whether a Node update can make a pending pod schedulable (the default plugins' queueing
/// hints): labels, taints, `spec.unschedulable` or allocatable changed. Heartbeats and condition
/// updates alone do not requeue pods.
pub fn node_update_is_relevant(old: &Node, new: &Node) -> bool {
    let spec = |n: &Node| n.spec.as_ref().map(|s| (s.taints.clone(), s.unschedulable));
    let allocatable = |n: &Node| n.status.as_ref().and_then(|s| s.allocatable.clone());
    old.metadata.labels != new.metadata.labels
        || spec(old) != spec(new)
        || allocatable(old) != allocatable(new)
}

/// Where a queued pod currently sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueName {
    Active,
    Backoff,
    Unschedulable,
    Gated,
}

/// Where a pod sits and its key in that queue's ordered map.
#[derive(Clone, Debug)]
struct Slot {
    entry: QueuedPod,
    queue: QueueName,
    /// (−priority, enqueue time) for activeQ; (due time, 0) for backoff/unschedulable.
    order: (i64, SimTime, u64),
}

/// The queues keep ordered indexes so popping and flushing never scan every waiting pod.
#[derive(Clone, Debug, Default)]
pub struct SchedulingQueue {
    pods: BTreeMap<String, Slot>,
    /// (−priority, enqueue time, sequence) → key.
    active: BTreeMap<(i64, SimTime, u64), String>,
    /// (backoff expiry, 0, sequence) → key.
    backoff: BTreeMap<(i64, SimTime, u64), String>,
    /// (unschedulable since + 5 min, 0, sequence) → key.
    unschedulable: BTreeMap<(i64, SimTime, u64), String>,
    sequence: u64,
}

impl SchedulingQueue {
    pub fn new() -> Self {
        SchedulingQueue::default()
    }

    fn index_of(&mut self, queue: QueueName) -> Option<&mut BTreeMap<(i64, SimTime, u64), String>> {
        match queue {
            QueueName::Active => Some(&mut self.active),
            QueueName::Backoff => Some(&mut self.backoff),
            QueueName::Unschedulable => Some(&mut self.unschedulable),
            QueueName::Gated => None,
        }
    }

    /// Takes the pod out of whichever queue holds it.
    fn take(&mut self, key: &str) -> Option<QueuedPod> {
        let slot = self.pods.remove(key)?;
        if let Some(index) = self.index_of(slot.queue) {
            index.remove(&slot.order);
        }
        Some(slot.entry)
    }

    fn place(&mut self, entry: QueuedPod, queue: QueueName, now: SimTime) {
        self.take(&entry.key);
        self.sequence += 1;
        let mut entry = entry;
        let order = match queue {
            QueueName::Active => {
                entry.enqueued = now;
                (-i64::from(entry.priority), now, self.sequence)
            }
            QueueName::Backoff => (0, entry.backoff_expiry(), self.sequence),
            QueueName::Unschedulable => {
                (0, entry.unschedulable_since + MAX_UNSCHEDULABLE_DURATION, self.sequence)
            }
            QueueName::Gated => (0, now, self.sequence),
        };
        let key = entry.key.clone();
        if let Some(index) = self.index_of(queue) {
            index.insert(order, key.clone());
        }
        self.pods.insert(key, Slot { entry, queue, order });
    }

    /// Adds a new pending pod. Returns false (and keeps nothing) for pods another scheduler owns
    /// or that are already bound; gated pods are held until their gates are removed.
    pub fn add(&mut self, key: &str, pod: &Pod, priority: i32, now: SimTime) -> bool {
        let bound = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()).is_some_and(|n| !n.is_empty());
        if !responsible_for(pod) || bound {
            return false;
        }
        if self.pods.contains_key(key) {
            return true;
        }
        let entry = QueuedPod {
            key: key.to_string(),
            priority,
            enqueued: now,
            first_enqueued: now,
            attempts: 0,
            unschedulable_since: now,
        };
        let queue =
            if scheduling_gates::gates(pod).is_empty() { QueueName::Active } else { QueueName::Gated };
        self.place(entry, queue, now);
        true
    }

    /// The pod object changed: a gated pod whose gates are gone becomes active, and an
    /// unschedulable pod gets another chance.
    pub fn update(&mut self, key: &str, pod: &Pod, priority: i32, now: SimTime) {
        let Some(slot) = self.pods.get(key).cloned() else {
            self.add(key, pod, priority, now);
            return;
        };
        let mut entry = slot.entry;
        entry.priority = priority;
        match slot.queue {
            QueueName::Gated if scheduling_gates::gates(pod).is_empty() => {
                self.place(entry, QueueName::Active, now)
            }
            QueueName::Unschedulable => self.move_one(entry, now),
            _ => {}
        }
    }

    /// The pod was deleted or bound by someone else.
    pub fn delete(&mut self, key: &str) {
        self.take(key);
    }

    /// Moves due backoff and long-unschedulable pods to activeQ, then pops the head.
    pub fn pop(&mut self, now: SimTime) -> Option<QueuedPod> {
        self.flush(now);
        let key = self.active.first_key_value().map(|(_, k)| k.clone())?;
        self.take(&key)
    }

    /// Moves pods whose backoff expired to activeQ, and pods unschedulable for 5 minutes on.
    pub fn flush(&mut self, now: SimTime) {
        while let Some(key) =
            self.backoff.first_key_value().filter(|(o, _)| o.1 <= now).map(|(_, k)| k.clone())
        {
            if let Some(entry) = self.take(&key) {
                self.place(entry, QueueName::Active, now);
            }
        }
        while let Some(key) =
            self.unschedulable.first_key_value().filter(|(o, _)| o.1 <= now).map(|(_, k)| k.clone())
        {
            if let Some(entry) = self.take(&key) {
                self.move_one(entry, now);
            }
        }
    }

    fn move_one(&mut self, entry: QueuedPod, now: SimTime) {
        let queue = if entry.backoff_expiry() > now { QueueName::Backoff } else { QueueName::Active };
        self.place(entry, queue, now);
    }

    /// The cycle failed: the pod waits in the unschedulable set until an event or the flush.
    pub fn add_unschedulable(&mut self, mut entry: QueuedPod, now: SimTime) {
        entry.attempts += 1;
        entry.unschedulable_since = now;
        self.place(entry, QueueName::Unschedulable, now);
    }

    /// The cycle hit an error (or the pod was nominated): retry after its backoff.
    pub fn add_backoff(&mut self, mut entry: QueuedPod, now: SimTime) {
        entry.attempts += 1;
        entry.unschedulable_since = now;
        self.place(entry, QueueName::Backoff, now);
    }

    /// A cluster event: every unschedulable pod goes back to activeQ, or to backoffQ while its
    /// backoff lasts.
    pub fn on_cluster_event(&mut self, _event: ClusterEvent, now: SimTime) {
        let waiting: Vec<String> = self.unschedulable.values().cloned().collect();
        for key in waiting {
            if let Some(entry) = self.take(&key) {
                self.move_one(entry, now);
            }
        }
    }

    /// The earliest time a waiting pod becomes poppable without any event, if any.
    pub fn next_wake(&self) -> Option<SimTime> {
        let backoff = self.backoff.keys().next().map(|o| o.1);
        let flush = self.unschedulable.keys().next().map(|o| o.1);
        backoff.into_iter().chain(flush).min()
    }

    pub fn where_is(&self, key: &str) -> Option<QueueName> {
        self.pods.get(key).map(|s| s.queue)
    }

    pub fn len(&self) -> usize {
        self.pods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
    }

    pub fn active_len(&self) -> usize {
        self.active.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodSchedulingGate, PodSpec};

    fn pod(scheduler: Option<&str>) -> Pod {
        Pod {
            spec: Some(PodSpec { scheduler_name: scheduler.map(str::to_string), ..PodSpec::default() }),
            ..Pod::default()
        }
    }

    const T0: SimTime = SimTime(0);

    #[test]
    fn higher_priority_pops_first_then_earlier_enqueue() {
        let mut q = SchedulingQueue::new();
        q.add("default/low", &pod(None), 0, T0);
        q.add("default/high", &pod(None), 100, SimTime(5));
        q.add("default/low2", &pod(None), 0, SimTime(1));
        let order: Vec<String> = std::iter::from_fn(|| q.pop(SimTime(10)).map(|p| p.key)).collect();
        assert_eq!(order, ["default/high", "default/low", "default/low2"]);
    }

    #[test]
    fn other_schedulers_pods_are_never_queued() {
        let mut q = SchedulingQueue::new();
        assert!(!q.add("default/x", &pod(Some("my-scheduler")), 0, T0));
        assert!(q.add("default/y", &pod(Some("default-scheduler")), 0, T0));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn backoff_doubles_to_ten_seconds() {
        let mut entry = QueuedPod {
            key: "k".into(),
            priority: 0,
            enqueued: T0,
            first_enqueued: T0,
            attempts: 1,
            unschedulable_since: T0,
        };
        let mut seen = Vec::new();
        for attempts in 1..=6 {
            entry.attempts = attempts;
            seen.push(entry.backoff().as_secs());
        }
        assert_eq!(seen, [1, 2, 4, 8, 10, 10]);
    }

    #[test]
    fn unschedulable_pods_return_on_events_after_backoff_and_after_five_minutes() {
        let mut q = SchedulingQueue::new();
        q.add("default/p", &pod(None), 0, T0);
        let entry = q.pop(T0).expect("queued");
        q.add_unschedulable(entry, T0);
        assert_eq!(q.pop(SimTime(500)), None);
        // An event during backoff parks it in backoffQ until 1 s after the failure.
        q.on_cluster_event(ClusterEvent::NodeAdded, SimTime(500));
        assert_eq!(q.where_is("default/p"), Some(QueueName::Backoff));
        assert_eq!(q.next_wake(), Some(SimTime(1000)));
        let entry = q.pop(SimTime(1000)).expect("backoff expired");
        // Without events it waits for the 5-minute flush.
        q.add_unschedulable(entry, SimTime(1000));
        assert_eq!(q.pop(SimTime(200_000)), None);
        assert_eq!(q.next_wake(), Some(SimTime(301_000)));
        assert!(q.pop(SimTime(301_000)).is_some());
    }

    #[test]
    fn gated_pods_wait_until_their_gates_are_removed() {
        let mut q = SchedulingQueue::new();
        let mut gated = pod(None);
        if let Some(spec) = gated.spec.as_mut() {
            spec.scheduling_gates = Some(vec![PodSchedulingGate { name: "example.com/foo".into() }]);
        }
        q.add("default/g", &gated, 0, T0);
        assert_eq!(q.where_is("default/g"), Some(QueueName::Gated));
        assert_eq!(q.pop(SimTime(10)), None);
        q.update("default/g", &pod(None), 0, SimTime(20));
        assert_eq!(q.pop(SimTime(20)).map(|p| p.key), Some("default/g".to_string()));
    }

    #[test]
    fn deleted_pods_leave_every_queue() {
        let mut q = SchedulingQueue::new();
        for i in 0..5 {
            q.add(&format!("default/p{i}"), &pod(None), 0, SimTime(i));
        }
        let first = q.pop(SimTime(10)).expect("p0");
        q.add_unschedulable(first, SimTime(10));
        q.delete("default/p0");
        q.delete("default/p3");
        assert_eq!(q.where_is("default/p0"), None);
        assert_eq!(q.next_wake(), None);
        let order: Vec<String> = std::iter::from_fn(|| q.pop(SimTime(20)).map(|p| p.key)).collect();
        assert_eq!(order, ["default/p1", "default/p2", "default/p4"]);
        assert!(q.is_empty());
    }

    #[test]
    fn only_scheduling_relevant_node_updates_requeue() {
        use k8s_openapi::api::core::v1::{NodeCondition, NodeSpec, NodeStatus};
        let node = Node { spec: Some(NodeSpec::default()), ..Node::default() };
        let mut heartbeat = node.clone();
        heartbeat.status = Some(NodeStatus {
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: "True".into(),
                ..Default::default()
            }]),
            ..NodeStatus::default()
        });
        assert!(!node_update_is_relevant(&node, &heartbeat));
        let mut cordoned = node.clone();
        cordoned.spec = Some(NodeSpec { unschedulable: Some(true), ..NodeSpec::default() });
        assert!(node_update_is_relevant(&node, &cordoned));
    }
}
