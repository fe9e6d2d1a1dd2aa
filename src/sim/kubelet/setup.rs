//! What the kubelet prepares before a container starts: the pod's volumes (emptyDir, hostPath,
//! configMap, secret, downwardAPI, projected, PVC), each container's filesystem with its mounts
//! and kubelet-written files, and its environment (env, envFrom, downward API, Service links).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, EnvVar, ObjectFieldSelector, Pod};

use crate::sim::api::{Object, Store};
use crate::sim::runtime::{expand_k8s_vars, ContainerFs, Volume, VolumeHandle};

/// Storage that outlives pods: hostPath directories per node, PV data per volume.
#[derive(Clone, Debug, Default)]
pub struct Disks {
    /// (node, path) → the directory's tree.
    pub host_paths: BTreeMap<(String, String), VolumeHandle>,
    /// PV name → its data.
    pub persistent: BTreeMap<String, VolumeHandle>,
}

/// A volume that could not be set up: `MountVolume.SetUp failed for volume "cfg" : <why>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountError {
    pub volume: String,
    pub detail: String,
    /// The volume is not ready yet (claim not bound): wait quietly and retry.
    pub pending: bool,
}

impl MountError {
    pub fn message(&self) -> String {
        format!("MountVolume.SetUp failed for volume {:?} : {}", self.volume, self.detail)
    }
}

fn decode_secret(value: &k8s_openapi::ByteString) -> String {
    String::from_utf8_lossy(&value.0).into_owned()
}

/// A Secret's keys and values (`data` decoded, `stringData` on top, as the API server merges
/// them).
fn secret_values(secret: &k8s_openapi::api::core::v1::Secret) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> =
        secret.data.iter().flatten().map(|(k, v)| (k.clone(), decode_secret(v))).collect();
    values.extend(secret.string_data.clone().unwrap_or_default());
    values
}

/// Builds the pod's volumes; fails on the first that cannot be set up.
pub fn pod_volumes(
    store: &Store,
    pod: &Pod,
    node: &str,
    disks: &mut Disks,
    pod_ip: &str,
) -> Result<BTreeMap<String, VolumeHandle>, MountError> {
    let namespace = pod.metadata.namespace.clone().unwrap_or_else(|| "default".into());
    let mut volumes = BTreeMap::new();
    let Some(spec) = &pod.spec else { return Ok(volumes) };
    for volume in spec.volumes.iter().flatten() {
        let fail = |detail: String| MountError { volume: volume.name.clone(), detail, pending: false };
        let handle: VolumeHandle = if volume.empty_dir.is_some() {
            Volume::handle()
        } else if let Some(host) = &volume.host_path {
            disks
                .host_paths
                .entry((node.to_string(), host.path.clone()))
                .or_insert_with(Volume::handle)
                .clone()
        } else if let Some(source) = &volume.config_map {
            let name = source.name.clone();
            match store.get("ConfigMap", &namespace, &name).and_then(|o| o.as_config_map()) {
                Some(cm) => {
                    let data = cm.data.clone().unwrap_or_default();
                    key_files(
                        &data,
                        source
                            .items
                            .as_ref()
                            .map(|items| items.iter().map(|i| (i.key.clone(), i.path.clone())).collect()),
                    )
                }
                None if source.optional == Some(true) => Volume::handle(),
                None => return Err(fail(format!("configmap {name:?} not found"))),
            }
        } else if let Some(source) = &volume.secret {
            let name = source.secret_name.clone().unwrap_or_default();
            match store.get("Secret", &namespace, &name).and_then(|o| o.as_secret()) {
                Some(secret) => {
                    let data = secret_values(secret);
                    key_files(
                        &data,
                        source
                            .items
                            .as_ref()
                            .map(|items| items.iter().map(|i| (i.key.clone(), i.path.clone())).collect()),
                    )
                }
                None if source.optional == Some(true) => Volume::handle(),
                None => return Err(fail(format!("secret {name:?} not found"))),
            }
        } else if let Some(source) = &volume.downward_api {
            let mut files = BTreeMap::new();
            for item in source.items.iter().flatten() {
                if let Some(field) = &item.field_ref {
                    files.insert(item.path.clone(), field_value(pod, field, node, pod_ip));
                }
            }
            key_files(&files, None)
        } else if let Some(source) = &volume.projected {
            let mut files = BTreeMap::new();
            for projection in source.sources.iter().flatten() {
                if let Some(cm) = &projection.config_map {
                    if let Some(found) =
                        store.get("ConfigMap", &namespace, &cm.name).and_then(|o| o.as_config_map())
                    {
                        files.extend(found.data.clone().unwrap_or_default());
                    }
                }
                if let Some(secret) = &projection.secret {
                    if let Some(found) =
                        store.get("Secret", &namespace, &secret.name).and_then(|o| o.as_secret())
                    {
                        files.extend(secret_values(found));
                    }
                }
                if projection.service_account_token.is_some() {
                    files.insert(
                        "token".into(),
                        "eyJhbGciOiJSUzI1NiIsImtpZCI6InBvZGxhYiJ9.simulated.token".into(),
                    );
                    files.insert("namespace".into(), namespace.clone());
                    files.insert(
                        "ca.crt".into(),
                        "-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----".into(),
                    );
                }
                if let Some(downward) = &projection.downward_api {
                    for item in downward.items.iter().flatten() {
                        if let Some(field) = &item.field_ref {
                            files.insert(item.path.clone(), field_value(pod, field, node, pod_ip));
                        }
                    }
                }
            }
            key_files(&files, None)
        } else if let Some(claim) = &volume.persistent_volume_claim {
            let pvc = store
                .get("PersistentVolumeClaim", &namespace, &claim.claim_name)
                .and_then(|o| o.as_persistent_volume_claim());
            let Some(pvc) = pvc else {
                return Err(fail(format!("persistentvolumeclaim {:?} not found", claim.claim_name)));
            };
            let key = pvc
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.clone())
                .unwrap_or_else(|| format!("claim:{namespace}/{}", claim.claim_name));
            disks.persistent.entry(key).or_insert_with(Volume::handle).clone()
        } else {
            Volume::handle()
        };
        volumes.insert(volume.name.clone(), handle);
    }
    Ok(volumes)
}

