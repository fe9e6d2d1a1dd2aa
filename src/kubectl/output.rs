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
    serde_yaml::to_string(value).unwrap_or_default()
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
pub fn print_table(kind: &str, objects: &[Rc<Object>], now_unix: i64, wide: bool, all_namespaces: bool) -> String {
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
