//! Manifest loading: multi-document YAML (block style and the flow style "KYAML"), JSON and
//! `kind: List`, decoded with strict field validation the way `kubectl apply` and the API server
//! do it, with kubectl's messages.

use k8s_openapi::api::autoscaling::{v1 as autoscaling_v1, v2 as autoscaling_v2};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use super::errors::ApiError;
use super::object::{DynamicObject, Object};
use super::resources::{split_api_version, ResourceTable};

/// Why one document of a manifest could not become an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// apiVersion or kind missing: kubectl refuses it before sending.
    MissingTypeInfo {
        /// `apiVersion not set`, `kind not set`.
        problems: Vec<&'static str>,
    },
    /// No kind of that name in that version.
    NoMatch {
        /// `metadata.name`.
        name: String,
        /// `metadata.namespace` (often empty).
        namespace: String,
        /// The document's kind.
        kind: String,
        /// The document's apiVersion.
        api_version: String,
    },
    /// The server could not decode it (unknown field, wrong type).
    Server(ApiError),
}

impl DecodeError {
    /// What kubectl prints for this document of `file`.
    pub fn render(&self, file: &str, verb: &str) -> String {
        match self {
            DecodeError::MissingTypeInfo { problems } => format!(
                "error: error validating {file:?}: error validating data: [{}]; if you choose to ignore these errors, turn validation off with --validate=false",
                problems.join(", ")
            ),
            DecodeError::NoMatch { name, namespace, kind, api_version } => format!(
                "error: resource mapping not found for name: {name:?} namespace: {namespace:?} from {file:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
            ),
            DecodeError::Server(e) => e.render(Some(&format!("{verb} {file:?}"))),
        }
    }
}

/// Splits a file into its documents and converts each to JSON, flattening `kind: List`.
/// The error is kubectl's whole message (`error: error parsing pod.yaml: …`).
pub fn parse_documents(file: &str, text: &str) -> Result<Vec<Value>, String> {
    let mut values = Vec::new();
    for chunk in split_documents(text) {
        if chunk.trim().is_empty()
            || chunk.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        let yaml: serde_yaml::Value = serde_yaml::from_str(&chunk).map_err(|e| {
            format!("error: error parsing {file}: error converting YAML to JSON: yaml: {}", yaml_message(&e))
        })?;
        let json = yaml_to_json(yaml);
        match json {
            Value::Null => {}
            Value::Object(_) => flatten_list(json, &mut values),
            _ => {
                return Err(format!(
                    "error: error parsing {file}: error converting YAML to JSON: yaml: an object must be a mapping"
                ))
            }
        }
    }
    Ok(values)
}

/// Splits on `---` lines like kubectl's YAML reader, so line numbers are per document.
fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") {
            docs.push(String::new());
        } else if let Some(last) = docs.last_mut() {
            last.push_str(line);
        }
    }
    docs
}

/// go-yaml's wording: `line 24: found a tab character that violates indentation`.
fn yaml_message(error: &serde_yaml::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    let text = text.strip_prefix("while parsing a block mapping, ").unwrap_or(&text).to_string();
    match error.location() {
        Some(location) => format!("line {}: {}", location.line(), text),
        None => text,
    }
}

fn flatten_list(value: Value, out: &mut Vec<Value>) {
    let is_list =
        value.get("kind").and_then(Value::as_str).is_some_and(|k| k == "List" || k.ends_with("List"))
            && value.get("items").is_some_and(Value::is_array);
    if is_list {
        if let Some(Value::Array(items)) = value.get("items") {
            for item in items {
                flatten_list(item.clone(), out);
            }
        }
    } else {
        out.push(value);
    }
}

