//! `kubectl events [-n NS | -A] [--for TYPE/NAME] [--types=Normal,Warning]`: the event list
//! kubectl's own `events` command prints, oldest first (LAST SEEN, TYPE, REASON, OBJECT,
//! MESSAGE; NAMESPACE first with `-A`).

use k8s_openapi::api::core::v1::Event;

use super::output::tabulate;
use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::time::{human_duration, SimDuration};
use crate::sim::Simulation;

/// Runs `kubectl events …`.
pub fn run(sim: &Simulation, args: &Args) -> Output {
    let all = args.bool_flag("all-namespaces");
    let namespace = namespace_of(args);
    let target = match args.flag("for") {
        Some(spec) => {
            let Some((kind, name)) = spec.split_once('/') else {
                return Output::error(format!("error: --for must be in resource/name form, got {spec:?}"));
            };
            match resolve_type(sim, kind) {
                Ok(resource) => Some((resource.kind, name.to_string())),
                Err(message) => return Output::error(message),
            }
        }
        None => None,
    };
    let types: Vec<&str> = args.flag("types").map(|t| t.split(',').collect()).unwrap_or_default();
    for t in &types {
        if !matches!(*t, "Normal" | "Warning") {
            return Output::error(format!("error: valid --types are Normal or Warning, got {t:?}"));
        }
    }
    let now = sim.now_unix();
    let mut events: Vec<&Event> = sim
        .store()
        .list("Event", (!all).then_some(namespace.as_str()))
        .filter_map(|o| o.as_event())
        .filter(|e| {
            target.as_ref().is_none_or(|(kind, name)| {
                e.involved_object.kind.as_deref() == Some(kind)
                    && e.involved_object.name.as_deref() == Some(name)
            })
        })
        .filter(|e| types.is_empty() || types.contains(&e.type_.as_deref().unwrap_or("")))
        .collect();
    events.sort_by_key(|e| last_seen(e));
    if events.is_empty() {
        return if all {
            Output::error("No events found.")
        } else {
            Output::error(format!("No events found in {namespace} namespace."))
        };
    }
    let age = |secs: Option<i64>| match secs {
        Some(t) => human_duration(SimDuration::from_secs((now - t).max(0) as u64)),
        None => "<unknown>".into(),
    };
    let mut rows = Vec::new();
    let mut header = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    if all {
        header.insert(0, "NAMESPACE");
    }
    if !args.bool_flag("no-headers") {
        rows.push(header.into_iter().map(String::from).collect());
    }
    for e in events {
        let count = e.count.unwrap_or(1);
        let first = e.first_timestamp.as_ref().map(|t| t.0.as_second());
        let seen = if count > 1 {
            format!("{} (x{count} over {})", age(last_seen(e)), age(first))
        } else {
            age(last_seen(e))
        };
        let object = format!(
            "{}/{}",
            e.involved_object.kind.as_deref().unwrap_or_default().to_lowercase(),
            e.involved_object.name.as_deref().unwrap_or_default()
        );
        let mut row = vec![
            seen,
            e.type_.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            object,
            e.message.clone().unwrap_or_default().trim().to_string(),
        ];
        if all {
            row.insert(0, e.metadata.namespace.clone().unwrap_or_default());
        }
        rows.push(row);
    }
    let mut out = Output::default();
    out.out(tabulate(&rows));
    out
}

/// When the event last happened: its last timestamp, else its event time, else its creation.
fn last_seen(e: &Event) -> Option<i64> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0.as_second())
        .or_else(|| e.event_time.as_ref().map(|t| t.0.as_second()))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0.as_second()))
}
