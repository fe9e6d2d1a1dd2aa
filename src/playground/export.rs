//! "Take it to a real cluster": a scenario as a folder of manifests plus a script that replays
//! its steps on a kind cluster.
//!
//! kind names its nodes `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2` …, so a
//! kind cluster called `podlab` with the same number of workers has the same node names as the
//! simulated one, and steps that name nodes replay unchanged. Playground actions that have no
//! kubectl equivalent become the closest real operation (a kind node is a Docker container, so
//! failing one is `docker stop`) or a comment saying what to do by hand.

use std::io::Write;

use crate::scenario::Scenario;
use crate::sim::SimDuration;

/// The files of an export, as (path inside the folder, content).
pub fn files(scenario: &Scenario) -> Vec<(String, String)> {
    let mut out = vec![
        ("README.md".to_string(), readme(scenario)),
        ("kind-cluster.yaml".to_string(), kind_config(scenario)),
        ("replay.sh".to_string(), replay_script(scenario)),
    ];
    for (name, text) in &scenario.files {
        out.push((format!("manifests/{}", safe_file_name(name)), text.clone()));
    }
    out
}

/// The export as a zip archive with everything under `folder/`; `replay.sh` is executable.
pub fn zip(scenario: &Scenario, folder: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, content) in files(scenario) {
        let mode = if path.ends_with(".sh") { 0o755 } else { 0o644 };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .unix_permissions(mode);
        // Writing into memory cannot fail for lack of space; an error would only drop a file.
        if writer.start_file(format!("{folder}/{path}"), options).is_ok() {
            let _ = writer.write_all(content.as_bytes());
        }
    }
    writer.finish().map(|cursor| cursor.into_inner()).unwrap_or_default()
}

/// A folder name from a title: `Liveness probes - HTTP` → `liveness-probes-http`.
pub fn folder_name(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "podlab-scenario".into()
    } else {
        name.chars().take(60).collect()
    }
}

/// Keeps a manifest inside `manifests/` whatever its name says.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    match cleaned.trim_start_matches('.') {
        "" => "manifest.yaml".into(),
        rest => rest.into(),
    }
}

fn worker_count(scenario: &Scenario) -> usize {
    let workers = scenario.cluster.nodes.iter().filter(|n| !n.name.ends_with("-control-plane")).count();
    workers.max(1)
}

fn kind_config(scenario: &Scenario) -> String {
    let mut text = String::from(
        "# kind cluster with the same nodes as the simulated one: kind create cluster --config kind-cluster.yaml\n\
         kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: podlab\nnodes:\n  - role: control-plane\n",
    );
    for _ in 0..worker_count(scenario) {
        text.push_str("  - role: worker\n");
    }
    text
}

fn readme(scenario: &Scenario) -> String {
    let mut text = format!("# {}\n\n", scenario.title);
    if !scenario.description.trim().is_empty() {
        text.push_str(scenario.description.trim_end());
        text.push_str("\n\n");
    }
    text.push_str(
        "Exported from Podlab. To replay it on a real cluster you need Docker, kind and kubectl:\n\n\
         ```sh\nkind create cluster --config kind-cluster.yaml   # a cluster named podlab\n./replay.sh\n\
         kind delete cluster --name podlab\n```\n\n\
         `manifests/` holds the files the steps apply. Waits become `sleep`, so a real cluster gets the\n\
         same time as the simulation did; pulls on a real cluster can take longer.\n",
    );
    text
}

fn replay_script(scenario: &Scenario) -> String {
    let mut text = format!(
        "#!/usr/bin/env bash\n# {}\n# Replays the scenario's steps on the current kubectl context (see README.md).\n\
         set -uo pipefail\ncd \"$(dirname \"$0\")/manifests\"\n\nstep() {{ printf '\\n$ %s\\n' \"$*\"; }}\n\n",
        one_line(&scenario.title)
    );
    for step in &scenario.steps {
        text.push_str(&format!("step {}\n", shell_quote(&step.action)));
        text.push_str(&shell_for(&step.action));
        text.push('\n');
    }
    text
}

/// The shell commands that do on a real cluster what a step does in the playground.
fn shell_for(action: &str) -> String {
    let words = shlex::split(action).unwrap_or_default();
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    match word(0) {
        "kubectl" => format!("{}\n", quote_words(&words)),
        "wait" if word(1) == "until" => wait_until(&words[2..]),
        "wait" => match SimDuration::parse(word(1)) {
            Some(span) => format!("sleep {}\n", span.as_millis().div_ceil(1000)),
            None => format!("# not replayable: {}\n", one_line(action)),
        },
        "node" => match word(1) {
            "fail" => format!("docker stop {}   # a kind node is a container\n", shell_quote(word(2))),
            "recover" => format!("docker start {}\n", shell_quote(word(2))),
            "remove" => format!("kubectl delete node {}\n", shell_quote(word(2))),
            _ => format!(
                "# by hand: {} (add a worker to kind-cluster.yaml and recreate the cluster)\n",
                one_line(action)
            ),
        },
        "container" if word(1) == "kill" => {
            let target = word(2);
            let (pod, container) = target.split_once('/').unwrap_or((target, ""));
            let flag =
                if container.is_empty() { String::new() } else { format!(" -c {}", shell_quote(container)) };
            format!(
                "kubectl exec {}{flag} -- kill 1   # needs a shell and kill in the image\n",
                shell_quote(pod)
            )
        }
        "load" => format!(
            "# by hand: {} (send traffic to the workload, e.g. with a load generator pod)\n",
            one_line(action)
        ),
        _ => format!("# not replayable: {}\n", one_line(action)),
    }
}

/// `wait until pod/web is Ready within 2m` → `kubectl wait --for=condition=Ready pod/web --timeout=2m`.
fn wait_until(words: &[String]) -> String {
    let target = words.first().map(String::as_str).unwrap_or("");
    let condition = words.get(2).map(String::as_str).unwrap_or("");
    let timeout = words
        .iter()
        .position(|w| w == "within")
        .and_then(|i| words.get(i + 1))
        .map(String::as_str)
        .unwrap_or("5m");
    let wait_for = match condition {
        "Running" | "Pending" | "Succeeded" | "Failed" => {
            format!("--for=jsonpath={{.status.phase}}={condition}")
        }
        "Deleted" => "--for=delete".to_string(),
        "NotReady" => "--for=condition=Ready=false".to_string(),
        other => format!("--for=condition={other}"),
    };
    format!(
        "kubectl wait {} {} --timeout={}\n",
        shell_quote(&wait_for),
        shell_quote(target),
        shell_quote(timeout)
    )
}

fn quote_words(words: &[String]) -> String {
    words.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ")
}

fn shell_quote(word: &str) -> String {
    shlex::try_quote(word).map(|q| q.into_owned()).unwrap_or_else(|_| "''".into())
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
