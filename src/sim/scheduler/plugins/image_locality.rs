//! ImageLocality: favours nodes that already hold the pod's images, weighted by image size and
//! by how widely the image is spread (weight 1).

use crate::sim::scheduler::framework::{CycleState, ScorePlugin, MAX_NODE_SCORE};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "ImageLocality";
pub const WEIGHT: i64 = 1;
const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

pub struct ImageLocality;

impl ScorePlugin for ImageLocality {
    fn name(&self) -> &'static str {
        NAME
    }

    fn weight(&self) -> i64 {
        WEIGHT
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, snapshot: &ClusterSnapshot) -> i64 {
        let total_nodes = snapshot.nodes.len().max(1) as f64;
        let mut sum = 0i64;
        let count = pod.images.len() as i64;
        for name in &pod.images {
            if let Some(size) = node.images.get(name) {
                let spread = snapshot.image_node_counts.get(name).copied().unwrap_or(0) as f64 / total_nodes;
                sum += (*size as f64 * spread) as i64;
            }
        }
        let max_threshold = MAX_CONTAINER_THRESHOLD * count.max(1);
        let clamped = sum.clamp(MIN_THRESHOLD, max_threshold);
        MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD)
    }
}
