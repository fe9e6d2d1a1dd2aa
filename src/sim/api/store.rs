//! The store: every API object, keyed by (kind, namespace, name), and the only way to change
//! them. Writes run admission, stamp metadata (uid, resourceVersion, generation, timestamps),
//! record the change in the trace and queue a watch event; deletes follow the API server's
//! rules (graceful pod deletion, finalizers, namespaces, garbage collection through
//! ownerReferences).

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde_json::{Map, Value};

use super::admission;
use super::errors::{ApiError, FieldError};
use super::merge;
use super::object::{DynamicObject, Object};
use super::resources::{ResourceTable, ResourceType};
use crate::sim::rng::SimRng;
use crate::sim::time::SimTime;
use crate::sim::trace::{Trace, TraceKind};

/// The annotation `kubectl apply` keeps the applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Where an object lives in the store.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    /// `Pod`, `Deployment`…
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    /// The object's name.
    pub name: String,
}

impl ObjectKey {
    /// The key of `object`.
    pub fn of(object: &Object) -> Self {
        ObjectKey {
            kind: object.kind().into(),
            namespace: object.namespace().into(),
            name: object.name().into(),
        }
    }

    /// `pod/default/web` or `node/worker`: how the trace names objects.
    pub fn trace_subject(&self) -> String {
        if self.namespace.is_empty() {
            format!("{}/{}", self.kind.to_lowercase(), self.name)
        } else {
            format!("{}/{}/{}", self.kind.to_lowercase(), self.namespace, self.name)
        }
    }
}

/// What a watch event reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    /// A new object.
    Added,
    /// A changed object.
    Modified,
    /// A removed object (the last state it had).
    Deleted,
}

/// One change seen by watchers.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchEvent {
    /// Added, Modified or Deleted.
    pub event_type: WatchEventType,
    /// The object after the change (before it, for Deleted).
    pub object: Rc<Object>,
}

/// What a write needs from the simulation: the clock, the random generator and the trace.
pub struct WriteCtx<'a> {
    /// The current virtual time.
    pub now: SimTime,
    /// Unix seconds of virtual time zero.
    pub epoch_unix: i64,
    /// Draws uids and generated names.
    pub rng: &'a mut SimRng,
    /// Records every change.
    pub trace: &'a mut Trace,
}

impl WriteCtx<'_> {
    /// Whole Unix seconds now.
    pub fn unix_secs(&self) -> i64 {
        self.epoch_unix + (self.now.as_millis() / 1000) as i64
    }

    /// The current time as an API timestamp.
    pub fn timestamp(&self) -> Time {
        timestamp(self.unix_secs())
    }
}

/// An API timestamp for Unix seconds.
pub fn timestamp(unix_secs: i64) -> Time {
    Time(
        k8s_openapi::jiff::Timestamp::from_second(unix_secs)
            .unwrap_or(k8s_openapi::jiff::Timestamp::UNIX_EPOCH),
    )
}

/// How dependents are handled when their owner is deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    /// The owner goes at once; the garbage collector deletes dependents afterwards.
    #[default]
    Background,
    /// The owner stays (finalizer `foregroundDeletion`) until its dependents are gone.
    Foreground,
    /// Dependents lose their ownerReference and stay.
    Orphan,
}

/// Options of a delete request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// `--grace-period`; `None` uses the object's own (pods: terminationGracePeriodSeconds).
    pub grace_period_seconds: Option<i64>,
    /// `--cascade`.
    pub propagation: Propagation,
}

/// What a delete did.
#[derive(Clone, Debug, PartialEq)]
pub enum DeleteOutcome {
    /// The object is gone.
    Removed(Rc<Object>),
    /// The object is marked for deletion (deletionTimestamp set) and still visible.
    Terminating(Rc<Object>),
}

/// What `apply` did, as kubectl reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// `created`.
    Created,
    /// `configured`.
    Configured,
    /// `unchanged`.
    Unchanged,
}

