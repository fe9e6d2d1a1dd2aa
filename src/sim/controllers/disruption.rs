//! PodDisruptionBudgets: the disruption controller (`pkg/controller/disruption`), which keeps
//! each budget's status (expected, desired and current healthy pods, disruptions allowed), and
//! the Eviction API (`pkg/registry/core/pod/storage/eviction.go`), which consults that status
//! before deleting a pod, so that `kubectl drain` cannot take a workload below its budget.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodCondition};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{controller_of, is_pod_ready, pod_phase, Action, Reconciler};
use crate::sim::api::store::{timestamp, EventRecord};
use crate::sim::api::{selector, ApiError, DeleteOptions, Object, ObjectKey, WatchEvent};
use crate::sim::{SimDuration, Simulation};

/// How long a pod the Eviction API let go may stay undeleted before the budget counts it again
/// (`DeletionTimeout`).
pub const DELETION_TIMEOUT: SimDuration = SimDuration::from_secs(120);

/// The message of a refused eviction (HTTP 429), which `kubectl drain` prints and retries on.
pub const BUDGET_VIOLATION: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

/// Keeps the status of every PodDisruptionBudget (`disruption-controller`).
#[derive(Clone, Debug, Default)]
pub struct DisruptionController;

impl Reconciler for DisruptionController {
    fn name(&self) -> &'static str {
        "controllermanager"
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "PodDisruptionBudget" => vec![ObjectKey::of(object)],
            "Pod" => budgets_for(sim, object)
                .map(|pdb| ObjectKey {
                    kind: "PodDisruptionBudget".into(),
                    namespace: object.namespace().into(),
                    name: pdb.metadata.name.clone().unwrap_or_default(),
                })
                .collect(),
            // The expected count of a percentage or maxUnavailable budget follows the scale
            // of the pods' controllers.
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" => sim
                .store()
                .list("PodDisruptionBudget", Some(object.namespace()))
                .map(|o| ObjectKey::of(o))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get(&key.kind, &key.namespace, &key.name).cloned() else {
            return Action::await_change();
        };
        let Some(pdb) = object.as_pdb() else { return Action::await_change() };
        let pods = selected_pods(sim, pdb);
        if pods.is_empty() {
            sim.record_event(EventRecord {
                involved: &object,
                event_type: "Normal",
                reason: "NoPods",
                message: "No matching pods found".into(),
                component: self.name(),
                host: None,
                field_path: None,
            });
        }
        let (expected, desired) = expected_and_desired(sim, pdb, &pods);
        let now = sim.now_unix();
        let (disrupted, recheck) = still_disrupted(pdb, &pods, now);
        let healthy = pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter(|p| !disrupted.contains_key(p.metadata.name.as_deref().unwrap_or_default()))
            .filter(|p| is_pod_ready(p))
            .count() as i32;
        let allowed = if expected <= 0 { 0 } else { (healthy - desired).max(0) };
        let status = PodDisruptionBudgetStatus {
            current_healthy: Some(healthy),
            desired_healthy: Some(desired),
            expected_pods: Some(expected),
            disruptions_allowed: Some(allowed),
            disrupted_pods: (!disrupted.is_empty()).then_some(disrupted),
            observed_generation: pdb.metadata.generation,
            conditions: Some(vec![allowed_condition(pdb, allowed > 0, now)]),
        };
        if pdb.status.as_ref() != Some(&status) {
            let mut updated = pdb.clone();
            updated.status = Some(status);
            updated.metadata.resource_version = None;
            let _ = sim.update(Object::from(updated));
        }
        match recheck {
            Some(at) => Action::requeue(SimDuration::from_secs((at - now).max(1) as u64)),
            None => Action::await_change(),
        }
    }
}

/// The budgets in the pod's namespace whose selector matches it. Runs for every pod event, so
/// it borrows the labels rather than copying them.
fn budgets_for<'a>(
    sim: &'a Simulation,
    pod: &'a Object,
) -> impl Iterator<Item = &'a PodDisruptionBudget> + 'a {
    sim.store()
        .list("PodDisruptionBudget", Some(pod.namespace()))
        .filter_map(|o| o.as_pdb())
        .filter(move |pdb| selects(pdb, pod.labels()))
}

