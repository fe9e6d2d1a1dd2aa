//! The resumable shell executor. A script runs until it needs virtual time to pass (`sleep`),
//! blocks for good (`tail -f`, a server in the foreground), or exits. The work still to do is
//! an explicit stack of frames, so [`Shell::resume`] can pick up exactly where it stopped.
//!
//! Command substitutions, pipelines and background jobs run to completion at once (a `sleep`
//! inside them takes no virtual time): the scripts manifests run only wait in their main line.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::commands::{self, CommandOutcome, Ctx, Toolbox};
use super::expand::{expand_words, Expander};
use super::lexer::RedirectOp;
use super::parser::{parse, Node, SimpleCommand};
use crate::sim::runtime::filesystem::absolute_path;
use crate::sim::runtime::host::{env_lookup, ProcessHost, Signal};
use crate::sim::runtime::network::ServerModel;
use crate::sim::time::{SimDuration, SimTime};

/// What a process is doing after a call to `resume` or `signal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessState {
    /// Call `resume` again after this much virtual time.
    Sleeping(SimDuration),
    /// Waits forever (a server, `tail -f`): only a signal can end it.
    Blocked,
    /// The process ended with this exit code.
    Exited(i32),
}

/// Nodes run per `resume` before a loop that never sleeps yields, as a busy CPU would.
const STEP_BUDGET: u32 = 5_000;
/// How often `tail -f` looks at its file again (busybox and coreutils poll once a second).
const FOLLOW_INTERVAL: SimDuration = SimDuration::from_millis(1000);
/// Virtual time a busy loop is charged each time it exhausts its step budget.
const BUSY_SLICE: SimDuration = SimDuration::from_millis(1000);

#[derive(Clone, Debug)]
enum Frame {
    Run(Rc<Node>),
    AndThen(Rc<Node>),
    OrElse(Rc<Node>),
    IfTest {
        clauses: Rc<Node>,
        index: usize,
    },
    LoopTest(Rc<Node>),
    LoopBody(Rc<Node>),
    ForNext {
        var: String,
        items: Rc<Vec<String>>,
        next: usize,
        body: Rc<Node>,
    },
    /// Restores `$?` after a trap handler, then the script continues.
    TrapReturn(i32),
    /// Restores the caller's positional parameters when a function returns.
    FunctionReturn(Vec<String>),
}

/// What the process is waiting on right now.
#[derive(Clone, Debug, PartialEq)]
enum Waiting {
    Nothing,
    /// `sleep` in the foreground until this moment.
    Sleep(SimTime),
    /// `wait` for background jobs ending at this moment (`None` = never).
    Wait(Option<SimTime>),
    /// A foreground program that never returns.
    Block,
    /// A program keeping CPUs busy, until a moment (then runs `then`) or forever.
    Spin {
        millicores: u64,
        until: Option<SimTime>,
        then: Option<String>,
    },
    /// `tail -f`: polls the file every second and prints what was appended.
    Follow {
        path: String,
        offset: usize,
    },
    /// A server program in the foreground; it reacts to signals itself.
    Serve(ServerModel),
}

/// A shell process (or any program run through it: a bare argv is a one-command script).
#[derive(Clone, Debug)]
pub struct Shell {
    stack: Vec<Frame>,
    status: i32,
    vars: BTreeMap<String, String>,
    positional: Vec<String>,
    cwd: String,
    traps: BTreeMap<Signal, String>,
    pending_signals: Vec<Signal>,
    waiting: Waiting,
    exited: Option<i32>,
    /// Background jobs: the moment each ends (`None` = never).
    jobs: Vec<Option<SimTime>>,
    toolbox: Rc<Toolbox>,
    /// The program replaced the shell (`sh -c 'single command'` and bare argv): signals go to
    /// the program, not to a shell that could trap them.
    exec_mode: bool,
    /// PID 1 ignores signals it has no handler for.
    pid1: bool,
    started: bool,
    stdout_partial: String,
    stderr_partial: String,
    /// When set, stdout is collected here instead of going to the host (substitutions, pipes).
    capture: Option<String>,
    stdin: Option<String>,
    /// `set -e`: a failing command outside a condition ends the shell.
    errexit: bool,
    /// `set -x`: each command is echoed to stderr as `+ cmd`.
    xtrace: bool,
    /// How many conditions (`if`, `while`, left of `&&`/`||`) are being evaluated.
    condition_depth: u32,
    /// A `${name:?message}` failure met while expanding the current command.
    expansion_error: Option<String>,
    /// bash arrays by name.
    arrays: BTreeMap<String, Vec<String>>,
    /// Shell functions by name.
    functions: BTreeMap<String, Rc<Node>>,
    /// The last `resume` ran out of steps without sleeping: a loop burning a CPU.
    busy: bool,
}

/// Errors starting a shell script: the text goes to stderr and the exit code is 2.
pub fn syntax_error_message(shell: &str, message: &str) -> String {
    format!("{shell}: {message}")
}

impl Shell {
    /// A shell running `source` (`sh -c source arg0 args…`).
    pub fn script(source: &str, arg0: &str, args: &[String], toolbox: Rc<Toolbox>, pid1: bool) -> Shell {
        let mut shell = Shell::empty(toolbox, pid1);
        shell.positional = std::iter::once(arg0.to_string()).chain(args.iter().cloned()).collect();
        match parse(source) {
            Ok(node) => {
                shell.exec_mode = matches!(&*node, Node::Simple(_));
                shell.stack.push(Frame::Run(node));
            }
            Err(error) => {
                let name = shell.toolbox.shell_name();
                let text = shell.toolbox.syntax_error(&name, &error.0);
                shell.stderr_partial = format!("{text}\n");
                shell.exited = Some(2);
            }
        }
        shell
    }

