//! What the scheduler sees of the cluster: `PodInfo` (a pod with its requests, priority and
//! affinity terms computed once), `NodeInfo` (a node with its pods and running totals, updated
//! incrementally) and `ClusterSnapshot` (every node sorted by name, plus volumes and priority
//! classes), built from plain slices of API objects.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{
    Container, Node, PersistentVolume, PersistentVolumeClaim, Pod, PodAffinityTerm, ResourceRequirements,
};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::labels::{Labels, Selector};
use crate::sim::quantity::ParsedQuantity;

/// Requests assumed for a container without any, for scoring only (`schedutil.DefaultMilliCPURequest`).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `schedutil.DefaultMemoryRequest`: 200 MB.
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;
/// Kubelet's default `maxPods`, used when a node does not report allocatable pods.
pub const DEFAULT_MAX_PODS: i64 = 110;

/// An amount of every resource the scheduler accounts for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    pub allowed_pods: i64,
    /// Extended resources (`nvidia.com/gpu`, hugepages, ...), in whole units.
    pub scalar: BTreeMap<String, i64>,
}

fn quantity_value(name: &str, q: &Quantity) -> i64 {
    match ParsedQuantity::parse(&q.0) {
        Ok(parsed) if name == "cpu" => parsed.milli_value(),
        Ok(parsed) => parsed.value(),
        Err(_) => 0,
    }
}

impl Resource {
    pub fn from_list(list: Option<&BTreeMap<String, Quantity>>) -> Self {
        let mut r = Resource::default();
        for (name, q) in list.into_iter().flatten() {
            r.set(name, quantity_value(name, q));
        }
        r
    }

    fn set(&mut self, name: &str, value: i64) {
        match name {
            "cpu" => self.milli_cpu = value,
            "memory" => self.memory = value,
            "ephemeral-storage" => self.ephemeral_storage = value,
            "pods" => self.allowed_pods = value,
            _ => {
                self.scalar.insert(name.to_string(), value);
            }
        }
    }

    pub fn add(&mut self, other: &Resource) {
        self.milli_cpu += other.milli_cpu;
        self.memory += other.memory;
        self.ephemeral_storage += other.ephemeral_storage;
        for (k, v) in &other.scalar {
            *self.scalar.entry(k.clone()).or_insert(0) += v;
        }
    }

    pub fn sub(&mut self, other: &Resource) {
        self.milli_cpu -= other.milli_cpu;
        self.memory -= other.memory;
        self.ephemeral_storage -= other.ephemeral_storage;
        for (k, v) in &other.scalar {
            *self.scalar.entry(k.clone()).or_insert(0) -= v;
        }
    }

