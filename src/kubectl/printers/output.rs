//! The `-o` formats that work on any object as JSON: `name`, `yaml`, `json`,
//! `custom-columns=…`, `jsonpath=…`, and `--sort-by`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::jsonpath::{relaxed, value_text, Template};
use super::tabwriter::GET_TABLE;

/// `kind[.group]/name` as `-o name` and mutation messages print it: `pod/web`,
/// `deployment.apps/web`.
pub fn resource_name(object: &Value) -> String {
    let kind = object["kind"].as_str().unwrap_or_default().to_lowercase();
    let group = object["apiVersion"].as_str().and_then(|v| v.split_once('/')).map(|(g, _)| g).unwrap_or("");
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

/// What `kubectl get` writes to stderr when nothing matched: `No resources found in default
/// namespace.` for namespaced kinds, `No resources found` for cluster-scoped kinds and `-A`.
pub fn no_resources_found(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".to_string(),
    }
}

/// `-o name`: one `kind/name` per line.
pub fn names(objects: &[Value]) -> String {
    objects.iter().map(|o| format!("{}\n", resource_name(o))).collect()
}

/// Recursively sorts object keys: kubectl prints from maps, so keys come out alphabetically.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&map[k]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// What `-o yaml|json` prints: the object itself for a single named object, else a `List`.
pub fn document(objects: &[Value], as_list: bool) -> Value {
    match objects {
        [one] if !as_list => sorted(one),
        _ => sorted(&serde_json::json!({
            "apiVersion": "v1",
            "items": objects,
            "kind": "List",
            "metadata": {"resourceVersion": ""},
        })),
    }
}

/// `-o json`: four-space indentation, keys sorted, `<`, `>` and `&` escaped as Go does.
pub fn to_json(objects: &[Value], as_list: bool) -> String {
    let doc = document(objects, as_list);
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buf, formatter);
    if doc.serialize(&mut serializer).is_err() {
        return String::new();
    }
    let text = String::from_utf8(buf).unwrap_or_default();
    // Those characters only occur inside JSON strings, where Go escapes them.
    let text = text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    format!("{text}\n")
}

/// `-o yaml`: keys sorted, and strings quoted the way Go's YAML encoder quotes them.
pub fn to_yaml(objects: &[Value], as_list: bool) -> String {
    let doc = document(objects, as_list);
    let text = serde_yaml::to_string(&doc).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    // Indentation of the line that opened a block scalar (`key: |`): deeper lines are its
    // content and must stay verbatim.
    let mut block_owner: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(owner) = block_owner {
            if line.trim().is_empty() || indent > owner {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block_owner = None;
        }
        let value = line.trim_end();
        if value.ends_with(['|', '>'])
            || value.ends_with("|-")
            || value.ends_with("|+")
            || value.ends_with(">-")
        {
            block_owner = Some(indent);
        }
        out.push_str(&go_quoting(line));
        out.push('\n');
    }
    out
}

/// Whether Go's YAML 1.1 encoder would read `s` as something other than a string (number,
/// bool, null), so that it must double-quote it.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: [&str; 26] = [
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true",
        "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off",
    ];
    if WORDS.contains(&s) || s == "OFF" {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let digits = body.replace('_', "");
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let float_like = digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && digits.chars().any(|c| c.is_ascii_digit());
    float_like && digits.parse::<f64>().is_ok()
}

/// Words that are booleans in YAML 1.1 but plain strings in YAML 1.2.
const YAML11_ONLY_BOOLEANS: [&str; 16] =
    ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"];

/// Rewrites one line of serde_yaml output so its value is quoted as Go's encoder quotes it:
/// strings that read as numbers, booleans or null are double-quoted (`"80"`, `""`, `"yes"`),
/// other strings needing quotes stay single-quoted.
fn go_quoting(line: &str) -> String {
    let indent = line.len() - line.trim_start_matches([' ', '-']).len();
    let (head, rest) = line.split_at(indent);
    let (key, value) = if rest.starts_with('\'') || rest.starts_with('"') {
        ("", rest)
    } else {
        match rest.find(": ") {
            Some(at) => rest.split_at(at + 2),
            None => ("", rest),
        }
    };
    if key.is_empty() && head.trim().is_empty() {
        // A key line with a nested value, or a continuation line of a block scalar.
        return line.to_string();
    }
    let quoted = if value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'') {
        let inner = value[1..value.len() - 1].replace("''", "'");
        resolves_to_non_string(&inner).then_some(inner)
    } else if YAML11_ONLY_BOOLEANS.contains(&value) {
        // serde_yaml (YAML 1.2) leaves these plain; Go's YAML 1.1 encoder quotes them.
        Some(value.to_string())
    } else {
        None
    };
    match quoted {
        Some(text) => format!("{head}{key}\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")),
        None => line.to_string(),
    }
}

/// One `HEADER:path` column of `-o custom-columns`.
#[derive(Clone, Debug)]
pub struct CustomColumn {
    pub header: String,
    template: Template,
}

