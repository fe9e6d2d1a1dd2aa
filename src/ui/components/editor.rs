//! The manifest editor: file tabs, the text with line numbers and YAML colouring, Apply, and the
//! last apply's error shown at its line.
//!
//! The text area is transparent over a highlight layer that shows the same text coloured; both
//! scroll together. Every keystroke is saved before anything parses it, so invalid YAML is never
//! lost.

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use super::use_workspace;
use super::yaml_highlight;
use crate::console::Stream;
use crate::playground::errors;
use crate::ui::state::WorkspaceAction;

/// The editor pane.
#[function_component(Editor)]
pub fn editor() -> Html {
    let workspace = use_workspace();
    let layer = use_node_ref();
    let (name, text) = workspace.active_file().unwrap_or_default();
    // The last apply of this file, if it failed: its message and where it points.
    let error = {
        let session = workspace.session.borrow();
        session
            .past()
            .iter()
            .rev()
            .find(|i| {
                i.line.starts_with("kubectl apply") && i.line.contains(name.as_str()) && !name.is_empty()
            })
            .filter(|i| i.files.iter().any(|(n, t)| *n == name && *t == text))
            .and_then(|i| {
                let message: Vec<&str> = i
                    .output
                    .tagged_lines()
                    .iter()
                    .filter(|(s, _)| *s == Stream::Stderr)
                    .map(|(_, l)| l.as_str())
                    .collect();
                (!message.is_empty()).then(|| message.join("\n"))
            })
            .map(|message| (errors::locate(&text, &message), message))
    };
    let error_line = error.as_ref().and_then(|(at, _)| at.map(|(line, _)| line));
    let oninput = {
        let workspace = workspace.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            workspace.dispatch(WorkspaceAction::Edit(area.value()));
        })
    };
    let onscroll = {
        let layer = layer.clone();
        Callback::from(move |e: Event| {
            let area: Element = e.target_unchecked_into();
            if let Some(layer) = layer.cast::<Element>() {
                layer.set_scroll_top(area.scroll_top());
                layer.set_scroll_left(area.scroll_left());
            }
        })
    };
    let apply = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::ApplyActive))
    };
    let new_file = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::NewFile))
    };
    let tabs: Html = workspace
        .session
        .borrow()
        .files()
        .iter()
        .enumerate()
        .map(|(index, (file, _))| {
            let active = index == workspace.active;
            let handle = workspace.clone();
            let select = Callback::from(move |_| handle.dispatch(WorkspaceAction::SelectFile(index)));
            html! { <button class={classes!("tab", active.then_some("active"))} role="tab" aria-selected={active.to_string()} onclick={select}>{file.clone()}</button> }
        })
        .collect();
    // A trailing newline still gets its own (empty) line, like the text area shows it.
    let lines: Html = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| {
            let number = i + 1;
            let class = classes!("code-line", (Some(number) == error_line).then_some("error-line"));
            html! { <div class={class} data-line={number.to_string()}>{yaml_highlight::line(l)}{"\u{200b}"}</div> }
        })
        .collect();
    let error_panel = error.map(|(at, message)| {
        let place = at.map(|(line, column)| format!("line {line}, column {column}: ")).unwrap_or_default();
        html! { <div class="editor-error" role="alert" data-testid="editor-error">{place}{message}</div> }
    });
    html! {
        <div class="editor">
            <div class="editor-bar">
                <div class="tabs" role="tablist">{tabs}</div>
                <button onclick={new_file} aria-label="New file" title="New file">{"+"}</button>
                <button class="primary" data-testid="apply" onclick={apply} title="kubectl apply -f this file (Ctrl+Enter)">{"Apply"}</button>
            </div>
            <div class="code">
                <div class="code-layer" ref={layer} aria-hidden="true">{lines}</div>
                <textarea
                    data-testid="editor"
                    class="code-input"
                    spellcheck="false"
                    wrap="off"
                    aria-label={format!("Manifest {name}")}
                    value={text}
                    {oninput}
                    {onscroll}
                />
            </div>
            {error_panel.unwrap_or_default()}
        </div>
    }
}
