//! The Deployment controller and `kubectl scale` / `kubectl rollout` against a fake kubelet.

#[path = "controllers_fake.rs"]
mod fake;

use fake::{apply, cluster, events_for, live_pods, run, wait};
use podlab::sim::api::PatchKind;
use podlab::sim::Simulation;

const WEB: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubernetes.io/change-cause: first release on nginx 1.26
spec:
  replicas: 4
  minReadySeconds: 10
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.26
";

/// `(name, spec.replicas, status.replicas, available)` of every ReplicaSet, oldest first.
fn replica_sets(sim: &Simulation) -> Vec<(String, i32, i32, i32)> {
    let mut list: Vec<_> = sim
        .store()
        .list("ReplicaSet", Some("default"))
        .filter_map(|o| o.as_replica_set().cloned())
        .map(|rs| {
            let created = rs.metadata.creation_timestamp.clone().map(|t| t.0);
            let status = rs.status.clone().unwrap_or_default();
            (
                created,
                (
                    rs.metadata.name.clone().unwrap_or_default(),
                    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0),
                    status.replicas,
                    status.available_replicas.unwrap_or(0),
                ),
            )
        })
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0).then(a.1 .0.cmp(&b.1 .0)));
    list.into_iter().map(|(_, rs)| rs).collect()
}

fn condition(sim: &Simulation, kind: &str) -> (String, String, String) {
    let d = sim.store().get("Deployment", "default", "web").unwrap().as_deployment().cloned().unwrap();
    let c = d.status.unwrap().conditions.unwrap().into_iter().find(|c| c.type_ == kind).unwrap();
    (c.status, c.reason.unwrap_or_default(), c.message.unwrap_or_default())
}

fn set_image(sim: &mut Simulation, image: &str) {
    let patch = serde_json::json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}});
    sim.patch("Deployment", "default", "web", &patch, PatchKind::Strategic).unwrap();
}

#[test]
fn a_new_deployment_scales_up_one_replica_set_named_after_the_template_hash() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    wait(&mut sim, 1);
    let sets = replica_sets(&sim);
    assert_eq!(sets.len(), 1);
    let (name, replicas, ..) = &sets[0];
    let hash = name.strip_prefix("web-").unwrap();
    assert!((9..=10).contains(&hash.len()) && hash.chars().all(|c| "456789bcdf".contains(c)), "{name}");
    assert_eq!(*replicas, 4);
    assert_eq!(
        events_for(&sim, "web"),
        [("ScalingReplicaSet".to_string(), format!("Scaled up replica set {name} from 0 to 4"))]
    );
    let pods = live_pods(&sim, &format!("{name}-"));
    assert_eq!(pods.len(), 4);
    let pod = sim.store().get("Pod", "default", &pods[0]).unwrap();
    assert_eq!(pod.labels().get("pod-template-hash").map(String::as_str), Some(hash));
    let rs = sim.store().get("ReplicaSet", "default", name).unwrap();
    let annotations = rs.metadata().annotations.clone().unwrap();
    assert_eq!(annotations["deployment.kubernetes.io/revision"], "1");
    assert_eq!(annotations["deployment.kubernetes.io/desired-replicas"], "4");
    assert_eq!(annotations["deployment.kubernetes.io/max-replicas"], "5");
    assert_eq!(annotations["kubernetes.io/change-cause"], "first release on nginx 1.26");
    assert_eq!(
        condition(&sim, "Progressing"),
        ("True".into(), "ReplicaSetUpdated".into(), format!("ReplicaSet {name:?} is progressing."))
    );
}

#[test]
fn rollout_status_blocks_until_the_rollout_is_done_and_the_conditions_settle() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    let out = run(&mut sim, "kubectl rollout status deployment/web");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.first(),
        Some(&"Waiting for deployment \"web\" rollout to finish: 0 of 4 updated replicas are available..."),
        "{out}"
    );
    assert_eq!(lines.last(), Some(&"deployment \"web\" successfully rolled out"));
    // Pods start after 2 s and are available 10 s later.
    assert!((12..=14).contains(&sim.time().as_secs()), "{:?}", sim.time());
    assert_eq!(
        condition(&sim, "Available"),
        ("True".into(), "MinimumReplicasAvailable".into(), "Deployment has minimum availability.".into())
    );
    let name = &replica_sets(&sim)[0].0;
    assert_eq!(
        condition(&sim, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetAvailable".into(),
            format!("ReplicaSet {name:?} has successfully progressed.")
        )
    );
    assert_eq!(
        run(&mut sim, "kubectl rollout status deployment web"),
        "deployment \"web\" successfully rolled out\n"
    );
}

