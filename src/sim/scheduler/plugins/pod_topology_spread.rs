//! PodTopologySpread: `topologySpreadConstraints` keep matching pods balanced across topology
//! domains. `DoNotSchedule` constraints filter (skew ≤ maxSkew); `ScheduleAnyway` ones, and the
//! system defaults for pods owned by a ReplicaSet/StatefulSet/ReplicationController (hostname
//! maxSkew 3, zone maxSkew 5), score (weight 2). Counts are computed once per cycle in
//! PreFilter/PreScore, as upstream's cycle state does.

use std::collections::BTreeMap;

use crate::sim::scheduler::framework::{
    Code, CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, Status, MAX_NODE_SCORE,
};
use crate::sim::scheduler::labels::{tolerated_by_any, Selector};
use crate::sim::scheduler::plugins::node_affinity::{has_required_node_terms, required_matches};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "PodTopologySpread";
pub const REASON: &str = "node(s) didn't match pod topology spread constraints";
pub const MISSING_LABEL_REASON: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
pub const WEIGHT: i64 = 2;
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";
pub const ZONE_KEY: &str = "topology.kubernetes.io/zone";

pub struct PodTopologySpread;

#[derive(Clone, Debug)]
pub struct Constraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub hard: bool,
    pub selector: Selector,
    pub min_domains: i64,
    pub honor_node_affinity: bool,
    pub honor_taints: bool,
}

fn owned_by_workload(pod: &PodInfo) -> bool {
    pod.pod.metadata.owner_references.iter().flatten().any(|o| {
        o.controller == Some(true)
            && matches!(o.kind.as_str(), "ReplicaSet" | "StatefulSet" | "ReplicationController")
    })
}

/// The pod's constraints, or the system defaults when it has none and belongs to a workload
/// (selector: the pod's own labels, standing in for its owner's selector).
pub fn constraints(pod: &PodInfo) -> Vec<Constraint> {
    let declared = pod.pod.spec.as_ref().and_then(|s| s.topology_spread_constraints.as_ref());
    match declared {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|c| {
                let mut selector = Selector::from_label_selector(c.label_selector.as_ref());
                for key in c.match_label_keys.iter().flatten() {
                    if let Some(value) = pod.labels.get(key) {
                        selector.require(key, value);
                    }
                }
                Constraint {
                    max_skew: i64::from(c.max_skew),
                    topology_key: c.topology_key.clone(),
                    hard: c.when_unsatisfiable == "DoNotSchedule",
                    selector,
                    min_domains: i64::from(c.min_domains.unwrap_or(1)),
                    honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
                    honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
                }
            })
            .collect(),
        _ if owned_by_workload(pod) && !pod.labels.is_empty() => [(HOSTNAME_KEY, 3), (ZONE_KEY, 5)]
            .into_iter()
            .map(|(key, skew)| Constraint {
                max_skew: skew,
                topology_key: key.to_string(),
                hard: false,
                selector: Selector::from_labels(&pod.labels),
                min_domains: 1,
                honor_node_affinity: true,
                honor_taints: false,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn node_included(c: &Constraint, pod: &PodInfo, node: &NodeInfo) -> bool {
    if c.honor_node_affinity && !required_matches(pod, node) {
        return false;
    }
    if c.honor_taints {
        let tolerations = pod.pod.spec.as_ref().and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]);
        let taints = node.node.spec.as_ref().and_then(|s| s.taints.as_deref()).unwrap_or(&[]);
        if taints.iter().any(|t| {
            (t.effect == "NoSchedule" || t.effect == "NoExecute") && !tolerated_by_any(tolerations, t)
        }) {
            return false;
        }
    }
    true
}

fn has_all_keys(constraints: &[Constraint], node: &NodeInfo) -> bool {
    constraints.iter().all(|c| node.labels().contains_key(&c.topology_key))
}

/// Non-terminating pods of the pod's namespace on the node that the constraint selects; counted
/// per group of identically labelled pods (replicas share one), not per pod.
fn matching_pods(c: &Constraint, pod: &PodInfo, node: &NodeInfo) -> i64 {
    node.label_groups
        .iter()
        .filter(|g| g.namespace == pod.namespace && c.selector.matches(&g.labels))
        .map(|g| g.count as i64)
        .sum()
}

/// PreFilter state: per hard constraint, matching pods per domain and the global minimum.
struct FilterState {
    constraints: Vec<Constraint>,
    counts: Vec<BTreeMap<String, i64>>,
    minimums: Vec<i64>,
}

impl PreFilterPlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, snapshot: &ClusterSnapshot) -> Status {
        let hard: Vec<Constraint> = constraints(pod).into_iter().filter(|c| c.hard).collect();
        if hard.is_empty() {
            return Status::skip();
        }
        let mut counts = vec![BTreeMap::new(); hard.len()];
        for node in &snapshot.nodes {
            if !has_all_keys(&hard, node) {
                continue;
            }
            for (i, c) in hard.iter().enumerate() {
                if !node_included(c, pod, node) {
                    continue;
                }
                let value = node.labels().get(&c.topology_key).cloned().unwrap_or_default();
                *counts[i].entry(value).or_insert(0) += matching_pods(c, pod, node);
            }
        }
        let minimums = hard
            .iter()
            .zip(&counts)
            .map(|(c, domains)| {
                if (domains.len() as i64) < c.min_domains {
                    0
                } else {
                    domains.values().copied().min().unwrap_or(0)
                }
            })
            .collect();
        state.write(NAME, FilterState { constraints: hard, counts, minimums });
        Status::success()
    }
}

