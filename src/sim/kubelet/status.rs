//! The pod status the kubelet reports: phase (`getPhase`), the five conditions in their stored
//! order, container statuses, IPs, start time and QoS class.

use k8s_openapi::api::core::v1::{
    ContainerState as K8sState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, HostIP, PodCondition, PodIP, PodStatus, VolumeMountStatus,
};

use super::pod::{ContainerKind, ContainerRuntime, ContainerState, PodRuntime, Sandbox, Termination};
use crate::sim::api::quantity::parse_millis;
use crate::sim::api::store::timestamp;
use crate::sim::time::SimTime;

/// The phase the kubelet derives from container states (`getPhase`).
pub fn phase(pod: &PodRuntime) -> String {
    if let Some(phase) = &pod.final_phase {
        return phase.clone();
    }
    let policy = pod.restart_policy();
    let (mut pending_init, mut failed_init, mut pending_sidecar) = (0, 0, 0);
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for c in &pod.containers {
        let last_failed = c.last_termination.as_ref().is_some_and(|t| t.exit_code != 0);
        match (c.kind, &c.state) {
            (ContainerKind::Init, ContainerState::Running { .. }) => pending_init += 1,
            (ContainerKind::Init, ContainerState::Terminated(t)) => {
                if t.exit_code != 0 {
                    failed_init += 1
                }
            }
            (ContainerKind::Init, ContainerState::Waiting { .. }) => {
                if last_failed {
                    failed_init += 1
                } else if c.last_termination.is_none() {
                    pending_init += 1
                }
            }
            (ContainerKind::Sidecar, ContainerState::Running { .. }) => {
                running += 1;
                if !c.started {
                    pending_sidecar += 1;
                }
            }
            (ContainerKind::Sidecar, ContainerState::Terminated(_)) => {}
            (ContainerKind::Sidecar, ContainerState::Waiting { .. }) => {
                if c.last_termination.is_none() {
                    pending_sidecar += 1;
                    waiting += 1;
                }
            }
            (ContainerKind::App, ContainerState::Running { .. }) => running += 1,
            (ContainerKind::App, ContainerState::Terminated(t)) => {
                stopped += 1;
                if t.exit_code == 0 {
                    succeeded += 1;
                }
            }
            (ContainerKind::App, ContainerState::Waiting { .. }) => {
                if c.last_termination.is_none() {
                    waiting += 1
                } else {
                    stopped += 1
                }
            }
        }
    }
    if failed_init > 0 && policy == "Never" {
        return "Failed".into();
    }
    if pending_init > 0 || (pending_sidecar > 0 && !pod.initialized) {
        return "Pending".into();
    }
    if waiting > 0 {
        return "Pending".into();
    }
    if running > 0 {
        return "Running".into();
    }
    if stopped > 0 {
        if pod.terminating {
            return if stopped == succeeded { "Succeeded".into() } else { "Failed".into() };
        }
        if policy == "Always" {
            return "Running".into();
        }
        if stopped == succeeded {
            return "Succeeded".into();
        }
        if policy == "Never" {
            return "Failed".into();
        }
        return "Running".into();
    }
    "Pending".into()
}

