//! NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal
//! proportion after placing the pod (weight 1). It scores by actual requests, and skips
//! best-effort pods (no cpu or memory requests) so they do not pile onto one node.

use crate::sim::scheduler::framework::{CycleState, PreScorePlugin, ScorePlugin, Status, MAX_NODE_SCORE};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "NodeResourcesBalancedAllocation";
pub const WEIGHT: i64 = 1;

pub struct BalancedAllocation;

impl PreScorePlugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_score(&self, _: &mut CycleState, pod: &PodInfo, _: &ClusterSnapshot, _: &[usize]) -> Status {
        if pod.requests.milli_cpu == 0 && pod.requests.memory == 0 {
            Status::skip()
        } else {
            Status::success()
        }
    }
}

/// The used fraction, capped at 1; `None` for a resource the node does not have.
fn fraction(requested: i64, capacity: i64) -> Option<f64> {
    (capacity > 0).then(|| (requested as f64 / capacity as f64).min(1.0))
}

impl ScorePlugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        let cpu = fraction(node.requested.milli_cpu + pod.requests.milli_cpu, node.allocatable.milli_cpu);
        let memory = fraction(node.requested.memory + pod.requests.memory, node.allocatable.memory);
        // With two resources the standard deviation is half their difference; with one, zero.
        let std_dev = match (cpu, memory) {
            (Some(c), Some(m)) => (c - m).abs() / 2.0,
            _ => 0.0,
        };
        ((1.0 - std_dev) * MAX_NODE_SCORE as f64) as i64
    }
}
