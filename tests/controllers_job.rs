//! The Job and TTL-after-finished controllers against a fake kubelet (pods start 2 s after
//! creation and, for images named `exit-N`, exit with N 3 s later).

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, wait};
use k8s_openapi::api::batch::v1::JobStatus;
use podlab::sim::Simulation;

fn job(name: &str, spec: &str, image: &str) -> String {
    format!(
        "
apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
{spec}
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: main, image: '{image}'}}]
"
    )
}

fn status(sim: &Simulation, name: &str) -> JobStatus {
    sim.store().get("Job", "default", name).and_then(|o| o.as_job()?.status.clone()).unwrap_or_default()
}

fn conditions(sim: &Simulation, name: &str) -> Vec<(String, String, String)> {
    status(sim, name)
        .conditions
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.status == "True")
        .map(|c| (c.type_, c.reason.unwrap_or_default(), c.message.unwrap_or_default()))
        .collect()
}

fn pods_of(sim: &Simulation, prefix: &str) -> Vec<String> {
    sim.store()
        .list("Pod", Some("default"))
        .filter(|p| p.name().starts_with(prefix))
        .map(|p| p.name().to_string())
        .collect()
}

#[test]
fn a_job_runs_its_completions_parallelism_at_a_time_then_completes() {
    let mut sim = cluster();
    apply(&mut sim, &job("pi", "  completions: 4\n  parallelism: 2", "perl:exit-0"));
    wait(&mut sim, 1);
    assert_eq!(status(&sim, "pi").active, Some(2));
    let pods = pods_of(&sim, "pi-");
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p.len() == "pi-".len() + 5), "{pods:?}");
    // Two waves of 2 + 3 seconds.
    wait(&mut sim, 12);
    let s = status(&sim, "pi");
    assert_eq!((s.succeeded, s.active, s.failed), (Some(4), None, None));
    let reached = "Reached expected number of succeeded pods".to_string();
    assert_eq!(
        conditions(&sim, "pi"),
        [
            ("SuccessCriteriaMet".into(), "CompletionsReached".into(), reached.clone()),
            ("Complete".into(), "CompletionsReached".into(), reached)
        ]
    );
    assert!(s.completion_time.is_some() && s.start_time.is_some());
    let events = events_for(&sim, "pi");
    assert_eq!(events.iter().filter(|(r, _)| r == "SuccessfulCreate").count(), 4);
    assert_eq!(events.last(), Some(&("Completed".into(), "Job completed".into())));
}

#[test]
fn failed_pods_are_replaced_after_a_doubling_back_off_until_the_limit() {
    let mut sim = cluster();
    apply(&mut sim, &job("flaky", "  backoffLimit: 2", "busybox:exit-1"));
    // Pod 1 fails at 5 s, pod 2 is created 10 s later and fails at 20 s, pod 3 created 20 s
    // later (40 s) fails at 45 s: three failures > backoffLimit 2.
    let mut created_at = Vec::new();
    let mut seen = 0;
    for _ in 0..60 {
        wait(&mut sim, 1);
        let creates = events_for(&sim, "flaky").iter().filter(|(r, _)| r == "SuccessfulCreate").count();
        if creates > seen {
            seen = creates;
            created_at.push(sim.time().as_secs());
        }
    }
    assert_eq!(created_at, [1, 15, 40], "creation times");
    assert_eq!(status(&sim, "flaky").failed, Some(3));
    let message = "Job has reached the specified backoff limit".to_string();
    assert_eq!(
        conditions(&sim, "flaky"),
        [
            ("FailureTarget".into(), "BackoffLimitExceeded".into(), message.clone()),
            ("Failed".into(), "BackoffLimitExceeded".into(), message.clone())
        ]
    );
    assert!(events_for(&sim, "flaky").contains(&("BackoffLimitExceeded".into(), message)));
}

#[test]
fn an_indexed_job_names_pods_by_index_and_reports_completed_indexes() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &job("idx", "  completions: 3\n  parallelism: 3\n  completionMode: Indexed", "busybox:exit-0"),
    );
    wait(&mut sim, 1);
    let mut pods = pods_of(&sim, "idx-");
    pods.sort();
    assert_eq!(pods.len(), 3);
    for (i, pod) in pods.iter().enumerate() {
        assert!(pod.starts_with(&format!("idx-{i}-")) && pod.len() == "idx-0-".len() + 5, "{pod}");
        let object = sim.store().get("Pod", "default", pod).unwrap();
        assert_eq!(object.labels()["batch.kubernetes.io/job-completion-index"], i.to_string());
    }
    wait(&mut sim, 10);
    assert_eq!(status(&sim, "idx").completed_indexes.as_deref(), Some("0-2"));
    assert!(conditions(&sim, "idx").iter().any(|c| c.0 == "Complete"));
}

