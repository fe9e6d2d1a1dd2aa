//! The kubelets: one agent per node that runs the pods bound to it over virtual time.
//!
//! All nodes' agents live in one [`Kubelets`] actor because the pod network is flat: a process
//! in any pod can reach any other pod's servers (or a Service's endpoints) by IP, so every
//! pod's runtime state must be reachable from every container. Each node keeps its own image
//! cache, serialized image puller, pod CIDR and up/down state, and its pods' events name it
//! as their host.
//!
//! A pod's life: admission (resources fit) → volumes and sandbox (pause container, pod IP
//! from the node's `10.244.N.0/24`) → for each container in order: image (by pull policy, with
//! back-off on failures) → create → start, init containers one at a time, sidecars kept
//! running → probes → exits and restarts with the crash-loop back-off → graceful termination
//! when the API marks the pod deleted → final status and removal of the object.
//!
//! Entry points for commands: [`logs`], [`exec`], [`kill_container`], [`set_node_down`],
//! [`pod_usage`], [`container_fs`].

mod commands;
mod eviction;
mod host;
mod images;
mod metrics;
mod pod;
mod probes;
mod setup;
mod status;
mod worker;

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::api::{WatchEvent, WatchEventType};
use crate::sim::runtime::Signal;
use crate::sim::simulation::{Actor, ActorId};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::Simulation;

pub use images::go_duration;
pub use metrics::{pod_usage, ContainerUsage, PodUsage};
pub use pod::{ContainerKind, LogLine};
pub use status::phase;

use pod::PodRuntime;
use setup::Disks;

/// The actor's name, to find it among the simulation's actors.
pub const ACTOR_NAME: &str = "kubelet";

/// The node-level state of one kubelet.
#[derive(Clone, Debug)]
struct NodeAgent {
    /// `10.244.<index>` (the node's pod CIDR prefix).
    cidr_prefix: String,
    /// `172.18.0.<index+2>`
    ip: String,
    /// Normalized references of the images present.
    images: BTreeSet<String>,
    /// The serialized puller is busy until then.
    puller_free_at: SimTime,
    /// The next host number host-local IPAM hands out.
    next_ip: u32,
    cpu_millis: i128,
    memory_bytes: i128,
    max_pods: usize,
    /// The eviction manager's view of the node's signals.
    pressure: eviction::PressureState,
}

/// Why the kubelet wakes up.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Wake {
    /// Re-sync a pod.
    Sync(String),
    /// A container's process asked to be resumed.
    Process { uid: String, container: usize, instance: u64 },
    /// A probe is due.
    Probe { uid: String, container: usize, probe: usize, instance: u64 },
    /// Send the stop signal (after preStop).
    StopSignal { uid: String, container: usize, instance: u64 },
    /// The grace period is over: SIGKILL.
    Kill { uid: String, container: usize, instance: u64 },
    /// A ConfigMap or Secret a pod mounts changed: refresh these volumes.
    Refresh { uid: String, volumes: Vec<String> },
    /// The eviction manager of this node looks at its signals.
    Housekeeping(String),
}

impl Wake {
    /// The pod the wake-up is for.
    fn uid(&self) -> &str {
        match self {
            Wake::Sync(uid) => uid,
            Wake::Process { uid, .. }
            | Wake::Probe { uid, .. }
            | Wake::StopSignal { uid, .. }
            | Wake::Kill { uid, .. }
            | Wake::Refresh { uid, .. } => uid,
            Wake::Housekeeping(node) => node,
        }
    }
}

/// Every node's kubelet.
#[derive(Clone, Debug)]
pub struct Kubelets {
    id: ActorId,
    nodes: BTreeMap<String, NodeAgent>,
    pods: BTreeMap<String, PodRuntime>,
    /// The uids of the pods each node has run, so per-node work (housekeeping every 10 s,
    /// admission) does not walk every pod of the cluster. May hold uids already gone.
    node_pods: BTreeMap<String, BTreeSet<String>>,
    wakes: BTreeMap<u64, Wake>,
    next_token: u64,
    disks: Disks,
    down: BTreeSet<String>,
    round_robin: u64,
    specs: pod::ContainerSpecs,
}

