//! The kubectl terminal: a transcript and a prompt with history (↑/↓).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_workspace;
use crate::console::Stream;
use crate::ui::state::WorkspaceAction;

/// The terminal pane.
#[function_component(Terminal)]
pub fn terminal() -> Html {
    let workspace = use_workspace();
    let input = use_node_ref();
    // Position while browsing history: None = the fresh line being typed.
    let browsing = use_state(|| None::<usize>);
    let onkeydown = {
        let workspace = workspace.clone();
        let input = input.clone();
        let browsing = browsing.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let history = &workspace.history;
            match e.key().as_str() {
                "Enter" => {
                    workspace.dispatch(WorkspaceAction::Run(field.value()));
                    field.set_value("");
                    browsing.set(None);
                }
                "ArrowUp" if !history.is_empty() => {
                    e.prevent_default();
                    let index = browsing.map_or(history.len() - 1, |i| i.saturating_sub(1));
                    field.set_value(&history[index]);
                    browsing.set(Some(index));
                }
                "ArrowDown" => {
                    e.prevent_default();
                    match *browsing {
                        Some(i) if i + 1 < history.len() => {
                            field.set_value(&history[i + 1]);
                            browsing.set(Some(i + 1));
                        }
                        _ => {
                            field.set_value("");
                            browsing.set(None);
                        }
                    }
                }
                _ => {}
            }
        })
    };
    let transcript: Html = workspace
        .terminal
        .iter()
        .map(|entry| {
            let lines: Html = entry
                .output
                .tagged_lines()
                .iter()
                .map(|(stream, line)| {
                    let class = if *stream == Stream::Stderr { "line stderr" } else { "line" };
                    html! { <div class={class}>{line.clone()}</div> }
                })
                .collect();
            html! {
                <div class="entry">
                    <div class="prompt-line"><span class="stamp">{format!("[{}]", entry.time)}</span>{" $ "}{entry.command.clone()}</div>
                    {lines}
                </div>
            }
        })
        .collect();
    html! {
        <div class="terminal">
            <div class="transcript" data-testid="terminal-output" aria-live="polite">{transcript}</div>
            <div class="prompt">
                <span aria-hidden="true">{"$ "}</span>
                <input
                    ref={input}
                    data-testid="terminal-input"
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    aria-label="kubectl command"
                    placeholder="kubectl get pods"
                    {onkeydown}
                />
            </div>
        </div>
    }
}