    fn max_with(&mut self, other: &Resource) {
        self.milli_cpu = self.milli_cpu.max(other.milli_cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(other.ephemeral_storage);
        for (k, v) in &other.scalar {
            let entry = self.scalar.entry(k.clone()).or_insert(0);
            *entry = (*entry).max(*v);
        }
    }

    pub fn is_zero(&self) -> bool {
        self.milli_cpu == 0
            && self.memory == 0
            && self.ephemeral_storage == 0
            && self.scalar.values().all(|v| *v == 0)
    }
}

fn container_requests(resources: Option<&ResourceRequirements>) -> Resource {
    Resource::from_list(resources.and_then(|r| r.requests.as_ref()))
}

fn non_zero(c: &Container) -> (i64, i64) {
    let req = container_requests(c.resources.as_ref());
    let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
    let has = |name: &str| requests.is_some_and(|m| m.contains_key(name));
    (
        if has("cpu") { req.milli_cpu } else { DEFAULT_MILLI_CPU_REQUEST },
        if has("memory") { req.memory } else { DEFAULT_MEMORY_REQUEST },
    )
}

fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// The pod's effective requests (`resourcehelper.PodRequests`): the sum of the app containers
/// (plus sidecars), or the largest init-container step if bigger, plus the pod overhead.
/// With `non_zero`, containers missing cpu/memory requests count the scoring defaults.
fn pod_requests(pod: &Pod, non_zero_defaults: bool) -> Resource {
    let Some(spec) = pod.spec.as_ref() else {
        return Resource::default();
    };
    let request_of = |c: &Container| {
        let mut r = container_requests(c.resources.as_ref());
        if non_zero_defaults {
            let (cpu, mem) = non_zero(c);
            r.milli_cpu = cpu;
            r.memory = mem;
        }
        r
    };
    let mut total = Resource::default();
    for c in &spec.containers {
        total.add(&request_of(c));
    }
    let mut sidecars = Resource::default();
    let mut init_peak = Resource::default();
    for c in spec.init_containers.iter().flatten() {
        let req = request_of(c);
        let step = if is_sidecar(c) {
            total.add(&req);
            sidecars.add(&req);
            sidecars.clone()
        } else {
            let mut step = req;
            step.add(&sidecars);
            step
        };
        init_peak.max_with(&step);
    }
    total.max_with(&init_peak);
    // Pod-level requests (PodLevelResources, on by default since v1.34) replace the container
    // sums for the resources they name.
    let pod_level = spec.resources.as_ref().and_then(|r| r.requests.as_ref());
    if let Some(requests) = pod_level {
        let level = Resource::from_list(Some(requests));
        if requests.contains_key("cpu") {
            total.milli_cpu = level.milli_cpu;
        }
        if requests.contains_key("memory") {
            total.memory = level.memory;
        }
    }
    if let Some(overhead) = spec.overhead.as_ref() {
        total.add(&Resource::from_list(Some(overhead)));
    }
    total
}

/// A host port a pod occupies on its node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i32,
}

impl HostPort {
    /// Two uses conflict on the same port and protocol when either binds every address.
    pub fn conflicts(&self, other: &HostPort) -> bool {
        let wildcard = |ip: &str| ip.is_empty() || ip == "0.0.0.0";
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == other.ip || wildcard(&self.ip) || wildcard(&other.ip))
    }
}

/// A pod (anti-)affinity term compiled once.
#[derive(Clone, Debug)]
pub struct AffinityTerm {
    pub selector: Selector,
    /// Namespaces the term looks at; empty with `all_namespaces` false means the pod's own.
    pub namespaces: Vec<String>,
    pub namespace_selector: Option<Selector>,
    pub topology_key: String,
    pub weight: i64,
}

impl AffinityTerm {
    fn compile(term: &PodAffinityTerm, pod_namespace: &str, pod_labels: &Labels, weight: i32) -> Self {
        let mut selector = Selector::from_label_selector(term.label_selector.as_ref());
        for key in term.match_label_keys.iter().flatten() {
            if let Some(value) = pod_labels.get(key) {
                selector.require(key, value);
            }
        }
        let mut namespaces = term.namespaces.clone().unwrap_or_default();
        let namespace_selector =
            term.namespace_selector.as_ref().map(|s| Selector::from_label_selector(Some(s)));
        if namespaces.is_empty() && namespace_selector.is_none() {
            namespaces.push(pod_namespace.to_string());
        }
        AffinityTerm {
            selector,
            namespaces,
            namespace_selector,
            topology_key: term.topology_key.clone(),
            weight: i64::from(weight),
        }
    }

    /// Whether an existing pod is one this term talks about. Namespace selectors are matched
    /// against the namespace's well-known `kubernetes.io/metadata.name` label.
    pub fn matches(&self, other: &PodInfo) -> bool {
        let in_namespace = self.namespaces.contains(&other.namespace)
            || self.namespace_selector.as_ref().is_some_and(|s| {
                let mut ns_labels = Labels::new();
                ns_labels.insert("kubernetes.io/metadata.name".to_string(), other.namespace.clone());
                s.matches(&ns_labels)
            });
        in_namespace && self.selector.matches(&other.labels)
    }
}

