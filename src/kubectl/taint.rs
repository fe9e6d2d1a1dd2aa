//! `kubectl taint nodes NAME KEY[=VALUE]:EFFECT … [KEY[:EFFECT]-] [--overwrite]`.

use k8s_openapi::api::core::v1::Taint;

use super::Args;
use crate::console::Output;
use crate::sim::api::Object;
use crate::sim::Simulation;

const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// One taint argument: add `key=value:Effect`, or remove `key[:Effect]-`.
#[derive(Clone, Debug, PartialEq)]
enum Change {
    Add(Taint),
    Remove { key: String, effect: Option<String> },
}

fn parse(spec: &str) -> Result<Change, String> {
    let invalid = || format!("error: invalid taint spec: {spec}");
    if let Some(removal) = spec.strip_suffix('-') {
        let (key, effect) = match removal.split_once(':') {
            Some((key, effect)) => (key, Some(effect.to_string())),
            None => (removal, None),
        };
        if key.is_empty() || effect.as_deref().is_some_and(|e| !EFFECTS.contains(&e)) {
            return Err(invalid());
        }
        return Ok(Change::Remove { key: key.to_string(), effect });
    }
    let (key_value, effect) = spec.split_once(':').ok_or_else(invalid)?;
    if !EFFECTS.contains(&effect) {
        return Err(format!(
            "error: invalid taint spec: {spec}, unsupported taint effect {effect:?}, currently supported effects: NoSchedule, PreferNoSchedule, NoExecute"
        ));
    }
    let (key, value) = match key_value.split_once('=') {
        Some((key, value)) => (key, Some(value.to_string())),
        None => (key_value, None),
    };
    if key.is_empty() {
        return Err(invalid());
    }
    Ok(Change::Add(Taint { key: key.to_string(), value, effect: effect.to_string(), time_added: None }))
}

/// Runs `kubectl taint …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let mut words = args.positional.iter();
    let node_name = match (words.next().map(String::as_str), words.next()) {
        (Some("node" | "nodes" | "no"), Some(name)) => name.clone(),
        (Some(target), _) if target.starts_with("node/") || target.starts_with("nodes/") => {
            target.split_once('/').map(|(_, n)| n.to_string()).unwrap_or_default()
        }
        _ => return Output::error("error: at least one taint update is required"),
    };
    let specs: Vec<&String> = if args.positional.first().is_some_and(|t| t.contains('/')) {
        args.positional[1..].iter().collect()
    } else {
        args.positional[2..].iter().collect()
    };
    if specs.is_empty() {
        return Output::error("error: at least one taint update is required");
    }
    let changes = match specs.iter().map(|s| parse(s)).collect::<Result<Vec<_>, _>>() {
        Ok(changes) => changes,
        Err(message) => return Output::error(message),
    };
    let Some(mut node) = sim.store().get("Node", "", &node_name).and_then(|o| o.as_node().cloned()) else {
        return Output::error(format!("Error from server (NotFound): nodes {node_name:?} not found"));
    };
    let overwrite = args.bool_flag("overwrite");
    let taints = node.spec.get_or_insert_with(Default::default).taints.get_or_insert_with(Vec::new);
    let mut removed_any = false;
    let mut added_any = false;
    for change in changes {
        match change {
            Change::Add(taint) => {
                if let Some(existing) =
                    taints.iter_mut().find(|t| t.key == taint.key && t.effect == taint.effect)
                {
                    if !overwrite {
                        return Output::error(format!(
                            "error: node {node_name} already has {} taint(s) with same effect(s) and --overwrite is false",
                            taint.key
                        ));
                    }
                    *existing = taint;
                } else {
                    taints.push(taint);
                }
                added_any = true;
            }
            Change::Remove { key, effect } => {
                let before = taints.len();
                taints.retain(|t| !(t.key == key && effect.as_deref().is_none_or(|e| t.effect == e)));
                if taints.len() == before {
                    let shown = effect.map(|e| format!("{key}:{e}")).unwrap_or(key);
                    return Output::error(format!("error: taint {shown:?} not found"));
                }
                removed_any = true;
            }
        }
    }
    if taints.is_empty() {
        if let Some(spec) = node.spec.as_mut() {
            spec.taints = None;
        }
    }
    match sim.update(Object::from(node)) {
        Ok(_) => {
            let verb = if removed_any && !added_any { "untainted" } else { "tainted" };
            let mut out = Output::default();
            out.out(format!("node/{node_name} {verb}"));
            out
        }
        Err(error) => Output::error(error.render(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint_line(sim: &mut Simulation, line: &str) -> String {
        crate::console::execute(sim, &[], line).text()
    }

    #[test]
    fn taints_are_added_refused_without_overwrite_and_removed() {
        let mut sim = Simulation::new(Default::default(), 1);
        assert_eq!(
            taint_line(&mut sim, "kubectl taint node podlab-worker3 dedicated=gpu:NoSchedule"),
            "node/podlab-worker3 tainted\n"
        );
        assert_eq!(
            taint_line(&mut sim, "kubectl taint nodes podlab-worker3 dedicated=cpu:NoSchedule"),
            "error: node podlab-worker3 already has dedicated taint(s) with same effect(s) and --overwrite is false\n"
        );
        assert_eq!(
            taint_line(&mut sim, "kubectl taint node podlab-worker3 dedicated:NoSchedule-"),
            "node/podlab-worker3 untainted\n"
        );
        assert_eq!(
            taint_line(&mut sim, "kubectl taint node podlab-worker3 dedicated-"),
            "error: taint \"dedicated\" not found\n"
        );
        assert!(taint_line(&mut sim, "kubectl taint node podlab-worker3 a=b:Sometimes")
            .contains("unsupported taint effect"));
        assert_eq!(
            taint_line(&mut sim, "kubectl taint node nowhere a=b:NoSchedule"),
            "Error from server (NotFound): nodes \"nowhere\" not found\n"
        );
    }
}
