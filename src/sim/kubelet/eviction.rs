//! Node-pressure eviction, as the kubelet's eviction manager does it (`pkg/kubelet/eviction`).
//!
//! Every [`MONITORING_INTERVAL`] each node's signals are observed: `memory.available` (capacity
//! minus the working set of the pods' containers), `nodefs.available` and `nodefs.inodesFree`
//! (the node's disk: image layers, container files and emptyDir data), `imagefs.available` (on
//! a kind node the images share that disk). A signal below its hard threshold
//! ([`HARD_THRESHOLDS`], the Linux defaults) sets the node's `MemoryPressure` or `DiskPressure`
//! condition, which stays True for [`PRESSURE_TRANSITION_PERIOD`] after the signal was last
//! seen below it (the node lifecycle controller turns it into a NoSchedule taint). While a
//! threshold is met the kubelet evicts one pod per cycle, ranked by [`rank`]: the pod is failed
//! at once (`Failed`, reason `Evicted`, a `DisruptionTarget` condition) and its containers are
//! stopped with the minimum grace period, without restarts; the object stays for its owner or
//! the user to clean up.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{NodeCondition, Pod};

use super::pod::PodRuntime;
use super::{Kubelets, Wake};
use crate::sim::api::quantity::{format_millis, parse_millis};
use crate::sim::api::store::timestamp;
use crate::sim::api::EventRecord;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::Simulation;

/// `--housekeeping-interval`: how often the eviction manager looks at the signals.
pub const MONITORING_INTERVAL: SimDuration = SimDuration::from_secs(10);
/// `evictionPressureTransitionPeriod`: how long a pressure condition outlives its signal.
pub const PRESSURE_TRANSITION_PERIOD: SimDuration = SimDuration::from_secs(300);
/// Hard eviction ignores the pod's grace period; the runtime still gives containers this long
/// between the stop signal and SIGKILL (`minimumGracePeriodInSeconds`).
pub const EVICTION_GRACE: SimDuration = SimDuration::from_secs(2);
/// The disk of a node (its `ephemeral-storage` capacity) and its inodes.
pub const NODEFS_BYTES: i128 = 100 << 30;
pub const NODEFS_INODES: i128 = 6_553_600;
/// Inodes an unpacked image takes (its layers' files), for `nodefs.inodesFree`.
const INODES_PER_IMAGE: i128 = 4_000;

/// An eviction signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EvictionSignal {
    MemoryAvailable,
    NodeFsAvailable,
    NodeFsInodesFree,
    ImageFsAvailable,
}

impl EvictionSignal {
    /// The signal's name in kubelet configuration.
    pub fn name(self) -> &'static str {
        match self {
            EvictionSignal::MemoryAvailable => "memory.available",
            EvictionSignal::NodeFsAvailable => "nodefs.available",
            EvictionSignal::NodeFsInodesFree => "nodefs.inodesFree",
            EvictionSignal::ImageFsAvailable => "imagefs.available",
        }
    }

    /// The resource the kubelet reclaims for it (the word of the eviction message).
    pub fn resource(self) -> &'static str {
        match self {
            EvictionSignal::MemoryAvailable => "memory",
            EvictionSignal::NodeFsAvailable | EvictionSignal::ImageFsAvailable => "ephemeral-storage",
            EvictionSignal::NodeFsInodesFree => "inodes",
        }
    }

    /// The node condition it drives.
    pub fn condition(self) -> &'static str {
        match self {
            EvictionSignal::MemoryAvailable => "MemoryPressure",
            _ => "DiskPressure",
        }
    }
}

/// A threshold's value: an absolute quantity (bytes) or a share of the capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdValue {
    Bytes(i128),
    Percent(i128),
}

/// `signal < value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    pub signal: EvictionSignal,
    pub value: ThresholdValue,
}

/// The kubelet's default hard thresholds on Linux.
pub const HARD_THRESHOLDS: [Threshold; 4] = [
    Threshold { signal: EvictionSignal::MemoryAvailable, value: ThresholdValue::Bytes(100 << 20) },
    Threshold { signal: EvictionSignal::NodeFsAvailable, value: ThresholdValue::Percent(10) },
    Threshold { signal: EvictionSignal::NodeFsInodesFree, value: ThresholdValue::Percent(5) },
    Threshold { signal: EvictionSignal::ImageFsAvailable, value: ThresholdValue::Percent(15) },
];

