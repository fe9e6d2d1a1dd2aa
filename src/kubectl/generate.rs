//! Commands that generate an object from flags instead of a manifest: `create deployment|job|
//! cronjob|namespace|service|configmap|secret generic`, `expose` and `autoscale`. Each builds the
//! JSON kubectl's generator would send, then either stores it or, with `--dry-run`, only prints
//! it; `-o yaml|json|name` prints the object instead of the one-line confirmation.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::output::{object_json, to_json, yaml};
use super::{namespace_of, read_file, resolve_type, Args};
use crate::console::Output;
use crate::sim::api::manifest::decode;
use crate::sim::Simulation;

/// Runs `kubectl create SUBCOMMAND NAME …` (the forms without `-f`).
pub fn create(sim: &mut Simulation, files: &[(String, String)], args: &Args) -> Output {
    let sub = args.positional.first().map(String::as_str).unwrap_or("");
    let name = args.positional.get(1).cloned();
    let needs_name = |what: &str| {
        Output::error(format!("error: exactly one NAME is required, got 0\nSee 'kubectl create {what} -h' for help and examples"))
    };
    let namespace = namespace_of(args);
    let built = match sub {
        "namespace" | "ns" => match name {
            Some(name) => Ok(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})),
            None => return needs_name("namespace"),
        },
        "deployment" | "deploy" => match name {
            Some(name) => deployment(&name, &namespace, args),
            None => return needs_name("deployment"),
        },
        "job" => match name {
            Some(name) => job(sim, &name, &namespace, args),
            None => return needs_name("job"),
        },
        "cronjob" | "cj" => match name {
            Some(name) => cronjob(&name, &namespace, args),
            None => return needs_name("cronjob"),
        },
        "configmap" | "cm" => match name {
            Some(name) => data_object("ConfigMap", &name, &namespace, files, args),
            None => return needs_name("configmap"),
        },
        "secret" => match (args.positional.get(1).map(String::as_str), args.positional.get(2)) {
            (Some("generic"), Some(name)) => data_object("Secret", name, &namespace, files, args),
            (Some("generic"), None) => return needs_name("secret generic"),
            (Some(other), _) => {
                return Output::error(format!(
                    "error: unknown command \"{other}\" for \"kubectl create secret\"\nRun 'kubectl create secret --help' for usage."
                ))
            }
            (None, _) => return Output::error("error: must specify one of generic, docker-registry, tls"),
        },
        "service" | "svc" => match (args.positional.get(1).map(String::as_str), args.positional.get(2)) {
            (Some(kind @ ("clusterip" | "nodeport" | "loadbalancer")), Some(name)) => {
                service(kind, name, &namespace, args)
            }
            (Some(kind @ ("clusterip" | "nodeport" | "loadbalancer")), None) => {
                return needs_name(&format!("service {kind}"))
            }
            _ => return Output::error("error: must specify one of clusterip, nodeport, loadbalancer, externalname"),
        },
        "" => return Output::error("error: must specify one of -f and -k"),
        other => {
            return Output::error(format!(
                "error: unknown command \"{other}\" for \"kubectl create\"\nRun 'kubectl create --help' for usage."
            ))
        }
    };
    match built {
        Ok(object) => finish(sim, args, object, "created"),
        Err(message) => Output::error(message),
    }
}

