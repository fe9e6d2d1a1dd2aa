//! `kubectl describe pod`.

use k8s_openapi::api::core::v1::{Event, Pod};

use super::common::{
    annotations_multiline, containers_block, events_block, labels_multiline, tolerations_multiline,
    volumes_block,
};
use super::Writer;
use crate::kubectl::printers::cells::{human_secs, rfc1123z, unix_of};

/// The QoS class kubectl shows when the status does not carry one: Guaranteed when every
/// container limits and requests cpu and memory equally, BestEffort without any, else Burstable.
pub fn qos_class(pod: &Pod) -> &'static str {
    let Some(spec) = pod.spec.as_ref() else {
        return "BestEffort";
    };
    let containers: Vec<_> = spec.containers.iter().chain(spec.init_containers.iter().flatten()).collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let resources = c.resources.clone().unwrap_or_default();
        let limits = resources.limits.unwrap_or_default();
        let requests = resources.requests.unwrap_or_default();
        if !limits.is_empty() || !requests.is_empty() {
            any = true;
        }
        for name in ["cpu", "memory"] {
            let limit = limits.get(name);
            // A missing request defaults to the limit.
            let request = requests.get(name).or(limit);
            if limit.is_none() || request.map(|q| &q.0) != limit.map(|q| &q.0) {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// `kubectl describe pod NAME`: the pod and the events whose involved object it is.
pub fn describe_pod(pod: &Pod, events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let meta = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    w.line(0, &format!("Name:\t{}", meta.name.clone().unwrap_or_default()));
    w.line(0, &format!("Namespace:\t{}", meta.namespace.clone().unwrap_or_default()));
    if let Some(priority) = spec.priority {
        w.line(0, &format!("Priority:\t{priority}"));
    }
    if let Some(class) = spec.priority_class_name.as_ref().filter(|c| !c.is_empty()) {
        w.line(0, &format!("Priority Class Name:\t{class}"));
    }
    if let Some(class) = spec.runtime_class_name.as_ref().filter(|c| !c.is_empty()) {
        w.line(0, &format!("Runtime Class Name:\t{class}"));
    }
    if let Some(sa) = spec.service_account_name.as_ref().filter(|s| !s.is_empty()) {
        w.line(0, &format!("Service Account:\t{sa}"));
    }
    match spec.node_name.as_ref().filter(|n| !n.is_empty()) {
        Some(node) => w.line(0, &format!("Node:\t{node}/{}", status.host_ip.clone().unwrap_or_default())),
        None => w.line(0, "Node:\t<none>"),
    }
    if let Some(start) = status.start_time.as_ref() {
        w.line(0, &format!("Start Time:\t{}", rfc1123z(unix_of(start))));
    }
    labels_multiline(&mut w, 0, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", meta.annotations.as_ref());
    if let Some(deleted) = meta.deletion_timestamp.as_ref() {
        // translateTimestampUntil: the grace period left (deletionTimestamp is when it ends).
        w.line(0, &format!("Status:\tTerminating (lasts {})", human_secs(unix_of(deleted) - now_unix)));
        w.line(
            0,
            &format!("Termination Grace Period:\t{}s", meta.deletion_grace_period_seconds.unwrap_or(0)),
        );
    } else {
        w.line(0, &format!("Status:\t{}", status.phase.clone().unwrap_or_default()));
    }
    if let Some(reason) = status.reason.as_ref().filter(|r| !r.is_empty()) {
        w.line(0, &format!("Reason:\t{reason}"));
    }
    if let Some(message) = status.message.as_ref().filter(|m| !m.is_empty()) {
        w.line(0, &format!("Message:\t{message}"));
    }
    w.line(0, &format!("IP:\t{}", status.pod_ip.clone().unwrap_or_default()));
    let ips = status.pod_ips.clone().unwrap_or_default();
    if ips.is_empty() {
        w.line(0, "IPs:\t<none>");
    } else {
        w.line(0, "IPs:");
        for ip in ips {
            w.line(1, &format!("IP:\t{}", ip.ip));
        }
    }
    if let Some(owner) = meta.owner_references.iter().flatten().find(|o| o.controller == Some(true)) {
        w.line(0, &format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
    if let Some(nominated) = status.nominated_node_name.as_ref().filter(|n| !n.is_empty()) {
        w.line(0, &format!("NominatedNodeName:\t{nominated}"));
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        let statuses = status.init_container_statuses.clone().unwrap_or_default();
        containers_block(&mut w, "Init Containers", init, &statuses, Some(pod), "");
    }
    let statuses = status.container_statuses.clone().unwrap_or_default();
    containers_block(&mut w, "Containers", &spec.containers, &statuses, Some(pod), "");
    let conditions = status.conditions.clone().unwrap_or_default();
    if let Some(gates) = spec.readiness_gates.as_ref().filter(|g| !g.is_empty()) {
        w.line(0, "Readiness Gates:");
        w.line(1, "Type\tStatus");
        for gate in gates {
            let value = conditions
                .iter()
                .find(|c| c.type_ == gate.condition_type)
                .map_or_else(|| "<none>".to_string(), |c| c.status.clone());
            w.line(1, &format!("{} \t{value} ", gate.condition_type));
        }
    }
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus");
        for c in &conditions {
            w.line(1, &format!("{} \t{} ", c.type_, c.status));
        }
    }
    volumes_block(&mut w, spec.volumes.as_deref().unwrap_or_default(), "");
    let qos =
        status.qos_class.clone().filter(|q| !q.is_empty()).unwrap_or_else(|| qos_class(pod).to_string());
    w.line(0, &format!("QoS Class:\t{qos}"));
    labels_multiline(&mut w, 0, "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(&mut w, "Tolerations", spec.tolerations.as_deref().unwrap_or_default());
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T0: i64 = crate::sim::time::DEFAULT_EPOCH_UNIX;

    fn ts(offset: i64) -> String {
        crate::sim::time::rfc3339(T0 + offset)
    }

    fn hello_pod() -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "hello", "namespace": "default", "creationTimestamp": ts(0),
                "labels": {"app": "hello", "tier": "web"}},
            "spec": {"nodeName": "podlab-worker", "serviceAccountName": "default", "priority": 0,
                "containers": [{"name": "nginx", "image": "nginx:1.27",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {"limits": {"memory": "100Mi"}, "requests": {"cpu": "100m", "memory": "50Mi"}},
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                        "initialDelaySeconds": 3, "periodSeconds": 3, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                    "env": [{"name": "MODE", "value": "demo"}],
                    "volumeMounts": [{"name": "kube-api-access-x7k2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]}],
                "volumes": [{"name": "kube-api-access-x7k2p", "projected": {"sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}],
                "tolerations": [
                    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]},
            "status": {"phase": "Running", "hostIP": "172.18.0.3", "podIP": "10.244.1.2", "podIPs": [{"ip": "10.244.1.2"}],
                "startTime": ts(0), "qosClass": "Burstable",
                "conditions": [
                    {"type": "PodReadyToStartContainers", "status": "True"},
                    {"type": "Initialized", "status": "True"},
                    {"type": "Ready", "status": "True"},
                    {"type": "ContainersReady", "status": "True"},
                    {"type": "PodScheduled", "status": "True"}],
                "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 1, "image": "docker.io/library/nginx:1.27",
                    "imageID": "docker.io/library/nginx@sha256:abc", "containerID": "containerd://0123",
                    "state": {"running": {"startedAt": ts(30)}},
                    "lastState": {"terminated": {"exitCode": 137, "reason": "Error", "startedAt": ts(5), "finishedAt": ts(29)}}}]}
        }))
        .expect("test pod")
    }

    fn event(
        reason: &str,
        type_: &str,
        from: &str,
        field_path: Option<&str>,
        message: &str,
        (first, last, count): (i64, i64, i32),
    ) -> Event {
        serde_json::from_value(json!({
            "metadata": {"name": format!("hello.{reason}"), "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "hello", "namespace": "default", "fieldPath": field_path},
            "reason": reason, "type": type_, "message": message, "source": {"component": from},
            "firstTimestamp": ts(first), "lastTimestamp": ts(last), "count": count
        }))
        .expect("test event")
    }

    #[test]
    fn describe_running_pod_matches_kubectl_layout() {
        let events = vec![
            event(
                "Unhealthy",
                "Warning",
                "kubelet",
                Some("spec.containers{nginx}"),
                "Liveness probe failed: HTTP probe failed with statuscode: 500",
                (20, 26, 3),
            ),
            event(
                "Scheduled",
                "Normal",
                "default-scheduler",
                None,
                "Successfully assigned default/hello to podlab-worker",
                (0, 0, 1),
            ),
            event(
                "Started",
                "Normal",
                "kubelet",
                Some("spec.containers{nginx}"),
                "Container started",
                (5, 5, 1),
            ),
        ];
        let text = describe_pod(&hello_pod(), &events, T0 + 60);
        let expected = "\
Name:             hello
Namespace:        default
Priority:         0
Service Account:  default
Node:             podlab-worker/172.18.0.3
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           app=hello
                  tier=web
Annotations:      <none>
Status:           Running
IP:               10.244.1.2
IPs:
  IP:  10.244.1.2
Containers:
  nginx:
    Container ID:   containerd://0123
    Image:          nginx:1.27
    Image ID:       docker.io/library/nginx@sha256:abc
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:30 +0000
    Last State:     Terminated
      Reason:       Error
      Exit Code:    137
      Started:      Thu, 01 Jan 2026 00:00:05 +0000
      Finished:     Thu, 01 Jan 2026 00:00:29 +0000
    Ready:          True
    Restart Count:  1
    Limits:
      memory:  100Mi
    Requests:
      cpu:     100m
      memory:  50Mi
    Liveness:  http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3
    Environment:
      MODE:  demo
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7k2p (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-x7k2p:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  60s                default-scheduler  Successfully assigned default/hello to podlab-worker
  Normal   Started    55s                kubelet            spec.containers{nginx}: Container started
  Warning  Unhealthy  34s (x3 over 40s)  kubelet            spec.containers{nginx}: Liveness probe failed: HTTP probe failed with statuscode: 500
";
        assert_eq!(text, expected, "\n{text}");
    }

    #[test]
    fn terminating_pod_and_no_events() {
        let mut pod = hello_pod();
        pod.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::jiff::Timestamp::from_second(T0 + 70).expect("time"),
        ));
        pod.metadata.deletion_grace_period_seconds = Some(20);
        // Deleted at T0 + 50 with a 20 s grace period: 10 s of it are left at T0 + 60.
        let text = describe_pod(&pod, &[], T0 + 60);
        assert!(text.contains("\nStatus:                    Terminating (lasts 10s)\n"), "{text}");
        assert!(text.contains("\nTermination Grace Period:  20s\n"), "{text}");
        assert!(text.ends_with("\nEvents:                      <none>\n"), "{text}");
    }
}