impl Threshold {
    /// The amount below which the signal is met, for a resource of `capacity`.
    pub fn quantity(&self, capacity: i128) -> i128 {
        match self.value {
            ThresholdValue::Bytes(bytes) => bytes,
            ThresholdValue::Percent(percent) => capacity * percent / 100,
        }
    }
}

/// What one signal measured: what is left of what there is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    pub available: i128,
    pub capacity: i128,
}

/// The node's raw usage the signals derive from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeUsage {
    pub memory_capacity: i128,
    pub memory_working_set: i128,
    pub fs_used: i128,
    pub inodes_used: i128,
}

/// The signals of a node.
pub fn observe(usage: &NodeUsage) -> BTreeMap<EvictionSignal, Observation> {
    let fs = Observation { available: (NODEFS_BYTES - usage.fs_used).max(0), capacity: NODEFS_BYTES };
    BTreeMap::from([
        (
            EvictionSignal::MemoryAvailable,
            Observation {
                available: (usage.memory_capacity - usage.memory_working_set).max(0),
                capacity: usage.memory_capacity,
            },
        ),
        (EvictionSignal::NodeFsAvailable, fs),
        (
            EvictionSignal::NodeFsInodesFree,
            Observation { available: (NODEFS_INODES - usage.inodes_used).max(0), capacity: NODEFS_INODES },
        ),
        (EvictionSignal::ImageFsAvailable, fs),
    ])
}

/// The thresholds the observations meet, in the order of [`HARD_THRESHOLDS`].
pub fn thresholds_met(observations: &BTreeMap<EvictionSignal, Observation>) -> Vec<Threshold> {
    HARD_THRESHOLDS
        .iter()
        .filter(|t| observations.get(&t.signal).is_some_and(|o| o.available < t.quantity(o.capacity)))
        .copied()
        .collect()
}

/// A pod that may be evicted, with what it uses of the starved resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub uid: String,
    pub priority: i32,
    pub usage: i128,
    pub request: i128,
}

