//! Kubernetes' `$(VAR)` expansion in `command` and `args` (and env values): `$(VAR)` becomes
//! the variable's value when it is defined, stays as written when it is not, and `$$(VAR)`
//! escapes to a literal `$(VAR)` (src: `third_party/forked/golang/expansion`).

use super::host::env_lookup;

/// Expands `$(VAR)` references in `text` from `env` (ordered as the container's environment;
/// the last definition of a name wins).
pub fn expand_k8s_vars(text: &str, env: &[(String, String)]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                // `$$` is an escaped `$`.
                out.push('$');
                i += 2;
            }
            Some('(') => {
                let close = chars[i + 2..].iter().position(|&c| c == ')');
                match close {
                    Some(offset) => {
                        let name: String = chars[i + 2..i + 2 + offset].iter().collect();
                        match env_lookup(env, &name) {
                            Some(value) => out.push_str(value),
                            None => {
                                out.push_str("$(");
                                out.push_str(&name);
                                out.push(')');
                            }
                        }
                        i += offset + 3;
                    }
                    None => {
                        out.extend(&chars[i..]);
                        break;
                    }
                }
            }
            Some(other) => {
                out.push('$');
                out.push(*other);
                i += 2;
            }
            None => {
                out.push('$');
                i += 1;
            }
        }
    }
    out
}
