//! `kubectl explain TYPE[.FIELD…]`: the API documentation of a kind or field, printed as kubectl's
//! default `plaintext` template (`kubectl/pkg/explain/v2/templates/plaintext.tmpl`) renders it.
//!
//! The documentation is the API server's OpenAPI v3 schemas, cut down to what explain reads and
//! deflated into `explain/docs.deflate` (inflated once, on first use). Custom kinds are explained
//! from their CRD's `openAPIV3Schema`, with the `apiVersion`, `kind` and `metadata` fields the API
//! server adds to it. Each template is a function here, named after it.
//!
//! The committed data is built from the JSON schemas of the k8s-openapi crate (0.29, feature
//! `v1_36`), whose types carry the Kubernetes v1.36 OpenAPI descriptions, by
//! `examples/explain_docs.rs`, which keeps the schemas the built-in kinds reach and writes them
//! as the API server's OpenAPI v3 document shapes them. Regenerating it:
//!
//! ```text
//! cargo run --example explain_docs --features explain-docs
//! ```
//!
//! k8s-openapi leaves out the enum lists; the generator puts back those the v1.24 documents had
//! (`examples/explain_docs/enums.json`), so fields made enums since then show none.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::console::Output;
use crate::kubectl::Args;
use crate::sim::Simulation;

/// The deflated `{"schemas": {NAME: SCHEMA}}` written by `examples/explain_docs.rs`.
const DOCS: &[u8] = include_bytes!("explain/docs.deflate");

/// The built-in schemas, by name, inflated on first use.
fn schemas() -> &'static Map<String, Value> {
    static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let json = miniz_oxide::inflate::decompress_to_vec(DOCS).expect("invariant: docs.deflate inflates");
        let mut doc: Value = serde_json::from_slice(&json).expect("invariant: docs.deflate is JSON");
        match doc.get_mut("schemas").map(Value::take) {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        }
    })
}

const SUGGEST: &str = "Use \"kubectl api-resources\" for a complete list of supported resources.";

/// Runs `kubectl explain`.
pub fn run(sim: &Simulation, args: &Args) -> Output {
    let target = match args.positional.as_slice() {
        [] => {
            return Output::error(format!(
                "error: You must specify the type of resource to explain. {SUGGEST}"
            ))
        }
        [one] => one,
        _ => return Output::error("error: We accept only this format: explain RESOURCE"),
    };
    match args.flag("output").unwrap_or("plaintext") {
        "plaintext" => {}
        other => return Output::error(format!("error: unsupported output format: {other}")),
    }
    match explain(sim, target, args.flag("api-version"), args.bool_flag("recursive")) {
        Ok(text) => {
            let mut out = Output::default();
            out.out(text);
            out
        }
        Err(message) => Output::error(message),
    }
}

