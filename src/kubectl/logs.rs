//! `kubectl logs POD [-c CONTAINER] [-p|--previous] [-f] [--timestamps] [--tail N]`.

use crate::console::Output;
use crate::sim::kubelet::{self, LogLine};
use crate::sim::time::{rfc3339, SimDuration};
use crate::sim::Simulation;

/// How long `-f` follows a container that keeps running (then the step ends, as a learner
/// would press Ctrl-C).
const FOLLOW_LIMIT: SimDuration = SimDuration::from_mins(1);

#[derive(Default)]
struct LogsArgs {
    pod: Option<String>,
    container: Option<String>,
    namespace: Option<String>,
    previous: bool,
    follow: bool,
    timestamps: bool,
    tail: Option<usize>,
}

fn parse(words: &[String]) -> Result<LogsArgs, String> {
    let mut args = LogsArgs::default();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if word.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (word.clone(), None),
        };
        let value = |i: &mut usize| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = words.get(*i).cloned().ok_or_else(|| format!("error: flag needs an argument: {flag}"))?;
            *i += 1;
            Ok(v)
        };
        match flag.as_str() {
            "-c" | "--container" => args.container = Some(value(&mut i)?),
            "-n" | "--namespace" => args.namespace = Some(value(&mut i)?),
            "-p" | "--previous" => args.previous = inline.as_deref() != Some("false"),
            "-f" | "--follow" => args.follow = inline.as_deref() != Some("false"),
            "--timestamps" => args.timestamps = inline.as_deref() != Some("false"),
            "--tail" => {
                let v = value(&mut i)?;
                let n: i64 =
                    v.parse().map_err(|_| format!("error: invalid argument {v:?} for \"--tail\" flag"))?;
                args.tail = usize::try_from(n).ok();
            }
            other if other.starts_with('-') => return Err(format!("error: unknown flag: {other}")),
            _ => {
                if args.pod.is_some() {
                    // `kubectl logs POD CONTAINER` (the old form).
                    args.container.get_or_insert_with(|| word.clone());
                } else {
                    args.pod = Some(
                        word.strip_prefix("pod/")
                            .or_else(|| word.strip_prefix("pods/"))
                            .unwrap_or(word)
                            .to_string(),
                    );
                }
            }
        }
    }
    Ok(args)
}

/// The container kubectl picks, with its `Defaulted container` notice when it had to choose.
pub fn pick_container(
    pod: &k8s_openapi::api::core::v1::Pod,
    wanted: Option<&str>,
    out: &mut Output,
) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(name) = wanted {
        return Some(name.to_string());
    }
    let annotated = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
        .filter(|name| spec.containers.iter().any(|c| &c.name == *name))
        .cloned();
    if let Some(name) = annotated {
        return Some(name);
    }
    let first = spec.containers.first()?.name.clone();
    let total = spec.containers.len() + spec.init_containers.as_ref().map_or(0, Vec::len);
    if total > 1 {
        let mut names: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
        names.extend(spec.init_containers.iter().flatten().map(|c| format!("{} (init)", c.name)));
        out.err(format!("Defaulted container {first:?} out of: {}", names.join(", ")));
    }
    Some(first)
}

/// `POD`, `pod/POD`, or a workload (`job/pi`, `deployment/web`…): the pod to read, picked
/// like kubectl does (scheduled, running, ready, most restarts, oldest), with its
/// `Found N pods, using pod/X` notice.
fn resolve_pod(sim: &Simulation, namespace: &str, target: &str, out: &mut Output) -> Result<String, String> {
    let Some((kind, name)) = target.split_once('/') else { return Ok(target.to_string()) };
    let resource = crate::kubectl::resolve_type(sim, kind)?;
    if resource.kind == "Pod" {
        return Ok(name.to_string());
    }
    let Some(object) = sim.store().get(&resource.kind, namespace, name).cloned() else {
        return Err(format!(
            "Error from server (NotFound): {} {name:?} not found",
            resource.qualified_plural()
        ));
    };
    let json = object.to_json();
    let selector: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> = json
        .pointer("/spec/selector")
        .and_then(|s| {
            if s.get("matchLabels").is_some() || s.get("matchExpressions").is_some() {
                serde_json::from_value(s.clone()).ok()
            } else {
                serde_json::from_value(serde_json::json!({ "matchLabels": s })).ok()
            }
        })
        .or_else(|| {
            (resource.kind == "Job").then(|| k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
                match_labels: Some([("job-name".to_string(), name.to_string())].into()),
                ..Default::default()
            })
        });
    let Some(selector) = selector else {
        return Err(format!("error: cannot get the logs from {}", resource.kind));
    };
    let mut pods: Vec<&k8s_openapi::api::core::v1::Pod> = sim
        .store()
        .list("Pod", Some(namespace))
        .filter(|o| crate::sim::api::selector::matches(&selector, o.labels()))
        .filter_map(|o| o.as_pod())
        .collect();
    let rank = |p: &k8s_openapi::api::core::v1::Pod| {
        let status = p.status.clone().unwrap_or_default();
        let assigned = p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some();
        let phase = match status.phase.as_deref() {
            Some("Running") => 0,
            Some("Unknown") => 1,
            Some("Pending") => 2,
            _ => 3,
        };
        let ready = status.conditions.iter().flatten().any(|c| c.type_ == "Ready" && c.status == "True");
        let restarts: i32 = status.container_statuses.iter().flatten().map(|c| c.restart_count).sum();
        let created = p.metadata.creation_timestamp.clone().map(|t| t.0.as_second()).unwrap_or(0);
        (!assigned, phase, !ready, -restarts, created)
    };
    pods.sort_by_key(|p| rank(p));
    let Some(first) = pods.first() else {
        return Err(format!("error: timed out waiting for the condition on {}/{name}", resource.plural));
    };
    let chosen = first.metadata.name.clone().unwrap_or_default();
    if pods.len() > 1 {
        out.err(format!("Found {} pods, using pod/{chosen}", pods.len()));
    }
    Ok(chosen)
}

