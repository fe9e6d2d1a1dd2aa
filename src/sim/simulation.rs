//! The `Simulation` handle: clock, event queue, seeded RNG and trace, and the cluster they drive.

use serde::Deserialize;

use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::{SimDuration, SimTime, DEFAULT_EPOCH_UNIX};
use super::trace::{Trace, TraceKind};

/// The seed used when a scenario names none.
pub const DEFAULT_SEED: u64 = 1;

/// How often a kubelet renews its node Lease (`nodeLeaseDurationSeconds` / 4).
pub const NODE_LEASE_RENEW_INTERVAL: SimDuration = SimDuration::from_secs(10);

/// One node of the cluster to create, as written in a scenario's `cluster.nodes`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Deserialize)]
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

/// Something scheduled to happen at a virtual time.
#[derive(Clone, Debug)]
enum Event {
    /// A node's kubelet renews its Lease.
    LeaseRenewal { node: usize },
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
}

impl Simulation {
    /// A cluster built from `cluster`, with all randomness drawn from `seed`.
    pub fn new(cluster: ClusterSpec, seed: u64) -> Self {
        let mut sim = Simulation {
            seed,
            epoch_unix: DEFAULT_EPOCH_UNIX,
            now: SimTime::ZERO,
            queue: EventQueue::default(),
            rng: SimRng::new(seed),
            trace: Trace::default(),
            lease_renewals: vec![0; cluster.nodes.len()],
            cluster,
        };
        for (index, node) in sim.cluster.nodes.iter().enumerate() {
            sim.trace.record(SimTime::ZERO, TraceKind::Created, format!("node/{}", node.name), "registered");
            // Kubelets start at slightly different moments, as on a real cluster.
            let offset = SimDuration::from_millis(sim.rng.below(NODE_LEASE_RENEW_INTERVAL.as_millis()));
            sim.queue.push(SimTime::ZERO + offset, Event::LeaseRenewal { node: index });
        }
        sim
    }

    /// Sets the wall-clock moment (Unix seconds) that virtual time zero stands for.
    pub fn set_epoch(&mut self, unix_secs: i64) {
        self.epoch_unix = unix_secs;
    }

    /// The Unix seconds of virtual time zero.
    pub fn epoch_unix(&self) -> i64 {
        self.epoch_unix
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

    /// The simulation's random generator, for inputs that need fresh names.
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }

    /// How many times a node's kubelet has renewed its Lease.
    pub fn lease_renewals(&self, node: &str) -> Option<u64> {
        let index = self.cluster.nodes.iter().position(|n| n.name == node)?;
        Some(self.lease_renewals[index])
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
                self.lease_renewals[node] += 1;
                if self.lease_renewals[node] == 1 {
                    let name = &self.cluster.nodes[node].name;
                    self.trace.record(
                        self.now,
                        TraceKind::Created,
                        format!("lease/kube-node-lease/{name}"),
                        "acquired",
                    );
                }
                self.queue.push(self.now + NODE_LEASE_RENEW_INTERVAL, Event::LeaseRenewal { node });
            }
        }
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
