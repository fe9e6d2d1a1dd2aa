//! What a kubelet knows about one pod it runs: the sandbox, its network namespace and volumes,
//! and for every container its state, restart history, process, filesystem and logs.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Container, Pod};

use crate::sim::api::Object;
use crate::sim::runtime::{ContainerFs, PodNetwork, Process, Signal, Toolbox, VolumeHandle};
use crate::sim::time::{SimDuration, SimTime};

use super::probes::ProbeState;

/// Which list a container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    /// A regular init container: runs to completion before the next one.
    Init,
    /// An init container with `restartPolicy: Always`: keeps running beside the app.
    Sidecar,
    /// A regular (app) container.
    App,
}

/// How a container instance ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Termination {
    pub exit_code: i32,
    /// `Completed`, `Error`, `OOMKilled`, `StartError`, `ContainerStatusUnknown`.
    pub reason: String,
    pub message: Option<String>,
    pub started_at: SimTime,
    pub finished_at: SimTime,
    pub container_id: String,
}

/// The state a container status reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerState {
    Waiting { reason: String, message: Option<String> },
    Running { started_at: SimTime },
    Terminated(Termination),
}

/// One line a container wrote, with the time it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub at: SimTime,
    pub text: String,
}

/// A container being stopped: the signal was sent, SIGKILL follows at `kill_at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stopping {
    pub kill_at: SimTime,
    /// The reason the kubelet stopped it: restart after a failed probe, or the pod going away.
    pub restart_afterwards: bool,
}

/// The crash-loop back-off entry of one container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackOff {
    pub period: SimDuration,
    pub last_update: SimTime,
}

/// Container specs shared by the containers that declare the same one (the replicas of one
/// pod template do): one copy each instead of one per pod.
#[derive(Clone, Debug, Default)]
pub struct ContainerSpecs {
    by_name_and_image: BTreeMap<(String, Option<String>), Vec<Rc<Container>>>,
}

impl ContainerSpecs {
    /// The shared copy of `spec`, made if no live container declares the same.
    pub fn share(&mut self, spec: &Container) -> Rc<Container> {
        let key = (spec.name.clone(), spec.image.clone());
        if !self.by_name_and_image.contains_key(&key) {
            // A name and image not seen yet: forget the specs no container uses any more, so the
            // map holds the live specs only.
            self.by_name_and_image.retain(|_, bucket| {
                bucket.retain(|kept| Rc::strong_count(kept) > 1);
                !bucket.is_empty()
            });
        }
        let bucket = self.by_name_and_image.entry(key).or_default();
        bucket.retain(|kept| Rc::strong_count(kept) > 1);
        if let Some(kept) = bucket.iter().find(|kept| ***kept == *spec) {
            return Rc::clone(kept);
        }
        let shared = Rc::new(spec.clone());
        bucket.push(Rc::clone(&shared));
        shared
    }
}

/// The kubelet's view of one container.
#[derive(Clone, Debug)]
pub struct ContainerRuntime {
    pub name: String,
    pub kind: ContainerKind,
    pub spec: Rc<Container>,
    pub state: ContainerState,
    pub last_termination: Option<Termination>,
    pub restart_count: i32,
    pub ready: bool,
    pub started: bool,
    /// Set once the container has been created at least once.
    pub container_id: Option<String>,
    pub image_id: Option<String>,
    /// `docker.io/library/nginx:1.27`, once the image was resolved.
    pub image_name: Option<String>,
    /// The running main process (taken out while it runs).
    pub process: Option<Process>,
    /// Bumped for every new instance, so stale process wake-ups are ignored.
    pub instance: u64,
    pub fs: Option<ContainerFs>,
    pub env: Vec<(String, String)>,
    /// Logs per instance, oldest first (the last one is the current or latest instance).
    pub logs: Vec<Vec<LogLine>>,
    pub backoff: Option<BackOff>,
    pub memory_used: u64,
    pub memory_limit: Option<u64>,
    pub stop_signal: Signal,
    pub stopping: Option<Stopping>,
    pub probes: Vec<ProbeState>,
    /// Why the container has never started (pull errors, config errors): not a crash.
    pub image_backoff: Option<BackOff>,
    /// The last pull error message.
    pub pull_error: Option<String>,
    /// What the image can run (set once its image is present).
    pub toolbox: Option<Toolbox>,
    /// A probe failure asked for a restart regardless of the exit code.
    pub restart_requested: bool,
    /// The back-off wait already announced (so one `BackOff` event per wait).
    pub announced_wait: Option<SimTime>,
}

impl ContainerRuntime {
    pub fn new(spec: Rc<Container>, kind: ContainerKind, default_waiting: &str) -> ContainerRuntime {
        ContainerRuntime {
            name: spec.name.clone(),
            kind,
            spec,
            state: ContainerState::Waiting { reason: default_waiting.into(), message: None },
            last_termination: None,
            restart_count: 0,
            ready: false,
            started: false,
            container_id: None,
            image_id: None,
            image_name: None,
            process: None,
            instance: 0,
            fs: None,
            env: Vec::new(),
            logs: Vec::new(),
            backoff: None,
            memory_used: 0,
            memory_limit: None,
            stop_signal: Signal::Term,
            stopping: None,
            probes: Vec::new(),
            image_backoff: None,
            pull_error: None,
            toolbox: None,
            restart_requested: false,
            announced_wait: None,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, ContainerState::Running { .. })
    }

