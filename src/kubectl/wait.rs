//! `kubectl wait --for=condition=COND[=VALUE] | --for=delete | --for=create TYPE/NAME…
//! [--timeout=30s]`: advances virtual time, one simulation event at a time, until every object meets
//! the condition or the timeout passes, and prints kubectl's lines for each.

use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::{SimDuration, Simulation};

/// What to wait for.
enum Wanted {
    Condition(String, String),
    Delete,
    Create,
}

/// Runs `kubectl wait …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let wanted = match args.flag("for") {
        Some("delete") => Wanted::Delete,
        Some("create") => Wanted::Create,
        Some(spec) => match spec.strip_prefix("condition=") {
            Some(condition) => {
                let (name, value) = condition.split_once('=').unwrap_or((condition, "True"));
                Wanted::Condition(name.to_lowercase(), value.to_lowercase())
            }
            None => return Output::error(format!("error: unrecognized condition: {spec:?}")),
        },
        None => return Output::error("error: --for must be specified"),
    };
    let timeout = match args.flag("timeout").map(SimDuration::parse) {
        Some(Some(d)) => d,
        Some(None) => return Output::error("error: invalid --timeout value"),
        None => SimDuration::from_secs(30),
    };
    let mut targets = Vec::new();
    let mut words = args.positional.iter();
    while let Some(word) = words.next() {
        let (kind, name) = match word.split_once('/') {
            Some((kind, name)) => (kind.to_string(), name.to_string()),
            None => match words.next() {
                Some(name) => (word.clone(), name.clone()),
                None => return Output::error("error: resource(s) were provided, but no name was specified"),
            },
        };
        match resolve_type(sim, &kind) {
            Ok(resource) => targets.push((resource, name)),
            Err(message) => return Output::error(message),
        }
    }
    if targets.is_empty() {
        return Output::error("error: resource(s) were provided, but no name was specified");
    }
    let namespace = namespace_of(args);
    let deadline = sim.time() + timeout;
    let mut out = Output::default();
    for (resource, name) in targets {
        let ns = if resource.namespaced { namespace.as_str() } else { "" };
        let display = format!("{}/{name}", resource.qualified_singular());
        if !matches!(wanted, Wanted::Create) && sim.store().get(&resource.kind, ns, &name).is_none() {
            if matches!(wanted, Wanted::Delete) {
                continue;
            }
            out.err(format!(
                "Error from server (NotFound): {} {name:?} not found",
                resource.qualified_plural()
            ));
            continue;
        }
        loop {
            let object = sim.store().get(&resource.kind, ns, &name).map(|o| o.to_json());
            let met = match (&wanted, &object) {
                (Wanted::Delete, None) | (Wanted::Create, Some(_)) => true,
                (Wanted::Condition(condition, value), Some(json)) => {
                    json["status"]["conditions"].as_array().into_iter().flatten().any(|c| {
                        c["type"].as_str().is_some_and(|t| t.to_lowercase() == *condition)
                            && c["status"].as_str().is_some_and(|s| s.to_lowercase() == *value)
                    })
                }
                _ => false,
            };
            if met {
                out.out(format!("{display} condition met"));
                break;
            }
            if sim.time() >= deadline {
                out.err(format!(
                    "error: timed out waiting for the condition on {}/{name}",
                    resource.qualified_plural()
                ));
                break;
            }
            // Objects change only when an event runs: jump to the next one (all events due at
            // that instant), so long timeouts cost nothing while the cluster is idle.
            let next = sim.next_event_time().map_or(deadline, |t| t.min(deadline));
            sim.step_until(next);
        }
    }
    out
}
