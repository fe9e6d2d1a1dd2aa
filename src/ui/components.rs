//! The app's panes, one component per file.

pub mod chart_view;
mod cluster_view;
mod editor;
mod event_log;
pub mod graph_view;
mod header;
mod terminal;
mod time_controls;

pub use cluster_view::ClusterView;
pub use editor::Editor;
pub use event_log::EventLog;
pub use header::Header;
pub use terminal::Terminal;
pub use time_controls::TimeControls;

use yew::prelude::*;

use super::app::WorkspaceContext;

/// The workspace from the enclosing provider.
#[hook]
pub fn use_workspace() -> WorkspaceContext {
    use_context::<WorkspaceContext>().expect("invariant: components are rendered inside App's provider")
}
