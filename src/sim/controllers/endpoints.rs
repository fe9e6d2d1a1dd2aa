//! The endpoints controllers (`pkg/controller/endpoint`, `pkg/controller/endpointslice`):
//! for every Service with a selector, the pods it selects that have an IP become addresses —
//! `addresses` when Ready and not terminating, `notReadyAddresses` otherwise — in an Endpoints
//! object of the Service's name and in an EndpointSlice `<svc>-<5 chars>` (label
//! `kubernetes.io/service-name`). Services without a selector are left to the user.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort as CoreEndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod,
    Service, ServicePort,
};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{controller_ref, is_pod_ready, Action, Reconciler};
use crate::sim::api::selector;
use crate::sim::api::{DeleteOptions, Object, ObjectKey, WatchEvent};
use crate::sim::Simulation;

/// The label naming the Service an EndpointSlice belongs to.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label naming who manages an EndpointSlice.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// The endpointslice controller's value for [`MANAGED_BY_LABEL`].
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";

/// One selected pod, as both controllers see it.
struct PodEndpoint {
    ip: String,
    pod: Pod,
    ready: bool,
    terminating: bool,
    /// The resolved port per Service port (None: the pod lacks the named port).
    ports: Vec<Option<i32>>,
}

fn selected_pods(sim: &Simulation, service: &Service) -> Option<Vec<PodEndpoint>> {
    let spec = service.spec.as_ref()?;
    let service_selector = spec.selector.as_ref().filter(|s| !s.is_empty())?;
    let namespace = service.metadata.namespace.as_deref().unwrap_or("default");
    let publish_not_ready = spec.publish_not_ready_addresses == Some(true);
    let ports = spec.ports.clone().unwrap_or_default();
    let mut endpoints: Vec<PodEndpoint> = sim
        .store()
        .list("Pod", Some(namespace))
        .filter_map(|o| o.as_pod())
        .filter(|p| {
            selector::matches_map(service_selector, p.metadata.labels.as_ref().unwrap_or(&BTreeMap::new()))
        })
        .filter_map(|pod| {
            let ip = pod.status.as_ref()?.pod_ip.clone().filter(|ip| !ip.is_empty())?;
            let phase = super::pod_phase(pod);
            if phase == "Succeeded" || phase == "Failed" {
                return None;
            }
            let terminating = pod.metadata.deletion_timestamp.is_some();
            Some(PodEndpoint {
                ip,
                ready: publish_not_ready || (is_pod_ready(pod) && !terminating),
                terminating,
                ports: ports.iter().map(|p| resolve_target_port(p, pod)).collect(),
                pod: pod.clone(),
            })
        })
        .collect();
    endpoints.sort_by(|a, b| {
        ip_order(&a.ip).cmp(&ip_order(&b.ip)).then(a.pod.metadata.name.cmp(&b.pod.metadata.name))
    });
    Some(endpoints)
}

fn ip_order(ip: &str) -> Vec<u32> {
    ip.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

/// `podutil.FindPort`: a number as is, a name looked up among the pod's container ports.
fn resolve_target_port(port: &ServicePort, pod: &Pod) -> Option<i32> {
    match port.target_port.as_ref() {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => {
            if let Ok(n) = name.parse::<i32>() {
                return Some(n);
            }
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            pod.spec.as_ref()?.containers.iter().flat_map(|c| c.ports.iter().flatten()).find_map(|cp| {
                (cp.name.as_deref() == Some(name.as_str())
                    && cp.protocol.as_deref().unwrap_or("TCP") == protocol)
                    .then_some(cp.container_port)
            })
        }
    }
}

fn target_ref(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".into()),
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        ..Default::default()
    }
}

fn hostname_for(pod: &Pod, service_name: &str) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    (spec.subdomain.as_deref() == Some(service_name)).then(|| spec.hostname.clone()).flatten()
}

fn service_labels(service: &Service) -> BTreeMap<String, String> {
    let mut labels = service.metadata.labels.clone().unwrap_or_default();
    if service.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
        labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    labels
}

fn service_for(sim: &Simulation, key: &ObjectKey) -> Option<Rc<Object>> {
    sim.store().get("Service", &key.namespace, &key.name).cloned()
}