/// The status to write for `pod` at `now` (Unix epoch `epoch_unix`), keeping what the API
/// server or scheduler set (PodScheduled, nominated node).
pub fn pod_status(
    pod: &mut PodRuntime,
    previous: Option<&PodStatus>,
    now: SimTime,
    epoch_unix: i64,
    host_ip: &str,
) -> PodStatus {
    let phase = phase(pod);
    // PodObservedGenerationTracking (beta, on since v1.34): the generation this status is for.
    let generation = pod.object.metadata().generation;
    let ts = |t: SimTime| timestamp(epoch_unix + (t.as_millis() / 1000) as i64);
    if !pod.admitted {
        // A pod the kubelet rejected never runs: its status is only the verdict.
        return PodStatus {
            phase: Some(phase),
            conditions: previous.and_then(|s| s.conditions.clone()),
            reason: pod.verdict.as_ref().map(|v| v.reason.clone()),
            message: pod.verdict.as_ref().map(|v| v.message.clone()),
            start_time: pod.start_time.map(ts),
            qos_class: Some(qos_class(pod)),
            ..Default::default()
        };
    }
    let terminal = phase == "Succeeded" || phase == "Failed";

    let sandbox_ready = pod.sandbox == Sandbox::Ready;
    let incomplete: Vec<&str> = pod
        .containers
        .iter()
        .filter(|c| match c.kind {
            ContainerKind::Init => !c.succeeded(),
            ContainerKind::Sidecar => !c.started,
            ContainerKind::App => false,
        })
        .map(|c| c.name.as_str())
        .collect();
    let initialized = pod.initialized || incomplete.is_empty();
    let unready: Vec<&str> = pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init && !c.ready)
        .map(|c| c.name.as_str())
        .collect();

    let mut conditions: Vec<(&'static str, bool, Option<String>, Option<String>)> = Vec::new();
    conditions.push(("PodReadyToStartContainers", sandbox_ready, None, None));
    if initialized {
        let reason = (phase == "Succeeded").then(|| "PodCompleted".to_string());
        conditions.push(("Initialized", true, reason, None));
    } else {
        conditions.push((
            "Initialized",
            false,
            Some("ContainersNotInitialized".into()),
            Some(format!("containers with incomplete status: [{}]", incomplete.join(" "))),
        ));
    }
    let (ready_status, ready_reason, ready_message) = if terminal {
        let reason = if phase == "Succeeded" { "PodCompleted" } else { "PodFailed" };
        (false, Some(reason.to_string()), None)
    } else if unready.is_empty() {
        (true, None, None)
    } else {
        (
            false,
            Some("ContainersNotReady".to_string()),
            Some(format!("containers with unready status: [{}]", unready.join(" "))),
        )
    };
    conditions.push(("Ready", ready_status, ready_reason.clone(), ready_message.clone()));
    conditions.push(("ContainersReady", ready_status, ready_reason, ready_message));

    // Room for the conditions kept from earlier writes too: the status lives as long as the pod.
    let mut out: Vec<PodCondition> = Vec::with_capacity(conditions.len() + 2);
    for (kind, status, reason, message) in conditions {
        let since = match pod.transitions.get(kind) {
            Some((old, at)) if *old == status => *at,
            _ => {
                pod.transitions.insert(kind, (status, now));
                now
            }
        };
        out.push(PodCondition {
            type_: kind.to_string(),
            status: bool_text(status),
            reason,
            message,
            last_transition_time: Some(ts(since)),
            last_probe_time: None,
            observed_generation: generation,
        });
    }
    if let Some(verdict) = pod.verdict.as_ref().filter(|v| v.reason == "Evicted") {
        // The kubelet marks the pods it evicts as disrupted (PodDisruptionConditions).
        let since = match pod.transitions.get("DisruptionTarget") {
            Some((_, at)) => *at,
            None => {
                pod.transitions.insert("DisruptionTarget", (true, now));
                now
            }
        };
        out.push(PodCondition {
            type_: "DisruptionTarget".into(),
            status: "True".into(),
            reason: Some("TerminationByKubelet".into()),
            message: Some(verdict.message.clone()),
            last_transition_time: Some(ts(since)),
            last_probe_time: None,
            observed_generation: generation,
        });
    }
    let kept = previous.and_then(|s| s.conditions.as_ref());
    let scheduled =
        kept.and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled").cloned()).unwrap_or_else(|| {
            PodCondition {
                type_: "PodScheduled".into(),
                status: "True".into(),
                last_transition_time: Some(ts(pod.start_time.unwrap_or(now))),
                ..Default::default()
            }
        });
    out.push(scheduled);
    if let Some(extra) = kept {
        for c in extra {
            if !out.iter().any(|o| o.type_ == c.type_) {
                out.push(c.clone());
            }
        }
    }

    let statuses = |kind: fn(ContainerKind) -> bool| -> Option<Vec<ContainerStatus>> {
        let list: Vec<ContainerStatus> =
            pod.containers.iter().filter(|c| kind(c.kind)).map(|c| container_status(c, epoch_unix)).collect();
        (!list.is_empty()).then_some(list)
    };
    let init_statuses = statuses(|k| k != ContainerKind::App);
    let app_statuses = statuses(|k| k == ContainerKind::App);
    let pod_ip = (!pod.network.ip.is_empty()).then(|| pod.network.ip.clone());
    PodStatus {
        phase: Some(phase),
        conditions: Some(out),
        host_ip: Some(host_ip.to_string()),
        host_ips: Some(vec![HostIP { ip: host_ip.to_string() }]),
        pod_ip: pod_ip.clone(),
        pod_ips: pod_ip.map(|ip| vec![PodIP { ip }]),
        start_time: pod.start_time.map(ts),
        init_container_statuses: init_statuses,
        container_statuses: app_statuses,
        qos_class: Some(qos_class(pod)),
        reason: pod.verdict.as_ref().map(|v| v.reason.clone()),
        message: pod.verdict.as_ref().map(|v| v.message.clone()),
        nominated_node_name: previous.and_then(|s| s.nominated_node_name.clone()),
        observed_generation: generation,
        ..Default::default()
    }
}

