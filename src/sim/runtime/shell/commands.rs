//! The programs a container can run: coreutils-style utilities (busybox or GNU wording), the
//! network clients (`wget`, `curl`, `nslookup`), and the image's own programs (servers, `perl`,
//! `stress`) through [`crate::sim::runtime::programs`]. Every unknown command fails like the
//! shell does (`sh: foo: not found`, exit 127).

use std::collections::BTreeMap;

use super::test_expr::evaluate_test;
use super::text_tools::{awk, grep, printf_format};
use crate::sim::runtime::filesystem::{absolute_path, FsError};
use crate::sim::runtime::host::{env_lookup, DnsAnswer, HttpRequest, NetError, ProcessHost, Signal};
use crate::sim::runtime::network::ServerModel;
use crate::sim::runtime::programs::{self, ImageProgram};
use crate::sim::time::{civil_from_days, SimDuration};

/// Which flavour of userland prints the error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Userland {
    /// busybox (busybox, alpine images).
    Busybox,
    /// Debian/Ubuntu coreutils (nginx, httpd, redis, perl images).
    Gnu,
}

/// The shell interpreting a script, for its error wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellFlavor {
    /// busybox ash: `sh: foo: not found`
    Ash,
    /// Debian dash: `sh: 1: foo: not found`
    Dash,
    /// bash: `bash: line 1: foo: command not found`
    Bash,
}

/// What a container image provides to the processes that run in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Toolbox {
    pub userland: Userland,
    /// The flavour of `sh` (bash when the process was started as `bash`).
    pub flavor: ShellFlavor,
    /// Whether `sh` exists (distroless and pause images have none).
    pub has_shell: bool,
    /// Whether `bash` exists.
    pub has_bash: bool,
    /// Utilities beyond the userland's standard set (e.g. `curl` in nginx).
    pub extra_utilities: Vec<&'static str>,
    /// Standard utilities this image lacks (e.g. `wget`, `ps` in Debian-based images).
    pub missing_utilities: Vec<&'static str>,
    /// The image's own programs by command name.
    pub programs: Vec<(&'static str, ImageProgram)>,
    /// An image the catalog does not know: every program it is asked to run that is not a
    /// standard utility is its own.
    pub generic: bool,
    /// The container's declared ports (a generic server listens on them).
    pub declared_ports: Vec<u16>,
    /// The version the image's programs report (`nginx/1.27.5`).
    pub version: String,
    /// The process is the container's main process (not an exec): an unknown image's own
    /// program becomes its server only there.
    pub main_container: bool,
}

impl Toolbox {
    /// The name the shell uses in its messages.
    pub fn shell_name(&self) -> String {
        match self.flavor {
            ShellFlavor::Bash => "bash".to_string(),
            _ => "sh".to_string(),
        }
    }

    pub(crate) fn is_bash(&self) -> bool {
        self.flavor == ShellFlavor::Bash
    }

    /// `sh: foo: not found` and friends.
    pub fn not_found(&self, command: &str) -> String {
        match self.flavor {
            ShellFlavor::Ash => format!("sh: {command}: not found\n"),
            ShellFlavor::Dash => format!("sh: 1: {command}: not found\n"),
            ShellFlavor::Bash => format!("bash: line 1: {command}: command not found\n"),
        }
    }

    /// A syntax error as the shell words it.
    pub fn syntax_error(&self, shell: &str, message: &str) -> String {
        match self.flavor {
            ShellFlavor::Ash => format!("{shell}: {message}"),
            ShellFlavor::Dash => format!("{shell}: 1: {}", capitalise(message)),
            ShellFlavor::Bash => format!("{shell}: -c: line 1: {message}"),
        }
    }

    pub(crate) fn cd_error(&self, target: &str) -> String {
        match self.flavor {
            ShellFlavor::Ash => {
                format!("sh: cd: can't cd to {target}: No such file or directory\n")
            }
            ShellFlavor::Dash => format!("sh: 1: cd: can't cd to {target}\n"),
            ShellFlavor::Bash => format!("bash: line 1: cd: {target}: No such file or directory\n"),
        }
    }

    pub(crate) fn redirect_error(&self, target: &str, error: FsError, create: bool) -> String {
        let reason = match (self.flavor, error) {
            (ShellFlavor::Ash, FsError::NotFound) if create => "nonexistent directory",
            (ShellFlavor::Dash, FsError::NotFound) if create => "Directory nonexistent",
            _ => error.message(),
        };
        match self.flavor {
            ShellFlavor::Ash if create => format!("sh: can't create {target}: {reason}\n"),
            ShellFlavor::Ash => format!("sh: can't open {target}: {reason}\n"),
            ShellFlavor::Dash if create => format!("sh: 1: cannot create {target}: {reason}\n"),
            ShellFlavor::Dash => format!("sh: 1: cannot open {target}: {reason}\n"),
            ShellFlavor::Bash => format!("bash: line 1: {target}: {reason}\n"),
        }
    }

    /// Whether `program` (a name or a path) names something this image can run.
    pub fn can_run(&self, program: &str) -> bool {
        let name = program_name(program);
        self.programs.iter().any(|(n, _)| *n == name)
            || (self.has_utility(name) && (name == program || is_bin_path(program)))
            || self.generic
    }

