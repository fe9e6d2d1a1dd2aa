//! Tables of the workload controllers: deployments, replica sets, replication controllers,
//! daemon sets, stateful sets, jobs, cron jobs and horizontal pod autoscalers.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::{HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobCondition};
use k8s_openapi::api::core::v1::ReplicationController;

use super::cells::{
    age, containers_and_images, format_label_selector, format_labels, format_selector_map, human_secs,
    unix_of,
};
use super::{name_of, row_for, Column, Table};

const CONTAINERS: Column = Column::wide("Containers");
const IMAGES: Column = Column::wide("Images");
const SELECTOR: Column = Column::wide("Selector");

/// `kubectl get deployments`.
pub fn deployments_table(items: &[Deployment], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Ready"),
        Column::normal("Up-to-date"),
        Column::normal("Available"),
        Column::normal("Age"),
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ];
    let rows = items
        .iter()
        .map(|d| {
            let spec = d.spec.as_ref();
            let status = d.status.clone().unwrap_or_default();
            let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
            let (containers, images) = containers_and_images(spec.and_then(|s| s.template.spec.as_ref()));
            row_for(
                &d.metadata,
                vec![
                    name_of(&d.metadata),
                    format!("{}/{desired}", status.ready_replicas.unwrap_or(0)),
                    status.updated_replicas.unwrap_or(0).to_string(),
                    status.available_replicas.unwrap_or(0).to_string(),
                    age(d.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                    format_label_selector(spec.map(|s| &s.selector)),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

fn replica_columns() -> Vec<Column> {
    vec![
        Column::normal("Name"),
        Column::normal("Desired"),
        Column::normal("Current"),
        Column::normal("Ready"),
        Column::normal("Age"),
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ]
}

/// `kubectl get replicasets`.
pub fn replicasets_table(items: &[ReplicaSet], now_unix: i64) -> Table {
    let rows = items
        .iter()
        .map(|rs| {
            let spec = rs.spec.as_ref();
            let status = rs.status.clone().unwrap_or_default();
            let (containers, images) =
                containers_and_images(spec.and_then(|s| s.template.as_ref()).and_then(|t| t.spec.as_ref()));
            row_for(
                &rs.metadata,
                vec![
                    name_of(&rs.metadata),
                    spec.and_then(|s| s.replicas).unwrap_or(1).to_string(),
                    status.replicas.to_string(),
                    status.ready_replicas.unwrap_or(0).to_string(),
                    age(rs.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                    format_label_selector(spec.map(|s| &s.selector)),
                ],
            )
        })
        .collect();
    Table { columns: replica_columns(), rows }
}

/// `kubectl get replicationcontrollers`.
pub fn replicationcontrollers_table(items: &[ReplicationController], now_unix: i64) -> Table {
    let rows = items
        .iter()
        .map(|rc| {
            let spec = rc.spec.as_ref();
            let status = rc.status.clone().unwrap_or_default();
            let (containers, images) =
                containers_and_images(spec.and_then(|s| s.template.as_ref()).and_then(|t| t.spec.as_ref()));
            row_for(
                &rc.metadata,
                vec![
                    name_of(&rc.metadata),
                    spec.and_then(|s| s.replicas).unwrap_or(1).to_string(),
                    status.replicas.to_string(),
                    status.ready_replicas.unwrap_or(0).to_string(),
                    age(rc.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                    format_selector_map(spec.and_then(|s| s.selector.as_ref())),
                ],
            )
        })
        .collect();
    Table { columns: replica_columns(), rows }
}

/// `kubectl get daemonsets`.
pub fn daemonsets_table(items: &[DaemonSet], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Desired"),
        Column::normal("Current"),
        Column::normal("Ready"),
        Column::normal("Up-to-date"),
        Column::normal("Available"),
        Column::normal("Node Selector"),
        Column::normal("Age"),
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ];
    let rows = items
        .iter()
        .map(|ds| {
            let spec = ds.spec.as_ref();
            let status = ds.status.clone().unwrap_or_default();
            let pod_spec = spec.and_then(|s| s.template.spec.as_ref());
            let (containers, images) = containers_and_images(pod_spec);
            let node_selector = pod_spec.and_then(|p| p.node_selector.clone()).unwrap_or_default();
            row_for(
                &ds.metadata,
                vec![
                    name_of(&ds.metadata),
                    status.desired_number_scheduled.to_string(),
                    status.current_number_scheduled.to_string(),
                    status.number_ready.to_string(),
                    status.updated_number_scheduled.unwrap_or(0).to_string(),
                    status.number_available.unwrap_or(0).to_string(),
                    format_labels(&node_selector),
                    age(ds.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                    format_label_selector(spec.map(|s| &s.selector)),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get statefulsets`.
pub fn statefulsets_table(items: &[StatefulSet], now_unix: i64) -> Table {
    let columns =
        vec![Column::normal("Name"), Column::normal("Ready"), Column::normal("Age"), CONTAINERS, IMAGES];
    let rows = items
        .iter()
        .map(|sts| {
            let spec = sts.spec.as_ref();
            let status = sts.status.clone().unwrap_or_default();
            let (containers, images) = containers_and_images(spec.and_then(|s| s.template.spec.as_ref()));
            row_for(
                &sts.metadata,
                vec![
                    name_of(&sts.metadata),
                    format!(
                        "{}/{}",
                        status.ready_replicas.unwrap_or(0),
                        spec.and_then(|s| s.replicas).unwrap_or(1)
                    ),
                    age(sts.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

fn has_job_condition(conditions: &[JobCondition], type_: &str) -> bool {
    conditions.iter().any(|c| c.type_ == type_ && c.status == "True")
}

/// The STATUS cell of a job, by the priority kubectl applies.
pub fn job_status(job: &Job) -> &'static str {
    let conditions = job.status.as_ref().and_then(|s| s.conditions.as_deref()).unwrap_or_default();
    if has_job_condition(conditions, "Complete") {
        "Complete"
    } else if has_job_condition(conditions, "Failed") {
        "Failed"
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has_job_condition(conditions, "Suspended") {
        "Suspended"
    } else if has_job_condition(conditions, "FailureTarget") {
        "FailureTarget"
    } else if has_job_condition(conditions, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

/// The COMPLETIONS cell: `1/3`, `0/1`, or `0/1 of 4` for work-queue jobs.
pub fn job_completions(job: &Job) -> String {
    let succeeded = job.status.as_ref().and_then(|s| s.succeeded).unwrap_or(0);
    let spec = job.spec.as_ref();
    match spec.and_then(|s| s.completions) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match spec.and_then(|s| s.parallelism).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    }
}

/// The DURATION cell: completion − start, or now − start while running; empty before start.
pub fn job_duration(job: &Job, now_unix: i64) -> String {
    let status = job.status.as_ref();
    let Some(start) = status.and_then(|s| s.start_time.as_ref()).map(unix_of) else {
        return String::new();
    };
    match status.and_then(|s| s.completion_time.as_ref()).map(unix_of) {
        Some(end) => human_secs(end - start),
        None => human_secs(now_unix - start),
    }
}

/// `kubectl get jobs`.
pub fn jobs_table(items: &[Job], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Status"),
        Column::normal("Completions"),
        Column::normal("Duration"),
        Column::normal("Age"),
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ];
    let rows = items
        .iter()
        .map(|job| {
            let spec = job.spec.as_ref();
            let (containers, images) = containers_and_images(spec.and_then(|s| s.template.spec.as_ref()));
            row_for(
                &job.metadata,
                vec![
                    name_of(&job.metadata),
                    job_status(job).to_string(),
                    job_completions(job),
                    job_duration(job, now_unix),
                    age(job.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                    format_label_selector(spec.and_then(|s| s.selector.as_ref())),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get cronjobs`.
pub fn cronjobs_table(items: &[CronJob], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Schedule"),
        Column::normal("Timezone"),
        Column::normal("Suspend"),
        Column::normal("Active"),
        Column::normal("Last Schedule"),
        Column::normal("Age"),
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ];
    let rows = items
        .iter()
        .map(|cj| {
            let spec = Some(&cj.spec);
            let status = cj.status.as_ref();
            let job_spec = spec.and_then(|s| s.job_template.spec.as_ref());
            let (containers, images) = containers_and_images(job_spec.and_then(|j| j.template.spec.as_ref()));
            let suspend = match spec.and_then(|s| s.suspend) {
                Some(true) => "True",
                Some(false) => "False",
                None => "<unset>",
            };
            let last_schedule = match status.and_then(|s| s.last_schedule_time.as_ref()) {
                Some(t) => age(Some(t), now_unix),
                None => "<none>".to_string(),
            };
            row_for(
                &cj.metadata,
                vec![
                    name_of(&cj.metadata),
                    spec.map(|s| s.schedule.clone()).unwrap_or_default(),
                    spec.and_then(|s| s.time_zone.clone()).unwrap_or_else(|| "<none>".to_string()),
                    suspend.to_string(),
                    status.and_then(|s| s.active.as_ref()).map_or(0, Vec::len).to_string(),
                    last_schedule,
                    age(cj.metadata.creation_timestamp.as_ref(), now_unix),
                    containers,
                    images,
                    format_label_selector(job_spec.and_then(|j| j.selector.as_ref())),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get hpa`.
pub fn hpas_table(items: &[HorizontalPodAutoscaler], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Reference"),
        Column::normal("Targets"),
        Column::normal("MinPods"),
        Column::normal("MaxPods"),
        Column::normal("Replicas"),
        Column::normal("Age"),
    ];
    let rows = items
        .iter()
        .map(|hpa| {
            let spec = hpa.spec.clone();
            let status = hpa.status.clone().unwrap_or_default();
            let metrics = spec.metrics.clone().unwrap_or_default();
            let current = status.current_metrics.clone().unwrap_or_default();
            row_for(
                &hpa.metadata,
                vec![
                    name_of(&hpa.metadata),
                    format!("{}/{}", spec.scale_target_ref.kind, spec.scale_target_ref.name),
                    hpa_targets(&metrics, &current),
                    spec.min_replicas.map_or_else(|| "<unset>".to_string(), |m| m.to_string()),
                    spec.max_replicas.to_string(),
                    status.current_replicas.unwrap_or(0).to_string(),
                    age(hpa.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// The TARGETS cell (`formatHPAMetrics`): `cpu: 12%/50%`, `cpu: 200m/500m`, at most two metrics
/// then ` + N more...`, `<none>` without metrics.
pub fn hpa_targets(specs: &[MetricSpec], statuses: &[MetricStatus]) -> String {
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let mut list: Vec<String> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let status = statuses.get(i);
        let text = match spec.type_.as_str() {
            "Resource" => match spec.resource.as_ref() {
                Some(r) => {
                    let current = status.and_then(|s| s.resource.as_ref()).map(|s| &s.current);
                    format!("{}: {}", r.name, target_text(&r.target, current))
                }
                None => "<unknown type>".to_string(),
            },
            "ContainerResource" => match spec.container_resource.as_ref() {
                Some(r) => {
                    let current = status.and_then(|s| s.container_resource.as_ref()).map(|s| &s.current);
                    format!("{}: {}", r.name, target_text(&r.target, current))
                }
                None => "<unknown type>".to_string(),
            },
            "Pods" => match spec.pods.as_ref() {
                Some(p) => {
                    let current = status.and_then(|s| s.pods.as_ref()).map(|s| &s.current);
                    format!("{}: {}", p.metric.name, target_text(&p.target, current))
                }
                None => "<unknown type>".to_string(),
            },
            "Object" => match spec.object.as_ref() {
                Some(o) => {
                    let current = status.and_then(|s| s.object.as_ref()).map(|s| &s.current);
                    format!("{}: {}", o.metric.name, target_text(&o.target, current))
                }
                None => "<unknown type>".to_string(),
            },
            "External" => match spec.external.as_ref() {
                Some(e) => {
                    let current = status.and_then(|s| s.external.as_ref()).map(|s| &s.current);
                    format!("{}: {}", e.metric.name, target_text(&e.target, current))
                }
                None => "<unknown type>".to_string(),
            },
            _ => "<unknown type>".to_string(),
        };
        list.push(text);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

/// `current/target` for one metric: utilization as `12%`, values as quantities.
fn target_text(
    target: &MetricTarget,
    current: Option<&k8s_openapi::api::autoscaling::v2::MetricValueStatus>,
) -> String {
    let unknown = "<unknown>".to_string();
    if let Some(avg) = target.average_value.as_ref() {
        let cur = current.and_then(|c| c.average_value.as_ref()).map_or(unknown, |q| q.0.clone());
        return format!("{cur}/{}", avg.0);
    }
    if let Some(value) = target.value.as_ref() {
        let cur = current.and_then(|c| c.value.as_ref()).map_or(unknown, |q| q.0.clone());
        return format!("{cur}/{}", value.0);
    }
    let cur = current.and_then(|c| c.average_utilization).map_or(unknown, |u| format!("{u}%"));
    let goal = target.average_utilization.map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
    format!("{cur}/{goal}")
}