#[test]
fn active_deadline_seconds_fails_the_job_and_stops_its_pods() {
    let mut sim = cluster();
    apply(&mut sim, &job("slow", "  activeDeadlineSeconds: 10", "busybox:1.36"));
    wait(&mut sim, 9);
    assert_eq!(status(&sim, "slow").active, Some(1));
    wait(&mut sim, 5);
    let message = "Job was active longer than specified deadline".to_string();
    assert!(conditions(&sim, "slow").contains(&(
        "Failed".into(),
        "DeadlineExceeded".into(),
        message.clone()
    )));
    assert!(pods_of(&sim, "slow-").is_empty());
    assert!(events_for(&sim, "slow").contains(&("DeadlineExceeded".into(), message)));
}

#[test]
fn a_fail_job_rule_of_the_pod_failure_policy_fails_at_once() {
    let mut sim = cluster();
    let spec = "  podFailurePolicy:\n    rules:\n      - action: FailJob\n        onExitCodes: {containerName: main, operator: In, values: [42]}";
    apply(&mut sim, &job("policy", spec, "busybox:exit-42"));
    wait(&mut sim, 10);
    let failed = conditions(&sim, "policy").into_iter().find(|c| c.0 == "Failed").expect("Failed");
    assert_eq!(failed.1, "PodFailurePolicy");
    assert!(
        failed.2.starts_with("Container main for pod default/policy-")
            && failed.2.ends_with(" failed with exit code 42 matching FailJob rule at index 0"),
        "{}",
        failed.2
    );
}

#[test]
fn a_suspended_job_deletes_its_pods_and_resumes_later() {
    let mut sim = cluster();
    apply(&mut sim, &job("later", "  suspend: true", "busybox:exit-0"));
    wait(&mut sim, 5);
    assert!(pods_of(&sim, "later-").is_empty());
    assert!(conditions(&sim, "later").contains(&(
        "Suspended".into(),
        "JobSuspended".into(),
        "Job suspended".into()
    )));
    let patch = serde_json::json!({"spec": {"suspend": false}});
    sim.patch("Job", "default", "later", &patch, podlab::sim::api::PatchKind::Merge).unwrap();
    wait(&mut sim, 10);
    assert!(conditions(&sim, "later").iter().any(|c| c.0 == "Complete"));
    let events = events_for(&sim, "later");
    assert!(events.contains(&("Suspended".into(), "Job suspended".into())));
    assert!(events.contains(&("Resumed".into(), "Job resumed".into())));
}

#[test]
fn a_finished_job_is_deleted_with_its_pods_after_its_ttl() {
    let mut sim = cluster();
    apply(&mut sim, &job("short", "  ttlSecondsAfterFinished: 30", "busybox:exit-0"));
    wait(&mut sim, 10);
    assert!(sim.store().get("Job", "default", "short").is_some());
    wait(&mut sim, 30);
    assert!(sim.store().get("Job", "default", "short").is_none());
    assert!(pods_of(&sim, "short-").is_empty());
}

#[test]
fn a_cron_job_starts_a_job_each_minute_named_after_the_minute_and_keeps_three_finished() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "
apiVersion: batch/v1
kind: CronJob
metadata: {name: hello}
spec:
  schedule: '* * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: hello, image: 'busybox:exit-0'}]
",
    );
    // Virtual time zero is 2026-01-01T00:00:00Z: minute 29453760.
    wait(&mut sim, 61);
    assert!(sim.store().get("Job", "default", "hello-29453761").is_some());
    wait(&mut sim, 5 * 60);
    let mut jobs: Vec<String> =
        sim.store().list("Job", Some("default")).map(|j| j.name().to_string()).collect();
    jobs.sort();
    // Three finished Jobs are kept, plus the one that just started.
    assert_eq!(jobs, ["hello-29453763", "hello-29453764", "hello-29453765", "hello-29453766"]);
    let events = events_for(&sim, "hello");
    assert!(events.contains(&("SuccessfulCreate".into(), "Created job hello-29453761".into())), "{events:?}");
    assert!(
        events.contains(&(
            "SawCompletedJob".into(),
            "Saw completed job: hello-29453761, status: Complete".into()
        )),
        "{events:?}"
    );
    assert!(events.contains(&("SuccessfulDelete".into(), "Deleted job hello-29453761".into())), "{events:?}");
    let cron = sim.store().get("CronJob", "default", "hello").unwrap().as_cron_job().cloned().unwrap();
    let status = cron.status.unwrap();
    assert_eq!(status.last_schedule_time.map(|t| t.0.as_second()), Some(29_453_766 * 60));
    assert!(status.last_successful_time.is_some());
}

#[test]
fn a_cron_job_with_a_time_zone_runs_at_that_zones_wall_clock_time() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "
apiVersion: batch/v1
kind: CronJob
metadata: {name: tz}
spec:
  schedule: '35 5 * * *'
  timeZone: Asia/Kolkata
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: tz, image: 'busybox:exit-0'}]
",
    );
    // 05:35 in Kolkata (UTC+05:30) on 2026-01-01 is 00:05 UTC: minute 29453765.
    wait(&mut sim, 4 * 60);
    assert_eq!(sim.store().list("Job", Some("default")).count(), 0);
    wait(&mut sim, 2 * 60);
    assert!(sim.store().get("Job", "default", "tz-29453765").is_some());
}