    fn has_utility(&self, name: &str) -> bool {
        match name {
            "sh" | "ash" | "dash" => return self.has_shell,
            "bash" => return self.has_bash,
            _ => {}
        }
        if !self.has_shell {
            return false;
        }
        if self.missing_utilities.contains(&name) {
            return false;
        }
        if self.extra_utilities.contains(&name) {
            return true;
        }
        let standard: &[&str] = match self.userland {
            Userland::Busybox => BUSYBOX_UTILITIES,
            Userland::Gnu => GNU_UTILITIES,
        };
        standard.contains(&name)
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Utilities of a busybox image.
pub const BUSYBOX_UTILITIES: &[&str] = &[
    "echo", "printf", "true", "false", ":", "test", "[", "[[", "seq", "sleep", "cat", "touch", "rm", "mkdir",
    "ls", "head", "tail", "wc", "grep", "awk", "printenv", "env", "date", "hostname", "nslookup", "wget",
    "ps", "kill", "killall", "pwd", "id", "whoami", "uname", "rev", "basename", "dirname", "sh", "ash",
    "yes", "nc", "cp", "mv", "tee", "sort", "uniq", "cut", "tr", "sed",
];

/// Utilities of a Debian-based image (no wget, nslookup, ps or nc unless the image adds them).
pub const GNU_UTILITIES: &[&str] = &[
    "echo", "printf", "true", "false", ":", "test", "[", "seq", "sleep", "cat", "touch", "rm", "mkdir", "ls",
    "head", "tail", "wc", "grep", "awk", "printenv", "env", "date", "hostname", "kill", "pwd", "id",
    "whoami", "uname", "rev", "basename", "dirname", "sh", "bash", "dash", "yes", "cp", "mv", "tee", "sort",
    "uniq", "cut", "tr", "sed",
];

/// How a command ended (or what it waits for).
#[derive(Clone, Debug, PartialEq)]
pub enum CommandOutcome {
    /// Finished with this status.
    Status(i32),
    /// `exit N`: the whole process ends.
    Exit(i32),
    /// Finishes after this much virtual time (status 0).
    Sleep(SimDuration),
    /// Never finishes by itself.
    Block,
    /// Keeps `millicores` of CPU busy, for `duration` (then runs `then`, a script) or forever.
    Spin { millicores: u64, duration: Option<SimDuration>, then: Option<String> },
    /// Follows a file (`tail -f`): the executor polls it every second.
    Follow { path: String, offset: usize },
    /// A server program now runs in the foreground.
    Serve(ServerModel),
    /// The `wait` builtin.
    Wait,
    /// Continue this process with a script (a `#!` file, stress's timeout).
    Then(String),
}

/// What a command runs with.
pub struct Ctx<'a> {
    pub host: &'a mut dyn ProcessHost,
    pub cwd: &'a str,
    pub stdin: Option<&'a str>,
    pub toolbox: &'a Toolbox,
    pub vars: &'a BTreeMap<String, String>,
    pub out: String,
    pub err: String,
    /// True for the container's main line (not a substitution or pipe stage).
    pub main: bool,
}

impl Ctx<'_> {
    pub fn path(&self, path: &str) -> String {
        absolute_path(self.cwd, path)
    }

    fn gnu(&self) -> bool {
        self.toolbox.userland == Userland::Gnu
    }

    /// `cat: can't open 'x': No such file or directory` (busybox) or `cat: x: No such file or
    /// directory` (GNU).
    fn open_error(&mut self, tool: &str, path: &str, error: FsError) {
        let text = if self.gnu() {
            format!("{tool}: {path}: {}\n", error.message())
        } else {
            format!("{tool}: can't open '{path}': {}\n", error.message())
        };
        self.err.push_str(&text);
    }

    /// The contents of the named files, or stdin when none is named; `None` if one failed.
    pub(crate) fn inputs(&mut self, tool: &str, files: &[String]) -> (String, bool) {
        if files.is_empty() || files == ["-"] {
            return (self.stdin.unwrap_or("").to_string(), true);
        }
        let mut text = String::new();
        let mut ok = true;
        for file in files {
            let path = self.path(file);
            match self.host.fs().read(&path) {
                Ok(content) => text.push_str(&content),
                Err(error) => {
                    self.open_error(tool, file, error);
                    ok = false;
                }
            }
        }
        (text, ok)
    }
}

/// Runs `argv` (not a shell builtin).
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> CommandOutcome {
    let Some(command) = argv.first() else {
        return CommandOutcome::Status(0);
    };
    let args = &argv[1..];
    let name = program_name(command);
    if let Some(program) = ctx.toolbox.programs.iter().find(|(n, _)| *n == name).map(|(_, p)| *p) {
        return programs::run(&program, ctx, args);
    }
    if ctx.toolbox.has_utility(name) && (name == command || is_bin_path(command)) {
        return utility(ctx, name, args);
    }
    if command.contains('/') {
        let path = ctx.path(command);
        if let Ok(content) = ctx.host.fs().read(&path) {
            if content.starts_with("#!") {
                return programs::script_file(ctx, &content, argv);
            }
        }
    }
    if ctx.toolbox.generic {
        return programs::generic_program(ctx);
    }
    let message = ctx.toolbox.not_found(command);
    ctx.err.push_str(&message);
    CommandOutcome::Status(127)
}

