//! `kubectl replace -f FILE… [--force]`: stores each manifest in place of the existing object.
//! The API server keeps the status of the object being replaced (a spec write cannot set it);
//! `--force` deletes the object and creates it again.

use serde_json::Value;

use super::{namespace_of, read_file, Args};
use crate::console::Output;
use crate::sim::api::manifest::{decode, parse_documents};
use crate::sim::Simulation;

/// Runs `kubectl replace …`.
pub fn run(sim: &mut Simulation, files: &[(String, String)], args: &Args) -> Output {
    let mut out = Output::default();
    let names = args.flag_values("filename");
    if names.is_empty() {
        out.err("error: must specify --filename to replace");
        return out;
    }
    for name in names {
        let documents = match read_file(files, name).and_then(|(file, text)| parse_documents(&file, &text)) {
            Ok(documents) => documents,
            Err(message) => {
                out.err(message);
                continue;
            }
        };
        for mut document in documents {
            replace_one(sim, &mut out, name, &mut document, args);
        }
    }
    out
}

fn replace_one(sim: &mut Simulation, out: &mut Output, file: &str, document: &mut Value, args: &Args) {
    let object = match decode(document, sim.store().resources()) {
        Ok(object) => object,
        Err(error) => return out.err(error.render(file, "replacing")),
    };
    let Some(resource) = sim.store().resource_of(&object).cloned() else {
        return;
    };
    let namespace = match object.metadata().namespace.clone().filter(|n| !n.is_empty()) {
        Some(own) => own,
        None if resource.namespaced => namespace_of(args),
        None => String::new(),
    };
    let name = object.name().to_string();
    let display = format!("{}/{name}", resource.qualified_singular());
    let Some(existing) = sim.store().get(&resource.kind, &namespace, &name).cloned() else {
        return out.err(format!(
            "Error from server (NotFound): error when replacing {file:?}: {} {name:?} not found",
            resource.qualified_plural()
        ));
    };
    if let Some(map) = document.as_object_mut() {
        if resource.namespaced {
            map.entry("metadata").or_insert_with(|| Value::Object(Default::default()))["namespace"] =
                Value::String(namespace.clone());
        }
    }
    if args.bool_flag("force") {
        if let Err(error) = sim.delete(&resource.kind, &namespace, &name, Default::default()) {
            return out.err(error.render(None));
        }
        if resource.kind == "Pod" {
            // A forced replace does not wait for the kubelet to stop the old pod.
            sim.delete_pod_finally(&namespace, &name);
        }
        out.out(format!("{display} deleted"));
        let Ok(object) = decode(document, sim.store().resources()) else { return };
        match sim.create(object) {
            Ok(_) => out.out(format!("{display} replaced")),
            Err(error) => out.err(error.render(None)),
        }
        return;
    }
    let status = existing.to_json().get("status").cloned();
    if let (Some(map), Some(status)) = (document.as_object_mut(), status) {
        map.insert("status".into(), status);
    }
    let object = match decode(document, sim.store().resources()) {
        Ok(object) => object,
        Err(error) => return out.err(error.render(file, "replacing")),
    };
    match sim.update(object) {
        Ok(_) => out.out(format!("{display} replaced")),
        Err(error) => out.err(error.render(Some(&format!("replacing {file:?}")))),
    }
}
