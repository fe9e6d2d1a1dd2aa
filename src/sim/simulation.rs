//! The `Simulation` handle: clock, event queue, seeded RNG, trace, and the API store they
//! drive.
//!
//! # Actors
//! Components (scheduler, kubelets, controllers) are [`Actor`]s registered with
//! [`Simulation::add_actor`]. They talk to the cluster only through the API:
//! - reads: [`Simulation::store`] (`get`, `list`, selectors in [`crate::sim::api::selector`]);
//! - writes: [`Simulation::create`], [`Simulation::update`], [`Simulation::patch`],
//!   [`Simulation::delete`], [`Simulation::delete_pod_finally`], [`Simulation::record_event`], or
//!   any [`Store`] method through [`Simulation::write`]. Writes stamp the current time, draw from
//!   the simulation's RNG and land in the trace.
//! - notifications: every write queues its watch events (Added/Modified/Deleted) on the kernel's
//!   event queue at the current time; when they run, [`Actor::on_watch`] is called on every actor
//!   in registration order. An actor that needs to act later calls
//!   [`Simulation::schedule_timer`] and gets [`Actor::on_timer`] with its token at that time.
//!
//! While an actor runs it is taken out of the simulation, so it receives `&mut Simulation` and
//! may write freely; the events its writes cause are delivered afterwards, never re-entrantly.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{
    Namespace, Node, NodeAddress, NodeCondition, NodeSpec as K8sNodeSpec, NodeStatus, NodeSystemInfo,
    Service, ServiceAccount, ServicePort, ServiceSpec, Taint,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api::{
    ApiError, ApplyOutcome, DeleteOptions, DeleteOutcome, EventRecord, Object, PatchKind, Store, WatchEvent,
    WriteCtx,
};

use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::{SimDuration, SimTime, DEFAULT_EPOCH_UNIX};
use super::trace::{Trace, TraceKind};

/// The seed used when a scenario names none.
pub const DEFAULT_SEED: u64 = 1;

/// How often a kubelet renews its node Lease (`nodeLeaseDurationSeconds` / 4).
pub const NODE_LEASE_RENEW_INTERVAL: SimDuration = SimDuration::from_secs(10);

/// One node of the cluster to create, as written in a scenario's `cluster.nodes`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// The node's name (`kubernetes.io/hostname`).
    pub name: String,
    /// Allocatable CPU, as a quantity (`"4"`, `"3500m"`).
    #[serde(default = "default_cpu")]
    pub cpu: String,
    /// Allocatable memory, as a quantity (`8Gi`).
    #[serde(default = "default_memory")]
    pub memory: String,
    /// Maximum number of pods.
    #[serde(default = "default_pods")]
    pub pods: u32,
    /// Extra node labels.
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// Node taints (`key`, optional `value`, `effect`).
    #[serde(default)]
    pub taints: Vec<TaintSpec>,
    /// Sets `topology.kubernetes.io/zone`.
    #[serde(default)]
    pub zone: Option<String>,
}

/// A taint in a scenario's node list.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaintSpec {
    /// Taint key.
    pub key: String,
    /// Taint value, often empty.
    #[serde(default)]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
}

fn default_cpu() -> String {
    "4".into()
}
fn default_memory() -> String {
    "8Gi".into()
}
fn default_pods() -> u32 {
    110
}

impl NodeSpec {
    /// A node with the default size (4 CPU, 8Gi, 110 pods) and no labels or taints.
    pub fn new(name: &str) -> Self {
        NodeSpec {
            name: name.into(),
            cpu: default_cpu(),
            memory: default_memory(),
            pods: default_pods(),
            labels: Default::default(),
            taints: Vec::new(),
            zone: None,
        }
    }
}

/// The cluster a simulation starts from.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// The nodes, in registration order (pod CIDRs follow this order).
    pub nodes: Vec<NodeSpec>,
}

impl Default for ClusterSpec {
    /// The default cluster, named like a kind cluster: a tainted control plane and three workers.
    fn default() -> Self {
        let mut control_plane = NodeSpec::new("podlab-control-plane");
        control_plane.labels.insert("node-role.kubernetes.io/control-plane".into(), String::new());
        control_plane.taints.push(TaintSpec {
            key: "node-role.kubernetes.io/control-plane".into(),
            value: None,
            effect: "NoSchedule".into(),
        });
        let mut nodes = vec![control_plane];
        nodes.extend(["podlab-worker", "podlab-worker2", "podlab-worker3"].map(NodeSpec::new));
        ClusterSpec { nodes }
    }
}

