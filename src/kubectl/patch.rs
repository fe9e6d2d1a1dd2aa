//! `kubectl patch (TYPE NAME | TYPE/NAME) -p PATCH [--type strategic|merge|json]`: strategic
//! merge and JSON merge patches go to the API server as they are; a JSON patch (RFC 6902:
//! add, remove, replace, copy, move, test) is applied here and the result stored as an update.

use serde_json::Value;

use super::output::object_json;
use super::{namespace_of, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::manifest::decode;
use crate::sim::api::PatchKind;
use crate::sim::Simulation;

/// Runs `kubectl patch …`; `words` follow the command name. `-p` means `--patch` here, not
/// `logs --previous`, so it is rewritten before the common parser sees it.
pub fn run(sim: &mut Simulation, words: &[String]) -> Output {
    let words: Vec<String> = words
        .iter()
        .map(|w| match w.strip_prefix("-p") {
            Some("") => "--patch".to_string(),
            Some(rest) if !w.starts_with("--") => {
                format!("--patch={}", rest.strip_prefix('=').unwrap_or(rest))
            }
            _ => w.clone(),
        })
        .collect();
    let args = match Args::parse(&words) {
        Ok(args) => args,
        Err(message) => return Output::error(message),
    };
    match patch(sim, &args) {
        Ok(line) => {
            let mut out = Output::default();
            out.out(line);
            out
        }
        Err(message) => Output::error(message),
    }
}

fn patch(sim: &mut Simulation, args: &Args) -> Result<String, String> {
    let (kind, name) = match (args.positional.first(), args.positional.get(1)) {
        (Some(first), _) if first.contains('/') => {
            let (k, n) = first.split_once('/').unwrap_or((first, ""));
            (k.to_string(), n.to_string())
        }
        (Some(kind), Some(name)) => (kind.clone(), name.clone()),
        _ => {
            return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into())
        }
    };
    let Some(text) = args.flag("patch") else {
        return Err("error: must specify --patch or --patch-file containing the contents of the patch".into());
    };
    let patch: Value = serde_json::from_str(text)
        .or_else(|_| serde_yaml::from_str::<Value>(text))
        .map_err(|e| format!("error: unable to parse {text:?}: {e}"))?;
    let resource = resolve_type(sim, &kind)?;
    let namespace = if resource.namespaced { namespace_of(args) } else { String::new() };
    let Some(before) = sim.store().get(&resource.kind, &namespace, &name).cloned() else {
        return Err(format!(
            "Error from server (NotFound): {} {name:?} not found",
            resource.qualified_plural()
        ));
    };
    let display = format!("{}/{name}", resource.qualified_singular());
    let after = match args.flag("type").unwrap_or("strategic") {
        kind @ ("strategic" | "merge") => {
            let patch_kind = if kind == "merge" { PatchKind::Merge } else { PatchKind::Strategic };
            if !patch.is_object() {
                return Err(format!("Error from server (BadRequest): json: cannot unmarshal {} into Go value of type map[string]interface {{}}", json_type(&patch)));
            }
            sim.patch(&resource.kind, &namespace, &name, &patch, patch_kind).map_err(|e| e.render(None))?
        }
        "json" => {
            let Some(operations) = patch.as_array() else {
                return Err(format!("error: unable to parse {text:?}: json: cannot unmarshal {} into Go value of type jsonpatch.Patch", json_type(&patch)));
            };
            let mut document = before.to_json();
            for operation in operations {
                apply_operation(&mut document, operation)
                    .map_err(|why| format!("The request is invalid: {why}"))?;
            }
            let object =
                decode(&document, sim.store().resources()).map_err(|e| e.render("STDIN", "patching"))?;
            sim.update(object).map_err(|e| e.render(None))?
        }
        other => {
            return Err(format!("error: --type must be one of [json merge strategic], not {other:?}"));
        }
    };
    let comparable = |v: Value| {
        let mut v = v;
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
            meta.remove("generation");
        }
        v
    };
    if comparable(object_json(&before)) == comparable(object_json(&after)) {
        Ok(format!("{display} patched (no change)"))
    } else {
        Ok(format!("{display} patched"))
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    }
}

/// Splits a JSON pointer (`/spec/replicas`) into unescaped tokens.
fn tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("invalid JSON pointer {pointer:?}"));
    };
    Ok(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// The parent container of a pointer's target and the last token.
fn parent<'a>(document: &'a mut Value, path: &[String]) -> Result<(&'a mut Value, String), String> {
    let Some((last, init)) = path.split_last() else {
        return Err("cannot operate on the document root".into());
    };
    let mut node = document;
    for token in init {
        node = match node {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| format!("doc is missing path: \"/{}\": missing value", init.join("/")))?;
    }
    Ok((node, last.clone()))
}

fn add(document: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let (node, last) = parent(document, path)?;
    match node {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>().map_err(|_| format!("invalid array index {last:?}"))?
            };
            if index > items.len() {
                return Err(format!(
                    "add operation does not apply: doc is missing path: index {index} out of bounds"
                ));
            }
            items.insert(index, value);
            Ok(())
        }
        _ => Err(format!("add operation does not apply: doc is missing path: {last:?}")),
    }
}

fn remove(document: &mut Value, path: &[String]) -> Result<Value, String> {
    let (node, last) = parent(document, path)?;
    let removed = match node {
        Value::Object(map) => map.remove(&last),
        Value::Array(items) => {
            last.parse::<usize>().ok().filter(|i| *i < items.len()).map(|i| items.remove(i))
        }
        _ => None,
    };
    removed.ok_or_else(|| {
        format!("remove operation does not apply: doc is missing path: \"/{}\"", path.join("/"))
    })
}

fn get(document: &Value, path: &[String]) -> Option<Value> {
    path.iter()
        .try_fold(document, |node, token| match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
        .cloned()
}

fn apply_operation(document: &mut Value, operation: &Value) -> Result<(), String> {
    let op = operation["op"].as_str().ok_or("missing op")?;
    let path = tokens(operation["path"].as_str().ok_or("missing path")?)?;
    let value = || operation.get("value").cloned().ok_or_else(|| format!("missing value for {op}"));
    let from = || tokens(operation["from"].as_str().unwrap_or_default());
    match op {
        "add" => add(document, &path, value()?),
        "remove" => remove(document, &path).map(|_| ()),
        "replace" => {
            remove(document, &path).map_err(|_| {
                format!("replace operation does not apply: doc is missing key: /{}", path.join("/"))
            })?;
            add(document, &path, value()?)
        }
        "move" => {
            let moved = remove(document, &from()?)?;
            add(document, &path, moved)
        }
        "copy" => {
            let copied =
                get(document, &from()?).ok_or("copy operation does not apply: doc is missing from path")?;
            add(document, &path, copied)
        }
        "test" => match get(document, &path) {
            Some(found) if Some(&found) == operation.get("value") => Ok(()),
            _ => Err("testing value failed".into()),
        },
        other => Err(format!("Unexpected kind: {other}")),
    }
}
