//! NodePorts: a pod's `hostPort`s must be free on the node (same port and protocol conflict
//! when either side binds every address).

use crate::sim::scheduler::framework::{CycleState, FilterPlugin, Status};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "NodePorts";
pub const REASON: &str = "node(s) didn't have free ports for the requested pod ports";

pub struct NodePorts;

impl FilterPlugin for NodePorts {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &ClusterSnapshot) -> Status {
        let conflict =
            pod.host_ports.iter().any(|want| node.used_ports.iter().any(|used| used.conflicts(want)));
        if conflict {
            Status::unschedulable(REASON)
        } else {
            Status::success()
        }
    }
}
