//! `kubectl scale TYPE NAME | TYPE/NAME --replicas=N [--current-replicas=M]`: sets
//! `spec.replicas` of Deployments, ReplicaSets, ReplicationControllers and StatefulSets.

use std::rc::Rc;

use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::{Object, PatchKind, ResourceType};
use crate::sim::Simulation;

/// The kinds with a `scale` subresource.
const SCALABLE: &[&str] = &["Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"];

/// Resolves `TYPE NAME` or `TYPE/NAME…` arguments to objects, with kubectl's errors.
pub fn targets(sim: &Simulation, args: &Args) -> Result<Vec<(ResourceType, Rc<Object>)>, String> {
    let namespace = namespace_of(args);
    let mut pairs: Vec<(String, String)> = Vec::new();
    match args.positional.as_slice() {
        [] => return Err("error: you must provide one or more resources by argument or filename".into()),
        [first, rest @ ..] if !first.contains('/') => {
            if rest.is_empty() {
                return Err("error: resource(s) were provided, but no name was specified".into());
            }
            pairs.extend(rest.iter().map(|n| (first.clone(), n.clone())));
        }
        all => {
            for word in all {
                let Some((kind, name)) = word.split_once('/') else {
                    return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form".into());
                };
                pairs.push((kind.into(), name.into()));
            }
        }
    }
    let mut found = Vec::new();
    for (kind, name) in pairs {
        let resource = resolve_type(sim, &kind)?;
        let ns = if resource.namespaced { namespace.as_str() } else { "" };
        let object = sim.store().get(&resource.kind, ns, &name).cloned().ok_or_else(|| {
            format!("Error from server (NotFound): {} {name:?} not found", resource.qualified_plural())
        })?;
        found.push((resource, object));
    }
    Ok(found)
}

fn current_replicas(object: &Object) -> Option<i32> {
    match object {
        Object::Deployment(d) => d.spec.as_ref()?.replicas,
        Object::ReplicaSet(r) => r.spec.as_ref()?.replicas,
        Object::ReplicationController(r) => r.spec.as_ref()?.replicas,
        Object::StatefulSet(s) => s.spec.as_ref()?.replicas,
        _ => None,
    }
}

/// Runs `kubectl scale …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let Some(replicas) = args.flag("replicas") else {
        return Output::error("error: required flag(s) \"replicas\" not set");
    };
    let replicas: i32 = match replicas.parse() {
        Ok(n) if n >= 0 => n,
        _ => {
            return Output::error(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            );
        }
    };
    let expected: Option<i32> = match args.flag("current-replicas").map(str::parse) {
        None | Some(Ok(-1)) => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return Output::error("error: invalid argument for --current-replicas"),
    };
    let targets = match targets(sim, args) {
        Ok(t) => t,
        Err(message) => return Output::error(message),
    };
    let mut out = Output::default();
    for (resource, object) in targets {
        if !SCALABLE.contains(&resource.kind.as_str()) {
            out.err("Error from server (NotFound): the server could not find the requested resource");
            continue;
        }
        if let Some(expected) = expected {
            let actual = current_replicas(&object).unwrap_or(1);
            if actual != expected {
                out.err(format!("error: Expected replicas to be {expected}, was {actual}"));
                continue;
            }
        }
        let patch = serde_json::json!({"spec": {"replicas": replicas}});
        match sim.patch(&resource.kind, object.namespace(), object.name(), &patch, PatchKind::Merge) {
            Ok(_) => out.out(format!("{}/{} scaled", resource.qualified_singular(), object.name())),
            Err(error) => out.err(error.to_string()),
        }
    }
    out
}
