//! The image catalog: one entry per image the simulation knows (adding an image = adding one
//! entry). An entry says which tags exist, how big the image is (for `Image size: N bytes` and
//! the pull time), what runs by default, which shell and utilities it carries, its stop
//! signal, and its default files. [`resolve`] turns a reference into a catalog entry, a
//! generic image (other registries and namespaces), or the registry's not-found error.

use super::filesystem::Volume;
use super::host::Signal;
use super::image_ref::ImageRef;
use super::programs::ImageProgram;
use super::shell::commands::{ShellFlavor, Toolbox, Userland};
use crate::sim::rng::SimRng;
use crate::sim::time::SimDuration;

/// A rule for the tags an image has: `M[.m[.p]]` within ranges, with allowed suffixes.
#[derive(Clone, Copy, Debug)]
pub enum TagRule {
    Exact(&'static str),
    Version { major: (u32, u32), minor: (u32, u32), max_patch: u32, suffixes: &'static [&'static str] },
}

impl TagRule {
    fn matches(&self, tag: &str) -> bool {
        match self {
            TagRule::Exact(exact) => tag == *exact,
            TagRule::Version { major, minor, max_patch, suffixes } => suffixes.iter().any(|suffix| {
                let Some(version) = tag.strip_suffix(suffix) else {
                    return false;
                };
                let parts: Vec<&str> = version.split('.').collect();
                let numbers: Option<Vec<u32>> = parts
                    .iter()
                    .map(|p| {
                        if p.is_empty() || (p.len() > 1 && p.starts_with('0')) {
                            None
                        } else {
                            p.parse().ok()
                        }
                    })
                    .collect();
                match numbers.as_deref() {
                    Some([m]) => (major.0..=major.1).contains(m),
                    Some([m, n]) => (major.0..=major.1).contains(m) && (minor.0..=minor.1).contains(n),
                    Some([m, n, p]) => {
                        (major.0..=major.1).contains(m) && (minor.0..=minor.1).contains(n) && p <= max_patch
                    }
                    _ => false,
                }
            }),
        }
    }
}

/// One catalogued image.
#[derive(Debug)]
pub struct ImageEntry {
    /// Registry and repository: `docker.io/library/nginx`.
    pub name: &'static str,
    pub tags: &'static [TagRule],
    /// Compressed size in bytes (what the kubelet reports after a pull).
    pub size_bytes: u64,
    /// CPU time one HTTP request costs the server, in microseconds (hpa-example computes
    /// square roots for every request: ~100 requests/s keep half a core busy).
    pub cpu_per_request_micros: u64,
    /// Resident memory of the default program once started (what `kubectl top` shows at rest).
    pub memory_bytes: u64,
    /// `ENTRYPOINT` and `CMD` of the image.
    pub entrypoint: &'static [&'static str],
    pub cmd: &'static [&'static str],
    pub userland: Userland,
    /// The shell behind `sh` (`None`: the image has no shell).
    pub shell: Option<ShellFlavor>,
    /// Whether `bash` exists too.
    pub has_bash: bool,
    pub extra_utilities: &'static [&'static str],
    pub missing_utilities: &'static [&'static str],
    /// The image's own programs by command name.
    pub programs: &'static [(&'static str, ImageProgram)],
    /// `STOPSIGNAL`.
    pub stop_signal: Signal,
    /// Files the image ships that matter to learners.
    pub files: &'static [(&'static str, &'static str)],
    /// The program version a tag stands for (`Server: nginx/1.27.5`).
    pub version: fn(&str) -> String,
}

