//! The pods table: READY, STATUS and RESTARTS computed exactly as the API server's `printPod`
//! does, plus the `-o wide` columns.

use k8s_openapi::api::core::v1::{Container, ContainerStateTerminated, Pod, PodCondition};

use super::cells::{age, human_secs, unix_of};
use super::{name_of, row_for, Column, Table};

/// READY, STATUS and RESTARTS of one pod, as `kubectl get pods` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSummary {
    /// `ready/total`, e.g. `1/1` (sidecars count in both).
    pub ready: String,
    /// `Running`, `Init:1/2`, `CrashLoopBackOff`, `Terminating`, …
    pub status: String,
    /// `0`, or `3 (42s ago)` once a container has restarted.
    pub restarts: String,
}

/// The columns of `kubectl get pods`.
pub const POD_COLUMNS: [Column; 9] = [
    Column::normal("Name"),
    Column::normal("Ready"),
    Column::normal("Status"),
    Column::normal("Restarts"),
    Column::normal("Age"),
    Column::wide("IP"),
    Column::wide("Node"),
    Column::wide("Nominated Node"),
    Column::wide("Readiness Gates"),
];

/// `kubectl get pods`.
pub fn pods_table(pods: &[Pod], now_unix: i64) -> Table {
    let rows = pods.iter().map(|pod| row_for(&pod.metadata, pod_cells(pod, now_unix))).collect();
    Table { columns: POD_COLUMNS.to_vec(), rows }
}

fn pod_cells(pod: &Pod, now_unix: i64) -> Vec<String> {
    let summary = pod_summary(pod, now_unix);
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let ip = status
        .and_then(|s| s.pod_ips.as_ref())
        .and_then(|ips| ips.first())
        .map(|ip| ip.ip.clone())
        .filter(|ip| !ip.is_empty())
        .unwrap_or_else(|| "<none>".to_string());
    let node = spec.and_then(|s| s.node_name.clone()).filter(|n| !n.is_empty());
    let nominated = status.and_then(|s| s.nominated_node_name.clone()).filter(|n| !n.is_empty());
    let gates = spec.and_then(|s| s.readiness_gates.as_ref()).filter(|g| !g.is_empty());
    let readiness_gates = match gates {
        None => "<none>".to_string(),
        Some(gates) => {
            let conditions = conditions_of(pod);
            let true_count = gates
                .iter()
                .filter(|gate| {
                    conditions.iter().find(|c| c.type_ == gate.condition_type).is_some_and(|c| c.status == "True")
                })
                .count();
            format!("{true_count}/{}", gates.len())
        }
    };
    vec![
        name_of(&pod.metadata),
        summary.ready,
        summary.status,
        summary.restarts,
        age(pod.metadata.creation_timestamp.as_ref(), now_unix),
        ip,
        node.unwrap_or_else(|| "<none>".to_string()),
        nominated.unwrap_or_else(|| "<none>".to_string()),
        readiness_gates,
    ]
}

fn conditions_of(pod: &Pod) -> &[PodCondition] {
    pod.status.as_ref().and_then(|s| s.conditions.as_deref()).unwrap_or_default()
}

/// Whether an init container is a sidecar (`restartPolicy: Always`).
pub fn is_sidecar(container: Option<&Container>) -> bool {
    container.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

/// The API server's `printPod` algorithm (k8s-semantics §3.2).
pub fn pod_summary(pod: &Pod, now_unix: i64) -> PodSummary {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let init_specs: &[Container] = spec.and_then(|s| s.init_containers.as_deref()).unwrap_or_default();
    let conditions = conditions_of(pod);

    let mut total = spec.map(|s| s.containers.len()).unwrap_or(0);
    total += init_specs.iter().filter(|c| is_sidecar(Some(c))).count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<i64> = None;
    let mut last_sidecar_restart: Option<i64> = None;

    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let pod_reason = status.and_then(|s| s.reason.clone()).unwrap_or_default();
    let mut reason = if pod_reason.is_empty() { phase.clone() } else { pod_reason.clone() };
    if conditions.iter().any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated")) {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    let init_statuses = status.and_then(|s| s.init_container_statuses.as_deref()).unwrap_or_default();
    for (i, cs) in init_statuses.iter().enumerate() {
        let sidecar = is_sidecar(init_specs.iter().find(|c| c.name == cs.name));
        restarts += i64::from(cs.restart_count);
        let finished = last_terminated_at(cs.last_state.as_ref().and_then(|s| s.terminated.as_ref()));
        last_restart = later(last_restart, finished);
        if sidecar {
            sidecar_restarts += i64::from(cs.restart_count);
            last_sidecar_restart = later(last_sidecar_restart, finished);
        }
        let state = cs.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => format!("Init:{}", exit_description(t)),
            };
        } else if let Some(w) =
            waiting.and_then(|w| w.reason.as_deref()).filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{w}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    let initialized = conditions.iter().any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        let statuses = status.and_then(|s| s.container_statuses.as_deref()).unwrap_or_default();
        for cs in statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            let finished = last_terminated_at(cs.last_state.as_ref().and_then(|s| s.terminated.as_ref()));
            last_restart = later(last_restart, finished);
            let state = cs.state.as_ref();
            let terminated = state.and_then(|s| s.terminated.as_ref());
            let waiting_reason = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty());
            if let Some(w) = waiting_reason {
                reason = w.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => exit_description(t),
                };
            } else if cs.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if pod_reason == "NodeLost" {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    let restarts_text = match last_restart {
        Some(at) if restarts != 0 => format!("{restarts} ({} ago)", human_secs(now_unix - at)),
        _ => restarts.to_string(),
    };
    PodSummary { ready: format!("{ready}/{total}"), status: reason, restarts: restarts_text }
}

/// `Signal:9` or `ExitCode:1` for a terminated state without a reason.
fn exit_description(t: &ContainerStateTerminated) -> String {
    match t.signal {
        Some(signal) if signal != 0 => format!("Signal:{signal}"),
        _ => format!("ExitCode:{}", t.exit_code),
    }
}

fn last_terminated_at(t: Option<&ContainerStateTerminated>) -> Option<i64> {
    t.and_then(|t| t.finished_at.as_ref()).map(unix_of)
}

fn later(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
