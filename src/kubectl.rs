//! kubectl in the page: parses command lines with kubectl's grammar and prints what kubectl
//! prints.

pub mod printers;

use crate::console::Output;
use crate::sim::Simulation;

/// The Kubernetes version the simulated cluster reports.
pub const KUBERNETES_VERSION: &str = "v1.36.0";

/// Runs `kubectl ARGS…` against the simulation.
pub fn execute(_sim: &mut Simulation, _files: &[(String, String)], args: &[String]) -> Output {
    let Some(command) = args.first() else {
        return Output::error("error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.");
    };
    match command.as_str() {
        "version" => {
            let mut o = Output::default();
            o.out(format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.7.1\nServer Version: {KUBERNETES_VERSION}"));
            o
        }
        other => Output::error(format!(
            "error: unknown command \"{other}\" for \"kubectl\"\nRun 'kubectl --help' for usage."
        )),
    }
}