/// Converts a YAML value to JSON as `yaml.YAMLToJSON` does (non-string keys become strings).
pub fn yaml_to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64().and_then(Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    serde_yaml::Value::String(s) => s,
                    other => match yaml_to_json(other) {
                        Value::String(s) => s,
                        v => v.to_string(),
                    },
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

/// Decodes one document into an object, checking its type against `table` and rejecting
/// unknown fields.
pub fn decode(value: &Value, table: &ResourceTable) -> Result<Object, DecodeError> {
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    let mut problems = Vec::new();
    if api_version.is_empty() {
        problems.push("apiVersion not set");
    }
    if kind.is_empty() {
        problems.push("kind not set");
    }
    if !problems.is_empty() {
        return Err(DecodeError::MissingTypeInfo { problems });
    }
    let Some(resource) = table.for_api_version(api_version, kind) else {
        let meta = value.get("metadata");
        let field =
            |f: &str| meta.and_then(|m| m.get(f)).and_then(Value::as_str).unwrap_or_default().to_string();
        return Err(DecodeError::NoMatch {
            name: field("name"),
            namespace: field("namespace"),
            kind: kind.into(),
            api_version: api_version.into(),
        });
    };
    if !resource.modeled {
        return DynamicObject::from_json(value)
            .map(Object::from)
            .map_err(|e| DecodeError::Server(cannot_handle(kind, split_api_version(api_version).1, &e)));
    }
    let (_, version) = split_api_version(api_version);
    if kind == "HorizontalPodAutoscaler" && version == "v1" {
        let v1: autoscaling_v1::HorizontalPodAutoscaler = strict(value, kind, version)?;
        return Ok(Object::from(hpa_v1_to_v2(v1)));
    }
    match kind {
        "Pod" => strict(value, kind, version).map(Object::Pod),
        "Node" => strict(value, kind, version).map(Object::Node),
        "Namespace" => strict(value, kind, version).map(Object::Namespace),
        "Service" => strict(value, kind, version).map(Object::Service),
        "Endpoints" => strict(value, kind, version).map(Object::Endpoints),
        "EndpointSlice" => strict(value, kind, version).map(Object::EndpointSlice),
        "ConfigMap" => strict(value, kind, version).map(Object::ConfigMap),
        "Secret" => strict(value, kind, version).map(Object::Secret),
        "PersistentVolume" => strict(value, kind, version).map(Object::PersistentVolume),
        "PersistentVolumeClaim" => strict(value, kind, version).map(Object::PersistentVolumeClaim),
        "StorageClass" => strict(value, kind, version).map(Object::StorageClass),
        "ReplicaSet" => strict(value, kind, version).map(Object::ReplicaSet),
        "ReplicationController" => strict(value, kind, version).map(Object::ReplicationController),
        "Deployment" => strict(value, kind, version).map(Object::Deployment),
        "DaemonSet" => strict(value, kind, version).map(Object::DaemonSet),
        "StatefulSet" => strict(value, kind, version).map(Object::StatefulSet),
        "Job" => strict(value, kind, version).map(Object::Job),
        "CronJob" => strict(value, kind, version).map(Object::CronJob),
        "HorizontalPodAutoscaler" => strict(value, kind, version).map(Object::HorizontalPodAutoscaler),
        "PodDisruptionBudget" => strict(value, kind, version).map(Object::PodDisruptionBudget),
        "ResourceQuota" => strict(value, kind, version).map(Object::ResourceQuota),
        "LimitRange" => strict(value, kind, version).map(Object::LimitRange),
        "PriorityClass" => strict(value, kind, version).map(Object::PriorityClass),
        "Event" => strict(value, kind, version).map(Object::Event),
        "ServiceAccount" => strict(value, kind, version).map(Object::ServiceAccount),
        "Lease" => strict(value, kind, version).map(Object::Lease),
        "CustomResourceDefinition" => strict(value, kind, version).map(Object::CustomResourceDefinition),
        _ => DynamicObject::from_json(value)
            .map(Object::from)
            .map_err(|e| DecodeError::Server(cannot_handle(kind, version, &e))),
    }
}

fn cannot_handle(kind: &str, version: &str, detail: &str) -> ApiError {
    ApiError::BadRequest(format!("{kind} in version {version:?} cannot be handled as a {kind}: {detail}"))
}

/// Deserializes `T`, collecting every field `T` does not know, as the API server's strict
/// decoding does.
fn strict<T: DeserializeOwned>(value: &Value, kind: &str, version: &str) -> Result<T, DecodeError> {
    let mut unknown = Vec::new();
    let mut track = serde_path_to_error::Track::new();
    let result = {
        let tracked = serde_path_to_error::Deserializer::new(value, &mut track);
        serde_ignored::deserialize(tracked, |path| unknown.push(field_path(&path)))
    };
    let decoded: T = match result {
        Ok(v) => v,
        Err(e) => {
            let path = track.path().to_string();
            return Err(DecodeError::Server(cannot_handle(
                kind,
                version,
                &type_error(kind, &path, &e.to_string()),
            )));
        }
    };
    if unknown.is_empty() {
        return Ok(decoded);
    }
    let list: Vec<String> = unknown.iter().map(|f| format!("unknown field {f:?}")).collect();
    Err(DecodeError::Server(cannot_handle(
        kind,
        version,
        &format!("strict decoding error: {}", list.join(", ")),
    )))
}

/// `spec.containers[0].imagee` from serde_ignored's path (which marks Options with `?`).
fn field_path(path: &serde_ignored::Path) -> String {
    match path {
        serde_ignored::Path::Root => String::new(),
        serde_ignored::Path::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        serde_ignored::Path::Map { parent, key } => {
            let parent = field_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => field_path(parent),
    }
}

/// Go's `json: cannot unmarshal array into Go struct field Pod.spec.x of type v1.NodeSelector`.
fn type_error(kind: &str, path: &str, serde_message: &str) -> String {
    let Some(rest) = serde_message.strip_prefix("invalid type: ") else {
        return format!("json: {serde_message}");
    };
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "value"));
    let json_type = match found.split_whitespace().next().unwrap_or_default() {
        "sequence" => "array",
        "map" => "object",
        "string" => "string",
        "boolean" => "bool",
        "integer" | "floating" => "number",
        "null" | "unit" => "null",
        other => other,
    };
    let camel =
        |t: &str| t.chars().next().is_some_and(char::is_uppercase) && t.chars().all(char::is_alphanumeric);
    let go_type = match expected.strip_prefix("struct ") {
        Some(name) => format!("v1.{name}"),
        None if camel(expected) => format!("v1.{expected}"),
        None if expected.contains("sequence") => "[]".to_string() + expected,
        None if expected.contains("string") => "string".into(),
        None if expected.contains("i32") || expected.contains("i64") || expected.contains("integer") => {
            "int32".into()
        }
        None => expected.to_string(),
    };
    // Go names the struct that holds the field: the parent field's type, e.g. NodeAffinity.
    let segments: Vec<&str> = path.split('.').collect();
    let owner = match segments.len() {
        0 | 1 => kind.to_string(),
        n => {
            let parent = segments[n - 2];
            let in_list = parent.ends_with(']');
            let parent = strip_indices(parent);
            let mut name: String =
                parent.chars().take(1).flat_map(char::to_uppercase).chain(parent.chars().skip(1)).collect();
            if in_list && name.ends_with('s') {
                name.pop();
            }
            name
        }
    };
    let path = strip_indices(path);
    format!("json: cannot unmarshal {json_type} into Go struct field {owner}.{path} of type {go_type}")
}

