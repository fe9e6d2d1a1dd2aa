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
                    conditions
                        .iter()
                        .find(|c| c.type_ == gate.condition_type)
                        .is_some_and(|c| c.status == "True")
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
    if conditions.iter().any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::printers::{render_table, TableOptions};
    use serde_json::json;

    const T0: i64 = crate::sim::time::DEFAULT_EPOCH_UNIX;

    fn ts(offset: i64) -> String {
        crate::sim::time::rfc3339(T0 + offset)
    }

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).expect("test pod")
    }

    fn summary(value: serde_json::Value, now: i64) -> (String, String, String) {
        let s = pod_summary(&pod(value), T0 + now);
        (s.ready, s.status, s.restarts)
    }

    fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn running_ready_pod() {
        let p = json!({"metadata": {"name": "web"}, "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "nginx", "imageID": "",
                "state": {"running": {"startedAt": ts(2)}}}]}});
        assert_eq!(summary(p, 40), triple("1/1", "Running", "0"));
    }

    #[test]
    fn pending_and_container_creating() {
        let p = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}, "status": {"phase": "Pending"}});
        assert_eq!(summary(p, 1), triple("0/1", "Pending", "0"));
        let p = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Pending", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "nginx", "imageID": "",
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}});
        assert_eq!(summary(p, 1), triple("0/1", "ContainerCreating", "0"));
    }

    #[test]
    fn crash_loop_shows_restarts_with_last_restart_age() {
        let p = json!({"metadata": {"name": "crash"}, "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 4, "image": "busybox", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(120)}}}]}});
        assert_eq!(summary(p, 182), triple("0/1", "CrashLoopBackOff", "4 (62s ago)"));
    }

    #[test]
    fn terminated_containers_give_completed_error_oomkilled_and_exit_codes() {
        for (term, expected) in [
            (json!({"exitCode": 0, "reason": "Completed"}), "Completed"),
            (json!({"exitCode": 3, "reason": "Error"}), "Error"),
            (json!({"exitCode": 137, "reason": "OOMKilled"}), "OOMKilled"),
            (json!({"exitCode": 2}), "ExitCode:2"),
            (json!({"exitCode": 137, "signal": 9}), "Signal:9"),
        ] {
            let p = json!({"metadata": {"name": "t"}, "spec": {"containers": [{"name": "app"}]},
                "status": {"phase": "Failed", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "b", "imageID": "",
                    "state": {"terminated": term}}]}});
            assert_eq!(summary(p, 5).1, expected);
        }
    }

    fn init_pod(init_states: serde_json::Value, initialized: bool) -> serde_json::Value {
        json!({"metadata": {"name": "init"},
            "spec": {"initContainers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "app"}]},
            "status": {"phase": "Pending",
                "conditions": [{"type": "Initialized", "status": if initialized { "True" } else { "False" }}],
                "initContainerStatuses": init_states,
                "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                    "state": {"waiting": {"reason": "PodInitializing"}}}]}})
    }

    fn cs(name: &str, state: serde_json::Value, restarts: i32) -> serde_json::Value {
        json!({"name": name, "ready": false, "restartCount": restarts, "image": "x", "imageID": "", "state": state})
    }

    #[test]
    fn init_container_progress_and_failures() {
        let running = json!({"running": {"startedAt": ts(1)}});
        let done = json!({"terminated": {"exitCode": 0, "reason": "Completed"}});
        let waiting = json!({"waiting": {"reason": "PodInitializing"}});
        let p = init_pod(json!([cs("a", running.clone(), 0), cs("b", waiting.clone(), 0)]), false);
        assert_eq!(summary(p, 5), triple("0/1", "Init:0/2", "0"));
        let p = init_pod(json!([cs("a", done.clone(), 0), cs("b", running, 0)]), false);
        assert_eq!(summary(p, 5), triple("0/1", "Init:1/2", "0"));
        let p = init_pod(
            json!([
                cs("a", json!({"waiting": {"reason": "CrashLoopBackOff"}}), 2),
                cs("b", waiting.clone(), 0)
            ]),
            false,
        );
        assert_eq!(summary(p, 5), triple("0/1", "Init:CrashLoopBackOff", "2"));
        let p = init_pod(
            json!([
                cs("a", json!({"terminated": {"exitCode": 1, "reason": "Error"}}), 0),
                cs("b", waiting, 0)
            ]),
            false,
        );
        assert_eq!(summary(p, 5).1, "Init:Error");
        let p = init_pod(json!([cs("a", done.clone(), 0), cs("b", done, 0)]), true);
        assert_eq!(summary(p, 5), triple("0/1", "PodInitializing", "0"));
    }

    #[test]
    fn sidecar_counts_in_ready_and_total() {
        let p = json!({"metadata": {"name": "orders"},
            "spec": {"initContainers": [{"name": "log", "restartPolicy": "Always"}], "containers": [{"name": "app"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
                "initContainerStatuses": [{"name": "log", "ready": true, "started": true, "restartCount": 1, "image": "x", "imageID": "",
                    "state": {"running": {"startedAt": ts(10)}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": ts(9)}}}],
                "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "x", "imageID": "",
                    "state": {"running": {"startedAt": ts(3)}}}]}});
        assert_eq!(summary(p, 30), triple("2/2", "Running", "1 (21s ago)"));
    }

    #[test]
    fn completed_with_running_sibling_is_running_or_not_ready() {
        let make = |ready: &str| {
            json!({"metadata": {"name": "two"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": ready}],
                    "containerStatuses": [
                        {"name": "a", "ready": true, "restartCount": 0, "image": "x", "imageID": "", "state": {"running": {}}},
                        {"name": "b", "ready": false, "restartCount": 0, "image": "x", "imageID": "", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}})
        };
        assert_eq!(summary(make("True"), 5), triple("1/2", "Running", "0"));
        assert_eq!(summary(make("False"), 5), triple("1/2", "NotReady", "0"));
    }

    #[test]
    fn terminating_gated_and_node_lost() {
        let p = json!({"metadata": {"name": "t", "deletionTimestamp": ts(3)}, "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "x", "imageID": "", "state": {"running": {}}}]}});
        assert_eq!(summary(p, 5), triple("1/1", "Terminating", "0"));
        let p = json!({"metadata": {"name": "t", "deletionTimestamp": ts(3)}, "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Running", "reason": "NodeLost"}});
        assert_eq!(summary(p, 5).1, "Unknown");
        let p = json!({"metadata": {"name": "g"}, "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}});
        assert_eq!(summary(p, 5).1, "SchedulingGated");
    }

    #[test]
    fn wide_table_matches_kubectl() {
        let web = pod(json!({"metadata": {"name": "web-7c5ddbdf54-x2x7k", "creationTimestamp": ts(0)},
            "spec": {"nodeName": "kind-worker", "containers": [{"name": "app"}]},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.2"}],
                "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "x", "imageID": "", "state": {"running": {}}}]}}));
        let crash = pod(
            json!({"metadata": {"name": "crash-5d59d67564-b8kq9", "creationTimestamp": ts(-142)},
            "spec": {"nodeName": "kind-worker2", "containers": [{"name": "app"}]},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.244.2.5"}],
                "containerStatuses": [{"name": "app", "ready": false, "restartCount": 4, "image": "x", "imageID": "",
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1, "finishedAt": ts(-22)}}}]}}),
        );
        let table = pods_table(&[web, crash], T0 + 40);
        let wide = TableOptions { wide: true, ..Default::default() };
        assert_eq!(
            render_table(&table, &wide),
            "NAME                     READY   STATUS             RESTARTS      AGE    IP           NODE           NOMINATED NODE   READINESS GATES\n\
             web-7c5ddbdf54-x2x7k     1/1     Running            0             40s    10.244.1.2   kind-worker    <none>           <none>\n\
             crash-5d59d67564-b8kq9   0/1     CrashLoopBackOff   4 (62s ago)   3m2s   10.244.2.5   kind-worker2   <none>           <none>\n"
        );
    }
}