/// A pod with everything the plugins need computed once.
#[derive(Clone, Debug)]
pub struct PodInfo {
    /// The pod itself, shared with the API store's object.
    pub pod: Rc<Pod>,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: Labels,
    pub requests: Resource,
    /// Requests with the scoring defaults for containers that request nothing.
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub priority: i32,
    pub host_ports: Vec<HostPort>,
    pub required_affinity: Vec<AffinityTerm>,
    pub required_anti_affinity: Vec<AffinityTerm>,
    pub preferred_affinity: Vec<AffinityTerm>,
    pub preferred_anti_affinity: Vec<AffinityTerm>,
    /// Milliseconds of `status.startTime` since the epoch, for preemption tie-breaks.
    pub start_time_ms: i64,
    /// Normalised image names of every container (init containers first).
    pub images: Vec<String>,
}

impl PodInfo {
    /// Builds the info; `priority_classes` resolves `priorityClassName` when `spec.priority`
    /// was not set by admission.
    pub fn new(pod: &Pod, priority_classes: &[PriorityClass]) -> Self {
        Self::shared(Rc::new(pod.clone()), priority_classes)
    }

    /// Builds the info around a pod shared with the store: the cache holds every bound pod, and
    /// a copy each would double the memory pods take.
    pub fn shared(shared: Rc<Pod>, priority_classes: &[PriorityClass]) -> Self {
        let pod: &Pod = &shared;
        let namespace = pod.metadata.namespace.clone().unwrap_or_else(|| "default".to_string());
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        let spec = pod.spec.as_ref();
        let requests = pod_requests(pod, false);
        let non_zero = pod_requests(pod, true);
        let host_ports = spec
            .into_iter()
            .flat_map(|s| s.containers.iter().chain(s.init_containers.iter().flatten()))
            .flat_map(|c| c.ports.iter().flatten())
            .filter_map(|p| {
                let port = p.host_port.filter(|hp| *hp > 0)?;
                Some(HostPort {
                    ip: p.host_ip.clone().unwrap_or_default(),
                    protocol: p.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
                    port,
                })
            })
            .collect();
        let affinity = spec.and_then(|s| s.affinity.as_ref());
        let pod_affinity = affinity.and_then(|a| a.pod_affinity.as_ref());
        let pod_anti = affinity.and_then(|a| a.pod_anti_affinity.as_ref());
        let compile_required = |terms: Option<&Vec<PodAffinityTerm>>| {
            terms.into_iter().flatten().map(|t| AffinityTerm::compile(t, &namespace, &labels, 1)).collect()
        };
        let compile_preferred = |terms: Option<&Vec<k8s_openapi::api::core::v1::WeightedPodAffinityTerm>>| {
            terms
                .into_iter()
                .flatten()
                .map(|w| AffinityTerm::compile(&w.pod_affinity_term, &namespace, &labels, w.weight))
                .collect()
        };
        let priority =
            spec.and_then(|s| s.priority).unwrap_or_else(|| resolve_priority(pod, priority_classes));
        let start_time_ms = pod
            .status
            .as_ref()
            .and_then(|s| s.start_time.as_ref())
            .map(|t| t.0.as_millisecond())
            .unwrap_or(i64::MAX);
        PodInfo {
            namespace: namespace.clone(),
            name: pod.metadata.name.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            requests,
            non_zero_milli_cpu: non_zero.milli_cpu,
            non_zero_memory: non_zero.memory,
            priority,
            host_ports,
            required_affinity: compile_required(
                pod_affinity.and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref()),
            ),
            required_anti_affinity: compile_required(
                pod_anti.and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref()),
            ),
            preferred_affinity: compile_preferred(
                pod_affinity.and_then(|a| a.preferred_during_scheduling_ignored_during_execution.as_ref()),
            ),
            preferred_anti_affinity: compile_preferred(
                pod_anti.and_then(|a| a.preferred_during_scheduling_ignored_during_execution.as_ref()),
            ),
            start_time_ms,
            images: spec
                .into_iter()
                .flat_map(|s| s.init_containers.iter().flatten().chain(s.containers.iter()))
                .map(|c| c.image.as_deref().map(normalize_image_name).unwrap_or_default())
                .collect(),
            labels,
            pod: shared,
        }
    }

    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn has_affinity_terms(&self) -> bool {
        !self.required_affinity.is_empty()
            || !self.required_anti_affinity.is_empty()
            || !self.preferred_affinity.is_empty()
            || !self.preferred_anti_affinity.is_empty()
    }

    pub fn terminating(&self) -> bool {
        self.pod.metadata.deletion_timestamp.is_some()
    }

    pub fn preemption_never(&self) -> bool {
        self.pod.spec.as_ref().and_then(|s| s.preemption_policy.as_deref()) == Some("Never")
    }
}

