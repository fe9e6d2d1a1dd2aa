//! Ownership in a namespace: Deployment → ReplicaSets (revision, pod-template-hash) → Pods,
//! CronJob → Jobs → Pods, StatefulSet and DaemonSet → Pods, Pods → their PersistentVolumeClaims,
//! and Service → Endpoints → the Pods behind them. Arrows follow ownerReferences, the Endpoints'
//! targetRefs and the pods' volumes, so the graph shows what the garbage collector and the
//! Service's traffic actually follow.

use super::graph::{sanitize_id, Direction, Edge, Graph, Node, Shape};
use super::reconcile::revision;
use super::select;
use crate::sim::api::Object;
use crate::sim::Simulation;

const KINDS: [&str; 10] = [
    "CronJob",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Service",
    "Job",
    "ReplicaSet",
    "Endpoints",
    "Pod",
    "PersistentVolumeClaim",
];

fn id(kind: &str, name: &str) -> String {
    format!("{}_{name}", kind.to_lowercase())
}

pub fn build(sim: &Simulation, selection: Option<&str>) -> Graph {
    let ns = select::namespace(selection);
    let mut graph = Graph::new(format!("Ownership in namespace {ns}"), Direction::LeftRight);
    let store = sim.store();
    let mut uid_to_id: Vec<(String, String)> = Vec::new();
    for kind in KINDS {
        for object in store.list(kind, Some(&ns)) {
            // Endpoints without a Service (kubernetes' own) add noise; only show those of Services.
            if kind == "Endpoints" && store.get("Service", &ns, object.name()).is_none() {
                continue;
            }
            if kind == "Service" && object.name() == "kubernetes" {
                continue;
            }
            let node = node_for(sim, object);
            uid_to_id.push((object.uid().to_string(), node.id.clone()));
            graph.add(node);
        }
    }
    if graph.nodes.is_empty() {
        graph.note = Some(format!("Nothing in namespace {ns} yet."));
        return graph;
    }
    for kind in KINDS {
        for object in store.list(kind, Some(&ns)) {
            let me = id(kind, object.name());
            if graph.node(&sanitize_id(&me)).is_none() {
                continue;
            }
            for owner in object.metadata().owner_references.iter().flatten() {
                if let Some((_, owner_id)) = uid_to_id.iter().find(|(u, _)| *u == owner.uid) {
                    graph.connect(Edge::new(owner_id.clone(), me.clone()).label("owns"));
                }
            }
            match &**object {
                Object::Service(_) => {
                    graph.connect(Edge::new(me.clone(), id("Endpoints", object.name())).label("selects"));
                }
                Object::Endpoints(ep) => {
                    let mut seen = Vec::new();
                    for subset in ep.subsets.iter().flatten() {
                        let ready = subset.addresses.iter().flatten().map(|a| (a, "ready"));
                        let not_ready = subset.not_ready_addresses.iter().flatten().map(|a| (a, "not ready"));
                        for (address, label) in ready.chain(not_ready) {
                            let Some(target) = address.target_ref.as_ref().and_then(|t| t.name.clone())
                            else {
                                continue;
                            };
                            if seen.contains(&target) {
                                continue;
                            }
                            seen.push(target.clone());
                            let mut edge = Edge::new(me.clone(), id("Pod", &target)).label(label);
                            if label != "ready" {
                                edge = edge.dashed();
                            }
                            graph.connect(edge);
                        }
                    }
                }
                Object::Pod(pod) => {
                    let claims = pod.spec.as_ref().and_then(|s| s.volumes.as_ref()).into_iter().flatten();
                    for claim in claims.filter_map(|v| v.persistent_volume_claim.as_ref()) {
                        graph.connect(
                            Edge::new(me.clone(), id("PersistentVolumeClaim", &claim.claim_name))
                                .label("mounts"),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    graph
}

fn node_for(sim: &Simulation, object: &Object) -> Node {
    let kind = object.kind();
    let name = object.name();
    let subject = format!("{}/{}/{name}", kind.to_lowercase(), object.namespace());
    let mut node = Node::new(id(kind, name), format!("{} {name}", kind.to_lowercase()))
        .object(subject.clone())
        .tooltip(subject);
    match object {
        Object::Deployment(d) => {
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let s = d.status.as_ref();
            let ready = s.and_then(|s| s.ready_replicas).unwrap_or(0);
            let updated = s.and_then(|s| s.updated_replicas).unwrap_or(0);
            node = node.shape(Shape::Stadium).line(format!("{ready}/{want} ready, {updated} up-to-date"));
        }
        Object::ReplicaSet(rs) => {
            let want = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let s = rs.status.as_ref();
            let current = s.map(|s| s.replicas).unwrap_or(0);
            let ready = s.and_then(|s| s.ready_replicas).unwrap_or(0);
            let hash = object.labels().get("pod-template-hash").cloned().unwrap_or_default();
            let rev = revision(rs);
            if rev > 0 {
                node = node.line(format!("revision {rev} · hash {hash}"));
            }
            node = node.line(format!("desired {want} · current {current} · ready {ready}"));
            if want == 0 && current == 0 {
                node = node.class("muted");
            }
        }
        Object::StatefulSet(s) => {
            let want = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let ready = s.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0);
            node = node.shape(Shape::Stadium).line(format!("{ready}/{want} ready"));
        }
        Object::DaemonSet(d) => {
            let s = d.status.as_ref();
            let want = s.map(|s| s.desired_number_scheduled).unwrap_or(0);
            let ready = s.map(|s| s.number_ready).unwrap_or(0);
            node = node.shape(Shape::Stadium).line(format!("{ready}/{want} ready"));
        }
        Object::CronJob(c) => {
            let schedule = c.spec.schedule.clone();
            node = node.shape(Shape::Stadium).line(format!("schedule {schedule}"));
        }
        Object::Job(j) => {
            let s = j.status.as_ref();
            let done = s.and_then(|s| s.succeeded).unwrap_or(0);
            let failed = s.and_then(|s| s.failed).unwrap_or(0);
            let want = j.spec.as_ref().and_then(|s| s.completions).unwrap_or(1);
            node = node.line(format!("{done}/{want} complete, {failed} failed"));
            let finished =
                s.and_then(|s| s.conditions.as_ref()).into_iter().flatten().find(|c| c.status == "True");
            node = match finished.map(|c| c.type_.as_str()) {
                Some("Complete") => node.class("succeeded"),
                Some("Failed") => node.class("failed"),
                _ => node.class("running"),
            };
        }
        Object::Service(s) => {
            let spec = s.spec.as_ref();
            let t = spec.and_then(|s| s.type_.clone()).unwrap_or_else(|| "ClusterIP".into());
            let ip = spec.and_then(|s| s.cluster_ip.clone()).unwrap_or_default();
            node = node.shape(Shape::Stadium).line(format!("{t} {ip}"));
        }
        Object::Endpoints(e) => {
            let ready: usize =
                e.subsets.iter().flatten().map(|s| s.addresses.as_ref().map_or(0, Vec::len)).sum();
            node = node.line(format!("{ready} ready address{}", if ready == 1 { "" } else { "es" }));
        }
        Object::Pod(p) => {
            let (status, class) = select::pod_status(sim, p);
            let ip = p.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
            node = node.line(if ip.is_empty() { status } else { format!("{status} · {ip}") }).class(class);
        }
        Object::PersistentVolumeClaim(c) => {
            let phase = c.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into());
            let volume = c.spec.as_ref().and_then(|s| s.volume_name.clone()).unwrap_or_default();
            node = node.line(format!("{phase} {volume}")).class(if phase == "Bound" {
                "succeeded"
            } else {
                "pending"
            });
        }
        _ => {}
    }
    node
}
