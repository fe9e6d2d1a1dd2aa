//! The console: runs one line typed by a learner or written as a scenario step.
//!
//! A line is a kubectl command (handed to [`crate::kubectl`]), a wait (`wait 45s`, `wait until
//! pod/web is Ready`) or a playground action (`node fail NAME` …). Output keeps stdout and stderr
//! apart but in the order they were printed, as a terminal shows them.

pub mod wait_until;

use crate::sim::{SimDuration, Simulation};

/// Which stream a line was printed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// What a command printed, line by line, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    lines: Vec<(Stream, String)>,
    /// Files the command hands to the editor (`kubectl edit`, `kubectl cp POD:PATH FILE`).
    opened: Vec<(String, String)>,
}

impl Output {
    /// Appends text to stdout; it may span several lines.
    pub fn out(&mut self, text: impl AsRef<str>) {
        self.push(Stream::Stdout, text.as_ref());
    }

    /// Appends text to stderr; it may span several lines.
    pub fn err(&mut self, text: impl AsRef<str>) {
        self.push(Stream::Stderr, text.as_ref());
    }

    fn push(&mut self, stream: Stream, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        for line in text.split('\n') {
            self.lines.push((stream, line.to_string()));
        }
    }

    /// Appends everything `other` printed (and the files it opened), in order.
    pub fn append(&mut self, other: Output) {
        self.lines.extend(other.lines);
        self.opened.extend(other.opened);
    }

    /// Output with a single stderr line.
    pub fn error(text: impl AsRef<str>) -> Output {
        let mut o = Output::default();
        o.err(text);
        o
    }

    /// The lines as a terminal shows them, without their streams.
    pub fn lines(&self) -> Vec<&str> {
        self.lines.iter().map(|(_, l)| l.as_str()).collect()
    }

    /// The lines with their streams.
    pub fn tagged_lines(&self) -> &[(Stream, String)] {
        &self.lines
    }

    /// Everything printed, each line ending in a newline.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for (_, line) in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Asks the editor to open `name` with `text` (replacing a file of that name).
    pub fn open_file(&mut self, name: impl Into<String>, text: impl Into<String>) {
        self.opened.push((name.into(), text.into()));
    }

    /// The files the command asked the editor to open, in order.
    pub fn opened_files(&self) -> &[(String, String)] {
        &self.opened
    }

    /// Whether anything was printed on stderr.
    pub fn has_errors(&self) -> bool {
        self.lines.iter().any(|(s, _)| *s == Stream::Stderr)
    }

