//! `kubectl describe` layouts. Each describer writes tab-separated lines through [`Writer`]
//! (kubectl's `PrefixWriter`: two spaces per level) and the text is aligned by the describe
//! tabwriter (padding 2), so columns line up exactly as kubectl's do.

pub mod cluster;
pub mod common;
pub mod pod;
pub mod workloads;

pub use cluster::{
    describe_configmap, describe_generic, describe_namespace, describe_node, describe_pdb, describe_pv,
    describe_pvc, describe_secret, describe_service,
};
pub use pod::{describe_pod, qos_class};
pub use workloads::{
    describe_cronjob, describe_daemonset, describe_deployment, describe_hpa, describe_job,
    describe_replicaset, describe_statefulset,
};

use super::tabwriter::DESCRIBE;

/// Collects describe lines; `finish` aligns them.
#[derive(Default)]
pub struct Writer {
    text: String,
}

impl Writer {
    /// Writes `text` indented by `level` (two spaces per level), without a newline.
    pub fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        self.text.push_str(text);
    }

    /// Writes one indented line.
    pub fn line(&mut self, level: usize, text: &str) {
        self.write(level, text);
        self.text.push('\n');
    }

    /// The aligned text.
    pub fn finish(self) -> String {
        DESCRIBE.format(&self.text)
    }
}

/// What `describe` shows besides the object itself; the caller gathers it from the store.
#[derive(Clone, Debug, Default)]
pub struct Related {
    /// Events whose involved object is the described object (any order).
    pub events: Vec<k8s_openapi::api::core::v1::Event>,
    /// Pods selected by a controller, bound to a node, or (PVCs) mounting the claim.
    pub pods: Vec<k8s_openapi::api::core::v1::Pod>,
    /// For deployments: the replica set of the current pod template.
    pub new_replica_set: Option<k8s_openapi::api::apps::v1::ReplicaSet>,
    /// For deployments: the other replica sets they own.
    pub old_replica_sets: Vec<k8s_openapi::api::apps::v1::ReplicaSet>,
    /// For services: their endpoint slices.
    pub endpoint_slices: Vec<k8s_openapi::api::discovery::v1::EndpointSlice>,
    /// For nodes: their heartbeat lease in `kube-node-lease`.
    pub node_lease: Option<k8s_openapi::api::coordination::v1::Lease>,
}

fn typed<T: serde::de::DeserializeOwned>(object: &serde_json::Value) -> Option<T> {
    serde_json::from_value(object.clone()).ok()
}

/// `kubectl describe` of an object of `kind` given as JSON, using the kind's layout, or the
/// generic layout for kinds without one (and objects the typed model rejects).
pub fn describe_kind(kind: &str, object: &serde_json::Value, related: &Related, now_unix: i64) -> String {
    let events = related.events.as_slice();
    let pods = related.pods.as_slice();
    let text = match kind {
        "Pod" => typed(object).map(|p| describe_pod(&p, events, now_unix)),
        "Node" => {
            typed(object).map(|n| describe_node(&n, related.node_lease.as_ref(), pods, events, now_unix))
        }
        "Namespace" => typed(object).map(|n| describe_namespace(&n)),
        "Service" => typed(object).map(|s| describe_service(&s, &related.endpoint_slices, events, now_unix)),
        "ConfigMap" => typed(object).map(|c| describe_configmap(&c, events, now_unix)),
        "Secret" => typed(object).map(|s| describe_secret(&s)),
        "PersistentVolumeClaim" => typed(object).map(|c| {
            let used_by: Vec<String> = pods.iter().filter_map(|p| p.metadata.name.clone()).collect();
            describe_pvc(&c, &used_by, events, now_unix)
        }),
        "PersistentVolume" => typed(object).map(|v| describe_pv(&v, events, now_unix)),
        "Deployment" => typed(object).map(|d| {
            let old: Vec<&k8s_openapi::api::apps::v1::ReplicaSet> = related.old_replica_sets.iter().collect();
            describe_deployment(&d, related.new_replica_set.as_ref(), &old, events, now_unix)
        }),
        "ReplicaSet" => typed(object).map(|r| describe_replicaset(&r, pods, events, now_unix)),
        "StatefulSet" => typed(object).map(|s| describe_statefulset(&s, pods, events, now_unix)),
        "DaemonSet" => typed(object).map(|d| describe_daemonset(&d, pods, events, now_unix)),
        "Job" => typed(object).map(|j| describe_job(&j, events, now_unix)),
        "CronJob" => typed(object).map(|c| describe_cronjob(&c, events, now_unix)),
        "HorizontalPodAutoscaler" => typed(object).map(|h| describe_hpa(&h, events, now_unix)),
        "PodDisruptionBudget" => typed(object).map(|p| describe_pdb(&p, events, now_unix)),
        _ => None,
    };
    text.unwrap_or_else(|| describe_generic(object, events, now_unix))
}
