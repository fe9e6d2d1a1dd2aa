//! Structural-schema handling of custom resources, as apiextensions-apiserver does it for the
//! served version's `openAPIV3Schema`: defaulting, detecting unknown fields (which strict field
//! validation rejects and the API server otherwise prunes), and validation with the messages
//! of kube-openapi's validator converted to field errors.
//!
//! The schema is walked as JSON (the CRD serialized back), so every keyword the API accepts is
//! reachable without mirroring `JSONSchemaProps` field by field.

use regex_lite::Regex;
use serde_json::{Map, Value};

use super::errors::{quoted, FieldError};

/// What checking a custom resource against its schema found.
#[derive(Debug, Default, PartialEq)]
pub struct SchemaReport {
    /// Paths of fields the schema does not know (`spec.foo`), in document order.
    pub unknown: Vec<String>,
    /// Validation failures.
    pub errors: Vec<FieldError>,
}

/// Applies the schema's defaults to `object` (the whole custom resource as JSON), then checks
/// it. `apiVersion`, `kind` and `metadata` at the root are the API server's, not the schema's.
pub fn check(object: &mut Value, schema: &Value) -> SchemaReport {
    let mut report = SchemaReport::default();
    if let Value::Object(map) = object {
        let mut root = schema.clone();
        if let Some(root_map) = root.as_object_mut() {
            root_map.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        }
        if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
            for key in ["apiVersion", "kind", "metadata"] {
                props
                    .entry(key)
                    .or_insert_with(|| serde_json::json!({"x-kubernetes-preserve-unknown-fields": true}));
            }
            // A schema may restrict metadata.name, but the rest of ObjectMeta is the server's.
            if let Some(meta) = props.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("x-kubernetes-preserve-unknown-fields".into(), Value::Bool(true));
            }
        }
        walk_object(map, &root, "", &mut report);
    }
    report
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The JSON type name kube-openapi reports for `value`.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// How a value is shown after `Invalid value:` (Go's `%q` for strings, `%v` for numbers).
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        other => other.to_string(),
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn type_matches(expected: &str, value: &Value) -> bool {
    match (expected, value) {
        ("object", Value::Object(_)) | ("array", Value::Array(_)) | ("string", Value::String(_)) => true,
        ("boolean", Value::Bool(_)) | ("number", Value::Number(_)) => true,
        ("integer", v) => type_name(v) == "integer",
        ("", _) => true,
        _ => false,
    }
}

fn walk(value: &mut Value, schema: &Value, path: &str, report: &mut SchemaReport) {
    if value.is_null() {
        if !flag(schema, "nullable") && schema.get("type").is_some() {
            let expected = schema.get("type").and_then(Value::as_str).unwrap_or_default();
            report.errors.push(type_error(path, expected, value));
        }
        return;
    }
    if flag(schema, "x-kubernetes-int-or-string") {
        if !matches!(type_name(value), "integer" | "string") {
            let detail =
                format!("{path} in body must be of type integer,string: {}", quoted(type_name(value)));
            report.errors.push(FieldError::invalid(path, quoted(type_name(value)), detail));
            return;
        }
    } else if let Some(expected) = schema.get("type").and_then(Value::as_str) {
        if !type_matches(expected, value) {
            report.errors.push(type_error(path, expected, value));
            return;
        }
    }
    check_enum(value, schema, path, report);
    match value {
        Value::Object(map) => walk_object(map, schema, path, report),
        Value::Array(items) => walk_array(items, schema, path, report),
        Value::String(s) => check_string(s, schema, path, report),
        Value::Number(_) => check_number(value, schema, path, report),
        _ => {}
    }
}

fn type_error(path: &str, expected: &str, value: &Value) -> FieldError {
    let actual = quoted(type_name(value));
    FieldError::invalid(path, actual.clone(), format!("{path} in body must be of type {expected}: {actual}"))
}

fn check_enum(value: &Value, schema: &Value, path: &str, report: &mut SchemaReport) {
    let Some(allowed) = schema.get("enum").and_then(Value::as_array) else { return };
    if allowed.contains(value) {
        return;
    }
    let list: Vec<String> = allowed.iter().map(shown).collect();
    report.errors.push(FieldError {
        path: path.to_string(),
        kind: "Unsupported value",
        value: Some(shown(value)),
        detail: Some(format!("supported values: {}", list.join(", "))),
    });
}