/// A nil selector selects nothing; an empty one (policy/v1) selects every pod.
fn selects(pdb: &PodDisruptionBudget, labels: &BTreeMap<String, String>) -> bool {
    pdb.spec.as_ref().and_then(|s| s.selector.as_ref()).is_some_and(|s| selector::matches(s, labels))
}

fn selected_pods(sim: &Simulation, pdb: &PodDisruptionBudget) -> Vec<Pod> {
    let namespace = pdb.metadata.namespace.as_deref().unwrap_or("default");
    sim.store()
        .list("Pod", Some(namespace))
        .filter_map(|o| o.as_pod())
        .filter(|p| selects(pdb, p.metadata.labels.as_ref().unwrap_or(&BTreeMap::new())))
        .cloned()
        .collect()
}

/// `getExpectedPodCount`: an integer minAvailable counts the selected pods; a percentage or a
/// maxUnavailable counts the replicas their controllers ask for.
fn expected_and_desired(sim: &Simulation, pdb: &PodDisruptionBudget, pods: &[Pod]) -> (i32, i32) {
    let spec = pdb.spec.clone().unwrap_or_default();
    let scaled = |value: &IntOrString, total: i32| match value {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => {
            let percent: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            ((percent * i64::from(total) + 99).div_euclid(100)) as i32
        }
    };
    if let Some(max_unavailable) = &spec.max_unavailable {
        let expected = expected_scale(sim, pods);
        return (expected, (expected - scaled(max_unavailable, expected)).max(0));
    }
    match &spec.min_available {
        Some(IntOrString::Int(n)) => (pods.len() as i32, *n),
        Some(percent) => {
            let expected = expected_scale(sim, pods);
            (expected, scaled(percent, expected))
        }
        None => (pods.len() as i32, 0),
    }
}

/// `getExpectedScale`: the replicas of every distinct controller of the pods (a ReplicaSet
/// owned by a Deployment counts with the Deployment's scale).
fn expected_scale(sim: &Simulation, pods: &[Pod]) -> i32 {
    let mut scales: BTreeMap<(String, String), i32> = BTreeMap::new();
    for pod in pods {
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let Some(owner) = pod.metadata.owner_references.iter().flatten().find(|o| o.controller == Some(true))
        else {
            continue;
        };
        let Some(mut controller) = sim.store().get(&owner.kind, &namespace, &owner.name).cloned() else {
            continue;
        };
        if let Some(parent) = controller_of(&controller).filter(|o| o.kind == "Deployment") {
            if let Some(deployment) = sim.store().get("Deployment", &namespace, &parent.name) {
                controller = deployment.clone();
            }
        }
        let replicas = match &*controller {
            Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.replicas),
            Object::ReplicaSet(r) => r.spec.as_ref().and_then(|s| s.replicas),
            Object::StatefulSet(s) => s.spec.as_ref().and_then(|s| s.replicas),
            Object::ReplicationController(r) => r.spec.as_ref().and_then(|s| s.replicas),
            _ => None,
        };
        scales.insert((controller.kind().to_string(), controller.name().to_string()), replicas.unwrap_or(1));
    }
    scales.values().sum()
}

/// `buildDisruptedPodMap`: the pods the Eviction API let go that are not yet deleting, kept
/// for [`DELETION_TIMEOUT`]; also when to look again for the oldest to expire.
fn still_disrupted(
    pdb: &PodDisruptionBudget,
    pods: &[Pod],
    now: i64,
) -> (BTreeMap<String, Time>, Option<i64>) {
    let mut kept = BTreeMap::new();
    let mut recheck: Option<i64> = None;
    let recorded = pdb.status.as_ref().and_then(|s| s.disrupted_pods.clone()).unwrap_or_default();
    for (name, at) in recorded {
        let pending = pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(name.as_str()))
            .is_some_and(|p| p.metadata.deletion_timestamp.is_none());
        let expires = at.0.as_second() + DELETION_TIMEOUT.as_secs() as i64;
        if pending && expires > now {
            recheck = Some(recheck.map_or(expires, |r| r.min(expires)));
            kept.insert(name, at);
        }
    }
    (kept, recheck)
}

/// The `DisruptionAllowed` condition, keeping its transition time while the status holds.
fn allowed_condition(pdb: &PodDisruptionBudget, allowed: bool, now: i64) -> Condition {
    let (status, reason) = if allowed { ("True", "SufficientPods") } else { ("False", "InsufficientPods") };
    let previous = pdb
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "DisruptionAllowed"))
        .filter(|c| c.status == status);
    Condition {
        type_: "DisruptionAllowed".into(),
        status: status.into(),
        reason: reason.into(),
        message: String::new(),
        observed_generation: pdb.metadata.generation,
        last_transition_time: previous.map_or_else(|| timestamp(now), |c| c.last_transition_time.clone()),
    }
}

