//! `kubectl apply -f` and `kubectl create -f`.

use serde_json::Value;

use super::{namespace_of, read_file, Args};
use crate::console::Output;
use crate::sim::api::manifest::{decode, parse_documents};
use crate::sim::api::resources::no_effect_note;
use crate::sim::api::{ApiError, Object};
use crate::sim::Simulation;

/// Which command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `kubectl apply`: create or update, recording the last applied configuration.
    Apply,
    /// `kubectl create`: create only.
    Create,
}

/// Runs `kubectl apply|create -f FILE…`.
pub fn run(sim: &mut Simulation, files: &[(String, String)], args: &Args, mode: Mode) -> Output {
    let mut out = Output::default();
    let names = args.flag_values("filename");
    if mode == Mode::Create && names.is_empty() {
        if let [kind, name] = args.positional.as_slice() {
            if kind == "namespace" || kind == "ns" {
                return create_namespace(sim, name);
            }
        }
    }
    if names.is_empty() {
        let text = match mode {
            Mode::Apply => "error: must specify one of -f and -k",
            Mode::Create => "error: must specify one of -f and -k",
        };
        out.err(text);
        return out;
    }
    let namespace_flag = args.flag("namespace");
    for name in names {
        let (file, text) = match read_file(files, name) {
            Ok(found) => found,
            Err(message) => {
                out.err(message);
                continue;
            }
        };
        let documents = match parse_documents(&file, &text) {
            Ok(docs) => docs,
            Err(message) => {
                out.err(message);
                continue;
            }
        };
        if documents.is_empty() {
            out.err(format!(
                "error: no objects passed to {}",
                if mode == Mode::Apply { "apply" } else { "create" }
            ));
            continue;
        }
        for document in documents {
            apply_document(sim, &mut out, &file, document, namespace_flag, mode, args);
        }
    }
    out
}

fn apply_document(
    sim: &mut Simulation,
    out: &mut Output,
    file: &str,
    mut document: Value,
    namespace_flag: Option<&str>,
    mode: Mode,
    args: &Args,
) {
    let mut object = match decode(&document, sim.store().resources()) {
        Ok(object) => object,
        Err(e) => {
            out.err(e.render(file, "creating"));
            return;
        }
    };
    let Some(resource) = sim.store().resource_of(&object).cloned() else {
        return;
    };
    if resource.namespaced {
        let requested = namespace_flag
            .map(str::to_string)
            .unwrap_or_else(|| namespace_of(args));
        match object.metadata().namespace.clone().filter(|n| !n.is_empty()) {
            Some(own) if namespace_flag.is_some_and(|flag| flag != own) => {
                out.err(format!(
                    "error: the namespace from the provided object {own:?} does not match the namespace {requested:?}. You must pass '--namespace={own}' to perform this operation."
                ));
                return;
            }
            Some(_) => {}
            None => {
                object.metadata_mut().namespace = Some(requested.clone());
                if let Some(meta) = document.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("namespace".into(), Value::String(requested));
                }
            }
        }
    }
    if !object.is_modeled() {
        out.err(format!("Warning: {}", no_effect_note(object.kind())));
    }
    let display = |o: &Object| format!("{}/{}", resource.qualified_singular(), o.name());
    let result = match mode {
        Mode::Apply => sim
            .apply(&document, object)
            .map(|(o, outcome)| format!("{} {}", display(&o), outcome.verb())),
        Mode::Create => sim.create(object).map(|o| format!("{} created", display(&o))),
    };
    match result {
        Ok(line) => out.out(line),
        Err(error) => out.err(render_write_error(&error, file)),
    }
}

/// A write error as kubectl prints it for a file.
pub fn render_write_error(error: &ApiError, file: &str) -> String {
    error.render(Some(&format!("creating {file:?}")))
}

/// `kubectl create namespace NAME`.
fn create_namespace(sim: &mut Simulation, name: &str) -> Output {
    let namespace = k8s_openapi::api::core::v1::Namespace {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut out = Output::default();
    match sim.create(Object::Namespace(namespace)) {
        Ok(_) => out.out(format!("namespace/{name} created")),
        Err(error) => out.err(error.render(None)),
    }
    out
}
