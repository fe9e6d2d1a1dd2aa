//! The event log: the cluster's Events as `kubectl get events -A` prints them, newest last,
//! filtered by any text the learner types (a reason, an object, a word of the message).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_workspace;
use crate::kubectl::output::print_table;
use crate::kubectl::printers::TableOptions;
use crate::sim::api::Object;

/// The event log pane.
#[function_component(EventLog)]
pub fn event_log() -> Html {
    let workspace = use_workspace();
    let filter = use_state(String::new);
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
        })
    };
    let session = workspace.session.borrow();
    let sim = session.simulation();
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
    let needle = filter.to_lowercase();
    let table = if needle.is_empty() {
        table
    } else {
        let mut lines = table.lines();
        let header = lines.next().unwrap_or_default();
        let rows: Vec<&str> = lines.filter(|l| l.to_lowercase().contains(&needle)).collect();
        format!("{header}\n{}", rows.join("\n"))
    };
    html! {
        <div class="event-log" data-testid="event-log">
            <div class="pane-bar">
                <h2>{"Events"}</h2>
                <input class="filter" type="search" placeholder="Filter" aria-label="Filter events" value={(*filter).clone()} {oninput} />
            </div>
            <pre class="event-table">{table}</pre>
        </div>
    }
}