/// `/usr/bin/wget` → `wget`; other names unchanged.
pub fn program_name(command: &str) -> &str {
    if is_bin_path(command) {
        command.rsplit('/').next().unwrap_or(command)
    } else {
        command
    }
}

fn is_bin_path(command: &str) -> bool {
    ["/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"]
        .iter()
        .any(|dir| command.strip_prefix(dir).is_some_and(|rest| !rest.is_empty() && !rest.contains('/')))
}

/// Parses a `sleep` operand: `5`, `0.5`, `2m`, `1h`, `1d`.
pub fn parse_sleep(arg: &str) -> Option<SimDuration> {
    let (number, unit) = match arg.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&arg[..i], c),
        _ => (arg, 's'),
    };
    let value: f64 = number.parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let factor = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86400.0,
        _ => return None,
    };
    Some(SimDuration::from_millis((value * factor * 1000.0).round() as u64))
}

fn utility(ctx: &mut Ctx<'_>, name: &str, args: &[String]) -> CommandOutcome {
    use CommandOutcome::Status;
    match name {
        "true" | ":" => Status(0),
        "false" => Status(1),
        "echo" => echo(ctx, args),
        "printf" => match args.split_first() {
            Some((format, rest)) => {
                let text = printf_format(format, rest);
                ctx.out.push_str(&text);
                Status(0)
            }
            None => {
                ctx.err.push_str("printf: usage: printf format [arguments]\n");
                Status(2)
            }
        },
        "test" | "[" | "[[" => {
            let mut operands: Vec<String> = args.to_vec();
            if name != "test" {
                let close = if name == "[" { "]" } else { "]]" };
                if operands.last().map(String::as_str) != Some(close) {
                    ctx.err.push_str(&format!("{}: missing {close}\n", ctx.toolbox.shell_name()));
                    return Status(2);
                }
                operands.pop();
            }
            let host = &mut *ctx.host;
            let cwd = ctx.cwd.to_string();
            match evaluate_test(&operands, &mut |path| host.fs().stat(&absolute_path(&cwd, path))) {
                Ok(true) => Status(0),
                Ok(false) => Status(1),
                Err(message) => {
                    ctx.err.push_str(&format!("{}: {message}\n", ctx.toolbox.shell_name()));
                    Status(2)
                }
            }
        }
        "seq" => seq(ctx, args),
        "sleep" => sleep(ctx, args),
        "yes" => CommandOutcome::Spin { millicores: 1000, duration: None, then: None },
        "cat" => {
            let files: Vec<String> =
                args.iter().filter(|a| !a.starts_with('-') || *a == "-").cloned().collect();
            let (text, ok) = ctx.inputs("cat", &files);
            ctx.out.push_str(&text);
            Status(if ok { 0 } else { 1 })
        }
        "tee" | "sort" | "uniq" | "cut" | "tr" | "sed" => super::text_tools::filter(ctx, name, args),
        "rev" => {
            let (text, ok) = ctx.inputs("rev", args);
            for line in text.lines() {
                ctx.out.push_str(&line.chars().rev().collect::<String>());
                ctx.out.push('\n');
            }
            Status(if ok { 0 } else { 1 })
        }
        "touch" => touch(ctx, args),
        "rm" => rm(ctx, args),
        "mkdir" => mkdir(ctx, args),
        "ls" => ls(ctx, args),
        "cp" | "mv" => copy(ctx, name, args),
        "head" | "tail" => head_tail(ctx, name, args),
        "wc" => wc(ctx, args),
        "grep" => grep(ctx, args),
        "awk" => awk(ctx, args),
        "printenv" => printenv(ctx, args),
        "env" => {
            if !args.is_empty() {
                return run(ctx, args);
            }
            let env = ctx.host.env().to_vec();
            for (key, value) in env {
                ctx.out.push_str(&format!("{key}={value}\n"));
            }
            Status(0)
        }
        "date" => date(ctx, args),
        "hostname" => {
            let name = ctx.host.hostname();
            ctx.out.push_str(&format!("{name}\n"));
            Status(0)
        }
        "pwd" => {
            ctx.out.push_str(&format!("{}\n", ctx.cwd));
            Status(0)
        }
        "id" => {
            ctx.out.push_str("uid=0(root) gid=0(root) groups=0(root)\n");
            Status(0)
        }
        "whoami" => {
            ctx.out.push_str("root\n");
            Status(0)
        }
        "uname" => {
            let hostname = ctx.host.hostname();
            let text = match args.first().map(String::as_str) {
                Some("-a") => {
                    format!("Linux {hostname} {KERNEL_RELEASE} #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux")
                }
                Some("-r") => KERNEL_RELEASE.to_string(),
                Some("-n") => hostname,
                Some("-m") => "x86_64".to_string(),
                _ => "Linux".to_string(),
            };
            ctx.out.push_str(&format!("{text}\n"));
            Status(0)
        }
        "basename" => match args.first() {
            Some(path) => {
                let trimmed = path.trim_end_matches('/');
                let mut base = trimmed.rsplit('/').next().unwrap_or("").to_string();
                if let Some(suffix) = args.get(1) {
                    if let Some(stripped) = base.strip_suffix(suffix.as_str()) {
                        base = stripped.to_string();
                    }
                }
                ctx.out.push_str(&format!("{base}\n"));
                Status(0)
            }
            None => Status(1),
        },
        "dirname" => match args.first() {
            Some(path) => {
                let dir = match path.trim_end_matches('/').rsplit_once('/') {
                    Some(("", _)) => "/".to_string(),
                    Some((dir, _)) => dir.to_string(),
                    None => ".".to_string(),
                };
                ctx.out.push_str(&format!("{dir}\n"));
                Status(0)
            }
            None => Status(1),
        },
        "nslookup" => nslookup(ctx, args),
        "wget" => wget(ctx, args),
        "curl" => curl(ctx, args),
        "nc" => nc(ctx, args),
        "ps" => ps(ctx),
        "kill" => kill(ctx, args),
        "killall" => killall(ctx, args),
        "sh" | "ash" | "bash" | "dash" => programs::nested_shell(ctx, name, args),
        _ => {
            let message = ctx.toolbox.not_found(name);
            ctx.err.push_str(&message);
            Status(127)
        }
    }
}

