//! Draws a laid-out graph ([`Drawing`]) as SVG in the visual language of Mermaid: rounded
//! states, pills, decision diamonds, start circles, labelled arrows with arrowheads, and colours
//! from the nodes' classes (`www/viz.css`, light and dark). Nodes that stand for an object are
//! focusable buttons: a click, Enter or Space reports the object (`pod/default/web`) through
//! `on_select`. All text goes in as text nodes.

use std::rc::Rc;

use yew::prelude::*;

use crate::viz::graph::{sanitize_id, Shape};
use crate::viz::layout::{LABEL_LINE, SUB_LINE};
use crate::viz::Drawing;

/// Properties of [`GraphView`].
#[derive(Properties, PartialEq)]
pub struct GraphViewProps {
    /// The graph and its layout.
    pub drawing: Rc<Drawing>,
    /// Called with a node's object reference when the node is clicked or activated.
    #[prop_or_default]
    pub on_select: Callback<String>,
}

fn shape_class(shape: Shape) -> &'static str {
    match shape {
        Shape::Rounded => "viz-rounded",
        Shape::Stadium => "viz-stadium",
        Shape::Diamond => "viz-diamond",
        Shape::Circle => "viz-circle",
    }
}

/// The outline of a node centred on the origin.
fn outline(shape: Shape, w: f64, h: f64) -> Html {
    let (hw, hh) = (w / 2.0, h / 2.0);
    match shape {
        Shape::Diamond => html! {
            <polygon class="viz-shape" points={format!("0,{:.1} {hw:.1},0 0,{hh:.1} {:.1},0", -hh, -hw)} />
        },
        Shape::Circle => html! { <circle class="viz-shape" r={format!("{:.1}", hw.min(hh))} /> },
        Shape::Stadium | Shape::Rounded => {
            let r = if shape == Shape::Stadium { hh } else { 8.0 };
            html! {
                <rect class="viz-shape" x={format!("{:.1}", -hw)} y={format!("{:.1}", -hh)}
                    width={format!("{w:.1}")} height={format!("{h:.1}")} rx={format!("{r:.1}")} />
            }
        }
    }
}

/// The label and sub-label lines, centred as a block.
fn text_block(label: &str, sub: &[String]) -> Html {
    let total = LABEL_LINE + SUB_LINE * sub.len() as f64;
    let top = -total / 2.0;
    let label_y = top + LABEL_LINE / 2.0;
    let lines: Html = sub
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let y = top + LABEL_LINE + SUB_LINE * i as f64 + SUB_LINE / 2.0;
            html! { <text class="viz-sub" y={format!("{y:.1}")}>{line.clone()}</text> }
        })
        .collect();
    html! {
        <>
            <text class="viz-label" y={format!("{label_y:.1}")}>{label.to_string()}</text>
            {lines}
        </>
    }
}

/// A graph drawn as SVG.
#[function_component(GraphView)]
pub fn graph_view(props: &GraphViewProps) -> Html {
    let Drawing { graph, layout } = &*props.drawing;
    let marker = format!("viz-arrow-{}", sanitize_id(&graph.title));
    let marker_taken = format!("{marker}-taken");
    let edges: Html = layout
        .edges
        .iter()
        .map(|route| {
            let Some(edge) = graph.edges.get(route.index) else { return html! {} };
            let taken = edge.classes.iter().any(|c| c == "taken");
            let end = format!("url(#{})", if taken { &marker_taken } else { &marker });
            let label = route.label.as_ref().map(|l| {
                html! {
                    <g class="viz-edge-label" transform={format!("translate({:.1},{:.1})", l.x, l.y)}>
                        <rect x={format!("{:.1}", -l.w / 2.0)} y={format!("{:.1}", -l.h / 2.0)}
                            width={format!("{:.1}", l.w)} height={format!("{:.1}", l.h)} rx="3" />
                        <text>{l.text.clone()}</text>
                    </g>
                }
            });
            html! {
                <g class={classes!("viz-edge", edge.classes.clone(), edge.dashed.then_some("viz-dashed"))}>
                    <path d={route.svg_path()} marker-end={end} />
                    {label}
                </g>
            }
        })
        .collect();
    let nodes: Html = layout
        .nodes
        .iter()
        .zip(&graph.nodes)
        .map(|(b, node)| {
            let transform = format!("translate({:.1},{:.1})", b.x, b.y);
            let tooltip = if node.tooltip.is_empty() { node.label.clone() } else { node.tooltip.clone() };
            let body = html! {
                <>
                    <title>{tooltip.clone()}</title>
                    {outline(b.shape, b.w, b.h)}
                    {if b.shape == Shape::Circle { html! {} } else { text_block(&node.label, &node.sub) }}
                </>
            };
            let class = classes!("viz-node", shape_class(b.shape), node.classes.clone());
            match node.object.clone() {
                Some(object) => {
                    let onclick = {
                        let on_select = props.on_select.clone();
                        let object = object.clone();
                        Callback::from(move |_: MouseEvent| on_select.emit(object.clone()))
                    };
                    let onkeydown = {
                        let on_select = props.on_select.clone();
                        Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Enter" || e.key() == " " {
                                e.prevent_default();
                                on_select.emit(object.clone());
                            }
                        })
                    };
                    let aria = format!("{}: {}", node.label, node.sub.join(", "));
                    html! {
                        <g class={classes!(class, "viz-selectable")} {transform} tabindex="0" role="button"
                            aria-label={aria} {onclick} {onkeydown} data-testid="viz-node">
                            {body}
                        </g>
                    }
                }
                None => html! { <g {class} {transform} data-testid="viz-node">{body}</g> },
            }
        })
        .collect();
    let note = graph.note.clone().map(|n| html! { <p class="viz-note">{n}</p> });
    let arrow = |id: &str, class: &str| {
        html! {
            // Sized in user units so a highlighted (thicker) arrow keeps the same head.
            <marker id={id.to_string()} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse"
                markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                <path class={class.to_string()} d="M0,0 L10,5 L0,10 z" />
            </marker>
        }
    };
    html! {
        <figure class="viz-graph" data-testid="graph-view">
            <figcaption class="viz-title">{graph.title.clone()}</figcaption>
            <svg viewBox={format!("0 0 {:.0} {:.0}", layout.width, layout.height)}
                width={format!("{:.0}", layout.width)} height={format!("{:.0}", layout.height)}
                role="group" aria-label={graph.title.clone()}>
                <defs>
                    {arrow(&marker, "viz-arrowhead")}
                    {arrow(&marker_taken, "viz-arrowhead viz-arrowhead-taken")}
                </defs>
                <g class="viz-edges">{edges}</g>
                <g class="viz-nodes">{nodes}</g>
            </svg>
            {note}
        </figure>
    }
}
