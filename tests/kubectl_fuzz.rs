//! Property test: random and mutated command lines never make the console or kubectl panic,
//! and tab completion never panics on any prefix of them.
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use podlab::console;
use podlab::kubectl::complete::complete;
use podlab::sim::{ClusterSpec, Simulation};
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    "kubectl get pods -o wide",
    "kubectl get deploy,svc -A --show-labels -L app",
    "kubectl create deployment web --image=nginx --replicas=2 --port=80",
    "kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort",
    "kubectl autoscale deploy web --min=1 --max=5 --cpu-percent=50",
    "kubectl create job pi --image=perl -- perl -e 1",
    "kubectl create job again --from=cronjob/hello",
    "kubectl create cronjob hello --image=busybox --schedule='* * * * *'",
    "kubectl create secret generic s --from-literal=a=b",
    "kubectl create configmap c --from-literal=a=b --from-file=x",
    "kubectl create service nodeport ns --tcp=80:8080 --node-port=30080",
    "kubectl run t --image=busybox --restart=Never --dry-run=client -o yaml -- sh -c date",
    "kubectl label pod web tier=front --overwrite",
    "kubectl scale deploy web --replicas=0",
    "kubectl rollout undo deploy/web --to-revision=1",
    "kubectl set image deploy/web web=nginx:1.27",
    "kubectl taint nodes podlab-worker key=value:NoSchedule",
    "kubectl delete pods -l app=web --grace-period=0 --force",
    "kubectl logs deploy/web -c web --previous",
    "kubectl exec web -- cat /etc/hosts",
    "kubectl api-resources --namespaced=true -o name",
    "kubectl config use-context kind-podlab",
    "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
    "kubectl describe -h",
    "kubectl patch deploy web --type=json -p='[{\"op\":\"remove\",\"path\":\"/spec/replicas\"}]'",
    "kubectl patch deploy/web -p '{\"spec\":{\"replicas\":2}}'",
];

const WORDS: &[&str] = &[
    "kubectl",
    "get",
    "create",
    "expose",
    "autoscale",
    "deployment",
    "svc",
    "pod/web",
    "-n",
    "-o",
    "yaml",
    "--",
    "-A",
    "--dry-run",
    "--dry-run=server",
    "=",
    "/",
    "''",
    "\"",
    "-",
    "--port=",
    "--max=-1",
    "job",
    "secret",
    "generic",
    "--from=cronjob/",
    "web",
    "-h",
    "--tcp=:",
    "config",
    "cluster-info",
];

fn setup() -> Simulation {
    let mut sim = Simulation::new(ClusterSpec::default(), 1);
    console::execute(&mut sim, &[], "kubectl create deployment web --image=nginx --port=80");
    console::execute(&mut sim, &[], "kubectl run solo --image=nginx");
    sim
}

fn exercise(line: &str) {
    let mut sim = setup();
    let output = console::execute(&mut sim, &[], line);
    // Every output is text a terminal can show.
    let _ = output.text();
    for end in line.char_indices().map(|(i, _)| i).chain(std::iter::once(line.len())) {
        let _ = complete(&line[..end], &sim);
    }
}

fn mutated() -> impl Strategy<Value = String> {
    (
        prop::sample::select(SEEDS),
        prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(WORDS), 0u8..3), 0..4),
    )
        .prop_map(|(seed, edits)| {
            let mut words: Vec<String> = seed.split(' ').map(String::from).collect();
            for (at, word, op) in edits {
                let i = at.index(words.len() + 1);
                match op {
                    0 => words.insert(i, word.to_string()),
                    1 if i < words.len() => words[i] = word.to_string(),
                    _ if i < words.len() => {
                        words.remove(i);
                    }
                    _ => words.push(word.to_string()),
                }
            }
            words.join(" ")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_command_lines_never_panic(line in mutated()) {
        exercise(&line);
    }

    #[test]
    fn random_command_lines_never_panic(tail in "[a-z/=:,.'\"{}\\[\\]* -]{0,60}") {
        exercise(&format!("kubectl {tail}"));
    }
}
