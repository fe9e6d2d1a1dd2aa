//! The kubelet's pod lifecycle on a simulated node: sandbox, pulls, starts, exits, restarts,
//! back-off, statuses and events, as `kubectl` shows them.

mod common;

use common::{apply, kubectl};
use podlab::sim::api::Object;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};

fn cluster() -> Simulation {
    Simulation::new(ClusterSpec::default(), 7)
}

/// Applies `yaml` (pods get `nodeName: podlab-worker` when they name no node).
fn pod_yaml(name: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: podlab-worker\n{body}")
}

fn pod(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::Pod {
    match sim.store().get("Pod", "default", name).map(|o| (**o).clone()) {
        Some(Object::Pod(p)) => (*p).clone(),
        other => panic!("pod {name} not found: {other:?}"),
    }
}

fn phase(sim: &Simulation, name: &str) -> String {
    pod(sim, name).status.and_then(|s| s.phase).unwrap_or_default()
}

fn container_status(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::ContainerStatus {
    pod(sim, name)
        .status
        .and_then(|s| s.container_statuses)
        .and_then(|c| c.into_iter().next())
        .expect("a container status")
}

/// (reason, message, count) of the events about `name`, in the order recorded.
fn events(sim: &Simulation, name: &str) -> Vec<(String, String, i32)> {
    let mut list: Vec<_> = sim
        .store()
        .list("Event", Some("default"))
        .filter_map(|o| o.as_event())
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .map(|e| {
            (
                e.first_timestamp.clone().map(|t| t.0.as_second()).unwrap_or(0),
                e.metadata.name.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
                e.count.unwrap_or(1),
            )
        })
        .collect();
    list.sort();
    list.into_iter().map(|(_, _, r, m, c)| (r, m, c)).collect()
}

#[test]
fn nginx_pod_runs_with_ip_events_and_conditions() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("hello", "  containers:\n    - name: web\n      image: nginx:1.27\n"));
    sim.advance(SimDuration::from_millis(200));
    assert_eq!(phase(&sim, "hello"), "Pending");
    let waiting = container_status(&sim, "hello").state.unwrap().waiting.unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("ContainerCreating"));
    sim.advance(SimDuration::from_secs(10));
    let p = pod(&sim, "hello");
    let status = p.status.clone().unwrap();
    assert_eq!(status.phase.as_deref(), Some("Running"));
    assert_eq!(status.pod_ip.as_deref(), Some("10.244.1.2"));
    assert_eq!(status.host_ip.as_deref(), Some("172.18.0.3"));
    assert_eq!(status.qos_class.as_deref(), Some("BestEffort"));
    let conditions: Vec<(String, String)> =
        status.conditions.unwrap().into_iter().map(|c| (c.type_, c.status)).collect();
    assert_eq!(
        conditions,
        [
            ("PodReadyToStartContainers", "True"),
            ("Initialized", "True"),
            ("Ready", "True"),
            ("ContainersReady", "True"),
            ("PodScheduled", "True")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let c = container_status(&sim, "hello");
    assert!(c.ready && c.started == Some(true));
    assert_eq!(c.image, "docker.io/library/nginx:1.27");
    assert!(c.image_id.starts_with("docker.io/library/nginx@sha256:"));
    assert_eq!(c.container_id.as_deref().map(|id| id.len()), Some("containerd://".len() + 64));
    let reasons: Vec<String> = events(&sim, "hello").into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(reasons, ["Pulling", "Pulled", "Created", "Started"]);
    let pulled = &events(&sim, "hello")[1].1;
    assert!(
        regex_lite::Regex::new(r#"^Successfully pulled image "nginx:1.27" in [0-9.]+m?s \([0-9.]+m?s including waiting\)\. Image size: 72\d+ bytes\.$"#)
            .unwrap()
            .is_match(pulled),
        "{pulled}"
    );
    let logs = kubectl(&mut sim, "kubectl logs hello");
    assert!(logs.contains("Configuration complete; ready for start up"), "{logs}");
}

#[test]
fn second_pod_on_the_node_reuses_the_image_and_gets_the_next_ip() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("a", "  containers:\n    - name: web\n      image: nginx:1.27\n"));
    sim.advance(SimDuration::from_secs(10));
    apply(&mut sim, &pod_yaml("b", "  containers:\n    - name: web\n      image: nginx:1.27\n"));
    sim.advance(SimDuration::from_secs(3));
    assert_eq!(phase(&sim, "b"), "Running");
    assert_eq!(pod(&sim, "b").status.unwrap().pod_ip.as_deref(), Some("10.244.1.3"));
    let pulled = events(&sim, "b").into_iter().find(|(r, _, _)| r == "Pulled").unwrap();
    assert_eq!(
        pulled.1,
        "Container image \"nginx:1.27\" already present on machine and can be accessed by the pod"
    );
}

#[test]
fn never_restart_policy_ends_in_succeeded_or_failed() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "short-task",
            "  restartPolicy: Never\n  containers:\n    - name: task\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo crunching numbers; sleep 20; echo all done\"]\n",
        ),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "failing-task",
            "  restartPolicy: Never\n  containers:\n    - name: task\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo crunching; sleep 20; echo disk quota exceeded >&2; exit 3\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(10));
    assert_eq!(phase(&sim, "short-task"), "Running");
    sim.advance(SimDuration::from_secs(30));
    assert_eq!(phase(&sim, "short-task"), "Succeeded");
    assert_eq!(phase(&sim, "failing-task"), "Failed");
    let terminated = container_status(&sim, "failing-task").state.unwrap().terminated.unwrap();
    assert_eq!(terminated.exit_code, 3);
    assert_eq!(terminated.reason.as_deref(), Some("Error"));
    let done = container_status(&sim, "short-task").state.unwrap().terminated.unwrap();
    assert_eq!(done.reason.as_deref(), Some("Completed"));
    let logs = kubectl(&mut sim, "kubectl logs failing-task");
    assert!(logs.lines().any(|l| l == "disk quota exceeded"), "{logs}");
    let ready = pod(&sim, "short-task").status.unwrap().conditions.unwrap();
    let ready = ready.iter().find(|c| c.type_ == "Ready").unwrap();
    assert_eq!(ready.reason.as_deref(), Some("PodCompleted"));
}