#[test]
fn a_rolling_update_surges_one_pod_at_a_time_and_never_drops_below_four_available() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    run(&mut sim, "kubectl rollout status deployment/web");
    set_image(&mut sim, "nginx:1.27");
    wait(&mut sim, 5);
    let sets = replica_sets(&sim);
    assert_eq!(sets.len(), 2);
    assert_eq!((sets[0].1, sets[1].1), (4, 1), "{sets:?}");
    let mut max_pods = 0;
    let mut min_available = 4;
    for _ in 0..120 {
        wait(&mut sim, 1);
        let sets = replica_sets(&sim);
        max_pods = max_pods.max(sets.iter().map(|s| s.2).sum::<i32>());
        min_available = min_available.min(sets.iter().map(|s| s.3).sum::<i32>());
    }
    assert!(max_pods <= 5, "at most replicas + maxSurge pods exist, saw {max_pods}");
    assert_eq!(min_available, 4, "maxUnavailable 0 keeps every replica available");
    let sets = replica_sets(&sim);
    assert_eq!((sets[0].1, sets[1].1, sets[1].3), (0, 4, 4), "{sets:?}");
    let old = &sets[0].0;
    let new = &sets[1].0;
    let events = events_for(&sim, "web");
    assert!(
        events.contains(&("ScalingReplicaSet".into(), format!("Scaled up replica set {new} from 0 to 1"))),
        "{events:?}"
    );
    assert!(
        events.contains(&("ScalingReplicaSet".into(), format!("Scaled down replica set {old} from 4 to 3"))),
        "{events:?}"
    );
    assert!(
        events.contains(&("ScalingReplicaSet".into(), format!("Scaled down replica set {old} from 1 to 0"))),
        "{events:?}"
    );
}

#[test]
fn history_lists_revisions_with_change_cause_and_undo_makes_the_old_template_the_next_revision() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    run(&mut sim, "kubectl rollout status deployment/web");
    set_image(&mut sim, "nginx:1.27");
    let patch = serde_json::json!({"metadata": {"annotations": {"kubernetes.io/change-cause": "upgrade to nginx 1.27"}}});
    sim.patch("Deployment", "default", "web", &patch, PatchKind::Merge).unwrap();
    run(&mut sim, "kubectl rollout status deployment/web");
    assert_eq!(
        run(&mut sim, "kubectl rollout history deployment/web"),
        "deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         first release on nginx 1.26\n2         upgrade to nginx 1.27\n\n"
    );
    assert_eq!(run(&mut sim, "kubectl rollout undo deployment/web"), "deployment.apps/web rolled back\n");
    let out = run(&mut sim, "kubectl rollout status deployment/web");
    assert!(out.ends_with("deployment \"web\" successfully rolled out\n"), "{out}");
    assert_eq!(
        run(&mut sim, "kubectl rollout history deployment/web"),
        "deployment.apps/web\nREVISION  CHANGE-CAUSE\n2         upgrade to nginx 1.27\n3         first release on nginx 1.26\n\n"
    );
    let d = sim.store().get("Deployment", "default", "web").unwrap();
    assert_eq!(d.metadata().annotations.as_ref().unwrap()["deployment.kubernetes.io/revision"], "3");
    let image = d.as_deployment().unwrap().spec.as_ref().unwrap().template.spec.as_ref().unwrap().containers
        [0]
    .image
    .clone();
    assert_eq!(image.as_deref(), Some("nginx:1.26"));
    assert_eq!(replica_sets(&sim).len(), 2, "the rollback reuses the first ReplicaSet");
    assert_eq!(
        run(&mut sim, "kubectl rollout undo deployment/web --to-revision=3"),
        "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
    );
}

#[test]
fn recreate_removes_every_old_pod_before_the_new_replica_set_starts() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &WEB.replace(
            "type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}",
            "type: Recreate",
        )
        .replace("minReadySeconds: 10", "minReadySeconds: 0"),
    );
    run(&mut sim, "kubectl rollout status deployment/web");
    let old = replica_sets(&sim)[0].0.clone();
    set_image(&mut sim, "nginx:1.27");
    wait(&mut sim, 0);
    sim.step_until(sim.time());
    let sets = replica_sets(&sim);
    assert_eq!(sets.len(), 1, "no new ReplicaSet while old pods exist: {sets:?}");
    assert_eq!(sets[0].1, 0);
    run(&mut sim, "kubectl rollout status deployment/web");
    let sets = replica_sets(&sim);
    assert_eq!(sets.len(), 2);
    assert_eq!((sets[1].1, sets[1].3), (4, 4));
    let new = &sets[1].0;
    let events = events_for(&sim, "web");
    assert!(
        events.contains(&("ScalingReplicaSet".into(), format!("Scaled down replica set {old} from 4 to 0"))),
        "{events:?}"
    );
    assert!(
        events.contains(&("ScalingReplicaSet".into(), format!("Scaled up replica set {new} from 0 to 4"))),
        "{events:?}"
    );
}

