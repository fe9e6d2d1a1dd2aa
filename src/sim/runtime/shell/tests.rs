//! Shell behaviour as a container's logs and exit codes show it.

use crate::sim::runtime::filesystem::{ContainerFs, Volume};
use crate::sim::runtime::host::Signal;
use crate::sim::runtime::images::{generic_toolbox, lookup};
use crate::sim::runtime::process::{Process, ProcessRole};
use crate::sim::runtime::shell::commands::Toolbox;
use crate::sim::runtime::shell::exec::ProcessState;
use crate::sim::runtime::testing::{run_until, FakeHost};
use crate::sim::time::{SimDuration, SimTime};

fn busybox() -> Toolbox {
    lookup("docker.io/library/busybox")
        .map(|e| e.toolbox("1.36", &[]))
        .unwrap_or_else(|| generic_toolbox(&[]))
}

fn nginx_toolbox() -> Toolbox {
    lookup("docker.io/library/nginx")
        .map(|e| e.toolbox("1.27", &[80]))
        .unwrap_or_else(|| generic_toolbox(&[]))
}

fn sh(script: &str, host: &FakeHost) -> Process {
    let argv = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
    match Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Main { pid1: true }) {
        Ok(p) => p,
        Err(e) => panic!("spawn failed: {}", e.create_message()),
    }
}

fn run_script(script: &str) -> (FakeHost, ProcessState) {
    let mut host = FakeHost::new();
    let mut process = sh(script, &host);
    let state = run_until(&mut process, &mut host, SimTime(3_600_000));
    (host, state)
}

#[test]
fn table_of_scripts_and_their_output() {
    let cases: &[(&str, &[&str], i32)] = &[
        ("echo report generated; exit 0", &["report generated"], 0),
        ("echo 'import failed: upstream answered 503'; exit 1", &["import failed: upstream answered 503"], 1),
        ("X=5; echo ${X} ${Y:-def} $((X*2+1)) \"$(echo sub)\" `echo tick`", &["5 def 11 sub tick"], 0),
        ("for i in $(seq 1 3); do echo n$i; done", &["n1", "n2", "n3"], 0),
        ("if [ -f /nope ]; then echo yes; elif [ 1 -lt 2 ]; then echo lt; else echo no; fi", &["lt"], 0),
        ("printf 'a 1\\nb 2\\n' | awk '{print $2}'", &["1", "2"], 0),
        ("echo hello | grep -q ell && echo found || echo missing", &["found"], 0),
        ("printf 'x\\ny\\nx\\n' | grep -c x", &["2"], 0),
        ("printf 'x\\ny\\n' | wc -l", &["2"], 0),
        ("echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f", &["a", "b"], 0),
        ("false; echo $?", &["1"], 0),
        ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i", &["3"], 0),
        ("for x in a b c; do if [ $x = b ]; then continue; fi; echo $x; done", &["a", "c"], 0),
        ("while true; do echo once; break; done", &["once"], 0),
        ("echo -n partial", &["partial"], 0),
        ("echo -e 'one\\ttwo'", &["one\ttwo"], 0),
        ("printf '%s-%d\\n' a 1 b 2", &["a-1", "b-2"], 0),
        ("[ -z \"\" ] && [ -n x ] && [ abc != abd ] && echo ok", &["ok"], 0),
        ("mkdir -p /data/a/b && touch /data/a/b/f && ls /data/a/b", &["f"], 0),
        ("echo \"a   b\"; echo a   b", &["a   b", "a b"], 0),
        ("exit 3", &[], 3),
        ("hostname; whoami", &["demo", "root"], 0),
        ("date", &["Thu Jan  1 00:00:00 UTC 2026"], 0),
        ("echo $HOSTNAME", &["demo"], 0),
        ("! true; echo $?", &["1"], 0),
        ("echo \"$(printf 'l1\\nl2')\" | tail -n 1", &["l2"], 0),
        ("printf 'b\\na\\nb\\n' | sort | uniq -c", &["      1 a", "      2 b"], 0),
        ("echo root:x:0 | cut -d: -f1,3", &["root:0"], 0),
        ("echo Hello | tr a-z A-Z", &["HELLO"], 0),
        ("echo hello world | sed 's/o/0/g; s/^h/H/'", &["Hell0 w0rld"], 0),
        ("echo kv | sed -e 's/\\(k\\)\\(v\\)/\\2=\\1 [&]/'", &["v=k [kv]"], 0),
        ("echo logged | tee -a /tmp/t >/dev/null; cat /tmp/t", &["logged"], 0),
    ];
    for (script, stdout, code) in cases {
        let (host, state) = run_script(script);
        assert_eq!(state, ProcessState::Exited(*code), "exit code of {script:?}; stderr {:?}", host.stderr);
        let expected: Vec<String> = stdout.iter().map(|s| s.to_string()).collect();
        assert_eq!(host.stdout, expected, "stdout of {script:?}; stderr {:?}", host.stderr);
    }
}

