//! Container probes (exec, httpGet, tcpSocket, grpc) with their timing parameters, and the
//! synchronous runner exec probes, lifecycle hooks and `kubectl exec` use.

use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::host::ContainerHost;
use crate::sim::runtime::{
    dial_error, http_probe_failure, http_probe_status, HttpRequest, NetError, Process, ProcessRole,
    ProcessState, Toolbox,
};
use crate::sim::time::{SimDuration, SimTime};

/// Which probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

impl ProbeKind {
    /// `Liveness`, as events name it.
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }
}

/// One probe worker of a container.
#[derive(Clone, Debug)]
pub struct ProbeState {
    pub kind: ProbeKind,
    pub spec: Probe,
    pub successes: i32,
    pub failures: i32,
    /// The current result: startup/readiness start unknown/failing, liveness succeeding.
    pub passing: bool,
    /// Startup probes stop after their first success.
    pub done: bool,
}

impl ProbeState {
    pub fn for_container(spec: &Container) -> Vec<ProbeState> {
        let mut probes = Vec::new();
        let mut add = |kind, probe: &Option<Probe>| {
            if let Some(probe) = probe {
                probes.push(ProbeState {
                    kind,
                    spec: probe.clone(),
                    successes: 0,
                    failures: 0,
                    passing: kind == ProbeKind::Liveness,
                    done: false,
                });
            }
        };
        add(ProbeKind::Startup, &spec.startup_probe);
        add(ProbeKind::Liveness, &spec.liveness_probe);
        add(ProbeKind::Readiness, &spec.readiness_probe);
        probes
    }

    pub fn period(&self) -> SimDuration {
        SimDuration::from_secs(self.spec.period_seconds.unwrap_or(10).max(1) as u64)
    }

    pub fn initial_delay(&self) -> SimDuration {
        SimDuration::from_secs(self.spec.initial_delay_seconds.unwrap_or(0).max(0) as u64)
    }

    pub fn timeout(&self) -> SimDuration {
        SimDuration::from_secs(self.spec.timeout_seconds.unwrap_or(1).max(1) as u64)
    }

    pub fn failure_threshold(&self) -> i32 {
        self.spec.failure_threshold.unwrap_or(3).max(1)
    }

    pub fn success_threshold(&self) -> i32 {
        self.spec.success_threshold.unwrap_or(1).max(1)
    }

    /// Records one result; returns the new overall result when it flipped (for a startup
    /// probe, `Some(false)` once it failed `failureThreshold` times).
    pub fn record(&mut self, success: bool) -> Option<bool> {
        if success {
            self.failures = 0;
            self.successes += 1;
            if !self.passing && self.successes >= self.success_threshold() {
                self.passing = true;
                self.done = self.kind == ProbeKind::Startup;
                return Some(true);
            }
            return None;
        }
        self.successes = 0;
        self.failures += 1;
        if self.failures >= self.failure_threshold() && (self.passing || self.kind == ProbeKind::Startup) {
            self.passing = false;
            return Some(false);
        }
        None
    }
}

/// Why a probe did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeOutcome {
    Success,
    /// `... probe failed: <output>`
    Failure(String),
    /// `... probe errored and resulted in unknown state: <error>`
    Error(String),
}

/// Runs a process to completion against a frozen world, advancing the host's clock by its
/// sleeps. Returns the exit code (`None` when it outlived `timeout` or blocked) and the time
/// it took.
pub fn run_sync(
    process: &mut Process,
    host: &mut ContainerHost,
    timeout: SimDuration,
) -> (Option<i32>, SimDuration) {
    let start = host.now;
    let mut state = process.resume(host);
    loop {
        match state {
            ProcessState::Exited(code) => return (Some(code), host.now.since(start)),
            ProcessState::Blocked => return (None, timeout),
            ProcessState::Sleeping(d) => {
                let d = d.max(SimDuration::from_millis(1));
                if host.now.since(start) + d > timeout {
                    host.now = start + timeout;
                    return (None, timeout);
                }
                host.now += d;
                state = process.resume(host);
            }
        }
    }
}

/// Runs `argv` as an exec in the container: (exit code or None on timeout, output, duration),
/// or the runtime's start error.
pub fn exec_in(
    host: &mut ContainerHost,
    toolbox: &Toolbox,
    argv: &[String],
    timeout: SimDuration,
) -> Result<(Option<i32>, SimDuration), String> {
    let fs = host.pod.containers.get(host.container).and_then(|c| c.fs.clone());
    let fs = fs.unwrap_or_else(|| {
        crate::sim::runtime::ContainerFs::new(crate::sim::runtime::filesystem::Volume::new())
    });
    let mut process = Process::spawn(argv, toolbox, &fs, ProcessRole::Exec).map_err(|e| e.exec_message())?;
    if let Some(dir) = host.pod.containers.get(host.container).and_then(|c| c.spec.working_dir.clone()) {
        process.set_working_dir(&dir);
    }
    Ok(run_sync(&mut process, host, timeout))
}

