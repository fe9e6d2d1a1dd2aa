//! What commands ask of the kubelets: container logs, `kubectl exec`, killing a container's
//! process, and stopping or restarting a node's kubelet.

use super::host::{ContainerHost, Sink};
use super::pod::{ContainerState, LogLine, PodRuntime};
use super::probes::run_sync;
use super::{Kubelets, Wake};
use crate::sim::runtime::{Process, ProcessRole, Signal};
use crate::sim::time::SimDuration;
use crate::sim::Simulation;

/// The longest a `kubectl exec` runs before it is cut off (a real terminal would wait).
const EXEC_LIMIT: SimDuration = SimDuration::from_mins(10);

impl Kubelets {
    pub(super) fn find(&self, namespace: &str, name: &str) -> Option<&PodRuntime> {
        self.pods.values().find(|p| p.namespace == namespace && p.name == name)
    }

    pub(super) fn container_logs(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<Vec<LogLine>, String> {
        let waiting =
            |reason: &str| format!("container {container:?} in pod {pod:?} is waiting to start: {reason}");
        let Some(runtime) = self.find(namespace, pod) else { return Err(waiting("ContainerCreating")) };
        let Some(c) = runtime.container(container) else {
            return Err(format!("container {container} is not valid for pod {pod}"));
        };
        let count = c.logs.len();
        if previous {
            let index = match &c.state {
                ContainerState::Waiting { .. } if c.last_termination.is_some() => count.checked_sub(1),
                ContainerState::Waiting { .. } => None,
                _ => count.checked_sub(2),
            };
            return index.and_then(|i| c.logs.get(i).cloned()).ok_or_else(|| {
                format!("previous terminated container {container:?} in pod {pod:?} not found")
            });
        }
        if let ContainerState::Waiting { reason, .. } = &c.state {
            if c.last_termination.is_none() {
                let text = match reason.as_str() {
                    "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image",
                    "ErrImageNeverPull" | "InvalidImageName" => "image can't be pulled",
                    other => other,
                };
                return Err(waiting(text));
            }
        }
        Ok(c.logs.last().cloned().unwrap_or_default())
    }

    pub(super) fn exec_in_container(
        &mut self,
        sim: &mut Simulation,
        namespace: &str,
        pod: &str,
        container: &str,
        argv: &[String],
    ) -> Result<(Vec<String>, i32, SimDuration), String> {
        let Some(uid) = self.find(namespace, pod).map(|p| p.uid.clone()) else {
            return Err(format!("error: unable to upgrade connection: container not found ({container:?})"));
        };
        if self.find(namespace, pod).is_some_and(|p| self.down.contains(&p.node)) {
            return Err(
                "error: unable to upgrade connection: error dialing backend: dial tcp: i/o timeout".into()
            );
        }
        let Some(mut runtime) = self.pods.remove(&uid) else { return Err("error: pod not found".into()) };
        let result = self.exec_on(sim, &mut runtime, container, argv);
        self.finish(sim, runtime);
        result
    }

    fn exec_on(
        &mut self,
        sim: &mut Simulation,
        runtime: &mut PodRuntime,
        container: &str,
        argv: &[String],
    ) -> Result<(Vec<String>, i32, SimDuration), String> {
        if let Some(phase) = runtime.final_phase.clone() {
            return Err(format!(
                "error: cannot exec into a container in a completed pod; current phase is {phase}"
            ));
        }
        let Some(index) = runtime.containers.iter().position(|c| c.name == container) else {
            return Err(format!("error: unable to upgrade connection: container not found ({container:?})"));
        };
        let Some(c) = runtime.containers.get(index).filter(|c| c.is_running()) else {
            return Err(format!("error: unable to upgrade connection: container not found ({container:?})"));
        };
        let toolbox = c.toolbox.clone().unwrap_or_else(|| crate::sim::runtime::generic_toolbox(&[]));
        let fs = c.fs.clone().unwrap_or_else(|| {
            crate::sim::runtime::ContainerFs::new(crate::sim::runtime::filesystem::Volume::new())
        });
        let working_dir = c.spec.working_dir.clone();
        let exec_id = sim.rng().hex(64);
        let mut process = Process::spawn(argv, &toolbox, &fs, ProcessRole::Exec).map_err(|e| {
            format!(
                "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec {exec_id:?}: {}",
                e.exec_message()
            )
        })?;
        if let Some(dir) = working_dir {
            process.set_working_dir(&dir);
        }
        let now = sim.time();
        let epoch = sim.epoch_unix();
        let mut host = ContainerHost::new(
            runtime,
            index,
            &self.pods,
            sim.store(),
            &self.down,
            now,
            epoch,
            Sink::Capture(Vec::new()),
            &mut self.round_robin,
        );
        let (code, took) = run_sync(&mut process, &mut host, EXEC_LIMIT);
        let lines = match std::mem::replace(&mut host.sink, Sink::Log) {
            Sink::Capture(lines) => lines,
            Sink::Log => Vec::new(),
        };
        let signals = std::mem::take(&mut host.signals);
        drop(host);
        for (target, signal) in signals {
            if runtime.containers.get(target).is_some_and(|c| c.is_running()) {
                self.run_process(sim, runtime, target, Some(signal));
            }
        }
        Ok((lines, code.unwrap_or(0), took))
    }

    pub(super) fn signal_container(
        &mut self,
        sim: &mut Simulation,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        signal: Signal,
    ) -> Result<String, String> {
        let Some(uid) = self.find(namespace, pod).map(|p| p.uid.clone()) else {
            return Err(format!("error: pod {pod:?} is not running on any node"));
        };
        let Some(mut runtime) = self.pods.remove(&uid) else {
            return Err(format!("error: pod {pod:?} not found"));
        };
        let index = match container {
            Some(name) => runtime.containers.iter().position(|c| c.name == name),
            None => runtime
                .containers
                .iter()
                .position(|c| c.kind == super::ContainerKind::App && c.is_running())
                .or_else(|| runtime.containers.iter().position(|c| c.is_running())),
        };
        let result = match index {
            Some(i) if runtime.containers.get(i).is_some_and(|c| c.is_running()) => {
                let name = runtime.containers.get(i).map(|c| c.name.clone()).unwrap_or_default();
                self.run_process(sim, &mut runtime, i, Some(signal));
                Ok(format!("container {name} in pod {pod} killed ({})", signal.name()))
            }
            Some(i) => {
                let name = runtime.containers.get(i).map(|c| c.name.clone()).unwrap_or_default();
                Err(format!("error: container {name:?} in pod {pod:?} is not running"))
            }
            None => Err(format!("error: container {:?} not found in pod {pod:?}", container.unwrap_or(""))),
        };
        self.finish(sim, runtime);
        result
    }

    pub(super) fn set_down(&mut self, sim: &mut Simulation, node: &str, down: bool) -> Result<(), String> {
        if !self.nodes.contains_key(node) {
            return Err(format!("error: node {node:?} not found"));
        }
        if down {
            self.down.insert(node.to_string());
            return Ok(());
        }
        if !self.down.remove(node) {
            return Ok(());
        }
        let now = sim.time();
        let ours: Vec<String> = self.pods_on(node).map(|p| p.uid.clone()).collect();
        for uid in ours {
            let Some(runtime) = self.pods.get(&uid) else { continue };
            let live =
                sim.store().get("Pod", &runtime.namespace, &runtime.name).filter(|o| o.uid() == uid).cloned();
            let Some(live) = live else {
                self.forget_pod(sim, &uid);
                continue;
            };
            let mut wakes = Vec::new();
            for (index, c) in runtime.containers.iter().enumerate() {
                if c.is_running() {
                    wakes.push(Wake::Process { uid: uid.clone(), container: index, instance: c.instance });
                    for probe in 0..c.probes.len() {
                        wakes.push(Wake::Probe {
                            uid: uid.clone(),
                            container: index,
                            probe,
                            instance: c.instance,
                        });
                    }
                }
            }
            if let Some(runtime) = self.pods.get_mut(&uid) {
                runtime.object = live;
                runtime.busy_until = runtime.busy_until.map(|t| t.min(now));
            }
            for wake in wakes {
                self.wake_at(sim, now, wake);
            }
            self.sync_soon(sim, &uid);
        }
        let bound: Vec<(String, std::rc::Rc<crate::sim::api::Object>)> = sim
            .store()
            .list("Pod", None)
            .filter(|o| {
                o.as_pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.node_name.as_deref()) == Some(node)
            })
            .map(|o| (o.uid().to_string(), o.clone()))
            .collect();
        for (uid, object) in bound {
            if !self.pods.contains_key(&uid) {
                self.observe_pod(sim, &uid, object, node);
            }
        }
        Ok(())
    }
}
