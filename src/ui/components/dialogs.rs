//! The dialogs over the panes: the scenario library, share, embed, export and the shortcut help.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_workspace;
use crate::playground::link::{self, EmbedOptions, PANES};
use crate::playground::{export, library};
use crate::scenario::Scenario;
use crate::ui::boot::Boot;
use crate::ui::browser;
use crate::ui::shortcuts::SHORTCUTS;
use crate::ui::state::{Dialog, WorkspaceAction};

/// The first sentence of a description, for the library list.
fn summary(description: &str) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text,
    }
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    title: AttrValue,
    testid: AttrValue,
    children: Html,
}

#[function_component(Frame)]
fn frame(props: &FrameProps) -> Html {
    let workspace = use_workspace();
    let close = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::SetDialog(None)))
    };
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-label={props.title.clone()} data-testid={props.testid.clone()}>
                <div class="dialog-bar">
                    <h2>{props.title.clone()}</h2>
                    <button onclick={close} aria-label="Close" title="Close (Esc)">{"×"}</button>
                </div>
                <div class="dialog-body">{props.children.clone()}</div>
            </div>
        </div>
    }
}

#[function_component(LibraryDialog)]
fn library_dialog() -> Html {
    let workspace = use_workspace();
    let built_in = use_memo((), |_| {
        library::BUILT_IN
            .iter()
            .filter_map(|(file, text)| Scenario::parse(text).ok().map(|s| (file.to_string(), s)))
            .collect::<Vec<_>>()
    });
    let open = |scenario: Scenario| {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::OpenScenario(Box::new(scenario.clone()))))
    };
    let items: Html = built_in
        .iter()
        .map(|(file, scenario)| {
            html! {
                <li class="library-item">
                    <button class="library-open" data-testid="library-item" data-file={file.clone()} onclick={open(scenario.clone())}>{scenario.title.clone()}</button>
                    <span class="library-summary">{summary(&scenario.description)}</span>
                </li>
            }
        })
        .collect();
    let own: Html = workspace
        .saved_scenarios
        .iter()
        .enumerate()
        .map(|(index, (title, text))| {
            let opened = Scenario::parse(text).ok();
            let remove = {
                let workspace = workspace.clone();
                Callback::from(move |_| workspace.dispatch(WorkspaceAction::DeleteSavedScenario(index)))
            };
            html! {
                <li class="library-item">
                    if let Some(scenario) = opened {
                        <button class="library-open" onclick={open(scenario)}>{title.clone()}</button>
                    } else {
                        <span>{title.clone()}{" (damaged)"}</span>
                    }
                    <button class="small" onclick={remove} aria-label={format!("Delete {title}")}>{"Delete"}</button>
                </li>
            }
        })
        .collect();
    let title_ref = use_node_ref();
    let save = {
        let workspace = workspace.clone();
        let title_ref = title_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let title = title_ref.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            workspace.dispatch(WorkspaceAction::SaveScenario(title));
        })
    };
    html! {
        <Frame title="Scenarios" testid="library">
            <p class="hint">{"Opening a scenario replaces the editor's files and starts a fresh cluster; your current workspace is kept under My scenarios."}</p>
            <h3>{"Learning path"}</h3>
            <ol class="library-list">{items}</ol>
            <h3>{"My scenarios"}</h3>
            if workspace.saved_scenarios.is_empty() { <p class="hint">{"None yet."}</p> }
            <ul class="library-list">{own}</ul>
            <form class="save-form" onsubmit={save}>
                <input ref={title_ref} type="text" placeholder="Title for this workspace" aria-label="Title" />
                <button type="submit">{"Save current workspace"}</button>
            </form>
        </Frame>
    }
}

#[derive(Properties, PartialEq)]
struct CopyFieldProps {
    value: AttrValue,
    label: AttrValue,
    testid: AttrValue,
    #[prop_or_default]
    multiline: bool,
}

#[function_component(CopyField)]
fn copy_field(props: &CopyFieldProps) -> Html {
    let copied = use_state(|| false);
    let copy = {
        let value = props.value.to_string();
        let copied = copied.clone();
        Callback::from(move |_| {
            browser::copy_to_clipboard(&value);
            copied.set(true);
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            input.select();
        }
    });
    html! {
        <div class="copy-field">
            if props.multiline {
                <textarea readonly=true rows="4" aria-label={props.label.clone()} data-testid={props.testid.clone()} value={props.value.clone()} />
            } else {
                <input readonly=true type="text" aria-label={props.label.clone()} data-testid={props.testid.clone()} value={props.value.clone()} onfocus={select_all} />
            }
            <button onclick={copy}>{ if *copied { "Copied" } else { "Copy" } }</button>
        </div>
    }
}

#[function_component(ShareDialog)]
fn share_dialog() -> Html {
    let workspace = use_workspace();
    let scenario = workspace.session.borrow().to_scenario();
    let url = link::share_url(&Boot::base_url(), &scenario);
    html! {
        <Frame title="Share" testid="share">
            <p>{"This link holds the whole scenario — files and every step you ran, with the time between them — compressed into the address. Nothing is uploaded."}</p>
            <CopyField value={url.clone()} label="Share link" testid="share-url" />
            <p class="hint">{format!("{} characters. Whoever opens it gets the same cluster, replayed from seed {}.", url.len(), workspace.session.borrow().origin().seed)}</p>
        </Frame>
    }
}

