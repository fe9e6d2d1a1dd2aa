//! Object output formats: `-o yaml`, `-o json`, `-o name`, and the table `get` prints.

use std::rc::Rc;

use serde_json::Value;

use crate::sim::api::{Object, ResourceType};
use crate::sim::time::{human_duration, SimDuration};

/// An object as `kubectl get -o json|yaml` shows it (managedFields left out).
pub fn object_json(object: &Object) -> Value {
    let mut json = object.to_json();
    if let Some(meta) = json.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    json
}

/// Several objects as the `List` kubectl prints for them.
pub fn list_json(objects: &[Rc<Object>]) -> Value {
    serde_json::json!({
        "apiVersion": "v1",
        "items": objects.iter().map(|o| object_json(o)).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// YAML with keys sorted, as kubectl prints it.
pub fn to_yaml(value: &Value) -> String {
    yaml(value)
}

/// JSON indented by four spaces, as kubectl prints it.
pub fn to_json(value: &Value) -> String {
    use serde::Serialize;
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(buffer).unwrap_or_default()
}

/// `pod/web`, `deployment.apps/web`.
pub fn name_of(resource: &ResourceType, object: &Object) -> String {
    format!("{}/{}", resource.qualified_singular(), object.name())
}

/// Aligns rows like Go's tabwriter with kubectl's settings (3 spaces between columns).
pub fn tabulate(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 3));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// The age of an object at `now_unix`, in kubectl's format (`5m`, `2d3h`).
pub fn age(object: &Object, now_unix: i64) -> String {
    match object.metadata().creation_timestamp.as_ref() {
        Some(ts) => human_duration(SimDuration::from_secs((now_unix - ts.0.as_second()).max(0) as u64)),
        None => "<unknown>".into(),
    }
}

/// The table `kubectl get` prints for `objects` of one kind. This basic version shows NAME and
/// AGE; the per-kind column printers replace it.
pub fn print_table(
    kind: &str,
    objects: &[Rc<Object>],
    now_unix: i64,
    wide: bool,
    all_namespaces: bool,
) -> String {
    let _ = (kind, wide);
    let mut rows = Vec::with_capacity(objects.len() + 1);
    let mut header = Vec::new();
    if all_namespaces {
        header.push("NAMESPACE".to_string());
    }
    header.extend(["NAME".to_string(), "AGE".to_string()]);
    rows.push(header);
    for object in objects {
        let mut row = Vec::new();
        if all_namespaces {
            row.push(object.namespace().to_string());
        }
        row.push(object.name().to_string());
        row.push(age(object, now_unix));
        rows.push(row);
    }
    tabulate(&rows)
}

/// YAML the way kubectl (go-yaml v2 through sigs.k8s.io/yaml) writes it: keys sorted, block
/// style, sequences not indented under their key, strings double-quoted only when they would
/// read back as something else, multi-line strings as literal blocks.
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    let pad = " ".repeat(indent);
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(&pad);
        }
        out.push_str(&yaml_string(key, indent));
        out.push(':');
        write_value_after_key(out, value, indent);
    }
}

fn write_value_after_key(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_map(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            write_seq(out, items, indent);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    let pad = " ".repeat(indent);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&pad);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_map(out, map, indent + 2),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, indent + 2),
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn scalar(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_string(s, indent),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn yaml_string(s: &str, indent: usize) -> String {
    if s.contains('\n')
        && !s.contains(['\t', '\r'])
        && !s.starts_with(' ')
        && s.chars().all(|c| !c.is_control() || c == '\n')
    {
        let chomp = if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        };
        let pad = " ".repeat(indent + 2);
        let mut block = format!("|{chomp}");
        let body = s.strip_suffix('\n').unwrap_or(s);
        for line in body.split('\n') {
            block.push('\n');
            if !line.is_empty() {
                block.push_str(&pad);
                block.push_str(line);
            }
        }
        return block;
    }
    if needs_quotes(s) {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

fn needs_quotes(s: &str) -> bool {
    if s.is_empty()
        || s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
            '`',
        ])
    {
        // A leading '-' is plain when it cannot start a sequence entry or a number (`-c`).
        let plain_dash = s.starts_with('-') && s.len() > 1 && !s.starts_with("- ") && !s.starts_with("---");
        return !plain_dash || !plain_rest_ok(s) || looks_numeric(s);
    }
    if !plain_rest_ok(s) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) {
        return true;
    }
    looks_numeric(s) || looks_like_timestamp(s)
}

