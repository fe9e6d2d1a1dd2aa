//! The CronJob controller (`pkg/controller/cronjob/cronjob_controllerv2.go`, `utils.go`):
//! tracks its Jobs in `status.active`, trims finished ones to the history limits, and at each
//! due schedule time (the most recent one only; `startingDeadlineSeconds` bounds how late)
//! creates the Job `<cronjob>-<minutes since epoch>`, obeying `concurrencyPolicy`. It requeues
//! itself 100 ms after the next schedule time.

use std::rc::Rc;

use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::cron::Schedule;
use super::cron_job_zone;
use super::pod_control::{normal_event, warning_event};
use super::{controller_of, controller_ref, owner_key, Action, Reconciler};
use crate::sim::api::store::timestamp;
use crate::sim::api::{ApiError, DeleteOptions, Object, ObjectKey, Propagation, WatchEvent};
use crate::sim::time::{civil_from_days, rfc3339};
use crate::sim::{SimDuration, Simulation};

/// The component name of the controller's events.
pub const COMPONENT: &str = "cronjob-controller";
/// The annotation recording which schedule time a Job was made for.
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// The CronJob controller.
#[derive(Clone, Debug, Default)]
pub struct CronJobController;

/// Whether a Job finished, and how (`Complete` / `Failed`).
fn finished(job: &Job) -> Option<&'static str> {
    let conditions = job.status.as_ref()?.conditions.as_ref()?;
    for (kind, word) in [("Complete", "Complete"), ("Failed", "Failed")] {
        if conditions.iter().any(|c| c.type_ == kind && c.status == "True") {
            return Some(word);
        }
    }
    None
}

/// Go's RFC1123Z layout: `Mon, 02 Jan 2006 15:04:05 -0700`.
/// The latest UTC minute in `(after, up_to]` whose wall-clock time in `zone` matches, and how
/// many matched. Wall-clock times skipped by a daylight-saving jump do not run, and an hour
/// repeated when clocks go back runs twice.
fn most_recent_in(
    schedule: &Schedule,
    zone: cron_job_zone::Zone,
    after: i64,
    up_to: i64,
) -> (Option<i64>, u64) {
    let mut latest = None;
    let mut count = 0;
    for m in after + 1..=up_to {
        if schedule.matches(zone.local_minute(m)) {
            latest = Some(m);
            count += 1;
        }
    }
    (latest, count)
}

fn rfc1123z(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let rem = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [(m as usize).saturating_sub(1) % 12];
    format!("{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} +0000", rem / 3600, (rem / 60) % 60, rem % 60)
}

impl CronJobController {
    /// `syncCronJob`.
    fn sync_cron_job(&self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("CronJob", &key.namespace, &key.name).cloned() else {
            return Action::await_change();
        };
        let Some(cron_job) = object.as_cron_job().cloned() else { return Action::await_change() };
        let spec = &cron_job.spec;
        let mut status = cron_job.status.clone().unwrap_or_default();
        let jobs: Vec<Job> = sim
            .store()
            .list("Job", Some(&key.namespace))
            .filter(|j| controller_of(j).is_some_and(|r| r.uid == object.uid()))
            .filter_map(|j| j.as_job().cloned())
            .collect();

        // Reconcile status.active with the Jobs that exist.
        let mut active: Vec<ObjectReference> = Vec::new();
        for reference in status.active.clone().unwrap_or_default() {
            let name = reference.name.clone().unwrap_or_default();
            match jobs.iter().find(|j| j.metadata.name.as_deref() == Some(name.as_str())) {
                Some(job) => match finished(job) {
                    Some(how) => {
                        normal_event(
                            sim,
                            &object,
                            "SawCompletedJob",
                            format!("Saw completed job: {name}, status: {how}"),
                            COMPONENT,
                        );
                        if how == "Complete" {
                            status.last_successful_time =
                                job.status.as_ref().and_then(|s| s.completion_time.clone());
                        }
                    }
                    None => active.push(reference),
                },
                None => normal_event(
                    sim,
                    &object,
                    "MissingJob",
                    format!("Active job went missing: {name}"),
                    COMPONENT,
                ),
            }
        }
        for job in jobs.iter().filter(|j| finished(j).is_none()) {
            if !active.iter().any(|r| r.uid == job.metadata.uid) {
                active.push(job_reference(job));
            }
        }

        // History limits: delete the oldest finished Jobs beyond them.
        for (how, limit) in [
            ("Complete", spec.successful_jobs_history_limit.unwrap_or(3)),
            ("Failed", spec.failed_jobs_history_limit.unwrap_or(1)),
        ] {
            let mut done: Vec<&Job> = jobs.iter().filter(|j| finished(j) == Some(how)).collect();
            done.sort_by_key(|j| {
                (j.status.as_ref().and_then(|s| s.start_time.as_ref()).map(|t| t.0), j.metadata.name.clone())
            });
            let surplus = done.len().saturating_sub(usize::try_from(limit.max(0)).unwrap_or(0));
            for job in done.into_iter().take(surplus) {
                self.delete_job(sim, &object, job);
            }
        }

        let now = sim.now_unix();
        let now_minute = now.div_euclid(60);
        let result = self.schedule(sim, &object, &cron_job, &mut active, &mut status, now);
        status.active = (!active.is_empty()).then_some(active);
        let mut updated = cron_job.clone();
        if updated.status.as_ref() != Some(&status) {
            updated.status = Some(status);
            updated.metadata.resource_version = None;
            let _ = sim.update(Object::from(updated));
        }
        match result {
            // The next UTC minute whose wall-clock time in the zone matches.
            Some((schedule, zone)) => match (now_minute + 1..now_minute + 5 * 366 * 24 * 60)
                .find(|m| schedule.matches(zone.local_minute(*m)))
            {
                Some(next) => {
                    Action::requeue(SimDuration::from_millis(((next * 60 - now) * 1000 + 100) as u64))
                }
                None => Action::await_change(),
            },
            None => Action::await_change(),
        }
    }

