//! Golden tests: whole tables and describe layouts against kubectl's output (k8s-semantics §3,
//! the docs' sample outputs), objects built from JSON as the API would return them.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::describe;
use super::{cluster, render_table, services, workloads, TableOptions};

const T0: i64 = crate::sim::time::DEFAULT_EPOCH_UNIX;

fn ts(offset: i64) -> String {
    crate::sim::time::rfc3339(T0 + offset)
}

fn obj<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("fixture")
}

fn plain() -> TableOptions {
    TableOptions::default()
}

fn nginx_template() -> Value {
    json!({"metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16.1", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}})
}

fn deployment() -> k8s_openapi::api::apps::v1::Deployment {
    obj(json!({"metadata": {"name": "nginx-deployment", "namespace": "default", "creationTimestamp": ts(0),
            "labels": {"app": "nginx"}, "annotations": {"deployment.kubernetes.io/revision": "2"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}}, "template": nginx_template(),
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}},
        "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}))
}

fn replica_set(name: &str, replicas: i32) -> k8s_openapi::api::apps::v1::ReplicaSet {
    obj(
        json!({"metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(0), "labels": {"app": "nginx"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx-deployment", "uid": "u1", "controller": true}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}}, "template": nginx_template()},
        "status": {"replicas": replicas, "readyReplicas": replicas}}),
    )
}

fn scaling_event(message: &str, at: i64) -> k8s_openapi::api::core::v1::Event {
    obj(json!({"metadata": {"name": format!("nginx-deployment.{at}"), "namespace": "default"},
        "involvedObject": {"kind": "Deployment", "name": "nginx-deployment", "namespace": "default"},
        "reason": "ScalingReplicaSet", "type": "Normal", "message": message,
        "source": {"component": "deployment-controller"}, "firstTimestamp": ts(at), "lastTimestamp": ts(at), "count": 1}))
}

#[test]
fn deployments_and_replica_sets_tables() {
    let t = workloads::deployments_table(&[deployment()], T0 + 40);
    assert_eq!(
        render_table(&t, &plain()),
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\nnginx-deployment   3/3     3            3           40s\n"
    );
    let wide = TableOptions { wide: true, ..plain() };
    assert_eq!(
        render_table(&t, &wide),
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES         SELECTOR\n\
         nginx-deployment   3/3     3            3           40s   nginx        nginx:1.16.1   app=nginx\n"
    );
    let rs = workloads::replicasets_table(&[replica_set("frontend", 3)], T0 + 6);
    assert_eq!(
        render_table(&rs, &plain()),
        "NAME       DESIRED   CURRENT   READY   AGE\nfrontend   3         3         3       6s\n"
    );
}

