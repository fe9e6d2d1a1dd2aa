//! [`ProcessHost`] for a container on a simulated node: its filesystem and environment, the
//! pod's network namespace, cluster DNS (Services, headless Services, pod hostnames) and the
//! flat pod network (pod IPs, Service ClusterIPs spread over ready endpoints, localhost).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pod::PodRuntime;
use crate::sim::api::{Object, Store};
use crate::sim::runtime::{
    answer_http, BindError, ContainerFs, DnsAnswer, HttpRequest, HttpResponse, MemoryOutcome, NetError,
    ProcessHost, ProcessInfo, ServerModel, Signal, Volume,
};
use crate::sim::time::SimTime;

/// The cluster domain.
pub const CLUSTER_DOMAIN: &str = "cluster.local";
/// The cluster DNS Service address.
pub const NAMESERVER: &str = "10.96.0.10";

/// Where a process's output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sink {
    /// Into the container's log (the main process).
    Log,
    /// Captured for the caller (`kubectl exec`, exec probes, hooks): stdout and stderr merged.
    Capture(Vec<String>),
}

/// The world as one container process sees it.
pub struct ContainerHost<'a> {
    pub pod: &'a mut PodRuntime,
    pub container: usize,
    /// Every other pod the kubelets run (any node).
    pub others: &'a BTreeMap<String, PodRuntime>,
    pub store: &'a Store,
    pub down_nodes: &'a BTreeSet<String>,
    pub now: SimTime,
    pub epoch_unix: i64,
    pub sink: Sink,
    /// Signals the process sent to other processes of the pod (applied by the kubelet).
    pub signals: Vec<(usize, Signal)>,
    /// Spreads Service traffic over endpoints.
    pub round_robin: &'a mut u64,
    /// Whether the process is an exec (its memory is not the main process's).
    pub pid: u32,
    fallback_fs: ContainerFs,
}

