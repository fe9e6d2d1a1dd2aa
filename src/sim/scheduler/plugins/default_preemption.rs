//! DefaultPreemption (PostFilter): when no node fits, look for a node where evicting
//! lower-priority pods would make room, keep as few victims as possible, nominate the node.

use std::rc::Rc;

use crate::sim::scheduler::framework::{Code, CycleState, PostFilterInput, PostFilterPlugin, Status};
use crate::sim::scheduler::schedule::{fit_error_message, Framework};
use crate::sim::scheduler::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};

pub const NAME: &str = "DefaultPreemption";
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const NEVER_POLICY: &str = "not eligible due to preemptionPolicy=Never.";
pub const TERMINATING_VICTIM: &str = "not eligible due to a terminating pod on the nominated node.";

pub struct DefaultPreemption;

impl PostFilterPlugin for DefaultPreemption {
    fn name(&self) -> &'static str {
        NAME
    }

    fn post_filter(&self, input: &PostFilterInput) -> (Option<Preemption>, Status) {
        match preempt(
            input.framework,
            input.state,
            input.pod,
            input.snapshot,
            input.statuses,
            input.skipped,
            input.pre_filter_failure,
        ) {
            Ok(nomination) => (Some(nomination), Status::success()),
            Err(message) => (None, Status::unschedulable(message)),
        }
    }
}

/// A pod the scheduler will evict to make room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Victim {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub priority: i32,
}

/// The chosen node and its victims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preemption {
    pub node: String,
    pub victims: Vec<Victim>,
}

/// Preemption's verdict: a nomination, or the message explaining why none was possible
/// (already prefixed with `preemption: `).
pub type PreemptionOutcome = Result<Preemption, String>;

struct Candidate {
    node_index: usize,
    victims: Vec<Rc<PodInfo>>,
}

/// Which victims must go on `node`, or the status saying why none would help.
fn select_victims_on_node(
    framework: &Framework,
    state: &CycleState,
    pod: &PodInfo,
    node: &NodeInfo,
    snapshot: &ClusterSnapshot,
    skipped: &[&'static str],
    pre_filter_failure: Option<&Status>,
) -> Result<Vec<Rc<PodInfo>>, Status> {
    let mut trial = node.clone();
    let mut potential: Vec<Rc<PodInfo>> =
        node.pods.iter().filter(|p| p.priority < pod.priority).cloned().collect();
    if potential.is_empty() {
        return Err(Status::unresolvable(NO_VICTIMS));
    }
    // Evicting pods cannot cure a pod-level PreFilter rejection (a missing claim, ...).
    if let Some(failure) = pre_filter_failure {
        return Err(failure.clone());
    }
    for victim in &potential {
        trial.remove_pod(&victim.namespace, &victim.name);
    }
    let status = framework.run_filters(state, pod, &trial, snapshot, skipped, None);
    if !status.is_success() {
        return Err(status);
    }
    // Most important first: higher priority, then the longer-running pod.
    potential.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.start_time_ms.cmp(&b.start_time_ms)));
    let mut victims = Vec::new();
    for candidate in potential {
        trial.add_pod(candidate.clone());
        if !framework.run_filters(state, pod, &trial, snapshot, skipped, None).is_success() {
            trial.remove_pod(&candidate.namespace, &candidate.name);
            victims.push(candidate);
        }
    }
    Ok(victims)
}

/// Upstream's `pickOneNodeForPreemption` without PodDisruptionBudgets: lowest highest-victim
/// priority, then lowest priority sum, then fewest victims, then latest start, then first.
fn pick(candidates: &[Candidate]) -> Option<&Candidate> {
    candidates.iter().min_by(|a, b| {
        let key = |c: &Candidate| {
            let highest = c.victims.iter().map(|v| i64::from(v.priority)).max().unwrap_or(i64::MIN);
            let sum: i64 = c.victims.iter().map(|v| i64::from(v.priority) + i64::from(i32::MAX) + 1).sum();
            let earliest = c.victims.iter().map(|v| v.start_time_ms).min().unwrap_or(i64::MAX);
            (highest, sum, c.victims.len(), std::cmp::Reverse(earliest))
        };
        key(a).cmp(&key(b)).then(a.node_index.cmp(&b.node_index))
    })
}

/// Runs preemption for `pod`, given every node's filter status (index-aligned with the nodes)
/// and the PreFilter rejection if that is why no node fit.
pub fn preempt(
    framework: &Framework,
    state: &CycleState,
    pod: &PodInfo,
    snapshot: &ClusterSnapshot,
    statuses: &[Status],
    skipped: &[&'static str],
    pre_filter_failure: Option<&Status>,
) -> PreemptionOutcome {
    if pod.preemption_never() {
        return Err(format!("preemption: {NEVER_POLICY}"));
    }
    // A pod that already preempted waits for its victims instead of preempting again.
    let nominated = pod.pod.status.as_ref().and_then(|s| s.nominated_node_name.as_deref());
    if let Some(node) = nominated.and_then(|n| snapshot.node(n)) {
        if node.pods.iter().any(|p| p.terminating() && p.priority < pod.priority) {
            return Err(format!("preemption: {TERMINATING_VICTIM}"));
        }
    }
    let mut candidates = Vec::new();
    let mut dry_run: Vec<Option<Status>> = vec![None; snapshot.nodes.len()];
    for (index, node) in snapshot.nodes.iter().enumerate() {
        let helpful = statuses.get(index).is_some_and(|s| s.code == Code::Unschedulable);
        if !helpful {
            continue;
        }
        match select_victims_on_node(framework, state, pod, node, snapshot, skipped, pre_filter_failure) {
            Ok(victims) if !victims.is_empty() => candidates.push(Candidate { node_index: index, victims }),
            Ok(_) => {
                dry_run[index] = Some(Status::new(
                    Code::Error,
                    format!("expected at least one victim pod on node {:?}", node.name),
                ))
            }
            Err(status) => dry_run[index] = Some(status),
        }
    }
    match pick(&candidates) {
        Some(best) => Ok(Preemption {
            node: snapshot.nodes.get(best.node_index).map(|n| n.name.clone()).unwrap_or_default(),
            victims: best
                .victims
                .iter()
                .map(|v| Victim {
                    namespace: v.namespace.clone(),
                    name: v.name.clone(),
                    uid: v.uid.clone(),
                    priority: v.priority,
                })
                .collect(),
        }),
        None => {
            let not_helpful = Status::unresolvable(NOT_HELPFUL);
            let per_node: Vec<&Status> = dry_run.iter().map(|s| s.as_ref().unwrap_or(&not_helpful)).collect();
            Err(format!("preemption: {}", fit_error_message(snapshot.nodes.len(), None, &per_node, None)))
        }
    }
}
