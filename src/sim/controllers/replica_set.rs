//! The ReplicaSet controller (`pkg/controller/replicaset/replica_set.go`), which also runs
//! ReplicationControllers, as upstream does: the two differ only in how the selector is
//! written and in the component name of their events.
//!
//! `sync_replica_set` → `claim_pods` (adopt matching orphans, release pods that stopped
//! matching) → `manage_replicas` (create in slow-start batches 1, 2, 4 … up to `BURST_REPLICAS`,
//! or delete the lowest-ranked pods) guarded by [`Expectations`] → `calculate_status` → the status
//! write, then a requeue after `minReadySeconds` so availability is noticed.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use k8s_openapi::api::apps::v1::ReplicaSetStatus;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec, ReplicationControllerStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::pod_control::{create_pod, delete_pod, pod_from_template};
use super::{
    controller_of, controller_ref, is_pod_active, is_pod_available, is_pod_ready, owner_key, pod_phase,
    ready_since, time_until_available, Action, Expectations, Reconciler,
};
use crate::sim::api::selector;
use crate::sim::api::{Object, ObjectKey, WatchEvent, WatchEventType};
use crate::sim::{SimDuration, Simulation};

/// The most pods created or deleted in one sync (`BurstReplicas`).
pub const BURST_REPLICAS: i64 = 500;

/// The first slow-start batch (`SlowStartInitialBatchSize`).
pub const SLOW_START_INITIAL_BATCH_SIZE: i64 = 1;

/// The annotation that makes a pod cheaper or dearer to delete on scale-down.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// Which of the two kinds this controller runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    ReplicaSet,
    ReplicationController,
}

/// The ReplicaSet (or ReplicationController) controller.
#[derive(Clone, Debug)]
pub struct ReplicaSetController {
    flavor: Flavor,
    expectations: Expectations,
}

/// The parts of a ReplicaSet or ReplicationController the sync needs.
struct Replicated {
    object: Rc<Object>,
    replicas: i32,
    min_ready_seconds: i32,
    selector: Selector,
    template: Option<PodTemplateSpec>,
}

enum Selector {
    Label(LabelSelector),
    Map(BTreeMap<String, String>),
}

impl Selector {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            // An empty selector selects nothing for a controller (validation forbids it anyway).
            Selector::Label(s) => !selector::is_empty(s) && selector::matches(s, labels),
            Selector::Map(m) => !m.is_empty() && selector::matches_map(m, labels),
        }
    }
}

impl ReplicaSetController {
    /// The controller for `apps/v1` ReplicaSets.
    pub fn replica_sets() -> Self {
        ReplicaSetController { flavor: Flavor::ReplicaSet, expectations: Expectations::default() }
    }

    /// The controller for `v1` ReplicationControllers.
    pub fn replication_controllers() -> Self {
        ReplicaSetController { flavor: Flavor::ReplicationController, expectations: Expectations::default() }
    }

