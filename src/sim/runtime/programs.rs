//! The programs images bring with them: web servers (nginx, httpd), agnhost's modes, the pause
//! container, `stress`, `perl` (computing π for real), TCP servers such as redis and mysql,
//! and small clients (`redis-cli ping`, `mysqladmin ping`). Servers bind their ports through
//! the host and then run in the foreground until a signal stops them.

use std::rc::Rc;

use super::host::{env_lookup, MemoryOutcome, Signal};
use super::network::{BindError, ServerModel};
use super::pi::pi_significant_digits;
use super::shell::commands::{format_date, run as run_command, CommandOutcome, Ctx};
use super::shell::exec::Shell;
use crate::sim::time::SimDuration;

/// A program an image provides, by behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageProgram {
    /// `nginx` (server, `-s quit|stop|reload`, `-t`, `-v`).
    Nginx,
    /// nginx's `/docker-entrypoint.sh`: configuration log lines, then runs its arguments.
    NginxEntrypoint,
    /// `httpd-foreground` / `apache2-foreground`.
    Httpd,
    /// `/agnhost <mode>`: `liveness`, `netexec`, `serve-hostname`, `pause`.
    Agnhost,
    /// The old `liveness` image's `/server` (same behaviour as agnhost liveness).
    LivenessServer,
    /// `/pause`.
    Pause,
    /// `stress --vm N --vm-bytes S [--timeout T]`.
    Stress,
    /// `perl` (`print bpi(N)`, `print "…"`).
    Perl,
    /// `python3` (`-c 'print(…)'`, `-m http.server`).
    Python,
    /// An entrypoint script that just runs its arguments (`docker-entrypoint.sh`).
    PassThrough,
    /// A server with its own TCP protocol.
    TcpServer { name: &'static str, port: u16, grpc: bool, stop_exit: i32 },
    /// An HTTP application answering `body` on every path.
    HttpApp { port: u16, body: &'static str },
    /// A client that succeeds and prints `output` (empty: prints nothing).
    Client { output: &'static str },
}

fn nginx_time(ctx: &Ctx<'_>) -> String {
    format_date(ctx.host.unix_now(), "%Y/%m/%d %H:%M:%S")
}

/// Runs an image program.
pub fn run(program: &ImageProgram, ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    match program {
        ImageProgram::PassThrough => {
            if args.is_empty() {
                CommandOutcome::Status(0)
            } else {
                run_command(ctx, args)
            }
        }
        ImageProgram::NginxEntrypoint => {
            let launches_nginx = matches!(args.first().map(String::as_str), Some("nginx" | "nginx-debug"));
            let quiet = env_lookup(ctx.host.env(), "NGINX_ENTRYPOINT_QUIET_LOGS").is_some();
            if launches_nginx && !quiet {
                ctx.out.push_str(NGINX_ENTRYPOINT_LOG);
            }
            if args.is_empty() {
                return CommandOutcome::Status(0);
            }
            run_command(ctx, args)
        }
        ImageProgram::Nginx => nginx(ctx, args),
        ImageProgram::Httpd => {
            let version = ctx.toolbox.version.clone();
            let model = ServerModel::Httpd {
                version: version.clone(),
                docroot: "/usr/local/apache2/htdocs".to_string(),
            };
            if ctx.host.listen(80, model.clone()).is_err() {
                ctx.err.push_str("(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:80\nno listening sockets available, shutting down\nAH00015: Unable to open logs\n");
                return CommandOutcome::Status(1);
            }
            let time = format_date(ctx.host.unix_now(), "%a %b %d %H:%M:%S.000000 %Y");
            ctx.err.push_str(&format!(
                "[{time}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{version} (Unix) configured -- resuming normal operations\n[{time}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'\n"
            ));
            CommandOutcome::Serve(model)
        }
        ImageProgram::Agnhost => agnhost(ctx, args),
        ImageProgram::LivenessServer => {
            let model = ServerModel::AgnhostLiveness { started: ctx.host.now() };
            serve_on(ctx, 8080, model, "")
        }
        ImageProgram::Pause => CommandOutcome::Serve(ServerModel::Pause),
        ImageProgram::Stress => stress(ctx, args),
        ImageProgram::Perl => perl(ctx, args),
        ImageProgram::Python => python(ctx, args),
        ImageProgram::TcpServer { name: server, port, grpc, stop_exit } => {
            let model = ServerModel::Tcp { name: server.to_string(), grpc: *grpc, stop_exit: *stop_exit };
            let banner = match *server {
                "redis" => "1:M * Ready to accept connections tcp\n".to_string(),
                "mysqld" => format!("[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '{}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n", ctx.toolbox.version),
                "etcd" => "{\"level\":\"info\",\"msg\":\"serving client traffic insecurely; this is strongly discouraged!\",\"address\":\"[::]:2379\"}\n".to_string(),
                other => format!("{other} started, listening on port {port}\n"),
            };
            serve_on(ctx, *port, model, &banner)
        }
        ImageProgram::HttpApp { port, body } => {
            let model = ServerModel::App { body: body.to_string() };
            serve_on(ctx, *port, model, "")
        }
        ImageProgram::Client { output } => {
            if !output.is_empty() {
                ctx.out.push_str(output);
                ctx.out.push('\n');
            }
            CommandOutcome::Status(0)
        }
    }
}

fn serve_on(ctx: &mut Ctx<'_>, port: u16, model: ServerModel, banner: &str) -> CommandOutcome {
    match ctx.host.listen(port, model.clone()) {
        Ok(()) => {
            ctx.out.push_str(banner);
            CommandOutcome::Serve(model)
        }
        Err(BindError::AddressInUse) => {
            ctx.err.push_str(&format!("listen tcp :{port}: bind: address already in use\n"));
            CommandOutcome::Status(1)
        }
    }
}

/// The lines nginx's docker-entrypoint.sh prints before starting nginx (1.25+ images).
pub const NGINX_ENTRYPOINT_LOG: &str = "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n/docker-entrypoint.sh: Configuration complete; ready for start up\n";

fn nginx(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let version = ctx.toolbox.version.clone();
    if args.iter().any(|a| a == "-v" || a == "-V") {
        ctx.err.push_str(&format!("nginx version: nginx/{version}\n"));
        return CommandOutcome::Status(0);
    }
    if args.iter().any(|a| a == "-t") {
        ctx.err.push_str("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n");
        return CommandOutcome::Status(0);
    }
    if let Some(i) = args.iter().position(|a| a == "-s") {
        let signal = match args.get(i + 1).map(String::as_str) {
            Some("stop") => Signal::Term,
            Some("quit") => Signal::Quit,
            Some("reload") => Signal::Hup,
            Some("reopen") => Signal::Usr1,
            other => {
                ctx.err.push_str(&format!("nginx: invalid option: \"-s {}\"\n", other.unwrap_or("")));
                return CommandOutcome::Status(1);
            }
        };
        let master =
            ctx.host.processes().into_iter().find(|p| p.command.starts_with("nginx: master process"));
        return match master {
            Some(process) => {
                ctx.host.signal_process(process.pid, signal);
                CommandOutcome::Status(0)
            }
            None => {
                let time = nginx_time(ctx);
                ctx.err.push_str(&format!("{time} [notice] 1#1: signal process started\n{time} [error] 1#1: open() \"/run/nginx.pid\" failed (2: No such file or directory)\nnginx: [error] open() \"/run/nginx.pid\" failed (2: No such file or directory)\n"));
                CommandOutcome::Status(1)
            }
        };
    }
    let model = ServerModel::Nginx { version: version.clone(), docroot: "/usr/share/nginx/html".to_string() };
    let time = nginx_time(ctx);
    if ctx.host.listen(80, model.clone()).is_err() {
        for _ in 0..5 {
            ctx.err.push_str(&format!(
                "{time} [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n"
            ));
        }
        ctx.err.push_str(&format!(
            "{time} [emerg] 1#1: still could not bind()\nnginx: [emerg] still could not bind()\n"
        ));
        return CommandOutcome::Status(1);
    }
    ctx.err.push_str(&format!(
        "{time} [notice] 1#1: using the \"epoll\" event method\n{time} [notice] 1#1: nginx/{version}\n{time} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \n{time} [notice] 1#1: OS: Linux {}\n{time} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576\n{time} [notice] 1#1: start worker processes\n{time} [notice] 1#1: start worker process 29\n",
        super::shell::commands::KERNEL_RELEASE
    ));
    CommandOutcome::Serve(model)
}

fn flag_value(args: &[String], name: &str) -> Option<String> {
    args.iter().enumerate().find_map(|(i, a)| {
        if let Some(value) = a.strip_prefix(&format!("{name}=")) {
            Some(value.to_string())
        } else if a == name {
            args.get(i + 1).cloned()
        } else {
            None
        }
    })
}

fn agnhost(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let hostname = ctx.host.hostname();
    match args.first().map(String::as_str) {
        Some("liveness") => {
            let model = ServerModel::AgnhostLiveness { started: ctx.host.now() };
            serve_on(ctx, 8080, model, "")
        }
        Some("netexec") => {
            let port = flag_value(args, "--http-port").and_then(|p| p.parse().ok()).unwrap_or(8080);
            let model = ServerModel::AgnhostNetexec { hostname };
            let banner = format!("Started HTTP server on port {port}\nStarted UDP server on port  8081\n");
            serve_on(ctx, port, model, &banner)
        }
        Some("serve-hostname") => {
            let port = flag_value(args, "--port").and_then(|p| p.parse().ok()).unwrap_or(9376);
            let model = ServerModel::AgnhostServeHostname { hostname };
            serve_on(ctx, port, model, &format!("Serving on port {port}.\n"))
        }
        Some("pause") | None => {
            ctx.out.push_str("Paused\n");
            CommandOutcome::Serve(ServerModel::Pause)
        }
        Some(other) => {
            ctx.err.push_str(&format!(
                "Error: unknown command \"{other}\" for \"agnhost\"\nRun 'agnhost --help' for usage.\n"
            ));
            CommandOutcome::Status(1)
        }
    }
}

/// Parses stress's sizes: a number with an optional `b`, `k`, `m`, `g` suffix (powers of 1024).
pub fn stress_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, factor) = match text.chars().last()?.to_ascii_lowercase() {
        'b' => (&text[..text.len() - 1], 1),
        'k' => (&text[..text.len() - 1], 1024),
        'm' => (&text[..text.len() - 1], 1024 * 1024),
        'g' => (&text[..text.len() - 1], 1024 * 1024 * 1024),
        _ => (text, 1),
    };
    number.parse::<u64>().ok().and_then(|n| n.checked_mul(factor))
}

