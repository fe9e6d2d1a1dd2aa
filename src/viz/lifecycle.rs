//! The pod lifecycle graph: the phase state machine (Pending → Running → Succeeded/Failed, and
//! Unknown), the selected pod's current phase highlighted, its containers' states written inside
//! the current phase, and each transition counted from the trace.
//!
//! Container restarts do not change the pod's phase, so they are drawn as a self-loop on
//! Running ("container restart ×N"): a separate Waiting state would suggest a phase the API never
//! reports, while the loop reads as "Running, again and again", which is what CrashLoopBackOff
//! is. The loop's count is the number of container starts after each container's first one.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::graph::{Direction, Edge, Flavor, Graph, Node, Shape};
use super::select;
use crate::sim::{SimDuration, Simulation, TraceKind};

const PHASES: [&str; 5] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

/// The edges of the phase machine, in drawing order.
const TRANSITIONS: [(&str, &str, &str); 7] = [
    ("Pending", "Running", "containers started"),
    ("Running", "Succeeded", "all exited 0"),
    ("Running", "Failed", "a container failed"),
    ("Pending", "Failed", "could not start"),
    ("Running", "Unknown", "node lost"),
    ("Pending", "Succeeded", "ran to completion"),
    ("Unknown", "Running", "node back"),
];

/// The label of the container-restart self-loop on Running.
pub const RESTART_LABEL: &str = "container restart";

pub fn build(sim: &Simulation, selection: Option<&str>) -> Graph {
    let mut graph = Graph::new("Pod lifecycle", Direction::TopBottom);
    graph.flavor = Flavor::State;
    let Some((ns, name)) = select::pod(sim, selection) else {
        graph.note = Some("No pod yet: create one to see its lifecycle.".into());
        return phase_machine(graph, &BTreeMap::new(), 0, false);
    };
    graph.title = format!("Pod lifecycle: {ns}/{name}");
    let subject = format!("pod/{ns}/{name}");
    let (transitions, created, restarts) = trace_counts(sim, &subject);
    let mut graph = phase_machine(graph, &transitions, restarts, created);

    let live = sim.store().get("Pod", &ns, &name).and_then(|o| o.as_pod().cloned());
    let current = match &live {
        Some(pod) => pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into()),
        None => {
            graph.note = Some(format!("pod {name} has been deleted; counts are from its history"));
            last_phase(sim, &subject).unwrap_or_else(|| "Pending".into())
        }
    };
    let now = sim.now_unix();
    if let Some(node) = graph.node_mut(&current) {
        node.classes.insert(0, "current".into());
        if let Some(pod) = &live {
            node.object = Some(subject.clone());
            let lines = container_lines(pod, now);
            let waiting = lines.iter().any(|(_, class)| *class == "waiting");
            node.sub.extend(lines.into_iter().map(|(l, _)| l));
            if waiting {
                node.classes.push("waiting".into());
            }
            node.tooltip = format!("{subject}: phase {current}");
        }
    }
    for phase in PHASES {
        if phase != current {
            if let Some(node) = graph.node_mut(phase) {
                node.classes.push("muted".into());
            }
        }
    }
    graph
}

fn phase_machine(
    mut graph: Graph,
    transitions: &BTreeMap<(String, String), u32>,
    restarts: u32,
    created: bool,
) -> Graph {
    graph.add(Node::new("start", "").shape(Shape::Circle).tooltip("pod created"));
    for phase in PHASES {
        graph.add(Node::new(phase, phase).tooltip(phase_help(phase)));
    }
    let mut start = Edge::new("start", "Pending").label("created");
    if created {
        start = start.count(1);
    }
    graph.connect(start);
    for (from, to, label) in TRANSITIONS {
        let mut edge = Edge::new(from, to).label(label);
        if let Some(&n) = transitions.get(&(from.to_string(), to.to_string())) {
            edge = edge.count(n).class("taken");
        }
        graph.connect(edge);
    }
    let mut restart = Edge::new("Running", "Running").label(RESTART_LABEL);
    if restarts > 0 {
        restart = restart.count(restarts).class("taken");
    }
    graph.connect(restart);
    graph
}

