//! Starting a container's process: the image's ENTRYPOINT/CMD combined with the pod's
//! `command`/`args` as Kubernetes does, a shell for `sh -c …`, and the runtime's error when
//! the executable does not exist.

use std::rc::Rc;

use super::filesystem::ContainerFs;
use super::host::{ProcessHost, Signal};
use super::network::ServerModel;
use super::shell::commands::{program_name, ShellFlavor, Toolbox};
use super::shell::exec::{ProcessState, Shell};

/// What stands for the ENTRYPOINT of an image the catalog does not know.
pub const GENERIC_ENTRYPOINT: &str = "/entrypoint";

/// Why the process is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessRole {
    /// The container's main process (PID 1 unless the pod shares its process namespace).
    Main { pid1: bool },
    /// `kubectl exec`, an exec probe or a lifecycle hook: runs beside the main process.
    Exec,
}

/// The runtime could not start the executable (reason `StartError`/`RunContainerError`,
/// exit code 128).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartError {
    /// The program that was not found.
    pub program: String,
}

impl StartError {
    /// The CRI error of a failed container start.
    pub fn create_message(&self) -> String {
        format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{}\": executable file not found in $PATH: unknown",
            self.program
        )
    }

    /// The error of a failed exec (exec probe, `kubectl exec`).
    pub fn exec_message(&self) -> String {
        format!(
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown",
            self.program
        )
    }
}

/// The argv Kubernetes runs: `command` replaces ENTRYPOINT (and drops CMD), `args` replaces CMD.
pub fn effective_argv(entrypoint: &[&str], cmd: &[&str], command: &[String], args: &[String]) -> Vec<String> {
    let mut argv: Vec<String> = if command.is_empty() {
        entrypoint.iter().map(|s| s.to_string()).collect()
    } else {
        command.to_vec()
    };
    if !args.is_empty() {
        argv.extend(args.iter().cloned());
    } else if command.is_empty() {
        argv.extend(cmd.iter().map(|s| s.to_string()));
    }
    argv
}

/// A running process in a container.
#[derive(Clone, Debug)]
pub struct Process {
    shell: Shell,
    /// The command line `ps` shows.
    pub command_line: String,
}

fn is_shell(name: &str) -> Option<ShellFlavor> {
    match name {
        "sh" | "ash" | "dash" => Some(ShellFlavor::Ash),
        "bash" => Some(ShellFlavor::Bash),
        _ => None,
    }
}

impl Process {
    /// Starts `argv` (already combined by [`effective_argv`]) in a container whose image
    /// provides `toolbox`; `fs` is checked for script files named by path.
    pub fn spawn(
        argv: &[String],
        toolbox: &Toolbox,
        fs: &ContainerFs,
        role: ProcessRole,
    ) -> Result<Process, StartError> {
        if argv.is_empty() && toolbox.generic {
            // An unknown image's own ENTRYPOINT: its server.
            let entrypoint = vec![GENERIC_ENTRYPOINT.to_string()];
            return Process::spawn(&entrypoint, toolbox, fs, role);
        }
        let Some(program) = argv.first() else {
            return Err(StartError { program: String::new() });
        };
        let mut toolbox = toolbox.clone();
        let pid1 = matches!(role, ProcessRole::Main { pid1: true });
        toolbox.main_container = matches!(role, ProcessRole::Main { .. });
        let name = program_name(program);
        let command_line = argv.join(" ");
        if let Some(flavor) = is_shell(name) {
            let available = match flavor {
                ShellFlavor::Bash => toolbox.has_bash,
                _ => toolbox.has_shell,
            };
            if !available || (program.contains('/') && program_name(program) == program.as_str()) {
                return Err(StartError { program: program.clone() });
            }
            if flavor == ShellFlavor::Bash {
                toolbox.flavor = ShellFlavor::Bash;
            }
            let toolbox = Rc::new(toolbox);
            return Ok(Process {
                shell: shell_invocation(name, &argv[1..], toolbox, fs, pid1),
                command_line,
            });
        }
        if !(toolbox.can_run(program) || (program.contains('/') && fs.is_file(program))) {
            return Err(StartError { program: program.clone() });
        }
        Ok(Process { shell: Shell::argv(argv, Rc::new(toolbox), pid1), command_line })
    }

    /// Runs until the process sleeps, blocks or exits; call again when the returned sleep is
    /// over (calling early is harmless).
    pub fn resume(&mut self, host: &mut dyn ProcessHost) -> ProcessState {
        self.shell.resume(host)
    }

    /// Delivers a signal and says what the process does now.
    pub fn signal(&mut self, signal: Signal, host: &mut dyn ProcessHost) -> ProcessState {
        self.shell.signal(signal, host)
    }

    /// The server the process runs in the foreground, if any.
    pub fn serving(&self) -> Option<&ServerModel> {
        self.shell.serving()
    }

    /// The CPU this process keeps busy, in millicores (before any CFS limit throttles it).
    pub fn cpu_demand_millicores(&self) -> u64 {
        self.shell.cpu_demand_millicores()
    }

    /// The COMMAND column `ps` shows for this process (nginx renames its master process).
    pub fn ps_command(&self) -> String {
        match self.shell.serving() {
            Some(ServerModel::Nginx { .. }) => "nginx: master process nginx -g daemon off;".to_string(),
            Some(ServerModel::Pause) if self.command_line.contains("pause") => "/pause".to_string(),
            _ => self.command_line.clone(),
        }
    }

    /// Sets the working directory (`workingDir`) before the first `resume`.
    pub fn set_working_dir(&mut self, dir: &str) {
        self.shell.set_cwd(dir);
    }
}

/// `sh [-flags] -c SCRIPT [arg0 args…]`, `sh FILE`, or a bare `sh` (reads an empty stdin and
/// exits 0, as without a terminal).
fn shell_invocation(
    name: &str,
    args: &[String],
    toolbox: Rc<Toolbox>,
    fs: &ContainerFs,
    pid1: bool,
) -> Shell {
    let mut options = String::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg.starts_with('-') && arg.len() > 1 && !arg.starts_with("--") {
            options.push_str(&arg[1..]);
            if arg.contains('c') {
                let script = iter.next().cloned().unwrap_or_default();
                let arg0 = iter.next().cloned().unwrap_or_else(|| name.to_string());
                let rest: Vec<String> = iter.cloned().collect();
                let mut shell = Shell::script(&script, &arg0, &rest, toolbox, pid1);
                shell.set_options(&options);
                return shell;
            }
            continue;
        }
        if arg.starts_with("--") {
            continue;
        }
        let rest: Vec<String> = iter.cloned().collect();
        return match fs.read(arg) {
            Ok(content) => Shell::script(&content, arg, &rest, toolbox, pid1),
            Err(error) => {
                let message = format!("{name}: can't open '{arg}': {}", error.message());
                Shell::script(
                    &format!("echo {} >&2; exit 2", shell_quote(&message)),
                    name,
                    &[],
                    toolbox,
                    pid1,
                )
            }
        };
    }
    Shell::script("", name, &[], toolbox, pid1)
}

/// Quotes text for a shell single-quoted string.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
