//! An in-memory [`ProcessHost`] for tests: a pod with one network namespace, DNS records,
//! a memory limit and captured output, plus a driver that runs a process over virtual time.

use std::collections::BTreeMap;

use super::filesystem::{ContainerFs, Volume};
use super::host::{
    DnsAnswer, HttpRequest, HttpResponse, MemoryOutcome, NetError, ProcessHost, ProcessInfo, Signal,
};
use super::network::{answer_http, BindError, PodNetwork, ServerModel};
use super::process::Process;
use super::shell::exec::ProcessState;
use crate::sim::time::{SimDuration, SimTime, DEFAULT_EPOCH_UNIX};

pub struct FakeHost {
    pub fs: ContainerFs,
    pub env: Vec<(String, String)>,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    pub now: SimTime,
    /// Fully qualified names and their addresses.
    pub dns: BTreeMap<String, Vec<String>>,
    pub network: PodNetwork,
    pub container: String,
    pub memory_limit: Option<u64>,
    pub memory_used: u64,
    pub processes: Vec<ProcessInfo>,
    pub signals_sent: Vec<(u32, Signal)>,
    pub pid: u32,
}

impl FakeHost {
    pub fn new() -> FakeHost {
        let env = vec![
            ("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()),
            ("HOSTNAME".to_string(), "demo".to_string()),
        ];
        let mut root = Volume::new();
        root.put_dir("/tmp");
        root.put_dir("/etc");
        root.put_dir("/var/log");
        FakeHost {
            fs: ContainerFs::new(root),
            env,
            stdout: Vec::new(),
            stderr: Vec::new(),
            now: SimTime::ZERO,
            dns: BTreeMap::new(),
            network: PodNetwork::new("10.244.1.5"),
            container: "app".to_string(),
            memory_limit: None,
            memory_used: 0,
            processes: Vec::new(),
            signals_sent: Vec::new(),
            pid: 1,
        }
    }

    pub fn with_fs(fs: ContainerFs) -> FakeHost {
        let mut host = FakeHost::new();
        host.fs = fs;
        host
    }
}

impl ProcessHost for FakeHost {
    fn fs(&mut self) -> &mut ContainerFs {
        &mut self.fs
    }
    fn env(&self) -> &[(String, String)] {
        &self.env
    }
    fn hostname(&self) -> String {
        "demo".to_string()
    }
    fn stdout_line(&mut self, line: &str) {
        self.stdout.push(line.to_string());
    }
    fn stderr_line(&mut self, line: &str) {
        self.stderr.push(line.to_string());
    }
    fn now(&self) -> SimTime {
        self.now
    }
    fn unix_now(&self) -> i64 {
        DEFAULT_EPOCH_UNIX + self.now.as_secs() as i64
    }
    fn nameserver(&self) -> String {
        "10.96.0.10".to_string()
    }
    fn dns_lookup(&mut self, name: &str) -> DnsAnswer {
        for candidate in [name.to_string(), format!("{name}.default.svc.cluster.local")] {
            if let Some(addresses) = self.dns.get(&candidate) {
                return DnsAnswer::Resolved { fqdn: candidate, addresses: addresses.clone() };
            }
        }
        DnsAnswer::NxDomain
    }
    fn http(&mut self, request: &HttpRequest) -> Result<HttpResponse, NetError> {
        let local =
            request.host == "localhost" || request.host == "127.0.0.1" || request.host == self.network.ip;
        if !local {
            return match self.dns_lookup(&request.host) {
                DnsAnswer::NxDomain => Err(NetError::NoSuchHost),
                DnsAnswer::Resolved { .. } => Err(NetError::ConnectionRefused),
            };
        }
        let listener = self.network.listener(request.port).ok_or(NetError::ConnectionRefused)?;
        answer_http(&listener.server, &request.method, &request.path, Some(&self.fs), self.now)
    }
    fn tcp_connect(&mut self, _host: &str, port: u16) -> Result<(), NetError> {
        self.network.tcp_connect(port)
    }
    fn listen(&mut self, port: u16, server: ServerModel) -> Result<(), BindError> {
        let container = self.container.clone();
        self.network.bind(port, &container, server)
    }
    fn processes(&self) -> Vec<ProcessInfo> {
        self.processes.clone()
    }
    fn pid(&self) -> u32 {
        self.pid
    }
    fn signal_process(&mut self, pid: u32, signal: Signal) -> bool {
        self.signals_sent.push((pid, signal));
        self.processes.iter().any(|p| p.pid == pid)
    }
    fn allocate_memory(&mut self, bytes: u64) -> MemoryOutcome {
        self.memory_used += bytes;
        match self.memory_limit {
            Some(limit) if self.memory_used > limit => MemoryOutcome::OomKilled,
            _ => MemoryOutcome::Granted,
        }
    }
}

/// Resumes `process` whenever it asks, until it exits, blocks, or virtual time reaches `until`.
pub fn run_until(process: &mut Process, host: &mut FakeHost, until: SimTime) -> ProcessState {
    loop {
        let state = process.resume(host);
        match state {
            ProcessState::Sleeping(d) => {
                let next = host.now + d.max(SimDuration::from_millis(1));
                if next > until {
                    return state;
                }
                host.now = next;
            }
            other => return other,
        }
    }
}