fn stress(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let count = |flag: &str, short: &str| {
        flag_value(args, flag)
            .or_else(|| flag_value(args, short))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let vm = count("--vm", "-m");
    let cpu = count("--cpu", "-c");
    let io = count("--io", "-i");
    let hdd = count("--hdd", "-d");
    // vish/stress uses `-mem-total 150Mi`-style flags.
    let vish_bytes = flag_value(args, "-mem-total").and_then(|v| stress_bytes(v.trim_end_matches('i')));
    if [vm, cpu, io, hdd].iter().all(|n| *n == 0) && vish_bytes.is_none() {
        ctx.out.push_str("`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n");
        return CommandOutcome::Status(1);
    }
    let bytes = match vish_bytes {
        Some(bytes) => bytes,
        None => {
            let per_worker =
                flag_value(args, "--vm-bytes").and_then(|v| stress_bytes(&v)).unwrap_or(256 * 1024 * 1024);
            vm.saturating_mul(per_worker)
        }
    };
    if vish_bytes.is_none() {
        ctx.out.push_str(&format!(
            "stress: info: [1] dispatching hogs: {cpu} cpu, {io} io, {vm} vm, {hdd} hdd\n"
        ));
    }
    if bytes > 0 && ctx.host.allocate_memory(bytes) == MemoryOutcome::OomKilled {
        return CommandOutcome::Exit(Signal::Kill.exit_code());
    }
    // CPU hogs spin a core each; memory hogs with --vm-hang mostly sleep between touches.
    let hangs = flag_value(args, "--vm-hang").is_some_and(|h| h != "0");
    let hogs = cpu.saturating_add(io).saturating_add(hdd).saturating_add(if hangs { 0 } else { vm });
    let millicores = hogs.saturating_mul(1000);
    match flag_value(args, "--timeout").or_else(|| flag_value(args, "-t")) {
        Some(timeout) => {
            let seconds = timeout.trim_end_matches('s').parse::<u64>().unwrap_or(0);
            CommandOutcome::Spin {
                millicores,
                duration: Some(SimDuration::from_secs(seconds)),
                then: Some(format!("echo 'stress: info: [1] successful run completed in {seconds}s'")),
            }
        }
        None => CommandOutcome::Spin { millicores, duration: None, then: None },
    }
}

fn perl(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut program = None;
    let mut newline = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(flags) = arg.strip_prefix('-').filter(|f| !f.starts_with('M')) {
            if flags.contains('l') {
                newline = true;
            }
            if flags.ends_with('e') {
                program = iter.next().cloned();
            } else if flags == "de0" {
                // The image's default `perl -de0` debugger exits at once without a terminal.
                return CommandOutcome::Status(0);
            }
        } else if !arg.starts_with('-') {
            let path = ctx.path(arg);
            match ctx.host.fs().read(&path) {
                Ok(content) => program = Some(content),
                Err(error) => {
                    ctx.err.push_str(&format!("Can't open perl script \"{arg}\": {}\n", error.message()));
                    return CommandOutcome::Status(2);
                }
            }
        }
    }
    let Some(program) = program else {
        return CommandOutcome::Status(0);
    };
    let mut output = String::new();
    for statement in program.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        if let Some(inner) = statement.strip_prefix("print bpi(").and_then(|s| s.strip_suffix(')')) {
            match inner.trim().parse::<usize>() {
                Ok(digits) if digits > 0 && digits <= 20_000 => {
                    output.push_str(&pi_significant_digits(digits))
                }
                _ => output.push_str("3.141592653589793238462643383279502884197"),
            }
        } else if let Some(text) = statement
            .strip_prefix("print ")
            .and_then(|s| s.trim().strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        {
            output.push_str(&text.replace("\\n", "\n").replace("\\t", "\t"));
        } else if let Some(seconds) = statement.strip_prefix("sleep ") {
            let seconds = seconds.trim().parse::<u64>().unwrap_or(0);
            ctx.out.push_str(&output);
            return CommandOutcome::Sleep(SimDuration::from_secs(seconds));
        } else {
            let near = statement.split_whitespace().next().unwrap_or(statement);
            ctx.err.push_str(&format!(
                "syntax error at -e line 1, near \"{near}\"\nExecution of -e aborted due to compilation errors.\n"
            ));
            return CommandOutcome::Status(255);
        }
        if newline {
            output.push('\n');
        }
    }
    ctx.out.push_str(&output);
    CommandOutcome::Status(0)
}

