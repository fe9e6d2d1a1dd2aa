//! One scheduling cycle (`schedule_one`): PreFilter → Filter on the nodes → PostFilter
//! (preemption) when none fits → PreScore → Score → NormalizeScore → weighted sum → pick the
//! best node, ties broken by the seeded RNG. Every result keeps the per-node, per-plugin table
//! of filter verdicts and scores so the UI can explain the decision.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::Pod;

use super::framework::{
    Code, CycleState, FilterPlugin, PostFilterInput, PostFilterPlugin, PreFilterPlugin, PreScorePlugin,
    ScorePlugin, Status,
};
use super::plugins::{self, default_preemption};
use super::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};
use crate::sim::rng::SimRng;

/// `0/%v nodes are available` (`framework.NoNodeAvailableMsg`).
fn no_node_available(total: usize) -> String {
    format!("0/{total} nodes are available:")
}

/// The FailedScheduling text exactly as `FitError.Error()` prints it: the PreFilter message, or
/// the histogram of every node's reasons sorted as strings, then the PostFilter message.
pub fn fit_error_message(
    total_nodes: usize,
    pre_filter_message: Option<&str>,
    node_statuses: &[&Status],
    post_filter_message: Option<&str>,
) -> String {
    let mut message = no_node_available(total_nodes);
    match pre_filter_message {
        Some(pre) => {
            message.push(' ');
            message.push_str(pre);
            message.push('.');
        }
        None => {
            let mut histogram: BTreeMap<&str, usize> = BTreeMap::new();
            for status in node_statuses {
                for reason in &status.reasons {
                    *histogram.entry(reason.as_str()).or_insert(0) += 1;
                }
            }
            let mut entries: Vec<String> =
                histogram.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
            entries.sort();
            if !entries.is_empty() {
                message.push(' ');
                message.push_str(&entries.join(", "));
                message.push('.');
            }
        }
    }
    if let Some(post) = post_filter_message.filter(|m| !m.is_empty()) {
        message.push(' ');
        message.push_str(post);
    }
    message
}

/// A plugin's verdict in the explanation table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginVerdict {
    pub plugin: &'static str,
    pub status: Status,
}

/// One plugin's score for one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginScore {
    pub plugin: &'static str,
    pub raw: i64,
    pub normalized: i64,
    pub weight: i64,
}

impl PluginScore {
    pub fn weighted(&self) -> i64 {
        self.normalized * self.weight
    }
}

/// The explanation row of one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEvaluation {
    pub node: String,
    /// Filter plugins in the order they ran; stops at the first rejection.
    pub filters: Vec<PluginVerdict>,
    pub scores: Vec<PluginScore>,
    /// Σ weight × normalised score (None when the node was filtered out or not scored).
    pub total: Option<i64>,
}

impl NodeEvaluation {
    pub fn feasible(&self) -> bool {
        self.filters.iter().all(|v| v.status.is_success() || v.status.code == Code::Skip)
    }
}

/// What the cycle decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Bind the pod to `node`.
    Scheduled { node: String },
    /// FailedScheduling with `message`; preemption may have nominated a node and chosen victims.
    Unschedulable {
        message: String,
        nominated_node: Option<String>,
        victims: Vec<default_preemption::Victim>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleResult {
    /// `namespace/name` of the pod.
    pub pod: String,
    pub decision: Decision,
    pub pre_filter: Vec<PluginVerdict>,
    /// Per node (only those evaluated, in evaluation order); empty when recording is off.
    pub nodes: Vec<NodeEvaluation>,
    pub evaluated_nodes: usize,
    pub feasible_nodes: usize,
}

impl ScheduleResult {
    pub fn node(&self) -> Option<&str> {
        match &self.decision {
            Decision::Scheduled { node } => Some(node),
            Decision::Unschedulable { .. } => None,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match &self.decision {
            Decision::Scheduled { .. } => None,
            Decision::Unschedulable { message, .. } => Some(message),
        }
    }
}

/// The default profile's plugins, per extension point. Plugins are stateless, so clones share
/// them.
#[derive(Clone)]
pub struct Framework {
    pub pre_filter: Rc<Vec<Box<dyn PreFilterPlugin>>>,
    pub filter: Rc<Vec<Box<dyn FilterPlugin>>>,
    pub post_filter: Rc<Vec<Box<dyn PostFilterPlugin>>>,
    pub pre_score: Rc<Vec<Box<dyn PreScorePlugin>>>,
    pub score: Rc<Vec<Box<dyn ScorePlugin>>>,
}

impl std::fmt::Debug for Framework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |list: Vec<&'static str>| list.join(",");
        f.debug_struct("Framework")
            .field("pre_filter", &names(self.pre_filter.iter().map(|p| p.name()).collect()))
            .field("filter", &names(self.filter.iter().map(|p| p.name()).collect()))
            .field("post_filter", &names(self.post_filter.iter().map(|p| p.name()).collect()))
            .field("pre_score", &names(self.pre_score.iter().map(|p| p.name()).collect()))
            .field("score", &names(self.score.iter().map(|p| p.name()).collect()))
            .finish()
    }
}

