//! Pod workers: the level-triggered sync of one pod (admission, volumes and sandbox, image
//! pulls, container starts in init/sidecar/app order, restarts with back-off), container
//! processes over virtual time, probes, graceful termination, and the status writes.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{LifecycleHandler, Pod};

use super::host::{ContainerHost, Sink};
use super::images::{go_duration, lookup, PulledImage};
use super::pod::{
    BackOff, ContainerKind, ContainerRuntime, ContainerState, PodRuntime, PodVerdict, Sandbox, Stopping,
    Termination,
};
use super::probes::{self, ProbeKind, ProbeOutcome, ProbeState};
use super::{setup, status, Kubelets, Wake};
use crate::sim::api::quantity::parse_millis;
use crate::sim::api::{EventRecord, Object};
use crate::sim::runtime::{
    effective_argv, expand_k8s_vars, ImageRef, PodNetwork, Process, ProcessRole, ProcessState, Signal,
};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::trace::TraceKind;
use crate::sim::Simulation;

/// First crash-loop back-off.
pub const INITIAL_BACKOFF: SimDuration = SimDuration::from_secs(10);
/// The longest crash-loop and image-pull back-off.
pub const MAX_BACKOFF: SimDuration = SimDuration::from_secs(300);
/// A back-off entry older than this (2 × max) is forgotten.
const BACKOFF_RESET: SimDuration = SimDuration::from_secs(600);
/// How often a pod whose configuration or volumes are missing is retried.
const CONFIG_RETRY: SimDuration = SimDuration::from_secs(10);

/// A step of a pod worker that takes time.
#[derive(Clone, Debug)]
pub enum PendingOp {
    /// The sandbox is being created.
    Sandbox,
    /// An image pull for a container: asked at `requested`, started at `started`.
    Pull { container: usize, requested: SimTime, started: SimTime, result: Box<Result<PulledImage, String>> },
}

/// What an attempt to start a container did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StartResult {
    Started,
    /// A pull is in flight: nothing else starts until it ends.
    Busy,
    /// Back-off, config error or image error: try the next container.
    Waiting,
}

fn pod_request(pod: &Pod, resource: &str) -> i128 {
    let request = |c: &k8s_openapi::api::core::v1::Container| {
        let r = c.resources.as_ref();
        r.and_then(|r| {
            r.requests
                .as_ref()
                .and_then(|m| m.get(resource))
                .or_else(|| r.limits.as_ref().and_then(|m| m.get(resource)))
        })
        .and_then(|q| parse_millis(&q.0))
        .unwrap_or(0)
    };
    let Some(spec) = &pod.spec else { return 0 };
    let sidecars: i128 = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"))
        .map(request)
        .sum();
    let apps: i128 = spec.containers.iter().map(request).sum::<i128>() + sidecars;
    let init = spec.init_containers.iter().flatten().map(request).max().unwrap_or(0);
    apps.max(init + sidecars)
}

