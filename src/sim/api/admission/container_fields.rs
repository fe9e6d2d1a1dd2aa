//! Validation of the parts of a container and pod spec that have their own rules upstream
//! (`pkg/apis/core/validation`): probes, environment variables, container ports and
//! affinity. Paths and wording are the API server's.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    Affinity, ContainerPort, EnvVar, NodeSelectorTerm, PodAffinityTerm, Probe, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::sim::api::errors::{quoted, FieldError};

const PORT_RANGE_MSG: &str = "must be between 1 and 65535, inclusive";

fn required_with(path: String, detail: &str) -> FieldError {
    FieldError { path, kind: "Required value", value: None, detail: Some(detail.to_string()) }
}

fn non_negative(path: String, value: Option<i32>, errors: &mut Vec<FieldError>) {
    if let Some(v) = value.filter(|v| *v < 0) {
        errors.push(FieldError::invalid(path, v.to_string(), "must be greater than or equal to 0"));
    }
}

/// `IsValidPortName`: at most 15 characters, lower-case alphanumerics and '-', at least one
/// letter, no leading, trailing or double '-'.
fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if name.len() > 15 {
        found.push("must be no more than 15 characters");
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        found.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.contains("--") {
        found.push("must not contain consecutive hyphens");
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        found.push("must contain at least one letter (a-z)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        found.push("must not begin or end with a hyphen");
    }
    found
}

fn port_num_or_name(path: String, port: &IntOrString, errors: &mut Vec<FieldError>) {
    match port {
        IntOrString::Int(n) if !(1..=65535).contains(n) => {
            errors.push(FieldError::invalid(path, n.to_string(), PORT_RANGE_MSG));
        }
        IntOrString::Int(_) => {}
        IntOrString::String(name) => {
            for msg in port_name_errors(name) {
                errors.push(FieldError::invalid(path.clone(), quoted(name), msg));
            }
        }
    }
}

/// A probe: exactly one handler, valid ports, non-negative timings; liveness and startup
/// probes need `successThreshold` 1.
pub fn probe(path: &str, probe: &Probe, single_success: bool, errors: &mut Vec<FieldError>) {
    let handlers = [
        ("exec", probe.exec.is_some()),
        ("httpGet", probe.http_get.is_some()),
        ("tcpSocket", probe.tcp_socket.is_some()),
        ("grpc", probe.grpc.is_some()),
    ];
    let mut set = handlers.iter().filter(|(_, present)| *present).map(|(name, _)| *name);
    match (set.next(), set.next()) {
        (None, _) => errors.push(required_with(path.to_string(), "must specify a handler type")),
        (Some(_), Some(second)) => errors.push(FieldError::forbidden(
            format!("{path}.{second}"),
            "may not specify more than 1 handler type",
        )),
        _ => {}
    }
    if let Some(get) = &probe.http_get {
        port_num_or_name(format!("{path}.httpGet.port"), &get.port, errors);
        if let Some(scheme) = get.scheme.as_deref().filter(|s| !matches!(*s, "HTTP" | "HTTPS")) {
            errors.push(FieldError::unsupported(
                format!("{path}.httpGet.scheme"),
                quoted(scheme),
                &["HTTP", "HTTPS"],
            ));
        }
    }
    if let Some(tcp) = &probe.tcp_socket {
        port_num_or_name(format!("{path}.tcpSocket.port"), &tcp.port, errors);
    }
    if let Some(grpc) = &probe.grpc {
        if !(1..=65535).contains(&grpc.port) {
            errors.push(FieldError::invalid(
                format!("{path}.grpc.port"),
                grpc.port.to_string(),
                PORT_RANGE_MSG,
            ));
        }
    }
    non_negative(format!("{path}.initialDelaySeconds"), probe.initial_delay_seconds, errors);
    non_negative(format!("{path}.timeoutSeconds"), probe.timeout_seconds, errors);
    non_negative(format!("{path}.periodSeconds"), probe.period_seconds, errors);
    non_negative(format!("{path}.successThreshold"), probe.success_threshold, errors);
    non_negative(format!("{path}.failureThreshold"), probe.failure_threshold, errors);
    if single_success {
        if let Some(v) = probe.success_threshold.filter(|v| *v != 1 && *v >= 0) {
            errors.push(FieldError::invalid(format!("{path}.successThreshold"), v.to_string(), "must be 1"));
        }
    }
    if let Some(grace) = probe.termination_grace_period_seconds.filter(|g| *g <= 0) {
        errors.push(FieldError::invalid(
            format!("{path}.terminationGracePeriodSeconds"),
            grace.to_string(),
            "must be greater than 0",
        ));
    }
}

/// Environment variables: a name of printable ASCII without '=' (the relaxed rule, GA in
/// 1.34), and a `valueFrom` with exactly one source and no `value` beside it.
pub fn env(path: &str, vars: &[EnvVar], errors: &mut Vec<FieldError>) {
    for (i, var) in vars.iter().enumerate() {
        let var_path = format!("{path}[{i}]");
        if var.name.is_empty() {
            errors.push(FieldError::required(format!("{var_path}.name")));
        } else if !var.name.chars().all(|c| (' '..='~').contains(&c) && c != '=') {
            errors.push(FieldError::invalid(
                format!("{var_path}.name"),
                quoted(&var.name),
                "a valid environment variable name must consist only of printable ASCII characters other than '='",
            ));
        }
        let Some(from) = &var.value_from else { continue };
        let from_path = format!("{var_path}.valueFrom");
        let sources = [
            from.field_ref.is_some(),
            from.resource_field_ref.is_some(),
            from.config_map_key_ref.is_some(),
            from.secret_key_ref.is_some(),
        ]
        .iter()
        .filter(|s| **s)
        .count();
        if sources == 0 {
            errors.push(FieldError::invalid(
                from_path.clone(),
                quoted(""),
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            ));
        } else if sources > 1 {
            errors.push(FieldError::invalid(
                from_path.clone(),
                quoted(""),
                "may not have more than one field specified at a time",
            ));
        }
        if var.value.as_deref().is_some_and(|v| !v.is_empty()) {
            errors.push(FieldError::invalid(
                from_path,
                quoted(""),
                "may not be specified when `value` is not empty",
            ));
        }
    }
}

/// Container ports: numbers in range, a supported protocol, valid and unique names.
pub fn ports(path: &str, ports: &[ContainerPort], errors: &mut Vec<FieldError>) {
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let port_path = format!("{path}[{i}]");
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            for msg in port_name_errors(name) {
                errors.push(FieldError::invalid(format!("{port_path}.name"), quoted(name), msg));
            }
            if !names.insert(name.to_string()) {
                errors.push(FieldError::duplicate(format!("{port_path}.name"), quoted(name)));
            }
        }
        if port.container_port == 0 {
            errors.push(FieldError::required(format!("{port_path}.containerPort")));
        } else if !(1..=65535).contains(&port.container_port) {
            errors.push(FieldError::invalid(
                format!("{port_path}.containerPort"),
                port.container_port.to_string(),
                PORT_RANGE_MSG,
            ));
        }
        if let Some(host) = port.host_port.filter(|h| *h != 0 && !(1..=65535).contains(h)) {
            errors.push(FieldError::invalid(
                format!("{port_path}.hostPort"),
                host.to_string(),
                PORT_RANGE_MSG,
            ));
        }
        if let Some(protocol) = port.protocol.as_deref().filter(|p| !matches!(*p, "TCP" | "UDP" | "SCTP")) {
            errors.push(FieldError::unsupported(
                format!("{port_path}.protocol"),
                quoted(protocol),
                &["SCTP", "TCP", "UDP"],
            ));
        }
    }
}

