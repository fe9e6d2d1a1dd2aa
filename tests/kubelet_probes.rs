//! Probes, init containers, sidecars, OOM kills, image pull failures and deletion, observed
//! through the API and kubectl as a learner would.

mod common;

use common::apply;
use podlab::console::execute;
use podlab::sim::api::Object;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};

fn cluster() -> Simulation {
    Simulation::new(ClusterSpec::default(), 11)
}

fn pod_yaml(name: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: podlab-worker\n{body}")
}

fn pod(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::Pod {
    match sim.store().get("Pod", "default", name).map(|o| (**o).clone()) {
        Some(Object::Pod(p)) => (*p).clone(),
        other => panic!("pod {name} not found: {other:?}"),
    }
}

fn statuses(sim: &Simulation, name: &str, init: bool) -> Vec<k8s_openapi::api::core::v1::ContainerStatus> {
    let status = pod(sim, name).status.unwrap_or_default();
    if init { status.init_container_statuses } else { status.container_statuses }.unwrap_or_default()
}

fn messages(sim: &Simulation, name: &str) -> Vec<String> {
    sim.store()
        .list("Event", Some("default"))
        .filter_map(|o| o.as_event())
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .map(|e| {
            format!("{} {}", e.reason.clone().unwrap_or_default(), e.message.clone().unwrap_or_default())
        })
        .collect()
}

fn waiting_reason(s: &k8s_openapi::api::core::v1::ContainerStatus) -> Option<String> {
    s.state.as_ref()?.waiting.as_ref()?.reason.clone()
}

#[test]
fn failing_http_liveness_probe_restarts_nginx() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "liveness-http",
            "  containers:\n    - name: web\n      image: nginx:1.27\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 80\n        periodSeconds: 5\n        failureThreshold: 3\n",
        ),
    );
    sim.advance(SimDuration::from_secs(100));
    let c = &statuses(&sim, "liveness-http", false)[0];
    assert!((2..=7).contains(&c.restart_count), "{}", c.restart_count);
    let events = messages(&sim, "liveness-http");
    assert!(
        events.iter().any(|m| m == "Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 404"),
        "{events:?}"
    );
    assert!(
        events.iter().any(|m| m == "Killing Container web failed liveness probe, will be restarted"),
        "{events:?}"
    );
    let last = c.last_state.clone().unwrap().terminated.unwrap();
    assert_eq!(last.exit_code, 0);
}

#[test]
fn failing_tcp_liveness_probe_names_the_pod_ip() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "liveness-tcp",
            "  containers:\n    - name: cache\n      image: redis:7\n      livenessProbe:\n        tcpSocket:\n          port: 6380\n        periodSeconds: 5\n",
        ),
    );
    sim.advance(SimDuration::from_secs(100));
    let restarts = statuses(&sim, "liveness-tcp", false)[0].restart_count;
    assert!((2..=7).contains(&restarts), "{restarts}");
    let events = messages(&sim, "liveness-tcp");
    assert!(
        events
            .iter()
            .any(|m| m
                == "Unhealthy Liveness probe failed: dial tcp 10.244.1.2:6380: connect: connection refused"),
        "{events:?}"
    );
    assert!(statuses(&sim, "liveness-tcp", false)[0].restart_count >= 1);
}

#[test]
fn readiness_probe_gates_ready_until_the_file_exists() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "ready",
            "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"sleep 3600\"]\n      readinessProbe:\n        exec:\n          command: [\"cat\", \"/tmp/ready\"]\n        periodSeconds: 5\n",
        ),
    );
    sim.advance(SimDuration::from_secs(20));
    let c = &statuses(&sim, "ready", false)[0];
    assert!(!c.ready);
    assert_eq!(pod(&sim, "ready").status.unwrap().phase.as_deref(), Some("Running"));
    let events = messages(&sim, "ready");
    assert!(
        events.iter().any(|m| m
            == "Unhealthy Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory"),
        "{events:?}"
    );
    let out = execute(&mut sim, &[], "kubectl exec ready -- touch /tmp/ready");
    assert!(!out.has_errors(), "{}", out.text());
    sim.advance(SimDuration::from_secs(6));
    assert!(statuses(&sim, "ready", false)[0].ready);
    assert_eq!(statuses(&sim, "ready", false)[0].restart_count, 0);
}

