//! TaintToleration: NoSchedule/NoExecute taints must be tolerated (filter); fewer untolerated
//! PreferNoSchedule taints score higher (weight 3).

use crate::sim::scheduler::framework::{default_normalize, CycleState, FilterPlugin, ScorePlugin, Status};
use crate::sim::scheduler::labels::tolerated_by_any;
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "TaintToleration";
pub const REASON: &str = "node(s) had untolerated taint(s)";
pub const WEIGHT: i64 = 3;

pub struct TaintToleration;

fn tolerations(pod: &PodInfo) -> &[k8s_openapi::api::core::v1::Toleration] {
    pod.pod.spec.as_ref().and_then(|s| s.tolerations.as_deref()).unwrap_or(&[])
}

fn taints(node: &NodeInfo) -> &[k8s_openapi::api::core::v1::Taint] {
    node.node.spec.as_ref().and_then(|s| s.taints.as_deref()).unwrap_or(&[])
}

impl FilterPlugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        let tolerations = tolerations(pod);
        let untolerated = taints(node)
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .any(|t| !tolerated_by_any(tolerations, t));
        if untolerated {
            Status::unresolvable(REASON)
        } else {
            Status::success()
        }
    }
}

impl ScorePlugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        // Only tolerations that could apply to PreferNoSchedule count here.
        let tolerations: Vec<_> = tolerations(pod)
            .iter()
            .filter(|t| t.effect.as_deref().is_none_or(|e| e.is_empty() || e == "PreferNoSchedule"))
            .cloned()
            .collect();
        taints(node)
            .iter()
            .filter(|t| t.effect == "PreferNoSchedule" && !tolerated_by_any(&tolerations, t))
            .count() as i64
    }

    fn normalize(&self, _: &CycleState, _: &PodInfo, scores: &mut [i64]) {
        default_normalize(scores, true);
    }
}
