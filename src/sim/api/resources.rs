//! The resource table: every kind the API server knows, with its group, versions, plural,
//! singular and short names, scope, and whether the simulation acts on it. kubectl resolves
//! the type names users type (`pods`, `po`, `deployments.apps`, `Pod`) through it; applying a
//! CustomResourceDefinition adds an entry.

/// One kind the API server serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// `Pod`, `Deployment`…
    pub kind: String,
    /// API group, `""` for the core group.
    pub group: String,
    /// Served versions; the first is the one objects are stored and shown in.
    pub versions: Vec<String>,
    /// `pods`.
    pub plural: String,
    /// `pod`.
    pub singular: String,
    /// `po`.
    pub short_names: Vec<String>,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Whether the simulation acts on objects of this kind (otherwise they are only stored).
    pub modeled: bool,
    /// Categories a CRD puts its kind in (`all` adds it to `kubectl get all`).
    pub categories: Vec<String>,
}

impl ResourceType {
    /// The apiVersion objects are shown in (`v1`, `apps/v1`).
    pub fn api_version(&self) -> String {
        let version = self.versions.first().map(String::as_str).unwrap_or("v1");
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{}", self.group, version)
        }
    }

    /// `pods` or `deployments.apps`: how the API server names the resource in messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `pod` or `deployment.apps`: how kubectl prefixes names (`deployment.apps/web created`).
    pub fn qualified_singular(&self) -> String {
        let lower = self.kind.to_lowercase();
        if self.group.is_empty() {
            lower
        } else {
            format!("{}.{}", lower, self.group)
        }
    }

    /// Whether `version` is served.
    pub fn serves(&self, version: &str) -> bool {
        self.versions.iter().any(|v| v == version)
    }
}

