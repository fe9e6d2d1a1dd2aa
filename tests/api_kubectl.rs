//! kubectl apply / create / get / delete against a fresh simulation, checked line by line.

use podlab::console;
use podlab::sim::{ClusterSpec, Simulation};

fn sim() -> Simulation {
    Simulation::new(ClusterSpec::default(), 1)
}

fn run(sim: &mut Simulation, files: &[(&str, &str)], line: &str) -> String {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    console::execute(sim, &files, line).text()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-pod\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";
const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";

#[test]
fn apply_creates_then_reports_unchanged_then_configured() {
    let mut sim = sim();
    assert_eq!(
        run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml"),
        "pod/web-pod created\n"
    );
    assert_eq!(
        run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml"),
        "pod/web-pod unchanged\n"
    );
    assert_eq!(
        run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml"),
        "deployment.apps/web created\n"
    );
    assert_eq!(
        run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml"),
        "deployment.apps/web unchanged\n"
    );
    let scaled = DEPLOY.replace("replicas: 2", "replicas: 3");
    assert_eq!(
        run(&mut sim, &[("d.yaml", &scaled)], "kubectl apply -f d.yaml"),
        "deployment.apps/web configured\n"
    );
    let deploy = sim.store().get("Deployment", "default", "web").unwrap().clone();
    let d = deploy.as_deployment().unwrap();
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(3));
    assert_eq!(d.metadata.generation, Some(2));
}

#[test]
fn create_twice_is_already_exists() {
    let mut sim = sim();
    assert_eq!(
        run(&mut sim, &[("pod.yaml", POD)], "kubectl create -f pod.yaml"),
        "pod/web-pod created\n"
    );
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
    assert_eq!(
        run(&mut sim, &[], "kubectl get pods nope"),
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl get deploymentz"),
        "error: the server doesn't have a resource type \"deploymentz\"\n"
    );
    assert_eq!(run(&mut sim, &[], "kubectl get po -o name"), "pod/web-pod\n");
    assert_eq!(
        run(&mut sim, &[], "kubectl get deploy"),
        "No resources found in default namespace.\n"
    );
    let table = run(&mut sim, &[], "kubectl get ns");
    assert!(
        table.starts_with("NAME              AGE\ndefault           0s\n"),
        "{table}"
    );
}

#[test]
fn delete_removes_an_unbound_pod_at_once() {
    let mut sim = sim();
    run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml");
    assert_eq!(
        run(&mut sim, &[], "kubectl delete pod web-pod"),
        "pod \"web-pod\" deleted from default namespace\n"
    );
    assert!(sim.store().get("Pod", "default", "web-pod").is_none());
    assert_eq!(
        run(&mut sim, &[], "kubectl delete pod web-pod"),
        "Error from server (NotFound): pods \"web-pod\" not found\n"
    );
    run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl apply -f d.yaml");
    assert_eq!(
        run(&mut sim, &[("d.yaml", DEPLOY)], "kubectl delete -f d.yaml"),
        "deployment.apps \"web\" deleted from default namespace\n"
    );
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
    let never = DEPLOY.replace(
        "      containers:",
        "      restartPolicy: Never\n      containers:",
    );
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
    assert_eq!(
        run(&mut sim, &[("ns.yaml", ns)], "kubectl apply -f ns.yaml"),
        "namespace/dev created\n"
    );
    assert_eq!(
        run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml -n dev"),
        "pod/web-pod created\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl delete ns dev"),
        "namespace \"dev\" deleted\n"
    );
    assert!(sim.store().get("Pod", "dev", "web-pod").is_none());
    assert!(sim.store().get("Namespace", "", "dev").is_none());
}

