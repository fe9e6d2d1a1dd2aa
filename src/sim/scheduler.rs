//! kube-scheduler: the scheduling framework with the default plugins, the scheduling queue
//! and the FailedScheduling message, as pure functions over a [`ClusterSnapshot`].
//!
//! The simulation builds a snapshot from its store, pops pods from the [`SchedulingQueue`],
//! calls [`Scheduler::schedule_one`], and binds (or records FailedScheduling, nominates and
//! evicts victims) from the returned [`ScheduleResult`], whose per-node table explains the
//! decision.

pub mod bench;
pub mod framework;
pub mod labels;
pub mod plugins;
pub mod queue;
pub mod schedule;
pub mod snapshot;

#[cfg(test)]
mod tests;

pub use framework::{Code, CycleState, Status};
pub use plugins::default_preemption::Victim;
pub use queue::{QueuedPod, SchedulingQueue};
pub use schedule::{fit_error_message, schedule_one, Decision, NodeEvaluation, ScheduleResult, Scheduler};
pub use snapshot::{ClusterSnapshot, NodeInfo, PodInfo, Resource};