/// `(kind, group, versions, plural, short names, namespaced, modeled)` of the built-in kinds.
type Row =
    (&'static str, &'static str, &'static [&'static str], &'static str, &'static [&'static str], bool, bool);

const BUILTIN: &[Row] = &[
    ("Pod", "", &["v1"], "pods", &["po"], true, true),
    ("Node", "", &["v1"], "nodes", &["no"], false, true),
    ("Namespace", "", &["v1"], "namespaces", &["ns"], false, true),
    ("Service", "", &["v1"], "services", &["svc"], true, true),
    ("Endpoints", "", &["v1"], "endpoints", &["ep"], true, true),
    ("EndpointSlice", "discovery.k8s.io", &["v1"], "endpointslices", &[], true, true),
    ("ConfigMap", "", &["v1"], "configmaps", &["cm"], true, true),
    ("Secret", "", &["v1"], "secrets", &[], true, true),
    ("PersistentVolume", "", &["v1"], "persistentvolumes", &["pv"], false, true),
    ("PersistentVolumeClaim", "", &["v1"], "persistentvolumeclaims", &["pvc"], true, true),
    ("StorageClass", "storage.k8s.io", &["v1"], "storageclasses", &["sc"], false, true),
    ("ReplicaSet", "apps", &["v1"], "replicasets", &["rs"], true, true),
    ("ReplicationController", "", &["v1"], "replicationcontrollers", &["rc"], true, true),
    ("Deployment", "apps", &["v1"], "deployments", &["deploy"], true, true),
    ("DaemonSet", "apps", &["v1"], "daemonsets", &["ds"], true, true),
    ("StatefulSet", "apps", &["v1"], "statefulsets", &["sts"], true, true),
    ("Job", "batch", &["v1"], "jobs", &[], true, true),
    ("CronJob", "batch", &["v1"], "cronjobs", &["cj"], true, true),
    (
        "HorizontalPodAutoscaler",
        "autoscaling",
        &["v2", "v1"],
        "horizontalpodautoscalers",
        &["hpa"],
        true,
        true,
    ),
    ("PodDisruptionBudget", "policy", &["v1"], "poddisruptionbudgets", &["pdb"], true, true),
    ("ResourceQuota", "", &["v1"], "resourcequotas", &["quota"], true, true),
    ("LimitRange", "", &["v1"], "limitranges", &["limits"], true, true),
    ("PriorityClass", "scheduling.k8s.io", &["v1"], "priorityclasses", &["pc"], false, true),
    ("Event", "", &["v1"], "events", &["ev"], true, true),
    ("ServiceAccount", "", &["v1"], "serviceaccounts", &["sa"], true, true),
    ("Lease", "coordination.k8s.io", &["v1"], "leases", &[], true, true),
    (
        "CustomResourceDefinition",
        "apiextensions.k8s.io",
        &["v1"],
        "customresourcedefinitions",
        &["crd", "crds"],
        false,
        true,
    ),
    // Stored and listed, with no effect on the simulated cluster.
    ("Role", "rbac.authorization.k8s.io", &["v1"], "roles", &[], true, false),
    ("RoleBinding", "rbac.authorization.k8s.io", &["v1"], "rolebindings", &[], true, false),
    ("ClusterRole", "rbac.authorization.k8s.io", &["v1"], "clusterroles", &[], false, false),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io", &["v1"], "clusterrolebindings", &[], false, false),
    ("Ingress", "networking.k8s.io", &["v1"], "ingresses", &["ing"], true, false),
    ("IngressClass", "networking.k8s.io", &["v1"], "ingressclasses", &[], false, false),
    ("NetworkPolicy", "networking.k8s.io", &["v1"], "networkpolicies", &["netpol"], true, false),
    ("PodTemplate", "", &["v1"], "podtemplates", &[], true, false),
    ("ControllerRevision", "apps", &["v1"], "controllerrevisions", &[], true, false),
    ("CSIDriver", "storage.k8s.io", &["v1"], "csidrivers", &[], false, false),
    ("VolumeAttachment", "storage.k8s.io", &["v1"], "volumeattachments", &[], false, false),
    ("RuntimeClass", "node.k8s.io", &["v1"], "runtimeclasses", &[], false, false),
    (
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        &["v1"],
        "validatingwebhookconfigurations",
        &[],
        false,
        false,
    ),
    (
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        &["v1"],
        "mutatingwebhookconfigurations",
        &[],
        false,
        false,
    ),
    ("APIService", "apiregistration.k8s.io", &["v1"], "apiservices", &[], false, false),
    (
        "CertificateSigningRequest",
        "certificates.k8s.io",
        &["v1"],
        "certificatesigningrequests",
        &["csr"],
        false,
        false,
    ),
    ("FlowSchema", "flowcontrol.apiserver.k8s.io", &["v1"], "flowschemas", &[], false, false),
    (
        "PriorityLevelConfiguration",
        "flowcontrol.apiserver.k8s.io",
        &["v1"],
        "prioritylevelconfigurations",
        &[],
        false,
        false,
    ),
];

/// The note kubectl shows for kinds that are stored but have no effect.
pub fn no_effect_note(kind: &str) -> String {
    format!("note: {kind} objects are stored but have no effect in Podlab")
}

/// Every kind the API server serves: the built-in ones and those CRDs added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceTable {
    types: Vec<ResourceType>,
}

impl Default for ResourceTable {
    fn default() -> Self {
        let types = BUILTIN
            .iter()
            .map(|&(kind, group, versions, plural, short, namespaced, modeled)| ResourceType {
                kind: kind.into(),
                group: group.into(),
                versions: versions.iter().map(|v| v.to_string()).collect(),
                plural: plural.into(),
                singular: kind.to_lowercase(),
                short_names: short.iter().map(|s| s.to_string()).collect(),
                namespaced,
                modeled,
                categories: Vec::new(),
            })
            .collect();
        ResourceTable { types }
    }
}

impl ResourceTable {
    /// Every known kind, built-in first.
    pub fn all(&self) -> &[ResourceType] {
        &self.types
    }

