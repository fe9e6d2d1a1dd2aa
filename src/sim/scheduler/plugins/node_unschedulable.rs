//! NodeUnschedulable: cordoned nodes (`spec.unschedulable`) take only pods that tolerate
//! `node.kubernetes.io/unschedulable:NoSchedule`.

use k8s_openapi::api::core::v1::Taint;

use crate::sim::scheduler::framework::{CycleState, FilterPlugin, Status};
use crate::sim::scheduler::labels::tolerated_by_any;
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "NodeUnschedulable";
pub const REASON: &str = "node(s) were unschedulable";
pub const UNSCHEDULABLE_TAINT_KEY: &str = "node.kubernetes.io/unschedulable";

pub struct NodeUnschedulable;

impl FilterPlugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        if node.node.spec.as_ref().and_then(|s| s.unschedulable) != Some(true) {
            return Status::success();
        }
        let taint = Taint {
            key: UNSCHEDULABLE_TAINT_KEY.to_string(),
            effect: "NoSchedule".to_string(),
            ..Taint::default()
        };
        let tolerations = pod.pod.spec.as_ref().and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]);
        if tolerated_by_any(tolerations, &taint) {
            Status::success()
        } else {
            Status::unresolvable(REASON)
        }
    }
}