#[function_component(EmbedDialog)]
fn embed_dialog() -> Html {
    let workspace = use_workspace();
    let options = use_state(|| EmbedOptions {
        panes: vec!["editor".into(), "terminal".into(), "cluster".into()],
        ..EmbedOptions::default()
    });
    let scenario = workspace.session.borrow().to_scenario();
    let url = link::embed_url(&Boot::base_url(), &scenario, &options);
    let snippet = link::iframe_snippet(&url, &format!("Podlab: {}", scenario.title));
    let toggle_pane = |pane: &'static str| {
        let options = options.clone();
        Callback::from(move |_| {
            let mut next = (*options).clone();
            if next.panes.iter().any(|p| p == pane) {
                next.panes.retain(|p| p != pane);
            } else {
                next.panes.push(pane.to_string());
                next.panes.sort_by_key(|p| PANES.iter().position(|q| q == p));
            }
            options.set(next);
        })
    };
    let panes: Html = PANES
        .iter()
        .map(|pane| {
            let checked = options.panes.iter().any(|p| p == pane);
            html! { <label class="check"><input type="checkbox" {checked} onchange={toggle_pane(pane)} />{*pane}</label> }
        })
        .collect();
    let autoplay = {
        let options = options.clone();
        Callback::from(move |_| {
            options.set(EmbedOptions { autoplay: !options.autoplay, ..(*options).clone() })
        })
    };
    let theme = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let theme = matches!(value.as_str(), "light" | "dark").then_some(value);
            options.set(EmbedOptions { theme, ..(*options).clone() });
        })
    };
    let start = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let start = value.parse::<u64>().ok().filter(|s| *s > 0).map(|s| crate::sim::SimTime(s * 1000));
            options.set(EmbedOptions { start, ..(*options).clone() });
        })
    };
    html! {
        <Frame title="Embed in a page" testid="embed">
            <fieldset class="options">
                <legend>{"Panes"}</legend>
                {panes}
            </fieldset>
            <div class="options">
                <label class="check"><input type="checkbox" checked={options.autoplay} onchange={autoplay} />{"Autoplay"}</label>
                <label>{"Start at (s) "}<input type="number" min="0" value={options.start.map(|t| t.as_secs().to_string()).unwrap_or_default()} onchange={start} /></label>
                <label>{"Theme "}
                    <select onchange={theme}>
                        <option value="" selected={options.theme.is_none()}>{"system"}</option>
                        <option value="light" selected={options.theme.as_deref() == Some("light")}>{"light"}</option>
                        <option value="dark" selected={options.theme.as_deref() == Some("dark")}>{"dark"}</option>
                    </select>
                </label>
            </div>
            <p>{"Paste into any page; it runs from this site's static files, with nothing to install:"}</p>
            <CopyField value={snippet} label="Embed snippet" testid="embed-snippet" multiline=true />
            <p class="hint">{"Or link the embed address directly:"}</p>
            <CopyField value={url} label="Embed address" testid="embed-url" />
        </Frame>
    }
}

#[function_component(ExportDialog)]
fn export_dialog() -> Html {
    let workspace = use_workspace();
    let scenario = workspace.session.borrow().to_scenario();
    let folder = export::folder_name(&scenario.title);
    let files = export::files(&scenario);
    let script = files.iter().find(|(n, _)| n == "replay.sh").map(|(_, t)| t.clone()).unwrap_or_default();
    let listing: Html =
        files.iter().map(|(n, _)| html! { <li><code>{format!("{folder}/{n}")}</code></li> }).collect();
    let download = {
        let folder = folder.clone();
        Callback::from(move |_| {
            let bytes = export::zip(&scenario, &folder);
            browser::download(&format!("{folder}.zip"), "application/zip", &bytes);
        })
    };
    html! {
        <Frame title="Run it on a real cluster" testid="export">
            <p>{"Download the scenario as a folder of manifests and a script that replays your steps with kubectl on a kind cluster, node names included."}</p>
            <ul class="file-list">{listing}</ul>
            <button class="primary" data-testid="download-export" onclick={download}>{format!("Download {folder}.zip")}</button>
            <h3>{"replay.sh"}</h3>
            <pre class="script">{script}</pre>
        </Frame>
    }
}

#[function_component(HelpDialog)]
fn help_dialog() -> Html {
    let rows: Html = SHORTCUTS
        .iter()
        .map(|(keys, what)| html! { <tr><td><kbd>{*keys}</kbd></td><td>{*what}</td></tr> })
        .collect();
    html! {
        <Frame title="Keyboard shortcuts" testid="help">
            <table class="shortcuts"><tbody>{rows}</tbody></table>
            <p class="hint">{"Single-key shortcuts work when the focus is not in a text field."}</p>
        </Frame>
    }
}

/// Shows the open dialog, if any.
#[function_component(DialogHost)]
pub fn dialog_host() -> Html {
    let workspace = use_workspace();
    match workspace.dialog {
        None => html! {},
        Some(Dialog::Library) => html! { <LibraryDialog /> },
        Some(Dialog::Share) => html! { <ShareDialog /> },
        Some(Dialog::Embed) => html! { <EmbedDialog /> },
        Some(Dialog::Export) => html! { <ExportDialog /> },
        Some(Dialog::Help) => html! { <HelpDialog /> },
    }
}
