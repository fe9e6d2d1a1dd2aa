//! Images, filesystems, the pod network and the images' programs, as users see them.

use std::cell::RefCell;
use std::rc::Rc;

use super::filesystem::{ContainerFs, FsError, Volume};
use super::host::ProcessHost;
use super::host::Signal;
use super::image_ref::ImageRef;
use super::images::{lookup, pull_duration, resolve, Resolution};
use super::network::{answer_http, nginx_error_page, PodNetwork, ServerModel};
use super::pi::pi_significant_digits;
use super::process::{effective_argv, Process, ProcessRole};
use super::shell::exec::ProcessState;
use super::testing::{run_until, FakeHost};
use crate::sim::rng::SimRng;
use crate::sim::time::{SimDuration, SimTime};

#[test]
fn image_references_normalise() {
    let cases = [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.27", "docker.io/library/nginx:1.27"),
        ("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27"),
        ("polinux/stress", "docker.io/polinux/stress:latest"),
        ("registry.k8s.io/e2e-test-images/agnhost:2.40", "registry.k8s.io/e2e-test-images/agnhost:2.40"),
        ("localhost:5000/app:v1", "localhost:5000/app:v1"),
    ];
    for (text, normalized) in cases {
        let reference = ImageRef::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        assert_eq!(reference.normalized(), normalized);
    }
    let digest = format!("quay.io/x/y@sha256:{}", "a".repeat(64));
    assert_eq!(ImageRef::parse(&digest).map(|r| r.normalized()).ok(), Some(digest.clone()));
    for bad in ["", "Nginx", "nginx:", "nginx::1", "-nginx", "nginx@sha256:abc", "a b"] {
        assert!(ImageRef::parse(bad).is_err(), "{bad:?} should be invalid");
    }
    assert_eq!(
        ImageRef::parse("NGINX").err().map(|e| e.message),
        Some("Failed to apply default image tag \"NGINX\": couldn't parse image name \"NGINX\": invalid reference format: repository name must be lowercase".to_string())
    );
}

fn resolution(text: &str) -> Resolution {
    resolve(&ImageRef::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message)))
}

#[test]
fn catalog_resolution() {
    for found in [
        "nginx",
        "nginx:1.14.2",
        "nginx:1.27",
        "nginx:stable",
        "nginx:1.27-alpine",
        "busybox:1.28",
        "busybox:1.36",
        "alpine:3.4",
        "alpine:3.22",
        "perl:5.34.0",
        "redis:7",
        "redis:6.0.5",
        "httpd",
        "mysql:5.7",
        "mysql:8.0",
        "registry.k8s.io/hpa-example",
        "registry.k8s.io/e2e-test-images/agnhost:2.53",
        "registry.k8s.io/etcd:3.5.1-0",
        "registry.k8s.io/pause:3.10",
        "k8s.gcr.io/pause:2.0",
        "polinux/stress",
        "wordpress:6.2.1-apache",
        "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10",
        "gcr.io/google-samples/cassandra:v13",
        "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5",
        "k8s.gcr.io/busybox",
        "busybox:1.38.0",
        // A digest pins the content; the tag beside it is not looked up.
        "busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d",
    ] {
        assert!(matches!(resolution(found), Resolution::Found(_)), "{found} should be catalogued");
    }
    for generic in [
        "quay.io/fluentd_elasticsearch/fluentd:v5.0.1",
        "myorg/app:1.0",
        "gcr.io/google-samples/hello-app:1.0",
    ] {
        assert!(matches!(resolution(generic), Resolution::Generic), "{generic} should be generic");
    }
    let message = |text: &str| match resolution(text) {
        Resolution::NotFound { message } => message,
        other => panic!("{text}: expected NotFound, got {other:?}"),
    };
    assert_eq!(
        message("nginx:nope"),
        "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nope\": failed to resolve reference \"docker.io/library/nginx:nope\": docker.io/library/nginx:nope: not found"
    );
    assert!(
        message("nginx:1.25-no-such-tag").ends_with("docker.io/library/nginx:1.25-no-such-tag: not found")
    );
    assert!(message("nginx:9.99.9").ends_with("not found"));
    assert_eq!(
        message("ngnix"),
        "rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/ngnix:latest\": failed to resolve reference \"docker.io/library/ngnix:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
    );
    assert!(message("doesnotexist:nover").contains("pull access denied"));
    assert!(message("non-existing-repo/non-existing-image:example").contains("pull access denied"));
}

