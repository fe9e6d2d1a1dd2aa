//! The scenario panel: title, description and steps, run one at a time or all at once, each
//! marked with whether what the learner must observe (`expect:`) held.

use yew::prelude::*;

use super::use_workspace;
use crate::ui::state::WorkspaceAction;

/// The description's Markdown as paragraphs with `code` spans; everything stays text.
fn markdown(text: &str) -> Html {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|paragraph| {
            let spans: Html = paragraph
                .split('`')
                .enumerate()
                .map(|(i, part)| {
                    if i % 2 == 1 {
                        html! { <code>{part.to_string()}</code> }
                    } else {
                        html! { {part.to_string()} }
                    }
                })
                .collect();
            html! { <p>{spans}</p> }
        })
        .collect()
}

/// The steps pane.
#[function_component(Steps)]
pub fn steps() -> Html {
    let workspace = use_workspace();
    let origin = workspace.session.borrow().origin().clone();
    let run_next = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::RunNextStep))
    };
    let run_all = {
        let workspace = workspace.clone();
        Callback::from(move |_| workspace.dispatch(WorkspaceAction::RunAllSteps))
    };
    let remaining = origin.steps.len().saturating_sub(workspace.next_step);
    let items: Html = origin
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let result = workspace.step_results.iter().find(|r| r.index == index);
            let (class, mark, label) = match result {
                Some(r) if r.failures.is_empty() => ("step done", "✓", "passed"),
                Some(_) => ("step failed", "✗", "an expectation did not hold"),
                None if index == workspace.next_step => ("step next", "▸", "next"),
                None => ("step", "·", "not run"),
            };
            let failures: Html = result
                .into_iter()
                .flat_map(|r| &r.failures)
                .map(|f| html! { <li class="failure">{f.clone()}</li> })
                .collect();
            let expects = step.expect.len();
            html! {
                <li class={class} data-testid="scenario-step">
                    <span class="mark" aria-label={label}>{mark}</span>
                    <code>{step.action.clone()}</code>
                    if expects > 0 { <span class="expects" title={step.expect.join("\n")}>{format!("{expects} check(s)")}</span> }
                    <ul class="failures">{failures}</ul>
                </li>
            }
        })
        .collect();
    html! {
        <div class="steps-panel">
            <h2>{origin.title.clone()}</h2>
            <div class="description">{markdown(&origin.description)}</div>
            if !origin.steps.is_empty() {
                <div class="step-buttons">
                    <button class="primary" data-testid="run-next-step" onclick={run_next} disabled={remaining == 0}>{"Run next step"}</button>
                    <button data-testid="run-all-steps" onclick={run_all} disabled={remaining == 0}>{format!("Run all ({remaining})")}</button>
                </div>
                <ol class="step-list">{items}</ol>
            }
        </div>
    }
}
