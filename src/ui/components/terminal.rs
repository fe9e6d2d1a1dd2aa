//! The kubectl terminal: the transcript of this branch's inputs and a prompt with history (↑/↓).
//! Object names in the output (rows of `kubectl get`, `pod/web created`) are links that select
//! the object in the other panes.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_workspace;
use crate::console::Stream;
use crate::playground::Input;
use crate::sim::Simulation;
use crate::ui::state::WorkspaceAction;

/// What a command's output rows name: the kind listed and the namespace they are in.
struct Listing {
    kind: Option<String>,
    namespace: String,
    all_namespaces: bool,
}

impl Listing {
    fn of(sim: &Simulation, command: &str) -> Listing {
        let words = shlex::split(command).unwrap_or_default();
        let flag_value = |names: &[&str]| {
            words.iter().enumerate().find_map(|(i, w)| {
                names.iter().find_map(|n| {
                    if w == n {
                        words.get(i + 1).cloned()
                    } else {
                        w.strip_prefix(&format!("{n}=")).map(String::from)
                    }
                })
            })
        };
        let kind = (words.get(1).map(String::as_str) == Some("get"))
            .then(|| words.get(2))
            .flatten()
            .filter(|t| !t.contains(',') && !t.contains('/') && !t.starts_with('-'))
            .and_then(|t| sim.store().resources().resolve(t))
            .map(|r| r.kind.clone());
        Listing {
            kind,
            namespace: flag_value(&["-n", "--namespace"]).unwrap_or_else(|| "default".into()),
            all_namespaces: words.iter().any(|w| w == "-A" || w == "--all-namespaces"),
        }
    }

    /// The trace name of the object a line starts with, and how many bytes name it.
    fn object_at_start(&self, sim: &Simulation, line: &str) -> Option<(usize, String)> {
        let first = line.split_whitespace().next()?;
        if !line.starts_with(first) {
            return None;
        }
        let exists = |kind: &str, namespace: &str, name: &str| {
            let resource = sim.store().resources().resolve(kind)?;
            let namespace = if resource.namespaced { namespace } else { "" };
            let object = sim.store().get(&resource.kind, namespace, name)?;
            Some(crate::sim::api::store::ObjectKey::of(object).trace_subject())
        };
        if let Some((kind, name)) = first.split_once('/') {
            return exists(kind, &self.namespace, name).map(|s| (first.len(), s));
        }
        let kind = self.kind.as_deref()?;
        if self.all_namespaces {
            let mut words = line.split_whitespace();
            let namespace = words.next()?;
            let name = words.next()?;
            let start = line.find(name)?;
            return exists(kind, namespace, name).map(|s| (start + name.len(), s));
        }
        exists(kind, &self.namespace, first).map(|s| (first.len(), s))
    }
}

fn entry(input: &Input, sim: &Simulation, select: &Callback<String>) -> Html {
    let listing = Listing::of(sim, &input.line);
    let lines: Html = input
        .output
        .tagged_lines()
        .iter()
        .map(|(stream, line)| {
            let class = if *stream == Stream::Stderr { "line stderr" } else { "line" };
            match listing.object_at_start(sim, line) {
                Some((end, subject)) => {
                    let (name, rest) = line.split_at(end);
                    let onclick = {
                        let select = select.clone();
                        Callback::from(move |_| select.emit(subject.clone()))
                    };
                    html! { <div class={class}><button class="obj-link" {onclick}>{name.to_string()}</button>{rest.to_string()}</div> }
                }
                None => html! { <div class={class}>{line.clone()}</div> },
            }
        })
        .collect();
    html! {
        <div class="entry">
            <div class="prompt-line"><span class="stamp">{format!("[{}]", input.time)}</span>{" $ "}{input.line.clone()}</div>
            {lines}
        </div>
    }
}

/// `line` with its last word completed: the only candidate and a space, or the candidates'
/// longest common prefix when that adds something; `None` when Tab has nothing to add.
fn completed_line(line: &str, candidates: &[String]) -> Option<String> {
    let start = if line.ends_with(char::is_whitespace) {
        line.len()
    } else {
        line.rfind(char::is_whitespace).map_or(0, |i| i + 1)
    };
    let (head, current) = line.split_at(start);
    let replacement = match candidates {
        [] => return None,
        [only] => format!("{only} "),
        [first, rest @ ..] => {
            let common = rest.iter().fold(first.as_str(), |prefix, c| {
                let len = prefix
                    .chars()
                    .zip(c.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum();
                &prefix[..len]
            });
            common.to_string()
        }
    };
    (replacement.len() > current.len() && replacement.starts_with(current))
        .then(|| format!("{head}{replacement}"))
}

/// The terminal pane.
#[function_component(Terminal)]
pub fn terminal() -> Html {
    let workspace = use_workspace();
    let input = use_node_ref();
    let transcript_ref = use_node_ref();
    // Position while browsing history: None = the fresh line being typed.
    let browsing = use_state(|| None::<usize>);
    // Completions offered by the last Tab that matched more than one word.
    let offered = use_state(Vec::<String>::new);
    // Inputs and the lines of the last one: a running `kubectl get -w` grows the last output.
    let past_len = {
        let session = workspace.session.borrow();
        (session.past().len(), session.past().last().map_or(0, |i| i.output.tagged_lines().len()))
    };
    {
        // Keep the newest output in view.
        let transcript_ref = transcript_ref.clone();
        use_effect_with(past_len, move |_| {
            if let Some(el) = transcript_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let onkeydown = {
        let workspace = workspace.clone();
        let input = input.clone();
        let browsing = browsing.clone();
        let offered = offered.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let history = &workspace.history;
            if e.key() != "Tab" && !offered.is_empty() {
                offered.set(Vec::new());
            }
            match e.key().as_str() {
                "Tab" if !e.shift_key() => {
                    e.prevent_default();
                    let line = field.value();
                    let candidates =
                        crate::kubectl::complete::complete(&line, workspace.session.borrow().simulation());
                    match completed_line(&line, &candidates) {
                        Some(next) => {
                            field.set_value(&next);
                            offered.set(if candidates.len() > 1 { candidates } else { Vec::new() });
                        }
                        None => offered.set(candidates),
                    }
                }
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
    let select = {
        let workspace = workspace.clone();
        Callback::from(move |subject: String| {
            workspace.dispatch(WorkspaceAction::SelectObject(Some(subject)))
        })
    };
    let session = workspace.session.borrow();
    let sim = session.simulation();
    let transcript: Html = session.past().iter().map(|i| entry(i, sim, &select)).collect();
    let ahead = session.future().len();
    html! {
        <div class="terminal">
            <div class="transcript" ref={transcript_ref} data-testid="terminal-output" aria-live="polite">
                {transcript}
                if ahead > 0 {
                    <div class="ahead-note">{format!("{ahead} later command(s) kept ahead on the timeline; a new command here starts a new branch.")}</div>
                }
            </div>
            if !offered.is_empty() {
                <div class="completions" data-testid="completions" aria-live="polite">{offered.join("  ")}</div>
            }
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
