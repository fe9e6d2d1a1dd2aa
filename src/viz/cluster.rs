//! The cluster map: every node with its status, taints, and requested against allocatable CPU
//! and memory, and the pods placed on it coloured by status. Above [`COMPACT_PODS`] pods or
//! [`COMPACT_NODES`] nodes the pods are summarised per node (counts by status) so the map stays
//! one box per node, which the layout packs into a grid.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node as K8sNode, Pod};

use super::graph::{Direction, Edge, Graph, Node};
use super::select;
use crate::kubectl::printers::cluster::node_status;
use crate::sim::api::quantity::parse_millis;
use crate::sim::Simulation;

/// Beyond this many pods, pods are counted rather than drawn.
pub const COMPACT_PODS: usize = 60;
/// Beyond this many nodes, pods are counted rather than drawn.
pub const COMPACT_NODES: usize = 12;

pub fn build(sim: &Simulation) -> Graph {
    let mut graph = Graph::new("Cluster map", Direction::TopBottom);
    let store = sim.store();
    let nodes: Vec<&K8sNode> = store.list("Node", None).filter_map(|o| o.as_node()).collect();
    let pods: Vec<&Pod> = store.list("Pod", None).filter_map(|o| o.as_pod()).collect();
    let compact = pods.len() > COMPACT_PODS || nodes.len() > COMPACT_NODES;
    let mut on_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
    for pod in &pods {
        let node = pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default();
        on_node.entry(node).or_default().push(pod);
    }
    for node in &nodes {
        let name = node.metadata.name.clone().unwrap_or_default();
        let here = on_node.get(&name).map(Vec::as_slice).unwrap_or_default();
        let status = node_status(node);
        // A rounded box: pill ends grow with the many lines a node carries.
        let mut box_ = Node::new(format!("node_{name}"), format!("node {name}"))
            .line(status.clone())
            .object(format!("node/{name}"))
            .class(if status.starts_with("Ready") { "running" } else { "failed" });
        for taint in node.spec.as_ref().and_then(|s| s.taints.as_ref()).into_iter().flatten() {
            box_ = box_.line(format!("taint {}:{}", taint.key, taint.effect));
        }
        for condition in node.status.as_ref().and_then(|s| s.conditions.as_ref()).into_iter().flatten() {
            let bad = if condition.type_ == "Ready" {
                condition.status != "True"
            } else {
                condition.status == "True"
            };
            if bad {
                box_ = box_.line(format!("{}={}", condition.type_, condition.status));
            }
        }
        let allocatable = |key: &str| {
            node.status
                .as_ref()
                .and_then(|s| s.allocatable.as_ref())
                .and_then(|a| a.get(key))
                .and_then(|q| parse_millis(&q.0))
                .unwrap_or(0)
        };
        let (cpu, memory) = requested(here);
        let (cpu_total, memory_total) = (allocatable("cpu"), allocatable("memory"));
        box_ = box_.line(format!(
            "cpu requested {} of {} ({})",
            millicores(cpu),
            millicores(cpu_total),
            percent(cpu, cpu_total)
        ));
        box_ = box_.line(format!(
            "memory requested {} of {} ({})",
            mebibytes(memory),
            mebibytes(memory_total),
            percent(memory, memory_total)
        ));
        if compact {
            box_ = box_.line(count_line(sim, here));
        }
        box_.tooltip = format!("node {name}: {status}, {} pods", here.len());
        graph.add(box_);
    }
    let unscheduled = on_node.get("").map(Vec::as_slice).unwrap_or_default();
    if !unscheduled.is_empty() {
        let mut lane = Node::new("unscheduled", "not scheduled").class("pending");
        if compact {
            lane = lane.line(count_line(sim, unscheduled));
        }
        graph.add(lane);
    }
    if !compact {
        for pod in &pods {
            let name = pod.metadata.name.clone().unwrap_or_default();
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            let (status, class) = select::pod_status(sim, pod);
            let id = format!("pod_{ns}_{name}");
            graph.add(
                Node::new(id.clone(), name.clone())
                    .line(status.clone())
                    .class(class)
                    .object(format!("pod/{ns}/{name}"))
                    .tooltip(format!("pod {ns}/{name}: {status}")),
            );
            let node = pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default();
            let from = if node.is_empty() { "unscheduled".to_string() } else { format!("node_{node}") };
            graph.connect(Edge::new(from, id));
        }
    } else {
        graph.note = Some(format!("{} nodes, {} pods: pods are counted per node", nodes.len(), pods.len()));
    }
    graph
}

/// Requested CPU (millicores) and memory (milli-bytes) of the pods that still hold resources.
fn requested(pods: &[&Pod]) -> (i128, i128) {
    let mut cpu = 0;
    let mut memory = 0;
    for pod in pods {
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
        if phase == "Succeeded" || phase == "Failed" {
            continue;
        }
        for c in pod.spec.as_ref().map(|s| s.containers.as_slice()).unwrap_or_default() {
            let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
            let get = |k: &str| requests.and_then(|r| r.get(k)).and_then(|q| parse_millis(&q.0)).unwrap_or(0);
            cpu += get("cpu");
            memory += get("memory");
        }
    }
    (cpu, memory)
}

fn percent(used: i128, total: i128) -> String {
    if total <= 0 {
        return "0%".into();
    }
    format!("{}%", used * 100 / total)
}

fn millicores(m: i128) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

fn mebibytes(milli_bytes: i128) -> String {
    let mib = milli_bytes / 1000 / (1024 * 1024);
    if mib >= 1024 && mib % 1024 == 0 {
        format!("{}Gi", mib / 1024)
    } else {
        format!("{mib}Mi")
    }
}

fn count_line(sim: &Simulation, pods: &[&Pod]) -> String {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for pod in pods {
        *counts.entry(select::pod_status(sim, pod).1).or_default() += 1;
    }
    if counts.is_empty() {
        return "no pods".into();
    }
    counts.iter().map(|(class, n)| format!("{n} {class}")).collect::<Vec<_>>().join(", ")
}