/// The current files of a configMap or secret volume of `pod` (None for other kinds or a
/// missing source), to refresh a mounted volume after its object changed.
pub fn refreshed_files(store: &Store, pod: &Pod, volume: &str) -> Option<Vec<(String, String)>> {
    let namespace = pod.metadata.namespace.clone().unwrap_or_else(|| "default".into());
    let source = pod.spec.as_ref()?.volumes.iter().flatten().find(|v| v.name == volume)?;
    let (data, items) = if let Some(cm) = &source.config_map {
        let found =
            store.get("ConfigMap", &namespace, &cm.name)?.as_config_map()?.data.clone().unwrap_or_default();
        (found, cm.items.clone())
    } else if let Some(secret) = &source.secret {
        let name = secret.secret_name.clone().unwrap_or_default();
        (secret_values(store.get("Secret", &namespace, &name)?.as_secret()?), secret.items.clone())
    } else {
        return None;
    };
    let files = match items {
        Some(items) => {
            items.iter().filter_map(|i| Some((i.path.clone(), data.get(&i.key)?.clone()))).collect()
        }
        None => data.into_iter().collect(),
    };
    Some(files)
}

/// Whether the pod mounts a volume from this ConfigMap or Secret.
pub fn uses_object(pod: &Pod, kind: &str, name: &str) -> Vec<String> {
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter(|v| match kind {
            "ConfigMap" => v.config_map.as_ref().is_some_and(|c| c.name == name),
            _ => v.secret.as_ref().is_some_and(|s| s.secret_name.as_deref() == Some(name)),
        })
        .map(|v| v.name.clone())
        .collect()
}

fn key_files(data: &BTreeMap<String, String>, items: Option<Vec<(String, String)>>) -> VolumeHandle {
    let handle = Volume::handle();
    {
        let mut volume = handle.borrow_mut();
        match items {
            Some(items) => {
                for (key, path) in items {
                    if let Some(value) = data.get(&key) {
                        volume.put_file(&path, value);
                    }
                }
            }
            None => {
                for (key, value) in data {
                    volume.put_file(key, value);
                }
            }
        }
    }
    handle
}