#[test]
fn errors_are_worded_like_busybox() {
    let cases: &[(&str, &str, i32)] = &[
        ("foo", "sh: foo: not found", 127),
        ("cat /tmp/healthy", "cat: can't open '/tmp/healthy': No such file or directory", 1),
        ("echo disk quota exceeded >&2; exit 3", "disk quota exceeded", 3),
        ("echo x > /nope/file", "sh: can't create /nope/file: nonexistent directory", 1),
        ("if true; then echo", "sh: syntax error: unexpected end of file", 2),
        ("rm /tmp/missing", "rm: can't remove '/tmp/missing': No such file or directory", 1),
        ("ls /missing", "ls: /missing: No such file or directory", 1),
    ];
    for (script, stderr, code) in cases {
        let (host, state) = run_script(script);
        assert_eq!(state, ProcessState::Exited(*code), "exit code of {script:?}");
        assert_eq!(host.stderr.first().map(String::as_str), Some(*stderr), "stderr of {script:?}");
    }
}

#[test]
fn sleep_takes_virtual_time_and_resumes() {
    let mut host = FakeHost::new();
    let mut process = sh("echo crunching numbers; sleep 20; echo all done", &host);
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(20)));
    assert_eq!(host.stdout, vec!["crunching numbers"]);
    host.now = SimTime(5_000);
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(15)), "early call");
    host.now = SimTime(20_000);
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(host.stdout, vec!["crunching numbers", "all done"]);
}

#[test]
fn loop_with_sleep_writes_every_five_seconds() {
    let mut host = FakeHost::new();
    let mut process = sh("while true; do echo order accepted >> /var/log/app.log; sleep 5; done", &host);
    let state = run_until(&mut process, &mut host, SimTime(12_000));
    assert_eq!(state, ProcessState::Sleeping(SimDuration::from_secs(5)));
    let log = host.fs.read("/var/log/app.log").unwrap_or_default();
    assert_eq!(log, "order accepted\norder accepted\norder accepted\n");
}

#[test]
fn until_nslookup_waits_for_the_service() {
    let mut host = FakeHost::new();
    let mut process =
        sh("until nslookup db.default.svc.cluster.local; do echo waiting for db; sleep 2; done", &host);
    let state = run_until(&mut process, &mut host, SimTime(5_000));
    assert!(matches!(state, ProcessState::Sleeping(_)));
    assert_eq!(
        &host.stdout[..7],
        &[
            "Server:\t\t10.96.0.10",
            "Address:\t10.96.0.10:53",
            "",
            "** server can't find db.default.svc.cluster.local: NXDOMAIN",
            "",
            "** server can't find db.default.svc.cluster.local: NXDOMAIN",
            "",
        ]
    );
    assert_eq!(host.stdout.iter().filter(|l| *l == "waiting for db").count(), 3);
    host.dns.insert("db.default.svc.cluster.local".to_string(), vec!["10.96.12.34".to_string()]);
    let state = run_until(&mut process, &mut host, SimTime(60_000));
    assert_eq!(state, ProcessState::Exited(0));
    assert_eq!(host.now, SimTime(6_000));
    let tail: Vec<&str> = host.stdout.iter().rev().take(3).map(String::as_str).collect();
    assert_eq!(tail, vec!["", "Address: 10.96.12.34", "Name:\tdb.default.svc.cluster.local"]);
}

