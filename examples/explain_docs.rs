//! Builds `src/kubectl/explain/docs.deflate`, the API documentation `kubectl explain` prints,
//! from the JSON schemas of the k8s-openapi types (the crate's `v1_36` API, generated from the
//! Kubernetes v1.36 OpenAPI specification):
//!
//! ```text
//! cargo run --example explain_docs --features explain-docs [-- OUT]
//! ```
//!
//! Every kind the simulation serves (`ResourceTable::default()`) is mapped to its k8s-openapi
//! type below, and the schemas they reach are written as the API server's OpenAPI v3 document
//! shapes them, cut down to what explain reads: one deflated JSON object `{"schemas": {NAME:
//! SCHEMA}}`, with `$ref`s shortened to the schema name, a field that refers to a named type
//! written `{"allOf": [{"$ref": NAME}], "description": …}` and each kind carrying its
//! `x-kubernetes-group-version-kind`.
//!
//! k8s-openapi drops two things the API server publishes: enum lists (and the "Possible enum
//! values" part of descriptions), which `explain_docs/enums.json` puts back for the fields that
//! had them in the v1.24 OpenAPI documents; and the required-ness of `metadata`, which
//! k8s-openapi adds to every kind and is taken off again here.

use std::collections::BTreeSet;

use k8s_openapi::schemars::{JsonSchema, SchemaGenerator};
use k8s_openapi::Resource;
use podlab::sim::api::ResourceTable;
use serde_json::{json, Map, Value};

const REF_PREFIX: &str = "#/$defs/";

/// A kind's group, version, kind and schema name, and a way to add its schema to a generator.
struct Kind {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    name: String,
    add: fn(&mut SchemaGenerator),
}

fn kind<T: Resource + JsonSchema>() -> Kind {
    Kind {
        group: T::GROUP,
        version: T::VERSION,
        kind: T::KIND,
        name: T::schema_name().into_owned(),
        add: |generator| {
            generator.subschema_for::<T>();
        },
    }
}

