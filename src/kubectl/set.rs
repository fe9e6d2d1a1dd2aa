//! `kubectl set image TYPE/NAME CONTAINER=IMAGE…`: changes container images in a pod template
//! (or a pod) with a strategic merge patch, as kubectl does.

use serde_json::{json, Value};

use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::PatchKind;
use crate::sim::Simulation;

/// Runs `kubectl set SUBCOMMAND …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    match args.positional.first().map(String::as_str) {
        Some("image") => image(sim, args),
        Some(other) => Output::error(format!("error: unknown command \"{other}\" for \"kubectl set\"")),
        None => Output::error("error: Required resource not specified.\nRun 'kubectl set --help' for usage."),
    }
}

fn image(sim: &mut Simulation, args: &Args) -> Output {
    let Some(target) = args.positional.get(1) else {
        return Output::error(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    };
    let (kind, name, rest) = match target.split_once('/') {
        Some((kind, name)) => (kind.to_string(), name.to_string(), &args.positional[2..]),
        None => match args.positional.get(2) {
            Some(name) => (target.clone(), name.clone(), &args.positional[3..]),
            None => return Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form"),
        },
    };
    let images: Vec<(&str, &str)> = rest.iter().filter_map(|pair| pair.split_once('=')).collect();
    if images.is_empty() || images.len() != rest.len() {
        return Output::error("error: at least one image update is required");
    }
    let resource = match resolve_type(sim, &kind) {
        Ok(resource) => resource,
        Err(message) => return Output::error(message),
    };
    let namespace = namespace_of(args);
    let Some(object) = sim.store().get(&resource.kind, &namespace, &name).cloned() else {
        return Output::error(format!(
            "Error from server (NotFound): {} {name:?} not found",
            resource.qualified_plural()
        ));
    };
    let json = object.to_json();
    let spec_path: &[&str] = match resource.kind.as_str() {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &["spec", "template", "spec"],
    };
    let pod_spec = spec_path.iter().fold(&json, |v, key| &v[*key]);
    let existing: Vec<&str> = ["initContainers", "containers"]
        .iter()
        .flat_map(|list| pod_spec[*list].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str())
        .collect();
    let mut containers = Vec::new();
    for (container, image) in &images {
        if *container != "*" && !existing.contains(container) {
            return Output::error(format!("error: unable to find container named {container:?}"));
        }
        for name in existing.iter().filter(|n| *container == "*" || *n == container) {
            containers.push(json!({"name": name, "image": image}));
        }
    }
    let list_of = |list: &str| -> Vec<Value> {
        containers
            .iter()
            .filter(|c| pod_spec[list].as_array().into_iter().flatten().any(|s| s["name"] == c["name"]))
            .cloned()
            .collect()
    };
    let mut patch_spec = serde_json::Map::new();
    for list in ["initContainers", "containers"] {
        let changed = list_of(list);
        if !changed.is_empty() {
            patch_spec.insert(list.to_string(), Value::Array(changed));
        }
    }
    let patch = spec_path.iter().rev().fold(Value::Object(patch_spec), |inner, key| json!({ *key: inner }));
    match sim.patch(&resource.kind, &namespace, &name, &patch, PatchKind::Strategic) {
        Ok(_) => {
            let mut out = Output::default();
            out.out(format!("{}/{name} image updated", resource.qualified_singular()));
            out
        }
        Err(error) => Output::error(error.render(None)),
    }
}
