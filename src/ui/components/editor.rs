//! The manifest editor: file tabs, the text, and Apply.
//!
//! Every keystroke is saved before anything parses it, so invalid YAML is never lost.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::use_workspace;
use crate::ui::state::WorkspaceAction;

/// The editor pane.
#[function_component(Editor)]
pub fn editor() -> Html {
    let workspace = use_workspace();
    let text = workspace.active_file().map(|(_, t)| t.clone()).unwrap_or_default();
    let oninput = {
        let workspace = workspace.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            workspace.dispatch(WorkspaceAction::Edit(area.value()));
        })
    };
    let apply = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::ApplyActive))
    };
    let tabs: Html = workspace
        .files
        .iter()
        .enumerate()
        .map(|(index, (name, _))| {
            let class = if index == workspace.active { "tab active" } else { "tab" };
            let handle = workspace.clone();
            let select = Callback::from(move |_| handle.dispatch(WorkspaceAction::Select(index)));
            html! { <button class={class} role="tab" onclick={select}>{name.clone()}</button> }
        })
        .collect();
    html! {
        <div class="editor">
            <div class="editor-bar">
                <div class="tabs" role="tablist">{tabs}</div>
                <button class="primary" data-testid="apply" onclick={apply}>{"Apply"}</button>
            </div>
            <textarea
                data-testid="editor"
                class="editor-text"
                spellcheck="false"
                aria-label="Manifest"
                value={text}
                {oninput}
            />
        </div>
    }
}