#[test]
fn a_paused_deployment_batches_template_edits_into_one_rollout_on_resume() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    run(&mut sim, "kubectl rollout status deployment/web");
    assert_eq!(run(&mut sim, "kubectl rollout pause deployment/web"), "deployment.apps/web paused\n");
    assert_eq!(
        run(&mut sim, "kubectl rollout pause deployment/web"),
        "error: deployments.apps \"web\" is already paused\n"
    );
    set_image(&mut sim, "nginx:1.27");
    wait(&mut sim, 10);
    assert_eq!(replica_sets(&sim).len(), 1);
    assert_eq!(
        condition(&sim, "Progressing"),
        ("Unknown".into(), "DeploymentPaused".into(), "Deployment is paused".into())
    );
    // Scaling still applies while paused.
    assert_eq!(run(&mut sim, "kubectl scale deployment/web --replicas=5"), "deployment.apps/web scaled\n");
    wait(&mut sim, 5);
    assert_eq!(replica_sets(&sim)[0].1, 5);
    assert_eq!(run(&mut sim, "kubectl rollout resume deployment/web"), "deployment.apps/web resumed\n");
    let out = run(&mut sim, "kubectl rollout status deployment/web");
    assert!(out.ends_with("deployment \"web\" successfully rolled out\n"), "{out}");
    let sets = replica_sets(&sim);
    assert_eq!(sets.len(), 2);
    assert_eq!((sets[1].1, sets[1].3), (5, 5));
}

#[test]
fn a_rollout_that_never_becomes_ready_exceeds_its_progress_deadline() {
    let mut sim = cluster();
    apply(&mut sim, &WEB.replace("minReadySeconds: 10", "minReadySeconds: 0\n  progressDeadlineSeconds: 30"));
    run(&mut sim, "kubectl rollout status deployment/web");
    set_image(&mut sim, "nginx:never-ready");
    let out = run(&mut sim, "kubectl rollout status deployment/web");
    assert!(
        out.starts_with(
            "Waiting for deployment \"web\" rollout to finish: 1 out of 4 new replicas have been updated...\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("error: deployment \"web\" exceeded its progress deadline\n"), "{out}");
    let new = replica_sets(&sim)[1].0.clone();
    assert_eq!(
        condition(&sim, "Progressing"),
        (
            "False".into(),
            "ProgressDeadlineExceeded".into(),
            format!("ReplicaSet {new:?} has timed out progressing.")
        )
    );
    // The old pods keep serving.
    assert_eq!(replica_sets(&sim)[0].3, 4);
}

#[test]
fn rollout_restart_starts_a_new_revision_with_the_same_image() {
    let mut sim = cluster();
    apply(&mut sim, WEB);
    run(&mut sim, "kubectl rollout status deployment/web");
    assert_eq!(run(&mut sim, "kubectl rollout restart deployment/web"), "deployment.apps/web restarted\n");
    run(&mut sim, "kubectl rollout status deployment/web");
    let sets = replica_sets(&sim);
    assert_eq!(sets.len(), 2);
    assert_eq!((sets[0].1, sets[1].1), (0, 4));
}

#[test]
fn old_replica_sets_beyond_the_history_limit_are_deleted() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &WEB.replace("replicas: 4", "replicas: 1\n  revisionHistoryLimit: 1")
            .replace("minReadySeconds: 10", "minReadySeconds: 0"),
    );
    for version in ["1.27", "1.28", "1.29"] {
        run(&mut sim, "kubectl rollout status deployment/web");
        set_image(&mut sim, &format!("nginx:{version}"));
    }
    run(&mut sim, "kubectl rollout status deployment/web");
    wait(&mut sim, 5);
    assert_eq!(replica_sets(&sim).len(), 2, "{:?}", replica_sets(&sim));
}

#[test]
fn scale_reports_unknown_names_like_kubectl() {
    let mut sim = cluster();
    assert_eq!(
        run(&mut sim, "kubectl scale deployment/nope --replicas=2"),
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    assert_eq!(
        run(&mut sim, "kubectl scale deployment/nope"),
        "error: required flag(s) \"replicas\" not set\n"
    );
}

#[test]
fn scaling_mid_rollout_is_proportional_across_replica_sets() {
    let mut sim = cluster();
    apply(&mut sim, &WEB.replace("minReadySeconds: 10", "minReadySeconds: 0"));
    run(&mut sim, "kubectl rollout status deployment/web");
    set_image(&mut sim, "nginx:never-ready");
    wait(&mut sim, 5);
    let sets = replica_sets(&sim);
    assert_eq!((sets[0].1, sets[1].1), (4, 1));
    let patch = serde_json::json!({"spec": {"replicas": 8}});
    sim.patch("Deployment", "default", "web", &patch, PatchKind::Merge).unwrap();
    wait(&mut sim, 1);
    let sets = replica_sets(&sim);
    // 9 allowed (8 + maxSurge 1), 5 exist: 4 more, shared 7.2 : 1.8 by the max-replicas annotations.
    assert_eq!((sets[0].1, sets[1].1), (7, 2), "{sets:?}");
    let old = &sets[0].0;
    assert!(events_for(&sim, "web")
        .contains(&("ScalingReplicaSet".into(), format!("Scaled up replica set {old} from 4 to 7"))));
}