    /// The termination of the current instance, if it has ended.
    pub fn terminated(&self) -> Option<&Termination> {
        match &self.state {
            ContainerState::Terminated(t) => Some(t),
            _ => None,
        }
    }

    /// The most recent exit: the current state if terminated, else the last state.
    pub fn latest_exit(&self) -> Option<&Termination> {
        self.terminated().or(self.last_termination.as_ref())
    }

    /// Whether the container has completed successfully (regular init containers).
    pub fn succeeded(&self) -> bool {
        self.terminated().is_some_and(|t| t.exit_code == 0)
    }

    /// `spec.containers{app}` or `spec.initContainers{init}`.
    pub fn field_path(&self) -> String {
        match self.kind {
            ContainerKind::App => format!("spec.containers{{{}}}", self.name),
            _ => format!("spec.initContainers{{{}}}", self.name),
        }
    }

    /// Appends a log line to the current instance.
    pub fn log(&mut self, at: SimTime, text: &str) {
        if self.logs.is_empty() {
            self.logs.push(Vec::new());
        }
        if let Some(current) = self.logs.last_mut() {
            current.push(LogLine { at, text: text.to_string() });
        }
    }
}

/// The pod sandbox (pause container and network namespace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sandbox {
    /// Not created yet.
    None,
    /// Being created; ready at the given time.
    Creating,
    Ready,
    /// Torn down after the pod finished.
    Removed,
}

/// Why a pod was rejected or ended by the kubelet itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodVerdict {
    pub reason: String,
    pub message: String,
}

/// The kubelet's view of one pod.
#[derive(Clone, Debug)]
pub struct PodRuntime {
    pub uid: String,
    pub namespace: String,
    pub name: String,
    pub node: String,
    /// The pod as last seen in the API.
    pub object: Rc<Object>,
    pub sandbox: Sandbox,
    pub network: PodNetwork,
    pub volumes: BTreeMap<String, VolumeHandle>,
    /// Init containers (and sidecars) first, in spec order, then app containers.
    pub containers: Vec<ContainerRuntime>,
    pub start_time: Option<SimTime>,
    /// A step in flight (sandbox, pull, create): no other step starts before it ends.
    pub busy_until: Option<SimTime>,
    /// Every regular init container has completed at some point.
    pub initialized: bool,
    /// The pod reached Succeeded or Failed; nothing runs any more.
    pub final_phase: Option<String>,
    pub verdict: Option<PodVerdict>,
    /// The pod is being deleted: containers stop, then the object is removed.
    pub terminating: bool,
    /// Condition type → (status, transition time).
    pub transitions: BTreeMap<&'static str, (bool, SimTime)>,
    /// Whether the kubelet admitted the pod.
    pub admitted: bool,
    /// A sandbox creation or image pull in flight.
    pub pending: Option<super::worker::PendingOp>,
    /// The pod object was removed: the runtime is dropped.
    pub gone: bool,
}

impl PodRuntime {
    /// The pod spec as last seen.
    pub fn pod(&self) -> Option<&Pod> {
        self.object.as_pod()
    }

    pub fn restart_policy(&self) -> String {
        self.pod()
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.restart_policy.clone())
            .unwrap_or_else(|| "Always".into())
    }

    pub fn container(&self, name: &str) -> Option<&ContainerRuntime> {
        self.containers.iter().find(|c| c.name == name)
    }

    pub fn container_mut(&mut self, name: &str) -> Option<&mut ContainerRuntime> {
        self.containers.iter_mut().find(|c| c.name == name)
    }

    /// `web_default(uid)`, as back-off messages name a pod.
    pub fn qualified_name(&self) -> String {
        format!("{}_{}({})", self.name, self.namespace, self.uid)
    }

    /// The pod's hostname: `spec.hostname` or the pod name.
    pub fn hostname(&self) -> String {
        self.pod()
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.hostname.clone())
            .unwrap_or_else(|| self.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, image: &str, args: &[&str]) -> Container {
        Container {
            name: name.into(),
            image: Some(image.into()),
            args: Some(args.iter().map(|a| a.to_string()).collect()),
            ..Container::default()
        }
    }

    #[test]
    fn equal_container_specs_share_one_copy_while_in_use() {
        let mut specs = ContainerSpecs::default();
        let a = specs.share(&container("app", "nginx", &[]));
        let b = specs.share(&container("app", "nginx", &[]));
        let other_args = specs.share(&container("app", "nginx", &["-g"]));
        assert!(Rc::ptr_eq(&a, &b));
        assert!(!Rc::ptr_eq(&a, &other_args));
        drop((a, b, other_args));
        let _busybox = specs.share(&container("sh", "busybox", &[]));
        assert_eq!(specs.by_name_and_image.len(), 1, "specs nobody uses are forgotten");
    }
}
