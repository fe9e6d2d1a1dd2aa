//! `Object`: one API object of any kind, typed with k8s-openapi for the kinds the simulation
//! models and kept as JSON (`Dynamic`) for the kinds it only stores.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, LimitRange, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
    ReplicationController, ResourceQuota, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::Resource;
use serde_json::{Map, Value};
use std::rc::Rc;

/// An object of a kind the simulation stores but does not act on (RBAC, Ingress, custom
/// resources…): its type, its metadata and every other top-level field as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct DynamicObject {
    /// `apiVersion`, e.g. `networking.k8s.io/v1`.
    pub api_version: String,
    /// `kind`, e.g. `Ingress`.
    pub kind: String,
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Every other top-level field (`spec`, `rules`, `data`…).
    pub fields: Map<String, Value>,
}

impl DynamicObject {
    /// Builds one from a JSON object that has apiVersion, kind and metadata.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let map = value.as_object().ok_or("an object must be a mapping")?;
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or_default().to_string();
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
        let metadata = match map.get("metadata") {
            Some(m) => serde_json::from_value(m.clone()).map_err(|e| e.to_string())?,
            None => ObjectMeta::default(),
        };
        let fields = map
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(DynamicObject { api_version, kind, metadata, fields })
    }

    fn to_json(&self) -> Value {
        let mut map = self.fields.clone();
        map.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        map.insert("kind".into(), Value::String(self.kind.clone()));
        map.insert("metadata".into(), serde_json::to_value(&self.metadata).unwrap_or(Value::Null));
        Value::Object(map)
    }
}

macro_rules! objects {
    ($($variant:ident($ty:ty) $as_ref:ident $as_mut:ident;)*) => {
        /// One API object.
        // Every kind sits behind its own `Rc`, so an object costs the size of its own kind (inline,
        // each one, an Event of 1 KB too, would take the 3.4 KB of the largest kind), and
        // components that keep an object (the scheduler's cache keeps every pod) share it with
        // the store instead of copying it. Changing one goes through `Rc::make_mut`: copy on write.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $(
                #[doc = concat!("A ", stringify!($variant), ".")]
                $variant(Rc<$ty>),
            )*
            /// A kind stored as JSON: not modeled by the simulation, or a custom resource.
            Dynamic(Rc<DynamicObject>),
        }

        impl Object {
            /// The object's kind (`Pod`, `Deployment`…).
            pub fn kind(&self) -> &str {
                match self {
                    $(Object::$variant(_) => <$ty as Resource>::KIND,)*
                    Object::Dynamic(d) => &d.kind,
                }
            }

            /// The object's apiVersion (`v1`, `apps/v1`…).
            pub fn api_version(&self) -> &str {
                match self {
                    $(Object::$variant(_) => <$ty as Resource>::API_VERSION,)*
                    Object::Dynamic(d) => &d.api_version,
                }
            }

            /// The object's metadata.
            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Object::$variant(o) => &o.metadata,)*
                    Object::Dynamic(d) => &d.metadata,
                }
            }

            /// The object's metadata, to change it.
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$variant(o) => &mut Rc::make_mut(o).metadata,)*
                    Object::Dynamic(d) => &mut Rc::make_mut(d).metadata,
                }
            }

            /// The object as JSON, with apiVersion and kind, as the API server returns it.
            pub fn to_json(&self) -> Value {
                match self {
                    $(Object::$variant(o) => serde_json::to_value(o).unwrap_or(Value::Null),)*
                    Object::Dynamic(d) => d.to_json(),
                }
            }

            /// Decodes a typed object of a modeled kind from JSON without checking unknown
            /// fields (the manifest loader does strict decoding). `None` for other kinds.
            pub fn from_json_lenient(kind: &str, value: Value) -> Option<Result<Object, String>> {
                match kind {
                    $(<$ty as Resource>::KIND => Some(
                        serde_json::from_value::<$ty>(value).map(Object::from).map_err(|e| e.to_string()),
                    ),)*
                    _ => None,
                }
            }

            $(
                #[doc = concat!("The object if it is a ", stringify!($variant), ".")]
                pub fn $as_ref(&self) -> Option<&$ty> {
                    match self {
                        Object::$variant(o) => Some(&**o),
                        _ => None,
                    }
                }

                #[doc = concat!("The object if it is a ", stringify!($variant), ", to change it.")]
                pub fn $as_mut(&mut self) -> Option<&mut $ty> {
                    match self {
                        Object::$variant(o) => Some(Rc::make_mut(o)),
                        _ => None,
                    }
                }
            )*
        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Object {
                    Object::$variant(Rc::new(o))
                }
            }
        )*
    };
}

