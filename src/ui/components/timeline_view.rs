//! Draws a pod's timeline as SVG: one row for the phase and one per container, each a strip of
//! coloured states over virtual time, with the pod's events as ticks (warnings in red). Hover
//! shows each state and event; all text goes in as text nodes.

use std::rc::Rc;

use yew::prelude::*;

use crate::viz::timeline::Timeline;

/// Properties of [`TimelineView`].
#[derive(Properties, PartialEq)]
pub struct TimelineViewProps {
    /// The timeline to draw.
    pub timeline: Rc<Timeline>,
}

const W: f64 = 720.0;
const LABEL: f64 = 130.0;
const ROW: f64 = 26.0;
const TOP: f64 = 8.0;

/// The timeline.
#[function_component(TimelineView)]
pub fn timeline_view(props: &TimelineViewProps) -> Html {
    let t = &props.timeline;
    let span = (t.end - t.start).max(1.0);
    let x = |s: f64| LABEL + (s - t.start) / span * (W - LABEL - 8.0);
    let marks_y = TOP + t.lanes.len() as f64 * ROW;
    let height = marks_y + 36.0;
    let rows: Html = t
        .lanes
        .iter()
        .enumerate()
        .map(|(i, lane)| {
            let y = TOP + i as f64 * ROW;
            let segments: Html = lane
                .segments
                .iter()
                .map(|s| {
                    let width = (x(s.end) - x(s.start)).max(1.0);
                    html! {
                        <rect class={format!("tl-seg tl-{}", s.class)} x={format!("{:.1}", x(s.start))} y={format!("{:.1}", y + 3.0)} width={format!("{width:.1}")} height={format!("{:.1}", ROW - 8.0)} rx="3">
                            <title>{format!("{}: {:.0}s – {:.0}s", s.label, s.start, s.end)}</title>
                        </rect>
                    }
                })
                .collect();
            html! {
                <g>
                    <text class="tl-lane" x="4" y={format!("{:.1}", y + ROW / 2.0 + 4.0)}>{lane.name.clone()}</text>
                    {segments}
                </g>
            }
        })
        .collect();
    let marks: Html = t
        .marks
        .iter()
        .map(|m| {
            let px = x(m.t);
            html! {
                <path class={if m.warning { "tl-mark tl-warning" } else { "tl-mark" }} d={format!("M{px:.1} {:.1} l-5 10 h10 z", marks_y + 2.0)}>
                    <title>{format!("{:.0}s {}", m.t, m.text)}</title>
                </path>
            }
        })
        .collect();
    html! {
        <figure class="viz-timeline" data-testid="timeline">
            <figcaption class="viz-title">{format!("Timeline of {}", t.pod)}</figcaption>
            <svg viewBox={format!("0 0 {W} {height:.0}")} role="img" aria-label={format!("Timeline of {}", t.pod)}>
                {rows}
                <text class="tl-lane" x="4" y={format!("{:.1}", marks_y + 11.0)}>{"events"}</text>
                {marks}
                <text class="tl-axis" x={format!("{LABEL}")} y={format!("{:.1}", height - 4.0)}>{format!("{:.0}s", t.start)}</text>
                <text class="tl-axis" x={format!("{:.0}", W - 8.0)} y={format!("{:.1}", height - 4.0)} text-anchor="end">{format!("{:.0}s", t.end)}</text>
            </svg>
        </figure>
    }
}