/// How a reference resolves.
#[derive(Debug)]
pub enum Resolution {
    Found(&'static ImageEntry),
    /// An image outside the catalog from another registry or namespace: pulled and run as a
    /// generic long-lived server.
    Generic,
    /// The registry's error, as the CRI reports it.
    NotFound {
        message: String,
    },
}

/// The default page of nginx (615 bytes).
pub const NGINX_INDEX_HTML: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

const NGINX_50X_HTML: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n<p>If you are the system administrator of this resource then you should check\nthe error log for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n";

const HTTPD_INDEX_HTML: &str = "<html><body><h1>It works!</h1></body></html>\n";

const PHP_APACHE_INDEX: &str = "OK!";

const MYAPP_INDEX_HTML: &str = "Hello MyApp | Version: v1 | <a href=\"hostname.html\">Pod Name</a>\n";

const NO_SUFFIX: &[&str] = &[""];

fn nginx_version(tag: &str) -> String {
    let known =
        [("1.29", "1.29.3"), ("1.28", "1.28.0"), ("1.27", "1.27.5"), ("1.26", "1.26.3"), ("1.25", "1.25.5")];
    let base = tag.split('-').next().unwrap_or(tag);
    match base {
        "latest" | "mainline" | "alpine" | "perl" | "alpine-slim" | "" => "1.29.3".to_string(),
        "stable" => "1.28.0".to_string(),
        _ => known.iter().find(|(minor, _)| *minor == base).map(|(_, full)| full.to_string()).unwrap_or_else(
            || {
                if base.matches('.').count() == 2 {
                    base.to_string()
                } else {
                    format!("{base}.0")
                }
            },
        ),
    }
}

fn httpd_version(tag: &str) -> String {
    let base = tag.split('-').next().unwrap_or(tag);
    if base.starts_with("2.4") && base.matches('.').count() == 2 {
        base.to_string()
    } else {
        "2.4.65".to_string()
    }
}

fn tag_as_version(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_string()
}

const NGINX_PROGRAMS: &[(&str, ImageProgram)] = &[
    ("nginx", ImageProgram::Nginx),
    ("nginx-debug", ImageProgram::Nginx),
    ("/docker-entrypoint.sh", ImageProgram::NginxEntrypoint),
];

/// Every catalogued image.
pub static CATALOG: &[ImageEntry] = &[
    ImageEntry {
        name: "docker.io/library/nginx",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("stable"),
            TagRule::Exact("mainline"),
            TagRule::Exact("alpine"),
            TagRule::Exact("alpine-slim"),
            TagRule::Exact("perl"),
            TagRule::Exact("stable-alpine"),
            TagRule::Exact("mainline-alpine"),
            TagRule::Version {
                major: (1, 1),
                minor: (7, 29),
                max_patch: 12,
                suffixes: &["", "-alpine", "-alpine-slim", "-perl", "-alpine-perl", "-bookworm", "-bullseye"],
            },
        ],
        size_bytes: 72_099_410,
        cpu_per_request_micros: 100,
        memory_bytes: 3_350_000,
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &["curl"],
        missing_utilities: &["wget", "ps", "killall"],
        programs: NGINX_PROGRAMS,
        stop_signal: Signal::Quit,
        files: &[
            ("/usr/share/nginx/html/index.html", NGINX_INDEX_HTML),
            ("/usr/share/nginx/html/50x.html", NGINX_50X_HTML),
            ("/etc/nginx/nginx.conf", "user  nginx;\nworker_processes  auto;\n"),
        ],
        version: nginx_version,
    },
    ImageEntry {
        name: "registry.k8s.io/nginx-slim",
        tags: &[TagRule::Version { major: (0, 0), minor: (5, 27), max_patch: 0, suffixes: NO_SUFFIX }],
        size_bytes: 34_541_180,
        cpu_per_request_micros: 100,
        memory_bytes: 2_900_000,
        entrypoint: &[],
        cmd: &["nginx", "-g", "daemon off;"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: NGINX_PROGRAMS,
        stop_signal: Signal::Term,
        files: &[("/usr/share/nginx/html/index.html", NGINX_INDEX_HTML)],
        version: |_| "1.25.4".to_string(),
    },
    ImageEntry {
        name: "docker.io/library/busybox",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("stable"),
            TagRule::Exact("musl"),
            TagRule::Exact("glibc"),
            TagRule::Exact("uclibc"),
            TagRule::Version {
                major: (1, 1),
                minor: (21, 38),
                max_patch: 4,
                suffixes: &["", "-musl", "-glibc", "-uclibc"],
            },
        ],
        size_bytes: 2_160_406,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &[],
        cmd: &["sh"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "registry.k8s.io/busybox",
        tags: &[TagRule::Exact("latest"), TagRule::Exact("1.24"), TagRule::Exact("1.27.2")],
        size_bytes: 1_144_547,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &[],
        cmd: &["sh"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/radial/busyboxplus",
        tags: &[TagRule::Exact("latest"), TagRule::Exact("curl"), TagRule::Exact("git")],
        size_bytes: 4_226_748,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &[],
        cmd: &["/bin/sh"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &["curl"],
        missing_utilities: &[],
        programs: &[],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/alpine",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("edge"),
            TagRule::Version { major: (3, 3), minor: (1, 22), max_patch: 9, suffixes: NO_SUFFIX },
        ],
        size_bytes: 3_653_068,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &[],
        cmd: &["/bin/sh"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[],
        stop_signal: Signal::Term,
        files: &[("/etc/alpine-release", "3.22.1\n")],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/bash",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Version { major: (3, 5), minor: (0, 3), max_patch: 40, suffixes: &["", "-alpine3.22"] },
        ],
        size_bytes: 6_412_894,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["bash"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("docker-entrypoint.sh", ImageProgram::PassThrough)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/debian",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("stable"),
            TagRule::Exact("bookworm"),
            TagRule::Exact("bookworm-slim"),
            TagRule::Exact("trixie"),
            TagRule::Exact("bullseye"),
            TagRule::Version { major: (9, 13), minor: (0, 11), max_patch: 0, suffixes: &["", "-slim"] },
        ],
        size_bytes: 48_494_272,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &[],
        cmd: &["bash"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/perl",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("stable"),
            TagRule::Exact("slim"),
            TagRule::Exact("threaded"),
            TagRule::Version {
                major: (5, 5),
                minor: (8, 42),
                max_patch: 4,
                suffixes: &["", "-slim", "-threaded", "-bookworm", "-slim-bookworm"],
            },
        ],
        size_bytes: 334_231_812,
        cpu_per_request_micros: 100,
        memory_bytes: 4_000_000,
        entrypoint: &[],
        cmd: &["perl", "-de0"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &["curl", "wget"],
        missing_utilities: &[],
        programs: &[("perl", ImageProgram::Perl)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/python",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("slim"),
            TagRule::Exact("alpine"),
            TagRule::Version { major: (3, 3), minor: (6, 14), max_patch: 12, suffixes: &["", "-slim", "-alpine"] },
        ],
        size_bytes: 412_436_990,
        cpu_per_request_micros: 100,
        memory_bytes: 9_000_000,
        entrypoint: &[],
        cmd: &["python3"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &["curl", "wget"],
        missing_utilities: &[],
        programs: &[("python3", ImageProgram::Python), ("python", ImageProgram::Python)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/redis",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("alpine"),
            TagRule::Version { major: (2, 8), minor: (0, 4), max_patch: 20, suffixes: &["", "-alpine", "-bookworm"] },
        ],
        size_bytes: 45_327_591,
        cpu_per_request_micros: 100,
        memory_bytes: 3_600_000,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["redis-server"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[
            ("docker-entrypoint.sh", ImageProgram::PassThrough),
            ("redis-server", ImageProgram::TcpServer { name: "redis", port: 6379, grpc: false, stop_exit: 0 }),
            ("redis-cli", ImageProgram::Client { output: "PONG" }),
        ],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower",
        tags: &[TagRule::Exact("v1"), TagRule::Exact("v2")],
        size_bytes: 38_940_553,
        cpu_per_request_micros: 100,
        memory_bytes: 3_600_000,
        entrypoint: &[],
        cmd: &["redis-server"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[
            ("redis-server", ImageProgram::TcpServer { name: "redis", port: 6379, grpc: false, stop_exit: 0 }),
            ("redis-cli", ImageProgram::Client { output: "PONG" }),
        ],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/httpd",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("alpine"),
            TagRule::Version { major: (2, 2), minor: (2, 4), max_patch: 65, suffixes: &["", "-alpine", "-bookworm"] },
        ],
        size_bytes: 58_312_741,
        cpu_per_request_micros: 100,
        memory_bytes: 6_400_000,
        entrypoint: &[],
        cmd: &["httpd-foreground"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[("httpd-foreground", ImageProgram::Httpd), ("httpd", ImageProgram::Httpd)],
        stop_signal: Signal::Winch,
        files: &[("/usr/local/apache2/htdocs/index.html", HTTPD_INDEX_HTML)],
        version: httpd_version,
    },
    ImageEntry {
        name: "registry.k8s.io/hpa-example",
        tags: &[TagRule::Exact("latest")],
        size_bytes: 186_548_126,
        cpu_per_request_micros: 5_000,
        memory_bytes: 9_800_000,
        entrypoint: &[],
        cmd: &["apache2-foreground"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[("apache2-foreground", ImageProgram::Httpd)],
        stop_signal: Signal::Winch,
        files: &[("/var/www/html/index.php", PHP_APACHE_INDEX), ("/usr/local/apache2/htdocs/index.html", PHP_APACHE_INDEX)],
        version: |_| "2.4.10".to_string(),
    },
    ImageEntry {
        name: "docker.io/ikubernetes/myapp",
        tags: &[TagRule::Exact("v1"), TagRule::Exact("v2"), TagRule::Exact("v3")],
        size_bytes: 6_351_648,
        cpu_per_request_micros: 100,
        memory_bytes: 1_900_000,
        entrypoint: &[],
        cmd: &["nginx", "-g", "daemon off;"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("nginx", ImageProgram::Nginx)],
        stop_signal: Signal::Term,
        files: &[("/usr/share/nginx/html/index.html", MYAPP_INDEX_HTML)],
        version: |_| "1.12.2".to_string(),
    },
    ImageEntry {
        name: "docker.io/library/ghost",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("alpine"),
            TagRule::Version { major: (1, 6), minor: (0, 130), max_patch: 12, suffixes: &["", "-alpine"] },
        ],
        size_bytes: 201_432_118,
        cpu_per_request_micros: 100,
        memory_bytes: 120_000_000,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "current/index.js"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[
            ("docker-entrypoint.sh", ImageProgram::PassThrough),
            ("node", ImageProgram::HttpApp { port: 2368, body: "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Ghost</title></head>\n<body></body>\n</html>\n" }),
        ],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/mysql",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("lts"),
            TagRule::Version { major: (5, 9), minor: (0, 7), max_patch: 44, suffixes: &["", "-debian", "-oracle"] },
        ],
        size_bytes: 170_981_239,
        cpu_per_request_micros: 100,
        memory_bytes: 380_000_000,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["mysqld"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[
            ("docker-entrypoint.sh", ImageProgram::PassThrough),
            ("mysqld", ImageProgram::TcpServer { name: "mysqld", port: 3306, grpc: false, stop_exit: 0 }),
            ("mysqladmin", ImageProgram::Client { output: "mysqld is alive" }),
            ("mysql", ImageProgram::Client { output: "1\n1" }),
        ],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/library/wordpress",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Exact("apache"),
            TagRule::Version { major: (4, 6), minor: (0, 8), max_patch: 9, suffixes: &["", "-apache", "-php8.2-apache", "-fpm"] },
        ],
        size_bytes: 252_786_125,
        cpu_per_request_micros: 100,
        memory_bytes: 24_000_000,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["apache2-foreground"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &["curl"],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[("docker-entrypoint.sh", ImageProgram::PassThrough), ("apache2-foreground", ImageProgram::Httpd)],
        stop_signal: Signal::Winch,
        files: &[("/var/www/html/index.html", HTTPD_INDEX_HTML), ("/usr/local/apache2/htdocs/index.html", HTTPD_INDEX_HTML)],
        version: |_| "2.4.62".to_string(),
    },
    ImageEntry {
        name: "registry.k8s.io/e2e-test-images/agnhost",
        tags: &[TagRule::Version { major: (2, 2), minor: (10, 60), max_patch: 0, suffixes: NO_SUFFIX }],
        size_bytes: 51_253_714,
        cpu_per_request_micros: 100,
        memory_bytes: 6_200_000,
        entrypoint: &["/agnhost"],
        cmd: &["pause"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &["curl"],
        missing_utilities: &[],
        programs: &[("/agnhost", ImageProgram::Agnhost), ("agnhost", ImageProgram::Agnhost)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "registry.k8s.io/liveness",
        tags: &[TagRule::Exact("latest")],
        size_bytes: 2_317_296,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &["/server"],
        cmd: &[],
        userland: Userland::Busybox,
        shell: None,
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("/server", ImageProgram::LivenessServer)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "registry.k8s.io/etcd",
        tags: &[TagRule::Version { major: (3, 3), minor: (0, 6), max_patch: 21, suffixes: &["", "-0", "-1", "-2"] }],
        size_bytes: 57_680_541,
        cpu_per_request_micros: 100,
        memory_bytes: 24_000_000,
        entrypoint: &[],
        cmd: &["/usr/local/bin/etcd"],
        userland: Userland::Busybox,
        shell: None,
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("etcd", ImageProgram::TcpServer { name: "etcd", port: 2379, grpc: true, stop_exit: 0 })],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "registry.k8s.io/pause",
        tags: &[
            TagRule::Exact("latest"),
            TagRule::Version { major: (0, 3), minor: (0, 10), max_patch: 0, suffixes: NO_SUFFIX },
        ],
        size_bytes: 320_368,
        cpu_per_request_micros: 100,
        memory_bytes: 290_000,
        entrypoint: &["/pause"],
        cmd: &[],
        userland: Userland::Busybox,
        shell: None,
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("/pause", ImageProgram::Pause)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/polinux/stress",
        tags: &[TagRule::Exact("latest"), TagRule::Exact("1.0.4")],
        size_bytes: 4_041_406,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &[],
        cmd: &["stress", "--help"],
        userland: Userland::Busybox,
        shell: Some(ShellFlavor::Ash),
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("stress", ImageProgram::Stress)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "docker.io/vish/stress",
        tags: &[TagRule::Exact("latest")],
        size_bytes: 1_565_146,
        cpu_per_request_micros: 100,
        memory_bytes: 1_048_576,
        entrypoint: &["/stress", "-logtostderr"],
        cmd: &[],
        userland: Userland::Busybox,
        shell: None,
        has_bash: false,
        extra_utilities: &[],
        missing_utilities: &[],
        programs: &[("/stress", ImageProgram::Stress)],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend",
        tags: &[TagRule::Exact("v4"), TagRule::Exact("v5"), TagRule::Exact("v6")],
        size_bytes: 167_842_416,
        cpu_per_request_micros: 100,
        memory_bytes: 12_000_000,
        entrypoint: &[],
        cmd: &["apache2-foreground"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &["curl"],
        missing_utilities: &["wget", "ps", "killall"],
        programs: &[("apache2-foreground", ImageProgram::Httpd)],
        stop_signal: Signal::Winch,
        files: &[("/var/www/html/index.html", "<html ng-app=\"redis\">\n  <head>\n    <title>Guestbook</title>\n  </head>\n</html>\n"), ("/usr/local/apache2/htdocs/index.html", "<html ng-app=\"redis\">\n  <head>\n    <title>Guestbook</title>\n  </head>\n</html>\n")],
        version: |_| "2.4.10".to_string(),
    },
    ImageEntry {
        name: "gcr.io/google-samples/cassandra",
        tags: &[TagRule::Exact("v13"), TagRule::Exact("v14")],
        size_bytes: 112_403_722,
        cpu_per_request_micros: 100,
        memory_bytes: 520_000_000,
        entrypoint: &[],
        cmd: &["/run.sh"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "killall"],
        programs: &[
            ("/run.sh", ImageProgram::TcpServer { name: "cassandra", port: 9042, grpc: false, stop_exit: 143 }),
            ("/ready-probe.sh", ImageProgram::Client { output: "" }),
            ("nodetool", ImageProgram::Client { output: "" }),
        ],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
    ImageEntry {
        name: "registry.k8s.io/kubernetes-zookeeper",
        tags: &[TagRule::Exact("1.0-3.4.10")],
        size_bytes: 122_650_211,
        cpu_per_request_micros: 100,
        memory_bytes: 95_000_000,
        entrypoint: &[],
        cmd: &["start-zookeeper"],
        userland: Userland::Gnu,
        shell: Some(ShellFlavor::Dash),
        has_bash: true,
        extra_utilities: &[],
        missing_utilities: &["wget", "killall"],
        programs: &[
            ("start-zookeeper", ImageProgram::TcpServer { name: "zookeeper", port: 2181, grpc: false, stop_exit: 143 }),
            ("zookeeper-ready", ImageProgram::Client { output: "imok" }),
        ],
        stop_signal: Signal::Term,
        files: &[],
        version: tag_as_version,
    },
];

/// Registry names that are aliases of another (`k8s.gcr.io` redirects to `registry.k8s.io`).
fn canonical_name(reference: &ImageRef) -> String {
    let registry = match reference.registry.as_str() {
        "k8s.gcr.io" => "registry.k8s.io",
        "index.docker.io" | "registry-1.docker.io" => "docker.io",
        other => other,
    };
    let repository = match (registry, reference.repository.as_str()) {
        ("gcr.io", "google-samples/gb-frontend")
        | ("docker.io", "paulczar/gb-frontend")
        | ("docker.io", "corelab/gb-frontend") => {
            return "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend".to_string()
        }
        ("gcr.io", "google_containers/busybox") => return "registry.k8s.io/busybox".to_string(),
        ("registry.k8s.io", "e2e-test-images/busybox") => return "registry.k8s.io/busybox".to_string(),
        (_, repository) => repository,
    };
    format!("{registry}/{repository}")
}

/// The catalog entry for a repository name, if any.
pub fn lookup(name: &str) -> Option<&'static ImageEntry> {
    CATALOG.iter().find(|entry| entry.name == name)
}

/// The error a pull of a non-existent tag gets.
pub fn tag_not_found_message(reference: &ImageRef) -> String {
    let full = reference.normalized();
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
    )
}

/// The error a pull of a non-existent repository gets.
pub fn repository_not_found_message(reference: &ImageRef) -> String {
    let full = reference.normalized();
    format!(
        "rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
    )
}

/// Names that say they do not exist (`non-existing-repo/non-existing-image`): the docs use
/// them to show pull failures, so they fail here too.
fn names_missing_repository(repository: &str) -> bool {
    ["non-existing", "nonexistent", "non-existent", "doesnotexist", "does-not-exist"]
        .iter()
        .any(|marker| repository.contains(marker))
}

/// Resolves a reference against the catalog.
pub fn resolve(reference: &ImageRef) -> Resolution {
    let name = canonical_name(reference);
    if let Some(entry) = lookup(&name) {
        // A digest pins the content: the runtime pulls by digest and ignores any tag beside it
        // (`busybox:1.38.0@sha256:…`).
        if reference.digest.is_some() {
            return Resolution::Found(entry);
        }
        let tag = reference.tag_or_latest();
        if entry.tags.iter().any(|rule| rule.matches(tag)) {
            return Resolution::Found(entry);
        }
        return Resolution::NotFound { message: tag_not_found_message(reference) };
    }
    if reference.is_official_candidate() || names_missing_repository(&reference.repository) {
        return Resolution::NotFound { message: repository_not_found_message(reference) };
    }
    Resolution::Generic
}

/// The size a generic image reports (deterministic from its name: 20–120 MB).
pub fn generic_size(reference: &ImageRef) -> u64 {
    let hash = reference
        .normalized()
        .bytes()
        .fold(1_469_598_103_934_665_603u64, |h, b| (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211));
    20_000_000 + hash % 100_000_000
}

/// How long a pull takes: ~2 s to resolve and set up, the layers at ~25 MB/s, and up to 0.5 s
/// of jitter.
pub fn pull_duration(size_bytes: u64, rng: &mut SimRng) -> SimDuration {
    let transfer_ms = size_bytes / 25_000;
    SimDuration::from_millis(2_000 + transfer_ms + rng.below(500))
}

impl ImageEntry {
    /// The compressed size of a tag: alpine and slim variants are much smaller than the
    /// Debian-based default (nginx:1.27 72 MB, nginx:1.27-alpine ≈ 21 MB).
    pub fn size_for_tag(&self, tag: &str) -> u64 {
        if tag.contains("alpine") && !self.name.ends_with("/alpine") {
            self.size_bytes * 29 / 100
        } else if tag.contains("slim") {
            self.size_bytes * 45 / 100
        } else {
            self.size_bytes
        }
    }

    /// What processes in a container of this image can run.
    pub fn toolbox(&self, tag: &str, declared_ports: &[u16]) -> Toolbox {
        Toolbox {
            userland: self.userland,
            flavor: self.shell.unwrap_or(ShellFlavor::Ash),
            has_shell: self.shell.is_some(),
            has_bash: self.has_bash,
            extra_utilities: self.extra_utilities.to_vec(),
            missing_utilities: self.missing_utilities.to_vec(),
            programs: self.programs.to_vec(),
            generic: false,
            declared_ports: declared_ports.to_vec(),
            version: (self.version)(tag),
            main_container: true,
        }
    }
}

/// The directories every image has, for a container's own layer.
pub const STANDARD_DIRS: &[&str] = &[
    "/bin",
    "/dev",
    "/etc",
    "/home",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/tmp",
    "/usr/bin",
    "/usr/local/bin",
    "/usr/sbin",
    "/var/log",
    "/var/run",
];

/// A container's own layer: the standard directories plus the image's files (`None`: an
/// image the catalog does not know).
pub fn root_volume(entry: Option<&ImageEntry>) -> Volume {
    let mut volume = Volume::new();
    for dir in STANDARD_DIRS {
        volume.put_dir(dir);
    }
    for (path, content) in entry.map(|e| e.files).unwrap_or(&[]) {
        volume.put_file(path, content);
    }
    volume
}

/// The toolbox of a generic image: a busybox-like userland with `sh` and `bash` (most images
/// built for such manifests carry them) and a server of its own.
pub fn generic_toolbox(declared_ports: &[u16]) -> Toolbox {
    Toolbox {
        userland: Userland::Busybox,
        flavor: ShellFlavor::Ash,
        has_shell: true,
        has_bash: true,
        extra_utilities: Vec::new(),
        missing_utilities: Vec::new(),
        programs: Vec::new(),
        generic: true,
        declared_ports: declared_ports.to_vec(),
        version: String::new(),
        main_container: true,
    }
}
