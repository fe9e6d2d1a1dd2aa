//! Admission plugins that look beyond the object itself: ServiceAccount,
//! DefaultTolerationSeconds, Priority, DefaultStorageClass, LimitRanger, ResourceQuota, the
//! Job selector, and Service IP allocation.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Pod, PodSpec, ResourceRequirements, Toleration};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::sim::api::errors::ApiError;
use crate::sim::api::object::Object;
use crate::sim::api::quantity;
use crate::sim::api::store::{Store, WriteCtx};

/// Seconds a pod stays on a not-ready or unreachable node before eviction.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// Mutations that happen only when an object is created.
pub fn mutate_on_create(store: &Store, ctx: &mut WriteCtx, object: &mut Object) {
    match object {
        Object::Pod(pod) => {
            let pod = Rc::make_mut(pod);
            let namespace = pod.metadata.namespace.clone().unwrap_or_default();
            if let Some(spec) = pod.spec.as_mut() {
                service_account(spec);
                default_tolerations(spec);
                priority(store, spec);
                limit_ranges(store, &namespace, spec);
            }
            // The pod strategy: every new pod starts Pending with its QoS class decided.
            let qos_class = pod.spec.as_ref().map(qos_class).unwrap_or("BestEffort");
            let status = pod.status.get_or_insert_with(Default::default);
            status.phase = Some("Pending".into());
            status.qos_class = Some(qos_class.into());
            // applySchedulingGatedCondition: a gated pod says so until its gates are removed.
            let gated =
                pod.spec.as_ref().and_then(|s| s.scheduling_gates.as_ref()).is_some_and(|g| !g.is_empty());
            if gated {
                let status = pod.status.get_or_insert_with(Default::default);
                status.conditions.get_or_insert_with(Vec::new).push(
                    k8s_openapi::api::core::v1::PodCondition {
                        type_: "PodScheduled".into(),
                        status: "False".into(),
                        reason: Some("SchedulingGated".into()),
                        message: Some("Scheduling is blocked due to non-empty scheduling gates".into()),
                        last_transition_time: Some(crate::sim::api::store::timestamp(
                            ctx.epoch_unix + ctx.now.as_secs() as i64,
                        )),
                        ..Default::default()
                    },
                );
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            let pvc = Rc::make_mut(pvc);
            if let Some(spec) = pvc.spec.as_mut() {
                if spec.storage_class_name.is_none() {
                    spec.storage_class_name = default_storage_class(store);
                }
            }
        }
        Object::Job(job) => {
            let job = Rc::make_mut(job);
            let uid = job.metadata.uid.clone().unwrap_or_default();
            let name = job.metadata.name.clone().unwrap_or_default();
            if let Some(spec) = job.spec.as_mut() {
                if spec.manual_selector != Some(true) && spec.selector.is_none() {
                    spec.selector = Some(LabelSelector {
                        match_labels: Some(BTreeMap::from([(
                            "batch.kubernetes.io/controller-uid".into(),
                            uid.clone(),
                        )])),
                        match_expressions: None,
                    });
                    let labels = spec
                        .template
                        .metadata
                        .get_or_insert_with(Default::default)
                        .labels
                        .get_or_insert_with(BTreeMap::new);
                    for (key, value) in [
                        ("batch.kubernetes.io/controller-uid", &uid),
                        ("batch.kubernetes.io/job-name", &name),
                        ("controller-uid", &uid),
                        ("job-name", &name),
                    ] {
                        labels.insert(key.into(), value.clone());
                    }
                }
                // SetDefaults_Job, as the stored Job is read back: no labels of its own means
                // its template's (the generated ones included).
                let template_labels = spec.template.metadata.as_ref().and_then(|m| m.labels.clone());
                if job.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) {
                    job.metadata.labels = template_labels.filter(|l| !l.is_empty());
                }
            }
        }
        Object::Service(service) => {
            let service = Rc::make_mut(service);
            if let Some(spec) = service.spec.as_mut() {
                let kind = spec.type_.clone().unwrap_or_default();
                if kind != "ExternalName" {
                    if spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
                        spec.cluster_ip = Some(allocate_cluster_ip(store, ctx));
                    }
                    let ip = spec.cluster_ip.clone().unwrap_or_default();
                    spec.cluster_ips.get_or_insert_with(|| vec![ip]);
                    spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
                    spec.ip_family_policy.get_or_insert_with(|| "SingleStack".into());
                }
                if kind == "NodePort" || kind == "LoadBalancer" {
                    let mut used = used_node_ports(store);
                    for port in spec.ports.iter_mut().flatten() {
                        if port.node_port.is_none() {
                            let mut candidate = ctx.rng.between(30000, 32767) as i32;
                            while used.contains(&candidate) {
                                candidate = ctx.rng.between(30000, 32767) as i32;
                            }
                            used.push(candidate);
                            port.node_port = Some(candidate);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn service_account(spec: &mut PodSpec) {
    let name = spec
        .service_account_name
        .clone()
        .or_else(|| spec.service_account.clone())
        .unwrap_or_else(|| "default".into());
    spec.service_account_name = Some(name.clone());
    spec.service_account = Some(name);
}

fn default_tolerations(spec: &mut PodSpec) {
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let covered = tolerations.iter().any(|t| {
            (t.key.as_deref() == Some(key)
                || t.key.as_deref().is_none_or(str::is_empty) && t.operator.as_deref() == Some("Exists"))
                && t.effect.as_deref().is_none_or(|e| e.is_empty() || e == "NoExecute")
        });
        if !covered {
            tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
                value: None,
            });
        }
    }
}

fn priority(store: &Store, spec: &mut PodSpec) {
    let class = match spec.priority_class_name.as_deref() {
        Some(name) => store.get("PriorityClass", "", name).and_then(|o| o.as_priority_class().cloned()),
        None => store
            .list("PriorityClass", None)
            .filter_map(|o| o.as_priority_class())
            .find(|pc| pc.global_default == Some(true))
            .cloned(),
    };
    match class {
        Some(pc) => {
            spec.priority = Some(pc.value.unwrap_or(0));
            if spec.priority_class_name.is_none() {
                spec.priority_class_name = pc.metadata.name.clone();
            }
            spec.preemption_policy =
                Some(pc.preemption_policy.unwrap_or_else(|| "PreemptLowerPriority".into()));
        }
        None => {
            spec.priority.get_or_insert(0);
            spec.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
        }
    }
}

fn default_storage_class(store: &Store) -> Option<String> {
    store
        .list("StorageClass", None)
        .find(|o| {
            o.metadata()
                .annotations
                .as_ref()
                .and_then(|a| a.get("storageclass.kubernetes.io/is-default-class"))
                .is_some_and(|v| v == "true")
        })
        .map(|o| o.name().to_string())
}

/// LimitRanger: container defaults (`default`, `defaultRequest`) from LimitRanges.
fn limit_ranges(store: &Store, namespace: &str, spec: &mut PodSpec) {
    for range in store.list("LimitRange", Some(namespace)).filter_map(|o| o.as_limit_range()) {
        for item in range.spec.as_ref().map(|s| s.limits.as_slice()).unwrap_or_default() {
            if item.type_ != "Container" {
                continue;
            }
            for container in spec.containers.iter_mut().chain(spec.init_containers.iter_mut().flatten()) {
                let resources = container.resources.get_or_insert_with(ResourceRequirements::default);
                if let Some(defaults) = &item.default {
                    let limits = resources.limits.get_or_insert_with(BTreeMap::new);
                    for (k, v) in defaults {
                        limits.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                let limits = resources.limits.clone().unwrap_or_default();
                let requests = resources.requests.get_or_insert_with(BTreeMap::new);
                if let Some(defaults) = &item.default_request {
                    for (k, v) in defaults {
                        requests.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                for (k, v) in limits {
                    requests.entry(k).or_insert(v);
                }
            }
        }
    }
}

fn allocate_cluster_ip(store: &Store, ctx: &mut WriteCtx) -> String {
    let used: Vec<String> = store
        .list("Service", None)
        .filter_map(|o| o.as_service())
        .filter_map(|s| s.spec.as_ref().and_then(|s| s.cluster_ip.clone()))
        .collect();
    loop {
        let ip = format!("10.96.{}.{}", ctx.rng.below(256), ctx.rng.between(1, 254));
        if !used.contains(&ip) && ip != "10.96.0.1" && ip != "10.96.0.10" {
            return ip;
        }
    }
}

fn used_node_ports(store: &Store) -> Vec<i32> {
    store
        .list("Service", None)
        .filter_map(|o| o.as_service())
        .flat_map(|s| s.spec.iter().flat_map(|s| s.ports.iter().flatten()).filter_map(|p| p.node_port))
        .collect()
}

/// Sums a pod's container requests or limits of one resource, in milli-units.
fn pod_total(pod: &Pod, field: &str, resource: &str) -> (i128, bool) {
    let mut total = 0;
    let mut binary = false;
    for container in pod.spec.iter().flat_map(|s| s.containers.iter()) {
        let map = container.resources.as_ref().and_then(|r| {
            if field == "limits" {
                r.limits.as_ref()
            } else {
                r.requests.as_ref()
            }
        });
        if let Some(q) = map.and_then(|m| m.get(resource)) {
            total += quantity::parse_millis(&q.0).unwrap_or(0);
            binary |= quantity::is_binary(&q.0);
        }
    }
    (total, binary)
}

fn has_value(
    pod: &Pod,
    field: &str,
    resource: &str,
    container: &k8s_openapi::api::core::v1::Container,
) -> bool {
    let _ = pod;
    let map = container.resources.as_ref().and_then(|r| {
        if field == "limits" {
            r.limits.as_ref()
        } else {
            r.requests.as_ref()
        }
    });
    map.is_some_and(|m| m.contains_key(resource))
}

/// ResourceQuota admission for pods: rejects a pod that would exceed a quota or that leaves out
/// a resource the quota tracks.
pub fn check_quota(store: &Store, object: &Object) -> Result<(), ApiError> {
    let Some(pod) = object.as_pod() else { return Ok(()) };
    let namespace = object.namespace();
    // Without a quota there is nothing to count: skip the walk over the namespace's pods, which
    // would make creating N pods cost N² in a big cluster.
    if store.list("ResourceQuota", Some(namespace)).next().is_none() {
        return Ok(());
    }
    let existing: Vec<&Pod> = store
        .list("Pod", Some(namespace))
        .filter_map(|o| o.as_pod())
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or_default();
            phase != "Succeeded" && phase != "Failed"
        })
        .collect();
    for quota in store.list("ResourceQuota", Some(namespace)).filter_map(|o| o.as_resource_quota()) {
        let Some(hard) = quota.spec.as_ref().and_then(|s| s.hard.as_ref()) else {
            continue;
        };
        let quota_name = quota.metadata.name.clone().unwrap_or_default();
        let mut missing = Vec::new();
        let mut exceeded = Vec::new();
        for (name, limit) in hard {
            let (field, resource) = match name.split_once('.') {
                Some(("requests", r)) => ("requests", r),
                Some(("limits", r)) => ("limits", r),
                _ if name == "cpu" || name == "memory" => ("requests", name.as_str()),
                _ if name == "pods" => ("count", "pods"),
                _ => continue,
            };
            let limit_millis = quantity::parse_millis(&limit.0).unwrap_or(0);
            if field == "count" {
                let used = existing.len() as i128 * 1000;
                if used + 1000 > limit_millis {
                    exceeded.push((
                        name.clone(),
                        "1".to_string(),
                        quantity::format_millis(used, false),
                        limit.0.clone(),
                    ));
                }
                continue;
            }
            let containers: Vec<_> = pod.spec.iter().flat_map(|s| s.containers.iter()).collect();
            let lacking: Vec<&str> = containers
                .iter()
                .filter(|c| !has_value(pod, field, resource, c))
                .map(|c| c.name.as_str())
                .collect();
            if !lacking.is_empty() {
                missing.push(format!("{name} for: {}", lacking.join(",")));
                continue;
            }
            let (requested, binary) = pod_total(pod, field, resource);
            let used: i128 = existing.iter().map(|p| pod_total(p, field, resource).0).sum();
            if used + requested > limit_millis {
                let binary = binary || quantity::is_binary(&limit.0);
                exceeded.push((
                    name.clone(),
                    quantity::format_millis(requested, binary),
                    quantity::format_millis(used, binary),
                    limit.0.clone(),
                ));
            }
        }
        let pod_name = object.name();
        if !missing.is_empty() {
            missing.sort();
            return Err(ApiError::Forbidden(format!(
                "pods {pod_name:?} is forbidden: failed quota: {quota_name}: must specify {}",
                missing.join("; ")
            )));
        }
        if !exceeded.is_empty() {
            let join = |f: fn(&(String, String, String, String)) -> String| -> String {
                exceeded.iter().map(f).collect::<Vec<_>>().join(",")
            };
            return Err(ApiError::Forbidden(format!(
                "pods {pod_name:?} is forbidden: exceeded quota: {quota_name}, requested: {}, used: {}, limited: {}",
                join(|e| format!("{}={}", e.0, e.1)),
                join(|e| format!("{}={}", e.0, e.2)),
                join(|e| format!("{}={}", e.0, e.3)),
            )));
        }
    }
    Ok(())
}

/// The `status.used` a quota shows for the pods in its namespace.
pub fn quota_usage(
    store: &Store,
    namespace: &str,
    hard: &BTreeMap<String, Quantity>,
) -> BTreeMap<String, Quantity> {
    let pods: Vec<&Pod> = store
        .list("Pod", Some(namespace))
        .filter_map(|o| o.as_pod())
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or_default();
            phase != "Succeeded" && phase != "Failed"
        })
        .collect();
    let mut used = BTreeMap::new();
    for (name, limit) in hard {
        let (field, resource) = match name.split_once('.') {
            Some(("requests", r)) => ("requests", r),
            Some(("limits", r)) => ("limits", r),
            _ if name == "cpu" || name == "memory" => ("requests", name.as_str()),
            _ if name == "pods" => {
                used.insert(name.clone(), Quantity(pods.len().to_string()));
                continue;
            }
            _ => continue,
        };
        let total: i128 = pods.iter().map(|p| pod_total(p, field, resource).0).sum();
        used.insert(name.clone(), Quantity(quantity::format_millis(total, quantity::is_binary(&limit.0))));
    }
    used
}

/// The pod's QoS class (`pkg/apis/core/helper/qos`): Guaranteed when every container sets cpu and
/// memory limits equal to its requests, BestEffort when none sets any, Burstable otherwise.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let containers: Vec<_> = spec.containers.iter().chain(spec.init_containers.iter().flatten()).collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let requests = c.resources.as_ref().and_then(|r| r.requests.clone()).unwrap_or_default();
        let limits = c.resources.as_ref().and_then(|r| r.limits.clone()).unwrap_or_default();
        let relevant = |m: &BTreeMap<String, Quantity>| m.keys().any(|k| k == "cpu" || k == "memory");
        any |= relevant(&requests) || relevant(&limits);
        for resource in ["cpu", "memory"] {
            let limit = limits.get(resource).and_then(|q| quantity::parse_millis(&q.0));
            let request = requests.get(resource).and_then(|q| quantity::parse_millis(&q.0)).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}
