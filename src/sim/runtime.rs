//! The container runtime model: image references and the image catalog, container
//! processes (a resumable shell and the images' own programs), per-container filesystems with
//! volume mounts, and the per-pod network namespace.
//!
//! Nothing here knows about the API store: the kubelet drives processes through
//! [`Process::resume`]/[`Process::signal`] and answers their requests by implementing
//! [`ProcessHost`].
//!
//! # Starting a container
//! 1. [`ImageRef::parse`] the image (error → `InvalidImageName`), then [`resolve`] it:
//!    `Found(entry)`, `Generic`, or `NotFound { message }` (→ `ErrImagePull`). The pull takes
//!    [`pull_duration`] of `entry.size_for_tag(tag)` (or [`generic_size`]).
//! 2. Build the filesystem: `ContainerFs::new(root_volume(entry))`, then `mount` each volume
//!    (shared [`VolumeHandle`]s; `readOnly` for configMap/secret) and `put_file` `/etc/hostname`.
//! 3. The argv: [`expand_k8s_vars`] over `command`/`args`, then [`effective_argv`] with the
//!    image's ENTRYPOINT/CMD.
//! 4. [`Process::spawn`] with `entry.toolbox(tag, ports)` (or [`generic_toolbox`]); an error is a
//!    `StartError` (exit 128, `StartError::create_message`).
//! 5. Call `resume` when the container starts and again whenever a returned
//!    `ProcessState::Sleeping(d)` has elapsed; `Exited(code)` ends the container.
//! 6. To stop: `signal(entry.stop_signal)` (SIGTERM for generic images), then `Signal::Kill`
//!    when the grace period ends (→ 137). Exec probes and `kubectl exec` spawn with
//!    `ProcessRole::Exec` and run the same way.

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
pub use images::{
    generic_size, generic_toolbox, pull_duration, resolve, root_volume, ImageEntry, Resolution,
};
pub use k8s_vars::expand_k8s_vars;
pub use network::{
    access_log_line, answer_http, dial_error, http_probe_failure, http_probe_status, BindError, Listener,
    PodNetwork, ServerModel, SignalReaction,
};
pub use pi::pi_significant_digits;
pub use process::{effective_argv, Process, ProcessRole, StartError, GENERIC_ENTRYPOINT};
pub use shell::commands::{ShellFlavor, Toolbox, Userland};
pub use shell::exec::ProcessState;
