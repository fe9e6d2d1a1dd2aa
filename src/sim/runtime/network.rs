//! A pod's network namespace: one IP shared by its containers, the ports they listen on, and
//! what each listening server answers. A second bind of a port fails with `EADDRINUSE`;
//! `localhost` reaches any container of the pod.

use super::filesystem::ContainerFs;
use super::host::{HttpRequest, HttpResponse, NetError, Signal};
use super::images::NGINX_INDEX_HTML;
use super::shell::commands::format_date;
use crate::sim::time::SimTime;

/// What a listening server is, and so what it answers and how it stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerModel {
    /// nginx serving files from `docroot` (`Server: nginx/<version>`).
    Nginx { version: String, docroot: String },
    /// Apache httpd serving files from `docroot`.
    Httpd { version: String, docroot: String },
    /// agnhost `liveness`: `/healthz` is 200 for 10 s after `started`, then 500.
    AgnhostLiveness { started: SimTime },
    /// agnhost `netexec`: `/hostname`, `/echo?msg=`, `/healthz`, `/`.
    AgnhostNetexec { hostname: String },
    /// agnhost `serve-hostname`: the hostname on every path.
    AgnhostServeHostname { hostname: String },
    /// The pause container: listens nowhere, stops cleanly.
    Pause,
    /// A server speaking its own TCP protocol (redis, mysql…); `grpc` = answers gRPC health.
    Tcp { name: String, grpc: bool, stop_exit: i32 },
    /// An image the catalog does not know: HTTP 200 on any path, gRPC SERVING.
    Generic,
    /// An HTTP application answering `body` on every path.
    App { body: String },
}

/// How a server reacts to a signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalReaction {
    /// Lines the server logs to stderr while reacting.
    pub log: Vec<String>,
    /// `Some(code)` when the server exits.
    pub exit_code: Option<i32>,
}

impl ServerModel {
    /// The reaction to `signal` at Unix time `unix_now` (SIGKILL is handled by the process
    /// itself).
    pub fn on_signal(&self, signal: Signal, unix_now: i64) -> SignalReaction {
        let exit = |code: i32| SignalReaction { log: Vec::new(), exit_code: Some(code) };
        let ignore = SignalReaction { log: Vec::new(), exit_code: None };
        match self {
            ServerModel::Nginx { .. } => {
                let time = format_date(unix_now, "%Y/%m/%d %H:%M:%S");
                let (first, worker_lines): (String, &[&str]) = match signal {
                    Signal::Quit => (
                        "1#1: signal 3 (SIGQUIT) received, shutting down".to_string(),
                        &["29#29: gracefully shutting down", "29#29: exiting", "29#29: exit"],
                    ),
                    Signal::Term | Signal::Int => (
                        format!("1#1: signal {} ({}) received, exiting", signal.number(), signal.name()),
                        &["29#29: exiting", "29#29: exit"],
                    ),
                    _ => return ignore,
                };
                let mut log = vec![format!("{time} [notice] {first}")];
                log.extend(worker_lines.iter().map(|line| format!("{time} [notice] {line}")));
                log.push(format!("{time} [notice] 1#1: signal 17 (SIGCHLD) received from 29"));
                log.push(format!("{time} [notice] 1#1: worker process 29 exited with code 0"));
                log.push(format!("{time} [notice] 1#1: exit"));
                SignalReaction { log, exit_code: Some(0) }
            }
            ServerModel::Httpd { .. } => match signal {
                Signal::Winch | Signal::Term | Signal::Int => {
                    let time = format_date(unix_now, "%a %b %d %H:%M:%S.000000 %Y");
                    let what = if signal == Signal::Winch {
                        "SIGWINCH, shutting down gracefully"
                    } else {
                        "SIGTERM, shutting down"
                    };
                    SignalReaction {
                        log: vec![format!(
                            "[{time}] [mpm_event:notice] [pid 1:tid 1] AH00492: caught {what}"
                        )],
                        exit_code: Some(0),
                    }
                }
                _ => ignore,
            },
            ServerModel::Pause => match signal {
                Signal::Term | Signal::Int => exit(0),
                _ => ignore,
            },
            // Go programs as PID 1: the runtime's re-raised signal is ignored, so they exit 2.
            ServerModel::AgnhostLiveness { .. }
            | ServerModel::AgnhostNetexec { .. }
            | ServerModel::AgnhostServeHostname { .. } => match signal {
                Signal::Term | Signal::Int | Signal::Quit | Signal::Hup => exit(2),
                _ => ignore,
            },
            ServerModel::Tcp { stop_exit, .. } => match signal {
                Signal::Term | Signal::Int => exit(*stop_exit),
                _ => ignore,
            },
            ServerModel::Generic | ServerModel::App { .. } => match signal {
                Signal::Term | Signal::Int | Signal::Quit | Signal::Hup => exit(signal.exit_code()),
                _ => ignore,
            },
        }
    }