fn walk_object(map: &mut Map<String, Value>, schema: &Value, path: &str, report: &mut SchemaReport) {
    let empty = Map::new();
    let properties = schema.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    // Defaulting comes first: a defaulted field then counts as present for `required`.
    for (key, prop) in properties {
        if let Some(default) = prop.get("default") {
            let missing = match map.get(key) {
                None => true,
                Some(Value::Null) => !flag(prop, "nullable"),
                Some(_) => false,
            };
            if missing {
                map.insert(key.clone(), default.clone());
            }
        }
    }
    let additional = schema.get("additionalProperties");
    let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
    for (key, field) in map.iter_mut() {
        let field_path = child(path, key);
        if let Some(prop) = properties.get(key) {
            walk(field, prop, &field_path, report);
        } else if let Some(extra) = additional.filter(|a| a.is_object()) {
            walk(field, extra, &field_path, report);
        } else if !(preserve || additional.and_then(Value::as_bool).unwrap_or(false)) {
            report.unknown.push(field_path);
        }
    }
    for key in
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
    {
        if !map.contains_key(key) {
            report.errors.push(FieldError::required(child(path, key)));
        }
    }
    let count = map.len() as i64;
    if let Some(max) = schema.get("maxProperties").and_then(Value::as_i64).filter(|m| count > *m) {
        report.errors.push(FieldError {
            path: path.to_string(),
            kind: "Too many",
            value: Some(count.to_string()),
            detail: Some(format!("must have at most {max} items")),
        });
    }
    if let Some(min) = schema.get("minProperties").and_then(Value::as_i64).filter(|m| count < *m) {
        let detail = format!("{path} in body should have at least {min} properties");
        report.errors.push(FieldError::invalid(path, count.to_string(), detail));
    }
}

fn walk_array(items: &mut [Value], schema: &Value, path: &str, report: &mut SchemaReport) {
    let count = items.len() as i64;
    if let Some(max) = schema.get("maxItems").and_then(Value::as_i64).filter(|m| count > *m) {
        report.errors.push(FieldError {
            path: path.to_string(),
            kind: "Too many",
            value: Some(count.to_string()),
            detail: Some(format!("must have at most {max} items")),
        });
    }
    if let Some(min) = schema.get("minItems").and_then(Value::as_i64).filter(|m| count < *m) {
        let detail = format!("{path} in body should have at least {min} items");
        report.errors.push(FieldError::invalid(path, count.to_string(), detail));
    }
    if let Some(item_schema) = schema.get("items").filter(|s| s.is_object()) {
        for (i, item) in items.iter_mut().enumerate() {
            walk(item, item_schema, &format!("{path}[{i}]"), report);
        }
    }
}

fn check_string(s: &str, schema: &Value, path: &str, report: &mut SchemaReport) {
    let length = s.chars().count() as i64;
    if let Some(max) = schema.get("maxLength").and_then(Value::as_i64).filter(|m| length > *m) {
        report.errors.push(FieldError {
            path: path.to_string(),
            kind: "Too long",
            value: None,
            detail: Some(format!("may not be more than {max} bytes")),
        });
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_i64).filter(|m| length < *m) {
        let detail = format!("{path} in body should be at least {min} chars long");
        report.errors.push(FieldError::invalid(path, quoted(s), detail));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        // A pattern the regex engine cannot compile is not held against the object.
        if Regex::new(pattern).is_ok_and(|re| !re.is_match(s)) {
            let detail = format!("{path} in body should match '{pattern}'");
            report.errors.push(FieldError::invalid(path, quoted(s), detail));
        }
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        if !format_ok(format, s) {
            let detail = format!("{path} in body must be of type {format}: {}", quoted(s));
            report.errors.push(FieldError::invalid(path, quoted(s), detail));
        }
    }
}

