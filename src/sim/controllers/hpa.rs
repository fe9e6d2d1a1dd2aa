//! The HorizontalPodAutoscaler controller, autoscaling/v2 (`pkg/controller/podautoscaler/
//! {horizontal.go, replica_calculator.go}`), and the simulated load it reads.
//!
//! Load: [`set_load`] records a workload's total client demand (the playground's `load set`);
//! [`pod_usage`] shares it evenly among the workload's ready pods, each capped at its limit —
//! what metrics-server would report. Every 15 s the controller computes
//! `ceil(replicas × current / target)` per metric (tolerance 10 %, not-ready pods count as idle
//! when scaling up), takes the largest, applies `spec.behavior` ([`hpa_behavior`]: by default
//! scale up by at most max(4 pods, 100 %) per 15 s, scale down to the highest recommendation
//! of the last 300 s), clamps to min/max and resizes the target, with upstream conditions and events.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, MetricStatus, MetricValueStatus,
    ResourceMetricStatus,
};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::hpa_behavior;
use super::pod_control::{normal_event, warning_event};
use super::{is_pod_active, is_pod_ready, Action, Reconciler};
use crate::sim::api::quantity::parse_millis;
use crate::sim::api::selector;
use crate::sim::api::store::timestamp;
use crate::sim::api::{Object, ObjectKey, PatchKind, WatchEvent};
use crate::sim::{SimDuration, Simulation};

/// The component name of the controller's events.
pub const COMPONENT: &str = "horizontal-pod-autoscaler";
/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD: SimDuration = SimDuration::from_secs(15);
/// `--horizontal-pod-autoscaler-tolerance`.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION: SimDuration = SimDuration::from_secs(300);
/// Where the simulated load lives: a ConfigMap in kube-system, one entry per workload.
pub const LOAD_CONFIG_MAP: &str = "podlab-load";

fn load_key(kind: &str, namespace: &str, name: &str) -> String {
    format!("{namespace}.{}.{name}", kind.to_lowercase())
}

/// Sets the total demand of a workload's clients (`load set KIND/NAME cpu=Q memory=Q`).
pub fn set_load(
    sim: &mut Simulation,
    kind: &str,
    namespace: &str,
    name: &str,
    cpu_millis: i64,
    memory_bytes: i64,
) {
    let value = format!("{cpu_millis},{memory_bytes}");
    let existing =
        sim.store().get("ConfigMap", "kube-system", LOAD_CONFIG_MAP).and_then(|o| o.as_config_map().cloned());
    let mut config_map = existing.clone().unwrap_or_else(|| ConfigMap {
        metadata: ObjectMeta {
            name: Some(LOAD_CONFIG_MAP.into()),
            namespace: Some("kube-system".into()),
            ..Default::default()
        },
        ..Default::default()
    });
    config_map.data.get_or_insert_with(BTreeMap::new).insert(load_key(kind, namespace, name), value);
    config_map.metadata.resource_version = None;
    let _ = if existing.is_some() {
        sim.update(Object::from(config_map))
    } else {
        sim.create(Object::from(config_map))
    };
}

/// The workload's total demand: (cpu millicores, memory bytes).
pub fn load_of(sim: &Simulation, kind: &str, namespace: &str, name: &str) -> (i64, i64) {
    sim.store()
        .get("ConfigMap", "kube-system", LOAD_CONFIG_MAP)
        .and_then(|o| o.as_config_map()?.data.as_ref()?.get(&load_key(kind, namespace, name)).cloned())
        .and_then(|v| {
            let (cpu, memory) = v.split_once(',')?;
            Some((cpu.parse().ok()?, memory.parse().ok()?))
        })
        .unwrap_or((0, 0))
}

fn pod_resource(pod: &Pod, resource: &str, limits: bool) -> Option<i128> {
    let containers = &pod.spec.as_ref()?.containers;
    let mut total = 0;
    for c in containers {
        let r = c.resources.as_ref()?;
        let map = if limits { r.limits.as_ref() } else { r.requests.as_ref().or(r.limits.as_ref()) };
        total += parse_millis(&map?.get(resource)?.0)?;
    }
    Some(total)
}

/// The workload that controls a pod (through its ReplicaSet for Deployments).
fn workload_of(sim: &Simulation, pod: &Object) -> Option<(String, String)> {
    let owner = super::controller_of(pod)?;
    if owner.kind == "ReplicaSet" {
        if let Some(rs) = sim.store().get("ReplicaSet", pod.namespace(), &owner.name) {
            if let Some(d) = super::controller_of(rs).filter(|d| d.kind == "Deployment") {
                return Some(("Deployment".into(), d.name.clone()));
            }
        }
    }
    Some((owner.kind.clone(), owner.name.clone()))
}

