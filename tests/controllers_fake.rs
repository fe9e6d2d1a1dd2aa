//! A stand-in for the scheduler and the kubelets in controller tests: it binds every new pod to
//! the worker with the fewest pods (PodScheduled), marks it Running and Ready with an IP after
//! `start_delay` (never Ready if an image name contains `never-ready`; exiting with N after
//! [`RUN_TIME`] if it contains `exit-N`), and removes terminating pods after `stop_delay`. Status writes go through the
//! store like a real kubelet's. Other test files include it with `#[path]`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateTerminated, ContainerStatus, Node, NodeCondition, NodeSpec, NodeStatus,
    PodCondition, PodStatus, Taint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use podlab::sim::api::store::timestamp;
use podlab::sim::api::{Object, ObjectKey, WatchEvent, WatchEventType};
use podlab::sim::{Actor, ActorId, ClusterSpec, Components, SimDuration, SimTime, Simulation};

/// What the fake does to a pod when its timer fires.
#[derive(Clone, Debug)]
enum Step {
    Start(ObjectKey),
    Finish(ObjectKey, i32),
    Remove(ObjectKey),
}

/// The fake scheduler and kubelet.
#[derive(Clone)]
pub struct FakeKubelet {
    id: ActorId,
    start_delay: SimDuration,
    stop_delay: SimDuration,
    steps: BTreeMap<u64, Step>,
    next_token: u64,
    next_ip: u32,
}

/// A default cluster with controllers and the fake kubelet (pods start 2 s after creation,
/// terminating pods vanish after 1 s).
pub fn cluster() -> Simulation {
    cluster_with(SimDuration::from_secs(2), SimDuration::from_secs(1))
}

/// A default cluster with the given start and stop delays.
pub fn cluster_with(start_delay: SimDuration, stop_delay: SimDuration) -> Simulation {
    // Only the controllers run: the fake plays the scheduler and the kubelets. The nodes are
    // created through the API, as their kubelets would register them.
    let mut sim =
        Simulation::with_components(ClusterSpec { nodes: Vec::new() }, 7, Components::CONTROLLERS_ONLY);
    for name in ["podlab-control-plane", "podlab-worker", "podlab-worker2", "podlab-worker3"] {
        let control_plane = name.ends_with("control-plane");
        let mut labels = BTreeMap::from([
            ("kubernetes.io/hostname".to_string(), name.to_string()),
            ("kubernetes.io/os".to_string(), "linux".to_string()),
        ]);
        let mut taints = None;
        if control_plane {
            labels.insert("node-role.kubernetes.io/control-plane".into(), String::new());
            taints = Some(vec![Taint {
                key: "node-role.kubernetes.io/control-plane".into(),
                effect: "NoSchedule".into(),
                ..Default::default()
            }]);
        }
        let now = timestamp(sim.now_unix());
        let node = Node {
            metadata: ObjectMeta { name: Some(name.into()), labels: Some(labels), ..Default::default() },
            spec: Some(NodeSpec { taints, ..Default::default() }),
            status: Some(NodeStatus {
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    reason: Some("KubeletReady".into()),
                    message: Some("kubelet is posting ready status".into()),
                    last_heartbeat_time: Some(now.clone()),
                    last_transition_time: Some(now),
                }]),
                ..Default::default()
            }),
        };
        sim.create(Object::from(node)).expect("node");
    }
    let id = sim.add_actor_with(|id| {
        Box::new(FakeKubelet {
            id,
            start_delay,
            stop_delay,
            steps: BTreeMap::new(),
            next_token: 0,
            next_ip: 2,
        })
    });
    // Token 0 is the heartbeat; pod steps use tokens from 1.
    let first = sim.time() + HEARTBEAT_INTERVAL;
    sim.schedule_timer(id, first, 0);
    sim
}

/// How often the fake posts each node's Ready heartbeat.
pub const HEARTBEAT_INTERVAL: SimDuration = SimDuration::from_secs(10);

impl FakeKubelet {
    fn later(&mut self, sim: &mut Simulation, after: SimDuration, step: Step) {
        self.next_token += 1;
        self.steps.insert(self.next_token, step);
        let at = sim.time() + after;
        sim.schedule_timer(self.id, at, self.next_token);
    }