objects! {
    Pod(Pod) as_pod as_pod_mut;
    Node(Node) as_node as_node_mut;
    Namespace(Namespace) as_namespace as_namespace_mut;
    Service(Service) as_service as_service_mut;
    Endpoints(Endpoints) as_endpoints as_endpoints_mut;
    EndpointSlice(EndpointSlice) as_endpoint_slice as_endpoint_slice_mut;
    ConfigMap(ConfigMap) as_config_map as_config_map_mut;
    Secret(Secret) as_secret as_secret_mut;
    PersistentVolume(PersistentVolume) as_persistent_volume as_persistent_volume_mut;
    PersistentVolumeClaim(PersistentVolumeClaim) as_persistent_volume_claim as_persistent_volume_claim_mut;
    StorageClass(StorageClass) as_storage_class as_storage_class_mut;
    ReplicaSet(ReplicaSet) as_replica_set as_replica_set_mut;
    ReplicationController(ReplicationController) as_replication_controller as_replication_controller_mut;
    Deployment(Deployment) as_deployment as_deployment_mut;
    DaemonSet(DaemonSet) as_daemon_set as_daemon_set_mut;
    StatefulSet(StatefulSet) as_stateful_set as_stateful_set_mut;
    Job(Job) as_job as_job_mut;
    CronJob(CronJob) as_cron_job as_cron_job_mut;
    HorizontalPodAutoscaler(HorizontalPodAutoscaler) as_hpa as_hpa_mut;
    PodDisruptionBudget(PodDisruptionBudget) as_pdb as_pdb_mut;
    ResourceQuota(ResourceQuota) as_resource_quota as_resource_quota_mut;
    LimitRange(LimitRange) as_limit_range as_limit_range_mut;
    PriorityClass(PriorityClass) as_priority_class as_priority_class_mut;
    Event(Event) as_event as_event_mut;
    ServiceAccount(ServiceAccount) as_service_account as_service_account_mut;
    Lease(Lease) as_lease as_lease_mut;
    CustomResourceDefinition(CustomResourceDefinition) as_crd as_crd_mut;
}

impl Object {
    /// The object's name (empty when only `generateName` is set).
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// The object's namespace (empty for cluster-scoped objects).
    pub fn namespace(&self) -> &str {
        self.metadata().namespace.as_deref().unwrap_or_default()
    }

    /// The object's uid (empty before it is stored).
    pub fn uid(&self) -> &str {
        self.metadata().uid.as_deref().unwrap_or_default()
    }

    /// The object's labels, empty when it has none.
    pub fn labels(&self) -> &std::collections::BTreeMap<String, String> {
        static EMPTY: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        self.metadata().labels.as_ref().unwrap_or(&EMPTY)
    }

    /// The API group (`""` for core, `apps`…).
    pub fn group(&self) -> &str {
        match self.api_version().rsplit_once('/') {
            Some((group, _)) => group,
            None => "",
        }
    }

    /// Whether this kind has effect in the simulation (false for `Dynamic`).
    pub fn is_modeled(&self) -> bool {
        !matches!(self, Object::Dynamic(_))
    }
}

impl From<DynamicObject> for Object {
    fn from(o: DynamicObject) -> Object {
        Object::Dynamic(Rc::new(o))
    }
}