/// `POST pods/NAME/eviction`: deletes the pod (with its own grace period unless one is given)
/// if no PodDisruptionBudget forbids it. Refusals are HTTP 429 with [`BUDGET_VIOLATION`].
pub fn evict(
    sim: &mut Simulation,
    namespace: &str,
    name: &str,
    grace_period_seconds: Option<i64>,
) -> Result<(), ApiError> {
    let Some(object) = sim.store().get("Pod", namespace, name).cloned() else {
        return Err(ApiError::NotFound { resource: "pods".into(), name: name.into() });
    };
    let Some(pod) = object.as_pod() else {
        return Err(ApiError::NotFound { resource: "pods".into(), name: name.into() });
    };
    // `canIgnorePDB`: a pod that is terminating, finished or not yet running is not counted.
    let ignore_budgets = pod.metadata.deletion_timestamp.is_some()
        || matches!(pod_phase(pod), "Succeeded" | "Failed" | "Pending");
    if !ignore_budgets {
        let budgets: Vec<PodDisruptionBudget> = budgets_for(sim, &object).cloned().collect();
        match budgets.as_slice() {
            [] => {}
            [budget] => check_and_decrement(sim, budget, pod)?,
            _ => {
                return Err(ApiError::InternalError(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
                        .into(),
                ))
            }
        }
    }
    let mut marked = pod.clone();
    let now = sim.now_unix();
    let conditions =
        marked.status.get_or_insert_with(Default::default).conditions.get_or_insert_with(Vec::new);
    conditions.retain(|c| c.type_ != "DisruptionTarget");
    conditions.push(PodCondition {
        type_: "DisruptionTarget".into(),
        status: "True".into(),
        reason: Some("EvictionByEvictionAPI".into()),
        message: Some("Eviction API: evicting".into()),
        last_transition_time: Some(timestamp(now)),
        ..Default::default()
    });
    marked.metadata.resource_version = None;
    if marked.metadata.deletion_timestamp.is_none() {
        let _ = sim.update(Object::from(marked));
    }
    let options = DeleteOptions { grace_period_seconds, ..Default::default() };
    sim.delete("Pod", namespace, name, options).map(|_| ())
}

/// `checkAndDecrement`: takes one disruption from the budget and records the pod as disrupted,
/// unless the budget has none left. An unready pod goes without taking one while the budget
/// is met (`unhealthyPodEvictionPolicy: IfHealthyBudget`, or always with `AlwaysAllow`).
fn check_and_decrement(
    sim: &mut Simulation,
    budget: &PodDisruptionBudget,
    pod: &Pod,
) -> Result<(), ApiError> {
    let status = budget.status.clone().unwrap_or_default();
    if !is_pod_ready(pod) {
        let always = budget.spec.as_ref().and_then(|s| s.unhealthy_pod_eviction_policy.as_deref())
            == Some("AlwaysAllow");
        let healthy_budget = status.current_healthy.unwrap_or(0) >= status.desired_healthy.unwrap_or(0)
            && status.desired_healthy.unwrap_or(0) > 0;
        if always || healthy_budget {
            return Ok(());
        }
    }
    let observed = status.observed_generation.unwrap_or(0) >= budget.metadata.generation.unwrap_or(0);
    let allowed = status.disruptions_allowed.unwrap_or(0);
    if !observed || allowed <= 0 {
        return Err(ApiError::TooManyRequests(BUDGET_VIOLATION.into()));
    }
    let mut updated = budget.clone();
    let now = sim.now_unix();
    let new_status = updated.status.get_or_insert_with(Default::default);
    new_status.disruptions_allowed = Some(allowed - 1);
    new_status
        .disrupted_pods
        .get_or_insert_with(BTreeMap::new)
        .insert(pod.metadata.name.clone().unwrap_or_default(), timestamp(now));
    if allowed - 1 == 0 {
        new_status.conditions = Some(vec![allowed_condition(budget, false, now)]);
    }
    updated.metadata.resource_version = None;
    sim.update(Object::from(updated)).map(|_| ())
}
