//! kubectl apply / create / get / delete against a fresh simulation, checked line by line.

use podlab::console;
use podlab::sim::{ClusterSpec, Simulation};

fn sim() -> Simulation {
    Simulation::new(ClusterSpec::default(), 1)
}

fn run(sim: &mut Simulation, files: &[(&str, &str)], line: &str) -> String {
    let files: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    console::execute(sim, &files, line).text()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-pod\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";
const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";

#[test]
fn apply_creates_then_reports_unchanged_then_configured() {
    let mut sim = sim();
    assert_eq!(run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml"), "pod/web-pod created\n");
    assert_eq!(run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml"), "pod/web-pod unchanged\n");
    assert_eq!(run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml"), "deployment.apps/web created\n");
    assert_eq!(run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml"), "deployment.apps/web unchanged\n");
    let scaled = DEPLOY.replace("replicas: 2", "replicas: 3");
    assert_eq!(run(&mut sim, &[("d.yaml", &scaled)], "kubectl apply -f d.yaml"), "deployment.apps/web configured\n");
    let deploy = sim.store().get("Deployment", "default", "web").unwrap().clone();
    let d = deploy.as_deployment().unwrap();
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(3));
    assert_eq!(d.metadata.generation, Some(2));
}

#[test]
fn create_twice_is_already_exists() {
    let mut sim = sim();
    assert_eq!(run(&mut sim, &[("pod.yaml", POD)], "kubectl create -f pod.yaml"), "pod/web-pod created\n");
    assert_eq!(
        run(&mut sim, &[("pod.yaml", POD)], "kubectl create -f pod.yaml"),
        "Error from server (AlreadyExists): error when creating \"pod.yaml\": pods \"web-pod\" already exists\n"
    );
}

#[test]
fn get_prints_yaml_with_defaults_and_errors_like_kubectl() {
    let mut sim = sim();
    run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml");
    let yaml = run(&mut sim, &[], "kubectl get pod web-pod -o yaml");
    assert!(yaml.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n"), "{yaml}");
    for line in [
        "    imagePullPolicy: IfNotPresent",
        "  restartPolicy: Always",
        "  schedulerName: default-scheduler",
        "  serviceAccountName: default",
        "  terminationGracePeriodSeconds: 30",
        "    tolerationSeconds: 300",
    ] {
        assert!(yaml.lines().any(|l| l == line), "missing {line:?} in\n{yaml}");
    }
    assert_eq!(run(&mut sim, &[], "kubectl get pods nope"), "Error from server (NotFound): pods \"nope\" not found\n");
    assert_eq!(
        run(&mut sim, &[], "kubectl get deploymentz"),
        "error: the server doesn't have a resource type \"deploymentz\"\n"
    );
    assert_eq!(run(&mut sim, &[], "kubectl get po -o name"), "pod/web-pod\n");
    assert_eq!(run(&mut sim, &[], "kubectl get deploy"), "No resources found in default namespace.\n");
    let table = run(&mut sim, &[], "kubectl get ns");
    assert!(table.starts_with("NAME              AGE\ndefault           0s\n"), "{table}");
}

#[test]
fn delete_removes_an_unbound_pod_at_once() {
    let mut sim = sim();
    run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml");
    assert_eq!(run(&mut sim, &[], "kubectl delete pod web-pod"), "pod \"web-pod\" deleted from default namespace\n");
    assert!(sim.store().get("Pod", "default", "web-pod").is_none());
    assert_eq!(
        run(&mut sim, &[], "kubectl delete pod web-pod"),
        "Error from server (NotFound): pods \"web-pod\" not found\n"
    );
    run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml");
    assert_eq!(run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl delete -f d.yaml"), "deployment.apps \"web\" deleted from default namespace\n");
}

#[test]
fn missing_namespace_and_invalid_objects_are_rejected() {
    let mut sim = sim();
    let in_dev = POD.replace("  name: web-pod\n", "  name: web-pod\n  namespace: dev\n");
    assert_eq!(
        run(&mut sim, &[("pod.yaml", &in_dev)], "kubectl apply -f pod.yaml"),
        "Error from server (NotFound): error when creating \"pod.yaml\": namespaces \"dev\" not found\n"
    );
    let bad = POD.replace("- name: web\n", "- name: Web\n");
    assert_eq!(
        run(&mut sim, &[("pod.yaml", &bad)], "kubectl apply -f pod.yaml"),
        "The Pod \"web-pod\" is invalid: spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n"
    );
    let mismatch = DEPLOY.replace("labels: {app: web}", "labels: {app: web2}");
    assert_eq!(
        run(&mut sim, &[("d.yaml", &mismatch)], "kubectl apply -f d.yaml"),
        "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"web2\"}: `selector` does not match template `labels`\n"
    );
    let never = DEPLOY.replace("      containers:", "      restartPolicy: Never\n      containers:");
    assert_eq!(
        run(&mut sim, &[("d.yaml", &never)], "kubectl apply -f d.yaml"),
        "The Deployment \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"\n"
    );
}

#[test]
fn selector_changes_are_immutable() {
    let mut sim = sim();
    run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml");
    let changed = DEPLOY.replace("app: web}", "app: web2}");
    assert_eq!(
        run(&mut sim, &[("d.yaml", &changed)], "kubectl apply -f d.yaml"),
        "The Deployment \"web\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web2\"}}: field is immutable\n"
    );
}

#[test]
fn namespaces_cascade_and_garbage_collection_follows_owners() {
    let mut sim = sim();
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n";
    assert_eq!(run(&mut sim, &[("ns.yaml", ns)], "kubectl apply -f ns.yaml"), "namespace/dev created\n");
    assert_eq!(run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml -n dev"), "pod/web-pod created\n");
    assert_eq!(run(&mut sim, &[], "kubectl delete ns dev"), "namespace \"dev\" deleted\n");
    assert!(sim.store().get("Pod", "dev", "web-pod").is_none());
    assert!(sim.store().get("Namespace", "", "dev").is_none());
}
