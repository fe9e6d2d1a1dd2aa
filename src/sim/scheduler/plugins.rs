//! The in-tree plugins of the default profile, one module per plugin with its upstream name,
//! and the registry listing them in the default MultiPoint order.

pub mod balanced_allocation;
pub mod default_preemption;
pub mod dynamic_resources;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod priority_sort;
pub mod scheduling_gates;
pub mod taint_toleration;
pub mod volume_binding;
pub mod volume_restrictions;
pub mod volume_zone;

use super::framework::{FilterPlugin, PostFilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin};

pub const DEFAULT_BINDER: &str = "DefaultBinder";

/// The default profile's plugins in MultiPoint order (v1.36, DRA enabled).
pub const DEFAULT_PLUGIN_ORDER: &[&str] = &[
    scheduling_gates::NAME,
    priority_sort::NAME,
    node_unschedulable::NAME,
    node_name::NAME,
    taint_toleration::NAME,
    node_affinity::NAME,
    node_ports::NAME,
    node_resources_fit::NAME,
    volume_restrictions::NAME,
    volume_binding::NAME,
    volume_zone::NAME,
    pod_topology_spread::NAME,
    inter_pod_affinity::NAME,
    dynamic_resources::NAME,
    default_preemption::NAME,
    balanced_allocation::NAME,
    image_locality::NAME,
    DEFAULT_BINDER,
];

pub fn pre_filter_plugins() -> Vec<Box<dyn PreFilterPlugin>> {
    vec![
        Box::new(scheduling_gates::SchedulingGates),
        Box::new(volume_restrictions::VolumeRestrictions),
        Box::new(volume_binding::VolumeBinding),
        Box::new(volume_zone::VolumeZone),
        Box::new(pod_topology_spread::PodTopologySpread),
        Box::new(inter_pod_affinity::InterPodAffinity),
    ]
}

pub fn filter_plugins() -> Vec<Box<dyn FilterPlugin>> {
    vec![
        Box::new(node_unschedulable::NodeUnschedulable),
        Box::new(node_name::NodeName),
        Box::new(taint_toleration::TaintToleration),
        Box::new(node_affinity::NodeAffinity),
        Box::new(node_ports::NodePorts),
        Box::new(node_resources_fit::NodeResourcesFit),
        Box::new(volume_binding::VolumeBinding),
        Box::new(volume_zone::VolumeZone),
        Box::new(pod_topology_spread::PodTopologySpread),
        Box::new(inter_pod_affinity::InterPodAffinity),
    ]
}

pub fn post_filter_plugins() -> Vec<Box<dyn PostFilterPlugin>> {
    vec![Box::new(dynamic_resources::DynamicResources), Box::new(default_preemption::DefaultPreemption)]
}

pub fn pre_score_plugins() -> Vec<Box<dyn PreScorePlugin>> {
    vec![
        Box::new(pod_topology_spread::PodTopologySpread),
        Box::new(inter_pod_affinity::InterPodAffinity),
        Box::new(balanced_allocation::BalancedAllocation),
    ]
}

pub fn score_plugins() -> Vec<Box<dyn ScorePlugin>> {
    vec![
        Box::new(taint_toleration::TaintToleration),
        Box::new(node_affinity::NodeAffinity),
        Box::new(node_resources_fit::NodeResourcesFit),
        Box::new(pod_topology_spread::PodTopologySpread),
        Box::new(inter_pod_affinity::InterPodAffinity),
        Box::new(balanced_allocation::BalancedAllocation),
        Box::new(image_locality::ImageLocality),
    ]
}
