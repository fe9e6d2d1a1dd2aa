//! Time controls: play/pause, speed, step to the next event, jumps, and the virtual clock.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::use_workspace;
use crate::sim::SimDuration;
use crate::ui::state::{WorkspaceAction, SPEEDS};

/// The clock bar.
#[function_component(TimeControls)]
pub fn time_controls() -> Html {
    let workspace = use_workspace();
    let playing = workspace.playing;
    let now = workspace.sim.borrow().time();
    let toggle = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::SetPlaying(!playing)))
    };
    let step = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::StepEvent))
    };
    let jump = |secs: u64| {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::Jump(SimDuration::from_secs(secs))))
    };
    let set_speed = {
        let workspace = workspace.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(speed) = select.value().parse() {
                workspace.dispatch(WorkspaceAction::SetSpeed(speed));
            }
        })
    };
    let speeds: Html = SPEEDS
        .iter()
        .map(|s| html! { <option value={s.to_string()} selected={*s == workspace.speed}>{format!("{s}×")}</option> })
        .collect();
    html! {
        <div class="time-controls" role="toolbar" aria-label="Time controls">
            <button data-testid="play" onclick={toggle} aria-pressed={playing.to_string()}>
                { if playing { "Pause" } else { "Play" } }
            </button>
            <button onclick={step} title="Run the next event">{"Step"}</button>
            <label class="speed">{"Speed "}<select onchange={set_speed} aria-label="Speed">{speeds}</select></label>
            <button onclick={jump(10)}>{"+10s"}</button>
            <button onclick={jump(60)}>{"+1m"}</button>
            <button onclick={jump(300)}>{"+5m"}</button>
            <span class="clock" data-testid="clock" data-ms={now.as_millis().to_string()} aria-live="off">
                {format!("virtual time {}", crate::sim::SimDuration::from_secs(now.as_secs()))}
            </span>
        </div>
    }
}
