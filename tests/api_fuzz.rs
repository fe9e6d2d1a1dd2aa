//! Property tests: random and mutated manifests never make the loader, admission or kubectl
//! panic; every outcome is either accepted or a kubectl-style error line.

use podlab::console;
use podlab::sim::{ClusterSpec, Simulation};
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n    resources:\n      limits: {cpu: 500m, memory: 128Mi}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: 8080\n",
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: hello}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: c, image: busybox, command: [sh, -c, date]}]\n",
    "{ apiVersion: \"v1\", kind: \"ConfigMap\", metadata: { name: \"cfg\", }, data: { \"a.conf\": \"x\\ny\", }, }\n",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: dev}\n- apiVersion: v1\n  kind: ResourceQuota\n  metadata: {name: q, namespace: dev}\n  spec:\n    hard: {requests.cpu: '1', pods: '2'}\n",
];

fn apply(text: &str) -> console::Output {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    let files = vec![("m.yaml".to_string(), text.to_string())];
    let first = console::execute(&mut sim, &files, "kubectl apply -f m.yaml");
    // A second apply and a delete exercise the update and delete paths too.
    console::execute(&mut sim, &files, "kubectl apply -f m.yaml");
    console::execute(&mut sim, &files, "kubectl get all -A -o yaml");
    console::execute(&mut sim, &files, "kubectl delete -f m.yaml");
    first
}

fn well_formed(output: &console::Output) -> bool {
    output.lines().iter().all(|l| !l.contains("panicked"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "[ -~\\n\\t]{0,300}") {
        prop_assert!(well_formed(&apply(&text)));
    }

    #[test]
    fn mutated_manifests_never_panic(seed in 0..SEEDS.len(), cut in 0usize..400, insert in "[ -~\\n]{0,12}", drop in 0usize..6) {
        let base = SEEDS[seed];
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) {
            at -= 1;
        }
        let end = (at + drop).min(base.len());
        let mutated = format!("{}{}{}", &base[..at], insert, &base[end..]);
        prop_assert!(well_formed(&apply(&mutated)));
    }

    #[test]
    fn changed_values_never_panic(seed in 0..SEEDS.len(), value in prop_oneof![
        Just("-1".to_string()), Just("99999999999".to_string()), Just("\"\"".to_string()), Just("[]".to_string()),
        Just("{}".to_string()), Just("null".to_string()), Just("abc".to_string()), Just("1.5".to_string()),
        Just("Web_X".to_string()), Just("true".to_string()),
    ]) {
        let base = SEEDS[seed];
        for (i, line) in base.lines().enumerate() {
            let Some((key, _)) = line.split_once(": ") else { continue };
            let mut lines: Vec<String> = base.lines().map(String::from).collect();
            lines[i] = format!("{key}: {value}");
            prop_assert!(well_formed(&apply(&lines.join("\n"))));
        }
    }
}

#[test]
fn the_seed_manifests_are_valid() {
    for seed in SEEDS {
        let output = apply(seed);
        assert!(
            !output.has_errors() || output.lines().iter().all(|l| l.starts_with("Warning")),
            "{}",
            output.text()
        );
    }
}