    /// Resolves what a user typed (`pods`, `pod`, `po`, `Pod`, `deployments.apps`,
    /// `deploy.apps`, `deployments.v1.apps`).
    pub fn resolve(&self, name: &str) -> Option<&ResourceType> {
        let lower = name.to_lowercase();
        let matches_name = |t: &ResourceType, n: &str| {
            t.plural == n
                || t.singular == n
                || t.short_names.iter().any(|s| s == n)
                || t.kind.to_lowercase() == n
        };
        if let Some(t) = self.types.iter().find(|t| matches_name(t, &lower)) {
            return Some(t);
        }
        let (resource, group) = lower.split_once('.')?;
        let group = match group.split_once('.') {
            Some((version, rest)) if self.types.iter().any(|t| t.serves(version) && t.group == rest) => rest,
            _ => group,
        };
        self.types.iter().find(|t| t.group == group && matches_name(t, resource))
    }

    /// The kind named `kind` in `group`, whatever its version.
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<&ResourceType> {
        self.types.iter().find(|t| t.group == group && t.kind == kind)
    }

    /// The kind named `kind` in any group (built-in groups first).
    pub fn by_kind_any_group(&self, kind: &str) -> Option<&ResourceType> {
        self.types.iter().find(|t| t.kind == kind)
    }

    /// The type serving `kind` in `api_version` (`apps/v1`).
    pub fn for_api_version(&self, api_version: &str, kind: &str) -> Option<&ResourceType> {
        let (group, version) = split_api_version(api_version);
        self.by_kind(group, kind).filter(|t| t.serves(version))
    }

    /// The plural names of the custom kinds in `category`, for `kubectl get CATEGORY`.
    pub fn in_category(&self, category: &str) -> Vec<String> {
        self.types
            .iter()
            .filter(|t| t.categories.iter().any(|c| c == category))
            .map(|t| t.qualified_plural())
            .collect()
    }

    /// Adds (or replaces) a kind, as a CustomResourceDefinition does.
    pub fn register(&mut self, resource: ResourceType) {
        self.types.retain(|t| !(t.group == resource.group && t.kind == resource.kind));
        self.types.push(resource);
    }

    /// Removes a kind added by a CRD.
    pub fn unregister(&mut self, group: &str, kind: &str) {
        self.types.retain(|t| !(t.group == group && t.kind == kind && !t.modeled));
    }
}

/// Splits `apps/v1` into `("apps", "v1")` and `v1` into `("", "v1")`.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_type_names_resolve() {
        let table = ResourceTable::default();
        for (typed, kind) in [
            ("pods", "Pod"),
            ("pod", "Pod"),
            ("po", "Pod"),
            ("Pod", "Pod"),
            ("deploy", "Deployment"),
            ("deployments.apps", "Deployment"),
            ("deployments.v1.apps", "Deployment"),
            ("svc", "Service"),
            ("hpa", "HorizontalPodAutoscaler"),
            ("quota", "ResourceQuota"),
            ("limits", "LimitRange"),
            ("crd", "CustomResourceDefinition"),
            ("cj", "CronJob"),
            ("ing", "Ingress"),
        ] {
            assert_eq!(table.resolve(typed).map(|t| t.kind.as_str()), Some(kind), "{typed}");
        }
        assert!(table.resolve("deploymentz").is_none());
        assert!(table.resolve("deployments.batch").is_none());
    }

    #[test]
    fn versions_are_checked() {
        let table = ResourceTable::default();
        assert!(table.for_api_version("batch/v1", "CronJob").is_some());
        assert!(table.for_api_version("batch/v1beta1", "CronJob").is_none());
        assert!(table.for_api_version("autoscaling/v1", "HorizontalPodAutoscaler").is_some());
        assert_eq!(
            table.by_kind("apps", "Deployment").map(|t| t.qualified_singular()),
            Some("deployment.apps".into())
        );
    }
}
