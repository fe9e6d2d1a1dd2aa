//! Tables of cluster and configuration kinds: nodes, namespaces, events, config maps, secrets,
//! storage, disruption budgets, quotas, limit ranges, priority classes, service accounts,
//! leases, and the NAME/AGE table of every other kind.

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, LimitRange, Namespace, Node, PersistentVolume, PersistentVolumeClaim, ResourceQuota,
    Secret, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::cells::{access_modes, age, human_secs, or_none, unix_of, unix_of_micro};
use super::{name_of, row_for, Column, Row, Table};
use crate::sim::time::rfc3339;

/// The roles of a node from its `node-role.kubernetes.io/<role>` and `kubernetes.io/role`
/// labels, sorted.
pub fn node_roles(node: &Node) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for (key, value) in node.metadata.labels.iter().flatten() {
        let role = if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            role.to_string()
        } else if key == "kubernetes.io/role" {
            value.clone()
        } else {
            continue;
        };
        if !role.is_empty() && !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles.sort();
    roles
}

/// The STATUS cell of a node: `Ready`, `NotReady`, `Unknown`, `,SchedulingDisabled` appended.
pub fn node_status(node: &Node) -> String {
    let conditions = node.status.as_ref().and_then(|s| s.conditions.as_deref()).unwrap_or_default();
    let mut status: Vec<&str> = Vec::new();
    if let Some(ready) = conditions.iter().find(|c| c.type_ == "Ready") {
        status.push(if ready.status == "True" { "Ready" } else { "NotReady" });
    } else {
        status.push("Unknown");
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        status.push("SchedulingDisabled");
    }
    status.join(",")
}

fn node_address(node: &Node, kind: &str) -> String {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == kind))
        .map_or_else(|| "<none>".to_string(), |a| a.address.clone())
}