impl Default for Framework {
    fn default() -> Self {
        Framework {
            pre_filter: Rc::new(plugins::pre_filter_plugins()),
            filter: Rc::new(plugins::filter_plugins()),
            post_filter: Rc::new(plugins::post_filter_plugins()),
            pre_score: Rc::new(plugins::pre_score_plugins()),
            score: Rc::new(plugins::score_plugins()),
        }
    }
}

impl Framework {
    /// Runs the Filter plugins on one node, stopping at the first rejection; plugins whose
    /// PreFilter returned Skip are not run.
    pub fn run_filters(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
        snapshot: &ClusterSnapshot,
        skipped: &[&'static str],
        record: Option<&mut Vec<PluginVerdict>>,
    ) -> Status {
        self.run_filters_masked(state, pod, node, snapshot, &self.filter_mask(skipped), record)
    }

    /// Which Filter plugins run, given the PreFilter plugins that returned Skip; computed once
    /// per cycle so the per-node loop compares no names.
    pub fn filter_mask(&self, skipped: &[&'static str]) -> Vec<bool> {
        self.filter.iter().map(|plugin| !skipped.contains(&plugin.name())).collect()
    }

    /// [`Framework::run_filters`] with the plugins to run given by [`Framework::filter_mask`].
    pub fn run_filters_masked(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
        snapshot: &ClusterSnapshot,
        mask: &[bool],
        mut record: Option<&mut Vec<PluginVerdict>>,
    ) -> Status {
        for (plugin, run) in self.filter.iter().zip(mask) {
            if !run {
                continue;
            }
            let status = plugin.filter(state, pod, node, snapshot).with_plugin(plugin.name());
            if let Some(rows) = record.as_deref_mut() {
                rows.push(PluginVerdict { plugin: plugin.name(), status: status.clone() });
            }
            if !status.is_success() {
                return status;
            }
        }
        Status::success()
    }
}

impl Framework {
    /// Runs the PostFilter plugins in order (`RunPostFilterPlugins`): the first success wins;
    /// otherwise the rejection messages are joined with ", ".
    pub fn run_post_filter(
        &self,
        input: &PostFilterInput,
    ) -> (Option<default_preemption::Preemption>, Option<String>) {
        let mut messages = Vec::new();
        for plugin in self.post_filter.iter() {
            let (nomination, status) = plugin.post_filter(input);
            match status.code {
                Code::Success => return (nomination, None),
                Code::Skip => {}
                Code::UnschedulableAndUnresolvable => return (None, Some(status.message())),
                _ => messages.push(status.message()),
            }
        }
        (None, (!messages.is_empty()).then(|| messages.join(", ")))
    }

    /// Filters with the pods nominated to this node (of at least the pod's priority) counted
    /// as present, then, if that passes, without them (`RunFilterPluginsWithNominatedPods`).
    pub fn run_filters_with_nominated(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
        snapshot: &ClusterSnapshot,
        mask: &[bool],
        record: Option<&mut Vec<PluginVerdict>>,
    ) -> Status {
        if snapshot.nominated.is_empty() {
            return self.run_filters_masked(state, pod, node, snapshot, mask, record);
        }
        let nominated =
            snapshot.nominated.get(&node.name).into_iter().flatten().filter(|p| {
                p.priority >= pod.priority && !(p.namespace == pod.namespace && p.name == pod.name)
            });
        let mut with_nominated: Option<NodeInfo> = None;
        for other in nominated {
            with_nominated.get_or_insert_with(|| node.clone()).add_pod(other.clone());
        }
        match with_nominated {
            None => self.run_filters_masked(state, pod, node, snapshot, mask, record),
            Some(crowded) => {
                let status = self.run_filters_masked(state, pod, &crowded, snapshot, mask, record);
                if !status.is_success() {
                    return status;
                }
                self.run_filters_masked(state, pod, node, snapshot, mask, None)
            }
        }
    }
}

/// `numFeasibleNodesToFind` with the default adaptive `percentageOfNodesToScore`.
pub fn num_feasible_nodes_to_find(total_nodes: usize) -> usize {
    const MIN_FEASIBLE: usize = 100;
    const MIN_PERCENTAGE: usize = 5;
    if total_nodes < MIN_FEASIBLE {
        return total_nodes;
    }
    let percentage = 50usize.saturating_sub(total_nodes / 125).max(MIN_PERCENTAGE);
    (total_nodes * percentage / 100).max(MIN_FEASIBLE)
}

/// A scheduler profile with the state kept between cycles (where the next search starts).
#[derive(Clone, Debug)]
pub struct Scheduler {
    pub framework: Framework,
    next_start_node_index: usize,
    /// Keep the per-node explanation table (off for large benchmarks).
    pub record: bool,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler { framework: Framework::default(), next_start_node_index: 0, record: true }
    }
}

impl Scheduler {
    pub fn new() -> Self {
        Scheduler::default()
    }

