//! The pod scenarios of the learning path, replayed against the kubelet with pods bound
//! directly to nodes: what `kubectl` and the API show at the times the lessons check.

mod common;

use common::apply;
use podlab::console::execute;
use podlab::sim::api::Object;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};

fn cluster() -> Simulation {
    Simulation::new(ClusterSpec::default(), 3)
}

fn pod_yaml(name: &str, node: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: {node}\n{body}")
}

fn pod(sim: &Simulation, name: &str) -> Option<k8s_openapi::api::core::v1::Pod> {
    match sim.store().get("Pod", "default", name).map(|o| (**o).clone()) {
        Some(Object::Pod(p)) => Some((*p).clone()),
        _ => None,
    }
}

fn run(sim: &mut Simulation, line: &str) -> String {
    execute(sim, &[], line).text()
}

fn app_status(sim: &Simulation, name: &str, container: &str) -> k8s_openapi::api::core::v1::ContainerStatus {
    let status = pod(sim, name).and_then(|p| p.status).unwrap_or_default();
    status
        .container_statuses
        .into_iter()
        .flatten()
        .chain(status.init_container_statuses.into_iter().flatten())
        .find(|c| c.name == container)
        .expect("container status")
}

fn event_messages(sim: &Simulation, name: &str) -> Vec<String> {
    sim.store()
        .list("Event", Some("default"))
        .filter_map(|o| o.as_event())
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .map(|e| e.message.clone().unwrap_or_default())
        .collect()
}

#[test]
fn port_clash_and_shared_namespaces() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "port-clash",
            "podlab-worker",
            "  containers:\n    - name: web\n      image: nginx:1.27\n      ports:\n        - containerPort: 80\n    - name: api\n      image: registry.k8s.io/e2e-test-images/agnhost:2.53\n      args: [\"netexec\", \"--http-port=80\"]\n",
        ),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "neighbours",
            "podlab-worker2",
            "  shareProcessNamespace: true\n  containers:\n    - name: web\n      image: nginx:1.27\n      ports:\n        - containerPort: 80\n    - name: api\n      image: registry.k8s.io/e2e-test-images/agnhost:2.53\n      args: [\"netexec\", \"--http-port=8080\"]\n      ports:\n        - containerPort: 8080\n    - name: shell\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(45));
    assert!(app_status(&sim, "port-clash", "web").ready);
    assert!(app_status(&sim, "port-clash", "api").restart_count >= 1);
    let previous = run(&mut sim, "kubectl logs port-clash -c api --previous");
    assert!(previous.contains("bind: address already in use"), "{previous}");
    assert!(event_messages(&sim, "port-clash")
        .iter()
        .any(|m| m.starts_with("Back-off restarting failed container api in pod port-clash_default(")));
    for c in ["web", "api", "shell"] {
        assert!(app_status(&sim, "neighbours", c).ready, "{c}");
    }
    assert_eq!(
        run(&mut sim, "kubectl exec neighbours -c shell -- wget -qO- http://localhost:8080/hostname"),
        "neighbours\n"
    );
    assert!(run(&mut sim, "kubectl exec neighbours -c shell -- wget -qO- http://localhost:80/")
        .contains("<title>Welcome to nginx!</title>"));
    let ps = run(&mut sim, "kubectl exec neighbours -c shell -- ps");
    let pause = regex_lite::Regex::new(r"(?m)^ +1 +\S+ +\S+ +/pause$").unwrap();
    assert!(pause.is_match(&ps), "{ps}");
    assert!(ps.contains("nginx: master process"), "{ps}");
}

