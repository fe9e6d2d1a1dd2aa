//! The container sequence of a pod: init containers one after another, then the sidecars
//! (restartable init containers, which keep running) and the app containers side by side, each
//! with its state and its probes' last results.

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, Probe};

use super::graph::{Direction, Edge, Graph, Node, Shape};
use super::lifecycle::container_line;
use super::select;
use crate::kubectl::printers::pods::is_sidecar;
use crate::sim::Simulation;

pub fn build(sim: &Simulation, selection: Option<&str>) -> Graph {
    let mut graph = Graph::new("Containers", Direction::LeftRight);
    let Some((ns, name)) = select::pod(sim, selection) else {
        graph.note = Some("No pod yet.".into());
        return graph;
    };
    graph.title = format!("Containers of {ns}/{name}");
    let Some(pod) = sim.store().get("Pod", &ns, &name).and_then(|o| o.as_pod().cloned()) else {
        graph.note = Some(format!("pod {name} no longer exists"));
        return graph;
    };
    let subject = format!("pod/{ns}/{name}");
    let (status, class) = select::pod_status(sim, &pod);
    let node_name =
        pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_else(|| "not scheduled".into());
    graph.add(
        Node::new("pod", format!("pod {name}"))
            .shape(Shape::Stadium)
            .line(format!("{status} on {node_name}"))
            .class(class)
            .object(subject.clone())
            .tooltip(format!("{subject}: {status}")),
    );
    let Some(spec) = pod.spec.as_ref() else { return graph };
    let events = probe_failures(sim, &pod);
    let now = sim.now_unix();
    let status_of = |c: &Container, init: bool| -> Option<ContainerStatus> {
        let st = pod.status.as_ref()?;
        let list = if init { st.init_container_statuses.as_ref() } else { st.container_statuses.as_ref() };
        list?.iter().find(|s| s.name == c.name).cloned()
    };

    let mut previous = "pod".to_string();
    let mut sidecars: Vec<String> = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let sidecar = is_sidecar(Some(c));
        let id = format!("init_{i}");
        let role = if sidecar { "sidecar" } else { "init" };
        graph.add(container_node(&id, role, c, status_of(c, true).as_ref(), &events, now, &subject));
        let label = if sidecar { "started, keeps running".to_string() } else { format!("{}.", i + 1) };
        graph.connect(Edge::new(previous.clone(), id.clone()).label(label));
        if sidecar {
            sidecars.push(id.clone());
        }
        previous = id;
    }
    for (i, c) in spec.containers.iter().enumerate() {
        let id = format!("app_{i}");
        graph.add(container_node(&id, "app", c, status_of(c, false).as_ref(), &events, now, &subject));
        let label = if previous == "pod" { "start" } else { "then" };
        graph.connect(Edge::new(previous.clone(), id).label(label));
    }
    graph
}

fn container_node(
    id: &str,
    role: &str,
    c: &Container,
    status: Option<&ContainerStatus>,
    failures: &[(String, String, i32, i64)],
    now: i64,
    subject: &str,
) -> Node {
    let image = c.image.clone().unwrap_or_default();
    let (state, class) = match status {
        Some(s) => {
            let (line, class) = container_line(s, now);
            let state = line.split_once(": ").map(|(_, s)| s.to_string()).unwrap_or(line);
            (state, class)
        }
        None => ("not created yet".to_string(), "muted"),
    };
    let mut node = Node::new(id, format!("{role}: {}", c.name))
        .line(image.clone())
        .line(state)
        .class(class)
        .object(subject.to_string())
        .tooltip(format!("{role} container {} ({image})", c.name));
    let ready = status.is_some_and(|s| s.ready);
    for (kind, probe) in
        [("startup", &c.startup_probe), ("liveness", &c.liveness_probe), ("readiness", &c.readiness_probe)]
    {
        let Some(probe) = probe else { continue };
        let failure = failures.iter().find(|(k, name, _, _)| k == kind && *name == c.name);
        let result = match failure {
            Some((_, _, count, at)) => {
                format!("failed ×{count}, last {} ago", select::short_secs(now - at))
            }
            None if kind == "readiness" && ready => "passing".into(),
            None if status.is_some_and(|s| s.state.as_ref().and_then(|s| s.running.as_ref()).is_some()) => {
                "no failures".into()
            }
            None => "not run yet".into(),
        };
        node = node.line(format!("{kind} {}: {result}", handler(probe)));
    }
    node
}

/// `httpGet :80/healthz`, `tcpSocket :6380`, `exec`.
fn handler(probe: &Probe) -> String {
    let port = |p: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString| match p {
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => n.to_string(),
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
    };
    if let Some(h) = &probe.http_get {
        return format!("httpGet :{}{}", port(&h.port), h.path.clone().unwrap_or_default());
    }
    if let Some(t) = &probe.tcp_socket {
        return format!("tcpSocket :{}", port(&t.port));
    }
    if probe.grpc.is_some() {
        return "grpc".into();
    }
    "exec".into()
}

/// The pod's `Unhealthy` events: (probe kind, container, count, last Unix second), newest first.
fn probe_failures(sim: &Simulation, pod: &Pod) -> Vec<(String, String, i32, i64)> {
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let mut out: Vec<(String, String, i32, i64)> = sim
        .store()
        .list("Event", Some(&ns))
        .filter_map(|o| o.as_event())
        .filter(|e| {
            e.involved_object.uid.as_deref() == Some(uid.as_str()) && e.reason.as_deref() == Some("Unhealthy")
        })
        .filter_map(|e| {
            let message = e.message.as_deref()?;
            let kind = message.split_whitespace().next()?.to_lowercase();
            let path = e.involved_object.field_path.as_deref()?;
            let container = path.split_once('{')?.1.trim_end_matches('}').to_string();
            let at = e.last_timestamp.as_ref().map(|t| t.0.as_second()).unwrap_or(0);
            Some((kind, container, e.count.unwrap_or(1), at))
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.3));
    out
}