/// `kubectl get nodes`.
pub fn nodes_table(items: &[Node], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Status"),
        Column::normal("Roles"),
        Column::normal("Age"),
        Column::normal("Version"),
        Column::wide("Internal-IP"),
        Column::wide("External-IP"),
        Column::wide("OS-Image"),
        Column::wide("Kernel-Version"),
        Column::wide("Container-Runtime"),
    ];
    let rows = items
        .iter()
        .map(|node| {
            let info = node.status.as_ref().and_then(|s| s.node_info.clone()).unwrap_or_default();
            let unknown = |v: &str| {
                if v.is_empty() {
                    "<unknown>".to_string()
                } else {
                    v.to_string()
                }
            };
            let roles = node_roles(node).join(",");
            row_for(
                &node.metadata,
                vec![
                    name_of(&node.metadata),
                    node_status(node),
                    or_none(&roles),
                    age(node.metadata.creation_timestamp.as_ref(), now_unix),
                    info.kubelet_version.clone(),
                    node_address(node, "InternalIP"),
                    node_address(node, "ExternalIP"),
                    unknown(&info.os_image),
                    unknown(&info.kernel_version),
                    unknown(&info.container_runtime_version),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get namespaces`.
pub fn namespaces_table(items: &[Namespace], now_unix: i64) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Status"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|ns| {
            let phase =
                ns.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Active".to_string());
            row_for(
                &ns.metadata,
                vec![name_of(&ns.metadata), phase, age(ns.metadata.creation_timestamp.as_ref(), now_unix)],
            )
        })
        .collect();
    Table { columns, rows }
}

/// LAST SEEN, FIRST SEEN and COUNT of an event, from the old (timestamps, count) or new
/// (eventTime, series) fields.
pub fn event_times(event: &Event, now_unix: i64) -> (String, String, i32) {
    let first = match (event.first_timestamp.as_ref(), event.event_time.as_ref()) {
        (Some(t), _) => human_secs(now_unix - unix_of(t)),
        (None, Some(t)) => human_secs(now_unix - unix_of_micro(t)),
        (None, None) => "<unknown>".to_string(),
    };
    let mut last =
        event.last_timestamp.as_ref().map_or_else(|| first.clone(), |t| human_secs(now_unix - unix_of(t)));
    let mut count = event.count.unwrap_or(0);
    if let Some(series) = event.series.as_ref() {
        last = series
            .last_observed_time
            .as_ref()
            .map_or_else(|| first.clone(), |t| human_secs(now_unix - unix_of_micro(t)));
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    (last, first, count)
}

/// `component, host` of an event (the wide SOURCE column).
pub fn event_source(event: &Event) -> String {
    let source = event.source.clone().unwrap_or_default();
    let component = source
        .component
        .filter(|c| !c.is_empty())
        .or_else(|| event.reporting_component.clone())
        .unwrap_or_default();
    let host = source
        .host
        .filter(|h| !h.is_empty())
        .or_else(|| event.reporting_instance.clone())
        .unwrap_or_default();
    if host.is_empty() {
        component
    } else {
        format!("{component}, {host}")
    }
}

/// `kubectl get events` (in the order given: kubectl does not sort them).
pub fn events_table(items: &[Event], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Last Seen"),
        Column::normal("Type"),
        Column::normal("Reason"),
        Column::normal("Object"),
        Column::wide("Subobject"),
        Column::wide("Source"),
        Column::normal("Message"),
        Column::wide("First Seen"),
        Column::wide("Count"),
        Column::wide("Name"),
    ];
    let rows = items
        .iter()
        .map(|e| {
            let (last, first, count) = event_times(e, now_unix);
            let involved = &e.involved_object;
            let kind = involved.kind.clone().unwrap_or_default().to_lowercase();
            let object = match involved.name.as_deref() {
                Some(name) if !name.is_empty() => format!("{kind}/{name}"),
                _ => kind,
            };
            row_for(
                &e.metadata,
                vec![
                    last,
                    e.type_.clone().unwrap_or_default(),
                    e.reason.clone().unwrap_or_default(),
                    object,
                    involved.field_path.clone().unwrap_or_default(),
                    event_source(e),
                    e.message.clone().unwrap_or_default().trim().to_string(),
                    first,
                    count.to_string(),
                    name_of(&e.metadata),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get configmaps`.
pub fn configmaps_table(items: &[ConfigMap], now_unix: i64) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Data"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|cm| {
            let count =
                cm.data.as_ref().map_or(0, |d| d.len()) + cm.binary_data.as_ref().map_or(0, |d| d.len());
            row_for(
                &cm.metadata,
                vec![
                    name_of(&cm.metadata),
                    count.to_string(),
                    age(cm.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get secrets`.
pub fn secrets_table(items: &[Secret], now_unix: i64) -> Table {
    let columns =
        vec![Column::normal("Name"), Column::normal("Type"), Column::normal("Data"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|s| {
            let mut keys: Vec<&String> = s.data.iter().flat_map(|d| d.keys()).collect();
            keys.extend(s.string_data.iter().flat_map(|d| d.keys()));
            keys.sort();
            keys.dedup();
            row_for(
                &s.metadata,
                vec![
                    name_of(&s.metadata),
                    s.type_.clone().unwrap_or_else(|| "Opaque".to_string()),
                    keys.len().to_string(),
                    age(s.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get pvc`.
pub fn pvcs_table(items: &[PersistentVolumeClaim], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Status"),
        Column::normal("Volume"),
        Column::normal("Capacity"),
        Column::normal("Access Modes"),
        Column::normal("StorageClass"),
        Column::normal("VolumeAttributesClass"),
        Column::normal("Age"),
        Column::wide("VolumeMode"),
    ];
    let rows = items
        .iter()
        .map(|pvc| {
            let spec = pvc.spec.clone().unwrap_or_default();
            let status = pvc.status.clone().unwrap_or_default();
            let mut phase = status.phase.clone().unwrap_or_default();
            if pvc.metadata.deletion_timestamp.is_some() {
                phase = "Terminating".to_string();
            }
            let volume = spec.volume_name.clone().unwrap_or_default();
            let (capacity, modes) = if volume.is_empty() {
                (String::new(), String::new())
            } else {
                let capacity = status
                    .capacity
                    .as_ref()
                    .and_then(|c| c.get("storage"))
                    .map(|q| q.0.clone())
                    .unwrap_or_default();
                (capacity, access_modes(status.access_modes.as_ref()))
            };
            let class = pvc
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class").cloned())
                .or_else(|| spec.storage_class_name.clone())
                .unwrap_or_default();
            let vac = status
                .current_volume_attributes_class_name
                .clone()
                .or_else(|| spec.volume_attributes_class_name.clone())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "<unset>".to_string());
            row_for(
                &pvc.metadata,
                vec![
                    name_of(&pvc.metadata),
                    phase,
                    volume,
                    capacity,
                    modes,
                    class,
                    vac,
                    age(pvc.metadata.creation_timestamp.as_ref(), now_unix),
                    spec.volume_mode.clone().unwrap_or_else(|| "<unset>".to_string()),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get pv`.
pub fn pvs_table(items: &[PersistentVolume], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Capacity"),
        Column::normal("Access Modes"),
        Column::normal("Reclaim Policy"),
        Column::normal("Status"),
        Column::normal("Claim"),
        Column::normal("StorageClass"),
        Column::normal("VolumeAttributesClass"),
        Column::normal("Reason"),
        Column::normal("Age"),
        Column::wide("VolumeMode"),
    ];
    let rows = items
        .iter()
        .map(|pv| {
            let spec = pv.spec.clone().unwrap_or_default();
            let status = pv.status.clone().unwrap_or_default();
            let claim = spec
                .claim_ref
                .as_ref()
                .map(|c| {
                    format!(
                        "{}/{}",
                        c.namespace.clone().unwrap_or_default(),
                        c.name.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let mut phase = status.phase.clone().unwrap_or_default();
            if pv.metadata.deletion_timestamp.is_some() {
                phase = "Terminating".to_string();
            }
            row_for(
                &pv.metadata,
                vec![
                    name_of(&pv.metadata),
                    spec.capacity
                        .as_ref()
                        .and_then(|c| c.get("storage"))
                        .map(|q| q.0.clone())
                        .unwrap_or_else(|| "0".into()),
                    access_modes(spec.access_modes.as_ref()),
                    spec.persistent_volume_reclaim_policy.clone().unwrap_or_default(),
                    phase,
                    claim,
                    spec.storage_class_name.clone().unwrap_or_default(),
                    spec.volume_attributes_class_name
                        .clone()
                        .filter(|v| !v.is_empty())
                        .unwrap_or_else(|| "<unset>".into()),
                    status.reason.clone().unwrap_or_default(),
                    age(pv.metadata.creation_timestamp.as_ref(), now_unix),
                    spec.volume_mode.clone().unwrap_or_else(|| "<unset>".to_string()),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get storageclasses`: the default class is named `standard (default)`.
pub fn storageclasses_table(items: &[StorageClass], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Provisioner"),
        Column::normal("ReclaimPolicy"),
        Column::normal("VolumeBindingMode"),
        Column::normal("AllowVolumeExpansion"),
        Column::normal("Age"),
    ];
    let rows = items
        .iter()
        .map(|sc| {
            let annotations = sc.metadata.annotations.clone().unwrap_or_default();
            let is_default = [
                "storageclass.kubernetes.io/is-default-class",
                "storageclass.beta.kubernetes.io/is-default-class",
            ]
            .iter()
            .any(|k| annotations.get(*k).map(String::as_str) == Some("true"));
            let mut name = name_of(&sc.metadata);
            if is_default {
                name.push_str(" (default)");
            }
            row_for(
                &sc.metadata,
                vec![
                    name,
                    sc.provisioner.clone(),
                    sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".to_string()),
                    sc.volume_binding_mode.clone().unwrap_or_else(|| "Immediate".to_string()),
                    sc.allow_volume_expansion.unwrap_or(false).to_string(),
                    age(sc.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

fn int_or_string(value: Option<&IntOrString>) -> String {
    match value {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "N/A".to_string(),
    }
}

/// `kubectl get pdb`.
pub fn pdbs_table(items: &[PodDisruptionBudget], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Min Available"),
        Column::normal("Max Unavailable"),
        Column::normal("Allowed Disruptions"),
        Column::normal("Age"),
    ];
    let rows = items
        .iter()
        .map(|pdb| {
            let spec = pdb.spec.clone().unwrap_or_default();
            row_for(
                &pdb.metadata,
                vec![
                    name_of(&pdb.metadata),
                    int_or_string(spec.min_available.as_ref()),
                    int_or_string(spec.max_unavailable.as_ref()),
                    pdb.status.as_ref().and_then(|s| s.disruptions_allowed).unwrap_or(0).to_string(),
                    age(pdb.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get resourcequotas`: REQUEST and LIMIT list `name: used/hard`, sorted by name.
pub fn resourcequotas_table(items: &[ResourceQuota], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Age"),
        Column::normal("Request"),
        Column::normal("Limit"),
    ];
    let rows = items
        .iter()
        .map(|quota| {
            let status = quota.status.clone().unwrap_or_default();
            let hard = status.hard.clone().unwrap_or_default();
            let used = status.used.clone().unwrap_or_default();
            let mut requests = Vec::new();
            let mut limits = Vec::new();
            for (name, quantity) in &hard {
                let used = used.get(name).map_or_else(|| "0".to_string(), |q| q.0.clone());
                let text = format!("{name}: {used}/{}", quantity.0);
                if name.starts_with("limits") {
                    limits.push(text);
                } else {
                    requests.push(text);
                }
            }
            row_for(
                &quota.metadata,
                vec![
                    name_of(&quota.metadata),
                    age(quota.metadata.creation_timestamp.as_ref(), now_unix),
                    requests.join(", "),
                    limits.join(", "),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get limitranges`: CREATED AT is an RFC 3339 timestamp, not an age.
pub fn limitranges_table(items: &[LimitRange]) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Created At")];
    let rows = items
        .iter()
        .map(|lr| {
            let created =
                lr.metadata.creation_timestamp.as_ref().map(|t| rfc3339(unix_of(t))).unwrap_or_default();
            row_for(&lr.metadata, vec![name_of(&lr.metadata), created])
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get priorityclasses`.
pub fn priorityclasses_table(items: &[PriorityClass], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Value"),
        Column::normal("Global-Default"),
        Column::normal("Age"),
        Column::normal("PreemptionPolicy"),
    ];
    let rows = items
        .iter()
        .map(|pc| {
            row_for(
                &pc.metadata,
                vec![
                    name_of(&pc.metadata),
                    pc.value.unwrap_or(0).to_string(),
                    pc.global_default.unwrap_or(false).to_string(),
                    age(pc.metadata.creation_timestamp.as_ref(), now_unix),
                    pc.preemption_policy.clone().unwrap_or_else(|| "PreemptLowerPriority".to_string()),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get serviceaccounts`.
pub fn serviceaccounts_table(items: &[ServiceAccount], now_unix: i64) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Secrets"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|sa| {
            row_for(
                &sa.metadata,
                vec![
                    name_of(&sa.metadata),
                    sa.secrets.as_ref().map_or(0, Vec::len).to_string(),
                    age(sa.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get leases`.
pub fn leases_table(items: &[Lease], now_unix: i64) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Holder"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|lease| {
            let holder = lease.spec.as_ref().and_then(|s| s.holder_identity.clone()).unwrap_or_default();
            row_for(
                &lease.metadata,
                vec![
                    name_of(&lease.metadata),
                    holder,
                    age(lease.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// NAME and AGE of any object given as JSON: the table of custom resources and of kinds
/// without a dedicated printer.
pub fn generic_table(items: &[serde_json::Value], now_unix: i64) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|item| {
            let meta = &item["metadata"];
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            let created = meta["creationTimestamp"].as_str().and_then(crate::sim::time::parse_rfc3339);
            let age = created.map_or_else(|| "<unknown>".to_string(), |t| human_secs(now_unix - t));
            let labels = meta["labels"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
                .unwrap_or_default();
            Row { namespace: text(&meta["namespace"]), labels, cells: vec![text(&meta["name"]), age] }
        })
        .collect();
    Table { columns, rows }
}
