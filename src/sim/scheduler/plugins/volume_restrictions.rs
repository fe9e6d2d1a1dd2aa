//! VolumeRestrictions: a `ReadWriteOncePod` claim may be used by one pod in the whole cluster.

use crate::sim::scheduler::framework::{CycleState, PreFilterPlugin, Status};
use crate::sim::scheduler::plugins::volume_binding::claim_names;
use crate::sim::scheduler::snapshot::{ClusterSnapshot, PodInfo};

pub const NAME: &str = "VolumeRestrictions";
pub const READ_WRITE_ONCE_POD_CONFLICT: &str =
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

pub struct VolumeRestrictions;

impl PreFilterPlugin for VolumeRestrictions {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, _: &mut CycleState, pod: &PodInfo, snapshot: &ClusterSnapshot) -> Status {
        let exclusive: Vec<String> = claim_names(pod)
            .into_iter()
            .filter(|name| {
                snapshot.claims.get(&(pod.namespace.clone(), name.clone())).is_some_and(|c| {
                    c.spec
                        .as_ref()
                        .and_then(|s| s.access_modes.as_ref())
                        .is_some_and(|m| m.iter().any(|mode| mode == "ReadWriteOncePod"))
                })
            })
            .collect();
        if exclusive.is_empty() {
            return Status::skip();
        }
        let in_use = snapshot.nodes.iter().flat_map(|n| n.pods.iter()).any(|other| {
            other.namespace == pod.namespace
                && other.uid != pod.uid
                && claim_names(other).iter().any(|c| exclusive.contains(c))
        });
        if in_use {
            Status::unresolvable(READ_WRITE_ONCE_POD_CONFLICT)
        } else {
            Status::success()
        }
    }
}