/// The User-Agent curl sends (Debian bookworm's curl).
pub const CURL_USER_AGENT: &str = "curl/7.88.1";

/// The kernel release `uname -r` reports on the simulated nodes.
pub const KERNEL_RELEASE: &str = "6.8.0-1017-generic";

fn echo(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut newline = true;
    // dash's echo always interprets escapes; busybox's and bash's only with -e.
    let mut escapes = ctx.toolbox.flavor == ShellFlavor::Dash;
    let mut rest = args;
    while let Some((first, tail)) = rest.split_first() {
        let flag = first.len() > 1 && first.starts_with('-') && first[1..].chars().all(|c| "neE".contains(c));
        if !flag {
            break;
        }
        for c in first[1..].chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        rest = tail;
    }
    let mut text = rest.join(" ");
    if escapes {
        let (expanded, stop) = super::text_tools::unescape(&text);
        text = expanded;
        if stop {
            newline = false;
        }
    }
    ctx.out.push_str(&text);
    if newline {
        ctx.out.push('\n');
    }
    CommandOutcome::Status(0)
}

fn seq(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let numbers: Option<Vec<i64>> = args.iter().map(|a| a.parse::<i64>().ok()).collect();
    let Some(numbers) = numbers else {
        let bad = args.iter().find(|a| a.parse::<i64>().is_err()).cloned().unwrap_or_default();
        ctx.err.push_str(&format!("seq: invalid number '{bad}'\n"));
        return CommandOutcome::Status(1);
    };
    let (first, step, last) = match numbers.as_slice() {
        [last] => (1, 1, *last),
        [first, last] => (*first, 1, *last),
        [first, step, last] => (*first, *step, *last),
        _ => {
            ctx.err.push_str("seq: missing operand\n");
            return CommandOutcome::Status(1);
        }
    };
    if step == 0 {
        return CommandOutcome::Status(1);
    }
    let mut value = first;
    let mut count = 0;
    while (step > 0 && value <= last) || (step < 0 && value >= last) {
        ctx.out.push_str(&format!("{value}\n"));
        count += 1;
        match value.checked_add(step) {
            Some(next) if count <= 100_000 => value = next,
            _ => break,
        }
    }
    CommandOutcome::Status(0)
}

fn sleep(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    if args.is_empty() {
        ctx.err.push_str(if ctx.gnu() { "sleep: missing operand\n" } else { "sleep: applet not found\n" });
        return CommandOutcome::Status(1);
    }
    let mut total = SimDuration::ZERO;
    for arg in args {
        if arg == "infinity" || arg == "inf" {
            return CommandOutcome::Block;
        }
        match parse_sleep(arg) {
            Some(d) => total = total + d,
            None => {
                let text = if ctx.gnu() {
                    format!("sleep: invalid time interval '{arg}'\n")
                } else {
                    format!("sleep: invalid number '{arg}'\n")
                };
                ctx.err.push_str(&text);
                return CommandOutcome::Status(1);
            }
        }
    }
    CommandOutcome::Sleep(total)
}

fn touch(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut status = 0;
    for file in args.iter().filter(|a| !a.starts_with('-')) {
        let path = ctx.path(file);
        if let Err(error) = ctx.host.fs().touch(&path) {
            let text = if ctx.gnu() {
                format!("touch: cannot touch '{file}': {}\n", error.message())
            } else {
                format!("touch: {file}: {}\n", error.message())
            };
            ctx.err.push_str(&text);
            status = 1;
        }
    }
    CommandOutcome::Status(status)
}

fn rm(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
    let force = flags.contains('f');
    let recursive = flags.contains('r') || flags.contains('R');
    let mut status = 0;
    for file in args.iter().filter(|a| !a.starts_with('-')) {
        let path = ctx.path(file);
        if let Err(error) = ctx.host.fs().remove(&path, recursive) {
            if force && error == FsError::NotFound {
                continue;
            }
            let text = if ctx.gnu() {
                format!("rm: cannot remove '{file}': {}\n", error.message())
            } else {
                format!("rm: can't remove '{file}': {}\n", error.message())
            };
            ctx.err.push_str(&text);
            status = 1;
        }
    }
    CommandOutcome::Status(status)
}