impl ApplyOutcome {
    /// The word kubectl prints.
    pub fn verb(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

/// How a patch document is merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    /// RFC 7386 JSON merge patch: objects merge, lists are replaced.
    Merge,
    /// Strategic merge: like Merge, but lists of named items (containers, ports…) merge by name.
    Strategic,
}

/// A Kubernetes Event to record (see [`Store::record_event`]).
#[derive(Clone, Debug)]
pub struct EventRecord<'a> {
    /// The object the event is about.
    pub involved: &'a Object,
    /// `Normal` or `Warning`.
    pub event_type: &'a str,
    /// `Scheduled`, `Pulling`, `BackOff`…
    pub reason: &'a str,
    /// The human message.
    pub message: String,
    /// `default-scheduler`, `kubelet`, `replicaset-controller`…
    pub component: &'a str,
    /// The node, for kubelet events.
    pub host: Option<&'a str>,
    /// `spec.containers{app}` for container events.
    pub field_path: Option<String>,
}

/// Every object in the cluster.
#[derive(Clone, Debug, Default)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Rc<Object>>,
    resource_version: u64,
    resources: ResourceTable,
    pending: Vec<WatchEvent>,
    event_serial: u64,
    /// Pods by (namespace, uid of their controller, "" for none), then name: lets a controller
    /// find its pods and the orphans it may adopt without walking every pod of the namespace.
    pods_by_controller: BTreeMap<(String, String), BTreeMap<String, Rc<Object>>>,
}

impl Store {
    /// The kinds the API server serves.
    pub fn resources(&self) -> &ResourceTable {
        &self.resources
    }

    /// The type of `object`'s kind.
    pub fn resource_of(&self, object: &Object) -> Option<&ResourceType> {
        self.resources
            .by_kind(object.group(), object.kind())
            .or_else(|| self.resources.by_kind_any_group(object.kind()))
    }

    /// The last resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// One object.
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Rc<Object>> {
        self.objects.get(&ObjectKey { kind: kind.into(), namespace: namespace.into(), name: name.into() })
    }

