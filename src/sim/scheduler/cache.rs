//! The scheduler cache: a [`ClusterSnapshot`] kept up to date from watch events instead of being
//! rebuilt from the store every cycle, as kube-scheduler's `internal/cache` does.
//!
//! Every change is applied as "make the snapshot agree with this object": a pod is first taken
//! out of wherever it was accounted (a node, a nomination, or waiting for its node to appear) and
//! then placed again from its new state, following exactly the rules of
//! [`ClusterSnapshot::new`]. Replaying an event is therefore harmless, and after the same
//! changes the cache equals a snapshot built afresh (`tests` check this with random changes).
//! PriorityClass changes are rare and alter every pod's priority, so they mark the cache stale
//! and the next cycle rebuilds it.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;

use super::snapshot::{is_active, ClusterSnapshot};

/// (namespace, name) of a pod.
type PodKey = (String, String);

/// Where the cache accounts a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    /// Bound to a known node: counted in its `NodeInfo`.
    Bound(String),
    /// Bound to a node the cache does not know (yet): counted once the node appears.
    Orphan(String),
    /// Pending with `status.nominatedNodeName`.
    Nominated(String),
}

/// A snapshot maintained incrementally.
#[derive(Clone, Debug, Default)]
pub struct SchedulerCache {
    snapshot: ClusterSnapshot,
    places: BTreeMap<PodKey, Place>,
    /// Pods bound to unknown nodes, by node name.
    orphans: BTreeMap<String, BTreeMap<PodKey, Rc<Pod>>>,
    stale: bool,
}

fn pod_key(pod: &Pod) -> PodKey {
    (
        pod.metadata.namespace.clone().unwrap_or_else(|| "default".to_string()),
        pod.metadata.name.clone().unwrap_or_default(),
    )
}

impl SchedulerCache {
    /// A cache holding these objects (what [`ClusterSnapshot::new`] would build).
    pub fn new(
        nodes: &[Node],
        pods: &[Pod],
        claims: &[PersistentVolumeClaim],
        volumes: &[PersistentVolume],
        storage_classes: &[StorageClass],
        priority_classes: &[PriorityClass],
    ) -> Self {
        let mut cache = SchedulerCache {
            snapshot: ClusterSnapshot::new(nodes, &[], claims, volumes, storage_classes, priority_classes),
            ..SchedulerCache::default()
        };
        for pod in pods {
            cache.set_pod(&Rc::new(pod.clone()));
        }
        cache
    }

    /// The snapshot a scheduling cycle reads.
    pub fn snapshot(&self) -> &ClusterSnapshot {
        &self.snapshot
    }

    /// Whether a PriorityClass changed since the cache was built: rebuild it before use.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// Assumes a pod onto a node right after binding, before the bind's own watch event.
    pub fn assume(&mut self, pod: &Pod, node: &str) {
        let mut bound = pod.clone();
        if let Some(spec) = bound.spec.as_mut() {
            spec.node_name = Some(node.to_string());
        }
        self.set_pod(&Rc::new(bound));
    }

    /// Accounts a pod as the snapshot builder would for its current state.
    pub fn set_pod(&mut self, pod: &Rc<Pod>) {
        let key = pod_key(pod);
        self.forget_pod(&key);
        let bound_to = pod.spec.as_ref().and_then(|s| s.node_name.clone()).filter(|n| !n.is_empty());
        let nominated_to = pod.status.as_ref().and_then(|s| s.nominated_node_name.clone());
        let place = match (bound_to, nominated_to) {
            (Some(node), _) if is_active(pod) => {
                if self.snapshot.add_shared_pod(pod, &node) {
                    Place::Bound(node)
                } else {
                    self.orphans.entry(node.clone()).or_default().insert(key.clone(), Rc::clone(pod));
                    Place::Orphan(node)
                }
            }
            (None, Some(node)) if !node.is_empty() && pod.metadata.deletion_timestamp.is_none() => {
                self.snapshot.nominate(pod, &node);
                Place::Nominated(node)
            }
            _ => return,
        };
        self.places.insert(key, place);
    }

    /// Forgets a deleted pod.
    pub fn delete_pod(&mut self, pod: &Pod) {
        self.forget_pod(&pod_key(pod));
    }

    fn forget_pod(&mut self, key: &PodKey) {
        let Some(place) = self.places.remove(key) else { return };
        let (namespace, name) = key;
        match place {
            Place::Bound(node) => {
                self.snapshot.remove_pod(namespace, name, &node);
            }
            Place::Orphan(node) => {
                if let Some(pods) = self.orphans.get_mut(&node) {
                    pods.remove(key);
                    if pods.is_empty() {
                        self.orphans.remove(&node);
                    }
                }
            }
            Place::Nominated(_) => self.snapshot.clear_nomination(namespace, name),
        }
    }

    /// Adds or updates a node; pods waiting for it are accounted to it.
    pub fn set_node(&mut self, node: &Node) {
        self.snapshot.set_node(node);
        let name = node.metadata.name.clone().unwrap_or_default();
        if let Some(waiting) = self.orphans.remove(&name) {
            for (key, pod) in waiting {
                self.places.remove(&key);
                self.set_pod(&pod);
            }
        }
    }

    /// Removes a node; its pods wait for a node of that name to come back.
    pub fn delete_node(&mut self, name: &str) {
        let Some(info) = self.snapshot.node(name) else { return };
        let pods: Vec<Rc<Pod>> = info.pods.iter().map(|p| Rc::clone(&p.pod)).collect();
        self.snapshot.remove_node(name);
        for pod in pods {
            let key = pod_key(&pod);
            self.places.insert(key.clone(), Place::Orphan(name.to_string()));
            self.orphans.entry(name.to_string()).or_default().insert(key, pod);
        }
    }

    pub fn set_claim(&mut self, claim: &PersistentVolumeClaim) {
        self.snapshot.set_claim(claim);
    }

    pub fn delete_claim(&mut self, claim: &PersistentVolumeClaim) {
        let (namespace, name) = (
            claim.metadata.namespace.as_deref().unwrap_or("default"),
            claim.metadata.name.as_deref().unwrap_or_default(),
        );
        self.snapshot.remove_claim(namespace, name);
    }

    pub fn set_volume(&mut self, volume: &PersistentVolume) {
        self.snapshot.set_volume(volume);
    }

    pub fn delete_volume(&mut self, volume: &PersistentVolume) {
        self.snapshot.remove_volume(volume.metadata.name.as_deref().unwrap_or_default());
    }

    pub fn set_storage_class(&mut self, class: &StorageClass) {
        self.snapshot.set_storage_class(class);
    }

    pub fn delete_storage_class(&mut self, class: &StorageClass) {
        self.snapshot.remove_storage_class(class.metadata.name.as_deref().unwrap_or_default());
    }

    /// Priorities are resolved when a pod is accounted, so a class change means a rebuild.
    pub fn priority_classes_changed(&mut self) {
        self.stale = true;
    }
}