fn mkdir(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let parents = args.iter().any(|a| a == "-p");
    let mut status = 0;
    for dir in args.iter().filter(|a| !a.starts_with('-')) {
        let path = ctx.path(dir);
        if let Err(error) = ctx.host.fs().mkdir(&path, parents) {
            let text = if ctx.gnu() {
                format!("mkdir: cannot create directory '{dir}': {}\n", error.message())
            } else {
                format!("mkdir: can't create directory '{dir}': {}\n", error.message())
            };
            ctx.err.push_str(&text);
            status = 1;
        }
    }
    CommandOutcome::Status(status)
}

fn copy(ctx: &mut Ctx<'_>, name: &str, args: &[String]) -> CommandOutcome {
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [source, target] = files.as_slice() else {
        ctx.err.push_str(&format!("{name}: missing file operand\n"));
        return CommandOutcome::Status(1);
    };
    let from = ctx.path(source);
    let mut to = ctx.path(target);
    if ctx.host.fs().is_dir(&to) {
        let base = from.rsplit('/').next().unwrap_or("").to_string();
        to = format!("{}/{base}", to.trim_end_matches('/'));
    }
    let content = match ctx.host.fs().read(&from) {
        Ok(content) => content,
        Err(error) => {
            ctx.err.push_str(&format!("{name}: can't stat '{source}': {}\n", error.message()));
            return CommandOutcome::Status(1);
        }
    };
    if let Err(error) = ctx.host.fs().write(&to, &content) {
        ctx.err.push_str(&format!("{name}: can't create '{target}': {}\n", error.message()));
        return CommandOutcome::Status(1);
    }
    if name == "mv" {
        let _ = ctx.host.fs().remove(&from, false);
    }
    CommandOutcome::Status(0)
}

fn ls(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let all = args.iter().any(|a| a.starts_with('-') && a.contains('a'));
    let mut targets: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
    if targets.is_empty() {
        targets.push(".".to_string());
    }
    let mut status = 0;
    let several = targets.len() > 1;
    for (i, target) in targets.iter().enumerate() {
        let path = ctx.path(target);
        if !ctx.host.fs().exists(&path) {
            let text = if ctx.gnu() {
                status = 2;
                format!("ls: cannot access '{target}': No such file or directory\n")
            } else {
                status = 1;
                format!("ls: {target}: No such file or directory\n")
            };
            ctx.err.push_str(&text);
            continue;
        }
        if !ctx.host.fs().is_dir(&path) {
            ctx.out.push_str(&format!("{target}\n"));
            continue;
        }
        if several {
            if i > 0 {
                ctx.out.push('\n');
            }
            ctx.out.push_str(&format!("{target}:\n"));
        }
        let names = ctx.host.fs().list(&path).unwrap_or_default();
        for name in names {
            if name.starts_with('.') && !all {
                continue;
            }
            ctx.out.push_str(&format!("{name}\n"));
        }
    }
    CommandOutcome::Status(status)
}

fn head_tail(ctx: &mut Ctx<'_>, name: &str, args: &[String]) -> CommandOutcome {
    let mut count: usize = 10;
    let mut follow = false;
    let mut files = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-f" | "-F" | "--follow" => follow = true,
            "-n" => count = iter.next().and_then(|n| n.trim_start_matches('+').parse().ok()).unwrap_or(10),
            a if a.starts_with("-n") => count = a[2..].parse().unwrap_or(10),
            a if a.starts_with('-') && a.len() > 1 && a[1..].chars().all(|c| c.is_ascii_digit()) => {
                count = a[1..].parse().unwrap_or(10)
            }
            a if a.starts_with('-') && a.len() > 1 => {
                follow |= a.contains('f') || a.contains('F');
            }
            _ => files.push(arg.clone()),
        }
    }
    if name == "tail" && follow {
        if let Some(file) = files.last() {
            let path = ctx.path(file);
            let content = match ctx.host.fs().read(&path) {
                Ok(content) => content,
                Err(error) => {
                    ctx.open_error("tail", file, error);
                    String::new()
                }
            };
            let lines: Vec<&str> = content.lines().collect();
            for line in &lines[lines.len().saturating_sub(count)..] {
                ctx.out.push_str(line);
                ctx.out.push('\n');
            }
            return CommandOutcome::Follow { path, offset: content.len() };
        }
        return CommandOutcome::Block;
    }
    let (text, ok) = ctx.inputs(name, &files);
    // Split on newlines only: a `\r` before one is part of the line, as for the real tools.
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    let selected: &[&str] = if name == "head" {
        &lines[..count.min(lines.len())]
    } else {
        &lines[lines.len().saturating_sub(count)..]
    };
    for line in selected {
        ctx.out.push_str(line);
        ctx.out.push('\n');
    }
    CommandOutcome::Status(if ok { 0 } else { 1 })
}

