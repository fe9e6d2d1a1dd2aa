//! The DaemonSet controller (`pkg/controller/daemon/daemon_controller.go`, `update.go`,
//! `util/daemonset_util.go`): one pod per eligible node (nodeSelector and taints, with the
//! tolerations DaemonSet pods get automatically), pinned to its node by a `matchFields`
//! node affinity for the scheduler to honour; follows nodes as they come, go or change; rolls
//! out template changes `maxUnavailable` pods at a time.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint,
    Toleration,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::deployment::compute_hash;
use super::pod_control::{create_pod, delete_pod, pod_from_template};
use super::{controller_of, is_pod_available, is_pod_ready, owner_key, pod_phase, Action, Reconciler};
use crate::sim::api::selector;
use crate::sim::api::{Object, ObjectKey, WatchEvent};
use crate::sim::Simulation;

/// The component name of the controller's events.
pub const COMPONENT: &str = "daemonset-controller";
/// The label carrying the template revision of a DaemonSet or StatefulSet pod.
pub const CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";

/// The DaemonSet controller.
#[derive(Clone, Debug, Default)]
pub struct DaemonSetController;

/// Whether `toleration` tolerates `taint` (`Toleration.ToleratesTaint`).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if toleration.effect.as_deref().is_some_and(|e| !e.is_empty() && e != taint.effect) {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or_default();
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        _ => {
            !key.is_empty()
                && toleration.value.as_deref().unwrap_or_default()
                    == taint.value.as_deref().unwrap_or_default()
        }
    }
}

