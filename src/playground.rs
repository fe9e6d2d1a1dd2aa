//! The playground's model, independent of the web page: a session of files, cluster and inputs
//! with time travel ([`session`]), the built-in scenario library ([`library`]), share links
//! ([`share`]), the page addresses that carry them ([`link`]) and exports for a real cluster
//! ([`export`]), apply errors located in the editor's text ([`errors`]), and the playground actions offered for a selection ([`actions`]). The app in `ui` is a view of it, and everything here is tested natively.

pub mod actions;
pub mod errors;
pub mod export;
pub mod library;
pub mod link;
pub mod session;
pub mod share;

pub use session::{Files, Input, Origin, Session};