fn render(line: &LogLine, epoch_unix: i64, timestamps: bool) -> String {
    if !timestamps {
        return line.text.clone();
    }
    let ms = line.at.as_millis();
    let secs = rfc3339(epoch_unix + (ms / 1000) as i64);
    let stamp = match ms % 1000 {
        0 => secs,
        frac => {
            let base = secs.trim_end_matches('Z');
            format!("{base}.{}Z", format!("{frac:03}").trim_end_matches('0'))
        }
    };
    format!("{stamp} {}", line.text)
}

/// Runs `kubectl logs …` (`words` after `logs`).
pub fn run(sim: &mut Simulation, words: &[String]) -> Output {
    let args = match parse(words) {
        Ok(a) => a,
        Err(message) => return Output::error(message),
    };
    let Some(name) = args.pod.clone() else {
        return Output::error("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
    };
    let namespace = args.namespace.clone().unwrap_or_else(|| "default".into());
    let mut out = Output::default();
    let name = match resolve_pod(sim, &namespace, &name, &mut out) {
        Ok(name) => name,
        Err(message) => {
            out.err(message);
            return out;
        }
    };
    let Some(pod) = sim.store().get("Pod", &namespace, &name).and_then(|o| o.as_pod()).cloned() else {
        return Output::error(format!("Error from server (NotFound): pods {name:?} not found"));
    };
    let Some(container) = pick_container(&pod, args.container.as_deref(), &mut out) else { return out };
    let known = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter().chain(s.init_containers.iter().flatten()))
        .any(|c| c.name == container);
    if !known {
        out.err(format!("Error from server (BadRequest): container {container} is not valid for pod {name}"));
        return out;
    }
    let lines = match kubelet::logs(sim, &namespace, &name, &container, args.previous) {
        Ok(lines) => lines,
        Err(message) => {
            out.err(format!("Error from server (BadRequest): {message}"));
            return out;
        }
    };
    let epoch = sim.epoch_unix();
    let mut shown = lines.len();
    let skip = args.tail.map_or(0, |t| lines.len().saturating_sub(t));
    for line in lines.iter().skip(skip) {
        out.out(render(line, epoch, args.timestamps));
    }
    if args.follow && !args.previous {
        let deadline = sim.time() + FOLLOW_LIMIT;
        loop {
            let running = sim
                .store()
                .get("Pod", &namespace, &name)
                .and_then(|o| o.as_pod())
                .and_then(|p| p.status.as_ref())
                .map(|s| {
                    s.container_statuses
                        .iter()
                        .flatten()
                        .chain(s.init_container_statuses.iter().flatten())
                        .any(|c| {
                            c.name == container && c.state.as_ref().is_some_and(|st| st.running.is_some())
                        })
                })
                .unwrap_or(false);
            if !running || sim.time() >= deadline {
                break;
            }
            match sim.next_event_time() {
                Some(t) if t <= deadline => {
                    sim.step();
                }
                _ => break,
            }
            if let Ok(now_lines) = kubelet::logs(sim, &namespace, &name, &container, false) {
                for line in now_lines.iter().skip(shown) {
                    out.out(render(line, epoch, args.timestamps));
                }
                shown = now_lines.len().max(shown);
            }
        }
    }
    out
}