    /// Runs one scheduling cycle for `pod` against `snapshot`. Pure apart from the RNG and the
    /// search start index; binding (and assuming the pod into the snapshot) is the caller's job.
    pub fn schedule_one(
        &mut self,
        pod: &Pod,
        snapshot: &ClusterSnapshot,
        rng: &mut SimRng,
    ) -> ScheduleResult {
        self.schedule(&PodInfo::new(pod, &snapshot.priority_classes), snapshot, rng)
    }

    /// [`Scheduler::schedule_one`] for a pod already described, so a caller that binds it
    /// (claims included) builds its [`PodInfo`] once.
    pub fn schedule(
        &mut self,
        info: &PodInfo,
        snapshot: &ClusterSnapshot,
        rng: &mut SimRng,
    ) -> ScheduleResult {
        let total = snapshot.nodes.len();
        let mut result = ScheduleResult {
            pod: info.key(),
            decision: Decision::Scheduled { node: String::new() },
            pre_filter: Vec::new(),
            nodes: Vec::new(),
            evaluated_nodes: 0,
            feasible_nodes: 0,
        };
        let fw = &self.framework;
        let mut state = CycleState::new();
        let mut skipped: Vec<&'static str> = Vec::new();

        // PreFilter: a rejection here rejects every node.
        let mut pre_filter_failure: Option<Status> = None;
        for plugin in fw.pre_filter.iter() {
            let status = plugin.pre_filter(&mut state, info, snapshot).with_plugin(plugin.name());
            result.pre_filter.push(PluginVerdict { plugin: plugin.name(), status: status.clone() });
            match status.code {
                Code::Skip => skipped.push(plugin.name()),
                Code::Success => {}
                _ => {
                    pre_filter_failure = Some(status);
                    break;
                }
            }
        }
        if total == 0 {
            result.decision = Decision::Unschedulable {
                message: "no nodes available to schedule pods".to_string(),
                nominated_node: None,
                victims: Vec::new(),
            };
            return result;
        }
        if let Some(failure) = pre_filter_failure {
            let statuses: Vec<Status> = vec![failure.clone(); total];
            let input = PostFilterInput {
                framework: fw,
                state: &state,
                pod: info,
                snapshot,
                statuses: &statuses,
                skipped: &skipped,
                pre_filter_failure: Some(&failure),
            };
            let (nomination, post) = fw.run_post_filter(&input);
            let message = fit_error_message(total, Some(&failure.message()), &[], post.as_deref());
            result.decision = unschedulable(message, nomination);
            return result;
        }

        // Filter, starting where the previous cycle stopped, until enough nodes fit.
        let mask = fw.filter_mask(&skipped);
        let mut statuses: Vec<Status> = vec![Status::success(); total];
        let mut feasible: Vec<usize> = Vec::new();
        let nominated = info
            .pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .and_then(|n| snapshot.node_index(n));
        if let Some(index) = nominated {
            if let Some(node) = snapshot.nodes.get(index) {
                let mut rows = Vec::new();
                let recording = self.record.then_some(&mut rows);
                if fw.run_filters_with_nominated(&state, info, node, snapshot, &mask, recording).is_success()
                {
                    feasible.push(index);
                    if self.record {
                        result.nodes.push(NodeEvaluation {
                            node: node.name.clone(),
                            filters: rows,
                            scores: Vec::new(),
                            total: None,
                        });
                    }
                }
            }
        }
        if feasible.is_empty() {
            let wanted = num_feasible_nodes_to_find(total);
            let start = self.next_start_node_index % total;
            let mut processed = 0;
            for offset in 0..total {
                if feasible.len() >= wanted {
                    break;
                }
                let index = (start + offset) % total;
                processed += 1;
                let Some(node) = snapshot.nodes.get(index) else {
                    continue;
                };
                let mut rows = Vec::new();
                let recording = self.record.then_some(&mut rows);
                let status = fw.run_filters_with_nominated(&state, info, node, snapshot, &mask, recording);
                if status.is_success() {
                    feasible.push(index);
                }
                if self.record {
                    result.nodes.push(NodeEvaluation {
                        node: node.name.clone(),
                        filters: rows,
                        scores: Vec::new(),
                        total: None,
                    });
                }
                statuses[index] = status;
            }
            self.next_start_node_index = (start + processed) % total;
            result.evaluated_nodes = processed;
        } else {
            result.evaluated_nodes = 1;
        }
        result.feasible_nodes = feasible.len();

        if feasible.is_empty() {
            let input = PostFilterInput {
                framework: fw,
                state: &state,
                pod: info,
                snapshot,
                statuses: &statuses,
                skipped: &skipped,
                pre_filter_failure: None,
            };
            let (nomination, post) = fw.run_post_filter(&input);
            let refs: Vec<&Status> = statuses.iter().collect();
            let message = fit_error_message(total, None, &refs, post.as_deref());
            result.decision = unschedulable(message, nomination);
            return result;
        }

        let chosen = if feasible.len() == 1 {
            feasible[0]
        } else {
            let totals = self.score(&mut state, info, snapshot, &feasible, &mut result);
            select_host(&feasible, &totals, rng)
        };
        result.decision = Decision::Scheduled {
            node: snapshot.nodes.get(chosen).map(|n| n.name.clone()).unwrap_or_default(),
        };
        result
    }