    /// Objects of `kind`, in `namespace` or (None) in all namespaces, ordered by namespace and
    /// name like the API server lists them.
    pub fn list<'a>(
        &'a self,
        kind: &'a str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        let start = ObjectKey {
            kind: kind.into(),
            namespace: namespace.unwrap_or_default().into(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind && namespace.is_none_or(|ns| k.namespace == ns))
            .map(|(_, o)| o)
    }

    /// Stores `object` under `key`, keeping the indexes up to date.
    fn put(&mut self, key: ObjectKey, object: Rc<Object>) {
        if key.kind == "Pod" {
            self.unindex_pod(&key);
            self.pods_by_controller
                .entry((key.namespace.clone(), controller_uid(&object)))
                .or_default()
                .insert(key.name.clone(), object.clone());
        }
        self.objects.insert(key, object);
    }

    /// Removes the object under `key`, keeping the indexes up to date.
    fn take(&mut self, key: &ObjectKey) -> Option<Rc<Object>> {
        if key.kind == "Pod" {
            self.unindex_pod(key);
        }
        self.objects.remove(key)
    }

    fn unindex_pod(&mut self, key: &ObjectKey) {
        let Some(old) = self.objects.get(key) else { return };
        let index = (key.namespace.clone(), controller_uid(old));
        if let Some(names) = self.pods_by_controller.get_mut(&index) {
            names.remove(&key.name);
            if names.is_empty() {
                self.pods_by_controller.remove(&index);
            }
        }
    }

    /// The pods of `namespace` whose controller has `controller_uid` (`""`: pods without a
    /// controller), in name order — the same order as [`Store::list`].
    pub fn pods_controlled_by<'a>(
        &'a self,
        namespace: &str,
        controller_uid: &str,
    ) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        self.pods_by_controller
            .get(&(namespace.to_string(), controller_uid.to_string()))
            .into_iter()
            .flat_map(|pods| pods.values())
    }

    /// The objects of one kind in one namespace whose names start with `prefix`, in name order.
    pub fn list_prefixed<'a>(
        &'a self,
        kind: &'a str,
        namespace: &'a str,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        let start = ObjectKey { kind: kind.into(), namespace: namespace.into(), name: prefix.into() };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| {
                k.kind == kind && k.namespace == namespace && k.name.starts_with(prefix)
            })
            .map(|(_, o)| o)
    }

    /// Every object.
    pub fn iter(&self) -> impl Iterator<Item = &Rc<Object>> {
        self.objects.values()
    }

    /// Objects whose ownerReferences name `uid`.
    pub fn dependents_of<'a>(&'a self, uid: &'a str) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        self.objects.values().filter(move |o| {
            o.metadata().owner_references.as_ref().is_some_and(|refs| refs.iter().any(|r| r.uid == uid))
        })
    }

    /// Takes the watch events queued since the last call, oldest first.
    pub fn take_watch_events(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending)
    }

    fn next_resource_version(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    fn resource_for(&self, object: &Object) -> Result<ResourceType, ApiError> {
        self.resource_of(object).cloned().ok_or_else(|| {
            ApiError::BadRequest(format!(
                "no matches for kind {:?} in version {:?}",
                object.kind(),
                object.api_version()
            ))
        })
    }

    fn not_found(&self, kind: &str, name: &str) -> ApiError {
        let resource = self
            .resources
            .by_kind_any_group(kind)
            .map(ResourceType::qualified_plural)
            .unwrap_or_else(|| kind.to_lowercase());
        ApiError::NotFound { resource, name: name.into() }
    }

    /// Creates an object: defaulting, validation, then stamping.
    pub fn create(&mut self, ctx: &mut WriteCtx, mut object: Object) -> Result<Rc<Object>, ApiError> {
        let resource = self.resource_for(&object)?;
        let meta = object.metadata_mut();
        if resource.namespaced {
            if meta.namespace.as_deref().is_none_or(str::is_empty) {
                meta.namespace = Some("default".into());
            }
        } else {
            meta.namespace = None;
        }
        let namespace = object.namespace().to_string();
        if resource.namespaced {
            match self.get("Namespace", "", &namespace) {
                None => {
                    return Err(ApiError::NotFound { resource: "namespaces".into(), name: namespace });
                }
                Some(ns) if ns.metadata().deletion_timestamp.is_some() => {
                    return Err(ApiError::Forbidden(format!(
                        "{} {:?} is forbidden: unable to create new content in namespace {namespace} because it is being terminated",
                        resource.qualified_plural(),
                        object.name()
                    )));
                }
                Some(_) => {}
            }
        }
        if object.name().is_empty() {
            let Some(prefix) = object.metadata().generate_name.clone().filter(|p| !p.is_empty()) else {
                return Err(ApiError::Invalid {
                    kind: object.kind().into(),
                    name: String::new(),
                    causes: vec![FieldError {
                        path: "metadata.name".into(),
                        kind: "Required value",
                        value: None,
                        detail: Some("name or generateName is required".into()),
                    }],
                });
            };
            let mut name = format!("{prefix}{}", ctx.rng.name_suffix(5));
            while self.get(object.kind(), &namespace, &name).is_some() {
                name = format!("{prefix}{}", ctx.rng.name_suffix(5));
            }
            object.metadata_mut().name = Some(name);
        }
        // The uid exists before admission: the Job selector is built from it.
        object.metadata_mut().uid = Some(ctx.rng.uuid());
        admission::admit(self, ctx, &mut object, None)?;
        let key = ObjectKey::of(&object);
        if self.objects.contains_key(&key) {
            return Err(ApiError::AlreadyExists { resource: resource.qualified_plural(), name: key.name });
        }
        let has_spec = object.to_json().get("spec").is_some();
        let rv = self.next_resource_version();
        let meta = object.metadata_mut();
        meta.resource_version = Some(rv);
        meta.creation_timestamp = Some(ctx.timestamp());
        meta.deletion_timestamp = None;
        meta.managed_fields = None;
        if has_spec {
            meta.generation = Some(1);
        }
        if let Object::CustomResourceDefinition(crd) = &object {
            self.resources.register(admission::crd_resource_type(crd));
        }
        let object = Rc::new(object);
        ctx.trace.record(ctx.now, TraceKind::Created, key.trace_subject(), "created");
        self.put(key.clone(), object.clone());
        self.pending.push(WatchEvent { event_type: WatchEventType::Added, object: object.clone() });
        if matches!(key.kind.as_str(), "Pod" | "ResourceQuota") {
            self.refresh_quotas(ctx, &key.namespace);
        }
        Ok(object)
    }

    /// Keeps `status.hard` and `status.used` of the namespace's ResourceQuotas current, as the
    /// quota controller and admission do.
    fn refresh_quotas(&mut self, ctx: &mut WriteCtx, namespace: &str) {
        let quotas: Vec<Rc<Object>> = self.list("ResourceQuota", Some(namespace)).cloned().collect();
        for quota in quotas {
            let Some(rq) = quota.as_resource_quota() else {
                continue;
            };
            let hard = rq.spec.as_ref().and_then(|s| s.hard.clone()).unwrap_or_default();
            let used = admission::plugins::quota_usage(self, namespace, &hard);
            let status =
                k8s_openapi::api::core::v1::ResourceQuotaStatus { hard: Some(hard), used: Some(used) };
            if rq.status.as_ref() == Some(&status) {
                continue;
            }
            let mut changed = rq.clone();
            changed.status = Some(status);
            self.replace(ctx, ObjectKey::of(&quota), Object::from(changed), "quota usage");
        }
    }

    /// Replaces an object (controllers' and kubelets' writes, status included). A write that
    /// changes nothing is a no-op, as on the API server.
    pub fn update(&mut self, ctx: &mut WriteCtx, mut object: Object) -> Result<Rc<Object>, ApiError> {
        let resource = self.resource_for(&object)?;
        if resource.namespaced && object.namespace().is_empty() {
            object.metadata_mut().namespace = Some("default".into());
        }
        let key = ObjectKey::of(&object);
        let Some(old) = self.objects.get(&key).cloned() else {
            return Err(ApiError::NotFound { resource: resource.qualified_plural(), name: key.name });
        };
        if let Some(rv) = object.metadata().resource_version.as_deref() {
            if !rv.is_empty() && Some(rv) != old.metadata().resource_version.as_deref() {
                return Err(ApiError::Conflict(format!(
                    "Operation cannot be fulfilled on {} {:?}: the object has been modified; please apply your changes to the latest version and try again",
                    resource.qualified_plural(),
                    key.name
                )));
            }
        }
        {
            let old_meta = old.metadata();
            let meta = object.metadata_mut();
            meta.uid = old_meta.uid.clone();
            meta.creation_timestamp = old_meta.creation_timestamp.clone();
            meta.deletion_timestamp = old_meta.deletion_timestamp.clone();
            meta.deletion_grace_period_seconds = old_meta.deletion_grace_period_seconds;
            meta.generation = old_meta.generation;
            meta.resource_version = old_meta.resource_version.clone();
            meta.managed_fields = None;
        }
        admission::admit(self, ctx, &mut object, Some(&old))?;
        if spec_of(&object) != spec_of(&old) {
            let meta = object.metadata_mut();
            meta.generation = Some(meta.generation.unwrap_or(0) + 1);
        }
        if object == *old {
            return Ok(old);
        }
        object.metadata_mut().resource_version = Some(self.next_resource_version());
        let finalized = object.metadata().deletion_timestamp.is_some()
            && object.metadata().finalizers.as_ref().is_none_or(Vec::is_empty);
        let object = Rc::new(object);
        ctx.trace.record(ctx.now, TraceKind::Updated, key.trace_subject(), "updated");
        self.put(key.clone(), object.clone());
        self.pending.push(WatchEvent { event_type: WatchEventType::Modified, object: object.clone() });
        if finalized {
            self.remove(ctx, &key);
        }
        Ok(object)
    }

    /// Patches an object with a JSON merge patch or a strategic merge patch.
    pub fn patch(
        &mut self,
        ctx: &mut WriteCtx,
        kind: &str,
        namespace: &str,
        name: &str,
        patch: &Value,
        patch_kind: PatchKind,
    ) -> Result<Rc<Object>, ApiError> {
        let Some(old) = self.get(kind, namespace, name).cloned() else {
            return Err(self.not_found(kind, name));
        };
        let mut json = old.to_json();
        match patch_kind {
            PatchKind::Merge => merge::merge_patch(&mut json, patch),
            PatchKind::Strategic => merge::strategic_merge_patch(&mut json, patch),
        }
        if let Some(meta) = json.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
        }
        let object = object_from_json(kind, json)?;
        self.update(ctx, object)
    }

    /// `kubectl apply`: creates the object, or three-way merges `manifest` into the live one.
    /// `manifest` is the user's document (namespace already set); `object` is its decoded form.
    pub fn apply(
        &mut self,
        ctx: &mut WriteCtx,
        manifest: &Value,
        object: Object,
    ) -> Result<(Rc<Object>, ApplyOutcome), ApiError> {
        let resource = self.resource_for(&object)?;
        let mut applied = manifest.clone();
        if let Some(meta) = applied.get_mut("metadata").and_then(Value::as_object_mut) {
            if resource.namespaced && !meta.contains_key("namespace") {
                meta.insert("namespace".into(), Value::String(object_namespace_or_default(&object)));
            }
            let annotations = meta.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
            if let Some(a) = annotations.as_object_mut() {
                a.remove(LAST_APPLIED);
            }
        }
        let last_applied = format!("{}\n", serde_json::to_string(&applied).unwrap_or_default());
        let namespace =
            if resource.namespaced { object_namespace_or_default(&object) } else { String::new() };
        let live = self.get(object.kind(), &namespace, object.name()).cloned();
        let Some(live) = live else {
            let mut object = object;
            object
                .metadata_mut()
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(LAST_APPLIED.into(), last_applied);
            return self.create(ctx, object).map(|o| (o, ApplyOutcome::Created));
        };
        let live_json = live.to_json();
        let previous: Value = live
            .metadata()
            .annotations
            .as_ref()
            .and_then(|a| a.get(LAST_APPLIED))
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null);
        let mut patch = merge::three_way_patch(&previous, &applied, &live_json);
        let annotation_changed =
            live.metadata().annotations.as_ref().and_then(|a| a.get(LAST_APPLIED)) != Some(&last_applied);
        if patch.as_object().is_none_or(Map::is_empty) && !annotation_changed {
            return Ok((live, ApplyOutcome::Unchanged));
        }
        merge::merge_patch(
            &mut patch,
            &serde_json::json!({"metadata": {"annotations": {LAST_APPLIED: last_applied}}}),
        );
        let mut json = live_json;
        merge::strategic_merge_patch(&mut json, &patch);
        if let Some(meta) = json.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
        }
        let updated = object_from_json(object.kind(), json)?;
        self.update(ctx, updated).map(|o| (o, ApplyOutcome::Configured))
    }

    /// Deletes an object, following its kind's rules.
    pub fn delete(
        &mut self,
        ctx: &mut WriteCtx,
        kind: &str,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
    ) -> Result<DeleteOutcome, ApiError> {
        let key = ObjectKey { kind: kind.into(), namespace: namespace.into(), name: name.into() };
        let Some(object) = self.objects.get(&key).cloned() else {
            return Err(self.not_found(kind, name));
        };
        let uid = object.uid().to_string();
        if options.propagation == Propagation::Orphan {
            self.orphan_dependents(ctx, &uid);
        }
        if kind == "Namespace" {
            return Ok(self.delete_namespace(ctx, &key, &object));
        }
        if let Some(pod) = object.as_pod() {
            let grace = options
                .grace_period_seconds
                .or_else(|| pod.spec.as_ref().and_then(|s| s.termination_grace_period_seconds))
                .unwrap_or(30)
                .max(0);
            let bound = pod.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some();
            let finished = pod
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .is_some_and(|p| p == "Succeeded" || p == "Failed");
            let has_finalizers = object.metadata().finalizers.as_ref().is_some_and(|f| !f.is_empty());
            if (!bound || grace == 0 || finished) && !has_finalizers {
                return Ok(DeleteOutcome::Removed(self.remove(ctx, &key).unwrap_or(object)));
            }
            if object.metadata().deletion_timestamp.is_some() && options.grace_period_seconds.is_none() {
                return Ok(DeleteOutcome::Terminating(object));
            }
            let mut marked = (*object).clone();
            let meta = marked.metadata_mut();
            meta.deletion_timestamp = Some(timestamp(ctx.unix_secs() + grace));
            meta.deletion_grace_period_seconds = Some(grace);
            return Ok(DeleteOutcome::Terminating(self.replace(ctx, key, marked, "terminating")));
        }
        let has_finalizers = object.metadata().finalizers.as_ref().is_some_and(|f| !f.is_empty());
        if options.propagation == Propagation::Foreground || has_finalizers {
            if object.metadata().deletion_timestamp.is_some() {
                return Ok(DeleteOutcome::Terminating(object));
            }
            let mut marked = (*object).clone();
            let meta = marked.metadata_mut();
            meta.deletion_timestamp = Some(ctx.timestamp());
            meta.deletion_grace_period_seconds = Some(0);
            if options.propagation == Propagation::Foreground {
                meta.finalizers.get_or_insert_with(Vec::new).push("foregroundDeletion".into());
            }
            let marked = self.replace(ctx, key.clone(), marked, "terminating");
            if options.propagation == Propagation::Foreground {
                self.delete_dependents(ctx, &uid, Propagation::Foreground);
                self.reap(ctx);
            }
            return Ok(match self.objects.get(&key) {
                Some(o) => DeleteOutcome::Terminating(o.clone()),
                None => DeleteOutcome::Removed(marked),
            });
        }
        Ok(DeleteOutcome::Removed(self.remove(ctx, &key).unwrap_or(object)))
    }

    /// Removes a pod at once: the kubelet calls this when the containers have stopped after a
    /// graceful delete (or `--grace-period=0 --force`). Returns whether it existed.
    pub fn delete_pod_finally(&mut self, ctx: &mut WriteCtx, namespace: &str, name: &str) -> bool {
        let key = ObjectKey { kind: "Pod".into(), namespace: namespace.into(), name: name.into() };
        self.remove(ctx, &key).is_some()
    }

    fn replace(
        &mut self,
        ctx: &mut WriteCtx,
        key: ObjectKey,
        mut object: Object,
        detail: &str,
    ) -> Rc<Object> {
        object.metadata_mut().resource_version = Some(self.next_resource_version());
        let object = Rc::new(object);
        ctx.trace.record(ctx.now, TraceKind::Updated, key.trace_subject(), detail);
        self.put(key, object.clone());
        self.pending.push(WatchEvent { event_type: WatchEventType::Modified, object: object.clone() });
        object
    }

    /// Takes an object out of the store, then lets the garbage collector act on its dependents.
    fn remove(&mut self, ctx: &mut WriteCtx, key: &ObjectKey) -> Option<Rc<Object>> {
        let object = self.take(key)?;
        ctx.trace.record(ctx.now, TraceKind::Deleted, key.trace_subject(), "deleted");
        self.pending.push(WatchEvent { event_type: WatchEventType::Deleted, object: object.clone() });
        if let Object::CustomResourceDefinition(crd) = &*object {
            let t = admission::crd_resource_type(crd);
            self.resources.unregister(&t.group, &t.kind);
        }
        if key.kind == "Pod" {
            self.refresh_quotas(ctx, &key.namespace);
        }
        let orphaning =
            object.metadata().finalizers.as_ref().is_some_and(|f| f.iter().any(|x| x == "orphan"));
        if !orphaning {
            self.delete_dependents(ctx, object.uid(), Propagation::Background);
        }
        self.reap(ctx);
        Some(object)
    }

    /// The garbage collector: deletes objects whose every owner is gone.
    fn delete_dependents(&mut self, ctx: &mut WriteCtx, owner_uid: &str, propagation: Propagation) {
        let dependents: Vec<ObjectKey> =
            self.dependents_of(owner_uid)
                .filter(|d| {
                    d.metadata().owner_references.as_ref().is_some_and(|refs| {
                        refs.iter().all(|r| r.uid == owner_uid || !self.uid_exists(&r.uid))
                    })
                })
                .filter(|d| d.metadata().deletion_timestamp.is_none())
                .map(|d| ObjectKey::of(d))
                .collect();
        for key in dependents {
            let _ = self.delete(
                ctx,
                &key.kind,
                &key.namespace,
                &key.name,
                DeleteOptions { grace_period_seconds: None, propagation },
            );
        }
    }

    fn uid_exists(&self, uid: &str) -> bool {
        self.objects.values().any(|o| o.uid() == uid && o.metadata().deletion_timestamp.is_none())
    }

    fn orphan_dependents(&mut self, ctx: &mut WriteCtx, owner_uid: &str) {
        let dependents: Vec<Rc<Object>> = self.dependents_of(owner_uid).cloned().collect();
        for dependent in dependents {
            let mut changed = (*dependent).clone();
            let meta = changed.metadata_mut();
            if let Some(refs) = meta.owner_references.as_mut() {
                refs.retain(|r| r.uid != owner_uid);
                if refs.is_empty() {
                    meta.owner_references = None;
                }
            }
            self.replace(ctx, ObjectKey::of(&dependent), changed, "orphaned");
        }
    }

    fn delete_namespace(
        &mut self,
        ctx: &mut WriteCtx,
        key: &ObjectKey,
        namespace: &Rc<Object>,
    ) -> DeleteOutcome {
        let mut object = namespace.clone();
        if namespace.metadata().deletion_timestamp.is_none() {
            let mut marked = (**namespace).clone();
            marked.metadata_mut().deletion_timestamp = Some(ctx.timestamp());
            if let Some(ns) = marked.as_namespace_mut() {
                ns.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
            }
            object = self.replace(ctx, key.clone(), marked, "terminating");
        }
        let contents: Vec<ObjectKey> = self
            .objects
            .keys()
            .filter(|k| k.namespace == key.name && k.kind != "Namespace")
            .cloned()
            .collect();
        for content in contents {
            let _ =
                self.delete(ctx, &content.kind, &content.namespace, &content.name, DeleteOptions::default());
        }
        self.reap(ctx);
        match self.objects.get(key) {
            Some(o) => DeleteOutcome::Terminating(o.clone()),
            None => DeleteOutcome::Removed(object),
        }
    }

    /// Finishes deletions that were waiting: foreground owners whose dependents are gone and
    /// terminating namespaces that are empty.
    fn reap(&mut self, ctx: &mut WriteCtx) {
        let waiting: Vec<ObjectKey> = self
            .objects
            .iter()
            .filter(|(_, o)| o.metadata().deletion_timestamp.is_some())
            .filter(|(k, o)| {
                if k.kind == "Namespace" {
                    !self.objects.keys().any(|c| c.namespace == k.name)
                } else {
                    let finalizers = o.metadata().finalizers.as_deref().unwrap_or_default();
                    finalizers.iter().all(|f| f == "foregroundDeletion")
                        && finalizers.iter().any(|f| f == "foregroundDeletion")
                        && self.dependents_of(o.uid()).next().is_none()
                }
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in waiting {
            self.remove(ctx, &key);
        }
    }

    /// Records a Kubernetes Event, folding repeats into one object with a count like the
    /// client-go event recorder.
    pub fn record_event(&mut self, ctx: &mut WriteCtx, record: EventRecord) -> Rc<Object> {
        let involved = record.involved;
        let namespace = if involved.namespace().is_empty() {
            "default".to_string()
        } else {
            involved.namespace().to_string()
        };
        let reference = ObjectReference {
            api_version: Some(involved.api_version().into()),
            kind: Some(involved.kind().into()),
            name: Some(involved.name().into()),
            namespace: (!involved.namespace().is_empty()).then(|| involved.namespace().into()),
            uid: (!involved.uid().is_empty()).then(|| involved.uid().into()),
            resource_version: involved.metadata().resource_version.clone(),
            field_path: record.field_path.clone(),
        };
        let source =
            EventSource { component: Some(record.component.into()), host: record.host.map(Into::into) };
        let now = ctx.timestamp();
        // The store names the events it records `<involved name>.<hex>`, so a repeat of one is
        // among the involved object's own events: no need to walk the namespace's.
        let existing = self
            .list_prefixed("Event", &namespace, &format!("{}.", involved.name()))
            .filter_map(|o| o.as_event())
            .find(|e| {
                e.involved_object.uid == reference.uid
                    && e.involved_object.name == reference.name
                    && e.involved_object.field_path == reference.field_path
                    && e.reason.as_deref() == Some(record.reason)
                    && e.message.as_deref() == Some(record.message.as_str())
                    && e.type_.as_deref() == Some(record.event_type)
                    && e.source.as_ref() == Some(&source)
            })
            .cloned();
        let subject = ObjectKey::of(involved).trace_subject();
        ctx.trace.record(
            ctx.now,
            TraceKind::Event,
            subject,
            format!("{} {}: {}", record.event_type, record.reason, record.message),
        );
        if let Some(mut event) = existing {
            event.count = Some(event.count.unwrap_or(1) + 1);
            event.last_timestamp = Some(now);
            let key = ObjectKey {
                kind: "Event".into(),
                namespace,
                name: event.metadata.name.clone().unwrap_or_default(),
            };
            return self.replace(ctx, key, Object::from(event), "event repeated");
        }
        self.event_serial += 1;
        let nanos = (ctx.epoch_unix as u64).wrapping_mul(1_000_000_000)
            + ctx.now.as_millis() * 1_000_000
            + self.event_serial % 1_000_000;
        let name = format!("{}.{nanos:x}", involved.name());
        let event = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                uid: Some(ctx.rng.uuid()),
                resource_version: Some(self.next_resource_version()),
                creation_timestamp: Some(now.clone()),
                ..Default::default()
            },
            involved_object: reference,
            reason: Some(record.reason.into()),
            message: Some(record.message),
            type_: Some(record.event_type.into()),
            source: Some(source),
            count: Some(1),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            reporting_component: Some(record.component.into()),
            reporting_instance: Some(record.host.unwrap_or(record.component).into()),
            ..Default::default()
        };
        let key = ObjectKey { kind: "Event".into(), namespace, name };
        let object = Rc::new(Object::from(event));
        self.put(key, object.clone());
        self.pending.push(WatchEvent { event_type: WatchEventType::Added, object: object.clone() });
        object
    }

    /// Inserts an object as the cluster's bootstrap does (no admission), stamping metadata.
    pub fn bootstrap(&mut self, ctx: &mut WriteCtx, mut object: Object) -> Rc<Object> {
        let rv = self.next_resource_version();
        let meta = object.metadata_mut();
        meta.uid = Some(ctx.rng.uuid());
        meta.resource_version = Some(rv);
        meta.creation_timestamp = Some(ctx.timestamp());
        let key = ObjectKey::of(&object);
        let object = Rc::new(object);
        ctx.trace.record(ctx.now, TraceKind::Created, key.trace_subject(), "created");
        self.put(key, object.clone());
        self.pending.push(WatchEvent { event_type: WatchEventType::Added, object: object.clone() });
        object
    }
}

