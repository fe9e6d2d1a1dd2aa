//! Objects kubectl generates from flags (`create deployment|job|cronjob|service|configmap|
//! secret`, `expose`, `autoscale`), `--dry-run`, help text and the cluster-info commands, as a
//! user sees them in the terminal.

use podlab::console;
use podlab::sim::{ClusterSpec, Simulation};

fn run(sim: &mut Simulation, line: &str) -> String {
    console::execute(sim, &[], line).text()
}

#[test]
fn create_deployment_then_expose_it_as_kubectl_does() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    assert_eq!(
        run(&mut sim, "kubectl create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.53 --port=8080"),
        "deployment.apps/hello-node created\n"
    );
    let yaml = run(&mut sim, "kubectl get deploy hello-node -o yaml");
    assert!(yaml.contains("      - image: registry.k8s.io/e2e-test-images/agnhost:2.53\n"), "{yaml}");
    assert!(yaml.contains("        name: agnhost\n"), "{yaml}");
    assert!(yaml.contains("    matchLabels:\n      app: hello-node\n"), "{yaml}");
    assert_eq!(
        run(&mut sim, "kubectl expose deployment hello-node --type=LoadBalancer --port=8080"),
        "service/hello-node exposed\n"
    );
    let svc = run(&mut sim, "kubectl get svc hello-node -o yaml");
    assert!(svc.contains("  type: LoadBalancer\n"), "{svc}");
    assert!(svc.contains("    targetPort: 8080\n"), "{svc}");
    assert_eq!(
        run(&mut sim, "kubectl expose deployment hello-node"),
        "Error from server (AlreadyExists): services \"hello-node\" already exists\n"
    );
    // Introspection finds the container port when --port is left out.
    assert_eq!(run(&mut sim, "kubectl expose deploy/hello-node --name=other"), "service/other exposed\n");
    assert_eq!(
        run(&mut sim, "kubectl expose deploy ghost --port=80"),
        "Error from server (NotFound): deployments.apps \"ghost\" not found\n"
    );
}

#[test]
fn expose_without_a_port_says_so() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    run(&mut sim, "kubectl create deployment web --image=nginx");
    assert_eq!(
        run(&mut sim, "kubectl expose deployment web"),
        "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n"
    );
}

#[test]
fn dry_run_prints_and_stores_nothing() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    assert_eq!(
        run(&mut sim, "kubectl create deployment web --image=nginx --dry-run=client"),
        "deployment.apps/web created (dry run)\n"
    );
    let yaml =
        run(&mut sim, "kubectl create deployment web --image=nginx --replicas=3 --dry-run=client -o yaml");
    assert!(yaml.starts_with("apiVersion: apps/v1\nkind: Deployment\n"), "{yaml}");
    assert!(yaml.contains("  replicas: 3\n"), "{yaml}");
    assert_eq!(
        run(&mut sim, "kubectl get deploy web"),
        "Error from server (NotFound): deployments.apps \"web\" not found\n"
    );
}

#[test]
fn create_job_cronjob_configmap_secret_and_service() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    assert_eq!(
        run(&mut sim, "kubectl create cronjob hello --image=busybox:1.28 --schedule='*/1 * * * *' -- date"),
        "cronjob.batch/hello created\n"
    );
    assert_eq!(run(&mut sim, "kubectl create job manual --from=cronjob/hello"), "job.batch/manual created\n");
    assert_eq!(run(&mut sim, "kubectl create job pi --image=perl -- perl -e 1"), "job.batch/pi created\n");
    assert_eq!(
        run(&mut sim, "kubectl create configmap game --from-literal=lives=3 --from-literal=level=easy"),
        "configmap/game created\n"
    );
    assert!(run(&mut sim, "kubectl get cm game -o yaml").contains("data:\n  level: easy\n  lives: \"3\"\n"));
    assert_eq!(
        run(&mut sim, "kubectl create secret generic db --from-literal=password=s3cr3t"),
        "secret/db created\n"
    );
    assert!(run(&mut sim, "kubectl get secret db -o yaml").contains("  password: czNjcjN0\n"));
    assert_eq!(
        run(&mut sim, "kubectl create service clusterip my-cs --tcp=5678:8080"),
        "service/my-cs created\n"
    );
    assert!(run(&mut sim, "kubectl get svc my-cs -o yaml").contains("  - name: 5678-8080\n"));
    assert_eq!(run(&mut sim, "kubectl create namespace dev"), "namespace/dev created\n");
    assert_eq!(
        run(&mut sim, "kubectl create widget x"),
        "error: unknown command \"widget\" for \"kubectl create\"\nRun 'kubectl create --help' for usage.\n"
    );
}