fn wc(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
    let files: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
    let (text, ok) = ctx.inputs("wc", &files);
    let lines = text.matches('\n').count();
    let words = text.split_whitespace().count();
    let bytes = text.len();
    let mut fields = Vec::new();
    if flags.is_empty() || flags.contains('l') {
        fields.push(lines);
    }
    if flags.is_empty() || flags.contains('w') {
        fields.push(words);
    }
    if flags.is_empty() || flags.contains('c') {
        fields.push(bytes);
    }
    let mut line = if fields.len() == 1 {
        fields.first().map(|n| n.to_string()).unwrap_or_default()
    } else {
        fields.iter().map(|n| format!("{n:>7}")).collect::<Vec<_>>().join(" ")
    };
    if let Some(file) = files.first() {
        line.push(' ');
        line.push_str(file);
    }
    ctx.out.push_str(&format!("{line}\n"));
    CommandOutcome::Status(if ok { 0 } else { 1 })
}

fn printenv(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let env = ctx.host.env().to_vec();
    if args.is_empty() {
        for (key, value) in env {
            ctx.out.push_str(&format!("{key}={value}\n"));
        }
        return CommandOutcome::Status(0);
    }
    let mut status = 0;
    for name in args {
        match env_lookup(&env, name) {
            Some(value) => ctx.out.push_str(&format!("{value}\n")),
            None => status = 1,
        }
    }
    CommandOutcome::Status(status)
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Formats Unix seconds with a `date +FORMAT` string (UTC).
pub fn format_date(unix: i64, format: &str) -> String {
    let days = unix.div_euclid(86400);
    let secs = unix.rem_euclid(86400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let weekday = WEEKDAYS.get(days.rem_euclid(7) as usize).copied().unwrap_or("Thu");
    let month_name = MONTHS.get(month.saturating_sub(1) as usize).copied().unwrap_or("Jan");
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&year.to_string()),
            Some('m') => out.push_str(&format!("{month:02}")),
            Some('d') => out.push_str(&format!("{day:02}")),
            Some('e') => out.push_str(&format!("{day:>2}")),
            Some('H') => out.push_str(&format!("{h:02}")),
            Some('M') => out.push_str(&format!("{m:02}")),
            Some('S') => out.push_str(&format!("{s:02}")),
            Some('s') => out.push_str(&unix.to_string()),
            Some('T') => out.push_str(&format!("{h:02}:{m:02}:{s:02}")),
            Some('F') => out.push_str(&format!("{year}-{month:02}-{day:02}")),
            Some('a') => out.push_str(weekday),
            Some('b') => out.push_str(month_name),
            Some('Z') => out.push_str("UTC"),
            Some('z') => out.push_str("+0000"),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

fn date(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let unix = ctx.host.unix_now();
    let format = args
        .iter()
        .find_map(|a| a.strip_prefix('+'))
        .map(str::to_string)
        .unwrap_or_else(|| "%a %b %e %H:%M:%S %Z %Y".to_string());
    let text = format_date(unix, &format);
    ctx.out.push_str(&format!("{text}\n"));
    CommandOutcome::Status(0)
}

fn nslookup(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        ctx.err.push_str("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n");
        return CommandOutcome::Status(1);
    };
    let server = ctx.host.nameserver();
    ctx.out.push_str(&format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n"));
    match ctx.host.dns_lookup(name) {
        DnsAnswer::Resolved { fqdn, addresses } => {
            for address in addresses {
                ctx.out.push_str(&format!("Name:\t{fqdn}\nAddress: {address}\n"));
            }
            ctx.out.push('\n');
            CommandOutcome::Status(0)
        }
        DnsAnswer::NxDomain => {
            let shown = name;
            ctx.out.push_str(&format!("** server can't find {shown}: NXDOMAIN\n\n"));
            ctx.out.push_str(&format!("** server can't find {shown}: NXDOMAIN\n\n"));
            CommandOutcome::Status(1)
        }
    }
}

/// A parsed `http://host:port/path` URL.
pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

/// Parses an http URL (scheme optional); `None` for other schemes or a bad port.
pub fn parse_url(text: &str) -> Option<Url> {
    let rest = match text.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some(_) => return None,
        None => text,
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().ok()?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return None;
    }
    Some(Url { host: host.to_string(), port, path })
}

/// The address a host name connects to, for wget's `Connecting to` line.
fn display_address(ctx: &mut Ctx<'_>, host: &str) -> Option<String> {
    if host == "localhost" {
        return Some("127.0.0.1".to_string());
    }
    if host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Some(host.to_string());
    }
    match ctx.host.dns_lookup(host) {
        DnsAnswer::Resolved { addresses, .. } => addresses.into_iter().next(),
        DnsAnswer::NxDomain => None,
    }
}