impl<'a> ContainerHost<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        pod: &'a mut PodRuntime,
        container: usize,
        others: &'a BTreeMap<String, PodRuntime>,
        store: &'a Store,
        down_nodes: &'a BTreeSet<String>,
        now: SimTime,
        epoch_unix: i64,
        sink: Sink,
        round_robin: &'a mut u64,
    ) -> ContainerHost<'a> {
        let pid = if shares_pid_namespace(pod) { container_pid(pod, container) } else { 1 };
        ContainerHost {
            pod,
            container,
            others,
            store,
            down_nodes,
            now,
            epoch_unix,
            sink,
            signals: Vec::new(),
            round_robin,
            pid,
            fallback_fs: ContainerFs::new(Volume::new()),
        }
    }

    fn search_domains(&self) -> Vec<String> {
        let ns = &self.pod.namespace;
        vec![
            format!("{ns}.svc.{CLUSTER_DOMAIN}"),
            format!("svc.{CLUSTER_DOMAIN}"),
            CLUSTER_DOMAIN.to_string(),
        ]
    }

    /// The addresses of a fully qualified name.
    fn resolve_fqdn(&self, fqdn: &str) -> Option<Vec<String>> {
        if fqdn == "localhost" {
            return Some(vec!["127.0.0.1".into()]);
        }
        if fqdn == self.pod.hostname() {
            return Some(vec![self.pod.network.ip.clone()]);
        }
        let suffix = format!(".{CLUSTER_DOMAIN}");
        let inner = fqdn.strip_suffix(&suffix)?;
        let parts: Vec<&str> = inner.split('.').collect();
        match parts.as_slice() {
            [service, namespace, "svc"] => {
                let object = self.store.get("Service", namespace, service)?;
                let spec = object.as_service()?.spec.as_ref()?;
                if spec.type_.as_deref() == Some("ExternalName") {
                    return None;
                }
                match spec.cluster_ip.as_deref() {
                    Some("None") | None => {
                        let ips: Vec<String> = service_endpoints(self.store, namespace, service)
                            .into_iter()
                            .map(|(ip, _)| ip)
                            .collect();
                        (!ips.is_empty()).then_some(ips)
                    }
                    Some(ip) => Some(vec![ip.to_string()]),
                }
            }
            [host, subdomain, namespace, "svc"] => self
                .store
                .list("Pod", Some(namespace))
                .filter_map(|o| o.as_pod())
                .find(|p| {
                    let spec = p.spec.as_ref();
                    let name = spec.and_then(|s| s.hostname.clone()).or_else(|| p.metadata.name.clone());
                    name.as_deref() == Some(*host)
                        && spec.and_then(|s| s.subdomain.as_deref()) == Some(*subdomain)
                })
                .and_then(|p| p.status.as_ref()?.pod_ip.clone())
                .map(|ip| vec![ip]),
            [dashed, _namespace, "pod"] => {
                let ip = dashed.replace('-', ".");
                (ip.split('.').count() == 4).then(|| vec![ip])
            }
            _ => None,
        }
    }

    /// Where a connection to `host:port` lands: the pod and the port there.
    fn route(&mut self, host: &str, port: u16) -> Result<(Option<String>, u16), NetError> {
        let ip = if host == "localhost" || host == "127.0.0.1" {
            return Ok((None, port));
        } else if is_ipv4(host) {
            host.to_string()
        } else {
            match self.dns_lookup(host) {
                DnsAnswer::Resolved { addresses, .. } => {
                    addresses.first().cloned().ok_or(NetError::NoSuchHost)?
                }
                DnsAnswer::NxDomain => return Err(NetError::NoSuchHost),
            }
        };
        if ip == self.pod.network.ip {
            return Ok((None, port));
        }
        if let Some((namespace, name, port_name, target)) = self.service_by_ip(&ip, port) {
            let endpoints = service_endpoints(self.store, &namespace, &name);
            if endpoints.is_empty() {
                return Err(NetError::ConnectionRefused);
            }
            let pick = (*self.round_robin % endpoints.len() as u64) as usize;
            *self.round_robin += 1;
            let (pod_ip, ports) = endpoints.get(pick).cloned().ok_or(NetError::ConnectionRefused)?;
            let target_port = ports.resolve(&port_name, &target).ok_or(NetError::ConnectionRefused)?;
            return self.pod_route(&pod_ip, target_port);
        }
        self.pod_route(&ip, port)
    }

    fn pod_route(&self, ip: &str, port: u16) -> Result<(Option<String>, u16), NetError> {
        if ip == self.pod.network.ip {
            return Ok((None, port));
        }
        let target = self.others.values().find(|p| p.network.ip == ip).ok_or(NetError::Timeout)?;
        if self.down_nodes.contains(&target.node) || self.down_nodes.contains(&self.pod.node) {
            return Err(NetError::Timeout);
        }
        Ok((Some(target.uid.clone()), port))
    }

    /// The Service with this ClusterIP, and the name and targetPort of its `port`.
    fn service_by_ip(&self, ip: &str, port: u16) -> Option<(String, String, String, IntOrString)> {
        for object in self.store.list("Service", None) {
            let Some(spec) = object.as_service().and_then(|s| s.spec.as_ref()) else { continue };
            if spec.cluster_ip.as_deref() != Some(ip) {
                continue;
            }
            let service_port = spec.ports.as_ref()?.iter().find(|p| p.port == i32::from(port))?;
            let target = service_port.target_port.clone().unwrap_or(IntOrString::Int(service_port.port));
            let port_name = service_port.name.clone().unwrap_or_default();
            return Some((object.namespace().to_string(), object.name().to_string(), port_name, target));
        }
        None
    }

    fn listener_answer(
        &self,
        pod_uid: Option<&str>,
        port: u16,
        request: &HttpRequest,
    ) -> Result<HttpResponse, NetError> {
        let pod: &PodRuntime = match pod_uid {
            None => self.pod,
            Some(uid) => self.others.get(uid).ok_or(NetError::Timeout)?,
        };
        let listener = pod.network.listener(port).ok_or(NetError::ConnectionRefused)?;
        let fs = pod.container(&listener.container).and_then(|c| c.fs.as_ref());
        answer_http(&listener.server, &request.method, &request.path, fs, self.now)
    }
}

/// How an endpoint's ports are named: EndpointSlices and Endpoints name them after the Service's
/// ports (the target port already resolved), a pod found through the selector by its own
/// container ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointPorts {
    /// Service port name → resolved target port.
    ByServicePort(BTreeMap<String, u16>),
    /// Container port name → port.
    ByContainerPort(BTreeMap<String, u16>),
}

