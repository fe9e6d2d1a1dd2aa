//! `kubectl get TYPE[,TYPE…] [NAME…] | TYPE/NAME…` with `-o yaml|json|name|wide`, `-n`, `-A`
//! and `-l`.

use std::rc::Rc;

use super::output::{
    custom_columns, jsonpath, list_json, name_of, object_json, print_table, to_json, to_yaml,
};
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
    if !matches!(
        format,
        "" | "yaml" | "json" | "name" | "wide" | "custom-columns" | "jsonpath"
    ) {
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
        let ns = if resource.namespaced {
            namespace.as_str()
        } else {
            ""
        };
        sim.store().get(&resource.kind, ns, name).cloned().ok_or_else(|| {
            format!(
                "Error from server (NotFound): {} {name:?} not found",
                resource.qualified_plural()
            )
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
        let expanded = if first == "all" {
            ALL.join(",")
        } else {
            first.clone()
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
                        requirements
                            .as_ref()
                            .is_none_or(|r| selector::matches_requirements(r, o.labels()))
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
    let all: Vec<Rc<Object>> = groups
        .iter()
        .flat_map(|(_, objects)| objects.iter().cloned())
        .collect();
    match format {
        "custom-columns" if !all.is_empty() => match custom_columns(format_arg, &all) {
            Ok(table) => out.out(table),
            Err(message) => return Output::error(message),
        },
        "custom-columns" => {}
        "jsonpath" => {
            let root = if named && all.len() == 1 {
                object_json(&all[0])
            } else {
                list_json(&all)
            };
            let text = jsonpath(format_arg.trim_matches('\''), &root);
            if !text.is_empty() {
                out.out(text);
            }
        }
        "yaml" | "json" => {
            if !all.is_empty() {
                let value = if named && all.len() == 1 {
                    object_json(&all[0])
                } else {
                    list_json(&all)
                };
                out.out(if output == "yaml" {
                    to_yaml(&value)
                } else {
                    to_json(&value)
                });
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
                let mut table = print_table(
                    &resource.kind,
                    objects,
                    sim.now_unix(),
                    output == "wide",
                    all_namespaces,
                );
                if multiple_kinds {
                    table = prefix_names(&table, resource);
                }
                out.out(table);
            }
        }
    }
    for message in errors {
        out.err(message);
    }
    if all.is_empty() && !named && format != "name" {
        let any_namespaced = args.positional.first().is_some_and(|f| {
            f == "all"
                || f.split(',')
                    .any(|k| resolve_type(sim, k).is_ok_and(|r| r.namespaced))
        });
        if all_namespaces || !any_namespaced {
            out.err("No resources found");
        } else {
            out.err(format!("No resources found in {namespace} namespace."));
        }
    }
    out
}

fn push(groups: &mut Vec<(ResourceType, Vec<Rc<Object>>)>, resource: ResourceType, object: Rc<Object>) {
    match groups
        .iter_mut()
        .find(|(r, _)| r.kind == resource.kind && r.group == resource.group)
    {
        Some((_, objects)) => objects.push(object),
        None => groups.push((resource, vec![object])),
    }
}

/// With several kinds, kubectl prints names as `pod/web`.
fn prefix_names(table: &str, resource: &ResourceType) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, line) in table.lines().enumerate() {
        let cells: Vec<String> = line
            .split("   ")
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let mut cells = cells;
        if i > 0 {
            if let Some(name_index) = rows.first().and_then(|h| h.iter().position(|c| c == "NAME")) {
                if let Some(cell) = cells.get_mut(name_index) {
                    *cell = format!("{}/{}", resource.qualified_singular(), cell);
                }
            }
        }
        rows.push(cells);
    }
    super::output::tabulate(&rows)
}