/// Keys of every Service in the pod's namespace (a pod change may add or remove it from any
/// of them, including through a label change the event no longer shows).
fn service_keys(sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
    let object = &event.object;
    match object.kind() {
        "Service" => vec![ObjectKey::of(object)],
        "Pod" => sim
            .store()
            .list("Service", Some(object.namespace()))
            .filter(|s| {
                s.as_service()
                    .and_then(|s| s.spec.as_ref())
                    .and_then(|s| s.selector.as_ref())
                    .is_some_and(|s| !s.is_empty())
            })
            .map(|s| ObjectKey::of(s))
            .collect(),
        _ => Vec::new(),
    }
}

/// A resolved port: (name, number, protocol).
type PortKey = (String, i32, String);

/// Maintains the legacy Endpoints object of each Service (`endpoint-controller`).
#[derive(Clone, Debug, Default)]
pub struct EndpointsController;

impl EndpointsController {
    /// `syncService`.
    fn sync_service(&self, sim: &mut Simulation, key: &ObjectKey) {
        let service = service_for(sim, key);
        let selected = service
            .as_ref()
            .and_then(|s| s.as_service())
            .and_then(|s| selected_pods(sim, s).map(|p| (s.clone(), p)));
        let Some((service, pods)) = selected else {
            // Deleted Service: its Endpoints go too. Services without a selector keep theirs.
            if service.is_none() && sim.store().get("Endpoints", &key.namespace, &key.name).is_some() {
                let _ = sim.delete("Endpoints", &key.namespace, &key.name, DeleteOptions::default());
            }
            return;
        };
        let service_ports = service.spec.as_ref().and_then(|s| s.ports.clone()).unwrap_or_default();
        // Pods with the same resolved ports share a subset (`RepackSubsets`).
        let mut subsets: BTreeMap<Vec<PortKey>, (Vec<EndpointAddress>, Vec<EndpointAddress>)> =
            BTreeMap::new();
        for pod in &pods {
            if pod.terminating {
                continue;
            }
            let ports: Vec<PortKey> = service_ports
                .iter()
                .zip(&pod.ports)
                .filter_map(|(sp, resolved)| {
                    resolved.map(|n| {
                        (
                            sp.name.clone().unwrap_or_default(),
                            n,
                            sp.protocol.clone().unwrap_or_else(|| "TCP".into()),
                        )
                    })
                })
                .collect();
            if ports.is_empty() && !service_ports.is_empty() {
                continue;
            }
            let address = EndpointAddress {
                ip: pod.ip.clone(),
                hostname: hostname_for(&pod.pod, key.name.as_str()),
                node_name: pod.pod.spec.as_ref().and_then(|s| s.node_name.clone()),
                target_ref: Some(target_ref(&pod.pod)),
            };
            let entry = subsets.entry(ports).or_default();
            if pod.ready {
                entry.0.push(address);
            } else {
                entry.1.push(address);
            }
        }
        let subsets: Vec<EndpointSubset> = subsets
            .into_iter()
            .map(|(ports, (ready, not_ready))| EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then(|| {
                    ports
                        .into_iter()
                        .map(|(name, port, protocol)| CoreEndpointPort {
                            name: (!name.is_empty()).then_some(name),
                            port,
                            protocol: Some(protocol),
                            app_protocol: None,
                        })
                        .collect()
                }),
            })
            .collect();
        let subsets = (!subsets.is_empty()).then_some(subsets);
        let labels = service_labels(&service);
        let labels = (!labels.is_empty()).then_some(labels);
        match sim.store().get("Endpoints", &key.namespace, &key.name).cloned() {
            Some(existing) => {
                let Some(current) = existing.as_endpoints() else { return };
                if current.subsets == subsets && current.metadata.labels == labels {
                    return;
                }
                let mut updated = current.clone();
                updated.subsets = subsets;
                updated.metadata.labels = labels;
                updated.metadata.resource_version = None;
                let _ = sim.update(Object::from(updated));
            }
            None => {
                let _ = sim.create(Object::from(Endpoints {
                    metadata: ObjectMeta {
                        name: Some(key.name.clone()),
                        namespace: Some(key.namespace.clone()),
                        labels,
                        ..Default::default()
                    },
                    subsets,
                }));
            }
        }
    }
}