impl Kubelets {
    /// A pod bound to one of our nodes was added or changed.
    pub(super) fn observe_pod(&mut self, sim: &mut Simulation, uid: &str, object: Rc<Object>, node: &str) {
        if let Some(runtime) = self.pods.get_mut(uid) {
            let deleting = object.metadata().deletion_timestamp.is_some();
            runtime.object = object;
            if deleting && !runtime.terminating {
                self.sync_soon(sim, uid);
            }
            self.apply_image_changes(sim, uid);
            return;
        }
        let Some(pod) = object.as_pod() else { return };
        // A late event about an object that is already gone (or replaced under the same name).
        let live = sim.store().get("Pod", object.namespace(), object.name());
        if live.is_none_or(|o| o.uid() != uid) {
            return;
        }
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded") | Some("Failed")) {
            return;
        }
        let Some(spec) = &pod.spec else { return };
        let inits = spec.init_containers.clone().unwrap_or_default();
        let default_waiting = if inits.is_empty() { "ContainerCreating" } else { "PodInitializing" };
        let mut containers = Vec::new();
        for c in &inits {
            let kind = if c.restart_policy.as_deref() == Some("Always") {
                ContainerKind::Sidecar
            } else {
                ContainerKind::Init
            };
            containers.push(ContainerRuntime::new(self.specs.share(c), kind, default_waiting));
        }
        for c in &spec.containers {
            containers.push(ContainerRuntime::new(self.specs.share(c), ContainerKind::App, default_waiting));
        }
        let runtime = PodRuntime {
            uid: uid.to_string(),
            namespace: object.namespace().to_string(),
            name: object.name().to_string(),
            node: node.to_string(),
            object: object.clone(),
            sandbox: Sandbox::None,
            network: PodNetwork::default(),
            volumes: BTreeMap::new(),
            containers,
            start_time: None,
            busy_until: None,
            initialized: inits.iter().all(|c| c.restart_policy.as_deref() == Some("Always"))
                && inits.is_empty(),
            final_phase: None,
            verdict: None,
            terminating: false,
            transitions: BTreeMap::new(),
            admitted: false,
            pending: None,
            gone: false,
        };
        self.node_pods.entry(runtime.node.clone()).or_default().insert(uid.to_string());
        self.pods.insert(uid.to_string(), runtime);
        self.sync_soon(sim, uid);
    }

    /// `kubectl set image` on a pod: a container whose image changed is restarted with it.
    fn apply_image_changes(&mut self, sim: &mut Simulation, uid: &str) {
        let Some(runtime) = self.pods.get(uid) else { return };
        if runtime.terminating || runtime.final_phase.is_some() {
            return;
        }
        let Some(spec) = runtime.pod().and_then(|p| p.spec.clone()) else { return };
        let wanted: Vec<(String, Option<String>)> = spec
            .init_containers
            .iter()
            .flatten()
            .chain(spec.containers.iter())
            .map(|c| (c.name.clone(), c.image.clone()))
            .collect();
        let changed: Vec<usize> = runtime
            .containers
            .iter()
            .enumerate()
            .filter(|(_, c)| wanted.iter().any(|(name, image)| *name == c.name && *image != c.spec.image))
            .map(|(i, _)| i)
            .collect();
        if changed.is_empty() {
            return;
        }
        let Some(mut pod) = self.pods.remove(uid) else { return };
        for index in changed {
            let Some(c) = pod.containers.get_mut(index) else { continue };
            let image = wanted.iter().find(|(name, _)| *name == c.name).and_then(|(_, image)| image.clone());
            Rc::make_mut(&mut c.spec).image = image;
            c.image_backoff = None;
            c.backoff = None;
            if c.is_running() {
                let name = c.name.clone();
                self.event(
                    sim,
                    &pod,
                    "Normal",
                    "Killing",
                    format!("Container {name} definition changed, will be restarted"),
                    Some(index),
                );
                let grace = self.pod_grace(&pod);
                self.stop_container(sim, &mut pod, index, grace, true);
            }
        }
        self.sync_soon(sim, uid);
        self.finish(sim, pod);
    }

    /// Drops a pod that left for good from its node's index.
    fn unindex(&mut self, pod: &PodRuntime) {
        if let Some(uids) = self.node_pods.get_mut(&pod.node) {
            uids.remove(&pod.uid);
        }
    }

    /// The pod object is gone from the API: stop everything at once.
    pub(super) fn forget_pod(&mut self, sim: &mut Simulation, uid: &str) {
        if let Some(pod) = self.pods.remove(uid) {
            self.unindex(&pod);
            let subject = format!("pod/{}/{}", pod.namespace, pod.name);
            let now = sim.time();
            sim.trace_mut().record(now, TraceKind::Container, subject, "removed from node");
        }
    }

    pub(super) fn handle_wake(&mut self, sim: &mut Simulation, wake: Wake) {
        let uid = wake.uid().to_string();
        let Some(mut pod) = self.pods.remove(&uid) else { return };
        match wake {
            Wake::Sync(_) => self.sync(sim, &mut pod),
            Wake::Process { container, instance, .. } => {
                if pod.containers.get(container).is_some_and(|c| c.instance == instance && c.is_running()) {
                    self.run_process(sim, &mut pod, container, None);
                }
            }
            Wake::Probe { container, probe, instance, .. } => {
                self.run_probe(sim, &mut pod, container, probe, instance)
            }
            Wake::StopSignal { container, instance, .. } => {
                if let Some(c) =
                    pod.containers.get(container).filter(|c| c.instance == instance && c.is_running())
                {
                    let signal = c.stop_signal;
                    self.run_process(sim, &mut pod, container, Some(signal));
                }
            }
            Wake::Refresh { volumes, .. } => {
                if let Some(spec) = pod.pod().cloned() {
                    for name in volumes {
                        let files = setup::refreshed_files(sim.store(), &spec, &name);
                        if let (Some(files), Some(handle)) = (files, pod.volumes.get(&name)) {
                            handle
                                .borrow_mut()
                                .replace_files(files.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                        }
                    }
                }
            }
            Wake::Kill { container, instance, .. } => {
                if pod.containers.get(container).is_some_and(|c| c.instance == instance && c.is_running()) {
                    self.run_process(sim, &mut pod, container, Some(Signal::Kill));
                }
            }
            // Node-level: dispatched before a pod is looked up.
            Wake::Housekeeping(_) => {}
        }
        self.finish(sim, pod);
    }

    /// Writes the pod's status and keeps (or drops) its runtime.
    pub(super) fn finish(&mut self, sim: &mut Simulation, mut pod: PodRuntime) {
        if pod.gone {
            self.unindex(&pod);
            return;
        }
        self.write_status(sim, &mut pod);
        self.pods.insert(pod.uid.clone(), pod);
    }

    fn write_status(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) {
        let Some(current) = sim.store().get("Pod", &pod.namespace, &pod.name).cloned() else { return };
        if current.uid() != pod.uid {
            return;
        }
        let Some(live) = current.as_pod() else { return };
        let host_ip = self.node_ip(&pod.node);
        let status = status::pod_status(pod, live.status.as_ref(), sim.time(), sim.epoch_unix(), &host_ip);
        if live.status.as_ref() == Some(&status) {
            return;
        }
        let old_phase = live.status.as_ref().and_then(|s| s.phase.clone());
        if old_phase != status.phase {
            let subject = format!("pod/{}/{}", pod.namespace, pod.name);
            let detail = format!("phase {}", status.phase.clone().unwrap_or_default());
            let now = sim.time();
            sim.trace_mut().record(now, TraceKind::Pod, subject, detail);
        }
        let mut updated = live.clone();
        updated.status = Some(status);
        updated.metadata.resource_version = None;
        if let Ok(object) = sim.update(Object::from(updated)) {
            pod.object = object;
        }
    }

    pub(super) fn event(
        &self,
        sim: &mut Simulation,
        pod: &PodRuntime,
        event_type: &str,
        reason: &str,
        message: String,
        container: Option<usize>,
    ) {
        let field_path = container.and_then(|i| pod.containers.get(i)).map(|c| c.field_path());
        let object = pod.object.clone();
        sim.record_event(EventRecord {
            involved: &object,
            event_type,
            reason,
            message,
            component: "kubelet",
            host: Some(&pod.node),
            field_path,
        });
    }

    fn trace(&self, sim: &mut Simulation, pod: &PodRuntime, container: usize, detail: String) {
        let name = pod.containers.get(container).map(|c| c.name.clone()).unwrap_or_default();
        let subject = format!("pod/{}/{}/{}", pod.namespace, pod.name, name);
        let now = sim.time();
        sim.trace_mut().record(now, TraceKind::Container, subject, detail);
    }

    /// The level-triggered sync of one pod.
    pub(super) fn sync(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) {
        let now = sim.time();
        if pod.object.metadata().deletion_timestamp.is_some() {
            self.terminate(sim, pod);
            return;
        }
        if pod.final_phase.is_some() {
            return;
        }
        if !pod.admitted {
            pod.start_time = Some(now);
            if !self.admit(sim, pod) {
                return;
            }
            pod.admitted = true;
        }
        if self.check_deadline(sim, pod) {
            return;
        }
        if pod.busy_until.is_some_and(|t| t > now) {
            return;
        }
        pod.busy_until = None;
        match pod.pending.take() {
            Some(PendingOp::Sandbox) => self.sandbox_ready(sim, pod),
            Some(PendingOp::Pull { container, requested, started, result }) => {
                self.pull_finished(sim, pod, container, requested, started, *result);
            }
            None => {}
        }
        if pod.busy_until.is_some() {
            return;
        }
        match pod.sandbox {
            Sandbox::None => {
                if !self.prepare_volumes(sim, pod) {
                    return;
                }
                pod.sandbox = Sandbox::Creating;
                let delay = SimDuration::from_millis(sim.rng().between(500, 1000));
                pod.pending = Some(PendingOp::Sandbox);
                pod.busy_until = Some(now + delay);
                self.wake_at(sim, now + delay, Wake::Sync(pod.uid.clone()));
                return;
            }
            Sandbox::Creating | Sandbox::Removed => return,
            Sandbox::Ready => {}
        }
        self.start_containers(sim, pod);
        self.settle(sim, pod);
    }

    /// Admission: the pod's requests must fit what the node has left.
    fn admit(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) -> bool {
        let Some(node) = self.nodes.get(&pod.node) else { return false };
        let Some(spec) = pod.pod().cloned() else { return false };
        let others: Vec<&PodRuntime> =
            self.pods_on(&pod.node).filter(|p| p.admitted && p.final_phase.is_none()).collect();
        if others.len() >= node.max_pods {
            let detail = format!(
                "Node didn't have enough resource: pods, requested: 1, used: {}, capacity: {}",
                others.len(),
                node.max_pods
            );
            self.event(sim, pod, "Warning", "OutOfpods", detail.clone(), None);
            pod.verdict = Some(PodVerdict {
                reason: "OutOfpods".into(),
                message: format!("Pod was rejected: {detail}"),
            });
            pod.final_phase = Some("Failed".into());
            return false;
        }
        if let Some(message) =
            super::eviction::admission_refusal(&node.pressure, &spec, &status::qos_class(pod))
        {
            self.event(sim, pod, "Warning", "Evicted", message.clone(), None);
            pod.verdict = Some(PodVerdict { reason: "Evicted".into(), message });
            pod.final_phase = Some("Failed".into());
            return false;
        }
        let checks = [("cpu", node.cpu_millis, 1i128), ("memory", node.memory_bytes, 1000i128)];
        for (resource, capacity, scale) in checks {
            let requested = pod_request(&spec, resource) / scale;
            if requested == 0 {
                continue;
            }
            let used: i128 =
                others.iter().filter_map(|p| p.pod()).map(|p| pod_request(p, resource) / scale).sum();
            if used + requested > capacity {
                let detail = format!(
                    "Node didn't have enough resource: {resource}, requested: {requested}, used: {used}, capacity: {capacity}"
                );
                let reason = format!("OutOf{resource}");
                self.event(sim, pod, "Warning", &reason, detail.clone(), None);
                pod.verdict = Some(PodVerdict { reason, message: format!("Pod was rejected: {detail}") });
                pod.final_phase = Some("Failed".into());
                return false;
            }
        }
        true
    }

    /// `activeDeadlineSeconds`: past it, every container stops and the pod fails.
    fn check_deadline(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) -> bool {
        let now = sim.time();
        let deadline = pod.pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.active_deadline_seconds);
        let (Some(seconds), Some(start)) = (deadline, pod.start_time) else { return false };
        let at = start + SimDuration::from_secs(seconds.max(0) as u64);
        if now < at {
            if pod.verdict.is_none() {
                self.wake_at(sim, at, Wake::Sync(pod.uid.clone()));
            }
            return false;
        }
        if pod.verdict.is_none() {
            let message = "Pod was active on the node longer than the specified deadline".to_string();
            self.event(sim, pod, "Warning", "DeadlineExceeded", message.clone(), None);
            pod.verdict = Some(PodVerdict { reason: "DeadlineExceeded".into(), message });
            pod.pending = None;
            pod.busy_until = None;
            let grace = self.pod_grace(pod);
            for index in 0..pod.containers.len() {
                if pod.containers.get(index).is_some_and(|c| c.is_running() && c.stopping.is_none()) {
                    let name = pod.containers.get(index).map(|c| c.name.clone()).unwrap_or_default();
                    self.event(
                        sim,
                        pod,
                        "Normal",
                        "Killing",
                        format!("Stopping container {name}"),
                        Some(index),
                    );
                    self.stop_container(sim, pod, index, grace, false);
                }
            }
        }
        if pod.containers.iter().all(|c| !c.is_running()) {
            pod.final_phase = Some("Failed".into());
            pod.sandbox = Sandbox::Removed;
        }
        true
    }

    fn pod_grace(&self, pod: &PodRuntime) -> SimDuration {
        let seconds = pod
            .object
            .metadata()
            .deletion_grace_period_seconds
            .or_else(|| {
                pod.pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.termination_grace_period_seconds)
            })
            .unwrap_or(30);
        SimDuration::from_secs(seconds.max(0) as u64)
    }

    /// Sets up the pod's volumes; a missing source is a `FailedMount` and a later retry.
    fn prepare_volumes(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) -> bool {
        let Some(spec) = pod.pod().cloned() else { return false };
        match setup::pod_volumes(sim.store(), &spec, &pod.node, &mut self.disks, &pod.network.ip) {
            Ok(volumes) => {
                pod.volumes = volumes;
                true
            }
            Err(error) if error.pending => {
                let at = sim.time() + SimDuration::from_secs(1);
                self.wake_at(sim, at, Wake::Sync(pod.uid.clone()));
                false
            }
            Err(error) => {
                self.event(sim, pod, "Warning", "FailedMount", error.message(), None);
                let at = sim.time() + CONFIG_RETRY;
                self.wake_at(sim, at, Wake::Sync(pod.uid.clone()));
                false
            }
        }
    }

    /// The sandbox exists: the pod gets its IP.
    fn sandbox_ready(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) {
        let host_network =
            pod.pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.host_network).unwrap_or(false);
        let ip = match self.nodes.get_mut(&pod.node) {
            Some(_) if host_network => self.node_ip(&pod.node),
            Some(node) => {
                let ip = format!("{}.{}", node.cidr_prefix, node.next_ip);
                node.next_ip = if node.next_ip >= 254 { 2 } else { node.next_ip + 1 };
                ip
            }
            None => String::new(),
        };
        pod.network = PodNetwork::new(&ip);
        pod.sandbox = Sandbox::Ready;
        let subject = format!("pod/{}/{}", pod.namespace, pod.name);
        let now = sim.time();
        sim.trace_mut().record(now, TraceKind::Container, subject, format!("sandbox ready, IP {ip}"));
    }

    /// Which containers want to (re)start now, in order. Sets `initialized` once every
    /// regular init container completed and every sidecar started.
    fn plan(pod: &mut PodRuntime) -> Vec<usize> {
        let policy = pod.restart_policy();
        let mut wanted = Vec::new();
        if !pod.initialized {
            for (i, c) in pod.containers.iter().enumerate() {
                match c.kind {
                    ContainerKind::App => break,
                    ContainerKind::Init => {
                        if c.succeeded() {
                            continue;
                        }
                        if c.is_running() {
                            return wanted;
                        }
                        let failed = c.latest_exit().is_some_and(|t| t.exit_code != 0);
                        if failed && policy == "Never" {
                            return wanted;
                        }
                        wanted.push(i);
                        return wanted;
                    }
                    ContainerKind::Sidecar => {
                        if c.is_running() {
                            if c.started {
                                continue;
                            }
                            return wanted;
                        }
                        wanted.push(i);
                        return wanted;
                    }
                }
            }
            pod.initialized = true;
        }
        for (i, c) in pod.containers.iter().enumerate() {
            if c.is_running() || c.stopping.is_some() {
                continue;
            }
            let never_ran = c.latest_exit().is_none();
            let wants = match c.kind {
                ContainerKind::Init => false,
                ContainerKind::Sidecar => true,
                ContainerKind::App => {
                    never_ran
                        || (c.restart_requested && policy != "Never")
                        || policy == "Always"
                        || (policy == "OnFailure" && c.latest_exit().is_some_and(|t| t.exit_code != 0))
                }
            };
            if wants {
                wanted.push(i);
            }
        }
        wanted
    }

    fn start_containers(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) {
        for _round in 0..(pod.containers.len() + 2) {
            let wanted = Self::plan(pod);
            let mut progressed = false;
            for index in wanted {
                match self.try_start(sim, pod, index) {
                    StartResult::Started => progressed = true,
                    StartResult::Busy => return,
                    StartResult::Waiting => {}
                }
            }
            if !progressed {
                return;
            }
        }
    }

    /// Restart back-off, then the image, then create and start.
    fn try_start(&mut self, sim: &mut Simulation, pod: &mut PodRuntime, index: usize) -> StartResult {
        let now = sim.time();
        let qualified = pod.qualified_name();
        let Some(c) = pod.containers.get_mut(index) else { return StartResult::Waiting };
        if let Some(finished) = c.latest_exit().map(|t| t.finished_at) {
            let entry = c.backoff.filter(|b| now.since(b.last_update) <= BACKOFF_RESET);
            if let Some(b) = entry {
                let until = finished + b.period;
                if now < until {
                    if let ContainerState::Terminated(t) = &c.state {
                        c.last_termination = Some(t.clone());
                    }
                    c.state = ContainerState::Waiting {
                        reason: "CrashLoopBackOff".into(),
                        message: Some(format!(
                            "back-off {} restarting failed container={} pod={qualified}",
                            go_duration(b.period),
                            c.name
                        )),
                    };
                    if c.announced_wait != Some(until) {
                        c.announced_wait = Some(until);
                        let name = c.name.clone();
                        let jitter = SimDuration::from_millis(sim.rng().below(b.period.as_millis() / 10 + 1));
                        self.event(
                            sim,
                            pod,
                            "Warning",
                            "BackOff",
                            format!("Back-off restarting failed container {name} in pod {qualified}"),
                            Some(index),
                        );
                        self.wake_at(sim, until + jitter, Wake::Sync(pod.uid.clone()));
                    }
                    return StartResult::Waiting;
                }
            }
            let period = match entry {
                Some(b) => SimDuration::from_millis((b.period.as_millis() * 2).min(MAX_BACKOFF.as_millis())),
                None => INITIAL_BACKOFF,
            };
            if let Some(c) = pod.containers.get_mut(index) {
                c.backoff = Some(BackOff { period, last_update: now });
            }
        }
        self.ensure_image(sim, pod, index)
    }

    /// The image step of a start, by pull policy.
    fn ensure_image(&mut self, sim: &mut Simulation, pod: &mut PodRuntime, index: usize) -> StartResult {
        let now = sim.time();
        let Some(c) = pod.containers.get(index) else { return StartResult::Waiting };
        let image = c.spec.image.clone().unwrap_or_default();
        let reference = match ImageRef::parse(&image) {
            Ok(r) => r,
            Err(error) => {
                let first = !matches!(&c.state, ContainerState::Waiting { reason, .. } if reason == "InvalidImageName");
                if let Some(c) = pod.containers.get_mut(index) {
                    c.state = ContainerState::Waiting {
                        reason: "InvalidImageName".into(),
                        message: Some(error.message.clone()),
                    };
                }
                if first {
                    self.event(sim, pod, "Warning", "InspectFailed", error.message, Some(index));
                    self.event(sim, pod, "Warning", "Failed", "Error: InvalidImageName".into(), Some(index));
                }
                return StartResult::Waiting;
            }
        };
        let policy = c.spec.image_pull_policy.clone().unwrap_or_else(|| {
            if reference.tag.as_deref().is_none_or(|t| t == "latest") && reference.digest.is_none() {
                "Always".into()
            } else {
                "IfNotPresent".into()
            }
        });
        let ports: Vec<u16> =
            c.spec.ports.iter().flatten().filter_map(|p| u16::try_from(p.container_port).ok()).collect();
        let normalized = reference.normalized();
        let present = self.nodes.get(&pod.node).is_some_and(|n| n.images.contains(&normalized));
        let present_message =
            format!("Container image {image:?} already present on machine and can be accessed by the pod");
        if policy == "Never" && !present {
            let message = format!("Container image {image:?} is not present with pull policy of Never");
            let first =
                !matches!(&c.state, ContainerState::Waiting { reason, .. } if reason == "ErrImageNeverPull");
            if let Some(c) = pod.containers.get_mut(index) {
                c.state = ContainerState::Waiting {
                    reason: "ErrImageNeverPull".into(),
                    message: Some(message.clone()),
                };
            }
            if first {
                self.event(sim, pod, "Warning", "ErrImageNeverPull", message, Some(index));
                self.event(sim, pod, "Warning", "Failed", "Error: ErrImageNeverPull".into(), Some(index));
            }
            return StartResult::Waiting;
        }
        if present && policy != "Always" {
            self.event(sim, pod, "Normal", "Pulled", present_message, Some(index));
            return match lookup(&reference, &ports) {
                Ok(pulled) => self.create_and_start(sim, pod, index, pulled),
                Err(_) => StartResult::Waiting,
            };
        }
        if let Some(b) = c.image_backoff {
            let until = b.last_update + b.period;
            if now < until {
                let error = c.pull_error.clone().unwrap_or_default();
                if let Some(c) = pod.containers.get_mut(index) {
                    c.state = ContainerState::Waiting {
                        reason: "ImagePullBackOff".into(),
                        message: Some(format!("Back-off pulling image {image:?}: ErrImagePull: {error}")),
                    };
                }
                if c_announced(pod, index) != Some(until) {
                    if let Some(c) = pod.containers.get_mut(index) {
                        c.announced_wait = Some(until);
                    }
                    self.event(
                        sim,
                        pod,
                        "Normal",
                        "BackOff",
                        format!("Back-off pulling image {image:?}"),
                        Some(index),
                    );
                    self.event(sim, pod, "Warning", "Failed", "Error: ImagePullBackOff".into(), Some(index));
                    self.wake_at(sim, until, Wake::Sync(pod.uid.clone()));
                }
                return StartResult::Waiting;
            }
        }
        self.event(sim, pod, "Normal", "Pulling", format!("Pulling image {image:?}"), Some(index));
        let result = lookup(&reference, &ports);
        let took = match &result {
            // Layers already on the node: only the manifest is checked against the registry.
            Ok(_) if present => SimDuration::from_millis(sim.rng().between(300, 900)),
            Ok(pulled) => crate::sim::runtime::pull_duration(pulled.size_bytes, sim.rng()),
            Err(_) => SimDuration::from_millis(sim.rng().between(800, 1800)),
        };
        let started = match self.nodes.get_mut(&pod.node) {
            Some(node) => {
                let start = node.puller_free_at.max(now);
                node.puller_free_at = start + took;
                start
            }
            None => now,
        };
        pod.pending =
            Some(PendingOp::Pull { container: index, requested: now, started, result: Box::new(result) });
        pod.busy_until = Some(started + took);
        self.wake_at(sim, started + took, Wake::Sync(pod.uid.clone()));
        StartResult::Busy
    }

    fn pull_finished(
        &mut self,
        sim: &mut Simulation,
        pod: &mut PodRuntime,
        index: usize,
        requested: SimTime,
        started: SimTime,
        result: Result<PulledImage, String>,
    ) {
        let now = sim.time();
        let image = pod.containers.get(index).and_then(|c| c.spec.image.clone()).unwrap_or_default();
        match result {
            Ok(pulled) => {
                if let Some(node) = self.nodes.get_mut(&pod.node) {
                    node.images.insert(pulled.normalized.clone());
                }
                self.event(
                    sim,
                    pod,
                    "Normal",
                    "Pulled",
                    format!(
                        "Successfully pulled image {image:?} in {} ({} including waiting). Image size: {} bytes.",
                        go_duration(now.since(started)),
                        go_duration(now.since(requested)),
                        pulled.size_bytes
                    ),
                    Some(index),
                );
                if let Some(c) = pod.containers.get_mut(index) {
                    c.image_backoff = None;
                    c.pull_error = None;
                }
                if pod.object.metadata().deletion_timestamp.is_none() {
                    self.create_and_start(sim, pod, index, pulled);
                }
            }
            Err(error) => {
                self.event(
                    sim,
                    pod,
                    "Warning",
                    "Failed",
                    format!("Failed to pull image {image:?}: {error}"),
                    Some(index),
                );
                self.event(sim, pod, "Warning", "Failed", "Error: ErrImagePull".into(), Some(index));
                if let Some(c) = pod.containers.get_mut(index) {
                    let period = match c.image_backoff {
                        Some(b) => {
                            SimDuration::from_millis((b.period.as_millis() * 2).min(MAX_BACKOFF.as_millis()))
                        }
                        None => INITIAL_BACKOFF,
                    };
                    c.image_backoff = Some(BackOff { period, last_update: now });
                    c.pull_error = Some(error.clone());
                    c.state = ContainerState::Waiting { reason: "ErrImagePull".into(), message: Some(error) };
                    let until = now + period;
                    c.announced_wait = None;
                    self.wake_at(sim, until, Wake::Sync(pod.uid.clone()));
                }
            }
        }
    }

    /// Creates and starts a container instance from a present image.
    fn create_and_start(
        &mut self,
        sim: &mut Simulation,
        pod: &mut PodRuntime,
        index: usize,
        image: PulledImage,
    ) -> StartResult {
        let now = sim.time();
        let Some(spec) = pod.pod().cloned() else { return StartResult::Waiting };
        let Some(container_spec) = pod.containers.get(index).map(|c| c.spec.clone()) else {
            return StartResult::Waiting;
        };
        let env = match setup::container_env(
            sim.store(),
            &spec,
            &container_spec,
            &pod.node,
            &pod.network.ip,
            &[],
        ) {
            Ok(env) => env,
            Err(message) => {
                if let Some(c) = pod.containers.get_mut(index) {
                    c.state = ContainerState::Waiting {
                        reason: "CreateContainerConfigError".into(),
                        message: Some(message.clone()),
                    };
                }
                self.event(sim, pod, "Warning", "Failed", format!("Error: {message}"), Some(index));
                let at = now + CONFIG_RETRY;
                self.wake_at(sim, at, Wake::Sync(pod.uid.clone()));
                return StartResult::Waiting;
            }
        };
        let fs = setup::container_fs(
            image.files,
            &container_spec,
            &pod.volumes,
            &pod.hostname(),
            &pod.network.ip,
            &pod.namespace,
        );
        let expand = |list: &Option<Vec<String>>| -> Vec<String> {
            list.iter().flatten().map(|s| expand_k8s_vars(s, &env)).collect()
        };
        let entry: Vec<&str> = image.entrypoint.iter().map(String::as_str).collect();
        let cmd: Vec<&str> = image.cmd.iter().map(String::as_str).collect();
        let argv =
            effective_argv(&entry, &cmd, &expand(&container_spec.command), &expand(&container_spec.args));
        let shared = super::host::shares_pid_namespace(pod);
        let spawned = Process::spawn(&argv, &image.toolbox, &fs, ProcessRole::Main { pid1: !shared });
        let id = sim.rng().hex(64);
        let memory_limit = container_spec
            .resources
            .as_ref()
            .and_then(|r| r.limits.as_ref())
            .and_then(|l| l.get("memory"))
            .and_then(|q| parse_millis(&q.0))
            .map(|m| (m / 1000).max(0) as u64);
        let Some(c) = pod.containers.get_mut(index) else { return StartResult::Waiting };
        if let ContainerState::Terminated(t) = &c.state {
            c.last_termination = Some(t.clone());
        }
        if c.latest_exit().is_some() {
            c.restart_count += 1;
        }
        c.container_id = Some(id.clone());
        c.image_id = Some(image.image_id.clone());
        c.image_name = Some(image.normalized.clone());
        c.env = env;
        c.fs = Some(fs);
        c.toolbox = Some(image.toolbox.clone());
        c.stop_signal = image.stop_signal;
        c.memory_used = 0;
        c.memory_limit = memory_limit;
        c.restart_requested = false;
        c.announced_wait = None;
        c.instance += 1;
        c.logs.push(Vec::new());
        self.event(sim, pod, "Normal", "Created", "Container created".into(), Some(index));
        let process = match spawned {
            Ok(p) => p,
            Err(error) => {
                let message = error.create_message();
                if let Some(c) = pod.containers.get_mut(index) {
                    c.state = ContainerState::Terminated(Termination {
                        exit_code: 128,
                        reason: "StartError".into(),
                        message: Some(message.clone()),
                        started_at: SimTime::ZERO,
                        finished_at: now,
                        container_id: id,
                    });
                }
                self.event(sim, pod, "Warning", "Failed", format!("Error: {message}"), Some(index));
                self.sync_soon(sim, &pod.uid.clone());
                return StartResult::Waiting;
            }
        };
        let Some(c) = pod.containers.get_mut(index) else { return StartResult::Waiting };
        let mut process = process;
        if let Some(dir) = &c.spec.working_dir {
            process.set_working_dir(dir);
        }
        c.process = Some(process);
        c.state = ContainerState::Running { started_at: now };
        c.probes = ProbeState::for_container(&c.spec);
        c.started = !c.probes.iter().any(|p| p.kind == ProbeKind::Startup);
        c.ready = c.started && !c.probes.iter().any(|p| p.kind == ProbeKind::Readiness);
        let instance = c.instance;
        let probe_times: Vec<SimTime> = c.probes.iter().map(|p| probes::first_run(now, p)).collect();
        self.event(sim, pod, "Normal", "Started", "Container started".into(), Some(index));
        self.trace(sim, pod, index, "started".into());
        let post_start = pod
            .containers
            .get(index)
            .and_then(|c| c.spec.lifecycle.as_ref())
            .and_then(|l| l.post_start.clone());
        if let Some(hook) = post_start {
            if let (_, Some(error)) = self.run_hook(sim, pod, index, &hook, SimDuration::from_secs(30)) {
                self.event(sim, pod, "Warning", "FailedPostStartHook", error, Some(index));
                let grace = self.pod_grace(pod);
                let restart = pod.restart_policy() != "Never";
                self.stop_container(sim, pod, index, grace, restart);
            }
        }
        for (probe, at) in probe_times.into_iter().enumerate() {
            self.wake_at(sim, at, Wake::Probe { uid: pod.uid.clone(), container: index, probe, instance });
        }
        self.run_process(sim, pod, index, None);
        StartResult::Started
    }

    /// Runs a lifecycle hook against a frozen world; returns how long it took and, when it
    /// failed, the kubelet's error text.
    fn run_hook(
        &mut self,
        sim: &mut Simulation,
        pod: &mut PodRuntime,
        index: usize,
        hook: &LifecycleHandler,
        limit: SimDuration,
    ) -> (SimDuration, Option<String>) {
        if let Some(sleep) = &hook.sleep {
            return (SimDuration::from_secs(sleep.seconds.max(0) as u64).min(limit), None);
        }
        let Some(exec) = &hook.exec else { return (SimDuration::from_millis(0), None) };
        let argv = exec.command.clone().unwrap_or_default();
        let Some(toolbox) = pod.containers.get(index).and_then(|c| c.toolbox.clone()) else {
            return (SimDuration::from_millis(0), None);
        };
        let container_name = pod.containers.get(index).map(|c| c.name.clone()).unwrap_or_default();
        let qualified = pod.qualified_name();
        let now = sim.time();
        let epoch = sim.epoch_unix();
        let mut host = ContainerHost::new(
            pod,
            index,
            &self.pods,
            sim.store(),
            &self.down,
            now,
            epoch,
            Sink::Capture(Vec::new()),
            &mut self.round_robin,
        );
        let result = probes::exec_in(&mut host, &toolbox, &argv, limit);
        let output = match std::mem::replace(&mut host.sink, Sink::Log) {
            Sink::Capture(lines) => lines.join("\n"),
            Sink::Log => String::new(),
        };
        let signals = std::mem::take(&mut host.signals);
        drop(host);
        for (target, signal) in signals {
            if pod.containers.get(target).is_some_and(|c| c.is_running()) {
                self.run_process(sim, pod, target, Some(signal));
            }
        }
        let command = argv.join(" ");
        let failure = |detail: String| {
            format!(
                "Exec lifecycle hook ([{command}]) for Container {container_name:?} in Pod {qualified:?} failed - error: {detail}, message: {output:?}"
            )
        };
        match result {
            Ok((Some(0), took)) => (took, None),
            Ok((Some(code), took)) => {
                (took, Some(failure(format!("command '{command}' exited with {code}: {output}"))))
            }
            Ok((None, took)) => (took, None),
            Err(message) => (SimDuration::from_millis(0), Some(failure(message))),
        }
    }

    /// Resumes a container's main process (or delivers a signal) and acts on what it does.
    pub(super) fn run_process(
        &mut self,
        sim: &mut Simulation,
        pod: &mut PodRuntime,
        index: usize,
        signal: Option<Signal>,
    ) {
        let Some(mut process) = pod.containers.get_mut(index).and_then(|c| c.process.take()) else { return };
        let now = sim.time();
        let epoch = sim.epoch_unix();
        let mut host = ContainerHost::new(
            pod,
            index,
            &self.pods,
            sim.store(),
            &self.down,
            now,
            epoch,
            Sink::Log,
            &mut self.round_robin,
        );
        let state = match signal {
            Some(s) => process.signal(s, &mut host),
            None => process.resume(&mut host),
        };
        let signals = std::mem::take(&mut host.signals);
        drop(host);
        if let Some(c) = pod.containers.get_mut(index) {
            c.process = Some(process);
        }
        match state {
            ProcessState::Sleeping(d) => {
                let instance = pod.containers.get(index).map(|c| c.instance).unwrap_or(0);
                let at = now + d.max(SimDuration::from_millis(1));
                self.wake_at(sim, at, Wake::Process { uid: pod.uid.clone(), container: index, instance });
            }
            ProcessState::Blocked => {}
            ProcessState::Exited(code) => self.container_exited(sim, pod, index, code),
        }
        for (target, signal) in signals {
            if pod.containers.get(target).is_some_and(|c| c.is_running()) {
                self.run_process(sim, pod, target, Some(signal));
            }
        }
    }

    fn container_exited(&mut self, sim: &mut Simulation, pod: &mut PodRuntime, index: usize, code: i32) {
        let now = sim.time();
        let Some(c) = pod.containers.get_mut(index) else { return };
        let started_at = match c.state {
            ContainerState::Running { started_at } => started_at,
            _ => now,
        };
        let oom = c.memory_limit.is_some_and(|limit| c.memory_used > limit);
        let (exit_code, reason) = if oom {
            (137, "OOMKilled")
        } else if code == 0 {
            (0, "Completed")
        } else {
            (code, "Error")
        };
        let message = termination_message(c, exit_code);
        c.state = ContainerState::Terminated(Termination {
            exit_code,
            reason: reason.into(),
            message,
            started_at,
            finished_at: now,
            container_id: c.container_id.clone().unwrap_or_default(),
        });
        c.process = None;
        c.ready = false;
        c.started = false;
        c.stopping = None;
        c.probes.clear();
        let name = c.name.clone();
        pod.network.release(&name);
        self.trace(sim, pod, index, format!("exited {exit_code} ({reason})"));
        self.sync_soon(sim, &pod.uid.clone());
    }

    /// Stops a container: preStop, the stop signal, SIGKILL when the grace period ends.
    pub(super) fn stop_container(
        &mut self,
        sim: &mut Simulation,
        pod: &mut PodRuntime,
        index: usize,
        grace: SimDuration,
        restart: bool,
    ) {
        let now = sim.time();
        let pre_stop = pod
            .containers
            .get(index)
            .and_then(|c| c.spec.lifecycle.as_ref())
            .and_then(|l| l.pre_stop.clone());
        let hook_time = match pre_stop {
            Some(hook) => {
                let (took, error) = self.run_hook(sim, pod, index, &hook, grace);
                if let Some(error) = error {
                    self.event(sim, pod, "Warning", "FailedPreStopHook", error, Some(index));
                }
                took
            }
            None => SimDuration::from_millis(0),
        };
        let Some(c) = pod.containers.get_mut(index) else { return };
        if !c.is_running() {
            return;
        }
        let overran = hook_time >= grace && grace > SimDuration::from_millis(0);
        let kill_at =
            now + grace + if overran { SimDuration::from_secs(2) } else { SimDuration::from_millis(0) };
        c.stopping = Some(Stopping { kill_at, restart_afterwards: restart });
        c.restart_requested = restart;
        let instance = c.instance;
        let uid = pod.uid.clone();
        self.wake_at(
            sim,
            now + hook_time.min(grace),
            Wake::StopSignal { uid: uid.clone(), container: index, instance },
        );
        self.wake_at(sim, kill_at, Wake::Kill { uid, container: index, instance });
    }

    /// A node-pressure eviction: the pod fails at once with the eviction as its reason, and its
    /// containers stop with the minimum grace period and are never restarted.
    pub(super) fn evict(&mut self, sim: &mut Simulation, pod: &mut PodRuntime, message: String) {
        self.event(sim, pod, "Warning", "Evicted", message.clone(), None);
        pod.verdict = Some(PodVerdict { reason: "Evicted".into(), message });
        pod.final_phase = Some("Failed".into());
        pod.pending = None;
        pod.busy_until = None;
        for index in 0..pod.containers.len() {
            if pod.containers.get(index).is_some_and(|c| c.is_running() && c.stopping.is_none()) {
                let name = pod.containers.get(index).map(|c| c.name.clone()).unwrap_or_default();
                self.event(sim, pod, "Normal", "Killing", format!("Stopping container {name}"), Some(index));
                self.stop_container(sim, pod, index, super::eviction::EVICTION_GRACE, false);
            }
        }
        let subject = format!("pod/{}/{}", pod.namespace, pod.name);
        let now = sim.time();
        sim.trace_mut().record(now, TraceKind::Pod, subject, "evicted");
    }

    /// Graceful deletion: stop every container, then report and remove the pod.
    fn terminate(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) {
        if !pod.terminating {
            pod.terminating = true;
            pod.pending = None;
            pod.busy_until = None;
            let grace = self.pod_grace(pod);
            let order: Vec<usize> = (0..pod.containers.len())
                .filter(|i| pod.containers.get(*i).is_some_and(|c| c.kind == ContainerKind::App))
                .chain(
                    (0..pod.containers.len())
                        .rev()
                        .filter(|i| pod.containers.get(*i).is_some_and(|c| c.kind != ContainerKind::App)),
                )
                .collect();
            for index in order {
                if pod.containers.get(index).is_some_and(|c| c.is_running() && c.stopping.is_none()) {
                    let name = pod.containers.get(index).map(|c| c.name.clone()).unwrap_or_default();
                    self.event(
                        sim,
                        pod,
                        "Normal",
                        "Killing",
                        format!("Stopping container {name}"),
                        Some(index),
                    );
                    self.stop_container(sim, pod, index, grace, false);
                }
            }
        }
        if pod.containers.iter().any(|c| c.is_running()) {
            return;
        }
        for c in &mut pod.containers {
            c.restart_requested = false;
        }
        pod.final_phase = None;
        let phase = status::phase(pod);
        pod.final_phase = Some(phase);
        pod.sandbox = Sandbox::Removed;
        self.write_status(sim, pod);
        let ours = sim.store().get("Pod", &pod.namespace, &pod.name).is_some_and(|o| o.uid() == pod.uid);
        if ours {
            sim.delete_pod_finally(&pod.namespace, &pod.name);
        }
        pod.gone = true;
    }

    /// After starts and exits: a pod whose containers are all done for good is finished;
    /// sidecars are stopped once the app containers completed.
    fn settle(&mut self, sim: &mut Simulation, pod: &mut PodRuntime) {
        if pod.final_phase.is_some() || pod.terminating {
            return;
        }
        let phase = status::phase(pod);
        let apps_done =
            pod.containers.iter().filter(|c| c.kind == ContainerKind::App).all(|c| c.terminated().is_some())
                && Self::plan(&mut pod.clone()).is_empty();
        let policy = pod.restart_policy();
        let init_failed = policy == "Never"
            && pod
                .containers
                .iter()
                .any(|c| c.kind == ContainerKind::Init && c.terminated().is_some_and(|t| t.exit_code != 0));
        if (apps_done && policy != "Always") || init_failed {
            let running: Vec<usize> = (0..pod.containers.len())
                .rev()
                .filter(|i| pod.containers.get(*i).is_some_and(|c| c.is_running()))
                .collect();
            if running.is_empty() {
                if phase == "Succeeded" || phase == "Failed" {
                    pod.final_phase = Some(phase);
                    pod.sandbox = Sandbox::Removed;
                }
                return;
            }
            let grace = self.pod_grace(pod);
            for index in running {
                if pod.containers.get(index).is_some_and(|c| c.stopping.is_none()) {
                    let name = pod.containers.get(index).map(|c| c.name.clone()).unwrap_or_default();
                    self.event(
                        sim,
                        pod,
                        "Normal",
                        "Killing",
                        format!("Stopping container {name}"),
                        Some(index),
                    );
                    self.stop_container(sim, pod, index, grace, false);
                }
            }
        }
    }

    /// Runs one probe and acts on its result.
    fn run_probe(
        &mut self,
        sim: &mut Simulation,
        pod: &mut PodRuntime,
        index: usize,
        probe: usize,
        instance: u64,
    ) {
        let now = sim.time();
        let Some(c) = pod.containers.get(index) else { return };
        if c.instance != instance || !c.is_running() || c.stopping.is_some() || pod.terminating {
            return;
        }
        let Some(state) = c.probes.get(probe).cloned() else { return };
        if state.done {
            return;
        }
        let uid = pod.uid.clone();
        let next = Wake::Probe { uid, container: index, probe, instance };
        let gated = state.kind != ProbeKind::Startup
            && c.probes.iter().any(|p| p.kind == ProbeKind::Startup && !p.done);
        if gated {
            self.wake_at(sim, now + state.period(), next);
            return;
        }
        let toolbox = c.toolbox.clone();
        let epoch = sim.epoch_unix();
        let mut host = ContainerHost::new(
            pod,
            index,
            &self.pods,
            sim.store(),
            &self.down,
            now,
            epoch,
            Sink::Capture(Vec::new()),
            &mut self.round_robin,
        );
        let outcome = probes::probe(&mut host, &state.spec, toolbox.as_ref());
        drop(host);
        let kind = state.kind.title();
        let success = outcome == ProbeOutcome::Success;
        match &outcome {
            ProbeOutcome::Success => {}
            ProbeOutcome::Failure(output) => {
                self.event(
                    sim,
                    pod,
                    "Warning",
                    "Unhealthy",
                    format!("{kind} probe failed: {output}"),
                    Some(index),
                );
            }
            ProbeOutcome::Error(error) => {
                self.event(
                    sim,
                    pod,
                    "Warning",
                    "Unhealthy",
                    format!("{kind} probe errored and resulted in unknown state: {error}"),
                    Some(index),
                );
            }
        }
        let policy = pod.restart_policy();
        let Some(c) = pod.containers.get_mut(index) else { return };
        let Some(state) = c.probes.get_mut(probe) else { return };
        let flipped = state.record(success);
        let has_readiness = c.probes.iter().any(|p| p.kind == ProbeKind::Readiness);
        match (state_kind(c, probe), flipped) {
            (Some(ProbeKind::Readiness), Some(ready)) => c.ready = ready,
            (Some(ProbeKind::Startup), Some(true)) => {
                c.started = true;
                c.ready = !has_readiness;
                self.sync_soon(sim, &pod.uid.clone());
            }
            (Some(which @ (ProbeKind::Startup | ProbeKind::Liveness)), Some(false)) => {
                let restart = policy != "Never" || c.kind == ContainerKind::Sidecar;
                let name = c.name.clone();
                let what = if which == ProbeKind::Startup { "startup" } else { "liveness" };
                let suffix = if restart { ", will be restarted" } else { "" };
                self.event(
                    sim,
                    pod,
                    "Normal",
                    "Killing",
                    format!("Container {name} failed {what} probe{suffix}"),
                    Some(index),
                );
                let grace = probe_grace(pod, index, probe).unwrap_or_else(|| self.pod_grace(pod));
                self.stop_container(sim, pod, index, grace, restart);
                return;
            }
            _ => {}
        }
        let done = pod.containers.get(index).and_then(|c| c.probes.get(probe)).is_none_or(|p| p.done);
        if !done {
            let period = pod
                .containers
                .get(index)
                .and_then(|c| c.probes.get(probe))
                .map(|p| p.period())
                .unwrap_or(INITIAL_BACKOFF);
            self.wake_at(sim, now + period, next);
        }
    }
}

