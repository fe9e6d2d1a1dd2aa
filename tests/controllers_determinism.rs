//! Controllers are deterministic: the same inputs and seed give the same trace, with rollouts,
//! jobs and cron jobs all running at once.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, run, wait};

fn busy_cluster_trace_hash() -> (u64, usize) {
    let mut sim = cluster();
    apply(
        &mut sim,
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: 'nginx:1.26'}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: '*/2 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: tick, image: 'busybox:exit-0'}]
",
    );
    run(&mut sim, "kubectl rollout status deployment/web");
    let patch = serde_json::json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
    sim.patch("Deployment", "default", "web", &patch, podlab::sim::api::PatchKind::Strategic).unwrap();
    wait(&mut sim, 600);
    (sim.trace().hash(), sim.trace().len())
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let first = busy_cluster_trace_hash();
    assert!(first.1 > 100, "the run did something: {} trace entries", first.1);
    assert_eq!(first, busy_cluster_trace_hash());
}
