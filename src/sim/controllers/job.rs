//! The Job controller (`pkg/controller/job/job_controller.go`) and the TTL-after-finished
//! controller (`pkg/controller/ttlafterfinished`).
//!
//! `sync_job` counts finished pods once each (upstream tracks them with finalizers; the
//! controller here remembers the uids it counted), applies the podFailurePolicy, checks
//! activeDeadlineSeconds and backoffLimit, then `manage_job` creates pods up to parallelism
//! (Indexed jobs one per pending index) after the pod-failure back-off, or deletes surplus
//! ones. Finishing takes two steps as in v1.31+: `SuccessCriteriaMet`/`FailureTarget` first,
//! `Complete`/`Failed` once no pod is left running.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus, UncountedTerminatedPods};
use k8s_openapi::api::core::v1::{EnvVar, Pod};

use super::pod_control::{create_pod, delete_pod, normal_event, pod_from_template, warning_event};
use super::replica_set::slow_start_batch;
use super::{controller_of, is_pod_ready, owner_key, pod_phase, Action, Reconciler};
use crate::sim::api::store::timestamp;
use crate::sim::api::{DeleteOptions, Object, ObjectKey, Propagation, WatchEvent};
use crate::sim::{SimDuration, Simulation};

/// The component name of the Job controller's events.
pub const COMPONENT: &str = "job-controller";
/// The first pod-failure back-off (`DefaultJobPodFailureBackOff`).
pub const POD_FAILURE_BACKOFF: SimDuration = SimDuration::from_secs(10);
/// The longest pod-failure back-off (`MaxJobPodFailureBackOff`).
pub const MAX_POD_FAILURE_BACKOFF: SimDuration = SimDuration::from_mins(10);
/// The annotation and label carrying an Indexed Job pod's index.
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";

/// What the controller remembers about one Job between syncs.
#[derive(Clone, Debug, Default)]
struct Tracking {
    counted: BTreeSet<String>,
    completed_indexes: BTreeSet<i32>,
    failures_since_success: u32,
    last_failure_unix: i64,
}

/// The Job controller.
#[derive(Clone, Debug, Default)]
pub struct JobController {
    tracking: BTreeMap<String, Tracking>,
}

fn condition_true(status: &JobStatus, kind: &str) -> Option<JobCondition> {
    status.conditions.as_ref()?.iter().find(|c| c.type_ == kind && c.status == "True").cloned()
}

fn set_condition(
    sim: &Simulation,
    status: &mut JobStatus,
    kind: &str,
    value: &str,
    reason: &str,
    message: &str,
) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    if let Some(c) = conditions.iter_mut().find(|c| c.type_ == kind) {
        if c.status == value && c.reason.as_deref() == Some(reason) {
            return;
        }
        let now = timestamp(sim.now_unix());
        c.status = value.into();
        c.reason = Some(reason.into());
        c.message = Some(message.into());
        c.last_probe_time = Some(now.clone());
        c.last_transition_time = Some(now);
        return;
    }
    let now = timestamp(sim.now_unix());
    conditions.push(JobCondition {
        type_: kind.into(),
        status: value.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_probe_time: Some(now.clone()),
        last_transition_time: Some(now),
    });
}

/// The index of an Indexed Job's pod.
fn pod_index(pod: &Pod) -> Option<i32> {
    pod.metadata.annotations.as_ref()?.get(COMPLETION_INDEX)?.parse().ok()
}

/// `0-2,4`: the compressed form of `completedIndexes`.
pub fn format_indexes(indexes: &BTreeSet<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = indexes.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        parts.push(if end == start { start.to_string() } else { format!("{start}-{end}") });
    }
    parts.join(",")
}

fn parse_indexes(text: &str) -> BTreeSet<i32> {
    let mut set = BTreeSet::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<i32>(), b.parse::<i32>()) {
                    set.extend(a..=b);
                }
            }
            None => set.extend(part.parse::<i32>().ok()),
        }
    }
    set
}

/// The exit code of the first terminated container (optionally the named one).
fn exit_code(pod: &Pod, container: Option<&str>) -> Option<(String, i32)> {
    pod.status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .iter()
        .filter(|c| container.is_none_or(|n| c.name == n))
        .find_map(|c| {
            let terminated = c.state.as_ref()?.terminated.as_ref()?;
            (terminated.exit_code != 0).then(|| (c.name.clone(), terminated.exit_code))
        })
}