/// What `terminationMessagePath` holds, or (`FallbackToLogsOnError`) the end of the log of a
/// failed container: at most 80 lines and 2048 bytes, as the kubelet keeps.
fn termination_message(c: &ContainerRuntime, exit_code: i32) -> Option<String> {
    let path = c.spec.termination_message_path.clone().unwrap_or_else(|| "/dev/termination-log".into());
    let written = c.fs.as_ref().and_then(|fs| fs.read(&path).ok()).filter(|m| !m.is_empty());
    if written.is_some() {
        return written;
    }
    let fallback = c.spec.termination_message_policy.as_deref() == Some("FallbackToLogsOnError");
    if !fallback || exit_code == 0 {
        return None;
    }
    let lines = c.logs.last()?;
    let tail: Vec<&str> =
        lines.iter().rev().take(80).map(|l| l.text.as_str()).collect::<Vec<_>>().into_iter().rev().collect();
    let mut text = tail.join("\n");
    if text.len() > 2048 {
        let cut = text.len() - 2048;
        let start = (cut..text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text = text[start..].to_string();
    }
    (!text.is_empty()).then_some(text)
}

fn state_kind(c: &ContainerRuntime, probe: usize) -> Option<ProbeKind> {
    c.probes.get(probe).map(|p| p.kind)
}

fn c_announced(pod: &PodRuntime, index: usize) -> Option<SimTime> {
    pod.containers.get(index).and_then(|c| c.announced_wait)
}

fn probe_grace(pod: &PodRuntime, index: usize, probe: usize) -> Option<SimDuration> {
    let seconds = pod.containers.get(index)?.probes.get(probe)?.spec.termination_grace_period_seconds?;
    Some(SimDuration::from_secs(seconds.max(0) as u64))
}