fn strip_indices(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Converts an autoscaling/v1 HPA to the stored autoscaling/v2 form.
pub fn hpa_v1_to_v2(v1: autoscaling_v1::HorizontalPodAutoscaler) -> autoscaling_v2::HorizontalPodAutoscaler {
    let s = v1.spec;
    let spec = autoscaling_v2::HorizontalPodAutoscalerSpec {
        max_replicas: s.max_replicas,
        min_replicas: s.min_replicas,
        scale_target_ref: autoscaling_v2::CrossVersionObjectReference {
            api_version: s.scale_target_ref.api_version,
            kind: s.scale_target_ref.kind,
            name: s.scale_target_ref.name,
        },
        metrics: s.target_cpu_utilization_percentage.map(|percent| {
            vec![autoscaling_v2::MetricSpec {
                type_: "Resource".into(),
                resource: Some(autoscaling_v2::ResourceMetricSource {
                    name: "cpu".into(),
                    target: autoscaling_v2::MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(percent),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]
        }),
        behavior: None,
    };
    autoscaling_v2::HorizontalPodAutoscaler { metadata: v1.metadata, spec, status: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_text(file: &str, text: &str) -> Result<Vec<Object>, String> {
        let table = ResourceTable::default();
        let docs = parse_documents(file, text)?;
        docs.iter().map(|d| decode(d, &table).map_err(|e| e.render(file, "creating"))).collect()
    }

    #[test]
    fn block_flow_json_and_lists_load() {
        let block = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\n# comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n";
        let objects = decode_text("a.yaml", block).unwrap();
        assert_eq!(objects.iter().map(|o| o.name()).collect::<Vec<_>>(), ["a", "b"]);
        let flow = "{\n  apiVersion: \"v1\",\n  kind: \"Pod\", // no\n  metadata: { \"name\": \"k\", }, # comment\n  spec: { containers: [ { name: \"c\", image: \"nginx\", }, ], },\n}\n";
        let flow = flow.replace("// no", "");
        assert_eq!(decode_text("k.yaml", &flow).unwrap()[0].name(), "k");
        let list = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}]}"#;
        assert_eq!(decode_text("l.json", list).unwrap()[0].kind(), "ConfigMap");
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_path() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    imagee: nginx\n";
        assert_eq!(
            decode_text("pod.yaml", text).unwrap_err(),
            "Error from server (BadRequest): error when creating \"pod.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagee\""
        );
    }

    #[test]
    fn removed_versions_have_no_mapping() {
        let text = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: hello\nspec: {}\n";
        assert_eq!(
            decode_text("cronjob.yaml", text).unwrap_err(),
            "error: resource mapping not found for name: \"hello\" namespace: \"\" from \"cronjob.yaml\": no matches for kind \"CronJob\" in version \"batch/v1beta1\"\nensure CRDs are installed first"
        );
    }

    #[test]
    fn tabs_are_reported_with_their_line() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n";
        let err = decode_text("pod.yaml", text).unwrap_err();
        assert!(
            err.starts_with("error: error parsing pod.yaml: error converting YAML to JSON: yaml: line 4: "),
            "{err}"
        );
    }

    #[test]
    fn hpa_v1_converts_to_v2() {
        let text = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: ReplicaSet, name: frontend}\n  minReplicas: 3\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 50\n";
        let hpa = decode_text("hpa.yaml", text).unwrap().remove(0);
        assert_eq!(hpa.api_version(), "autoscaling/v2");
        let json = hpa.to_json();
        assert_eq!(json["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 50);
    }

    #[test]
    fn missing_type_info_is_a_client_error() {
        let err = decode_text("pod.yaml", "metadata: {name: a}\n").unwrap_err();
        assert_eq!(err, "error: error validating \"pod.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false");
    }
}