/// A podFailurePolicy match: the action, the rule's index, and the container and exit code.
type PolicyMatch = (String, usize, Option<(String, i32)>);

/// What the podFailurePolicy says about a failed pod: the action and the matching rule.
fn match_pod_failure_policy(job: &Job, pod: &Pod) -> Option<PolicyMatch> {
    let rules = job.spec.as_ref()?.pod_failure_policy.as_ref()?.rules.clone();
    for (index, rule) in rules.iter().enumerate() {
        if let Some(req) = rule.on_exit_codes.as_ref() {
            if let Some((name, code)) = exit_code(pod, req.container_name.as_deref()) {
                let listed = req.values.contains(&code);
                let hit = if req.operator == "In" { listed } else { !listed };
                if hit {
                    return Some((rule.action.clone(), index, Some((name, code))));
                }
            }
        }
        for pattern in rule.on_pod_conditions.iter().flatten() {
            let want = pattern.status.as_deref().unwrap_or("True");
            let hit = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == pattern.type_ && c.status == want));
            if hit {
                return Some((rule.action.clone(), index, None));
            }
        }
    }
    None
}

impl JobController {
    /// `syncJob`.
    fn sync_job(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("Job", &key.namespace, &key.name).cloned() else {
            return Action::await_change();
        };
        let Some(job) = object.as_job().cloned() else { return Action::await_change() };
        let uid = object.uid().to_string();
        let mut status = job.status.clone().unwrap_or_default();
        if condition_true(&status, "Complete").is_some() || condition_true(&status, "Failed").is_some() {
            return Action::await_change();
        }
        let spec = job.spec.clone().unwrap_or_default();
        let indexed = spec.completion_mode.as_deref() == Some("Indexed");
        let pods: Vec<Rc<Object>> = sim
            .store()
            .list("Pod", Some(&key.namespace))
            .filter(|p| controller_of(p).is_some_and(|r| r.uid == uid))
            .cloned()
            .collect();
        let tracking = self.tracking.entry(uid.clone()).or_default();
        if tracking.completed_indexes.is_empty() {
            tracking.completed_indexes =
                parse_indexes(status.completed_indexes.as_deref().unwrap_or_default());
        }
        let mut succeeded = status.succeeded.unwrap_or(0);
        let mut failed = status.failed.unwrap_or(0);
        let mut failure: Option<(String, String)> = None;
        for pod in pods.iter().filter_map(|p| p.as_pod()) {
            let pod_uid = pod.metadata.uid.clone().unwrap_or_default();
            if tracking.counted.contains(&pod_uid) {
                continue;
            }
            match pod_phase(pod) {
                "Succeeded" => {
                    tracking.counted.insert(pod_uid);
                    tracking.failures_since_success = 0;
                    if indexed {
                        if let Some(index) = pod_index(pod) {
                            if tracking.completed_indexes.insert(index) {
                                succeeded += 1;
                            }
                        }
                    } else {
                        succeeded += 1;
                    }
                }
                "Failed" => {
                    tracking.counted.insert(pod_uid);
                    match match_pod_failure_policy(&job, pod) {
                        Some((action, _, _)) if action == "Ignore" => continue,
                        Some((action, rule, code)) if action == "FailJob" => {
                            let pod_name = format!(
                                "{}/{}",
                                key.namespace,
                                pod.metadata.name.clone().unwrap_or_default()
                            );
                            let message = match code {
                                Some((container, code)) => format!(
                                    "Container {container} for pod {pod_name} failed with exit code {code} matching FailJob rule at index {rule}"
                                ),
                                None => format!("Pod {pod_name} has condition matching FailJob rule at index {rule}"),
                            };
                            failure.get_or_insert(("PodFailurePolicy".into(), message));
                        }
                        _ => {}
                    }
                    failed += 1;
                    tracking.failures_since_success += 1;
                    tracking.last_failure_unix = sim.now_unix();
                }
                _ => {}
            }
        }
        let completed_indexes = tracking.completed_indexes.clone();
        let failures_since_success = tracking.failures_since_success;
        let last_failure = tracking.last_failure_unix;
        let active: Vec<&Pod> =
            pods.iter().filter_map(|p| p.as_pod()).filter(|p| super::is_pod_active(p)).collect();
        let now = sim.now_unix();
        let suspended = spec.suspend == Some(true);

        // Suspension.
        if suspended {
            if condition_true(&status, "Suspended").is_none() {
                set_condition(sim, &mut status, "Suspended", "True", "JobSuspended", "Job suspended");
                normal_event(sim, &object, "Suspended", "Job suspended".into(), COMPONENT);
            }
            for pod in &active {
                delete_pod(
                    sim,
                    &object,
                    &key.namespace,
                    pod.metadata.name.as_deref().unwrap_or_default(),
                    COMPONENT,
                );
            }
            status.start_time = None;
        } else if status.conditions.iter().flatten().any(|c| c.type_ == "Suspended" && c.status == "True") {
            set_condition(sim, &mut status, "Suspended", "False", "JobResumed", "Job resumed");
            normal_event(sim, &object, "Resumed", "Job resumed".into(), COMPONENT);
        }
        if !suspended && status.start_time.is_none() {
            status.start_time = Some(timestamp(now));
        }
        let started = status.start_time.as_ref().map_or(now, |t| t.0.as_second());

        // Failure: policy, deadline, back-off limit.
        let backoff_limit = spec.backoff_limit.unwrap_or(6);
        let on_failure =
            spec.template.spec.as_ref().and_then(|s| s.restart_policy.as_deref()) == Some("OnFailure");
        let restarts: i32 = active
            .iter()
            .flat_map(|p| p.status.iter().flat_map(|s| s.container_statuses.iter().flatten()))
            .map(|c| c.restart_count)
            .sum();
        let mut requeue = Action::await_change();
        if failure.is_none() && condition_true(&status, "FailureTarget").is_none() {
            if let Some(deadline) = spec.active_deadline_seconds.filter(|_| !suspended) {
                if started + deadline <= now {
                    failure = Some((
                        "DeadlineExceeded".into(),
                        "Job was active longer than specified deadline".into(),
                    ));
                } else {
                    requeue = Action::requeue(SimDuration::from_secs((started + deadline - now) as u64));
                }
            }
            if failure.is_none()
                && (failed > backoff_limit
                    || (on_failure && backoff_limit > 0 && restarts >= backoff_limit)
                    || (on_failure && backoff_limit == 0 && restarts > 0))
            {
                failure = Some((
                    "BackoffLimitExceeded".into(),
                    "Job has reached the specified backoff limit".into(),
                ));
            }
        }
        if let Some((reason, message)) = failure {
            set_condition(sim, &mut status, "FailureTarget", "True", &reason, &message);
        }
        if let Some(target) = condition_true(&status, "FailureTarget") {
            for pod in &active {
                delete_pod(
                    sim,
                    &object,
                    &key.namespace,
                    pod.metadata.name.as_deref().unwrap_or_default(),
                    COMPONENT,
                );
            }
            let still_running = pods
                .iter()
                .filter_map(|p| sim.store().get("Pod", p.namespace(), p.name()).cloned())
                .any(|p| p.as_pod().is_some_and(|pod| !matches!(pod_phase(pod), "Succeeded" | "Failed")));
            if !still_running {
                let reason = target.reason.clone().unwrap_or_default();
                let message = target.message.clone().unwrap_or_default();
                set_condition(sim, &mut status, "Failed", "True", &reason, &message);
                warning_event(sim, &object, &reason, message, COMPONENT);
            }
            return self.write_status(
                sim,
                &object,
                status,
                0,
                &active,
                succeeded,
                failed,
                indexed,
                &completed_indexes,
            );
        }

        // Success.
        let completions = spec.completions;
        let done = match completions {
            Some(c) if indexed => (0..c).all(|i| completed_indexes.contains(&i)),
            Some(c) => succeeded >= c,
            None => succeeded > 0 && active.is_empty(),
        };
        if done || condition_true(&status, "SuccessCriteriaMet").is_some() {
            set_condition(
                sim,
                &mut status,
                "SuccessCriteriaMet",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            );
            for pod in &active {
                delete_pod(
                    sim,
                    &object,
                    &key.namespace,
                    pod.metadata.name.as_deref().unwrap_or_default(),
                    COMPONENT,
                );
            }
            let still_running = pods
                .iter()
                .filter_map(|p| sim.store().get("Pod", p.namespace(), p.name()).cloned())
                .any(|p| p.as_pod().is_some_and(|pod| !matches!(pod_phase(pod), "Succeeded" | "Failed")));
            if !still_running {
                set_condition(
                    sim,
                    &mut status,
                    "Complete",
                    "True",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods",
                );
                status.completion_time = Some(timestamp(now));
                normal_event(sim, &object, "Completed", "Job completed".into(), COMPONENT);
            }
            return self.write_status(
                sim,
                &object,
                status,
                0,
                &active,
                succeeded,
                failed,
                indexed,
                &completed_indexes,
            );
        }
        if suspended {
            return self.write_status(
                sim,
                &object,
                status,
                0,
                &[],
                succeeded,
                failed,
                indexed,
                &completed_indexes,
            );
        }

        // manageJob
        let parallelism = spec.parallelism.unwrap_or(1);
        let mut created = 0;
        let pending_indexes: Vec<i32> = match completions {
            Some(c) if indexed => {
                let running: BTreeSet<i32> = active.iter().filter_map(|p| pod_index(p)).collect();
                (0..c).filter(|i| !completed_indexes.contains(i) && !running.contains(i)).collect()
            }
            _ => Vec::new(),
        };
        let want_active = match completions {
            None if succeeded > 0 => 0,
            None => parallelism,
            Some(c) if indexed => parallelism.min(c - completed_indexes.len() as i32),
            Some(c) => parallelism.min(c - succeeded),
        }
        .max(0);
        let diff = want_active - active.len() as i32;
        if diff > 0 {
            let backoff = if failures_since_success == 0 {
                SimDuration::ZERO
            } else {
                let factor = 1u64 << (failures_since_success - 1).min(20);
                SimDuration::from_millis(
                    (POD_FAILURE_BACKOFF.as_millis() * factor).min(MAX_POD_FAILURE_BACKOFF.as_millis()),
                )
            };
            let ready_at = last_failure + backoff.as_secs() as i64;
            if failures_since_success > 0 && ready_at > now {
                requeue = requeue.sooner(Action::requeue(SimDuration::from_secs((ready_at - now) as u64)));
            } else {
                let mut indexes = pending_indexes.into_iter();
                let name = key.name.clone();
                created = slow_start_batch(i64::from(diff), 1, || {
                    let index = if indexed { indexes.next() } else { None };
                    if indexed && index.is_none() {
                        return true;
                    }
                    let prefix = match index {
                        Some(i) => format!("{name}-{i}-"),
                        None => format!("{name}-"),
                    };
                    let mut pod = pod_from_template(&spec.template, &object, &prefix);
                    if let Some(i) = index {
                        let value = i.to_string();
                        pod.metadata
                            .annotations
                            .get_or_insert_with(BTreeMap::new)
                            .insert(COMPLETION_INDEX.into(), value.clone());
                        pod.metadata
                            .labels
                            .get_or_insert_with(BTreeMap::new)
                            .insert(COMPLETION_INDEX.into(), value.clone());
                        if let Some(pod_spec) = pod.spec.as_mut() {
                            pod_spec.hostname = Some(format!("{name}-{i}"));
                            for container in pod_spec
                                .containers
                                .iter_mut()
                                .chain(pod_spec.init_containers.iter_mut().flatten())
                            {
                                container.env.get_or_insert_with(Vec::new).push(EnvVar {
                                    name: "JOB_COMPLETION_INDEX".into(),
                                    value: None,
                                    value_from: Some(k8s_openapi::api::core::v1::EnvVarSource {
                                        field_ref: Some(k8s_openapi::api::core::v1::ObjectFieldSelector {
                                            api_version: Some("v1".into()),
                                            field_path: format!("metadata.annotations['{COMPLETION_INDEX}']"),
                                        }),
                                        ..Default::default()
                                    }),
                                });
                            }
                        }
                    }
                    create_pod(sim, &object, pod, COMPONENT).is_ok()
                }) as i32;
            }
        } else if diff < 0 {
            let mut surplus: Vec<&Pod> = active.clone();
            surplus.sort_by_key(|p| std::cmp::Reverse(p.metadata.creation_timestamp.as_ref().map(|t| t.0)));
            for pod in surplus.into_iter().take((-diff) as usize) {
                delete_pod(
                    sim,
                    &object,
                    &key.namespace,
                    pod.metadata.name.as_deref().unwrap_or_default(),
                    COMPONENT,
                );
            }
        }
        let action = self.write_status(
            sim,
            &object,
            status,
            created,
            &active,
            succeeded,
            failed,
            indexed,
            &completed_indexes,
        );
        requeue.sooner(action)
    }