/// The eviction order (`rankMemoryPressure`, `rankDiskPressureFunc`): pods using more than they
/// requested first, then lower priority first, then the largest use above the request first.
pub fn rank(candidates: &mut [Candidate]) {
    candidates.sort_by(|a, b| {
        let exceeds = |c: &Candidate| c.usage > c.request;
        match (exceeds(a), exceeds(b)) {
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        a.priority
            .cmp(&b.priority)
            .then_with(|| (b.usage - b.request).cmp(&(a.usage - a.request)))
            .then_with(|| a.uid.cmp(&b.uid))
    });
}

/// A byte count as apimachinery prints `resource.NewQuantity(n, BinarySI)`: `100Mi`, `51200Ki`.
pub fn binary_quantity(bytes: i128) -> String {
    format_millis(bytes.max(0) * 1000, true)
}

/// The status and event message of an eviction (`evictionMessage`): the starved resource, the
/// threshold and what was left, and every container using more than it requested.
pub fn eviction_message(
    threshold: &Threshold,
    observation: &Observation,
    containers: &[(String, i128, String)],
) -> String {
    let resource = threshold.signal.resource();
    let quantity = match threshold.value {
        ThresholdValue::Bytes(bytes) => binary_quantity(bytes),
        ThresholdValue::Percent(_) => binary_quantity(threshold.quantity(observation.capacity)),
    };
    let available = if threshold.signal == EvictionSignal::NodeFsInodesFree {
        observation.available.to_string()
    } else {
        binary_quantity(observation.available)
    };
    let mut message = format!(
        "The node was low on resource: {resource}. Threshold quantity: {quantity}, available: {available}. "
    );
    for (name, usage, request) in containers {
        message.push_str(&format!(
            "Container {name} was using {}, request is {request}, has larger consumption of {resource}. ",
            binary_quantity(*usage)
        ));
    }
    message
}

/// Per node: when each signal was last seen past its threshold, and the conditions reported.
#[derive(Clone, Debug, Default)]
pub struct PressureState {
    pub last_met: BTreeMap<EvictionSignal, SimTime>,
    pub memory_pressure: bool,
    pub disk_pressure: bool,
}

impl PressureState {
    /// Whether `condition` holds at `now`: a signal driving it was met within the transition
    /// period.
    fn under(&self, condition: &str, now: SimTime) -> bool {
        self.last_met
            .iter()
            .any(|(signal, at)| signal.condition() == condition && now < *at + PRESSURE_TRANSITION_PERIOD)
    }
}

/// The eviction manager's admission check (`Admit`): under memory pressure a BestEffort pod is
/// refused unless it tolerates the memory-pressure taint; under disk pressure every pod is.
/// Critical pods are always admitted.
pub fn admission_refusal(state: &PressureState, pod: &Pod, qos_class: &str) -> Option<String> {
    if !state.memory_pressure && !state.disk_pressure {
        return None;
    }
    if priority(pod) >= SYSTEM_CRITICAL_PRIORITY {
        return None;
    }
    if !state.disk_pressure {
        let tolerates = pod.spec.iter().flat_map(|s| s.tolerations.iter().flatten()).any(|t| {
            let key_matches = t.key.as_deref() == Some(MEMORY_PRESSURE_TAINT)
                || (t.key.is_none() && t.operator.as_deref() == Some("Exists"));
            key_matches && t.effect.as_deref().is_none_or(|e| e == "NoSchedule")
        });
        if qos_class != "BestEffort" || tolerates {
            return None;
        }
    }
    let mut conditions = Vec::new();
    if state.memory_pressure {
        conditions.push("MemoryPressure");
    }
    if state.disk_pressure {
        conditions.push("DiskPressure");
    }
    Some(format!("The node had condition: [{}]. ", conditions.join(" ")))
}

/// `scheduling.SystemCriticalPriority`: pods at or above it are never refused.
const SYSTEM_CRITICAL_PRIORITY: i32 = 2_000_000_000;
const MEMORY_PRESSURE_TAINT: &str = "node.kubernetes.io/memory-pressure";

/// A container's request of `resource` as written in its spec (`0` when none).
fn request_text(container: &k8s_openapi::api::core::v1::Container, resource: &str) -> String {
    container
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|m| m.get(resource))
        .map(|q| q.0.clone())
        .unwrap_or_else(|| "0".into())
}

fn request_bytes(container: &k8s_openapi::api::core::v1::Container, resource: &str) -> i128 {
    parse_millis(&request_text(container, resource)).unwrap_or(0) / 1000
}

fn priority(pod: &Pod) -> i32 {
    pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0)
}

impl Kubelets {
    /// Starts the eviction manager's housekeeping on `node`.
    pub(super) fn start_eviction_monitor(&mut self, sim: &mut Simulation, node: &str) {
        let at = sim.time() + MONITORING_INTERVAL;
        self.wake_at(sim, at, Wake::Housekeeping(node.to_string()));
    }

