//! Validation with the API server's field paths and wording (`pkg/apis/*/validation`,
//! apimachinery `pkg/util/validation`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;

use crate::sim::api::errors::{quoted, ApiError, FieldError};
use crate::sim::api::object::Object;
use crate::sim::api::quantity;
use crate::sim::api::selector;

use super::container_fields;
use crate::sim::controllers::cron_job_zone;

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// Whether `s` is a DNS-1123 label.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Whether `s` is a DNS-1123 subdomain.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(|part| !part.is_empty() && is_dns1123_label(part))
}

/// Whether `s` is a DNS-1035 label.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

fn is_label_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

fn label_name_errors(path: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.len() > 63 {
        errors.push(FieldError::invalid(path, quoted(value), "name part must be no more than 63 characters"));
    } else if !is_label_name(value) {
        errors.push(FieldError::invalid(path, quoted(value), LABEL_NAME_MSG));
    }
}

fn labels(path: &str, labels: Option<&BTreeMap<String, String>>, errors: &mut Vec<FieldError>) {
    for (key, value) in labels.into_iter().flatten() {
        match key.split_once('/') {
            Some((prefix, name)) => {
                if !is_dns1123_subdomain(prefix) {
                    errors.push(FieldError::invalid(
                        path,
                        quoted(key),
                        format!("prefix part {DNS1123_SUBDOMAIN_MSG}"),
                    ));
                }
                label_name_errors(path, name, errors);
            }
            None => label_name_errors(path, key, errors),
        }
        if value.len() > 63 {
            errors.push(FieldError::invalid(path, quoted(value), "must be no more than 63 characters"));
        } else if !value.is_empty() && !is_label_name(value) {
            errors.push(FieldError::invalid(path, quoted(value), LABEL_VALUE_MSG));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
}

fn metadata(meta: &ObjectMeta, rule: NameRule, errors: &mut Vec<FieldError>) {
    let name = meta.name.as_deref().unwrap_or_default();
    let (ok, message, max) = match rule {
        NameRule::Subdomain => (is_dns1123_subdomain(name), DNS1123_SUBDOMAIN_MSG, 253),
        NameRule::Label => (is_dns1123_label(name), DNS1123_LABEL_MSG, 63),
        NameRule::Dns1035 => (is_dns1035_label(name), DNS1035_LABEL_MSG, 63),
    };
    if name.len() > max {
        errors.push(FieldError::invalid(
            "metadata.name",
            quoted(name),
            format!("must be no more than {max} characters"),
        ));
    } else if !ok {
        errors.push(FieldError::invalid("metadata.name", quoted(name), message));
    }
    labels("metadata.labels", meta.labels.as_ref(), errors);
}

/// Validates a new or changed object on its own.
pub fn validate(object: &Object) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let rule = match object.kind() {
        "Namespace" => NameRule::Label,
        "Service" => NameRule::Dns1035,
        _ => NameRule::Subdomain,
    };
    if object.kind() != "Event" {
        metadata(object.metadata(), rule, &mut errors);
    }
    match object {
        Object::Pod(pod) => match pod.spec.as_ref() {
            Some(spec) => pod_spec("spec", spec, &["Always", "OnFailure", "Never"], &mut errors),
            None => errors.push(FieldError::required("spec.containers")),
        },
        Object::ReplicaSet(rs) => {
            if let Some(spec) = rs.spec.as_ref() {
                replicas("spec.replicas", spec.replicas, &mut errors);
                workload_selector(Some(&spec.selector), spec.template.as_ref(), &mut errors);
                template("spec.template", spec.template.as_ref(), &["Always"], &mut errors);
            }
        }
        Object::Deployment(d) => {
            if let Some(spec) = d.spec.as_ref() {
                replicas("spec.replicas", spec.replicas, &mut errors);
                workload_selector(Some(&spec.selector), Some(&spec.template), &mut errors);
                template("spec.template", Some(&spec.template), &["Always"], &mut errors);
                if let Some(strategy) = &spec.strategy {
                    let kind = strategy.type_.as_deref().unwrap_or_default();
                    if !matches!(kind, "RollingUpdate" | "Recreate") {
                        errors.push(FieldError::unsupported(
                            "spec.strategy.type",
                            quoted(kind),
                            &["Recreate", "RollingUpdate"],
                        ));
                    }
                    if kind == "Recreate" && strategy.rolling_update.is_some() {
                        errors.push(FieldError::forbidden(
                            "spec.strategy.rollingUpdate",
                            "may not be specified when strategy `type` is 'Recreate'",
                        ));
                    }
                }
            }
        }
        Object::DaemonSet(ds) => {
            if let Some(spec) = ds.spec.as_ref() {
                workload_selector(Some(&spec.selector), Some(&spec.template), &mut errors);
                template("spec.template", Some(&spec.template), &["Always"], &mut errors);
            }
        }
        Object::StatefulSet(sts) => {
            if let Some(spec) = sts.spec.as_ref() {
                replicas("spec.replicas", spec.replicas, &mut errors);
                workload_selector(Some(&spec.selector), Some(&spec.template), &mut errors);
                let claims: Vec<String> = spec
                    .volume_claim_templates
                    .iter()
                    .flatten()
                    .filter_map(|c| c.metadata.name.clone())
                    .collect();
                template_with_claims(
                    "spec.template",
                    Some(&spec.template),
                    &["Always"],
                    &claims,
                    &mut errors,
                );
            }
        }
        Object::ReplicationController(rc) => {
            if let Some(spec) = rc.spec.as_ref() {
                replicas("spec.replicas", spec.replicas, &mut errors);
                template("spec.template", spec.template.as_ref(), &["Always"], &mut errors);
            }
        }
        Object::Job(job) => {
            if let Some(spec) = job.spec.as_ref() {
                template("spec.template", Some(&spec.template), &["OnFailure", "Never"], &mut errors);
                if let Some(selector) = spec.selector.as_ref() {
                    workload_selector(Some(selector), Some(&spec.template), &mut errors);
                }
            }
        }
        Object::CronJob(cj) => {
            if object.name().len() > 52 {
                errors.push(FieldError::invalid(
                    "metadata.name",
                    quoted(object.name()),
                    "must be no more than 52 characters",
                ));
            }
            {
                let spec = &cj.spec;
                if spec.schedule.trim().is_empty() {
                    errors.push(FieldError::required("spec.schedule"));
                }
                if let Some(zone) = spec.time_zone.as_deref() {
                    time_zone(zone, &mut errors);
                }
                if let Some(job) = spec.job_template.spec.as_ref() {
                    template(
                        "spec.jobTemplate.spec.template",
                        Some(&job.template),
                        &["OnFailure", "Never"],
                        &mut errors,
                    );
                }
            }
        }
        Object::Service(svc) => {
            if let Some(spec) = svc.spec.as_ref() {
                let kind = spec.type_.as_deref().unwrap_or("ClusterIP");
                if !matches!(kind, "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName") {
                    errors.push(FieldError::unsupported(
                        "spec.type",
                        quoted(kind),
                        &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
                    ));
                }
                let headless = spec.cluster_ip.as_deref() == Some("None");
                let ports = spec.ports.as_deref().unwrap_or_default();
                if ports.is_empty() && !headless && kind != "ExternalName" {
                    errors.push(FieldError::required("spec.ports"));
                }
                let mut names = BTreeSet::new();
                for (i, port) in ports.iter().enumerate() {
                    if !(1..=65535).contains(&port.port) {
                        errors.push(FieldError::invalid(
                            format!("spec.ports[{i}].port"),
                            port.port.to_string(),
                            "must be between 1 and 65535, inclusive",
                        ));
                    }
                    if ports.len() > 1 && port.name.as_deref().is_none_or(str::is_empty) {
                        errors.push(FieldError::required(format!("spec.ports[{i}].name")));
                    }
                    if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
                        if !names.insert(name.to_string()) {
                            errors.push(FieldError::duplicate(format!("spec.ports[{i}].name"), quoted(name)));
                        }
                    }
                }
                if let Some(selector) = &spec.selector {
                    labels("spec.selector", Some(selector), &mut errors);
                }
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            if let Some(spec) = pvc.spec.as_ref() {
                if spec.access_modes.as_ref().is_none_or(Vec::is_empty) {
                    errors.push(FieldError::required("spec.accessModes"));
                }
                let has_storage = spec
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .is_some_and(|r| r.contains_key("storage"));
                if !has_storage {
                    errors.push(FieldError::required("spec.resources[storage]"));
                }
            }
        }
        Object::ConfigMap(cm) => {
            for key in
                cm.data.iter().flat_map(|d| d.keys()).chain(cm.binary_data.iter().flat_map(|d| d.keys()))
            {
                if !is_config_key(key) {
                    errors.push(FieldError::invalid(
                        "data",
                        quoted(key),
                        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                    ));
                }
            }
        }
        _ => {}
    }
    errors
}

/// `spec.timeZone`: an explicit IANA name the zone table knows (`time.LoadLocation`).
fn time_zone(zone: &str, errors: &mut Vec<FieldError>) {
    let detail = if zone.is_empty() {
        "timeZone must be nil or non-empty string".to_string()
    } else if zone.eq_ignore_ascii_case("Local") {
        "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones".to_string()
    } else if cron_job_zone::lookup(zone).is_none() {
        format!("unknown time zone {zone}")
    } else {
        return;
    };
    errors.push(FieldError::invalid("spec.timeZone", quoted(zone), detail));
}

fn is_config_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn replicas(path: &str, value: Option<i32>, errors: &mut Vec<FieldError>) {
    if let Some(n) = value.filter(|n| *n < 0) {
        errors.push(FieldError::invalid(path, n.to_string(), "must be greater than or equal to 0"));
    }
}

fn selector_json(selector: &LabelSelector) -> String {
    serde_json::to_string(selector).unwrap_or_default()
}

fn workload_selector(
    selector: Option<&LabelSelector>,
    template: Option<&PodTemplateSpec>,
    errors: &mut Vec<FieldError>,
) {
    let Some(selector) = selector else {
        errors.push(FieldError::required("spec.selector"));
        return;
    };
    let template_labels =
        template.and_then(|t| t.metadata.as_ref()).and_then(|m| m.labels.clone()).unwrap_or_default();
    // A missing selector decodes as an empty one; apps/v1 requires it.
    let empty = selector::is_empty(selector);
    if empty {
        errors.push(FieldError::required("spec.selector"));
    }
    if empty || !selector::matches(selector, &template_labels) {
        errors.push(FieldError::invalid(
            "spec.template.metadata.labels",
            serde_json::to_string(&template_labels).unwrap_or_default(),
            "`selector` does not match template `labels`",
        ));
    }
}

fn template(
    path: &str,
    template: Option<&PodTemplateSpec>,
    restart_policies: &[&str],
    errors: &mut Vec<FieldError>,
) {
    template_with_claims(path, template, restart_policies, &[], errors);
}

/// A pod template; `claims` are volume names a StatefulSet's volumeClaimTemplates provide.
fn template_with_claims(
    path: &str,
    template: Option<&PodTemplateSpec>,
    restart_policies: &[&str],
    claims: &[String],
    errors: &mut Vec<FieldError>,
) {
    let Some(template) = template else {
        errors.push(FieldError::required(path));
        return;
    };
    if let Some(meta) = &template.metadata {
        labels(&format!("{path}.metadata.labels"), meta.labels.as_ref(), errors);
    }
    match &template.spec {
        Some(spec) => pod_spec_with_claims(&format!("{path}.spec"), spec, restart_policies, claims, errors),
        None => errors.push(FieldError::required(format!("{path}.spec.containers"))),
    }
}

fn pod_spec(path: &str, spec: &PodSpec, restart_policies: &[&str], errors: &mut Vec<FieldError>) {
    pod_spec_with_claims(path, spec, restart_policies, &[], errors);
}

fn pod_spec_with_claims(
    path: &str,
    spec: &PodSpec,
    restart_policies: &[&str],
    claims: &[String],
    errors: &mut Vec<FieldError>,
) {
    if spec.containers.is_empty() {
        errors.push(FieldError::required(format!("{path}.containers")));
    }
    let mut names = BTreeSet::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        container(&format!("{path}.initContainers[{i}]"), c, &mut names, errors);
    }
    for (i, c) in spec.containers.iter().enumerate() {
        container(&format!("{path}.containers[{i}]"), c, &mut names, errors);
    }
    if let Some(policy) = spec.restart_policy.as_deref() {
        if !restart_policies.contains(&policy) {
            errors.push(FieldError::unsupported(
                format!("{path}.restartPolicy"),
                quoted(policy),
                restart_policies,
            ));
        }
    }
    if let Some(affinity) = &spec.affinity {
        container_fields::affinity(&format!("{path}.affinity"), affinity, errors);
    }
    let mut volumes: BTreeSet<String> = claims.iter().cloned().collect();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        if !is_dns1123_label(&v.name) {
            errors.push(FieldError::invalid(
                format!("{path}.volumes[{i}].name"),
                quoted(&v.name),
                DNS1123_LABEL_MSG,
            ));
        } else if !volumes.insert(v.name.clone()) {
            errors.push(FieldError::duplicate(format!("{path}.volumes[{i}].name"), quoted(&v.name)));
        }
    }
    for (ci, c) in spec.containers.iter().enumerate() {
        for (mi, mount) in c.volume_mounts.iter().flatten().enumerate() {
            if !volumes.contains(&mount.name) {
                errors.push(FieldError {
                    path: format!("{path}.containers[{ci}].volumeMounts[{mi}].name"),
                    kind: "Not found",
                    value: Some(quoted(&mount.name)),
                    detail: None,
                });
            }
        }
    }
}