#[test]
fn startup_probe_shields_a_slow_starter() {
    let mut sim = cluster();
    let body = |startup: bool| {
        let startup = if startup {
            "      startupProbe:\n        exec:\n          command: [\"cat\", \"/tmp/started\"]\n        periodSeconds: 5\n        failureThreshold: 24\n"
        } else {
            ""
        };
        format!("  terminationGracePeriodSeconds: 5\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo warming up; sleep 45; touch /tmp/started; echo started; sleep 3600\"]\n{startup}      livenessProbe:\n        exec:\n          command: [\"cat\", \"/tmp/started\"]\n        periodSeconds: 5\n        failureThreshold: 3\n")
    };
    apply(&mut sim, &pod_yaml("patient", "podlab-worker", &body(true)));
    apply(&mut sim, &pod_yaml("impatient", "podlab-worker", &body(false)));
    sim.advance(SimDuration::from_secs(30));
    let patient = app_status(&sim, "patient", "app");
    assert!(!patient.ready && patient.restart_count == 0);
    sim.advance(SimDuration::from_secs(60));
    let patient = app_status(&sim, "patient", "app");
    assert!(patient.ready && patient.restart_count == 0);
    let impatient = app_status(&sim, "impatient", "app");
    assert!((2..=6).contains(&impatient.restart_count), "{}", impatient.restart_count);
    assert_eq!(impatient.last_state.and_then(|s| s.terminated).map(|t| t.exit_code), Some(137));
    assert!(event_messages(&sim, "patient")
        .iter()
        .any(|m| m.starts_with("Startup probe failed: ") && m.contains("No such file or directory")));
    assert!(event_messages(&sim, "impatient")
        .iter()
        .any(|m| m == "Container app failed liveness probe, will be restarted"));
    assert!(run(&mut sim, "kubectl logs patient").lines().any(|l| l == "started"));
}

#[test]
fn init_containers_wait_for_services_by_dns() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "storefront",
            "podlab-worker",
            "  initContainers:\n    - name: wait-for-db\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"until nslookup db.default.svc.cluster.local; do echo waiting for db; sleep 2; done\"]\n    - name: wait-for-cache\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"until nslookup cache.default.svc.cluster.local; do echo waiting for cache; sleep 2; done\"]\n  containers:\n    - name: web\n      image: nginx:1.27\n",
        ),
    );
    let migrate = "  initContainers:\n    - name: migrate\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo applying migration 0042; exit 1\"]\n  containers:\n    - name: app\n      image: nginx:1.27\n";
    apply(&mut sim, &pod_yaml("migrate-retry", "podlab-worker2", migrate));
    apply(
        &mut sim,
        &pod_yaml("migrate-once", "podlab-worker3", &format!("  restartPolicy: Never\n{migrate}")),
    );
    sim.advance(SimDuration::from_secs(25));
    assert!(app_status(&sim, "storefront", "wait-for-db").state.unwrap().running.is_some());
    let retry = app_status(&sim, "migrate-retry", "migrate");
    assert!((1..=3).contains(&retry.restart_count), "{}", retry.restart_count);
    let phase = |sim: &Simulation, name: &str| {
        pod(sim, name).and_then(|p| p.status).and_then(|s| s.phase).unwrap_or_default()
    };
    assert_eq!(phase(&sim, "migrate-retry"), "Pending");
    assert_eq!(phase(&sim, "migrate-once"), "Failed");
    assert!(run(&mut sim, "kubectl logs storefront -c wait-for-db").lines().any(|l| l == "waiting for db"));
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: 10.96.100.1\n  selector:\n    app: db\n  ports:\n    - port: 5432\n");
    sim.advance(SimDuration::from_secs(15));
    assert!(app_status(&sim, "storefront", "wait-for-cache").state.unwrap().running.is_some());
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  clusterIP: 10.96.100.2\n  selector:\n    app: cache\n  ports:\n    - port: 6379\n");
    sim.advance(SimDuration::from_secs(20));
    assert!(app_status(&sim, "storefront", "web").ready);
    assert_eq!(phase(&sim, "storefront"), "Running");
}

#[test]
fn killed_sidecar_restarts_at_once() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "orders",
            "podlab-worker",
            "  volumes:\n    - name: logs\n      emptyDir: {}\n  initContainers:\n    - name: log-shipper\n      image: busybox:1.36\n      restartPolicy: Always\n      command: [\"tail\", \"-F\", \"/var/log/orders/app.log\"]\n      volumeMounts:\n        - name: logs\n          mountPath: /var/log/orders\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"while true; do echo order accepted >> /var/log/orders/app.log; sleep 5; done\"]\n      volumeMounts:\n        - name: logs\n          mountPath: /var/log/orders\n",
        ),
    );
    sim.advance(SimDuration::from_secs(25));
    assert!(run(&mut sim, "kubectl logs orders -c log-shipper").lines().any(|l| l == "order accepted"));
    let out = run(&mut sim, "container kill orders/log-shipper");
    assert!(!out.starts_with("error"), "{out}");
    sim.advance(SimDuration::from_secs(15));
    let shipper = app_status(&sim, "orders", "log-shipper");
    assert_eq!(shipper.restart_count, 1);
    assert!(shipper.ready);
    assert_eq!(shipper.last_state.and_then(|s| s.terminated).map(|t| t.exit_code), Some(137));
    assert!(app_status(&sim, "orders", "app").ready);
}