fn wget(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut quiet = false;
    let mut output: Option<String> = None;
    let mut spider = false;
    let mut server_response = false;
    let mut url_text = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-O" => output = iter.next().cloned(),
            "-qO-" | "-qO" => {
                quiet = true;
                output = if arg == "-qO-" { Some("-".to_string()) } else { iter.next().cloned() };
            }
            "--spider" => spider = true,
            "-S" | "--server-response" => server_response = true,
            "-T" | "--timeout" | "-U" | "--header" | "--user-agent" => {
                iter.next();
            }
            a if a.starts_with("-O") => output = Some(a[2..].to_string()),
            a if a.starts_with("--timeout=") || a.starts_with("-T") => {}
            a if a.starts_with('-') && a.len() > 1 => {
                quiet |= a.contains('q');
                spider |= a == "-s";
            }
            _ => url_text = Some(arg.clone()),
        }
    }
    let Some(url_text) = url_text else {
        ctx.err.push_str("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
        return CommandOutcome::Status(1);
    };
    let Some(url) = parse_url(&url_text) else {
        ctx.err.push_str(&format!("wget: not an http or ftp url: {url_text}\n"));
        return CommandOutcome::Status(1);
    };
    let Some(address) = display_address(ctx, &url.host) else {
        ctx.err.push_str(&format!("wget: bad address '{}'\n", url.host));
        return CommandOutcome::Status(1);
    };
    if !quiet {
        ctx.err.push_str(&format!("Connecting to {} ({}:{})\n", url.host, address, url.port));
    }
    let request = HttpRequest {
        method: if spider { "HEAD".to_string() } else { "GET".to_string() },
        host: url.host.clone(),
        port: url.port,
        path: url.path.clone(),
        user_agent: "Wget".to_string(),
    };
    let response = match ctx.host.http(&request) {
        Ok(response) => response,
        Err(NetError::ConnectionRefused) => {
            ctx.err
                .push_str(&format!("wget: can't connect to remote host ({address}): Connection refused\n"));
            return CommandOutcome::Status(1);
        }
        Err(NetError::Timeout) => {
            ctx.err.push_str("wget: download timed out\n");
            return CommandOutcome::Status(1);
        }
        Err(NetError::NoSuchHost) => {
            ctx.err.push_str(&format!("wget: bad address '{}'\n", url.host));
            return CommandOutcome::Status(1);
        }
        Err(NetError::BadResponse) => {
            ctx.err.push_str("wget: error getting response: Connection reset by peer\n");
            return CommandOutcome::Status(1);
        }
    };
    if server_response {
        ctx.err.push_str(&format!("  HTTP/1.1 {} {}\n", response.status, response.reason()));
        for (name, value) in &response.headers {
            ctx.err.push_str(&format!("  {name}: {value}\n"));
        }
    }
    if response.status >= 400 {
        ctx.err.push_str(&format!(
            "wget: server returned error: HTTP/1.1 {} {}\n",
            response.status,
            response.reason()
        ));
        return CommandOutcome::Status(1);
    }
    if spider {
        if !quiet {
            ctx.err.push_str("remote file exists\n");
        }
        return CommandOutcome::Status(0);
    }
    let file_name = match &output {
        Some(name) => name.clone(),
        None => {
            let base = url.path.split('?').next().unwrap_or("").rsplit('/').next().unwrap_or("");
            if base.is_empty() {
                "index.html".to_string()
            } else {
                base.to_string()
            }
        }
    };
    if file_name == "-" {
        if !quiet {
            ctx.err.push_str("writing to stdout\n");
        }
        ctx.out.push_str(&response.body);
        if !quiet {
            ctx.err.push_str(&format!(
                "-                    100% |********************************| {:>5}  0:00:00 ETA\nwritten to stdout\n",
                response.body.len()
            ));
        }
        return CommandOutcome::Status(0);
    }
    let path = ctx.path(&file_name);
    if let Err(error) = ctx.host.fs().write(&path, &response.body) {
        ctx.err.push_str(&format!("wget: can't open '{file_name}': {}\n", error.message()));
        return CommandOutcome::Status(1);
    }
    if !quiet {
        ctx.err.push_str(&format!(
            "saving to '{file_name}'\n{:<20} 100% |********************************| {:>5}  0:00:00 ETA\n'{file_name}' saved\n",
            file_name,
            response.body.len()
        ));
    }
    CommandOutcome::Status(0)
}

fn curl(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut silent = false;
    let mut show_error = false;
    let mut fail = false;
    let mut head = false;
    let mut include = false;
    let mut output: Option<String> = None;
    let mut url_text = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-o" | "--output" => output = iter.next().cloned(),
            "-m" | "--max-time" | "--connect-timeout" | "-H" | "--header" | "-A" | "-X" | "-w" => {
                iter.next();
            }
            "--silent" => silent = true,
            "--fail" => fail = true,
            "--head" => head = true,
            "--include" => include = true,
            "--show-error" => show_error = true,
            a if a.starts_with("--") => {}
            a if a.starts_with('-') && a.len() > 1 => {
                for c in a[1..].chars() {
                    match c {
                        's' => silent = true,
                        'S' => show_error = true,
                        'f' => fail = true,
                        'I' => head = true,
                        'i' => include = true,
                        _ => {}
                    }
                }
            }
            _ => url_text = Some(arg.clone()),
        }
    }
    let report = |ctx: &mut Ctx<'_>, text: String| {
        if !silent || show_error {
            ctx.err.push_str(&format!("{text}\n"));
        }
    };
    let Some(url_text) = url_text else {
        ctx.err.push_str("curl: try 'curl --help' or 'curl --manual' for more information\n");
        return CommandOutcome::Status(2);
    };
    let Some(url) = parse_url(&url_text) else {
        report(
            ctx,
            format!("curl: (1) Protocol \"{}\" not supported", url_text.split("://").next().unwrap_or("")),
        );
        return CommandOutcome::Status(1);
    };
    let request = HttpRequest {
        method: if head { "HEAD".to_string() } else { "GET".to_string() },
        host: url.host.clone(),
        port: url.port,
        path: url.path.clone(),
        user_agent: CURL_USER_AGENT.to_string(),
    };
    let response = match ctx.host.http(&request) {
        Ok(response) => response,
        Err(NetError::ConnectionRefused) => {
            report(
                ctx,
                format!(
                    "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                    url.host, url.port
                ),
            );
            return CommandOutcome::Status(7);
        }
        Err(NetError::Timeout) => {
            report(ctx, "curl: (28) Connection timed out after 10002 milliseconds".to_string());
            return CommandOutcome::Status(28);
        }
        Err(NetError::NoSuchHost) => {
            report(ctx, format!("curl: (6) Could not resolve host: {}", url.host));
            return CommandOutcome::Status(6);
        }
        Err(NetError::BadResponse) => {
            report(ctx, "curl: (1) Received HTTP/0.9 when not allowed".to_string());
            return CommandOutcome::Status(1);
        }
    };
    if fail && response.status >= 400 {
        report(ctx, format!("curl: (22) The requested URL returned error: {}", response.status));
        return CommandOutcome::Status(22);
    }
    let mut text = String::new();
    if head || include {
        text.push_str(&format!("HTTP/1.1 {} {}\r\n", response.status, response.reason()));
        for (name, value) in &response.headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
    }
    if !head {
        text.push_str(&response.body);
    }
    match output {
        Some(file) if file != "-" => {
            let path = ctx.path(&file);
            if let Err(error) = ctx.host.fs().write(&path, &text) {
                report(ctx, format!("curl: (23) Failure writing output to destination: {}", error.message()));
                return CommandOutcome::Status(23);
            }
        }
        _ => ctx.out.push_str(&text),
    }
    CommandOutcome::Status(0)
}