    /// Answers a gRPC health check: `Some(true)` = SERVING, `None` = not a gRPC server.
    pub fn grpc_serving(&self) -> Option<bool> {
        match self {
            ServerModel::Generic => Some(true),
            ServerModel::Tcp { grpc, .. } => grpc.then_some(true),
            _ => None,
        }
    }
}

/// A failed bind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindError {
    /// `EADDRINUSE` (98: Address already in use).
    AddressInUse,
}

/// Who listens on a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub container: String,
    pub server: ServerModel,
}

/// The network namespace shared by a pod's containers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodNetwork {
    /// The pod IP (the node IP with `hostNetwork`).
    pub ip: String,
    /// By port, ascending. A pod listens on a port or two: a map's node would hold room for 11.
    listeners: Vec<(u16, Listener)>,
}

impl PodNetwork {
    pub fn new(ip: &str) -> PodNetwork {
        PodNetwork { ip: ip.to_string(), listeners: Vec::new() }
    }

    /// Binds `port` for `container`; fails if anyone in the pod already listens there.
    pub fn bind(&mut self, port: u16, container: &str, server: ServerModel) -> Result<(), BindError> {
        match self.listeners.binary_search_by_key(&port, |(p, _)| *p) {
            Ok(_) => Err(BindError::AddressInUse),
            Err(at) => {
                self.listeners.insert(at, (port, Listener { container: container.to_string(), server }));
                Ok(())
            }
        }
    }

    /// Frees every port of a container that stopped.
    pub fn release(&mut self, container: &str) {
        self.listeners.retain(|(_, l)| l.container != container);
    }

    /// Who listens on `port`.
    pub fn listener(&self, port: u16) -> Option<&Listener> {
        self.listeners.iter().find(|(p, _)| *p == port).map(|(_, l)| l)
    }

    /// Ports in use, ascending.
    pub fn ports(&self) -> Vec<u16> {
        self.listeners.iter().map(|(p, _)| *p).collect()
    }

    /// A TCP connect: succeeds if something listens.
    pub fn tcp_connect(&self, port: u16) -> Result<(), NetError> {
        if self.listener(port).is_some() {
            Ok(())
        } else {
            Err(NetError::ConnectionRefused)
        }
    }
}

/// `dial tcp 10.244.1.5:81: connect: connection refused` (Go's wording, used by probes).
pub fn dial_error(ip: &str, port: u16, error: NetError) -> String {
    match error {
        NetError::ConnectionRefused => format!("dial tcp {ip}:{port}: connect: connection refused"),
        NetError::Timeout => format!("dial tcp {ip}:{port}: i/o timeout"),
        NetError::NoSuchHost => format!("dial tcp: lookup {ip}: no such host"),
        NetError::BadResponse => format!("read tcp {ip}:{port}: connection reset by peer"),
    }
}

/// Why an HTTP probe failed, as the kubelet words it after `probe failed: `.
pub fn http_probe_failure(ip: &str, port: u16, path: &str, error: NetError) -> String {
    let url = format!("http://{ip}:{port}{path}");
    match error {
        NetError::Timeout => {
            format!(
                "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            )
        }
        NetError::BadResponse => {
            format!("Get \"{url}\": net/http: HTTP/1.x transport connection broken: malformed HTTP response")
        }
        other => format!("Get \"{url}\": {}", dial_error(ip, port, other)),
    }
}

/// Whether an HTTP status passes a probe (200–399), and the failure text when it does not.
pub fn http_probe_status(status: u16) -> Result<(), String> {
    if (200..400).contains(&status) {
        Ok(())
    } else {
        Err(format!("HTTP probe failed with statuscode: {status}"))
    }
}

fn response(status: u16, server: &str, content_type: &str, body: String) -> HttpResponse {
    let mut headers = Vec::new();
    if !server.is_empty() {
        headers.push(("Server".to_string(), server.to_string()));
    }
    headers.push(("Content-Type".to_string(), content_type.to_string()));
    headers.push(("Content-Length".to_string(), body.len().to_string()));
    HttpResponse { status, headers, body }
}

/// The line a server writes to its access log (stdout) for a request, if it keeps one:
/// nginx's `combined` format and httpd's `common` format.
pub fn access_log_line(
    server: &ServerModel,
    client_ip: &str,
    request: &HttpRequest,
    response: &HttpResponse,
    unix_now: i64,
) -> Option<String> {
    let time = format_date(unix_now, "%d/%b/%Y:%H:%M:%S +0000");
    let bytes = response
        .headers
        .iter()
        .find(|(name, _)| name == "Content-Length")
        .map(|(_, value)| value.clone())
        .unwrap_or_else(|| response.body.len().to_string());
    let line = format!("{} {} HTTP/1.1", request.method, request.path);
    match server {
        ServerModel::Nginx { .. } => Some(format!(
            "{client_ip} - - [{time}] \"{line}\" {} {bytes} \"-\" \"{}\" \"-\"",
            response.status, request.user_agent
        )),
        ServerModel::Httpd { .. } => {
            Some(format!("{client_ip} - - [{time}] \"{line}\" {} {bytes}", response.status))
        }
        _ => None,
    }
}

/// nginx's 404 page for a given version.
pub fn nginx_error_page(status: u16, version: &str) -> String {
    let title = format!("{status} {}", super::host::reason_phrase(status));
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx/{version}</center>\r\n</body>\r\n</html>\r\n"
    )
}

