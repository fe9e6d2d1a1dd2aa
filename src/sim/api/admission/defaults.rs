//! Defaulting as the API server does it (`pkg/apis/*/v1/defaults.go`): every field a user may
//! leave out gets the value a real cluster shows in `kubectl get -o yaml`.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::{
    DaemonSetUpdateStrategy, DeploymentStrategy, RollingUpdateDaemonSet, RollingUpdateDeployment,
    RollingUpdateStatefulSetStrategy, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::api::core::v1::{
    Container, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::sim::api::object::Object;
use crate::sim::rng::SimRng;

/// Fills in every defaulted field of `object`.
pub fn apply(object: &mut Object, _rng: &mut SimRng) {
    match object {
        Object::Pod(pod) => {
            let pod = Rc::make_mut(pod);
            if let Some(spec) = pod.spec.as_mut() {
                pod_spec(spec);
            }
        }
        Object::ReplicaSet(rs) => {
            let rs = Rc::make_mut(rs);
            if let Some(spec) = rs.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                spec.min_ready_seconds.get_or_insert(0);
                template(spec.template.as_mut());
            }
        }
        Object::ReplicationController(rc) => {
            let rc = Rc::make_mut(rc);
            if let Some(spec) = rc.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                spec.min_ready_seconds.get_or_insert(0);
                let labels =
                    spec.template.as_ref().and_then(|t| t.metadata.as_ref()).and_then(|m| m.labels.clone());
                if spec.selector.as_ref().is_none_or(BTreeMap::is_empty) {
                    spec.selector = labels.clone();
                }
                if let Some(t) = spec.template.as_mut() {
                    let meta = t.metadata.get_or_insert_with(Default::default);
                    if meta.labels.as_ref().is_none_or(BTreeMap::is_empty) {
                        meta.labels = spec.selector.clone();
                    }
                }
                template(spec.template.as_mut());
            }
            if rc.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) {
                rc.metadata.labels = rc
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .and_then(|t| t.metadata.as_ref())
                    .and_then(|m| m.labels.clone());
            }
        }
        Object::Deployment(d) => {
            let d = Rc::make_mut(d);
            if let Some(spec) = d.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                spec.revision_history_limit.get_or_insert(10);
                spec.progress_deadline_seconds.get_or_insert(600);
                let strategy = spec.strategy.get_or_insert_with(DeploymentStrategy::default);
                let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
                if kind == "RollingUpdate" {
                    let rolling =
                        strategy.rolling_update.get_or_insert_with(RollingUpdateDeployment::default);
                    rolling.max_surge.get_or_insert(IntOrString::String("25%".into()));
                    rolling.max_unavailable.get_or_insert(IntOrString::String("25%".into()));
                }
                template(Some(&mut spec.template));
            }
        }
        Object::DaemonSet(ds) => {
            let ds = Rc::make_mut(ds);
            if let Some(spec) = ds.spec.as_mut() {
                spec.revision_history_limit.get_or_insert(10);
                let strategy = spec.update_strategy.get_or_insert_with(DaemonSetUpdateStrategy::default);
                let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
                if kind == "RollingUpdate" {
                    let rolling = strategy.rolling_update.get_or_insert_with(RollingUpdateDaemonSet::default);
                    rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
                    rolling.max_surge.get_or_insert(IntOrString::Int(0));
                }
                template(Some(&mut spec.template));
            }
        }
        Object::StatefulSet(sts) => {
            let sts = Rc::make_mut(sts);
            if let Some(spec) = sts.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                spec.revision_history_limit.get_or_insert(10);
                spec.pod_management_policy.get_or_insert_with(|| "OrderedReady".into());
                let strategy = spec.update_strategy.get_or_insert_with(StatefulSetUpdateStrategy::default);
                let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
                if kind == "RollingUpdate" {
                    let rolling =
                        strategy.rolling_update.get_or_insert_with(RollingUpdateStatefulSetStrategy::default);
                    rolling.partition.get_or_insert(0);
                }
                let retention = spec
                    .persistent_volume_claim_retention_policy
                    .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
                retention.when_deleted.get_or_insert_with(|| "Retain".into());
                retention.when_scaled.get_or_insert_with(|| "Retain".into());
                for claim in spec.volume_claim_templates.iter_mut().flatten() {
                    if let Some(s) = claim.spec.as_mut() {
                        s.volume_mode.get_or_insert_with(|| "Filesystem".into());
                    }
                    claim.status.get_or_insert_with(|| {
                        k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
                            phase: Some("Pending".into()),
                            ..Default::default()
                        }
                    });
                }
                template(Some(&mut spec.template));
            }
        }
        Object::Job(job) => {
            let job = Rc::make_mut(job);
            if let Some(spec) = job.spec.as_mut() {
                job_spec(spec);
            }
        }
        Object::CronJob(cj) => {
            let cj = Rc::make_mut(cj);
            let spec = &mut cj.spec;
            spec.concurrency_policy.get_or_insert_with(|| "Allow".into());
            spec.suspend.get_or_insert(false);
            spec.successful_jobs_history_limit.get_or_insert(3);
            spec.failed_jobs_history_limit.get_or_insert(1);
            if let Some(job) = spec.job_template.spec.as_mut() {
                job_spec(job);
            }
        }
        Object::Service(svc) => {
            let svc = Rc::make_mut(svc);
            if let Some(spec) = svc.spec.as_mut() {
                let kind = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
                spec.session_affinity.get_or_insert_with(|| "None".into());
                if kind != "ExternalName" {
                    spec.internal_traffic_policy.get_or_insert_with(|| "Cluster".into());
                }
                if kind == "NodePort" || kind == "LoadBalancer" {
                    spec.external_traffic_policy.get_or_insert_with(|| "Cluster".into());
                }
                for port in spec.ports.iter_mut().flatten() {
                    port.protocol.get_or_insert_with(|| "TCP".into());
                    if port.target_port.is_none() {
                        port.target_port = Some(IntOrString::Int(port.port));
                    }
                }
            }
        }
        Object::PersistentVolume(pv) => {
            let pv = Rc::make_mut(pv);
            if let Some(spec) = pv.spec.as_mut() {
                spec.persistent_volume_reclaim_policy.get_or_insert_with(|| "Retain".into());
                spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
            }
            pv.status.get_or_insert_with(|| k8s_openapi::api::core::v1::PersistentVolumeStatus {
                phase: Some("Pending".into()),
                ..Default::default()
            });
        }
        Object::PersistentVolumeClaim(pvc) => {
            let pvc = Rc::make_mut(pvc);
            if let Some(spec) = pvc.spec.as_mut() {
                spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
            }
            pvc.status.get_or_insert_with(|| k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
                phase: Some("Pending".into()),
                ..Default::default()
            });
        }
        Object::HorizontalPodAutoscaler(hpa) => {
            let hpa = Rc::make_mut(hpa);
            let spec = &mut hpa.spec;
            spec.min_replicas.get_or_insert(1);
        }
        Object::Secret(secret) => {
            let secret = Rc::make_mut(secret);
            secret.type_.get_or_insert_with(|| "Opaque".into());
        }
        Object::Namespace(ns) => {
            let ns = Rc::make_mut(ns);
            let name = ns.metadata.name.clone().unwrap_or_default();
            ns.metadata
                .labels
                .get_or_insert_with(BTreeMap::new)
                .insert("kubernetes.io/metadata.name".into(), name);
            ns.spec.get_or_insert_with(|| k8s_openapi::api::core::v1::NamespaceSpec {
                finalizers: Some(vec!["kubernetes".into()]),
            });
            ns.status.get_or_insert_with(|| k8s_openapi::api::core::v1::NamespaceStatus {
                phase: Some("Active".into()),
                ..Default::default()
            });
        }
        Object::PriorityClass(pc) => {
            let pc = Rc::make_mut(pc);
            pc.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
        }
        Object::StorageClass(sc) => {
            let sc = Rc::make_mut(sc);
            sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
            sc.volume_binding_mode.get_or_insert_with(|| "Immediate".into());
        }
        _ => {}
    }
}