    /// A program run directly from an argument vector (no shell parsing).
    pub fn argv(argv: &[String], toolbox: Rc<Toolbox>, pid1: bool) -> Shell {
        let mut shell = Shell::empty(toolbox, pid1);
        shell.positional = vec![argv.first().cloned().unwrap_or_default()];
        shell.exec_mode = true;
        shell.stack.push(Frame::Run(super::parser::argv_node(argv)));
        shell
    }

    fn empty(toolbox: Rc<Toolbox>, pid1: bool) -> Shell {
        Shell {
            stack: Vec::new(),
            status: 0,
            vars: BTreeMap::new(),
            positional: Vec::new(),
            cwd: "/".to_string(),
            traps: BTreeMap::new(),
            pending_signals: Vec::new(),
            waiting: Waiting::Nothing,
            exited: None,
            jobs: Vec::new(),
            toolbox,
            exec_mode: false,
            pid1,
            started: false,
            stdout_partial: String::new(),
            stderr_partial: String::new(),
            capture: None,
            stdin: None,
            errexit: false,
            xtrace: false,
            condition_depth: 0,
            expansion_error: None,
            arrays: BTreeMap::new(),
            functions: BTreeMap::new(),
            busy: false,
        }
    }

    /// The server this process runs in the foreground, if any (for `ps` and the kubelet).
    pub fn serving(&self) -> Option<&ServerModel> {
        match &self.waiting {
            Waiting::Serve(model) => Some(model),
            _ => None,
        }
    }

    /// The CPU the process keeps busy right now, in millicores (a spinning `stress`, a loop
    /// that never sleeps); 0 for a process that sleeps, waits or serves idly.
    pub fn cpu_demand_millicores(&self) -> u64 {
        if self.exited.is_some() {
            return 0;
        }
        match &self.waiting {
            Waiting::Spin { millicores, .. } => *millicores,
            _ if self.busy => 1000,
            _ => 0,
        }
    }

    /// Applies shell option letters (`e` = errexit, `x` = xtrace; `-` or `+` prefix).
    pub fn set_options(&mut self, flags: &str) {
        let enable = !flags.starts_with('+');
        for c in flags.chars() {
            match c {
                'e' => self.errexit = enable,
                'x' => self.xtrace = enable,
                _ => {}
            }
        }
    }

    /// Sets the working directory (the container's `workingDir`).
    pub fn set_cwd(&mut self, dir: &str) {
        self.cwd = dir.to_string();
    }

    /// Runs until the process sleeps, blocks or exits.
    pub fn resume(&mut self, host: &mut dyn ProcessHost) -> ProcessState {
        if !self.started {
            self.started = true;
            if let Some(cwd) = env_lookup(host.env(), "PWD") {
                if self.cwd == "/" {
                    self.cwd = cwd.to_string();
                }
            }
        }
        if let Some(code) = self.exited {
            self.flush_partials(host);
            return ProcessState::Exited(code);
        }
        let now = host.now();
        match self.waiting.clone() {
            Waiting::Sleep(until) => {
                if now < until {
                    return ProcessState::Sleeping(until.since(now));
                }
                self.waiting = Waiting::Nothing;
                self.status = 0;
            }
            Waiting::Wait(until) => match until {
                Some(until) if now >= until => {
                    self.waiting = Waiting::Nothing;
                    self.jobs.clear();
                    self.status = 0;
                }
                Some(until) if self.pending_signals.is_empty() => {
                    return ProcessState::Sleeping(until.since(now))
                }
                None if self.pending_signals.is_empty() => return ProcessState::Blocked,
                _ => {
                    // A trapped signal interrupts `wait` (status 128+n).
                    self.waiting = Waiting::Nothing;
                }
            },
            Waiting::Block | Waiting::Serve(_) => return ProcessState::Blocked,
            Waiting::Spin { until, then, .. } => match until {
                Some(until) if now >= until => {
                    self.waiting = Waiting::Nothing;
                    self.status = 0;
                    if let Some(source) = then {
                        if let Ok(node) = parse(&source) {
                            self.stack.push(Frame::Run(node));
                        }
                    }
                }
                Some(until) => return ProcessState::Sleeping(until.since(now)),
                None => return ProcessState::Blocked,
            },
            Waiting::Follow { path, offset } => return self.follow(host, &path, offset),
            Waiting::Nothing => {}
        }
        let state = self.run(host);
        if let ProcessState::Exited(_) = state {
            self.flush_partials(host);
        }
        state
    }

    /// Delivers a signal. SIGKILL always ends the process (137). Other signals run a trap
    /// handler (after the foreground `sleep` ends, at once during `wait`), reach a server
    /// program in the foreground, or follow the default action, which PID 1 does not get.
    pub fn signal(&mut self, signal: Signal, host: &mut dyn ProcessHost) -> ProcessState {
        if let Some(code) = self.exited {
            return ProcessState::Exited(code);
        }
        if signal == Signal::Kill {
            return self.finish(host, Signal::Kill.exit_code());
        }
        if let Waiting::Serve(model) = &self.waiting {
            if self.exec_mode || self.traps.is_empty() {
                let reaction = model.on_signal(signal, host.unix_now());
                for line in &reaction.log {
                    host.stderr_line(line);
                }
                if let Some(code) = reaction.exit_code {
                    return self.finish(host, code);
                }
                return ProcessState::Blocked;
            }
        }
        let trapped = !self.exec_mode && self.traps.contains_key(&signal);
        if trapped {
            self.pending_signals.push(signal);
            if let Waiting::Wait(_) = self.waiting {
                self.status = signal.exit_code();
            }
            return self.resume(host);
        }
        let ignored = !self.exec_mode && self.traps.get(&signal).is_some_and(|h| h.is_empty());
        if ignored || self.pid1 || signal == Signal::Winch {
            return self.current_state(host.now());
        }
        self.finish(host, signal.exit_code())
    }

