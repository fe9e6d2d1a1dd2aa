//! The scheduling queue: activeQ (PrioritySort order), backoffQ (1 s doubling to 10 s per
//! failed attempt) and the unschedulable pods, which move back on cluster events that may make
//! them schedulable or after 5 minutes. Gated pods wait outside all three. Times are SimTime.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

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

/// Where a queued pod currently sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueName {
    Active,
    Backoff,
    Unschedulable,
    Gated,
}

#[derive(Clone, Debug, Default)]
pub struct SchedulingQueue {
    pods: BTreeMap<String, (QueuedPod, QueueName)>,
    /// (−priority, enqueue time, sequence) → key.
    active: BTreeMap<(i64, SimTime, u64), String>,
    sequence: u64,
}

impl SchedulingQueue {
    pub fn new() -> Self {
        SchedulingQueue::default()
    }

    fn push_active(&mut self, mut entry: QueuedPod, now: SimTime) {
        entry.enqueued = now;
        self.sequence += 1;
        self.active.insert((-i64::from(entry.priority), now, self.sequence), entry.key.clone());
        self.pods.insert(entry.key.clone(), (entry, QueueName::Active));
    }

    fn remove_active(&mut self, key: &str) {
        self.active.retain(|_, k| k != key);
    }

    /// Adds a new pending pod. Returns false (and keeps nothing) for pods another scheduler owns
    /// or that are already bound; gated pods are held until their gates are removed.
    pub fn add(&mut self, key: &str, pod: &Pod, priority: i32, now: SimTime) -> bool {
        if !responsible_for(pod)
            || pod.spec.as_ref().and_then(|s| s.node_name.as_deref()).is_some_and(|n| !n.is_empty())
        {
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
        if scheduling_gates::gates(pod).is_empty() {
            self.push_active(entry, now);
        } else {
            self.pods.insert(key.to_string(), (entry, QueueName::Gated));
        }
        true
    }

    /// The pod object changed: a gated pod whose gates are gone becomes active.
    pub fn update(&mut self, key: &str, pod: &Pod, now: SimTime) {
        let Some((entry, queue)) = self.pods.get(key).cloned() else {
            self.add(key, pod, 0, now);
            return;
        };
        if queue == QueueName::Gated && scheduling_gates::gates(pod).is_empty() {
            self.push_active(entry, now);
        } else if queue == QueueName::Unschedulable {
            // An update to the pod itself may make it schedulable.
            self.move_one(entry, now);
        }
    }

    /// The pod was deleted or bound by someone else.
    pub fn delete(&mut self, key: &str) {
        if self.pods.remove(key).is_some() {
            self.remove_active(key);
        }
    }

    /// Moves due backoff and long-unschedulable pods to activeQ, then pops the head.
    pub fn pop(&mut self, now: SimTime) -> Option<QueuedPod> {
        self.flush(now);
        let (_, key) = self.active.pop_first()?;
        self.pods.remove(&key).map(|(entry, _)| entry)
    }

    /// Moves pods whose backoff expired to activeQ, and pods unschedulable for 5 minutes on.
    pub fn flush(&mut self, now: SimTime) {
        let due: Vec<QueuedPod> = self
            .pods
            .values()
            .filter(|(entry, queue)| match queue {
                QueueName::Backoff => entry.backoff_expiry() <= now,
                QueueName::Unschedulable => entry.unschedulable_since + MAX_UNSCHEDULABLE_DURATION <= now,
                _ => false,
            })
            .map(|(entry, _)| entry.clone())
            .collect();
        for entry in due {
            self.move_one(entry, now);
        }
    }

    fn move_one(&mut self, entry: QueuedPod, now: SimTime) {
        if entry.backoff_expiry() > now {
            self.pods.insert(entry.key.clone(), (entry, QueueName::Backoff));
        } else {
            self.push_active(entry, now);
        }
    }

    /// The cycle failed: the pod waits in the unschedulable set until an event or the flush.
    pub fn add_unschedulable(&mut self, mut entry: QueuedPod, now: SimTime) {
        entry.attempts += 1;
        entry.unschedulable_since = now;
        self.pods.insert(entry.key.clone(), (entry, QueueName::Unschedulable));
    }

    /// The cycle hit an error (or the pod was nominated): retry after its backoff.
    pub fn add_backoff(&mut self, mut entry: QueuedPod, now: SimTime) {
        entry.attempts += 1;
        entry.unschedulable_since = now;
        self.pods.insert(entry.key.clone(), (entry, QueueName::Backoff));
    }

    /// A cluster event: every unschedulable pod goes back to activeQ, or to backoffQ while its
    /// backoff lasts.
    pub fn on_cluster_event(&mut self, _event: ClusterEvent, now: SimTime) {
        let waiting: Vec<QueuedPod> = self
            .pods
            .values()
            .filter(|(_, q)| *q == QueueName::Unschedulable)
            .map(|(e, _)| e.clone())
            .collect();
        for entry in waiting {
            self.move_one(entry, now);
        }
    }

    /// The earliest time a waiting pod becomes poppable without any event, if any.
    pub fn next_wake(&self) -> Option<SimTime> {
        self.pods
            .values()
            .filter_map(|(entry, queue)| match queue {
                QueueName::Backoff => Some(entry.backoff_expiry()),
                QueueName::Unschedulable => Some(entry.unschedulable_since + MAX_UNSCHEDULABLE_DURATION),
                _ => None,
            })
            .min()
    }

    pub fn where_is(&self, key: &str) -> Option<QueueName> {
        self.pods.get(key).map(|(_, q)| *q)
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
        q.update("default/g", &pod(None), SimTime(20));
        assert_eq!(q.pop(SimTime(20)).map(|p| p.key), Some("default/g".to_string()));
    }
}
