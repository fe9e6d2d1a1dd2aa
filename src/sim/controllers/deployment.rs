//! The Deployment controller (`pkg/controller/deployment/{deployment_controller.go, sync.go,
//! rolling.go, recreate.go, progress.go}`, `util/deployment_util.go`).
//!
//! `sync_deployment` claims the ReplicaSets, then either only scales (`sync`: paused, or a
//! replica-count change mid-rollout, distributed proportionally) or rolls out: RollingUpdate
//! (`reconcile_new_replica_set` within maxSurge, `reconcile_old_replica_sets` within
//! maxUnavailable) or Recreate (old to zero, wait for their pods to go, new to full). Each
//! template gets a ReplicaSet `<deployment>-<pod-template-hash>`; revisions, history cleanup and
//! the Available/Progressing conditions follow upstream, words included.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet, ReplicaSetSpec,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pod_control::normal_event;
use super::{controller_of, controller_ref, owner_key, Action, Reconciler};
use crate::sim::api::selector;
use crate::sim::api::store::timestamp;
use crate::sim::api::{ApiError, DeleteOptions, Object, ObjectKey, WatchEvent, WatchEventType};
use crate::sim::{SimDuration, Simulation};

/// The revision of a Deployment and of each of its ReplicaSets.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// Revisions a ReplicaSet had before a rollback gave it a new one.
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
/// The Deployment's replicas when the ReplicaSet was last scaled.
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
/// replicas + maxSurge when the ReplicaSet was last scaled.
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
/// Why a revision was made; shown by `kubectl rollout history`.
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
/// The label that tells the ReplicaSets of one Deployment apart.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
/// The component name of the controller's events.
pub const COMPONENT: &str = "deployment-controller";

/// Annotations never copied between a Deployment and its ReplicaSets (`skipCopyAnnotation`).
fn skip_copy_annotation(key: &str) -> bool {
    matches!(
        key,
        crate::sim::api::store::LAST_APPLIED
            | REVISION_ANNOTATION
            | REVISION_HISTORY_ANNOTATION
            | DESIRED_REPLICAS_ANNOTATION
            | MAX_REPLICAS_ANNOTATION
            | "deprecated.deployment.rollback.to"
    )
}

/// The Deployment controller.
#[derive(Clone, Debug, Default)]
pub struct DeploymentController;

/// One Deployment being synced, with the status it will get.
struct Sync {
    deployment: Deployment,
    object: Rc<Object>,
    status: DeploymentStatus,
    annotations_changed: bool,
}

impl Sync {
    fn replicas(&self) -> i32 {
        self.deployment.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
    }

    fn spec_template(&self) -> PodTemplateSpec {
        self.deployment.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default()
    }

    fn is_rolling_update(&self) -> bool {
        strategy_type(&self.deployment) != "Recreate"
    }

    fn progress_deadline(&self) -> Option<i32> {
        self.deployment.spec.as_ref().and_then(|s| s.progress_deadline_seconds).filter(|d| *d != i32::MAX)
    }

    fn name(&self) -> &str {
        self.deployment.metadata.name.as_deref().unwrap_or_default()
    }

    fn namespace(&self) -> &str {
        self.deployment.metadata.namespace.as_deref().unwrap_or("default")
    }
}

fn strategy_type(d: &Deployment) -> &str {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

/// `ResolveFenceposts`: maxSurge rounds up, maxUnavailable down; both zero → unavailable 1.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> (i32, i32) {
    let scaled = |value: Option<&IntOrString>, round_up: bool| match value {
        None => 0,
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(s)) => {
            let percent: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let product = percent * i64::from(desired);
            (if round_up { (product + 99).div_euclid(100) } else { product.div_euclid(100) }) as i32
        }
    };
    let surge = scaled(max_surge, true);
    let unavailable = scaled(max_unavailable, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let rolling = d.spec.as_ref().and_then(|s| s.strategy.as_ref()).and_then(|s| s.rolling_update.as_ref());
    match rolling {
        Some(r) if strategy_type(d) != "Recreate" => {
            resolve_fenceposts(r.max_surge.as_ref(), r.max_unavailable.as_ref(), replicas)
        }
        _ => (0, 0),
    }
}

/// `MaxSurge` (0 for Recreate).
fn max_surge(d: &Deployment) -> i32 {
    fenceposts(d).0
}

/// `MaxUnavailable` (0 for Recreate or zero replicas; never more than replicas).
fn max_unavailable(d: &Deployment) -> i32 {
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    if strategy_type(d) == "Recreate" || replicas == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas)
}

/// FNV-32a, the hash behind `pod-template-hash`.
fn fnv32a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(2_166_136_261u32, |hash, b| (hash ^ u32::from(*b)).wrapping_mul(16_777_619))
}

/// `rand.SafeEncodeString`: each character mapped into the alphabet without vowels.
fn safe_encode(text: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    text.bytes().map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()])).collect()
}

/// `ComputeHash`: the pod-template-hash of a template (and the collision count, if any).
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut bytes = serde_json::to_vec(template).unwrap_or_default();
    if let Some(count) = collision_count {
        bytes.extend_from_slice(count.to_string().as_bytes());
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

/// `EqualIgnoreHash`: templates equal once the hash label is removed from both.
fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
            labels.remove(POD_TEMPLATE_HASH_LABEL);
        }
        serde_json::to_value(t).unwrap_or_default()
    };
    strip(a) == strip(b)
}

fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

fn rs_status(rs: &ReplicaSet) -> (i32, i32, i32) {
    let s = rs.status.as_ref();
    (
        s.map_or(0, |s| s.replicas),
        s.and_then(|s| s.ready_replicas).unwrap_or(0),
        s.and_then(|s| s.available_replicas).unwrap_or(0),
    )
}

/// The revision annotation of an object (0 when missing).
pub fn revision_of(meta: &ObjectMeta) -> i64 {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(REVISION_ANNOTATION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn annotation(rs: &ReplicaSet, key: &str) -> Option<i32> {
    rs.metadata.annotations.as_ref().and_then(|a| a.get(key)).and_then(|v| v.parse().ok())
}

fn created(rs: &ReplicaSet) -> (i64, String) {
    (
        rs.metadata.creation_timestamp.as_ref().map_or(0, |t| t.0.as_second()),
        rs.metadata.name.clone().unwrap_or_default(),
    )
}

fn condition(status: &DeploymentStatus, kind: &str) -> Option<DeploymentCondition> {
    status.conditions.as_ref()?.iter().find(|c| c.type_ == kind).cloned()
}

fn remove_condition(status: &mut DeploymentStatus, kind: &str) {
    if let Some(conditions) = status.conditions.as_mut() {
        conditions.retain(|c| c.type_ != kind);
    }
}

/// `SetDeploymentCondition`: no change when status and reason are the same; the transition
/// time kept when only the reason changes.
fn set_condition(status: &mut DeploymentStatus, mut new: DeploymentCondition) {
    if let Some(current) = condition(status, &new.type_) {
        if current.status == new.status && current.reason == new.reason {
            return;
        }
        if current.status == new.status {
            new.last_transition_time = current.last_transition_time;
        }
    }
    remove_condition(status, &new.type_);
    status.conditions.get_or_insert_with(Vec::new).push(new);
}

impl DeploymentController {
    fn new_condition(
        sim: &Simulation,
        kind: &str,
        status: &str,
        reason: &str,
        message: String,
    ) -> DeploymentCondition {
        let now = timestamp(sim.now_unix());
        DeploymentCondition {
            type_: kind.into(),
            status: status.into(),
            reason: Some(reason.into()),
            message: Some(message),
            last_update_time: Some(now.clone()),
            last_transition_time: Some(now),
        }
    }

    /// `syncDeployment`.
    fn sync_deployment(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("Deployment", &key.namespace, &key.name).cloned() else {
            return Action::await_change();
        };
        let Some(deployment) = object.as_deployment().cloned() else { return Action::await_change() };
        let status = deployment.status.clone().unwrap_or_default();
        let mut sync = Sync { deployment, object, status, annotations_changed: false };
        let rs_list = self.get_replica_sets_for_deployment(sim, &sync);
        if sync.deployment.metadata.deletion_timestamp.is_some() {
            return self.sync_status_only(sim, sync, &rs_list);
        }
        self.check_paused_conditions(sim, &mut sync);
        if sync.deployment.spec.as_ref().and_then(|s| s.paused) == Some(true) {
            return self.sync(sim, sync, rs_list);
        }
        if self.is_scaling_event(&sync, &rs_list) {
            return self.sync(sim, sync, rs_list);
        }
        if sync.is_rolling_update() {
            self.rollout_rolling(sim, sync, rs_list)
        } else {
            self.rollout_recreate(sim, sync, rs_list)
        }
    }

    /// `getReplicaSetsForDeployment`: owned ReplicaSets that still match, plus adopted orphans.
    fn get_replica_sets_for_deployment(&self, sim: &mut Simulation, sync: &Sync) -> Vec<ReplicaSet> {
        let uid = sync.object.uid().to_string();
        let Some(spec) = sync.deployment.spec.as_ref() else { return Vec::new() };
        let candidates: Vec<Rc<Object>> =
            sim.store().list("ReplicaSet", Some(sync.namespace())).cloned().collect();
        let mut owned = Vec::new();
        for rs in candidates {
            let matches =
                !selector::is_empty(&spec.selector) && selector::matches(&spec.selector, rs.labels());
            match controller_of(&rs) {
                Some(owner) if owner.uid == uid => {
                    if matches {
                        owned.extend(rs.as_replica_set().cloned());
                    } else {
                        let mut released = (*rs).clone();
                        if let Some(refs) = released.metadata_mut().owner_references.as_mut() {
                            refs.retain(|r| r.uid != uid);
                        }
                        released.metadata_mut().resource_version = None;
                        let _ = sim.update(released);
                    }
                }
                Some(_) => {}
                None if matches && sync.deployment.metadata.deletion_timestamp.is_none() => {
                    let mut adopted = (*rs).clone();
                    adopted
                        .metadata_mut()
                        .owner_references
                        .get_or_insert_with(Vec::new)
                        .push(controller_ref(&sync.object));
                    adopted.metadata_mut().resource_version = None;
                    if let Ok(o) = sim.update(adopted) {
                        owned.extend(o.as_replica_set().cloned());
                    }
                }
                None => {}
            }
        }
        owned.sort_by_key(created);
        owned
    }

    /// `checkPausedConditions`.
    fn check_paused_conditions(&self, sim: &Simulation, sync: &mut Sync) {
        if sync.progress_deadline().is_none() {
            return;
        }
        let current = condition(&sync.status, "Progressing");
        if current.as_ref().and_then(|c| c.reason.as_deref()) == Some("ProgressDeadlineExceeded") {
            return;
        }
        let paused_condition_exists =
            current.as_ref().and_then(|c| c.reason.as_deref()) == Some("DeploymentPaused");
        let paused = sync.deployment.spec.as_ref().and_then(|s| s.paused) == Some(true);
        if paused && !paused_condition_exists {
            set_condition(
                &mut sync.status,
                Self::new_condition(
                    sim,
                    "Progressing",
                    "Unknown",
                    "DeploymentPaused",
                    "Deployment is paused".into(),
                ),
            );
        } else if !paused && paused_condition_exists {
            set_condition(
                &mut sync.status,
                Self::new_condition(
                    sim,
                    "Progressing",
                    "Unknown",
                    "DeploymentResumed",
                    "Deployment is resumed".into(),
                ),
            );
        }
    }

    /// `isScalingEvent`: an active ReplicaSet was last scaled for another replica count.
    fn is_scaling_event(&self, sync: &Sync, rs_list: &[ReplicaSet]) -> bool {
        rs_list
            .iter()
            .filter(|rs| rs_replicas(rs) > 0)
            .any(|rs| annotation(rs, DESIRED_REPLICAS_ANNOTATION).is_some_and(|d| d != sync.replicas()))
    }

    /// `getAllReplicaSetsAndSyncRevision` / `getNewReplicaSet`: finds (or creates) the ReplicaSet
    /// of the current template, bringing its annotations and revision up to date.
    fn get_new_replica_set(
        &self,
        sim: &mut Simulation,
        sync: &mut Sync,
        rs_list: &mut Vec<ReplicaSet>,
        create: bool,
    ) -> Result<Option<ReplicaSet>, Action> {
        let template = sync.spec_template();
        let existing = rs_list.iter().position(|rs| {
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignore_hash(t, &template))
        });
        let max_old_revision = rs_list
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != existing)
            .map(|(_, rs)| revision_of(&rs.metadata))
            .max()
            .unwrap_or(0);
        let new_revision = max_old_revision + 1;
        if let Some(index) = existing {
            let mut rs = rs_list[index].clone();
            let changed = self.set_new_replica_set_annotations(sync, &mut rs, new_revision, false);
            if changed {
                rs.metadata.resource_version = None;
                if let Ok(updated) = sim.update(Object::from(rs.clone())) {
                    rs = updated.as_replica_set().cloned().unwrap_or(rs);
                }
                rs_list[index] = rs.clone();
            }
            self.set_deployment_revision(sync, revision_of(&rs.metadata));
            if sync.progress_deadline().is_some() && condition(&sync.status, "Progressing").is_none() {
                let message =
                    format!("Found new replica set {:?}", rs.metadata.name.clone().unwrap_or_default());
                set_condition(
                    &mut sync.status,
                    Self::new_condition(sim, "Progressing", "True", "FoundNewReplicaSet", message),
                );
            }
            return Ok(Some(rs));
        }
        if !create {
            return Ok(None);
        }
        let collision_count = sync.status.collision_count;
        let hash = compute_hash(&template, collision_count);
        let mut rs_template = template.clone();
        rs_template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH_LABEL.into(), hash.clone());
        let spec = sync.deployment.spec.clone().unwrap_or_default();
        let mut rs_selector = spec.selector.clone();
        rs_selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH_LABEL.into(), hash.clone());
        let name = format!("{}-{}", sync.name(), hash);
        let mut new_rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(sync.namespace().into()),
                labels: rs_template.metadata.as_ref().and_then(|m| m.labels.clone()),
                owner_references: Some(vec![controller_ref(&sync.object)]),
                ..Default::default()
            },
            spec: Some(ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: spec.min_ready_seconds,
                selector: rs_selector,
                template: Some(rs_template),
            }),
            status: None,
        };
        let all: Vec<&ReplicaSet> = rs_list.iter().collect();
        let new_replicas = self.new_rs_new_replicas(sync, &all, None);
        if let Some(s) = new_rs.spec.as_mut() {
            s.replicas = Some(new_replicas);
        }
        self.set_new_replica_set_annotations(sync, &mut new_rs, new_revision, true);
        match sim.create(Object::from(new_rs)) {
            Ok(created) => {
                let rs = created.as_replica_set().cloned().unwrap_or_default();
                if new_replicas > 0 {
                    normal_event(
                        sim,
                        &sync.object,
                        "ScalingReplicaSet",
                        format!("Scaled up replica set {name} from 0 to {new_replicas}"),
                        COMPONENT,
                    );
                }
                self.set_deployment_revision(sync, new_revision);
                if sync.progress_deadline().is_some() {
                    let message = format!("Created new replica set {name:?}");
                    set_condition(
                        &mut sync.status,
                        Self::new_condition(sim, "Progressing", "True", "NewReplicaSetCreated", message),
                    );
                }
                rs_list.push(rs.clone());
                Ok(Some(rs))
            }
            Err(ApiError::AlreadyExists { .. }) => {
                // A ReplicaSet of that name with another template: hash collision. Count it and retry.
                let same = sim
                    .store()
                    .get("ReplicaSet", sync.namespace(), &name)
                    .and_then(|o| o.as_replica_set())
                    .and_then(|rs| rs.spec.as_ref()?.template.clone())
                    .is_some_and(|t| equal_ignore_hash(&t, &template));
                if !same {
                    sync.status.collision_count = Some(collision_count.unwrap_or(0) + 1);
                    self.write_status(sim, sync);
                }
                Err(Action::requeue(SimDuration::from_millis(1)))
            }
            Err(error) => {
                if sync.progress_deadline().is_some() {
                    let message = format!("Failed to create new replica set {name:?}: {}", error.message());
                    set_condition(
                        &mut sync.status,
                        Self::new_condition(sim, "Progressing", "False", "ReplicaSetCreateError", message),
                    );
                    self.write_status(sim, sync);
                }
                Err(Action::requeue(SimDuration::from_secs(5)))
            }
        }
    }

    /// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, sets the revision
    /// (remembering the previous one in the history annotation) and the replica annotations.
    fn set_new_replica_set_annotations(
        &self,
        sync: &Sync,
        rs: &mut ReplicaSet,
        new_revision: i64,
        is_new: bool,
    ) -> bool {
        let desired = sync.replicas();
        let max = desired + max_surge(&sync.deployment);
        let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
        let before = annotations.clone();
        for (k, v) in sync.deployment.metadata.annotations.iter().flatten() {
            if !skip_copy_annotation(k) {
                annotations.insert(k.clone(), v.clone());
            }
        }
        let old_revision: i64 =
            annotations.get(REVISION_ANNOTATION).and_then(|r| r.parse().ok()).unwrap_or(0);
        if old_revision < new_revision {
            if old_revision > 0 {
                let history = match annotations.get(REVISION_HISTORY_ANNOTATION) {
                    Some(h) if !h.is_empty() => format!("{h},{old_revision}"),
                    _ => old_revision.to_string(),
                };
                annotations.insert(REVISION_HISTORY_ANNOTATION.into(), history);
            }
            annotations.insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        }
        if is_new || !annotations.contains_key(DESIRED_REPLICAS_ANNOTATION) {
            annotations.insert(DESIRED_REPLICAS_ANNOTATION.into(), desired.to_string());
            annotations.insert(MAX_REPLICAS_ANNOTATION.into(), max.to_string());
        }
        *annotations != before
    }

    fn set_deployment_revision(&self, sync: &mut Sync, revision: i64) {
        let annotations = sync.deployment.metadata.annotations.get_or_insert_with(BTreeMap::new);
        let value = revision.to_string();
        if annotations.get(REVISION_ANNOTATION) != Some(&value) {
            annotations.insert(REVISION_ANNOTATION.into(), value);
            sync.annotations_changed = true;
        }
    }

    /// `NewRSNewReplicas`: how big the new ReplicaSet may be now.
    fn new_rs_new_replicas(&self, sync: &Sync, all: &[&ReplicaSet], new_rs: Option<&ReplicaSet>) -> i32 {
        let replicas = sync.replicas();
        if !sync.is_rolling_update() {
            return replicas;
        }
        let current_new = new_rs.map_or(0, rs_replicas);
        let current_pods: i32 = all.iter().map(|rs| rs_replicas(rs)).sum();
        let max_total = replicas + max_surge(&sync.deployment);
        if current_pods >= max_total {
            return current_new;
        }
        let scale_up = (max_total - current_pods).min(replicas - current_new).max(0);
        current_new + scale_up
    }

    /// `scaleReplicaSetAndRecordEvent`.
    fn scale_replica_set(
        &self,
        sim: &mut Simulation,
        sync: &Sync,
        rs: &ReplicaSet,
        new_size: i32,
    ) -> Option<ReplicaSet> {
        let old_size = rs_replicas(rs);
        let desired = sync.replicas().to_string();
        let max = (sync.replicas() + max_surge(&sync.deployment)).to_string();
        let annotations_need_update =
            rs.metadata.annotations.as_ref().and_then(|a| a.get(DESIRED_REPLICAS_ANNOTATION))
                != Some(&desired)
                || rs.metadata.annotations.as_ref().and_then(|a| a.get(MAX_REPLICAS_ANNOTATION))
                    != Some(&max);
        if old_size == new_size && !annotations_need_update {
            return Some(rs.clone());
        }
        let mut scaled = rs.clone();
        if let Some(spec) = scaled.spec.as_mut() {
            spec.replicas = Some(new_size);
        }
        let annotations = scaled.metadata.annotations.get_or_insert_with(BTreeMap::new);
        annotations.insert(DESIRED_REPLICAS_ANNOTATION.into(), desired);
        annotations.insert(MAX_REPLICAS_ANNOTATION.into(), max);
        scaled.metadata.resource_version = None;
        let updated = sim.update(Object::from(scaled)).ok()?;
        if old_size != new_size {
            let direction = if new_size > old_size { "up" } else { "down" };
            let name = rs.metadata.name.clone().unwrap_or_default();
            normal_event(
                sim,
                &sync.object,
                "ScalingReplicaSet",
                format!("Scaled {direction} replica set {name} from {old_size} to {new_size}"),
                COMPONENT,
            );
        }
        updated.as_replica_set().cloned()
    }

    /// `rolloutRolling`.
    fn rollout_rolling(
        &mut self,
        sim: &mut Simulation,
        mut sync: Sync,
        mut rs_list: Vec<ReplicaSet>,
    ) -> Action {
        let new_rs = match self.get_new_replica_set(sim, &mut sync, &mut rs_list, true) {
            Ok(rs) => rs,
            Err(action) => return action,
        };
        let new_name = new_rs.as_ref().and_then(|rs| rs.metadata.name.clone());
        let old: Vec<ReplicaSet> =
            rs_list.iter().filter(|rs| rs.metadata.name != new_name).cloned().collect();
        // reconcileNewReplicaSet
        if let Some(new_rs) = new_rs.as_ref() {
            let all: Vec<&ReplicaSet> = rs_list.iter().collect();
            let target = if rs_replicas(new_rs) > sync.replicas() {
                sync.replicas()
            } else {
                self.new_rs_new_replicas(&sync, &all, Some(new_rs))
            };
            if target != rs_replicas(new_rs) {
                self.scale_replica_set(sim, &sync, new_rs, target);
                return self.sync_rollout_status(sim, sync);
            }
        }
        if self.reconcile_old_replica_sets(sim, &sync, &rs_list, &old, new_rs.as_ref()) {
            return self.sync_rollout_status(sim, sync);
        }
        if self.deployment_complete_now(sim, &sync) {
            self.cleanup_deployment(sim, &sync, &old);
        }
        self.sync_rollout_status(sim, sync)
    }

    /// `reconcileOldReplicaSets`: scales old ReplicaSets down as far as maxUnavailable allows,
    /// unhealthy pods first. Returns whether anything was scaled.
    fn reconcile_old_replica_sets(
        &self,
        sim: &mut Simulation,
        sync: &Sync,
        all: &[ReplicaSet],
        old: &[ReplicaSet],
        new_rs: Option<&ReplicaSet>,
    ) -> bool {
        let old_pods: i32 = old.iter().map(rs_replicas).sum();
        if old_pods == 0 {
            return false;
        }
        let all_pods: i32 = all.iter().map(rs_replicas).sum();
        let min_available = sync.replicas() - max_unavailable(&sync.deployment);
        let new_unavailable = new_rs.map_or(0, |rs| rs_replicas(rs) - rs_status(rs).2);
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let mut old_sorted: Vec<ReplicaSet> = old.to_vec();
        old_sorted.sort_by_key(created);
        // cleanupUnhealthyReplicas
        let mut cleaned = 0;
        let mut current: Vec<ReplicaSet> = Vec::new();
        for rs in old_sorted {
            if cleaned >= max_scaled_down || rs_replicas(&rs) == 0 {
                current.push(rs);
                continue;
            }
            let unhealthy = rs_replicas(&rs) - rs_status(&rs).2;
            if unhealthy <= 0 {
                current.push(rs);
                continue;
            }
            let down = (max_scaled_down - cleaned).min(unhealthy);
            let scaled = self.scale_replica_set(sim, sync, &rs, rs_replicas(&rs) - down).unwrap_or(rs);
            cleaned += down;
            current.push(scaled);
        }
        // scaleDownOldReplicaSetsForRollingUpdate
        let available: i32 = all
            .iter()
            .map(|rs| {
                current
                    .iter()
                    .find(|c| c.metadata.name == rs.metadata.name)
                    .map_or(rs_status(rs).2, |c| rs_status(c).2)
            })
            .sum();
        let mut scaled_down = 0;
        if available > min_available {
            let total = available - min_available;
            for rs in &current {
                if scaled_down >= total {
                    break;
                }
                if rs_replicas(rs) == 0 {
                    continue;
                }
                let down = rs_replicas(rs).min(total - scaled_down);
                self.scale_replica_set(sim, sync, rs, rs_replicas(rs) - down);
                scaled_down += down;
            }
        }
        cleaned + scaled_down > 0
    }

    /// `rolloutRecreate`.
    fn rollout_recreate(
        &mut self,
        sim: &mut Simulation,
        mut sync: Sync,
        mut rs_list: Vec<ReplicaSet>,
    ) -> Action {
        let new_rs = match self.get_new_replica_set(sim, &mut sync, &mut rs_list, false) {
            Ok(rs) => rs,
            Err(action) => return action,
        };
        let new_name = new_rs.as_ref().and_then(|rs| rs.metadata.name.clone());
        let old: Vec<ReplicaSet> =
            rs_list.iter().filter(|rs| rs.metadata.name != new_name).cloned().collect();
        let mut scaled = false;
        for rs in old.iter().filter(|rs| rs_replicas(rs) != 0) {
            self.scale_replica_set(sim, &sync, rs, 0);
            scaled = true;
        }
        if scaled {
            return self.sync_rollout_status(sim, sync);
        }
        if self.old_pods_running(sim, &old) {
            return self.sync_rollout_status(sim, sync);
        }
        let new_rs = match new_rs {
            Some(rs) => Some(rs),
            None => match self.get_new_replica_set(sim, &mut sync, &mut rs_list, true) {
                Ok(rs) => rs,
                Err(action) => return action,
            },
        };
        if let Some(rs) = new_rs.as_ref() {
            if rs_replicas(rs) != sync.replicas() {
                self.scale_replica_set(sim, &sync, rs, sync.replicas());
                return self.sync_rollout_status(sim, sync);
            }
        }
        if self.deployment_complete_now(sim, &sync) {
            self.cleanup_deployment(sim, &sync, &old);
        }
        self.sync_rollout_status(sim, sync)
    }

    /// `oldPodsRunning`: any pod of an old ReplicaSet not yet finished (terminating included).
    fn old_pods_running(&self, sim: &Simulation, old: &[ReplicaSet]) -> bool {
        if old.iter().any(|rs| rs_status(rs).0 > 0) {
            return true;
        }
        let uids: Vec<&str> = old.iter().filter_map(|rs| rs.metadata.uid.as_deref()).collect();
        let namespace = old.first().and_then(|rs| rs.metadata.namespace.clone()).unwrap_or_default();
        let running = sim.store().list("Pod", Some(&namespace)).any(|p| {
            controller_of(p).is_some_and(|r| uids.contains(&r.uid.as_str()))
                && p.as_pod().is_some_and(|pod| !matches!(super::pod_phase(pod), "Succeeded" | "Failed"))
        });
        running
    }

    /// `sync`: scaling only (paused Deployments and replica-count changes), then status.
    fn sync(&mut self, sim: &mut Simulation, mut sync: Sync, mut rs_list: Vec<ReplicaSet>) -> Action {
        let new_rs = match self.get_new_replica_set(sim, &mut sync, &mut rs_list, false) {
            Ok(rs) => rs,
            Err(action) => return action,
        };
        let new_name = new_rs.as_ref().and_then(|rs| rs.metadata.name.clone());
        let old: Vec<ReplicaSet> =
            rs_list.iter().filter(|rs| rs.metadata.name != new_name).cloned().collect();
        self.scale(sim, &sync, new_rs.as_ref(), &old);
        let paused = sync.deployment.spec.as_ref().and_then(|s| s.paused) == Some(true);
        if paused {
            self.cleanup_deployment(sim, &sync, &old);
        }
        self.sync_status_only(sim, sync, &rs_list)
    }

    /// `scale`: resizes for a new replica count, proportionally across ReplicaSets mid-rollout.
    fn scale(&self, sim: &mut Simulation, sync: &Sync, new_rs: Option<&ReplicaSet>, old: &[ReplicaSet]) {
        let replicas = sync.replicas();
        let active: Vec<&ReplicaSet> = old.iter().chain(new_rs).filter(|rs| rs_replicas(rs) > 0).collect();
        // FindActiveOrLatest
        let active_or_latest = match active.len() {
            0 => new_rs.or_else(|| old.iter().max_by_key(|rs| created(rs))),
            1 => active.first().copied(),
            _ => None,
        };
        if let Some(rs) = active_or_latest {
            if rs_replicas(rs) != replicas {
                self.scale_replica_set(sim, sync, rs, replicas);
            }
            return;
        }
        // IsSaturated: the new ReplicaSet is complete, so the old ones can go.
        if let Some(rs) = new_rs {
            if rs_replicas(rs) == replicas
                && annotation(rs, DESIRED_REPLICAS_ANNOTATION) == Some(replicas)
                && rs_status(rs).2 == replicas
            {
                for old_rs in old.iter().filter(|rs| rs_replicas(rs) > 0) {
                    self.scale_replica_set(sim, sync, old_rs, 0);
                }
                return;
            }
        }
        if !sync.is_rolling_update() {
            return;
        }
        let mut all: Vec<&ReplicaSet> = active;
        let all_replicas: i32 = all.iter().map(|rs| rs_replicas(rs)).sum();
        let allowed = if replicas > 0 { replicas + max_surge(&sync.deployment) } else { 0 };
        let to_add = allowed - all_replicas;
        if to_add > 0 {
            all.sort_by(|a, b| rs_replicas(b).cmp(&rs_replicas(a)).then(created(b).cmp(&created(a))));
        } else {
            all.sort_by(|a, b| rs_replicas(b).cmp(&rs_replicas(a)).then(created(a).cmp(&created(b))));
        }
        let mut added = 0;
        let mut sizes: Vec<i32> = Vec::new();
        for rs in &all {
            let proportion = if to_add != 0 && to_add != added && rs_replicas(rs) != 0 {
                let fraction = self.replica_set_fraction(sync, rs);
                let allowed_left = to_add - added;
                if to_add > 0 {
                    fraction.min(allowed_left)
                } else {
                    fraction.max(allowed_left)
                }
            } else {
                0
            };
            sizes.push(rs_replicas(rs) + proportion);
            added += proportion;
        }
        if to_add != 0 && to_add != added {
            if let Some(first) = sizes.first_mut() {
                *first = (*first + to_add - added).max(0);
            }
        }
        for (rs, size) in all.iter().zip(sizes) {
            self.scale_replica_set(sim, sync, rs, size);
        }
    }

    /// `getReplicaSetFraction`.
    fn replica_set_fraction(&self, sync: &Sync, rs: &ReplicaSet) -> i32 {
        let replicas = sync.replicas();
        if replicas == 0 {
            return -rs_replicas(rs);
        }
        let deployment_replicas = replicas + max_surge(&sync.deployment);
        let annotated =
            annotation(rs, MAX_REPLICAS_ANNOTATION).unwrap_or_else(|| sync.status.replicas.unwrap_or(0));
        if annotated == 0 {
            return 0;
        }
        let new_size = f64::from(rs_replicas(rs)) * f64::from(deployment_replicas) / f64::from(annotated);
        new_size.round() as i32 - rs_replicas(rs)
    }

    /// `cleanupDeployment`: deletes the oldest ReplicaSets beyond revisionHistoryLimit.
    fn cleanup_deployment(&self, sim: &mut Simulation, sync: &Sync, old: &[ReplicaSet]) {
        let Some(limit) = sync.deployment.spec.as_ref().and_then(|s| s.revision_history_limit) else {
            return;
        };
        let mut cleanable: Vec<&ReplicaSet> =
            old.iter().filter(|rs| rs.metadata.deletion_timestamp.is_none()).collect();
        let diff = cleanable.len() as i64 - i64::from(limit);
        if diff <= 0 {
            return;
        }
        cleanable.sort_by_key(|rs| (revision_of(&rs.metadata), created(rs)));
        for rs in cleanable.into_iter().take(diff as usize) {
            let observed = rs.status.as_ref().and_then(|s| s.observed_generation).unwrap_or(0);
            if rs_status(rs).0 != 0 || rs_replicas(rs) != 0 || rs.metadata.generation.unwrap_or(0) > observed
            {
                continue;
            }
            let name = rs.metadata.name.clone().unwrap_or_default();
            let _ = sim.delete("ReplicaSet", sync.namespace(), &name, DeleteOptions::default());
        }
    }

    /// `calculateStatus`.
    fn calculate_status(&self, sim: &Simulation, sync: &Sync) -> DeploymentStatus {
        let uid = sync.object.uid().to_string();
        let template = sync.spec_template();
        let all: Vec<ReplicaSet> = sim
            .store()
            .list("ReplicaSet", Some(sync.namespace()))
            .filter(|o| controller_of(o).is_some_and(|r| r.uid == uid))
            .filter_map(|o| o.as_replica_set().cloned())
            .collect();
        let new_rs = all.iter().find(|rs| {
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignore_hash(t, &template))
        });
        let available: i32 = all.iter().map(|rs| rs_status(rs).2).sum();
        let total: i32 = all.iter().map(rs_replicas).sum();
        let actual: i32 = all.iter().map(|rs| rs_status(rs).0).sum();
        let ready: i32 = all.iter().map(|rs| rs_status(rs).1).sum();
        let updated = new_rs.map_or(0, |rs| rs_status(rs).0);
        let nonzero = |n: i32| (n > 0).then_some(n);
        let mut status = DeploymentStatus {
            observed_generation: sync.deployment.metadata.generation,
            replicas: nonzero(actual),
            updated_replicas: nonzero(updated),
            ready_replicas: nonzero(ready),
            available_replicas: nonzero(available),
            unavailable_replicas: nonzero((total - available).max(0)),
            collision_count: sync.status.collision_count,
            conditions: sync.status.conditions.clone(),
            terminating_replicas: None,
        };
        let condition = if available >= sync.replicas() - max_unavailable(&sync.deployment) {
            Self::new_condition(
                sim,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            )
        } else {
            Self::new_condition(
                sim,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            )
        };
        set_condition(&mut status, condition);
        status
    }

    /// `DeploymentComplete` against the status the ReplicaSets show now.
    fn deployment_complete_now(&self, sim: &Simulation, sync: &Sync) -> bool {
        let status = self.calculate_status(sim, sync);
        deployment_complete(sync, &status)
    }

    fn sync_status_only(&self, sim: &mut Simulation, mut sync: Sync, _rs_list: &[ReplicaSet]) -> Action {
        sync.status = self.calculate_status(sim, &sync);
        self.write_status(sim, &sync);
        Action::await_change()
    }

    /// `syncRolloutStatus`: the status plus the Progressing condition, and a requeue at the
    /// progress deadline.
    fn sync_rollout_status(&self, sim: &mut Simulation, mut sync: Sync) -> Action {
        let old_status = sync.deployment.status.clone().unwrap_or_default();
        let mut status = self.calculate_status(sim, &sync);
        if sync.progress_deadline().is_none() {
            remove_condition(&mut status, "Progressing");
        }
        let new_rs_name = self.new_rs_name(sim, &sync);
        let current = condition(&status, "Progressing");
        let complete_already = status.replicas == status.updated_replicas
            && current.as_ref().and_then(|c| c.reason.as_deref()) == Some("NewReplicaSetAvailable");
        let mut action = Action::await_change();
        if let Some(deadline) = sync.progress_deadline().filter(|_| !complete_already) {
            let subject = match &new_rs_name {
                Some(name) => format!("ReplicaSet {name:?}"),
                None => format!("Deployment {:?}", sync.name()),
            };
            if deployment_complete(&sync, &status) {
                let c = Self::new_condition(
                    sim,
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    format!("{subject} has successfully progressed."),
                );
                set_condition(&mut status, c);
            } else if deployment_progressing(&old_status, &status) {
                let mut c = Self::new_condition(
                    sim,
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    format!("{subject} is progressing."),
                );
                if let Some(cur) = current.as_ref() {
                    if cur.status == "True" {
                        c.last_transition_time = cur.last_transition_time.clone();
                    }
                    remove_condition(&mut status, "Progressing");
                }
                set_condition(&mut status, c);
                action = Action::requeue(SimDuration::from_secs(u64::try_from(deadline).unwrap_or(0) + 1));
            } else if let Some(cur) = current.as_ref() {
                let reason = cur.reason.as_deref().unwrap_or_default();
                let from = cur.last_update_time.as_ref().map_or(0, |t| t.0.as_second());
                let due = from + i64::from(deadline);
                if reason == "ProgressDeadlineExceeded"
                    || (reason != "NewReplicaSetAvailable" && due < sim.now_unix())
                {
                    let c = Self::new_condition(
                        sim,
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        format!("{subject} has timed out progressing."),
                    );
                    set_condition(&mut status, c);
                } else if reason != "NewReplicaSetAvailable" {
                    action = Action::requeue(SimDuration::from_secs(
                        u64::try_from(due - sim.now_unix()).unwrap_or(0) + 1,
                    ));
                }
            }
        }
        // A copied ReplicaFailure condition would go here; pods failing to be created show on
        // the ReplicaSet's own events.
        sync.status = status;
        self.write_status(sim, &sync);
        action
    }

    fn new_rs_name(&self, sim: &Simulation, sync: &Sync) -> Option<String> {
        let uid = sync.object.uid().to_string();
        let template = sync.spec_template();
        sim.store()
            .list("ReplicaSet", Some(sync.namespace()))
            .filter(|o| controller_of(o).is_some_and(|r| r.uid == uid))
            .filter_map(|o| o.as_replica_set())
            .find(|rs| {
                rs.spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .is_some_and(|t| equal_ignore_hash(t, &template))
            })
            .and_then(|rs| rs.metadata.name.clone())
    }

    /// Writes the Deployment's annotations (revision) and status, if they changed.
    fn write_status(&self, sim: &mut Simulation, sync: &Sync) {
        let Some(live) = sim
            .store()
            .get("Deployment", sync.namespace(), sync.name())
            .and_then(|o| o.as_deployment())
            .cloned()
        else {
            return;
        };
        let mut updated = live.clone();
        if sync.annotations_changed {
            updated.metadata.annotations = sync.deployment.metadata.annotations.clone();
        }
        // Conditions keep their times when nothing else about them changed.
        let mut status = sync.status.clone();
        if let (Some(new), Some(old)) =
            (status.conditions.as_mut(), live.status.as_ref().and_then(|s| s.conditions.as_ref()))
        {
            for c in new.iter_mut() {
                if let Some(o) = old.iter().find(|o| {
                    o.type_ == c.type_
                        && o.status == c.status
                        && o.reason == c.reason
                        && o.message == c.message
                }) {
                    if c.last_update_time != o.last_update_time
                        && c.last_transition_time == o.last_transition_time
                    {
                        // A genuine progress update keeps its new time.
                        continue;
                    }
                    *c = o.clone();
                }
            }
        }
        updated.status = Some(status);
        if updated == live {
            return;
        }
        updated.metadata.resource_version = None;
        let _ = sim.update(Object::from(updated));
    }
}