impl EndpointPorts {
    /// The port to connect to for the Service port named `service_port` with `target`.
    pub fn resolve(&self, service_port: &str, target: &IntOrString) -> Option<u16> {
        match self {
            EndpointPorts::ByServicePort(ports) => ports.get(service_port).copied(),
            EndpointPorts::ByContainerPort(ports) => match target {
                IntOrString::Int(p) => u16::try_from(*p).ok(),
                IntOrString::String(name) => ports.get(name).copied(),
            },
        }
    }
}

/// Ready endpoints of a Service: (pod IP, its ports). Reads EndpointSlices or Endpoints when an
/// endpoints controller wrote them, else the ready pods the selector matches.
pub fn service_endpoints(store: &Store, namespace: &str, service: &str) -> Vec<(String, EndpointPorts)> {
    let mut found: Vec<(String, EndpointPorts)> = Vec::new();
    let mut seen_source = false;
    for slice in store.list("EndpointSlice", Some(namespace)).filter_map(|o| o.as_endpoint_slice()) {
        let owner = slice.metadata.labels.as_ref().and_then(|l| l.get("kubernetes.io/service-name"));
        if owner.map(String::as_str) != Some(service) {
            continue;
        }
        seen_source = true;
        let named: BTreeMap<String, u16> = slice
            .ports
            .iter()
            .flatten()
            .filter_map(|p| Some((p.name.clone().unwrap_or_default(), u16::try_from(p.port?).ok()?)))
            .collect();
        for endpoint in slice.endpoints.iter().flatten() {
            let ready = endpoint.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
            if ready {
                for address in &endpoint.addresses {
                    found.push((address.clone(), EndpointPorts::ByServicePort(named.clone())));
                }
            }
        }
    }
    if seen_source {
        return found;
    }
    if let Some(endpoints) = store.get("Endpoints", namespace, service).and_then(|o| o.as_endpoints()) {
        for subset in endpoints.subsets.iter().flatten() {
            let named: BTreeMap<String, u16> = subset
                .ports
                .iter()
                .flatten()
                .filter_map(|p| Some((p.name.clone().unwrap_or_default(), u16::try_from(p.port).ok()?)))
                .collect();
            for address in subset.addresses.iter().flatten() {
                found.push((address.ip.clone(), EndpointPorts::ByServicePort(named.clone())));
            }
        }
        return found;
    }
    let Some(selector) = store
        .get("Service", namespace, service)
        .and_then(|o| o.as_service())
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.selector.clone())
    else {
        return found;
    };
    if selector.is_empty() {
        return found;
    }
    for object in store.list("Pod", Some(namespace)) {
        let Object::Pod(pod) = &**object else { continue };
        if !crate::sim::api::selector::matches_map(&selector, object.labels())
            || pod.metadata.deletion_timestamp.is_some()
        {
            continue;
        }
        let Some(status) = &pod.status else { continue };
        let ready = status.conditions.iter().flatten().any(|c| c.type_ == "Ready" && c.status == "True");
        let Some(ip) = status.pod_ip.clone() else { continue };
        if !ready {
            continue;
        }
        let named: BTreeMap<String, u16> = pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .flat_map(|c| c.ports.iter().flatten())
            .filter_map(|p| Some((p.name.clone()?, u16::try_from(p.container_port).ok()?)))
            .collect();
        found.push((ip, EndpointPorts::ByContainerPort(named)));
    }
    found
}

fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

/// Whether the pod's containers see each other's processes.
pub fn shares_pid_namespace(pod: &PodRuntime) -> bool {
    pod.pod().and_then(|p| p.spec.as_ref()).and_then(|s| s.share_process_namespace).unwrap_or(false)
}

/// The PID of a container's main process in a shared namespace (the pause process is 1).
fn container_pid(pod: &PodRuntime, index: usize) -> u32 {
    let running_before = pod.containers.iter().take(index).filter(|c| c.is_running()).count();
    2 + running_before as u32
}

