//! The Endpoints and EndpointSlice controllers against a fake kubelet.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, wait};
use podlab::sim::Simulation;

const APP: &str = "
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: web, port: 80, targetPort: http}]
";

fn endpoints(sim: &Simulation) -> k8s_openapi::api::core::v1::Endpoints {
    sim.store()
        .get("Endpoints", "default", "web")
        .and_then(|o| o.as_endpoints().cloned())
        .expect("Endpoints web")
}

#[test]
fn ready_pods_become_endpoint_addresses_with_the_named_target_port() {
    let mut sim = cluster();
    apply(&mut sim, APP);
    wait(&mut sim, 1);
    // Pods have no IP yet: nothing to list.
    assert_eq!(endpoints(&sim).subsets, None);
    wait(&mut sim, 5);
    let ep = endpoints(&sim);
    let subset = &ep.subsets.unwrap()[0];
    let addresses = subset.addresses.clone().unwrap();
    assert_eq!(addresses.len(), 2);
    assert!(addresses.iter().all(
        |a| a.ip.starts_with("10.244.") && a.target_ref.as_ref().unwrap().kind.as_deref() == Some("Pod")
    ));
    let port = &subset.ports.as_ref().unwrap()[0];
    assert_eq!((port.name.as_deref(), port.port, port.protocol.as_deref()), (Some("web"), 8080, Some("TCP")));

    let slice = sim
        .store()
        .list("EndpointSlice", Some("default"))
        .find(|s| s.labels().get("kubernetes.io/service-name").map(String::as_str) == Some("web"))
        .and_then(|s| s.as_endpoint_slice().cloned())
        .expect("an EndpointSlice for web");
    let name = slice.metadata.name.clone().unwrap();
    assert!(name.starts_with("web-") && name.len() == 9, "{name}");
    assert_eq!(slice.address_type, "IPv4");
    assert_eq!(
        slice.metadata.labels.as_ref().unwrap()["endpointslice.kubernetes.io/managed-by"],
        "endpointslice-controller.k8s.io"
    );
    let endpoints = slice.endpoints.unwrap();
    assert_eq!(endpoints.len(), 2);
    let conditions = endpoints[0].conditions.clone().unwrap();
    assert_eq!(
        (conditions.ready, conditions.serving, conditions.terminating),
        (Some(true), Some(true), Some(false))
    );
    assert_eq!(slice.ports.unwrap()[0].port, Some(8080));
}

#[test]
fn terminating_pods_leave_the_addresses_at_once() {
    let mut sim =
        fake::cluster_with(podlab::sim::SimDuration::from_secs(2), podlab::sim::SimDuration::from_secs(30));
    apply(&mut sim, APP);
    wait(&mut sim, 5);
    let victim = fake::live_pods(&sim, "web-")[0].clone();
    sim.delete("Pod", "default", &victim, Default::default()).unwrap();
    wait(&mut sim, 1);
    let addresses: Vec<String> = endpoints(&sim).subsets.unwrap()[0]
        .addresses
        .iter()
        .flatten()
        .map(|a| a.target_ref.as_ref().unwrap().name.clone().unwrap())
        .collect();
    assert!(!addresses.contains(&victim), "{addresses:?}");
}

#[test]
fn deleting_the_service_removes_its_endpoints() {
    let mut sim = cluster();
    apply(&mut sim, APP);
    wait(&mut sim, 5);
    sim.delete("Service", "default", "web", Default::default()).unwrap();
    wait(&mut sim, 1);
    assert!(sim.store().get("Endpoints", "default", "web").is_none());
    assert!(
        sim.store().list("EndpointSlice", Some("default")).next().is_none(),
        "slices are garbage-collected with their Service"
    );
}
