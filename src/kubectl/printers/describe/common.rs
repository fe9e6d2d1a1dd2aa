//! Pieces shared by several describers: multi-line labels and annotations, the Events table,
//! container blocks, volumes and pod templates.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, Event, Pod, PodTemplateSpec, Probe, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Writer;
use crate::kubectl::printers::cells::{human_secs, rfc1123z, unix_of, unix_of_micro};

/// Annotation values longer than this are wrapped onto their own lines.
const MAX_ANNOTATION_LEN: usize = 140;
/// kubectl hides the client-side apply bookkeeping annotation.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `Labels:  a=b` then one `k=v` per line, aligned; `<none>` when empty.
pub fn labels_multiline(
    w: &mut Writer,
    level: usize,
    title: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    w.write(level, &format!("{title}:\t"));
    let labels = labels.cloned().unwrap_or_default();
    if labels.is_empty() {
        w.line(0, "<none>");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(level, "\t");
        }
        w.line(0, &format!("{k}={v}"));
    }
}

/// `Annotations:  key: value` lines; long or multi-line values go below their key.
pub fn annotations_multiline(
    w: &mut Writer,
    level: usize,
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
) {
    w.write(level, &format!("{title}:\t"));
    let shown: Vec<(&String, &String)> =
        annotations.into_iter().flatten().filter(|(k, _)| k.as_str() != LAST_APPLIED).collect();
    if shown.is_empty() {
        w.line(0, "<none>");
        return;
    }
    for (i, (key, value)) in shown.iter().enumerate() {
        if i != 0 {
            w.write(level, "\t");
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.line(0, &format!("{key}:"));
            for part in value.split('\n') {
                w.line(level, &format!("\t  {}", shorten(part, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.line(0, &format!("{key}: {value}"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

/// The standard header lines of most describers: Name, Namespace, Labels, Annotations.
pub fn name_namespace_labels_annotations(w: &mut Writer, meta: &ObjectMeta) {
    w.line(0, &format!("Name:\t{}", meta.name.clone().unwrap_or_default()));
    w.line(0, &format!("Namespace:\t{}", meta.namespace.clone().unwrap_or_default()));
    labels_multiline(w, 0, "Labels", meta.labels.as_ref());
    annotations_multiline(w, 0, "Annotations", meta.annotations.as_ref());
}

/// kubectl orders the Events block by `lastTimestamp` alone; events written through the new
/// events API have none and, as a zero time, come first (in the order the API listed them).
fn event_last_seen(e: &Event) -> i64 {
    e.last_timestamp.as_ref().map_or(i64::MIN, unix_of)
}

/// The `Events:` block: `Type  Reason  Age  From  Message`, oldest first, Age like
/// `5s (x4 over 2m)`, the message prefixed with the involved field path; `Events: <none>`.
pub fn events_block(w: &mut Writer, level: usize, events: &[Event], now_unix: i64) {
    if events.is_empty() {
        w.line(level, "Events:\t<none>");
        return;
    }
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| event_last_seen(e));
    w.line(level, "Events:");
    w.line(level + 1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(level + 1, "----\t------\t----\t----\t-------");
    for e in sorted {
        let first = match (e.event_time.as_ref(), e.first_timestamp.as_ref()) {
            (Some(t), _) => human_secs(now_unix - unix_of_micro(t)),
            (None, Some(t)) => human_secs(now_unix - unix_of(t)),
            (None, None) => "<unknown>".to_string(),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(series) = e.series.as_ref() {
            let last = series
                .last_observed_time
                .as_ref()
                .map_or_else(|| "<unknown>".to_string(), |t| human_secs(now_unix - unix_of_micro(t)));
            format!("{last} (x{} over {first})", series.count.unwrap_or(0))
        } else if count > 1 {
            let last = e
                .last_timestamp
                .as_ref()
                .map_or_else(|| "<unknown>".to_string(), |t| human_secs(now_unix - unix_of(t)));
            format!("{last} (x{count} over {first})")
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        let message = e.message.clone().unwrap_or_default();
        let message = message.trim();
        let message = match e.involved_object.field_path.as_deref().filter(|p| !p.is_empty()) {
            Some(path) => format!("{path}: {message}"),
            None => message.to_string(),
        };
        w.line(
            level + 1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{message}",
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default()
            ),
        );
    }
}

/// kubectl's `DescribeProbe`: `http-get http://:8080/healthz delay=3s timeout=1s period=3s
/// #success=1 #failure=3`.
pub fn describe_probe(probe: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(1),
        probe.period_seconds.unwrap_or(10),
        probe.success_threshold.unwrap_or(1),
        probe.failure_threshold.unwrap_or(3)
    );
    if let Some(exec) = probe.exec.as_ref() {
        return format!("exec [{}] {attrs}", exec.command.clone().unwrap_or_default().join(" "));
    }
    if let Some(http) = probe.http_get.as_ref() {
        let scheme = http.scheme.clone().unwrap_or_else(|| "HTTP".to_string()).to_lowercase();
        let host = http.host.clone().unwrap_or_default();
        let port = int_or_string(&http.port);
        let host_port =
            if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        return format!("http-get {scheme}://{host_port}{} {attrs}", http.path.clone().unwrap_or_default());
    }
    if let Some(tcp) = probe.tcp_socket.as_ref() {
        return format!(
            "tcp-socket {}:{} {attrs}",
            tcp.host.clone().unwrap_or_default(),
            int_or_string(&tcp.port)
        );
    }
    if let Some(grpc) = probe.grpc.as_ref() {
        return format!("grpc <pod>:{} {} {attrs}", grpc.port, grpc.service.clone().unwrap_or_default());
    }
    format!("unknown {attrs}")
}

fn int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// Resolves a `fieldRef` environment variable for display, as kubectl does for pods.
fn field_ref_value(pod: Option<&Pod>, path: &str) -> String {
    let Some(pod) = pod else { return String::new() };
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let value = match path {
        "metadata.name" => pod.metadata.name.clone(),
        "metadata.namespace" => pod.metadata.namespace.clone(),
        "metadata.uid" => pod.metadata.uid.clone(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()),
        _ => None,
    };
    value.unwrap_or_default()
}

/// One `Containers:` (or `Init Containers:`) block. `space` is `""` for pods and `"  "` inside
/// pod templates, where container names get one more space of indentation.
pub fn containers_block(
    w: &mut Writer,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    pod: Option<&Pod>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.line(0, &format!("{space}{label}:{none}"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let status = statuses.iter().find(|s| s.name == c.name);
        w.line(1, &format!("{name_indent}{}:", c.name));
        if let Some(s) = status {
            w.line(2, &format!("Container ID:\t{}", s.container_id.clone().unwrap_or_default()));
        }
        w.line(2, &format!("Image:\t{}", c.image.clone().unwrap_or_default()));
        if let Some(s) = status {
            w.line(2, &format!("Image ID:\t{}", s.image_id));
        }
        let ports = c.ports.as_deref().unwrap_or_default();
        let protocol = |p: &k8s_openapi::api::core::v1::ContainerPort| {
            p.protocol.clone().unwrap_or_else(|| "TCP".into())
        };
        let port_list: Vec<String> =
            ports.iter().map(|p| format!("{}/{}", p.container_port, protocol(p))).collect();
        let host_list: Vec<String> =
            ports.iter().map(|p| format!("{}/{}", p.host_port.unwrap_or(0), protocol(p))).collect();
        let (port_title, host_title) =
            if ports.len() > 1 { ("Ports", "Host Ports") } else { ("Port", "Host Port") };
        let or_none = |l: Vec<String>| {
            if l.is_empty() {
                "<none>".to_string()
            } else {
                l.join(", ")
            }
        };
        w.line(2, &format!("{port_title}:\t{}", or_none(port_list)));
        w.line(2, &format!("{host_title}:\t{}", or_none(host_list)));
        for (title, items) in [("Command", &c.command), ("Args", &c.args)] {
            let items = items.as_deref().unwrap_or_default();
            if !items.is_empty() {
                w.line(2, &format!("{title}:"));
                for item in items {
                    for part in item.split('\n') {
                        w.line(3, part);
                    }
                }
            }
        }
        if let Some(s) = status {
            container_state(w, "State", s.state.as_ref());
            if s.last_state.as_ref().and_then(|l| l.terminated.as_ref()).is_some() {
                container_state(w, "Last State", s.last_state.as_ref());
            }
            w.line(2, &format!("Ready:\t{}", if s.ready { "True" } else { "False" }));
            w.line(2, &format!("Restart Count:\t{}", s.restart_count));
        }
        if let Some(resources) = c.resources.as_ref() {
            for (title, list) in [("Limits", &resources.limits), ("Requests", &resources.requests)] {
                if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
                    w.line(2, &format!("{title}:"));
                    for (name, q) in list {
                        w.line(3, &format!("{name}:\t{}", q.0));
                    }
                }
            }
        }
        for (title, probe) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = probe {
                w.line(2, &format!("{title}:\t{}", describe_probe(p)));
            }
        }
        if let Some(env_from) = c.env_from.as_ref().filter(|e| !e.is_empty()) {
            w.line(2, "Environment Variables from:");
            for source in env_from {
                let (name, kind, optional) = if let Some(cm) = source.config_map_ref.as_ref() {
                    (cm.name.clone(), "ConfigMap", cm.optional.unwrap_or(false))
                } else if let Some(s) = source.secret_ref.as_ref() {
                    (s.name.clone(), "Secret", s.optional.unwrap_or(false))
                } else {
                    (String::new(), "", false)
                };
                match source.prefix.as_deref().filter(|p| !p.is_empty()) {
                    Some(prefix) => {
                        w.line(3, &format!("{name}\t{kind} with prefix '{prefix}'\tOptional: {optional}"))
                    }
                    None => w.line(3, &format!("{name}\t{kind}\tOptional: {optional}")),
                }
            }
        }
        let env = c.env.as_deref().unwrap_or_default();
        if env.is_empty() {
            w.line(2, "Environment:\t<none>");
        } else {
            w.line(2, "Environment:");
        }
        for e in env {
            let Some(from) = e.value_from.as_ref() else {
                for (i, part) in e.value.clone().unwrap_or_default().split('\n').enumerate() {
                    if i == 0 {
                        w.line(3, &format!("{}:\t{part}", e.name));
                    } else {
                        w.line(3, &format!("\t{part}"));
                    }
                }
                continue;
            };
            if let Some(f) = from.field_ref.as_ref() {
                let api = f.api_version.clone().unwrap_or_else(|| "v1".to_string());
                let value = field_ref_value(pod, &f.field_path);
                w.line(3, &format!("{}:\t{value} ({api}:{})", e.name, f.field_path));
            } else if let Some(r) = from.resource_field_ref.as_ref() {
                w.line(3, &format!("{}:\t ({})", e.name, r.resource));
            } else if let Some(s) = from.secret_key_ref.as_ref() {
                let optional = s.optional.unwrap_or(false);
                w.line(
                    3,
                    &format!(
                        "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {optional}",
                        e.name, s.key, s.name
                    ),
                );
            } else if let Some(cm) = from.config_map_key_ref.as_ref() {
                let optional = cm.optional.unwrap_or(false);
                w.line(
                    3,
                    &format!(
                        "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {optional}",
                        e.name, cm.key, cm.name
                    ),
                );
            }
        }
        let mut mounts = c.volume_mounts.clone().unwrap_or_default();
        if mounts.is_empty() {
            w.line(2, "Mounts:\t<none>");
        } else {
            w.line(2, "Mounts:");
        }
        mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
        for m in mounts {
            let mut flags = vec![if m.read_only == Some(true) { "ro".to_string() } else { "rw".to_string() }];
            if let Some(sub) = m.sub_path.as_ref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sub:?}"));
            }
            w.line(3, &format!("{} from {} ({})", m.mount_path, m.name, flags.join(",")));
        }
    }
}

/// `State:`/`Last State:` of a container with its reason, exit code and times.
fn container_state(w: &mut Writer, title: &str, state: Option<&ContainerState>) {
    let state = state.cloned().unwrap_or_default();
    let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
        t.map(|t| rfc1123z(unix_of(t))).unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".to_string())
    };
    if let Some(running) = state.running.as_ref() {
        w.line(2, &format!("{title}:\tRunning"));
        w.line(3, &format!("Started:\t{}", time(running.started_at.as_ref())));
    } else if let Some(waiting) = state.waiting.as_ref() {
        w.line(2, &format!("{title}:\tWaiting"));
        if let Some(reason) = waiting.reason.as_ref().filter(|r| !r.is_empty()) {
            w.line(3, &format!("Reason:\t{reason}"));
        }
    } else if let Some(t) = state.terminated.as_ref() {
        w.line(2, &format!("{title}:\tTerminated"));
        if let Some(reason) = t.reason.as_ref().filter(|r| !r.is_empty()) {
            w.line(3, &format!("Reason:\t{reason}"));
        }
        if let Some(message) = t.message.as_ref().filter(|m| !m.is_empty()) {
            w.line(3, &format!("Message:\t{message}"));
        }
        w.line(3, &format!("Exit Code:\t{}", t.exit_code));
        if let Some(signal) = t.signal.filter(|s| *s > 0) {
            w.line(3, &format!("Signal:\t{signal}"));
        }
        w.line(3, &format!("Started:\t{}", time(t.started_at.as_ref())));
        w.line(3, &format!("Finished:\t{}", time(t.finished_at.as_ref())));
    } else {
        w.line(2, &format!("{title}:\tWaiting"));
    }
}

/// The `Volumes:` block.
pub fn volumes_block(w: &mut Writer, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.line(0, &format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(0, &format!("{space}Volumes:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    let opt = |b: Option<bool>| b.map_or_else(|| "<nil>".to_string(), |b| b.to_string());
    for v in volumes {
        w.line(1, &format!("{name_indent}{}:", v.name));
        if let Some(h) = v.host_path.as_ref() {
            w.line(2, "Type:\tHostPath (bare host directory volume)");
            w.line(2, &format!("Path:\t{}", h.path));
            w.line(2, &format!("HostPathType:\t{}", h.type_.clone().unwrap_or_else(|| "<none>".to_string())));
        } else if let Some(e) = v.empty_dir.as_ref() {
            w.line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)");
            w.line(2, &format!("Medium:\t{}", e.medium.clone().unwrap_or_default()));
            let limit = e.size_limit.as_ref().map(|q| q.0.clone()).filter(|q| !q.is_empty() && q != "0");
            w.line(2, &format!("SizeLimit:\t{}", limit.unwrap_or_else(|| "<unset>".to_string())));
        } else if let Some(s) = v.secret.as_ref() {
            w.line(2, "Type:\tSecret (a volume populated by a Secret)");
            w.line(2, &format!("SecretName:\t{}", s.secret_name.clone().unwrap_or_default()));
            w.line(2, &format!("Optional:\t{}", s.optional.unwrap_or(false)));
        } else if let Some(c) = v.config_map.as_ref() {
            w.line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)");
            w.line(2, &format!("Name:\t{}", c.name));
            w.line(2, &format!("Optional:\t{}", c.optional.unwrap_or(false)));
        } else if let Some(c) = v.persistent_volume_claim.as_ref() {
            w.line(
                2,
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            );
            w.line(2, &format!("ClaimName:\t{}", c.claim_name));
            w.line(2, &format!("ReadOnly:\t{}", c.read_only.unwrap_or(false)));
        } else if let Some(p) = v.projected.as_ref() {
            w.line(2, "Type:\tProjected (a volume that contains injected data from multiple sources)");
            for source in p.sources.iter().flatten() {
                if let Some(s) = source.secret.as_ref() {
                    w.line(2, &format!("SecretName:\t{}", s.name));
                    w.line(2, &format!("SecretOptionalName:\t{}", opt(s.optional)));
                } else if source.downward_api.is_some() {
                    w.line(2, "DownwardAPI:\ttrue");
                } else if let Some(c) = source.config_map.as_ref() {
                    w.line(2, &format!("ConfigMapName:\t{}", c.name));
                    w.line(2, &format!("ConfigMapOptional:\t{}", opt(c.optional)));
                } else if let Some(t) = source.service_account_token.as_ref() {
                    w.line(2, &format!("TokenExpirationSeconds:\t{}", t.expiration_seconds.unwrap_or(3607)));
                }
            }
        } else if let Some(d) = v.downward_api.as_ref() {
            w.line(2, "Type:\tDownwardAPI (a volume populated by information about the pod)");
            w.line(2, "Items:");
            for item in d.items.iter().flatten() {
                if let Some(f) = item.field_ref.as_ref() {
                    w.line(3, &format!("{} -> {}", f.field_path, item.path));
                }
                if let Some(r) = item.resource_field_ref.as_ref() {
                    w.line(3, &format!("{} -> {}", r.resource, item.path));
                }
            }
        } else {
            w.line(1, "<unknown>");
        }
    }
}

/// The `Pod Template:` block of controllers.
pub fn pod_template_block(w: &mut Writer, template: Option<&PodTemplateSpec>) {
    w.line(0, "Pod Template:");
    let Some(template) = template else {
        w.line(1, "<unset>");
        return;
    };
    let meta = template.metadata.clone().unwrap_or_default();
    labels_multiline(w, 0, "  Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        annotations_multiline(w, 0, "  Annotations", meta.annotations.as_ref());
    }
    let spec = template.spec.clone().unwrap_or_default();
    if let Some(sa) = spec.service_account_name.as_ref().filter(|s| !s.is_empty()) {
        w.line(1, &format!("Service Account:\t{sa}"));
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers_block(w, "Init Containers", init, &[], None, "  ");
    }
    containers_block(w, "Containers", &spec.containers, &[], None, "  ");
    volumes_block(w, spec.volumes.as_deref().unwrap_or_default(), "  ");
    if let Some(class) = spec.priority_class_name.as_ref().filter(|c| !c.is_empty()) {
        w.line(1, &format!("Priority Class Name:\t{class}"));
    }
    labels_multiline(w, 0, "  Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(w, "  Tolerations", spec.tolerations.as_deref().unwrap_or_default());
}

/// `Tolerations:  key=value:Effect op=Exists for 300s`, one per line.
pub fn tolerations_multiline(
    w: &mut Writer,
    title: &str,
    tolerations: &[k8s_openapi::api::core::v1::Toleration],
) {
    w.write(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.line(0, "<none>");
        return;
    }
    for (i, t) in tolerations.iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let key = t.key.clone().unwrap_or_default();
        let value = t.value.clone().unwrap_or_default();
        let effect = t.effect.clone().unwrap_or_default();
        let mut text = key.clone();
        if !value.is_empty() {
            text.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            text.push_str(&format!(":{effect}"));
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                text.push_str(" op=Exists");
            } else {
                text.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            text.push_str(&format!(" for {secs}s"));
        }
        w.line(0, &text);
    }
}
