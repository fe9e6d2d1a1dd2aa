//! The detail panel: the selected object as `kubectl describe` prints it, live.

use yew::prelude::*;

use super::use_workspace;
use crate::playground::actions::Selected;
use crate::ui::state::WorkspaceAction;

/// The detail pane.
#[function_component(Details)]
pub fn details() -> Html {
    let workspace = use_workspace();
    let Some(subject) = workspace.selection.clone() else {
        return html! {
            <div class="details">
                <h2>{"Selected object"}</h2>
                <p class="hint">{"Click a pod or node in the cluster view, or a name in the terminal, to see it here."}</p>
            </div>
        };
    };
    let selected = Selected::parse(workspace.session.borrow().simulation(), &subject);
    let body = match selected {
        Some(selected) => {
            let output = workspace.session.borrow_mut().inspect(&selected.describe_line());
            output.map(|o| o.text()).unwrap_or_default()
        }
        None => format!("{subject} is not a kind this cluster knows."),
    };
    let clear = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::SelectObject(None)))
    };
    html! {
        <div class="details" data-testid="details">
            <div class="pane-bar">
                <h2>{subject}</h2>
                <button onclick={clear} aria-label="Clear the selection">{"×"}</button>
            </div>
            <pre class="describe">{body}</pre>
        </div>
    }
}