impl Kubelets {
    /// The pods of `node` the kubelet holds now, in uid order.
    fn pods_on<'a>(&'a self, node: &'a str) -> impl Iterator<Item = &'a PodRuntime> + 'a {
        self.node_pods
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(|uid| self.pods.get(uid))
            .filter(move |p| p.node == node)
    }

    /// Registers the kubelets of every node of `sim`'s cluster.
    pub fn install(sim: &mut Simulation) -> ActorId {
        let mut nodes = BTreeMap::new();
        for (index, spec) in sim.cluster().nodes.iter().enumerate() {
            let parse = |q: &str| crate::sim::api::quantity::parse_millis(q).unwrap_or(0);
            nodes.insert(
                spec.name.clone(),
                NodeAgent {
                    cidr_prefix: format!("10.244.{index}"),
                    ip: format!("172.18.0.{}", index + 2),
                    images: BTreeSet::new(),
                    puller_free_at: SimTime::ZERO,
                    next_ip: 2,
                    cpu_millis: parse(&spec.cpu),
                    memory_bytes: parse(&spec.memory) / 1000,
                    max_pods: spec.pods as usize,
                    pressure: eviction::PressureState::default(),
                },
            );
        }
        let kubelets = Kubelets {
            id: 0,
            nodes,
            pods: BTreeMap::new(),
            node_pods: BTreeMap::new(),
            wakes: BTreeMap::new(),
            next_token: 0,
            disks: Disks::default(),
            down: BTreeSet::new(),
            round_robin: 0,
            specs: pod::ContainerSpecs::default(),
        };
        let id = sim.add_actor(Box::new(kubelets));
        sim.with_actor::<Kubelets, _>(|k, sim| {
            k.id = id;
            let names: Vec<String> = k.nodes.keys().cloned().collect();
            for name in names {
                k.start_eviction_monitor(sim, &name);
            }
        });
        id
    }

    fn wake_at(&mut self, sim: &mut Simulation, at: SimTime, wake: Wake) {
        self.next_token += 1;
        self.wakes.insert(self.next_token, wake);
        sim.schedule_timer(self.id, at, self.next_token);
    }

    fn sync_soon(&mut self, sim: &mut Simulation, uid: &str) {
        let now = sim.time();
        self.wake_at(sim, now, Wake::Sync(uid.to_string()));
    }

    /// Starts a kubelet for a node registered after the cluster was built (`node add`), from
    /// its Node object. False when there is no such node.
    fn ensure_node(&mut self, sim: &mut Simulation, name: &str) -> bool {
        if self.nodes.contains_key(name) {
            return true;
        }
        let Some(node) = sim.store().get("Node", "", name).and_then(|o| o.as_node()).cloned() else {
            return false;
        };
        let cidr = node.spec.as_ref().and_then(|s| s.pod_cidr.clone()).unwrap_or_default();
        let cidr_prefix = cidr
            .strip_suffix(".0/24")
            .map(str::to_string)
            .unwrap_or_else(|| format!("10.244.{}", self.nodes.len()));
        let status = node.status.unwrap_or_default();
        let ip = status
            .addresses
            .iter()
            .flatten()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.clone())
            .unwrap_or_else(|| format!("172.18.0.{}", self.nodes.len() + 2));
        let allocatable = status.allocatable.unwrap_or_default();
        let amount = |key: &str, default: i128| {
            allocatable
                .get(key)
                .and_then(|q| crate::sim::api::quantity::parse_millis(&q.0))
                .unwrap_or(default)
        };
        self.nodes.insert(
            name.to_string(),
            NodeAgent {
                cidr_prefix,
                ip,
                images: BTreeSet::new(),
                puller_free_at: SimTime::ZERO,
                next_ip: 2,
                cpu_millis: amount("cpu", 4000),
                memory_bytes: amount("memory", 8 << 40) / 1000,
                max_pods: (amount("pods", 110_000) / 1000) as usize,
                pressure: eviction::PressureState::default(),
            },
        );
        self.start_eviction_monitor(sim, name);
        true
    }

    /// The node IP of a node (`InternalIP`).
    fn node_ip(&self, node: &str) -> String {
        self.nodes.get(node).map(|n| n.ip.clone()).unwrap_or_default()
    }
}

impl Actor for Kubelets {
    fn name(&self) -> String {
        ACTOR_NAME.into()
    }