fn container(path: &str, c: &Container, names: &mut BTreeSet<String>, errors: &mut Vec<FieldError>) {
    if c.name.is_empty() {
        errors.push(FieldError::required(format!("{path}.name")));
    } else if !is_dns1123_label(&c.name) {
        errors.push(FieldError::invalid(format!("{path}.name"), quoted(&c.name), DNS1123_LABEL_MSG));
    } else if !names.insert(c.name.clone()) {
        errors.push(FieldError::duplicate(format!("{path}.name"), quoted(&c.name)));
    }
    if c.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
        errors.push(FieldError::required(format!("{path}.image")));
    }
    container_fields::ports(&format!("{path}.ports"), c.ports.as_deref().unwrap_or_default(), errors);
    container_fields::env(&format!("{path}.env"), c.env.as_deref().unwrap_or_default(), errors);
    for (field, probe, single_success) in [
        ("livenessProbe", &c.liveness_probe, true),
        ("readinessProbe", &c.readiness_probe, false),
        ("startupProbe", &c.startup_probe, true),
    ] {
        if let Some(probe) = probe {
            container_fields::probe(&format!("{path}.{field}"), probe, single_success, errors);
        }
    }
    if let Some(policy) = c.image_pull_policy.as_deref() {
        if !matches!(policy, "Always" | "IfNotPresent" | "Never") {
            errors.push(FieldError::unsupported(
                format!("{path}.imagePullPolicy"),
                quoted(policy),
                &["Always", "IfNotPresent", "Never"],
            ));
        }
    }
    if let Some(resources) = &c.resources {
        let limits = resources.limits.clone().unwrap_or_default();
        for (name, request) in resources.requests.iter().flatten() {
            let (Some(req), Some(limit)) = (
                quantity::parse_millis(&request.0),
                limits.get(name).and_then(|l| quantity::parse_millis(&l.0)),
            ) else {
                continue;
            };
            if req > limit {
                errors.push(FieldError::invalid(
                    format!("{path}.resources.requests"),
                    quoted(&request.0),
                    format!(
                        "must be less than or equal to {name} limit of {}",
                        limits.get(name).map(|q| q.0.as_str()).unwrap_or_default()
                    ),
                ));
            }
        }
    }
}

