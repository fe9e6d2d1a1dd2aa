//! The controllers of kube-controller-manager: level-triggered reconcilers keyed by object.
//!
//! Each controller is a [`Reconciler`]: its event handlers ([`Reconciler::keys_for`]) only map a
//! watch event to the keys of the objects that must be looked at again, and
//! [`Reconciler::reconcile`] compares the desired state with what the store holds and writes the
//! difference, without knowing why it was called. [`Controller`] wraps a reconciler into an
//! [`Actor`]: it keeps a de-duplicating [`WorkQueue`] (earliest due time wins, like client-go's
//! delaying queue) and drains it from a timer, so a burst of watch events at one instant leads to
//! one sync per object, after all of them have been seen.
//!
//! Shared upstream helpers live here too: [`Expectations`] (`controller_utils.go`), owner
//! references, and pod readiness/availability (`podutil`).

pub mod cron;
pub mod cron_job;
pub mod cron_job_zone;
pub mod daemon_set;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod hpa;
pub mod hpa_behavior;
pub mod job;
pub mod node_lifecycle;
pub mod persistent_volume;
pub mod pod_control;
pub mod pod_gc;
pub mod replica_set;
pub mod stateful_set;

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::api::{Object, ObjectKey, WatchEvent};
use super::simulation::{Actor, ActorId, Simulation};
use super::time::{SimDuration, SimTime};

/// What a reconcile asks for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing until something changes.
    AwaitChange,
    /// Look again after this long, even if nothing changes (minReadySeconds, deadlines).
    Requeue(SimDuration),
}

impl Action {
    /// Look again after `d`.
    pub fn requeue(d: SimDuration) -> Action {
        Action::Requeue(d)
    }

    /// Wait for the next change.
    pub fn await_change() -> Action {
        Action::AwaitChange
    }

    /// The sooner of two requests.
    pub fn sooner(self, other: Action) -> Action {
        match (self, other) {
            (Action::Requeue(a), Action::Requeue(b)) => Action::Requeue(a.min(b)),
            (Action::Requeue(a), Action::AwaitChange) | (Action::AwaitChange, Action::Requeue(a)) => {
                Action::Requeue(a)
            }
            _ => Action::AwaitChange,
        }
    }
}

/// A controller's logic: event handlers and the sync function.
pub trait Reconciler: Clone + 'static {
    /// The component name events are recorded under (`replicaset-controller`).
    fn name(&self) -> &'static str;

    /// The keys of the objects this watch event concerns (`addPod` → owning ReplicaSet…).
    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey>;

    /// Brings the object at `key` towards its desired state.
    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action;
}

/// Keys waiting to be synced, each once, at the earliest time asked for.
#[derive(Clone, Debug, Default)]
pub struct WorkQueue {
    due: BTreeMap<ObjectKey, SimTime>,
}

impl WorkQueue {
    /// Queues `key` at `at`; a key already queued keeps the earlier time.
    pub fn add_at(&mut self, key: ObjectKey, at: SimTime) {
        let entry = self.due.entry(key).or_insert(at);
        *entry = (*entry).min(at);
    }

    /// Takes every key due at or before `now`, in key order.
    pub fn take_due(&mut self, now: SimTime) -> Vec<ObjectKey> {
        let due: Vec<ObjectKey> =
            self.due.iter().filter(|(_, t)| **t <= now).map(|(k, _)| k.clone()).collect();
        for key in &due {
            self.due.remove(key);
        }
        due
    }

    /// The earliest time anything is due.
    pub fn next_due(&self) -> Option<SimTime> {
        self.due.values().min().copied()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

/// A reconciler running as an actor.
#[derive(Clone)]
pub struct Controller<R: Reconciler> {
    id: ActorId,
    reconciler: R,
    queue: WorkQueue,
    timers: BTreeSet<SimTime>,
}

impl<R: Reconciler> Controller<R> {
    /// Registers `reconciler` with `sim`; it sees every watch event not yet delivered (all of
    /// them when registered while the cluster is built).
    pub fn register(sim: &mut Simulation, reconciler: R) -> ActorId {
        sim.add_actor_with(|id| {
            Box::new(Controller { id, reconciler, queue: WorkQueue::default(), timers: BTreeSet::new() })
        })
    }

    fn enqueue(&mut self, sim: &mut Simulation, key: ObjectKey, at: SimTime) {
        self.queue.add_at(key, at);
        if self.timers.insert(at) {
            sim.schedule_timer(self.id, at, 0);
        }
    }
}

impl<R: Reconciler> Actor for Controller<R> {
    fn name(&self) -> String {
        self.reconciler.name().to_string()
    }

    fn on_watch(&mut self, sim: &mut Simulation, event: &WatchEvent) {
        let now = sim.time();
        for key in self.reconciler.keys_for(sim, event) {
            self.enqueue(sim, key, now);
        }
    }

    fn on_timer(&mut self, sim: &mut Simulation, _token: u64) {
        let now = sim.time();
        self.timers.retain(|t| *t > now);
        for key in self.queue.take_due(now) {
            if let Action::Requeue(after) = self.reconciler.reconcile(sim, &key) {
                let at = sim.time() + after.max(SimDuration::from_millis(1));
                self.enqueue(sim, key, at);
            }
        }
    }
}

/// Starts every controller of kube-controller-manager that the simulation models.
pub fn register_all(sim: &mut Simulation) {
    Controller::register(sim, replica_set::ReplicaSetController::replica_sets());
    Controller::register(sim, replica_set::ReplicaSetController::replication_controllers());
    Controller::register(sim, deployment::DeploymentController);
    Controller::register(sim, endpoints::EndpointsController);
    Controller::register(sim, endpoints::EndpointSliceController);
    Controller::register(sim, job::JobController::default());
    Controller::register(sim, job::TtlAfterFinishedController);
    Controller::register(sim, cron_job::CronJobController);
    Controller::register(sim, daemon_set::DaemonSetController);
    Controller::register(sim, stateful_set::StatefulSetController);
    Controller::register(sim, persistent_volume::PersistentVolumeController);
    Controller::register(sim, node_lifecycle::NodeLifecycleController::default());
    Controller::register(sim, node_lifecycle::TaintEvictionController);
    Controller::register(sim, hpa::HorizontalController::default());
    Controller::register(sim, pod_gc::PodGcController);
    Controller::register(sim, disruption::DisruptionController);
}

/// How long expectations hold before a controller syncs anyway (`ExpectationsTimeout`).
pub const EXPECTATIONS_TIMEOUT: SimDuration = SimDuration::from_secs(300);

/// Creations and deletions a controller has asked for and not yet seen in its watch
/// (`ControllerExpectations`): once set they can only be lowered, and the controller does not
/// manage replicas for that key until they are fulfilled or expire.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    pending: BTreeMap<ObjectKey, Expectation>,
}

#[derive(Clone, Debug)]
struct Expectation {
    adds: i64,
    deletes: BTreeSet<String>,
    set_at: SimTime,
}

impl Expectations {
    /// Expects `count` pods to appear for `key`.
    pub fn expect_creations(&mut self, key: &ObjectKey, count: i64, now: SimTime) {
        self.pending.insert(key.clone(), Expectation { adds: count, deletes: BTreeSet::new(), set_at: now });
    }

