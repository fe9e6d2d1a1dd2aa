//! Builds `src/kubectl/explain/docs.deflate`, the API documentation `kubectl explain` prints,
//! from the Kubernetes OpenAPI v3 documents (`api__v1_openapi.json`, `apis__apps__v1_openapi.json`…
//! as published in kubernetes/kubernetes under `api/openapi-spec/v3/`).
//!
//! ```text
//! cargo run --example explain_docs -- DIR_WITH_SPECS [OUT]
//! ```
//!
//! Keeps the schemas reachable from the kinds the simulation serves, and of each schema only
//! what explain reads, then writes them as one deflated JSON object `{"schemas": {NAME: SCHEMA}}`
//! with `$ref`s shortened to the schema name.

use std::collections::{BTreeMap, BTreeSet};

use podlab::sim::api::ResourceTable;
use serde_json::{Map, Value};

const REF_PREFIX: &str = "#/components/schemas/";

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: explain_docs DIR_WITH_SPECS [OUT]");
    let out = args.next().unwrap_or_else(|| "src/kubectl/explain/docs.deflate".into());

    // Every group-version document, merged: a schema name means the same schema in each.
    let mut all: BTreeMap<String, Value> = BTreeMap::new();
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("read spec dir").flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.to_string_lossy().ends_with("_openapi.json")) {
        let text = std::fs::read_to_string(path).expect("read spec");
        let doc: Value = serde_json::from_str(&text).expect("parse spec");
        if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
            for (name, schema) in schemas {
                all.entry(name.clone()).or_insert_with(|| schema.clone());
            }
        }
    }

    // Roots: the schemas whose group-version-kind the simulation serves.
    let served: BTreeSet<(String, String, String)> = ResourceTable::default()
        .all()
        .iter()
        .flat_map(|t| t.versions.iter().map(move |v| (t.group.clone(), v.clone(), t.kind.clone())))
        .collect();
    let mut queue: Vec<String> = all
        .iter()
        .filter(|(_, s)| {
            s.get("x-kubernetes-group-version-kind").and_then(Value::as_array).is_some_and(|gvks| {
                gvks.iter().any(|g| {
                    let field = |k: &str| g.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                    served.contains(&(field("group"), field("version"), field("kind")))
                })
            })
        })
        .map(|(name, _)| name.clone())
        .collect();

    let mut kept: Map<String, Value> = Map::new();
    while let Some(name) = queue.pop() {
        if kept.contains_key(&name) {
            continue;
        }
        let Some(schema) = all.get(&name) else { continue };
        let mut refs = Vec::new();
        kept.insert(name, slim(schema, &mut refs));
        queue.extend(refs);
    }
    let json = serde_json::to_vec(&serde_json::json!({ "schemas": kept })).expect("serialize");
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 10);
    std::fs::write(&out, &packed).expect("write output");
    eprintln!(
        "{} schemas, {} bytes of JSON, {} bytes deflated -> {out}",
        kept.len(),
        json.len(),
        packed.len()
    );
}

/// The parts of a schema node explain reads; `$ref`s shortened and collected into `refs`.
fn slim(node: &Value, refs: &mut Vec<String>) -> Value {
    let Some(map) = node.as_object() else { return node.clone() };
    let mut out = Map::new();
    for (key, value) in map {
        let kept = match key.as_str() {
            "description"
            | "type"
            | "format"
            | "required"
            | "default"
            | "enum"
            | "x-kubernetes-group-version-kind" => value.clone(),
            "$ref" => {
                let name = value.as_str().unwrap_or_default().trim_start_matches(REF_PREFIX).to_string();
                refs.push(name.clone());
                Value::String(name)
            }
            "items" => slim(value, refs),
            "additionalProperties" if value.is_object() => slim(value, refs),
            "allOf" => Value::Array(value.as_array().into_iter().flatten().map(|v| slim(v, refs)).collect()),
            "properties" => Value::Object(
                value.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), slim(v, refs))).collect(),
            ),
            _ => continue,
        };
        out.insert(key.clone(), kept);
    }
    Value::Object(out)
}