#[test]
fn trap_runs_after_the_current_sleep() {
    let mut host = FakeHost::new();
    let mut process = sh("trap 'echo got SIGTERM, bye; exit 0' TERM; while true; do sleep 1; done", &host);
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(1)));
    host.now = SimTime(400);
    assert_eq!(
        process.signal(Signal::Term, &mut host),
        ProcessState::Sleeping(SimDuration::from_millis(600))
    );
    host.now = SimTime(1_000);
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(host.stdout, vec!["got SIGTERM, bye"]);
}

#[test]
fn pid_one_ignores_sigterm_until_killed() {
    let mut host = FakeHost::new();
    let argv = vec!["sleep".to_string(), "3600".to_string()];
    let mut process =
        Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Main { pid1: true }).expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(3600)));
    host.now = SimTime(1_000);
    assert_eq!(process.signal(Signal::Term, &mut host), ProcessState::Sleeping(SimDuration::from_secs(3599)));
    assert_eq!(process.signal(Signal::Kill, &mut host), ProcessState::Exited(137));

    // `sh -c 'echo …; sleep 3600'` keeps the shell as PID 1: it ignores SIGTERM too.
    let mut shell = sh("echo agent running; sleep 3600", &host);
    shell.resume(&mut host);
    assert!(matches!(shell.signal(Signal::Term, &mut host), ProcessState::Sleeping(_)));
}

#[test]
fn a_process_that_is_not_pid_one_dies_of_sigterm() {
    let mut host = FakeHost::new();
    let argv: Vec<String> = ["sh", "-c", "sleep 100"].iter().map(|s| s.to_string()).collect();
    let mut process =
        Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Main { pid1: false }).expect("spawn");
    process.resume(&mut host);
    assert_eq!(process.signal(Signal::Term, &mut host), ProcessState::Exited(143));
}

#[test]
fn exec_probe_sees_the_file_come_and_go() {
    let mut host = FakeHost::new();
    let mut main = sh("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600", &host);
    main.resume(&mut host);
    let probe_argv = vec!["cat".to_string(), "/tmp/healthy".to_string()];
    let mut probe = Process::spawn(&probe_argv, &busybox(), &host.fs, ProcessRole::Exec).expect("spawn");
    assert_eq!(probe.resume(&mut host), ProcessState::Exited(0));
    host.now = SimTime(30_000);
    main.resume(&mut host);
    let mut probe = Process::spawn(&probe_argv, &busybox(), &host.fs, ProcessRole::Exec).expect("spawn");
    assert_eq!(probe.resume(&mut host), ProcessState::Exited(1));
    assert_eq!(host.stderr, vec!["cat: can't open '/tmp/healthy': No such file or directory"]);
}