#[test]
fn autoscale_creates_an_autoscaling_v2_object() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    run(&mut sim, "kubectl create deployment php-apache --image=registry.k8s.io/hpa-example");
    assert_eq!(
        run(&mut sim, "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10"),
        "horizontalpodautoscaler.autoscaling/php-apache autoscaled\n"
    );
    let yaml = run(&mut sim, "kubectl get hpa php-apache -o yaml");
    assert!(yaml.starts_with("apiVersion: autoscaling/v2\n"), "{yaml}");
    assert!(yaml.contains("        averageUtilization: 50\n"), "{yaml}");
    assert_eq!(
        run(&mut sim, "kubectl autoscale deployment php-apache"),
        "error: --max=MAXPODS is required and must be at least 1, max: 0\n"
    );
}

#[test]
fn help_and_cluster_commands_print_kubectls_layout() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let help = run(&mut sim, "kubectl expose --help");
    assert!(help.starts_with("Expose a resource as a new Kubernetes service.\n\nExamples:\n"), "{help}");
    assert!(help.contains("\nUsage:\n  kubectl expose "), "{help}");
    let top = run(&mut sim, "kubectl -h");
    assert!(top.contains("Basic Commands (Beginner):\n  create         Create a resource"), "{top}");
    assert_eq!(
        run(&mut sim, "kubectl frobnicate"),
        "error: unknown command \"frobnicate\" for \"kubectl\"\nRun 'kubectl --help' for usage.\n"
    );
    assert!(run(&mut sim, "kubectl cluster-info")
        .starts_with("Kubernetes control plane is running at https://127.0.0.1:6443\n"));
    let contexts = run(&mut sim, "kubectl config get-contexts");
    assert_eq!(
        contexts.lines().nth(1).map(|l| l.split_whitespace().collect::<Vec<_>>()),
        Some(vec!["*", "kind-podlab", "kind-podlab", "kind-podlab"])
    );
    assert_eq!(
        run(&mut sim, "kubectl version --client"),
        "Client Version: v1.36.0\nKustomize Version: v5.7.1\n"
    );
}

#[test]
fn patch_with_strategic_merge_and_json_patches() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    run(&mut sim, "kubectl create deployment web --image=nginx");
    assert_eq!(
        run(
            &mut sim,
            r#"kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}'"#
        ),
        "deployment.apps/web patched\n"
    );
    assert!(run(&mut sim, "kubectl get deploy web -o yaml").contains("      - image: nginx:1.27\n"));
    assert_eq!(
        run(
            &mut sim,
            r#"kubectl patch deploy/web --type=json -p='[{"op":"replace","path":"/spec/replicas","value":3}]'"#
        ),
        "deployment.apps/web patched\n"
    );
    assert!(run(&mut sim, "kubectl get deploy web -o yaml").contains("  replicas: 3\n"));
    assert_eq!(
        run(
            &mut sim,
            r#"kubectl patch deploy web --type merge -p '{"metadata":{"labels":{"tier":"front"}}}'"#
        ),
        "deployment.apps/web patched\n"
    );
    assert_eq!(
        run(
            &mut sim,
            r#"kubectl patch deploy web --type merge -p '{"metadata":{"labels":{"tier":"front"}}}'"#
        ),
        "deployment.apps/web patched (no change)\n"
    );
    assert_eq!(
        run(&mut sim, r#"kubectl patch deploy ghost -p '{}'"#),
        "Error from server (NotFound): deployments.apps \"ghost\" not found\n"
    );
}

