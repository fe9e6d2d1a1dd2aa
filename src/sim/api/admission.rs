//! Admission: what the API server does to an object between decoding and storing it —
//! defaulting ([`defaults`]), validation ([`validation`]) and the admission plugins that look
//! at other objects (default StorageClass, ResourceQuota, LimitRange, ServiceAccount,
//! DefaultTolerationSeconds, Priority) in [`plugins`].

pub mod container_fields;
pub mod defaults;
pub mod plugins;
pub mod validation;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use super::errors::ApiError;
use super::object::{DynamicObject, Object};
use super::resources::ResourceType;
use super::schema;
use super::store::{Store, WriteCtx};

/// Runs defaulting, the admission plugins and validation on `object`; `old` is the stored
/// object for updates.
pub fn admit(
    store: &Store,
    ctx: &mut WriteCtx,
    object: &mut Object,
    old: Option<&Object>,
) -> Result<(), ApiError> {
    custom_resource_schema(store, object)?;
    defaults::apply(object, ctx.rng);
    if old.is_none() {
        plugins::mutate_on_create(store, ctx, object);
    }
    let mut causes = validation::validate(object);
    if let Some(old) = old {
        causes.extend(validation::validate_update(object, old));
    }
    if let Some(bad) = validation::bad_quantity(object) {
        return Err(bad);
    }
    if !causes.is_empty() {
        return Err(ApiError::Invalid { kind: object.kind().into(), name: object.name().into(), causes });
    }
    if old.is_none() {
        plugins::check_quota(store, object)?;
    }
    Ok(())
}

/// Defaults and validates a custom resource against the `openAPIV3Schema` of the version it
/// was sent in. Unknown fields are a decoding error under strict field validation (kubectl's
/// default), so they fail before any schema error is reported, as on the API server.
fn custom_resource_schema(store: &Store, object: &mut Object) -> Result<(), ApiError> {
    let Object::Dynamic(dynamic) = object else { return Ok(()) };
    let (group, version) = match dynamic.api_version.rsplit_once('/') {
        Some((group, version)) => (group.to_string(), version.to_string()),
        None => (String::new(), dynamic.api_version.clone()),
    };
    let crd = store.list("CustomResourceDefinition", None).find_map(|o| {
        o.as_crd().filter(|crd| crd.spec.group == group && crd.spec.names.kind == dynamic.kind)
    });
    let Some(crd) = crd else { return Ok(()) };
    let Some(served) = crd.spec.versions.iter().find(|v| v.name == version && v.served) else {
        return Ok(());
    };
    let Some(schema) = served.schema.as_ref().and_then(|s| s.open_api_v3_schema.as_ref()) else {
        return Ok(());
    };
    let schema = serde_json::to_value(schema).unwrap_or(serde_json::Value::Null);
    let mut json = object.to_json();
    let report = schema::check(&mut json, &schema);
    let kind = crd.spec.names.kind.clone();
    if !report.unknown.is_empty() {
        let list: Vec<String> = report.unknown.iter().map(|f| format!("unknown field {f:?}")).collect();
        return Err(ApiError::BadRequest(format!(
            "{kind} in version {version:?} cannot be handled as a {kind}: strict decoding error: {}",
            list.join(", ")
        )));
    }
    if !report.errors.is_empty() {
        return Err(ApiError::Invalid { kind, name: object.name().into(), causes: report.errors });
    }
    if let Ok(defaulted) = DynamicObject::from_json(&json) {
        *object = Object::from(defaulted);
    }
    Ok(())
}

/// The resource type a CustomResourceDefinition serves.
pub fn crd_resource_type(crd: &CustomResourceDefinition) -> ResourceType {
    let spec = &crd.spec;
    let mut versions: Vec<(bool, String)> =
        spec.versions.iter().filter(|v| v.served).map(|v| (!v.storage, v.name.clone())).collect();
    versions.sort_by_key(|(not_storage, _)| *not_storage);
    ResourceType {
        kind: spec.names.kind.clone(),
        group: spec.group.clone(),
        versions: versions.into_iter().map(|(_, v)| v).collect(),
        plural: spec.names.plural.clone(),
        singular: spec.names.singular.clone().unwrap_or_else(|| spec.names.kind.to_lowercase()),
        short_names: spec.names.short_names.clone().unwrap_or_default(),
        namespaced: spec.scope == "Namespaced",
        modeled: false,
        categories: spec.names.categories.clone().unwrap_or_default(),
    }
}