    #[allow(clippy::too_many_arguments)]
    fn write_status(
        &self,
        sim: &mut Simulation,
        object: &Object,
        mut status: JobStatus,
        created: i32,
        active: &[&Pod],
        succeeded: i32,
        failed: i32,
        indexed: bool,
        completed_indexes: &BTreeSet<i32>,
    ) -> Action {
        let still_active: Vec<&&Pod> = active
            .iter()
            .filter(|p| {
                let name = p.metadata.name.as_deref().unwrap_or_default();
                sim.store()
                    .get("Pod", object.namespace(), name)
                    .and_then(|o| o.as_pod().cloned())
                    .is_some_and(|p| super::is_pod_active(&p))
            })
            .collect();
        let active_count = still_active.len() as i32 + created;
        let ready = still_active.iter().filter(|p| is_pod_ready(p)).count() as i32;
        let nonzero = |n: i32| (n > 0).then_some(n);
        status.active = nonzero(active_count);
        status.ready = Some(ready);
        status.succeeded = nonzero(succeeded);
        status.failed = nonzero(failed);
        status.terminating = Some(0);
        status.uncounted_terminated_pods = Some(UncountedTerminatedPods::default());
        if indexed {
            status.completed_indexes = Some(format_indexes(completed_indexes));
        }
        let Some(mut job) = object.as_job().cloned() else { return Action::await_change() };
        if job.status.as_ref() == Some(&status) {
            return Action::await_change();
        }
        job.status = Some(status);
        job.metadata.resource_version = None;
        let _ = sim.update(Object::from(job));
        Action::await_change()
    }
}

