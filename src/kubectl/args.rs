//! Command-line flags in kubectl's grammar: `-n ns`, `-n=ns`, `--namespace ns`,
//! `--namespace=ns`, repeated `-f`, boolean flags, and positional arguments in any order.

/// Parsed arguments of one kubectl command.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    /// Positional arguments, in order.
    pub positional: Vec<String>,
    /// Flags with their values, by long name, in order (repeated flags keep every value).
    pub flags: Vec<(String, String)>,
}

/// Short flags and the long name they stand for.
const SHORT: &[(&str, &str)] = &[
    ("f", "filename"),
    ("n", "namespace"),
    ("o", "output"),
    ("l", "selector"),
    ("A", "all-namespaces"),
    ("w", "watch"),
    ("c", "container"),
    ("p", "previous"),
    ("R", "recursive"),
    ("k", "kustomize"),
    ("L", "label-columns"),
    ("i", "stdin"),
    ("t", "tty"),
    ("q", "quiet"),
];

/// Flags that take no value.
const BOOLEAN: &[&str] = &[
    "all-namespaces",
    "watch",
    "force",
    "all",
    "now",
    "show-labels",
    "previous",
    "recursive",
    "no-headers",
    "ignore-not-found",
    "overwrite",
    "wait",
    "dry-run",
    "server-side",
    "force-conflicts",
    "ignore-daemonsets",
    "delete-emptydir-data",
    "delete-local-data",
    "disable-eviction",
    "containers",
    "sum",
    "show-capacity",
    "watch-only",
    "stdin",
    "tty",
    "quiet",
    "rm",
    "attach",
    "output-watch-events",
    "validate",
    "command",
    "client",
];

/// Every long flag that takes a value some kubectl command Podlab runs accepts (and kubectl's
/// global flags); with [`BOOLEAN`], anything else is kubectl's `unknown flag` error.
const KNOWN: &[&str] = &[
    "aggregation-rule",
    "all-containers",
    "allow-missing-template-keys",
    "annotation",
    "annotations",
    "api-group",
    "api-version",
    "append-hash",
    "as",
    "as-group",
    "as-uid",
    "cache-dir",
    "cascade",
    "cert",
    "certificate-authority",
    "chunk-size",
    "class",
    "client-certificate",
    "client-key",
    "cluster",
    "cluster-ip",
    "clusterip",
    "clusterrole",
    "container",
    "container-port",
    "context",
    "cpu",
    "cpu-percent",
    "current-replicas",
    "default-backend",
    "default-container",
    "disable-compression",
    "docker-email",
    "docker-password",
    "docker-server",
    "docker-username",
    "dry-run-strategy",
    "edit-last-applied",
    "env",
    "env-from",
    "expose",
    "external-ip",
    "external-name",
    "field-manager",
    "field-selector",
    "fieldpath",
    "filename",
    "filter-schema-version",
    "follow",
    "for",
    "from",
    "from-env-file",
    "from-file",
    "from-literal",
    "generator",
    "grace-period",
    "hostname",
    "hostport",
    "http-port",
    "ignore-errors",
    "image",
    "image-pull-policy",
    "insecure-skip-tls-verify",
    "keep-annotations",
    "key",
    "key-file",
    "kubeconfig",
    "kustomize",
    "label-columns",
    "labels",
    "limit-bytes",
    "limits",
    "list",
    "load-balancer-ip",
    "local",
    "log-flush-frequency",
    "match-server-version",
    "max",
    "max-log-requests",
    "memory",
    "min",
    "name",
    "namespace",
    "namespaced",
    "node-port",
    "non-blocking",
    "non-resource-url",
    "only-attach",
    "output",
    "output-directory",
    "overrides",
    "password",
    "patch",
    "pod-running-timeout",
    "pod-selector",
    "port",
    "prefix",
    "prefix-from",
    "privileged",
    "profile",
    "profile-output",
    "protocol",
    "prune",
    "raw",
    "record",
    "replicas",
    "replicas-count",
    "request-timeout",
    "requests",
    "resolve",
    "resource",
    "resource-name",
    "resource-version",
    "restart",
    "revision",
    "role",
    "rule",
    "save-config",
    "schedule",
    "selector",
    "selector-key",
    "server",
    "service-account",
    "serviceaccount",
    "session-affinity",
    "show-events",
    "show-kind",
    "show-managed-fields",
    "since",
    "since-time",
    "skip-wait-for-delete-timeout",
    "sort-by",
    "subresource",
    "tail",
    "target-port",
    "tcp",
    "tcp-port",
    "template",
    "timeout",
    "timestamps",
    "tls-server-name",
    "to-revision",
    "token",
    "type",
    "types",
    "user",
    "username",
    "v",
    "value",
    "values",
    "verb",
    "wait-for-deletion",
    "warnings-as-errors",
];