#[test]
fn init_containers_run_in_order_then_the_app_starts() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "init-demo",
            "  initContainers:\n    - name: first\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"sleep 10\"]\n    - name: second\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"sleep 10\"]\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"sleep 3600\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(8));
    let init = statuses(&sim, "init-demo", true);
    assert!(init[0].state.as_ref().unwrap().running.is_some());
    assert_eq!(waiting_reason(&init[1]).as_deref(), Some("PodInitializing"));
    assert_eq!(waiting_reason(&statuses(&sim, "init-demo", false)[0]).as_deref(), Some("PodInitializing"));
    let initialized = pod(&sim, "init-demo")
        .status
        .unwrap()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Initialized")
        .unwrap();
    assert_eq!(initialized.message.as_deref(), Some("containers with incomplete status: [first second]"));
    sim.advance(SimDuration::from_secs(10));
    assert!(statuses(&sim, "init-demo", true)[1].state.as_ref().unwrap().running.is_some());
    sim.advance(SimDuration::from_secs(15));
    assert_eq!(pod(&sim, "init-demo").status.unwrap().phase.as_deref(), Some("Running"));
    assert!(statuses(&sim, "init-demo", false)[0].ready);
    let done = statuses(&sim, "init-demo", true)[0].state.clone().unwrap().terminated.unwrap();
    assert_eq!(done.reason.as_deref(), Some("Completed"));
}

#[test]
fn failing_init_container_with_never_fails_the_pod() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "init-fail",
            "  restartPolicy: Never\n  initContainers:\n    - name: check\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"exit 1\"]\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(20));
    assert_eq!(pod(&sim, "init-fail").status.unwrap().phase.as_deref(), Some("Failed"));
    assert_eq!(statuses(&sim, "init-fail", true)[0].restart_count, 0);
}

#[test]
fn sidecar_runs_beside_the_app_and_counts_as_ready() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "with-sidecar",
            "  initContainers:\n    - name: logger\n      image: busybox:1.36\n      restartPolicy: Always\n      command: [\"sh\", \"-c\", \"while true; do echo tick; sleep 5; done\"]\n  containers:\n    - name: app\n      image: nginx:1.27\n",
        ),
    );
    sim.advance(SimDuration::from_secs(20));
    let status = pod(&sim, "with-sidecar").status.unwrap();
    assert_eq!(status.phase.as_deref(), Some("Running"));
    assert!(statuses(&sim, "with-sidecar", true)[0].ready);
    assert!(statuses(&sim, "with-sidecar", false)[0].ready);
    let logs = execute(&mut sim, &[], "kubectl logs with-sidecar -c logger").text();
    assert!(logs.lines().filter(|l| *l == "tick").count() >= 2, "{logs}");
}

#[test]
fn memory_over_the_limit_is_oom_killed() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "memory-hog",
            "  containers:\n    - name: stress\n      image: polinux/stress\n      resources:\n        limits:\n          memory: 100Mi\n        requests:\n          memory: 50Mi\n      command: [\"stress\"]\n      args: [\"--vm\", \"1\", \"--vm-bytes\", \"250M\", \"--vm-hang\", \"1\"]\n",
        ),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "memory-ok",
            "  containers:\n    - name: stress\n      image: polinux/stress\n      resources:\n        limits:\n          memory: 300Mi\n        requests:\n          memory: 200Mi\n      command: [\"stress\"]\n      args: [\"--vm\", \"1\", \"--vm-bytes\", \"150M\", \"--vm-hang\", \"1\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(60));
    let ok = &statuses(&sim, "memory-ok", false)[0];
    assert!(ok.ready && ok.restart_count == 0);
    let c = &statuses(&sim, "memory-hog", false)[0];
    assert!((1..=5).contains(&c.restart_count), "{}", c.restart_count);
    let last = c
        .last_state
        .clone()
        .and_then(|s| s.terminated)
        .or_else(|| c.state.clone().and_then(|s| s.terminated))
        .expect("an exit");
    assert_eq!(last.reason.as_deref(), Some("OOMKilled"));
    assert_eq!(last.exit_code, 137);
    assert_eq!(pod(&sim, "memory-hog").status.unwrap().qos_class.as_deref(), Some("Burstable"));
}

