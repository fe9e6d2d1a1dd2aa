//! Scheduler behaviour tests: plugin verdicts with their exact reasons, the FailedScheduling
//! text as v1.36 prints it, placement by score, preemption and determinism.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, NodeSpec, NodeStatus, PersistentVolumeClaim, Pod, Taint};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::bench::bench_schedule;
use super::framework::{Code, CycleState, FilterPlugin, Status};
use super::plugins::*;
use super::schedule::{fit_error_message, num_feasible_nodes_to_find, schedule_one, Decision, Scheduler};
use super::snapshot::{ClusterSnapshot, NodeInfo, PodInfo};
use crate::sim::rng::SimRng;

struct NodeBuilder(Node);

fn node(name: &str, cpu: &str, memory: &str) -> NodeBuilder {
    let resources: BTreeMap<String, Quantity> = [("cpu", cpu), ("memory", memory), ("pods", "110")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
        .collect();
    NodeBuilder(Node {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(BTreeMap::from([("kubernetes.io/hostname".to_string(), name.to_string())])),
            ..ObjectMeta::default()
        },
        spec: Some(NodeSpec::default()),
        status: Some(NodeStatus {
            capacity: Some(resources.clone()),
            allocatable: Some(resources),
            ..NodeStatus::default()
        }),
    })
}

impl NodeBuilder {
    fn label(mut self, key: &str, value: &str) -> Self {
        self.0.metadata.labels.get_or_insert_with(BTreeMap::new).insert(key.to_string(), value.to_string());
        self
    }

    fn taint(mut self, key: &str, value: Option<&str>, effect: &str) -> Self {
        let spec = self.0.spec.get_or_insert_with(NodeSpec::default);
        spec.taints.get_or_insert_with(Vec::new).push(Taint {
            key: key.to_string(),
            value: value.map(str::to_string),
            effect: effect.to_string(),
            ..Taint::default()
        });
        self
    }

    fn allocatable(mut self, resource: &str, value: &str) -> Self {
        if let Some(alloc) = self.0.status.as_mut().and_then(|s| s.allocatable.as_mut()) {
            alloc.insert(resource.to_string(), Quantity(value.to_string()));
        }
        self
    }

    fn cordoned(mut self) -> Self {
        self.0.spec.get_or_insert_with(NodeSpec::default).unschedulable = Some(true);
        self
    }

    fn build(self) -> Node {
        self.0
    }
}

/// The default Podlab cluster: a tainted control plane and three 4-CPU workers.
fn kind_cluster() -> Vec<Node> {
    vec![
        node("podlab-control-plane", "4", "8Gi")
            .label("node-role.kubernetes.io/control-plane", "")
            .taint("node-role.kubernetes.io/control-plane", None, "NoSchedule")
            .build(),
        node("podlab-worker", "4", "8Gi").build(),
        node("podlab-worker2", "4", "8Gi").build(),
        node("podlab-worker3", "4", "8Gi").build(),
    ]
}

fn pod(yaml: &str) -> Pod {
    serde_yaml::from_str(yaml).expect("test pod yaml")
}

fn simple_pod(name: &str, cpu: &str) -> Pod {
    pod(&format!(
        "metadata: {{name: {name}, namespace: default, uid: uid-{name}}}\n\
         spec:\n  containers:\n  - name: c\n    image: nginx\n    resources: {{requests: {{cpu: \"{cpu}\", memory: 64Mi}}}}\n"
    ))
}

fn bound(mut pod: Pod, node: &str) -> Pod {
    pod.spec.get_or_insert_with(Default::default).node_name = Some(node.to_string());
    pod
}

fn snapshot(nodes: &[Node], pods: &[Pod]) -> ClusterSnapshot {
    ClusterSnapshot::new(nodes, pods, &[], &[], &[], &[])
}

fn message_for(pod: &Pod, snap: &ClusterSnapshot) -> String {
    let result = schedule_one(pod, snap, &mut SimRng::new(1));
    result
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("expected failure, got {:?}", result.node()))
}

fn filter_with(plugin: &dyn FilterPlugin, pod: &Pod, node: &Node) -> Status {
    let snap = snapshot(std::slice::from_ref(node), &[]);
    let info = PodInfo::new(pod, &[]);
    let node_info = NodeInfo::new(node);
    plugin.filter(&CycleState::new(), &info, &node_info, &snap)
}

// ---- FailedScheduling messages (k8s-semantics §7.2, verbatim) ----

#[test]
fn insufficient_cpu_on_kind_cluster_reports_taint_and_cpu_with_preemption_suffix() {
    let snap = snapshot(&kind_cluster(), &[]);
    assert_eq!(
        message_for(&simple_pod("big-batch", "6"), &snap),
        "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient cpu. no new claims to \
         deallocate, preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No \
         preemption victims found for incoming pod."
    );
}

