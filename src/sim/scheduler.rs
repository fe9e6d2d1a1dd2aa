//! kube-scheduler: the scheduling framework with the default plugins, the scheduling queue
//! and the FailedScheduling message, as pure functions over a [`ClusterSnapshot`].
//!
//! # How the simulation drives it
//! 1. New pending pods go into the [`SchedulingQueue`] (`add`; pods of other schedulers and
//!    gated pods never reach activeQ). Cluster changes call `on_cluster_event`; the simulation
//!    wakes the scheduler at `next_wake()` for backoff expiry and the 5-minute flush.
//! 2. `pop(now)` yields the next pod (priority first, then enqueue time).
//! 3. [`Scheduler::schedule_one`] runs one cycle against a [`ClusterSnapshot`] (built from the
//!    store with `ClusterSnapshot::new`, or kept up to date with `add_pod`/`remove_pod`/
//!    `set_node`/`nominate`).
//! 4. On [`Decision::Scheduled`] the caller binds (`Scheduled` event text from
//!    [`scheduled_event_message`]), carries out [`claim_bindings`] for delayed volumes, and
//!    assumes the pod into the snapshot. On [`Decision::Unschedulable`] it writes the
//!    FailedScheduling event and `PodScheduled=False` with the message, sets
//!    `nominatedNodeName` and evicts the victims when preemption chose some, and returns the
//!    pod to the queue with `add_unschedulable`.
//!
//! Every [`ScheduleResult`] keeps the per-node, per-plugin filter verdicts and scores.

pub mod bench;
pub mod cache;
pub mod framework;
pub mod labels;
pub mod plugins;
pub mod queue;
pub mod schedule;
pub mod snapshot;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod cache_tests;
#[cfg(test)]
mod tests;

pub use bench::{bench_schedule, BenchStats};
pub use cache::SchedulerCache;
pub use framework::{Code, CycleState, Status};
pub use plugins::default_preemption::{Preemption, Victim};
pub use plugins::volume_binding::{claim_bindings, ClaimBinding, SELECTED_NODE_ANNOTATION};
pub use queue::{
    node_update_is_relevant, responsible_for, ClusterEvent, QueueName, QueuedPod, SchedulingQueue,
    DEFAULT_SCHEDULER_NAME,
};
pub use schedule::{
    fit_error_message, schedule_one, scheduled_event_message, Decision, Framework, NodeEvaluation,
    PluginScore, PluginVerdict, ScheduleResult, Scheduler,
};
pub use snapshot::{ClusterSnapshot, NodeInfo, PodInfo, Resource};