#[test]
fn set_env_and_set_resources_change_the_pod_template() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    run(&mut sim, "kubectl create deployment web --image=nginx");
    assert_eq!(
        run(&mut sim, "kubectl set env deployment/web MODE=prod LEVEL=3"),
        "deployment.apps/web env updated\n"
    );
    let yaml = run(&mut sim, "kubectl get deploy web -o yaml");
    assert!(yaml.contains("        - name: MODE\n          value: prod\n"), "{yaml}");
    assert_eq!(run(&mut sim, "kubectl set env deploy web MODE-"), "deployment.apps/web env updated\n");
    assert!(!run(&mut sim, "kubectl get deploy web -o yaml").contains("MODE"));
    assert_eq!(
        run(&mut sim, "kubectl set resources deployment web -c=nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m"),
        "deployment.apps/web resource requirements updated\n"
    );
    let yaml = run(&mut sim, "kubectl get deploy web -o yaml");
    assert!(yaml.contains("            cpu: 200m\n            memory: 512Mi\n"), "{yaml}");
    assert_eq!(
        run(&mut sim, "kubectl set resources deploy/web -c ghost --limits=cpu=1"),
        "error: unable to find container named \"ghost\"\n"
    );
}

#[test]
fn replace_stores_the_file_in_place_of_the_object() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let v1 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n";
    let v2 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  b: \"2\"\n";
    let files = |text: &str| vec![("cm.yaml".to_string(), text.to_string())];
    assert_eq!(
        console::execute(&mut sim, &files(v1), "kubectl replace -f cm.yaml").text(),
        "Error from server (NotFound): error when replacing \"cm.yaml\": configmaps \"cfg\" not found\n"
    );
    console::execute(&mut sim, &files(v1), "kubectl create -f cm.yaml");
    assert_eq!(
        console::execute(&mut sim, &files(v2), "kubectl replace -f cm.yaml").text(),
        "configmap/cfg replaced\n"
    );
    let yaml = run(&mut sim, "kubectl get cm cfg -o yaml");
    assert!(yaml.contains("data:\n  b: \"2\"\n"), "{yaml}");
    assert!(!yaml.contains("  a: \"1\""), "{yaml}");
    assert_eq!(
        console::execute(&mut sim, &files(v1), "kubectl replace --force -f cm.yaml").text(),
        "configmap/cfg deleted\nconfigmap/cfg replaced\n"
    );
}

#[test]
fn events_lists_what_happened_to_an_object() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    assert_eq!(run(&mut sim, "kubectl events"), "No events found in default namespace.\n");
    run(&mut sim, "kubectl run web --image=nginx");
    run(&mut sim, "wait 30s");
    let text = run(&mut sim, "kubectl events --for pod/web");
    let mut lines = text.lines();
    let header: Vec<&str> =
        lines.next().unwrap_or_default().split("   ").filter(|c| !c.is_empty()).map(str::trim).collect();
    assert_eq!(header, ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
    let reasons: Vec<&str> = lines.filter_map(|l| l.split_whitespace().nth(2)).collect();
    assert_eq!(reasons.first(), Some(&"Scheduled"), "{text}");
    assert!(reasons.contains(&"Started"), "{text}");
    assert!(text.contains("pod/web"), "{text}");
    assert!(run(&mut sim, "kubectl events -A").starts_with("NAMESPACE "));
}

#[test]
fn wait_advances_virtual_time_until_the_condition_holds() {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    run(&mut sim, "kubectl run web --image=nginx");
    assert_eq!(
        run(&mut sim, "kubectl wait --for=condition=Ready pod/web --timeout=120s"),
        "pod/web condition met\n"
    );
    assert!(run(&mut sim, "kubectl get pod web").contains("1/1     Running"));
    run(&mut sim, "kubectl run bad --image=nginx:no-such-tag");
    assert_eq!(
        run(&mut sim, "kubectl wait --for=condition=Ready pod/bad --timeout=10s"),
        "error: timed out waiting for the condition on pods/bad\n"
    );
}