    /// Expects the named pods to disappear for `key`.
    pub fn expect_deletions(&mut self, key: &ObjectKey, pods: BTreeSet<String>, now: SimTime) {
        self.pending.insert(key.clone(), Expectation { adds: 0, deletes: pods, set_at: now });
    }

    /// A pod for `key` appeared (or a creation failed and will not).
    pub fn creation_observed(&mut self, key: &ObjectKey) {
        if let Some(e) = self.pending.get_mut(key) {
            e.adds -= 1;
        }
    }

    /// The named pod for `key` is gone (or terminating).
    pub fn deletion_observed(&mut self, key: &ObjectKey, pod: &str) {
        if let Some(e) = self.pending.get_mut(key) {
            e.deletes.remove(pod);
        }
    }

    /// Whether `key` may manage its replicas: nothing pending, or the expectations expired.
    pub fn satisfied(&self, key: &ObjectKey, now: SimTime) -> bool {
        match self.pending.get(key) {
            None => true,
            Some(e) => (e.adds <= 0 && e.deletes.is_empty()) || now.since(e.set_at) > EXPECTATIONS_TIMEOUT,
        }
    }

    /// Forgets `key` (its object was deleted).
    pub fn delete(&mut self, key: &ObjectKey) {
        self.pending.remove(key);
    }
}

/// The ownerReference a controller puts on what it creates.
pub fn controller_ref(owner: &Object) -> OwnerReference {
    OwnerReference {
        api_version: owner.api_version().into(),
        kind: owner.kind().into(),
        name: owner.name().into(),
        uid: owner.uid().into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The controller ownerReference of an object, if any.
pub fn controller_of(object: &Object) -> Option<&OwnerReference> {
    object.metadata().owner_references.as_ref()?.iter().find(|r| r.controller == Some(true))
}

/// The key of the object's controller, when it is of `kind`.
pub fn owner_key(object: &Object, kind: &str) -> Option<ObjectKey> {
    let owner = controller_of(object)?;
    (owner.kind == kind).then(|| ObjectKey {
        kind: kind.into(),
        namespace: object.namespace().into(),
        name: owner.name.clone(),
    })
}

/// The pod's phase (`Pending` when not yet reported).
pub fn pod_phase(pod: &Pod) -> &str {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("Pending")
}

/// Active pods count towards replicas: not finished and not being deleted (`IsPodActive`).
pub fn is_pod_active(pod: &Pod) -> bool {
    let phase = pod_phase(pod);
    phase != "Succeeded" && phase != "Failed" && pod.metadata.deletion_timestamp.is_none()
}

/// Unix seconds since the pod's Ready condition became True, if it is Ready.
pub fn ready_since(pod: &Pod) -> Option<i64> {
    let condition = pod.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == "Ready")?;
    (condition.status == "True")
        .then(|| condition.last_transition_time.as_ref().map_or(0, |t| t.0.as_second()))
}

/// Whether the pod's Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    ready_since(pod).is_some()
}

/// Whether the pod has been Ready for at least `min_ready_seconds` at `now_unix`
/// (`IsPodAvailable`).
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now_unix: i64) -> bool {
    match ready_since(pod) {
        Some(since) => min_ready_seconds <= 0 || since + i64::from(min_ready_seconds) <= now_unix,
        None => false,
    }
}

/// When a ready-but-not-yet-available pod becomes available, as a delay from now.
pub fn time_until_available(pod: &Pod, min_ready_seconds: i32, now_unix: i64) -> Option<SimDuration> {
    let since = ready_since(pod)?;
    let at = since + i64::from(min_ready_seconds);
    (min_ready_seconds > 0 && at > now_unix).then(|| SimDuration::from_secs((at - now_unix) as u64))
}
