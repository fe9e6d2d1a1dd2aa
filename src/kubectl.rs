//! kubectl in the page: parses command lines with kubectl's grammar and prints what kubectl
//! prints.

pub mod apply;
pub mod args;
pub mod complete;
pub mod cordon;
pub mod cp;
pub mod delete;
pub mod describe;
pub mod drain;
pub mod edit;
pub mod events;
pub mod exec;
pub mod explain;
pub mod generate;
pub mod get;
pub mod help;
pub mod info;
pub mod label;
pub mod logs;
pub mod output;
pub mod patch;
pub mod printers;
pub mod replace;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod taint;
pub mod top;
pub mod wait;
pub mod watch;

use crate::console::Output;
use crate::sim::api::ResourceType;
use crate::sim::Simulation;

pub use args::Args;

/// The Kubernetes version the simulated cluster reports.
pub const KUBERNETES_VERSION: &str = "v1.36.0";

/// Runs `kubectl ARGS…` against the simulation.
pub fn execute(sim: &mut Simulation, files: &[(String, String)], args: &[String]) -> Output {
    let Some(command) = args.first() else {
        return help::help(&[]);
    };
    if help::wants_help(args) {
        let words: Vec<String> =
            args.iter().filter(|a| *a != "-h" && !a.starts_with("--help")).cloned().collect();
        return help::help(&words);
    }
    match command.as_str() {
        "logs" => return logs::run(sim, &args[1..]),
        "exec" => return exec::run(sim, &args[1..]),
        "patch" => return patch::run(sim, &args[1..]),
        _ => {}
    }
    let parsed = match Args::parse(&args[1..]) {
        Ok(parsed) => parsed,
        Err(message) if message.starts_with("error: unknown") => {
            return Output::error(format!("{message}\nSee 'kubectl {command} --help' for usage."))
        }
        Err(message) => return Output::error(message),
    };
    match command.as_str() {
        "version" => info::version(&parsed),
        "cluster-info" => info::cluster_info(sim),
        "config" => info::config(&parsed),
        "api-resources" => info::api_resources(sim, &parsed),
        "expose" => generate::expose(sim, &parsed),
        "autoscale" => generate::autoscale(sim, &parsed),
        "create" if parsed.flag("filename").is_none() && !parsed.positional.is_empty() => {
            generate::create(sim, files, &parsed)
        }
        "apply" => apply::run(sim, files, &parsed, apply::Mode::Apply),
        "create" => apply::run(sim, files, &parsed, apply::Mode::Create),
        "delete" => delete::run(sim, files, &parsed),
        "replace" => replace::run(sim, files, &parsed),
        "events" => events::run(sim, &parsed),
        "wait" => wait::run(sim, &parsed),
        "get" => get::run(sim, &parsed),
        "explain" => explain::run(sim, &parsed),
        "describe" => describe::run(sim, &parsed),
        "taint" => taint::run(sim, &parsed),
        "run" => run::run(sim, &parsed),
        "cordon" => cordon::run(sim, &parsed, true),
        "uncordon" => cordon::run(sim, &parsed, false),
        "drain" => drain::run(sim, &parsed),
        "top" => top::run(sim, &parsed),
        "cp" => cp::run(sim, files, &parsed),
        "edit" => edit::run(sim, &parsed),
        "set" => set::run(sim, &parsed),
        "label" => label::run_metadata(sim, &parsed, label::MetadataField::Labels),
        "annotate" => label::run_metadata(sim, &parsed, label::MetadataField::Annotations),
        "scale" => label::run_scale(sim, &parsed),
        "rollout" => rollout::run(sim, &parsed),
        other => Output::error(format!(
            "error: unknown command \"{other}\" for \"kubectl\"\nRun 'kubectl --help' for usage."
        )),
    }
}

/// The namespace a command works in: `-n`, else `default`.
pub fn namespace_of(args: &Args) -> String {
    args.flag("namespace").unwrap_or("default").to_string()
}

/// Resolves a type name typed by the user, with kubectl's error when it is unknown.
pub fn resolve_type(sim: &Simulation, name: &str) -> Result<ResourceType, String> {
    sim.store()
        .resources()
        .resolve(name)
        .cloned()
        .ok_or_else(|| format!("error: the server doesn't have a resource type {name:?}"))
}

/// Reads a manifest named on the command line: the workspace files first, then (natively) the
/// disk. `-` stands for the editor's current file.
pub fn read_file(files: &[(String, String)], name: &str) -> Result<(String, String), String> {
    if name == "-" {
        return files.first().cloned().ok_or_else(|| "error: no objects passed to apply".to_string());
    }
    if let Some((n, text)) = files.iter().find(|(n, _)| n == name) {
        return Ok((n.clone(), text.clone()));
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(text) = std::fs::read_to_string(name) {
        return Ok((name.to_string(), text));
    }
    Err(format!("error: the path {name:?} does not exist"))
}
