//! `kubectl describe` layouts. Each describer writes tab-separated lines through [`Writer`]
//! (kubectl's `PrefixWriter`: two spaces per level) and the text is aligned by the describe
//! tabwriter (padding 2), so columns line up exactly as kubectl's do.

pub mod cluster;
pub mod common;
pub mod pod;
pub mod workloads;

pub use cluster::{
    describe_configmap, describe_generic, describe_namespace, describe_node, describe_pv, describe_pvc,
    describe_secret, describe_service,
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
