//! `kubectl label`, `kubectl annotate` and `kubectl scale`: small patches of one field.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::{PatchKind, ResourceType};
use crate::sim::Simulation;

/// Which metadata map a command changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataField {
    /// `kubectl label`.
    Labels,
    /// `kubectl annotate`.
    Annotations,
}

/// An object named on the command line: its type and name.
type Target = (ResourceType, String);

/// Splits `TYPE NAME… k=v k-` or `TYPE/NAME k=v` into targets and changes.
fn targets_and_changes(
    sim: &Simulation,
    args: &Args,
) -> Result<(Vec<Target>, Vec<String>), String> {
    let mut words = args.positional.iter();
    let Some(first) = words.next() else {
        return Err(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into(),
        );
    };
    let mut targets = Vec::new();
    let mut changes = Vec::new();
    let single_type = if let Some((kind, name)) = first.split_once('/') {
        targets.push((resolve_type(sim, kind)?, name.to_string()));
        None
    } else {
        Some(resolve_type(sim, first)?)
    };
    for word in words {
        if word.contains('=') || word.ends_with('-') {
            changes.push(word.clone());
        } else if let Some((kind, name)) = word.split_once('/') {
            targets.push((resolve_type(sim, kind)?, name.to_string()));
        } else if let Some(resource) = &single_type {
            targets.push((resource.clone(), word.clone()));
        }
    }
    Ok((targets, changes))
}

/// Runs `kubectl label|annotate TYPE NAME KEY=VALUE… KEY-…`.
pub fn run_metadata(sim: &mut Simulation, args: &Args, field: MetadataField) -> Output {
    let (targets, changes) = match targets_and_changes(sim, args) {
        Ok(found) => found,
        Err(message) => return Output::error(message),
    };
    if changes.is_empty() {
        return Output::error(format!(
            "error: at least one {} update is required",
            if field == MetadataField::Labels {
                "label"
            } else {
                "annotation"
            }
        ));
    }
    let overwrite = args.bool_flag("overwrite");
    let namespace = namespace_of(args);
    let key = if field == MetadataField::Labels {
        "labels"
    } else {
        "annotations"
    };
    let mut out = Output::default();
    for (resource, name) in targets {
        let ns = if resource.namespaced {
            namespace.as_str()
        } else {
            ""
        };
        let Some(object) = sim.store().get(&resource.kind, ns, &name).cloned() else {
            out.err(format!(
                "Error from server (NotFound): {} {name:?} not found",
                resource.qualified_plural()
            ));
            continue;
        };
        let current: BTreeMap<String, String> = match field {
            MetadataField::Labels => object.metadata().labels.clone().unwrap_or_default(),
            MetadataField::Annotations => object.metadata().annotations.clone().unwrap_or_default(),
        };
        let mut patch = Map::new();
        let mut failed = false;
        for change in &changes {
            if let Some((k, v)) = change.split_once('=') {
                if let Some(existing) = current.get(k).filter(|e| *e != v) {
                    if !overwrite {
                        out.err(format!(
                            "error: '{k}' already has a value ({existing}), and --overwrite is false"
                        ));
                        failed = true;
                        break;
                    }
                }
                patch.insert(k.to_string(), Value::String(v.to_string()));
            } else if let Some(k) = change.strip_suffix('-') {
                patch.insert(k.to_string(), Value::Null);
            }
        }
        if failed {
            continue;
        }
        let only_removals = patch.values().all(Value::is_null);
        let body = json!({"metadata": {key: Value::Object(patch)}});
        match sim.patch(&resource.kind, ns, &name, &body, PatchKind::Merge) {
            Ok(_) => {
                let verb = match (field, only_removals) {
                    (MetadataField::Labels, false) => "labeled",
                    (MetadataField::Labels, true) => "unlabeled",
                    (MetadataField::Annotations, _) => "annotated",
                };
                out.out(format!("{}/{name} {verb}", resource.qualified_singular()));
            }
            Err(error) => out.err(error.render(None)),
        }
    }
    out
}

/// Runs `kubectl scale TYPE NAME --replicas=N`.
pub fn run_scale(sim: &mut Simulation, args: &Args) -> Output {
    let Some(replicas) = args.flag("replicas") else {
        return Output::error("error: required flag(s) \"replicas\" not set");
    };
    let Ok(replicas) = replicas.parse::<i32>() else {
        return Output::error(format!("error: invalid argument {replicas:?} for \"--replicas\" flag: strconv.ParseInt: parsing {replicas:?}: invalid syntax"));
    };
    let (targets, _) = match targets_and_changes(sim, args) {
        Ok(found) => found,
        Err(message) => return Output::error(message),
    };
    let namespace = namespace_of(args);
    let mut out = Output::default();
    for (resource, name) in targets {
        if !matches!(
            resource.kind.as_str(),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            out.err(format!(
                "error: no objects passed to scale {}.{} {:?} is not scalable",
                resource.plural, resource.group, name
            ));
            continue;
        }
        let body = json!({"spec": {"replicas": replicas}});
        match sim.patch(&resource.kind, &namespace, &name, &body, PatchKind::Merge) {
            Ok(_) => out.out(format!("{}/{name} scaled", resource.qualified_singular())),
            Err(error) => out.err(error.render(None)),
        }
    }
    out
}