fn python(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    match args {
        [] => CommandOutcome::Status(0),
        [flag, module, rest @ ..] if flag == "-m" && module == "http.server" => {
            let port = rest.first().and_then(|p| p.parse().ok()).unwrap_or(8000);
            let banner = format!("Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...\n");
            serve_on(ctx, port, ServerModel::Generic, &banner)
        }
        [flag, code, ..] if flag == "-c" => {
            let mut out = String::new();
            for statement in code.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
                let text = statement
                    .strip_prefix("print(")
                    .and_then(|s| s.strip_suffix(')'))
                    .map(|s| s.trim().trim_matches(|c| c == '"' || c == '\''));
                match text {
                    Some(text) => {
                        out.push_str(text);
                        out.push('\n');
                    }
                    None if statement.starts_with("import ") => {}
                    None => {
                        ctx.err.push_str(&format!(
                            "  File \"<string>\", line 1\n    {statement}\nSyntaxError: invalid syntax\n"
                        ));
                        return CommandOutcome::Status(1);
                    }
                }
            }
            ctx.out.push_str(&out);
            CommandOutcome::Status(0)
        }
        [file, ..] => {
            ctx.err.push_str(&format!(
                "python3: can't open file '{file}': [Errno 2] No such file or directory\n"
            ));
            CommandOutcome::Status(2)
        }
    }
}

