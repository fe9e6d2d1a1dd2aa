//! NodeResourcesFit: the pod's requests plus those already on the node must fit allocatable
//! (cpu, memory, ephemeral-storage, extended resources, pod count); scored LeastAllocated
//! over cpu and memory (weight 1).

use crate::sim::scheduler::framework::{Code, CycleState, FilterPlugin, ScorePlugin, Status, MAX_NODE_SCORE};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "NodeResourcesFit";
pub const TOO_MANY_PODS: &str = "Too many pods";
pub const WEIGHT: i64 = 1;

pub struct NodeResourcesFit;

/// One shortfall, as upstream's `InsufficientResource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsufficientResource {
    pub resource: String,
    pub reason: String,
    pub requested: i64,
    pub used: i64,
    pub capacity: i64,
}

/// Every resource the pod does not fit on the node, in upstream's order.
pub fn insufficient_resources(pod: &PodInfo, node: &NodeInfo) -> Vec<InsufficientResource> {
    let mut out = Vec::new();
    let allowed = node.allocatable.allowed_pods;
    if node.pods.len() as i64 + 1 > allowed {
        out.push(InsufficientResource {
            resource: "pods".into(),
            reason: TOO_MANY_PODS.into(),
            requested: 1,
            used: node.pods.len() as i64,
            capacity: allowed,
        });
    }
    let req = &pod.requests;
    if req.is_zero() {
        return out;
    }
    let mut check = |name: &str, want: i64, used: i64, capacity: i64| {
        if want > 0 && want > capacity - used {
            out.push(InsufficientResource {
                resource: name.to_string(),
                reason: format!("Insufficient {name}"),
                requested: want,
                used,
                capacity,
            });
        }
    };
    check("cpu", req.milli_cpu, node.requested.milli_cpu, node.allocatable.milli_cpu);
    check("memory", req.memory, node.requested.memory, node.allocatable.memory);
    check(
        "ephemeral-storage",
        req.ephemeral_storage,
        node.requested.ephemeral_storage,
        node.allocatable.ephemeral_storage,
    );
    for (name, want) in &req.scalar {
        let used = node.requested.scalar.get(name).copied().unwrap_or(0);
        let capacity = node.allocatable.scalar.get(name).copied().unwrap_or(0);
        check(name, *want, used, capacity);
    }
    out
}

impl FilterPlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        let short = insufficient_resources(pod, node);
        if short.is_empty() {
            Status::success()
        } else {
            Status::with_reasons(Code::Unschedulable, short.into_iter().map(|s| s.reason).collect())
        }
    }
}

/// `(capacity − requested) × 100 / capacity`, 0 when over-committed.
fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

impl ScorePlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> i64 {
        let cpu =
            least_requested(node.non_zero_milli_cpu + pod.non_zero_milli_cpu, node.allocatable.milli_cpu);
        let memory = least_requested(node.non_zero_memory + pod.non_zero_memory, node.allocatable.memory);
        (cpu + memory) / 2
    }
}