impl ProcessHost for ContainerHost<'_> {
    fn fs(&mut self) -> &mut ContainerFs {
        match self.pod.containers.get_mut(self.container).and_then(|c| c.fs.as_mut()) {
            Some(fs) => fs,
            None => &mut self.fallback_fs,
        }
    }

    fn env(&self) -> &[(String, String)] {
        self.pod.containers.get(self.container).map(|c| c.env.as_slice()).unwrap_or(&[])
    }

    fn hostname(&self) -> String {
        self.pod.hostname()
    }

    fn stdout_line(&mut self, line: &str) {
        match &mut self.sink {
            Sink::Log => {
                let now = self.now;
                if let Some(c) = self.pod.containers.get_mut(self.container) {
                    c.log(now, line);
                }
            }
            Sink::Capture(lines) => lines.push(line.to_string()),
        }
    }

    fn stderr_line(&mut self, line: &str) {
        self.stdout_line(line);
    }

    fn now(&self) -> SimTime {
        self.now
    }

    fn unix_now(&self) -> i64 {
        self.epoch_unix + (self.now.as_millis() / 1000) as i64
    }

    fn nameserver(&self) -> String {
        NAMESERVER.to_string()
    }

    fn dns_lookup(&mut self, name: &str) -> DnsAnswer {
        let name = name.trim_end_matches('.');
        let mut candidates: Vec<String> = Vec::new();
        let absolute = name.matches('.').count() >= 5;
        if absolute {
            candidates.push(name.to_string());
        }
        if !name.ends_with(CLUSTER_DOMAIN) || !absolute {
            for domain in self.search_domains() {
                candidates.push(format!("{name}.{domain}"));
            }
        }
        if !absolute {
            candidates.push(name.to_string());
        }
        for fqdn in candidates {
            if let Some(addresses) = self.resolve_fqdn(&fqdn) {
                return DnsAnswer::Resolved { fqdn, addresses };
            }
        }
        DnsAnswer::NxDomain
    }

    fn http(&mut self, request: &HttpRequest) -> Result<HttpResponse, NetError> {
        let (pod, port) = self.route(&request.host, request.port)?;
        self.listener_answer(pod.as_deref(), port, request)
    }

    fn tcp_connect(&mut self, host: &str, port: u16) -> Result<(), NetError> {
        let (pod, port) = self.route(host, port)?;
        let network = match pod {
            None => &self.pod.network,
            Some(uid) => &self.others.get(&uid).ok_or(NetError::Timeout)?.network,
        };
        network.tcp_connect(port)
    }

    fn listen(&mut self, port: u16, server: ServerModel) -> Result<(), BindError> {
        let name = self.pod.containers.get(self.container).map(|c| c.name.clone()).unwrap_or_default();
        self.pod.network.bind(port, &name, server)
    }

    fn processes(&self) -> Vec<ProcessInfo> {
        let info = |pid: u32, command: String| ProcessInfo { pid, user: "root".into(), command };
        if shares_pid_namespace(self.pod) {
            let mut list = vec![info(1, "/pause".into())];
            let mut pid = 2;
            for c in &self.pod.containers {
                if c.is_running() {
                    let command =
                        c.process.as_ref().map(|p| p.ps_command()).unwrap_or_else(|| c.spec_command_line());
                    list.push(info(pid, command));
                    pid += 1;
                }
            }
            return list;
        }
        let Some(c) = self.pod.containers.get(self.container) else { return Vec::new() };
        let command = c.process.as_ref().map(|p| p.ps_command()).unwrap_or_else(|| c.spec_command_line());
        vec![info(1, command)]
    }

    fn pid(&self) -> u32 {
        self.pid
    }

    fn signal_process(&mut self, pid: u32, signal: Signal) -> bool {
        if shares_pid_namespace(self.pod) {
            if pid == 1 {
                return true;
            }
            let running: Vec<usize> = (0..self.pod.containers.len())
                .filter(|i| self.pod.containers.get(*i).is_some_and(|c| c.is_running()))
                .collect();
            return match running.get((pid as usize).saturating_sub(2)) {
                Some(index) => {
                    self.signals.push((*index, signal));
                    true
                }
                None => false,
            };
        }
        if pid == 1 {
            self.signals.push((self.container, signal));
            return true;
        }
        false
    }

    fn allocate_memory(&mut self, bytes: u64) -> MemoryOutcome {
        let Some(c) = self.pod.containers.get_mut(self.container) else { return MemoryOutcome::Granted };
        c.memory_used = c.memory_used.saturating_add(bytes);
        match c.memory_limit {
            Some(limit) if c.memory_used > limit => MemoryOutcome::OomKilled,
            _ => MemoryOutcome::Granted,
        }
    }
}

impl super::pod::ContainerRuntime {
    /// The command line of the container as the spec gives it (when its process is gone).
    pub fn spec_command_line(&self) -> String {
        let mut argv: Vec<String> = self.spec.command.clone().unwrap_or_default();
        argv.extend(self.spec.args.clone().unwrap_or_default());
        argv.join(" ")
    }
}
