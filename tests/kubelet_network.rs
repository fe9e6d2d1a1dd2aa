//! What containers see of the cluster: environment (env, envFrom, downward API, Service
//! links), DNS for Services and headless Services, traffic to ClusterIPs, admission and
//! deadlines.

mod common;

use common::apply;
use podlab::console::execute;
use podlab::sim::api::Object;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};

fn cluster() -> Simulation {
    Simulation::new(ClusterSpec::default(), 5)
}

fn pod_yaml(name: &str, node: &str, labels: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\nspec:\n  nodeName: {node}\n{body}")
}

fn pod(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::Pod {
    match sim.store().get("Pod", "default", name).map(|o| (**o).clone()) {
        Some(Object::Pod(p)) => (*p).clone(),
        other => panic!("no pod {name}: {other:?}"),
    }
}

fn run(sim: &mut Simulation, line: &str) -> String {
    execute(sim, &[], line).text()
}

const SLEEPER: &str =
    "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n";

#[test]
fn environment_from_config_secrets_downward_api_and_services() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  MODE: fast\n  LEVEL: \"3\"\n",
    );
    apply(&mut sim, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cret\n");
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-api\nspec:\n  clusterIP: 10.96.50.5\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n");
    apply(
        &mut sim,
        &pod_yaml(
            "envy",
            "podlab-worker",
            "",
            "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n      envFrom:\n        - configMapRef:\n            name: settings\n      env:\n        - name: PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db\n              key: password\n        - name: MY_NODE\n          valueFrom:\n            fieldRef:\n              fieldPath: spec.nodeName\n        - name: MY_IP\n          valueFrom:\n            fieldRef:\n              fieldPath: status.podIP\n        - name: GREETING\n          value: \"mode is $(MODE)\"\n",
        ),
    );
    sim.advance(SimDuration::from_secs(10));
    let env = run(&mut sim, "kubectl exec envy -- env");
    for expected in [
        "MODE=fast",
        "LEVEL=3",
        "PASSWORD=s3cret",
        "MY_NODE=podlab-worker",
        "MY_IP=10.244.1.2",
        "GREETING=mode is fast",
        "HOSTNAME=envy",
        "WEB_API_SERVICE_HOST=10.96.50.5",
        "WEB_API_SERVICE_PORT=80",
        "WEB_API_SERVICE_PORT_HTTP=80",
        "WEB_API_PORT=tcp://10.96.50.5:80",
        "WEB_API_PORT_80_TCP_ADDR=10.96.50.5",
        "KUBERNETES_SERVICE_HOST=10.96.0.1",
    ] {
        assert!(env.lines().any(|l| l == expected), "missing {expected} in\n{env}");
    }
    let out = execute(&mut sim, &[], "kubectl exec envy -- sh -c 'exit 3'");
    assert_eq!(out.lines(), ["command terminated with exit code 3"]);
}

#[test]
fn services_resolve_and_spread_over_ready_pods() {
    let mut sim = cluster();
    let server = "  containers:\n    - name: web\n      image: registry.k8s.io/e2e-test-images/agnhost:2.53\n      args: [\"serve-hostname\", \"--port=8080\"]\n      ports:\n        - name: http\n          containerPort: 8080\n";
    apply(&mut sim, &pod_yaml("web-a", "podlab-worker", "app: web", server));
    apply(&mut sim, &pod_yaml("web-b", "podlab-worker2", "app: web", server));
    apply(&mut sim, &pod_yaml("client", "podlab-worker3", "", SLEEPER));
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: 10.96.20.20\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n");
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\nspec:\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n    - port: 8080\n");
    sim.advance(SimDuration::from_secs(20));
    let lookup = run(&mut sim, "kubectl exec client -- nslookup web");
    assert!(lookup.contains("web.default.svc.cluster.local"), "{lookup}");
    assert!(lookup.contains("10.96.20.20"), "{lookup}");
    let headless = run(&mut sim, "kubectl exec client -- nslookup web-headless");
    assert!(headless.contains("10.244.1.2") && headless.contains("10.244.2.2"), "{headless}");
    let mut answers = std::collections::BTreeSet::new();
    for _ in 0..4 {
        answers.insert(run(&mut sim, "kubectl exec client -- wget -qO- http://web/").trim().to_string());
    }
    assert_eq!(answers.into_iter().collect::<Vec<_>>(), ["web-a", "web-b"]);
    let missing = run(&mut sim, "kubectl exec client -- nslookup nothing-here");
    assert!(missing.contains("NXDOMAIN"), "{missing}");
}