#[test]
fn tail_follows_a_shared_volume() {
    let volume = Volume::handle();
    let mut writer_fs = ContainerFs::new(Volume::new());
    writer_fs.mount("/var/log/orders", volume.clone(), "", false);
    let mut reader_fs = ContainerFs::new(Volume::new());
    reader_fs.mount("/var/log/orders", volume, "", false);
    let mut writer_host = FakeHost::with_fs(writer_fs);
    let mut reader_host = FakeHost::with_fs(reader_fs);
    let mut writer =
        sh("while true; do echo order accepted >> /var/log/orders/app.log; sleep 5; done", &writer_host);
    let argv: Vec<String> = ["tail", "-F", "/var/log/orders/app.log"].iter().map(|s| s.to_string()).collect();
    let mut reader =
        Process::spawn(&argv, &busybox(), &reader_host.fs, ProcessRole::Main { pid1: true }).expect("spawn");
    writer.resume(&mut writer_host);
    assert_eq!(reader.resume(&mut reader_host), ProcessState::Sleeping(SimDuration::from_secs(1)));
    assert_eq!(reader_host.stdout, vec!["order accepted"]);
    writer_host.now = SimTime(5_000);
    writer.resume(&mut writer_host);
    reader_host.now = SimTime(6_000);
    reader.resume(&mut reader_host);
    assert_eq!(reader_host.stdout, vec!["order accepted", "order accepted"]);
    assert_eq!(
        reader.signal(Signal::Term, &mut reader_host),
        ProcessState::Sleeping(SimDuration::from_secs(1))
    );
}

#[test]
fn read_only_mount_rejects_writes() {
    let mut fs = ContainerFs::new(Volume::new());
    fs.mount(
        "/etc/config",
        std::rc::Rc::new(std::cell::RefCell::new(Volume::with_files([("game.properties", "lives=3\n")]))),
        "",
        true,
    );
    let mut host = FakeHost::with_fs(fs);
    let mut process = sh("cat /etc/config/game.properties; echo x > /etc/config/new", &host);
    assert_eq!(run_until(&mut process, &mut host, SimTime(1_000)), ProcessState::Exited(1));
    assert_eq!(host.stdout, vec!["lives=3"]);
    assert_eq!(host.stderr, vec!["sh: can't create /etc/config/new: Read-only file system"]);
}

#[test]
fn busy_loop_yields_instead_of_hanging() {
    let mut host = FakeHost::new();
    let mut process = sh("while true; do :; done", &host);
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(1)));
}

#[test]
fn wget_talks_to_the_pod_network() {
    let mut host = FakeHost::new();
    let mut process = sh("wget -qO- http://localhost/", &host);
    assert_eq!(run_until(&mut process, &mut host, SimTime(1_000)), ProcessState::Exited(1));
    assert_eq!(host.stderr, vec!["wget: can't connect to remote host (127.0.0.1): Connection refused"]);

    let mut host = FakeHost::new();
    host.fs.put_file("/work-dir/index.html", "hello from init\n");
    host.network
        .bind(
            80,
            "app",
            crate::sim::runtime::network::ServerModel::Nginx {
                version: "1.27.5".to_string(),
                docroot: "/work-dir".to_string(),
            },
        )
        .expect("bind");
    let mut process = sh("wget -qO- http://localhost:80/; wget -q -O /tmp/page http://localhost/nope", &host);
    assert_eq!(run_until(&mut process, &mut host, SimTime(1_000)), ProcessState::Exited(1));
    assert_eq!(host.stdout, vec!["hello from init"]);
    assert_eq!(host.stderr, vec!["wget: server returned error: HTTP/1.1 404 Not Found"]);
}

#[test]
fn missing_programs_fail_to_start() {
    let host = FakeHost::new();
    let argv = vec!["bash".to_string()];
    let error =
        Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Main { pid1: true }).expect_err("no bash");
    assert_eq!(
        error.create_message(),
        "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"bash\": executable file not found in $PATH: unknown"
    );
    let argv = vec!["/app/server".to_string()];
    assert!(Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Main { pid1: true }).is_err());
    assert!(
        Process::spawn(&argv, &generic_toolbox(&[8080]), &host.fs, ProcessRole::Main { pid1: true }).is_ok()
    );
}

#[test]
fn debian_shell_wording_differs() {
    let mut host = FakeHost::new();
    let argv: Vec<String> = ["sh", "-c", "foo; cat /nope"].iter().map(|s| s.to_string()).collect();
    let mut process = Process::spawn(&argv, &nginx_toolbox(), &host.fs, ProcessRole::Exec).expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(1));
    assert_eq!(host.stderr, vec!["sh: 1: foo: not found", "cat: /nope: No such file or directory"]);
}