/// Resolves a probe's port (number or named container port).
fn probe_port(port: &IntOrString, container: &Container) -> Option<u16> {
    match port {
        IntOrString::Int(p) => u16::try_from(*p).ok(),
        IntOrString::String(name) => container
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| u16::try_from(p.container_port).ok()),
    }
}

/// Runs one probe of the container `host` stands for.
pub fn probe(host: &mut ContainerHost, probe: &Probe, toolbox: Option<&Toolbox>) -> ProbeOutcome {
    let Some(container) = host.pod.containers.get(host.container).map(|c| c.spec.clone()) else {
        return ProbeOutcome::Error("container not found".into());
    };
    let ip = host.pod.network.ip.clone();
    let timeout = SimDuration::from_secs(probe.timeout_seconds.unwrap_or(1).max(1) as u64);
    if let Some(exec) = &probe.exec {
        let argv = exec.command.clone().unwrap_or_default();
        let Some(toolbox) = toolbox else { return ProbeOutcome::Error("container not running".into()) };
        host.sink = super::host::Sink::Capture(Vec::new());
        let result = exec_in(host, toolbox, &argv, timeout);
        let output = match &host.sink {
            super::host::Sink::Capture(lines) => lines.join("\n"),
            super::host::Sink::Log => String::new(),
        };
        return match result {
            Err(message) => ProbeOutcome::Error(message),
            Ok((Some(0), _)) => ProbeOutcome::Success,
            Ok((Some(_), _)) => ProbeOutcome::Failure(output),
            Ok((None, _)) => ProbeOutcome::Failure(format!("command {:?} timed out", argv.join(" "))),
        };
    }
    if let Some(http) = &probe.http_get {
        let Some(port) = probe_port(&http.port, &container) else {
            return ProbeOutcome::Error(format!("unable to find port {:?}", http.port));
        };
        let path = http.path.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| "/".into());
        let path = if path.starts_with('/') { path } else { format!("/{path}") };
        let host_name = http.host.clone().unwrap_or_else(|| ip.clone());
        let request = HttpRequest {
            method: "GET".into(),
            host: host_name.clone(),
            port,
            path: path.clone(),
            user_agent: "kube-probe/1.36".into(),
        };
        return match crate::sim::runtime::ProcessHost::http(host, &request) {
            Ok(response) => match http_probe_status(response.status) {
                Ok(()) => ProbeOutcome::Success,
                Err(message) => ProbeOutcome::Failure(message),
            },
            Err(error) => ProbeOutcome::Failure(http_probe_failure(&host_name, port, &path, error)),
        };
    }
    if let Some(tcp) = &probe.tcp_socket {
        let Some(port) = probe_port(&tcp.port, &container) else {
            return ProbeOutcome::Error(format!("unable to find port {:?}", tcp.port));
        };
        let host_name = tcp.host.clone().unwrap_or_else(|| ip.clone());
        return match crate::sim::runtime::ProcessHost::tcp_connect(host, &host_name, port) {
            Ok(()) => ProbeOutcome::Success,
            Err(error) => ProbeOutcome::Failure(dial_error(&host_name, port, error)),
        };
    }
    if let Some(grpc) = &probe.grpc {
        let Ok(port) = u16::try_from(grpc.port) else { return ProbeOutcome::Error("invalid port".into()) };
        let serving = host.pod.network.listener(port).map(|l| l.server.grpc_serving());
        return match serving {
            Some(Some(true)) => ProbeOutcome::Success,
            Some(Some(false)) => {
                ProbeOutcome::Failure("service unhealthy (responded with \"NOT_SERVING\")".into())
            }
            _ => ProbeOutcome::Failure(format!(
                "timeout: failed to connect service \"{ip}:{port}\" within {}s",
                timeout.as_secs()
            )),
        };
    }
    let _ = NetError::Timeout;
    ProbeOutcome::Error("probe has no handler".into())
}

/// When a container's probe runs next: the first run once `initialDelaySeconds` passed, then
/// every `periodSeconds`.
pub fn first_run(started_at: SimTime, state: &ProbeState) -> SimTime {
    started_at + state.initial_delay()
}
