//! The scheduling framework's vocabulary: `Status`, `CycleState` and the extension-point traits
//! that every plugin implements (PreFilter, Filter, PostFilter, PreScore, Score).

use std::any::Any;
use std::collections::BTreeMap;

use super::plugins::default_preemption::Preemption;
use super::schedule::Framework;
use super::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

/// Outcome codes, as in upstream `framework.Code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Success,
    Error,
    /// The node does not fit now, but preemption might help.
    Unschedulable,
    /// The node can never fit this pod: preemption will not try it.
    UnschedulableAndUnresolvable,
    /// The plugin has nothing to do for this pod (PreFilter/PreScore).
    Skip,
}

/// A plugin's verdict with its human-readable reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<String>,
    /// The plugin that produced a non-success status.
    pub plugin: &'static str,
}

impl Status {
    pub fn success() -> Self {
        Status { code: Code::Success, reasons: Vec::new(), plugin: "" }
    }

    pub fn skip() -> Self {
        Status { code: Code::Skip, reasons: Vec::new(), plugin: "" }
    }

    pub fn new(code: Code, reason: impl Into<String>) -> Self {
        Status { code, reasons: vec![reason.into()], plugin: "" }
    }

    pub fn with_reasons(code: Code, reasons: Vec<String>) -> Self {
        Status { code, reasons, plugin: "" }
    }

    pub fn unschedulable(reason: impl Into<String>) -> Self {
        Status::new(Code::Unschedulable, reason)
    }

    pub fn unresolvable(reason: impl Into<String>) -> Self {
        Status::new(Code::UnschedulableAndUnresolvable, reason)
    }

    pub fn with_plugin(mut self, plugin: &'static str) -> Self {
        self.plugin = plugin;
        self
    }

    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }

    pub fn is_rejection(&self) -> bool {
        matches!(self.code, Code::Unschedulable | Code::UnschedulableAndUnresolvable)
    }

    /// The reasons joined with ", " (`Status.Message()`).
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }
}

/// Per-cycle scratch space shared between a plugin's extension points (PreFilter → Filter,
/// PreScore → Score), keyed by plugin name.
#[derive(Default)]
pub struct CycleState {
    data: BTreeMap<&'static str, Box<dyn Any>>,
}

impl CycleState {
    pub fn new() -> Self {
        CycleState::default()
    }

    pub fn write<T: Any>(&mut self, key: &'static str, value: T) {
        self.data.insert(key, Box::new(value));
    }

    pub fn read<T: Any>(&self, key: &'static str) -> Option<&T> {
        self.data.get(key).and_then(|v| v.downcast_ref::<T>())
    }
}

/// The highest score a plugin gives after normalisation.
pub const MAX_NODE_SCORE: i64 = 100;

pub trait PreFilterPlugin {
    fn name(&self) -> &'static str;
    /// Computes per-pod state once per cycle; a rejection here rejects every node.
    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, snapshot: &ClusterSnapshot) -> Status;
}

pub trait FilterPlugin {
    fn name(&self) -> &'static str;
    fn filter(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
        snapshot: &ClusterSnapshot,
    ) -> Status;
}

/// What PostFilter plugins see when no node fit.
pub struct PostFilterInput<'a> {
    pub framework: &'a Framework,
    pub state: &'a CycleState,
    pub pod: &'a PodInfo,
    pub snapshot: &'a ClusterSnapshot,
    /// Every node's filter status, index-aligned with `snapshot.nodes`.
    pub statuses: &'a [Status],
    /// PreFilter plugins that returned Skip (their Filter is not run).
    pub skipped: &'a [&'static str],
    /// The PreFilter rejection, when that is why no node fit.
    pub pre_filter_failure: Option<&'a Status>,
}

pub trait PostFilterPlugin {
    fn name(&self) -> &'static str;
    /// Success with a nomination makes the pod schedulable later; a rejection's message joins
    /// the FailedScheduling text; Skip says nothing.
    fn post_filter(&self, input: &PostFilterInput) -> (Option<Preemption>, Status);
}

pub trait PreScorePlugin {
    fn name(&self) -> &'static str;
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &ClusterSnapshot,
        feasible: &[usize],
    ) -> Status;
}

pub trait ScorePlugin {
    fn name(&self) -> &'static str;
    /// The default weight from the v1 default configuration.
    fn weight(&self) -> i64;
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo, snapshot: &ClusterSnapshot) -> i64;
    /// Rescales raw scores to 0..=MAX_NODE_SCORE; the default leaves them as they are.
    fn normalize(&self, _state: &CycleState, _pod: &PodInfo, _scores: &mut [i64]) {}
}

/// Scales scores so the highest becomes 100 (reversed: the lowest becomes 100), as upstream
/// `helper.DefaultNormalizeScore`.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX_NODE_SCORE);
        }
        return;
    }
    for score in scores.iter_mut() {
        let scaled = MAX_NODE_SCORE * *score / max;
        *score = if reverse { MAX_NODE_SCORE - scaled } else { scaled };
    }
}