    /// Prints what was appended to a followed file since the last look.
    fn follow(&mut self, host: &mut dyn ProcessHost, path: &str, offset: usize) -> ProcessState {
        let content = host.fs().read(path).unwrap_or_default();
        // A truncated file is read again from its start, as `tail -F` does.
        let start = if content.len() < offset { 0 } else { offset };
        let fresh = content.get(start..).unwrap_or("").to_string();
        self.write_out(host, &fresh);
        self.waiting = Waiting::Follow { path: path.to_string(), offset: content.len() };
        ProcessState::Sleeping(FOLLOW_INTERVAL)
    }

    fn current_state(&self, now: SimTime) -> ProcessState {
        match &self.waiting {
            Waiting::Follow { .. } => ProcessState::Sleeping(FOLLOW_INTERVAL),
            Waiting::Sleep(until) | Waiting::Wait(Some(until)) | Waiting::Spin { until: Some(until), .. } => {
                ProcessState::Sleeping(until.since(now))
            }
            Waiting::Nothing => ProcessState::Sleeping(SimDuration::ZERO),
            _ => ProcessState::Blocked,
        }
    }

    fn finish(&mut self, host: &mut dyn ProcessHost, code: i32) -> ProcessState {
        self.exited = Some(code);
        self.stack.clear();
        self.waiting = Waiting::Nothing;
        self.flush_partials(host);
        ProcessState::Exited(code)
    }

    fn flush_partials(&mut self, host: &mut dyn ProcessHost) {
        if !self.stdout_partial.is_empty() {
            host.stdout_line(&std::mem::take(&mut self.stdout_partial));
        }
        if !self.stderr_partial.is_empty() {
            let text = std::mem::take(&mut self.stderr_partial);
            for line in text.lines() {
                host.stderr_line(line);
            }
        }
    }

    fn run(&mut self, host: &mut dyn ProcessHost) -> ProcessState {
        let mut steps = 0u32;
        loop {
            if let Some(code) = self.exited {
                return ProcessState::Exited(code);
            }
            if let Some(signal) = self.pending_signals.first().copied() {
                self.pending_signals.remove(0);
                if let Some(handler) = self.traps.get(&signal).cloned() {
                    self.stack.push(Frame::TrapReturn(self.status));
                    match parse(&handler) {
                        Ok(node) => self.stack.push(Frame::Run(node)),
                        Err(error) => self.write_err(host, &format!("sh: {}\n", error.0)),
                    }
                }
                continue;
            }
            steps += 1;
            if steps > STEP_BUDGET {
                self.busy = true;
                return ProcessState::Sleeping(BUSY_SLICE);
            }
            let Some(frame) = self.stack.pop() else {
                let code = self.status;
                self.exited = Some(code);
                return ProcessState::Exited(code);
            };
            if let Some(state) = self.step(frame, host) {
                return state;
            }
        }
    }

    /// Runs one frame; `Some` when the process must stop for now.
    fn step(&mut self, frame: Frame, host: &mut dyn ProcessHost) -> Option<ProcessState> {
        match frame {
            Frame::Run(node) => return self.run_node(node, host),
            Frame::AndThen(next) => {
                self.condition_depth = self.condition_depth.saturating_sub(1);
                if self.status == 0 {
                    self.stack.push(Frame::Run(next));
                }
            }
            Frame::OrElse(next) => {
                self.condition_depth = self.condition_depth.saturating_sub(1);
                if self.status != 0 {
                    self.stack.push(Frame::Run(next));
                }
            }
            Frame::IfTest { clauses, index } => {
                self.condition_depth = self.condition_depth.saturating_sub(1);
                if let Node::If { clauses: list, otherwise } = &*clauses {
                    if self.status == 0 {
                        if let Some((_, body)) = list.get(index) {
                            self.stack.push(Frame::Run(body.clone()));
                        }
                    } else if let Some((condition, _)) = list.get(index + 1) {
                        self.condition_depth += 1;
                        self.stack.push(Frame::IfTest { clauses: clauses.clone(), index: index + 1 });
                        self.stack.push(Frame::Run(condition.clone()));
                    } else if let Some(otherwise) = otherwise {
                        self.stack.push(Frame::Run(otherwise.clone()));
                    } else {
                        self.status = 0;
                    }
                }
            }
            Frame::LoopTest(node) => {
                self.condition_depth = self.condition_depth.saturating_sub(1);
                if let Node::Loop { until, body, .. } = &*node {
                    let go_on = (self.status == 0) != *until;
                    if go_on {
                        self.stack.push(Frame::LoopBody(node.clone()));
                        self.stack.push(Frame::Run(body.clone()));
                    } else {
                        self.status = 0;
                    }
                }
            }
            Frame::LoopBody(node) => {
                if let Node::Loop { condition, .. } = &*node {
                    self.condition_depth += 1;
                    self.stack.push(Frame::LoopTest(node.clone()));
                    self.stack.push(Frame::Run(condition.clone()));
                }
            }
            Frame::ForNext { var, items, next, body } => {
                if let Some(item) = items.get(next) {
                    self.vars.insert(var.clone(), item.clone());
                    self.stack.push(Frame::ForNext {
                        var,
                        items: items.clone(),
                        next: next + 1,
                        body: body.clone(),
                    });
                    self.stack.push(Frame::Run(body));
                }
            }
            Frame::TrapReturn(status) => self.status = status,
            Frame::FunctionReturn(positional) => self.positional = positional,
        }
        None
    }