/// The Kubernetes version every node reports.
pub const KUBELET_VERSION: &str = "v1.36.0";

/// Identifies a registered actor.
pub type ActorId = usize;

/// A component of the cluster (scheduler, kubelet, controller) driven by watch events and timers.
pub trait Actor: ActorClone {
    /// A short name for traces and debugging (`default-scheduler`, `kubelet/worker`).
    fn name(&self) -> String;

    /// Called for every watch event, in the order the writes happened.
    fn on_watch(&mut self, _sim: &mut Simulation, _event: &WatchEvent) {}

    /// Called when a timer set with [`Simulation::schedule_timer`] fires.
    fn on_timer(&mut self, _sim: &mut Simulation, _token: u64) {}
}

/// Lets snapshots clone boxed actors; implemented for every `Actor + Clone`.
pub trait ActorClone {
    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn Actor>;
    /// The actor as `Any`, so commands can reach a concrete actor ([`Simulation::with_actor`]).
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

impl<T: Actor + Clone + 'static> ActorClone for T {
    fn clone_box(&self) -> Box<dyn Actor> {
        Box::new(self.clone())
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl Clone for Box<dyn Actor> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// Something scheduled to happen at a virtual time.
#[derive(Clone, Debug)]
enum Event {
    /// A node's kubelet renews its Lease.
    LeaseRenewal { node: usize },
    /// A write's watch event, delivered to every actor.
    Watch(WatchEvent),
    /// An actor's timer.
    Timer { actor: ActorId, token: u64 },
}

/// A simulated cluster and its virtual clock.
#[derive(Clone)]
pub struct Simulation {
    seed: u64,
    epoch_unix: i64,
    now: SimTime,
    queue: EventQueue<Event>,
    rng: SimRng,
    trace: Trace,
    cluster: ClusterSpec,
    lease_renewals: Vec<u64>,
    store: Store,
    actors: Vec<Option<Box<dyn Actor>>>,
    /// Nodes whose kubelet is stopped (`node fail`): they renew no Lease.
    stopped_kubelets: std::collections::BTreeSet<String>,
}

/// Which cluster components a simulation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Components {
    /// The kubelets (one per node) and the container runtime.
    pub kubelets: bool,
    /// The kube-controller-manager's controllers.
    pub controllers: bool,
    /// The default scheduler.
    pub scheduler: bool,
}

impl Components {
    /// A whole cluster.
    pub const ALL: Components = Components { kubelets: true, controllers: true, scheduler: true };
    /// Only the controllers: tests that play the scheduler and kubelets themselves.
    pub const CONTROLLERS_ONLY: Components =
        Components { kubelets: false, controllers: true, scheduler: false };
}

impl Simulation {
    /// A cluster built from `cluster`, with all randomness drawn from `seed`.
    pub fn new(cluster: ClusterSpec, seed: u64) -> Self {
        Simulation::with_components(cluster, seed, Components::ALL)
    }

    /// A cluster running only `components` (the API server always runs).
    pub fn with_components(cluster: ClusterSpec, seed: u64, components: Components) -> Self {
        let mut sim = Simulation {
            seed,
            epoch_unix: DEFAULT_EPOCH_UNIX,
            now: SimTime::ZERO,
            queue: EventQueue::default(),
            rng: SimRng::new(seed),
            trace: Trace::default(),
            lease_renewals: vec![0; cluster.nodes.len()],
            cluster,
            store: Store::default(),
            actors: Vec::new(),
            stopped_kubelets: Default::default(),
        };
        sim.bootstrap();
        if components.kubelets {
            crate::sim::kubelet::Kubelets::install(&mut sim);
        }
        if components.controllers {
            super::controllers::register_all(&mut sim);
        }
        for index in 0..sim.cluster.nodes.len() {
            // Kubelets start at slightly different moments, as on a real cluster.
            let offset = SimDuration::from_millis(sim.rng.below(NODE_LEASE_RENEW_INTERVAL.as_millis()));
            sim.queue.push(SimTime::ZERO + offset, Event::LeaseRenewal { node: index });
        }
        if components.scheduler {
            super::scheduling::DefaultScheduler::install(&mut sim);
        }
        sim
    }