/// A downward API field (`metadata.name`, `status.podIP`, `spec.nodeName`…).
pub fn field_value(pod: &Pod, field: &ObjectFieldSelector, node: &str, pod_ip: &str) -> String {
    let meta = &pod.metadata;
    let path = field.field_path.as_str();
    if let Some(key) = path.strip_prefix("metadata.labels['").and_then(|r| r.strip_suffix("']")) {
        return meta.labels.as_ref().and_then(|l| l.get(key).cloned()).unwrap_or_default();
    }
    if let Some(key) = path.strip_prefix("metadata.annotations['").and_then(|r| r.strip_suffix("']")) {
        return meta.annotations.as_ref().and_then(|l| l.get(key).cloned()).unwrap_or_default();
    }
    let map_text = |map: &Option<BTreeMap<String, String>>| {
        map.iter().flatten().map(|(k, v)| format!("{k}={v:?}")).collect::<Vec<_>>().join("\n")
    };
    match path {
        "metadata.name" => meta.name.clone().unwrap_or_default(),
        "metadata.namespace" => meta.namespace.clone().unwrap_or_else(|| "default".into()),
        "metadata.uid" => meta.uid.clone().unwrap_or_default(),
        "metadata.labels" => map_text(&meta.labels),
        "metadata.annotations" => map_text(&meta.annotations),
        "spec.nodeName" => node.to_string(),
        "spec.serviceAccountName" => {
            pod.spec.as_ref().and_then(|s| s.service_account_name.clone()).unwrap_or_else(|| "default".into())
        }
        "status.podIP" | "status.podIPs" => pod_ip.to_string(),
        "status.hostIP" | "status.hostIPs" => {
            pod.status.as_ref().and_then(|s| s.host_ip.clone()).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// A container's filesystem: the image's files, the files the kubelet writes, the mounts. The
/// container's own layer is only built when a path in it is first used.
pub fn container_fs(
    image_files: &'static [(&'static str, &'static str)],
    container: &Container,
    volumes: &BTreeMap<String, VolumeHandle>,
    hostname: &str,
    pod_ip: &str,
    namespace: &str,
) -> ContainerFs {
    let (hostname, pod_ip, namespace) = (hostname.to_string(), pod_ip.to_string(), namespace.to_string());
    let mut fs = ContainerFs::deferred(move || {
        let mut root = Volume::new();
        for dir in ["/tmp", "/etc", "/var/log", "/root", "/home", "/usr/bin", "/bin", "/proc", "/dev"] {
            root.put_dir(dir);
        }
        for (path, content) in image_files {
            root.put_file(path, content);
        }
        root.put_file("/etc/hostname", &format!("{hostname}\n"));
        root.put_file(
            "/etc/hosts",
            &format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{pod_ip}\t{hostname}\n"),
        );
        root.put_file(
            "/etc/resolv.conf",
            &format!("search {namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"),
        );
        root
    });
    for mount in container.volume_mounts.iter().flatten() {
        if let Some(volume) = volumes.get(&mount.name) {
            fs.mount(
                &mount.mount_path,
                volume.clone(),
                mount.sub_path.as_deref().unwrap_or(""),
                mount.read_only.unwrap_or(false),
            );
        }
    }
    fs
}

/// Why a container's configuration could not be built (`CreateContainerConfigError`).
pub type ConfigError = String;

/// The container's environment, in the order `env` prints it.
pub fn container_env(
    store: &Store,
    pod: &Pod,
    container: &Container,
    node: &str,
    pod_ip: &str,
    image_env: &[(String, String)],
) -> Result<Vec<(String, String)>, ConfigError> {
    let namespace = pod.metadata.namespace.clone().unwrap_or_else(|| "default".into());
    let hostname = pod
        .spec
        .as_ref()
        .and_then(|s| s.hostname.clone())
        .or_else(|| pod.metadata.name.clone())
        .unwrap_or_default();
    let mut env: Vec<(String, String)> = image_env.to_vec();
    if !env.iter().any(|(k, _)| k == "PATH") {
        env.insert(0, ("PATH".into(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()));
    }
    env.insert(1.min(env.len()), ("HOSTNAME".into(), hostname));
    let mut declared: Vec<(String, String)> = Vec::new();
    for source in container.env_from.iter().flatten() {
        let prefix = source.prefix.clone().unwrap_or_default();
        if let Some(cm_ref) = &source.config_map_ref {
            match store.get("ConfigMap", &namespace, &cm_ref.name).and_then(|o| o.as_config_map()) {
                Some(cm) => {
                    for (k, v) in cm.data.iter().flatten() {
                        declared.push((format!("{prefix}{k}"), v.clone()));
                    }
                }
                None if cm_ref.optional == Some(true) => {}
                None => return Err(format!("configmap {:?} not found", cm_ref.name)),
            }
        }
        if let Some(secret_ref) = &source.secret_ref {
            match store.get("Secret", &namespace, &secret_ref.name).and_then(|o| o.as_secret()) {
                Some(secret) => {
                    for (k, v) in secret_values(secret) {
                        declared.push((format!("{prefix}{k}"), v));
                    }
                }
                None if secret_ref.optional == Some(true) => {}
                None => return Err(format!("secret {:?} not found", secret_ref.name)),
            }
        }
    }
    for var in container.env.iter().flatten() {
        if let Some(value) = env_value(store, pod, container, var, &namespace, node, pod_ip, &declared)? {
            declared.push((var.name.clone(), value));
        }
    }
    let mut names: Vec<String> = declared.iter().map(|(k, _)| k.clone()).collect();
    env.extend(declared);
    let links = pod.spec.as_ref().and_then(|s| s.enable_service_links).unwrap_or(true);
    for (k, v) in service_env(store, &namespace, links) {
        if !names.contains(&k) {
            names.push(k.clone());
            env.push((k, v));
        }
    }
    if !env.iter().any(|(k, _)| k == "HOME") {
        env.push(("HOME".into(), "/root".into()));
    }
    Ok(env)
}

#[allow(clippy::too_many_arguments)]
fn env_value(
    store: &Store,
    pod: &Pod,
    container: &Container,
    var: &EnvVar,
    namespace: &str,
    node: &str,
    pod_ip: &str,
    declared: &[(String, String)],
) -> Result<Option<String>, ConfigError> {
    if let Some(value) = &var.value {
        return Ok(Some(expand_k8s_vars(value, declared)));
    }
    let Some(from) = &var.value_from else { return Ok(Some(String::new())) };
    if let Some(selector) = &from.config_map_key_ref {
        let optional = selector.optional == Some(true);
        let Some(cm) = store.get("ConfigMap", namespace, &selector.name).and_then(|o| o.as_config_map())
        else {
            return if optional { Ok(None) } else { Err(format!("configmap {:?} not found", selector.name)) };
        };
        return match cm.data.as_ref().and_then(|d| d.get(&selector.key)) {
            Some(v) => Ok(Some(v.clone())),
            None if optional => Ok(None),
            None => {
                Err(format!("couldn't find key {} in ConfigMap {namespace}/{}", selector.key, selector.name))
            }
        };
    }
    if let Some(selector) = &from.secret_key_ref {
        let optional = selector.optional == Some(true);
        let Some(secret) = store.get("Secret", namespace, &selector.name).and_then(|o| o.as_secret()) else {
            return if optional { Ok(None) } else { Err(format!("secret {:?} not found", selector.name)) };
        };
        return match secret_values(secret).get(&selector.key) {
            Some(v) => Ok(Some(v.clone())),
            None if optional => Ok(None),
            None => {
                Err(format!("couldn't find key {} in Secret {namespace}/{}", selector.key, selector.name))
            }
        };
    }
    if let Some(field) = &from.field_ref {
        return Ok(Some(field_value(pod, field, node, pod_ip)));
    }
    if let Some(resource) = &from.resource_field_ref {
        let resources = container.resources.as_ref();
        let (map, name) = match resource.resource.split_once('.') {
            Some(("limits", name)) => (resources.and_then(|r| r.limits.clone()), name.to_string()),
            Some(("requests", name)) => (resources.and_then(|r| r.requests.clone()), name.to_string()),
            _ => (None, String::new()),
        };
        let millis = map
            .and_then(|m| m.get(&name).cloned())
            .and_then(|q| crate::sim::api::quantity::parse_millis(&q.0));
        let value = match (name.as_str(), millis) {
            ("cpu", Some(m)) => ((m + 999) / 1000).max(1).to_string(),
            (_, Some(m)) => (m / 1000).to_string(),
            ("cpu", None) => "4".into(),
            _ => "8589934592".into(),
        };
        return Ok(Some(value));
    }
    Ok(Some(String::new()))
}

/// Docker-link style variables for the Services of the namespace (and `kubernetes`).
fn service_env(store: &Store, namespace: &str, links: bool) -> Vec<(String, String)> {
    let mut env = Vec::new();
    for object in store.list("Service", None) {
        let Object::Service(service) = &**object else { continue };
        let is_master = object.name() == "kubernetes" && object.namespace() == "default";
        if !(is_master || (links && object.namespace() == namespace)) {
            continue;
        }
        let Some(spec) = &service.spec else { continue };
        let Some(ip) = spec.cluster_ip.clone().filter(|ip| ip != "None" && !ip.is_empty()) else { continue };
        let prefix = object.name().to_uppercase().replace('-', "_");
        let ports = spec.ports.clone().unwrap_or_default();
        let Some(first) = ports.first() else { continue };
        env.push((format!("{prefix}_SERVICE_HOST"), ip.clone()));
        env.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
        for port in &ports {
            if let Some(name) = &port.name {
                env.push((
                    format!("{prefix}_SERVICE_PORT_{}", name.to_uppercase().replace('-', "_")),
                    port.port.to_string(),
                ));
            }
        }
        let proto =
            |p: &k8s_openapi::api::core::v1::ServicePort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
        env.push((
            format!("{prefix}_PORT"),
            format!("{}://{ip}:{}", proto(first).to_lowercase(), first.port),
        ));
        for port in &ports {
            let p = proto(port);
            let base = format!("{prefix}_PORT_{}_{}", port.port, p);
            env.push((base.clone(), format!("{}://{ip}:{}", p.to_lowercase(), port.port)));
            env.push((format!("{base}_PROTO"), p.to_lowercase()));
            env.push((format!("{base}_PORT"), port.port.to_string()));
            env.push((format!("{base}_ADDR"), ip.clone()));
        }
    }
    env
}