/// `DeploymentComplete`.
fn deployment_complete(sync: &Sync, status: &DeploymentStatus) -> bool {
    let replicas = sync.replicas();
    status.updated_replicas.unwrap_or(0) == replicas
        && status.replicas.unwrap_or(0) == replicas
        && status.available_replicas.unwrap_or(0) == replicas
        && status.observed_generation.unwrap_or(0) >= sync.deployment.metadata.generation.unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, ready or available pods, or fewer old ones.
fn deployment_progressing(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    let get = |v: Option<i32>| v.unwrap_or(0);
    let old_old = get(old.replicas) - get(old.updated_replicas);
    let new_old = get(new.replicas) - get(new.updated_replicas);
    get(new.updated_replicas) > get(old.updated_replicas)
        || new_old < old_old
        || get(new.ready_replicas) > get(old.ready_replicas)
        || get(new.available_replicas) > get(old.available_replicas)
}

impl Reconciler for DeploymentController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "Deployment" => vec![ObjectKey::of(object)],
            "ReplicaSet" => {
                if let Some(owner) = owner_key(object, "Deployment") {
                    return vec![owner];
                }
                if event.event_type == WatchEventType::Deleted {
                    return Vec::new();
                }
                sim.store()
                    .list("Deployment", Some(object.namespace()))
                    .filter(|d| {
                        d.as_deployment().and_then(|d| d.spec.as_ref()).is_some_and(|s| {
                            !selector::is_empty(&s.selector)
                                && selector::matches(&s.selector, object.labels())
                        })
                    })
                    .map(|d| ObjectKey::of(d))
                    .collect()
            }
            // Recreate waits for the old pods to be gone (`deletePod`).
            "Pod" if event.event_type == WatchEventType::Deleted => {
                let Some(rs_key) = owner_key(object, "ReplicaSet") else { return Vec::new() };
                sim.store()
                    .get("ReplicaSet", &rs_key.namespace, &rs_key.name)
                    .and_then(|rs| owner_key(rs, "Deployment"))
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_deployment(sim, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenceposts_round_surge_up_and_unavailable_down() {
        let pct = |s: &str| IntOrString::String(s.into());
        let cases = [(3, (1, 0)), (4, (1, 1)), (10, (3, 2)), (1, (1, 0))];
        for (replicas, expected) in cases {
            assert_eq!(
                resolve_fenceposts(Some(&pct("25%")), Some(&pct("25%")), replicas),
                expected,
                "replicas {replicas}"
            );
        }
        assert_eq!(resolve_fenceposts(Some(&IntOrString::Int(0)), Some(&IntOrString::Int(0)), 3), (0, 1));
    }

    #[test]
    fn pod_template_hash_uses_the_safe_alphabet() {
        let hash = compute_hash(&PodTemplateSpec::default(), None);
        assert!((9..=10).contains(&hash.len()), "{hash}");
        assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
        assert_ne!(hash, compute_hash(&PodTemplateSpec::default(), Some(1)));
    }
}
