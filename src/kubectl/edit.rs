//! `kubectl edit TYPE NAME | TYPE/NAME`: opens the object in the editor, as kubectl opens it in
//! `$EDITOR`, with kubectl's header comment. The page cannot block until the editor closes, so
//! the edit is saved by applying the file (the editor's Apply button); the buffer leaves out
//! what the server owns (status, resourceVersion, uid…) so that applying it changes only what
//! the learner changed.

use super::output::{object_json, to_json, to_yaml};
use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::Simulation;

/// The comment kubectl puts at the top of the file it opens.
const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// Runs `kubectl edit …`.
pub fn run(sim: &mut Simulation, args: &Args) -> Output {
    let (kind, name) = match args.positional.as_slice() {
        [target] => match target.split_once('/') {
            Some((kind, name)) => (kind.to_string(), name.to_string()),
            None => {
                return Output::error(format!(
                    "error: you must specify the name of the resource to edit: kubectl edit {target} NAME"
                ))
            }
        },
        [kind, name] => (kind.clone(), name.clone()),
        _ => return Output::error("error: edit requires one resource: kubectl edit TYPE NAME or TYPE/NAME"),
    };
    let resource = match resolve_type(sim, &kind) {
        Ok(resource) => resource,
        Err(message) => return Output::error(message),
    };
    let namespace = if resource.namespaced { namespace_of(args) } else { String::new() };
    let Some(object) = sim.store().get(&resource.kind, &namespace, &name).cloned() else {
        return Output::error(format!(
            "Error from server (NotFound): {} {name:?} not found",
            resource.qualified_plural()
        ));
    };
    let mut json = object_json(&object);
    if let Some(map) = json.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = json.get_mut("metadata").and_then(serde_json::Value::as_object_mut) {
        for owned in ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"] {
            meta.remove(owned);
        }
        if let Some(annotations) = meta.get_mut("annotations").and_then(serde_json::Value::as_object_mut) {
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
            if annotations.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    let json_format = args.flag("output") == Some("json");
    let file =
        format!("kubectl-edit-{}-{name}.{}", resource.singular, if json_format { "json" } else { "yaml" });
    let text = if json_format { to_json(&json) } else { format!("{HEADER}{}", to_yaml(&json)) };
    let mut out = Output::default();
    out.open_file(&file, text);
    out.out(format!(
        "Editing {}/{name} in {file:?}: change it, then press Apply (kubectl apply -f {file}) to save.",
        resource.qualified_singular()
    ));
    out
}

#[cfg(test)]
mod tests {
    use crate::sim::Simulation;

    #[test]
    fn edit_opens_the_object_and_applying_the_file_saves_the_change() {
        let mut sim = Simulation::new(Default::default(), 6);
        crate::console::execute(&mut sim, &[], "kubectl create deployment web --image=nginx:1.27");
        let opened = crate::console::execute(&mut sim, &[], "kubectl edit deploy/web");
        let [(name, text)] = opened.opened_files() else { panic!("one file opened") };
        assert_eq!(name, "kubectl-edit-deployment-web.yaml");
        assert!(text.starts_with("# Please edit the object below."), "{text}");
        assert!(
            text.contains("  replicas: 1\n")
                && !text.contains("status:")
                && !text.contains("resourceVersion")
        );
        let edited = vec![(name.clone(), text.replace("  replicas: 1\n", "  replicas: 3\n"))];
        let saved = crate::console::execute(&mut sim, &edited, &format!("kubectl apply -f {name}"));
        assert!(saved.text().ends_with("deployment.apps/web configured\n"), "{}", saved.text());
        let replicas =
            crate::console::execute(&mut sim, &[], "kubectl get deploy web -o jsonpath={.spec.replicas}");
        assert_eq!(replicas.text(), "3\n");
        assert_eq!(
            crate::console::execute(&mut sim, &[], "kubectl edit pod ghost").text(),
            "Error from server (NotFound): pods \"ghost\" not found\n"
        );
    }
}