#[test]
fn image_pull_failures_back_off() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("bad-tag", "  containers:\n    - name: web\n      image: nginx:9.99.9\n"));
    apply(
        &mut sim,
        &pod_yaml(
            "never-missing",
            "  containers:\n    - name: cache\n      image: redis:7\n      imagePullPolicy: Never\n",
        ),
    );
    sim.advance(SimDuration::from_secs(40));
    let reason = waiting_reason(&statuses(&sim, "bad-tag", false)[0]).unwrap();
    assert!(reason == "ErrImagePull" || reason == "ImagePullBackOff", "{reason}");
    let events = messages(&sim, "bad-tag");
    assert!(events.iter().any(|m| m == "BackOff Back-off pulling image \"nginx:9.99.9\""), "{events:?}");
    assert!(events.iter().any(|m| m == "Failed Error: ErrImagePull"), "{events:?}");
    assert_eq!(
        waiting_reason(&statuses(&sim, "never-missing", false)[0]).as_deref(),
        Some("ErrImageNeverPull")
    );
    assert!(messages(&sim, "never-missing").iter().any(
        |m| m == "ErrImageNeverPull Container image \"redis:7\" is not present with pull policy of Never"
    ));
    let logs = execute(&mut sim, &[], "kubectl logs bad-tag").text();
    assert_eq!(logs, "Error from server (BadRequest): container \"web\" in pod \"bad-tag\" is waiting to start: trying and failing to pull image\n");
}

#[test]
fn deleting_a_sleep_pod_waits_out_the_grace_period() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("sleeper", "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n"));
    apply(&mut sim, &pod_yaml("web", "  containers:\n    - name: web\n      image: nginx:1.27\n"));
    sim.advance(SimDuration::from_secs(15));
    let before = sim.time();
    let out = execute(&mut sim, &[], "kubectl delete pod sleeper");
    assert_eq!(out.text(), "pod \"sleeper\" deleted from default namespace\n");
    let took = sim.time().since(before).as_secs();
    assert!((30..=31).contains(&took), "took {took}s");
    assert!(sim.store().get("Pod", "default", "sleeper").is_none());
    assert!(messages(&sim, "sleeper").iter().any(|m| m == "Killing Stopping container app"));
    let before = sim.time();
    execute(&mut sim, &[], "kubectl delete pod web");
    assert!(sim.time().since(before).as_secs() <= 2);
    assert!(sim.store().get("Pod", "default", "web").is_none());
}

#[test]
fn missing_configmap_is_a_create_container_config_error() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "needs-config",
            "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo $GREETING; sleep 3600\"]\n      env:\n        - name: GREETING\n          valueFrom:\n            configMapKeyRef:\n              name: app-config\n              key: greeting\n",
        ),
    );
    sim.advance(SimDuration::from_secs(10));
    let c = &statuses(&sim, "needs-config", false)[0];
    assert_eq!(waiting_reason(c).as_deref(), Some("CreateContainerConfigError"));
    assert!(messages(&sim, "needs-config")
        .iter()
        .any(|m| m == "Failed Error: configmap \"app-config\" not found"));
    apply(
        &mut sim,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  greeting: hello there\n",
    );
    sim.advance(SimDuration::from_secs(12));
    let logs = execute(&mut sim, &[], "kubectl logs needs-config").text();
    assert_eq!(logs, "hello there\n");
}

#[test]
fn containers_share_an_empty_dir_and_localhost() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "shared-page",
            "  volumes:\n    - name: html\n      emptyDir: {}\n  containers:\n    - name: web\n      image: nginx:1.27\n      volumeMounts:\n        - name: html\n          mountPath: /usr/share/nginx/html\n          readOnly: true\n    - name: content\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"while true; do echo '<h1>Fresh</h1>' > /out/index.html; sleep 5; done\"]\n      volumeMounts:\n        - name: html\n          mountPath: /out\n",
        ),
    );
    sim.advance(SimDuration::from_secs(20));
    let out = execute(&mut sim, &[], "kubectl exec shared-page -c content -- wget -qO- http://localhost/");
    assert!(out.text().contains("<h1>Fresh</h1>"), "{}", out.text());
    let out = execute(&mut sim, &[], "kubectl exec shared-page -c web -- touch /usr/share/nginx/html/x");
    assert!(out.text().contains("Read-only file system"), "{}", out.text());
    assert!(out.text().contains("command terminated with exit code 1"), "{}", out.text());
    let out = execute(&mut sim, &[], "kubectl exec shared-page -- cat /etc/hostname");
    assert_eq!(out.lines(), ["Defaulted container \"web\" out of: web, content", "shared-page"]);
}