#[test]
fn graceful_termination_by_signal_handling() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml("nginx-stop", "podlab-worker", "  containers:\n    - name: web\n      image: nginx:1.27\n"),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "polite-stop",
            "podlab-worker",
            "  terminationGracePeriodSeconds: 20\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"trap 'echo got SIGTERM, bye; exit 0' TERM; while true; do sleep 1; done\"]\n      lifecycle:\n        preStop:\n          exec:\n            command: [\"sh\", \"-c\", \"sleep 5\"]\n",
        ),
    );
    apply(
        &mut sim,
        &pod_yaml("stubborn-stop", "podlab-worker", "  terminationGracePeriodSeconds: 20\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n"),
    );
    sim.advance(SimDuration::from_secs(20));
    let out = run(&mut sim, "kubectl delete pod nginx-stop polite-stop stubborn-stop --wait=false");
    assert!(out.contains("pod \"stubborn-stop\" deleted"), "{out}");
    sim.advance(SimDuration::from_secs(2));
    assert!(pod(&sim, "nginx-stop").is_none());
    assert!(pod(&sim, "polite-stop").is_some() && pod(&sim, "stubborn-stop").is_some());
    sim.advance(SimDuration::from_secs(10));
    assert!(pod(&sim, "polite-stop").is_none());
    assert!(pod(&sim, "stubborn-stop").is_some());
    sim.advance(SimDuration::from_secs(15));
    assert!(pod(&sim, "stubborn-stop").is_none());
    assert_eq!(run(&mut sim, "kubectl get pods"), "No resources found in default namespace.\n");
}

#[test]
fn empty_dir_survives_a_restart_and_host_path_stays_on_the_node() {
    let mut sim = cluster();
    let body = "  volumes:\n    - name: cache\n      emptyDir: {}\n    - name: host\n      hostPath:\n        path: /data/shared\n        type: DirectoryOrCreate\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo run >> /cache/runs; echo $HOSTNAME >> /host/visits; sleep 3600\"]\n      volumeMounts:\n        - name: cache\n          mountPath: /cache\n        - name: host\n          mountPath: /host\n";
    apply(&mut sim, &pod_yaml("keeper", "podlab-worker", body));
    sim.advance(SimDuration::from_secs(10));
    run(&mut sim, "container kill keeper");
    sim.advance(SimDuration::from_secs(5));
    assert_eq!(app_status(&sim, "keeper", "app").restart_count, 1);
    assert_eq!(run(&mut sim, "kubectl exec keeper -- cat /cache/runs"), "run\nrun\n");
    apply(&mut sim, &pod_yaml("visitor", "podlab-worker", &body.replace("keeper", "visitor")));
    apply(&mut sim, &pod_yaml("elsewhere", "podlab-worker2", body));
    sim.advance(SimDuration::from_secs(5));
    assert_eq!(run(&mut sim, "kubectl exec visitor -- cat /host/visits"), "keeper\nkeeper\nvisitor\n");
    assert_eq!(run(&mut sim, "kubectl exec elsewhere -- cat /host/visits"), "elsewhere\n");
    assert_eq!(run(&mut sim, "kubectl exec visitor -- cat /cache/runs"), "run\n");
}

#[test]
fn a_failed_node_freezes_its_pods_until_it_recovers() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("ticker", "podlab-worker", "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"while true; do echo tick; sleep 1; done\"]\n"));
    apply(&mut sim, &pod_yaml("client", "podlab-worker2", "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n"));
    apply(
        &mut sim,
        &pod_yaml("server", "podlab-worker", "  containers:\n    - name: web\n      image: nginx:1.27\n"),
    );
    sim.advance(SimDuration::from_secs(15));
    let ip = pod(&sim, "server").and_then(|p| p.status).and_then(|s| s.pod_ip).unwrap();
    assert!(run(&mut sim, &format!("kubectl exec client -- wget -qO- http://{ip}/"))
        .contains("Welcome to nginx!"));
    assert!(run(&mut sim, "node fail podlab-worker").contains("podlab-worker"));
    let renewals = sim.lease_renewals("podlab-worker").unwrap();
    let out = run(&mut sim, &format!("kubectl exec client -- wget -T 2 -qO- http://{ip}/"));
    assert!(!out.contains("Welcome to nginx!"), "{out}");
    sim.advance(SimDuration::from_secs(60));
    assert_eq!(sim.lease_renewals("podlab-worker"), Some(renewals));
    run(&mut sim, "node recover podlab-worker");
    sim.advance(SimDuration::from_secs(5));
    assert!(run(&mut sim, "kubectl logs ticker").lines().count() > 10);
    assert!(run(&mut sim, &format!("kubectl exec client -- wget -qO- http://{ip}/"))
        .contains("Welcome to nginx!"));
}

