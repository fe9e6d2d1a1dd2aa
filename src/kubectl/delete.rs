//! `kubectl delete`: by file, by type and names, by `TYPE/NAME`, `--all` or `-l`.

use super::{namespace_of, read_file, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::manifest::{decode, parse_documents};
use crate::sim::api::selector;
use crate::sim::api::{DeleteOptions, DeleteOutcome, Propagation, ResourceType};
use crate::sim::{SimDuration, Simulation};

/// What to delete: its type, namespace, name, and the file that named it.
type Target = (ResourceType, String, String, Option<String>);

/// The longest a blocking delete waits for an object to disappear.
const WAIT_LIMIT: SimDuration = SimDuration::from_mins(10);

/// Runs `kubectl delete …`.
pub fn run(sim: &mut Simulation, files: &[(String, String)], args: &Args) -> Output {
    let mut out = Output::default();
    let propagation = match args.flag("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            return Output::error(format!(
            "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
        ))
        }
    };
    let force = args.bool_flag("force");
    let grace = match args.flag("grace-period").map(str::parse::<i64>) {
        Some(Ok(g)) if g >= 0 => Some(if force && g == 0 { 0 } else { g.max(1) }),
        Some(Ok(_)) | None if args.bool_flag("now") => Some(1),
        Some(Ok(_)) | None => None,
        Some(Err(_)) => return Output::error("error: invalid argument for --grace-period"),
    };
    let options = DeleteOptions {
        grace_period_seconds: grace,
        propagation,
    };
    let wait = args.flag("wait").is_none_or(|w| w != "false");
    if force && grace == Some(0) {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let mut targets: Vec<Target> = Vec::new();
    let file_names = args.flag_values("filename");
    for name in &file_names {
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
        for document in documents {
            match decode(&document, sim.store().resources()) {
                Ok(object) => {
                    let Some(resource) = sim.store().resource_of(&object).cloned() else {
                        continue;
                    };
                    let namespace = if resource.namespaced {
                        Some(object.namespace().to_string())
                            .filter(|n| !n.is_empty())
                            .unwrap_or_else(|| namespace_of(args))
                    } else {
                        String::new()
                    };
                    targets.push((resource, namespace, object.name().to_string(), Some(file.clone())));
                }
                Err(e) => out.err(e.render(&file, "deleting")),
            }
        }
    }
    if file_names.is_empty() {
        match named_targets(sim, args) {
            Ok(found) => targets.extend(found),
            Err(message) => {
                out.err(message);
                return out;
            }
        }
    }
    let mut found_any = false;
    for (resource, namespace, name, file) in targets {
        match sim.delete(&resource.kind, &namespace, &name, options) {
            Ok(outcome) => {
                found_any = true;
                if let DeleteOutcome::Terminating(_) = outcome {
                    if wait {
                        wait_until_gone(sim, &resource.kind, &namespace, &name);
                    }
                }
                let verb = if force && grace == Some(0) {
                    "force deleted"
                } else {
                    "deleted"
                };
                let subject = if resource.group.is_empty() {
                    resource.kind.to_lowercase()
                } else {
                    resource.qualified_singular()
                };
                if resource.namespaced {
                    out.out(format!("{subject} {name:?} {verb} from {namespace} namespace"));
                } else {
                    out.out(format!("{subject} {name:?} {verb}"));
                }
            }
            Err(error) => {
                if args.bool_flag("ignore-not-found") && error.reason() == "NotFound" {
                    continue;
                }
                let context = file.map(|f| format!("deleting {f:?}"));
                out.err(error.render(context.as_deref()));
            }
        }
    }
    if !found_any && !out.has_errors() && (args.bool_flag("all") || args.flag("selector").is_some()) {
        let namespace = namespace_of(args);
        out.err(format!("No resources found in {namespace} namespace."));
    }
    out
}

/// Objects named by `TYPE NAME…`, `TYPE/NAME…`, `TYPE --all` or `TYPE -l SELECTOR`.
fn named_targets(sim: &Simulation, args: &Args) -> Result<Vec<Target>, String> {
    let namespace = namespace_of(args);
    let Some(first) = args.positional.first() else {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    };
    let mut targets = Vec::new();
    if first.contains('/') {
        for word in &args.positional {
            let Some((kind, name)) = word.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let resource = resolve_type(sim, kind)?;
            let ns = if resource.namespaced {
                namespace.clone()
            } else {
                String::new()
            };
            targets.push((resource, ns, name.to_string(), None));
        }
        return Ok(targets);
    }
    let mut resources = Vec::new();
    for kind in first.split(',') {
        resources.push(resolve_type(sim, kind)?);
    }
    let names = &args.positional[1..];
    if names.is_empty() && !args.bool_flag("all") && args.flag("selector").is_none() {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    let requirements = match args.flag("selector") {
        Some(text) => Some(selector::parse(text)?),
        None => None,
    };
    for resource in resources {
        let ns = if resource.namespaced {
            namespace.clone()
        } else {
            String::new()
        };
        if names.is_empty() {
            let ns_filter = resource.namespaced.then_some(ns.as_str());
            for object in sim.store().list(&resource.kind, ns_filter) {
                if requirements
                    .as_ref()
                    .is_none_or(|r| selector::matches_requirements(r, object.labels()))
                {
                    targets.push((resource.clone(), ns.clone(), object.name().to_string(), None));
                }
            }
        } else {
            for name in names {
                targets.push((resource.clone(), ns.clone(), name.clone(), None));
            }
        }
    }
    Ok(targets)
}

/// Advances virtual time until the object is gone, as `kubectl delete` blocks.
fn wait_until_gone(sim: &mut Simulation, kind: &str, namespace: &str, name: &str) {
    let deadline = sim.time() + WAIT_LIMIT;
    while sim.store().get(kind, namespace, name).is_some() {
        match sim.next_event_time() {
            Some(t) if t <= deadline => {
                sim.step();
            }
            _ => break,
        }
    }
}
