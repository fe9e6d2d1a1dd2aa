//! Golden tests of kubectl's output against the sample outputs of the official Kubernetes docs.
//!
//! `corpus/k8s-website/EXPECTED_OUTPUTS.md` (in `PODLAB_SHARED`, else `../shared`) copies, per
//! docs page, the outputs the page shows: a `## PAGE` line, `### HEADING` lines, fenced blocks.
//! Each [`Case`] names one of those blocks, the manifests the page applies, the steps the page
//! narrates (virtual time included) and the command; the block is read from the file, corrected
//! by the case's `edits` where the docs are old or quirky (each edit says why), and compared with
//! what Podlab prints, both sides passed through [`normalize`].
//!
//! # What the normalizer forgets
//!
//! Only what differs from one cluster to another, so that everything else must match:
//! - uids (`8-4-4-4-12` hex) → `UID`;
//! - timestamps (`Thu, 30 Nov 2017 10:56:25 +0000`, `2020-02-12T07:06:16Z`,
//!   `Fri Feb 22 11:02:09 UTC 2019`) → `TIME`;
//! - IPv4 addresses (a port after them is kept) → `IP`;
//! - node names (Podlab's `podlab-worker2`, the docs' `node01`, `worker0`, `kubernetes-node-…`,
//!   `gke-…`) → `NODE`;
//! - generated name parts: in a dashed name, a last part of 5 characters (`-7ci7o`) → `-XXXXX`,
//!   a part of 6 to 10 characters with a digit (`-75675f5897`, a CronJob's `-27836940`) →
//!   `-HASH`, and the value of `pod-template-hash=` / `controller-revision-hash=` → `HASH`;
//! - ages and durations (`18s`, `3m2s`, `2h`, `<invalid>`) → `AGE`;
//! - padding: surrounding blanks are trimmed, runs of two or more blanks (column gaps) become one
//!   tab, and blank lines are dropped.
//!
//! # Comparisons
//!
//! [`Compare::Whole`] wants every line; [`Compare::Excerpt`] wants the docs' lines in order
//! among Podlab's (the docs elide with `...`, which is skipped). A watch case (`-w`) compares the
//! list printed at once followed by the rows printed while its `watch` steps ran.
//!
//! Run one case with `DOCS_CASE=<part of its section> cargo test --test docs_outputs`.

mod common;

use podlab::console;
use podlab::sim::{ClusterSpec, SimDuration, Simulation};
use regex_lite::Regex;

/// How Podlab's output must match the docs' block.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Compare {
    /// Every normalized line, in order, nothing more.
    Whole,
    /// The docs' lines in order among Podlab's (the block is an excerpt).
    Excerpt,
}
use Compare::{Excerpt, Whole};

/// One docs sample output and how to reproduce it.
struct Case {
    /// `PAGE > HEADING`: parts of the `## ` and `### ` lines of EXPECTED_OUTPUTS.md (an empty
    /// heading means the blocks between the page line and its first `### `).
    section: &'static str,
    /// Which fenced block under that heading (0 = the first).
    block: usize,
    /// Corpus files the page uses; the steps refer to them by these paths.
    manifests: &'static [&'static str],
    /// Console lines separated by `; `, run before the command: `apply` applies every manifest in
    /// order, `wait 30s` advances virtual time, anything else is a console line.
    steps: &'static str,
    /// The documented command (or commands, separated by `; `, their outputs concatenated);
    /// `{pod:PREFIX}` becomes the first pod whose name starts with PREFIX.
    command: &'static str,
    /// For `kubectl get -w`: steps run while the watch prints (empty otherwise).
    watch: &'static str,
    /// Replacements applied to the docs' block (old formats the docs annotate, docs quirks).
    edits: &'static [(&'static str, &'static str)],
    compare: Compare,
}

/// The modern kubectl headers the docs' notes give (k8s-semantics.md §printers).
const PVC_HEADER: &str =
    "NAME  STATUS  VOLUME  CAPACITY  ACCESS MODES  STORAGECLASS  VOLUMEATTRIBUTESCLASS  AGE";