/// The text kubectl prints, or its error.
fn explain(
    sim: &Simulation,
    target: &str,
    api_version: Option<&str>,
    recursive: bool,
) -> Result<String, String> {
    // The type is the longest dotted prefix that names one (`deployments.apps.spec`).
    let parts: Vec<&str> = target.split('.').collect();
    let resources = sim.store().resources();
    let (resource, typed, path) = (1..=parts.len().min(3))
        .rev()
        .find_map(|n| resources.resolve(&parts[..n].join(".")).map(|t| (t.clone(), &parts[..n], &parts[n..])))
        .ok_or_else(|| format!("error: the server doesn't have a resource type {:?}", parts[0]))?;
    // `hpa.v1.autoscaling` names a version; otherwise the preferred (first) one is explained.
    let typed_version = match typed {
        [_, version, _] if resource.serves(version) => Some(version.to_string()),
        _ => None,
    };
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    let (group, version) = match api_version {
        Some(gv) => match gv.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), gv.to_string()),
        },
        None => (
            resource.group.clone(),
            typed_version.or_else(|| resource.versions.first().cloned()).unwrap_or_default(),
        ),
    };
    let gvr = format!("{group}/{version}, Resource={}", resource.plural);

    let crd_root = crd_schema(sim, &group, &version, &resource.kind);
    let builtin_root = || {
        schemas().values().find(|s| {
            s["x-kubernetes-group-version-kind"].as_array().is_some_and(|gvks| {
                gvks.iter().any(|g| {
                    g["group"] == group.as_str()
                        && g["version"] == version.as_str()
                        && g["kind"] == resource.kind.as_str()
                })
            })
        })
    };
    let root = match crd_root.as_ref().or_else(builtin_root) {
        Some(root) => root,
        // kubectl fetches the group-version's document first, then looks the resource up in it.
        None if group_version_known(sim, &group, &version) => {
            return Err(format!("error: GVR ({gvr}) not found in OpenAPI schema"))
        }
        None => return Err(format!("error: couldn't find resource for {gvr:?}")),
    };

    let mut text = String::new();
    if !group.is_empty() {
        text.push_str(&format!("GROUP:      {group}\n"));
    }
    text.push_str(&format!("KIND:       {}\nVERSION:    {version}\n\n", resource.kind));
    let body = output(root, &path, &BTreeSet::new(), recursive);
    if body.is_empty() {
        let last = path.last().map(String::as_str).unwrap_or_default();
        return Err(format!("error: field {last:?} does not exist"));
    }
    text.push_str(&body);
    text.push('\n');
    Ok(text)
}

/// Whether the API server publishes a document for `group/version`.
fn group_version_known(sim: &Simulation, group: &str, version: &str) -> bool {
    sim.store().resources().all().iter().any(|t| t.group == group && t.serves(version))
}

/// The served version's schema of a custom kind, completed as the API server publishes it.
fn crd_schema(sim: &Simulation, group: &str, version: &str, kind: &str) -> Option<Value> {
    let crd = sim.store().list("CustomResourceDefinition", None).find_map(|o| {
        o.as_crd().filter(|crd| crd.spec.group == group && crd.spec.names.kind == kind).cloned()
    })?;
    let served = crd.spec.versions.iter().find(|v| v.name == version && v.served)?;
    let mut schema = served
        .schema
        .as_ref()
        .and_then(|s| s.open_api_v3_schema.as_ref())
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or_else(|| json!({"type": "object"}));
    let builtin = schemas().get("io.k8s.api.core.v1.Pod").map(|p| &p["properties"]);
    let standard = |field: &str| builtin.map(|p| p[field]["description"].clone()).unwrap_or(Value::Null);
    if let Some(map) = schema.as_object_mut() {
        let props = map.entry("properties").or_insert_with(|| json!({}));
        if let Some(props) = props.as_object_mut() {
            props.insert(
                "apiVersion".into(),
                json!({"type": "string", "description": standard("apiVersion")}),
            );
            props.insert("kind".into(), json!({"type": "string", "description": standard("kind")}));
            props.insert(
                "metadata".into(),
                json!({"allOf": [{"$ref": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}],
                       "description": standard("metadata")}),
            );
        }
    }
    Some(schema)
}

/// Follows `$ref` to the named schema; a node without one is itself.
fn resolve(node: &Value) -> &Value {
    node.get("$ref").and_then(Value::as_str).and_then(|name| schemas().get(name)).unwrap_or(node)
}

fn ref_of(node: &Value) -> &str {
    node.get("$ref").and_then(Value::as_str).unwrap_or_default()
}

/// A non-empty object (what Go templates treat as true), like `items` or `additionalProperties`.
fn sub_schema<'a>(node: &'a Value, key: &str) -> Option<&'a Value> {
    node.get(key).filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
}