#[test]
fn pull_time_grows_with_size_and_is_seeded() {
    let nginx = lookup("docker.io/library/nginx").map(|e| e.size_bytes).unwrap_or(0);
    assert_eq!(nginx, 72_099_410);
    let mut a = SimRng::new(7);
    let mut b = SimRng::new(7);
    let first = pull_duration(nginx, &mut a);
    assert_eq!(first, pull_duration(nginx, &mut b));
    assert!(first >= SimDuration::from_millis(4_800) && first < SimDuration::from_millis(5_400), "{first:?}");
    let busybox = pull_duration(2_160_406, &mut a);
    assert!(busybox < SimDuration::from_millis(2_600));
}

#[test]
fn filesystem_mounts_share_and_protect() {
    let empty_dir = Volume::handle();
    let mut first = ContainerFs::new(Volume::new());
    first.mount("/scratch", empty_dir.clone(), "", false);
    let mut second = ContainerFs::new(Volume::new());
    second.mount("/data", empty_dir.clone(), "", false);
    assert_eq!(first.write("/scratch/note.txt", "hi\n"), Ok(()));
    assert_eq!(second.read("/data/note.txt"), Ok("hi\n".to_string()));
    assert_eq!(second.read("/scratch/note.txt"), Err(FsError::NotFound));
    assert_eq!(first.list("/"), Ok(vec!["scratch".to_string()]));

    let config = Rc::new(RefCell::new(Volume::with_files([("app.conf", "debug=true\n")])));
    let mut fs = ContainerFs::new(Volume::new());
    fs.mount("/etc/app", config, "", true);
    assert_eq!(fs.read("/etc/app/app.conf"), Ok("debug=true\n".to_string()));
    assert_eq!(fs.write("/etc/app/app.conf", "x"), Err(FsError::ReadOnly));
    assert_eq!(fs.remove("/etc/app/app.conf", false), Err(FsError::ReadOnly));
    if let Some(mount) = fs.mounts().first() {
        mount.volume.borrow_mut().replace_files([("app.conf", "debug=false\n")]);
        assert_eq!(mount.volume.borrow().total_bytes(), 12);
    }
    assert_eq!(fs.read("/etc/app/app.conf"), Ok("debug=false\n".to_string()));
    assert_eq!(FsError::ReadOnly.message(), "Read-only file system");

    // subPath mounts one directory of a volume.
    let pvc = Volume::handle();
    let mut fs = ContainerFs::new(Volume::new());
    fs.mount("/var/lib/mysql", pvc.clone(), "mysql", false);
    assert_eq!(fs.write("/var/lib/mysql/ibdata1", "x"), Ok(()));
    assert_eq!(pvc.borrow().files(), vec![("/mysql/ibdata1".to_string(), "x".to_string())]);
    assert_eq!(fs.mkdir("/a/b", false), Err(FsError::NotFound));
    assert_eq!(fs.mkdir("/a/b", true), Ok(()));
    assert_eq!(fs.mkdir("/a/b", false), Err(FsError::Exists));
}

#[test]
fn port_conflicts_in_a_pod() {
    let mut network = PodNetwork::new("10.244.1.5");
    assert!(network.bind(80, "web", ServerModel::Generic).is_ok());
    assert!(network.bind(80, "sidecar", ServerModel::Generic).is_err());
    assert_eq!(network.tcp_connect(80), Ok(()));
    assert_eq!(network.tcp_connect(81), Err(super::host::NetError::ConnectionRefused));
    assert_eq!(
        super::network::dial_error("10.244.1.5", 81, super::host::NetError::ConnectionRefused),
        "dial tcp 10.244.1.5:81: connect: connection refused"
    );
    network.release("web");
    assert!(network.bind(80, "sidecar", ServerModel::Generic).is_ok());
}

fn nginx_process(host: &FakeHost, args: &[String]) -> Process {
    let entry = lookup("docker.io/library/nginx").expect("nginx catalogued");
    let toolbox = entry.toolbox("1.27", &[80]);
    let argv = effective_argv(entry.entrypoint, entry.cmd, &[], args);
    Process::spawn(&argv, &toolbox, &host.fs, ProcessRole::Main { pid1: true }).expect("nginx starts")
}

fn nginx_host() -> FakeHost {
    FakeHost::with_fs(ContainerFs::new(super::images::root_volume(lookup("docker.io/library/nginx"))))
}

