//! The header: the project name, the open scenario, and the workspace menu (library, save,
//! share, embed, export, theme, help). Embedded, it shows the title and a link to the full app.

use yew::prelude::*;

use super::use_workspace;
use crate::playground::link;
use crate::ui::boot::Boot;
use crate::ui::state::{Dialog, Theme, WorkspaceAction};

/// The top bar.
#[function_component(Header)]
pub fn header() -> Html {
    let workspace = use_workspace();
    let title = workspace.session.borrow().origin().title.clone();
    if workspace.embed.is_some() {
        let url = link::share_url(&Boot::base_url(), &workspace.session.borrow().to_scenario());
        return html! {
            <header class="header">
                <span class="brand">{"Podlab"}</span>
                <span class="scenario-title">{title}</span>
                <a class="open-full" href={url} target="_blank" rel="noopener">{"Open in Podlab ↗"}</a>
            </header>
        };
    }
    let open = |dialog: Dialog| {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::SetDialog(Some(dialog))))
    };
    let save = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::SaveScenario(String::new())))
    };
    let theme = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::CycleTheme))
    };
    let theme_label = match workspace.theme {
        Theme::System => "Theme: system",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    html! {
        <header class="header">
            <h1 class="brand">{"Podlab"}</h1>
            <span class="scenario-title" data-testid="scenario-title">{title}</span>
            <nav class="menu" aria-label="Workspace">
                <button data-testid="open-library" onclick={open(Dialog::Library)} title="Scenario library (l)">{"Scenarios"}</button>
                <button onclick={save} title="Keep this workspace in My scenarios">{"Save"}</button>
                <button data-testid="open-share" onclick={open(Dialog::Share)}>{"Share"}</button>
                <button data-testid="open-embed" onclick={open(Dialog::Embed)}>{"Embed"}</button>
                <button data-testid="open-export" onclick={open(Dialog::Export)} title="Run it on a real cluster">{"Export"}</button>
                <button onclick={theme} title="Switch theme (t)">{theme_label}</button>
                <button onclick={open(Dialog::Help)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">{"?"}</button>
            </nav>
        </header>
    }
}