/// `--dry-run[=client|server|none]`: the suffix kubectl adds to its messages, `None` when the
/// command really writes.
pub fn dry_run_suffix(args: &Args) -> Result<Option<&'static str>, String> {
    match args.flag("dry-run") {
        None | Some("none") | Some("false") => Ok(None),
        Some("server") => Ok(Some(" (server dry run)")),
        Some("client") | Some("true") => Ok(Some(" (dry run)")),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// Stores `object` (or only prints it with `--dry-run`) and prints what kubectl prints.
pub fn finish(sim: &mut Simulation, args: &Args, object: Value, verb: &str) -> Output {
    let decoded = match decode(&object, sim.store().resources()) {
        Ok(decoded) => decoded,
        Err(error) => return Output::error(error.render("STDIN", "creating")),
    };
    let Some(resource) = sim.store().resource_of(&decoded).cloned() else {
        return Output::error(format!("error: the server doesn't have a resource type {:?}", decoded.kind()));
    };
    let dry_run = match dry_run_suffix(args) {
        Ok(suffix) => suffix,
        Err(message) => return Output::error(message),
    };
    let stored = match dry_run {
        Some(_) => object_json(&decoded),
        None => match sim.create(decoded) {
            Ok(created) => object_json(&created),
            Err(error) => return Output::error(error.render(None)),
        },
    };
    let mut out = Output::default();
    let name = stored["metadata"]["name"].as_str().unwrap_or_default().to_string();
    let display = format!("{}/{name}", resource.qualified_singular());
    match args.flag("output") {
        Some("yaml") => out.out(yaml(&stored)),
        Some("json") => out.out(to_json(&stored)),
        Some("name") => out.out(display),
        Some(other) => {
            return Output::error(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"
            ))
        }
        None => out.out(format!("{display} {verb}{}", dry_run.unwrap_or(""))),
    }
    out
}

/// The container name kubectl derives from an image: its last path element without tag or
/// digest (`registry.k8s.io/echoserver:1.4` → `echoserver`).
pub fn container_name(image: &str) -> String {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split(':').next().unwrap_or(last);
    base.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

fn number(args: &Args, flag: &str) -> Result<Option<i64>, String> {
    match args.flag(flag) {
        None => Ok(None),
        Some(text) => text
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("error: invalid argument {text:?} for \"--{flag}\" flag: strconv.ParseInt: parsing {text:?}: invalid syntax")),
    }
}

/// The words after the name (after `--`): the container's command.
fn trailing_command(args: &Args, skip: usize) -> Option<Vec<String>> {
    let rest: Vec<String> = args.positional.iter().skip(skip).cloned().collect();
    (!rest.is_empty()).then_some(rest)
}

fn deployment(name: &str, namespace: &str, args: &Args) -> Result<Value, String> {
    let images = args.flag_values("image");
    if images.is_empty() {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    let replicas = number(args, "replicas")?.unwrap_or(1);
    let port = number(args, "port")?;
    let command = trailing_command(args, 2);
    if command.is_some() && images.len() > 1 {
        return Err("error: cannot specify multiple --image options and command".into());
    }
    let containers: Vec<Value> = images
        .iter()
        .map(|image| {
            let mut c = json!({"name": container_name(image), "image": image, "resources": {}});
            if let Some(port) = port {
                c["ports"] = json!([{"containerPort": port}]);
            }
            if let Some(command) = &command {
                c["command"] = json!(command);
            }
            c
        })
        .collect();
    Ok(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": containers}
            }
        }
    }))
}

fn job_container(name: &str, args: &Args) -> Result<Value, String> {
    let Some(image) = args.flag("image") else {
        return Err("error: either --image or --from must be specified".into());
    };
    let mut c = json!({"name": name, "image": image, "resources": {}});
    if let Some(command) = trailing_command(args, 2) {
        c["command"] = json!(command);
    }
    Ok(c)
}