    /// The working set of a pod's running containers: their image's program at rest, what
    /// their processes allocated, plus the pod's share of its workload's simulated load
    /// (`load set … memory=`).
    pub(super) fn container_memory(&self, sim: &Simulation, pod: &PodRuntime) -> Vec<(usize, i128)> {
        let load = crate::sim::controllers::hpa::pod_usage(sim, &pod.object).1 as i128;
        let mut first_app = true;
        pod.containers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_running())
            .map(|(index, c)| {
                let mut bytes = c.memory_used as i128 + resting_memory(c);
                if c.kind == super::pod::ContainerKind::App && first_app {
                    // The load is what the workload's main container serves.
                    bytes += load;
                    first_app = false;
                }
                (index, bytes)
            })
            .collect()
    }

    /// Bytes a pod keeps on the node's disk: its emptyDir data and its containers' files.
    fn pod_disk(pod: &PodRuntime) -> (i128, i128) {
        let mut bytes = 0i128;
        let mut files = 0i128;
        for volume in pod.volumes.values() {
            let volume = volume.borrow();
            bytes += volume.total_bytes() as i128;
            files += volume.files().len() as i128;
        }
        (bytes, files)
    }

    fn node_usage(&self, sim: &Simulation, node: &str) -> NodeUsage {
        let Some(agent) = self.nodes.get(node) else { return NodeUsage::default() };
        let mut usage = NodeUsage { memory_capacity: agent.memory_bytes, ..Default::default() };
        for image in &agent.images {
            let size = crate::sim::runtime::ImageRef::parse(image)
                .ok()
                .and_then(|r| super::images::lookup(&r, &[]).ok())
                .map_or(0, |p| p.size_bytes);
            usage.fs_used += i128::from(size);
            usage.inodes_used += INODES_PER_IMAGE;
        }
        for pod in self.pods_on(node).filter(|p| !p.gone) {
            usage.memory_working_set += self.container_memory(sim, pod).iter().map(|(_, b)| b).sum::<i128>();
            let (bytes, files) = Self::pod_disk(pod);
            usage.fs_used += bytes;
            usage.inodes_used += files;
        }
        usage
    }

    /// One housekeeping pass of a node's eviction manager (`synchronize`).
    pub(super) fn housekeeping(&mut self, sim: &mut Simulation, node: &str) {
        if !self.nodes.contains_key(node) {
            return;
        }
        let now = sim.time();
        self.wake_at(sim, now + MONITORING_INTERVAL, Wake::Housekeeping(node.to_string()));
        if self.down.contains(node) {
            return;
        }
        let observations = observe(&self.node_usage(sim, node));
        let met = thresholds_met(&observations);
        if let Some(agent) = self.nodes.get_mut(node) {
            for threshold in &met {
                agent.pressure.last_met.insert(threshold.signal, now);
            }
        }
        self.report_conditions(sim, node);
        // Memory first, as the kubelet orders the starved resources.
        let Some(threshold) = met.first().copied() else { return };
        let Some(observation) = observations.get(&threshold.signal).copied() else { return };
        let detail = format!(
            "eviction threshold met: {} < {}",
            threshold.signal.name(),
            binary_quantity(threshold.quantity(observation.capacity))
        );
        sim.trace_mut().record(now, crate::sim::trace::TraceKind::Container, format!("node/{node}"), detail);
        self.node_event(
            sim,
            node,
            "Warning",
            "EvictionThresholdMet",
            format!("Attempting to reclaim {}", threshold.signal.resource()),
        );
        self.evict_one(sim, node, &threshold, &observation);
    }

    /// Sets the node's pressure conditions when they change, with the kubelet's node events.
    fn report_conditions(&mut self, sim: &mut Simulation, node: &str) {
        let now = sim.time();
        let Some(agent) = self.nodes.get(node) else { return };
        let memory = agent.pressure.under("MemoryPressure", now);
        let disk = agent.pressure.under("DiskPressure", now);
        let changes: Vec<(&str, bool)> = [
            ("MemoryPressure", memory, agent.pressure.memory_pressure),
            ("DiskPressure", disk, agent.pressure.disk_pressure),
        ]
        .into_iter()
        .filter(|(_, wanted, reported)| wanted != reported)
        .map(|(kind, wanted, _)| (kind, wanted))
        .collect();
        if changes.is_empty() {
            return;
        }
        let Some(mut object) = sim.store().get("Node", "", node).map(|o| (**o).clone()) else { return };
        let Some(node_object) = object.as_node_mut() else { return };
        let conditions =
            node_object.status.get_or_insert_with(Default::default).conditions.get_or_insert_with(Vec::new);
        let stamp = timestamp(sim.now_unix());
        let mut events = Vec::new();
        for (kind, pressed) in &changes {
            let (reason, message, event) = match (*kind, *pressed) {
                ("MemoryPressure", true) => (
                    "KubeletHasInsufficientMemory",
                    "kubelet has insufficient memory available",
                    "NodeHasInsufficientMemory",
                ),
                ("MemoryPressure", false) => (
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                    "NodeHasSufficientMemory",
                ),
                (_, true) => ("KubeletHasDiskPressure", "kubelet has disk pressure", "NodeHasDiskPressure"),
                (_, false) => {
                    ("KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure")
                }
            };
            let condition = NodeCondition {
                type_: kind.to_string(),
                status: if *pressed { "True" } else { "False" }.into(),
                reason: Some(reason.into()),
                message: Some(message.into()),
                last_heartbeat_time: Some(stamp.clone()),
                last_transition_time: Some(stamp.clone()),
            };
            match conditions.iter_mut().find(|c| c.type_ == *kind) {
                Some(existing) => *existing = condition,
                None => conditions.push(condition),
            }
            events.push(event);
        }
        node_object.metadata.resource_version = None;
        if sim.update(object).is_err() {
            return;
        }
        if let Some(agent) = self.nodes.get_mut(node) {
            agent.pressure.memory_pressure = memory;
            agent.pressure.disk_pressure = disk;
        }
        for event in events {
            self.node_event(sim, node, "Normal", event, format!("Node {node} status is now: {event}"));
        }
    }

    fn node_event(&self, sim: &mut Simulation, node: &str, event_type: &str, reason: &str, message: String) {
        let Some(object) = sim.store().get("Node", "", node).cloned() else { return };
        sim.record_event(EventRecord {
            involved: &object,
            event_type,
            reason,
            message,
            component: "kubelet",
            host: Some(node),
            field_path: None,
        });
    }

    /// Evicts the first pod of the ranking, unless an eviction is still under way.
    fn evict_one(
        &mut self,
        sim: &mut Simulation,
        node: &str,
        threshold: &Threshold,
        observation: &Observation,
    ) {
        let memory = threshold.signal == EvictionSignal::MemoryAvailable;
        let active: Vec<&PodRuntime> = self
            .pods
            .values()
            .filter(|p| p.node == node && !p.gone && p.admitted && !p.terminating)
            .collect();
        // The kubelet waits for the last victim's containers to stop before choosing another.
        if active.iter().any(|p| p.final_phase.is_some() && p.containers.iter().any(|c| c.is_running())) {
            return;
        }
        let mut candidates: Vec<Candidate> = active
            .iter()
            .filter(|p| p.final_phase.is_none())
            .filter_map(|p| {
                let spec = p.pod()?;
                let (usage, request) = if memory {
                    let usage = self.container_memory(sim, p).iter().map(|(_, b)| b).sum();
                    (usage, spec.spec.as_ref()?.containers.iter().map(|c| request_bytes(c, "memory")).sum())
                } else {
                    let request = spec
                        .spec
                        .as_ref()?
                        .containers
                        .iter()
                        .map(|c| request_bytes(c, "ephemeral-storage"))
                        .sum();
                    (Self::pod_disk(p).0, request)
                };
                Some(Candidate { uid: p.uid.clone(), priority: priority(spec), usage, request })
            })
            .collect();
        rank(&mut candidates);
        let Some(victim) = candidates.first() else { return };
        let Some(mut pod) = self.pods.remove(&victim.uid) else { return };
        let offending: Vec<(String, i128, String)> = if memory {
            self.container_memory(sim, &pod)
                .into_iter()
                .filter_map(|(index, usage)| {
                    let c = pod.containers.get(index)?;
                    (c.kind == super::pod::ContainerKind::App && usage > request_bytes(&c.spec, "memory"))
                        .then(|| (c.name.clone(), usage, request_text(&c.spec, "memory")))
                })
                .collect()
        } else {
            Vec::new()
        };
        let message = eviction_message(threshold, observation, &offending);
        self.evict(sim, &mut pod, message);
        self.finish(sim, pod);
    }
}

