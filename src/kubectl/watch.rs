//! `kubectl get TYPE [NAME] -w | --watch | --watch-only`: lists the objects, then prints a row
//! for every change the API server sends while virtual time runs, until the learner types the
//! next command (a `wait` only lets time pass, so the watch goes on through it).
//!
//! The watch is an actor in the simulation, so it sees every ADDED/MODIFIED/DELETED event at the
//! virtual moment it happens (a pod going Pending → ContainerCreating → Running inside one
//! second prints three rows), and replaying a session replays the rows too. Rows keep the
//! column widths of the table before them (cli-runtime's tabwriter remembers widths).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use super::get::table_options;
use super::output::{name_of, object_json, to_json, to_yaml};
use super::printers::{self, tabwriter::RememberedWidths, TableOptions};
use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::selector::{self, Requirement};
use crate::sim::api::{Object, ObjectKey, ResourceType, WatchEvent, WatchEventType};
use crate::sim::Actor;
use crate::sim::Simulation;

/// How each event is printed.
#[derive(Clone, Debug, PartialEq)]
enum Format {
    Table(TableOptions),
    Name,
    Yaml,
    Json,
}

/// What is watched and how it prints; shared by the command and its actor.
#[derive(Debug)]
struct WatchState {
    resource: ResourceType,
    /// `None` with `-A` (or for cluster-scoped kinds).
    namespace: Option<String>,
    name: Option<String>,
    selector: Vec<Requirement>,
    format: Format,
    /// `--output-watch-events`: a first EVENT column.
    event_column: bool,
    widths: RememberedWidths,
    header_printed: bool,
    /// The store's resource version when the list was taken: older events are in the list.
    listed_at: u64,
    /// Objects the list showed (a later delete of one of them is news).
    listed: BTreeSet<ObjectKey>,
    /// Printed and not yet collected by the terminal.
    pending: Vec<String>,
    stopped: bool,
}

impl WatchState {
    fn selects(&self, object: &Object) -> bool {
        object.kind() == self.resource.kind
            && self.namespace.as_deref().is_none_or(|ns| object.namespace() == ns)
            && self.name.as_deref().is_none_or(|n| object.name() == n)
            && selector::matches_requirements(&self.selector, object.labels())
    }

    /// Prints objects (the initial list or one event) in the chosen format.
    fn print(&mut self, objects: &[Rc<Object>], event: Option<WatchEventType>, now_unix: i64) -> String {
        match &self.format {
            Format::Name => objects.iter().map(|o| name_of(&self.resource, o) + "\n").collect(),
            Format::Yaml => objects.iter().map(|o| format!("---\n{}", to_yaml(&object_json(o)))).collect(),
            Format::Json => objects.iter().map(|o| to_json(&object_json(o))).collect(),
            Format::Table(options) => {
                let items: Vec<serde_json::Value> = objects.iter().map(|o| object_json(o)).collect();
                let table = printers::table_for_kind(&self.resource.kind, &items, now_unix, options.wide);
                let mut rows = printers::table_cells(&table, options);
                let mut headers = printers::table_headers(&table, options);
                if self.event_column {
                    headers.insert(0, "EVENT".into());
                    let name = event.map_or("ADDED", event_name);
                    for row in &mut rows {
                        row.insert(0, name.to_string());
                    }
                }
                if !self.header_printed && !options.no_headers && !rows.is_empty() {
                    rows.insert(0, headers);
                    self.header_printed = true;
                }
                self.widths.flush(&rows)
            }
        }
    }
}

fn event_name(event: WatchEventType) -> &'static str {
    match event {
        WatchEventType::Added => "ADDED",
        WatchEventType::Modified => "MODIFIED",
        WatchEventType::Deleted => "DELETED",
    }
}

/// The actor that turns the API's watch events into printed rows.
#[derive(Clone)]
struct WatchActor {
    state: Rc<RefCell<WatchState>>,
}

impl Actor for WatchActor {
    fn name(&self) -> String {
        "kubectl-watch".into()
    }

    fn on_watch(&mut self, sim: &mut Simulation, event: &WatchEvent) {
        let mut state = self.state.borrow_mut();
        if state.stopped || !state.selects(&event.object) {
            return;
        }
        // Events written before the list was taken are already in it.
        let version: u64 =
            event.object.metadata().resource_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0);
        let news = match event.event_type {
            WatchEventType::Deleted => {
                version > state.listed_at || state.listed.remove(&ObjectKey::of(&event.object))
            }
            _ => version > state.listed_at,
        };
        if !news {
            return;
        }
        let text = state.print(std::slice::from_ref(&event.object), Some(event.event_type), sim.now_unix());
        state.pending.extend(text.lines().map(str::to_string));
    }
}

/// A running watch, held by the terminal until the next command.
#[derive(Debug)]
pub struct Watch {
    state: Rc<RefCell<WatchState>>,
}

impl Watch {
    /// The lines printed since the last call.
    pub fn take_lines(&self) -> Vec<String> {
        std::mem::take(&mut self.state.borrow_mut().pending)
    }
}

impl Drop for Watch {
    /// Ctrl-C: the actor stays registered (actors are never removed) but prints nothing more.
    fn drop(&mut self) {
        self.state.borrow_mut().stopped = true;
    }
}

