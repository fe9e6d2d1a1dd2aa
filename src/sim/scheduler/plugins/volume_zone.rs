//! VolumeZone: a pod whose bound volumes carry zone/region labels fits only nodes in those
//! zones/regions.

use crate::sim::scheduler::framework::{CycleState, FilterPlugin, PreFilterPlugin, Status};
use crate::sim::scheduler::plugins::volume_binding::claim_names;
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "VolumeZone";
pub const REASON: &str = "node(s) had no available volume zone";

/// Topology labels a volume may be constrained by (current and legacy names).
const TOPOLOGY_LABELS: &[&str] = &[
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
];

pub struct VolumeZone;

impl PreFilterPlugin for VolumeZone {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Pods without claims have nothing to check.
    fn pre_filter(&self, _: &mut CycleState, pod: &PodInfo, _: &ClusterSnapshot) -> Status {
        if claim_names(pod).is_empty() {
            Status::skip()
        } else {
            Status::success()
        }
    }
}

impl FilterPlugin for VolumeZone {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, snapshot: &ClusterSnapshot) -> Status {
        for claim_name in claim_names(pod) {
            let volume = snapshot
                .claims
                .get(&(pod.namespace.clone(), claim_name))
                .and_then(|c| c.spec.as_ref())
                .and_then(|s| s.volume_name.as_ref())
                .and_then(|v| snapshot.volumes.get(v));
            let Some(labels) = volume.and_then(|v| v.metadata.labels.as_ref()) else {
                continue;
            };
            for key in TOPOLOGY_LABELS {
                let Some(wanted) = labels.get(*key) else { continue };
                // Multi-zone volumes list their zones separated by "__".
                let fits = node.labels().get(*key).is_some_and(|have| wanted.split("__").any(|z| z == have));
                if !fits {
                    return Status::unresolvable(REASON);
                }
            }
        }
        Status::success()
    }
}