impl Args {
    /// Parses `words` (the command name already removed).
    pub fn parse(words: &[String]) -> Result<Args, String> {
        let mut args = Args::default();
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            if word == "--" {
                args.positional.extend(words[i..].iter().cloned());
                break;
            }
            let (name, inline) = if let Some(long) = word.strip_prefix("--") {
                match long.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (long.to_string(), None),
                }
            } else if let Some(mut short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
                // Boolean shorthands group (`-it`); the last letter may take a value (`-itn dev`).
                loop {
                    let (letter, rest) =
                        short.split_at(short.chars().next().map(char::len_utf8).unwrap_or(0));
                    let Some((_, long)) = SHORT.iter().find(|(s, _)| *s == letter) else {
                        return Err(format!("error: unknown shorthand flag: '{letter}' in {word}"));
                    };
                    if BOOLEAN.contains(long) && !rest.is_empty() && !rest.starts_with('=') {
                        args.flags.push((long.to_string(), "true".into()));
                        short = rest;
                        continue;
                    }
                    let value = rest.strip_prefix('=').unwrap_or(rest);
                    break (long.to_string(), (!value.is_empty()).then(|| value.to_string()));
                }
            } else {
                args.positional.push(word.clone());
                continue;
            };
            if !KNOWN.contains(&name.as_str()) && !BOOLEAN.contains(&name.as_str()) {
                return Err(format!("error: unknown flag: --{name}"));
            }
            let value = match inline {
                Some(v) => v,
                None if BOOLEAN.contains(&name.as_str()) => "true".into(),
                None => match words.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => return Err(format!("error: flag needs an argument: --{name}")),
                },
            };
            args.flags.push((name, value));
        }
        Ok(args)
    }

    /// The last value of a flag.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated flag.
    pub fn flag_values(&self, name: &str) -> Vec<&str> {
        self.flags.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Whether a boolean flag is on.
    pub fn bool_flag(&self, name: &str) -> bool {
        self.flag(name).is_some_and(|v| v != "false")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Args {
        Args::parse(&line.split_whitespace().map(String::from).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn unknown_flags_and_grouped_shorthands() {
        let words = |line: &str| line.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(Args::parse(&words("pods --colour")), Err("error: unknown flag: --colour".into()));
        assert_eq!(Args::parse(&words("pods -x")), Err("error: unknown shorthand flag: 'x' in -x".into()));
        let args = parse("busybox -it --rm --image=busybox -n dev");
        assert!(args.bool_flag("stdin") && args.bool_flag("tty") && args.bool_flag("rm"));
        assert_eq!(args.flag("namespace"), Some("dev"));
        assert_eq!(parse("pods -wn dev").flag("namespace"), Some("dev"));
    }

    #[test]
    fn flags_parse_in_every_form() {
        let args = parse("pods -n dev -o=yaml --selector=app=web -A web -f a.yaml -fb.yaml");
        assert_eq!(args.positional, ["pods", "web"]);
        assert_eq!(args.flag("namespace"), Some("dev"));
        assert_eq!(args.flag("output"), Some("yaml"));
        assert_eq!(args.flag("selector"), Some("app=web"));
        assert!(args.bool_flag("all-namespaces"));
        assert_eq!(args.flag_values("filename"), ["a.yaml", "b.yaml"]);
    }
}
