//! SchedulingGates: a pod with `spec.schedulingGates` is not tried until every gate is removed.

use k8s_openapi::api::core::v1::Pod;

use crate::sim::scheduler::framework::{CycleState, PreFilterPlugin, Status};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, PodInfo};

pub const NAME: &str = "SchedulingGates";

pub struct SchedulingGates;

/// The gate names, empty when the pod may be scheduled.
pub fn gates(pod: &Pod) -> Vec<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.scheduling_gates.as_ref())
        .into_iter()
        .flatten()
        .map(|g| g.name.clone())
        .collect()
}

/// PreEnqueue: the queue keeps gated pods out of activeQ (status `SchedulingGated`).
pub fn pre_enqueue(pod: &Pod) -> Status {
    let gates = gates(pod);
    if gates.is_empty() {
        Status::success()
    } else {
        Status::unresolvable(format!("waiting for scheduling gates: [{}]", gates.join(" "))).with_plugin(NAME)
    }
}

impl PreFilterPlugin for SchedulingGates {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, _state: &mut CycleState, pod: &PodInfo, _snapshot: &ClusterSnapshot) -> Status {
        pre_enqueue(&pod.pod)
    }
}
