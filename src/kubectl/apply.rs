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
    let dry_run = match super::generate::dry_run_suffix(args) {
        Ok(suffix) => suffix,
        Err(message) => return Output::error(message),
    };
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
            apply_document(sim, &mut out, &file, document, mode, args, dry_run);
        }
    }
    out
}

fn apply_document(
    sim: &mut Simulation,
    out: &mut Output,
    file: &str,
    mut document: Value,
    mode: Mode,
    args: &Args,
    dry_run: Option<&str>,
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
    let namespace_flag = args.flag("namespace");
    if resource.namespaced {
        let requested = namespace_flag.map(str::to_string).unwrap_or_else(|| namespace_of(args));
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
    // A dry run writes to a copy of the cluster: the answer (validation, defaults, the verb) is
    // the API server's, and nothing the learner's cluster holds changes.
    let mut scratch = dry_run.map(|_| sim.clone());
    let target = scratch.as_mut().unwrap_or(sim);
    let result = match mode {
        Mode::Apply => target.apply(&document, object).map(|(o, outcome)| (o, outcome.verb())),
        Mode::Create => target.create(object).map(|o| (o, "created")),
    };
    match (result, args.flag("output")) {
        (Ok((object, _)), Some("yaml")) => {
            out.out(super::output::to_yaml(&super::output::object_json(&object)))
        }
        (Ok((object, _)), Some("json")) => {
            out.out(super::output::to_json(&super::output::object_json(&object)))
        }
        (Ok((object, _)), Some("name")) => out.out(display(&object)),
        (Ok((object, verb)), _) => out.out(format!("{} {verb}{}", display(&object), dry_run.unwrap_or(""))),
        (Err(error), _) => out.err(render_write_error(&error, file)),
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
    match sim.create(Object::from(namespace)) {
        Ok(_) => out.out(format!("namespace/{name} created")),
        Err(error) => out.err(error.render(None)),
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::Simulation;

    #[test]
    fn dry_runs_print_the_answer_and_change_nothing() {
        let mut sim = Simulation::new(Default::default(), 1);
        let files = vec![(
            "pod.yaml".to_string(),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx\n".to_string(),
        )];
        let run = |sim: &mut Simulation, line: &str| crate::console::execute(sim, &files, line).text();
        assert_eq!(
            run(&mut sim, "kubectl apply -f pod.yaml --dry-run=client"),
            "pod/web created (dry run)\n"
        );
        assert_eq!(
            run(&mut sim, "kubectl create -f pod.yaml --dry-run=server"),
            "pod/web created (server dry run)\n"
        );
        assert_eq!(run(&mut sim, "kubectl get pods"), "No resources found in default namespace.\n");
        let yaml = run(&mut sim, "kubectl apply -f pod.yaml --dry-run=server -o yaml");
        assert!(yaml.contains("imagePullPolicy: Always"), "server defaults are shown: {yaml}");
        assert_eq!(run(&mut sim, "kubectl apply -f pod.yaml"), "pod/web created\n");
        assert_eq!(
            run(&mut sim, "kubectl apply -f pod.yaml --dry-run=client"),
            "pod/web unchanged (dry run)\n"
        );
        assert_eq!(
            run(&mut sim, "kubectl apply -f pod.yaml --dry-run=maybe"),
            "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
        );
    }
}
