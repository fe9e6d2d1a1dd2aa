//! VolumeBinding: every PersistentVolumeClaim the pod mounts must exist and be bound or
//! bindable on the node. Bound claims pin the pod to their volume's node affinity; unbound
//! `WaitForFirstConsumer` claims need a matching available volume or a dynamic provisioner;
//! unbound `Immediate` claims block the pod until the binder binds them.

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};

use crate::sim::quantity::ParsedQuantity;
use crate::sim::scheduler::framework::{CycleState, FilterPlugin, PreFilterPlugin, Status};
use crate::sim::scheduler::labels::any_term_matches;
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "VolumeBinding";
pub const UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
pub const NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
pub const PV_NOT_EXIST: &str = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

pub struct VolumeBinding;

/// The claims of the pod, split as PreFilter found them.
#[derive(Clone, Debug, Default)]
struct PodClaims {
    bound: Vec<PersistentVolumeClaim>,
    delayed: Vec<PersistentVolumeClaim>,
}

pub fn claim_names(pod: &PodInfo) -> Vec<String> {
    pod.pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.persistent_volume_claim.as_ref().map(|c| c.claim_name.clone()))
        .collect()
}

fn class_of(claim: &PersistentVolumeClaim) -> String {
    claim.spec.as_ref().and_then(|s| s.storage_class_name.clone()).unwrap_or_default()
}

fn volume_name(claim: &PersistentVolumeClaim) -> Option<&str> {
    claim.spec.as_ref().and_then(|s| s.volume_name.as_deref()).filter(|n| !n.is_empty())
}

fn volume_fits_node(volume: &PersistentVolume, node: &NodeInfo) -> bool {
    let required =
        volume.spec.as_ref().and_then(|s| s.node_affinity.as_ref()).and_then(|a| a.required.as_ref());
    required.is_none_or(|r| any_term_matches(&r.node_selector_terms, &node.node))
}

fn storage(
    map: Option<&std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> i64 {
    map.and_then(|m| m.get("storage"))
        .and_then(|q| ParsedQuantity::parse(&q.0).ok())
        .map(|q| q.value())
        .unwrap_or(0)
}

/// Whether an available static volume could be bound to `claim` on `node`.
/// The smallest available static volume that `claim` could bind to on `node`.
pub fn find_matching_volume<'a>(
    claim: &PersistentVolumeClaim,
    node: &NodeInfo,
    snapshot: &'a ClusterSnapshot,
) -> Option<&'a PersistentVolume> {
    let spec = claim.spec.as_ref();
    let wanted = storage(spec.and_then(|s| s.resources.as_ref()).and_then(|r| r.requests.as_ref()));
    let modes = spec.and_then(|s| s.access_modes.clone()).unwrap_or_default();
    let class = class_of(claim);
    snapshot
        .volumes
        .values()
        .filter(|pv| {
            let Some(pv_spec) = pv.spec.as_ref() else {
                return false;
            };
            let free = pv_spec.claim_ref.is_none()
                && pv.status.as_ref().and_then(|s| s.phase.as_deref()).is_none_or(|p| p == "Available");
            free && pv_spec.storage_class_name.clone().unwrap_or_default() == class
                && storage(pv_spec.capacity.as_ref()) >= wanted
                && modes.iter().all(|m| pv_spec.access_modes.iter().flatten().any(|have| have == m))
                && volume_fits_node(pv, node)
        })
        .min_by_key(|pv| storage(pv.spec.as_ref().and_then(|s| s.capacity.as_ref())))
}

fn static_volume_available(
    claim: &PersistentVolumeClaim,
    node: &NodeInfo,
    snapshot: &ClusterSnapshot,
) -> bool {
    find_matching_volume(claim, node, snapshot).is_some()
}

/// The annotation VolumeBinding's PreBind puts on a delayed claim so its provisioner creates
/// the volume where the pod landed.
pub const SELECTED_NODE_ANNOTATION: &str = "volume.kubernetes.io/selected-node";

