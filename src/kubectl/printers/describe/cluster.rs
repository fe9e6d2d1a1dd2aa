//! `kubectl describe` for services, nodes, namespaces, persistent volume claims, config maps,
//! and the generic layout of every other kind.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Node, PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::common::{
    annotations_multiline, events_block, labels_multiline, name_namespace_labels_annotations,
};
use super::Writer;
use crate::kubectl::printers::cells::{access_modes, format_labels, human_secs, or_none, rfc1123z, unix_of};
use crate::kubectl::printers::cluster::node_roles;

/// Ready `ip:port` endpoints of one service port across the slices, at most three then
/// ` + N more...`; `<none>` without slices.
fn slice_endpoints(slices: &[EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    let mut all: Vec<String> = Vec::new();
    for slice in slices {
        for port in slice.ports.iter().flatten() {
            if port.name.as_deref().unwrap_or("") != port_name {
                continue;
            }
            let Some(number) = port.port else { continue };
            for endpoint in slice.endpoints.iter().flatten() {
                let ready = endpoint.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
                if !ready {
                    continue;
                }
                all.extend(endpoint.addresses.iter().map(|a| format!("{a}:{number}")));
            }
        }
    }
    let count = all.len();
    let text = all.iter().take(3).cloned().collect::<Vec<_>>().join(",");
    if count > 3 {
        format!("{text} + {} more...", count - 3)
    } else {
        text
    }
}

/// `kubectl describe service`, with the endpoint slices of the service.
pub fn describe_service(svc: &Service, slices: &[EndpointSlice], events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let spec = svc.spec.clone().unwrap_or_default();
    name_namespace_labels_annotations(&mut w, &svc.metadata);
    w.line(0, &format!("Selector:\t{}", or_none_map(spec.selector.as_ref())));
    w.line(0, &format!("Type:\t{}", spec.type_.clone().unwrap_or_else(|| "ClusterIP".to_string())));
    if let Some(policy) = spec.ip_family_policy.as_ref() {
        w.line(0, &format!("IP Family Policy:\t{policy}"));
    }
    let families = spec.ip_families.clone().unwrap_or_default();
    w.line(
        0,
        &format!(
            "IP Families:\t{}",
            if families.is_empty() { "<none>".to_string() } else { families.join(",") }
        ),
    );
    w.line(0, &format!("IP:\t{}", spec.cluster_ip.clone().unwrap_or_default()));
    let ips = spec.cluster_ips.clone().unwrap_or_default();
    w.line(0, &format!("IPs:\t{}", if ips.is_empty() { "<none>".to_string() } else { ips.join(",") }));
    if let Some(external) = spec.external_ips.as_ref().filter(|e| !e.is_empty()) {
        w.line(0, &format!("External IPs:\t{}", external.join(",")));
    }
    if let Some(name) = spec.external_name.as_ref().filter(|n| !n.is_empty()) {
        w.line(0, &format!("External Name:\t{name}"));
    }
    let ingress = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.clone())
        .unwrap_or_default();
    if !ingress.is_empty() {
        let list: Vec<String> =
            ingress.iter().filter_map(|i| i.ip.clone().or_else(|| i.hostname.clone())).collect();
        w.line(0, &format!("LoadBalancer Ingress:\t{}", list.join(", ")));
    }
    for port in spec.ports.iter().flatten() {
        let name = port.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| "<unset>".to_string());
        let protocol = port.protocol.clone().unwrap_or_else(|| "TCP".to_string());
        w.line(0, &format!("Port:\t{name}\t{}/{protocol}", port.port));
        let target = match port.target_port.as_ref() {
            Some(IntOrString::Int(i)) => i.to_string(),
            Some(IntOrString::String(s)) => s.clone(),
            None => port.port.to_string(),
        };
        w.line(0, &format!("TargetPort:\t{target}/{protocol}"));
        if let Some(app) = port.app_protocol.as_ref() {
            w.line(0, &format!("AppProtocol:\t{app}"));
        }
        if let Some(node_port) = port.node_port.filter(|n| *n != 0) {
            w.line(0, &format!("NodePort:\t{name}\t{node_port}/{protocol}"));
        }
        w.line(0, &format!("Endpoints:\t{}", slice_endpoints(slices, port.name.as_deref().unwrap_or(""))));
    }
    w.line(
        0,
        &format!(
            "Session Affinity:\t{}",
            spec.session_affinity.clone().unwrap_or_else(|| "None".to_string())
        ),
    );
    if let Some(policy) = spec.external_traffic_policy.as_ref().filter(|p| !p.is_empty()) {
        w.line(0, &format!("External Traffic Policy:\t{policy}"));
    }
    if let Some(policy) = spec.internal_traffic_policy.as_ref() {
        w.line(0, &format!("Internal Traffic Policy:\t{policy}"));
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

fn or_none_map(map: Option<&BTreeMap<String, String>>) -> String {
    format_labels(&map.cloned().unwrap_or_default())
}

/// A quantity in base units (cores × 1000 for cpu, bytes for memory); `None` if unparsable.
fn quantity_base(text: &str, cpu: bool) -> Option<i128> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match suffix {
        "" => 1.0,
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0f64.powi(4),
        _ => return None,
    };
    let scale = if cpu { 1000.0 } else { 1.0 };
    Some((number * factor * scale).round() as i128)
}