#[test]
fn hooks_and_termination_messages() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "hooked",
            "  restartPolicy: Never\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"cat /tmp/greeting; echo bye > /dev/termination-log; exit 2\"]\n      lifecycle:\n        postStart:\n          exec:\n            command: [\"sh\", \"-c\", \"echo hello from postStart > /tmp/greeting\"]\n",
        ),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "fallback",
            "  restartPolicy: Never\n  containers:\n    - name: app\n      image: busybox:1.36\n      terminationMessagePolicy: FallbackToLogsOnError\n      command: [\"sh\", \"-c\", \"echo first; echo panic: boom; exit 1\"]\n",
        ),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "bad-hook",
            "  restartPolicy: Never\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n      lifecycle:\n        postStart:\n          exec:\n            command: [\"sh\", \"-c\", \"exit 1\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(45));
    let logs = execute(&mut sim, &[], "kubectl logs hooked").text();
    assert_eq!(logs, "hello from postStart\n");
    let hooked = statuses(&sim, "hooked", false)[0].state.clone().unwrap().terminated.unwrap();
    assert_eq!(hooked.message.as_deref(), Some("bye\n"));
    let fallback = statuses(&sim, "fallback", false)[0].state.clone().unwrap().terminated.unwrap();
    assert_eq!(fallback.message.as_deref(), Some("first\npanic: boom"));
    let events = messages(&sim, "bad-hook");
    assert!(
        events.iter().any(|m| m.starts_with("FailedPostStartHook Exec lifecycle hook ([sh -c exit 1]) for Container \"app\" in Pod \"bad-hook_default(")
            && m.contains("failed - error: command 'sh -c exit 1' exited with 1: , message: \"\"")),
        "{events:?}"
    );
    assert_eq!(pod(&sim, "bad-hook").status.unwrap().phase.as_deref(), Some("Failed"));
}

#[test]
fn odd_pods_never_break_the_kubelet() {
    let mut sim = cluster();
    let bodies = [
        "  containers:\n    - name: a\n      image: \"NGINX:Bad Tag\"\n",
        "  containers:\n    - name: a\n      image: busybox:1.36\n      command: [\"/no/such/binary\"]\n",
        "  containers:\n    - name: a\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"while true; do :; done\"]\n      livenessProbe:\n        httpGet:\n          port: missing\n",
        "  containers:\n    - name: a\n      image: busybox:1.36\n      command: [\"sleep\", \"10\"]\n      readinessProbe:\n        grpc:\n          port: 9000\n",
        "  containers:\n    - name: a\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"kill -9 1\"]\n",
        "  volumes:\n    - name: cfg\n      configMap:\n        name: absent\n  containers:\n    - name: a\n      image: busybox:1.36\n      volumeMounts:\n        - name: cfg\n          mountPath: /cfg\n",
        "  hostNetwork: true\n  containers:\n    - name: a\n      image: nginx:1.27\n",
    ];
    for (i, body) in bodies.iter().enumerate() {
        apply(&mut sim, &pod_yaml(&format!("odd-{i}"), body));
    }
    sim.advance(SimDuration::from_secs(120));
    let invalid = statuses(&sim, "odd-0", false);
    assert_eq!(waiting_reason(&invalid[0]).as_deref(), Some("InvalidImageName"));
    let missing = statuses(&sim, "odd-1", false)[0].clone();
    let last =
        missing.last_state.and_then(|s| s.terminated).or(missing.state.and_then(|s| s.terminated)).unwrap();
    assert_eq!(last.reason.as_deref(), Some("StartError"));
    assert_eq!(last.exit_code, 128);
    assert!(messages(&sim, "odd-5")
        .iter()
        .any(|m| m
            == "FailedMount MountVolume.SetUp failed for volume \"cfg\" : configmap \"absent\" not found"));
    assert_eq!(pod(&sim, "odd-6").status.unwrap().pod_ip.as_deref(), Some("172.18.0.3"));
    for i in 0..bodies.len() {
        let out = execute(&mut sim, &[], &format!("kubectl delete pod odd-{i} --grace-period=1"));
        assert!(!out.has_errors(), "{}", out.text());
    }
    assert_eq!(
        execute(&mut sim, &[], "kubectl get pods").text(),
        "No resources found in default namespace.\n"
    );
}
