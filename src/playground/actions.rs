//! Playground actions offered for what is selected: fail or recover a node, kill a container,
//! break or fix a probe, set a workload's load. Each action is a console line, so it runs as an
//! input like a typed command: it shows in the terminal, replays on time travel, and exports.

use std::rc::Rc;

use k8s_openapi::api::core::v1::{Pod, Probe};

use crate::sim::api::Object;
use crate::sim::Simulation;

/// A selected object, from the trace's name for it (`pod/default/web`, `node/podlab-worker`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected {
    /// The API kind (`Pod`).
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl Selected {
    /// Resolves a trace subject against the cluster's kinds; `None` if the kind is unknown.
    pub fn parse(sim: &Simulation, subject: &str) -> Option<Selected> {
        let mut parts = subject.splitn(3, '/');
        let kind = parts.next()?;
        let resource = sim.store().resources().resolve(kind)?;
        let (namespace, name) = match (parts.next()?, parts.next()) {
            (namespace, Some(name)) => (namespace.to_string(), name.to_string()),
            (name, None) => (String::new(), name.to_string()),
        };
        Some(Selected { kind: resource.kind.clone(), namespace, name })
    }

    /// The object in the store, if it still exists.
    pub fn object<'a>(&self, sim: &'a Simulation) -> Option<&'a Rc<Object>> {
        sim.store().get(&self.kind, &self.namespace, &self.name)
    }

    /// `kubectl describe` for it.
    pub fn describe_line(&self) -> String {
        let mut line = format!("kubectl describe {} {}", self.kind.to_lowercase(), self.name);
        if !self.namespace.is_empty() {
            line.push_str(&format!(" -n {}", self.namespace));
        }
        line
    }
}

/// One button: what it says, the console line it runs, and a tooltip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The button text.
    pub label: String,
    /// The console line.
    pub line: String,
    /// What it does, for the tooltip.
    pub hint: String,
}

fn action(label: &str, line: String, hint: &str) -> Action {
    Action { label: label.into(), line, hint: hint.into() }
}

/// Actions for the selected object.
pub fn for_selection(sim: &Simulation, selected: &Selected) -> Vec<Action> {
    let ns = if selected.namespace.is_empty() || selected.namespace == "default" {
        String::new()
    } else {
        format!(" -n {}", selected.namespace)
    };
    let name = &selected.name;
    match selected.kind.as_str() {
        "Node" if sim.kubelet_stopped(name) => vec![action(
            "Recover node",
            format!("node recover {name}"),
            "Start the node's kubelet again; it reports Ready at its next heartbeat",
        )],
        "Node" => vec![
            action(
                "Fail node",
                format!("node fail {name}"),
                "Stop the node: heartbeats stop, it goes NotReady after ~40 s",
            ),
            action("Cordon", format!("kubectl cordon {name}"), "Mark it unschedulable"),
            action("Uncordon", format!("kubectl uncordon {name}"), "Allow scheduling again"),
        ],
        "Pod" => {
            let pod = selected.object(sim).and_then(|o| o.as_pod());
            let mut actions = Vec::new();
            if let Some(pod) = pod {
                let qualified = if selected.namespace == "default" {
                    name.clone()
                } else {
                    format!("{}/{name}", selected.namespace)
                };
                for container in pod.spec.iter().flat_map(|s| &s.containers) {
                    actions.push(action(
                        &format!("Kill {}", container.name),
                        format!("container kill {qualified}/{}", container.name),
                        "The container's process dies (exit 137); the kubelet restarts it per restartPolicy",
                    ));
                }
                if let Some((break_line, fix_line)) = probe_toggles(pod, &ns) {
                    actions.push(action("Break probe", break_line, "Make the container's probe fail"));
                    actions.push(action("Fix probe", fix_line, "Make the container's probe succeed again"));
                }
            }
            actions.push(action(
                "Delete pod",
                format!("kubectl delete pod {name}{ns} --wait=false"),
                "Graceful deletion",
            ));
            actions
        }
        "Deployment" | "ReplicaSet" | "StatefulSet" => {
            let resource = selected.kind.to_lowercase();
            vec![
                action(
                    "Scale +1",
                    format!("kubectl scale {resource} {name} --replicas={}{ns}", replicas(sim, selected) + 1),
                    "One more replica",
                ),
                action(
                    "Scale −1",
                    format!(
                        "kubectl scale {resource} {name} --replicas={}{ns}",
                        replicas(sim, selected).saturating_sub(1)
                    ),
                    "One replica less",
                ),
            ]
        }
        _ => Vec::new(),
    }
}

/// The console line that sets a workload's CPU load (the slider); `load set` acts on the
/// default namespace, so other workloads get none.
pub fn load_line(selected: &Selected, cpu_millis: u32) -> Option<String> {
    let scalable = matches!(selected.kind.as_str(), "Deployment" | "ReplicaSet" | "StatefulSet");
    (scalable && selected.namespace == "default")
        .then(|| format!("load set {}/{} cpu={cpu_millis}m", selected.kind.to_lowercase(), selected.name))
}

/// The workload's current CPU load in millicores, for the slider's position.
pub fn current_load(sim: &Simulation, selected: &Selected) -> i64 {
    crate::sim::controllers::hpa::load_of(sim, &selected.kind, &selected.namespace, &selected.name).0
}

/// The name for a node added from the playground: the next free `podlab-workerN`.
pub fn next_node_name(sim: &Simulation) -> String {
    (2..)
        .map(|n| format!("podlab-worker{n}"))
        .find(|name| sim.store().get("Node", "", name).is_none())
        .unwrap_or_else(|| "podlab-worker-extra".into())
}

fn replicas(sim: &Simulation, selected: &Selected) -> u32 {
    let value = selected.object(sim).map(|o| o.to_json());
    value
        .and_then(|v| v.pointer("/spec/replicas").and_then(|r| r.as_u64()))
        .map_or(1, |r| u32::try_from(r).unwrap_or(u32::MAX))
}

/// Lines that break and fix the first probe that reads a file: an exec probe `cat FILE` or
/// `test -e FILE`, or an httpGet probe on a web server's document root.
fn probe_toggles(pod: &Pod, ns: &str) -> Option<(String, String)> {
    let name = pod.metadata.name.as_deref()?;
    for container in pod.spec.as_ref()?.containers.iter() {
        let probes = [&container.readiness_probe, &container.liveness_probe, &container.startup_probe];
        for probe in probes.into_iter().flatten() {
            if let Some(file) = probed_file(probe, container.image.as_deref().unwrap_or_default()) {
                let exec =
                    |cmd: &str| format!("kubectl exec {name}{ns} -c {} -- {cmd} {file}", container.name);
                return Some((exec("rm -f"), exec("touch")));
            }
        }
    }
    None
}

fn probed_file(probe: &Probe, image: &str) -> Option<String> {
    if let Some(command) = probe.exec.as_ref().and_then(|e| e.command.as_ref()) {
        let words: Vec<&str> = command.iter().map(String::as_str).collect();
        return match words.as_slice() {
            ["cat", file] | ["test", "-e" | "-f", file] | ["ls", file] => Some(file.to_string()),
            _ => None,
        };
    }
    let path = probe.http_get.as_ref()?.path.as_deref().unwrap_or("/");
    let root = if image.contains("httpd") {
        "/usr/local/apache2/htdocs"
    } else if image.contains("nginx") {
        "/usr/share/nginx/html"
    } else {
        return None;
    };
    let file = if path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    Some(format!("{root}{file}"))
}