fn all_of(node: &Value) -> &[Value] {
    node.get("allOf").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn properties(node: &Value) -> Option<&Map<String, Value>> {
    node.get("properties").and_then(Value::as_object).filter(|m| !m.is_empty())
}

/// Template `output`: follows `path`, printing `FIELD:` for its last step, then the description
/// and fields of where it ends. Empty when the path leads nowhere.
fn output(schema: &Value, path: &[String], history: &BTreeSet<String>, recursive: bool) -> String {
    let reference = ref_of(schema);
    let mut next = history.clone();
    next.insert(reference.to_string());
    let resolved = resolve(schema);
    let Some(first) = path.first() else {
        let mut text = String::from("DESCRIPTION:\n");
        let description = description(resolved);
        let description = if description.is_empty() { "<empty>".to_string() } else { description };
        text.push_str(&indent(4, &wrap(76, &description)));
        text.push('\n');
        let fields = field_list(resolved, 1, &BTreeSet::new(), recursive);
        if !fields.is_empty() {
            text.push_str("FIELDS:\n");
            text.push_str(&fields);
        }
        return text;
    };
    if !reference.is_empty() && history.contains(reference) {
        return String::new(); // a cycle
    }
    if let Some(sub) = properties(resolved).and_then(|p| p.get(first)) {
        let mut text = String::new();
        if path.len() == 1 {
            text.push_str(&format!("FIELD: {first} <{}>\n{}\n\n", type_guess(sub), long_enum(sub)));
        }
        text.push_str(&output(sub, &path[1..], &BTreeSet::new(), recursive));
        return text;
    }
    if let Some(items) = sub_schema(resolved, "items") {
        return output(items, path, &next, recursive);
    }
    if let Some(values) = sub_schema(resolved, "additionalProperties") {
        return output(values, path, &next, recursive);
    }
    all_of(resolved)
        .iter()
        .map(|s| output(s, path, &next, recursive))
        .find(|o| !o.is_empty())
        .unwrap_or_default()
}

/// Template `fieldList`: every field, sorted by name; with `recursive`, their fields below them.
fn field_list(schema: &Value, level: usize, history: &BTreeSet<String>, recursive: bool) -> String {
    let reference = ref_of(schema);
    if !reference.is_empty() && history.contains(reference) {
        return String::new(); // a cycle
    }
    let mut next = history.clone();
    next.insert(reference.to_string());
    let resolved = resolve(schema);
    let mut text = String::new();
    if let Some(props) = properties(resolved) {
        let mut names: Vec<&String> = props.keys().collect();
        names.sort();
        for name in names {
            text.push_str(&field_detail(name, resolved, recursive, level));
            if recursive {
                text.push_str(&field_list(&props[name], level + 1, &next, recursive));
            }
        }
    }
    for sub in all_of(resolved) {
        text.push_str(&field_list(sub, level, &next, recursive));
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = sub_schema(resolved, key) {
            text.push_str(&field_list(sub, level, &next, recursive));
        }
    }
    text
}

/// Template `fieldDetail`: `name<TAB><type> -required-`, its enum, and unless `short` its
/// description.
fn field_detail(name: &str, parent: &Value, short: bool, level: usize) -> String {
    let pad = level * 2;
    let field = &parent["properties"][name];
    let mut text = format!("{}{name}\t<{}>", " ".repeat(pad), type_guess(field));
    if parent["required"].as_array().is_some_and(|r| r.iter().any(|n| n == name)) {
        text.push_str(" -required-");
    }
    if let Some(values) = enum_values(field) {
        let shown: Vec<String> = values.iter().take(4).cloned().collect();
        let more = if values.len() > 4 { ", ...." } else { "" };
        text.push_str(&format!("\n{}enum: {}{more}", " ".repeat(pad), shown.join(", ")));
    }
    text.push('\n');
    if !short {
        let description =
            field["description"].as_str().filter(|d| !d.is_empty()).unwrap_or("<no description>");
        text.push_str(&indent(pad + 2, &wrap(78 - pad, description)));
        text.push_str("\n\n");
    }
    text
}

/// Template `description`: the schema's description, then those of what it refers to.
fn description(schema: &Value) -> String {
    let node = resolve(schema);
    let mut text = String::new();
    if let Some(d) = node["description"].as_str().filter(|d| !d.is_empty()) {
        text.push_str(d);
        text.push('\n');
    }
    for sub in all_of(node) {
        text.push_str(&description(sub));
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = sub_schema(node, key) {
            text.push_str(&description(sub));
        }
    }
    text
}

/// Template `typeGuess`: `string`, `[]Container`, `map[string]string`, `Object`…
fn type_guess(schema: &Value) -> String {
    if let Some(items) = sub_schema(schema, "items") {
        return format!("[]{}", type_guess(items));
    }
    if let Some(values) = sub_schema(schema, "additionalProperties") {
        return format!("map[string]{}", type_guess(values));
    }
    if properties(schema).is_none() && all_of(schema).len() == 1 {
        return type_guess(&all_of(schema)[0]);
    }
    let type_of = |node: &Value| node["type"].as_str().filter(|t| !t.is_empty()).map(str::to_string);
    let reference = ref_of(schema);
    if !reference.is_empty() {
        // Named types print their name; references to primitives print the primitive.
        let target = schemas().get(reference);
        return match target.and_then(type_of) {
            Some(t) if t != "object" => t,
            _ => reference
                .rsplit('/')
                .next()
                .and_then(|n| n.rsplit('.').next())
                .unwrap_or("Object")
                .to_string(),
        };
    }
    match type_of(schema) {
        Some(t) if t != "object" => t,
        _ => "Object".into(),
    }
}

/// The enum values as kubectl prints them (`""` for the empty string).
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    let values = schema["enum"].as_array().filter(|v| !v.is_empty())?;
    Some(
        values
            .iter()
            .map(|v| match v {
                Value::String(s) if s.is_empty() => "\"\"".to_string(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
    )
}

/// Template `extractEnum` in its long view, under a `FIELD:` line.
fn long_enum(schema: &Value) -> String {
    enum_values(schema)
        .map(|values| format!("ENUM:{}", values.iter().map(|v| format!("\n    {v}")).collect::<String>()))
        .unwrap_or_default()
}

/// kubectl's `indent`: pads the first line and every line after a newline.
fn indent(amount: usize, text: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// github.com/mitchellh/go-wordwrap `WrapString`, which kubectl's `wrap` calls: breaks at
/// whitespace before a word would pass `limit` characters, keeps existing newlines, and leaves
/// words longer than the limit whole.
fn wrap(limit: usize, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / limit.max(1));
    let (mut current, mut word, mut space) = (0usize, String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in text.chars() {
        if c == '\n' {
            flush_pending(&mut out, &space, &word, current + space_len <= limit);
            space.clear();
            word.clear();
            (space_len, word_len) = (0, 0);
            out.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                out.push_str(&space);
                out.push_str(&word);
                space.clear();
                word.clear();
                (space_len, word_len) = (0, 0);
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > limit && word_len < limit {
                out.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    flush_pending(&mut out, &space, &word, current + space_len <= limit);
    out
}

/// What is pending at the end of a line: the last word with the space before it, or trailing
/// space alone when it still fits.
fn flush_pending(out: &mut String, space: &str, word: &str, space_fits: bool) {
    if !word.is_empty() || space_fits {
        out.push_str(space);
    }
    out.push_str(word);
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        description: A cron job run by the example operator.
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string, description: When to run.}
              replicas: {type: integer, enum: [1, 2, 3]}
";

    /// Runs one kubectl command line on a fresh cluster holding the CronTab CRD.
    fn kubectl(line: &str) -> Output {
        let mut sim = Simulation::new(Default::default(), 1);
        let files = [("crd.yaml".to_string(), CRD.to_string())];
        let apply: Vec<String> = ["apply", "-f", "crd.yaml"].map(String::from).to_vec();
        assert!(!crate::kubectl::execute(&mut sim, &files, &apply).has_errors());
        let words: Vec<String> = shlex::split(line).expect("a command line");
        crate::kubectl::execute(&mut sim, &files, &words[1..])
    }

    #[test]
    fn explain_prints_what_kubectl_prints() {
        let cases: &[(&str, &str)] = &[
            (
                "kubectl explain deploy.spec.strategy",
                "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n\
                 FIELD: strategy <DeploymentStrategy>\n\n\n\
                 DESCRIPTION:\n    The deployment strategy to use to replace existing pods with new ones.\n\
                 \x20   DeploymentStrategy describes how to replace existing pods with new ones.\n    \n\
                 FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n\
                 \x20   Rolling update config params. Present only if DeploymentStrategyType =\n    RollingUpdate.\n\n\
                 \x20 type\t<string>\n  enum: Recreate, RollingUpdate\n\
                 \x20   Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is\n    RollingUpdate.\n    \n\
                 \x20   Possible enum values:\n\
                 \x20    - `\"Recreate\"` Kill all existing pods before creating new ones.\n\
                 \x20    - `\"RollingUpdate\"` Replace the old ReplicaSets by new one using rolling\n\
                 \x20   update i.e gradually scale down the old ReplicaSets and scale up the new\n    one.\n\n\n",
            ),
            (
                "kubectl explain deploy.spec.strategy --recursive",
                "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n\
                 FIELD: strategy <DeploymentStrategy>\n\n\n\
                 DESCRIPTION:\n    The deployment strategy to use to replace existing pods with new ones.\n\
                 \x20   DeploymentStrategy describes how to replace existing pods with new ones.\n    \n\
                 FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n    maxSurge\t<IntOrString>\n    maxUnavailable\t<IntOrString>\n\
                 \x20 type\t<string>\n  enum: Recreate, RollingUpdate\n\n",
            ),
            (
                "kubectl explain pods.spec.containers.image",
                "KIND:       Pod\nVERSION:    v1\n\nFIELD: image <string>\n\n\n\
                 DESCRIPTION:\n    Container image name. More info:\n\
                 \x20   https://kubernetes.io/docs/concepts/containers/images This field is optional\n\
                 \x20   to allow higher level config management to default or override container\n\
                 \x20   images in workload controllers like Deployments and StatefulSets.\n    \n\n",
            ),
            (
                "kubectl explain ct.spec --recursive",
                "GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n\nFIELD: spec <Object>\n\n\n\
                 DESCRIPTION:\n    <empty>\nFIELDS:\n  cronSpec\t<string> -required-\n  replicas\t<integer>\n  enum: 1, 2, 3\n\n",
            ),
            ("kubectl explain pods.spec.nope", "error: field \"nope\" does not exist\n"),
            ("kubectl explain pods.nope.deeper", "error: field \"deeper\" does not exist\n"),
            ("kubectl explain foo", "error: the server doesn't have a resource type \"foo\"\n"),
            (
                "kubectl explain deploy --api-version=apps/v2",
                "error: couldn't find resource for \"apps/v2, Resource=deployments\"\n",
            ),
            (
                "kubectl explain deploy --api-version=v1",
                "error: GVR (/v1, Resource=deployments) not found in OpenAPI schema\n",
            ),
            ("kubectl explain pods nodes", "error: We accept only this format: explain RESOURCE\n"),
        ];
        for (line, want) in cases {
            assert_eq!(kubectl(line).text(), *want, "{line}");
        }
    }

    #[test]
    fn explain_pod_starts_with_kind_version_description_and_fields() {
        let want = "KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n\
                    \x20   Pod is a collection of containers that can run on a host. This resource is\n\
                    \x20   created by clients and scheduled onto hosts.\n    \nFIELDS:\n  apiVersion\t<string>\n";
        for line in ["kubectl explain pod", "kubectl explain po", "kubectl explain pods"] {
            assert!(kubectl(line).text().starts_with(want), "{line}");
        }
        assert_eq!(kubectl("kubectl explain po.spec").text(), kubectl("kubectl explain pods.spec").text());
    }

    #[test]
    fn field_enums_and_versions_are_listed() {
        let text = kubectl("kubectl explain pods.spec.containers.imagePullPolicy").text();
        assert!(text
            .contains("FIELD: imagePullPolicy <string>\nENUM:\n    Always\n    IfNotPresent\n    Never\n\n"));
        let text = kubectl("kubectl explain pods.spec.containers").text();
        assert!(text.contains("\nFIELD: containers <[]Container>\n\n\nDESCRIPTION:\n"), "{text}");
        assert!(text.contains("\n  name\t<string> -required-\n"), "{text}");
        let text = kubectl("kubectl explain hpa --api-version=autoscaling/v1").text();
        assert!(text
            .starts_with("GROUP:      autoscaling\nKIND:       HorizontalPodAutoscaler\nVERSION:    v1\n"));
        assert!(kubectl("kubectl explain hpa").text().contains("VERSION:    v2\n"));
        assert!(kubectl("kubectl explain hpa.v1.autoscaling.spec").text().contains("VERSION:    v1\n"));
        let text = kubectl("kubectl explain crontabs").text();
        assert!(text.contains("    A cron job run by the example operator.\n"), "{text}");
        assert!(text.contains("  metadata\t<ObjectMeta>\n    Standard object's metadata."), "{text}");
    }

    #[test]
    fn fields_added_after_v1_24_are_explained() {
        let text = kubectl("kubectl explain pod.spec.containers.restartPolicy").text();
        assert!(
            text.starts_with(
                "KIND:       Pod\nVERSION:    v1\n\nFIELD: restartPolicy <string>\n\n\nDESCRIPTION:\n\
                 \x20   RestartPolicy defines the restart behavior of individual containers in a\n\
                 \x20   pod. This overrides the pod-level restart policy."
            ),
            "{text}"
        );
        assert!(text.contains("often referred to as a \"sidecar\" container."), "{text}");
        let text = kubectl("kubectl explain job.spec.podFailurePolicy").text();
        assert!(
            text.starts_with(
                "GROUP:      batch\nKIND:       Job\nVERSION:    v1\n\n\
                 FIELD: podFailurePolicy <PodFailurePolicy>\n\n\nDESCRIPTION:\n\
                 \x20   Specifies the policy of handling failed pods. In particular, it allows to\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "    PodFailurePolicy describes how failed pods influence the backoffLimit.\n    \n\
                 FIELDS:\n  rules\t<[]PodFailurePolicyRule> -required-\n"
            ),
            "{text}"
        );
        let text = kubectl("kubectl explain job.spec.podFailurePolicy.rules --recursive").text();
        assert!(text.contains("\n  onExitCodes\t<PodFailurePolicyOnExitCodesRequirement>\n"), "{text}");
        assert!(kubectl("kubectl explain job.spec.successPolicy").text().contains("<SuccessPolicy>"));
        assert!(kubectl("kubectl explain pod.spec.containers.resizePolicy")
            .text()
            .contains("<[]ContainerResizePolicy>"));
        let text = kubectl("kubectl explain flowschemas").text();
        assert!(
            text.starts_with("GROUP:      flowcontrol.apiserver.k8s.io\nKIND:       FlowSchema\n"),
            "{text}"
        );
        // Typed as kubectl prints them: named non-object types by name, Time as its string.
        let text = kubectl("kubectl explain pod.spec.containers.resources").text();
        assert!(text.contains("\n  limits\t<map[string]Quantity>\n"), "{text}");
        let text = kubectl("kubectl explain pod.metadata").text();
        assert!(text.contains("\n  creationTimestamp\t<string>\n"), "{text}");
        assert!(!text.contains("-required-"), "{text}");
    }

    #[test]
    fn wrapping_follows_go_wordwrap() {
        for (limit, text, want) in [
            (10, "aaa bbb ccc ddd", "aaa bbb\nccc ddd"),
            (5, "a verylongword b", "a\nverylongword\nb"),
            (10, "one\n\ntwo", "one\n\ntwo"),
        ] {
            assert_eq!(wrap(limit, text), want, "{text:?}");
        }
    }
}
