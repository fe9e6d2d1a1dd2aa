//! `kubectl drain NODE`: cordons the node, then evicts its pods through the Eviction API
//! (respecting PodDisruptionBudgets) and waits, in virtual time, until they are gone — the
//! filters, messages and retry-every-5-s loop of kubectl's `pkg/drain`.

use super::Args;
use crate::console::Output;
use crate::sim::api::ApiError;
use crate::sim::controllers::disruption;
use crate::sim::{SimDuration, SimTime, Simulation};

/// How long kubectl waits before retrying an eviction a budget refused.
const RETRY_AFTER: SimDuration = SimDuration::from_secs(5);
/// How often kubectl looks whether evicted pods are gone.
const POLL: SimDuration = SimDuration::from_secs(1);
/// Without `--timeout` kubectl waits forever; the playground gives up after this long.
const PLAYGROUND_TIMEOUT: SimDuration = SimDuration::from_secs(300);

/// Why a pod on the node cannot go, or goes with a warning (`pkg/drain/filters.go`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    DaemonSet,
    LocalStorage,
    Unreplicated,
}

impl Category {
    fn refusal(self) -> &'static str {
        match self {
            Category::DaemonSet => "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
            Category::LocalStorage => "Pods with local storage (use --delete-emptydir-data to override)",
            Category::Unreplicated => "Pods that declare no controller (use --force to override)",
        }
    }

    fn warning(self) -> &'static str {
        match self {
            Category::DaemonSet => "ignoring DaemonSet-managed Pods",
            Category::LocalStorage => "deleting Pods with local storage",
            Category::Unreplicated => "deleting Pods that declare no controller",
        }
    }
}

/// What drain does with each pod of the node.
#[derive(Default)]
struct Plan {
    /// `(namespace, name)` to evict, in list order.
    evict: Vec<(String, String)>,
    /// Pods refused, by category.
    refused: Vec<(Category, Vec<String>)>,
    /// Pods allowed with a warning, by category.
    warned: Vec<(Category, Vec<String>)>,
}

fn add(groups: &mut Vec<(Category, Vec<String>)>, category: Category, pod: String) {
    match groups.iter_mut().find(|(c, _)| *c == category) {
        Some((_, pods)) => pods.push(pod),
        None => {
            groups.push((category, vec![pod]));
            groups.sort_by_key(|(c, _)| *c);
        }
    }
}

/// Options that change the filters.
struct Flags {
    ignore_daemonsets: bool,
    delete_emptydir_data: bool,
    force: bool,
}

/// `GetPodsForDeletion`: every pod bound to the node, through the filters in kubectl's order
/// (mirror pods are skipped silently; finished pods always go).
fn plan(
    sim: &Simulation,
    node: &str,
    flags: &Flags,
    pod_selector: &[crate::sim::api::selector::Requirement],
) -> Plan {
    let mut plan = Plan::default();
    for object in sim.store().list("Pod", None) {
        let Some(pod) = object.as_pod() else { continue };
        if pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some(node) {
            continue;
        }
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        if !crate::sim::api::selector::matches_requirements(pod_selector, &labels) {
            continue;
        }
        let namespace = object.namespace().to_string();
        let name = object.name().to_string();
        let full = format!("{namespace}/{name}");
        let finished = matches!(crate::sim::controllers::pod_phase(pod), "Succeeded" | "Failed");
        let controller = pod.metadata.owner_references.iter().flatten().find(|o| o.controller == Some(true));
        let mirror =
            pod.metadata.annotations.as_ref().is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"));
        let local_storage = pod
            .spec
            .as_ref()
            .and_then(|s| s.volumes.as_ref())
            .is_some_and(|v| v.iter().any(|v| v.empty_dir.is_some()));
        let verdict = if controller.is_some_and(|c| c.kind == "DaemonSet") {
            Some((Category::DaemonSet, flags.ignore_daemonsets, false))
        } else if mirror {
            continue;
        } else if local_storage && !finished {
            Some((Category::LocalStorage, flags.delete_emptydir_data, true))
        } else if controller.is_none() && !finished {
            Some((Category::Unreplicated, flags.force, true))
        } else {
            None
        };
        match verdict {
            None => plan.evict.push((namespace, name)),
            Some((category, false, _)) => add(&mut plan.refused, category, full),
            Some((category, true, goes)) => {
                add(&mut plan.warned, category, full);
                if goes {
                    plan.evict.push((namespace, name));
                }
            }
        }
    }
    plan
}