#[test]
fn resource_quota_admission_rejects_what_exceeds_it() {
    let mut sim = sim();
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: quota-mem-cpu-example\n";
    run(&mut sim, &[("ns.yaml", ns)], "kubectl apply -f ns.yaml");
    let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: mem-cpu-demo\nspec:\n  hard:\n    requests.cpu: \"1\"\n    requests.memory: 1Gi\n    limits.cpu: \"2\"\n    limits.memory: 2Gi\n";
    let pod = |name: &str, req_mem: &str, lim_mem: &str, cpu: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits:\n        memory: \"{lim_mem}\"\n        cpu: \"{cpu}\"\n      requests:\n        memory: \"{req_mem}\"\n        cpu: \"{cpu}\"\n")
    };
    let first = pod("quota-mem-cpu-demo", "600Mi", "800Mi", "400m");
    let second = pod("quota-mem-cpu-demo-2", "700Mi", "1Gi", "400m");
    let files = [
        ("q.yaml", quota),
        ("p1.yaml", first.as_str()),
        ("p2.yaml", second.as_str()),
    ];
    run(
        &mut sim,
        &files,
        "kubectl apply -f q.yaml --namespace=quota-mem-cpu-example",
    );
    assert_eq!(
        run(
            &mut sim,
            &files,
            "kubectl apply -f p1.yaml --namespace=quota-mem-cpu-example"
        ),
        "pod/quota-mem-cpu-demo created\n"
    );
    assert_eq!(
        run(&mut sim, &files, "kubectl apply -f p2.yaml --namespace=quota-mem-cpu-example"),
        "Error from server (Forbidden): error when creating \"p2.yaml\": pods \"quota-mem-cpu-demo-2\" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi\n"
    );
    let quota = sim
        .store()
        .get("ResourceQuota", "quota-mem-cpu-example", "mem-cpu-demo")
        .unwrap()
        .to_json();
    assert_eq!(quota["status"]["used"]["requests.memory"], "600Mi");
    assert_eq!(quota["status"]["used"]["limits.cpu"], "400m");
}

#[test]
fn custom_columns_and_jsonpath_read_fields() {
    let mut sim = sim();
    run(&mut sim, &[("pod.yaml", POD)], "kubectl apply -f pod.yaml");
    assert_eq!(
        run(&mut sim, &[], "kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,POLICY:.spec.containers[0].imagePullPolicy,PHASE:.status.phase"),
        "NAME      IMAGE        POLICY         PHASE\nweb-pod   nginx:1.27   IfNotPresent   Pending\n"
    );
    assert_eq!(
        run(
            &mut sim,
            &[],
            "kubectl get pods -o jsonpath={.items[*].metadata.name}"
        ),
        "web-pod\n"
    );
    assert_eq!(
        run(
            &mut sim,
            &[],
            "kubectl get pod web-pod -o jsonpath={.spec.restartPolicy}"
        ),
        "Always\n"
    );
    assert_eq!(run(&mut sim, &[], "kubectl get pods -l app=other -o name"), "");
}

#[test]
fn create_namespace_and_get_all() {
    let mut sim = sim();
    assert_eq!(
        run(&mut sim, &[], "kubectl create namespace dev"),
        "namespace/dev created\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl create namespace dev"),
        "Error from server (AlreadyExists): namespaces \"dev\" already exists\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl get all -n dev"),
        "No resources found in dev namespace.\n"
    );
    let all = run(&mut sim, &[], "kubectl get all");
    assert!(
        all.starts_with("NAME                 AGE\nservice/kubernetes   0s\n"),
        "{all}"
    );
}

#[test]
fn label_annotate_and_scale_patch_objects() {
    let mut sim = sim();
    run(
        &mut sim,
        &[("pod.yaml", POD), ("d.yaml", DEPLOY)],
        "kubectl apply -f pod.yaml -f d.yaml",
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl label pod web-pod app=debug"),
        "error: 'app' already has a value (web), and --overwrite is false\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl label pod web-pod app=debug --overwrite"),
        "pod/web-pod labeled\n"
    );
    assert_eq!(
        sim.store().get("Pod", "default", "web-pod").unwrap().labels()["app"],
        "debug"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl label pod web-pod app-"),
        "pod/web-pod unlabeled\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl annotate pod web-pod note=hi"),
        "pod/web-pod annotated\n"
    );
    assert_eq!(
        run(&mut sim, &[], "kubectl scale deployment web --replicas=5"),
        "deployment.apps/web scaled\n"
    );
    let d = sim.store().get("Deployment", "default", "web").unwrap().to_json();
    assert_eq!(d["spec"]["replicas"], 5);
}