fn job(sim: &Simulation, name: &str, namespace: &str, args: &Args) -> Result<Value, String> {
    if let Some(from) = args.flag("from") {
        // `--from=cronjob/NAME`: the cron job's template run once, now.
        let Some((kind, source)) = from.split_once('/') else {
            return Err(format!("error: from must be of the form <resource>/<name>, got {from:?}"));
        };
        if !matches!(kind, "cronjob" | "cronjobs" | "cj" | "cronjob.batch") {
            return Err(format!("error: from must be an existing cronjob: unknown resource {kind:?}"));
        }
        let Some(cronjob) = sim.store().get("CronJob", namespace, source) else {
            return Err(format!("Error from server (NotFound): cronjobs.batch {source:?} not found"));
        };
        let cron = cronjob.to_json();
        let template = &cron["spec"]["jobTemplate"];
        let mut annotations = template["metadata"]["annotations"].as_object().cloned().unwrap_or_default();
        annotations.insert("cronjob.kubernetes.io/instantiate".into(), json!("manual"));
        return Ok(json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": template["metadata"]["labels"].clone(),
                "annotations": annotations,
                "ownerReferences": [{
                    "apiVersion": "batch/v1",
                    "kind": "CronJob",
                    "name": source,
                    "uid": cronjob.uid(),
                    "controller": true
                }]
            },
            "spec": template["spec"].clone()
        }))
        .map(strip_nulls);
    }
    let container = job_container(name, args)?;
    Ok(json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"template": {"metadata": {}, "spec": {"containers": [container], "restartPolicy": "Never"}}}
    }))
}

fn cronjob(name: &str, namespace: &str, args: &Args) -> Result<Value, String> {
    let Some(schedule) = args.flag("schedule") else {
        return Err("error: required flag(s) \"schedule\" not set".into());
    };
    let Some(image) = args.flag("image") else {
        return Err("error: required flag(s) \"image\" not set".into());
    };
    let restart = args.flag("restart").unwrap_or("OnFailure");
    if !matches!(restart, "OnFailure" | "Never") {
        return Err(format!("error: invalid restart policy: {restart}"));
    }
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if let Some(command) = trailing_command(args, 2) {
        container["command"] = json!(command);
    }
    Ok(json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "schedule": schedule,
            "jobTemplate": {
                "metadata": {"name": name},
                "spec": {"template": {"metadata": {}, "spec": {"containers": [container], "restartPolicy": restart}}}
            }
        }
    }))
}

fn service(kind: &str, name: &str, namespace: &str, args: &Args) -> Result<Value, String> {
    let tcp = args.flag_values("tcp");
    let cluster_ip = args.flag("clusterip");
    if tcp.is_empty() && cluster_ip != Some("None") {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let node_port = number(args, "node-port")?;
    let mut ports = Vec::new();
    for spec in tcp {
        let (port, target) = spec.split_once(':').unwrap_or((spec, spec));
        let Ok(port) = port.parse::<i64>() else {
            return Err(format!("error: invalid port number {port:?}"));
        };
        let target = target.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(target));
        let name = format!("{port}-{}", plain(&target));
        let mut p = json!({"name": name, "port": port, "protocol": "TCP", "targetPort": target});
        if let Some(node_port) = node_port.filter(|_| kind == "nodeport") {
            p["nodePort"] = json!(node_port);
        }
        ports.push(p);
    }
    let service_type = match kind {
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        _ => "ClusterIP",
    };
    let mut spec = json!({"ports": ports, "selector": {"app": name}, "type": service_type});
    if let Some(ip) = cluster_ip {
        spec["clusterIP"] = json!(ip);
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": spec
    }))
}

fn plain(value: &Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())
}