/// A quantity that does not parse is a decoding error (400), not a validation error.
pub fn bad_quantity(object: &Object) -> Option<ApiError> {
    let json = object.to_json();
    let mut bad = None;
    find_bad_quantity(&json, false, &mut bad);
    bad.map(|_| {
        ApiError::BadRequest(format!(
            "{kind} in version {version:?} cannot be handled as a {kind}: quantities must match the regular expression '{}'",
            quantity::QUANTITY_REGEX,
            kind = object.kind(),
            version = crate::sim::api::resources::split_api_version(object.api_version()).1,
        ))
    })
}

fn find_bad_quantity(value: &Value, in_resource_map: bool, bad: &mut Option<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let resource_map =
                    matches!(key.as_str(), "limits" | "requests" | "capacity" | "hard" | "allocatable");
                if in_resource_map {
                    if let Value::String(s) = v {
                        if !quantity::is_valid(s) {
                            *bad = Some(s.clone());
                        }
                        continue;
                    }
                }
                find_bad_quantity(v, resource_map, bad);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| find_bad_quantity(i, false, bad)),
        _ => {}
    }
}

/// Rules for changes to a stored object: immutable fields.
pub fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match (new, old) {
        (Object::Pod(new), Object::Pod(old)) => {
            let strip = |spec: Option<&PodSpec>| -> Value {
                let mut spec = spec.cloned().unwrap_or_default();
                for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut().flatten()) {
                    c.image = None;
                    c.resources = None;
                }
                spec.active_deadline_seconds = None;
                spec.tolerations = None;
                spec.termination_grace_period_seconds = None;
                spec.scheduling_gates = None;
                spec.node_name = None;
                serde_json::to_value(spec).unwrap_or(Value::Null)
            };
            if strip(new.spec.as_ref()) != strip(old.spec.as_ref()) {
                errors.push(FieldError::forbidden(
                    "spec",
                    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                ));
            }
            let old_gates = old.spec.as_ref().and_then(|s| s.scheduling_gates.clone()).unwrap_or_default();
            let new_gates = new.spec.as_ref().and_then(|s| s.scheduling_gates.clone()).unwrap_or_default();
            if new_gates.iter().any(|g| !old_gates.contains(g)) {
                errors.push(FieldError::forbidden(
                    "spec.schedulingGates",
                    "only deletion is allowed, but found new scheduling gate",
                ));
            }
        }
        (Object::Deployment(n), Object::Deployment(o)) => immutable_selector(
            n.spec.as_ref().map(|s| &s.selector),
            o.spec.as_ref().map(|s| &s.selector),
            &mut errors,
        ),
        (Object::ReplicaSet(n), Object::ReplicaSet(o)) => immutable_selector(
            n.spec.as_ref().map(|s| &s.selector),
            o.spec.as_ref().map(|s| &s.selector),
            &mut errors,
        ),
        (Object::DaemonSet(n), Object::DaemonSet(o)) => immutable_selector(
            n.spec.as_ref().map(|s| &s.selector),
            o.spec.as_ref().map(|s| &s.selector),
            &mut errors,
        ),
        (Object::StatefulSet(n), Object::StatefulSet(o)) => {
            immutable_selector(
                n.spec.as_ref().map(|s| &s.selector),
                o.spec.as_ref().map(|s| &s.selector),
                &mut errors,
            );
            let forbidden_change = |s: Option<&k8s_openapi::api::apps::v1::StatefulSetSpec>| {
                s.map(|s| {
                    let mut s = s.clone();
                    s.replicas = None;
                    s.template = Default::default();
                    s.update_strategy = None;
                    s.persistent_volume_claim_retention_policy = None;
                    s.min_ready_seconds = None;
                    s.ordinals = None;
                    s.revision_history_limit = None;
                    serde_json::to_value(s).unwrap_or(Value::Null)
                })
            };
            if forbidden_change(n.spec.as_ref()) != forbidden_change(o.spec.as_ref()) {
                errors.push(FieldError::forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
        }
        (Object::Job(n), Object::Job(o)) => {
            let (Some(ns), Some(os)) = (n.spec.as_ref(), o.spec.as_ref()) else {
                return errors;
            };
            if ns.selector != os.selector {
                errors.push(FieldError::invalid(
                    "spec.selector",
                    ns.selector.as_ref().map(selector_json).unwrap_or_default(),
                    "field is immutable",
                ));
            }
            if ns.template != os.template {
                errors.push(FieldError::invalid(
                    "spec.template",
                    serde_json::to_string(&ns.template).unwrap_or_default(),
                    "field is immutable",
                ));
            }
            if ns.completions != os.completions {
                errors.push(FieldError::invalid(
                    "spec.completions",
                    ns.completions.map(|c| c.to_string()).unwrap_or_default(),
                    "field is immutable",
                ));
            }
        }
        (Object::Service(n), Object::Service(o)) => {
            let (Some(ns), Some(os)) = (n.spec.as_ref(), o.spec.as_ref()) else {
                return errors;
            };
            if ns.cluster_ip.is_some() && os.cluster_ip.is_some() && ns.cluster_ip != os.cluster_ip {
                errors.push(FieldError::invalid(
                    "spec.clusterIPs[0]",
                    quoted(ns.cluster_ip.as_deref().unwrap_or_default()),
                    "may not change once set",
                ));
            }
        }
        (Object::PersistentVolumeClaim(n), Object::PersistentVolumeClaim(o)) => {
            let strip = |s: Option<&k8s_openapi::api::core::v1::PersistentVolumeClaimSpec>| {
                s.map(|s| {
                    let mut s = s.clone();
                    s.resources = None;
                    s.volume_name = None;
                    s.volume_attributes_class_name = None;
                    serde_json::to_value(s).unwrap_or(Value::Null)
                })
            };
            if strip(n.spec.as_ref()) != strip(o.spec.as_ref()) {
                errors.push(FieldError::forbidden(
                    "spec",
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
                ));
            }
        }
        _ => {}
    }
    errors
}

fn immutable_selector(
    new: Option<&LabelSelector>,
    old: Option<&LabelSelector>,
    errors: &mut Vec<FieldError>,
) {
    if new != old {
        errors.push(FieldError::invalid(
            "spec.selector",
            new.map(selector_json).unwrap_or_default(),
            "field is immutable",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert!(is_dns1123_label("web-1"));
        assert!(!is_dns1123_label("Web"));
        assert!(!is_dns1123_label("-web"));
        assert!(is_dns1123_subdomain("a.b-c"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(is_dns1035_label("web"));
        assert!(!is_dns1035_label("1web"));
    }
}
