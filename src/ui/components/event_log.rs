//! The event log: the newest changes recorded in the simulation's trace.

use yew::prelude::*;

use super::use_workspace;

/// How many trace entries the log shows.
const SHOWN: usize = 200;

/// The event log pane.
#[function_component(EventLog)]
pub fn event_log() -> Html {
    let workspace = use_workspace();
    let sim = workspace.sim.borrow();
    let entries = sim.trace().entries();
    let rows: Html = entries
        .iter()
        .rev()
        .take(SHOWN)
        .map(|e| {
            html! {
                <tr>
                    <td class="time">{e.time.to_string()}</td>
                    <td class="kind">{format!("{:?}", e.kind)}</td>
                    <td class="subject">{e.subject.to_string()}</td>
                    <td class="detail">{e.detail.clone()}</td>
                </tr>
            }
        })
        .collect();
    html! {
        <div class="event-log" data-testid="event-log">
            <h2>{"Events"}</h2>
            <table>
                <thead><tr><th>{"TIME"}</th><th>{"KIND"}</th><th>{"OBJECT"}</th><th>{"CHANGE"}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