/// `spec.priorityClassName`, else the `globalDefault` class, else 0.
pub fn resolve_priority(pod: &Pod, priority_classes: &[PriorityClass]) -> i32 {
    let class_name = pod.spec.as_ref().and_then(|s| s.priority_class_name.as_deref());
    let class = match class_name {
        Some(name) => priority_classes.iter().find(|c| c.metadata.name.as_deref() == Some(name)),
        None => priority_classes.iter().find(|c| c.global_default == Some(true)),
    };
    class.and_then(|c| c.value).unwrap_or(match class_name {
        Some("system-node-critical") => 2_000_001_000,
        Some("system-cluster-critical") => 2_000_000_000,
        _ => 0,
    })
}

/// A node with the pods assigned to it and running totals.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub node: Node,
    pub name: String,
    pub allocatable: Resource,
    /// Σ requests of the pods on the node.
    pub requested: Resource,
    /// Σ requests with scoring defaults (cpu/memory only).
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub pods: Vec<Rc<PodInfo>>,
    pub used_ports: Vec<HostPort>,
    /// How many pods here carry (anti-)affinity terms; lets InterPodAffinity skip quiet nodes.
    pub pods_with_affinity: usize,
    pub pods_with_required_anti_affinity: usize,
    /// Image name → size in bytes, from `status.images`.
    pub images: BTreeMap<String, i64>,
    /// Non-terminating pods grouped by (namespace, labels): replicas share one entry, so
    /// counting pods that match a selector costs one match per group, not per pod.
    pub label_groups: Vec<LabelGroup>,
}

/// Pods of one namespace with identical labels on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelGroup {
    pub namespace: String,
    pub labels: Labels,
    pub count: usize,
}

impl NodeInfo {
    pub fn new(node: &Node) -> Self {
        let status = node.status.as_ref();
        let mut allocatable =
            Resource::from_list(status.and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref())));
        if allocatable.allowed_pods == 0 {
            allocatable.allowed_pods = DEFAULT_MAX_PODS;
        }
        let mut images = BTreeMap::new();
        for image in status.and_then(|s| s.images.as_ref()).into_iter().flatten() {
            for name in image.names.iter().flatten() {
                images.insert(normalize_image_name(name), image.size_bytes.unwrap_or(0));
            }
        }
        NodeInfo {
            name: node.metadata.name.clone().unwrap_or_default(),
            node: node.clone(),
            allocatable,
            requested: Resource::default(),
            non_zero_milli_cpu: 0,
            non_zero_memory: 0,
            pods: Vec::new(),
            used_ports: Vec::new(),
            pods_with_affinity: 0,
            pods_with_required_anti_affinity: 0,
            images,
            label_groups: Vec::new(),
        }
    }

    pub fn labels(&self) -> &Labels {
        super::labels::node_labels(&self.node)
    }

    pub fn add_pod(&mut self, pod: Rc<PodInfo>) {
        self.requested.add(&pod.requests);
        self.non_zero_milli_cpu += pod.non_zero_milli_cpu;
        self.non_zero_memory += pod.non_zero_memory;
        self.used_ports.extend(pod.host_ports.iter().cloned());
        if pod.has_affinity_terms() {
            self.pods_with_affinity += 1;
        }
        if !pod.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity += 1;
        }
        if !pod.terminating() {
            match self
                .label_groups
                .iter_mut()
                .find(|g| g.namespace == pod.namespace && g.labels == pod.labels)
            {
                Some(group) => group.count += 1,
                None => self.label_groups.push(LabelGroup {
                    namespace: pod.namespace.clone(),
                    labels: pod.labels.clone(),
                    count: 1,
                }),
            }
        }
        // Kept in (namespace, name) order, the order a snapshot built from the store has, so
        // an incrementally maintained snapshot breaks ties (preemption victims) identically.
        let position = self.pods.partition_point(|p| {
            (p.namespace.as_str(), p.name.as_str()) <= (pod.namespace.as_str(), pod.name.as_str())
        });
        self.pods.insert(position, pod);
    }

    /// Removes the pod with this uid (or namespace/name when uids are empty); returns it.
    pub fn remove_pod(&mut self, namespace: &str, name: &str) -> Option<Rc<PodInfo>> {
        let index = self.pods.iter().position(|p| p.namespace == namespace && p.name == name)?;
        let pod = self.pods.remove(index);
        self.requested.sub(&pod.requests);
        self.non_zero_milli_cpu -= pod.non_zero_milli_cpu;
        self.non_zero_memory -= pod.non_zero_memory;
        for port in &pod.host_ports {
            if let Some(i) = self.used_ports.iter().position(|p| p == port) {
                self.used_ports.remove(i);
            }
        }
        if pod.has_affinity_terms() {
            self.pods_with_affinity -= 1;
        }
        if !pod.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity -= 1;
        }
        if !pod.terminating() {
            if let Some(i) =
                self.label_groups.iter().position(|g| g.namespace == pod.namespace && g.labels == pod.labels)
            {
                if let Some(group) = self.label_groups.get_mut(i) {
                    group.count -= 1;
                    if group.count == 0 {
                        self.label_groups.remove(i);
                    }
                }
            }
        }
        Some(pod)
    }
}