    fn on_watch(&mut self, sim: &mut Simulation, event: &WatchEvent) {
        if event.event_type == WatchEventType::Deleted && event.object.as_node().is_some() {
            // The machine is gone (`node remove`): its kubelet and containers with it.
            let name = event.object.name().to_string();
            self.nodes.remove(&name);
            self.down.remove(&name);
            let gone: Vec<String> = self.pods_on(&name).map(|p| p.uid.clone()).collect();
            for uid in gone {
                self.forget_pod(sim, &uid);
            }
            return;
        }
        let kind = event.object.kind();
        if (kind == "ConfigMap" || kind == "Secret") && event.event_type != WatchEventType::Deleted {
            // Mounted copies follow after the kubelet's sync period and cache TTL (not subPath).
            let namespace = event.object.namespace();
            let affected: Vec<(String, Vec<String>)> = self
                .pods
                .values()
                .filter(|p| p.namespace == namespace)
                .filter_map(|p| {
                    let volumes = setup::uses_object(p.pod()?, kind, event.object.name());
                    (!volumes.is_empty()).then(|| (p.uid.clone(), volumes))
                })
                .collect();
            for (uid, volumes) in affected {
                let delay = SimDuration::from_millis(sim.rng().between(30_000, 70_000));
                let at = sim.time() + delay;
                self.wake_at(sim, at, Wake::Refresh { uid, volumes });
            }
            return;
        }
        let Some(pod) = event.object.as_pod() else { return };
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else { return };
        if self.down.contains(&node) || !self.ensure_node(sim, &node) {
            return;
        }
        let uid = event.object.uid().to_string();
        match event.event_type {
            WatchEventType::Deleted => self.forget_pod(sim, &uid),
            WatchEventType::Added | WatchEventType::Modified => {
                self.observe_pod(sim, &uid, event.object.clone(), &node)
            }
        }
    }

    fn on_timer(&mut self, sim: &mut Simulation, token: u64) {
        let Some(wake) = self.wakes.remove(&token) else { return };
        if let Wake::Housekeeping(node) = &wake {
            let node = node.clone();
            self.housekeeping(sim, &node);
            return;
        }
        let Some(node) = self.pods.get(wake.uid()).map(|p| p.node.clone()) else { return };
        if self.down.contains(&node) {
            return;
        }
        self.handle_wake(sim, wake);
    }
}

/// `kubectl logs` data: the lines of a container instance (`previous` = the one before the
/// current), or kubectl's error text.
pub fn logs(
    sim: &mut Simulation,
    namespace: &str,
    pod: &str,
    container: &str,
    previous: bool,
) -> Result<Vec<LogLine>, String> {
    sim.with_actor::<Kubelets, _>(|k, _| k.container_logs(namespace, pod, container, previous))
        .unwrap_or_else(|| Err(format!("container {container:?} in pod {pod:?} is not available")))
}

/// `kubectl exec`: runs `argv` in the container against its filesystem and network, then
/// advances the clock by the time it took. Returns the output lines and the exit code, or
/// kubectl's error text.
pub fn exec(
    sim: &mut Simulation,
    namespace: &str,
    pod: &str,
    container: &str,
    argv: &[String],
) -> Result<(Vec<String>, i32), String> {
    let result = sim
        .with_actor::<Kubelets, _>(|k, sim| k.exec_in_container(sim, namespace, pod, container, argv))
        .unwrap_or_else(|| Err("error: unable to upgrade connection: container not found".to_string()));
    if let Ok((_, _, took)) = &result {
        if *took > SimDuration::from_millis(0) {
            sim.advance(*took);
        }
    }
    result.map(|(lines, code, _)| (lines, code))
}

/// `kubectl cp`: the filesystem of a running container, shared with the container (writes
/// through it land in the container), or kubectl's error text.
pub fn container_fs(
    sim: &mut Simulation,
    namespace: &str,
    pod: &str,
    container: &str,
) -> Result<crate::sim::runtime::ContainerFs, String> {
    let not_found = format!("error: unable to upgrade connection: container not found ({container:?})");
    sim.with_actor::<Kubelets, _>(|k, _| {
        let runtime = k.find(namespace, pod).ok_or_else(|| not_found.clone())?;
        if k.down.contains(&runtime.node) {
            return Err(
                "error: unable to upgrade connection: error dialing backend: dial tcp: i/o timeout".into()
            );
        }
        runtime
            .containers
            .iter()
            .find(|c| c.name == container && c.is_running())
            .and_then(|c| c.fs.clone())
            .ok_or_else(|| not_found.clone())
    })
    .unwrap_or_else(|| Err("no kubelet is running".into()))
}

/// The playground's `container kill POD[/CONTAINER]`: SIGKILL to the container's main process.
pub fn kill_container(
    sim: &mut Simulation,
    namespace: &str,
    pod: &str,
    container: Option<&str>,
) -> Result<String, String> {
    sim.with_actor::<Kubelets, _>(|k, sim| k.signal_container(sim, namespace, pod, container, Signal::Kill))
        .unwrap_or_else(|| Err("no kubelet is running".into()))
}

/// The playground's `node fail NAME` / `node recover NAME`: stops or restarts the node's
/// kubelet (and makes its pods unreachable while down).
pub fn set_node_down(sim: &mut Simulation, node: &str, down: bool) -> Result<(), String> {
    sim.with_actor::<Kubelets, _>(|k, sim| k.set_down(sim, node, down))
        .unwrap_or_else(|| Err("no kubelet is running".into()))?;
    sim.set_kubelet_stopped(node, down);
    Ok(())
}