#[test]
fn a_pod_with_a_sidecar_completes_when_its_app_does() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "report",
            "podlab-worker",
            "  restartPolicy: Never\n  terminationGracePeriodSeconds: 10\n  volumes:\n    - name: logs\n      emptyDir: {}\n  initContainers:\n    - name: log-shipper\n      image: busybox:1.36\n      restartPolicy: Always\n      command: [\"tail\", \"-F\", \"/var/log/report/app.log\"]\n      volumeMounts:\n        - name: logs\n          mountPath: /var/log/report\n  containers:\n    - name: report\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo report started >> /var/log/report/app.log; sleep 10; echo report finished >> /var/log/report/app.log\"]\n      volumeMounts:\n        - name: logs\n          mountPath: /var/log/report\n",
        ),
    );
    sim.advance(SimDuration::from_secs(10));
    let phase = |sim: &Simulation| {
        pod(sim, "report").and_then(|p| p.status).and_then(|s| s.phase).unwrap_or_default()
    };
    assert_eq!(phase(&sim), "Running");
    sim.advance(SimDuration::from_secs(30));
    assert_eq!(phase(&sim), "Succeeded");
    let shipped = run(&mut sim, "kubectl logs report -c log-shipper");
    assert!(shipped.contains("report finished"), "{shipped}");
}

#[test]
fn changing_a_pods_image_restarts_its_container() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml("web", "podlab-worker", "  containers:\n    - name: web\n      image: nginx:1.27\n"),
    );
    sim.advance(SimDuration::from_secs(15));
    apply(
        &mut sim,
        &pod_yaml("web", "podlab-worker", "  containers:\n    - name: web\n      image: nginx:1.28\n"),
    );
    sim.advance(SimDuration::from_secs(15));
    let web = app_status(&sim, "web", "web");
    assert_eq!(web.restart_count, 1);
    assert_eq!(web.image, "docker.io/library/nginx:1.28");
    assert!(web.ready);
    assert!(event_messages(&sim, "web")
        .iter()
        .any(|m| m == "Container web definition changed, will be restarted"));
}

#[test]
fn logs_follow_until_the_container_exits() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "counter",
            "podlab-worker",
            "  restartPolicy: Never\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"for i in 1 2 3; do echo line $i; sleep 2; done\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(4));
    let before = sim.time();
    let out = run(&mut sim, "kubectl logs -f counter");
    assert_eq!(out, "line 1\nline 2\nline 3\n");
    assert!(sim.time() > before);
    let stamped = run(&mut sim, "kubectl logs counter --timestamps --tail 1");
    assert!(
        regex_lite::Regex::new(r"^2026-01-01T00:00:\d\d(\.\d+)?Z line 3\n$").unwrap().is_match(&stamped),
        "{stamped}"
    );
}

#[test]
fn claim_data_lives_in_the_volume_and_outlives_the_pod() {
    let mut sim = cluster();
    apply(&mut sim, "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: notes-pv\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n  hostPath:\n    path: /mnt/notes\n");
    apply(&mut sim, "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: notes\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n  volumeName: notes-pv\n  resources:\n    requests:\n      storage: 1Gi\n");
    let body = "  volumes:\n    - name: data\n      persistentVolumeClaim:\n        claimName: notes\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n      volumeMounts:\n        - name: data\n          mountPath: /data\n";
    apply(&mut sim, &pod_yaml("notebook", "podlab-worker", body));
    sim.advance(SimDuration::from_secs(10));
    run(&mut sim, "kubectl exec notebook -- sh -c 'echo chapter one survived > /data/story.txt'");
    run(&mut sim, "kubectl delete pod notebook --grace-period=1");
    assert!(pod(&sim, "notebook").is_none());
    apply(&mut sim, &pod_yaml("notebook", "podlab-worker2", body));
    sim.advance(SimDuration::from_secs(10));
    assert_eq!(run(&mut sim, "kubectl exec notebook -- cat /data/story.txt"), "chapter one survived\n");
}