    fn run_node(&mut self, node: Rc<Node>, host: &mut dyn ProcessHost) -> Option<ProcessState> {
        match &*node {
            Node::Simple(command) => return self.run_simple(command, host),
            Node::Sequence(items) => {
                for item in items.iter().rev() {
                    self.stack.push(Frame::Run(item.clone()));
                }
            }
            Node::And(left, right) => {
                self.condition_depth += 1;
                self.stack.push(Frame::AndThen(right.clone()));
                self.stack.push(Frame::Run(left.clone()));
            }
            Node::Or(left, right) => {
                self.condition_depth += 1;
                self.stack.push(Frame::OrElse(right.clone()));
                self.stack.push(Frame::Run(left.clone()));
            }
            Node::If { clauses, .. } => {
                if let Some((condition, _)) = clauses.first() {
                    self.condition_depth += 1;
                    self.stack.push(Frame::IfTest { clauses: node.clone(), index: 0 });
                    self.stack.push(Frame::Run(condition.clone()));
                }
            }
            Node::Loop { condition, .. } => {
                self.condition_depth += 1;
                self.stack.push(Frame::LoopTest(node.clone()));
                self.stack.push(Frame::Run(condition.clone()));
            }
            Node::For { var, words, body } => {
                let items = match words {
                    Some(words) => {
                        let mut expander = self.expander(host);
                        expand_words(&mut expander, words)
                    }
                    None => self.positional.iter().skip(1).cloned().collect(),
                };
                self.status = 0;
                self.stack.push(Frame::ForNext {
                    var: var.clone(),
                    items: Rc::new(items),
                    next: 0,
                    body: body.clone(),
                });
            }
            Node::Group(inner) => self.stack.push(Frame::Run(inner.clone())),
            Node::FunctionDef { name, body } => {
                self.functions.insert(name.clone(), body.clone());
                self.status = 0;
            }
            Node::Case { subject, arms } => {
                let (subject, arms_text) = {
                    let mut expander = self.expander(host);
                    let subject = expander.expand_single(subject);
                    let arms_text: Vec<Vec<String>> = arms
                        .iter()
                        .map(|(patterns, _)| patterns.iter().map(|p| expander.expand_single(p)).collect())
                        .collect();
                    (subject, arms_text)
                };
                self.status = 0;
                let chosen =
                    arms_text.iter().position(|patterns| patterns.iter().any(|p| glob_match(p, &subject)));
                if let Some((_, body)) = chosen.and_then(|i| arms.get(i)) {
                    self.stack.push(Frame::Run(body.clone()));
                }
            }
            Node::Pipeline { negate, stages } => {
                let mut input: Option<String> = self.stdin.clone();
                let mut status = 0;
                let count = stages.len();
                for (i, stage) in stages.iter().enumerate() {
                    let (output, code) = self.run_detached(stage.clone(), input.take(), host);
                    status = code;
                    if i + 1 == count {
                        self.write_out(host, &output);
                    } else {
                        input = Some(output);
                    }
                }
                self.status = if *negate { i32::from(status == 0) } else { status };
                if !*negate {
                    return self.check_errexit(host);
                }
            }
            Node::Background(inner) => {
                let end = self.background_end(inner, host);
                let (output, _) = self.run_detached(inner.clone(), None, host);
                self.write_out(host, &output);
                self.jobs.push(end);
                self.status = 0;
            }
        }
        None
    }

    /// When a background job ends: `sleep N &` after N seconds, `tail -f … &` never, anything
    /// else at once.
    fn background_end(&mut self, node: &Rc<Node>, host: &mut dyn ProcessHost) -> Option<SimTime> {
        let now = host.now();
        if let Node::Simple(command) = &**node {
            let mut expander = self.expander(host);
            let argv = expand_words(&mut expander, &command.words);
            match argv.first().map(|s| s.rsplit('/').next().unwrap_or(s)) {
                Some("sleep") => {
                    return match argv.get(1).map(String::as_str) {
                        Some("infinity") => None,
                        Some(arg) => Some(now + commands::parse_sleep(arg).unwrap_or(SimDuration::ZERO)),
                        None => Some(now),
                    }
                }
                Some("tail") if argv.iter().any(|a| a == "-f" || a == "-F") => return None,
                _ => {}
            }
        }
        Some(now)
    }

    /// Runs a node to completion in a copy of this shell (pipelines, substitutions), returning
    /// its captured stdout and exit status.
    pub(crate) fn run_detached(
        &mut self,
        node: Rc<Node>,
        stdin: Option<String>,
        host: &mut dyn ProcessHost,
    ) -> (String, i32) {
        let mut child = Shell::empty(self.toolbox.clone(), false);
        child.vars = self.vars.clone();
        child.positional = self.positional.clone();
        child.cwd = self.cwd.clone();
        child.capture = Some(String::new());
        child.stdin = stdin;
        child.stack.push(Frame::Run(node));
        child.started = true;
        let mut rounds = 0;
        let code = loop {
            rounds += 1;
            match child.run(host) {
                ProcessState::Exited(code) => break code,
                ProcessState::Sleeping(_) if rounds < 1000 => {
                    // Detached work takes no virtual time: end any sleep at once.
                    child.waiting = Waiting::Nothing;
                    child.status = 0;
                }
                _ => break child.status,
            }
        };
        if !child.stderr_partial.is_empty() {
            let err = std::mem::take(&mut child.stderr_partial);
            self.write_err(host, &err);
        }
        (child.capture.take().unwrap_or_default(), code)
    }