    fn kind(&self) -> &'static str {
        match self.flavor {
            Flavor::ReplicaSet => "ReplicaSet",
            Flavor::ReplicationController => "ReplicationController",
        }
    }

    fn view(&self, object: Rc<Object>) -> Option<Replicated> {
        let view = match &*object {
            Object::ReplicaSet(rs) => {
                let spec = rs.spec.as_ref()?;
                Replicated {
                    replicas: spec.replicas.unwrap_or(1),
                    min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
                    selector: Selector::Label(spec.selector.clone()),
                    template: spec.template.clone(),
                    object: object.clone(),
                }
            }
            Object::ReplicationController(rc) => {
                let spec = rc.spec.as_ref()?;
                Replicated {
                    replicas: spec.replicas.unwrap_or(1),
                    min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
                    selector: Selector::Map(spec.selector.clone().unwrap_or_default()),
                    template: spec.template.clone(),
                    object: object.clone(),
                }
            }
            _ => return None,
        };
        Some(view)
    }

    /// `syncReplicaSet`.
    fn sync_replica_set(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get(&key.kind, &key.namespace, &key.name).cloned() else {
            self.expectations.delete(key);
            return Action::await_change();
        };
        let Some(rs) = self.view(object) else {
            return Action::await_change();
        };
        let needs_sync = self.expectations.satisfied(key, sim.time());
        // Only its own pods and the orphans can be claimed: pods of other controllers are left
        // alone, so there is no need to walk them. Name order, as a namespace listing gives.
        let mut all_pods: Vec<Rc<Object>> = sim
            .store()
            .pods_controlled_by(&key.namespace, rs.object.uid())
            .chain(sim.store().pods_controlled_by(&key.namespace, ""))
            .filter(|p| p.as_pod().is_some_and(is_pod_active))
            .cloned()
            .collect();
        all_pods.sort_by(|a, b| a.name().cmp(b.name()));
        let pods = self.claim_pods(sim, &rs, all_pods);
        let deleting = rs.object.metadata().deletion_timestamp.is_some();
        let mut wrote = false;
        if needs_sync && !deleting {
            wrote = self.manage_replicas(sim, key, &rs, &pods);
        }
        // Read the pods again only when this sync deleted some: otherwise they are as claimed.
        let pods: Vec<Rc<Object>> = if wrote {
            pods.iter()
                .filter_map(|p| sim.store().get("Pod", p.namespace(), p.name()).cloned())
                .filter(|p| p.as_pod().is_some_and(is_pod_active))
                .collect()
        } else {
            pods
        };
        self.update_status(sim, &rs, &pods);
        // The last line of defence: look again when the pods that are ready become available.
        let now = sim.now_unix();
        pods.iter()
            .filter_map(|p| p.as_pod().and_then(|pod| time_until_available(pod, rs.min_ready_seconds, now)))
            .min()
            .map_or(Action::await_change(), |d| Action::requeue(d + SimDuration::from_millis(1)))
    }

    /// `claimPods`: keeps owned pods that still match, adopts matching orphans, releases owned
    /// pods that stopped matching.
    fn claim_pods(
        &mut self,
        sim: &mut Simulation,
        rs: &Replicated,
        pods: Vec<Rc<Object>>,
    ) -> Vec<Rc<Object>> {
        let uid = rs.object.uid().to_string();
        let deleting = rs.object.metadata().deletion_timestamp.is_some();
        let mut claimed = Vec::new();
        for pod in pods {
            let matches = rs.selector.matches(pod.labels());
            match controller_of(&pod) {
                Some(owner) if owner.uid == uid => {
                    if matches {
                        claimed.push(pod);
                    } else {
                        release(sim, &pod, &uid);
                    }
                }
                Some(_) => {}
                None => {
                    if matches && !deleting && pod.metadata().deletion_timestamp.is_none() {
                        if let Some(adopted) = adopt(sim, &pod, &rs.object) {
                            claimed.push(adopted);
                        }
                    }
                }
            }
        }
        claimed
    }

    /// `manageReplicas`. Returns whether it created or deleted pods.
    fn manage_replicas(
        &mut self,
        sim: &mut Simulation,
        key: &ObjectKey,
        rs: &Replicated,
        pods: &[Rc<Object>],
    ) -> bool {
        let diff = pods.len() as i64 - i64::from(rs.replicas);
        if diff < 0 {
            let Some(template) = rs.template.as_ref() else { return false };
            let count = (-diff).min(BURST_REPLICAS);
            self.expectations.expect_creations(key, count, sim.time());
            let prefix = format!("{}-", rs.object.name());
            let component = self.name();
            let created = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, || {
                let pod = pod_from_template(template, &rs.object, &prefix);
                create_pod(sim, &rs.object, pod, component).is_ok()
            });
            // Pods that were never created will never be observed.
            for _ in created..count {
                self.expectations.creation_observed(key);
            }
        } else if diff > 0 {
            let count = diff.min(BURST_REPLICAS) as usize;
            let related = related_pods(sim, &rs.object, pods);
            let victims = get_pods_to_delete(pods, &related, count, sim.now_unix());
            let names: BTreeSet<String> = victims.iter().map(|p| p.name().to_string()).collect();
            self.expectations.expect_deletions(key, names, sim.time());
            for victim in victims {
                if !delete_pod(sim, &rs.object, victim.namespace(), victim.name(), self.name()) {
                    self.expectations.deletion_observed(key, victim.name());
                }
            }
        }
        diff != 0
    }

    /// `calculateStatus` and `updateReplicaSetStatus`.
    fn update_status(&self, sim: &mut Simulation, rs: &Replicated, pods: &[Rc<Object>]) {
        let now = sim.now_unix();
        let template_labels = rs
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        let live: Vec<&Pod> = pods.iter().filter_map(|p| p.as_pod()).collect();
        let replicas = live.len() as i32;
        let fully_labeled = live
            .iter()
            .filter(|p| {
                selector::matches_map(
                    &template_labels,
                    p.metadata.labels.as_ref().unwrap_or(&BTreeMap::new()),
                )
            })
            .count() as i32;
        let ready = live.iter().filter(|p| is_pod_ready(p)).count() as i32;
        let available = live.iter().filter(|p| is_pod_available(p, rs.min_ready_seconds, now)).count() as i32;
        let generation = rs.object.metadata().generation;
        let nonzero = |n: i32| (n > 0).then_some(n);
        let mut updated = (*rs.object).clone();
        match &mut updated {
            Object::ReplicaSet(r) => {
                let r = Rc::make_mut(r);
                let conditions = r.status.as_ref().and_then(|s| s.conditions.clone());
                r.status = Some(ReplicaSetStatus {
                    replicas,
                    fully_labeled_replicas: nonzero(fully_labeled),
                    ready_replicas: nonzero(ready),
                    available_replicas: nonzero(available),
                    observed_generation: generation,
                    conditions,
                    terminating_replicas: None,
                });
            }
            Object::ReplicationController(r) => {
                let r = Rc::make_mut(r);
                let conditions = r.status.as_ref().and_then(|s| s.conditions.clone());
                r.status = Some(ReplicationControllerStatus {
                    replicas,
                    fully_labeled_replicas: nonzero(fully_labeled),
                    ready_replicas: nonzero(ready),
                    available_replicas: nonzero(available),
                    observed_generation: generation,
                    conditions,
                });
            }
            _ => return,
        }
        updated.metadata_mut().resource_version = None;
        let _ = sim.update(updated);
    }
}