/// The cronjob table of the old page, as kubectl v1.27+ prints it for the stored manifest.
const CRONJOB_MODERN: &[(&str, &str)] = &[
    ("SCHEDULE      SUSPEND", "SCHEDULE  TIMEZONE  SUSPEND"),
    ("*/1 * * * *   False", "* * * * *  <none>  False"),
];

/// PVC rows of the old pages in the modern columns the docs' note gives; the claims of the
/// templates get the default StorageClass (`standard`, as on kind) and no attributes class.
const PVC_MODERN: &[(&str, &str)] = &[
    (
        "NAME        STATUS    VOLUME                                     CAPACITY   ACCESSMODES   AGE",
        PVC_HEADER,
    ),
    ("1Gi        RWO           ", "1Gi  RWO  standard  <unset>  "),
];

/// The statefulset table of the old page in kubectl's modern columns (the docs' note).
const STS_MODERN: &[(&str, &str)] = &[
    ("kubectl get service nginx\n", ""),
    ("kubectl get statefulset web\n", ""),
    (
        "NAME      DESIRED   CURRENT   AGE\nweb       2         1         20s",
        "NAME  READY  AGE\nweb  1/2  20s",
    ),
];

/// The hpa table of the old page in the modern columns the docs' note gives.
const HPA_MODERN: &[(&str, &str)] = &[
    ("NAME         REFERENCE                     TARGET    ", "NAME  REFERENCE  TARGETS  "),
    ("Deployment/php-apache/scale   0% / 50%  ", "Deployment/php-apache  cpu: 0%/50%  "),
];

/// The persistentvolume table of the old page in the modern columns the docs' note gives.
const PV_HEADER_OLD: &str =
    "NAME             CAPACITY   ACCESSMODES   RECLAIMPOLICY   STATUS      CLAIM     STORAGECLASS   REASON    AGE";
const PV_HEADER: &str =
    "NAME  CAPACITY  ACCESS MODES  RECLAIM POLICY  STATUS  CLAIM  STORAGECLASS  VOLUMEATTRIBUTESCLASS  REASON  AGE";

/// `kubectl describe job` of 2019 as kubectl v1.36 prints it: the `batch.kubernetes.io/` labels
/// (v1.27+), the last-applied annotation hidden, `Active (Ready)` pod counts (v1.28+).
const JOB_MODERN: &[(&str, &str)] = &[
    ("Selector:       controller-uid=", "Selector:  batch.kubernetes.io/controller-uid="),
    ("Labels:         controller-uid=c9948307-e56d-4b5d-8302-ae2d7b7da67c\n", "Labels:  batch.kubernetes.io/controller-uid=c9948307-e56d-4b5d-8302-ae2d7b7da67c\n  batch.kubernetes.io/job-name=pi\n  controller-uid=c9948307-e56d-4b5d-8302-ae2d7b7da67c\n"),
    ("Annotations:    kubectl.kubernetes.io/last-applied-configuration:\n", "Annotations:  <none>\n"),
    ("                  {\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"annotations\":{},\"name\":\"pi\",\"namespace\":\"default\"},\"spec\":{\"backoffLimit\":4,\"template\":...\n", ""),
    ("0 Running / 1 Succeeded", "0 Active (0 Ready) / 1 Succeeded"),
    ("Labels:  controller-uid=c9948307-e56d-4b5d-8302-ae2d7b7da67c\n", "Labels:  batch.kubernetes.io/controller-uid=c9948307-e56d-4b5d-8302-ae2d7b7da67c\n  batch.kubernetes.io/job-name=pi\n  controller-uid=c9948307-e56d-4b5d-8302-ae2d7b7da67c\n"),
];