#[test]
fn nginx_serves_and_stops_on_sigquit() {
    let mut host = nginx_host();
    let mut nginx = nginx_process(&host, &[]);
    assert_eq!(nginx.resume(&mut host), ProcessState::Blocked);
    assert_eq!(
        host.stdout.last().map(String::as_str),
        Some("/docker-entrypoint.sh: Configuration complete; ready for start up")
    );
    assert_eq!(
        host.stderr.get(1).map(String::as_str),
        Some("2026/01/01 00:00:00 [notice] 1#1: nginx/1.27.5")
    );
    let listener = host.network.listener(80).expect("listening");
    let index = answer_http(&listener.server, "GET", "/", Some(&host.fs), host.now).expect("http");
    assert_eq!((index.status, index.body.len()), (200, 615));
    assert!(index.body.contains("<title>Welcome to nginx!</title>"));
    let missing = answer_http(&listener.server, "GET", "/nope", Some(&host.fs), host.now).expect("http");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, nginx_error_page(404, "1.27.5"));
    assert!(missing.body.contains("<center>nginx/1.27.5</center>"));
    host.stderr.clear();
    host.now = SimTime(60_000);
    assert_eq!(nginx.signal(Signal::Quit, &mut host), ProcessState::Exited(0));
    assert_eq!(
        host.stderr.first().map(String::as_str),
        Some("2026/01/01 00:01:00 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down")
    );
    assert_eq!(host.stderr.last().map(String::as_str), Some("2026/01/01 00:01:00 [notice] 1#1: exit"));
}

#[test]
fn second_nginx_in_a_pod_cannot_bind() {
    let mut host = nginx_host();
    let mut first = nginx_process(&host, &[]);
    first.resume(&mut host);
    host.stderr.clear();
    let mut second = nginx_process(&host, &[]);
    assert_eq!(second.resume(&mut host), ProcessState::Exited(1));
    assert!(host
        .stderr
        .contains(&"nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)".to_string()));
    assert_eq!(host.stderr.last().map(String::as_str), Some("nginx: [emerg] still could not bind()"));
}