fn job_spec(spec: &mut JobSpec) {
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
        spec.parallelism = Some(1);
    }
    spec.parallelism.get_or_insert(1);
    spec.backoff_limit.get_or_insert(6);
    spec.completion_mode.get_or_insert_with(|| "NonIndexed".into());
    spec.suspend.get_or_insert(false);
    if spec.pod_failure_policy.is_none() {
        spec.pod_replacement_policy.get_or_insert_with(|| "TerminatingOrFailed".into());
    }
    template(Some(&mut spec.template));
}

fn template(template: Option<&mut PodTemplateSpec>) {
    let Some(template) = template else { return };
    template.metadata.get_or_insert_with(Default::default);
    if let Some(spec) = template.spec.as_mut() {
        pod_spec(spec);
    }
}

/// Pod spec defaults, shared by pods and pod templates.
pub fn pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    spec.security_context.get_or_insert_with(PodSecurityContext::default);
    for container in spec.containers.iter_mut() {
        container_defaults(container);
    }
    for container in spec.init_containers.iter_mut().flatten() {
        container_defaults(container);
    }
}

fn container_defaults(container: &mut Container) {
    if container.image_pull_policy.is_none() {
        container.image_pull_policy =
            Some(pull_policy_for(container.image.as_deref().unwrap_or_default()).into());
    }
    container.termination_message_path.get_or_insert_with(|| "/dev/termination-log".into());
    container.termination_message_policy.get_or_insert_with(|| "File".into());
    for port in container.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
    let resources = container.resources.get_or_insert_with(ResourceRequirements::default);
    if let Some(limits) = resources.limits.clone() {
        let requests = resources.requests.get_or_insert_with(BTreeMap::new);
        for (name, quantity) in limits {
            requests.entry(name).or_insert(quantity);
        }
    }
    for probe in [&mut container.liveness_probe, &mut container.readiness_probe, &mut container.startup_probe]
        .into_iter()
        .flatten()
    {
        probe_defaults(probe);
    }
}

fn probe_defaults(probe: &mut Probe) {
    probe.timeout_seconds.get_or_insert(1);
    probe.period_seconds.get_or_insert(10);
    probe.success_threshold.get_or_insert(1);
    probe.failure_threshold.get_or_insert(3);
    if let Some(http) = probe.http_get.as_mut() {
        http.scheme.get_or_insert_with(|| "HTTP".into());
        http.path.get_or_insert_with(|| "/".into());
    }
    if let Some(grpc) = probe.grpc.as_mut() {
        grpc.service.get_or_insert_with(String::new);
    }
}

/// `Always` for `:latest` or no tag, `IfNotPresent` for any other tag or a digest.
pub fn pull_policy_for(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        for (image, policy) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.14.2", "IfNotPresent"),
            ("localhost:5000/app", "Always"),
            ("registry.k8s.io/pause:3.9", "IfNotPresent"),
            ("busybox@sha256:abc", "IfNotPresent"),
        ] {
            assert_eq!(pull_policy_for(image), policy, "{image}");
        }
    }
}