fn phase_help(phase: &str) -> &'static str {
    match phase {
        "Pending" => {
            "accepted, but not all containers have started (scheduling, image pulls, init containers)"
        }
        "Running" => "bound to a node, all containers created, at least one running or restarting",
        "Succeeded" => "all containers exited 0 and will not be restarted",
        "Failed" => "all containers terminated, at least one in failure",
        _ => "the node stopped reporting the pod's state",
    }
}

/// Phase transitions, whether the pod was created, and container restarts, from the trace.
fn trace_counts(sim: &Simulation, subject: &str) -> (BTreeMap<(String, String), u32>, bool, u32) {
    let mut transitions: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut phase = "Pending".to_string();
    let mut created = false;
    let mut starts: BTreeMap<String, u32> = BTreeMap::new();
    let container_prefix = format!("{subject}/");
    for e in sim.trace().entries() {
        if &*e.subject == subject {
            match e.kind {
                TraceKind::Created => {
                    created = true;
                    phase = "Pending".into();
                }
                TraceKind::Pod => {
                    if let Some(next) = e.detail.strip_prefix("phase ") {
                        if next != phase && !next.is_empty() {
                            *transitions.entry((phase.clone(), next.to_string())).or_default() += 1;
                            phase = next.to_string();
                        }
                    }
                }
                _ => {}
            }
        } else if e.kind == TraceKind::Container && e.detail == "started" {
            if let Some(container) = e.subject.strip_prefix(&container_prefix) {
                *starts.entry(container.to_string()).or_default() += 1;
            }
        }
    }
    let restarts = starts.values().map(|n| n.saturating_sub(1)).sum();
    (transitions, created, restarts)
}

fn last_phase(sim: &Simulation, subject: &str) -> Option<String> {
    sim.trace()
        .entries()
        .iter()
        .rev()
        .find(|e| &*e.subject == subject && e.kind == TraceKind::Pod && e.detail.starts_with("phase "))
        .and_then(|e| e.detail.strip_prefix("phase ").map(str::to_string))
}

/// One line per container: `web: Waiting (CrashLoopBackOff), restart in 23s`, with its class.
pub fn container_lines(pod: &Pod, now_unix: i64) -> Vec<(String, &'static str)> {
    let Some(status) = pod.status.as_ref() else { return Vec::new() };
    status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .map(|c| container_line(c, now_unix))
        .collect()
}

/// A container's state in a few words, and its class.
pub fn container_line(c: &ContainerStatus, now_unix: i64) -> (String, &'static str) {
    let restarts =
        if c.restart_count > 0 { format!(", restarts {}", c.restart_count) } else { String::new() };
    let state = c.state.as_ref();
    if let Some(w) = state.and_then(|s| s.waiting.as_ref()) {
        let reason = w.reason.clone().unwrap_or_else(|| "Waiting".into());
        let countdown =
            restart_countdown(c, now_unix).map(|s| format!(", restart in {s}")).unwrap_or_default();
        let class =
            if reason == "ContainerCreating" || reason == "PodInitializing" { "pending" } else { "waiting" };
        return (format!("{}: Waiting ({reason}){countdown}{restarts}", c.name), class);
    }
    if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
        let reason = t.reason.clone().unwrap_or_default();
        let class = if t.exit_code == 0 { "succeeded" } else { "failed" };
        return (format!("{}: Terminated ({reason}, exit {}){restarts}", c.name, t.exit_code), class);
    }
    if state.and_then(|s| s.running.as_ref()).is_some() {
        let ready = if c.ready { "ready" } else { "not ready" };
        return (format!("{}: Running, {ready}{restarts}", c.name), "running");
    }
    (format!("{}: Waiting{restarts}", c.name), "pending")
}

/// Time left until the kubelet restarts a container in CrashLoopBackOff: the back-off period in
/// the waiting message, counted from when the last run finished.
pub fn restart_countdown(c: &ContainerStatus, now_unix: i64) -> Option<String> {
    let waiting = c.state.as_ref()?.waiting.as_ref()?;
    if waiting.reason.as_deref() != Some("CrashLoopBackOff") {
        return None;
    }
    let message = waiting.message.as_deref()?;
    let period = message.strip_prefix("back-off ")?.split_whitespace().next()?;
    let period = SimDuration::parse(period)?.as_secs() as i64;
    let finished = c.last_state.as_ref()?.terminated.as_ref()?.finished_at.as_ref()?.0.as_second();
    Some(select::short_secs(finished + period - now_unix))
}
