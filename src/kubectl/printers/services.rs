//! Tables of the service network: services, endpoints and endpoint slices.

use k8s_openapi::api::core::v1::{Endpoints, Service, ServicePort};
use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::cells::{age, format_selector_map};
use super::{name_of, row_for, Column, Table};

/// LoadBalancer addresses longer than this are shortened outside `-o wide`.
const LOAD_BALANCER_WIDTH: usize = 16;

/// `kubectl get services`. `wide` matters beyond the extra column: long load-balancer
/// addresses are only shortened in the narrow table.
pub fn services_table(items: &[Service], now_unix: i64, wide: bool) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Type"),
        Column::normal("Cluster-IP"),
        Column::normal("External-IP"),
        Column::normal("Port(s)"),
        Column::normal("Age"),
        Column::wide("Selector"),
    ];
    let rows = items
        .iter()
        .map(|svc| {
            let spec = svc.spec.clone().unwrap_or_default();
            let cluster_ip = spec
                .cluster_ips
                .as_ref()
                .and_then(|ips| ips.first().cloned())
                .or_else(|| spec.cluster_ip.clone().filter(|ip| !ip.is_empty()))
                .unwrap_or_else(|| "<none>".to_string());
            let ports = port_string(spec.ports.as_deref().unwrap_or_default());
            row_for(
                &svc.metadata,
                vec![
                    name_of(&svc.metadata),
                    spec.type_.clone().unwrap_or_else(|| "ClusterIP".to_string()),
                    cluster_ip,
                    external_ip(svc, wide),
                    if ports.is_empty() { "<none>".to_string() } else { ports },
                    age(svc.metadata.creation_timestamp.as_ref(), now_unix),
                    format_selector_map(spec.selector.as_ref()),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `80/TCP`, `80:30080/TCP`, comma-joined.
pub fn port_string(ports: &[ServicePort]) -> String {
    ports
        .iter()
        .map(|p| {
            let protocol = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(node_port) if node_port != 0 => format!("{}:{node_port}/{protocol}", p.port),
                _ => format!("{}/{protocol}", p.port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The EXTERNAL-IP cell (`getServiceExternalIP`).
fn external_ip(svc: &Service, wide: bool) -> String {
    let spec = svc.spec.clone().unwrap_or_default();
    let external_ips = spec.external_ips.clone().unwrap_or_default();
    match spec.type_.as_deref().unwrap_or("ClusterIP") {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let ingress = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .cloned()
                .unwrap_or_default();
            let mut addresses: Vec<String> = ingress
                .iter()
                .filter_map(|i| i.ip.clone().filter(|ip| !ip.is_empty()).or_else(|| i.hostname.clone()))
                .collect();
            let mut lb = addresses.join(",");
            if !wide && lb.chars().count() > LOAD_BALANCER_WIDTH {
                lb = format!("{}...", lb.chars().take(LOAD_BALANCER_WIDTH - 3).collect::<String>());
            }
            if !external_ips.is_empty() {
                addresses =
                    if lb.is_empty() { Vec::new() } else { lb.split(',').map(str::to_string).collect() };
                addresses.extend(external_ips);
                return addresses.join(",");
            }
            if lb.is_empty() {
                "<pending>".to_string()
            } else {
                lb
            }
        }
        "ExternalName" => spec.external_name.clone().unwrap_or_default(),
        _ => "<unknown>".to_string(),
    }
}

/// Joins at most three entries, then ` + N more...`.
fn list_with_more(all: Vec<String>) -> String {
    const MAX: usize = 3;
    let count = all.len();
    let shown: Vec<String> = all.into_iter().take(MAX).collect();
    let text = shown.join(",");
    if count > MAX {
        format!("{text} + {} more...", count - MAX)
    } else {
        text
    }
}

/// The ENDPOINTS cell of an Endpoints object: ready `ip:port` pairs; `<none>` without subsets.
pub fn format_endpoints(endpoints: &Endpoints) -> String {
    let subsets = endpoints.subsets.as_deref().unwrap_or_default();
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    let mut all = Vec::new();
    for subset in subsets {
        let addresses = subset.addresses.as_deref().unwrap_or_default();
        let ports = subset.ports.as_deref().unwrap_or_default();
        if ports.is_empty() {
            all.extend(addresses.iter().map(|a| a.ip.clone()));
        } else {
            for port in ports {
                all.extend(addresses.iter().map(|a| join_host_port(&a.ip, port.port)));
            }
        }
    }
    list_with_more(all)
}

/// `net.JoinHostPort`: IPv6 addresses are bracketed.
fn join_host_port(ip: &str, port: i32) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// `kubectl get endpoints`.
pub fn endpoints_table(items: &[Endpoints], now_unix: i64) -> Table {
    let columns = vec![Column::normal("Name"), Column::normal("Endpoints"), Column::normal("Age")];
    let rows = items
        .iter()
        .map(|ep| {
            row_for(
                &ep.metadata,
                vec![
                    name_of(&ep.metadata),
                    format_endpoints(ep),
                    age(ep.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

/// `kubectl get endpointslices`.
pub fn endpointslices_table(items: &[EndpointSlice], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("AddressType"),
        Column::normal("Ports"),
        Column::normal("Endpoints"),
        Column::normal("Age"),
    ];
    let rows = items
        .iter()
        .map(|slice| {
            let ports: Vec<String> = slice
                .ports
                .iter()
                .flatten()
                .map(|p| match (p.port, p.name.as_ref()) {
                    (Some(port), _) => port.to_string(),
                    (None, Some(name)) if !name.is_empty() => name.clone(),
                    _ => "*".to_string(),
                })
                .collect();
            let addresses: Vec<String> =
                slice.endpoints.iter().flatten().flat_map(|e| e.addresses.iter().cloned()).collect();
            row_for(
                &slice.metadata,
                vec![
                    name_of(&slice.metadata),
                    slice.address_type.clone(),
                    or_unset(list_with_more(ports)),
                    or_unset(list_with_more(addresses)),
                    age(slice.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}

fn or_unset(text: String) -> String {
    if text.is_empty() {
        "<unset>".to_string()
    } else {
        text
    }
}

/// `kubectl get ingress`.
pub fn ingresses_table(items: &[k8s_openapi::api::networking::v1::Ingress], now_unix: i64) -> Table {
    let columns = vec![
        Column::normal("Name"),
        Column::normal("Class"),
        Column::normal("Hosts"),
        Column::normal("Address"),
        Column::normal("Ports"),
        Column::normal("Age"),
    ];
    let rows = items
        .iter()
        .map(|ing| {
            let spec = ing.spec.clone().unwrap_or_default();
            let rules = spec.rules.clone().unwrap_or_default();
            let hosts: Vec<String> =
                rules.iter().filter_map(|r| r.host.clone()).filter(|h| !h.is_empty()).collect();
            let hosts_text = if hosts.is_empty() {
                "*".to_string()
            } else if rules.len() > 3 {
                format!(
                    "{} + {} more...",
                    hosts.iter().take(3).cloned().collect::<Vec<_>>().join(","),
                    rules.len() - 3
                )
            } else {
                hosts.join(",")
            };
            let address: Vec<String> = ing
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|i| i.ip.clone().filter(|ip| !ip.is_empty()).or_else(|| i.hostname.clone()))
                .collect();
            let ports = if spec.tls.as_ref().is_some_and(|t| !t.is_empty()) { "80, 443" } else { "80" };
            row_for(
                &ing.metadata,
                vec![
                    name_of(&ing.metadata),
                    spec.ingress_class_name.clone().unwrap_or_else(|| "<none>".to_string()),
                    hosts_text,
                    address.join(","),
                    ports.to_string(),
                    age(ing.metadata.creation_timestamp.as_ref(), now_unix),
                ],
            )
        })
        .collect();
    Table { columns, rows }
}
