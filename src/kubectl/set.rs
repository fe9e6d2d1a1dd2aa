//! `kubectl set image TYPE/NAME CONTAINER=IMAGE…`: changes container images in a pod template
//! (or a pod) with a strategic merge patch, as kubectl does. `set env` and `set resources`
//! edit the containers' env and resources and store the whole object as an update, since an
//! env removal (`KEY-`) cannot be said with a plain merge.

use serde_json::{json, Value};

use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::PatchKind;
use crate::sim::Simulation;

/// Runs `kubectl set SUBCOMMAND …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    match args.positional.first().map(String::as_str) {
        Some("image") => image(sim, args),
        Some("env") => containers(sim, args, Edit::Env),
        Some("resources") => containers(sim, args, Edit::Resources),
        Some(other) => Output::error(format!("error: unknown command \"{other}\" for \"kubectl set\"")),
        None => Output::error("error: Required resource not specified.\nRun 'kubectl set --help' for usage."),
    }
}

/// What `containers` changes.
#[derive(Clone, Copy, PartialEq)]
enum Edit {
    Env,
    Resources,
}

const MISSING_RESOURCE: &str =
    "error: one or more resources must be specified as <resource> <name> or <resource>/<name>";

/// The object a `set` subcommand acts on (`TYPE/NAME` or `TYPE NAME`) and the arguments after it;
/// `missing_name` is kubectl's message when a type comes without a name.
fn target<'a>(args: &'a Args, missing_name: &str) -> Result<(String, String, &'a [String]), Output> {
    let Some(target) = args.positional.get(1) else {
        return Err(Output::error(MISSING_RESOURCE));
    };
    match target.split_once('/') {
        Some((kind, name)) => Ok((kind.to_string(), name.to_string(), &args.positional[2..])),
        None => match args.positional.get(2) {
            Some(name) => Ok((target.clone(), name.clone(), &args.positional[3..])),
            None => Err(Output::error(missing_name)),
        },
    }
}

/// `set env TYPE/NAME [-c C] KEY=VAL… KEY-…` and `set resources TYPE/NAME [-c C]
/// [--limits=cpu=…,memory=…] [--requests=…]`.
fn containers(sim: &mut Simulation, args: &Args, edit: Edit) -> Output {
    let (kind, name, rest) = match target(args, MISSING_RESOURCE) {
        Ok(target) => target,
        Err(output) => return output,
    };
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
    let mut json = object.to_json();
    let spec_path: &[&str] = match resource.kind.as_str() {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &["spec", "template", "spec"],
    };
    let only = args.flag("container");
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    let mut requirements = serde_json::Map::new();
    match edit {
        Edit::Env => {
            for word in rest {
                if let Some((key, value)) = word.split_once('=') {
                    changes.push((key.to_string(), Some(value.to_string())));
                } else if let Some(key) = word.strip_suffix('-') {
                    changes.push((key.to_string(), None));
                } else {
                    return Output::error(format!("error: {word:?} is not a valid key=value pair"));
                }
            }
            if changes.is_empty() {
                return Output::error("error: at least one environment variable must be provided");
            }
        }
        Edit::Resources => {
            for (flag, field) in [("limits", "limits"), ("requests", "requests")] {
                let Some(spec) = args.flag(flag) else { continue };
                let mut map = serde_json::Map::new();
                for pair in spec.split(',').filter(|p| !p.is_empty()) {
                    let Some((key, value)) = pair.split_once('=') else {
                        return Output::error(format!(
                            "error: invalid resource spec {pair:?}, expected name=quantity"
                        ));
                    };
                    map.insert(key.to_string(), json!(value));
                }
                requirements.insert(field.to_string(), Value::Object(map));
            }
            if requirements.is_empty() {
                return Output::error("error: you must specify an update to requests or limits (in the form of --requests/--limits)");
            }
        }
    }
    let mut pod_spec = &mut json;
    for key in spec_path {
        pod_spec = &mut pod_spec[*key];
    }
    let mut touched = false;
    for container in pod_spec["containers"].as_array_mut().into_iter().flatten() {
        if only.is_some_and(|c| container["name"].as_str() != Some(c)) {
            continue;
        }
        touched = true;
        match edit {
            Edit::Env => {
                let mut env: Vec<Value> = container["env"].as_array().cloned().unwrap_or_default();
                for (key, value) in &changes {
                    let at = env.iter().position(|e| e["name"].as_str() == Some(key));
                    match (value, at) {
                        (Some(value), Some(i)) => env[i] = json!({"name": key, "value": value}),
                        (Some(value), None) => env.push(json!({"name": key, "value": value})),
                        (None, Some(i)) => {
                            env.remove(i);
                        }
                        (None, None) => {}
                    }
                }
                container["env"] = Value::Array(env);
            }
            Edit::Resources => {
                for (field, values) in &requirements {
                    let mut merged =
                        container["resources"][field.as_str()].as_object().cloned().unwrap_or_default();
                    merged.extend(values.as_object().cloned().unwrap_or_default());
                    container["resources"][field.as_str()] = Value::Object(merged);
                }
            }
        }
    }
    if !touched {
        return Output::error(format!(
            "error: unable to find container named {:?}",
            only.unwrap_or_default()
        ));
    }
    let display = format!("{}/{name}", resource.qualified_singular());
    let decoded = match crate::sim::api::manifest::decode(&json, sim.store().resources()) {
        Ok(decoded) => decoded,
        Err(error) => return Output::error(error.render("STDIN", "updating")),
    };
    let unchanged = decoded.to_json() == object.to_json();
    let mut out = Output::default();
    if unchanged {
        // kubectl prints nothing to stdout when no object changed.
        return out;
    }
    match sim.update(decoded) {
        Ok(_) => out.out(match edit {
            Edit::Env => format!("{display} env updated"),
            Edit::Resources => format!("{display} resource requirements updated"),
        }),
        Err(error) => out.err(error.render(None)),
    }
    out
}

fn image(sim: &mut Simulation, args: &Args) -> Output {
    let (kind, name, rest) = match target(
        args,
        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form",
    ) {
        Ok(target) => target,
        Err(output) => return output,
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
