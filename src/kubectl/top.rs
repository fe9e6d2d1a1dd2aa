//! `kubectl top pod|node`: the usage metrics-server reports, in kubectl's metrics printer
//! layout (`CPU(cores)` in millicores, `MEMORY(bytes)` in Mi, node percentages of allocatable).

use std::collections::BTreeMap;

use super::printers::tabwriter;
use super::{namespace_of, Args};
use crate::console::Output;
use crate::sim::api::quantity::parse_millis;
use crate::sim::api::selector;
use crate::sim::kubelet::{self, PodUsage};
use crate::sim::Simulation;

const MIB: i64 = 1024 * 1024;

/// Runs `kubectl top pod|pods|po|node|nodes|no …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let Some((resource, rest)) = args.positional.split_first() else {
        return Output::error(
            "Display resource (CPU/memory) usage.\n\n Available Commands:\n  node          Display resource (CPU/memory) usage of nodes\n  pod           Display resource (CPU/memory) usage of pods\n\nUsage:\n  kubectl top [flags] [options]",
        );
    };
    let sort_by = args.flag("sort-by").unwrap_or("");
    if !matches!(sort_by, "" | "cpu" | "memory") {
        return Output::error(format!("error: --sort-by accepts only cpu or memory, got {sort_by:?}"));
    }
    let requirements = match selector::parse(args.flag("selector").unwrap_or("")) {
        Ok(requirements) => requirements,
        Err(message) => return Output::error(format!("error: {message}")),
    };
    match resource.as_str() {
        "pod" | "pods" | "po" => pods(sim, args, rest.first().map(String::as_str), &requirements, sort_by),
        "node" | "nodes" | "no" => nodes(sim, args, rest.first().map(String::as_str), &requirements, sort_by),
        other => Output::error(format!(
            "error: unknown command \"{other}\" for \"kubectl top\"\n\nDid you mean this?\n\tnode\n\tpod"
        )),
    }
}

fn cpu_cell(millis: i64) -> String {
    format!("{millis}m")
}

fn memory_cell(bytes: i64) -> String {
    format!("{}Mi", bytes / MIB)
}

fn sort(rows: &mut [(i64, i64, Vec<String>)], sort_by: &str) {
    match sort_by {
        "cpu" => rows.sort_by_key(|r| std::cmp::Reverse(r.0)),
        "memory" => rows.sort_by_key(|r| std::cmp::Reverse(r.1)),
        _ => {}
    }
}