/// What binding the pod to `node` asks of its delayed (`WaitForFirstConsumer`) claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimBinding {
    /// Bind the claim to this existing volume.
    Static { claim: String, volume: String },
    /// Annotate the claim with the selected node; the provisioner creates the volume.
    Provision { claim: String, node: String },
}

/// The claim bindings to carry out after a pod is scheduled to `node_name` (Reserve/PreBind).
pub fn claim_bindings(pod: &PodInfo, node_name: &str, snapshot: &ClusterSnapshot) -> Vec<ClaimBinding> {
    let Some(node) = snapshot.node(node_name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in claim_names(pod) {
        let Some(claim) = snapshot.claims.get(&(pod.namespace.clone(), name.clone())) else {
            continue;
        };
        if volume_name(claim).is_some() {
            continue;
        }
        let class = snapshot.storage_classes.get(&class_of(claim));
        if class.and_then(|c| c.volume_binding_mode.as_deref()) != Some("WaitForFirstConsumer") {
            continue;
        }
        match find_matching_volume(claim, node, snapshot) {
            Some(pv) => out.push(ClaimBinding::Static {
                claim: name,
                volume: pv.metadata.name.clone().unwrap_or_default(),
            }),
            None if class.is_some_and(|c| c.provisioner != NO_PROVISIONER) => {
                out.push(ClaimBinding::Provision { claim: name, node: node_name.to_string() })
            }
            None => {}
        }
    }
    out
}

impl PreFilterPlugin for VolumeBinding {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, snapshot: &ClusterSnapshot) -> Status {
        let names = claim_names(pod);
        if names.is_empty() {
            return Status::skip();
        }
        let mut claims = PodClaims::default();
        let mut immediate_unbound = false;
        for name in names {
            let Some(claim) = snapshot.claims.get(&(pod.namespace.clone(), name.clone())) else {
                return Status::unschedulable(format!("persistentvolumeclaim \"{name}\" not found"));
            };
            if claim.metadata.deletion_timestamp.is_some() {
                return Status::unresolvable(format!("persistentvolumeclaim \"{name}\" is being deleted"));
            }
            if volume_name(claim).is_some() {
                claims.bound.push(claim.clone());
                continue;
            }
            let wait_for_consumer =
                snapshot.storage_classes.get(&class_of(claim)).and_then(|c| c.volume_binding_mode.as_deref())
                    == Some("WaitForFirstConsumer");
            if wait_for_consumer {
                claims.delayed.push(claim.clone());
            } else {
                immediate_unbound = true;
            }
        }
        if immediate_unbound {
            return Status::unresolvable(UNBOUND_IMMEDIATE);
        }
        state.write(NAME, claims);
        Status::success()
    }
}

impl FilterPlugin for VolumeBinding {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, state: &CycleState, _: &PodInfo, node: &NodeInfo, snapshot: &ClusterSnapshot) -> Status {
        let Some(claims) = state.read::<PodClaims>(NAME) else {
            return Status::success();
        };
        let mut reasons = Vec::new();
        for claim in &claims.bound {
            match volume_name(claim).and_then(|n| snapshot.volumes.get(n)) {
                None => return Status::unresolvable(PV_NOT_EXIST),
                Some(pv) if !volume_fits_node(pv, node) => {
                    reasons.push(NODE_CONFLICT.to_string());
                    break;
                }
                Some(_) => {}
            }
        }
        for claim in &claims.delayed {
            let provisioner = snapshot.storage_classes.get(&class_of(claim)).map(|c| c.provisioner.as_str());
            let dynamic = provisioner.is_some_and(|p| p != NO_PROVISIONER);
            if !dynamic && !static_volume_available(claim, node, snapshot) {
                reasons.push(BIND_CONFLICT.to_string());
                break;
            }
        }
        if reasons.is_empty() {
            Status::success()
        } else {
            Status::with_reasons(
                crate::sim::scheduler::framework::Code::UnschedulableAndUnresolvable,
                reasons,
            )
        }
    }
}