/// A pod's simulated usage: (cpu millicores, memory bytes). Its workload's load is shared
/// evenly by the workload's ready pods, each capped at its limit.
pub fn pod_usage(sim: &Simulation, pod_object: &Object) -> (i64, i64) {
    let Some(pod) = pod_object.as_pod() else { return (0, 0) };
    if !is_pod_ready(pod) {
        return (0, 0);
    }
    let Some((kind, name)) = workload_of(sim, pod_object) else { return (0, 0) };
    let (cpu, memory) = load_of(sim, &kind, pod_object.namespace(), &name);
    if cpu == 0 && memory == 0 {
        // Nothing to share: skip counting the peers, which walks the namespace's pods.
        return (0, 0);
    }
    let peers = sim
        .store()
        .list("Pod", Some(pod_object.namespace()))
        .filter(|p| p.as_pod().is_some_and(|p| is_pod_active(p) && is_pod_ready(p)))
        .filter(|p| workload_of(sim, p).as_ref() == Some(&(kind.clone(), name.clone())))
        .count()
        .max(1) as i64;
    let cap = |value: i64, limit: Option<i128>| match limit {
        Some(l) => value.min(i64::try_from(l).unwrap_or(i64::MAX)),
        None => value,
    };
    let cpu_share = cap(cpu / peers, pod_resource(pod, "cpu", true));
    let memory_share = cap(memory / peers, pod_resource(pod, "memory", true).map(|m| m / 1000));
    (cpu_share, memory_share)
}

/// The HPA controller.
#[derive(Clone, Debug, Default)]
pub struct HorizontalController {
    /// Per HPA uid: its recent recommendations and scale changes.
    recommendations: BTreeMap<String, hpa_behavior::History>,
}

struct Target {
    replicas: i32,
    selector: LabelSelector,
}

fn scale_target(sim: &Simulation, kind: &str, namespace: &str, name: &str) -> Option<Target> {
    let object = sim.store().get(kind, namespace, name)?;
    match &**object {
        Object::Deployment(d) => Some(Target {
            replicas: d.spec.as_ref()?.replicas.unwrap_or(1),
            selector: d.spec.as_ref()?.selector.clone(),
        }),
        Object::ReplicaSet(r) => Some(Target {
            replicas: r.spec.as_ref()?.replicas.unwrap_or(1),
            selector: r.spec.as_ref()?.selector.clone(),
        }),
        Object::StatefulSet(s) => Some(Target {
            replicas: s.spec.as_ref()?.replicas.unwrap_or(1),
            selector: s.spec.as_ref()?.selector.clone(),
        }),
        _ => None,
    }
}

fn set_condition(
    conditions: &mut Vec<HorizontalPodAutoscalerCondition>,
    now: i64,
    kind: &str,
    status: &str,
    reason: &str,
    message: String,
) {
    if let Some(c) = conditions.iter_mut().find(|c| c.type_ == kind) {
        if c.status != status {
            c.last_transition_time = Some(timestamp(now));
        }
        c.status = status.into();
        c.reason = Some(reason.into());
        c.message = Some(message);
        return;
    }
    conditions.push(HorizontalPodAutoscalerCondition {
        type_: kind.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_transition_time: Some(timestamp(now)),
    });
}