    /// Runs the whole script at once (sleeps take no time), collecting stdout and stderr:
    /// for shells started from inside another script.
    pub fn run_to_end(&mut self, host: &mut dyn ProcessHost) -> (String, String, i32) {
        self.capture = Some(String::new());
        self.started = true;
        let mut rounds = 0;
        let code = loop {
            rounds += 1;
            if let Some(code) = self.exited {
                break code;
            }
            match self.run(host) {
                ProcessState::Exited(code) => break code,
                ProcessState::Sleeping(_) if rounds < 1000 => {
                    self.waiting = Waiting::Nothing;
                    self.status = 0;
                }
                _ => break self.status,
            }
        };
        let out = self.capture.take().unwrap_or_default();
        let err = std::mem::take(&mut self.stderr_partial);
        (out, err, code)
    }

    fn expander<'a>(&'a mut self, host: &'a mut dyn ProcessHost) -> Expander<'a> {
        Expander { shell: self, host }
    }

    pub(crate) fn lookup_var(&self, name: &str, host: &dyn ProcessHost) -> Option<String> {
        match name {
            "?" => return Some(self.status.to_string()),
            "$" => return Some(host.pid().to_string()),
            "#" => return Some(self.positional.len().saturating_sub(1).to_string()),
            "@" | "*" => return Some(self.positional.iter().skip(1).cloned().collect::<Vec<_>>().join(" ")),
            "!" => return Some(String::new()),
            "PWD" => return Some(self.cwd.clone()),
            _ => {}
        }
        if let Ok(index) = name.parse::<usize>() {
            return self.positional.get(index).cloned();
        }
        if let Some(value) = self.vars.get(name) {
            return Some(value.clone());
        }
        if name == "HOSTNAME" {
            if let Some(value) = env_lookup(host.env(), name) {
                return Some(value.to_string());
            }
            return Some(host.hostname());
        }
        env_lookup(host.env(), name).map(str::to_string)
    }

    pub(crate) fn set_var(&mut self, name: &str, value: String) {
        self.vars.insert(name.to_string(), value);
    }

    /// The working directory.
    pub(crate) fn cwd(&self) -> &str {
        &self.cwd
    }

    /// The elements of a bash array (a plain variable is a one-element array).
    pub(crate) fn array(&self, name: &str) -> Vec<String> {
        match self.arrays.get(name) {
            Some(elements) => elements.clone(),
            None => self.vars.get(name).map(|v| vec![v.clone()]).unwrap_or_default(),
        }
    }

    /// Records a `${name:?message}` failure; the command is not run.
    pub(crate) fn report_expansion_error(&mut self, message: String) {
        self.expansion_error = Some(message);
    }

    pub(crate) fn toolbox(&self) -> &Toolbox {
        &self.toolbox
    }

    fn write_out(&mut self, host: &mut dyn ProcessHost, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(buffer) = &mut self.capture {
            buffer.push_str(text);
            return;
        }
        split_lines(&mut self.stdout_partial, text, |line| host.stdout_line(line));
    }

    fn write_err(&mut self, host: &mut dyn ProcessHost, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.capture.is_some() {
            // Detached children hand stderr to their parent when they end.
            self.stderr_partial.push_str(text);
            return;
        }
        split_lines(&mut self.stderr_partial, text, |line| host.stderr_line(line));
    }

    fn run_simple(&mut self, command: &SimpleCommand, host: &mut dyn ProcessHost) -> Option<ProcessState> {
        let (argv, assignments) = {
            let mut expander = self.expander(host);
            let arrays: Vec<(String, Vec<String>)> = command
                .arrays
                .iter()
                .map(|(name, words)| (name.clone(), expand_words(&mut expander, words)))
                .collect();
            for (name, elements) in arrays {
                if let Some(first) = elements.first() {
                    expander.shell.set_var(&name, first.clone());
                }
                expander.shell.arrays.insert(name, elements);
            }
            let argv = expand_words(&mut expander, &command.words);
            let assignments: Vec<(String, String)> = command
                .assignments
                .iter()
                .map(|(name, word)| (name.clone(), expander.expand_single(word)))
                .collect();
            (argv, assignments)
        };
        if let Some(message) = self.expansion_error.take() {
            self.write_err(host, &message);
            self.status = 1;
            return self.check_errexit(host);
        }
        if self.xtrace {
            let traced: Vec<String> =
                assignments.iter().map(|(k, v)| format!("{k}={v}")).chain(argv.iter().cloned()).collect();
            if !traced.is_empty() {
                let line = format!("+ {}\n", traced.join(" "));
                self.write_err(host, &line);
            }
        }
        if argv.is_empty() {
            for (name, value) in assignments {
                self.vars.insert(name, value);
            }
            self.status = 0;
            return None;
        }
        // Prefix assignments only apply to the command; keep it simple and set them.
        for (name, value) in assignments {
            self.vars.insert(name, value);
        }
        let routes = match self.open_redirects(command, host) {
            Ok(routes) => routes,
            Err(message) => {
                self.write_err(host, &message);
                self.status = 1;
                return None;
            }
        };
        let stdin = match &routes.stdin {
            Some(text) => Some(text.clone()),
            None => self.stdin.clone(),
        };
        if let Some(body) = argv.first().and_then(|name| self.functions.get(name)).cloned() {
            let mut positional = vec![self.positional.first().cloned().unwrap_or_default()];
            positional.extend(argv.iter().skip(1).cloned());
            let saved = std::mem::replace(&mut self.positional, positional);
            self.stack.push(Frame::FunctionReturn(saved));
            self.stack.push(Frame::Run(body));
            return None;
        }
        let outcome = if let Some(outcome) = self.builtin(&argv, host) {
            outcome
        } else {
            let mut ctx = Ctx {
                host: &mut *host,
                cwd: &self.cwd,
                stdin: stdin.as_deref(),
                toolbox: &self.toolbox,
                vars: &self.vars,
                out: String::new(),
                err: String::new(),
                main: self.capture.is_none(),
            };
            let outcome = commands::run(&mut ctx, &argv);
            let (out, err) = (ctx.out, ctx.err);
            self.route(&routes, host, &out, &err);
            outcome
        };
        self.apply_outcome(outcome, host)
    }