/// Whether a `kubectl get` command line asks for a watch.
pub fn wants_watch(args: &Args) -> bool {
    args.bool_flag("watch") || args.bool_flag("watch-only")
}

/// Starts `kubectl get … -w`: prints the current list (unless `--watch-only`) and returns the
/// watch that prints what changes next.
pub fn start(sim: &mut Simulation, args: &Args) -> (Output, Option<Watch>) {
    let Some(first) = args.positional.first() else {
        return (super::get::run(sim, args), None);
    };
    let (type_name, name) = match first.split_once('/') {
        Some((kind, name)) => (kind.to_string(), Some(name.to_string())),
        None => (first.clone(), args.positional.get(1).cloned()),
    };
    if type_name.contains(',')
        || type_name == "all"
        || args.positional.len() > 2
        || (first.contains('/') && args.positional.len() > 1)
    {
        return (
            Output::error(format!(
                "error: watch is only supported on individual resources and resource collections, but {} resources were found",
                type_name.split(',').count().max(args.positional.len())
            )),
            None,
        );
    }
    let resource = match resolve_type(sim, &type_name) {
        Ok(resource) => resource,
        Err(message) => return (Output::error(message), None),
    };
    let selector = match selector::parse(args.flag("selector").unwrap_or("")) {
        Ok(requirements) => requirements,
        Err(message) => return (Output::error(message), None),
    };
    let format = match args.flag("output").unwrap_or("") {
        "" | "wide" => Format::Table(table_options(args, String::new())),
        "name" => Format::Name,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        other => {
            return (
                Output::error(format!("error: watching with -o {other} is not supported in Podlab; use a table, -o name, -o yaml or -o json")),
                None,
            )
        }
    };
    let namespace = (resource.namespaced && !args.bool_flag("all-namespaces")).then(|| namespace_of(args));
    let mut state = WatchState {
        resource: resource.clone(),
        namespace,
        name: name.clone(),
        selector,
        format,
        event_column: args.bool_flag("output-watch-events"),
        widths: RememberedWidths::default(),
        header_printed: false,
        listed_at: sim.store().resource_version(),
        listed: BTreeSet::new(),
        pending: Vec::new(),
        stopped: false,
    };
    let objects: Vec<Rc<Object>> = sim
        .store()
        .list(&resource.kind, state.namespace.as_deref())
        .filter(|o| state.selects(o))
        .cloned()
        .collect();
    let mut out = Output::default();
    if let (Some(name), true) = (&name, objects.is_empty()) {
        out.err(format!("Error from server (NotFound): {} {name:?} not found", resource.qualified_plural()));
        return (out, None);
    }
    state.listed = objects.iter().map(|o| ObjectKey::of(o)).collect();
    if !args.bool_flag("watch-only") {
        let text = state.print(&objects, None, sim.now_unix());
        if !text.is_empty() {
            out.out(text);
        }
    }
    let state = Rc::new(RefCell::new(state));
    sim.add_actor(Box::new(WatchActor { state: Rc::clone(&state) }));
    (out, Some(Watch { state }))
}

#[cfg(test)]
mod tests {
    use crate::console::execute_watching;
    use crate::sim::{SimDuration, Simulation};

    fn start(sim: &mut Simulation, line: &str) -> (String, Option<super::Watch>) {
        let (output, watch) = execute_watching(sim, &[], line);
        (output.text(), watch)
    }

    #[test]
    fn watches_print_every_change_in_the_chosen_format() {
        let mut sim = Simulation::new(Default::default(), 2);
        crate::console::execute(&mut sim, &[], "kubectl create deployment web --image=nginx:1.27");
        let (listed, watch) = start(&mut sim, "kubectl get deploy -w -o name");
        assert_eq!(listed, "deployment.apps/web\n");
        let watch = watch.expect("a watch");
        sim.advance(SimDuration::from_secs(10));
        let lines = watch.take_lines();
        assert!(!lines.is_empty() && lines.iter().all(|l| l == "deployment.apps/web"), "{lines:?}");
        assert!(watch.take_lines().is_empty(), "lines are handed out once");
        drop(watch);
        let (events, watch) = start(&mut sim, "kubectl get pods --watch-only --output-watch-events");
        assert_eq!(events, "");
        crate::console::execute(&mut sim, &[], "kubectl delete pods --all");
        sim.advance(SimDuration::from_secs(40));
        let lines = watch.expect("a watch").take_lines();
        assert!(lines[0].starts_with("EVENT      NAME "), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("DELETED ")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("ADDED ")), "the replacement: {lines:?}");
    }

    #[test]
    fn watch_errors_are_kubectls() {
        let mut sim = Simulation::new(Default::default(), 2);
        assert_eq!(
            start(&mut sim, "kubectl get pods,svc -w").0,
            "error: watch is only supported on individual resources and resource collections, but 2 resources were found\n"
        );
        assert_eq!(
            start(&mut sim, "kubectl get pod ghost -w").0,
            "Error from server (NotFound): pods \"ghost\" not found\n"
        );
        assert!(start(&mut sim, "kubectl get pod ghost -w").1.is_none());
    }
}