#[test]
fn describe_deployment_layout() {
    let new_rs = replica_set("nginx-deployment-1564180365", 3);
    let old_rs = replica_set("nginx-deployment-2035384211", 0);
    let mid_rollout = replica_set("nginx-deployment-2035384211", 2);
    let fresh = describe::describe_deployment(&deployment(), None, &[], &[], T0);
    assert!(!fresh.contains("OldReplicaSets") && !fresh.contains("NewReplicaSet:"), "{fresh}");
    let text = describe::describe_deployment(&deployment(), Some(&new_rs), &[&mid_rollout], &[], T0);
    assert!(
        text.contains("\nOldReplicaSets:  nginx-deployment-2035384211 (2/2 replicas created)\n"),
        "{text}"
    );
    let events = vec![
        scaling_event("Scaled up replica set nginx-deployment-2035384211 to 3", 0),
        scaling_event("Scaled up replica set nginx-deployment-1564180365 to 1", 96),
    ];
    let text = describe::describe_deployment(&deployment(), Some(&new_rs), &[&old_rs], &events, T0 + 120);
    let expected = "\
Name:                   nginx-deployment
Namespace:              default
CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000
Labels:                 app=nginx
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=nginx
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:         nginx:1.16.1
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  nginx-deployment-2035384211 (0/0 replicas created)
NewReplicaSet:   nginx-deployment-1564180365 (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set nginx-deployment-2035384211 to 3
  Normal  ScalingReplicaSet  24s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 1
";
    assert_eq!(text, expected, "\n{text}");
}

#[test]
fn describe_replica_set_counts_pods() {
    let pods: Vec<k8s_openapi::api::core::v1::Pod> = (0..3)
        .map(|i| obj(json!({"metadata": {"name": format!("frontend-{i}")}, "status": {"phase": "Running"}})))
        .collect();
    let text = describe::describe_replicaset(&replica_set("frontend", 3), &pods, &[], T0 + 10);
    assert!(text.contains("\nReplicas:       3 current / 3 desired\nPods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), "{text}");
    assert!(text.contains("\nControlled By:  Deployment/nginx-deployment\n"), "{text}");
}

fn pi_job(done: bool) -> k8s_openapi::api::batch::v1::Job {
    let mut status = json!({"startTime": ts(0), "active": 1, "ready": 0});
    if done {
        status = json!({"startTime": ts(0), "completionTime": ts(9), "succeeded": 1, "ready": 0,
            "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]});
    }
    obj(json!({"metadata": {"name": "pi", "namespace": "default", "creationTimestamp": ts(0),
            "labels": {"batch.kubernetes.io/job-name": "pi"}},
        "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 4, "completionMode": "NonIndexed", "suspend": false,
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "c9948307"}},
            "template": {"metadata": {"labels": {"batch.kubernetes.io/job-name": "pi"}},
                "spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34.0",
                    "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}]}}},
        "status": status}))
}

#[test]
fn jobs_table_status_completions_duration() {
    let t = workloads::jobs_table(&[pi_job(true)], T0 + 20);
    assert_eq!(
        render_table(&t, &plain()),
        "NAME   STATUS     COMPLETIONS   DURATION   AGE\npi     Complete   1/1           9s         20s\n"
    );
    let t = workloads::jobs_table(&[pi_job(false)], T0 + 5);
    assert_eq!(
        render_table(&t, &plain()),
        "NAME   STATUS    COMPLETIONS   DURATION   AGE\npi     Running   0/1           5s         5s\n"
    );
}

#[test]
fn describe_job_layout() {
    let text = describe::describe_job(&pi_job(true), &[], T0 + 20);
    let expected = "\
Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid=c9948307
Labels:           batch.kubernetes.io/job-name=pi
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    4
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Completed At:     Thu, 01 Jan 2026 00:00:09 +0000
Duration:         9s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/job-name=pi
  Containers:
   pi:
    Image:      perl:5.34.0
    Port:       <none>
    Host Port:  <none>
    Command:
      perl
      -Mbignum=bpi
      -wle
      print bpi(2000)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(text, expected, "\n{text}");
}

#[test]
fn cronjobs_table() {
    let cj: k8s_openapi::api::batch::v1::CronJob = obj(
        json!({"metadata": {"name": "hello", "creationTimestamp": ts(0)},
        "spec": {"schedule": "* * * * *", "suspend": false, "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "hello", "image": "busybox:1.28"}]}}}}},
        "status": {"lastScheduleTime": ts(150)}}),
    );
    assert_eq!(
        render_table(&workloads::cronjobs_table(&[cj], T0 + 182), &plain()),
        "NAME    SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\nhello   * * * * *   <none>     False     0        32s             3m2s\n"
    );
}

#[test]
fn services_and_endpoints_tables() {
    let kubernetes: k8s_openapi::api::core::v1::Service = obj(
        json!({"metadata": {"name": "kubernetes", "creationTimestamp": ts(-864_000)},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
    );
    let web: k8s_openapi::api::core::v1::Service = obj(
        json!({"metadata": {"name": "web", "creationTimestamp": ts(-5)},
        "spec": {"type": "NodePort", "clusterIPs": ["10.96.45.120"], "selector": {"app": "web"}, "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}]}}),
    );
    let lb: k8s_openapi::api::core::v1::Service = obj(
        json!({"metadata": {"name": "lb", "creationTimestamp": ts(-5)},
        "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.7.7"], "ports": [{"port": 80, "protocol": "TCP", "nodePort": 31000}]}}),
    );
    assert_eq!(
        render_table(&services::services_table(&[kubernetes, web, lb], T0, false), &plain()),
        "NAME         TYPE           CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\n\
         kubernetes   ClusterIP      10.96.0.1      <none>        443/TCP        10d\n\
         web          NodePort       10.96.45.120   <none>        80:30080/TCP   5s\n\
         lb           LoadBalancer   10.96.7.7      <pending>     80:31000/TCP   5s\n"
    );
    let many: k8s_openapi::api::core::v1::Endpoints = obj(
        json!({"metadata": {"name": "web", "creationTimestamp": ts(0)},
        "subsets": [{"addresses": [{"ip": "10.244.1.2"}, {"ip": "10.244.2.3"}, {"ip": "10.244.1.4"}, {"ip": "10.244.2.5"}], "ports": [{"port": 80}]}]}),
    );
    let none: k8s_openapi::api::core::v1::Endpoints =
        obj(json!({"metadata": {"name": "idle", "creationTimestamp": ts(0)}}));
    let unready: k8s_openapi::api::core::v1::Endpoints =
        obj(json!({"metadata": {"name": "warming", "creationTimestamp": ts(0)},
        "subsets": [{"notReadyAddresses": [{"ip": "10.244.1.9"}], "ports": [{"port": 80}]}]}));
    assert_eq!(
        render_table(&services::endpoints_table(&[many, none, unready], T0 + 7), &plain()),
        "NAME      ENDPOINTS                                               AGE\n\
         web       10.244.1.2:80,10.244.2.3:80,10.244.1.4:80 + 1 more...   7s\n\
         idle      <none>                                                  7s\n\
         warming                                                           7s\n"
    );
}

#[test]
fn nodes_table_status_and_roles() {
    let node = |name: &str,
                role: Option<&str>,
                ready: &str,
                unschedulable: bool|
     -> k8s_openapi::api::core::v1::Node {
        let mut labels = json!({"kubernetes.io/hostname": name});
        if let Some(role) = role {
            labels[format!("node-role.kubernetes.io/{role}")] = json!("");
        }
        obj(json!({"metadata": {"name": name, "creationTimestamp": ts(-864_000), "labels": labels},
            "spec": {"unschedulable": unschedulable},
            "status": {"conditions": [{"type": "Ready", "status": ready}],
                "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}],
                "nodeInfo": {"kubeletVersion": "v1.36.0", "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.8.0",
                    "containerRuntimeVersion": "containerd://2.1.1", "machineID": "", "systemUUID": "", "bootID": "",
                    "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64"}}}))
    };
    let nodes = [
        node("kind-control-plane", Some("control-plane"), "True", false),
        node("kind-worker", None, "True", true),
        node("kind-worker2", None, "Unknown", false),
    ];
    assert_eq!(
        render_table(&cluster::nodes_table(&nodes, T0), &plain()),
        "NAME                 STATUS                     ROLES           AGE   VERSION\n\
         kind-control-plane   Ready                      control-plane   10d   v1.36.0\n\
         kind-worker          Ready,SchedulingDisabled   <none>          10d   v1.36.0\n\
         kind-worker2         NotReady                   <none>          10d   v1.36.0\n"
    );
    let wide = TableOptions { wide: true, ..plain() };
    let text = render_table(&cluster::nodes_table(&nodes[..1], T0), &wide);
    assert_eq!(
        text,
        "NAME                 STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n\
         kind-control-plane   Ready    control-plane   10d   v1.36.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0            containerd://2.1.1\n"
    );
}

#[test]
fn events_table_narrow_and_wide() {
    let e: k8s_openapi::api::core::v1::Event = obj(
        json!({"metadata": {"name": "web-7c5ddbdf54-x2x7k.18a2b", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web-7c5ddbdf54-x2x7k", "fieldPath": "spec.containers{app}"},
        "reason": "Pulled", "type": "Normal", "message": "Container image \"nginx:1.27\" already present on machine",
        "source": {"component": "kubelet", "host": "kind-worker"}, "firstTimestamp": ts(0), "lastTimestamp": ts(0), "count": 1}),
    );
    let t = cluster::events_table(&[e], T0 + 12);
    assert_eq!(
        render_table(&t, &plain()),
        "LAST SEEN   TYPE     REASON   OBJECT                     MESSAGE\n\
         12s         Normal   Pulled   pod/web-7c5ddbdf54-x2x7k   Container image \"nginx:1.27\" already present on machine\n"
    );
    let wide = render_table(&t, &TableOptions { wide: true, ..plain() });
    assert!(wide.starts_with("LAST SEEN   TYPE     REASON   OBJECT                     SUBOBJECT              SOURCE                 MESSAGE"), "{wide}");
    assert!(wide.contains("spec.containers{app}   kubelet, kind-worker   Container image"), "{wide}");
    assert!(wide.trim_end().ends_with("12s          1       web-7c5ddbdf54-x2x7k.18a2b"), "{wide}");
}

#[test]
fn storage_tables() {
    let pvc: k8s_openapi::api::core::v1::PersistentVolumeClaim = obj(
        json!({"metadata": {"name": "www-web-0", "creationTimestamp": ts(0)},
        "spec": {"volumeName": "pvc-3f1a6c2e-8d7b-4c1e-9a55-0b6f2d9e1c44", "storageClassName": "standard", "accessModes": ["ReadWriteOnce"]},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}}),
    );
    let pending: k8s_openapi::api::core::v1::PersistentVolumeClaim = obj(
        json!({"metadata": {"name": "notes", "creationTimestamp": ts(100)},
        "spec": {"storageClassName": "standard", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Pending"}}),
    );
    assert_eq!(
        render_table(&cluster::pvcs_table(&[pvc, pending], T0 + 120), &plain()),
        "NAME        STATUS    VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n\
         www-web-0   Bound     pvc-3f1a6c2e-8d7b-4c1e-9a55-0b6f2d9e1c44   1Gi        RWO            standard       <unset>                 2m\n\
         notes       Pending                                                                        standard       <unset>                 20s\n"
    );
    let sc: k8s_openapi::api::storage::v1::StorageClass = obj(
        json!({"metadata": {"name": "standard", "creationTimestamp": ts(0),
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"}),
    );
    assert_eq!(
        render_table(&cluster::storageclasses_table(&[sc], T0 + 864_000), &plain()),
        "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\n\
         standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  10d\n"
    );
}

#[test]
fn hpa_targets_formats() {
    let hpa: k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler = obj(
        json!({"metadata": {"name": "web", "creationTimestamp": ts(0)},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]},
        "status": {"currentReplicas": 1, "desiredReplicas": 1,
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12, "averageValue": "12m"}}}]}}),
    );
    assert_eq!(
        render_table(&workloads::hpas_table(std::slice::from_ref(&hpa), T0 + 120), &plain()),
        "NAME   REFERENCE        TARGETS        MINPODS   MAXPODS   REPLICAS   AGE\nweb    Deployment/web   cpu: 12%/50%   1         10        1          2m\n"
    );
    let mut no_metrics = hpa;
    no_metrics.status = None;
    let t = workloads::hpas_table(&[no_metrics], T0 + 120);
    assert_eq!(t.rows[0].cells[2], "cpu: <unknown>/50%");
}

#[test]
fn describe_service_ports_and_endpoints() {
    let svc: k8s_openapi::api::core::v1::Service = obj(
        json!({"metadata": {"name": "web", "namespace": "default"},
        "spec": {"type": "NodePort", "clusterIP": "10.96.45.120", "clusterIPs": ["10.96.45.120"], "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack", "selector": {"app": "web"}, "sessionAffinity": "None",
            "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 30080}]}}),
    );
    let slice: k8s_openapi::api::discovery::v1::EndpointSlice = obj(
        json!({"metadata": {"name": "web-abcde"}, "addressType": "IPv4",
        "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.244.1.2"], "conditions": {"ready": true}}, {"addresses": ["10.244.2.3"], "conditions": {"ready": false}}]}),
    );
    let text = describe::describe_service(&svc, &[slice], &[], T0);
    let expected = "\
Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.45.120
IPs:                      10.96.45.120
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
NodePort:                 <unset>  30080/TCP
Endpoints:                10.244.1.2:8080
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
";
    assert_eq!(text, expected, "\n{text}");
}

#[test]
fn generic_table_and_describe_for_custom_resources() {
    let cr = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
        "metadata": {"name": "my-new-cron-object", "namespace": "default", "creationTimestamp": ts(0)},
        "spec": {"cronSpec": "* * * * */5", "image": "my-awesome-cron-image"}});
    assert_eq!(
        render_table(&cluster::generic_table(std::slice::from_ref(&cr), T0 + 30), &plain()),
        "NAME                 AGE\nmy-new-cron-object   30s\n"
    );
    let text = describe::describe_generic(&cr, &[], T0);
    assert!(text.contains("\nAPI Version:  stable.example.com/v1\nKind:         CronTab\nMetadata:\n  Creation Timestamp:  2026-01-01T00:00:00Z\nSpec:\n  Cron Spec:  * * * * */5\n  Image:      my-awesome-cron-image\nEvents:       <none>\n"), "{text}");
}

#[test]
fn describe_hpa_metrics_and_replicas() {
    let hpa: k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler = obj(
        json!({"metadata": {"name": "checkout", "namespace": "default", "creationTimestamp": ts(0)},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "checkout"}, "minReplicas": 1, "maxReplicas": 6,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]},
        "status": {"currentReplicas": 1, "desiredReplicas": 1,
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12, "averageValue": "12m"}}}],
            "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size"}]}}),
    );
    let text = describe::describe_hpa(&hpa, &[], T0);
    let expected = "\
Name:                                                  checkout
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Thu, 01 Jan 2026 00:00:00 +0000
Reference:                                             Deployment/checkout
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  12% (12m) / 50%
Min replicas:                                          1
Max replicas:                                          6
Deployment pods:                                       1 current / 1 desired
Conditions:
  Type         Status  Reason            Message
  ----         ------  ------            -------
  AbleToScale  True    ReadyForNewScale  recommended size matches current size
