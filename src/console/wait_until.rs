//! `wait until KIND/NAME is CONDITION [within DURATION]`: runs the simulation until an object
//! reaches a state, or the time limit (default 10 minutes) passes.
//!
//! Conditions are what a learner would check with kubectl: pods `Running`, `Ready`,
//! `Succeeded`, `Failed`; Jobs `Complete`, `Failed`; Deployments and StatefulSets `Available`;
//! nodes `Ready`, `NotReady`; and `Deleted` for any kind. The object need not exist yet.

use crate::console::Output;
use crate::sim::api::Object;
use crate::sim::{SimDuration, Simulation};

/// How long `wait until` waits when no `within` is given.
pub const DEFAULT_LIMIT: SimDuration = SimDuration::from_mins(10);

/// A parsed `wait until` step.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitUntil {
    kind: String,
    name: String,
    condition: String,
    limit: SimDuration,
}

/// Parses the words after `wait until`.
pub fn parse(words: &[String]) -> Result<WaitUntil, String> {
    let usage = "error: usage: wait until KIND/NAME is CONDITION [within DURATION]";
    let (target, condition, rest) = match words {
        [target, is, condition, rest @ ..] if is == "is" => (target, condition, rest),
        _ => return Err(usage.into()),
    };
    let Some((kind, name)) = target.split_once('/') else { return Err(usage.into()) };
    let limit = match rest {
        [] => DEFAULT_LIMIT,
        [within, duration] if within == "within" => SimDuration::parse(duration)
            .ok_or_else(|| format!("error: invalid duration {duration:?} (use e.g. 30s, 2m, 1m30s)"))?,
        _ => return Err(usage.into()),
    };
    Ok(WaitUntil { kind: kind.to_string(), name: name.to_string(), condition: condition.to_string(), limit })
}

/// Runs the wait; prints nothing when the condition is met, an error line when the limit passes.
pub fn run(sim: &mut Simulation, wait: &WaitUntil) -> Output {
    let resource = match crate::kubectl::resolve_type(sim, &wait.kind) {
        Ok(resource) => resource,
        Err(message) => return Output::error(message),
    };
    let namespace = if resource.namespaced { "default" } else { "" };
    let name = wait.name.as_str();
    let check = |sim: &Simulation| -> Result<bool, String> {
        let object = sim.store().get(&resource.kind, namespace, name);
        holds(object.map(|o| o.as_ref()), &resource.kind, &wait.condition)
    };
    let deadline = sim.time() + wait.limit;
    loop {
        match check(sim) {
            Ok(true) => return Output::default(),
            Ok(false) => {}
            Err(message) => return Output::error(message),
        }
        match sim.next_event_time() {
            Some(t) if t <= deadline => {
                sim.step();
            }
            _ => {
                sim.step_until(deadline);
                return Output::error(format!(
                    "error: timed out after {} waiting for {}/{} to be {}",
                    wait.limit, wait.kind, wait.name, wait.condition
                ));
            }
        }
    }
}

/// Whether `object` (None: absent) is in `condition`; an error for a condition the kind lacks.
fn holds(object: Option<&Object>, kind: &str, condition: &str) -> Result<bool, String> {
    if condition == "Deleted" {
        return Ok(object.is_none());
    }
    let unsupported =
        || Err(format!("error: {kind} has no condition {condition:?} (use {})", supported(kind).join(", ")));
    if !supported(kind).contains(&condition) {
        return unsupported();
    }
    let Some(object) = object else { return Ok(false) };
    Ok(match object {
        Object::Pod(pod) => {
            let status = pod.status.as_ref();
            let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
            match condition {
                "Ready" => status
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
                phase_name => phase == phase_name,
            }
        }
        Object::Job(job) => job
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == condition && c.status == "True")),
        Object::Deployment(deployment) => deployment
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Available" && c.status == "True")),
        Object::StatefulSet(set) => {
            let want = set.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = set.status.as_ref();
            status.and_then(|s| s.available_replicas).unwrap_or(0) >= want
                && status.and_then(|s| s.ready_replicas).unwrap_or(0) >= want
        }
        Object::Node(node) => {
            let ready = node
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            (condition == "Ready") == ready
        }
        _ => false,
    })
}

fn supported(kind: &str) -> Vec<&'static str> {
    let mut conditions = match kind {
        "Pod" => vec!["Running", "Ready", "Succeeded", "Failed"],
        "Job" => vec!["Complete", "Failed"],
        "Deployment" | "StatefulSet" => vec!["Available"],
        "Node" => vec!["Ready", "NotReady"],
        _ => vec![],
    };
    conditions.push("Deleted");
    conditions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_the_step_with_and_without_a_limit() {
        let w = parse(&words("pod/web is Ready")).unwrap();
        assert_eq!((w.kind.as_str(), w.name.as_str(), w.condition.as_str()), ("pod", "web", "Ready"));
        assert_eq!(w.limit, DEFAULT_LIMIT);
        assert_eq!(parse(&words("job/pi is Complete within 2m")).unwrap().limit, SimDuration::from_mins(2));
        assert!(parse(&words("pod/web Ready")).is_err());
        assert!(parse(&words("web is Ready")).is_err());
        assert!(parse(&words("pod/web is Ready within soon")).is_err());
    }

    #[test]
    fn a_missing_object_is_deleted_and_not_yet_anything_else() {
        assert_eq!(holds(None, "Pod", "Deleted"), Ok(true));
        assert_eq!(holds(None, "Pod", "Running"), Ok(false));
        assert!(holds(None, "Pod", "Complete").is_err());
    }

    #[test]
    fn a_node_is_ready_at_start_and_waiting_for_a_missing_pod_times_out() {
        let mut sim = Simulation::new(Default::default(), 1);
        let out = run(&mut sim, &parse(&words("node/podlab-worker is Ready")).unwrap());
        assert!(out.is_empty(), "{}", out.text());
        let out = run(&mut sim, &parse(&words("pod/ghost is Running within 30s")).unwrap());
        assert_eq!(out.text(), "error: timed out after 30s waiting for pod/ghost to be Running\n");
        assert_eq!(sim.time().as_secs(), 30);
    }
}