/// The k8s-openapi type of every built-in kind the simulation serves.
fn kinds() -> Vec<Kind> {
    use k8s_openapi::api::*;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apiregistration;
    vec![
        kind::<core::v1::Pod>(),
        kind::<core::v1::Node>(),
        kind::<core::v1::Namespace>(),
        kind::<core::v1::Service>(),
        kind::<core::v1::Endpoints>(),
        kind::<discovery::v1::EndpointSlice>(),
        kind::<core::v1::ConfigMap>(),
        kind::<core::v1::Secret>(),
        kind::<core::v1::PersistentVolume>(),
        kind::<core::v1::PersistentVolumeClaim>(),
        kind::<storage::v1::StorageClass>(),
        kind::<apps::v1::ReplicaSet>(),
        kind::<core::v1::ReplicationController>(),
        kind::<apps::v1::Deployment>(),
        kind::<apps::v1::DaemonSet>(),
        kind::<apps::v1::StatefulSet>(),
        kind::<batch::v1::Job>(),
        kind::<batch::v1::CronJob>(),
        kind::<autoscaling::v2::HorizontalPodAutoscaler>(),
        kind::<autoscaling::v1::HorizontalPodAutoscaler>(),
        kind::<policy::v1::PodDisruptionBudget>(),
        kind::<core::v1::ResourceQuota>(),
        kind::<core::v1::LimitRange>(),
        kind::<scheduling::v1::PriorityClass>(),
        kind::<core::v1::Event>(),
        kind::<core::v1::ServiceAccount>(),
        kind::<coordination::v1::Lease>(),
        kind::<apiextensions::CustomResourceDefinition>(),
        kind::<rbac::v1::Role>(),
        kind::<rbac::v1::RoleBinding>(),
        kind::<rbac::v1::ClusterRole>(),
        kind::<rbac::v1::ClusterRoleBinding>(),
        kind::<networking::v1::Ingress>(),
        kind::<networking::v1::IngressClass>(),
        kind::<networking::v1::NetworkPolicy>(),
        kind::<core::v1::PodTemplate>(),
        kind::<apps::v1::ControllerRevision>(),
        kind::<storage::v1::CSIDriver>(),
        kind::<storage::v1::VolumeAttachment>(),
        kind::<node::v1::RuntimeClass>(),
        kind::<admissionregistration::v1::ValidatingWebhookConfiguration>(),
        kind::<admissionregistration::v1::MutatingWebhookConfiguration>(),
        kind::<apiregistration::APIService>(),
        kind::<certificates::v1::CertificateSigningRequest>(),
        kind::<flowcontrol::v1::FlowSchema>(),
        kind::<flowcontrol::v1::PriorityLevelConfiguration>(),
    ]
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "src/kubectl/explain/docs.deflate".into());

    let kinds = kinds();
    let served: BTreeSet<(String, String, String)> = ResourceTable::default()
        .all()
        .iter()
        .flat_map(|t| t.versions.iter().map(move |v| (t.group.clone(), v.clone(), t.kind.clone())))
        .collect();
    let mapped: BTreeSet<(String, String, String)> =
        kinds.iter().map(|k| (k.group.into(), k.version.into(), k.kind.into())).collect();
    let unmapped: Vec<_> = served.difference(&mapped).collect();
    assert!(unmapped.is_empty(), "served kinds without a k8s-openapi type here: {unmapped:?}");

    let mut generator = SchemaGenerator::default();
    for k in &kinds {
        (k.add)(&mut generator);
    }
    let enums: Value =
        serde_json::from_str(include_str!("explain_docs/enums.json")).expect("enums.json is JSON");

    let mut schemas = Map::new();
    for (name, schema) in generator.take_definitions(false) {
        let mut slimmed = slim(&schema);
        if let Some(k) = kinds.iter().find(|k| k.name == name) {
            slimmed["x-kubernetes-group-version-kind"] =
                json!([{"group": k.group, "version": k.version, "kind": k.kind}]);
            if let Some(required) = slimmed.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|r| r != "metadata");
                if required.is_empty() {
                    slimmed.as_object_mut().map(|m| m.remove("required"));
                }
            }
        }
        if let Some(fields) = enums.get(&name).and_then(Value::as_object) {
            add_enums(&mut slimmed, fields);
        }
        schemas.insert(name, slimmed);
    }

    let json = serde_json::to_vec(&json!({ "schemas": schemas })).expect("serialize");
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 10);
    std::fs::write(&out, &packed).expect("write output");
    eprintln!(
        "{} schemas, {} bytes of JSON, {} bytes deflated -> {out}",
        schemas.len(),
        json.len(),
        packed.len()
    );
}

/// The parts of a schema node explain reads, `$ref`s shortened; a field referring to a named
/// type with its own description becomes `allOf: [{$ref}]`, as in the API server's document.
fn slim(node: &Value) -> Value {
    let Some(map) = node.as_object() else { return node.clone() };
    let mut out = Map::new();
    for (key, value) in map {
        let kept = match key.as_str() {
            "description" | "type" | "format" | "required" | "enum" => value.clone(),
            "$ref" => Value::String(value.as_str().unwrap_or_default().trim_start_matches(REF_PREFIX).into()),
            "items" => slim(value),
            "additionalProperties" if value.is_object() => slim(value),
            "allOf" => Value::Array(value.as_array().into_iter().flatten().map(slim).collect()),
            "properties" => Value::Object(
                value.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), slim(v))).collect(),
            ),
            _ => continue,
        };
        out.insert(key.clone(), kept);
    }
    if out.len() > 1 {
        if let Some(reference) = out.remove("$ref") {
            out.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
    Value::Object(out)
}

/// Puts the enum lists of `fields` (from `enums.json`) back on the properties still there.
fn add_enums(schema: &mut Value, fields: &Map<String, Value>) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
    for (field, known) in fields {
        let Some(prop) = props.get_mut(field) else { continue };
        let on_items = known["items"].as_bool().unwrap_or(false);
        let target = if on_items { prop.get_mut("items") } else { Some(&mut *prop) };
        let Some(target) = target.filter(|t| t["type"] == "string") else { continue };
        target["enum"] = known["enum"].clone();
        if let Some(values) = known["values"].as_str() {
            let description = prop["description"].as_str().unwrap_or_default();
            if !description.contains("Possible enum values:") {
                prop["description"] = Value::String(format!("{description}\n\n{values}"));
            }
        }
    }
}