    fn bind(&mut self, sim: &mut Simulation, key: &ObjectKey) {
        let Some(object) = sim.store().get("Pod", &key.namespace, &key.name).cloned() else { return };
        let mut counts: BTreeMap<String, usize> = sim
            .store()
            .list("Node", None)
            .filter(|n| {
                !n.labels().contains_key("node-role.kubernetes.io/control-plane")
                    && !n.name().contains("-lost")
            })
            .map(|n| (n.name().to_string(), 0))
            .collect();
        for pod in sim.store().list("Pod", None).filter_map(|p| p.as_pod()) {
            if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_ref()) {
                if let Some(c) = counts.get_mut(node) {
                    *c += 1;
                }
            }
        }
        let mut pod = object.as_pod().cloned().unwrap_or_default();
        // DaemonSet pods name their node in a matchFields affinity.
        let pinned = pod
            .spec
            .as_ref()
            .and_then(|s| {
                s.affinity
                    .as_ref()?
                    .node_affinity
                    .as_ref()?
                    .required_during_scheduling_ignored_during_execution
                    .clone()
            })
            .and_then(|sel| {
                sel.node_selector_terms
                    .into_iter()
                    .flat_map(|t| t.match_fields.into_iter().flatten())
                    .find_map(|r| r.values?.first().cloned())
            });
        let least_loaded =
            counts.iter().min_by_key(|(name, c)| (**c, (*name).clone())).map(|(n, _)| n.clone());
        let assigned = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        let Some(node) = assigned.or(pinned).or(least_loaded) else { return };
        pod.spec.get_or_insert_with(Default::default).node_name = Some(node);
        let now = timestamp(sim.now_unix());
        pod.status = Some(PodStatus {
            phase: Some("Pending".into()),
            conditions: Some(vec![condition("PodScheduled", "True", now)]),
            ..Default::default()
        });
        pod.metadata.resource_version = None;
        let _ = sim.update(Object::from(pod));
    }

    /// Posts a Ready heartbeat for every node except the `-lost` ones.
    fn heartbeat(&mut self, sim: &mut Simulation) {
        let now = timestamp(sim.now_unix());
        let nodes: Vec<Node> = sim
            .store()
            .list("Node", None)
            .filter(|n| !n.name().contains("-lost"))
            .filter_map(|n| n.as_node().cloned())
            .collect();
        for mut node in nodes {
            for c in node.status.iter_mut().flat_map(|s| s.conditions.iter_mut().flatten()) {
                if c.type_ == "Ready" {
                    c.last_heartbeat_time = Some(now.clone());
                }
            }
            node.metadata.resource_version = None;
            let _ = sim.update(Object::from(node));
        }
        let at = sim.time() + HEARTBEAT_INTERVAL;
        sim.schedule_timer(self.id, at, 0);
    }

    fn start(&mut self, sim: &mut Simulation, key: &ObjectKey) {
        let Some(object) = sim.store().get("Pod", &key.namespace, &key.name).cloned() else { return };
        let Some(mut pod) = object.as_pod().cloned() else { return };
        if pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        let ready = !pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .any(|c| c.image.as_deref().is_some_and(|i| i.contains("never-ready")));
        let flag = if ready { "True" } else { "False" };
        let now = timestamp(sim.now_unix());
        let status = pod.status.get_or_insert_with(Default::default);
        status.phase = Some("Running".into());
        status.pod_ip = Some(format!("10.244.1.{}", self.next_ip));
        self.next_ip += 1;
        status.conditions = Some(vec![
            condition("PodReadyToStartContainers", "True", now.clone()),
            condition("Initialized", "True", now.clone()),
            condition("Ready", flag, now.clone()),
            condition("ContainersReady", flag, now.clone()),
            condition("PodScheduled", "True", now),
        ]);
        status.container_statuses = Some(
            pod.spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .map(|c| ContainerStatus {
                    name: c.name.clone(),
                    image: c.image.clone().unwrap_or_default(),
                    ready,
                    ..Default::default()
                })
                .collect(),
        );
        let exit = pod.spec.iter().flat_map(|s| s.containers.iter()).find_map(|c| {
            c.image
                .as_deref()
                .and_then(|i| i.split_once("exit-"))
                .and_then(|(_, code)| code.parse::<i32>().ok())
        });
        pod.metadata.resource_version = None;
        let _ = sim.update(Object::from(pod));
        if let Some(code) = exit {
            let delay = RUN_TIME;
            self.later(sim, delay, Step::Finish(key.clone(), code));
        }
    }

    fn finish(&mut self, sim: &mut Simulation, key: &ObjectKey, code: i32) {
        let Some(mut pod) =
            sim.store().get("Pod", &key.namespace, &key.name).and_then(|o| o.as_pod().cloned())
        else {
            return;
        };
        if pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        let now = timestamp(sim.now_unix());
        let status = pod.status.get_or_insert_with(Default::default);
        status.phase = Some(if code == 0 { "Succeeded" } else { "Failed" }.into());
        for c in status.conditions.iter_mut().flatten() {
            if c.type_ == "Ready" || c.type_ == "ContainersReady" {
                c.status = "False".into();
                c.last_transition_time = Some(now.clone());
            }
        }
        for c in status.container_statuses.iter_mut().flatten() {
            c.ready = false;
            c.state = Some(ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: code,
                    reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        pod.metadata.resource_version = None;
        let _ = sim.update(Object::from(pod));
    }
}

/// How long a pod whose image names `exit-N` runs before exiting with N.
pub const RUN_TIME: SimDuration = SimDuration::from_secs(3);

fn condition(
    kind: &str,
    status: &str,
    at: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> PodCondition {
    PodCondition {
        type_: kind.into(),
        status: status.into(),
        last_transition_time: Some(at),
        ..Default::default()
    }
}

impl Actor for FakeKubelet {
    fn name(&self) -> String {
        "fake-kubelet".into()
    }

    fn on_watch(&mut self, sim: &mut Simulation, event: &WatchEvent) {
        let object = &event.object;
        if object.kind() != "Pod" {
            return;
        }
        let key = ObjectKey::of(object);
        // Nodes named `*-lost*` have no kubelet: pods there are never started nor removed.
        let node = object.as_pod().and_then(|p| p.spec.as_ref()?.node_name.clone()).unwrap_or_default();
        if node.contains("-lost") {
            return;
        }
        match event.event_type {
            WatchEventType::Added => {
                self.bind(sim, &key);
                let delay = self.start_delay;
                self.later(sim, delay, Step::Start(key));
            }
            WatchEventType::Modified if object.metadata().deletion_timestamp.is_some() => {
                let delay = self.stop_delay;
                self.later(sim, delay, Step::Remove(key));
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, sim: &mut Simulation, token: u64) {
        if token == 0 {
            self.heartbeat(sim);
            return;
        }
        match self.steps.remove(&token) {
            Some(Step::Start(key)) => self.start(sim, &key),
            Some(Step::Finish(key, code)) => self.finish(sim, &key, code),
            Some(Step::Remove(key)) => {
                sim.delete_pod_finally(&key.namespace, &key.name);
            }
            None => {}
        }
    }
}

/// Loads a YAML manifest with `kubectl apply`.
pub fn apply(sim: &mut Simulation, yaml: &str) {
    let out =
        podlab::console::execute(sim, &[("m.yaml".to_string(), yaml.to_string())], "kubectl apply -f m.yaml");
    assert!(!out.has_errors(), "{}", out.text());
}

/// Runs a console line and returns its output text.
pub fn run(sim: &mut Simulation, line: &str) -> String {
    podlab::console::execute(sim, &[], line).text()
}

/// Runs the simulation for `secs` seconds.
pub fn wait(sim: &mut Simulation, secs: u64) {
    sim.advance(SimDuration::from_secs(secs));
}

/// Pods in `default` whose names start with `prefix`, sorted, that are not terminating.
pub fn live_pods(sim: &Simulation, prefix: &str) -> Vec<String> {
    sim.store()
        .list("Pod", Some("default"))
        .filter(|p| p.name().starts_with(prefix) && p.metadata().deletion_timestamp.is_none())
        .map(|p| p.name().to_string())
        .collect()
}

/// `(reason, message)` of every event on the object named `name`, in creation order.
pub fn events_for(sim: &Simulation, name: &str) -> Vec<(String, String)> {
    let mut events: Vec<_> = sim
        .store()
        .list("Event", Some("default"))
        .filter_map(|e| e.as_event())
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .map(|e| {
            (
                e.metadata.creation_timestamp.clone(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
            )
        })
        .collect();
    events.sort_by(|a, b| a.0.as_ref().map(|t| t.0).cmp(&b.0.as_ref().map(|t| t.0)));
    events.into_iter().map(|(_, r, m)| (r, m)).collect()
}

/// The current virtual time in seconds.
pub fn now_secs(sim: &Simulation) -> u64 {
    sim.time().as_secs()
}

#[allow(unused)]
fn _keep(_: SimTime) {}
