//! Resolving a selection (`pod/default/web`, `default/web`, `web`) to objects in the store, and
//! the small readings of pods that several graphs share.

use k8s_openapi::api::core::v1::Pod;

use crate::kubectl::printers::pods::pod_summary;
use crate::sim::Simulation;

/// The namespace shown when the selection names none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// A selection split into (kind in lower case, namespace, name); missing parts are empty.
pub fn parse(selection: &str) -> (String, String, String) {
    let parts: Vec<&str> = selection.trim().split('/').collect();
    match parts.as_slice() {
        [kind, ns, name, ..] => (kind.to_lowercase(), (*ns).into(), (*name).into()),
        [ns_or_kind, name] => {
            let known =
                ["pod", "replicaset", "deployment", "statefulset", "job", "cronjob", "service", "daemonset"];
            let k = ns_or_kind.to_lowercase();
            if known.contains(&k.as_str()) {
                (k, DEFAULT_NAMESPACE.into(), (*name).into())
            } else {
                ("pod".into(), (*ns_or_kind).into(), (*name).into())
            }
        }
        [name] if !name.is_empty() => ("pod".into(), DEFAULT_NAMESPACE.into(), (*name).into()),
        _ => (String::new(), DEFAULT_NAMESPACE.into(), String::new()),
    }
}

/// The namespace a selection points into.
pub fn namespace(selection: Option<&str>) -> String {
    selection.map(|s| parse(s).1).filter(|n| !n.is_empty()).unwrap_or_else(|| DEFAULT_NAMESPACE.into())
}

/// The store kind for a lower-case trace kind.
pub fn store_kind(kind: &str) -> &'static str {
    match kind {
        "replicaset" => "ReplicaSet",
        "deployment" => "Deployment",
        "statefulset" => "StatefulSet",
        "daemonset" => "DaemonSet",
        "job" => "Job",
        "cronjob" => "CronJob",
        "service" => "Service",
        _ => "Pod",
    }
}

/// The pod a selection names, or one that the selected workload owns, or the first pod of the
/// namespace. Returns (namespace, name) so a pod that has gone can still be read from the trace.
pub fn pod(sim: &Simulation, selection: Option<&str>) -> Option<(String, String)> {
    let ns = namespace(selection);
    if let Some(sel) = selection {
        let (kind, ns, name) = parse(sel);
        if kind == "pod" && !name.is_empty() {
            return Some((ns, name));
        }
        // A workload: its first pod, through ReplicaSets for a Deployment.
        if let Some(owner) = sim.store().get(store_kind(&kind), &ns, &name) {
            let mut uids = vec![owner.uid().to_string()];
            if kind == "deployment" {
                uids.extend(sim.store().dependents_of(owner.uid()).map(|o| o.uid().to_string()));
            }
            let found = sim
                .store()
                .list("Pod", Some(&ns))
                .find(|p| p.metadata().owner_references.iter().flatten().any(|r| uids.contains(&r.uid)))
                .map(|p| p.name().to_string());
            if let Some(p) = found {
                return Some((ns, p));
            }
        }
    }
    let first = sim.store().list("Pod", Some(&ns)).next().map(|p| p.name().to_string());
    if let Some(p) = first {
        return Some((ns, p));
    }
    // The first pod the trace knows in the namespace, even if it is gone.
    let prefix = format!("pod/{ns}/");
    sim.trace().entries().iter().find_map(|e| {
        let rest = e.subject.strip_prefix(&prefix)?;
        (!rest.contains('/')).then(|| (ns.clone(), rest.to_string()))
    })
}

/// The highlight class for kubectl's STATUS of a pod.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "Running" => "running",
        "Completed" | "Succeeded" => "succeeded",
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" => "pending",
        "Unknown" => "unknown",
        s if s.starts_with("Init:") && !s.contains("Error") && !s.contains("BackOff") => "pending",
        s if s.contains("BackOff") || s.contains("Waiting") => "waiting",
        _ => "failed",
    }
}

/// kubectl's STATUS and its class for `pod`.
pub fn pod_status(sim: &Simulation, pod: &Pod) -> (String, &'static str) {
    let summary = pod_summary(pod, sim.now_unix());
    let class = status_class(&summary.status);
    (summary.status, class)
}

/// Seconds as a short duration: `45s`, `2m5s`.
pub fn short_secs(secs: i64) -> String {
    let secs = secs.max(0);
    if secs < 60 {
        format!("{secs}s")
    } else if secs % 60 == 0 {
        format!("{}m", secs / 60)
    } else {
        format!("{}m{}s", secs / 60, secs % 60)
    }
}

/// The object a graph shows when nothing is selected: the first pod the run created (outside
/// `kube-system`) that still exists, else the first it ever created; for the reconcile loop the
/// first Deployment, else the first ReplicaSet, in the same way.
pub fn first_in_run(sim: &Simulation, kind: crate::viz::GraphKind) -> Option<String> {
    let created = |prefix: &str| -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for e in sim.trace().entries() {
            let subject = &*e.subject;
            let ok = e.kind == crate::sim::TraceKind::Created
                && subject.starts_with(prefix)
                && !subject.starts_with(&format!("{prefix}kube-system/"))
                && subject.matches('/').count() == 2;
            if ok && !seen.iter().any(|s| s == subject) {
                seen.push(subject.to_string());
            }
        }
        seen
    };
    let exists = |subject: &str| {
        let (kind, ns, name) = parse(subject);
        sim.store().get(store_kind(&kind), &ns, &name).is_some()
    };
    let pick = |prefix: &str| {
        let all = created(prefix);
        all.iter().find(|s| exists(s)).or(all.first()).cloned()
    };
    match kind {
        crate::viz::GraphKind::Reconcile => pick("deployment/").or_else(|| pick("replicaset/")),
        crate::viz::GraphKind::Cluster => None,
        _ => pick("pod/"),
    }
}