Events:        <none>
";
    assert_eq!(text, expected, "\n{text}");
}

#[test]
fn describe_pvc_pv_and_secret() {
    let pvc: k8s_openapi::api::core::v1::PersistentVolumeClaim = obj(
        json!({"metadata": {"name": "notes", "namespace": "default",
            "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"storageClassName": "standard", "volumeMode": "Filesystem", "accessModes": ["ReadWriteOnce"]},
        "status": {"phase": "Pending"}}),
    );
    let event: k8s_openapi::api::core::v1::Event = obj(
        json!({"metadata": {"name": "notes.1", "namespace": "default"},
        "involvedObject": {"kind": "PersistentVolumeClaim", "name": "notes"}, "reason": "WaitForFirstConsumer", "type": "Normal",
        "message": "waiting for first consumer to be created before binding", "source": {"component": "persistentvolume-controller"},
        "firstTimestamp": ts(0), "lastTimestamp": ts(5), "count": 2}),
    );
    let text = describe::describe_pvc(&pvc, &[], &[event], T0 + 6);
    let expected = "\
Name:          notes
Namespace:     default
StorageClass:  standard
Status:        Pending
Volume:        
Labels:        <none>
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      
Access Modes:  
VolumeMode:    Filesystem
Used By:       <none>
Events:
  Type    Reason                Age              From                         Message
  ----    ------                ----             ----                         -------
  Normal  WaitForFirstConsumer  1s (x2 over 6s)  persistentvolume-controller  waiting for first consumer to be created before binding
";
    assert_eq!(text, expected, "\n{text}");

    let pv: k8s_openapi::api::core::v1::PersistentVolume = obj(
        json!({"metadata": {"name": "pvc-1", "finalizers": ["kubernetes.io/pv-protection"]},
        "spec": {"storageClassName": "standard", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete", "volumeMode": "Filesystem",
            "claimRef": {"namespace": "default", "name": "notes"},
            "hostPath": {"path": "/var/local-path-provisioner/pvc-1_default_notes", "type": "DirectoryOrCreate"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["podlab-worker"]}]}]}}},
        "status": {"phase": "Bound"}}),
    );
    let text = describe::describe_pv(&pv, &[], T0);
    assert!(text.contains("\nClaim:             default/notes\n"), "{text}");
    assert!(text.contains("\nNode Affinity:     \n  Required Terms:  \n    Term 0:        kubernetes.io/hostname in [podlab-worker]\n"), "{text}");
    assert!(text.contains("\nSource:\n    Type:          HostPath (bare host directory volume)\n"), "{text}");

    let secret: k8s_openapi::api::core::v1::Secret =
        obj(json!({"metadata": {"name": "db", "namespace": "default"}, "type": "Opaque",
        "data": {"password": "czNjcjN0"}}));
    assert_eq!(
        describe::describe_secret(&secret),
        "Name:         db\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  6 bytes\n"
    );
}

