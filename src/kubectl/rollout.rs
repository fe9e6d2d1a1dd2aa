//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments, with kubectl's
//! words (`pkg/cmd/rollout`, `pkg/polymorphichelpers/{rollout_status.go, history.go,
//! rollback.go}`). `rollout status` blocks like in a terminal: it runs the simulation until the
//! rollout finishes, printing each new waiting line.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};

use super::scale::targets;
use super::Args;
use crate::console::Output;
use crate::sim::api::{Object, PatchKind, ResourceType};
use crate::sim::controllers::controller_of;
use crate::sim::controllers::deployment::{revision_of, CHANGE_CAUSE_ANNOTATION, POD_TEMPLATE_HASH_LABEL};
use crate::sim::time::rfc3339;
use crate::sim::{SimDuration, Simulation};

/// How long `rollout status` waits when no `--timeout` is given before giving up (kubectl
/// itself would wait forever; a playground must return).
pub const STATUS_WAIT_LIMIT: SimDuration = SimDuration::from_mins(30);

/// Runs `kubectl rollout SUBCOMMAND …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let Some(sub) = args.positional.first().cloned() else {
        return Output::error(
            "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).",
        );
    };
    let mut rest = args.clone();
    rest.positional.remove(0);
    let targets = match targets(sim, &rest) {
        Ok(t) => t,
        Err(message) => return Output::error(message),
    };
    let mut out = Output::default();
    for (resource, object) in targets {
        let kind = resource.kind.as_str();
        let status_only = matches!(kind, "DaemonSet" | "StatefulSet") && sub == "status";
        if object.as_deployment().is_none() && !status_only {
            out.err(format!("error: no {sub} has been implemented for {:?}", resource.kind));
            continue;
        }
        match sub.as_str() {
            "status" => status(sim, &rest, &resource, &object, &mut out),
            "history" => history(sim, &resource, &object, &mut out),
            "undo" => undo(sim, &rest, &resource, &object, &mut out),
            "pause" => set_paused(sim, &resource, &object, true, &mut out),
            "resume" => set_paused(sim, &resource, &object, false, &mut out),
            "restart" => restart(sim, &resource, &object, &mut out),
            other => out.err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"")),
        }
    }
    out
}

/// One look at the rollout: the line kubectl prints and whether it is done (`Err`: failed).
pub fn deployment_status(d: &Deployment) -> Result<(String, bool), String> {
    let name = d.metadata.name.as_deref().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    if d.metadata.generation.unwrap_or(0) > status.observed_generation.unwrap_or(0) {
        return Ok(("Waiting for deployment spec update to be observed...".into(), false));
    }
    let progressing = status.conditions.iter().flatten().find(|c| c.type_ == "Progressing");
    if progressing.and_then(|c| c.reason.as_deref()) == Some("ProgressDeadlineExceeded") {
        return Err(format!("error: deployment {name:?} exceeded its progress deadline"));
    }
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let updated = status.updated_replicas.unwrap_or(0);
    let total = status.replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let waiting =
        |what: String| Ok((format!("Waiting for deployment {name:?} rollout to finish: {what}..."), false));
    if updated < replicas {
        return waiting(format!("{updated} out of {replicas} new replicas have been updated"));
    }
    if total > updated {
        return waiting(format!("{} old replicas are pending termination", total - updated));
    }
    if available < updated {
        return waiting(format!("{available} of {updated} updated replicas are available"));
    }
    Ok((format!("deployment {name:?} successfully rolled out"), true))
}

/// `DaemonSetStatusViewer`.
pub fn daemon_set_status(ds: &DaemonSet) -> Result<(String, bool), String> {
    let name = ds.metadata.name.as_deref().unwrap_or_default();
    let spec = ds.spec.clone().unwrap_or_default();
    if spec.update_strategy.as_ref().and_then(|s| s.type_.as_deref()).unwrap_or("RollingUpdate")
        != "RollingUpdate"
    {
        return Err("error: rollout status is only available for RollingUpdate strategy type".into());
    }
    let status = ds.status.clone().unwrap_or_default();
    if ds.metadata.generation.unwrap_or(0) > status.observed_generation.unwrap_or(0) {
        return Ok(("Waiting for daemon set spec update to be observed...".into(), false));
    }
    let desired = status.desired_number_scheduled;
    let updated = status.updated_number_scheduled.unwrap_or(0);
    let available = status.number_available.unwrap_or(0);
    if updated < desired {
        return Ok((format!("Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated..."), false));
    }
    if available < desired {
        return Ok((format!("Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available..."), false));
    }
    Ok((format!("daemon set {name:?} successfully rolled out"), true))
}