/// Node selector terms (`nodeSelectorTerms[i]`, `preference`): operators and their values.
fn node_selector_term(path: &str, term: &NodeSelectorTerm, errors: &mut Vec<FieldError>) {
    for (i, req) in term.match_expressions.iter().flatten().enumerate() {
        let req_path = format!("{path}.matchExpressions[{i}]");
        let values = req.values.as_deref().unwrap_or_default();
        match req.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => errors.push(required_with(
                format!("{req_path}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errors.push(FieldError::forbidden(
                format!("{req_path}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "Gt" | "Lt" if values.len() != 1 => errors.push(required_with(
                format!("{req_path}.values"),
                "must be specified single value when `operator` is 'Lt' or 'Gt'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
            other => errors.push(FieldError::invalid(
                format!("{req_path}.operator"),
                quoted(other),
                "not a valid selector operator",
            )),
        }
    }
}

/// A metav1 label selector inside an affinity term.
fn label_selector(path: &str, selector: &LabelSelector, errors: &mut Vec<FieldError>) {
    for (i, req) in selector.match_expressions.iter().flatten().enumerate() {
        let req_path = format!("{path}.matchExpressions[{i}]");
        let has_values = req.values.as_ref().is_some_and(|v| !v.is_empty());
        match req.operator.as_str() {
            "In" | "NotIn" if !has_values => errors.push(required_with(
                format!("{req_path}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if has_values => errors.push(FieldError::forbidden(
                format!("{req_path}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errors.push(FieldError::invalid(
                format!("{req_path}.operator"),
                quoted(other),
                "not a valid selector operator",
            )),
        }
    }
}

fn pod_affinity_term(path: &str, term: &PodAffinityTerm, errors: &mut Vec<FieldError>) {
    if let Some(selector) = &term.label_selector {
        label_selector(&format!("{path}.labelSelector"), selector, errors);
    }
    if term.topology_key.is_empty() {
        errors.push(required_with(format!("{path}.topologyKey"), "can not be empty"));
    }
}

fn weighted_terms(path: &str, terms: &[WeightedPodAffinityTerm], errors: &mut Vec<FieldError>) {
    for (i, term) in terms.iter().enumerate() {
        let term_path = format!("{path}[{i}]");
        if !(1..=100).contains(&term.weight) {
            errors.push(FieldError::invalid(
                format!("{term_path}.weight"),
                term.weight.to_string(),
                "must be in the range 1-100",
            ));
        }
        pod_affinity_term(&format!("{term_path}.podAffinityTerm"), &term.pod_affinity_term, errors);
    }
}

/// Node affinity, pod affinity and pod anti-affinity.
pub fn affinity(path: &str, affinity: &Affinity, errors: &mut Vec<FieldError>) {
    if let Some(node) = &affinity.node_affinity {
        let node_path = format!("{path}.nodeAffinity");
        if let Some(required) = &node.required_during_scheduling_ignored_during_execution {
            let req_path = format!("{node_path}.requiredDuringSchedulingIgnoredDuringExecution");
            if required.node_selector_terms.is_empty() {
                errors.push(required_with(
                    format!("{req_path}.nodeSelectorTerms"),
                    "must have at least one node selector term",
                ));
            }
            for (i, term) in required.node_selector_terms.iter().enumerate() {
                node_selector_term(&format!("{req_path}.nodeSelectorTerms[{i}]"), term, errors);
            }
        }
        let preferred_path = format!("{node_path}.preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in
            node.preferred_during_scheduling_ignored_during_execution.iter().flatten().enumerate()
        {
            if !(1..=100).contains(&term.weight) {
                errors.push(FieldError::invalid(
                    format!("{preferred_path}[{i}].weight"),
                    term.weight.to_string(),
                    "must be in the range 1-100",
                ));
            }
            node_selector_term(&format!("{preferred_path}[{i}].preference"), &term.preference, errors);
        }
    }
    let pod_terms = [
        (
            "podAffinity",
            affinity.pod_affinity.as_ref().map(|a| {
                (
                    &a.required_during_scheduling_ignored_during_execution,
                    &a.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
        (
            "podAntiAffinity",
            affinity.pod_anti_affinity.as_ref().map(|a| {
                (
                    &a.required_during_scheduling_ignored_during_execution,
                    &a.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
    ];
    for (name, terms) in pod_terms {
        let Some((required, preferred)) = terms else { continue };
        let base = format!("{path}.{name}");
        for (i, term) in required.iter().flatten().enumerate() {
            pod_affinity_term(
                &format!("{base}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
                term,
                errors,
            );
        }
        weighted_terms(
            &format!("{base}.preferredDuringSchedulingIgnoredDuringExecution"),
            preferred.as_deref().unwrap_or_default(),
            errors,
        );
    }
}
