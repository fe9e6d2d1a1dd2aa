//! The ReplicaSet controller's reconcile loop as the articles draw it: observe, compare actual
//! with desired, then maintain, spawn pods or delete extra pods. The branch the controller took
//! at its last sync is highlighted; each branch's arrow counts how often it was taken (the
//! `SuccessfulCreate` and `SuccessfulDelete` events in the trace, one per pod).

use k8s_openapi::api::apps::v1::ReplicaSet;

use super::graph::{Direction, Edge, Graph, Node, Shape};
use super::select;
use crate::sim::{Simulation, TraceKind};

pub fn build(sim: &Simulation, selection: Option<&str>) -> Graph {
    let mut graph = Graph::new("ReplicaSet reconcile loop", Direction::TopBottom);
    let Some(rs) = pick(sim, selection) else {
        graph.note = Some("No ReplicaSet yet: create a ReplicaSet or a Deployment.".into());
        loop_shape(&mut graph, None, (0, 0), None);
        return graph;
    };
    let name = rs.metadata.name.clone().unwrap_or_default();
    let ns = rs.metadata.namespace.clone().unwrap_or_default();
    graph.title = format!("Reconcile loop of replicaset {ns}/{name}");
    let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let status = rs.status.as_ref();
    let current = status.map(|s| s.replicas).unwrap_or(0);
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    let available = status.and_then(|s| s.available_replicas).unwrap_or(0);
    let subject = format!("replicaset/{ns}/{name}");

    // Each pod created or deleted is one event; the latest tells the branch of the last change.
    let (mut created, mut deleted, mut last) = (0u32, 0u32, None);
    for e in sim.trace().entries().iter().filter(|e| e.kind == TraceKind::Event && *e.subject == subject) {
        if e.detail.contains(" SuccessfulCreate:") {
            created += 1;
            last = Some("spawn");
        } else if e.detail.contains(" SuccessfulDelete:") {
            deleted += 1;
            last = Some("delete");
        }
    }
    // The last sync compared the counts it saw; once they match it maintained.
    let branch = match current.cmp(&desired) {
        std::cmp::Ordering::Less => "spawn",
        std::cmp::Ordering::Greater => "delete",
        std::cmp::Ordering::Equal => "maintain",
    };
    let counts = format!("desired {desired} · current {current} · ready {ready} · available {available}");
    loop_shape(&mut graph, Some((&subject, &name, &counts)), (created, deleted), Some(branch));
    if let Some(last) = last {
        if last != branch {
            graph.note = Some(format!("the last pod change was a {last}; the counts now match"));
        }
    }
    graph
}

fn loop_shape(graph: &mut Graph, rs: Option<(&str, &str, &str)>, counts: (u32, u32), branch: Option<&str>) {
    let mut head =
        Node::new("rs", rs.map(|r| format!("replicaset {}", r.1)).unwrap_or_else(|| "ReplicaSet".into()))
            .shape(Shape::Stadium)
            .tooltip("the ReplicaSet controller syncs on every change of the ReplicaSet or its pods");
    if let Some((subject, _, line)) = rs {
        head = head.line(line).object(subject);
    }
    graph.add(head);
    graph.add(
        Node::new("observe", "observe pods")
            .line("list pods matching the selector")
            .tooltip("owned, active pods count as actual"),
    );
    graph.add(Node::new("compare", "Actual = Desired?").shape(Shape::Diamond));
    graph.add(Node::new("maintain", "maintain").line("nothing to do"));
    graph.add(Node::new("spawn", "spawn new pods").line("create desired − actual"));
    graph.add(Node::new("delete", "delete extra pods").line("not-ready and newest first"));
    for id in ["maintain", "spawn", "delete"] {
        if let Some(node) = graph.node_mut(id) {
            let class = if branch == Some(id) { "current" } else { "muted" };
            node.classes.push(class.into());
        }
    }
    graph.connect(Edge::new("rs", "observe").label("sync"));
    graph.connect(Edge::new("observe", "compare"));
    let edge = |to: &str, label: &str, count: Option<u32>| {
        let mut e = Edge::new("compare", to).label(label);
        if let Some(n) = count.filter(|n| *n > 0) {
            e = e.count(n);
        }
        if branch == Some(to) {
            e = e.class("taken");
        }
        e
    };
    graph.connect(edge("maintain", "yes", None));
    graph.connect(edge("spawn", "fewer", Some(counts.0)));
    graph.connect(edge("delete", "more", Some(counts.1)));
    for id in ["maintain", "spawn", "delete"] {
        graph.connect(Edge::new(id, "rs").label("watch").dashed());
    }
}

/// The selected ReplicaSet, the newest of a selected Deployment, the owner of a selected pod,
/// or the first in the namespace.
fn pick(sim: &Simulation, selection: Option<&str>) -> Option<ReplicaSet> {
    let ns = select::namespace(selection);
    let store = sim.store();
    let list = || store.list("ReplicaSet", Some(&ns)).filter_map(|o| o.as_replica_set());
    if let Some(sel) = selection {
        let (kind, ns, name) = select::parse(sel);
        let owned_by = |uid: &str| {
            store
                .list("ReplicaSet", Some(&ns))
                .filter_map(|o| o.as_replica_set())
                .filter(|rs| rs.metadata.owner_references.iter().flatten().any(|r| r.uid == uid))
                .max_by_key(|rs| revision(rs))
                .cloned()
        };
        match kind.as_str() {
            "replicaset" => {
                if let Some(rs) = store.get("ReplicaSet", &ns, &name).and_then(|o| o.as_replica_set()) {
                    return Some(rs.clone());
                }
            }
            "deployment" => {
                if let Some(d) = store.get("Deployment", &ns, &name) {
                    if let Some(rs) = owned_by(d.uid()) {
                        return Some(rs);
                    }
                }
            }
            "pod" => {
                let owner = store.get("Pod", &ns, &name).and_then(|p| {
                    p.metadata().owner_references.as_ref()?.iter().find(|r| r.kind == "ReplicaSet").cloned()
                });
                if let Some(owner) = owner {
                    if let Some(rs) =
                        store.get("ReplicaSet", &ns, &owner.name).and_then(|o| o.as_replica_set())
                    {
                        return Some(rs.clone());
                    }
                }
            }
            _ => {}
        }
    }
    // Prefer one that still wants pods: a scaled-down old revision says little.
    let all: Vec<&ReplicaSet> = list().collect();
    all.iter()
        .find(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1) > 0)
        .or(all.first())
        .map(|rs| (*rs).clone())
}

/// The `deployment.kubernetes.io/revision` of a ReplicaSet, 0 when absent.
pub fn revision(rs: &ReplicaSet) -> u64 {
    rs.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("deployment.kubernetes.io/revision"))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}
