//! Commands that describe the cluster and the client rather than objects: `version`,
//! `cluster-info`, `config view|current-context|get-contexts` (a fixed context, like the one
//! kind writes) and `api-resources`.

use super::output::tabulate;
use super::{Args, KUBERNETES_VERSION};
use crate::console::Output;
use crate::sim::Simulation;

/// The only kubeconfig context, named as kind names it for a cluster called `podlab`.
pub const CONTEXT: &str = "kind-podlab";

/// The API server address the kubeconfig points at (kind publishes it on a local port).
pub const SERVER: &str = "https://127.0.0.1:6443";

fn lines(text: impl AsRef<str>) -> Output {
    let mut out = Output::default();
    out.out(text);
    out
}

/// `kubectl version`.
pub fn version(args: &Args) -> Output {
    if args.bool_flag("client") {
        return lines(format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.7.1"));
    }
    lines(format!(
        "Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.7.1\nServer Version: {KUBERNETES_VERSION}"
    ))
}

/// `kubectl cluster-info`.
pub fn cluster_info(sim: &Simulation) -> Output {
    let mut text = format!("Kubernetes control plane is running at {SERVER}\n");
    if sim.store().get("Service", "kube-system", "kube-dns").is_some() {
        text.push_str(&format!(
            "CoreDNS is running at {SERVER}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n"
        ));
    }
    text.push_str("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    lines(text)
}

/// `kubectl config SUBCOMMAND`.
pub fn config(args: &Args) -> Output {
    match args.positional.first().map(String::as_str) {
        Some("current-context") => lines(CONTEXT),
        Some("get-contexts") => lines(tabulate(&[
            vec!["CURRENT".into(), "NAME".into(), "CLUSTER".into(), "AUTHINFO".into(), "NAMESPACE".into()],
            vec!["*".into(), CONTEXT.into(), CONTEXT.into(), CONTEXT.into(), String::new()],
        ])),
        Some("get-clusters") => lines(format!("NAME\n{CONTEXT}")),
        Some("use-context") => match args.positional.get(1).map(String::as_str) {
            Some(CONTEXT) => lines(format!("Switched to context \"{CONTEXT}\".")),
            Some(other) => Output::error(format!("error: no context exists with the name: \"{other}\"")),
            None => Output::error("error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples"),
        },
        Some("view") => lines(format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: {SERVER}\n  name: {CONTEXT}\ncontexts:\n- context:\n    cluster: {CONTEXT}\n    user: {CONTEXT}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: {CONTEXT}\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED"
        )),
        Some(other) => Output::error(format!(
            "error: unknown command \"{other}\" for \"kubectl config\"\nRun 'kubectl config --help' for usage."
        )),
        None => super::help::help(&["config".to_string()]),
    }
}

/// `kubectl api-resources [--namespaced=BOOL] [--api-group=G] [-o name|wide] [--no-headers]`:
/// the resource table sorted as kubectl sorts it, core group first, then by group and name.
pub fn api_resources(sim: &Simulation, args: &Args) -> Output {
    let mut resources: Vec<_> = sim.store().resources().all().to_vec();
    resources.sort_by(|a, b| (&a.group, &a.plural).cmp(&(&b.group, &b.plural)));
    if let Some(namespaced) = args.flag("namespaced") {
        let wanted = namespaced != "false";
        resources.retain(|r| r.namespaced == wanted);
    }
    if let Some(group) = args.flag("api-group") {
        resources.retain(|r| r.group == group);
    }
    if args.flag("output") == Some("name") {
        let names: Vec<String> = resources
            .iter()
            .map(|r| if r.group.is_empty() { r.plural.clone() } else { format!("{}.{}", r.plural, r.group) })
            .collect();
        return lines(names.join("\n"));
    }
    let mut rows = Vec::new();
    if !args.bool_flag("no-headers") {
        rows.push(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"].map(String::from).to_vec());
    }
    for r in &resources {
        rows.push(vec![
            r.plural.clone(),
            r.short_names.join(","),
            r.api_version(),
            r.namespaced.to_string(),
            r.kind.clone(),
        ]);
    }
    lines(tabulate(&rows))
}

#[cfg(test)]
mod tests {
    use crate::sim::Simulation;

    #[test]
    fn api_resources_lists_core_kinds_first_with_short_names() {
        let mut sim = Simulation::new(Default::default(), 1);
        let text = crate::console::execute(&mut sim, &[], "kubectl api-resources").text();
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        assert!(header.starts_with("NAME "), "{header}");
        assert!(header.contains("SHORTNAMES") && header.ends_with("KIND"), "{header}");
        let first = lines.next().unwrap_or_default();
        assert!(first.starts_with("configmaps "), "{first}");
        assert!(text.contains("deployments "), "{text}");
        let deploy = text.lines().find(|l| l.starts_with("deployments ")).unwrap_or_default();
        assert_eq!(
            deploy.split_whitespace().collect::<Vec<_>>(),
            ["deployments", "deploy", "apps/v1", "true", "Deployment"]
        );
    }

    #[test]
    fn config_reports_the_kind_context() {
        let mut sim = Simulation::new(Default::default(), 1);
        let text = crate::console::execute(&mut sim, &[], "kubectl config current-context").text();
        assert_eq!(text, "kind-podlab\n");
    }
}
