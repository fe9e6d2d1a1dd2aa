//! The simulation: a Kubernetes cluster over virtual time.
//!
//! # Lifecycle
//! 1. [`Simulation::new`] builds the cluster from a [`ClusterSpec`] and a seed.
//! 2. Inputs (manifests, kubectl commands, playground actions) change the API store.
//! 3. [`Simulation::step`] runs the next event, [`Simulation::step_until`] every event up to a
//!    time, [`Simulation::advance`] a span of time. Nothing reads a wall clock: the UI paces
//!    these calls against real time, tests jump straight to the moments they check.
//! 4. Every state change lands in the [`Trace`]; two runs with the same seed and inputs produce
//!    the same trace hash.

pub mod api;
pub mod controllers;
pub mod kubelet;
pub mod quantity;
pub mod queue;
pub mod rng;
pub mod runtime;
pub mod scheduler;
pub mod scheduling;
pub mod time;
pub mod trace;

mod simulation;

pub use queue::EventQueue;
pub use rng::SimRng;
pub use simulation::{Actor, ActorId, ClusterSpec, Components, NodeSpec, Simulation, DEFAULT_SEED};
pub use time::{SimDuration, SimTime};
pub use trace::{Trace, TraceEntry, TraceKind};