/// `nginx` → `docker.io/library/nginx:latest`, so pod images and node image lists compare.
pub fn normalize_image_name(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_segment = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let mut name = without_digest.to_string();
    if !last_segment.contains(':') && !image.contains('@') {
        name.push_str(":latest");
    }
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        name
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    }
}

/// Everything a scheduling cycle reads. Nodes are sorted by name.
#[derive(Clone, Debug, Default)]
pub struct ClusterSnapshot {
    pub nodes: Vec<NodeInfo>,
    node_index: BTreeMap<String, usize>,
    /// Keyed by (namespace, name).
    pub claims: BTreeMap<(String, String), PersistentVolumeClaim>,
    pub volumes: BTreeMap<String, PersistentVolume>,
    pub storage_classes: BTreeMap<String, StorageClass>,
    pub priority_classes: Vec<PriorityClass>,
    /// How many nodes hold each normalised image (ImageLocality's spread factor).
    pub image_node_counts: BTreeMap<String, usize>,
    /// Pending pods nominated to a node by preemption (`status.nominatedNodeName`): filters
    /// treat them as already there for pods of lower or equal priority.
    pub nominated: BTreeMap<String, Vec<Rc<PodInfo>>>,
    /// Spread counts kept up to date on every add/remove: for each group of identically
    /// labelled pods, how many sit in each (topology key, value) domain.
    pub domain_counts: DomainCounts,
    /// How many nodes carry each label key (a spread constraint may use `domain_counts` only
    /// when every node has its keys).
    pub label_key_nodes: BTreeMap<String, usize>,
    /// Σ over nodes of `pods_with_affinity` and `pods_with_required_anti_affinity`, so
    /// InterPodAffinity can skip a cycle without visiting every node.
    pub pods_with_affinity: usize,
    pub pods_with_required_anti_affinity: usize,
}

/// (namespace, pod labels) → (topology key, value) → number of such pods in that domain.
pub type DomainCounts = BTreeMap<(String, Labels), BTreeMap<(String, String), i64>>;

fn count_domains(counts: &mut DomainCounts, node: &NodeInfo, pod: &PodInfo, delta: i64) {
    if pod.terminating() {
        return;
    }
    let domains = counts.entry((pod.namespace.clone(), pod.labels.clone())).or_default();
    for (key, value) in node.labels() {
        let slot = domains.entry((key.clone(), value.clone())).or_insert(0);
        *slot += delta;
        if *slot == 0 {
            domains.remove(&(key.clone(), value.clone()));
        }
    }
    if domains.is_empty() {
        counts.remove(&(pod.namespace.clone(), pod.labels.clone()));
    }
}