#[test]
fn crash_loop_back_off_doubles_from_ten_seconds() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml(
            "crash",
            "  restartPolicy: OnFailure\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo cannot open config; exit 1\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(45));
    let c = container_status(&sim, "crash");
    assert!((2..=4).contains(&c.restart_count), "restarts at 45s: {}", c.restart_count);
    assert_eq!(phase(&sim, "crash"), "Running");
    sim.advance(SimDuration::from_secs(215));
    let c = container_status(&sim, "crash");
    assert!((4..=6).contains(&c.restart_count), "restarts at 260s: {}", c.restart_count);
    let backoff = events(&sim, "crash").into_iter().find(|(r, _, _)| r == "BackOff").unwrap();
    assert!(
        backoff.1.starts_with("Back-off restarting failed container app in pod crash_default("),
        "{}",
        backoff.1
    );
    let previous = kubectl(&mut sim, "kubectl logs crash --previous");
    assert!(previous.lines().any(|l| l == "cannot open config"), "{previous}");
    let last = c.last_state.unwrap().terminated.unwrap();
    assert_eq!(last.exit_code, 1);
}

#[test]
fn always_policy_restarts_completed_containers() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml("done", "  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo report; exit 0\"]\n"),
    );
    apply(
        &mut sim,
        &pod_yaml(
            "once",
            "  restartPolicy: OnFailure\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sh\", \"-c\", \"echo report; exit 0\"]\n",
        ),
    );
    sim.advance(SimDuration::from_secs(45));
    let c = container_status(&sim, "done");
    assert!((2..=4).contains(&c.restart_count), "{}", c.restart_count);
    assert_eq!(phase(&sim, "done"), "Running");
    assert_eq!(phase(&sim, "once"), "Succeeded");
    assert_eq!(container_status(&sim, "once").restart_count, 0);
}

#[test]
fn always_pull_policy_checks_the_registry_on_every_start() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pod_yaml("latest", "  containers:\n    - name: app\n      image: busybox\n      command: [\"sh\", \"-c\", \"exit 1\"]\n"),
    );
    sim.advance(SimDuration::from_secs(30));
    let pulls: Vec<(String, String, i32)> =
        events(&sim, "latest").into_iter().filter(|(r, _, _)| r == "Pulling" || r == "Pulled").collect();
    assert!(pulls.len() >= 4, "{pulls:?}");
    assert!(pulls.iter().all(|(_, m, _)| !m.contains("already present")), "{pulls:?}");
    let again = pulls.iter().filter(|(r, _, _)| r == "Pulled").nth(1).unwrap();
    assert!(
        regex_lite::Regex::new(r#"^Successfully pulled image "busybox" in \d+ms \(\d+ms including waiting\)\. Image size: \d+ bytes\.$"#)
            .unwrap()
            .is_match(&again.1),
        "{}",
        again.1
    );
    let traced = sim
        .trace()
        .entries()
        .iter()
        .any(|e| e.subject.as_ref() == "pod/default/latest" && e.detail == "phase Running");
    assert!(traced);
}

#[test]
fn a_node_registered_later_gets_a_kubelet() {
    let mut sim = cluster();
    apply(
        &mut sim,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: podlab-worker9\nspec:\n  podCIDR: 10.244.9.0/24\nstatus:\n  addresses:\n    - type: InternalIP\n      address: 172.18.0.11\n  allocatable:\n    cpu: \"2\"\n    memory: 4Gi\n    pods: \"110\"\n",
    );
    apply(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: late\nspec:\n  nodeName: podlab-worker9\n  containers:\n    - name: web\n      image: nginx:1.27\n",
    );
    sim.advance(SimDuration::from_secs(15));
    let status = pod(&sim, "late").status.unwrap();
    assert_eq!(status.phase.as_deref(), Some("Running"));
    assert_eq!(status.pod_ip.as_deref(), Some("10.244.9.2"));
    assert_eq!(status.host_ip.as_deref(), Some("172.18.0.11"));
}

#[test]
fn a_removed_node_takes_its_containers_with_it() {
    let mut sim = cluster();
    apply(&mut sim, &pod_yaml("server", "  containers:\n    - name: web\n      image: nginx:1.27\n"));
    apply(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  nodeName: podlab-worker2\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [\"sleep\", \"3600\"]\n",
    );
    sim.advance(SimDuration::from_secs(15));
    assert!(kubectl(&mut sim, "kubectl exec client -- wget -qO- http://10.244.1.2/")
        .contains("Welcome to nginx!"));
    sim.delete("Node", "", "podlab-worker", Default::default()).unwrap();
    sim.advance(SimDuration::from_secs(1));
    let out = kubectl(&mut sim, "kubectl exec client -- wget -T 1 -qO- http://10.244.1.2/");
    assert!(!out.contains("Welcome to nginx!"), "{out}");
}