/// A ConfigMap or an Opaque Secret from `--from-literal=K=V` and `--from-file=[K=]PATH`.
fn data_object(
    kind: &str,
    name: &str,
    namespace: &str,
    files: &[(String, String)],
    args: &Args,
) -> Result<Value, String> {
    let mut data: BTreeMap<String, String> = BTreeMap::new();
    for literal in args.flag_values("from-literal") {
        let Some((key, value)) = literal.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(format!("error: invalid literal source {literal}, expected key=value"));
        };
        if data.insert(key.to_string(), value.to_string()).is_some() {
            return Err(format!("error: cannot add key {key}, another key by that name already exists in Data for {kind} {name:?}"));
        }
    }
    for source in args.flag_values("from-file") {
        let (key, path) = match source.split_once('=') {
            Some((key, path)) => (key.to_string(), path),
            None => (source.rsplit('/').next().unwrap_or(source).to_string(), source),
        };
        let (_, text) = read_file(files, path)?;
        data.insert(key, text);
    }
    let mut object =
        json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": namespace}});
    if kind == "Secret" {
        let mut encoded = Map::new();
        for (key, value) in data {
            // The API carries Secret values base64-encoded; ByteString's serializer does that.
            let bytes = k8s_openapi::ByteString(value.into_bytes());
            encoded.insert(key, serde_json::to_value(bytes).unwrap_or(Value::Null));
        }
        object["data"] = Value::Object(encoded);
        object["type"] = json!(args.flag("type").unwrap_or("Opaque"));
    } else {
        object["data"] = json!(data);
    }
    Ok(object)
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// Splits `TYPE NAME` or `TYPE/NAME` from the positionals.
fn target(args: &Args, command: &str) -> Result<(String, String), String> {
    match (args.positional.first(), args.positional.get(1)) {
        (Some(first), _) if first.contains('/') => {
            let (kind, name) = first.split_once('/').unwrap_or((first, ""));
            Ok((kind.to_string(), name.to_string()))
        }
        (Some(kind), Some(name)) => Ok((kind.clone(), name.clone())),
        _ => Err(format!(
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\nSee 'kubectl {command} -h' for help and examples"
        )),
    }
}

/// Runs `kubectl expose TYPE NAME [--port] [--target-port] [--type] [--name] [--protocol]`.
pub fn expose(sim: &mut Simulation, args: &Args) -> Output {
    let built = (|| {
        let (kind, name) = target(args, "expose")?;
        let resource = resolve_type(sim, &kind)?;
        let namespace = namespace_of(args);
        let Some(object) = sim.store().get(&resource.kind, &namespace, &name) else {
            return Err(format!(
                "Error from server (NotFound): {} {name:?} not found",
                resource.qualified_plural()
            ));
        };
        let json = object.to_json();
        let (selector, template_spec) = match resource.kind.as_str() {
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => {
                if json["spec"]["selector"]["matchExpressions"].is_array() {
                    return Err("error: couldn't convert expressions - \"matchExpressions\" to map-based selector format".into());
                }
                (json["spec"]["selector"]["matchLabels"].clone(), json["spec"]["template"]["spec"].clone())
            }
            "ReplicationController" => {
                (json["spec"]["selector"].clone(), json["spec"]["template"]["spec"].clone())
            }
            "Pod" => (json["metadata"]["labels"].clone(), json["spec"].clone()),
            "Service" => (json["spec"]["selector"].clone(), Value::Null),
            _ => return Err(format!("error: cannot expose a {} (kind: {})", resource.kind, resource.kind)),
        };
        let selector = match args.flag("selector") {
            Some(spec) => parse_pairs(spec)?,
            None if selector.as_object().is_some_and(|m| !m.is_empty()) => selector,
            None => {
                return Err(format!(
                    "error: couldn't retrieve selectors via --selector flag or introspection: the {} has no selector",
                    resource.kind.to_lowercase()
                ))
            }
        };
        let protocol = args.flag("protocol").unwrap_or("TCP");
        let target_port =
            args.flag("target-port").map(|t| t.parse::<i64>().map(Value::from).unwrap_or(json!(t)));
        let mut ports: Vec<Value> = Vec::new();
        if let Some(port) = args.flag("port") {
            let Ok(port) = port.parse::<i64>() else {
                return Err(format!("error: invalid port number {port:?}"));
            };
            ports.push(json!({"port": port, "protocol": protocol, "targetPort": target_port.clone().unwrap_or(json!(port))}));
        } else {
            // Introspection: the ports of the pod template's containers, or of the service.
            let found: Vec<(i64, Value)> = if resource.kind == "Service" {
                json["spec"]["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| Some((p["port"].as_i64()?, p["protocol"].clone())))
                    .collect()
            } else {
                template_spec["containers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|c| c["ports"].as_array().into_iter().flatten())
                    .filter_map(|p| Some((p["containerPort"].as_i64()?, p["protocol"].clone())))
                    .collect()
            };
            if found.is_empty() {
                return Err("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples".into());
            }
            let several = found.len() > 1;
            for (i, (port, proto)) in found.into_iter().enumerate() {
                let proto = proto.as_str().map(str::to_string).unwrap_or_else(|| protocol.to_string());
                let mut p = json!({"port": port, "protocol": proto, "targetPort": target_port.clone().unwrap_or(json!(port))});
                if several {
                    p["name"] = json!(format!("port-{}", i + 1));
                }
                ports.push(p);
            }
        }
        let service_name = args.flag("name").unwrap_or(&name).to_string();
        let labels = match args.flag("labels") {
            Some(spec) => parse_pairs(spec)?,
            None => json["metadata"]["labels"].clone(),
        };
        let mut spec = json!({"ports": ports, "selector": selector});
        if let Some(service_type) = args.flag("type") {
            if !matches!(service_type, "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName") {
                return Err(format!("error: invalid service type {service_type:?}"));
            }
            spec["type"] = json!(service_type);
        }
        if let Some(ip) = args.flag("cluster-ip") {
            spec["clusterIP"] = json!(ip);
        }
        let mut metadata = json!({"name": service_name, "namespace": namespace});
        if labels.as_object().is_some_and(|m| !m.is_empty()) {
            metadata["labels"] = labels;
        }
        Ok(json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}))
    })();
    match built {
        Ok(object) => finish(sim, args, object, "exposed"),
        Err(message) => Output::error(message),
    }
}