    /// Adds a node to the running cluster (`node add`): it registers its Node object, and its
    /// kubelet starts renewing a Lease. Its pod CIDR follows the existing nodes'.
    pub fn add_node(&mut self, spec: NodeSpec) -> Result<(), ApiError> {
        let index = self.cluster.nodes.len();
        self.create(Object::from(node_object(&spec, index)))?;
        self.cluster.nodes.push(spec);
        self.lease_renewals.push(0);
        self.queue.push(self.now, Event::LeaseRenewal { node: index });
        Ok(())
    }

    /// Deletes a node's Node object (`node remove`); its kubelet stops with it.
    pub fn remove_node(&mut self, name: &str) -> Result<(), ApiError> {
        self.delete("Node", "", name, DeleteOptions::default())?;
        self.stopped_kubelets.insert(name.to_string());
        Ok(())
    }

    /// Creates what a fresh kind cluster has: namespaces, nodes, the `kubernetes` and
    /// `kube-dns` Services, the default StorageClass and the default ServiceAccounts.
    fn bootstrap(&mut self) {
        let mut objects: Vec<Object> = Vec::new();
        for name in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            objects.push(Object::from(Namespace {
                metadata: ObjectMeta {
                    name: Some(name.into()),
                    labels: Some(BTreeMap::from([("kubernetes.io/metadata.name".into(), name.into())])),
                    ..Default::default()
                },
                spec: Some(k8s_openapi::api::core::v1::NamespaceSpec {
                    finalizers: Some(vec!["kubernetes".into()]),
                }),
                status: Some(k8s_openapi::api::core::v1::NamespaceStatus {
                    phase: Some("Active".into()),
                    ..Default::default()
                }),
            }));
        }
        for (index, node) in self.cluster.nodes.iter().enumerate() {
            objects.push(Object::from(node_object(node, index)));
        }
        objects.push(Object::from(cluster_service(
            "kubernetes",
            "default",
            "10.96.0.1",
            &[("https", 443, IntOrString::Int(6443), "TCP")],
            None,
        )));
        objects.push(Object::from(cluster_service(
            "kube-dns",
            "kube-system",
            "10.96.0.10",
            &[
                ("dns", 53, IntOrString::Int(53), "UDP"),
                ("dns-tcp", 53, IntOrString::Int(53), "TCP"),
                ("metrics", 9153, IntOrString::Int(9153), "TCP"),
            ],
            Some(BTreeMap::from([("k8s-app".into(), "kube-dns".into())])),
        )));
        objects.push(Object::from(StorageClass {
            metadata: ObjectMeta {
                name: Some("standard".into()),
                annotations: Some(BTreeMap::from([(
                    "storageclass.kubernetes.io/is-default-class".into(),
                    "true".into(),
                )])),
                ..Default::default()
            },
            provisioner: "rancher.io/local-path".into(),
            reclaim_policy: Some("Delete".into()),
            volume_binding_mode: Some("WaitForFirstConsumer".into()),
            ..Default::default()
        }));
        for namespace in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            objects.push(Object::from(ServiceAccount {
                metadata: ObjectMeta {
                    name: Some("default".into()),
                    namespace: Some(namespace.into()),
                    ..Default::default()
                },
                ..Default::default()
            }));
        }
        for object in objects {
            self.write(|store, ctx| store.bootstrap(ctx, object));
        }
    }

    /// Sets the wall-clock moment (Unix seconds) that virtual time zero stands for. Objects
    /// created so far (the bootstrap) are re-stamped so they stay created at time zero.
    pub fn set_epoch(&mut self, unix_secs: i64) {
        let delta = unix_secs - self.epoch_unix;
        self.epoch_unix = unix_secs;
        self.store.shift_timestamps(delta);
    }

    /// The Unix seconds of virtual time zero.
    pub fn epoch_unix(&self) -> i64 {
        self.epoch_unix
    }

    /// The current time in Unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.epoch_unix + (self.now.as_millis() / 1000) as i64
    }

    /// The seed every random choice derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The current virtual time.
    pub fn time(&self) -> SimTime {
        self.now
    }

    /// The cluster this simulation was created with.
    pub fn cluster(&self) -> &ClusterSpec {
        &self.cluster
    }

    /// Every recorded state change.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The trace, to record changes that are not API writes (container transitions…).
    pub fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }

    /// The simulation's random generator, for inputs that need fresh names.
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }

    /// Every API object, for reading.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs `f` with write access to the store (time, RNG and trace supplied), then queues the
    /// watch events it caused.
    pub fn write<R>(&mut self, f: impl FnOnce(&mut Store, &mut WriteCtx) -> R) -> R {
        let mut ctx = WriteCtx {
            now: self.now,
            epoch_unix: self.epoch_unix,
            rng: &mut self.rng,
            trace: &mut self.trace,
        };
        let result = f(&mut self.store, &mut ctx);
        for event in self.store.take_watch_events() {
            self.queue.push(self.now, Event::Watch(event));
        }
        result
    }

    /// Creates an object (admission included).
    pub fn create(&mut self, object: Object) -> Result<Rc<Object>, ApiError> {
        self.write(|store, ctx| store.create(ctx, object))
    }

    /// Replaces an object (spec or status).
    pub fn update(&mut self, object: Object) -> Result<Rc<Object>, ApiError> {
        self.write(|store, ctx| store.update(ctx, object))
    }

    /// Patches an object.
    pub fn patch(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        patch: &Value,
        patch_kind: PatchKind,
    ) -> Result<Rc<Object>, ApiError> {
        self.write(|store, ctx| store.patch(ctx, kind, namespace, name, patch, patch_kind))
    }

    /// `kubectl apply` of one decoded manifest document.
    pub fn apply(
        &mut self,
        manifest: &Value,
        object: Object,
    ) -> Result<(Rc<Object>, ApplyOutcome), ApiError> {
        self.write(|store, ctx| store.apply(ctx, manifest, object))
    }

    /// Deletes an object.
    pub fn delete(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<DeleteOutcome, ApiError> {
        self.write(|store, ctx| store.delete(ctx, kind, namespace, name, options))
    }

    /// Removes a terminating pod for good (the kubelet, once its containers stopped).
    pub fn delete_pod_finally(&mut self, namespace: &str, name: &str) -> bool {
        self.write(|store, ctx| store.delete_pod_finally(ctx, namespace, name))
    }

    /// Records a Kubernetes Event (aggregating repeats).
    pub fn record_event(&mut self, record: EventRecord) -> Rc<Object> {
        self.write(|store, ctx| store.record_event(ctx, record))
    }

    /// The id the next [`Simulation::add_actor`] call will return, so an actor can know its own
    /// id (for timers) before it is registered.
    pub fn next_actor_id(&self) -> ActorId {
        self.actors.len()
    }

    /// Registers an actor; it receives every watch event from now on.
    pub fn add_actor(&mut self, actor: Box<dyn Actor>) -> ActorId {
        self.actors.push(Some(actor));
        self.actors.len() - 1
    }

    /// Runs `f` on the first registered actor of type `T` (taken out of the simulation while
    /// `f` runs, like an actor handling an event). `None` if there is none.
    pub fn with_actor<T: 'static, R>(&mut self, f: impl FnOnce(&mut T, &mut Simulation) -> R) -> Option<R> {
        for id in 0..self.actors.len() {
            let Some(mut actor) = self.actors[id].take() else { continue };
            if let Some(concrete) = actor.as_any_mut().downcast_mut::<T>() {
                let result = f(concrete, self);
                self.actors[id] = Some(actor);
                return Some(result);
            }
            self.actors[id] = Some(actor);
        }
        None
    }

    /// Registers an actor built by `make`, which is told its own id (to set timers with).
    pub fn add_actor_with(&mut self, make: impl FnOnce(ActorId) -> Box<dyn Actor>) -> ActorId {
        let id = self.actors.len();
        self.actors.push(Some(make(id)));
        id
    }

    /// Calls `actor`'s [`Actor::on_timer`] with `token` at `at` (not before now).
    pub fn schedule_timer(&mut self, actor: ActorId, at: SimTime, token: u64) {
        self.queue.push(at.max(self.now), Event::Timer { actor, token });
    }

    /// Marks a node's kubelet stopped (no Lease renewals) or running again.
    pub fn set_kubelet_stopped(&mut self, node: &str, stopped: bool) {
        if stopped {
            self.stopped_kubelets.insert(node.to_string());
        } else {
            self.stopped_kubelets.remove(node);
        }
    }

    /// Whether a node's kubelet is stopped.
    pub fn kubelet_stopped(&self, node: &str) -> bool {
        self.stopped_kubelets.contains(node)
    }

    /// How many times a node's kubelet has renewed its Lease.
    pub fn lease_renewals(&self, node: &str) -> Option<u64> {
        let index = self.cluster.nodes.iter().position(|n| n.name == node)?;
        self.lease_renewals.get(index).copied()
    }

    /// The time of the next pending event.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Runs the earliest pending event, moving the clock to its time. Returns false when nothing
    /// is pending.
    pub fn step(&mut self) -> bool {
        let Some((time, event)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(time);
        self.handle(event);
        true
    }

    /// Runs every event due at or before `deadline`, then sets the clock to `deadline`.
    pub fn step_until(&mut self, deadline: SimTime) {
        while self.queue.peek_time().is_some_and(|t| t <= deadline) {
            self.step();
        }
        self.now = self.now.max(deadline);
    }

    /// Runs the simulation for `span` of virtual time.
    pub fn advance(&mut self, span: SimDuration) {
        self.step_until(self.now + span);
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::LeaseRenewal { node } => {
                let stopped =
                    self.cluster.nodes.get(node).is_some_and(|n| self.stopped_kubelets.contains(&n.name));
                if let Some(count) = self.lease_renewals.get_mut(node).filter(|_| !stopped) {
                    *count += 1;
                    if *count == 1 {
                        let name = &self.cluster.nodes[node].name;
                        let subject = format!("lease/kube-node-lease/{name}");
                        self.trace.record(self.now, TraceKind::Created, subject, "acquired");
                    }
                }
                self.queue.push(self.now + NODE_LEASE_RENEW_INTERVAL, Event::LeaseRenewal { node });
            }
            Event::Watch(watch) => {
                for id in 0..self.actors.len() {
                    if let Some(mut actor) = self.actors[id].take() {
                        actor.on_watch(self, &watch);
                        self.actors[id] = Some(actor);
                    }
                }
            }
            Event::Timer { actor, token } => {
                if let Some(mut a) = self.actors.get_mut(actor).and_then(Option::take) {
                    a.on_timer(self, token);
                    self.actors[actor] = Some(a);
                }
            }
        }
    }
}