/// Runs `kubectl drain NODE… [--ignore-daemonsets] [--delete-emptydir-data] [--force]
/// [--grace-period=N] [--timeout=D] [--pod-selector=S] [--disable-eviction] [--dry-run=client]`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    if args.positional.is_empty() {
        return Output::error(
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples",
        );
    }
    let grace_period = match args.flag("grace-period").map(str::parse::<i64>) {
        None => None,
        Some(Ok(n)) if n < 0 => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return Output::error("error: invalid argument for \"--grace-period\" flag"),
    };
    let timeout = match args.flag("timeout").map(SimDuration::parse) {
        None => None,
        Some(Some(d)) if d == SimDuration::ZERO => None,
        Some(Some(d)) => Some(d),
        Some(None) => return Output::error("error: invalid argument for \"--timeout\" flag"),
    };
    let pod_selector = match crate::sim::api::selector::parse(args.flag("pod-selector").unwrap_or("")) {
        Ok(requirements) => requirements,
        Err(message) => return Output::error(format!("error: {message}")),
    };
    let flags = Flags {
        ignore_daemonsets: args.bool_flag("ignore-daemonsets"),
        delete_emptydir_data: args.bool_flag("delete-emptydir-data") || args.bool_flag("delete-local-data"),
        force: args.bool_flag("force"),
    };
    let dry_run = args.flag("dry-run").is_some_and(|v| v != "none" && v != "false");
    let mut out = Output::default();
    if args.bool_flag("delete-local-data") {
        out.err("Flag --delete-local-data has been deprecated, This option is deprecated and will be deleted. Use --delete-emptydir-data.");
    }
    let names: Vec<String> = args
        .positional
        .iter()
        .map(|t| t.strip_prefix("node/").or_else(|| t.strip_prefix("nodes/")).unwrap_or(t).to_string())
        .collect();
    for name in &names {
        if sim.store().get("Node", "", name).is_none() {
            out.err(format!("Error from server (NotFound): nodes {name:?} not found"));
            return out;
        }
    }
    let mut cordon = Args { positional: names.clone(), flags: Vec::new() };
    if dry_run {
        for name in &names {
            out.out(format!("node/{name} cordoned (dry run)"));
        }
        cordon.positional.clear();
    }
    if !cordon.positional.is_empty() {
        let cordoned = super::cordon::run(sim, &cordon, true);
        out.append(cordoned);
    }
    let mut pending_nodes = Vec::new();
    let mut fatal = Vec::new();
    for name in &names {
        let plan = plan(sim, name, &flags, &pod_selector);
        let result = if !plan.refused.is_empty() {
            Err(plan
                .refused
                .iter()
                .map(|(c, pods)| format!("cannot delete {}: {}", c.refusal(), pods.join(", ")))
                .collect())
        } else {
            if !plan.warned.is_empty() {
                let warnings: Vec<String> = plan
                    .warned
                    .iter()
                    .map(|(c, pods)| format!("{}: {}", c.warning(), pods.join(", ")))
                    .collect();
                out.err(format!("Warning: {}", warnings.join("; ")));
            }
            if dry_run {
                for (namespace, pod) in &plan.evict {
                    out.out(format!("evicting pod {namespace}/{pod} (dry run)"));
                }
                Ok(())
            } else {
                let span = timeout.unwrap_or(PLAYGROUND_TIMEOUT);
                let delete_instead = args.bool_flag("disable-eviction");
                evict_all(sim, &plan.evict, grace_period, delete_instead, span, timeout.is_none(), &mut out)
            }
        };
        match result {
            Ok(()) => {
                out.out(format!("node/{name} {}", if dry_run { "drained (dry run)" } else { "drained" }))
            }
            Err(errors) => {
                let shown =
                    if errors.len() == 1 { errors[0].clone() } else { format!("[{}]", errors.join(", ")) };
                out.err(format!(
                    "error: unable to drain node {name:?} due to error: {shown}, continuing command..."
                ));
                pending_nodes.push(name.clone());
                fatal.extend(errors);
            }
        }
    }
    if !pending_nodes.is_empty() {
        out.err("There are pending nodes to be drained:");
        for name in &pending_nodes {
            out.err(format!(" {name}"));
        }
        for error in &fatal {
            out.err(error);
        }
    }
    out
}