/// Parses `NAME:.metadata.name,PHASE:.status.phase`.
pub fn parse_custom_columns(spec: &str) -> Result<Vec<CustomColumn>, String> {
    if spec.trim().is_empty() {
        return Err("error: custom-columns format specified but no custom columns given".to_string());
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part.split_once(':').ok_or_else(|| {
                format!("error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
            })?;
            let template = Template::parse(&relaxed(path).map_err(|e| format!("error: {e}"))?)
                .map_err(|e| format!("error: {e}"))?;
            Ok(CustomColumn { header: header.to_string(), template })
        })
        .collect()
}

/// Go's `%v` of a decoded JSON value, as custom columns print cells.
fn go_value(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!("[{}]", items.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys.iter().map(|k| format!("{k}:{}", go_value(&map[*k]))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// `-o custom-columns`: headers as given, `<none>` for missing values, several values joined
/// with commas.
pub fn custom_columns(columns: &[CustomColumn], objects: &[Value], no_headers: bool) -> String {
    let mut text = String::new();
    if !no_headers {
        text.push_str(&columns.iter().map(|c| c.header.as_str()).collect::<Vec<_>>().join("\t"));
        text.push('\n');
    }
    for object in objects {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| {
                let values = c.template.values(object);
                if values.is_empty() {
                    "<none>".to_string()
                } else {
                    values.iter().map(|v| go_value(v)).collect::<Vec<_>>().join(",")
                }
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    GET_TABLE.format(&text)
}

/// `-o jsonpath=TEMPLATE` over what `-o json` would print (a single object, or a List).
pub fn jsonpath(template: &str, objects: &[Value], as_list: bool) -> Result<String, String> {
    let parsed = Template::parse(template).map_err(|e| format!("error: {e}"))?;
    Ok(parsed.execute(&document(objects, as_list)))
}

/// `--sort-by=EXPR`: stable sort by the value at `expr` (numbers numerically, others by text;
/// objects without the field first).
pub fn sort_by(objects: &mut [Value], expression: &str) -> Result<(), String> {
    let template = Template::parse(&relaxed(expression).map_err(|e| format!("error: {e}"))?)
        .map_err(|e| format!("error: {e}"))?;
    let key = |o: &Value| -> (u8, f64, String) {
        match template.values(o).first() {
            None => (0, 0.0, String::new()),
            Some(v) => match v.as_f64() {
                Some(n) => (1, n, String::new()),
                None => (2, 0.0, value_text(v)),
            },
        }
    };
    objects.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(ka.2.cmp(&kb.2))
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, phase: Option<&str>, created: &str) -> Value {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": created}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}});
        if let Some(phase) = phase {
            p["status"] = json!({"phase": phase});
        }
        p
    }

    #[test]
    fn empty_results_message() {
        assert_eq!(no_resources_found(Some("default")), "No resources found in default namespace.");
        assert_eq!(no_resources_found(None), "No resources found");
    }

    #[test]
    fn names_carry_group() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}});
        assert_eq!(names(&[pod("web", None, "x"), d]), "pod/web\ndeployment.apps/web\n");
    }

    #[test]
    fn custom_columns_with_missing_values() {
        let cols =
            parse_custom_columns("NAME:.metadata.name,PHASE:.status.phase,IMAGES:.spec.containers[*].image")
                .expect("spec");
        let out = custom_columns(
            &cols,
            &[pod("short-task", Some("Succeeded"), "x"), pod("pending", None, "x")],
            false,
        );
        assert_eq!(out, "NAME         PHASE       IMAGES\nshort-task   Succeeded   nginx\npending      <none>      nginx\n");
        assert!(parse_custom_columns("NAME").unwrap_err().contains("expected <header>:<json-path-expr>"));
    }

    #[test]
    fn yaml_list_wrapper_and_sorted_keys() {
        let out = to_yaml(&[json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}})], true);
        assert_eq!(
            out,
            "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
    }

    #[test]
    fn yaml_quotes_like_go() {
        let v = json!({"a": "80", "b": "", "c": "yes", "d": "port: '80'\nflag: yes\n", "e": "1.27", "f": "it's", "g": "*",
            "h": "a: b", "i": ["x", "1"], "k": "true", "n": 80, "o": true, "p": null, "q": "plain text"});
        assert_eq!(
            to_yaml(&[v], false),
            "a: \"80\"\nb: \"\"\nc: \"yes\"\nd: |\n  port: '80'\n  flag: yes\ne: \"1.27\"\nf: it's\ng: '*'\nh: 'a: b'\ni:\n- x\n- \"1\"\nk: \"true\"\nn: 80\no: true\np: null\nq: plain text\n"
        );
    }

    #[test]
    fn json_uses_four_spaces() {
        let out = to_json(&[json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "<a>"}})], false);
        assert_eq!(out, "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"name\": \"\\u003ca\\u003e\"\n    }\n}\n");
    }

    #[test]
    fn jsonpath_over_list_and_sort_by() {
        let mut pods = vec![pod("b", None, "2026-01-01T00:00:09Z"), pod("a", None, "2026-01-01T00:00:05Z")];
        sort_by(&mut pods, ".metadata.creationTimestamp").expect("sort");
        assert_eq!(jsonpath("{.items[*].metadata.name}", &pods, true), Ok("a b".to_string()));
        assert_eq!(jsonpath("{.metadata.name}", &pods[..1], false), Ok("a".to_string()));
    }
}