fn node_object(spec: &NodeSpec, index: usize) -> Node {
    let mut labels = BTreeMap::from([
        ("beta.kubernetes.io/arch".to_string(), "amd64".to_string()),
        ("beta.kubernetes.io/os".into(), "linux".into()),
        ("kubernetes.io/arch".into(), "amd64".into()),
        ("kubernetes.io/hostname".into(), spec.name.clone()),
        ("kubernetes.io/os".into(), "linux".into()),
    ]);
    if let Some(zone) = &spec.zone {
        labels.insert("topology.kubernetes.io/zone".into(), zone.clone());
    }
    labels.extend(spec.labels.clone());
    let resources = BTreeMap::from([
        ("cpu".to_string(), Quantity(spec.cpu.clone())),
        ("ephemeral-storage".into(), Quantity("100Gi".into())),
        ("hugepages-1Gi".into(), Quantity("0".into())),
        ("hugepages-2Mi".into(), Quantity("0".into())),
        ("memory".into(), Quantity(spec.memory.clone())),
        ("pods".into(), Quantity(spec.pods.to_string())),
    ]);
    let boot = crate::sim::api::store::timestamp(DEFAULT_EPOCH_UNIX);
    let condition = |kind: &str, status: &str, reason: &str, message: &str| NodeCondition {
        type_: kind.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: Some(boot.clone()),
        last_transition_time: Some(boot.clone()),
    };
    let pod_cidr = format!("10.244.{index}.0/24");
    let taints: Vec<Taint> = spec
        .taints
        .iter()
        .map(|t| Taint {
            key: t.key.clone(),
            value: t.value.clone(),
            effect: t.effect.clone(),
            time_added: None,
        })
        .collect();
    Node {
        metadata: ObjectMeta {
            name: Some(spec.name.clone()),
            labels: Some(labels),
            annotations: Some(BTreeMap::from([
                ("node.alpha.kubernetes.io/ttl".into(), "0".into()),
                ("volumes.kubernetes.io/controller-managed-attach-detach".into(), "true".into()),
            ])),
            ..Default::default()
        },
        spec: Some(K8sNodeSpec {
            pod_cidr: Some(pod_cidr.clone()),
            pod_cidrs: Some(vec![pod_cidr]),
            provider_id: Some(format!("kind://docker/podlab/{}", spec.name)),
            taints: (!taints.is_empty()).then_some(taints),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            addresses: Some(vec![
                NodeAddress { type_: "InternalIP".into(), address: format!("172.18.0.{}", index + 2) },
                NodeAddress { type_: "Hostname".into(), address: spec.name.clone() },
            ]),
            allocatable: Some(resources.clone()),
            capacity: Some(resources),
            conditions: Some(vec![
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ]),
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: String::new(),
                container_runtime_version: "containerd://2.1.1".into(),
                kernel_version: "6.8.0".into(),
                kube_proxy_version: String::new(),
                kubelet_version: KUBELET_VERSION.into(),
                machine_id: String::new(),
                operating_system: "linux".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                system_uuid: String::new(),
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}

fn cluster_service(
    name: &str,
    namespace: &str,
    ip: &str,
    ports: &[(&str, i32, IntOrString, &str)],
    selector: Option<BTreeMap<String, String>>,
) -> Service {
    let mut labels = BTreeMap::new();
    if name == "kubernetes" {
        labels.insert("component".to_string(), "apiserver".to_string());
        labels.insert("provider".into(), "kubernetes".into());
    } else {
        labels.insert("k8s-app".into(), "kube-dns".into());
        labels.insert("kubernetes.io/cluster-service".into(), "true".into());
        labels.insert("kubernetes.io/name".into(), "CoreDNS".into());
    }
    Service {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            cluster_ip: Some(ip.into()),
            cluster_ips: Some(vec![ip.into()]),
            internal_traffic_policy: Some("Cluster".into()),
            ip_families: Some(vec!["IPv4".into()]),
            ip_family_policy: Some("SingleStack".into()),
            ports: Some(
                ports
                    .iter()
                    .map(|(port_name, port, target, protocol)| ServicePort {
                        name: Some(port_name.to_string()),
                        port: *port,
                        target_port: Some(target.clone()),
                        protocol: Some(protocol.to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            selector,
            session_affinity: Some("None".into()),
            type_: Some("ClusterIP".into()),
            ..Default::default()
        }),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cluster_is_shaped_like_kind() {
        let cluster = ClusterSpec::default();
        let names: Vec<_> = cluster.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["podlab-control-plane", "podlab-worker", "podlab-worker2", "podlab-worker3"]);
        assert_eq!(cluster.nodes[0].taints[0].effect, "NoSchedule");
        assert!(cluster.nodes[1].taints.is_empty());
    }

    #[test]
    fn advance_moves_the_clock_and_runs_due_events() {
        let mut sim = Simulation::new(ClusterSpec::default(), 1);
        sim.advance(SimDuration::from_secs(60));
        assert_eq!(sim.time(), SimTime(60_000));
        for node in ["podlab-worker", "podlab-worker2"] {
            let renewals = sim.lease_renewals(node).unwrap();
            assert!((6..=7).contains(&renewals), "{node} renewed {renewals} times");
        }
    }

    #[test]
    fn step_runs_exactly_one_event() {
        let mut sim = Simulation::new(ClusterSpec::default(), 1);
        // The bootstrap's watch events are due at time zero.
        while sim.next_event_time() == Some(SimTime::ZERO) {
            sim.step();
        }
        let first = sim.next_event_time().unwrap();
        assert!(sim.step());
        assert_eq!(sim.time(), first);
        let total: u64 = ["podlab-control-plane", "podlab-worker", "podlab-worker2", "podlab-worker3"]
            .iter()
            .map(|n| sim.lease_renewals(n).unwrap())
            .sum();
        assert_eq!(total, 1);
    }
}