#[test]
fn describe_node_lists_pods_and_allocations() {
    let node: k8s_openapi::api::core::v1::Node = obj(
        json!({"metadata": {"name": "podlab-worker", "creationTimestamp": ts(0),
            "labels": {"kubernetes.io/hostname": "podlab-worker"}},
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]},
        "status": {"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": ts(50), "lastTransitionTime": ts(0),
                "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}, {"type": "Hostname", "address": "podlab-worker"}],
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110", "hugepages-2Mi": "0"},
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110", "hugepages-2Mi": "0"},
            "nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b", "kernelVersion": "6.8.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                "operatingSystem": "linux", "architecture": "amd64", "containerRuntimeVersion": "containerd://2.1.1",
                "kubeletVersion": "v1.36.0", "kubeProxyVersion": "v1.36.0"}}}),
    );
    let pod: k8s_openapi::api::core::v1::Pod = obj(
        json!({"metadata": {"name": "memory-ok", "namespace": "default", "creationTimestamp": ts(30)},
        "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}}]},
        "status": {"phase": "Running"}}),
    );
    let lease: k8s_openapi::api::coordination::v1::Lease =
        obj(json!({"metadata": {"name": "podlab-worker", "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": "podlab-worker", "renewTime": "2026-01-01T00:00:55.000000Z"}}));
    let text = describe::describe_node(&node, Some(&lease), &[pod], &[], T0 + 60);
    assert!(text.starts_with("Name:               podlab-worker\nRoles:              <none>\n"), "{text}");
    assert!(
        text.contains("\nTaints:             <none>\nUnschedulable:      false\nLease:\n  HolderIdentity:  podlab-worker\n  AcquireTime:     <unset>\n  RenewTime:       Thu, 01 Jan 2026 00:00:55 +0000\n"),
        "{text}"
    );
    assert!(text.contains("\n  Ready   True    Thu, 01 Jan 2026 00:00:50 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady   kubelet is posting ready status\n"), "{text}");
    assert!(text.contains("\nNon-terminated Pods:          (1 in total)\n"), "{text}");
    assert!(text.contains("  default                     memory-ok    500m (12%)    0 (0%)      512Mi (6%)       1Gi (12%)      30s\n"), "{text}");
    assert!(
        text.contains(
            "  cpu                500m (12%)  0 (0%)\n  memory             512Mi (6%)  1Gi (12%)\n  ephemeral-storage  0 (0%)      0 (0%)\n  hugepages-2Mi      0 (0%)      0 (0%)\nEvents:              <none>\n"
        ),
        "{text}"
    );
}

