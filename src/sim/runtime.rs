//! The container runtime model: image references and the image catalog, container
//! processes (a resumable shell and the images' own programs), per-container filesystems with
//! volume mounts, and the per-pod network namespace.
//!
//! Nothing here knows about the API store: the kubelet drives processes through
//! [`Process::resume`]/[`Process::signal`] and answers their requests by implementing
//! [`ProcessHost`].

pub mod filesystem;
pub mod host;
pub mod image_ref;
pub mod images;
pub mod k8s_vars;
pub mod network;
pub mod pi;
pub mod process;
pub mod programs;
pub mod shell;
#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests;

pub use filesystem::{absolute_path, ContainerFs, FileKind, FsError, Mount, Volume, VolumeHandle};
pub use host::{
    env_lookup, DnsAnswer, HttpRequest, HttpResponse, MemoryOutcome, NetError, ProcessHost, ProcessInfo,
    Signal,
};
pub use image_ref::{ImageRef, InvalidImageName};
pub use images::{generic_size, generic_toolbox, pull_duration, resolve, ImageEntry, Resolution};
pub use k8s_vars::expand_k8s_vars;
pub use network::{
    access_log_line, answer_http, dial_error, http_probe_failure, http_probe_status, BindError, Listener,
    PodNetwork, ServerModel, SignalReaction,
};
pub use pi::pi_significant_digits;
pub use process::{effective_argv, Process, ProcessRole, StartError, GENERIC_ENTRYPOINT};
pub use shell::commands::{ShellFlavor, Toolbox, Userland};
pub use shell::exec::ProcessState;
