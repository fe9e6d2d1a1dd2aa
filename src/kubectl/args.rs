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
    "output-watch-events",
    "validate",
    "command",
    "client",
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
            } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
                let (letter, rest) = short.split_at(short.chars().next().map(char::len_utf8).unwrap_or(0));
                let Some((_, long)) = SHORT.iter().find(|(s, _)| *s == letter) else {
                    return Err(format!("error: unknown shorthand flag: '{letter}' in {word}"));
                };
                let value = rest.strip_prefix('=').unwrap_or(rest);
                (long.to_string(), (!value.is_empty()).then(|| value.to_string()))
            } else {
                args.positional.push(word.clone());
                continue;
            };
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
