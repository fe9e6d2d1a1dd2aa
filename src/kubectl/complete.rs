//! Tab completion for the terminal: given the line typed so far, the words that could replace
//! its last (partial) word — commands, flags, resource types and their aliases, and the names
//! of objects of the type already typed, in the namespace given by `-n`.

use std::collections::BTreeSet;

use super::help::command_names;
use crate::sim::Simulation;

/// Flags offered after `-`; kubectl's common ones.
const FLAGS: &[&str] = &[
    "--all",
    "--all-namespaces",
    "--container",
    "--dry-run=client",
    "--filename",
    "--force",
    "--help",
    "--image",
    "--label-columns",
    "--namespace",
    "--output",
    "--port",
    "--replicas",
    "--selector",
    "--show-labels",
    "--sort-by",
    "--watch",
];

/// Commands whose arguments are `TYPE NAME` or `TYPE/NAME`.
const TYPED: &[&str] = &[
    "get",
    "describe",
    "delete",
    "edit",
    "label",
    "annotate",
    "patch",
    "scale",
    "expose",
    "autoscale",
    "set",
    "rollout",
    "wait",
    "explain",
    "logs",
    "exec",
];

/// Candidate completions for the last word of `line` (empty when the line ends in a space).
pub fn complete(line: &str, sim: &Simulation) -> Vec<String> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let current =
        if line.ends_with(char::is_whitespace) || line.is_empty() { "" } else { words.pop().unwrap_or("") };
    let mut candidates = BTreeSet::new();
    if words.is_empty() {
        if "kubectl".starts_with(current) {
            candidates.insert("kubectl".to_string());
        }
        return candidates.into_iter().collect();
    }
    if words[0] != "kubectl" {
        return Vec::new();
    }
    let args = &words[1..];
    let namespace = namespace_in(args);
    let previous = args.last().copied().unwrap_or("");
    if args.is_empty() {
        candidates.extend(command_names().into_iter().map(str::to_string));
    } else if current.starts_with('-') {
        candidates.extend(FLAGS.iter().map(|f| f.to_string()));
        candidates.extend(["-A", "-f", "-l", "-n", "-o", "-w"].map(String::from));
    } else if matches!(previous, "-n" | "--namespace") {
        candidates.extend(names(sim, "Namespace", ""));
    } else if matches!(previous, "-o" | "--output") {
        candidates.extend(["wide", "yaml", "json", "name", "jsonpath=", "custom-columns="].map(String::from));
    } else {
        let command = args[0];
        let positional: Vec<&str> = args[1..]
            .iter()
            .enumerate()
            .filter(|(i, w)| !w.starts_with('-') && !is_flag_value(&args[1..], *i))
            .map(|(_, w)| *w)
            .collect();
        // `rollout status`, `set image`: the subcommand comes before the type.
        let (positional, subcommand) = match command {
            "rollout" | "set" | "top" | "config" | "create" => {
                (positional.get(1..).unwrap_or_default(), positional.first())
            }
            _ => (&positional[..], None),
        };
        match command {
            "rollout" if subcommand.is_none() => candidates
                .extend(["history", "pause", "restart", "resume", "status", "undo"].map(String::from)),
            "set" if subcommand.is_none() => {
                candidates.extend(["env", "image", "resources"].map(String::from))
            }
            "top" if subcommand.is_none() => candidates.extend(["nodes", "pods"].map(String::from)),
            "config" if subcommand.is_none() => candidates
                .extend(["current-context", "get-contexts", "use-context", "view"].map(String::from)),
            "create" if subcommand.is_none() => candidates.extend(
                ["configmap", "cronjob", "deployment", "job", "namespace", "secret", "service"]
                    .map(String::from),
            ),
            "cordon" | "uncordon" | "drain" | "taint" => {
                let prefix = if command == "taint" && positional.is_empty() { None } else { Some("") };
                if command == "taint" && positional.is_empty() {
                    candidates.extend(["node", "nodes"].map(String::from));
                }
                if prefix.is_some() || command != "taint" {
                    candidates.extend(names(sim, "Node", ""));
                }
            }
            "logs" | "exec" if positional.is_empty() && !current.contains('/') => {
                // A bare word is a pod; `TYPE/NAME` forms complete once the slash is typed.
                candidates.extend(names(sim, "Pod", &namespace));
            }
            _ if TYPED.contains(&command) => {
                if let Some((kind, _)) = current.split_once('/') {
                    if let Some(resource) = sim.store().resources().resolve(kind) {
                        let ns = if resource.namespaced { namespace.clone() } else { String::new() };
                        candidates.extend(
                            names(sim, &resource.kind, &ns).into_iter().map(|n| format!("{kind}/{n}")),
                        );
                    }
                } else if let Some(first) = positional.first().filter(|f| !f.contains('/')) {
                    if let Some(resource) = sim.store().resources().resolve(first) {
                        let ns = if resource.namespaced { namespace.clone() } else { String::new() };
                        candidates.extend(names(sim, &resource.kind, &ns));
                    }
                } else {
                    candidates.extend(type_names(sim));
                }
            }
            _ => {}
        }
    }
    candidates.into_iter().filter(|c| c.starts_with(current)).collect()
}

