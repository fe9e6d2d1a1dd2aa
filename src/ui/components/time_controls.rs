//! Time controls: play/pause, speed, step to the next event, jumps, the scrubber over the
//! session's time (going back replays; a new input there starts a new branch), and the clock.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::use_workspace;
use crate::sim::time::human_duration;
use crate::sim::{SimDuration, SimTime};
use crate::ui::state::{WorkspaceAction, SPEEDS};

/// `83000` ms → `1:23`, `3723000` → `1:02:03`.
fn clock_text(time: SimTime) -> String {
    let secs = time.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The clock bar.
#[function_component(TimeControls)]
pub fn time_controls() -> Html {
    let workspace = use_workspace();
    let playing = workspace.playing;
    let (now, horizon, future) = {
        let session = workspace.session.borrow();
        (session.time(), session.horizon(), session.future().len())
    };
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
    // Seeking replays the session, so it happens when the thumb is released, not on every move.
    let seek = {
        let workspace = workspace.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(ms) = input.value().parse::<f64>() {
                workspace.dispatch(WorkspaceAction::Seek(SimTime(ms.max(0.0) as u64)));
            }
        })
    };
    let speeds: Html = SPEEDS
        .iter()
        .map(|s| html! { <option value={s.to_string()} selected={*s == workspace.speed}>{format!("{s}×")}</option> })
        .collect();
    // Milliseconds with step "any", so the end of the range is exactly the latest moment.
    let max = horizon.as_millis().max(now.as_millis()).max(1000);
    let scrub_title = if future > 0 {
        format!("{future} later input(s) kept ahead; typing a command here starts a new branch")
    } else {
        "Drag back to see the cluster at any earlier moment".to_string()
    };
    html! {
        <div class="time-controls" role="toolbar" aria-label="Time controls">
            <button class="play" data-testid="play" onclick={toggle} aria-pressed={playing.to_string()} title="Play or pause (Space)">
                { if playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button data-testid="step" onclick={step} title="Run the next event (.)">{"Step"}</button>
            <label class="speed">{"Speed "}<select onchange={set_speed} aria-label="Speed">{speeds}</select></label>
            <button onclick={jump(10)} title="Jump ahead 10 s (])">{"+10s"}</button>
            <button onclick={jump(60)} title="Jump ahead 1 min (})">{"+1m"}</button>
            <button onclick={jump(300)}>{"+5m"}</button>
            <input
                class="scrubber"
                data-testid="scrubber"
                type="range"
                min="0"
                max={max.to_string()}
                step="any"
                value={now.as_millis().to_string()}
                onchange={seek}
                aria-label="Virtual time"
                aria-valuetext={human_duration(SimDuration(now.as_millis()))}
                title={scrub_title}
            />
            <span class="clock" data-testid="clock" data-ms={now.as_millis().to_string()} aria-live="off">
                {clock_text(now)}
                if future > 0 { <span class="ahead">{format!(" / {}", clock_text(horizon))}</span> }
            </span>
        </div>
    }
}
