//! A real multi-service application applied as published: Google's Online Boutique
//! (`tests/fixtures/online-boutique.yaml`, unmodified) comes up with every Deployment available,
//! its gRPC and HTTP probes answered by images the catalog does not know, and the
//! loadgenerator's init container polling the frontend with `wget` and `awk` until it answers.
//! Around it: what generic images do with programs named by path, and that names which cannot
//! exist still fail to pull.

mod common;

use common::{apply, kubectl};
use podlab::console::execute;
use podlab::sim::api::Object;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};

const MANIFEST: &str = include_str!("fixtures/online-boutique.yaml");

fn cluster() -> Simulation {
    Simulation::new(ClusterSpec::default(), 7)
}

fn pods(sim: &Simulation) -> Vec<k8s_openapi::api::core::v1::Pod> {
    sim.store().list("Pod", Some("default")).filter_map(|o| o.as_pod().cloned()).collect()
}

fn pod_named(sim: &Simulation, prefix: &str) -> k8s_openapi::api::core::v1::Pod {
    pods(sim)
        .into_iter()
        .find(|p| p.metadata.name.as_deref().is_some_and(|n| n.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no pod named {prefix}…"))
}

/// (reason, message) of every event in the namespace.
fn events(sim: &Simulation) -> Vec<(String, String, String)> {
    sim.store()
        .list("Event", Some("default"))
        .filter_map(|o| o.as_event())
        .map(|e| {
            (
                e.involved_object.name.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn deployments(sim: &Simulation) -> Vec<k8s_openapi::api::apps::v1::Deployment> {
    sim.store()
        .list("Deployment", Some("default"))
        .filter_map(|o| match &**o {
            Object::Deployment(d) => Some((**d).clone()),
            _ => None,
        })
        .collect()
}

fn pod_yaml(name: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: podlab-worker\n{body}")
}

#[test]
fn online_boutique_comes_up_with_every_deployment_available() {
    let mut sim = cluster();
    apply(&mut sim, MANIFEST);
    sim.advance(SimDuration::from_secs(180));

    let all = deployments(&sim);
    assert_eq!(all.len(), 12, "the release manifest has a dozen Deployments");
    for d in &all {
        let name = d.metadata.name.clone().unwrap_or_default();
        let wanted = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let status = d.status.clone().unwrap_or_default();
        assert_eq!(status.ready_replicas, Some(wanted), "{name} ready replicas");
        assert_eq!(status.available_replicas, Some(wanted), "{name} available replicas");
        let available =
            status.conditions.iter().flatten().find(|c| c.type_ == "Available").map(|c| c.status.clone());
        assert_eq!(available.as_deref(), Some("True"), "{name} Available condition");
    }
    let table = kubectl(&mut sim, "kubectl get deployments");
    for name in ["frontend", "cartservice", "redis-cart", "loadgenerator", "productcatalogservice"] {
        let row = table.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_default();
        assert!(row.contains(" 1/1 "), "{name}: {row}\n{table}");
    }

    // Every pod runs and is ready without a restart; no probe ever failed once the containers
    // were serving (the gRPC readiness probes of ten services included).
    for p in pods(&sim) {
        let name = p.metadata.name.clone().unwrap_or_default();
        let status = p.status.clone().unwrap_or_default();
        assert_eq!(status.phase.as_deref(), Some("Running"), "{name}");
        for c in status.container_statuses.iter().flatten() {
            assert!(c.ready, "{name}/{} ready", c.name);
            assert_eq!(c.restart_count, 0, "{name}/{} restarts", c.name);
        }
    }
    let grpc_pods: Vec<_> = pods(&sim)
        .into_iter()
        .filter(|p| {
            p.spec.iter().flat_map(|s| &s.containers).any(|c| {
                c.readiness_probe.as_ref().is_some_and(|r| r.grpc.is_some())
                    && c.liveness_probe.as_ref().is_some_and(|l| l.grpc.is_some())
            })
        })
        .collect();
    assert_eq!(grpc_pods.len(), 9, "services probed over gRPC health");
    let unhealthy: Vec<_> = events(&sim).into_iter().filter(|(_, reason, _)| reason == "Unhealthy").collect();
    assert!(unhealthy.is_empty(), "{unhealthy:?}");

    // The loadgenerator waited for the frontend: its init container polled until the frontend
    // pod was ready behind its Service, printed the 200 and completed.
    let loadgen = pod_named(&sim, "loadgenerator-");
    let init = loadgen
        .status
        .as_ref()
        .and_then(|s| s.init_container_statuses.clone())
        .and_then(|c| c.into_iter().next())
        .expect("init container status");
    assert_eq!(init.name, "frontend-check");
    let done = init.state.and_then(|s| s.terminated).expect("init container terminated");
    assert_eq!(done.exit_code, 0);
    assert_eq!(done.reason.as_deref(), Some("Completed"));
    let pod_name = loadgen.metadata.name.clone().unwrap_or_default();
    let log = kubectl(&mut sim, &format!("kubectl logs {pod_name} -c frontend-check"));
    assert!(log.contains("Attempt 1: Pinging frontend: frontend:80..."), "{log}");
    assert!(log.contains("+ STATUSCODE=200"), "{log}");
    assert!(log.contains("Frontend is reachable."), "{log}");
    assert!(!log.contains("Failed to reach frontend"), "{log}");
    let frontend_ready = pod_named(&sim, "frontend-")
        .status
        .and_then(|s| s.conditions)
        .and_then(|c| c.into_iter().find(|c| c.type_ == "Ready"))
        .and_then(|c| c.last_transition_time)
        .expect("frontend Ready time");
    let init_done = done.finished_at.expect("finish time");
    assert!(init_done.0 >= frontend_ready.0, "the check passed only once the frontend was ready");

    let describe = kubectl(&mut sim, "kubectl describe deployment loadgenerator");
    assert!(describe.contains("frontend-check"), "{describe}");
}

#[test]
fn grpc_probe_on_a_port_nothing_listens_on_fails() {
    let mut sim = cluster();
    let body = "  containers:\n    - name: server\n      image: ghcr.io/example/billing:v2\n      ports:\n        - containerPort: 9555\n      readinessProbe:\n        grpc:\n          port: 9556\n        periodSeconds: 5\n";
    apply(&mut sim, &pod_yaml("billing", body));
    sim.advance(SimDuration::from_secs(60));
    let text = kubectl(&mut sim, "kubectl get pod billing");
    assert!(text.contains("0/1     Running"), "{text}");
    let failed: Vec<_> = events(&sim).into_iter().filter(|(_, reason, _)| reason == "Unhealthy").collect();
    assert!(
        failed
            .iter()
            .any(|(_, _, m)| m.starts_with("Readiness probe failed: timeout: failed to connect service")),
        "{failed:?}"
    );
}

#[test]
fn generic_image_runs_programs_named_by_path_as_its_own() {
    let mut sim = cluster();
    // The older release of the same application probed with the image's own health binary.
    let body = "  containers:\n    - name: server\n      image: gcr.io/google-samples/microservices-demo/adservice:v0.3.6\n      ports:\n        - containerPort: 9555\n      readinessProbe:\n        exec:\n          command: [\"/bin/grpc_health_probe\", \"-addr=:9555\"]\n        periodSeconds: 5\n";
    apply(&mut sim, &pod_yaml("ads", body));
    sim.advance(SimDuration::from_secs(60));
    let text = kubectl(&mut sim, "kubectl get pod ads");
    assert!(text.contains("1/1     Running"), "{text}");
    let out = execute(&mut sim, &[], "kubectl exec ads -- /bin/grpc_health_probe -addr=:9555");
    assert!(!out.has_errors(), "{}", out.text());
}

#[test]
fn catalogued_image_fails_unknown_programs_with_127() {
    let mut sim = cluster();
    let body = "  containers:\n    - name: box\n      image: busybox:1.37\n      command: [\"sleep\", \"3600\"]\n      readinessProbe:\n        exec:\n          command: [\"/bin/grpc_health_probe\", \"-addr=:9555\"]\n        periodSeconds: 5\n";
    apply(&mut sim, &pod_yaml("box", body));
    sim.advance(SimDuration::from_secs(40));
    let text = kubectl(&mut sim, "kubectl get pod box");
    assert!(text.contains("0/1     Running"), "{text}");
    let out = execute(&mut sim, &[], "kubectl exec box -- sh -c 'grpc_health_probe -addr=:9555'");
    assert!(out.text().contains("sh: grpc_health_probe: not found"), "{}", out.text());
    assert!(out.text().contains("command terminated with exit code 127"), "{}", out.text());
}

#[test]
fn images_that_cannot_exist_still_fail_to_pull() {
    let mut sim = cluster();
    for (name, image) in
        [("typo", "ngnix"), ("tag", "nginx:1.25-no-such-tag"), ("word", "doesnotexist:nover")]
    {
        apply(&mut sim, &pod_yaml(name, &format!("  containers:\n    - name: c\n      image: {image}\n")));
    }
    sim.advance(SimDuration::from_secs(60));
    let table = kubectl(&mut sim, "kubectl get pods");
    for name in ["typo", "tag", "word"] {
        let row = table.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_default();
        assert!(row.contains("ErrImagePull") || row.contains("ImagePullBackOff"), "{row}\n{table}");
    }
    let failures: Vec<_> = events(&sim)
        .into_iter()
        .filter(|(pod, reason, message)| {
            pod == "typo" && reason == "Failed" && message.starts_with("Failed to pull")
        })
        .collect();
    assert!(
        failures.iter().any(|(_, _, m)| m.contains("pull access denied, repository does not exist")),
        "{failures:?}"
    );
}
