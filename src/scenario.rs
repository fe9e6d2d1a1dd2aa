//! Scenarios: one YAML format for the app's library, shared links, the native tests and the CLI.
//!
//! A scenario names the cluster to start from, the manifest files the editor opens, and the steps
//! to run (kubectl lines, waits and playground actions). [`Runner`] plays the steps one at a time
//! against a [`Simulation`] and checks each step's `expect:` patterns against its output.

mod format;
mod runner;

pub use format::{Scenario, ScenarioError, Step};
pub use runner::{check, Runner, StepOutcome};