fn parse_pairs(spec: &str) -> Result<Value, String> {
    let mut map = Map::new();
    for pair in spec.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!("error: invalid label spec: {pair}"));
        };
        map.insert(k.to_string(), json!(v));
    }
    Ok(Value::Object(map))
}

/// Runs `kubectl autoscale TYPE NAME --max=N [--min=N] [--cpu-percent=N] [--name]`: an
/// autoscaling/v2 HorizontalPodAutoscaler for a scalable workload.
pub fn autoscale(sim: &mut Simulation, args: &Args) -> Output {
    let built = (|| {
        let (kind, name) = target(args, "autoscale")?;
        let resource = resolve_type(sim, &kind)?;
        if !matches!(
            resource.kind.as_str(),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            return Err(format!("error: cannot autoscale a {}: not scalable", resource.kind));
        }
        let namespace = namespace_of(args);
        if sim.store().get(&resource.kind, &namespace, &name).is_none() {
            return Err(format!(
                "Error from server (NotFound): {} {name:?} not found",
                resource.qualified_plural()
            ));
        }
        let max = number(args, "max")?.unwrap_or(0);
        if max < 1 {
            return Err(format!("error: --max=MAXPODS is required and must be at least 1, max: {max}"));
        }
        let min = number(args, "min")?;
        if min.is_some_and(|min| min > max) {
            return Err(format!(
                "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {}",
                min.unwrap_or(0)
            ));
        }
        let mut spec = json!({
            "scaleTargetRef": {"apiVersion": resource.api_version(), "kind": resource.kind, "name": name},
            "maxReplicas": max,
        });
        if let Some(min) = min {
            spec["minReplicas"] = json!(min);
        }
        if let Some(cpu) = number(args, "cpu-percent")?.or(number(args, "cpu")?).filter(|c| *c >= 0) {
            spec["metrics"] = json!([{
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}
            }]);
        }
        let hpa_name = args.flag("name").unwrap_or(&name).to_string();
        Ok(json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": hpa_name, "namespace": namespace},
            "spec": spec
        }))
    })();
    match built {
        Ok(object) => finish(sim, args, object, "autoscaled"),
        Err(message) => Output::error(message),
    }
}

#[cfg(test)]
mod tests {
    use super::container_name;

    #[test]
    fn container_names_come_from_the_image_basename() {
        assert_eq!(container_name("registry.k8s.io/echoserver:1.4"), "echoserver");
        assert_eq!(container_name("nginx"), "nginx");
        assert_eq!(container_name("busybox@sha256:abc"), "busybox");
    }
}