fn bool_text(value: bool) -> String {
    if value { "True" } else { "False" }.to_string()
}

fn terminated_state(t: &Termination, epoch_unix: i64) -> ContainerStateTerminated {
    let ts = |at: SimTime| timestamp(epoch_unix + (at.as_millis() / 1000) as i64);
    ContainerStateTerminated {
        exit_code: t.exit_code,
        reason: Some(t.reason.clone()),
        message: t.message.clone(),
        started_at: Some(ts(t.started_at)),
        finished_at: Some(ts(t.finished_at)),
        container_id: Some(t.container_id.clone()),
        signal: None,
    }
}

fn container_status(c: &ContainerRuntime, epoch_unix: i64) -> ContainerStatus {
    let state = match &c.state {
        ContainerState::Waiting { reason, message } => K8sState {
            waiting: Some(ContainerStateWaiting { reason: Some(reason.clone()), message: message.clone() }),
            ..Default::default()
        },
        ContainerState::Running { started_at } => K8sState {
            running: Some(ContainerStateRunning {
                started_at: Some(timestamp(epoch_unix + (started_at.as_millis() / 1000) as i64)),
            }),
            ..Default::default()
        },
        ContainerState::Terminated(t) => {
            K8sState { terminated: Some(terminated_state(t, epoch_unix)), ..Default::default() }
        }
    };
    let last_state = c
        .last_termination
        .as_ref()
        .map(|t| K8sState { terminated: Some(terminated_state(t, epoch_unix)), ..Default::default() });
    ContainerStatus {
        name: c.name.clone(),
        state: Some(state),
        last_state: Some(last_state.unwrap_or_default()),
        ready: c.ready,
        restart_count: c.restart_count,
        image: c.image_name.clone().unwrap_or_else(|| c.spec.image.clone().unwrap_or_default()),
        image_id: c.image_id.clone().unwrap_or_default(),
        container_id: c.container_id.as_ref().map(|id| format!("containerd://{id}")),
        started: Some(c.started),
        volume_mounts: c.container_id.as_ref().and_then(|_| {
            let mounts: Vec<VolumeMountStatus> = c
                .spec
                .volume_mounts
                .iter()
                .flatten()
                .map(|m| VolumeMountStatus {
                    name: m.name.clone(),
                    mount_path: m.mount_path.clone(),
                    read_only: m.read_only.filter(|r| *r),
                    recursive_read_only: m.read_only.filter(|r| *r).map(|_| "Disabled".to_string()),
                    ..Default::default()
                })
                .collect();
            (!mounts.is_empty()).then_some(mounts)
        }),
        resources: c
            .container_id
            .as_ref()
            .and_then(|_| c.spec.resources.clone())
            .filter(|r| r.limits.is_some() || r.requests.is_some()),
        allocated_resources: c
            .container_id
            .as_ref()
            .and_then(|_| c.spec.resources.as_ref()?.requests.clone()),
        ..Default::default()
    }
}

/// `Guaranteed`, `Burstable` or `BestEffort` (src: `pkg/apis/core/helper/qos`).
pub fn qos_class(pod: &PodRuntime) -> String {
    let mut any = false;
    let mut guaranteed = true;
    for c in &pod.containers {
        let resources = c.spec.resources.as_ref();
        let limits = resources.and_then(|r| r.limits.clone()).unwrap_or_default();
        let requests = resources.and_then(|r| r.requests.clone()).unwrap_or_default();
        let nonzero = |q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity| {
            parse_millis(&q.0).is_some_and(|v| v > 0)
        };
        for name in ["cpu", "memory"] {
            let limit = limits.get(name).filter(|q| nonzero(q));
            let request = requests.get(name).filter(|q| nonzero(q));
            if limit.is_some() || request.is_some() {
                any = true;
            }
            match (limit, request) {
                (Some(l), Some(r)) if parse_millis(&l.0) == parse_millis(&r.0) => {}
                (Some(_), None) => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}