    fn apply_outcome(&mut self, outcome: CommandOutcome, host: &mut dyn ProcessHost) -> Option<ProcessState> {
        match outcome {
            CommandOutcome::Status(code) => {
                self.status = code;
                self.check_errexit(host)
            }
            CommandOutcome::Exit(code) => Some(self.finish(host, code)),
            CommandOutcome::Sleep(duration) => {
                if duration == SimDuration::ZERO {
                    self.status = 0;
                    return None;
                }
                self.busy = false;
                self.waiting = Waiting::Sleep(host.now() + duration);
                Some(ProcessState::Sleeping(duration))
            }
            CommandOutcome::Spin { millicores, duration, then } => {
                if self.capture.is_some() {
                    self.status = 0;
                    return None;
                }
                let until = duration.map(|d| host.now() + d);
                self.waiting = Waiting::Spin { millicores, until, then };
                Some(match duration {
                    Some(d) => ProcessState::Sleeping(d),
                    None => ProcessState::Blocked,
                })
            }
            CommandOutcome::Block => {
                self.waiting = Waiting::Block;
                Some(ProcessState::Blocked)
            }
            CommandOutcome::Follow { path, offset } => {
                if self.capture.is_some() {
                    // A detached `tail -f` (in a pipe) would never end; stop at what it printed.
                    self.status = 0;
                    return None;
                }
                self.waiting = Waiting::Follow { path, offset };
                Some(ProcessState::Sleeping(FOLLOW_INTERVAL))
            }
            CommandOutcome::Serve(model) => {
                self.waiting = Waiting::Serve(model);
                Some(ProcessState::Blocked)
            }
            CommandOutcome::Then(source) => {
                match parse(&source) {
                    Ok(node) => self.stack.push(Frame::Run(node)),
                    Err(error) => {
                        let message = format!("{}: {}\n", self.toolbox.shell_name(), error.0);
                        self.write_err(host, &message);
                        self.status = 2;
                    }
                }
                None
            }
            CommandOutcome::Wait => {
                let now = host.now();
                let mut end: Option<SimTime> = Some(now);
                for job in &self.jobs {
                    end = match (end, job) {
                        (Some(a), Some(b)) => Some(a.max(*b)),
                        _ => None,
                    };
                }
                match end {
                    Some(t) if t <= now => {
                        self.jobs.clear();
                        self.status = 0;
                        None
                    }
                    Some(t) => {
                        self.waiting = Waiting::Wait(Some(t));
                        Some(ProcessState::Sleeping(t.since(now)))
                    }
                    None => {
                        self.waiting = Waiting::Wait(None);
                        Some(ProcessState::Blocked)
                    }
                }
            }
        }
    }