/// `StatefulSetStatusViewer`.
pub fn stateful_set_status(sts: &StatefulSet) -> Result<(String, bool), String> {
    let spec = sts.spec.clone().unwrap_or_default();
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return Err("error: rollout status is only available for RollingUpdate strategy type".into());
    }
    let status = sts.status.clone().unwrap_or_default();
    let observed = status.observed_generation.unwrap_or(0);
    if observed == 0 || sts.metadata.generation.unwrap_or(0) > observed {
        return Ok(("Waiting for statefulset spec update to be observed...".into(), false));
    }
    let replicas = spec.replicas.unwrap_or(1);
    let ready = status.ready_replicas.unwrap_or(0);
    if ready < replicas {
        return Ok((format!("Waiting for {} pods to be ready...", replicas - ready), false));
    }
    let updated = status.updated_replicas.unwrap_or(0);
    let partition = strategy.rolling_update.and_then(|r| r.partition).unwrap_or(0);
    if partition > 0 {
        if updated < replicas - partition {
            return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...", replicas - partition), false));
        }
        return Ok((format!("partitioned roll out complete: {updated} new pods have been updated..."), true));
    }
    let update_revision = status.update_revision.clone().unwrap_or_default();
    if status.update_revision != status.current_revision {
        return Ok((format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}..."), false));
    }
    let current = status.current_replicas.unwrap_or(0);
    let current_revision = status.current_revision.unwrap_or_default();
    Ok((
        format!("statefulset rolling update complete {current} pods at revision {current_revision}..."),
        true,
    ))
}

fn status(sim: &mut Simulation, args: &Args, resource: &ResourceType, object: &Object, out: &mut Output) {
    let watch = args.flag("watch").is_none_or(|v| v != "false");
    let limit = args.flag("timeout").and_then(SimDuration::parse).filter(|d| d.as_millis() > 0);
    let deadline = sim.time() + limit.unwrap_or(STATUS_WAIT_LIMIT);
    let mut last = String::new();
    // What the cluster does in the instant before kubectl's first request arrives.
    sim.step_until(sim.time());
    loop {
        let Some(live) = sim.store().get(&resource.kind, object.namespace(), object.name()).cloned() else {
            out.err(format!("error: {} {:?} not found", resource.qualified_plural(), object.name()));
            return;
        };
        let state = match &*live {
            Object::Deployment(d) => deployment_status(d),
            Object::DaemonSet(ds) => daemon_set_status(ds),
            Object::StatefulSet(sts) => stateful_set_status(sts),
            _ => Err(format!("error: no status has been implemented for {:?}", resource.kind)),
        };
        match state {
            Err(message) => {
                out.err(message);
                return;
            }
            Ok((line, done)) => {
                if line != last {
                    out.out(&line);
                    last = line;
                }
                if done || !watch {
                    return;
                }
            }
        }
        if sim.time() >= deadline {
            out.err("error: timed out waiting for the condition");
            return;
        }
        sim.advance(SimDuration::from_secs(1));
    }
}

/// The ReplicaSets a Deployment controls, by revision.
fn revisions(sim: &Simulation, object: &Object) -> BTreeMap<i64, ReplicaSet> {
    sim.store()
        .list("ReplicaSet", Some(object.namespace()))
        .filter(|rs| controller_of(rs).is_some_and(|r| r.uid == object.uid()))
        .filter_map(|rs| rs.as_replica_set().cloned())
        .map(|rs| (revision_of(&rs.metadata), rs))
        .filter(|(r, _)| *r > 0)
        .collect()
}

fn history(sim: &Simulation, resource: &ResourceType, object: &Object, out: &mut Output) {
    out.out(format!("{}/{}", resource.qualified_singular(), object.name()));
    let mut rows = vec![("REVISION".to_string(), "CHANGE-CAUSE".to_string())];
    for (revision, rs) in revisions(sim, object) {
        let cause = rs
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(CHANGE_CAUSE_ANNOTATION))
            .cloned()
            .unwrap_or_else(|| "<none>".into());
        rows.push((revision.to_string(), cause));
    }
    // kubectl's history table uses a tabwriter with padding 2.
    let width = rows.iter().map(|(r, _)| r.len()).max().unwrap_or(0) + 2;
    for (revision, cause) in rows {
        out.out(format!("{revision:<width$}{cause}"));
    }
    out.out("");
}