/// The string formats cheap to check exactly; others are accepted, as unknown formats are.
fn format_ok(format: &str, s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    match format {
        "date" => {
            let parts: Vec<&str> = s.split('-').collect();
            parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| digits(p))
        }
        "date-time" => s.split_once(['T', 't']).is_some_and(|(date, time)| {
            format_ok("date", date) && time.len() >= 8 && time.as_bytes().get(2) == Some(&b':')
        }),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "uuid" => {
            let groups: Vec<&str> = s.split('-').collect();
            groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
        }
        "byte" => {
            s.len().is_multiple_of(4)
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        }
        _ => true,
    }
}

fn check_number(value: &Value, schema: &Value, path: &str, report: &mut SchemaReport) {
    let Some(n) = value.as_f64() else { return };
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    // Go prints the float64 bound with %v: `1`, not `1.0`.
    let bound = |key: &str| match number(key) {
        Some(b) if b.fract() == 0.0 && b.abs() < 1e15 => format!("{}", b as i64),
        Some(b) => b.to_string(),
        None => String::new(),
    };
    if let Some(min) = number("minimum") {
        let exclusive = flag(schema, "exclusiveMinimum");
        if n < min || (exclusive && n == min) {
            let relation = if exclusive { "greater than" } else { "greater than or equal to" };
            let detail = format!("{path} in body should be {relation} {}", bound("minimum"));
            report.errors.push(FieldError::invalid(path, shown(value), detail));
        }
    }
    if let Some(max) = number("maximum") {
        let exclusive = flag(schema, "exclusiveMaximum");
        if n > max || (exclusive && n == max) {
            let relation = if exclusive { "less than" } else { "less than or equal to" };
            let detail = format!("{path} in body should be {relation} {}", bound("maximum"));
            report.errors.push(FieldError::invalid(path, shown(value), detail));
        }
    }
    if let Some(factor) = number("multipleOf").filter(|f| *f > 0.0) {
        if (n / factor).fract() != 0.0 {
            let detail = format!("{path} in body should be a multiple of {}", bound("multipleOf"));
            report.errors.push(FieldError::invalid(path, shown(value), detail));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["cronSpec"],
                    "properties": {
                        "cronSpec": {"type": "string", "pattern": "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
                        "image": {"type": "string", "minLength": 2, "maxLength": 10},
                        "replicas": {"type": "integer", "minimum": 1.0, "maximum": 10, "default": 1},
                        "mode": {"type": "string", "enum": ["a", "b"]},
                        "port": {"x-kubernetes-int-or-string": true},
                        "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "note": {"type": "string", "nullable": true}
                    }
                }
            }
        })
    }

    fn run(object: Value) -> (Value, Vec<String>, Vec<String>) {
        let mut object = object;
        let report = check(&mut object, &schema());
        (object, report.unknown, report.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn valid_object_gets_defaults() {
        let (object, unknown, errors) = run(json!({
            "apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "x"},
            "spec": {"cronSpec": "* * * * */5", "port": "http", "extra": {"any": 1}, "labels": {"a": "b"}, "note": null}
        }));
        assert!(unknown.is_empty() && errors.is_empty(), "{unknown:?} {errors:?}");
        assert_eq!(object["spec"]["replicas"], json!(1));
    }

    #[test]
    fn failures_use_the_api_server_wording() {
        let (_, unknown, errors) = run(json!({"spec": {
            "replicas": "string", "image": "x", "mode": "c", "tags": ["a", "b", "c"], "foo": 1,
            "labels": {"a": 1}, "port": true
        }}));
        assert_eq!(unknown, vec!["spec.foo"]);
        assert_eq!(
            errors,
            vec![
                "spec.image: Invalid value: \"x\": spec.image in body should be at least 2 chars long",
                "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"",
                "spec.mode: Unsupported value: \"c\": supported values: \"a\", \"b\"",
                "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"",
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
                "spec.tags: Too many: 3: must have at most 2 items",
                "spec.cronSpec: Required value",
            ]
        );
    }

    #[test]
    fn bounds_and_patterns() {
        let (_, _, errors) =
            run(json!({"spec": {"cronSpec": "every minute", "replicas": 0, "image": "much-too-long"}}));
        assert_eq!(
            errors,
            vec![
                "spec.cronSpec: Invalid value: \"every minute\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'",
                "spec.image: Too long: may not be more than 10 bytes",
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
            ]
        );
    }
}
