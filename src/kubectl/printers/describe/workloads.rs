//! `kubectl describe` for workload controllers: deployments, replica sets, stateful sets,
//! daemon sets, jobs and cron jobs.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobSpec};
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{annotations_multiline, events_block, labels_multiline, pod_template_block};
use super::Writer;
use crate::kubectl::printers::cells::{format_label_selector, format_labels, human_secs, rfc1123z, unix_of};

fn name_line(w: &mut Writer, meta: &ObjectMeta) {
    w.line(0, &format!("Name:\t{}", meta.name.clone().unwrap_or_default()));
}

fn namespace_line(w: &mut Writer, meta: &ObjectMeta) {
    w.line(0, &format!("Namespace:\t{}", meta.namespace.clone().unwrap_or_default()));
}

fn creation_line(w: &mut Writer, meta: &ObjectMeta) {
    let created = meta.creation_timestamp.as_ref().map(|t| rfc1123z(unix_of(t))).unwrap_or_default();
    w.line(0, &format!("CreationTimestamp:\t{created}"));
}

fn controlled_by_line(w: &mut Writer, meta: &ObjectMeta) {
    if let Some(owner) = meta.owner_references.iter().flatten().find(|o| o.controller == Some(true)) {
        w.line(0, &format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
}

/// A label selector as `labels.Selector.String()` prints it (empty for none).
fn selector_text(selector: Option<&LabelSelector>) -> String {
    let text = format_label_selector(selector);
    if text == "<none>" {
        String::new()
    } else {
        text
    }
}

fn int_or_percent(value: Option<&IntOrString>, default: &str) -> String {
    match value {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => default.to_string(),
    }
}

/// `N Running / N Waiting / N Succeeded / N Failed` of the given pods.
fn pods_status(pods: &[Pod]) -> String {
    let count = |phase: &str| {
        pods.iter().filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some(phase)).count()
    };
    format!(
        "{} Running / {} Waiting / {} Succeeded / {} Failed",
        count("Running"),
        count("Pending"),
        count("Succeeded"),
        count("Failed")
    )
}

/// `name (current/desired replicas created)` of replica sets, comma-joined, `<none>` if none.
fn replica_sets_text(sets: &[&ReplicaSet]) -> String {
    if sets.is_empty() {
        return "<none>".to_string();
    }
    sets.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name.clone().unwrap_or_default(),
                rs.status.as_ref().map_or(0, |s| s.replicas),
                rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `kubectl describe deployment`: `new_rs` is the replica set matching the current template,
/// `old_rs` the other replica sets the deployment owns.
pub fn describe_deployment(
    d: &Deployment,
    new_rs: Option<&ReplicaSet>,
    old_rs: &[&ReplicaSet],
    events: &[Event],
    now_unix: i64,
) -> String {
    let mut w = Writer::default();
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    name_line(&mut w, &d.metadata);
    namespace_line(&mut w, &d.metadata);
    creation_line(&mut w, &d.metadata);
    labels_multiline(&mut w, 0, "Labels", d.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", d.metadata.annotations.as_ref());
    w.line(0, &format!("Selector:\t{}", selector_text(Some(&spec.selector))));
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            spec.replicas.unwrap_or(1),
            status.updated_replicas.unwrap_or(0),
            status.replicas.unwrap_or(0),
            status.available_replicas.unwrap_or(0),
            status.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    let strategy_type = strategy.type_.clone().unwrap_or_else(|| "RollingUpdate".to_string());
    w.line(0, &format!("StrategyType:\t{strategy_type}"));
    w.line(0, &format!("MinReadySeconds:\t{}", spec.min_ready_seconds.unwrap_or(0)));
    if strategy_type == "RollingUpdate" {
        let ru = strategy.rolling_update.clone().unwrap_or_default();
        w.line(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                int_or_percent(ru.max_unavailable.as_ref(), "25%"),
                int_or_percent(ru.max_surge.as_ref(), "25%")
            ),
        );
    }
    pod_template_block(&mut w, Some(&spec.template));
    let conditions = status.conditions.clone().unwrap_or_default();
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in &conditions {
            w.line(1, &format!("{} \t{}\t{}", c.type_, c.status, c.reason.clone().unwrap_or_default()));
        }
    }
    // kubectl lists every old replica set (scaled to zero or not), and omits both lines when
    // the deployment owns none yet.
    let new_list: Vec<&ReplicaSet> = new_rs.into_iter().collect();
    if !old_rs.is_empty() || !new_list.is_empty() {
        w.line(0, &format!("OldReplicaSets:\t{}", replica_sets_text(old_rs)));
        w.line(0, &format!("NewReplicaSet:\t{}", replica_sets_text(&new_list)));
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe replicaset`, with the pods it selects for `Pods Status`.
pub fn describe_replicaset(rs: &ReplicaSet, pods: &[Pod], events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let spec = rs.spec.clone().unwrap_or_default();
    name_line(&mut w, &rs.metadata);
    namespace_line(&mut w, &rs.metadata);
    w.line(0, &format!("Selector:\t{}", format_label_selector(Some(&spec.selector))));
    labels_multiline(&mut w, 0, "Labels", rs.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", rs.metadata.annotations.as_ref());
    controlled_by_line(&mut w, &rs.metadata);
    w.line(
        0,
        &format!(
            "Replicas:\t{} current / {} desired",
            rs.status.as_ref().map_or(0, |s| s.replicas),
            spec.replicas.unwrap_or(1)
        ),
    );
    w.line(0, &format!("Pods Status:\t{}", pods_status(pods)));
    pod_template_block(&mut w, spec.template.as_ref());
    let conditions = rs.status.as_ref().and_then(|s| s.conditions.clone()).unwrap_or_default();
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in &conditions {
            w.line(1, &format!("{} \t{}\t{}", c.type_, c.status, c.reason.clone().unwrap_or_default()));
        }
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe statefulset`, with its pods for `Pods Status`.
pub fn describe_statefulset(sts: &StatefulSet, pods: &[Pod], events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let spec = sts.spec.clone().unwrap_or_default();
    name_line(&mut w, &sts.metadata);
    namespace_line(&mut w, &sts.metadata);
    creation_line(&mut w, &sts.metadata);
    w.line(0, &format!("Selector:\t{}", selector_text(Some(&spec.selector))));
    labels_multiline(&mut w, 0, "Labels", sts.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", sts.metadata.annotations.as_ref());
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} total",
            spec.replicas.unwrap_or(1),
            sts.status.as_ref().map_or(0, |s| s.replicas)
        ),
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    w.line(
        0,
        &format!(
            "Update Strategy:\t{}",
            strategy.type_.clone().unwrap_or_else(|| "RollingUpdate".to_string())
        ),
    );
    if let Some(partition) = strategy.rolling_update.as_ref().and_then(|r| r.partition) {
        w.line(1, &format!("Partition:\t{partition}"));
    }
    w.line(0, &format!("Pods Status:\t{}", pods_status(pods)));
    pod_template_block(&mut w, Some(&spec.template));
    let templates = spec.volume_claim_templates.clone().unwrap_or_default();
    if templates.is_empty() {
        w.line(0, "Volume Claims:\t<none>");
    } else {
        w.line(0, "Volume Claims:");
        for pvc in &templates {
            let pvc_spec = pvc.spec.clone().unwrap_or_default();
            w.line(1, &format!("Name:\t{}", pvc.metadata.name.clone().unwrap_or_default()));
            w.line(1, &format!("StorageClass:\t{}", pvc_spec.storage_class_name.clone().unwrap_or_default()));
            labels_multiline(&mut w, 1, "Labels", pvc.metadata.labels.as_ref());
            labels_multiline(&mut w, 1, "Annotations", pvc.metadata.annotations.as_ref());
            let capacity = pvc_spec
                .resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map_or_else(|| "<default>".to_string(), |q| q.0.clone());
            w.line(1, &format!("Capacity:\t{capacity}"));
            w.line(
                1,
                &format!("Access Modes:\t[{}]", pvc_spec.access_modes.clone().unwrap_or_default().join(" ")),
            );
        }
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe daemonset`, with its pods for `Pods Status`.
pub fn describe_daemonset(ds: &DaemonSet, pods: &[Pod], events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let spec = ds.spec.clone().unwrap_or_default();
    let status = ds.status.clone().unwrap_or_default();
    name_line(&mut w, &ds.metadata);
    namespace_line(&mut w, &ds.metadata);
    w.line(0, &format!("Selector:\t{}", format_label_selector(Some(&spec.selector))));
    let node_selector = spec.template.spec.as_ref().and_then(|s| s.node_selector.clone()).unwrap_or_default();
    w.line(0, &format!("Node-Selector:\t{}", format_labels(&node_selector)));
    labels_multiline(&mut w, 0, "Labels", ds.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", ds.metadata.annotations.as_ref());
    w.line(0, &format!("Desired Number of Nodes Scheduled: {}", status.desired_number_scheduled));
    w.line(0, &format!("Current Number of Nodes Scheduled: {}", status.current_number_scheduled));
    w.line(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}",
            status.updated_number_scheduled.unwrap_or(0)
        ),
    );
    w.line(
        0,
        &format!("Number of Nodes Scheduled with Available Pods: {}", status.number_available.unwrap_or(0)),
    );
    w.line(0, &format!("Number of Nodes Misscheduled: {}", status.number_misscheduled));
    w.line(0, &format!("Pods Status:\t{}", pods_status(pods)));
    pod_template_block(&mut w, Some(&spec.template));
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe job`.
pub fn describe_job(job: &Job, events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let spec = job.spec.clone().unwrap_or_default();
    let status = job.status.clone().unwrap_or_default();
    name_line(&mut w, &job.metadata);
    namespace_line(&mut w, &job.metadata);
    w.line(0, &format!("Selector:\t{}", selector_text(spec.selector.as_ref())));
    labels_multiline(&mut w, 0, "Labels", job.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", job.metadata.annotations.as_ref());
    controlled_by_line(&mut w, &job.metadata);
    if let Some(p) = spec.parallelism {
        w.line(0, &format!("Parallelism:\t{p}"));
    }
    match spec.completions {
        Some(c) => w.line(0, &format!("Completions:\t{c}")),
        None => w.line(0, "Completions:\t<unset>"),
    }
    if let Some(mode) = spec.completion_mode.as_ref() {
        w.line(0, &format!("Completion Mode:\t{mode}"));
    }
    if let Some(suspend) = spec.suspend {
        w.line(0, &format!("Suspend:\t{suspend}"));
    }
    if let Some(limit) = spec.backoff_limit {
        w.line(0, &format!("Backoff Limit:\t{limit}"));
    }
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.line(0, &format!("TTL Seconds After Finished:\t{ttl}"));
    }
    let start = status.start_time.as_ref().map(unix_of);
    let end = status.completion_time.as_ref().map(unix_of);
    if let Some(s) = start {
        w.line(0, &format!("Start Time:\t{}", rfc1123z(s)));
    }
    if let Some(e) = end {
        w.line(0, &format!("Completed At:\t{}", rfc1123z(e)));
    }
    if let (Some(s), Some(e)) = (start, end) {
        w.line(0, &format!("Duration:\t{}", human_secs(e - s)));
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        w.line(0, &format!("Active Deadline Seconds:\t{deadline}s"));
    }
    let (active, succeeded, failed) =
        (status.active.unwrap_or(0), status.succeeded.unwrap_or(0), status.failed.unwrap_or(0));
    match status.ready {
        Some(ready) => w.line(
            0,
            &format!(
                "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed"
            ),
        ),
        None => {
            w.line(0, &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed"))
        }
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        let indexes = status
            .completed_indexes
            .clone()
            .filter(|i| !i.is_empty())
            .unwrap_or_else(|| "<none>".to_string());
        w.line(0, &format!("Completed Indexes:\t{indexes}"));
    }
    pod_template_block(&mut w, Some(&spec.template));
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

fn job_template_lines(w: &mut Writer, spec: &JobSpec) {
    match spec.selector.as_ref() {
        Some(s) => w.line(0, &format!("Selector:\t{}", selector_text(Some(s)))),
        None => w.line(0, "Selector:\t<unset>"),
    }
    match spec.parallelism {
        Some(p) => w.line(0, &format!("Parallelism:\t{p}")),
        None => w.line(0, "Parallelism:\t<unset>"),
    }
    match spec.completions {
        Some(c) => w.line(0, &format!("Completions:\t{c}")),
        None => w.line(0, "Completions:\t<unset>"),
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        w.line(0, &format!("Active Deadline Seconds:\t{deadline}s"));
    }
    pod_template_block(w, Some(&spec.template));
}

/// `kubectl describe cronjob`.
pub fn describe_cronjob(cj: &CronJob, events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let spec = &cj.spec;
    let status = cj.status.clone().unwrap_or_default();
    name_line(&mut w, &cj.metadata);
    namespace_line(&mut w, &cj.metadata);
    labels_multiline(&mut w, 0, "Labels", cj.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", cj.metadata.annotations.as_ref());
    w.line(0, &format!("Schedule:\t{}", spec.schedule));
    w.line(
        0,
        &format!(
            "Concurrency Policy:\t{}",
            spec.concurrency_policy.clone().unwrap_or_else(|| "Allow".to_string())
        ),
    );
    let suspend = match spec.suspend {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.line(0, &format!("Suspend:\t{suspend}"));
    let unset_or =
        |v: Option<i32>, suffix: &str| v.map_or_else(|| "<unset>".to_string(), |v| format!("{v}{suffix}"));
    w.line(
        0,
        &format!("Successful Job History Limit:\t{}", unset_or(spec.successful_jobs_history_limit, "")),
    );
    w.line(0, &format!("Failed Job History Limit:\t{}", unset_or(spec.failed_jobs_history_limit, "")));
    let deadline = spec.starting_deadline_seconds.map_or_else(|| "<unset>".to_string(), |s| format!("{s}s"));
    w.line(0, &format!("Starting Deadline Seconds:\t{deadline}"));
    job_template_lines(&mut w, &spec.job_template.spec.clone().unwrap_or_default());
    match status.last_schedule_time.as_ref() {
        Some(t) => w.line(0, &format!("Last Schedule Time:\t{}", rfc1123z(unix_of(t)))),
        None => w.line(0, "Last Schedule Time:\t<unset>"),
    }
    let active: Vec<String> = status.active.iter().flatten().filter_map(|r| r.name.clone()).collect();
    w.line(
        0,
        &format!(
            "Active Jobs:\t{}",
            if active.is_empty() { "<none>".to_string() } else { active.join(", ") }
        ),
    );
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe hpa` (autoscaling/v2).
pub fn describe_hpa(
    hpa: &k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler,
    events: &[Event],
    now_unix: i64,
) -> String {
    let mut w = Writer::default();
    let spec = hpa.spec.clone();
    let status = hpa.status.clone().unwrap_or_default();
    name_line(&mut w, &hpa.metadata);
    namespace_line(&mut w, &hpa.metadata);
    labels_multiline(&mut w, 0, "Labels", hpa.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", hpa.metadata.annotations.as_ref());
    creation_line(&mut w, &hpa.metadata);
    let target = &spec.scale_target_ref;
    w.line(0, &format!("Reference:\t{}/{}", target.kind, target.name));
    w.line(0, "Metrics:\t( current / target )");
    let current_metrics = status.current_metrics.clone().unwrap_or_default();
    for (i, metric) in spec.metrics.iter().flatten().enumerate() {
        let current = current_metrics.get(i);
        match (metric.type_.as_str(), metric.resource.as_ref()) {
            ("Resource", Some(resource)) => {
                let now = current.and_then(|c| c.resource.as_ref()).map(|r| &r.current);
                if let Some(avg) = resource.target.average_value.as_ref() {
                    let cur = now
                        .and_then(|c| c.average_value.as_ref())
                        .map_or("<unknown>".to_string(), |q| q.0.clone());
                    w.line(1, &format!("resource {} on pods:\t{cur} / {}", resource.name, avg.0));
                } else {
                    let cur = now
                        .and_then(|c| {
                            c.average_utilization.map(|u| {
                                format!(
                                    "{u}% ({})",
                                    c.average_value.as_ref().map_or_else(|| "0".to_string(), |q| q.0.clone())
                                )
                            })
                        })
                        .unwrap_or_else(|| "<unknown>".to_string());
                    let goal = resource
                        .target
                        .average_utilization
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    w.line(
                        1,
                        &format!(
                            "resource {} on pods  (as a percentage of request):\t{cur} / {goal}",
                            resource.name
                        ),
                    );
                }
            }
            _ => {
                let text = crate::kubectl::printers::workloads::hpa_targets(
                    std::slice::from_ref(metric),
                    current.map(std::slice::from_ref).unwrap_or_default(),
                );
                w.line(1, &format!("{}:\t{text}", metric.type_));
            }
        }
    }
    let min = spec.min_replicas.map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    w.line(0, &format!("Min replicas:\t{min}"));
    w.line(0, &format!("Max replicas:\t{}", spec.max_replicas));
    if let Some(behavior) = spec.behavior.as_ref() {
        w.line(0, "Behavior:");
        for (direction, rules) in [("Scale Up", &behavior.scale_up), ("Scale Down", &behavior.scale_down)] {
            let Some(rules) = rules else { continue };
            w.line(1, &format!("{direction}:"));
            if let Some(window) = rules.stabilization_window_seconds {
                w.line(2, &format!("Stabilization Window: {window} seconds"));
            }
            let policies = rules.policies.clone().unwrap_or_default();
            if !policies.is_empty() {
                w.line(
                    2,
                    &format!(
                        "Select Policy: {}",
                        rules.select_policy.clone().unwrap_or_else(|| "Max".to_string())
                    ),
                );
                w.line(2, "Policies:");
                for p in policies {
                    w.line(
                        3,
                        &format!(
                            "- Type: {}\tValue: {}\tPeriod: {} seconds",
                            p.type_, p.value, p.period_seconds
                        ),
                    );
                }
            }
        }
    }
    w.line(
        0,
        &format!(
            "{} pods:\t{} current / {} desired",
            target.kind,
            status.current_replicas.unwrap_or(0),
            status.desired_replicas
        ),
    );
    let conditions = status.conditions.clone().unwrap_or_default();
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason\tMessage");
        w.line(1, "----\t------\t------\t-------");
        for c in conditions {
            w.line(
                1,
                &format!(
                    "{}\t{}\t{}\t{}",
                    c.type_,
                    c.status,
                    c.reason.unwrap_or_default(),
                    c.message.unwrap_or_default()
                ),
            );
        }
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}