impl Reconciler for ReplicaSetController {
    fn name(&self) -> &'static str {
        match self.flavor {
            Flavor::ReplicaSet => "replicaset-controller",
            Flavor::ReplicationController => "replication-controller",
        }
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        if object.kind() == self.kind() {
            return vec![ObjectKey::of(object)];
        }
        if object.kind() != "Pod" {
            return Vec::new();
        }
        let kind = self.kind();
        if let Some(owner) = owner_key(object, kind) {
            // addPod / deletePod: lower the expectations of the owner.
            match event.event_type {
                WatchEventType::Added => self.expectations.creation_observed(&owner),
                WatchEventType::Deleted => self.expectations.deletion_observed(&owner, object.name()),
                WatchEventType::Modified => {
                    if object.metadata().deletion_timestamp.is_some() {
                        self.expectations.deletion_observed(&owner, object.name());
                    }
                }
            }
            return vec![owner];
        }
        // An orphan: every controller of this kind whose selector matches may adopt it.
        sim.store()
            .list(kind, Some(object.namespace()))
            .filter(|o| self.view((*o).clone()).is_some_and(|rs| rs.selector.matches(object.labels())))
            .map(|o| ObjectKey::of(o))
            .collect()
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_replica_set(sim, key)
    }
}

/// Runs `create` up to `count` times in batches of 1, 2, 4 …, stopping after a batch with a
/// failure (`slowStartBatch`). Returns how many succeeded.
pub fn slow_start_batch(count: i64, initial: i64, mut create: impl FnMut() -> bool) -> i64 {
    let mut remaining = count;
    let mut succeeded = 0;
    let mut batch = initial.min(remaining);
    while batch > 0 {
        let mut failed = false;
        for _ in 0..batch {
            if create() {
                succeeded += 1;
            } else {
                failed = true;
            }
        }
        if failed {
            break;
        }
        remaining -= batch;
        batch = (2 * batch).min(remaining);
    }
    succeeded
}

fn adopt(sim: &mut Simulation, pod: &Object, owner: &Object) -> Option<Rc<Object>> {
    let mut adopted = pod.clone();
    adopted.metadata_mut().owner_references.get_or_insert_with(Vec::new).push(controller_ref(owner));
    adopted.metadata_mut().resource_version = None;
    sim.update(adopted).ok()
}

fn release(sim: &mut Simulation, pod: &Object, owner_uid: &str) {
    let mut released = pod.clone();
    let meta = released.metadata_mut();
    if let Some(refs) = meta.owner_references.as_mut() {
        refs.retain(|r| r.uid != owner_uid);
        if refs.is_empty() {
            meta.owner_references = None;
        }
    }
    meta.resource_version = None;
    let _ = sim.update(released);
}