/// One pod being evicted.
struct Eviction {
    namespace: String,
    name: String,
    uid: Option<String>,
    /// When to try again after a refusal; `None` once the eviction went through.
    retry_at: Option<SimTime>,
    done: bool,
}

/// `DeleteOrEvictPods`: every pod at once, refusals retried every 5 s, then waits until each
/// evicted pod is gone, advancing virtual time a second at a time.
fn evict_all(
    sim: &mut Simulation,
    pods: &[(String, String)],
    grace_period: Option<i64>,
    delete_instead: bool,
    timeout_span: SimDuration,
    playground_limit: bool,
    out: &mut Output,
) -> Result<(), Vec<String>> {
    let mut evictions: Vec<Eviction> = pods
        .iter()
        .map(|(namespace, name)| Eviction {
            namespace: namespace.clone(),
            name: name.clone(),
            uid: sim.store().get("Pod", namespace, name).map(|o| o.uid().to_string()),
            retry_at: Some(sim.time()),
            done: false,
        })
        .collect();
    let deadline = sim.time() + timeout_span;
    let mut errors = Vec::new();
    loop {
        let now = sim.time();
        for eviction in evictions.iter_mut().filter(|e| !e.done && e.retry_at.is_some_and(|t| t <= now)) {
            let (namespace, name) = (eviction.namespace.clone(), eviction.name.clone());
            out.out(format!(
                "{} pod {namespace}/{name}",
                if delete_instead { "deleting" } else { "evicting" }
            ));
            let result = if delete_instead {
                let options = crate::sim::api::DeleteOptions {
                    grace_period_seconds: grace_period,
                    ..Default::default()
                };
                sim.delete("Pod", &namespace, &name, options).map(|_| ())
            } else {
                disruption::evict(sim, &namespace, &name, grace_period)
            };
            match result {
                Ok(()) => eviction.retry_at = None,
                Err(ApiError::NotFound { .. }) => {
                    eviction.retry_at = None;
                }
                Err(ApiError::TooManyRequests(message)) => {
                    out.err(format!(
                        "error when evicting pods/{name:?} -n {namespace:?} (will retry after 5s): {message}"
                    ));
                    eviction.retry_at = Some(now + RETRY_AFTER);
                }
                Err(error) => {
                    errors.push(format!(
                        "error when evicting pods/{name:?} -n {namespace:?}: {}",
                        error.message()
                    ));
                    eviction.done = true;
                }
            }
        }
        // An evicted pod is done once it is gone (or replaced by a pod of the same name).
        for eviction in evictions.iter_mut().filter(|e| !e.done && e.retry_at.is_none()) {
            let current = sim.store().get("Pod", &eviction.namespace, &eviction.name);
            if current.is_none_or(|o| Some(o.uid()) != eviction.uid.as_deref()) {
                eviction.done = true;
                let verb = if delete_instead { "deleted" } else { "evicted" };
                out.out(format!("pod/{} {verb}", eviction.name));
            }
        }
        if evictions.iter().all(|e| e.done) {
            break;
        }
        if sim.time() >= deadline {
            let limit = crate::sim::kubelet::go_duration(timeout_span);
            if playground_limit {
                out.err(format!(
                    "Podlab stopped waiting after {limit} of virtual time; kubectl keeps retrying until interrupted (set --timeout)."
                ));
            }
            for eviction in evictions.iter().filter(|e| !e.done) {
                errors.push(format!(
                    "error when evicting pods/{:?} -n {:?}: global timeout reached: {limit}",
                    eviction.name, eviction.namespace
                ));
            }
            break;
        }
        sim.step_until((sim.time() + POLL).min(deadline));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::{SimDuration, Simulation};

    const WORKLOAD: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: web
---
apiVersion: v1
kind: Pod
metadata:
  name: lonely
spec:
  nodeName: podlab-worker
  containers:
    - name: web
      image: nginx:1.27
";

    /// Everything on `podlab-worker`, the other workers open again afterwards.
    fn cluster() -> Simulation {
        let mut sim = Simulation::new(Default::default(), 3);
        let files = vec![("web.yaml".to_string(), WORKLOAD.to_string())];
        for line in
            ["kubectl cordon podlab-worker2", "kubectl cordon podlab-worker3", "kubectl apply -f web.yaml"]
        {
            crate::console::execute(&mut sim, &files, line);
        }
        sim.advance(SimDuration::from_secs(30));
        for line in ["kubectl uncordon podlab-worker2", "kubectl uncordon podlab-worker3"] {
            crate::console::execute(&mut sim, &files, line);
        }
        sim
    }

    fn run(sim: &mut Simulation, line: &str) -> String {
        crate::console::execute(sim, &[], line).text()
    }

    #[test]
    fn drain_refuses_bare_pods_without_force() {
        let mut sim = cluster();
        assert_eq!(
            run(&mut sim, "kubectl drain podlab-worker"),
            "node/podlab-worker cordoned\n\
             error: unable to drain node \"podlab-worker\" due to error: cannot delete Pods that declare no controller (use --force to override): default/lonely, continuing command...\n\
             There are pending nodes to be drained:\n \
             podlab-worker\n\
             cannot delete Pods that declare no controller (use --force to override): default/lonely\n"
        );
    }

    #[test]
    fn a_budget_at_its_minimum_makes_drain_retry_every_five_seconds() {
        let mut sim = cluster();
        assert!(run(&mut sim, "kubectl get pdb").contains("web-pdb   2               N/A               0"));
        let start = sim.time();
        let text = run(&mut sim, "kubectl drain podlab-worker --force --timeout=12s");
        assert!(
            text.contains("Warning: deleting Pods that declare no controller: default/lonely\n"),
            "{text}"
        );
        assert!(text.contains("pod/lonely evicted\n"), "{text}");
        let refusals = text
            .matches(
                "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.",
            )
            .count();
        // Two pods, tried at 0 s, 5 s and 10 s.
        assert_eq!(refusals, 6, "{text}");
        assert!(text.contains("global timeout reached: 12s"), "{text}");
        assert_eq!(sim.time().since(start), SimDuration::from_secs(12));
        assert!(run(&mut sim, "kubectl get pods").matches("Running").count() >= 2);
    }

    #[test]
    fn drain_evicts_one_pod_at_a_time_as_the_budget_allows() {
        let mut sim = cluster();
        let patched =
            run(&mut sim, r#"kubectl patch pdb web-pdb --type=merge -p '{"spec":{"minAvailable":1}}'"#);
        assert_eq!(patched, "poddisruptionbudget.policy/web-pdb patched\n");
        sim.advance(SimDuration::from_secs(1));
        let text = run(&mut sim, "kubectl drain podlab-worker --force");
        assert!(text.ends_with("node/podlab-worker drained\n"), "{text}");
        assert_eq!(text.matches(" evicted\n").count(), 3, "{text}");
        // The second web pod waits until the first replacement is Ready.
        assert!(text.contains("Cannot evict pod as it would violate the pod's disruption budget."), "{text}");
        let pods = run(&mut sim, "kubectl get pods -o wide");
        assert!(!pods.contains("podlab-worker "), "{pods}");
        assert!(
            run(&mut sim, "kubectl get nodes").contains("podlab-worker          Ready,SchedulingDisabled")
        );
        sim.advance(SimDuration::from_secs(30));
        let described = run(&mut sim, "kubectl describe pdb web-pdb");
        assert!(
            described.starts_with(
                "Name:           web-pdb\nNamespace:      default\nMin available:  1\nSelector:       app=web\nStatus:\n    Allowed disruptions:  1\n    Current:              2\n    Desired:              1\n    Total:                2\n"
            ),
            "{described}"
        );
    }

    #[test]
    fn dry_run_changes_nothing() {
        let mut sim = cluster();
        let text = run(&mut sim, "kubectl drain podlab-worker --force --dry-run=client");
        assert!(text.starts_with("node/podlab-worker cordoned (dry run)\n"), "{text}");
        assert!(text.contains("evicting pod default/lonely (dry run)\n"), "{text}");
        assert!(text.ends_with("node/podlab-worker drained (dry run)\n"), "{text}");
        assert!(!run(&mut sim, "kubectl get nodes").contains("SchedulingDisabled"));
    }
}