/// Whether `args[i]` is the value of the flag before it (`-n dev`).
fn is_flag_value(args: &[&str], i: usize) -> bool {
    i > 0
        && matches!(
            args[i - 1],
            "-n" | "--namespace"
                | "-o"
                | "--output"
                | "-l"
                | "--selector"
                | "-f"
                | "--filename"
                | "-c"
                | "--container"
        )
}

/// The namespace named by `-n NS` or `--namespace[=]NS`, else `default`.
fn namespace_in(args: &[&str]) -> String {
    let mut namespace = "default".to_string();
    for (i, word) in args.iter().enumerate() {
        if let Some(ns) = word.strip_prefix("--namespace=").or_else(|| word.strip_prefix("-n=")) {
            namespace = ns.to_string();
        } else if matches!(*word, "-n" | "--namespace") {
            if let Some(ns) = args.get(i + 1) {
                namespace = ns.to_string();
            }
        }
    }
    namespace
}

fn names(sim: &Simulation, kind: &str, namespace: &str) -> Vec<String> {
    sim.store().list(kind, Some(namespace)).map(|o| o.name().to_string()).collect()
}

/// Every name a resource type can be typed as: plural, singular and short names.
fn type_names(sim: &Simulation) -> Vec<String> {
    sim.store()
        .resources()
        .all()
        .iter()
        .flat_map(|r| {
            let mut all = vec![r.plural.clone(), r.kind.to_lowercase()];
            all.extend(r.short_names.iter().cloned());
            all
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::complete;
    use crate::sim::Simulation;

    fn sim() -> Simulation {
        let mut sim = Simulation::new(Default::default(), 1);
        crate::console::execute(&mut sim, &[], "kubectl run web --image=nginx");
        crate::console::execute(&mut sim, &[], "kubectl run worker --image=busybox");
        crate::console::execute(&mut sim, &[], "kubectl create namespace dev");
        crate::console::execute(&mut sim, &[], "kubectl run api -n dev --image=nginx");
        sim
    }

    #[test]
    fn commands_complete_from_their_prefix() {
        let sim = sim();
        assert_eq!(complete("kubectl desc", &sim), ["describe"]);
        assert_eq!(complete("kubectl ro", &sim), ["rollout"]);
        assert_eq!(complete("kub", &sim), ["kubectl"]);
        assert!(complete("kubectl zz", &sim).is_empty());
    }

    #[test]
    fn resource_types_and_aliases_complete_after_get() {
        let sim = sim();
        let got = complete("kubectl get dep", &sim);
        assert!(got.contains(&"deployments".to_string()) && got.contains(&"deploy".to_string()), "{got:?}");
        let got = complete("kubectl get po", &sim);
        for wanted in ["po", "pod", "pods", "poddisruptionbudgets"] {
            assert!(got.contains(&wanted.to_string()), "{wanted} missing from {got:?}");
        }
        assert!(!got.contains(&"services".to_string()), "{got:?}");
    }

    #[test]
    fn object_names_complete_by_kind_and_namespace() {
        let sim = sim();
        assert_eq!(complete("kubectl describe pod w", &sim), ["web", "worker"]);
        assert_eq!(complete("kubectl get pods/we", &sim), ["pods/web"]);
        assert_eq!(complete("kubectl get pod -n dev ", &sim), ["api"]);
        assert_eq!(complete("kubectl logs -n dev a", &sim), ["api"]);
        assert!(complete("kubectl cordon podlab-w", &sim).contains(&"podlab-worker2".to_string()));
        assert_eq!(complete("kubectl get pods -n d", &sim), ["default", "dev"]);
    }

    #[test]
    fn flags_complete_after_a_dash() {
        let sim = sim();
        assert_eq!(complete("kubectl get pods --show", &sim), ["--show-labels"]);
        assert!(complete("kubectl get pods -o y", &sim).contains(&"yaml".to_string()));
    }
}