/// Formats a sum of base units the way quantities print (`950m`, `2`, `290Mi`, `0`).
fn format_quantity(base: i128, cpu: bool) -> String {
    if base == 0 {
        return "0".to_string();
    }
    if cpu {
        return if base % 1000 == 0 { (base / 1000).to_string() } else { format!("{base}m") };
    }
    for (suffix, size) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if base % size == 0 {
            return format!("{}{suffix}", base / size);
        }
    }
    base.to_string()
}

/// `kubectl describe node`, with the pods bound to it and its heartbeat lease.
pub fn describe_node(
    node: &Node,
    lease: Option<&k8s_openapi::api::coordination::v1::Lease>,
    pods: &[Pod],
    events: &[Event],
    now_unix: i64,
) -> String {
    let mut w = Writer::default();
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    w.line(0, &format!("Name:\t{}", node.metadata.name.clone().unwrap_or_default()));
    w.line(0, &format!("Roles:\t{}", or_none(&node_roles(node).join(","))));
    labels_multiline(&mut w, 0, "Labels", node.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", node.metadata.annotations.as_ref());
    let created = node.metadata.creation_timestamp.as_ref().map(|t| rfc1123z(unix_of(t))).unwrap_or_default();
    w.line(0, &format!("CreationTimestamp:\t{created}"));
    let mut taints = spec.taints.clone().unwrap_or_default();
    taints.sort_by_key(|t| (t.effect.clone(), t.key.clone()));
    w.write(0, "Taints:\t");
    if taints.is_empty() {
        w.line(0, "<none>");
    }
    for (i, t) in taints.iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let value = t.value.clone().filter(|v| !v.is_empty()).map(|v| format!("={v}")).unwrap_or_default();
        w.line(0, &format!("{}{value}:{}", t.key, t.effect));
    }
    w.line(0, &format!("Unschedulable:\t{}", spec.unschedulable.unwrap_or(false)));
    if let Some(lease) = lease {
        let lease_spec = lease.spec.clone().unwrap_or_default();
        let micro = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime>| {
            t.map_or_else(
                || "<unset>".to_string(),
                |t| rfc1123z(crate::kubectl::printers::cells::unix_of_micro(t)),
            )
        };
        w.line(0, "Lease:");
        let holder = lease_spec.holder_identity.clone().unwrap_or_else(|| "<unset>".to_string());
        w.line(1, &format!("HolderIdentity:\t{holder}"));
        w.line(1, &format!("AcquireTime:\t{}", micro(lease_spec.acquire_time.as_ref())));
        w.line(1, &format!("RenewTime:\t{}", micro(lease_spec.renew_time.as_ref())));
    }
    let conditions = status.conditions.clone().unwrap_or_default();
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
        w.line(1, "----\t------\t-----------------\t------------------\t------\t-------");
        let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
            t.map(|t| rfc1123z(unix_of(t))).unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".to_string())
        };
        for c in &conditions {
            w.line(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}",
                    c.type_,
                    c.status,
                    time(c.last_heartbeat_time.as_ref()),
                    time(c.last_transition_time.as_ref()),
                    c.reason.clone().unwrap_or_default(),
                    c.message.clone().unwrap_or_default()
                ),
            );
        }
    }
    w.line(0, "Addresses:");
    for a in status.addresses.iter().flatten() {
        w.line(1, &format!("{}:\t{}", a.type_, a.address));
    }
    for (title, list) in [("Capacity", &status.capacity), ("Allocatable", &status.allocatable)] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            w.line(0, &format!("{title}:"));
            for (name, q) in list {
                w.line(1, &format!("{name}:\t{}", q.0));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.line(0, "System Info:");
    for (title, value) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        w.line(1, &format!("{title}:\t{value}"));
    }
    if let Some(cidr) = spec.pod_cidr.as_ref().filter(|c| !c.is_empty()) {
        w.line(0, &format!("PodCIDR:\t{cidr}"));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.line(0, &format!("PodCIDRs:\t{}", cidrs.join(",")));
    }
    if let Some(provider) = spec.provider_id.as_ref().filter(|p| !p.is_empty()) {
        w.line(0, &format!("ProviderID:\t{provider}"));
    }
    node_pods_block(&mut w, &status, pods, now_unix);
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

