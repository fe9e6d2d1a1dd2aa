//! `kubectl cordon NODE…` and `kubectl uncordon NODE…`: mark nodes (un)schedulable.

use super::Args;
use crate::console::Output;
use crate::sim::api::Object;
use crate::sim::Simulation;

/// Runs `kubectl cordon` (`unschedulable` = true) or `kubectl uncordon` (false).
pub fn run(sim: &mut Simulation, args: &Args, unschedulable: bool) -> Output {
    let verb = if unschedulable { "cordoned" } else { "uncordoned" };
    if args.positional.is_empty() {
        return Output::error(format!(
            "error: USAGE: {} NODE [flags]\nSee 'kubectl {} -h' for help and examples",
            if unschedulable { "cordon" } else { "uncordon" },
            if unschedulable { "cordon" } else { "uncordon" }
        ));
    }
    let mut out = Output::default();
    for target in &args.positional {
        let name = target.strip_prefix("node/").or_else(|| target.strip_prefix("nodes/")).unwrap_or(target);
        let Some(mut node) = sim.store().get("Node", "", name).and_then(|o| o.as_node().cloned()) else {
            out.err(format!("Error from server (NotFound): nodes {name:?} not found"));
            continue;
        };
        let spec = node.spec.get_or_insert_with(Default::default);
        if spec.unschedulable.unwrap_or(false) == unschedulable {
            out.out(format!("node/{name} already {verb}"));
            continue;
        }
        spec.unschedulable = unschedulable.then_some(true);
        match sim.update(Object::from(node)) {
            Ok(_) => out.out(format!("node/{name} {verb}")),
            Err(error) => out.err(error.render(None)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::Simulation;

    #[test]
    fn cordon_marks_the_node_and_get_nodes_shows_it() {
        let mut sim = Simulation::new(Default::default(), 1);
        let run = |sim: &mut Simulation, line: &str| crate::console::execute(sim, &[], line).text();
        assert_eq!(run(&mut sim, "kubectl cordon podlab-worker2"), "node/podlab-worker2 cordoned\n");
        assert_eq!(run(&mut sim, "kubectl cordon podlab-worker2"), "node/podlab-worker2 already cordoned\n");
        assert!(
            run(&mut sim, "kubectl get nodes").contains("podlab-worker2         Ready,SchedulingDisabled")
        );
        assert_eq!(run(&mut sim, "kubectl uncordon podlab-worker2"), "node/podlab-worker2 uncordoned\n");
        assert_eq!(
            run(&mut sim, "kubectl uncordon ghost"),
            "Error from server (NotFound): nodes \"ghost\" not found\n"
        );
    }
}