impl Reconciler for JobController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "Job" => vec![ObjectKey::of(object)],
            "Pod" => owner_key(object, "Job").into_iter().collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let action = self.sync_job(sim, key);
        if sim.store().get("Job", &key.namespace, &key.name).is_none() {
            let live: BTreeSet<String> = sim.store().list("Job", None).map(|j| j.uid().to_string()).collect();
            self.tracking.retain(|uid, _| live.contains(uid));
        }
        action
    }
}

/// Deletes finished Jobs `ttlSecondsAfterFinished` after they finished, with their pods.
#[derive(Clone, Debug, Default)]
pub struct TtlAfterFinishedController;

impl Reconciler for TtlAfterFinishedController {
    fn name(&self) -> &'static str {
        "ttl-after-finished-controller"
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        (event.object.kind() == "Job").then(|| ObjectKey::of(&event.object)).into_iter().collect()
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(job) = sim.store().get("Job", &key.namespace, &key.name).and_then(|o| o.as_job().cloned())
        else {
            return Action::await_change();
        };
        let Some(ttl) = job.spec.as_ref().and_then(|s| s.ttl_seconds_after_finished) else {
            return Action::await_change();
        };
        let status = job.status.clone().unwrap_or_default();
        let finished = condition_true(&status, "Complete").or_else(|| condition_true(&status, "Failed"));
        let Some(finished) = finished else { return Action::await_change() };
        let at = finished.last_transition_time.as_ref().map_or(0, |t| t.0.as_second()) + i64::from(ttl);
        let now = sim.now_unix();
        if at > now {
            return Action::requeue(SimDuration::from_secs((at - now) as u64));
        }
        let _ = sim.delete(
            "Job",
            &key.namespace,
            &key.name,
            DeleteOptions { grace_period_seconds: None, propagation: Propagation::Background },
        );
        Action::await_change()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_indexes_are_written_as_ranges() {
        let set: BTreeSet<i32> = [0, 1, 2, 4, 6, 7].into_iter().collect();
        assert_eq!(format_indexes(&set), "0-2,4,6-7");
        assert_eq!(parse_indexes("0-2,4,6-7"), set);
    }
}
