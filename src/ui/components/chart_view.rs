//! Draws a [`Chart`] as SVG: lines (or steps) over virtual time with axes, tick labels, axis
//! titles and a legend. Colours come from `www/viz.css` (`viz-series-0` … `viz-series-7`), so
//! both themes apply.

use std::rc::Rc;

use yew::prelude::*;

use crate::viz::Chart;

/// Properties of [`ChartView`].
#[derive(Properties, PartialEq)]
pub struct ChartViewProps {
    /// The chart to draw.
    pub chart: Rc<Chart>,
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// About five round steps between 0 and `max`.
fn ticks(min: f64, max: f64, integer: bool) -> Vec<f64> {
    let span = (max - min).max(1e-9);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    if integer {
        step = step.max(1.0).round();
    }
    let first = (min / step).ceil() * step;
    (0..=10).map(|i| first + step * i as f64).take_while(|v| *v <= max + 1e-9).collect()
}

fn label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Time in seconds as `90s` or `2m30s`.
fn time_label(secs: f64) -> String {
    let s = secs.round() as i64;
    if s < 60 {
        format!("{s}s")
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{}m{}s", s / 60, s % 60)
    }
}

/// A chart drawn as SVG.
#[function_component(ChartView)]
pub fn chart_view(props: &ChartViewProps) -> Html {
    let chart = &*props.chart;
    let (t0, t1, y_max) = chart.bounds();
    let y_max = if chart.step { y_max.ceil().max(1.0) } else { y_max * 1.05 };
    let x = |t: f64| LEFT + (t - t0) / (t1 - t0) * (W - LEFT - RIGHT);
    let y = |v: f64| H - BOTTOM - v / y_max * (H - TOP - BOTTOM);
    let y_ticks: Html = ticks(0.0, y_max, chart.step)
        .into_iter()
        .map(|v| {
            html! {
                <g class="viz-tick">
                    <line x1={format!("{LEFT:.1}")} x2={format!("{:.1}", W - RIGHT)} y1={format!("{:.1}", y(v))} y2={format!("{:.1}", y(v))} />
                    <text class="viz-tick-y" x={format!("{:.1}", LEFT - 6.0)} y={format!("{:.1}", y(v))}>{label(v)}</text>
                </g>
            }
        })
        .collect();
    let x_ticks: Html = ticks(t0, t1, true)
        .into_iter()
        .map(|t| {
            html! {
                <text class="viz-tick-x" x={format!("{:.1}", x(t))} y={format!("{:.1}", H - BOTTOM + 16.0)}>{time_label(t)}</text>
            }
        })
        .collect();
    let lines: Html = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut d = String::new();
            let mut last: Option<(f64, f64)> = None;
            for &(t, v) in &s.points {
                let (px, py) = (x(t), y(v));
                match last {
                    None => d.push_str(&format!("M{px:.1},{py:.1}")),
                    Some((_, ly)) if chart.step => d.push_str(&format!(" L{px:.1},{ly:.1} L{px:.1},{py:.1}")),
                    Some(_) => d.push_str(&format!(" L{px:.1},{py:.1}")),
                }
                last = Some((px, py));
            }
            let latest = s.points.last().map(|p| label(p.1)).unwrap_or_default();
            html! {
                <path class={classes!("viz-line", format!("viz-series-{}", i % 8))} d={d}>
                    <title>{format!("{}: {latest} now", s.name)}</title>
                </path>
            }
        })
        .collect();
    let legend: Html = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            html! {
                <li class={classes!("viz-legend-item", format!("viz-series-{}", i % 8))}>
                    <span class="viz-swatch" aria-hidden="true"></span>{s.name.clone()}
                </li>
            }
        })
        .collect();
    let empty = chart.series.iter().all(|s| s.points.is_empty());
    html! {
        <figure class="viz-chart" data-testid="chart-view">
            <figcaption class="viz-title">{chart.title.clone()}</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={chart.title.clone()}>
                <g class="viz-grid">{y_ticks}</g>
                <line class="viz-axis" x1={format!("{LEFT}")} x2={format!("{LEFT}")} y1={format!("{TOP}")} y2={format!("{}", H - BOTTOM)} />
                <line class="viz-axis" x1={format!("{LEFT}")} x2={format!("{}", W - RIGHT)} y1={format!("{}", H - BOTTOM)} y2={format!("{}", H - BOTTOM)} />
                {x_ticks}
                <text class="viz-axis-title" x={format!("{}", (LEFT + W - RIGHT) / 2.0)} y={format!("{}", H - 6.0)}>{chart.x_label.clone()}</text>
                <text class="viz-axis-title viz-axis-title-y" transform={format!("translate(12,{}) rotate(-90)", (TOP + H - BOTTOM) / 2.0)}>{chart.y_label.clone()}</text>
                <g class="viz-lines">{lines}</g>
            </svg>
            {if empty { html! { <p class="viz-note">{"No samples yet: let the clock run."}</p> } } else { html! {} }}
            <ul class="viz-legend">{legend}</ul>
        </figure>
    }
}