impl Reconciler for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoint-controller"
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        service_keys(sim, event)
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_service(sim, key);
        Action::await_change()
    }
}

/// Maintains the EndpointSlices of each Service (`endpointslice-controller`).
#[derive(Clone, Debug, Default)]
pub struct EndpointSliceController;

impl EndpointSliceController {
    /// `syncService`: one IPv4 slice holding every selected pod with an IP.
    fn sync_service(&self, sim: &mut Simulation, key: &ObjectKey) {
        let Some(service_object) = service_for(sim, key) else { return };
        let Some(service) = service_object.as_service() else { return };
        let Some(pods) = selected_pods(sim, service) else { return };
        let service_ports = service.spec.as_ref().and_then(|s| s.ports.clone()).unwrap_or_default();
        let ports: Vec<EndpointPort> = service_ports
            .iter()
            .enumerate()
            .filter_map(|(i, sp)| {
                let resolved = pods.iter().find_map(|p| p.ports.get(i).copied().flatten())?;
                Some(EndpointPort {
                    name: Some(sp.name.clone().unwrap_or_default()),
                    port: Some(resolved),
                    protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                    app_protocol: sp.app_protocol.clone(),
                })
            })
            .collect();
        let zones = node_zones(sim);
        let endpoints: Vec<Endpoint> = pods
            .iter()
            .map(|p| {
                let node = p.pod.spec.as_ref().and_then(|s| s.node_name.clone());
                Endpoint {
                    addresses: vec![p.ip.clone()],
                    conditions: Some(EndpointConditions {
                        ready: Some(p.ready),
                        serving: Some(is_pod_ready(&p.pod)),
                        terminating: Some(p.terminating),
                    }),
                    hostname: hostname_for(&p.pod, key.name.as_str()),
                    zone: node.as_ref().and_then(|n| zones.get(n).cloned()),
                    node_name: node,
                    target_ref: Some(target_ref(&p.pod)),
                    ..Default::default()
                }
            })
            .collect();
        let mut labels = service_labels(service);
        labels.insert(SERVICE_NAME_LABEL.into(), key.name.clone());
        labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
        let endpoints = (!endpoints.is_empty()).then_some(endpoints);
        let existing = sim
            .store()
            .list("EndpointSlice", Some(&key.namespace))
            .find(|s| {
                s.labels().get(SERVICE_NAME_LABEL) == Some(&key.name)
                    && s.labels().get(MANAGED_BY_LABEL).map(String::as_str) == Some(MANAGED_BY)
            })
            .cloned();
        match existing.as_ref().and_then(|e| e.as_endpoint_slice()) {
            Some(current) => {
                if current.endpoints == endpoints
                    && current.ports.as_ref() == Some(&ports)
                    && current.metadata.labels.as_ref() == Some(&labels)
                {
                    return;
                }
                let mut updated = current.clone();
                updated.endpoints = endpoints;
                updated.ports = Some(ports);
                updated.metadata.labels = Some(labels);
                updated.metadata.resource_version = None;
                let _ = sim.update(Object::from(updated));
            }
            None => {
                let _ = sim.create(Object::from(EndpointSlice {
                    metadata: ObjectMeta {
                        generate_name: Some(format!("{}-", key.name)),
                        namespace: Some(key.namespace.clone()),
                        labels: Some(labels),
                        owner_references: Some(vec![controller_ref(&service_object)]),
                        ..Default::default()
                    },
                    address_type: "IPv4".into(),
                    endpoints,
                    ports: Some(ports),
                }));
            }
        }
    }
}

fn node_zones(sim: &Simulation) -> BTreeMap<String, String> {
    sim.store()
        .list("Node", None)
        .filter_map(|n| {
            n.labels().get("topology.kubernetes.io/zone").map(|z| (n.name().to_string(), z.clone()))
        })
        .collect()
}

impl Reconciler for EndpointSliceController {
    fn name(&self) -> &'static str {
        "endpointslice-controller"
    }

    fn keys_for(&mut self, sim: &Simulation, event: &WatchEvent) -> Vec<ObjectKey> {
        service_keys(sim, event)
    }

    fn reconcile(&mut self, sim: &mut Simulation, key: &ObjectKey) -> Action {
        self.sync_service(sim, key);
        Action::await_change()
    }
}
