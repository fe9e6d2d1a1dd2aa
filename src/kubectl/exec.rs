//! `kubectl exec POD [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS…]`: runs the command in the
//! container (its filesystem, environment and network) and prints what it printed.

use crate::console::Output;
use crate::sim::kubelet;
use crate::sim::Simulation;

/// Runs `kubectl exec …` (`words` after `exec`).
pub fn run(sim: &mut Simulation, words: &[String]) -> Output {
    let mut out = Output::default();
    let mut pod_name: Option<String> = None;
    let mut container: Option<String> = None;
    let mut namespace = "default".to_string();
    let mut command: Vec<String> = Vec::new();
    let mut dashed = false;
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        if word == "--" {
            command = words.get(i..).map(<[String]>::to_vec).unwrap_or_default();
            dashed = true;
            break;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if word.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (word.clone(), None),
        };
        let value = |i: &mut usize| -> Option<String> {
            if inline.is_some() {
                return inline.clone();
            }
            let v = words.get(*i).cloned();
            *i += 1;
            v
        };
        match flag.as_str() {
            "-c" | "--container" => container = value(&mut i),
            "-n" | "--namespace" => namespace = value(&mut i).unwrap_or_else(|| "default".into()),
            "-i" | "-t" | "-it" | "-ti" | "--stdin" | "--tty" | "-q" | "--quiet" => {}
            other if other.starts_with('-') => return Output::error(format!("error: unknown flag: {other}")),
            _ if pod_name.is_none() => {
                pod_name = Some(
                    word.strip_prefix("pod/")
                        .or_else(|| word.strip_prefix("pods/"))
                        .unwrap_or(word)
                        .to_string(),
                )
            }
            _ => command.push(word.clone()),
        }
    }
    let Some(name) = pod_name else {
        return Output::error("error: pod, type/name or --filename must be specified");
    };
    if !dashed && !command.is_empty() {
        out.err("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.");
    }
    if command.is_empty() {
        out.err("error: you must specify at least one command for the container");
        return out;
    }
    let Some(pod) = sim.store().get("Pod", &namespace, &name).and_then(|o| o.as_pod()).cloned() else {
        return Output::error(format!("Error from server (NotFound): pods {name:?} not found"));
    };
    let Some(container) = super::logs::pick_container(&pod, container.as_deref(), &mut out) else {
        return out;
    };
    let phase = pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        out.err(format!("error: cannot exec into a container in a completed pod; current phase is {phase}"));
        return out;
    }
    match kubelet::exec(sim, &namespace, &name, &container, &command) {
        Ok((lines, code)) => {
            for line in lines {
                out.out(line);
            }
            if code != 0 {
                out.err(format!("command terminated with exit code {code}"));
            }
        }
        Err(message) => out.err(message),
    }
    out
}