#[test]
fn k8s_variable_expansion() {
    use crate::sim::runtime::k8s_vars::expand_k8s_vars;
    let env = vec![("NODE_NAME".to_string(), "worker-1".to_string())];
    assert_eq!(
        expand_k8s_vars("echo agent running on $(NODE_NAME); sleep 3600", &env),
        "echo agent running on worker-1; sleep 3600"
    );
    assert_eq!(expand_k8s_vars("$(MISSING) $$(NODE_NAME) $$ $HOME", &env), "$(MISSING) $(NODE_NAME) $ $HOME");
}

#[test]
fn errexit_and_xtrace() {
    let mut host = FakeHost::new();
    let argv: Vec<String> =
        ["/bin/sh", "-exc", "if false; then :; fi; false || echo recovered; cat /nope; echo unreachable"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let mut process =
        Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Main { pid1: true }).expect("spawn");
    assert_eq!(run_until(&mut process, &mut host, SimTime(1_000)), ProcessState::Exited(1));
    assert_eq!(host.stdout, vec!["recovered"]);
    assert_eq!(
        host.stderr,
        vec![
            "+ false",
            "+ false",
            "+ echo recovered",
            "+ cat /nope",
            "cat: can't open '/nope': No such file or directory"
        ]
    );
    let (host, state) = run_script("set -e; until [ -f /tmp/x ]; do touch /tmp/x; done; echo done");
    assert_eq!((host.stdout, state), (vec!["done".to_string()], ProcessState::Exited(0)));
}

#[test]
fn ps_lists_the_shared_process_namespace() {
    use crate::sim::runtime::host::ProcessInfo;
    let mut host = FakeHost::new();
    host.processes = vec![
        ProcessInfo { pid: 1, user: "65535".to_string(), command: "/pause".to_string() },
        ProcessInfo {
            pid: 7,
            user: "root".to_string(),
            command: "nginx: master process nginx -g daemon off;".to_string(),
        },
    ];
    let argv = vec!["ps".to_string()];
    let mut process = Process::spawn(&argv, &busybox(), &host.fs, ProcessRole::Exec).expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(
        host.stdout,
        vec![
            "PID   USER     TIME  COMMAND",
            "    1 65535     0:00 /pause",
            "    7 root      0:00 nginx: master process nginx -g daemon off;",
        ]
    );
}

#[test]
fn nested_shells_and_parameter_errors() {
    let (host, state) = run_script("sh -c 'echo inner; exit 4'; echo outer $?");
    assert_eq!(state, ProcessState::Exited(0));
    assert_eq!(host.stdout, vec!["inner", "outer 4"]);
    let (host, state) = run_script("echo ${MISSING:?is required}; echo after");
    assert_eq!(state, ProcessState::Exited(0));
    assert_eq!(host.stderr, vec!["sh: MISSING: is required"]);
    assert_eq!(host.stdout, vec!["after"]);
}