fn plain_rest_ok(s: &str) -> bool {
    !(s.contains(": ")
        || s.contains(" #")
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control()))
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    if t.parse::<f64>().is_ok()
        && !t.eq_ignore_ascii_case("inf")
        && !t.eq_ignore_ascii_case("nan")
        && !t.eq_ignore_ascii_case("infinity")
    {
        return true;
    }
    matches!(t.to_ascii_lowercase().as_str(), ".inf" | ".nan")
        || t.starts_with("0x") && t.len() > 2 && t[2..].chars().all(|c| c.is_ascii_hexdigit())
        || t.starts_with("0o") && t.len() > 2 && t[2..].chars().all(|c| ('0'..='7').contains(&c))
        || t.contains('_') && t.replace('_', "").parse::<f64>().is_ok()
}

fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
}

/// Evaluates a kubectl field path (`.spec.containers[0].image`, `.items[*].metadata.name`,
/// `{.status.phase}`) against `value`; every match, in order.
pub fn field_path<'a>(value: &'a Value, path: &str) -> Vec<&'a Value> {
    let path = path.trim().trim_start_matches('{').trim_end_matches('}');
    let mut current = vec![value];
    let mut rest = path.trim_start_matches('.');
    while !rest.is_empty() {
        let (segment, remaining) = match rest.find(['.', '[']) {
            Some(0) if rest.starts_with('[') => {
                let end = rest.find(']').unwrap_or(rest.len());
                (
                    &rest[..(end + 1).min(rest.len())],
                    &rest[(end + 1).min(rest.len())..],
                )
            }
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        rest = remaining.trim_start_matches('.');
        current = if let Some(index) = segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            current
                .into_iter()
                .flat_map(|v| match (index, v.as_array()) {
                    ("*", Some(items)) => items.iter().collect::<Vec<_>>(),
                    (i, Some(items)) => i
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| items.get(i))
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                })
                .collect()
        } else {
            current.into_iter().filter_map(|v| v.get(segment)).collect()
        };
    }
    current
}

/// A value as custom-columns and jsonpath print it.
pub fn plain_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<none>".into(),
        other => other.to_string(),
    }
}

/// `-o custom-columns=NAME:.metadata.name,PHASE:.status.phase`.
pub fn custom_columns(spec: &str, objects: &[Rc<Object>]) -> Result<String, String> {
    let mut columns = Vec::new();
    for column in spec.split(',') {
        let Some((header, path)) = column.split_once(':') else {
            return Err(format!("error: expected <header>:<json-path-expr>, got {column}"));
        };
        columns.push((header.to_string(), path.to_string()));
    }
    let mut rows = vec![columns.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>()];
    for object in objects {
        let json = object_json(object);
        rows.push(
            columns
                .iter()
                .map(|(_, path)| {
                    let found = field_path(&json, path);
                    if found.is_empty() {
                        "<none>".to_string()
                    } else {
                        found.iter().map(|v| plain_value(v)).collect::<Vec<_>>().join(",")
                    }
                })
                .collect(),
        );
    }
    Ok(tabulate(&rows))
}

/// `-o jsonpath=TEMPLATE`: literal text with `{path}` expressions, values joined by spaces.
pub fn jsonpath(template: &str, root: &Value) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len() - 1);
        let expr = &rest[start + 1..end];
        let values = field_path(root, expr);
        out.push_str(
            &values
                .iter()
                .map(|v| plain_value(v))
                .collect::<Vec<_>>()
                .join(" "),
        );
        rest = &rest[(end + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out.replace("\\n", "\n").replace("\\t", "\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_looks_like_kubectls() {
        let value = serde_json::json!({
            "apiVersion": "v1",
            "metadata": {"creationTimestamp": "2026-01-01T00:00:00Z", "resourceVersion": "16", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "args": ["-c", "echo hi"], "resources": {}}], "replicas": 3, "on": "yes"},
            "data": {"script": "line 1\nline 2\n"},
        });
        assert_eq!(
            yaml(&value),
            "apiVersion: v1\ndata:\n  script: |\n    line 1\n    line 2\nmetadata:\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n  labels:\n    app: web\n  resourceVersion: \"16\"\nspec:\n  containers:\n  - args:\n    - -c\n    - echo hi\n    name: c\n    resources: {}\n  \"on\": \"yes\"\n  replicas: 3\n"
        );
    }
}