fn node_pods_block(
    w: &mut Writer,
    status: &k8s_openapi::api::core::v1::NodeStatus,
    pods: &[Pod],
    now_unix: i64,
) {
    let running: Vec<&Pod> = pods
        .iter()
        .filter(|p| {
            !matches!(p.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded" | "Failed"))
        })
        .collect();
    let allocatable = status.allocatable.clone().unwrap_or_default();
    let alloc =
        |name: &str, cpu: bool| allocatable.get(name).and_then(|q| quantity_base(&q.0, cpu)).unwrap_or(0);
    let percent = |value: i128, total: i128| if total == 0 { 0 } else { value * 100 / total };
    let sum = |pod: &Pod, kind: &str, name: &str, cpu: bool| -> i128 {
        pod.spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .filter_map(|c| c.resources.as_ref())
            .filter_map(|r| if kind == "requests" { r.requests.as_ref() } else { r.limits.as_ref() })
            .filter_map(|list| list.get(name))
            .filter_map(|q| quantity_base(&q.0, cpu))
            .sum()
    };
    let cell = |value: i128, total: i128, cpu: bool| {
        format!("{} ({}%)", format_quantity(value, cpu), percent(value, total))
    };
    w.line(0, &format!("Non-terminated Pods:\t({} in total)", running.len()));
    w.line(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    w.line(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---");
    let (cpu_total, mem_total) = (alloc("cpu", true), alloc("memory", false));
    let mut totals = [0i128; 4];
    for pod in &running {
        let values = [
            sum(pod, "requests", "cpu", true),
            sum(pod, "limits", "cpu", true),
            sum(pod, "requests", "memory", false),
            sum(pod, "limits", "memory", false),
        ];
        for (t, v) in totals.iter_mut().zip(values) {
            *t += v;
        }
        let created = pod
            .metadata
            .creation_timestamp
            .as_ref()
            .map_or_else(|| "<unknown>".to_string(), |t| human_secs(now_unix - unix_of(t)));
        w.line(
            1,
            &format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{created}",
                pod.metadata.namespace.clone().unwrap_or_default(),
                pod.metadata.name.clone().unwrap_or_default(),
                cell(values[0], cpu_total, true),
                cell(values[1], cpu_total, true),
                cell(values[2], mem_total, false),
                cell(values[3], mem_total, false),
            ),
        );
    }
    w.line(0, "Allocated resources:");
    w.line(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    w.line(1, &format!("cpu\t{}\t{}", cell(totals[0], cpu_total, true), cell(totals[1], cpu_total, true)));
    w.line(
        1,
        &format!("memory\t{}\t{}", cell(totals[2], mem_total, false), cell(totals[3], mem_total, false)),
    );
    w.line(1, "ephemeral-storage\t0 (0%)\t0 (0%)");
    for name in allocatable.keys().filter(|k| k.starts_with("hugepages-")) {
        w.line(1, &format!("{name}\t0 (0%)\t0 (0%)"));
    }
}

/// `kubectl describe namespace`.
pub fn describe_namespace(ns: &Namespace) -> String {
    let mut w = Writer::default();
    w.line(0, &format!("Name:\t{}", ns.metadata.name.clone().unwrap_or_default()));
    labels_multiline(&mut w, 0, "Labels", ns.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", ns.metadata.annotations.as_ref());
    let phase = ns.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Active".to_string());
    w.line(0, &format!("Status:\t{phase}"));
    w.line(0, "");
    w.line(0, "No resource quota.");
    w.line(0, "");
    w.line(0, "No LimitRange resource.");
    w.finish()
}

/// `kubectl describe configmap`.
pub fn describe_configmap(cm: &ConfigMap, events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    name_namespace_labels_annotations(&mut w, &cm.metadata);
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    for (key, value) in cm.data.iter().flatten() {
        w.line(0, &format!("{key}:"));
        w.line(0, "----");
        w.line(0, value);
        w.line(0, "");
    }
    w.line(0, "");
    w.line(0, "BinaryData");
    w.line(0, "====");
    for (key, value) in cm.binary_data.iter().flatten() {
        w.line(0, &format!("{key}: {} bytes", value.0.len()));
    }
    w.line(0, "");
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe pvc`, with the pods that mount it.
pub fn describe_pvc(
    pvc: &PersistentVolumeClaim,
    used_by: &[String],
    events: &[Event],
    now_unix: i64,
) -> String {
    let mut w = Writer::default();
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    w.line(0, &format!("Name:\t{}", pvc.metadata.name.clone().unwrap_or_default()));
    w.line(0, &format!("Namespace:\t{}", pvc.metadata.namespace.clone().unwrap_or_default()));
    w.line(0, &format!("StorageClass:\t{}", spec.storage_class_name.clone().unwrap_or_default()));
    match pvc.metadata.deletion_timestamp.as_ref() {
        Some(t) => w.line(0, &format!("Status:\tTerminating (lasts {})", human_secs(now_unix - unix_of(t)))),
        None => w.line(0, &format!("Status:\t{}", status.phase.clone().unwrap_or_default())),
    }
    let volume = spec.volume_name.clone().unwrap_or_default();
    w.line(0, &format!("Volume:\t{volume}"));
    labels_multiline(&mut w, 0, "Labels", pvc.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", pvc.metadata.annotations.as_ref());
    w.line(0, &format!("Finalizers:\t[{}]", pvc.metadata.finalizers.clone().unwrap_or_default().join(" ")));
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        let capacity =
            status.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default();
        (capacity, access_modes(status.access_modes.as_ref()))
    };
    w.line(0, &format!("Capacity:\t{capacity}"));
    w.line(0, &format!("Access Modes:\t{modes}"));
    if let Some(mode) = spec.volume_mode.as_ref() {
        w.line(0, &format!("VolumeMode:\t{mode}"));
    }
    w.write(0, "Used By:\t");
    if used_by.is_empty() {
        w.line(0, "<none>");
    }
    for (i, pod) in used_by.iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        w.line(0, pod);
    }
    let conditions = status.conditions.clone().unwrap_or_default();
    if !conditions.is_empty() {
        let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
            t.map(|t| rfc1123z(unix_of(t))).unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".to_string())
        };
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage");
        w.line(1, "----\t------\t-----------------\t------------------\t------\t-------");
        for c in &conditions {
            w.line(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}",
                    c.type_,
                    c.status,
                    time(c.last_probe_time.as_ref()),
                    time(c.last_transition_time.as_ref()),
                    c.reason.clone().unwrap_or_default(),
                    c.message.clone().unwrap_or_default()
                ),
            );
        }
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// kubectl's `smartLabelFor`: `apiVersion` → `API Version`, `creationTimestamp` →
/// `Creation Timestamp`.
fn smart_label(field: &str) -> String {
    const ACRONYMS: [&str; 10] = ["api", "ip", "url", "uid", "id", "http", "https", "cpu", "tls", "dns"];
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in field.chars() {
        if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .iter()
        .map(|w| {
            let lower = w.to_lowercase();
            if ACRONYMS.contains(&lower.as_str()) {
                lower.to_uppercase()
            } else {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn unstructured(
    w: &mut Writer,
    level: usize,
    content: &serde_json::Map<String, Value>,
    prefix: &str,
    skip: &[&str],
) {
    let mut fields: Vec<&String> = content.keys().collect();
    fields.sort();
    for field in fields {
        let path = format!("{prefix}.{field}");
        if skip.contains(&path.as_str()) {
            continue;
        }
        match &content[field] {
            Value::Object(map) => {
                w.line(level, &format!("{}:", smart_label(field)));
                unstructured(w, level + 1, map, &path, skip);
            }
            Value::Array(items) => {
                w.line(level, &format!("{}:", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(map) => unstructured(w, level + 1, map, &path, skip),
                        other => w.line(level + 1, &crate::kubectl::printers::jsonpath::value_text(other)),
                    }
                }
            }
            Value::Null => w.line(level, &format!("{}:\t<nil>", smart_label(field))),
            other => w.line(
                level,
                &format!(
                    "{}:\t{}",
                    smart_label(field),
                    crate::kubectl::printers::jsonpath::value_text(other)
                ),
            ),
        }
    }
}

/// kubectl's generic describer for kinds without a dedicated layout (custom resources…): the
/// header lines, then every field with labels made readable.
pub fn describe_generic(object: &Value, events: &[Event], now_unix: i64) -> String {
    let mut w = Writer::default();
    let meta = &object["metadata"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    w.line(0, &format!("Name:\t{}", text(&meta["name"])));
    w.line(0, &format!("Namespace:\t{}", text(&meta["namespace"])));
    let to_map = |v: &Value| -> BTreeMap<String, String> {
        v.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect()).unwrap_or_default()
    };
    labels_multiline(&mut w, 0, "Labels", Some(&to_map(&meta["labels"])));
    annotations_multiline(&mut w, 0, "Annotations", Some(&to_map(&meta["annotations"])));
    if let Value::Object(map) = object {
        let skip = [
            ".metadata.managedFields",
            ".metadata.name",
            ".metadata.namespace",
            ".metadata.labels",
            ".metadata.annotations",
        ];
        unstructured(&mut w, 0, map, "", &skip);
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe pv`.
pub fn describe_pv(
    pv: &k8s_openapi::api::core::v1::PersistentVolume,
    events: &[Event],
    now_unix: i64,
) -> String {
    let mut w = Writer::default();
    let spec = pv.spec.clone().unwrap_or_default();
    let status = pv.status.clone().unwrap_or_default();
    w.line(0, &format!("Name:\t{}", pv.metadata.name.clone().unwrap_or_default()));
    labels_multiline(&mut w, 0, "Labels", pv.metadata.labels.as_ref());
    annotations_multiline(&mut w, 0, "Annotations", pv.metadata.annotations.as_ref());
    w.line(0, &format!("Finalizers:\t[{}]", pv.metadata.finalizers.clone().unwrap_or_default().join(" ")));
    w.line(0, &format!("StorageClass:\t{}", spec.storage_class_name.clone().unwrap_or_default()));
    match pv.metadata.deletion_timestamp.as_ref() {
        Some(t) => w.line(0, &format!("Status:\tTerminating (lasts {})", human_secs(now_unix - unix_of(t)))),
        None => w.line(0, &format!("Status:\t{}", status.phase.clone().unwrap_or_default())),
    }
    let claim = spec
        .claim_ref
        .as_ref()
        .map(|c| {
            format!("{}/{}", c.namespace.clone().unwrap_or_default(), c.name.clone().unwrap_or_default())
        })
        .unwrap_or_default();
    w.line(0, &format!("Claim:\t{claim}"));
    w.line(
        0,
        &format!("Reclaim Policy:\t{}", spec.persistent_volume_reclaim_policy.clone().unwrap_or_default()),
    );
    w.line(0, &format!("Access Modes:\t{}", access_modes(spec.access_modes.as_ref())));
    if let Some(mode) = spec.volume_mode.as_ref() {
        w.line(0, &format!("VolumeMode:\t{mode}"));
    }
    let capacity =
        spec.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default();
    w.line(0, &format!("Capacity:\t{capacity}"));
    w.write(0, "Node Affinity:\t");
    match spec.node_affinity.as_ref().and_then(|a| a.required.as_ref()) {
        None => w.line(0, "<none>"),
        Some(required) => {
            w.line(0, "");
            w.write(1, "Required Terms:\t");
            if required.node_selector_terms.is_empty() {
                w.line(0, "<none>");
            } else {
                w.line(0, "");
            }
            for (i, term) in required.node_selector_terms.iter().enumerate() {
                w.write(2, &format!("Term {i}:\t"));
                let exprs = term.match_expressions.clone().unwrap_or_default();
                if exprs.is_empty() {
                    w.line(0, "<none>");
                }
                for (j, req) in exprs.iter().enumerate() {
                    if j != 0 {
                        w.write(2, "\t");
                    }
                    let mut text = format!("{} {}", req.key, req.operator.to_lowercase());
                    if let Some(values) = req.values.as_ref().filter(|v| !v.is_empty()) {
                        text.push_str(&format!(" [{}]", values.join(", ")));
                    }
                    w.line(0, &text);
                }
            }
        }
    }
    w.line(0, &format!("Message:\t{}", status.message.clone().unwrap_or_default()));
    w.line(0, "Source:");
    if let Some(h) = spec.host_path.as_ref() {
        w.line(2, "Type:\tHostPath (bare host directory volume)");
        w.line(2, &format!("Path:\t{}", h.path));
        w.line(2, &format!("HostPathType:\t{}", h.type_.clone().unwrap_or_default()));
    } else if let Some(l) = spec.local.as_ref() {
        w.line(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)");
        w.line(2, &format!("Path:\t{}", l.path));
    } else if let Some(csi) = spec.csi.as_ref() {
        w.line(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)");
        w.line(2, &format!("Driver:\t{}", csi.driver));
        w.line(2, &format!("FSType:\t{}", csi.fs_type.clone().unwrap_or_default()));
        w.line(2, &format!("VolumeHandle:\t{}", csi.volume_handle));
        w.line(2, &format!("ReadOnly:\t{}", csi.read_only.unwrap_or(false)));
    }
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}

/// `kubectl describe secret`: sizes only, never the values.
pub fn describe_secret(secret: &k8s_openapi::api::core::v1::Secret) -> String {
    let mut w = Writer::default();
    name_namespace_labels_annotations(&mut w, &secret.metadata);
    w.line(0, "");
    let type_ = secret.type_.clone().unwrap_or_else(|| "Opaque".to_string());
    w.line(0, &format!("Type:\t{type_}"));
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    for (key, value) in secret.data.iter().flatten() {
        if key == "token" && type_ == "kubernetes.io/service-account-token" {
            w.line(0, &format!("{key}:\t{}", String::from_utf8_lossy(&value.0)));
        } else {
            w.line(0, &format!("{key}:\t{} bytes", value.0.len()));
        }
    }
    w.finish()
}

/// `kubectl describe pdb`: the budget and the counts the disruption controller keeps.
pub fn describe_pdb(
    pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget,
    events: &[Event],
    now_unix: i64,
) -> String {
    let mut w = Writer::default();
    let meta = &pdb.metadata;
    w.line(0, &format!("Name:\t{}", meta.name.as_deref().unwrap_or_default()));
    w.line(0, &format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or_default()));
    let spec = pdb.spec.clone().unwrap_or_default();
    let int_or_string = |v: &IntOrString| match v {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    };
    if let Some(min) = &spec.min_available {
        w.line(0, &format!("Min available:\t{}", int_or_string(min)));
    } else if let Some(max) = &spec.max_unavailable {
        w.line(0, &format!("Max unavailable:\t{}", int_or_string(max)));
    }
    match &spec.selector {
        Some(selector) => w.line(
            0,
            &format!("Selector:\t{}", crate::kubectl::printers::cells::format_label_selector(Some(selector))),
        ),
        None => w.line(0, "Selector:\t<unset>"),
    }
    let status = pdb.status.clone().unwrap_or_default();
    w.line(0, "Status:");
    w.line(2, &format!("Allowed disruptions:\t{}", status.disruptions_allowed.unwrap_or(0)));
    w.line(2, &format!("Current:\t{}", status.current_healthy.unwrap_or(0)));
    w.line(2, &format!("Desired:\t{}", status.desired_healthy.unwrap_or(0)));
    w.line(2, &format!("Total:\t{}", status.expected_pods.unwrap_or(0)));
    events_block(&mut w, 0, events, now_unix);
    w.finish()
}
