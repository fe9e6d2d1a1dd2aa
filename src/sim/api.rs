//! The simulated API server: the object model ([`Object`]), the resource table, manifest
//! loading, admission, and the [`Store`] every component reads and writes through.

pub mod admission;
pub mod errors;
pub mod locate;
pub mod manifest;
pub mod merge;
pub mod object;
pub mod quantity;
pub mod resources;
pub mod schema;
pub mod selector;
pub mod store;

pub use errors::{ApiError, FieldError};
pub use object::{DynamicObject, Object};
pub use resources::{ResourceTable, ResourceType};
pub use store::{
    ApplyOutcome, DeleteOptions, DeleteOutcome, EventRecord, ObjectKey, PatchKind, Propagation, Store,
    WatchEvent, WatchEventType, WriteCtx,
};
