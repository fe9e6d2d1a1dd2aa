//! NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal
//! proportion after placing the pod (weight 1).

use crate::sim::scheduler::framework::{CycleState, ScorePlugin, MAX_NODE_SCORE};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "NodeResourcesBalancedAllocation";
pub const WEIGHT: i64 = 1;

pub struct BalancedAllocation;

fn fraction(requested: i64, capacity: i64) -> f64 {
    if capacity <= 0 {
        return 1.0;
    }
    (requested as f64 / capacity as f64).min(1.0)
}

impl ScorePlugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        let cpu = fraction(node.non_zero_milli_cpu + pod.non_zero_milli_cpu, node.allocatable.milli_cpu);
        let memory = fraction(node.non_zero_memory + pod.non_zero_memory, node.allocatable.memory);
        // With two resources the standard deviation is half their difference.
        let std_dev = (cpu - memory).abs() / 2.0;
        ((1.0 - std_dev) * MAX_NODE_SCORE as f64) as i64
    }
}