/// The resident memory of a container's image program at rest (nginx ≈ 3 MB).
fn resting_memory(container: &super::pod::ContainerRuntime) -> i128 {
    container
        .image_name
        .as_deref()
        .and_then(|name| crate::sim::runtime::ImageRef::parse(name).ok())
        .and_then(|reference| crate::sim::runtime::images::lookup(&reference.full_name()))
        .map_or(0, |entry| i128::from(entry.memory_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(uid: &str, priority: i32, usage_mi: i128, request_mi: i128) -> Candidate {
        Candidate { uid: uid.into(), priority, usage: usage_mi << 20, request: request_mi << 20 }
    }

    #[test]
    fn default_hard_thresholds() {
        let texts: Vec<String> = HARD_THRESHOLDS
            .iter()
            .map(|t| match t.value {
                ThresholdValue::Bytes(b) => format!("{}<{}", t.signal.name(), binary_quantity(b)),
                ThresholdValue::Percent(p) => format!("{}<{p}%", t.signal.name()),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "memory.available<100Mi",
                "nodefs.available<10%",
                "nodefs.inodesFree<5%",
                "imagefs.available<15%"
            ]
        );
    }

    #[test]
    fn signals_and_thresholds() {
        let calm =
            NodeUsage { memory_capacity: 8 << 30, memory_working_set: 4 << 30, fs_used: 0, inodes_used: 0 };
        assert!(thresholds_met(&observe(&calm)).is_empty());
        let starved = NodeUsage { memory_working_set: (8 << 30) - (99 << 20), ..calm };
        let met = thresholds_met(&observe(&starved));
        assert_eq!(met.iter().map(|t| t.signal).collect::<Vec<_>>(), [EvictionSignal::MemoryAvailable]);
        // 86% of the disk used: imagefs (15%) is met before nodefs (10%).
        let disk = NodeUsage { fs_used: NODEFS_BYTES * 86 / 100, ..calm };
        let met = thresholds_met(&observe(&disk));
        assert_eq!(met.iter().map(|t| t.signal).collect::<Vec<_>>(), [EvictionSignal::ImageFsAvailable]);
        assert_eq!(met[0].signal.condition(), "DiskPressure");
        let full = NodeUsage { fs_used: NODEFS_BYTES * 95 / 100, inodes_used: NODEFS_INODES, ..calm };
        assert_eq!(thresholds_met(&observe(&full)).len(), 3);
    }

    #[test]
    fn ranking_puts_use_over_request_first_then_priority_then_excess() {
        let mut pods = vec![
            candidate("guaranteed", 0, 1500, 2048),
            candidate("critical", 1000, 900, 0),
            candidate("burstable", 0, 3000, 1024),
            candidate("best-effort", 0, 800, 0),
        ];
        rank(&mut pods);
        let order: Vec<&str> = pods.iter().map(|c| c.uid.as_str()).collect();
        assert_eq!(order, ["burstable", "best-effort", "critical", "guaranteed"]);
    }

    #[test]
    fn message_names_threshold_available_and_offenders() {
        let threshold = HARD_THRESHOLDS[0];
        let observation = Observation { available: 51_200 << 10, capacity: 8 << 30 };
        let message = eviction_message(&threshold, &observation, &[("app".into(), 900 << 20, "0".into())]);
        assert_eq!(
            message,
            "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 900Mi, request is 0, has larger consumption of memory. "
        );
        let odd = Observation { available: 52_428_801, capacity: 8 << 30 };
        assert!(eviction_message(&threshold, &odd, &[]).ends_with("available: 52428801. "));
        let disk = HARD_THRESHOLDS[1];
        let observation = Observation { available: 5 << 30, capacity: NODEFS_BYTES };
        assert_eq!(
            eviction_message(&disk, &observation, &[]),
            "The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi. "
        );
    }

    #[test]
    fn admission_under_pressure() {
        let memory = PressureState { memory_pressure: true, ..Default::default() };
        let disk = PressureState { disk_pressure: true, ..Default::default() };
        let plain = Pod::default();
        assert_eq!(admission_refusal(&PressureState::default(), &plain, "BestEffort"), None);
        assert_eq!(
            admission_refusal(&memory, &plain, "BestEffort").as_deref(),
            Some("The node had condition: [MemoryPressure]. ")
        );
        assert_eq!(admission_refusal(&memory, &plain, "Burstable"), None);
        assert_eq!(
            admission_refusal(&disk, &plain, "Guaranteed").as_deref(),
            Some("The node had condition: [DiskPressure]. ")
        );
        let tolerant = Pod {
            spec: Some(k8s_openapi::api::core::v1::PodSpec {
                tolerations: Some(vec![k8s_openapi::api::core::v1::Toleration {
                    key: Some(MEMORY_PRESSURE_TAINT.into()),
                    operator: Some("Exists".into()),
                    effect: Some("NoSchedule".into()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(admission_refusal(&memory, &tolerant, "BestEffort"), None);
    }
}