fn table(headers: &[&str], rows: Vec<Vec<String>>, no_headers: bool) -> String {
    let mut text = String::new();
    if !no_headers {
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    for row in rows {
        text.push_str(&row.join("\t"));
        text.push('\n');
    }
    tabwriter::GET_TABLE.format(&text)
}

fn pods(
    sim: &mut Simulation,
    args: &Args,
    name: Option<&str>,
    requirements: &[selector::Requirement],
    sort_by: &str,
) -> Output {
    let all = args.bool_flag("all-namespaces");
    let namespace = namespace_of(args);
    let in_scope = |ns: &str| all || ns == namespace;
    let labels_of = |sim: &Simulation, ns: &str, pod: &str| {
        sim.store().get("Pod", ns, pod).and_then(|o| o.as_pod()?.metadata.labels.clone()).unwrap_or_default()
    };
    let listed: Vec<(String, String)> = sim
        .store()
        .list("Pod", (!all).then_some(namespace.as_str()))
        .filter(|o| name.is_none_or(|n| o.name() == n))
        .filter(|o| {
            let labels = o.as_pod().and_then(|p| p.metadata.labels.clone()).unwrap_or_default();
            selector::matches_requirements(requirements, &labels)
        })
        .map(|o| (o.namespace().to_string(), o.name().to_string()))
        .collect();
    let usage: Vec<PodUsage> = kubelet::pod_usage(sim)
        .into_iter()
        .filter(|p| in_scope(&p.namespace) && name.is_none_or(|n| p.name == n))
        .filter(|p| selector::matches_requirements(requirements, &labels_of(sim, &p.namespace, &p.name)))
        .collect();
    if let (Some(name), true) = (name, usage.is_empty()) {
        return Output::error(if listed.is_empty() {
            format!("Error from server (NotFound): pods {name:?} not found")
        } else {
            format!(
                "error: Metrics not available for pod {namespace}/{name}, age: {}",
                age(sim, &namespace, name)
            )
        });
    }
    if usage.is_empty() {
        return Output::error(if listed.is_empty() {
            if all {
                "No resources found".to_string()
            } else {
                format!("No resources found in {namespace} namespace.")
            }
        } else {
            "error: metrics not available yet".to_string()
        });
    }
    let containers = args.bool_flag("containers");
    let mut rows: Vec<(i64, i64, Vec<String>)> = Vec::new();
    for pod in &usage {
        let prefix: Vec<String> = if all { vec![pod.namespace.clone()] } else { Vec::new() };
        if containers {
            for c in &pod.containers {
                let mut cells = prefix.clone();
                cells.extend([
                    pod.name.clone(),
                    c.name.clone(),
                    cpu_cell(c.cpu_millis),
                    memory_cell(c.memory_bytes),
                ]);
                rows.push((c.cpu_millis, c.memory_bytes, cells));
            }
        } else {
            let mut cells = prefix;
            cells.extend([pod.name.clone(), cpu_cell(pod.cpu_millis()), memory_cell(pod.memory_bytes())]);
            rows.push((pod.cpu_millis(), pod.memory_bytes(), cells));
        }
    }
    sort(&mut rows, sort_by);
    let (total_cpu, total_memory) = rows.iter().fold((0, 0), |(c, m), r| (c + r.0, m + r.1));
    let mut headers: Vec<&str> = if all { vec!["NAMESPACE"] } else { Vec::new() };
    headers.extend(if containers { vec!["POD", "NAME"] } else { vec!["NAME"] });
    headers.extend(["CPU(cores)", "MEMORY(bytes)"]);
    let width = headers.len();
    let mut cells: Vec<Vec<String>> = rows.into_iter().map(|r| r.2).collect();
    if args.bool_flag("sum") {
        let mut underline = vec![String::new(); width - 2];
        underline.extend(["________".to_string(), "________".to_string()]);
        let mut totals = vec![String::new(); width - 2];
        totals.extend([cpu_cell(total_cpu), memory_cell(total_memory)]);
        cells.push(underline);
        cells.push(totals);
    }
    let mut out = Output::default();
    out.out(table(&headers, cells, args.bool_flag("no-headers")));
    out
}

/// kubectl's age of a pod without metrics yet (`5s`).
fn age(sim: &Simulation, namespace: &str, name: &str) -> String {
    let created = sim
        .store()
        .get("Pod", namespace, name)
        .and_then(|o| o.as_pod()?.metadata.creation_timestamp.clone())
        .map_or(sim.now_unix(), |t| t.0.as_second());
    crate::sim::time::human_duration(crate::sim::SimDuration::from_secs(
        (sim.now_unix() - created).max(0) as u64
    ))
}

fn nodes(
    sim: &mut Simulation,
    args: &Args,
    name: Option<&str>,
    requirements: &[selector::Requirement],
    sort_by: &str,
) -> Output {
    let usage = kubelet::pod_usage(sim);
    let mut by_node: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for pod in &usage {
        let entry = by_node.entry(pod.node.as_str()).or_default();
        entry.0 += pod.cpu_millis();
        entry.1 += pod.memory_bytes();
    }
    let show_capacity = args.bool_flag("show-capacity");
    let mut rows: Vec<(i64, i64, Vec<String>)> = Vec::new();
    let mut unknown: Vec<Vec<String>> = Vec::new();
    let mut found = false;
    for object in sim.store().list("Node", None) {
        let Some(node) = object.as_node() else { continue };
        let node_name = object.name();
        if name.is_some_and(|n| n != node_name) {
            continue;
        }
        if !selector::matches_requirements(requirements, &node.metadata.labels.clone().unwrap_or_default()) {
            continue;
        }
        found = true;
        let ready = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .is_some_and(|c| c.status == "True");
        if !ready {
            unknown.push(vec![
                node_name.to_string(),
                "<unknown>".into(),
                "<unknown>".into(),
                "<unknown>".into(),
                "<unknown>".into(),
            ]);
            continue;
        }
        let status = node.status.as_ref();
        let amounts = if show_capacity {
            status.and_then(|s| s.capacity.as_ref())
        } else {
            status.and_then(|s| s.allocatable.as_ref())
        };
        let amount =
            |key: &str| amounts.and_then(|a| a.get(key)).and_then(|q| parse_millis(&q.0)).unwrap_or(0) as i64;
        let (cpu, memory) = by_node.get(node_name).copied().unwrap_or((0, 0));
        let percent = |used_millis: i64, available_millis: i64| {
            if available_millis > 0 {
                format!("{}%", used_millis * 100 / available_millis)
            } else {
                "0%".to_string()
            }
        };
        let cells = vec![
            node_name.to_string(),
            cpu_cell(cpu),
            percent(cpu, amount("cpu")),
            memory_cell(memory),
            percent(memory * 1000, amount("memory")),
        ];
        rows.push((cpu, memory, cells));
    }
    if !found {
        return Output::error(match name {
            Some(name) => format!("Error from server (NotFound): nodes {name:?} not found"),
            None => "No resources found".to_string(),
        });
    }
    sort(&mut rows, sort_by);
    let mut cells: Vec<Vec<String>> = rows.into_iter().map(|r| r.2).collect();
    cells.extend(unknown);
    let mut out = Output::default();
    out.out(table(
        &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
        cells,
        args.bool_flag("no-headers"),
    ));
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::{SimDuration, Simulation};

    fn run(sim: &mut Simulation, line: &str) -> String {
        crate::console::execute(sim, &[], line).text()
    }

    #[test]
    fn top_shows_each_running_pod_and_node_usage() {
        let mut sim = Simulation::new(Default::default(), 5);
        assert_eq!(run(&mut sim, "kubectl top pods"), "No resources found in default namespace.\n");
        run(&mut sim, "kubectl create deployment web --image=nginx:1.27 --replicas=2");
        run(&mut sim, "load set deployment/web cpu=300m memory=64Mi");
        sim.advance(SimDuration::from_secs(30));
        let pods = run(&mut sim, "kubectl top pods");
        let lines: Vec<&str> = pods.lines().collect();
        assert_eq!(lines[0], "NAME                   CPU(cores)   MEMORY(bytes)");
        // 300m and 64Mi shared by two pods, on top of nginx at rest (~3 MB).
        assert!(lines[1].ends_with("150m         35Mi"), "{pods}");
        assert_eq!(lines.len(), 3, "{pods}");
        let nodes = run(&mut sim, "kubectl top nodes");
        assert!(
            nodes.starts_with("NAME                   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\n"),
            "{nodes}"
        );
        assert!(nodes.contains("podlab-control-plane   0m           0%       0Mi             0%"), "{nodes}");
        let sorted = run(&mut sim, "kubectl top pod --containers --sort-by=memory --no-headers");
        assert!(sorted.lines().all(|l| l.contains(" nginx ") && l.ends_with("150m   35Mi")), "{sorted}");
        assert_eq!(
            run(&mut sim, "kubectl top pod ghost"),
            "Error from server (NotFound): pods \"ghost\" not found\n"
        );
    }
}