const CASES: &[Case] = &[
    // ---- concepts/workloads/controllers/deployment.md ----
    Case { section: "controllers/deployment.md > `kubectl get deployments` while being created", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply", command: "kubectl get deployments", watch: "", edits: &[], compare: Whole },
    // The progress line is pre-1.10 wording (modern: `Waiting for deployment "nginx-deployment" rollout
    // to finish: …`, k8s-semantics.md) and depends on when kubectl polled: only the outcome is compared.
    Case { section: "controllers/deployment.md > `kubectl rollout status deployment/nginx-deployment`", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply", command: "kubectl rollout status deployment/nginx-deployment", watch: "", edits: &[("Waiting for rollout to finish: 2 out of 3 new replicas have been updated...\n", "")], compare: Excerpt },
    Case { section: "controllers/deployment.md > `kubectl get deployments` a few seconds later", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s", command: "kubectl get deployments", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/deployment.md > `kubectl get rs` — name is", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s", command: "kubectl get rs", watch: "", edits: &[], compare: Whole },
    // The page's text still says `app: nginx`; the stored manifest labels `app.kubernetes.io/name: nginx`.
    Case { section: "controllers/deployment.md > `kubectl get pods --show-labels`", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s", command: "kubectl get pods --show-labels", watch: "", edits: &[("app=nginx", "app.kubernetes.io/name=nginx")], compare: Whole },
    Case { section: "controllers/deployment.md > Update: `kubectl set image", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s", command: "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/deployment.md > after rollout: `kubectl get deployments`", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s; kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1; wait 18s", command: "kubectl get deployments", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/deployment.md > `kubectl get rs` — new RS scaled to 3", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s; kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1; wait 18s", command: "kubectl get rs", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/deployment.md > `kubectl get pods`", block: 0, manifests: &["controllers/nginx-deployment.yaml"], steps: "apply; wait 18s; kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1; wait 60s", command: "kubectl get pods", watch: "", edits: &[], compare: Whole },
    // ---- concepts/workloads/controllers/replicaset.md ----
    Case { section: "controllers/replicaset.md > `kubectl get rs`", block: 0, manifests: &["controllers/frontend.yaml"], steps: "apply; wait 60s", command: "kubectl get rs", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/replicaset.md > `kubectl get pods`", block: 0, manifests: &["controllers/frontend.yaml"], steps: "apply; wait 6m36s", command: "kubectl get pods", watch: "", edits: &[], compare: Whole },
    // Left out, "pod-rs.yaml applied AFTER frontend RS": the docs show pod1/pod2 `0/1 Terminating`;
    // Podlab's ReplicaSet deletes them before the scheduler binds them, and an unbound pod is
    // deleted at once (as the API server does), so they are already gone.
    Case { section: "controllers/replicaset.md > applied BEFORE frontend RS", block: 0, manifests: &["pods/pod-rs.yaml", "controllers/frontend.yaml"], steps: "kubectl apply -f pods/pod-rs.yaml; wait 27s; kubectl apply -f controllers/frontend.yaml; wait 30s", command: "kubectl get pods", watch: "", edits: &[], compare: Whole },
    // ---- concepts/workloads/controllers/job.md ----
    Case { section: "controllers/job.md > `kubectl apply -f", block: 0, manifests: &["controllers/job.yaml"], steps: "", command: "kubectl apply -f controllers/job.yaml", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/job.md > pods=$(kubectl get pods", block: 0, manifests: &["controllers/job.yaml"], steps: "apply; wait 5s", command: "kubectl get pods --selector=job-name=pi --output=jsonpath='{.items[*].metadata.name}'", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/job.md > `kubectl logs $pods`", block: 0, manifests: &["controllers/job.yaml"], steps: "apply; wait 2m", command: "kubectl logs {pod:pi-}", watch: "", edits: &[], compare: Whole },
    Case { section: "controllers/job.md > `kubectl describe job pi`", block: 0, manifests: &["controllers/job.yaml"], steps: "apply; wait 2m", command: "kubectl describe job pi", watch: "", edits: JOB_MODERN, compare: Excerpt },
    // ---- tasks/job/automated-tasks-with-cron-jobs.md ----
    Case { section: "automated-tasks-with-cron-jobs.md > ", block: 0, manifests: &["application/job/cronjob.yaml"], steps: "", command: "kubectl apply -f application/job/cronjob.yaml", watch: "", edits: &[], compare: Whole },
    // The old page's schedule was `*/1 * * * *`, the stored manifest says `* * * * *`; kubectl
    // v1.27+ prints a TIMEZONE column (k8s-semantics.md §printers).
    Case { section: "automated-tasks-with-cron-jobs.md > `kubectl get cronjob hello` (right after create)", block: 0, manifests: &["application/job/cronjob.yaml"], steps: "apply; wait 10s", command: "kubectl get cronjob hello", watch: "", edits: CRONJOB_MODERN, compare: Whole },
    Case { section: "automated-tasks-with-cron-jobs.md > `kubectl get cronjob hello` (after the first run)", block: 0, manifests: &["application/job/cronjob.yaml"], steps: "apply; wait 75s", command: "kubectl get cronjob hello", watch: "", edits: CRONJOB_MODERN, compare: Whole },
    Case { section: "automated-tasks-with-cron-jobs.md > `kubectl logs $pods`", block: 0, manifests: &["application/job/cronjob.yaml"], steps: "apply; wait 90s", command: "kubectl logs {pod:hello-}", watch: "", edits: &[], compare: Whole },
    // ---- tutorials/stateful-application/basic-stateful-set.md ----
    Case { section: "basic-stateful-set.md > ", block: 0, manifests: &["application/web/web.yaml"], steps: "", command: "kubectl apply -f application/web/web.yaml", watch: "", edits: &[("kubectl apply -f web.yaml\n", "")], compare: Whole },
    Case { section: "basic-stateful-set.md > ", block: 1, manifests: &["application/web/web.yaml"], steps: "apply; wait 6s", command: "kubectl get service nginx; kubectl get statefulset web", watch: "", edits: STS_MODERN, compare: Whole },
    // Watches compare as excerpts: Podlab may print more intermediate rows (each status write).
    Case { section: "basic-stateful-set.md > Ordered creation", block: 0, manifests: &["application/web/web.yaml"], steps: "", command: "kubectl get pods -w -l app=nginx", watch: "apply; wait 60s", edits: &[], compare: Excerpt },
    Case { section: "basic-stateful-set.md > Ordered creation", block: 1, manifests: &["application/web/web.yaml"], steps: "apply; wait 60s", command: "kubectl get pods -l app=nginx", watch: "", edits: &[("kubectl get pods -l app=nginx\n", "")], compare: Whole },
    // kubectl v1.34+ says where it deleted from (k8s-semantics.md, `Delete`).
    Case { section: "basic-stateful-set.md > `kubectl delete pod -l app=nginx`", block: 0, manifests: &["application/web/web.yaml"], steps: "apply; wait 60s", command: "kubectl delete pod -l app=nginx", watch: "", edits: &[("kubectl delete pod -l app=nginx\n", ""), ("deleted\n", "deleted from default namespace\n"), ("\"web-1\" deleted", "\"web-1\" deleted from default namespace")], compare: Whole },
    // The page's two watches (the second started once web-0 was up) as one.
    Case { section: "basic-stateful-set.md > `kubectl delete pod -l app=nginx`", block: 1, manifests: &["application/web/web.yaml"], steps: "apply; wait 60s", command: "kubectl get pod -w -l app=nginx", watch: "kubectl delete pod -l app=nginx; wait 60s", edits: &[("kubectl get pod -w -l app=nginx\n", ""), ("0s\nNAME      READY     STATUS    RESTARTS   AGE\n", "0s\n")], compare: Excerpt },
    Case { section: "basic-stateful-set.md > Scale up", block: 0, manifests: &["application/web/web.yaml"], steps: "apply; wait 60s", command: "kubectl get pods -w -l app=nginx", watch: "kubectl scale sts web --replicas=5; wait 90s", edits: &[("kubectl get pods -w -l app=nginx\n", ""), ("2h\nNAME      READY     STATUS    RESTARTS   AGE\n", "2h\n")], compare: Excerpt },
    Case { section: "basic-stateful-set.md > PVCs are NOT deleted", block: 0, manifests: &["application/web/web.yaml"], steps: "apply; wait 60s; kubectl scale sts web --replicas=5; wait 90s; kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}'; wait 90s", command: "kubectl get pvc -l app=nginx", watch: "", edits: &[("kubectl get pvc -l app=nginx\n", ""), PVC_MODERN[0], PVC_MODERN[1]], compare: Whole },
    Case { section: "basic-stateful-set.md > `kubectl get pvc -l app=nginx` — PVC name", block: 0, manifests: &["application/web/web.yaml"], steps: "apply; wait 48s", command: "kubectl get pvc -l app=nginx", watch: "", edits: PVC_MODERN, compare: Whole },
    // ---- tasks/run-application/horizontal-pod-autoscale-walkthrough.md ----
    Case { section: "horizontal-pod-autoscale-walkthrough.md > ", block: 0, manifests: &["application/php-apache.yaml"], steps: "", command: "kubectl apply -f application/php-apache.yaml", watch: "", edits: &[], compare: Whole },
    Case { section: "horizontal-pod-autoscale-walkthrough.md > ", block: 1, manifests: &["application/php-apache.yaml"], steps: "apply", command: "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10", watch: "", edits: &[], compare: Whole },
    Case { section: "horizontal-pod-autoscale-walkthrough.md > `kubectl get hpa` (no load)", block: 0, manifests: &["application/php-apache.yaml"], steps: "apply; kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10; wait 18s", command: "kubectl get hpa", watch: "", edits: HPA_MODERN, compare: Whole },
    // ---- tasks/configure-pod-container/configure-persistent-volume-storage.md ----
    Case { section: "configure-persistent-volume-storage.md > `kubectl get pv task-pv-volume` after creating PV", block: 0, manifests: &["pods/storage/pv-volume.yaml"], steps: "apply; wait 4s", command: "kubectl get pv task-pv-volume", watch: "", edits: &[(PV_HEADER_OLD, PV_HEADER), ("Available             manual                   4s", "Available    manual  <unset>    4s")], compare: Whole },
    Case { section: "configure-persistent-volume-storage.md > after creating the 3Gi claim", block: 0, manifests: &["pods/storage/pv-volume.yaml", "pods/storage/pv-claim.yaml"], steps: "apply; wait 2m", command: "kubectl get pv task-pv-volume", watch: "", edits: &[("NAME             CAPACITY   ACCESSMODES   RECLAIMPOLICY   STATUS    CLAIM                   STORAGECLASS   REASON    AGE", PV_HEADER), ("manual                   2m", "manual  <unset>    2m")], compare: Whole },
    Case { section: "configure-persistent-volume-storage.md > after creating the 3Gi claim", block: 1, manifests: &["pods/storage/pv-volume.yaml", "pods/storage/pv-claim.yaml"], steps: "apply; wait 30s", command: "kubectl get pvc task-pv-claim", watch: "", edits: &[("NAME            STATUS    VOLUME           CAPACITY   ACCESSMODES   STORAGECLASS   AGE", PVC_HEADER), ("manual         30s", "manual  <unset>  30s")], compare: Whole },
    // ---- tasks/inject-data-application/define-command-argument-container.md ----
    Case { section: "define-command-argument-container.md > `kubectl logs command-demo`", block: 0, manifests: &["pods/commands.yaml"], steps: "apply; wait 30s", command: "kubectl logs command-demo", watch: "", edits: &[], compare: Whole },
    // ---- concepts/services-networking/connect-applications-service.md ----
    Case { section: "connect-applications-service.md > `kubectl get svc my-nginx`", block: 0, manifests: &["service/networking/run-my-nginx.yaml", "service/networking/nginx-svc.yaml"], steps: "apply; wait 21s", command: "kubectl get svc my-nginx", watch: "", edits: &[], compare: Whole },
    Case { section: "connect-applications-service.md > `kubectl get ep my-nginx`", block: 0, manifests: &["service/networking/run-my-nginx.yaml", "service/networking/nginx-svc.yaml"], steps: "apply; wait 1m", command: "kubectl get ep my-nginx", watch: "", edits: &[], compare: Whole },
    // ---- concepts/scheduling-eviction/pod-scheduling-readiness.md ----
    Case { section: "pod-scheduling-readiness.md > `kubectl get pod test-pod`", block: 0, manifests: &["pods/pod-with-scheduling-gates.yaml"], steps: "apply; wait 7s", command: "kubectl get pod test-pod", watch: "", edits: &[], compare: Whole },
];

// ---------------------------------------------------------------------------------------------

/// The `block`-th fenced block under `PAGE > HEADING` in EXPECTED_OUTPUTS.md.
fn docs_block(doc: &str, section: &str, block: usize) -> Result<String, String> {
    let (page, heading) = section.split_once(" > ").ok_or("section must be `PAGE > HEADING`")?;
    let lines: Vec<&str> = doc.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("## ") && l.contains(page))
        .ok_or_else(|| format!("no page line containing {page:?}"))?;
    let end =
        lines[start + 1..].iter().position(|l| l.starts_with("## ")).map_or(lines.len(), |i| start + 1 + i);
    let from = if heading.is_empty() {
        start
    } else {
        lines[start..end]
            .iter()
            .position(|l| l.starts_with("### ") && l.contains(heading))
            .map(|i| start + i)
            .ok_or_else(|| format!("no heading containing {heading:?} on page {page:?}"))?
    };
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in &lines[from + 1..end] {
        if current.is_none() && line.starts_with("### ") {
            break;
        }
        if line.starts_with("```") {
            match current.take() {
                Some(body) => blocks.push(body.join("\n")),
                None => current = Some(Vec::new()),
            }
        } else if let Some(body) = current.as_mut() {
            body.push(line);
        }
    }
    blocks.into_iter().nth(block).ok_or_else(|| format!("no block {block} under {section:?}"))
}

struct Normalizer {
    rules: Vec<(Regex, &'static str)>,
    dashed: Regex,
    blanks: Regex,
}

impl Normalizer {
    fn new() -> Normalizer {
        let rules = [
            (r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "UID"),
            (
                r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}",
                "TIME",
            ),
            (r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}", "TIME"),
            (r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b", "TIME"),
            (r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", "IP"),
            (
                r"\b(podlab-control-plane|podlab-worker\d*|node0\d|node-\d|worker\d|kubernetes-(node|minion)-[a-z0-9]+|gke-[a-z0-9-]+)\b",
                "NODE",
            ),
            (r"\b(pod-template-hash|controller-revision-hash)=[a-z0-9]+", "$1=HASH"),
            (r"<invalid>|\b\d+(\.\d+)?(ms|s|m|h|d|y)(\d+(ms|s|m|h))?\b", "AGE"),
        ];
        Normalizer {
            rules: rules.into_iter().map(|(re, to)| (Regex::new(re).expect("rule"), to)).collect(),
            dashed: Regex::new(r"\b[a-z0-9]+(-[a-z0-9]+)+\b").expect("dashed"),
            blanks: Regex::new(r"[ \t]{2,}").expect("blanks"),
        }
    }

    /// Generated parts of one dashed name (`-HASH`, `-XXXXX`).
    fn name(token: &str) -> String {
        let parts: Vec<&str> = token.split('-').collect();
        let last = parts.len() - 1;
        let mapped: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                if i > 0 && i == last && part.len() == 5 {
                    "XXXXX".to_string()
                } else if i > 0 && (6..=10).contains(&part.len()) && part.chars().any(|c| c.is_ascii_digit())
                {
                    "HASH".to_string()
                } else {
                    part.to_string()
                }
            })
            .collect();
        mapped.join("-")
    }

    fn normalize(&self, text: &str) -> Vec<String> {
        text.lines()
            .map(|line| {
                let mut line = line.to_string();
                for (re, to) in &self.rules {
                    line = re.replace_all(&line, *to).into_owned();
                }
                line =
                    self.dashed.replace_all(&line, |c: &regex_lite::Captures| Self::name(&c[0])).into_owned();
                self.blanks.replace_all(line.trim(), "\t").into_owned()
            })
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// The first pod whose name starts with `prefix`.
fn pod_named(sim: &mut Simulation, prefix: &str) -> String {
    let names = console::execute(sim, &[], "kubectl get pods -o name").text();
    names
        .lines()
        .filter_map(|l| l.strip_prefix("pod/"))
        .find(|n| n.starts_with(prefix))
        .unwrap_or(prefix)
        .to_string()
}

fn expand(sim: &mut Simulation, line: &str) -> String {
    let mut line = line.to_string();
    while let Some(start) = line.find("{pod:") {
        let Some(len) = line[start..].find('}') else { break };
        let name = pod_named(sim, &line[start + 5..start + len]);
        line.replace_range(start..start + len + 1, &name);
    }
    line
}

/// Runs `;`-separated steps; returns what they printed (for error reports).
fn run_steps(sim: &mut Simulation, files: &[(String, String)], case: &Case, steps: &str) -> String {
    let mut printed = String::new();
    for step in steps.split("; ").map(str::trim).filter(|s| !s.is_empty()) {
        if step == "apply" {
            for path in case.manifests {
                printed += &console::execute(sim, files, &format!("kubectl apply -f {path}")).text();
            }
        } else if let Some(duration) = step.strip_prefix("wait ").and_then(SimDuration::parse) {
            sim.advance(duration);
        } else {
            let line = expand(sim, step);
            printed += &console::execute(sim, files, &line).text();
        }
    }
    printed
}

const SEED: u64 = 7;

/// Runs one case; `Err` explains the mismatch.
fn check(case: &Case, doc: &str, norm: &Normalizer) -> Result<(), String> {
    let mut expected = docs_block(doc, case.section, case.block)?;
    for (from, to) in case.edits {
        if !expected.contains(from) {
            return Err(format!("edit {from:?} does not apply to the docs' block:\n{expected}"));
        }
        expected = expected.replace(from, to);
    }
    let dir = common::corpus_dir();
    let files: Vec<(String, String)> = case
        .manifests
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(dir.join(p)).map_err(|e| format!("{p}: {e}"))?;
            Ok((p.to_string(), text))
        })
        .collect::<Result<_, String>>()?;
    let mut sim = Simulation::new(ClusterSpec::default(), SEED);
    let before = run_steps(&mut sim, &files, case, case.steps);
    let command = expand(&mut sim, case.command);
    let mut actual = String::new();
    let mut watch = None;
    for line in command.split("; ") {
        let (output, started) = console::execute_watching(&mut sim, &files, line);
        actual.push_str(&output.text());
        watch = started;
    }
    if let Some(watch) = watch {
        run_steps(&mut sim, &files, case, case.watch);
        for row in watch.take_lines() {
            actual.push_str(&row);
            actual.push('\n');
        }
    }
    let want = norm.normalize(&expected);
    let got = norm.normalize(&actual);
    let ok = match case.compare {
        Whole => want == got,
        Excerpt => {
            let mut rest = got.iter();
            want.iter().filter(|l| l.as_str() != "..." && l.as_str() != "[...]").all(|w| rest.any(|g| g == w))
        }
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "`{command}` ({:?}, seed {SEED})\n--- docs (normalized)\n{}\n--- podlab (normalized)\n{}\n--- podlab (as printed)\n{actual}{}",
        case.compare,
        want.join("\n"),
        got.join("\n"),
        if before.is_empty() { String::new() } else { format!("--- steps printed\n{before}") }
    ))
}

#[test]
fn kubectl_output_matches_the_docs_sample_outputs() {
    let path = common::corpus_dir().join("EXPECTED_OUTPUTS.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let norm = Normalizer::new();
    let only = std::env::var("DOCS_CASE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in CASES.iter().filter(|c| only.as_deref().is_none_or(|o| c.section.contains(o))) {
        ran += 1;
        if let Err(why) = check(case, &doc, &norm) {
            failures.push(format!("[{} #{}] {why}", case.section, case.block));
        }
    }
    println!("docs outputs: {}/{ran} cases match", ran - failures.len());
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ from the docs:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn normalizer_forgets_only_what_differs_between_clusters() {
    let norm = Normalizer::new();
    let docs = "nginx-deployment-75675f5897-7ci7o   1/1       Running   0          18s       app=nginx,pod-template-hash=75675f5897";
    let ours = "nginx-deployment-6d8f5b7c9d-x2kq9   1/1     Running   0          3m2s   app=nginx,pod-template-hash=6d8f5b7c9d";
    assert_eq!(norm.normalize(docs), norm.normalize(ours));
    assert_eq!(
        norm.normalize("Successfully assigned default/web-0 to podlab-worker2 at 10.244.1.6:80"),
        ["Successfully assigned default/web-0 to NODE at IP:80"]
    );
    assert_ne!(norm.normalize("web-0   1/1   Running"), norm.normalize("web-1   1/1   Running"));
}
