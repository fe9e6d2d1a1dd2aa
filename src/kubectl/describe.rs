//! `kubectl describe TYPE [NAME…] | TYPE/NAME…` with `-n`, `-A` and `-l`: gathers what kubectl
//! shows beside the object (its events, the pods it selects or runs, replica sets, endpoint
//! slices) and hands it to the describe printers.

use std::rc::Rc;

use super::output::object_json;
use super::printers::describe::{describe_kind, Related};
use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::{selector, Object, ResourceType};
use crate::sim::Simulation;

/// Runs `kubectl describe …`.
pub fn run(sim: &Simulation, args: &Args) -> Output {
    let Some(first) = args.positional.first() else {
        return Output::error("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
    };
    let namespace = namespace_of(args);
    let all_namespaces = args.bool_flag("all-namespaces");
    let requirements = match args.flag("selector").map(selector::parse) {
        Some(Ok(r)) => Some(r),
        Some(Err(message)) => return Output::error(message),
        None => None,
    };
    let mut targets: Vec<(ResourceType, Vec<String>)> = Vec::new();
    if first.contains('/') {
        for word in &args.positional {
            let (kind, name) = word.split_once('/').unwrap_or((word, ""));
            match resolve_type(sim, kind) {
                Ok(resource) => targets.push((resource, vec![name.to_string()])),
                Err(message) => return Output::error(message),
            }
        }
    } else {
        match resolve_type(sim, first) {
            Ok(resource) => targets.push((resource, args.positional[1..].to_vec())),
            Err(message) => return Output::error(message),
        }
    }
    let mut out = Output::default();
    let mut printed = 0;
    for (resource, names) in targets {
        let ns = if resource.namespaced { namespace.as_str() } else { "" };
        let objects: Vec<Rc<Object>> = if names.is_empty() {
            let filter = (resource.namespaced && !all_namespaces).then_some(ns);
            sim.store()
                .list(&resource.kind, filter)
                .filter(|o| {
                    requirements.as_ref().is_none_or(|r| selector::matches_requirements(r, o.labels()))
                })
                .cloned()
                .collect()
        } else {
            let mut found = Vec::new();
            for name in &names {
                match sim.store().get(&resource.kind, ns, name) {
                    Some(object) => found.push(object.clone()),
                    None => out.err(format!(
                        "Error from server (NotFound): {} {name:?} not found",
                        resource.qualified_plural()
                    )),
                }
            }
            found
        };
        for object in objects {
            if printed > 0 {
                out.out("\n");
            }
            printed += 1;
            let related = related_to(sim, &object);
            out.out(describe_kind(object.kind(), &object_json(&object), &related, sim.now_unix()));
        }
    }
    if printed == 0 && !out.has_errors() {
        out.err(if all_namespaces {
            "No resources found".to_string()
        } else {
            format!("No resources found in {namespace} namespace.")
        });
    }
    out
}

/// What kubectl fetches beside `object` to describe it.
fn related_to(sim: &Simulation, object: &Object) -> Related {
    let store = sim.store();
    let uid = object.uid();
    let namespace = object.namespace();
    let events = store
        .list("Event", None)
        .filter_map(|o| o.as_event())
        .filter(|e| {
            e.involved_object.uid.as_deref() == Some(uid)
                || (e.involved_object.kind.as_deref() == Some(object.kind())
                    && e.involved_object.name.as_deref() == Some(object.name())
                    && e.involved_object.namespace.as_deref().unwrap_or("") == namespace)
        })
        .cloned()
        .collect();
    let pods_in = || store.list("Pod", Some(namespace)).filter_map(|o| o.as_pod());
    let mut related = Related { events, ..Related::default() };
    match object {
        Object::Node(node) => {
            let name = node.metadata.name.as_deref().unwrap_or_default();
            related.pods = store
                .list("Pod", None)
                .filter_map(|o| o.as_pod())
                .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name))
                .cloned()
                .collect();
            related.node_lease =
                store.get("Lease", "kube-node-lease", name).and_then(|o| o.as_lease()).cloned();
        }
        Object::Deployment(deployment) => {
            let owned: Vec<_> = store
                .list("ReplicaSet", Some(namespace))
                .filter_map(|o| o.as_replica_set())
                .filter(|rs| owned_by(&rs.metadata, uid))
                .cloned()
                .collect();
            let template_hash = |rs: &k8s_openapi::api::apps::v1::ReplicaSet| {
                rs.spec.as_ref().and_then(|s| s.template.as_ref()).map(|t| {
                    let mut t = t.clone();
                    if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
                        labels.remove("pod-template-hash");
                    }
                    serde_json::to_value(&t.spec).ok()
                })
            };
            let current = deployment.spec.as_ref().map(|s| serde_json::to_value(&s.template.spec).ok());
            for rs in owned {
                if related.new_replica_set.is_none() && template_hash(&rs) == current {
                    related.new_replica_set = Some(rs);
                } else {
                    related.old_replica_sets.push(rs);
                }
            }
        }
        Object::Service(_) => {
            related.endpoint_slices = store
                .list("EndpointSlice", Some(namespace))
                .filter_map(|o| o.as_endpoint_slice())
                .filter(|s| {
                    s.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get("kubernetes.io/service-name"))
                        .map(String::as_str)
                        == Some(object.name())
                })
                .cloned()
                .collect();
        }
        Object::PersistentVolumeClaim(_) => {
            related.pods = pods_in()
                .filter(|p| {
                    p.spec.as_ref().and_then(|s| s.volumes.as_ref()).is_some_and(|v| {
                        v.iter().any(|v| {
                            v.persistent_volume_claim.as_ref().is_some_and(|c| c.claim_name == object.name())
                        })
                    })
                })
                .cloned()
                .collect();
        }
        Object::ReplicaSet(_)
        | Object::ReplicationController(_)
        | Object::StatefulSet(_)
        | Object::DaemonSet(_)
        | Object::Job(_) => {
            related.pods = pods_in().filter(|p| owned_by(&p.metadata, uid)).cloned().collect();
        }
        _ => {}
    }
    related
}

fn owned_by(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, uid: &str) -> bool {
    meta.owner_references.as_ref().is_some_and(|refs| refs.iter().any(|r| r.uid == uid))
}
