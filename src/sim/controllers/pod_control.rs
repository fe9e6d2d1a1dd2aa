//! `PodControl`: how workload controllers create pods from a template and delete them, with
//! the events upstream records (`SuccessfulCreate` `Created pod: x`, `FailedCreate`,
//! `SuccessfulDelete` `Deleted pod: x`).

use std::rc::Rc;

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::controller_ref;
use crate::sim::api::{ApiError, DeleteOptions, EventRecord, Object};
use crate::sim::Simulation;

/// A pod for `owner` built from `template`, named `<prefix><5 random chars>` by the API server.
pub fn pod_from_template(template: &PodTemplateSpec, owner: &Object, prefix: &str) -> Pod {
    let template_meta = template.metadata.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(prefix.into()),
            namespace: Some(owner.namespace().into()),
            labels: template_meta.labels,
            annotations: template_meta.annotations,
            finalizers: template_meta.finalizers,
            owner_references: Some(vec![controller_ref(owner)]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// Creates `pod` for `owner`, recording `SuccessfulCreate` or `FailedCreate` on the owner as
/// `component`.
pub fn create_pod(
    sim: &mut Simulation,
    owner: &Object,
    pod: Pod,
    component: &str,
) -> Result<Rc<Object>, ApiError> {
    match sim.create(Object::from(pod)) {
        Ok(created) => {
            sim.record_event(EventRecord {
                involved: owner,
                event_type: "Normal",
                reason: "SuccessfulCreate",
                message: format!("Created pod: {}", created.name()),
                component,
                host: None,
                field_path: None,
            });
            Ok(created)
        }
        Err(error) => {
            sim.record_event(EventRecord {
                involved: owner,
                event_type: "Warning",
                reason: "FailedCreate",
                message: format!("Error creating: {}", error.message()),
                component,
                host: None,
                field_path: None,
            });
            Err(error)
        }
    }
}

/// Deletes a pod of `owner` (graceful, as the API server decides), recording
/// `SuccessfulDelete` or `FailedDelete`.
pub fn delete_pod(
    sim: &mut Simulation,
    owner: &Object,
    namespace: &str,
    name: &str,
    component: &str,
) -> bool {
    match sim.delete("Pod", namespace, name, DeleteOptions::default()) {
        Ok(_) => {
            sim.record_event(EventRecord {
                involved: owner,
                event_type: "Normal",
                reason: "SuccessfulDelete",
                message: format!("Deleted pod: {name}"),
                component,
                host: None,
                field_path: None,
            });
            true
        }
        Err(ApiError::NotFound { .. }) => true,
        Err(error) => {
            sim.record_event(EventRecord {
                involved: owner,
                event_type: "Warning",
                reason: "FailedDelete",
                message: format!("Error deleting: {}", error.message()),
                component,
                host: None,
                field_path: None,
            });
            false
        }
    }
}

/// Records a Normal event on `object`.
pub fn normal_event(sim: &mut Simulation, object: &Object, reason: &str, message: String, component: &str) {
    sim.record_event(EventRecord {
        involved: object,
        event_type: "Normal",
        reason,
        message,
        component,
        host: None,
        field_path: None,
    });
}

/// Records a Warning event on `object`.
pub fn warning_event(sim: &mut Simulation, object: &Object, reason: &str, message: String, component: &str) {
    sim.record_event(EventRecord {
        involved: object,
        event_type: "Warning",
        reason,
        message,
        component,
        host: None,
        field_path: None,
    });
}
