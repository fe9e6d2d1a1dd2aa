//! The boundary between a container's processes and the rest of the simulation.
//!
//! A [`crate::sim::runtime::Process`] never reaches into the cluster: everything it needs from
//! outside its own state (files, environment, clock, DNS, the pod network, memory, other
//! processes) it asks for through [`ProcessHost`], which the kubelet implements per container.

use crate::sim::runtime::filesystem::ContainerFs;
use crate::sim::runtime::network::{BindError, ServerModel};
use crate::sim::time::SimTime;

/// A Unix signal, as far as containers care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    Hup,
    Int,
    Quit,
    Kill,
    Usr1,
    Usr2,
    Term,
    Winch,
}

impl Signal {
    /// The signal number (Linux x86-64).
    pub fn number(self) -> i32 {
        match self {
            Signal::Hup => 1,
            Signal::Int => 2,
            Signal::Quit => 3,
            Signal::Kill => 9,
            Signal::Usr1 => 10,
            Signal::Usr2 => 12,
            Signal::Term => 15,
            Signal::Winch => 28,
        }
    }

    /// The exit code of a process killed by this signal (128 + number).
    pub fn exit_code(self) -> i32 {
        128 + self.number()
    }

    /// Parses `SIGTERM`, `TERM`, `term` or `15` (the forms of `STOPSIGNAL`, `kill -s` and `trap`).
    pub fn parse(text: &str) -> Option<Signal> {
        let upper = text.trim().to_ascii_uppercase();
        let name = upper.strip_prefix("SIG").unwrap_or(&upper);
        Some(match name {
            "HUP" | "1" => Signal::Hup,
            "INT" | "2" => Signal::Int,
            "QUIT" | "3" => Signal::Quit,
            "KILL" | "9" => Signal::Kill,
            "USR1" | "10" => Signal::Usr1,
            "USR2" | "12" => Signal::Usr2,
            "TERM" | "15" => Signal::Term,
            "WINCH" | "28" => Signal::Winch,
            _ => return None,
        })
    }

    /// `SIGTERM` etc.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Hup => "SIGHUP",
            Signal::Int => "SIGINT",
            Signal::Quit => "SIGQUIT",
            Signal::Kill => "SIGKILL",
            Signal::Usr1 => "SIGUSR1",
            Signal::Usr2 => "SIGUSR2",
            Signal::Term => "SIGTERM",
            Signal::Winch => "SIGWINCH",
        }
    }
}

/// What a DNS lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsAnswer {
    /// The fully qualified name that matched (after search domains) and its addresses.
    Resolved { fqdn: String, addresses: Vec<String> },
    /// No record: busybox prints `** server can't find <name>: NXDOMAIN`.
    NxDomain,
}

/// Why a connection failed. Commands word these themselves (`wget`, `curl`, probes differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetError {
    /// Nothing listens on that port.
    ConnectionRefused,
    /// The peer did not answer in time (no route, dropped packets, slow server).
    Timeout,
    /// The host name did not resolve.
    NoSuchHost,
    /// Something answered, but not in HTTP (redis, mysql, the pause container).
    BadResponse,
}

/// An HTTP request a process (wget/curl) or a probe makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` or `HEAD`.
    pub method: String,
    /// Host as written in the URL (name or IP; `localhost` means the pod itself).
    pub host: String,
    pub port: u16,
    /// Path with query, always starting with `/`.
    pub path: String,
    /// `Wget`, `curl/7.88.1`, `kube-probe/1.36` (servers log it in their access log).
    pub user_agent: String,
}

/// An HTTP response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Header name/value pairs in wire order (e.g. `Server`, `Content-Type`).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    /// The reason phrase of the status code (`OK`, `Not Found`, …).
    pub fn reason(&self) -> &'static str {
        reason_phrase(self.status)
    }
}

/// The standard reason phrase of an HTTP status code.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// One row of `ps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessInfo {
    pub pid: u32,
    pub user: String,
    /// The full command line, e.g. `nginx: master process nginx -g daemon off;`.
    pub command: String,
}

/// The result of asking for memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryOutcome {
    /// The allocation fits under the container's limit (and the node's memory).
    Granted,
    /// The cgroup limit was exceeded: the kernel OOM killer ends the container (exit 137,
    /// reason `OOMKilled`). The process stops as soon as it sees this.
    OomKilled,
}

/// The value of `name` in an ordered environment (the last definition wins).
pub fn env_lookup<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

/// Everything a process can ask of the world outside it. The kubelet implements this per
/// container; tests implement it with in-memory fakes.
pub trait ProcessHost {
    /// The container's filesystem, with its volume mounts already in place.
    fn fs(&mut self) -> &mut ContainerFs;
    /// The container's environment in the order `env` prints it (image `PATH`, `HOSTNAME`,
    /// then the spec's `env`/`envFrom`, then service variables). A later entry overrides an
    /// earlier one of the same name.
    fn env(&self) -> &[(String, String)];
    /// The pod's hostname (`hostname`, `$HOSTNAME`).
    fn hostname(&self) -> String;
    /// Receives one complete line the process wrote to stdout (no trailing newline).
    fn stdout_line(&mut self, line: &str);
    /// Receives one complete line the process wrote to stderr (no trailing newline).
    fn stderr_line(&mut self, line: &str);
    /// Virtual time now.
    fn now(&self) -> SimTime;
    /// Unix seconds now (the cluster epoch plus virtual time), for `date`.
    fn unix_now(&self) -> i64;
    /// The nameserver in `/etc/resolv.conf` (`10.96.0.10`).
    fn nameserver(&self) -> String;
    /// Resolves a name the way CoreDNS would for this pod (search domains applied).
    fn dns_lookup(&mut self, name: &str) -> DnsAnswer;
    /// Makes an HTTP request; `localhost`/`127.0.0.1` reach the pod's own network namespace.
    fn http(&mut self, request: &HttpRequest) -> Result<HttpResponse, NetError>;
    /// Opens (and closes) a TCP connection.
    fn tcp_connect(&mut self, host: &str, port: u16) -> Result<(), NetError>;
    /// Binds a listening port in the pod's network namespace for the given server model.
    fn listen(&mut self, port: u16, server: ServerModel) -> Result<(), BindError>;
    /// Processes visible to `ps` (all of the pod's with `shareProcessNamespace`, else this
    /// container's).
    fn processes(&self) -> Vec<ProcessInfo>;
    /// This process's PID (1 unless the pod shares its process namespace).
    fn pid(&self) -> u32;
    /// Sends a signal to another visible process; false if no such PID.
    fn signal_process(&mut self, pid: u32, signal: Signal) -> bool;
    /// Claims `bytes` more resident memory for this container.
    fn allocate_memory(&mut self, bytes: u64) -> MemoryOutcome;
}