/// Active pods of the same owner family (every ReplicaSet of the same Deployment), used to find
/// pods that are doubled up on a node.
fn related_pods(sim: &Simulation, rs: &Object, own: &[Rc<Object>]) -> Vec<Rc<Object>> {
    let Some(deployment) = controller_of(rs).map(|r| r.uid.clone()) else {
        return own.to_vec();
    };
    let siblings: BTreeSet<String> = sim
        .store()
        .list(rs.kind(), Some(rs.namespace()))
        .filter(|o| controller_of(o).is_some_and(|r| r.uid == deployment))
        .map(|o| o.uid().to_string())
        .collect();
    sim.store()
        .list("Pod", Some(rs.namespace()))
        .filter(|p| p.as_pod().is_some_and(is_pod_active))
        .filter(|p| controller_of(p).is_some_and(|r| siblings.contains(&r.uid)))
        .cloned()
        .collect()
}

/// `getPodsToDelete`: the `count` pods ranked first by `ActivePodsWithRanks`.
fn get_pods_to_delete(
    pods: &[Rc<Object>],
    related: &[Rc<Object>],
    count: usize,
    now_unix: i64,
) -> Vec<Rc<Object>> {
    let mut on_node: BTreeMap<String, i64> = BTreeMap::new();
    for pod in related.iter().filter_map(|p| p.as_pod()) {
        if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
            *on_node.entry(node).or_default() += 1;
        }
    }
    let rank = |p: &Pod| {
        p.spec.as_ref().and_then(|s| s.node_name.as_ref()).and_then(|n| on_node.get(n)).copied().unwrap_or(0)
    };
    let mut ranked: Vec<&Rc<Object>> = pods.iter().filter(|p| p.as_pod().is_some()).collect();
    ranked.sort_by(|a, b| match (a.as_pod(), b.as_pod()) {
        (Some(x), Some(y)) => compare_for_deletion(x, y, rank(x), rank(y), now_unix),
        _ => Ordering::Equal,
    });
    ranked.into_iter().take(count).cloned().collect()
}

/// `ActivePodsWithRanks.Less`: `Less` means "delete first".
fn compare_for_deletion(a: &Pod, b: &Pod, rank_a: i64, rank_b: i64, now_unix: i64) -> Ordering {
    let assigned =
        |p: &Pod| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some_and(|n| !n.is_empty());
    let phase_rank = |p: &Pod| match pod_phase(p) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let cost = |p: &Pod| {
        p.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(POD_DELETION_COST))
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let ready_bucket = |p: &Pod| ready_since(p).map(|since| log_bucket(now_unix - since));
    let restarts = |p: &Pod| {
        p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .map_or(0, |cs| cs.iter().map(|c| c.restart_count).max().unwrap_or(0))
    };
    let created = |p: &Pod| p.metadata.creation_timestamp.as_ref().map_or(0, |t| t.0.as_second());
    assigned(a)
        .cmp(&assigned(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(is_pod_ready(a).cmp(&is_pod_ready(b)))
        .then(cost(a).cmp(&cost(b)))
        .then(rank_b.cmp(&rank_a))
        .then_with(|| match (ready_bucket(a), ready_bucket(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then(log_bucket(now_unix - created(a)).cmp(&log_bucket(now_unix - created(b))))
        .then(a.metadata.uid.cmp(&b.metadata.uid))
}

/// `floor(log2(seconds))`, the LogarithmicScaleDown bucket (0 for under two seconds).
fn log_bucket(seconds: i64) -> u32 {
    if seconds < 2 {
        0
    } else {
        63 - (seconds as u64).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_start_creates_in_doubling_batches_and_stops_after_a_failing_batch() {
        let mut calls = 0;
        assert_eq!(
            slow_start_batch(10, 1, || {
                calls += 1;
                true
            }),
            10
        );
        assert_eq!(calls, 10);
        // Batches 1, 2, 4: the fourth call fails, the batch of 4 finishes, nothing more runs.
        let mut calls = 0;
        let done = slow_start_batch(10, 1, || {
            calls += 1;
            calls != 4
        });
        assert_eq!((calls, done), (7, 6));
    }

    #[test]
    fn log_buckets_group_by_powers_of_two() {
        assert_eq!([log_bucket(0), log_bucket(3), log_bucket(4), log_bucket(1000)], [0, 1, 2, 9]);
    }
}