fn object_namespace_or_default(object: &Object) -> String {
    if object.namespace().is_empty() {
        "default".into()
    } else {
        object.namespace().into()
    }
}

/// Everything but metadata and status: a change here bumps `generation`.
fn spec_of(object: &Object) -> Value {
    let mut json = object.to_json();
    if let Some(map) = json.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
    }
    json
}

/// Decodes an object of `kind` from JSON the store produced.
pub fn object_from_json(kind: &str, json: Value) -> Result<Object, ApiError> {
    match Object::from_json_lenient(kind, json.clone()) {
        Some(result) => result.map_err(|e| ApiError::BadRequest(format!("{kind} cannot be handled: {e}"))),
        None => DynamicObject::from_json(&json).map(Object::from).map_err(ApiError::BadRequest),
    }
}

impl Store {
    /// Moves every creation timestamp by `delta_secs` (the epoch changed before the first step).
    pub fn shift_timestamps(&mut self, delta_secs: i64) {
        for object in self.objects.values_mut() {
            let meta = Rc::make_mut(object).metadata_mut();
            if let Some(ts) = meta.creation_timestamp.as_ref() {
                meta.creation_timestamp = Some(timestamp(ts.0.as_second() + delta_secs));
            }
            if let Some(node) = Rc::make_mut(object).as_node_mut() {
                for c in node.status.iter_mut().flat_map(|s| s.conditions.iter_mut().flatten()) {
                    for t in [&mut c.last_heartbeat_time, &mut c.last_transition_time].into_iter().flatten() {
                        *t = timestamp(t.0.as_second() + delta_secs);
                    }
                }
            }
        }
    }
}

/// The uid of the object's controller (the owner reference with `controller: true`), or `""`.
fn controller_uid(object: &Object) -> String {
    object
        .metadata()
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| r.uid.clone())
        .unwrap_or_default()
}
