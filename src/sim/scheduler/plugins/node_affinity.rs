//! NodeAffinity: `nodeSelector` and required node affinity filter nodes (terms ORed,
//! expressions ANDed); preferred terms add their weights to the score (weight 2).

use crate::sim::scheduler::framework::{default_normalize, CycleState, FilterPlugin, ScorePlugin, Status};
use crate::sim::scheduler::labels::{any_term_matches, term_matches};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "NodeAffinity";
pub const REASON: &str = "node(s) didn't match Pod's node affinity/selector";
pub const WEIGHT: i64 = 2;

pub struct NodeAffinity;

/// Whether the pod restricts nodes at all (nodeSelector or required node affinity).
pub fn has_required_node_terms(pod: &PodInfo) -> bool {
    let Some(spec) = pod.pod.spec.as_ref() else {
        return false;
    };
    spec.node_selector.as_ref().is_some_and(|s| !s.is_empty())
        || spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .is_some_and(|n| n.required_during_scheduling_ignored_during_execution.is_some())
}

/// Whether the node passes the pod's nodeSelector and required node affinity
/// (also used by PodTopologySpread's `nodeAffinityPolicy: Honor`).
pub fn required_matches(pod: &PodInfo, node: &NodeInfo) -> bool {
    let Some(spec) = pod.pod.spec.as_ref() else {
        return true;
    };
    let labels = node.labels();
    let selector_ok = spec.node_selector.iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| n.required_during_scheduling_ignored_during_execution.as_ref());
    selector_ok && required.is_none_or(|r| any_term_matches(&r.node_selector_terms, &node.node))
}

impl FilterPlugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        if required_matches(pod, node) {
            Status::success()
        } else {
            Status::unresolvable(REASON)
        }
    }
}

impl ScorePlugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        let preferred = pod
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| n.preferred_during_scheduling_ignored_during_execution.as_ref());
        preferred
            .into_iter()
            .flatten()
            .filter(|p| p.weight != 0 && term_matches(&p.preference, &node.node))
            .map(|p| i64::from(p.weight))
            .sum()
    }

    fn normalize(&self, _: &CycleState, _: &PodInfo, scores: &mut [i64]) {
        default_normalize(scores, false);
    }
}
