//! The HorizontalPodAutoscaler against a fake kubelet and the simulated load model.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, wait};
use podlab::sim::controllers::hpa::{pod_usage, set_load};
use podlab::sim::Simulation;

const CHECKOUT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout}
spec:
  replicas: 1
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 200m, memory: 64Mi}
            limits: {cpu: 500m, memory: 128Mi}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: checkout}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
  minReplicas: 1
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
";

fn replicas(sim: &Simulation) -> i32 {
    sim.store()
        .get("Deployment", "default", "checkout")
        .unwrap()
        .as_deployment()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .replicas
        .unwrap()
}

fn condition(sim: &Simulation, kind: &str) -> (String, String) {
    let hpa =
        sim.store().get("HorizontalPodAutoscaler", "default", "checkout").unwrap().as_hpa().cloned().unwrap();
    let c = hpa.status.unwrap().conditions.unwrap().into_iter().find(|c| c.type_ == kind).unwrap();
    (c.status, c.reason.unwrap_or_default())
}

#[test]
fn load_is_shared_by_ready_pods_and_capped_at_the_limit() {
    let mut sim = cluster();
    apply(&mut sim, CHECKOUT);
    wait(&mut sim, 5);
    set_load(&mut sim, "Deployment", "default", "checkout", 1200, 0);
    let pod = sim
        .store()
        .list("Pod", Some("default"))
        .find(|p| p.name().starts_with("checkout-"))
        .cloned()
        .unwrap();
    assert_eq!(pod_usage(&sim, &pod).0, 500, "one pod takes at most its 500m limit");
}

#[test]
fn the_hpa_scales_out_to_max_under_load_and_back_after_the_stabilization_window() {
    let mut sim = cluster();
    apply(&mut sim, CHECKOUT);
    wait(&mut sim, 60);
    assert_eq!(replicas(&sim), 1);
    assert_eq!(condition(&sim, "ScalingActive"), ("True".into(), "ValidMetricFound".into()));
    set_load(&mut sim, "Deployment", "default", "checkout", 1200, 0);
    wait(&mut sim, 180);
    assert_eq!(replicas(&sim), 6);
    assert_eq!(condition(&sim, "ScalingLimited"), ("True".into(), "TooManyReplicas".into()));
    let events = events_for(&sim, "checkout");
    assert!(
        events.iter().any(|(r, m)| r == "SuccessfulRescale"
            && m.ends_with("; reason: cpu resource utilization (percentage of request) above target")),
        "{events:?}"
    );
    set_load(&mut sim, "Deployment", "default", "checkout", 0, 0);
    wait(&mut sim, 240);
    assert_eq!(replicas(&sim), 6, "scale-down waits for the 5-minute window");
    assert_eq!(condition(&sim, "AbleToScale").1, "ScaleDownStabilized");
    wait(&mut sim, 180);
    assert_eq!(replicas(&sim), 1);
    assert!(events_for(&sim, "checkout")
        .contains(&("SuccessfulRescale".into(), "New size: 1; reason: All metrics below target".into())));
}

#[test]
fn behavior_policies_limit_the_rate_and_report_scale_up_limit() {
    let mut sim = cluster();
    let slow = CHECKOUT.replace(
        "  maxReplicas: 6\n",
        "  maxReplicas: 6\n  behavior:\n    scaleUp:\n      policies: [{type: Pods, value: 1, periodSeconds: 60}]\n    scaleDown:\n      selectPolicy: Disabled\n",
    );
    apply(&mut sim, &slow);
    wait(&mut sim, 60);
    set_load(&mut sim, "Deployment", "default", "checkout", 1200, 0);
    wait(&mut sim, 20);
    assert_eq!(replicas(&sim), 2, "one pod per minute");
    assert_eq!(condition(&sim, "ScalingLimited"), ("True".into(), "ScaleUpLimit".into()));
    wait(&mut sim, 30);
    assert_eq!(replicas(&sim), 2, "still within the policy's 60 s period");
    wait(&mut sim, 45);
    assert_eq!(replicas(&sim), 3);
    set_load(&mut sim, "Deployment", "default", "checkout", 0, 0);
    wait(&mut sim, 600);
    assert_eq!(replicas(&sim), 3, "scale-down is disabled");
    assert_eq!(condition(&sim, "ScalingLimited"), ("True".into(), "ScaleDownLimit".into()));
}
