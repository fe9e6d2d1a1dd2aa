//! Admission: what the API server does to an object between decoding and storing it —
//! defaulting ([`defaults`]), validation ([`validation`]) and the admission plugins that look
//! at other objects (default StorageClass, ResourceQuota, LimitRange, ServiceAccount,
//! DefaultTolerationSeconds, Priority) in [`plugins`].

pub mod defaults;
pub mod plugins;
pub mod validation;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use super::errors::ApiError;
use super::object::Object;
use super::resources::ResourceType;
use super::store::{Store, WriteCtx};

/// Runs defaulting, the admission plugins and validation on `object`; `old` is the stored
/// object for updates.
pub fn admit(
    store: &Store,
    ctx: &mut WriteCtx,
    object: &mut Object,
    old: Option<&Object>,
) -> Result<(), ApiError> {
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
        return Err(ApiError::Invalid {
            kind: object.kind().into(),
            name: object.name().into(),
            causes,
        });
    }
    if old.is_none() {
        plugins::check_quota(store, object)?;
    }
    Ok(())
}

/// The resource type a CustomResourceDefinition serves.
pub fn crd_resource_type(crd: &CustomResourceDefinition) -> ResourceType {
    let spec = &crd.spec;
    let mut versions: Vec<(bool, String)> = spec
        .versions
        .iter()
        .filter(|v| v.served)
        .map(|v| (!v.storage, v.name.clone()))
        .collect();
    versions.sort_by_key(|(not_storage, _)| *not_storage);
    ResourceType {
        kind: spec.names.kind.clone(),
        group: spec.group.clone(),
        versions: versions.into_iter().map(|(_, v)| v).collect(),
        plural: spec.names.plural.clone(),
        singular: spec
            .names
            .singular
            .clone()
            .unwrap_or_else(|| spec.names.kind.to_lowercase()),
        short_names: spec.names.short_names.clone().unwrap_or_default(),
        namespaced: spec.scope == "Namespaced",
        modeled: false,
    }
}