#[test]
fn three_node_examples_match_upstream_text() {
    let nodes = vec![
        node("n1", "4", "8Gi").taint("dedicated", Some("infra"), "NoSchedule").build(),
        node("n2", "4", "8Gi").build(),
        node("n3", "4", "8Gi").build(),
    ];
    assert_eq!(
        message_for(&simple_pod("p", "6"), &snapshot(&nodes, &[])),
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to \
         deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No \
         preemption victims found for incoming pod."
    );
    let plain =
        vec![node("n1", "4", "8Gi").build(), node("n2", "4", "8Gi").build(), node("n3", "4", "8Gi").build()];
    let selecting = pod("metadata: {name: ssd}\nspec:\n  nodeSelector: {disktype: ssd}\n  containers: [{name: c, image: redis}]\n");
    assert_eq!(
        message_for(&selecting, &snapshot(&plain, &[])),
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to \
         deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn node_selector_mismatch_on_kind_cluster_counts_the_control_plane_as_taint() {
    let selecting = pod("metadata: {name: ssd-cache}\nspec:\n  nodeSelector: {disktype: ssd}\n  containers: [{name: c, image: redis}]\n");
    assert_eq!(
        message_for(&selecting, &snapshot(&kind_cluster(), &[])),
        "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match Pod's node \
         affinity/selector. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is \
         not helpful for scheduling."
    );
}

#[test]
fn each_node_counts_under_the_first_filter_that_rejects_it() {
    let mut nodes = kind_cluster();
    nodes[3] = node("podlab-worker3", "4", "8Gi").taint("dedicated", Some("gpu"), "NoSchedule").build();
    let trainer = pod(
        "metadata: {name: trainer}\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: kubernetes.io/hostname, operator: In, values: [podlab-worker3]}\n  containers: [{name: c, image: busybox}]\n",
    );
    assert_eq!(
        message_for(&trainer, &snapshot(&nodes, &[])),
        "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had \
         untolerated taint(s). no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption \
         is not helpful for scheduling."
    );
    let mut tolerating = trainer.clone();
    if let Some(s) = tolerating.spec.as_mut() {
        s.tolerations = Some(vec![k8s_openapi::api::core::v1::Toleration {
            key: Some("dedicated".into()),
            operator: Some("Equal".into()),
            value: Some("gpu".into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        }]);
    }
    let result = schedule_one(&tolerating, &snapshot(&nodes, &[]), &mut SimRng::new(1));
    assert_eq!(result.node(), Some("podlab-worker3"));
}

#[test]
fn histogram_is_sorted_as_strings_and_counts_every_reason() {
    let cpu = Status::with_reasons(
        Code::Unschedulable,
        vec!["Insufficient cpu".into(), "Insufficient memory".into()],
    );
    let taint = Status::unresolvable(taint_toleration::REASON);
    let mut statuses: Vec<&Status> = vec![&cpu, &cpu];
    statuses.extend(std::iter::repeat_n(&taint, 10));
    assert_eq!(
        fit_error_message(12, None, &statuses, None),
        "0/12 nodes are available: 10 node(s) had untolerated taint(s), 2 Insufficient cpu, 2 Insufficient memory."
    );
}

#[test]
fn unbound_immediate_claim_fails_in_prefilter() {
    let claim: PersistentVolumeClaim = serde_yaml::from_str(
        "metadata: {name: data, namespace: default}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
    )
    .expect("pvc");
    let with_claim = pod(
        "metadata: {name: db, namespace: default}\nspec:\n  containers: [{name: c, image: postgres}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
    );
    let nodes = vec![node("n1", "4", "8Gi").build()];
    let snap = ClusterSnapshot::new(&nodes, &[], std::slice::from_ref(&claim), &[], &[], &[]);
    assert_eq!(
        message_for(&with_claim, &snap),
        "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are \
         available: 1 Preemption is not helpful for scheduling."
    );
    let missing = ClusterSnapshot::new(&nodes, &[], &[], &[], &[], &[]);
    assert!(message_for(&with_claim, &missing)
        .starts_with("0/1 nodes are available: persistentvolumeclaim \"data\" not found. preemption: "));
    // WaitForFirstConsumer with a dynamic provisioner: schedulable.
    let class: StorageClass = serde_yaml::from_str(
        "metadata: {name: standard}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n",
    )
    .expect("class");
    let mut wffc = claim.clone();
    if let Some(s) = wffc.spec.as_mut() {
        s.storage_class_name = Some("standard".into());
    }
    let snap = ClusterSnapshot::new(&nodes, &[], &[wffc], &[], &[class], &[]);
    assert_eq!(schedule_one(&with_claim, &snap, &mut SimRng::new(1)).node(), Some("n1"));
}

// ---- plugins, table-driven ----

#[test]
fn node_unschedulable_and_node_name_filters() {
    let cordoned = node("n1", "4", "8Gi").cordoned().build();
    let plain = simple_pod("p", "100m");
    let tolerant = pod(
        "metadata: {name: ds}\nspec:\n  tolerations: [{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}]\n  containers: [{name: c, image: x}]\n",
    );
    let cases: Vec<(&dyn FilterPlugin, &Pod, Code, Option<&str>)> = vec![
        (
            &node_unschedulable::NodeUnschedulable,
            &plain,
            Code::UnschedulableAndUnresolvable,
            Some(node_unschedulable::REASON),
        ),
        (&node_unschedulable::NodeUnschedulable, &tolerant, Code::Success, None),
    ];
    for (plugin, pod, code, reason) in cases {
        let status = filter_with(plugin, pod, &cordoned);
        assert_eq!(status.code, code);
        assert_eq!(status.reasons.first().map(String::as_str), reason);
    }
    let named = bound(simple_pod("p", "100m"), "other");
    let status = filter_with(&node_name::NodeName, &named, &node("n1", "4", "8Gi").build());
    assert_eq!(status.reasons, vec![node_name::REASON.to_string()]);
    assert!(filter_with(
        &node_name::NodeName,
        &bound(simple_pod("p", "1"), "n1"),
        &node("n1", "4", "8Gi").build()
    )
    .is_success());
}

#[test]
fn taint_toleration_filter_cases() {
    let tainted = node("n1", "4", "8Gi").taint("dedicated", Some("gpu"), "NoSchedule").build();
    let soft = node("n2", "4", "8Gi").taint("dedicated", Some("gpu"), "PreferNoSchedule").build();
    let with = |tolerations: &str| {
        pod(&format!("metadata: {{name: p}}\nspec:\n  tolerations: {tolerations}\n  containers: [{{name: c, image: x}}]\n"))
    };
    for (tolerations, node, ok) in [
        ("[]", &tainted, false),
        ("[{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]", &tainted, true),
        ("[{key: dedicated, operator: Equal, value: cpu, effect: NoSchedule}]", &tainted, false),
        ("[{key: dedicated, operator: Exists}]", &tainted, true),
        ("[{operator: Exists}]", &tainted, true),
        ("[{key: dedicated, operator: Exists, effect: NoExecute}]", &tainted, false),
        ("[]", &soft, true),
    ] {
        let status = filter_with(&taint_toleration::TaintToleration, &with(tolerations), node);
        assert_eq!(status.is_success(), ok, "{tolerations}");
        if !ok {
            assert_eq!(status.reasons, vec![taint_toleration::REASON.to_string()]);
            assert_eq!(status.code, Code::UnschedulableAndUnresolvable);
        }
    }
}

#[test]
fn node_affinity_operators() {
    let n = node("n1", "4", "8Gi").label("disktype", "ssd").label("gen", "5").build();
    let with = |expr: &str| {
        pod(&format!(
            "metadata: {{name: p}}\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{expr}]\n  containers: [{{name: c, image: x}}]\n"
        ))
    };
    for (expr, ok) in [
        ("{key: disktype, operator: In, values: [ssd, nvme]}", true),
        ("{key: disktype, operator: NotIn, values: [ssd]}", false),
        ("{key: disktype, operator: Exists}", true),
        ("{key: gpu, operator: DoesNotExist}", true),
        ("{key: gen, operator: Gt, values: ['4']}", true),
        ("{key: gen, operator: Lt, values: ['4']}", false),
    ] {
        let status = filter_with(&node_affinity::NodeAffinity, &with(expr), &n);
        assert_eq!(status.is_success(), ok, "{expr}");
        if !ok {
            assert_eq!(status.reasons, vec![node_affinity::REASON.to_string()]);
        }
    }
}

#[test]
fn node_ports_conflict_on_same_port_and_protocol() {
    let n = node("n1", "4", "8Gi").build();
    let web = |name: &str, port: u16, protocol: &str| {
        pod(&format!(
            "metadata: {{name: {name}}}\nspec:\n  containers: [{{name: c, image: x, ports: [{{containerPort: 80, hostPort: {port}, protocol: {protocol}}}]}}]\n"
        ))
    };
    let existing = bound(web("a", 8080, "TCP"), "n1");
    let snap = snapshot(std::slice::from_ref(&n), &[existing]);
    let info_node = snap.node("n1").expect("node");
    let verdict =
        |p: &Pod| node_ports::NodePorts.filter(&CycleState::new(), &PodInfo::new(p, &[]), info_node, &snap);
    assert_eq!(verdict(&web("b", 8080, "TCP")).reasons, vec![node_ports::REASON.to_string()]);
    assert!(verdict(&web("c", 8080, "UDP")).is_success());
    assert!(verdict(&web("d", 9090, "TCP")).is_success());
}

#[test]
fn node_resources_fit_reasons_and_init_container_rule() {
    let n = node("n1", "2", "1Gi").allocatable("nvidia.com/gpu", "1").allocatable("pods", "2").build();
    let fit = |yaml: &str, existing: &[Pod]| {
        let snap = snapshot(std::slice::from_ref(&n), existing);
        let p = pod(yaml);
        node_resources_fit::NodeResourcesFit.filter(
            &CycleState::new(),
            &PodInfo::new(&p, &[]),
            snap.node("n1").expect("node"),
            &snap,
        )
    };
    let both = "metadata: {name: p}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {cpu: '3', memory: 2Gi}}}]\n";
    assert_eq!(
        fit(both, &[]).reasons,
        vec!["Insufficient cpu".to_string(), "Insufficient memory".to_string()]
    );
    let gpu = "metadata: {name: p}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {nvidia.com/gpu: '2'}}}]\n";
    assert_eq!(fit(gpu, &[]).reasons, vec!["Insufficient nvidia.com/gpu".to_string()]);
    // Init containers run one at a time: the pod needs max(init, Σ app) = 1500m, which fits.
    let init = "metadata: {name: p}\nspec:\n  initContainers: [{name: i, image: x, resources: {requests: {cpu: 1500m}}}]\n  containers: [{name: a, image: x, resources: {requests: {cpu: 500m}}}, {name: b, image: x, resources: {requests: {cpu: 500m}}}]\n";
    assert!(fit(init, &[]).is_success());
    let init_too_big = init.replace("1500m", "2500m");
    assert_eq!(fit(&init_too_big, &[]).reasons, vec!["Insufficient cpu".to_string()]);
    let existing = [bound(simple_pod("a", "10m"), "n1"), bound(simple_pod("b", "10m"), "n1")];
    assert_eq!(fit(gpu.replace("'2'", "'1'").as_str(), &existing).reasons, vec!["Too many pods".to_string()]);
}

#[test]
fn requests_include_sidecars_and_overhead() {
    let p = pod(
        "metadata: {name: p}\nspec:\n  overhead: {cpu: 100m}\n  initContainers:\n  - {name: proxy, image: x, restartPolicy: Always, resources: {requests: {cpu: 200m}}}\n  - {name: setup, image: x, resources: {requests: {cpu: 1}}}\n  containers: [{name: a, image: x, resources: {requests: {cpu: 300m}}}]\n",
    );
    // max(300 + 200 sidecar, 1000 + 200 sidecar) + 100 overhead.
    assert_eq!(PodInfo::new(&p, &[]).requests.milli_cpu, 1300);
}

// ---- placement by score ----

#[test]
fn preferred_node_affinity_attracts_the_pod() {
    let nodes = vec![
        node("podlab-worker", "4", "8Gi").build(),
        node("podlab-worker2", "4", "8Gi").label("disktype", "ssd").build(),
        node("podlab-worker3", "4", "8Gi").build(),
    ];
    let report = pod(
        "metadata: {name: report}\nspec:\n  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 80\n        preference: {matchExpressions: [{key: disktype, operator: In, values: [ssd, nvme]}]}\n  containers: [{name: c, image: busybox}]\n",
    );
    for seed in 1..20 {
        let result = schedule_one(&report, &snapshot(&nodes, &[]), &mut SimRng::new(seed));
        assert_eq!(result.node(), Some("podlab-worker2"));
        let row = result.nodes.iter().find(|n| n.node == "podlab-worker2").expect("row");
        let affinity = row.scores.iter().find(|s| s.plugin == node_affinity::NAME).expect("score");
        assert_eq!((affinity.raw, affinity.normalized, affinity.weighted()), (80, 100, 200));
    }
}

#[test]
fn least_allocated_prefers_the_emptier_node_and_the_table_explains_it() {
    let nodes = vec![node("a", "4", "8Gi").build(), node("b", "4", "8Gi").build()];
    let busy = bound(simple_pod("busy", "3"), "a");
    let result = schedule_one(&simple_pod("new", "500m"), &snapshot(&nodes, &[busy]), &mut SimRng::new(3));
    assert_eq!(result.node(), Some("b"));
    assert_eq!(result.nodes.len(), 2);
    let totals: Vec<_> = result.nodes.iter().map(|n| (n.node.as_str(), n.total.is_some())).collect();
    assert_eq!(totals, [("a", true), ("b", true)]);
    // Plugins whose PreFilter skipped (no volumes, spread or affinity) are not run.
    let ran: Vec<&str> = result.nodes[0].filters.iter().map(|f| f.plugin).collect();
    assert_eq!(
        ran,
        [
            node_unschedulable::NAME,
            node_name::NAME,
            taint_toleration::NAME,
            node_affinity::NAME,
            node_ports::NAME,
            node_resources_fit::NAME
        ]
    );
}

fn replica(name: &str, labels: &str, extra: &str) -> Pod {
    pod(&format!(
        "metadata:\n  name: {name}\n  namespace: default\n  labels: {labels}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: rs, controller: true}}]\nspec:\n{extra}  containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}}}]\n"
    ))
}

#[test]
fn replicas_spread_across_zones_and_nodes() {
    let nodes: Vec<Node> = (0..6)
        .map(|i| {
            node(&format!("n{i}"), "8", "16Gi")
                .label("topology.kubernetes.io/zone", &format!("zone-{}", i % 3))
                .build()
        })
        .collect();
    let mut snap = snapshot(&nodes, &[]);
    let mut scheduler = Scheduler::new();
    let mut rng = SimRng::new(7);
    for i in 0..6 {
        let p = replica(&format!("web-{i}"), "{app: web}", "");
        let node = scheduler.schedule_one(&p, &snap, &mut rng).node().expect("fits").to_string();
        snap.add_pod(&p, &node);
    }
    // System default spreading puts one replica on each node, two per zone.
    assert!(
        snap.nodes.iter().all(|n| n.pods.len() == 1),
        "{:?}",
        snap.nodes.iter().map(|n| n.pods.len()).collect::<Vec<_>>()
    );
}

#[test]
fn hard_zone_spread_constraint_filters_the_crowded_zone() {
    let nodes = vec![
        node("a1", "8", "16Gi").label("topology.kubernetes.io/zone", "a").build(),
        node("b1", "8", "16Gi").label("topology.kubernetes.io/zone", "b").build(),
        node("nolabel", "8", "16Gi").build(),
    ];
    let constraint = "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n";
    let existing = bound(replica("web-0", "{app: web}", constraint), "a1");
    let result = schedule_one(
        &replica("web-1", "{app: web}", constraint),
        &snapshot(&nodes, std::slice::from_ref(&existing)),
        &mut SimRng::new(1),
    );
    assert_eq!(result.node(), Some("b1"));
    let reasons: BTreeMap<&str, Vec<String>> = result
        .nodes
        .iter()
        .map(|n| (n.node.as_str(), n.filters.last().map(|f| f.status.reasons.clone()).unwrap_or_default()))
        .collect();
    assert_eq!(reasons["a1"], vec![pod_topology_spread::REASON.to_string()]);
    assert_eq!(reasons["nolabel"], vec![pod_topology_spread::MISSING_LABEL_REASON.to_string()]);
}

#[test]
fn inter_pod_affinity_and_anti_affinity() {
    let nodes = vec![
        node("a", "8", "16Gi").label("topology.kubernetes.io/zone", "z1").build(),
        node("b", "8", "16Gi").label("topology.kubernetes.io/zone", "z2").build(),
    ];
    let db = bound(pod("metadata: {name: db, namespace: default, labels: {app: db}}\nspec: {containers: [{name: c, image: x}]}\n"), "b");
    let near_db = pod(
        "metadata: {name: api, namespace: default, labels: {app: api}}\nspec:\n  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - {labelSelector: {matchLabels: {app: db}}, topologyKey: topology.kubernetes.io/zone}\n  containers: [{name: c, image: x}]\n",
    );
    let snap = snapshot(&nodes, &[db]);
    assert_eq!(schedule_one(&near_db, &snap, &mut SimRng::new(1)).node(), Some("b"));
    let away = pod(
        "metadata: {name: api, namespace: default, labels: {app: api}}\nspec:\n  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - {labelSelector: {matchLabels: {app: db}}, topologyKey: kubernetes.io/hostname}\n  containers: [{name: c, image: x}]\n",
    );
    assert_eq!(schedule_one(&away, &snap, &mut SimRng::new(1)).node(), Some("a"));
    let nowhere = near_db.clone();
    let empty = snapshot(&nodes, &[]);
    assert_eq!(
        message_for(&nowhere, &empty),
        "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. no new claims to deallocate, \
         preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    );
}

#[test]
fn required_anti_affinity_leaves_the_extra_replica_pending() {
    let stats = bench_schedule(3, 4, true, 1);
    assert_eq!((stats.scheduled, stats.unschedulable, stats.max_pods_per_node), (3, 1, 1));
    let nodes: Vec<Node> = (0..3).map(super::bench::synthetic_node).collect();
    let pods: Vec<Pod> =
        (0..3).map(|i| bound(super::bench::synthetic_pod(i, true), &format!("node-{i:05}"))).collect();
    assert_eq!(
        message_for(&super::bench::synthetic_pod(3, true), &snapshot(&nodes, &pods)),
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, \
         preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
}

// ---- preemption ----

fn priority_class(name: &str, value: i32) -> PriorityClass {
    PriorityClass {
        metadata: ObjectMeta { name: Some(name.into()), ..Default::default() },
        value: Some(value),
        ..Default::default()
    }
}

#[test]
fn higher_priority_pod_preempts_a_lower_priority_one() {
    let nodes = vec![node("n1", "2", "4Gi").build()];
    let low = bound(simple_pod("low", "1500m"), "n1");
    let classes = [priority_class("high", 1000)];
    let snap = ClusterSnapshot::new(&nodes, &[low], &[], &[], &[], &classes);
    let mut urgent = simple_pod("urgent", "1");
    if let Some(s) = urgent.spec.as_mut() {
        s.priority_class_name = Some("high".into());
    }
    let result = schedule_one(&urgent, &snap, &mut SimRng::new(1));
    match &result.decision {
        Decision::Unschedulable { message, nominated_node, victims } => {
            assert_eq!(message, "0/1 nodes are available: 1 Insufficient cpu.");
            assert_eq!(nominated_node.as_deref(), Some("n1"));
            assert_eq!(victims.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["low"]);
        }
        other => panic!("expected a nomination, got {other:?}"),
    }
    // Same priority: nothing to preempt.
    assert_eq!(
        message_for(&simple_pod("peer", "1"), &snap),
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are \
         available: 1 No preemption victims found for incoming pod."
    );
    let mut polite = urgent.clone();
    if let Some(s) = polite.spec.as_mut() {
        s.preemption_policy = Some("Never".into());
    }
    assert_eq!(
        message_for(&polite, &snap),
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due \
         to preemptionPolicy=Never."
    );
}

#[test]
fn preemption_keeps_victims_that_need_not_go() {
    let nodes = vec![node("n1", "4", "8Gi").build()];
    let pods = [bound(simple_pod("small", "500m"), "n1"), bound(simple_pod("large", "3"), "n1")];
    let classes = [priority_class("high", 1000)];
    let snap = ClusterSnapshot::new(&nodes, &pods, &[], &[], &[], &classes);
    let mut urgent = simple_pod("urgent", "2");
    if let Some(s) = urgent.spec.as_mut() {
        s.priority_class_name = Some("high".into());
    }
    match schedule_one(&urgent, &snap, &mut SimRng::new(1)).decision {
        Decision::Unschedulable { victims, .. } => {
            assert_eq!(victims.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["large"])
        }
        other => panic!("expected preemption, got {other:?}"),
    }
}

// ---- scale rules and determinism ----

#[test]
fn percentage_of_nodes_to_score_is_adaptive() {
    for (nodes, find) in [(3, 3), (99, 99), (100, 100), (1000, 420), (5000, 500), (6000, 300)] {
        assert_eq!(num_feasible_nodes_to_find(nodes), find, "{nodes}");
    }
}

#[test]
fn same_seed_gives_same_placements() {
    let run = |seed| {
        let nodes: Vec<Node> = (0..20).map(super::bench::synthetic_node).collect();
        let mut snap = snapshot(&nodes, &[]);
        let mut scheduler = Scheduler::new();
        let mut rng = SimRng::new(seed);
        (0..60)
            .map(|i| {
                let p = super::bench::synthetic_pod(i, false);
                let node = scheduler.schedule_one(&p, &snap, &mut rng).node().expect("fits").to_string();
                snap.add_pod(&p, &node);
                node
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(42), run(42));
    let stats = bench_schedule(20, 60, false, 42);
    assert_eq!((stats.scheduled, stats.nodes_used, stats.max_pods_per_node), (60, 20, 3));
}

#[test]
fn no_nodes_means_no_nodes_available() {
    assert_eq!(
        message_for(&simple_pod("p", "1"), &snapshot(&[], &[])),
        "no nodes available to schedule pods"
    );
}

#[test]
fn gated_pod_is_rejected_in_prefilter() {
    let gated = pod("metadata: {name: g}\nspec:\n  schedulingGates: [{name: example.com/wait}]\n  containers: [{name: c, image: x}]\n");
    let msg = message_for(&gated, &snapshot(&[node("n1", "1", "1Gi").build()], &[]));
    assert!(
        msg.starts_with("0/1 nodes are available: waiting for scheduling gates: [example.com/wait]."),
        "{msg}"
    );
}

// ---- scoring plugins ----

fn score_row(result: &super::schedule::ScheduleResult, node: &str, plugin: &str) -> (i64, i64) {
    let row = result.nodes.iter().find(|n| n.node == node).expect("node row");
    let score = row.scores.iter().find(|s| s.plugin == plugin).expect("plugin score");
    (score.raw, score.normalized)
}

#[test]
fn prefer_no_schedule_taint_lowers_the_score() {
    let nodes = vec![
        node("a", "4", "8Gi").taint("spot", Some("true"), "PreferNoSchedule").build(),
        node("b", "4", "8Gi").build(),
    ];
    let result = schedule_one(&simple_pod("p", "100m"), &snapshot(&nodes, &[]), &mut SimRng::new(1));
    assert_eq!(result.node(), Some("b"));
    assert_eq!(score_row(&result, "a", taint_toleration::NAME), (1, 0));
    assert_eq!(score_row(&result, "b", taint_toleration::NAME), (0, 100));
}

#[test]
fn image_locality_favours_nodes_with_large_images() {
    let mut with_image = node("a", "4", "8Gi").build();
    if let Some(status) = with_image.status.as_mut() {
        status.images = Some(vec![k8s_openapi::api::core::v1::ContainerImage {
            names: Some(vec!["docker.io/library/nginx:latest".into()]),
            size_bytes: Some(500 * 1024 * 1024),
        }]);
    }
    let nodes = vec![with_image, node("b", "4", "8Gi").build()];
    let result = schedule_one(&simple_pod("p", "100m"), &snapshot(&nodes, &[]), &mut SimRng::new(1));
    // 500 MiB × (1 of 2 nodes) = 250 MiB in the 23..1000 MiB window.
    assert_eq!(score_row(&result, "a", image_locality::NAME).0, 100 * (250 - 23) / (1000 - 23));
    assert_eq!(score_row(&result, "b", image_locality::NAME).0, 0);
    assert_eq!(result.node(), Some("a"));
}

#[test]
fn balanced_allocation_and_least_allocated_scores() {
    let nodes = vec![node("a", "4", "4Gi").build(), node("b", "4", "4Gi").build()];
    let p = pod("metadata: {name: p}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {cpu: '2', memory: 1Gi}}}]\n");
    let result = schedule_one(&p, &snapshot(&nodes, &[]), &mut SimRng::new(1));
    // cpu 50 % used, memory 25 %: std-dev 0.125 → 87; least allocated (50 + 75) / 2 = 62.
    assert_eq!(score_row(&result, "a", balanced_allocation::NAME), (87, 87));
    assert_eq!(score_row(&result, "a", node_resources_fit::NAME), (62, 62));
}

#[test]
fn read_write_once_pod_claim_in_use_blocks_a_second_pod() {
    let claim: PersistentVolumeClaim = serde_yaml::from_str(
        "metadata: {name: solo, namespace: default}\nspec: {accessModes: [ReadWriteOncePod], volumeName: pv1, resources: {requests: {storage: 1Gi}}}\n",
    )
    .expect("pvc");
    let volume: k8s_openapi::api::core::v1::PersistentVolume = serde_yaml::from_str(
        "metadata: {name: pv1}\nspec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOncePod]}\n",
    )
    .expect("pv");
    let user = |name: &str| {
        pod(&format!(
            "metadata: {{name: {name}, namespace: default, uid: {name}}}\nspec:\n  containers: [{{name: c, image: x}}]\n  volumes: [{{name: d, persistentVolumeClaim: {{claimName: solo}}}}]\n"
        ))
    };
    let nodes = vec![node("n1", "4", "8Gi").build()];
    let first = bound(user("first"), "n1");
    let snap = ClusterSnapshot::new(&nodes, &[first], &[claim], &[volume], &[], &[]);
    assert_eq!(
        message_for(&user("second"), &snap),
        "0/1 nodes are available: node has pod using PersistentVolumeClaim with the same name and \
         ReadWriteOncePod access mode. preemption: 0/1 nodes are available: 1 Preemption is not helpful for \
         scheduling."
    );
}

#[test]
fn bound_local_volume_pins_the_pod_to_its_node() {
    let claim: PersistentVolumeClaim = serde_yaml::from_str(
        "metadata: {name: data, namespace: default}\nspec: {accessModes: [ReadWriteOnce], volumeName: local-pv, resources: {requests: {storage: 1Gi}}}\n",
    )
    .expect("pvc");
    let volume: k8s_openapi::api::core::v1::PersistentVolume = serde_yaml::from_str(
        "metadata: {name: local-pv}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [n2]}]\n",
    )
    .expect("pv");
    let user = pod(
        "metadata: {name: db, namespace: default}\nspec:\n  containers: [{name: c, image: x}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
    );
    let nodes = vec![node("n1", "4", "8Gi").build(), node("n2", "4", "8Gi").build()];
    let snap = ClusterSnapshot::new(&nodes, &[], &[claim], &[volume], &[], &[]);
    let result = schedule_one(&user, &snap, &mut SimRng::new(1));
    assert_eq!(result.node(), Some("n2"));
    let n1 = result.nodes.iter().find(|n| n.node == "n1").expect("row");
    assert_eq!(
        n1.filters.last().map(|f| (f.plugin, f.status.reasons.clone())),
        Some((volume_binding::NAME, vec![volume_binding::NODE_CONFLICT.to_string()]))
    );
}

#[test]
fn snapshot_updates_keep_requested_resources_incremental() {
    let mut snap = snapshot(&[node("n1", "4", "8Gi").build()], &[bound(simple_pod("a", "1"), "n1")]);
    assert!(snap.add_pod(&simple_pod("b", "500m"), "n1"));
    assert_eq!(snap.node("n1").map(|n| n.requested.milli_cpu), Some(1500));
    snap.set_node(&node("n1", "4", "8Gi").label("disktype", "ssd").build());
    assert_eq!(snap.node("n1").map(|n| (n.requested.milli_cpu, n.pods.len())), Some((1500, 2)));
    assert!(snap.remove_pod("default", "a", "n1"));
    assert_eq!(snap.node("n1").map(|n| n.requested.milli_cpu), Some(500));
    snap.set_node(&node("m0", "2", "2Gi").build());
    assert_eq!(snap.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["m0", "n1"]);
    assert!(snap.remove_node("m0"));
    assert!(!snap.add_pod(&simple_pod("c", "1"), "m0"));
}

#[test]
fn preemption_does_not_help_a_pod_whose_claim_is_missing() {
    let nodes = vec![node("n1", "4", "8Gi").build()];
    let classes = [priority_class("high", 1000)];
    let snap = ClusterSnapshot::new(&nodes, &[bound(simple_pod("low", "1"), "n1")], &[], &[], &[], &classes);
    let with_claim = pod(
        "metadata: {name: db, namespace: default}\nspec:\n  priorityClassName: high\n  containers: [{name: c, image: x}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
    );
    let result = schedule_one(&with_claim, &snap, &mut SimRng::new(1));
    assert_eq!(
        result.decision,
        Decision::Unschedulable {
            message:
                "0/1 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/1 nodes \
                      are available: 1 persistentvolumeclaim \"data\" not found."
                    .to_string(),
            nominated_node: None,
            victims: Vec::new(),
        }
    );
    assert_eq!(
        super::schedule::scheduled_event_message("default", "web", "podlab-worker"),
        "Successfully assigned default/web to podlab-worker"
    );
}

#[test]
fn room_freed_for_a_nominated_pod_is_kept_for_it() {
    let nodes = vec![node("n1", "4", "8Gi").build(), node("n2", "4", "8Gi").build()];
    let classes = [priority_class("high", 1000)];
    let mut waiting = simple_pod("urgent", "3");
    if let Some(s) = waiting.spec.as_mut() {
        s.priority_class_name = Some("high".into());
    }
    waiting.status = Some(k8s_openapi::api::core::v1::PodStatus {
        nominated_node_name: Some("n1".into()),
        ..Default::default()
    });
    let busy = bound(simple_pod("busy", "3"), "n2");
    let snap = ClusterSnapshot::new(&nodes, &[waiting.clone(), busy], &[], &[], &[], &classes);
    // A lower-priority pod may not take the nominated room on n1, nor fit beside `busy` on n2.
    assert_eq!(
        message_for(&simple_pod("late", "2"), &snap),
        "0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, preemption: 0/2 nodes are \
         available: 2 No preemption victims found for incoming pod."
    );
    // The nominated pod itself goes to its node.
    assert_eq!(schedule_one(&waiting, &snap, &mut SimRng::new(1)).node(), Some("n1"));
    let mut assumed = snap.clone();
    assumed.add_pod(&waiting, "n1");
    assert!(assumed.nominated.is_empty());
}

#[test]
fn domain_counts_follow_pod_adds_and_removes() {
    let nodes = vec![
        node("a", "4", "8Gi").label("topology.kubernetes.io/zone", "z1").build(),
        node("b", "4", "8Gi").label("topology.kubernetes.io/zone", "z1").build(),
    ];
    let mut snap = snapshot(&nodes, &[bound(replica("web-0", "{app: web}", ""), "a")]);
    snap.add_pod(&replica("web-1", "{app: web}", ""), "b");
    let group = ("default".to_string(), BTreeMap::from([("app".to_string(), "web".to_string())]));
    let zone = ("topology.kubernetes.io/zone".to_string(), "z1".to_string());
    assert_eq!(snap.domain_counts[&group][&zone], 2);
    snap.remove_pod("default", "web-0", "a");
    assert_eq!(snap.domain_counts[&group][&zone], 1);
    snap.remove_pod("default", "web-1", "b");
    assert!(!snap.domain_counts.contains_key(&group));
    assert_eq!(snap.label_key_nodes.get("topology.kubernetes.io/zone"), Some(&2));
}

#[test]
fn delayed_claims_are_provisioned_on_the_chosen_node_or_bound_to_the_smallest_volume() {
    let claim = |name: &str, class: &str| -> PersistentVolumeClaim {
        serde_yaml::from_str(&format!(
            "metadata: {{name: {name}, namespace: default}}\nspec: {{storageClassName: {class}, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}\n"
        ))
        .expect("pvc")
    };
    let class = |name: &str, provisioner: &str| -> StorageClass {
        serde_yaml::from_str(&format!(
            "metadata: {{name: {name}}}\nprovisioner: {provisioner}\nvolumeBindingMode: WaitForFirstConsumer\n"
        ))
        .expect("class")
    };
    let volume = |name: &str, size: &str| -> k8s_openapi::api::core::v1::PersistentVolume {
        serde_yaml::from_str(&format!(
            "metadata: {{name: {name}}}\nspec: {{storageClassName: manual, capacity: {{storage: {size}}}, accessModes: [ReadWriteOnce]}}\n"
        ))
        .expect("pv")
    };
    let user = pod(
        "metadata: {name: app, namespace: default}\nspec:\n  containers: [{name: c, image: x}]\n  volumes:\n  - {name: a, persistentVolumeClaim: {claimName: dynamic}}\n  - {name: b, persistentVolumeClaim: {claimName: static}}\n",
    );
    let snap = ClusterSnapshot::new(
        &[node("n1", "4", "8Gi").build()],
        &[],
        &[claim("dynamic", "standard"), claim("static", "manual")],
        &[volume("big", "10Gi"), volume("small", "2Gi"), volume("tiny", "500Mi")],
        &[class("standard", "rancher.io/local-path"), class("manual", "kubernetes.io/no-provisioner")],
        &[],
    );
    assert_eq!(schedule_one(&user, &snap, &mut SimRng::new(1)).node(), Some("n1"));
    assert_eq!(
        volume_binding::claim_bindings(&PodInfo::new(&user, &[]), "n1", &snap),
        vec![
            volume_binding::ClaimBinding::Provision { claim: "dynamic".into(), node: "n1".into() },
            volume_binding::ClaimBinding::Static { claim: "static".into(), volume: "small".into() },
        ]
    );
}

#[test]
fn first_pod_of_a_self_affine_group_may_go_anywhere_with_the_topology_label() {
    let nodes = vec![
        node("a", "4", "8Gi").label("topology.kubernetes.io/zone", "z1").build(),
        node("b", "4", "8Gi").build(),
    ];
    let grouped = pod(
        "metadata: {name: cache-0, namespace: default, labels: {app: cache}}\nspec:\n  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - {labelSelector: {matchLabels: {app: cache}}, topologyKey: topology.kubernetes.io/zone}\n  containers: [{name: c, image: x}]\n",
    );
    let result = schedule_one(&grouped, &snapshot(&nodes, &[]), &mut SimRng::new(1));
    assert_eq!(result.node(), Some("a"));
    let b = result.nodes.iter().find(|n| n.node == "b").expect("row");
    assert_eq!(
        b.filters.last().map(|f| f.status.reasons.clone()),
        Some(vec![inter_pod_affinity::AFFINITY_REASON.to_string()])
    );
}

#[test]
fn pod_level_requests_replace_container_sums() {
    let p = pod(
        "metadata: {name: p}\nspec:\n  resources: {requests: {cpu: '2'}}\n  containers: [{name: a, image: x, resources: {requests: {cpu: 100m, memory: 64Mi}}}]\n",
    );
    let info = PodInfo::new(&p, &[]);
    assert_eq!((info.requests.milli_cpu, info.requests.memory), (2000, 64 * 1024 * 1024));
    assert_eq!(info.non_zero_milli_cpu, 2000);
}

#[test]
fn balanced_allocation_skips_best_effort_pods() {
    let nodes = vec![node("a", "4", "4Gi").build(), node("b", "4", "4Gi").build()];
    let best_effort = pod("metadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n");
    let result = schedule_one(&best_effort, &snapshot(&nodes, &[]), &mut SimRng::new(1));
    let row = result.nodes.iter().find(|n| n.node == "a").expect("row");
    assert!(row.scores.iter().all(|s| s.plugin != balanced_allocation::NAME));
    assert!(row.scores.iter().any(|s| s.plugin == node_resources_fit::NAME));
}

#[test]
fn replicas_spread_over_nodes_without_zone_labels() {
    // The default kind-like cluster has no zone labels; system defaults still spread by hostname.
    let mut snap = snapshot(&kind_cluster(), &[]);
    let mut scheduler = Scheduler::new();
    let mut rng = SimRng::new(11);
    for i in 0..6 {
        let p = replica(&format!("web-{i}"), "{app: web}", "");
        let node = scheduler.schedule_one(&p, &snap, &mut rng).node().expect("fits").to_string();
        snap.add_pod(&p, &node);
    }
    let per_node: Vec<usize> = snap.nodes.iter().map(|n| n.pods.len()).collect();
    assert_eq!(per_node, [0, 2, 2, 2]);
}

#[test]
fn zonal_volume_keeps_the_pod_in_its_zone() {
    let claim: PersistentVolumeClaim = serde_yaml::from_str(
        "metadata: {name: data, namespace: default}\nspec: {accessModes: [ReadWriteOnce], volumeName: disk-1, resources: {requests: {storage: 1Gi}}}\n",
    )
    .expect("pvc");
    let volume: k8s_openapi::api::core::v1::PersistentVolume = serde_yaml::from_str(
        "metadata: {name: disk-1, labels: {topology.kubernetes.io/zone: z2}}\nspec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce]}\n",
    )
    .expect("pv");
    let user = pod(
        "metadata: {name: db, namespace: default}\nspec:\n  containers: [{name: c, image: x}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
    );
    let nodes = vec![
        node("a", "4", "8Gi").label("topology.kubernetes.io/zone", "z1").build(),
        node("b", "4", "8Gi").label("topology.kubernetes.io/zone", "z2").build(),
    ];
    let snap = ClusterSnapshot::new(&nodes, &[], &[claim], &[volume], &[], &[]);
    let result = schedule_one(&user, &snap, &mut SimRng::new(1));
    assert_eq!(result.node(), Some("b"));
    let a = result.nodes.iter().find(|n| n.node == "a").expect("row");
    assert_eq!(
        a.filters.last().map(|f| (f.plugin, f.status.reasons.clone())),
        Some((volume_zone::NAME, vec![volume_zone::REASON.to_string()]))
    );
}

#[test]
fn four_three_cpu_replicas_fill_three_workers_and_the_fourth_waits() {
    let mut snap = snapshot(&kind_cluster(), &[]);
    let mut scheduler = Scheduler::new();
    let mut rng = SimRng::new(5);
    let crunch = |i: usize| {
        let mut p = replica(&format!("crunch-{i}"), "{app: crunch}", "");
        if let Some(c) = p.spec.as_mut().and_then(|s| s.containers.first_mut()) {
            c.resources = serde_yaml::from_str("{requests: {cpu: '3', memory: 256Mi}}").ok();
        }
        p
    };
    let mut placed = Vec::new();
    for i in 0..3 {
        let p = crunch(i);
        let node = scheduler.schedule_one(&p, &snap, &mut rng).node().expect("fits").to_string();
        snap.add_pod(&p, &node);
        placed.push(node);
    }
    placed.sort();
    assert_eq!(placed, ["podlab-worker", "podlab-worker2", "podlab-worker3"]);
    let fourth = scheduler.schedule_one(&crunch(3), &snap, &mut rng);
    assert_eq!(
        fourth.message(),
        Some(
            "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient cpu. no new claims to \
             deallocate, preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No \
             preemption victims found for incoming pod."
        )
    );
}

#[test]
fn a_preemptor_waits_for_its_terminating_victims() {
    let nodes = vec![node("n1", "2", "4Gi").build()];
    let mut victim = bound(simple_pod("low", "1500m"), "n1");
    victim.metadata.deletion_timestamp =
        Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
    let classes = [priority_class("high", 1000)];
    let snap = ClusterSnapshot::new(&nodes, &[victim], &[], &[], &[], &classes);
    let mut urgent = simple_pod("urgent", "1");
    if let Some(s) = urgent.spec.as_mut() {
        s.priority_class_name = Some("high".into());
    }
    urgent.status = Some(k8s_openapi::api::core::v1::PodStatus {
        nominated_node_name: Some("n1".into()),
        ..Default::default()
    });
    assert_eq!(
        message_for(&urgent, &snap),
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due \
         to a terminating pod on the nominated node."
    );
}