/// Whether a pod still holds node resources (not Succeeded/Failed).
pub(crate) fn is_active(pod: &Pod) -> bool {
    !matches!(pod.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded") | Some("Failed"))
}

impl ClusterSnapshot {
    /// Builds the snapshot. Pods with `spec.nodeName` on a known node are accounted to it;
    /// terminated pods and pods of unknown nodes are left out, as the scheduler cache does.
    pub fn new(
        nodes: &[Node],
        pods: &[Pod],
        claims: &[PersistentVolumeClaim],
        volumes: &[PersistentVolume],
        storage_classes: &[StorageClass],
        priority_classes: &[PriorityClass],
    ) -> Self {
        let mut infos: Vec<NodeInfo> = nodes.iter().map(NodeInfo::new).collect();
        infos.sort_by(|a, b| a.name.cmp(&b.name));
        let node_index = infos.iter().enumerate().map(|(i, n)| (n.name.clone(), i)).collect();
        let mut image_node_counts = BTreeMap::new();
        for info in &infos {
            for image in info.images.keys() {
                *image_node_counts.entry(image.clone()).or_insert(0) += 1;
            }
        }
        let mut snapshot = ClusterSnapshot {
            nodes: infos,
            node_index,
            claims: claims
                .iter()
                .map(|c| {
                    let key = (
                        c.metadata.namespace.clone().unwrap_or_else(|| "default".to_string()),
                        c.metadata.name.clone().unwrap_or_default(),
                    );
                    (key, c.clone())
                })
                .collect(),
            volumes: volumes
                .iter()
                .map(|v| (v.metadata.name.clone().unwrap_or_default(), v.clone()))
                .collect(),
            storage_classes: storage_classes
                .iter()
                .map(|s| (s.metadata.name.clone().unwrap_or_default(), s.clone()))
                .collect(),
            priority_classes: priority_classes.to_vec(),
            image_node_counts,
            nominated: BTreeMap::new(),
            domain_counts: BTreeMap::new(),
            label_key_nodes: BTreeMap::new(),
            pods_with_affinity: 0,
            pods_with_required_anti_affinity: 0,
        };
        snapshot.reindex();
        for pod in pods {
            let bound_to = pod.spec.as_ref().and_then(|s| s.node_name.clone()).filter(|n| !n.is_empty());
            let nominated_to = pod.status.as_ref().and_then(|s| s.nominated_node_name.clone());
            match (bound_to, nominated_to) {
                (Some(node), _) if is_active(pod) => {
                    snapshot.add_pod(pod, &node);
                }
                (None, Some(node)) if !node.is_empty() && pod.metadata.deletion_timestamp.is_none() => {
                    snapshot.nominate(pod, &node);
                }
                _ => {}
            }
        }
        snapshot
    }

    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.node_index.get(name).copied()
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.node_index(name).and_then(|i| self.nodes.get(i))
    }

    /// Accounts a pod to a node (after binding, or to assume it); false if the node is unknown.
    pub fn add_pod(&mut self, pod: &Pod, node_name: &str) -> bool {
        self.add_shared_pod(&Rc::new(pod.clone()), node_name)
    }

    /// [`ClusterSnapshot::add_pod`] for a pod shared with the store.
    pub fn add_shared_pod(&mut self, pod: &Rc<Pod>, node_name: &str) -> bool {
        let info = Rc::new(PodInfo::shared(Rc::clone(pod), &self.priority_classes));
        if !self.nominated.is_empty() {
            self.clear_nomination(&info.namespace, &info.name);
        }
        match self.node_index(node_name).and_then(|i| self.nodes.get_mut(i)) {
            Some(node) => {
                count_domains(&mut self.domain_counts, node, &info, 1);
                self.pods_with_affinity += usize::from(info.has_affinity_terms());
                self.pods_with_required_anti_affinity += usize::from(!info.required_anti_affinity.is_empty());
                node.add_pod(info);
                true
            }
            None => false,
        }
    }

    /// Forgets a pod (deleted, or finished); returns whether it was known.
    pub fn remove_pod(&mut self, namespace: &str, name: &str, node_name: &str) -> bool {
        let Some(node) = self.node_index(node_name).and_then(|i| self.nodes.get_mut(i)) else {
            return false;
        };
        match node.remove_pod(namespace, name) {
            Some(pod) => {
                count_domains(&mut self.domain_counts, node, &pod, -1);
                self.pods_with_affinity -= usize::from(pod.has_affinity_terms());
                self.pods_with_required_anti_affinity -= usize::from(!pod.required_anti_affinity.is_empty());
                true
            }
            None => false,
        }
    }

    pub fn pod_count(&self) -> usize {
        self.nodes.iter().map(|n| n.pods.len()).sum()
    }

    /// Adds a node or replaces its object (labels, taints, allocatable), keeping its pods.
    pub fn set_node(&mut self, node: &Node) {
        let mut info = NodeInfo::new(node);
        match self.node_index(&info.name).and_then(|i| self.nodes.get_mut(i)) {
            Some(existing) => {
                // Status-only updates (heartbeats, conditions, taints) keep the indexes valid.
                let same_topology = existing.labels() == info.labels() && existing.images == info.images;
                for pod in std::mem::take(&mut existing.pods) {
                    info.add_pod(pod);
                }
                *existing = info;
                if same_topology {
                    return;
                }
            }
            None => self.nodes.push(info),
        }
        self.reindex();
    }

    /// Forgets a node and the pods accounted to it.
    pub fn remove_node(&mut self, name: &str) -> bool {
        let before = self.nodes.len();
        self.nodes.retain(|n| n.name != name);
        self.reindex();
        self.nodes.len() != before
    }

    /// Records that `pod` waits for room on `node` (replacing any earlier nomination).
    pub fn nominate(&mut self, pod: &Pod, node: &str) {
        let info = Rc::new(PodInfo::new(pod, &self.priority_classes));
        self.clear_nomination(&info.namespace, &info.name);
        let pods = self.nominated.entry(node.to_string()).or_default();
        let position = pods.partition_point(|p| {
            (p.namespace.as_str(), p.name.as_str()) <= (info.namespace.as_str(), info.name.as_str())
        });
        pods.insert(position, info);
    }

    /// Drops a pod's nomination (it was bound, deleted, or nominated elsewhere).
    pub fn clear_nomination(&mut self, namespace: &str, name: &str) {
        for pods in self.nominated.values_mut() {
            pods.retain(|p| !(p.namespace == namespace && p.name == name));
        }
        self.nominated.retain(|_, pods| !pods.is_empty());
    }

    /// Adds or replaces a claim.
    pub fn set_claim(&mut self, claim: &PersistentVolumeClaim) {
        let key = (
            claim.metadata.namespace.clone().unwrap_or_else(|| "default".to_string()),
            claim.metadata.name.clone().unwrap_or_default(),
        );
        self.claims.insert(key, claim.clone());
    }

    pub fn remove_claim(&mut self, namespace: &str, name: &str) {
        self.claims.remove(&(namespace.to_string(), name.to_string()));
    }

    pub fn remove_volume(&mut self, name: &str) {
        self.volumes.remove(name);
    }

    /// Adds or replaces a StorageClass.
    pub fn set_storage_class(&mut self, class: &StorageClass) {
        self.storage_classes.insert(class.metadata.name.clone().unwrap_or_default(), class.clone());
    }

    pub fn remove_storage_class(&mut self, name: &str) {
        self.storage_classes.remove(name);
    }

    /// Adds or replaces a volume.
    pub fn set_volume(&mut self, volume: &PersistentVolume) {
        self.volumes.insert(volume.metadata.name.clone().unwrap_or_default(), volume.clone());
    }

    fn reindex(&mut self) {
        self.nodes.sort_by(|a, b| a.name.cmp(&b.name));
        self.node_index = self.nodes.iter().enumerate().map(|(i, n)| (n.name.clone(), i)).collect();
        self.image_node_counts.clear();
        self.label_key_nodes.clear();
        self.domain_counts.clear();
        self.pods_with_affinity = self.nodes.iter().map(|n| n.pods_with_affinity).sum();
        self.pods_with_required_anti_affinity =
            self.nodes.iter().map(|n| n.pods_with_required_anti_affinity).sum();
        for info in &self.nodes {
            for image in info.images.keys() {
                *self.image_node_counts.entry(image.clone()).or_insert(0) += 1;
            }
            for key in info.labels().keys() {
                *self.label_key_nodes.entry(key.clone()).or_insert(0) += 1;
            }
            for pod in &info.pods {
                count_domains(&mut self.domain_counts, info, pod, 1);
            }
        }
    }
}

