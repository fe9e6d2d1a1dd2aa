//! The playground's model, independent of the web page: a session of files, cluster and inputs
//! with time travel ([`session`]), the built-in scenario library ([`library`]), share links
//! ([`share`]) and exports for a real cluster ([`export`]). The app in `ui` is a view of it, and
//! everything here is tested natively.

pub mod export;
pub mod library;
pub mod session;
pub mod share;

pub use session::{Files, Input, Origin, Session};