const HTTPD_NOT_FOUND: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n";

/// Serves a path from a document root: `/` and directories map to `index.html`.
fn static_file(fs: Option<&ContainerFs>, docroot: &str, path: &str) -> Option<String> {
    let fs = fs?;
    let clean = path.split(['?', '#']).next().unwrap_or("/");
    let mut file = format!("{}/{}", docroot.trim_end_matches('/'), clean.trim_start_matches('/'));
    if file.ends_with('/') || fs.is_dir(&file) {
        file = format!("{}/index.html", file.trim_end_matches('/'));
    }
    fs.read(&file).ok()
}

fn query_param(path: &str, name: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.replace("%20", " ").replace('+', " "))
    })
}

/// What `server` answers to `method path` at virtual time `now`. `fs` is the listening
/// container's filesystem (for servers with a document root).
pub fn answer_http(
    server: &ServerModel,
    method: &str,
    path: &str,
    fs: Option<&ContainerFs>,
    now: SimTime,
) -> Result<HttpResponse, NetError> {
    let mut answer = match server {
        ServerModel::Nginx { version, docroot } => {
            let server_header = format!("nginx/{version}");
            match static_file(fs, docroot, path) {
                Some(body) => response(200, &server_header, "text/html", body),
                None => response(404, &server_header, "text/html", nginx_error_page(404, version)),
            }
        }
        ServerModel::Httpd { version, docroot } => {
            let server_header = format!("Apache/{version} (Unix)");
            match static_file(fs, docroot, path) {
                Some(body) => response(200, &server_header, "text/html", body),
                None => response(
                    404,
                    &server_header,
                    "text/html; charset=iso-8859-1",
                    HTTPD_NOT_FOUND.to_string(),
                ),
            }
        }
        ServerModel::AgnhostLiveness { started } => {
            let route = path.split('?').next().unwrap_or("/");
            if route == "/healthz" {
                let elapsed = now.since(*started).as_millis() as f64 / 1000.0;
                if elapsed > 10.0 {
                    response(500, "", "text/plain; charset=utf-8", format!("error: {elapsed}"))
                } else {
                    response(200, "", "text/plain; charset=utf-8", "ok".to_string())
                }
            } else {
                response(404, "", "text/plain; charset=utf-8", "404 page not found\n".to_string())
            }
        }
        ServerModel::AgnhostNetexec { hostname } => {
            let route = path.split('?').next().unwrap_or("/");
            match route {
                "/hostname" => response(200, "", "text/plain; charset=utf-8", hostname.clone()),
                "/echo" => response(
                    200,
                    "",
                    "text/plain; charset=utf-8",
                    query_param(path, "msg").unwrap_or_default(),
                ),
                "/healthz" => response(200, "", "text/plain; charset=utf-8", String::new()),
                "/exit" => response(200, "", "text/plain; charset=utf-8", String::new()),
                "/" => response(200, "", "text/plain; charset=utf-8", format!("NOW: {}", now.as_millis())),
                _ => response(404, "", "text/plain; charset=utf-8", "404 page not found\n".to_string()),
            }
        }
        ServerModel::AgnhostServeHostname { hostname } => {
            response(200, "", "text/plain; charset=utf-8", hostname.clone())
        }
        ServerModel::Pause | ServerModel::Tcp { .. } => return Err(NetError::BadResponse),
        ServerModel::Generic => response(200, "", "text/plain; charset=utf-8", "OK\n".to_string()),
        ServerModel::App { body } => response(200, "", "text/html; charset=utf-8", body.clone()),
    };
    if method == "HEAD" {
        answer.body.clear();
    }
    Ok(answer)
}

/// The default page of the nginx image (`/usr/share/nginx/html/index.html`).
pub fn nginx_index() -> &'static str {
    NGINX_INDEX_HTML
}
