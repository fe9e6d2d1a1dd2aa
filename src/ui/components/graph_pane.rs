//! The graphs pane: one tab per graph of the selected object (lifecycle, containers, reconcile
//! loop, ownership, creation pipeline, cluster map) and the charts over virtual time, each live,
//! with "Copy as Mermaid". Clicking a node in a graph selects its object everywhere.

use std::rc::Rc;

use yew::prelude::*;

use super::chart_view::ChartView;
use super::graph_view::GraphView;
use super::timeline_view::TimelineView;
use super::use_workspace;
use crate::playground::actions::Selected;
use crate::ui::browser;
use crate::ui::state::WorkspaceAction;
use crate::viz::{self, mermaid, Drawing, GraphKind};

/// A tab of the pane.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Graph(GraphKind),
    Timeline,
    Charts,
}

/// The graphs pane.
#[function_component(GraphPane)]
pub fn graph_pane() -> Html {
    let workspace = use_workspace();
    let tab = use_state(|| Tab::Graph(GraphKind::Lifecycle));
    let select = {
        let workspace = workspace.clone();
        Callback::from(move |subject: String| {
            workspace.dispatch(WorkspaceAction::SelectObject(Some(subject)))
        })
    };
    let tabs: Html = GraphKind::ALL
        .into_iter()
        .map(Tab::Graph)
        .chain([Tab::Timeline, Tab::Charts])
        .map(|t| {
            let name = match t {
                Tab::Graph(kind) => kind.name(),
                Tab::Timeline => "timeline",
                Tab::Charts => "charts",
            };
            let active = *tab == t;
            let onclick = {
                let tab = tab.clone();
                Callback::from(move |_| tab.set(t))
            };
            html! { <button class={classes!("tab", active.then_some("active"))} role="tab" aria-selected={active.to_string()} data-graph={name} {onclick}>{name}</button> }
        })
        .collect();
    let session = workspace.session.borrow();
    let sim = session.simulation();
    let selection = workspace.selection.as_deref();
    let body = match *tab {
        Tab::Graph(kind) => {
            let graph = viz::build(sim, kind, selection);
            let source = mermaid::export(&graph);
            let copy = Callback::from(move |_| browser::copy_to_clipboard(&source));
            let drawing = Rc::new(Drawing::new(graph));
            html! {
                <>
                    <div class="graph-tools"><button onclick={copy} data-testid="copy-mermaid" title="Mermaid source (flowchart or stateDiagram-v2) for docs">{"Copy as Mermaid"}</button></div>
                    <div class="graph-canvas" data-testid="graph"><GraphView {drawing} on_select={select} /></div>
                </>
            }
        }
        Tab::Timeline => {
            let pod = selection
                .filter(|s| s.starts_with("pod/"))
                .map(String::from)
                .or_else(|| viz::default_selection(sim, GraphKind::Lifecycle));
            match pod.and_then(|p| viz::timeline::pod_timeline(sim, &p)) {
                Some(timeline) => {
                    html! { <div class="graph-canvas"><TimelineView timeline={Rc::new(timeline)} /></div> }
                }
                None => html! { <p class="hint">{"Select a pod to see its timeline."}</p> },
            }
        }
        Tab::Charts => {
            let charts = session.charts();
            let selected = selection.and_then(|s| Selected::parse(sim, s));
            let workload = selected
                .filter(|s| matches!(s.kind.as_str(), "Deployment" | "ReplicaSet"))
                .map(|s| (s.namespace, s.name))
                .or_else(|| {
                    let deployment = sim.store().list("Deployment", None).next()?;
                    Some((deployment.namespace().to_string(), deployment.name().to_string()))
                });
            let mut drawn = vec![Rc::new(charts.phase_chart()), Rc::new(charts.restart_chart())];
            if let Some((namespace, name)) = workload {
                drawn.insert(0, Rc::new(charts.replica_chart(&namespace, &name)));
            }
            for hpa in sim.store().list("HorizontalPodAutoscaler", None) {
                drawn.push(Rc::new(charts.hpa_chart(hpa.namespace(), hpa.name())));
            }
            let charts: Html = drawn.into_iter().map(|chart| html! { <ChartView {chart} /> }).collect();
            html! { <div class="chart-list" data-testid="charts">{charts}</div> }
        }
    };
    html! {
        <div class="graph-pane">
            <div class="pane-bar"><div class="tabs" role="tablist" aria-label="Graphs">{tabs}</div></div>
            {body}
        </div>
    }
}