#[test]
fn too_big_for_the_node_is_rejected_at_admission() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "huge",
            "podlab-worker",
            "",
            "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n      resources:\n        requests:\n          cpu: \"8\"\n",
        ),
    );
    sim.advance(SimDuration::from_secs(5));
    let status = pod(&sim, "huge").status.unwrap();
    assert_eq!(status.phase.as_deref(), Some("Failed"));
    assert_eq!(status.reason.as_deref(), Some("OutOfcpu"));
    assert_eq!(
        status.message.as_deref(),
        Some("Pod was rejected: Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 4000")
    );
}

#[test]
fn active_deadline_fails_the_pod() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "limited",
            "podlab-worker",
            "",
            &format!("  activeDeadlineSeconds: 20\n  terminationGracePeriodSeconds: 3\n{SLEEPER}"),
        ),
    );
    sim.advance(SimDuration::from_secs(15));
    assert_eq!(pod(&sim, "limited").status.unwrap().phase.as_deref(), Some("Running"));
    sim.advance(SimDuration::from_secs(10));
    let status = pod(&sim, "limited").status.unwrap();
    assert_eq!(status.phase.as_deref(), Some("Failed"));
    assert_eq!(status.reason.as_deref(), Some("DeadlineExceeded"));
    assert_eq!(
        status.message.as_deref(),
        Some("Pod was active on the node longer than the specified deadline")
    );
}

#[test]
fn logs_errors_read_like_kubectl() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("solo", "podlab-worker", "", SLEEPER));
    assert_eq!(run(&mut sim, "kubectl logs nope"), "Error from server (NotFound): pods \"nope\" not found\n");
    sim.advance(SimDuration::from_millis(100));
    assert_eq!(
        run(&mut sim, "kubectl logs solo"),
        "Error from server (BadRequest): container \"app\" in pod \"solo\" is waiting to start: ContainerCreating\n"
    );
    sim.advance(SimDuration::from_secs(10));
    assert_eq!(
        run(&mut sim, "kubectl logs solo --previous"),
        "Error from server (BadRequest): previous terminated container \"app\" in pod \"solo\" not found\n"
    );
    assert_eq!(
        run(&mut sim, "kubectl logs solo -c other"),
        "Error from server (BadRequest): container other is not valid for pod solo\n"
    );
}

#[test]
fn logs_of_a_workload_pick_one_of_its_pods() {
    let mut sim = cluster();
    for (name, node) in [("agent-a", "podlab-worker"), ("agent-b", "podlab-worker2")] {
        apply(
            &mut sim,
            &pod_yaml(name, node, "app: agent", "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo agent on $MY_NODE; sleep 3600\"]\n      env:\n        - name: MY_NODE\n          valueFrom:\n            fieldRef:\n              fieldPath: spec.nodeName\n"),
        );
    }
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata:\n  name: agents\nspec:\n  clusterIP: 10.96.30.30\n  selector:\n    app: agent\n  ports:\n    - port: 80\n");
    sim.advance(SimDuration::from_secs(10));
    let out = execute(&mut sim, &[], "kubectl logs service/agents");
    assert_eq!(out.lines(), ["Found 2 pods, using pod/agent-a", "agent on podlab-worker"]);
    assert_eq!(run(&mut sim, "kubectl logs pod/agent-b"), "agent on podlab-worker2\n");
}

#[test]
fn mounted_config_follows_updates_but_env_does_not() {
    let mut sim = cluster();
    apply(&mut sim, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: site\ndata:\n  motd: hello\n");
    apply(
        &mut sim,
        &pod_yaml(
            "reader",
            "podlab-worker",
            "",
            "  volumes:\n    - name: cfg\n      configMap:\n        name: site\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n      env:\n        - name: MOTD\n          valueFrom:\n            configMapKeyRef:\n              name: site\n              key: motd\n      volumeMounts:\n        - name: cfg\n          mountPath: /etc/site\n",
        ),
    );
    sim.advance(SimDuration::from_secs(10));
    assert_eq!(run(&mut sim, "kubectl exec reader -- cat /etc/site/motd"), "hello\n");
    apply(&mut sim, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: site\ndata:\n  motd: updated\n");
    sim.advance(SimDuration::from_secs(5));
    assert_eq!(run(&mut sim, "kubectl exec reader -- cat /etc/site/motd"), "hello\n");
    sim.advance(SimDuration::from_secs(80));
    assert_eq!(run(&mut sim, "kubectl exec reader -- cat /etc/site/motd"), "updated\n");
    assert_eq!(run(&mut sim, "kubectl exec reader -- printenv MOTD"), "hello\n");
}