    /// Builtins that need the shell's own state.
    fn builtin(&mut self, argv: &[String], host: &mut dyn ProcessHost) -> Option<CommandOutcome> {
        let name = argv.first()?.as_str();
        let args = &argv[1..];
        let outcome = match name {
            "exit" => {
                let code = match args.first() {
                    Some(arg) => arg.parse::<i64>().map(|c| (c & 0xff) as i32).unwrap_or(2),
                    None => self.status,
                };
                CommandOutcome::Exit(code)
            }
            "cd" => {
                let target = args.first().cloned().unwrap_or_else(|| "/root".to_string());
                let path = absolute_path(&self.cwd, &target);
                if host.fs().is_dir(&path) {
                    self.cwd = path;
                    CommandOutcome::Status(0)
                } else {
                    let message = self.toolbox.cd_error(&target);
                    self.write_err(host, &message);
                    CommandOutcome::Status(if self.toolbox.is_bash() { 1 } else { 2 })
                }
            }
            "export" | "readonly" | "local" => {
                for arg in args {
                    if let Some((k, v)) = arg.split_once('=') {
                        self.vars.insert(k.to_string(), v.to_string());
                    } else if let Some(v) = self.lookup_var(arg, host) {
                        self.vars.insert(arg.clone(), v);
                    }
                }
                CommandOutcome::Status(0)
            }
            "unset" => {
                for arg in args {
                    self.vars.remove(arg);
                }
                CommandOutcome::Status(0)
            }
            "set" => {
                let mut iter = args.iter();
                while let Some(arg) = iter.next() {
                    if arg == "-o" || arg == "+o" {
                        let enable = arg == "-o";
                        match iter.next().map(String::as_str) {
                            Some("errexit") => self.errexit = enable,
                            Some("xtrace") => self.xtrace = enable,
                            _ => {}
                        }
                    } else if arg.starts_with('-') || arg.starts_with('+') {
                        self.set_options(arg);
                    }
                }
                CommandOutcome::Status(0)
            }
            "shift" => {
                let n = args.first().and_then(|a| a.parse::<usize>().ok()).unwrap_or(1);
                if self.positional.len() > n {
                    self.positional.drain(1..=n);
                    CommandOutcome::Status(0)
                } else {
                    CommandOutcome::Status(1)
                }
            }
            "trap" => {
                match args {
                    [] => {}
                    [handler, signals @ ..] => {
                        for sig in signals {
                            if sig == "EXIT" || sig == "0" {
                                continue;
                            }
                            if let Some(signal) = Signal::parse(sig) {
                                if handler == "-" {
                                    self.traps.remove(&signal);
                                } else {
                                    self.traps.insert(signal, handler.clone());
                                }
                            }
                        }
                    }
                }
                CommandOutcome::Status(0)
            }
            "break" | "continue" => {
                self.unwind_loop(name == "continue");
                CommandOutcome::Status(0)
            }
            "wait" => CommandOutcome::Wait,
            "return" => {
                let code = args.first().and_then(|a| a.parse::<i64>().ok()).map(|c| (c & 0xff) as i32);
                let code = code.unwrap_or(self.status);
                if !self.stack.iter().any(|f| matches!(f, Frame::FunctionReturn(_))) {
                    return Some(CommandOutcome::Exit(code));
                }
                while let Some(frame) = self.stack.pop() {
                    match frame {
                        Frame::FunctionReturn(positional) => {
                            self.positional = positional;
                            break;
                        }
                        Frame::AndThen(_) | Frame::OrElse(_) | Frame::IfTest { .. } | Frame::LoopTest(_) => {
                            self.condition_depth = self.condition_depth.saturating_sub(1);
                        }
                        _ => {}
                    }
                }
                CommandOutcome::Status(code)
            }
            "[[" if args.get(1).map(String::as_str) == Some("=~") && args.len() == 4 => {
                // bash's regex match fills BASH_REMATCH with the match and its groups.
                let text = args.first().cloned().unwrap_or_default();
                let pattern = args.get(2).cloned().unwrap_or_default();
                match regex_lite::Regex::new(&pattern) {
                    Ok(regex) => match regex.captures(&text) {
                        Some(captures) => {
                            let groups: Vec<String> = captures
                                .iter()
                                .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                                .collect();
                            self.arrays.insert("BASH_REMATCH".to_string(), groups);
                            CommandOutcome::Status(0)
                        }
                        None => {
                            self.arrays.insert("BASH_REMATCH".to_string(), Vec::new());
                            CommandOutcome::Status(1)
                        }
                    },
                    Err(_) => CommandOutcome::Status(2),
                }
            }
            "exec" => {
                if args.is_empty() {
                    return Some(CommandOutcome::Status(0));
                }
                self.exec_mode = true;
                self.stack.clear();
                return self.builtin(args, host).or_else(|| {
                    let mut ctx = Ctx {
                        host: &mut *host,
                        cwd: &self.cwd,
                        stdin: self.stdin.as_deref(),
                        toolbox: &self.toolbox,
                        vars: &self.vars,
                        out: String::new(),
                        err: String::new(),
                        main: self.capture.is_none(),
                    };
                    let outcome = commands::run(&mut ctx, args);
                    let (out, err) = (ctx.out, ctx.err);
                    self.write_out(host, &out);
                    self.write_err(host, &err);
                    Some(outcome)
                });
            }
            "eval" => {
                let source = args.join(" ");
                match parse(&source) {
                    Ok(node) => {
                        self.stack.push(Frame::Run(node));
                        CommandOutcome::Status(0)
                    }
                    Err(error) => {
                        let message = format!("{}: {}\n", self.toolbox.shell_name(), error.0);
                        self.write_err(host, &message);
                        CommandOutcome::Status(2)
                    }
                }
            }
            "read" => {
                let input = self.stdin.take().unwrap_or_default();
                let mut lines = input.splitn(2, '\n');
                let first = lines.next().unwrap_or("");
                self.stdin = lines.next().map(str::to_string);
                let mut fields = first.split_whitespace();
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                for (i, var) in names.iter().enumerate() {
                    let value = if i + 1 == names.len() {
                        fields.by_ref().collect::<Vec<_>>().join(" ")
                    } else {
                        fields.next().unwrap_or("").to_string()
                    };
                    self.vars.insert((*var).clone(), value);
                }
                CommandOutcome::Status(if input.is_empty() { 1 } else { 0 })
            }
            _ => return None,
        };
        Some(outcome)
    }

    /// `set -e`: ends the shell when the last command failed outside any condition.
    fn check_errexit(&mut self, host: &mut dyn ProcessHost) -> Option<ProcessState> {
        if self.errexit && self.status != 0 && self.condition_depth == 0 && self.capture.is_none() {
            let code = self.status;
            return Some(self.finish(host, code));
        }
        None
    }