    /// PreScore, Score, NormalizeScore and the weighted sum; one total per feasible node.
    fn score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &ClusterSnapshot,
        feasible: &[usize],
        result: &mut ScheduleResult,
    ) -> Vec<i64> {
        let mut skipped: Vec<&'static str> = Vec::new();
        for plugin in self.framework.pre_score.iter() {
            if plugin.pre_score(state, pod, snapshot, feasible).code == Code::Skip {
                skipped.push(plugin.name());
            }
        }
        let mut totals = vec![0i64; feasible.len()];
        let mut table: Vec<Vec<PluginScore>> =
            if self.record { vec![Vec::new(); feasible.len()] } else { Vec::new() };
        let mut scores = vec![0i64; feasible.len()];
        for plugin in self.framework.score.iter() {
            if skipped.contains(&plugin.name()) {
                continue;
            }
            for (slot, &index) in scores.iter_mut().zip(feasible) {
                *slot = snapshot.nodes.get(index).map(|n| plugin.score(state, pod, n, snapshot)).unwrap_or(0);
            }
            let raw = if self.record { scores.clone() } else { Vec::new() };
            plugin.normalize(state, pod, &mut scores);
            let weight = plugin.weight();
            for (i, score) in scores.iter().enumerate() {
                totals[i] += score * weight;
                if let Some(row) = table.get_mut(i) {
                    row.push(PluginScore { plugin: plugin.name(), raw: raw[i], normalized: *score, weight });
                }
            }
        }
        if self.record {
            let positions: BTreeMap<String, usize> =
                result.nodes.iter().enumerate().map(|(i, e)| (e.node.clone(), i)).collect();
            for ((&index, row), total) in feasible.iter().zip(table).zip(&totals) {
                let position = snapshot.nodes.get(index).and_then(|n| positions.get(&n.name));
                if let Some(evaluation) = position.and_then(|&p| result.nodes.get_mut(p)) {
                    evaluation.scores = row;
                    evaluation.total = Some(*total);
                }
            }
        }
        totals
    }
}

/// The highest total wins; among equal totals each has the same chance (reservoir sampling).
fn select_host(feasible: &[usize], totals: &[i64], rng: &mut SimRng) -> usize {
    let mut best = feasible[0];
    let mut best_score = i64::MIN;
    let mut ties = 0u64;
    for (&index, &score) in feasible.iter().zip(totals) {
        if score > best_score {
            best = index;
            best_score = score;
            ties = 1;
        } else if score == best_score {
            ties += 1;
            if rng.below(ties) == 0 {
                best = index;
            }
        }
    }
    best
}

fn unschedulable(message: String, nomination: Option<default_preemption::Preemption>) -> Decision {
    match nomination {
        Some(p) => Decision::Unschedulable { message, nominated_node: Some(p.node), victims: p.victims },
        None => Decision::Unschedulable { message, nominated_node: None, victims: Vec::new() },
    }
}

/// The Normal `Scheduled` event text.
pub fn scheduled_event_message(namespace: &str, name: &str, node: &str) -> String {
    format!("Successfully assigned {namespace}/{name} to {node}")
}

/// One cycle with a fresh default scheduler (search starts at the first node).
pub fn schedule_one(pod: &Pod, snapshot: &ClusterSnapshot, rng: &mut SimRng) -> ScheduleResult {
    Scheduler::new().schedule_one(pod, snapshot, rng)
}
