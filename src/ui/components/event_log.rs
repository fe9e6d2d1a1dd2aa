//! The event log: the cluster's Events as `kubectl get events` prints them, newest last.

use std::rc::Rc;

use yew::prelude::*;

use super::use_workspace;
use crate::kubectl::output::print_table;
use crate::kubectl::printers::TableOptions;
use crate::sim::api::Object;

/// The event log pane.
#[function_component(EventLog)]
pub fn event_log() -> Html {
    let workspace = use_workspace();
    let sim = workspace.sim.borrow();
    let mut events: Vec<Rc<Object>> = sim.store().list("Event", None).cloned().collect();
    // kubectl lists events by name; a log reads better in the order they last happened.
    events.sort_by_key(|e| {
        e.as_event()
            .and_then(|e| e.last_timestamp.as_ref().or(e.first_timestamp.as_ref()))
            .map(|t| t.0.as_second())
    });
    let options = TableOptions { namespace_column: true, ..TableOptions::default() };
    let table = if events.is_empty() {
        "No events yet.".to_string()
    } else {
        print_table("Event", &events, sim.now_unix(), &options)
    };
    html! {
        <div class="event-log" data-testid="event-log">
            <h2>{"Events"}</h2>
            <pre class="event-table">{table}</pre>
        </div>
    }
}