#[test]
fn agnhost_liveness_turns_unhealthy_after_ten_seconds() {
    let mut host = FakeHost::new();
    let entry = lookup("registry.k8s.io/e2e-test-images/agnhost").expect("agnhost");
    let argv = effective_argv(entry.entrypoint, entry.cmd, &[], &["liveness".to_string()]);
    let mut process =
        Process::spawn(&argv, &entry.toolbox("2.40", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Blocked);
    let server = host.network.listener(8080).map(|l| l.server.clone()).expect("listening on 8080");
    let at =
        |secs: u64| answer_http(&server, "GET", "/healthz", None, SimTime(secs * 1000)).map(|r| r.status);
    assert_eq!(at(9), Ok(200));
    assert_eq!(at(10), Ok(200));
    assert_eq!(at(11), Ok(500));
}

#[test]
fn stress_is_oom_killed_above_the_limit() {
    let entry = lookup("docker.io/polinux/stress").expect("stress");
    let args: Vec<String> =
        ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"].iter().map(|s| s.to_string()).collect();
    let argv = effective_argv(entry.entrypoint, entry.cmd, &["stress".to_string()], &args);
    let mut host = FakeHost::new();
    host.memory_limit = Some(100 * 1024 * 1024);
    let mut process =
        Process::spawn(&argv, &entry.toolbox("latest", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(137));
    assert_eq!(host.stdout, vec!["stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"]);

    let mut host = FakeHost::new();
    host.memory_limit = Some(200 * 1024 * 1024);
    let args: Vec<String> =
        ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"].iter().map(|s| s.to_string()).collect();
    let argv = effective_argv(entry.entrypoint, entry.cmd, &["stress".to_string()], &args);
    let mut process =
        Process::spawn(&argv, &entry.toolbox("latest", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Blocked);
    assert_eq!(host.memory_used, 150 * 1024 * 1024);
}

#[test]
fn pi_is_computed() {
    assert_eq!(pi_significant_digits(50), "3.1415926535897932384626433832795028841971693993751");
    assert_eq!(pi_significant_digits(3), "3.14");
    assert_eq!(pi_significant_digits(5), "3.1416");
    let long = pi_significant_digits(2000);
    assert_eq!(long.len(), 2001);
    // Digits 762–767 after the point are the Feynman point "999999".
    assert_eq!(&long[763..769], "999999");
}

#[test]
fn perl_job_prints_pi() {
    let entry = lookup("docker.io/library/perl").expect("perl");
    let command: Vec<String> =
        ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"].iter().map(|s| s.to_string()).collect();
    let mut host = FakeHost::new();
    let mut process =
        Process::spawn(&command, &entry.toolbox("5.34.0", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(run_until(&mut process, &mut host, SimTime(1_000)), ProcessState::Exited(0));
    assert_eq!(host.stdout.len(), 1);
    assert!(host.stdout[0].starts_with("3.14159265358979323846264338327950288419716939937510"));
    assert_eq!(host.stdout[0].len(), 2001);
}

#[test]
fn generic_image_serves_its_declared_ports() {
    let mut host = FakeHost::new();
    let toolbox = super::images::generic_toolbox(&[8080]);
    let argv = vec!["/app/server".to_string()];
    let mut process =
        Process::spawn(&argv, &toolbox, &host.fs, ProcessRole::Main { pid1: true }).expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Blocked);
    let server = host.network.listener(8080).map(|l| l.server.clone()).expect("listening");
    assert_eq!(answer_http(&server, "GET", "/anything", None, host.now).map(|r| r.status), Ok(200));
    assert_eq!(server.grpc_serving(), Some(true));
    let probe = vec!["/bin/check-health".to_string()];
    let mut exec = Process::spawn(&probe, &toolbox, &host.fs, ProcessRole::Exec).expect("spawn");
    assert_eq!(exec.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(process.signal(Signal::Term, &mut host), ProcessState::Exited(143));

    // No command at all: the image's own entrypoint serves.
    let mut host = FakeHost::new();
    let mut process =
        Process::spawn(&[], &toolbox, &host.fs, ProcessRole::Main { pid1: true }).expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Blocked);
    assert!(host.network.listener(8080).is_some());
}

#[test]
fn busybox_default_command_exits_at_once() {
    let entry = lookup("docker.io/library/busybox").expect("busybox");
    let argv = effective_argv(entry.entrypoint, entry.cmd, &[], &[]);
    assert_eq!(argv, vec!["sh".to_string()]);
    let mut host = FakeHost::new();
    let mut process =
        Process::spawn(&argv, &entry.toolbox("1.36", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
}

#[test]
fn probe_wording() {
    use super::host::NetError;
    use super::network::{http_probe_failure, http_probe_status};
    assert_eq!(
        http_probe_failure("10.244.1.5", 8081, "/healthz", NetError::ConnectionRefused),
        "Get \"http://10.244.1.5:8081/healthz\": dial tcp 10.244.1.5:8081: connect: connection refused"
    );
    assert_eq!(
        http_probe_failure("10.244.1.5", 8080, "/", NetError::Timeout),
        "Get \"http://10.244.1.5:8080/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
    );
    assert_eq!(http_probe_status(302), Ok(()));
    assert_eq!(http_probe_status(500), Err("HTTP probe failed with statuscode: 500".to_string()));
    let nginx = lookup("docker.io/library/nginx").expect("nginx");
    assert_eq!(nginx.size_for_tag("1.27"), 72_099_410);
    assert!(nginx.size_for_tag("1.27-alpine") < 25_000_000);
}

#[test]
fn cpu_demand_of_busy_processes() {
    let entry = lookup("docker.io/polinux/stress").expect("stress");
    let args: Vec<String> = ["--cpu", "2", "--timeout", "30s"].iter().map(|s| s.to_string()).collect();
    let argv = effective_argv(entry.entrypoint, entry.cmd, &["stress".to_string()], &args);
    let mut host = FakeHost::new();
    let mut process =
        Process::spawn(&argv, &entry.toolbox("latest", &[]), &host.fs, ProcessRole::Main { pid1: true })
            .expect("spawn");
    assert_eq!(process.resume(&mut host), ProcessState::Sleeping(SimDuration::from_secs(30)));
    assert_eq!(process.cpu_demand_millicores(), 2000);
    host.now = SimTime(30_000);
    assert_eq!(process.resume(&mut host), ProcessState::Exited(0));
    assert_eq!(
        host.stdout.last().map(String::as_str),
        Some("stress: info: [1] successful run completed in 30s")
    );
    assert_eq!(process.cpu_demand_millicores(), 0);
    let hpa = lookup("registry.k8s.io/hpa-example").expect("hpa-example");
    assert_eq!(hpa.cpu_per_request_micros, 5_000);
}

#[test]
fn nginx_access_log() {
    use super::host::HttpRequest;
    use super::network::access_log_line;
    let mut host = nginx_host();
    let server =
        ServerModel::Nginx { version: "1.27.5".to_string(), docroot: "/usr/share/nginx/html".to_string() };
    let request = HttpRequest {
        method: "GET".to_string(),
        host: "10.244.1.5".to_string(),
        port: 80,
        path: "/".to_string(),
        user_agent: "kube-probe/1.36".to_string(),
    };
    let response = answer_http(&server, "GET", "/", Some(host.fs()), SimTime::ZERO).expect("http");
    assert_eq!(
        access_log_line(&server, "10.244.1.1", &request, &response, 1_767_225_605),
        Some("10.244.1.1 - - [01/Jan/2026:00:00:05 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"kube-probe/1.36\" \"-\"".to_string())
    );
}