#[test]
fn describe_kind_dispatches_and_falls_back() {
    let ns = json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}}, "status": {"phase": "Active"}});
    assert_eq!(
        describe::describe_kind("Namespace", &ns, &describe::Related::default(), T0),
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    );
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "game", "namespace": "default"},
        "data": {"lives": "3", "ui.properties": "color.good=purple\n"}});
    assert_eq!(
        describe::describe_kind("ConfigMap", &cm, &describe::Related::default(), T0),
        "Name:         game\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nlives:\n----\n3\n\nui.properties:\n----\ncolor.good=purple\n\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
    );
}

#[test]
fn describe_cronjob_and_statefulset_headers() {
    let cj: k8s_openapi::api::batch::v1::CronJob = obj(
        json!({"metadata": {"name": "heartbeat", "namespace": "default"},
        "spec": {"schedule": "* * * * *", "concurrencyPolicy": "Forbid", "suspend": false, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
            "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "beat", "image": "busybox:1.36"}]}}}}},
        "status": {"active": [{"kind": "Job", "name": "heartbeat-29000000"}]}}),
    );
    let text = describe::describe_cronjob(&cj, &[], T0);
    assert!(
        text.starts_with(
            "Name:                          heartbeat\nNamespace:                     default\n"
        ),
        "{text}"
    );
    assert!(text.contains("\nSchedule:                      * * * * *\nConcurrency Policy:            Forbid\nSuspend:                       False\nSuccessful Job History Limit:  3\nFailed Job History Limit:      1\nStarting Deadline Seconds:     <unset>\nSelector:                      <unset>\nParallelism:                   <unset>\nCompletions:                   <unset>\nPod Template:\n"), "{text}");
    assert!(text.contains("\nLast Schedule Time:  <unset>\nActive Jobs:         heartbeat-29000000\nEvents:              <none>\n"), "{text}");

    let sts: k8s_openapi::api::apps::v1::StatefulSet = obj(
        json!({"metadata": {"name": "web", "namespace": "default", "creationTimestamp": ts(0)},
        "spec": {"replicas": 2, "serviceName": "web", "selector": {"matchLabels": {"app": "web-sts"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {"metadata": {"labels": {"app": "web-sts"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]},
        "status": {"replicas": 2}}),
    );
    let pods: Vec<k8s_openapi::api::core::v1::Pod> = vec![
        obj(json!({"metadata": {"name": "web-0"}, "status": {"phase": "Running"}})),
        obj(json!({"metadata": {"name": "web-1"}, "status": {"phase": "Pending"}})),
    ];
    let text = describe::describe_statefulset(&sts, &pods, &[], T0);
    assert!(text.contains("\nReplicas:           2 desired | 2 total\nUpdate Strategy:    RollingUpdate\n  Partition:        0\nPods Status:        1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"), "{text}");
    assert!(text.contains("\nVolume Claims:\n  Name:          www\n  StorageClass:  \n  Labels:        <none>\n  Annotations:   <none>\n  Capacity:      1Gi\n  Access Modes:  [ReadWriteOnce]\n"), "{text}");
}

#[test]
fn daemonset_statefulset_config_tables() {
    let ds: k8s_openapi::api::apps::v1::DaemonSet = obj(
        json!({"metadata": {"name": "node-agent", "creationTimestamp": ts(0)},
        "spec": {"selector": {"matchLabels": {"app": "node-agent"}}, "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}, "containers": [{"name": "agent", "image": "busybox"}]}}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2, "numberMisscheduled": 0}}),
    );
    assert_eq!(
        render_table(&workloads::daemonsets_table(&[ds], T0 + 9), &plain()),
        "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\n\
         node-agent   3         3         2       3            2           kubernetes.io/os=linux   9s\n"
    );
    let sts: k8s_openapi::api::apps::v1::StatefulSet = obj(
        json!({"metadata": {"name": "web", "creationTimestamp": ts(0)},
        "spec": {"replicas": 3, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}}, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
        "status": {"replicas": 2, "readyReplicas": 1}}),
    );
    assert_eq!(
        render_table(&workloads::statefulsets_table(&[sts], T0 + 61), &plain()),
        "NAME   READY   AGE\nweb    1/3     61s\n"
    );
    let cm: k8s_openapi::api::core::v1::ConfigMap = obj(
        json!({"metadata": {"name": "kube-root-ca.crt", "creationTimestamp": ts(0)}, "data": {"ca.crt": "x"}}),
    );
    let secret: k8s_openapi::api::core::v1::Secret = obj(
        json!({"metadata": {"name": "db", "creationTimestamp": ts(0)}, "data": {"user": "YQ==", "password": "Yg=="}}),
    );
    assert_eq!(
        render_table(&cluster::configmaps_table(&[cm], T0 + 5), &plain()),
        "NAME               DATA   AGE\nkube-root-ca.crt   1      5s\n"
    );
    assert_eq!(
        render_table(&cluster::secrets_table(&[secret], T0 + 5), &plain()),
        "NAME   TYPE     DATA   AGE\ndb     Opaque   2      5s\n"
    );
    let ns: k8s_openapi::api::core::v1::Namespace = obj(
        json!({"metadata": {"name": "kube-system", "creationTimestamp": ts(0), "deletionTimestamp": ts(1)}, "status": {"phase": "Terminating"}}),
    );
    assert_eq!(
        render_table(&cluster::namespaces_table(&[ns], T0 + 5), &plain()),
        "NAME          STATUS        AGE\nkube-system   Terminating   5s\n"
    );
}

#[test]
fn describe_pod_init_containers_env_sources_and_event_series() {
    let pod: k8s_openapi::api::core::v1::Pod = obj(json!({
        "metadata": {"name": "orders", "namespace": "default", "creationTimestamp": ts(0),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "orders-7c5ddbdf54", "uid": "u", "controller": true}]},
        "spec": {"nodeName": "podlab-worker2",
            "initContainers": [{"name": "migrate", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}],
            "containers": [{"name": "app", "image": "nginx:1.27",
                "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 5, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3, "initialDelaySeconds": 0},
                "env": [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
                "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": true}]}],
            "volumes": [{"name": "config", "configMap": {"name": "app-config"}}]},
        "status": {"phase": "Pending", "hostIP": "172.18.0.4", "startTime": ts(0),
            "conditions": [{"type": "Initialized", "status": "False"}, {"type": "PodScheduled", "status": "True"}],
            "initContainerStatuses": [{"name": "migrate", "ready": false, "restartCount": 3, "image": "busybox:1.36", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(50), "finishedAt": ts(51)}}}],
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "nginx:1.27", "imageID": "",
                "state": {"waiting": {"reason": "PodInitializing"}}}]}}));
    let event: k8s_openapi::api::core::v1::Event = obj(
        json!({"metadata": {"name": "orders.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "orders", "fieldPath": "spec.initContainers{migrate}"},
        "reason": "BackOff", "type": "Warning", "message": "Back-off restarting failed container migrate in pod orders_default(u)",
        "reportingComponent": "kubelet", "eventTime": "2026-01-01T00:00:20.000000Z",
        "series": {"count": 4, "lastObservedTime": "2026-01-01T00:00:55.000000Z"}}),
    );
    let summary = super::pods::pod_summary(&pod, T0 + 60);
    assert_eq!(
        (summary.ready.as_str(), summary.status.as_str(), summary.restarts.as_str()),
        ("0/1", "Init:CrashLoopBackOff", "3 (9s ago)")
    );
    let text = describe::describe_pod(&pod, &[event], T0 + 60);
    assert!(text.contains("\nControlled By:  ReplicaSet/orders-7c5ddbdf54\nInit Containers:\n  migrate:\n    Container ID:  \n    Image:         busybox:1.36\n"), "{text}");
    assert!(text.contains("\n    Command:\n      sh\n      -c\n      exit 1\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n"), "{text}");
    assert!(text.contains("\n    Readiness:      exec [cat /tmp/ready] delay=0s timeout=1s period=5s #success=1 #failure=3\n"), "{text}");
    assert!(text.contains("\n      PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false\n      POD_NAME:  orders (v1:metadata.name)\n"), "{text}");
    assert!(text.contains("\n      /etc/app from config (ro)\n"), "{text}");
    assert!(text.contains("\n    Type:        ConfigMap (a volume populated by a ConfigMap)\n    Name:        app-config\n    Optional:    false\n"), "{text}");
    assert!(text.contains("\nQoS Class:       BestEffort\n"), "{text}");
    assert!(text.ends_with("  Warning  BackOff  5s (x4 over 40s)  kubelet  spec.initContainers{migrate}: Back-off restarting failed container migrate in pod orders_default(u)\n"), "{text}");
}

#[test]
fn malformed_objects_never_panic() {
    let junk = [
        json!(null),
        json!(5),
        json!({"metadata": 3}),
        json!({"metadata": {"name": "x"}, "spec": "nope", "status": []}),
        json!({"metadata": {"name": "x", "creationTimestamp": "not a time"}, "spec": {"containers": []}}),
    ];
    for kind in ["Pod", "Node", "Service", "Deployment", "Job", "CronJob", "Event", "CronTab"] {
        let table = super::table_for_kind(kind, &junk, T0, true);
        let _ = render_table(&table, &TableOptions { wide: true, show_labels: true, ..plain() });
        for item in &junk {
            let _ = describe::describe_kind(kind, item, &describe::Related::default(), T0);
        }
    }
    for template in ["{", "{.a[}", "{range .x}", "{end}", "{.a[?(@.b==)]}", "{\"é}", "{.a[-9:99]}", "{..}"] {
        if let Ok(t) = super::jsonpath::Template::parse(template) {
            let _ = t.execute(&json!({"a": [1, 2]}));
        }
    }
}

#[test]
fn policy_and_config_tables() {
    let pdb: k8s_openapi::api::policy::v1::PodDisruptionBudget = obj(
        json!({"metadata": {"name": "web-pdb", "creationTimestamp": ts(0)},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}, "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3}}),
    );
    assert_eq!(
        render_table(&cluster::pdbs_table(&[pdb], T0 + 3), &plain()),
        "NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE\nweb-pdb   2               N/A               1                     3s\n"
    );
    let quota: k8s_openapi::api::core::v1::ResourceQuota = obj(
        json!({"metadata": {"name": "team", "creationTimestamp": ts(0)},
        "status": {"hard": {"pods": "10", "limits.memory": "2Gi", "requests.cpu": "1"}, "used": {"pods": "2", "requests.cpu": "200m"}}}),
    );
    assert_eq!(
        render_table(&cluster::resourcequotas_table(&[quota], T0 + 3), &plain()),
        "NAME   AGE   REQUEST                            LIMIT\nteam   3s    pods: 2/10, requests.cpu: 200m/1   limits.memory: 0/2Gi\n"
    );
    let lr: k8s_openapi::api::core::v1::LimitRange =
        obj(json!({"metadata": {"name": "defaults", "creationTimestamp": ts(0)}}));
    assert_eq!(
        render_table(&cluster::limitranges_table(&[lr]), &plain()),
        "NAME       CREATED AT\ndefaults   2026-01-01T00:00:00Z\n"
    );
    let pc: k8s_openapi::api::scheduling::v1::PriorityClass =
        obj(json!({"metadata": {"name": "high", "creationTimestamp": ts(0)}, "value": 1000000}));
    assert_eq!(
        render_table(&cluster::priorityclasses_table(&[pc], T0 + 3), &plain()),
        "NAME   VALUE     GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY\nhigh   1000000   false            3s    PreemptLowerPriority\n"
    );
    let sa: k8s_openapi::api::core::v1::ServiceAccount =
        obj(json!({"metadata": {"name": "default", "creationTimestamp": ts(0)}}));
    assert_eq!(
        render_table(&cluster::serviceaccounts_table(&[sa], T0 + 3), &plain()),
        "NAME      SECRETS   AGE\ndefault   0         3s\n"
    );
    let lease: k8s_openapi::api::coordination::v1::Lease =
        obj(json!({"metadata": {"name": "podlab-worker", "creationTimestamp": ts(0)},
        "spec": {"holderIdentity": "podlab-worker"}}));
    assert_eq!(
        render_table(&cluster::leases_table(&[lease], T0 + 3), &plain()),
        "NAME            HOLDER          AGE\npodlab-worker   podlab-worker   3s\n"
    );
}

#[test]
fn endpoint_slices_and_replication_controllers() {
    let slice: k8s_openapi::api::discovery::v1::EndpointSlice = obj(
        json!({"metadata": {"name": "web-abcde", "creationTimestamp": ts(0)},
        "addressType": "IPv4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.244.1.2"], "conditions": {"ready": true}}, {"addresses": ["10.244.2.3"], "conditions": {"ready": false}}]}),
    );
    let empty: k8s_openapi::api::discovery::v1::EndpointSlice =
        obj(json!({"metadata": {"name": "idle-xyz12", "creationTimestamp": ts(0)},
        "addressType": "IPv4", "ports": null, "endpoints": []}));
    assert_eq!(
        render_table(&services::endpointslices_table(&[slice, empty], T0 + 4), &plain()),
        "NAME         ADDRESSTYPE   PORTS     ENDPOINTS               AGE\n\
         web-abcde    IPv4          80        10.244.1.2,10.244.2.3   4s\n\
         idle-xyz12   IPv4          <unset>   <unset>                 4s\n"
    );
    let rc: k8s_openapi::api::core::v1::ReplicationController = obj(
        json!({"metadata": {"name": "nginx", "creationTimestamp": ts(0)},
        "spec": {"replicas": 3, "selector": {"app": "nginx"}, "template": nginx_template()}, "status": {"replicas": 3, "readyReplicas": 2}}),
    );
    assert_eq!(
        render_table(&workloads::replicationcontrollers_table(&[rc], T0 + 4), &TableOptions { wide: true, ..plain() }),
        "NAME    DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES         SELECTOR\nnginx   3         3         2       4s    nginx        nginx:1.16.1   app=nginx\n"
    );
}
