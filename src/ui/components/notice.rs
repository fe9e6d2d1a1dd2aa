//! A dismissible message for the learner (a link that could not be opened, a saved scenario).

use yew::prelude::*;

use super::use_workspace;
use crate::ui::state::WorkspaceAction;

/// The notice line, shown only when there is a message.
#[function_component(Notice)]
pub fn notice() -> Html {
    let workspace = use_workspace();
    let Some(message) = workspace.notice.clone() else {
        return html! {};
    };
    let dismiss = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::Notify(None)))
    };
    html! {
        <div class="notice" role="status" data-testid="notice">
            <span>{message}</span>
            <button onclick={dismiss} aria-label="Dismiss">{"×"}</button>
        </div>
    }
}