/// Everything a snapshot holds, in a canonical order, so two snapshots can be compared.
#[derive(Debug, PartialEq)]
pub struct SnapshotSummary {
    pub nodes: Vec<NodeSummary>,
    /// Node → (namespace, name, priority) of the pods nominated to it.
    pub nominated: Vec<(String, Vec<NominatedSummary>)>,
    pub claims: Vec<(String, String)>,
    pub volumes: Vec<String>,
    pub storage_classes: Vec<String>,
    pub image_node_counts: BTreeMap<String, usize>,
    pub domain_counts: DomainCounts,
    pub label_key_nodes: BTreeMap<String, usize>,
    pub pods_with_affinity: (usize, usize),
}

/// A nominated pod in a [`SnapshotSummary`]: namespace, name, priority.
pub type NominatedSummary = (String, String, i32);

/// One node of a [`SnapshotSummary`].
#[derive(Debug, PartialEq)]
pub struct NodeSummary {
    pub node: Node,
    pub allocatable: Resource,
    pub requested: Resource,
    pub non_zero: (i64, i64),
    pub pods: Vec<(Pod, i32)>,
    pub used_ports: Vec<HostPort>,
    pub pods_with_affinity: (usize, usize),
    pub label_groups: Vec<(String, Labels, usize)>,
}

