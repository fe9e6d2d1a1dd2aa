//! Every manifest of the official Kubernetes documentation examples, applied to a fresh
//! simulation: valid ones are accepted and read back with the user's fields intact; the files
//! whose name says INVALID are rejected with the error a real cluster gives.

mod common;

use std::path::{Path, PathBuf};

use podlab::console;
use podlab::sim::api::manifest::parse_documents;
use podlab::sim::api::merge::contained;
use podlab::sim::{ClusterSpec, Simulation};
use serde_json::Value;

fn manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            manifests(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
            out.push(path);
        }
    }
}

/// The first line of the error each INVALID file must produce.
fn expected_error(name: &str, file: &str) -> Option<String> {
    if name.contains("TAB-INVALID") {
        Some(format!("error: error parsing {file}: error converting YAML to JSON: yaml: line "))
    } else if name.contains("batch-v1beta1-INVALID") {
        Some(format!(
            "error: resource mapping not found for name: \"hello\" namespace: \"\" from \"{file}\": no matches for kind \"CronJob\" in version \"batch/v1beta1\""
        ))
    } else if name.contains("TYPO-INVALID") {
        Some(format!(
            "Error from server (BadRequest): error when creating \"{file}\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].livenessProbe.gRPC\""
        ))
    } else if name.contains("INVALID-SCHEMA") {
        Some(format!(
            "Error from server (BadRequest): error when creating \"{file}\": Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field"
        ))
    } else {
        None
    }
}

/// Checks one file; `Err` says how it misbehaved.
fn check(path: &Path) -> Result<(), String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let files = vec![(name.clone(), text.clone())];
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let output = console::execute(&mut sim, &files, &format!("kubectl apply -f {name}"));
    if let Some(expected) = expected_error(&name, &name) {
        let first = output.lines().first().map(|l| l.to_string()).unwrap_or_default();
        return if output.has_errors() && first.starts_with(&expected) {
            Ok(())
        } else {
            Err(format!("expected an error starting with\n  {expected}\ngot\n  {}", output.text()))
        };
    }
    // Files that hard-code a namespace need it first, as the docs say.
    let documents = parse_documents(&name, &text)?;
    let mut namespaces: Vec<String> = documents
        .iter()
        .filter_map(|d| d.pointer("/metadata/namespace").and_then(Value::as_str))
        .filter(|ns| !["default", "kube-system", "kube-public", "kube-node-lease"].contains(ns))
        .map(str::to_string)
        .collect();
    namespaces.sort();
    namespaces.dedup();
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    for ns in &namespaces {
        let manifest = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n");
        console::execute(&mut sim, &[("ns.yaml".into(), manifest)], "kubectl apply -f ns.yaml");
    }
    let output = console::execute(&mut sim, &files, &format!("kubectl apply -f {name}"));
    if output
        .lines()
        .iter()
        .any(|l| l.starts_with("error") || l.starts_with("Error") || l.starts_with("The "))
    {
        return Err(format!("rejected:\n{}", output.text()));
    }
    for document in &documents {
        let kind = document.get("kind").and_then(Value::as_str).unwrap_or_default();
        let object_name = document.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
        let namespace = document.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default");
        let got = console::execute(
            &mut sim,
            &files,
            &format!("kubectl get {kind} {object_name} -n {namespace} -o yaml"),
        );
        if got.has_errors() {
            return Err(format!("get {kind}/{object_name}: {}", got.text()));
        }
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(&got.text()).map_err(|e| format!("get -o yaml does not parse: {e}"))?;
        let stored = podlab::sim::api::manifest::yaml_to_json(yaml);
        let mut wanted = document.clone();
        if document.get("apiVersion") != stored.get("apiVersion") {
            // autoscaling/v1 is shown converted to the stored version; compare metadata only.
            wanted = serde_json::json!({"metadata": document.get("metadata")});
        }
        if !contained(&wanted, &stored) {
            return Err(format!("{kind}/{object_name} does not round-trip:\n{}", got.text()));
        }
    }
    Ok(())
}

#[test]
fn corpus_manifests_behave_as_documented() {
    let dir = common::corpus_dir();
    let mut files = Vec::new();
    manifests(&dir, &mut files);
    assert!(!files.is_empty(), "no manifests under {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        if let Err(why) = check(path) {
            failures.push(format!("{}: {why}", path.strip_prefix(&dir).unwrap_or(path).display()));
        }
    }
    let summary =
        format!("corpus: {}/{} manifests behave as documented", files.len() - failures.len(), files.len());
    println!("{summary}");
    let reports = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reports");
    let _ = std::fs::create_dir_all(&reports);
    let _ = std::fs::write(reports.join("corpus.txt"), format!("{summary}\n"));
    assert!(failures.is_empty(), "{} misbehaving:\n{}", failures.len(), failures.join("\n\n"));
}