/// The tolerations every DaemonSet pod gets (`AddOrUpdateDaemonPodTolerations`).
pub fn daemon_tolerations(host_network: bool) -> Vec<Toleration> {
    let exists = |key: &str, effect: &str| Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        ..Default::default()
    };
    let mut list = vec![
        exists("node.kubernetes.io/not-ready", "NoExecute"),
        exists("node.kubernetes.io/unreachable", "NoExecute"),
        exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
        exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
        exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
        exists("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        list.push(exists("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    list
}

/// The node a DaemonSet pod is pinned to (its `matchFields` affinity), or where it runs.
fn target_node(pod: &Pod) -> Option<String> {
    if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
        return Some(node);
    }
    let terms = &pod
        .spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name")
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

/// Whether the DaemonSet's pod should run on `node` (`NodeShouldRunDaemonPod`).
fn should_run(ds: &DaemonSet, node: &Node) -> bool {
    let Some(spec) = ds.spec.as_ref() else { return false };
    let pod_spec = spec.template.spec.clone().unwrap_or_default();
    let labels = node.metadata.labels.clone().unwrap_or_default();
    if let Some(node_selector) = pod_spec.node_selector.as_ref() {
        if !selector::matches_map(node_selector, &labels) {
            return false;
        }
    }
    let mut tolerations = pod_spec.tolerations.clone().unwrap_or_default();
    tolerations.extend(daemon_tolerations(pod_spec.host_network == Some(true)));
    node.spec
        .iter()
        .flat_map(|s| s.taints.iter().flatten())
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .all(|taint| tolerations.iter().any(|t| tolerates(t, taint)))
}

impl DaemonSetController {
    fn sync_daemon_set(&self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        let Some(object) = sim.store().get("DaemonSet", &key.namespace, &key.name).cloned() else {
            return Action::await_change();
        };
        let Some(ds) = object.as_daemon_set().cloned() else { return Action::await_change() };
        if ds.metadata.deletion_timestamp.is_some() {
            return Action::await_change();
        }
        let Some(spec) = ds.spec.clone() else { return Action::await_change() };
        let hash = compute_hash(&spec.template, ds.status.as_ref().and_then(|s| s.collision_count));
        let nodes: Vec<Node> = sim.store().list("Node", None).filter_map(|n| n.as_node().cloned()).collect();
        let pods: Vec<Rc<Object>> = sim
            .store()
            .list("Pod", Some(&key.namespace))
            .filter(|p| controller_of(p).is_some_and(|r| r.uid == object.uid()))
            .cloned()
            .collect();
        let mut by_node: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
        for pod in pods.iter().filter_map(|p| p.as_pod()) {
            if let Some(node) = target_node(pod) {
                by_node.entry(node).or_default().push(pod.clone());
            }
        }
        let now = sim.now_unix();
        let min_ready = spec.min_ready_seconds.unwrap_or(0);
        let mut to_create: Vec<String> = Vec::new();
        let mut to_delete: Vec<String> = Vec::new();
        let eligible: Vec<&Node> = nodes.iter().filter(|n| should_run(&ds, n)).collect();
        for node in &eligible {
            let name = node.metadata.name.clone().unwrap_or_default();
            let node_pods = by_node.get(&name).cloned().unwrap_or_default();
            let mut live: Vec<&Pod> = Vec::new();
            for pod in &node_pods {
                if pod.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                if pod_phase(pod) == "Failed" {
                    to_delete.push(pod.metadata.name.clone().unwrap_or_default());
                } else {
                    live.push(pod);
                }
            }
            if live.is_empty() && !node_pods.iter().any(|p| p.metadata.deletion_timestamp.is_some()) {
                to_create.push(name);
            } else if live.len() > 1 {
                live.sort_by_key(|p| p.metadata.creation_timestamp.as_ref().map(|t| t.0));
                to_delete.extend(live.iter().skip(1).map(|p| p.metadata.name.clone().unwrap_or_default()));
            }
        }
        // Pods on nodes that are gone or no longer eligible.
        for (node, node_pods) in &by_node {
            if !eligible.iter().any(|n| n.metadata.name.as_deref() == Some(node.as_str())) {
                to_delete.extend(
                    node_pods
                        .iter()
                        .filter(|p| p.metadata.deletion_timestamp.is_none())
                        .map(|p| p.metadata.name.clone().unwrap_or_default()),
                );
            }
        }
        // Rolling update: replace outdated pods while few enough are unavailable.
        let rolling = spec.update_strategy.as_ref().is_none_or(|s| s.type_.as_deref() != Some("OnDelete"));
        if rolling && to_create.is_empty() {
            let max_unavailable = match spec
                .update_strategy
                .as_ref()
                .and_then(|s| s.rolling_update.as_ref())
                .and_then(|r| r.max_unavailable.as_ref())
            {
                Some(IntOrString::Int(n)) => *n,
                Some(IntOrString::String(p)) => {
                    let percent: i64 = p.trim_end_matches('%').parse().unwrap_or(0);
                    ((percent * eligible.len() as i64 + 99) / 100) as i32
                }
                None => 1,
            }
            .max(1);
            let all_live: Vec<&Pod> =
                by_node.values().flatten().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
            let unavailable = eligible.len() as i32
                - all_live.iter().filter(|p| is_pod_available(p, min_ready, now)).count() as i32;
            let mut budget = max_unavailable - unavailable.max(0);
            let mut outdated: Vec<&&Pod> = all_live
                .iter()
                .filter(|p| {
                    p.metadata.labels.as_ref().and_then(|l| l.get(CONTROLLER_REVISION_HASH)) != Some(&hash)
                })
                .collect();
            // Unavailable outdated pods go first: replacing them costs nothing.
            outdated.sort_by_key(|p| (is_pod_available(p, min_ready, now), p.metadata.name.clone()));
            for pod in outdated {
                let available = is_pod_available(pod, min_ready, now);
                if available && budget <= 0 {
                    break;
                }
                if available {
                    budget -= 1;
                }
                to_delete.push(pod.metadata.name.clone().unwrap_or_default());
            }
        }
        for name in &to_delete {
            delete_pod(sim, &object, &key.namespace, name, COMPONENT);
        }
        for node in &to_create {
            let mut template = spec.template.clone();
            let labels = template
                .metadata
                .get_or_insert_with(Default::default)
                .labels
                .get_or_insert_with(BTreeMap::new);
            labels.insert(CONTROLLER_REVISION_HASH.into(), hash.clone());
            labels.insert("pod-template-generation".into(), ds.metadata.generation.unwrap_or(1).to_string());
            let mut pod = pod_from_template(&template, &object, &format!("{}-", key.name));
            if let Some(pod_spec) = pod.spec.as_mut() {
                let mut tolerations = pod_spec.tolerations.clone().unwrap_or_default();
                for t in daemon_tolerations(pod_spec.host_network == Some(true)) {
                    if !tolerations.iter().any(|x| x.key == t.key && x.effect == t.effect) {
                        tolerations.push(t);
                    }
                }
                pod_spec.tolerations = Some(tolerations);
                pod_spec.affinity.get_or_insert_with(Affinity::default).node_affinity = Some(NodeAffinity {
                    required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_fields: Some(vec![NodeSelectorRequirement {
                                key: "metadata.name".into(),
                                operator: "In".into(),
                                values: Some(vec![node.clone()]),
                            }]),
                            match_expressions: None,
                        }],
                    }),
                    preferred_during_scheduling_ignored_during_execution: None,
                });
            }
            let _ = create_pod(sim, &object, pod, COMPONENT);
        }
        self.update_status(sim, &ds, &eligible, &hash, min_ready)
    }

    fn update_status(
        &self,
        sim: &mut Simulation,
        ds: &DaemonSet,
        eligible: &[&Node],
        hash: &str,
        min_ready: i32,
    ) -> Action {
        let namespace = ds.metadata.namespace.clone().unwrap_or_default();
        let uid = ds.metadata.uid.clone().unwrap_or_default();
        let now = sim.now_unix();
        let pods: Vec<Pod> = sim
            .store()
            .list("Pod", Some(&namespace))
            .filter(|p| controller_of(p).is_some_and(|r| r.uid == uid))
            .filter_map(|p| p.as_pod().cloned())
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let eligible_names: Vec<String> = eligible.iter().filter_map(|n| n.metadata.name.clone()).collect();
        let on_eligible: Vec<&Pod> =
            pods.iter().filter(|p| target_node(p).is_some_and(|n| eligible_names.contains(&n))).collect();
        let scheduled: Vec<&&Pod> = on_eligible
            .iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some())
            .collect();
        let desired = eligible.len() as i32;
        let current = eligible_names
            .iter()
            .filter(|n| on_eligible.iter().any(|p| target_node(p).as_ref() == Some(*n)))
            .count() as i32;
        let misscheduled = pods
            .iter()
            .filter(|p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_ref())
                    .is_some_and(|n| !eligible_names.contains(n))
            })
            .count() as i32;
        let ready = scheduled.iter().filter(|p| is_pod_ready(p)).count() as i32;
        let available = scheduled.iter().filter(|p| is_pod_available(p, min_ready, now)).count() as i32;
        let updated = on_eligible
            .iter()
            .filter(|p| {
                p.metadata.labels.as_ref().and_then(|l| l.get(CONTROLLER_REVISION_HASH)).map(String::as_str)
                    == Some(hash)
            })
            .count() as i32;
        let status = DaemonSetStatus {
            current_number_scheduled: current,
            desired_number_scheduled: desired,
            number_misscheduled: misscheduled,
            number_ready: ready,
            number_available: (available > 0).then_some(available),
            number_unavailable: (desired - available > 0).then_some(desired - available),
            updated_number_scheduled: Some(updated),
            observed_generation: ds.metadata.generation,
            collision_count: ds.status.as_ref().and_then(|s| s.collision_count),
            conditions: ds.status.as_ref().and_then(|s| s.conditions.clone()),
        };
        let mut action = Action::await_change();
        if let Some(wait) =
            scheduled.iter().filter_map(|p| super::time_until_available(p, min_ready, now)).min()
        {
            action = Action::requeue(wait);
        }
        if ds.status.as_ref() != Some(&status) {
            let mut updated_ds = ds.clone();
            updated_ds.status = Some(status);
            updated_ds.metadata.resource_version = None;
            let _ = sim.update(Object::from(updated_ds));
        }
        action
    }
}

impl Reconciler for DaemonSetController {
    fn name(&self) -> &'static str {
        COMPONENT
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        let object = &event.object;
        match object.kind() {
            "DaemonSet" => vec![ObjectKey::of(object)],
            "Pod" => owner_key(object, "DaemonSet").into_iter().collect(),
            "Node" => sim.store().list("DaemonSet", None).map(|d| ObjectKey::of(d)).collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_daemon_set(sim, key)
    }
}