    /// Whether nothing was printed.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Runs one console line against `sim`; `files` are the workspace's manifest files. A watch
/// (`kubectl get -w`) prints its list and stops at once; see [`execute_watching`].
pub fn execute(sim: &mut Simulation, files: &[(String, String)], line: &str) -> Output {
    execute_watching(sim, files, line).0
}

/// Whether a line only lets time pass (`wait 30s`, `wait until …`), so a running watch goes on.
pub fn only_waits(line: &str) -> bool {
    line.split_whitespace().next() == Some("wait")
}

/// Runs one console line; `kubectl get … -w` also returns the watch that keeps printing rows
/// as virtual time runs, until the holder drops it (the next command that is not a wait).
pub fn execute_watching(
    sim: &mut Simulation,
    files: &[(String, String)],
    line: &str,
) -> (Output, Option<crate::kubectl::watch::Watch>) {
    if let Some(words) = shlex::split(line) {
        if words.first().map(String::as_str) == Some("kubectl")
            && words.get(1).map(String::as_str) == Some("get")
        {
            if let Ok(args) = crate::kubectl::Args::parse(&words[2..]) {
                if crate::kubectl::watch::wants_watch(&args) && !crate::kubectl::help::wants_help(&words[1..])
                {
                    return crate::kubectl::watch::start(sim, &args);
                }
            }
        }
    }
    (execute_line(sim, files, line), None)
}

fn execute_line(sim: &mut Simulation, files: &[(String, String)], line: &str) -> Output {
    let Some(words) = shlex::split(line) else {
        return Output::error("error: unterminated quote in command line");
    };
    let Some(first) = words.first() else {
        return Output::default();
    };
    match first.as_str() {
        "kubectl" => crate::kubectl::execute(sim, files, &words[1..]),
        "wait" => wait(sim, &words[1..]),
        "container" | "node" if matches!(words.get(1).map(String::as_str), Some("kill" | "fail" | "recover")) => {
            kubelet_action(sim, &words)
        }
        "node" if matches!(words.get(1).map(String::as_str), Some("add" | "remove")) => node_action(sim, &words),
        "load" if words.get(1).map(String::as_str) == Some("set") => load_action(sim, &words[2..]),
        other => Output::error(format!(
            "error: unknown command {other:?}: a step is a kubectl command, `wait DURATION`, `wait until KIND/NAME is CONDITION` or a playground action"
        )),
    }
}

/// `node add NAME [cpu=4] [memory=8Gi] [pods=110] [zone=Z] [label=K=V]…`, `node remove NAME`.
fn node_action(sim: &mut Simulation, words: &[String]) -> Output {
    let Some(name) = words.get(2) else {
        return Output::error("error: usage: node add NAME [cpu=Q] [memory=Q] [pods=N] [zone=Z] [label=K=V]… | node remove NAME");
    };
    if words[1] == "remove" {
        return match sim.remove_node(name) {
            Ok(()) => single_line(format!("node {name} removed")),
            Err(error) => Output::error(error.render(None)),
        };
    }
    let mut spec = crate::sim::NodeSpec::new(name);
    for option in &words[3..] {
        let Some((key, value)) = option.split_once('=') else {
            return Output::error(format!("error: node add: expected KEY=VALUE, got {option:?}"));
        };
        match key {
            "cpu" => spec.cpu = value.to_string(),
            "memory" => spec.memory = value.to_string(),
            "pods" => match value.parse() {
                Ok(pods) => spec.pods = pods,
                Err(_) => {
                    return Output::error(format!("error: node add: pods must be a number, got {value:?}"))
                }
            },
            "zone" => spec.zone = Some(value.to_string()),
            "label" => match value.split_once('=') {
                Some((k, v)) => {
                    spec.labels.insert(k.to_string(), v.to_string());
                }
                None => {
                    return Output::error(format!("error: node add: label must be KEY=VALUE, got {value:?}"))
                }
            },
            other => return Output::error(format!("error: node add: unknown option {other:?}")),
        }
    }
    match sim.add_node(spec) {
        Ok(()) => single_line(format!("node {name} added")),
        Err(error) => Output::error(error.render(None)),
    }
}

/// `load set KIND/NAME cpu=Q [memory=Q]`: the total demand of a workload's clients.
fn load_action(sim: &mut Simulation, words: &[String]) -> Output {
    let usage = "error: usage: load set KIND/NAME cpu=QUANTITY [memory=QUANTITY]";
    let Some((kind, name)) = words.first().and_then(|t| t.split_once('/')) else {
        return Output::error(usage);
    };
    let resource = match crate::kubectl::resolve_type(sim, kind) {
        Ok(resource) => resource,
        Err(message) => return Output::error(message),
    };
    let (mut cpu, mut memory) = (None, 0i64);
    for option in &words[1..] {
        let parsed =
            option.split_once('=').and_then(|(k, v)| Some((k, crate::sim::api::quantity::parse_millis(v)?)));
        match parsed {
            Some(("cpu", millis)) => cpu = Some(millis as i64),
            Some(("memory", millis)) => memory = (millis / 1000) as i64,
            _ => return Output::error(format!("error: load set: invalid option {option:?}")),
        }
    }
    let Some(cpu) = cpu else { return Output::error(usage) };
    crate::sim::controllers::hpa::set_load(sim, &resource.kind, "default", name, cpu, memory);
    single_line(format!("load on {}/{name} set to cpu={cpu}m", resource.singular))
}

fn single_line(text: String) -> Output {
    let mut o = Output::default();
    o.out(text);
    o
}

/// `container kill POD[/CONTAINER]`, `node fail NAME`, `node recover NAME`.
fn kubelet_action(sim: &mut Simulation, words: &[String]) -> Output {
    use crate::sim::kubelet;
    let target = words.get(2).map(String::as_str).unwrap_or("");
    let result = match words.get(1).map(String::as_str) {
        Some("kill") => {
            let (pod, container) = match target.split_once('/') {
                Some((p, c)) => (p, Some(c)),
                None => (target, None),
            };
            kubelet::kill_container(sim, "default", pod, container)
        }
        Some("fail") => kubelet::set_node_down(sim, target, true)
            .map(|()| format!("node {target} failed (kubelet stopped)")),
        _ => kubelet::set_node_down(sim, target, false)
            .map(|()| format!("node {target} recovered (kubelet running)")),
    };
    match result {
        Ok(message) => {
            let mut o = Output::default();
            o.out(message);
            o
        }
        Err(message) => Output::error(message),
    }
}

fn wait(sim: &mut Simulation, args: &[String]) -> Output {
    match args {
        [until, rest @ ..] if until == "until" => match wait_until::parse(rest) {
            Ok(wait) => wait_until::run(sim, &wait),
            Err(message) => Output::error(message),
        },
        [duration] => match SimDuration::parse(duration) {
            Some(d) => {
                sim.advance(d);
                Output::default()
            }
            None => Output::error(format!("error: invalid duration {duration:?} (use e.g. 30s, 2m, 1m30s)")),
        },
        _ => {
            Output::error("error: usage: wait DURATION | wait until KIND/NAME is CONDITION [within DURATION]")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_keeps_lines_in_order_with_their_streams() {
        let mut o = Output::default();
        o.out("a\nb\n");
        o.err("c");
        assert_eq!(o.lines(), ["a", "b", "c"]);
        assert_eq!(o.text(), "a\nb\nc\n");
        assert!(o.has_errors());
    }
}