impl FilterPlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        let Some(s) = state.read::<FilterState>(NAME) else {
            return Status::success();
        };
        for (i, c) in s.constraints.iter().enumerate() {
            let Some(value) = node.labels().get(&c.topology_key) else {
                return Status::unresolvable(MISSING_LABEL_REASON);
            };
            let self_match = i64::from(c.selector.matches(&pod.labels));
            let matched = s.counts[i].get(value).copied().unwrap_or(0);
            if matched + self_match - s.minimums[i] > c.max_skew {
                return Status::new(Code::Unschedulable, REASON);
            }
        }
        Status::success()
    }
}

/// PreScore state: soft constraints, their normalising weights and counts per domain.
struct ScoreState {
    constraints: Vec<Constraint>,
    weights: Vec<f64>,
    /// Pods per domain value; for hostname constraints only when `per_node_counted` is set
    /// (otherwise each node's pods are counted in `score`).
    counts: Vec<BTreeMap<String, i64>>,
    /// Per constraint: hostname counts taken from the snapshot's per-domain counts.
    per_node_counted: Vec<bool>,
    /// Aligned with the feasible nodes: nodes lacking a topology key score 0.
    ignored: Vec<bool>,
}

fn declares_constraints(pod: &PodInfo) -> bool {
    pod.pod.spec.as_ref().and_then(|s| s.topology_spread_constraints.as_ref()).is_some_and(|c| !c.is_empty())
}

/// A node's domain for a constraint; without the label it is the empty value, as upstream.
fn domain_of<'a>(node: &'a NodeInfo, key: &str) -> &'a str {
    node.labels().get(key).map(String::as_str).unwrap_or("")
}