#[test]
fn curl_and_wget_options() {
    use crate::sim::runtime::network::ServerModel;
    let mut host = FakeHost::new();
    host.fs.put_file("/usr/share/nginx/html/index.html", "<h1>hi</h1>\n");
    host.network
        .bind(
            80,
            "app",
            ServerModel::Nginx {
                version: "1.27.5".to_string(),
                docroot: "/usr/share/nginx/html".to_string(),
            },
        )
        .expect("bind");
    let argv: Vec<String> = ["sh", "-c", "curl -s localhost; curl -sI localhost/x | head -n 1; curl -sf localhost/x; echo $?; curl -s localhost:81; echo $?"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut process = Process::spawn(&argv, &nginx_toolbox(), &host.fs, ProcessRole::Exec).expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(host.stdout, vec!["<h1>hi</h1>", "HTTP/1.1 404 Not Found\r", "22", "7"]);

    let mut host2 = FakeHost::new();
    host2.fs = host.fs.clone();
    host2.network = host.network.clone();
    let mut process = sh("wget --spider -S http://localhost/", &host2);
    assert_eq!(process.resume(&mut host2), ProcessState::Exited(0));
    assert_eq!(
        host2.stderr,
        vec![
            "Connecting to localhost (127.0.0.1:80)",
            "  HTTP/1.1 200 OK",
            "  Server: nginx/1.27.5",
            "  Content-Type: text/html",
            "  Content-Length: 12",
            "remote file exists",
        ]
    );
}

#[test]
fn bash_arrays_in_the_indexed_job_example() {
    let entry = lookup("docker.io/library/bash").expect("bash image");
    let mut fs = ContainerFs::new(Volume::new());
    fs.mount("/input", Volume::handle(), "", false);
    let mut host = FakeHost::with_fs(fs);
    host.env.push(("JOB_COMPLETION_INDEX".to_string(), "2".to_string()));
    let script = "               items=(foo bar baz qux xyz)\n               echo ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt\n              ";
    let argv: Vec<String> = ["bash", "-c", script].iter().map(|s| s.to_string()).collect();
    let mut process =
        Process::spawn(&argv, &entry.toolbox("5", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(host.fs.read("/input/data.txt"), Ok("baz\n".to_string()));
    let (host, _) = run_script("a=(x y); echo ${a[@]} ${a[1]} $a");
    assert_eq!(host.stdout, vec!["x y y x"]);
}

#[test]
fn env_prints_in_container_order() {
    let mut host = FakeHost::new();
    host.env.push(("MY_POD_NAME".to_string(), "demo".to_string()));
    host.env.push(("A_LATE".to_string(), "1".to_string()));
    let mut process = sh("env; printenv MY_POD_NAME NOPE", &host);
    assert_eq!(process.resume(&mut host), ProcessState::Exited(1));
    assert_eq!(
        host.stdout,
        vec![
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=demo",
            "MY_POD_NAME=demo",
            "A_LATE=1",
            "demo",
        ]
    );
}

#[test]
fn lexer_keeps_quoting() {
    use crate::sim::runtime::shell::lexer::{tokenize, ParamOp, RedirectOp, Token, WordPart};
    let tokens = tokenize(r#"echo "a $B" 'c $d' e\ f ${G:-h} 2>&1 >> /log"#).expect("tokens");
    assert_eq!(
        tokens,
        vec![
            Token::Word(vec![WordPart::Lit("echo".to_string())]),
            Token::Word(vec![
                WordPart::Quoted("a ".to_string()),
                WordPart::Param { name: "B".to_string(), op: ParamOp::Plain, quoted: true },
            ]),
            Token::Word(vec![WordPart::Quoted("c $d".to_string())]),
            Token::Word(vec![
                WordPart::Lit("e".to_string()),
                WordPart::Quoted(" ".to_string()),
                WordPart::Lit("f".to_string()),
            ]),
            Token::Word(vec![WordPart::Param {
                name: "G".to_string(),
                op: ParamOp::Default { word: "h".to_string(), colon: true },
                quoted: false,
            }]),
            Token::Redirect { fd: 2, op: RedirectOp::DupOut },
            Token::Word(vec![WordPart::Lit("1".to_string())]),
            Token::Redirect { fd: 1, op: RedirectOp::Append },
            Token::Word(vec![WordPart::Lit("/log".to_string())]),
        ]
    );
    assert!(tokenize("echo 'open").is_err());
    assert!(tokenize("echo $(date").is_err());
}

#[test]
fn parser_shapes_and_errors() {
    use crate::sim::runtime::shell::parser::{parse, Node};
    let shape = |source: &str| -> String {
        fn describe(node: &Node) -> String {
            match node {
                Node::Simple(c) => format!("cmd{}", c.words.len()),
                Node::Pipeline { negate, stages } => format!(
                    "{}pipe({})",
                    if *negate { "!" } else { "" },
                    stages.iter().map(|s| describe(s)).collect::<Vec<_>>().join(",")
                ),
                Node::And(l, r) => format!("and({},{})", describe(l), describe(r)),
                Node::Or(l, r) => format!("or({},{})", describe(l), describe(r)),
                Node::Sequence(items) => {
                    format!("seq({})", items.iter().map(|s| describe(s)).collect::<Vec<_>>().join(","))
                }
                Node::Background(inner) => format!("bg({})", describe(inner)),
                Node::If { clauses, otherwise } => {
                    format!("if{}{}", clauses.len(), if otherwise.is_some() { "+else" } else { "" })
                }
                Node::Loop { until, .. } => (if *until { "until" } else { "while" }).to_string(),
                Node::For { var, .. } => format!("for({var})"),
                Node::Group(inner) => format!("group({})", describe(inner)),
                Node::Case { arms, .. } => format!("case{}", arms.len()),
                Node::FunctionDef { name, body } => format!("fn({name},{})", describe(body)),
            }
        }
        match parse(source) {
            Ok(node) => describe(&node),
            Err(error) => error.0,
        }
    };
    let cases = [
        ("a && b || c", "or(and(cmd1,cmd1),cmd1)"),
        ("a | b | c", "pipe(cmd1,cmd1,cmd1)"),
        ("! a", "!pipe(cmd1)"),
        ("a; b &\nc", "seq(cmd1,bg(cmd1),cmd1)"),
        ("if a; then b; elif c; then d; else e; fi", "if2+else"),
        ("until a; do b; done", "until"),
        ("while a\ndo\n  b\ndone", "while"),
        ("for i in 1 2 3; do echo $i; done", "for(i)"),
        ("{ a; b; }", "group(seq(cmd1,cmd1))"),
        ("(a)", "group(cmd1)"),
        ("case $x in a) b;; c|d) e;; esac", "case2"),
        ("f() { a; }", "fn(f,group(cmd1))"),
        ("case x in a) b", "syntax error: unexpected end of file"),
        ("# only a comment", "seq()"),
        ("if a; then b", "syntax error: unexpected end of file"),
        ("done", "syntax error: unexpected \"done\""),
        ("a && ", "syntax error: unexpected end of file"),
        ("echo )", "syntax error: unexpected \")\""),
    ];
    for (source, expected) in cases {
        assert_eq!(shape(source), expected, "{source:?}");
    }
}

#[test]
fn bash_regex_match_and_file_substitution() {
    let entry = lookup("docker.io/library/mysql").expect("mysql image");
    let mut host = FakeHost::new();
    host.fs.put_file("/var/lib/mysql/xtrabackup_slave_info", "CHANGE MASTER TO x\n");
    let script = "set -ex\n[[ mysql-2 =~ -([0-9]+)$ ]] || exit 1\nordinal=${BASH_REMATCH[1]}\necho [mysqld] server-id=$((100 + $ordinal))\necho \"x$(</var/lib/mysql/xtrabackup_slave_info)\"\n[[ mysql =~ -([0-9]+)$ ]] || exit 1";
    let argv: Vec<String> = ["bash", "-c", script].iter().map(|s| s.to_string()).collect();
    let mut process =
        Process::spawn(&argv, &entry.toolbox("5.7", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(1));
    assert_eq!(host.stdout, vec!["[mysqld] server-id=102", "xCHANGE MASTER TO x"]);
}

#[test]
fn hostile_input_does_not_panic() {
    for script in [
        "seq 9223372036854775806 9223372036854775807",
        "printf '%99999999999s' x",
        "echo $((9223372036854775807 + 1)) $((1 / 0)) $((-9223372036854775807 - 1))",
        "sleep 1e300",
        "echo ${",
        "echo $(( ",
        "[ 1 -eq x ]",
        "echo \"unterminated",
        "awk '{print $99999999999999999999}'",
        "exit 99999999999999999999",
        "a=(; echo",
        "kill -NOPE 1; kill abc",
    ] {
        let mut host = FakeHost::new();
        let mut process = sh(script, &host);
        let _ = run_until(&mut process, &mut host, SimTime(1_000));
    }
}

#[test]
fn trap_interrupts_wait_at_once() {
    let mut host = FakeHost::new();
    let mut process = sh("trap 'echo stopping; exit 0' TERM; sleep 3600 & wait", &host);
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(3600)));
    host.now = SimTime(2_000);
    assert_eq!(process.signal(Signal::Term, &mut host), ProcessState::Exited(0));
    assert_eq!(host.stdout, vec!["stopping"]);
}

#[test]
fn undefined_kubernetes_variable_becomes_a_command_substitution() {
    let (host, state) = run_script("echo agent running on $(NODE_NAME); exit 0");
    assert_eq!(state, ProcessState::Exited(0));
    assert_eq!(host.stderr, vec!["sh: NODE_NAME: not found"]);
    assert_eq!(host.stdout, vec!["agent running on"]);
}

#[test]
fn case_and_functions() {
    let cases: &[(&str, &[&str], i32)] = &[
        ("case web-2 in web-0) echo first;; web-*) echo other;; *) echo none;; esac", &["other"], 0),
        ("x=b; case $x in a|b) echo ab ;; esac", &["ab"], 0),
        ("case zz in [a-c]?) echo no;; *) echo fallback; esac", &["fallback"], 0),
        ("greet() { echo hello $1; }; greet world; greet again", &["hello world", "hello again"], 0),
        (
            "check() {\n  [ \"$1\" = ok ] && return 0\n  return 3\n}\ncheck ok; echo $?; check bad; echo $?",
            &["0", "3"],
            0,
        ),
        ("f() { echo in; return 5; echo never; }; f || echo failed $?", &["in", "failed 5"], 0),
        (
            "wait_for() { until [ -f /tmp/ready ]; do touch /tmp/ready; done; echo ready; }\nwait_for",
            &["ready"],
            0,
        ),
    ];
    for (script, stdout, code) in cases {
        let (host, state) = run_script(script);
        assert_eq!(state, ProcessState::Exited(*code), "exit code of {script:?}; stderr {:?}", host.stderr);
        let expected: Vec<String> = stdout.iter().map(|s| s.to_string()).collect();
        assert_eq!(host.stdout, expected, "stdout of {script:?}; stderr {:?}", host.stderr);
    }
}

#[test]
fn functions_sleep_across_virtual_time() {
    let mut host = FakeHost::new();
    let mut process =
        sh("tick() { echo tick $1; sleep 5; }\nfor i in 1 2; do tick $i; done; echo done $1", &host);
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(5)));
    assert_eq!(run_until(&mut process, &mut host, SimTime(60_000)), ProcessState::Exited(0));
    assert_eq!(host.now, SimTime(10_000));
    assert_eq!(host.stdout, vec!["tick 1", "tick 2", "done"]);
}

#[test]
fn here_documents() {
    let script = "NAME=web\ncat <<EOF > /tmp/conf\nserver $NAME \"quoted\"\n  port $((40 + 40))\nEOF\ncat <<'RAW'\nkeep $NAME\nRAW\n\tcat <<-END\n\tstripped\n\tEND\ncat /tmp/conf";
    let (host, state) = run_script(script);
    assert_eq!(state, ProcessState::Exited(0), "stderr {:?}", host.stderr);
    assert_eq!(host.stdout, vec!["keep $NAME", "stripped", "server web \"quoted\"", "  port 80"]);
}

#[test]
fn prefix_and_suffix_removal() {
    let (host, _) = run_script(
        "HOST=web-12; F=/var/log/app.log.gz; echo ${HOST##*-} ${HOST%-*} ${F#*/} ${F##*/} ${F%.*} ${F%%.*}",
    );
    assert_eq!(host.stdout, vec!["12 web var/log/app.log.gz app.log.gz /var/log/app.log /var/log/app"]);
}