fn undo(sim: &mut Simulation, args: &Args, resource: &ResourceType, object: &Object, out: &mut Output) {
    let Some(d) = object.as_deployment() else { return };
    let name = format!("{}/{}", resource.qualified_singular(), object.name());
    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        out.err("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
        return;
    }
    let to_revision: i64 = args.flag("to-revision").and_then(|r| r.parse().ok()).unwrap_or(0);
    let history = revisions(sim, object);
    let target: Option<(i64, ReplicaSet)> = if to_revision == 0 {
        // The previous revision: the second highest.
        history.iter().rev().nth(1).map(|(r, rs)| (*r, rs.clone()))
    } else {
        history.get(&to_revision).map(|rs| (to_revision, rs.clone()))
    };
    let Some((revision, rs)) = target else {
        if to_revision == 0 {
            out.err(format!("error: no rollout history found for deployment {:?}", object.name()));
        } else {
            out.err(format!("error: unable to find specified revision {to_revision} in history"));
        }
        return;
    };
    let Some(mut template) = rs.spec.as_ref().and_then(|s| s.template.clone()) else { return };
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
    }
    let current = d.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default();
    if serde_json::to_value(&current).ok() == serde_json::to_value(&template).ok() {
        out.out(format!("{name} skipped rollback (current template already matches revision {revision})"));
        return;
    }
    let mut updated = d.clone();
    if let Some(spec) = updated.spec.as_mut() {
        spec.template = template;
    }
    // setDeploymentAnnotationsTo: keep the Deployment's own bookkeeping, take the rest from the
    // ReplicaSet (its change-cause included).
    let keep =
        |k: &str| k.starts_with("deployment.kubernetes.io/") || k == crate::sim::api::store::LAST_APPLIED;
    let mut annotations: BTreeMap<String, String> = d
        .metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(k, _)| keep(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    annotations.extend(
        rs.metadata
            .annotations
            .iter()
            .flatten()
            .filter(|(k, _)| !keep(k))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    updated.metadata.annotations = (!annotations.is_empty()).then_some(annotations);
    updated.metadata.resource_version = None;
    match sim.update(Object::from(updated)) {
        Ok(_) => out.out(format!("{name} rolled back")),
        Err(error) => out.err(error.to_string()),
    }
}

fn set_paused(sim: &mut Simulation, resource: &ResourceType, object: &Object, pause: bool, out: &mut Output) {
    let Some(d) = object.as_deployment() else { return };
    let paused = d.spec.as_ref().and_then(|s| s.paused) == Some(true);
    if paused == pause {
        let state = if pause { "is already paused" } else { "is not paused" };
        out.err(format!("error: {} {:?} {state}", resource.qualified_plural(), object.name()));
        return;
    }
    let patch = if pause {
        serde_json::json!({"spec": {"paused": true}})
    } else {
        serde_json::json!({"spec": {"paused": null}})
    };
    match sim.patch("Deployment", object.namespace(), object.name(), &patch, PatchKind::Merge) {
        Ok(_) => out.out(format!(
            "{}/{} {}",
            resource.qualified_singular(),
            object.name(),
            if pause { "paused" } else { "resumed" }
        )),
        Err(error) => out.err(error.to_string()),
    }
}

fn restart(sim: &mut Simulation, resource: &ResourceType, object: &Object, out: &mut Output) {
    let Some(d) = object.as_deployment() else { return };
    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        out.err(format!(
            "error: {} {:?} can't restart paused deployment (run rollout resume first)",
            resource.qualified_plural(),
            object.name()
        ));
        return;
    }
    let patch = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": rfc3339(sim.now_unix())
    }}}}});
    match sim.patch("Deployment", object.namespace(), object.name(), &patch, PatchKind::Strategic) {
        Ok(_) => out.out(format!("{}/{} restarted", resource.qualified_singular(), object.name())),
        Err(error) => out.err(error.to_string()),
    }
}
