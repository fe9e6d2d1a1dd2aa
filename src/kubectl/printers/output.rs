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
    let group = object["apiVersion"]
        .as_str()
        .and_then(|v| v.split_once('/'))
        .map(|(g, _)| g)
        .unwrap_or("");
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

/// `-o name`: one `kind/name` per line.
pub fn names(objects: &[Value]) -> String {
    objects
        .iter()
        .map(|o| format!("{}\n", resource_name(o)))
        .collect()
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
    let text = text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!("{text}\n")
}

/// `-o yaml`: keys sorted, empty strings as `""` like Go's YAML encoder.
pub fn to_yaml(objects: &[Value], as_list: bool) -> String {
    let doc = document(objects, as_list);
    let text = serde_yaml::to_string(&doc).unwrap_or_default();
    text.lines()
        .map(|line| match line.strip_suffix(": ''") {
            Some(head) => format!("{head}: \"\"\n"),
            None => format!("{line}\n"),
        })
        .collect()
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
            Ok(CustomColumn {
                header: header.to_string(),
                template,
            })
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
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_value(&map[*k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// `-o custom-columns`: headers as given, `<none>` for missing values, several values joined
/// with commas.
pub fn custom_columns(columns: &[CustomColumn], objects: &[Value], no_headers: bool) -> String {
    let mut text = String::new();
    if !no_headers {
        text.push_str(
            &columns
                .iter()
                .map(|c| c.header.as_str())
                .collect::<Vec<_>>()
                .join("\t"),
        );
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
    fn names_carry_group() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}});
        assert_eq!(
            names(&[pod("web", None, "x"), d]),
            "pod/web\ndeployment.apps/web\n"
        );
    }

    #[test]
    fn custom_columns_with_missing_values() {
        let cols =
            parse_custom_columns("NAME:.metadata.name,PHASE:.status.phase,IMAGES:.spec.containers[*].image")
                .expect("spec");
        let out = custom_columns(
            &cols,
            &[
                pod("short-task", Some("Succeeded"), "x"),
                pod("pending", None, "x"),
            ],
            false,
        );
        assert_eq!(out, "NAME         PHASE       IMAGES\nshort-task   Succeeded   nginx\npending      <none>      nginx\n");
        assert!(parse_custom_columns("NAME")
            .unwrap_err()
            .contains("expected <header>:<json-path-expr>"));
    }

    #[test]
    fn yaml_list_wrapper_and_sorted_keys() {
        let out = to_yaml(
            &[json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}})],
            true,
        );
        assert_eq!(
            out,
            "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
    }

    #[test]
    fn json_uses_four_spaces() {
        let out = to_json(
            &[json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "<a>"}})],
            false,
        );
        assert_eq!(out, "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"name\": \"\\u003ca\\u003e\"\n    }\n}\n");
    }

    #[test]
    fn jsonpath_over_list_and_sort_by() {
        let mut pods = vec![
            pod("b", None, "2026-01-01T00:00:09Z"),
            pod("a", None, "2026-01-01T00:00:05Z"),
        ];
        sort_by(&mut pods, ".metadata.creationTimestamp").expect("sort");
        assert_eq!(
            jsonpath("{.items[*].metadata.name}", &pods, true),
            Ok("a b".to_string())
        );
        assert_eq!(
            jsonpath("{.metadata.name}", &pods[..1], false),
            Ok("a".to_string())
        );
    }
}
