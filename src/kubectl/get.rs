//! `kubectl get TYPE[,TYPE…] [NAME…] | TYPE/NAME…` with `-o yaml|json|name|wide`, `-n`, `-A`
//! and `-l`.

use std::rc::Rc;

use super::output::{list_json, name_of, object_json, print_table, to_json, to_yaml};
use super::printers;
use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::{selector, Object, ResourceType};
use crate::sim::Simulation;

/// What `kubectl get all` lists, in kubectl's order.
const ALL: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
];

/// Runs `kubectl get …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let mut out = Output::default();
    let Some(first) = args.positional.first() else {
        return Output::error("error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.");
    };
    let all_namespaces = args.bool_flag("all-namespaces");
    let namespace = namespace_of(args);
    let output = args.flag("output").unwrap_or("");
    let (format, format_arg) = output.split_once('=').unwrap_or((output, ""));
    if !matches!(format, "" | "yaml" | "json" | "name" | "wide" | "custom-columns" | "jsonpath") {
        return Output::error(format!(
            "error: unable to match a printer suitable for the output format {output:?}, allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        ));
    }
    let requirements = match args.flag("selector").map(selector::parse) {
        Some(Ok(r)) => Some(r),
        Some(Err(message)) => return Output::error(message),
        None => None,
    };
    // (type, objects, whether names were given)
    let mut groups: Vec<(ResourceType, Vec<Rc<Object>>)> = Vec::new();
    let named;
    let mut errors = Vec::new();
    let lookup = |resource: &ResourceType, name: &str| -> Result<Rc<Object>, String> {
        let ns = if resource.namespaced { namespace.as_str() } else { "" };
        sim.store().get(&resource.kind, ns, name).cloned().ok_or_else(|| {
            format!("Error from server (NotFound): {} {name:?} not found", resource.qualified_plural())
        })
    };
    if first.contains('/') {
        named = true;
        for word in &args.positional {
            let Some((kind, name)) = word.split_once('/') else {
                return Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
            };
            let resource = match resolve_type(sim, kind) {
                Ok(r) => r,
                Err(message) => return Output::error(message),
            };
            match lookup(&resource, name) {
                Ok(object) => push(&mut groups, resource, object),
                Err(message) => errors.push(message),
            }
        }
    } else {
        let mut resources = Vec::new();
        // Custom kinds join `all` and any other category their CRD names.
        let categorized = sim.store().resources().in_category(first);
        let expanded = match (first.as_str(), categorized.is_empty()) {
            ("all", _) => ALL.iter().map(|s| s.to_string()).chain(categorized).collect::<Vec<_>>().join(","),
            (_, false) if resolve_type(sim, first).is_err() => categorized.join(","),
            _ => first.clone(),
        };
        for kind in expanded.split(',') {
            match resolve_type(sim, kind) {
                Ok(r) => resources.push(r),
                Err(message) => return Output::error(message),
            }
        }
        let names = &args.positional[1..];
        named = !names.is_empty();
        for resource in resources {
            if names.is_empty() {
                let ns_filter = (resource.namespaced && !all_namespaces).then_some(namespace.as_str());
                let objects: Vec<Rc<Object>> = sim
                    .store()
                    .list(&resource.kind, ns_filter)
                    .filter(|o| {
                        requirements.as_ref().is_none_or(|r| selector::matches_requirements(r, o.labels()))
                    })
                    .cloned()
                    .collect();
                if !objects.is_empty() {
                    groups.push((resource, objects));
                }
            } else {
                for name in names {
                    match lookup(&resource, name) {
                        Ok(object) => push(&mut groups, resource.clone(), object),
                        Err(message) => errors.push(message),
                    }
                }
            }
        }
    }
    if let Some(expression) = args.flag("sort-by") {
        for (_, objects) in groups.iter_mut() {
            let mut values: Vec<serde_json::Value> = objects.iter().map(|o| object_json(o)).collect();
            if let Err(message) = printers::output::sort_by(&mut values, expression) {
                return Output::error(message);
            }
            // Objects follow their JSON form's sorted order (matched by uid).
            let rank = |object: &Rc<Object>| {
                values
                    .iter()
                    .position(|v| v["metadata"]["uid"].as_str() == Some(object.uid()))
                    .unwrap_or(usize::MAX)
            };
            objects.sort_by_key(rank);
        }
    }
    let all: Vec<Rc<Object>> = groups.iter().flat_map(|(_, objects)| objects.iter().cloned()).collect();
    let as_list = !(named && all.len() == 1);
    let values: Vec<serde_json::Value> = all.iter().map(|o| object_json(o)).collect();
    match format {
        "custom-columns" => match printers::output::parse_custom_columns(format_arg) {
            Ok(columns) => {
                if !all.is_empty() {
                    out.out(printers::output::custom_columns(
                        &columns,
                        &values,
                        args.bool_flag("no-headers"),
                    ));
                }
            }
            Err(message) => return Output::error(message),
        },
        "jsonpath" => match printers::output::jsonpath(format_arg.trim_matches('\''), &values, as_list) {
            Ok(text) => {
                if !text.is_empty() {
                    out.out(text);
                }
            }
            Err(message) => return Output::error(message),
        },
        "yaml" | "json" => {
            if !all.is_empty() {
                let value = if as_list { list_json(&all) } else { object_json(&all[0]) };
                out.out(if format == "yaml" { to_yaml(&value) } else { to_json(&value) });
            }
        }
        "name" => {
            for (resource, objects) in &groups {
                for object in objects {
                    out.out(name_of(resource, object));
                }
            }
        }
        _ => {
            let multiple_kinds = groups.len() > 1 || first == "all";
            let mut first_table = true;
            for (resource, objects) in &groups {
                if !first_table {
                    out.out("");
                }
                first_table = false;
                let prefix = if multiple_kinds {
                    format!("{}/", resource.qualified_singular())
                } else {
                    String::new()
                };
                let options = table_options(args, prefix);
                out.out(print_table(&resource.kind, objects, sim.now_unix(), &options));
            }
        }
    }
    for message in errors {
        out.err(message);
    }
    if all.is_empty() && !named && format != "name" {
        let any_namespaced = args.positional.first().is_some_and(|f| {
            f == "all" || f.split(',').any(|k| resolve_type(sim, k).is_ok_and(|r| r.namespaced))
        });
        if all_namespaces || !any_namespaced {
            out.err("No resources found");
        } else {
            out.err(format!("No resources found in {namespace} namespace."));
        }
    }
    out
}

/// The table layout the flags ask for (`-o wide`, `--show-labels`, `-L`, `-A`, `--no-headers`).
pub(super) fn table_options(args: &Args, name_prefix: String) -> printers::TableOptions {
    printers::TableOptions {
        wide: args.flag("output") == Some("wide"),
        show_labels: args.bool_flag("show-labels"),
        label_columns: args
            .flag_values("label-columns")
            .iter()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect(),
        namespace_column: args.bool_flag("all-namespaces"),
        no_headers: args.bool_flag("no-headers"),
        name_prefix,
    }
}

fn push(groups: &mut Vec<(ResourceType, Vec<Rc<Object>>)>, resource: ResourceType, object: Rc<Object>) {
    match groups.iter_mut().find(|(r, _)| r.kind == resource.kind && r.group == resource.group) {
        Some((_, objects)) => objects.push(object),
        None => groups.push((resource, vec![object])),
    }
}
