//! The app's panes and bars, one component per file.

mod actions_bar;
pub mod chart_view;
mod cluster_view;
mod details;
mod dialogs;
mod editor;
mod event_log;
mod graph_pane;
pub mod graph_view;
mod header;
mod notice;
mod steps;
mod terminal;
mod time_controls;
mod timeline_view;
mod yaml_highlight;

pub use actions_bar::ActionsBar;
pub use cluster_view::ClusterView;
pub use details::Details;
pub use dialogs::DialogHost;
pub use editor::Editor;
pub use event_log::EventLog;
pub use graph_pane::GraphPane;
pub use header::Header;
pub use notice::Notice;
pub use steps::Steps;
pub use terminal::Terminal;
pub use time_controls::TimeControls;

use yew::prelude::*;

use super::app::WorkspaceContext;

/// The workspace from the enclosing provider.
#[hook]
pub fn use_workspace() -> WorkspaceContext {
    use_context::<WorkspaceContext>().expect("invariant: components are rendered inside App's provider")
}