fn nc(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let (Some(host), Some(port)) = (operands.first(), operands.get(1).and_then(|p| p.parse::<u16>().ok()))
    else {
        return CommandOutcome::Status(1);
    };
    match ctx.host.tcp_connect(host, port) {
        Ok(()) => CommandOutcome::Status(0),
        Err(NetError::NoSuchHost) => {
            ctx.err.push_str(&format!("nc: bad address '{host}'\n"));
            CommandOutcome::Status(1)
        }
        Err(NetError::ConnectionRefused) => {
            ctx.err.push_str("nc: can't connect to remote host: Connection refused\n");
            CommandOutcome::Status(1)
        }
        Err(NetError::Timeout) => {
            ctx.err.push_str("nc: timeout\n");
            CommandOutcome::Status(1)
        }
        Err(NetError::BadResponse) => CommandOutcome::Status(0),
    }
}

fn ps(ctx: &mut Ctx<'_>) -> CommandOutcome {
    ctx.out.push_str("PID   USER     TIME  COMMAND\n");
    for process in ctx.host.processes() {
        ctx.out
            .push_str(&format!("{:>5} {:<8} {:>5} {}\n", process.pid, process.user, "0:00", process.command));
    }
    CommandOutcome::Status(0)
}

fn parse_signal_flag(arg: &str) -> Option<Option<Signal>> {
    let name = arg.strip_prefix('-')?;
    if name == "0" {
        return Some(None);
    }
    let name = name.strip_prefix("s ").unwrap_or(name);
    Signal::parse(name).map(Some)
}

fn kill(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut signal = Some(Signal::Term);
    let mut status = 0;
    let mut iter = args.iter().peekable();
    if let Some(first) = iter.peek() {
        if first.as_str() == "-s" {
            iter.next();
            signal = iter.next().and_then(|s| Signal::parse(s));
        } else if let Some(name) = first.strip_prefix('-') {
            match parse_signal_flag(first) {
                Some(parsed) => signal = parsed,
                None => {
                    ctx.err.push_str(&format!("kill: bad signal name '{name}'\n"));
                    return CommandOutcome::Status(1);
                }
            }
            iter.next();
        }
    }
    for pid_text in iter {
        let Ok(pid) = pid_text.parse::<u32>() else {
            ctx.err.push_str(&format!("kill: bad pid '{pid_text}'\n"));
            status = 1;
            continue;
        };
        let exists = ctx.host.processes().iter().any(|p| p.pid == pid);
        let delivered = exists
            && match signal {
                Some(signal) => ctx.host.signal_process(pid, signal),
                None => true,
            };
        if !delivered {
            ctx.err.push_str(&format!("sh: can't kill pid {pid}: No such process\n"));
            status = 1;
        }
    }
    CommandOutcome::Status(status)
}

fn killall(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut signal = Some(Signal::Term);
    let mut names = Vec::new();
    for arg in args {
        match parse_signal_flag(arg) {
            Some(parsed) if arg.starts_with('-') => signal = parsed,
            _ => names.push(arg.clone()),
        }
    }
    let mut status = 0;
    for name in names {
        let pids: Vec<u32> = ctx
            .host
            .processes()
            .iter()
            .filter(|p| {
                let first = p.command.split([' ', ':']).next().unwrap_or("");
                program_name(first) == name || first.rsplit('/').next() == Some(name.as_str())
            })
            .map(|p| p.pid)
            .collect();
        if pids.is_empty() {
            ctx.err.push_str(&format!("killall: {name}: no process killed\n"));
            status = 1;
        }
        if let Some(signal) = signal {
            for pid in pids {
                ctx.host.signal_process(pid, signal);
            }
        }
    }
    CommandOutcome::Status(status)
}
