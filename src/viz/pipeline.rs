//! The pod creation pipeline: kubectl → API server → etcd → scheduler → kubelet → runtime →
//! network, with the stage the selected pod has reached highlighted. Each stage is read from
//! the pod's own trace: its creation (API server, etcd), the `Scheduled` or `FailedScheduling`
//! event, the kubelet's first action, the sandbox with its IP, the containers started, and the
//! Ready condition that puts the pod behind its Services. Arrows carry the time each next stage
//! was reached, so replaying the trace animates the graph.

use super::graph::{Direction, Edge, Graph, Node, Shape};
use super::select;
use crate::sim::{SimTime, Simulation, TraceKind};

const STAGES: [(&str, &str, &str); 7] = [
    ("kubectl", "kubectl", "sends the manifest"),
    ("apiserver", "API server", "authenticates, admits, validates"),
    ("etcd", "etcd", "stores the pod, unscheduled"),
    ("scheduler", "scheduler", "picks a node"),
    ("kubelet", "kubelet", "sees the pod bound to its node"),
    ("runtime", "container runtime", "sandbox, image pulls, containers"),
    ("network", "network", "pod IP, Ready, endpoints"),
];

pub fn build(sim: &Simulation, selection: Option<&str>) -> Graph {
    let mut graph = Graph::new("Pod creation pipeline", Direction::LeftRight);
    let picked = select::pod(sim, selection);
    let mut reached: [Option<SimTime>; 7] = [None; 7];
    let mut details: [Option<String>; 7] = Default::default();
    let mut blocked: Option<(usize, String)> = None;
    if let Some((ns, name)) = &picked {
        graph.title = format!("Pod creation pipeline: {ns}/{name}");
        let subject = format!("pod/{ns}/{name}");
        let prefix = format!("{subject}/");
        for e in sim.trace().entries() {
            let own = *e.subject == subject;
            let container = e.subject.starts_with(&prefix);
            if !own && !container {
                continue;
            }
            let mut reach = |stage: usize, detail: Option<String>| {
                for slot in reached.iter_mut().take(stage + 1) {
                    slot.get_or_insert(e.time);
                }
                if let Some(d) = detail {
                    details[stage].get_or_insert(d);
                }
            };
            match e.kind {
                TraceKind::Created if own => {
                    reach(2, None);
                    blocked = None;
                }
                TraceKind::Event if own && e.detail.contains(" Scheduled: ") => {
                    let node = e.detail.rsplit(" to ").next().map(|n| format!("→ {n}"));
                    reach(3, node);
                    blocked = None;
                }
                TraceKind::Event if own && e.detail.contains(" FailedScheduling: ") => {
                    let why = e.detail.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or_default();
                    blocked = Some((3, why));
                }
                TraceKind::Event if own && e.detail.contains(" Pulling: ") => reach(4, None),
                TraceKind::Container if e.detail.starts_with("sandbox ready") => {
                    let ip = e.detail.rsplit(' ').next().map(|ip| format!("IP {ip}"));
                    reach(5, None);
                    if let Some(ip) = ip {
                        details[6].get_or_insert(ip);
                    }
                }
                TraceKind::Container if e.detail == "started" => reach(5, Some("containers started".into())),
                _ => {}
            }
        }
        if let Some(pod) = sim.store().get("Pod", ns, name).and_then(|o| o.as_pod()) {
            let ready = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            if ready && reached[6].is_none() {
                reached[6] = reached[5];
            }
            if !ready {
                // The IP alone does not put the pod behind a Service; only Ready does.
                reached[6] = None;
            }
            if let Some(owner) = pod.metadata.owner_references.as_ref().and_then(|r| r.first()) {
                details[0] = Some(format!("via {} {}", owner.kind.to_lowercase(), owner.name));
            }
            let resource_version = pod.metadata.resource_version.clone().unwrap_or_default();
            details[2].get_or_insert(format!("resourceVersion {resource_version}"));
        } else if reached[6].is_none() && details[6].is_some() {
            // A pod that has gone had its address; count the network stage as reached then.
            reached[6] = reached[5];
            graph.note = Some(format!("pod {name} has been deleted"));
        }
    } else {
        graph.note = Some("No pod yet: `kubectl apply` or `kubectl run` one.".into());
    }
    let last = reached.iter().rposition(Option::is_some);
    for (i, (id, label, help)) in STAGES.iter().enumerate() {
        let mut node =
            Node::new(*id, *label).shape(if i == 0 { Shape::Stadium } else { Shape::Rounded }).tooltip(*help);
        if let Some(d) = &details[i] {
            node = node.line(d.clone());
        }
        let class = match (&blocked, reached[i], last) {
            (Some((stage, _)), _, _) if *stage == i => "failed",
            (_, Some(_), Some(l)) if l == i => "current",
            (_, Some(_), _) => "succeeded",
            _ => "muted",
        };
        if let Some((stage, why)) = &blocked {
            if *stage == i {
                node = node.line(why.chars().take(60).collect::<String>());
            }
        }
        if let Some((ns, name)) = &picked {
            node = node.object(format!("pod/{ns}/{name}"));
        }
        graph.add(node.class(class));
    }
    for i in 1..STAGES.len() {
        let mut edge = Edge::new(STAGES[i - 1].0, STAGES[i].0);
        if let Some(t) = reached[i] {
            edge = edge.label(format!("{t}")).class("taken");
        }
        graph.connect(edge);
    }
    graph
}
