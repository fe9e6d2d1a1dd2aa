//! `kubectl run NAME --image=IMAGE [--restart=…] [--labels=…] [--env=K=V]… [--port=N]
//! [--command] [--dry-run] [-o yaml] [-- ARG…]`: creates a single pod, as kubectl does since v1.18.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, ContainerPort, EnvVar, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{namespace_of, Args};
use crate::console::Output;
use crate::sim::api::Object;
use crate::sim::Simulation;

/// Runs `kubectl run …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let Some(name) = args.positional.first() else {
        return Output::error("error: NAME is required for run");
    };
    let Some(image) = args.flag("image") else {
        return Output::error("error: required flag(s) \"image\" not set");
    };
    let restart = args.flag("restart").unwrap_or("Always");
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return Output::error(format!("error: invalid restart policy: {restart}"));
    }
    let mut labels = BTreeMap::new();
    match args.flag("labels") {
        Some(spec) => {
            for pair in spec.split(',').filter(|p| !p.is_empty()) {
                let Some((key, value)) = pair.split_once('=') else {
                    return Output::error(format!("error: invalid label spec: {pair}"));
                };
                labels.insert(key.to_string(), value.to_string());
            }
        }
        None => {
            labels.insert("run".to_string(), name.clone());
        }
    }
    let mut env = Vec::new();
    for pair in args.flag_values("env") {
        let Some((key, value)) = pair.split_once('=') else {
            return Output::error(format!("error: invalid env: {pair}"));
        };
        env.push(EnvVar { name: key.to_string(), value: Some(value.to_string()), value_from: None });
    }
    let ports = match args.flag("port").map(str::parse::<i32>) {
        Some(Ok(port)) => Some(vec![ContainerPort { container_port: port, ..ContainerPort::default() }]),
        Some(Err(_)) => return Output::error("error: --port must be a number"),
        None => None,
    };
    let trailing: Vec<String> = args.positional[1..].to_vec();
    let (command, container_args) = match (args.bool_flag("command"), trailing.is_empty()) {
        (_, true) => (None, None),
        (true, false) => (Some(trailing), None),
        (false, false) => (None, Some(trailing)),
    };
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace_of(args)),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: name.clone(),
                image: Some(image.to_string()),
                command,
                args: container_args,
                env: (!env.is_empty()).then_some(env),
                ports,
                ..Container::default()
            }],
            restart_policy: Some(restart.to_string()),
            ..PodSpec::default()
        }),
        status: None,
    };
    // Stored, or with --dry-run only printed, like the other generated objects.
    super::generate::finish(sim, args, Object::from(pod).to_json(), "created")
}

#[cfg(test)]
mod tests {
    use crate::sim::Simulation;

    #[test]
    fn run_creates_a_pod_whose_trailing_words_are_its_args() {
        let mut sim = Simulation::new(Default::default(), 1);
        let mut run = |line: &str| crate::console::execute(&mut sim, &[], line).text();
        assert_eq!(
            run("kubectl run dns-check --image=busybox:1.36 --restart=Never -- nslookup kubernetes"),
            "pod/dns-check created\n"
        );
        assert_eq!(
            run("kubectl run dns-check --image=busybox:1.36"),
            "Error from server (AlreadyExists): pods \"dns-check\" already exists\n"
        );
        assert_eq!(run("kubectl run web"), "error: required flag(s) \"image\" not set\n");
        assert_eq!(run("kubectl run tmp --image=nginx --dry-run=client"), "pod/tmp created (dry run)\n");
        assert!(run("kubectl run tmp --image=nginx --dry-run=client -o yaml")
            .starts_with("apiVersion: v1\nkind: Pod\n"));
        assert_eq!(run("kubectl get pod tmp"), "Error from server (NotFound): pods \"tmp\" not found\n");
        let yaml = run("kubectl get pod dns-check -o yaml");
        assert!(yaml.contains("  - args:\n    - nslookup\n    - kubernetes\n"), "{yaml}");
        assert!(yaml.contains("    run: dns-check\n"), "{yaml}");
        assert!(yaml.contains("  restartPolicy: Never\n"), "{yaml}");
    }
}