/// A script file with a `#!` line: on the main line it becomes the rest of the process
/// (its `sleep`s take virtual time); elsewhere it runs to completion at once.
pub fn script_file(ctx: &mut Ctx<'_>, content: &str, argv: &[String]) -> CommandOutcome {
    let body: String = content.lines().skip(1).collect::<Vec<_>>().join("\n");
    if ctx.main {
        return CommandOutcome::Then(body);
    }
    let arg0 = argv.first().cloned().unwrap_or_default();
    let args = argv.get(1..).unwrap_or(&[]).to_vec();
    run_nested(ctx, &body, &arg0, &args)
}

/// A program an unknown image runs by path: it is the image's own server on the main line
/// (listening on the declared ports) and succeeds anywhere else (exec probes, hooks).
pub fn generic_program(ctx: &mut Ctx<'_>) -> CommandOutcome {
    if ctx.main && ctx.toolbox.main_container {
        for port in ctx.toolbox.declared_ports.clone() {
            let _ = ctx.host.listen(port, ServerModel::Generic);
        }
        return CommandOutcome::Serve(ServerModel::Generic);
    }
    CommandOutcome::Status(0)
}

/// `sh -c '…'` run from inside another script: runs to completion at once.
pub fn nested_shell(ctx: &mut Ctx<'_>, name: &str, args: &[String]) -> CommandOutcome {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg.starts_with('-') && arg.contains('c') {
            let script = iter.next().cloned().unwrap_or_default();
            let arg0 = iter.next().cloned().unwrap_or_else(|| name.to_string());
            let rest: Vec<String> = iter.cloned().collect();
            return run_nested(ctx, &script, &arg0, &rest);
        }
        if !arg.starts_with('-') {
            let path = ctx.path(arg);
            return match ctx.host.fs().read(&path) {
                Ok(content) => {
                    let rest: Vec<String> = iter.cloned().collect();
                    run_nested(ctx, &content, arg, &rest)
                }
                Err(error) => {
                    ctx.err.push_str(&format!("{name}: can't open '{arg}': {}\n", error.message()));
                    CommandOutcome::Status(2)
                }
            };
        }
    }
    let stdin = ctx.stdin.unwrap_or("").to_string();
    if stdin.is_empty() {
        return CommandOutcome::Status(0);
    }
    run_nested(ctx, &stdin, name, &[])
}

fn run_nested(ctx: &mut Ctx<'_>, script: &str, arg0: &str, args: &[String]) -> CommandOutcome {
    let mut shell = Shell::script(script, arg0, args, Rc::new(ctx.toolbox.clone()), false);
    shell.set_cwd(ctx.cwd);
    let (out, err, code) = shell.run_to_end(&mut *ctx.host);
    ctx.out.push_str(&out);
    ctx.err.push_str(&err);
    CommandOutcome::Status(code)
}