    /// `break`/`continue`: drops frames up to the innermost loop.
    fn unwind_loop(&mut self, keep_looping: bool) {
        while let Some(frame) = self.stack.pop() {
            if matches!(
                frame,
                Frame::AndThen(_) | Frame::OrElse(_) | Frame::IfTest { .. } | Frame::LoopTest(_)
            ) {
                self.condition_depth = self.condition_depth.saturating_sub(1);
            }
            match frame {
                Frame::LoopBody(node) | Frame::LoopTest(node) => {
                    if keep_looping {
                        self.stack.push(Frame::LoopBody(node));
                    }
                    return;
                }
                Frame::ForNext { .. } => {
                    if keep_looping {
                        self.stack.push(frame);
                    }
                    return;
                }
                _ => {}
            }
        }
    }

    fn open_redirects(
        &mut self,
        command: &SimpleCommand,
        host: &mut dyn ProcessHost,
    ) -> Result<Routes, String> {
        let mut routes = Routes { stdout: Sink::Stdout, stderr: Sink::Stderr, stdin: None };
        for redirect in &command.redirects {
            let target = {
                let mut expander = self.expander(host);
                expander.expand_single(&redirect.target)
            };
            match redirect.op {
                RedirectOp::DupOut => {
                    let sink = match target.as_str() {
                        "1" => routes.stdout.clone(),
                        "2" => routes.stderr.clone(),
                        _ => continue,
                    };
                    if redirect.fd == 2 {
                        routes.stderr = sink;
                    } else {
                        routes.stdout = sink;
                    }
                }
                RedirectOp::HereDoc => routes.stdin = Some(target),
                RedirectOp::Read => {
                    let path = absolute_path(&self.cwd, &target);
                    match host.fs().read(&path) {
                        Ok(text) => routes.stdin = Some(text),
                        Err(error) => return Err(self.toolbox.redirect_error(&target, error, false)),
                    }
                }
                RedirectOp::Write | RedirectOp::Append | RedirectOp::WriteBoth => {
                    let path = absolute_path(&self.cwd, &target);
                    if target == "/dev/null" {
                        let sink = Sink::Null;
                        if redirect.fd == 2 {
                            routes.stderr = sink;
                        } else {
                            routes.stdout = sink.clone();
                            if redirect.op == RedirectOp::WriteBoth {
                                routes.stderr = sink;
                            }
                        }
                        continue;
                    }
                    if target == "/dev/stdout" || target == "/proc/1/fd/1" {
                        routes.stdout = Sink::Stdout;
                        continue;
                    }
                    if target == "/dev/stderr" || target == "/proc/1/fd/2" {
                        if redirect.fd == 2 {
                            routes.stderr = Sink::Stderr;
                        } else {
                            routes.stdout = Sink::Stderr;
                        }
                        continue;
                    }
                    let result = if redirect.op == RedirectOp::Append {
                        host.fs().append(&path, "")
                    } else {
                        host.fs().write(&path, "")
                    };
                    if let Err(error) = result {
                        return Err(self.toolbox.redirect_error(&target, error, true));
                    }
                    let sink = Sink::File(path);
                    if redirect.fd == 2 {
                        routes.stderr = sink;
                    } else {
                        routes.stdout = sink.clone();
                        if redirect.op == RedirectOp::WriteBoth {
                            routes.stderr = sink;
                        }
                    }
                }
            }
        }
        Ok(routes)
    }

    fn route(&mut self, routes: &Routes, host: &mut dyn ProcessHost, out: &str, err: &str) {
        for (sink, text) in [(&routes.stdout, out), (&routes.stderr, err)] {
            if text.is_empty() {
                continue;
            }
            match sink {
                Sink::Stdout => self.write_out(host, text),
                Sink::Stderr => self.write_err(host, text),
                Sink::Null => {}
                Sink::File(path) => {
                    let _ = host.fs().append(path, text);
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Sink {
    Stdout,
    Stderr,
    Null,
    File(String),
}

struct Routes {
    stdout: Sink,
    stderr: Sink,
    stdin: Option<String>,
}

/// Shell pattern matching for `case`: `*`, `?` and `[…]` classes.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn matches(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| matches(rest, t.get(i..).unwrap_or(&[]))),
            Some(('?', rest)) => !t.is_empty() && matches(rest, t.get(1..).unwrap_or(&[])),
            Some(('[', rest)) => {
                let Some(close) = rest.iter().position(|c| *c == ']') else {
                    return t.first() == Some(&'[') && matches(rest, t.get(1..).unwrap_or(&[]));
                };
                let Some(first) = t.first() else { return false };
                let (negate, class) = match rest.first() {
                    Some('!') | Some('^') => (true, &rest[1..close]),
                    _ => (false, &rest[..close]),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if class.get(i + 1) == Some(&'-') && i + 2 < class.len() {
                        hit |= class[i] <= *first && *first <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == *first;
                        i += 1;
                    }
                }
                hit != negate && matches(&rest[close + 1..], &t[1..])
            }
            Some((c, rest)) => t.first() == Some(c) && matches(rest, t.get(1..).unwrap_or(&[])),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches(&p, &t)
}

/// Appends `text` to a stream's unfinished line and hands out every line it completes. Only an
/// unfinished tail stays buffered: a long-running process keeps no spare capacity.
fn split_lines(partial: &mut String, text: &str, mut line: impl FnMut(&str)) {
    let mut rest = text;
    while let Some(pos) = rest.find('\n') {
        if partial.is_empty() {
            line(&rest[..pos]);
        } else {
            partial.push_str(&rest[..pos]);
            line(partial);
            *partial = String::new();
        }
        rest = &rest[pos + 1..];
    }
    partial.push_str(rest);
}