impl PreScorePlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &ClusterSnapshot,
        feasible: &[usize],
    ) -> Status {
        let soft: Vec<Constraint> = constraints(pod).into_iter().filter(|c| !c.hard).collect();
        if soft.is_empty() || feasible.is_empty() {
            return Status::skip();
        }
        // System defaults do not require every key: kind nodes have no zone label.
        let require_all = declares_constraints(pod);
        let mut ignored = Vec::with_capacity(feasible.len());
        let mut counts: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); soft.len()];
        let mut hostname_domains = 0usize;
        for &index in feasible {
            let Some(node) = snapshot.nodes.get(index) else {
                continue;
            };
            let lacks = require_all && !has_all_keys(&soft, node);
            ignored.push(lacks);
            if lacks {
                continue;
            }
            hostname_domains += 1;
            for (i, c) in soft.iter().enumerate() {
                if c.topology_key != HOSTNAME_KEY {
                    counts[i].entry(domain_of(node, &c.topology_key).to_string()).or_insert(0);
                }
            }
        }
        let every_node_has_keys =
            soft.iter().all(|c| snapshot.label_key_nodes.get(&c.topology_key) == Some(&snapshot.nodes.len()));
        let mut per_node_counted = vec![false; soft.len()];
        for (i, c) in soft.iter().enumerate() {
            let all_nodes_included =
                !c.honor_taints && (!c.honor_node_affinity || !has_required_node_terms(pod));
            if c.topology_key == HOSTNAME_KEY {
                // When the matching label groups sit on fewer nodes than are scored, count per
                // node once from the snapshot's per-domain counts instead of matching every
                // group on every scored node (a Deployment's pods among thousands of nodes).
                if !(every_node_has_keys && all_nodes_included) {
                    continue;
                }
                let matching: Vec<&BTreeMap<(String, String), i64>> = snapshot
                    .domain_counts
                    .iter()
                    .filter(|((namespace, labels), _)| {
                        *namespace == pod.namespace && c.selector.matches(labels)
                    })
                    .map(|(_, domains)| domains)
                    .collect();
                if matching.iter().map(|d| d.len()).sum::<usize>() <= feasible.len() {
                    per_node_counted[i] = true;
                    let start = (HOSTNAME_KEY.to_string(), String::new());
                    for domains in matching {
                        for ((key, value), count) in domains.range(start.clone()..) {
                            if key != HOSTNAME_KEY {
                                break;
                            }
                            *counts[i].entry(value.clone()).or_insert(0) += count;
                        }
                    }
                }
                continue;
            }
            if every_node_has_keys && all_nodes_included {
                // Fast path: the snapshot keeps per-domain counts for every label group.
                for ((namespace, labels), domains) in &snapshot.domain_counts {
                    if *namespace != pod.namespace || !c.selector.matches(labels) {
                        continue;
                    }
                    for (value, slot) in counts[i].iter_mut() {
                        *slot += domains.get(&(c.topology_key.clone(), value.clone())).copied().unwrap_or(0);
                    }
                }
                continue;
            }
            for node in &snapshot.nodes {
                if require_all && !has_all_keys(&soft, node) {
                    continue;
                }
                let Some(slot) = counts[i].get_mut(domain_of(node, &c.topology_key)) else {
                    continue;
                };
                if node_included(c, pod, node) {
                    *slot += matching_pods(c, pod, node);
                }
            }
        }
        let weights = soft
            .iter()
            .zip(&counts)
            .map(|(c, domains)| {
                let size = if c.topology_key == HOSTNAME_KEY { hostname_domains } else { domains.len() };
                ((size + 2) as f64).ln()
            })
            .collect();
        state.write(NAME, ScoreState { constraints: soft, weights, counts, per_node_counted, ignored });
        Status::success()
    }
}

impl ScorePlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        let Some(s) = state.read::<ScoreState>(NAME) else {
            return 0;
        };
        let mut total = 0.0;
        for (i, c) in s.constraints.iter().enumerate() {
            let Some(value) = node.labels().get(&c.topology_key) else {
                continue;
            };
            let count = if c.topology_key == HOSTNAME_KEY && !s.per_node_counted[i] {
                matching_pods(c, pod, node)
            } else {
                s.counts[i].get(value).copied().unwrap_or(0)
            };
            total += count as f64 * s.weights[i] + (c.max_skew - 1) as f64;
        }
        total.round() as i64
    }

    fn normalize(&self, state: &CycleState, _: &PodInfo, scores: &mut [i64]) {
        let Some(s) = state.read::<ScoreState>(NAME) else {
            return;
        };
        let considered = || scores.iter().zip(&s.ignored).filter(|(_, ignored)| !**ignored).map(|(v, _)| *v);
        let min = considered().min().unwrap_or(0);
        let max = considered().max().unwrap_or(0);
        for (score, ignored) in scores.iter_mut().zip(&s.ignored) {
            *score = if *ignored {
                0
            } else if max == 0 {
                MAX_NODE_SCORE
            } else {
                MAX_NODE_SCORE * (max + min - *score) / max
            };
        }
    }
}
