//! InterPodAffinity: required pod affinity and anti-affinity (the incoming pod's, and existing
//! pods' anti-affinity against it) filter nodes by topology domain; preferred terms score
//! (weight 2). Matching pods are counted per (topologyKey, value) once per cycle.

use std::collections::BTreeMap;

use crate::sim::scheduler::framework::{
    CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, Status, MAX_NODE_SCORE,
};
use crate::sim::scheduler::snapshot::{AffinityTerm, ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "InterPodAffinity";
pub const AFFINITY_REASON: &str = "node(s) didn't match pod affinity rules";
pub const ANTI_AFFINITY_REASON: &str = "node(s) didn't match pod anti-affinity rules";
pub const EXISTING_ANTI_AFFINITY_REASON: &str = "node(s) didn't satisfy existing pods anti-affinity rules";
pub const WEIGHT: i64 = 2;
/// Weight an existing pod's *required* affinity term gives to a matching incoming pod.
const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

pub struct InterPodAffinity;

type TopologyCounts = BTreeMap<(String, String), i64>;

struct FilterState {
    existing_anti: TopologyCounts,
    affinity: TopologyCounts,
    anti: TopologyCounts,
}

fn domain<'a>(node: &'a NodeInfo, key: &str) -> Option<&'a String> {
    node.labels().get(key)
}

impl PreFilterPlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, snapshot: &ClusterSnapshot) -> Status {
        let mut existing_anti = TopologyCounts::new();
        let mut affinity = TopologyCounts::new();
        let mut anti = TopologyCounts::new();
        let incoming_terms = !pod.required_affinity.is_empty() || !pod.required_anti_affinity.is_empty();
        if snapshot.pods_with_required_anti_affinity == 0 && !incoming_terms {
            return Status::skip();
        }
        for node in &snapshot.nodes {
            if node.pods_with_required_anti_affinity > 0 {
                for existing in &node.pods {
                    for term in &existing.required_anti_affinity {
                        if term.matches(pod) {
                            if let Some(v) = domain(node, &term.topology_key) {
                                *existing_anti.entry((term.topology_key.clone(), v.clone())).or_insert(0) +=
                                    1;
                            }
                        }
                    }
                }
            }
            if !incoming_terms {
                continue;
            }
            for existing in &node.pods {
                if !pod.required_affinity.is_empty()
                    && pod.required_affinity.iter().all(|t| t.matches(existing))
                {
                    for term in &pod.required_affinity {
                        if let Some(v) = domain(node, &term.topology_key) {
                            *affinity.entry((term.topology_key.clone(), v.clone())).or_insert(0) += 1;
                        }
                    }
                }
                for term in &pod.required_anti_affinity {
                    if term.matches(existing) {
                        if let Some(v) = domain(node, &term.topology_key) {
                            *anti.entry((term.topology_key.clone(), v.clone())).or_insert(0) += 1;
                        }
                    }
                }
            }
        }
        if existing_anti.is_empty() && !incoming_terms {
            return Status::skip();
        }
        state.write(NAME, FilterState { existing_anti, affinity, anti });
        Status::success()
    }
}

fn count_at(counts: &TopologyCounts, node: &NodeInfo, key: &str) -> i64 {
    domain(node, key).and_then(|v| counts.get(&(key.to_string(), v.clone()))).copied().unwrap_or(0)
}

impl FilterPlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        let Some(s) = state.read::<FilterState>(NAME) else {
            return Status::success();
        };
        if !pod.required_affinity.is_empty() {
            // All topology labels must exist on the node, even for the first pod of a group.
            if pod.required_affinity.iter().any(|t| domain(node, &t.topology_key).is_none()) {
                return Status::unresolvable(AFFINITY_REASON);
            }
            let pods_exist =
                pod.required_affinity.iter().all(|t| count_at(&s.affinity, node, &t.topology_key) > 0);
            // The first pod of a group that selects itself may go anywhere.
            let first_of_group =
                s.affinity.is_empty() && pod.required_affinity.iter().all(|t| t.matches(pod));
            if !pods_exist && !first_of_group {
                return Status::unresolvable(AFFINITY_REASON);
            }
        }
        if pod.required_anti_affinity.iter().any(|t| count_at(&s.anti, node, &t.topology_key) > 0) {
            return Status::unschedulable(ANTI_AFFINITY_REASON);
        }
        if !s.existing_anti.is_empty()
            && node
                .labels()
                .iter()
                .any(|(k, v)| s.existing_anti.get(&(k.clone(), v.clone())).is_some_and(|c| *c > 0))
        {
            return Status::unschedulable(EXISTING_ANTI_AFFINITY_REASON);
        }
        Status::success()
    }
}

struct ScoreState {
    topology_scores: TopologyCounts,
}

fn add_term(scores: &mut TopologyCounts, term: &AffinityTerm, node: &NodeInfo, weight: i64) {
    if let Some(v) = domain(node, &term.topology_key) {
        *scores.entry((term.topology_key.clone(), v.clone())).or_insert(0) += weight;
    }
}

impl PreScorePlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &ClusterSnapshot,
        _: &[usize],
    ) -> Status {
        let incoming_preferred =
            !pod.preferred_affinity.is_empty() || !pod.preferred_anti_affinity.is_empty();
        if snapshot.pods_with_affinity == 0 && !incoming_preferred {
            return Status::skip();
        }
        let mut scores = TopologyCounts::new();
        for node in &snapshot.nodes {
            if node.pods_with_affinity == 0 && !incoming_preferred {
                continue;
            }
            for existing in &node.pods {
                for t in pod.preferred_affinity.iter().filter(|t| t.matches(existing)) {
                    add_term(&mut scores, t, node, t.weight);
                }
                for t in pod.preferred_anti_affinity.iter().filter(|t| t.matches(existing)) {
                    add_term(&mut scores, t, node, -t.weight);
                }
                for t in existing.required_affinity.iter().filter(|t| t.matches(pod)) {
                    add_term(&mut scores, t, node, HARD_POD_AFFINITY_WEIGHT);
                }
                for t in existing.preferred_affinity.iter().filter(|t| t.matches(pod)) {
                    add_term(&mut scores, t, node, t.weight);
                }
                for t in existing.preferred_anti_affinity.iter().filter(|t| t.matches(pod)) {
                    add_term(&mut scores, t, node, -t.weight);
                }
            }
        }
        if scores.is_empty() {
            return Status::skip();
        }
        state.write(NAME, ScoreState { topology_scores: scores });
        Status::success()
    }
}

impl ScorePlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, state: &CycleState, _: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        let Some(s) = state.read::<ScoreState>(NAME) else {
            return 0;
        };
        node.labels().iter().filter_map(|(k, v)| s.topology_scores.get(&(k.clone(), v.clone()))).sum()
    }

    fn normalize(&self, state: &CycleState, _: &PodInfo, scores: &mut [i64]) {
        if state.read::<ScoreState>(NAME).is_none() {
            return;
        }
        let min = scores.iter().copied().min().unwrap_or(0);
        let max = scores.iter().copied().max().unwrap_or(0);
        for score in scores.iter_mut() {
            *score = if max > min { MAX_NODE_SCORE * (*score - min) / (max - min) } else { 0 };
        }
    }
}