    /// Starts the Job due now, if any. Returns the schedule and its zone, to requeue by.
    fn schedule(
        &self,
        sim: &mut Simulation,
        object: &Rc<Object>,
        cron_job: &CronJob,
        active: &mut Vec<ObjectReference>,
        status: &mut k8s_openapi::api::batch::v1::CronJobStatus,
        now: i64,
    ) -> Option<(Schedule, cron_job_zone::Zone)> {
        let spec = &cron_job.spec;
        let zone = match spec.time_zone.as_deref() {
            None => cron_job_zone::lookup("UTC"),
            Some(name) => cron_job_zone::lookup(name),
        };
        let Some(zone) = zone else {
            let zone = spec.time_zone.as_deref().unwrap_or_default();
            warning_event(
                sim,
                object,
                "UnknownTimeZone",
                format!("invalid timeZone: {zone:?}: unknown time zone {zone}"),
                COMPONENT,
            );
            return None;
        };
        let schedule = match Schedule::parse(&spec.schedule) {
            Ok(s) => s,
            Err(error) => {
                warning_event(
                    sim,
                    object,
                    "UnparseableSchedule",
                    format!("unparseable schedule: {:?} : {error}", spec.schedule),
                    COMPONENT,
                );
                return None;
            }
        };
        if cron_job.metadata.deletion_timestamp.is_some() || spec.suspend == Some(true) {
            return Some((schedule, zone));
        }
        let created = cron_job.metadata.creation_timestamp.as_ref().map_or(0, |t| t.0.as_second());
        let mut earliest = status.last_schedule_time.as_ref().map_or(created, |t| t.0.as_second());
        if let Some(deadline) = spec.starting_deadline_seconds {
            earliest = earliest.max(now - deadline);
        }
        let (latest, missed) = most_recent_in(&schedule, zone, earliest.div_euclid(60), now.div_euclid(60));
        let Some(minute) = latest else { return Some((schedule, zone)) };
        let scheduled = minute * 60;
        if missed > 100 {
            warning_event(sim, object, "TooManyMissedTimes", format!("too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew"), COMPONENT);
        }
        if spec.starting_deadline_seconds.is_some_and(|d| scheduled + d < now) {
            warning_event(
                sim,
                object,
                "MissSchedule",
                format!("Missed scheduled time to start a job: {}", rfc1123z(scheduled)),
                COMPONENT,
            );
            return Some((schedule, zone));
        }
        let policy = spec.concurrency_policy.as_deref().unwrap_or("Allow");
        if policy == "Forbid" && !active.is_empty() {
            normal_event(
                sim,
                object,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
                COMPONENT,
            );
            return Some((schedule, zone));
        }
        if policy == "Replace" {
            for reference in std::mem::take(active) {
                let name = reference.name.clone().unwrap_or_default();
                if let Some(job) =
                    sim.store().get("Job", object.namespace(), &name).and_then(|o| o.as_job().cloned())
                {
                    self.delete_job(sim, object, &job);
                }
            }
        }
        let name = format!("{}-{}", object.name(), minute);
        let template = &spec.job_template;
        let template_meta = template.metadata.clone().unwrap_or_default();
        let mut annotations = template_meta.annotations.unwrap_or_default();
        annotations.insert(SCHEDULED_TIMESTAMP_ANNOTATION.into(), rfc3339(scheduled));
        let job = Job {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(object.namespace().into()),
                labels: template_meta.labels,
                annotations: Some(annotations),
                owner_references: Some(vec![controller_ref(object)]),
                ..Default::default()
            },
            spec: template.spec.clone(),
            status: None,
        };
        match sim.create(Object::from(job)) {
            Ok(created) => {
                normal_event(sim, object, "SuccessfulCreate", format!("Created job {name}"), COMPONENT);
                if let Some(job) = created.as_job() {
                    active.push(job_reference(job));
                }
                status.last_schedule_time = Some(timestamp(scheduled));
            }
            Err(ApiError::AlreadyExists { .. }) => {
                status.last_schedule_time = Some(timestamp(scheduled));
            }
            Err(error) => {
                warning_event(
                    sim,
                    object,
                    "FailedCreate",
                    format!("Error creating job: {}", error.message()),
                    COMPONENT,
                );
            }
        }
        Some((schedule, zone))
    }

    fn delete_job(&self, sim: &mut Simulation, owner: &Object, job: &Job) {
        let name = job.metadata.name.clone().unwrap_or_default();
        let options = DeleteOptions { grace_period_seconds: None, propagation: Propagation::Background };
        if sim.delete("Job", owner.namespace(), &name, options).is_ok() {
            normal_event(sim, owner, "SuccessfulDelete", format!("Deleted job {name}"), COMPONENT);
        }
    }
}

fn job_reference(job: &Job) -> ObjectReference {
    ObjectReference {
        api_version: Some("batch/v1".into()),
        kind: Some("Job".into()),
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace.clone(),
        uid: job.metadata.uid.clone(),
        resource_version: job.metadata.resource_version.clone(),
        field_path: None,
    }
}

impl Reconciler for CronJobController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "CronJob" => vec![ObjectKey::of(object)],
            "Job" => owner_key(object, "CronJob").into_iter().collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_cron_job(sim, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123z_matches_go() {
        assert_eq!(rfc1123z(1_767_225_600), "Thu, 01 Jan 2026 00:00:00 +0000");
    }
}