impl HorizontalController {
    fn reconcile_autoscaler(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("HorizontalPodAutoscaler", &key.namespace, &key.name).cloned()
        else {
            return Action::await_change();
        };
        let Some(hpa) = object.as_hpa().cloned() else { return Action::await_change() };
        let now = sim.now_unix();
        let target_ref = &hpa.spec.scale_target_ref;
        let mut status = hpa.status.clone().unwrap_or_default();
        let mut conditions = status.conditions.clone().unwrap_or_default();
        let Some(target) = scale_target(sim, &target_ref.kind, &key.namespace, &target_ref.name) else {
            set_condition(
                &mut conditions,
                now,
                "AbleToScale",
                "False",
                "FailedGetScale",
                format!(
                    "the HPA controller was unable to get the target's current scale: {}.apps {:?} not found",
                    target_ref.kind.to_lowercase() + "s",
                    target_ref.name
                ),
            );
            warning_event(
                sim,
                &object,
                "FailedGetScale",
                format!("{}.apps {:?} not found", target_ref.kind.to_lowercase() + "s", target_ref.name),
                COMPONENT,
            );
            self.write(sim, &hpa, status, conditions);
            return Action::requeue(SYNC_PERIOD);
        };
        let current = target.replicas;
        let min = hpa.spec.min_replicas.unwrap_or(1);
        let max = hpa.spec.max_replicas;
        status.current_replicas = Some(current);
        if current == 0 && min != 0 {
            set_condition(
                &mut conditions,
                now,
                "ScalingActive",
                "False",
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero".into(),
            );
            status.desired_replicas = 0;
            self.write(sim, &hpa, status, conditions);
            return Action::requeue(SYNC_PERIOD);
        }
        let pods: Vec<Object> = sim
            .store()
            .list("Pod", Some(&key.namespace))
            .filter(|p| p.as_pod().is_some_and(is_pod_active))
            .filter(|p| {
                !selector::is_empty(&target.selector) && selector::matches(&target.selector, p.labels())
            })
            .map(|p| (**p).clone())
            .collect();
        // One proposal per metric; the largest wins.
        let mut proposal: Option<(i32, String)> = None;
        let mut metric_statuses = Vec::new();
        let mut failure: Option<String> = None;
        for metric in hpa.spec.metrics.clone().unwrap_or_default() {
            let Some(resource) = metric.resource.as_ref().filter(|_| metric.type_ == "Resource") else {
                continue;
            };
            let name = resource.name.as_str();
            let mut usage_total: i128 = 0;
            let mut request_total: i128 = 0;
            let mut ready = 0;
            let mut unready_requests: i128 = 0;
            let mut missing = None;
            for pod in &pods {
                let Some(p) = pod.as_pod() else { continue };
                let Some(request) = pod_resource(p, name, false) else {
                    let container = p
                        .spec
                        .as_ref()
                        .and_then(|s| s.containers.first())
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    missing = Some(format!(
                        "missing request for {name} in container {container} of Pod {}",
                        pod.name()
                    ));
                    break;
                };
                let (cpu, memory) = pod_usage(sim, pod);
                let usage = if name == "cpu" { i128::from(cpu) } else { i128::from(memory) * 1000 };
                if is_pod_ready(p) {
                    usage_total += usage;
                    request_total += request;
                    ready += 1;
                } else {
                    unready_requests += request;
                }
            }
            if let Some(message) = missing {
                failure = Some(format!("failed to get {name} utilization: {message}"));
                continue;
            }
            if ready == 0 || request_total == 0 {
                failure = Some(format!("failed to get {name} utilization: did not receive metrics for targeted pods (pods might be unready)"));
                continue;
            }
            let utilization = usage_total as f64 * 100.0 / request_total as f64;
            let (ratio, description) = match (
                resource.target.type_.as_str(),
                resource.target.average_utilization,
                resource.target.average_value.as_ref(),
            ) {
                ("Utilization", Some(target), _) if target > 0 => (
                    utilization / f64::from(target),
                    format!("{name} resource utilization (percentage of request)"),
                ),
                ("AverageValue", _, Some(value)) => {
                    let per_pod = usage_total as f64 / f64::from(ready);
                    (per_pod / parse_millis(&value.0).unwrap_or(1).max(1) as f64, format!("{name} resource"))
                }
                _ => continue,
            };
            let mut desired = if (ratio - 1.0).abs() <= TOLERANCE {
                current
            } else {
                (ratio * f64::from(ready)).ceil() as i32
            };
            // Scaling up, not-ready pods count as idle.
            if desired > current && unready_requests > 0 {
                let ratio_all = usage_total as f64 * 100.0
                    / (request_total + unready_requests) as f64
                    / f64::from(resource.target.average_utilization.unwrap_or(100).max(1));
                let all = pods.len() as i32;
                desired = if (ratio_all - 1.0).abs() <= TOLERANCE || ratio_all < 1.0 {
                    current
                } else {
                    (ratio_all * f64::from(all)).ceil() as i32
                };
            }
            if proposal.as_ref().is_none_or(|(p, _)| desired > *p) {
                proposal = Some((desired, description));
            }
            metric_statuses.push(MetricStatus {
                type_: "Resource".into(),
                resource: Some(ResourceMetricStatus {
                    name: name.into(),
                    current: MetricValueStatus {
                        average_utilization: Some(utilization.round() as i32),
                        average_value: Some(Quantity(if name == "cpu" {
                            format!("{}m", usage_total / i128::from(ready))
                        } else {
                            format!("{}", usage_total / 1000 / i128::from(ready))
                        })),
                        value: None,
                    },
                }),
                ..Default::default()
            });
        }
        let Some((raw, description)) = proposal else {
            let message = failure.unwrap_or_else(|| "no metrics to scale on".into());
            set_condition(
                &mut conditions,
                now,
                "AbleToScale",
                "True",
                "SucceededGetScale",
                "the HPA controller was able to get the target's current scale".into(),
            );
            set_condition(
                &mut conditions,
                now,
                "ScalingActive",
                "False",
                "FailedGetResourceMetric",
                format!("the HPA was unable to compute the replica count: {message}"),
            );
            warning_event(sim, &object, "FailedGetResourceMetric", message, COMPONENT);
            status.desired_replicas = current;
            self.write(sim, &hpa, status, conditions);
            return Action::requeue(SYNC_PERIOD);
        };
        set_condition(
            &mut conditions,
            now,
            "ScalingActive",
            "True",
            "ValidMetricFound",
            format!("the HPA was able to successfully calculate a replica count from {description}"),
        );
        // Behavior: stabilization windows, then the rate policies and min/max.
        let (up, down) = hpa_behavior::effective(hpa.spec.behavior.as_ref());
        let history = self.recommendations.entry(object.uid().to_string()).or_default();
        let stabilized = history.stabilize(now, current, raw, &up, &down);
        let mut able = if stabilized.replicas != raw {
            (stabilized.reason, stabilized.message.to_string())
        } else {
            ("ReadyForNewScale", "recommended size matches current size".to_string())
        };
        let limited = history.limit(now, current, stabilized.replicas, (min, max), &up, &down);
        let desired = limited.replicas;
        let limited_status = if desired == stabilized.replicas { "False" } else { "True" };
        set_condition(
            &mut conditions,
            now,
            "ScalingLimited",
            limited_status,
            limited.reason,
            limited.message.into(),
        );
        status.desired_replicas = desired;
        status.current_metrics = (!metric_statuses.is_empty()).then_some(metric_statuses);
        if desired != current {
            let reason = if desired > current {
                format!("{description} above target")
            } else {
                "All metrics below target".to_string()
            };
            let patch = serde_json::json!({"spec": {"replicas": desired}});
            match sim.patch(&target_ref.kind, &key.namespace, &target_ref.name, &patch, PatchKind::Merge) {
                Ok(_) => {
                    normal_event(
                        sim,
                        &object,
                        "SuccessfulRescale",
                        format!("New size: {desired}; reason: {reason}"),
                        COMPONENT,
                    );
                    able = (
                        "SucceededRescale",
                        format!("the HPA controller was able to update the target scale to {desired}"),
                    );
                    status.last_scale_time = Some(timestamp(now));
                    if let Some(history) = self.recommendations.get_mut(object.uid()) {
                        history.record_scale(now, current, desired, &up, &down);
                    }
                }
                Err(error) => {
                    warning_event(
                        sim,
                        &object,
                        "FailedRescale",
                        format!("New size: {desired}; reason: {reason}; error: {}", error.message()),
                        COMPONENT,
                    );
                    able = (
                        "FailedUpdateScale",
                        format!(
                            "the HPA controller was unable to update the target scale: {}",
                            error.message()
                        ),
                    );
                }
            }
        }
        let able_status = if able.0 == "FailedUpdateScale" { "False" } else { "True" };
        set_condition(&mut conditions, now, "AbleToScale", able_status, able.0, able.1);
        self.write(sim, &hpa, status, conditions);
        Action::requeue(SYNC_PERIOD)
    }

    fn write(
        &self,
        sim: &mut Simulation,
        hpa: &HorizontalPodAutoscaler,
        mut status: k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerStatus,
        mut conditions: Vec<HorizontalPodAutoscalerCondition>,
    ) {
        // Upstream order: AbleToScale, ScalingActive, ScalingLimited.
        conditions.sort_by_key(|c| match c.type_.as_str() {
            "AbleToScale" => 0,
            "ScalingActive" => 1,
            _ => 2,
        });
        status.conditions = Some(conditions);
        if hpa.status.as_ref() == Some(&status) {
            return;
        }
        let mut updated = hpa.clone();
        updated.status = Some(status);
        updated.metadata.resource_version = None;
        let _ = sim.update(Object::from(updated));
    }
}

impl Reconciler for HorizontalController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, _sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        // New autoscalers start at once; the 15 s resync does the rest.
        let object = &event.object;
        object
            .as_hpa()
            .is_some_and(|h| h.status.is_none())
            .then(|| ObjectKey::of(object))
            .into_iter()
            .collect()
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.reconcile_autoscaler(sim, key)
    }
}