impl ClusterSnapshot {
    /// The canonical summary (label groups and ports sorted; everything else is ordered).
    pub fn summary(&self) -> SnapshotSummary {
        SnapshotSummary {
            nodes: self
                .nodes
                .iter()
                .map(|n| {
                    let mut used_ports = n.used_ports.clone();
                    used_ports.sort();
                    let mut label_groups: Vec<(String, Labels, usize)> = n
                        .label_groups
                        .iter()
                        .map(|g| (g.namespace.clone(), g.labels.clone(), g.count))
                        .collect();
                    label_groups.sort();
                    NodeSummary {
                        node: n.node.clone(),
                        allocatable: n.allocatable.clone(),
                        requested: n.requested.clone(),
                        non_zero: (n.non_zero_milli_cpu, n.non_zero_memory),
                        pods: n.pods.iter().map(|p| (Pod::clone(&p.pod), p.priority)).collect(),
                        used_ports,
                        pods_with_affinity: (n.pods_with_affinity, n.pods_with_required_anti_affinity),
                        label_groups,
                    }
                })
                .collect(),
            nominated: self
                .nominated
                .iter()
                .map(|(node, pods)| {
                    (
                        node.clone(),
                        pods.iter().map(|p| (p.namespace.clone(), p.name.clone(), p.priority)).collect(),
                    )
                })
                .collect(),
            claims: self.claims.keys().cloned().collect(),
            volumes: self.volumes.keys().cloned().collect(),
            storage_classes: self.storage_classes.keys().cloned().collect(),
            image_node_counts: self.image_node_counts.clone(),
            domain_counts: self.domain_counts.clone(),
            label_key_nodes: self.label_key_nodes.clone(),
            pods_with_affinity: (self.pods_with_affinity, self.pods_with_required_anti_affinity),
        }
    }
}
