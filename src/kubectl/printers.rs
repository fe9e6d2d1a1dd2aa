//! kubectl's printers: the `get` tables of every kind (with `-o wide`, `--show-labels`, `-L`,
//! `-A`), the `-o name|yaml|json|custom-columns|jsonpath` formats, `--sort-by`, and the
//! `describe` layouts. Everything here is a pure function of API objects and the current time,
//! so the same objects always print the same text.

pub mod cells;
pub mod cluster;
pub mod describe;
pub mod jsonpath;
pub mod output;
pub mod pods;
pub mod services;
pub mod tabwriter;
pub mod workloads;

#[cfg(test)]
mod golden_tests;

use std::collections::BTreeMap;

/// One column of a server-side table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Header as the API names it (`Nominated Node`); printed upper-cased.
    pub name: &'static str,
    /// Shown only with `-o wide` (the API's priority 1 columns).
    pub wide: bool,
}

impl Column {
    /// A column shown in every table.
    pub const fn normal(name: &'static str) -> Self {
        Column { name, wide: false }
    }

    /// A column shown only with `-o wide`.
    pub const fn wide(name: &'static str) -> Self {
        Column { name, wide: true }
    }
}

/// One object's row: its cells (one per column, wide ones included) plus what the
/// `-A`/`--show-labels`/`-L` columns need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub cells: Vec<String>,
}

/// A table as the API server would return it for `kubectl get`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// The `kubectl get` flags that shape a table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// `-o wide`.
    pub wide: bool,
    /// `--show-labels`: a last LABELS column.
    pub show_labels: bool,
    /// `-L key,…`: one column per label key, after the regular columns.
    pub label_columns: Vec<String>,
    /// `-A`: a first NAMESPACE column.
    pub namespace_column: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// Prefix of the NAME cells (`pod/`, `deployment.apps/`) when several kinds are printed
    /// together, as `kubectl get all` does; empty otherwise.
    pub name_prefix: String,
}

/// Renders a table the way `kubectl get` prints it (tab-separated cells aligned by the
/// tabwriter, headers upper-cased). Returns the text with a trailing newline, or an empty
/// string when there are no rows (kubectl then prints "No resources found" on stderr).
pub fn render_table(table: &Table, options: &TableOptions) -> String {
    if table.rows.is_empty() {
        return String::new();
    }
    let mut text = String::new();
    if !options.no_headers {
        push_line(&mut text, &table_headers(table, options));
    }
    for row in table_cells(table, options) {
        push_line(&mut text, &row);
    }
    tabwriter::GET_TABLE.format(&text)
}

fn shown_columns(table: &Table, options: &TableOptions) -> Vec<usize> {
    (0..table.columns.len()).filter(|&i| options.wide || !table.columns[i].wide).collect()
}

/// The header cells `options` select (upper-cased, NAMESPACE, label columns, LABELS).
pub fn table_headers(table: &Table, options: &TableOptions) -> Vec<String> {
    let mut headers: Vec<String> = Vec::new();
    if options.namespace_column {
        headers.push("NAMESPACE".to_string());
    }
    headers.extend(shown_columns(table, options).iter().map(|&i| table.columns[i].name.to_uppercase()));
    headers.extend(options.label_columns.iter().map(|key| label_column_header(key)));
    if options.show_labels {
        headers.push("LABELS".to_string());
    }
    headers
}

/// The cells of every row, as `options` select and decorate them.
pub fn table_cells(table: &Table, options: &TableOptions) -> Vec<Vec<String>> {
    let shown = shown_columns(table, options);
    table
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<String> = Vec::new();
            if options.namespace_column {
                cells.push(row.namespace.clone());
            }
            cells.extend(shown.iter().map(|&i| {
                let cell = row.cells.get(i).cloned().unwrap_or_default();
                if i == 0 && table.columns[0].name == "Name" {
                    format!("{}{cell}", options.name_prefix)
                } else {
                    cell
                }
            }));
            cells.extend(
                options.label_columns.iter().map(|key| row.labels.get(key).cloned().unwrap_or_default()),
            );
            if options.show_labels {
                cells.push(cells::format_labels(&row.labels));
            }
            cells
        })
        .collect()
}

/// `-L app.kubernetes.io/name` is headed `NAME`: the last path segment, upper-cased.
fn label_column_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

fn push_line(text: &mut String, cells: &[String]) {
    text.push_str(&cells.join("\t"));
    text.push('\n');
}

/// A row for an object with the given metadata.
pub(crate) fn row_for(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    cells: Vec<String>,
) -> Row {
    Row {
        namespace: meta.namespace.clone().unwrap_or_default(),
        labels: meta.labels.clone().unwrap_or_default(),
        cells,
    }
}

/// The name of an object as its `NAME` cell shows it.
pub(crate) fn name_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> String {
    meta.name.clone().unwrap_or_default()
}

/// Deserializes every item as `T`, or `None` if one does not fit the typed model.
fn typed<T: serde::de::DeserializeOwned>(items: &[serde_json::Value]) -> Option<Vec<T>> {
    items.iter().map(|item| serde_json::from_value(item.clone()).ok()).collect()
}

/// The `kubectl get` table of `kind` (the API kind, e.g. `Pod`, `Deployment`) for objects given
/// as JSON. Kinds without a dedicated printer, and objects the typed model rejects, get the
/// NAME/AGE table. `wide` is needed beyond column selection by services (address shortening).
pub fn table_for_kind(kind: &str, items: &[serde_json::Value], now_unix: i64, wide: bool) -> Table {
    let table = match kind {
        "Pod" => typed(items).map(|v| pods::pods_table(&v, now_unix)),
        "Node" => typed(items).map(|v| cluster::nodes_table(&v, now_unix)),
        "Namespace" => typed(items).map(|v| cluster::namespaces_table(&v, now_unix)),
        "Service" => typed(items).map(|v| services::services_table(&v, now_unix, wide)),
        "Endpoints" => typed(items).map(|v| services::endpoints_table(&v, now_unix)),
        "EndpointSlice" => typed(items).map(|v| services::endpointslices_table(&v, now_unix)),
        "Ingress" => typed(items).map(|v| services::ingresses_table(&v, now_unix)),
        "ConfigMap" => typed(items).map(|v| cluster::configmaps_table(&v, now_unix)),
        "Secret" => typed(items).map(|v| cluster::secrets_table(&v, now_unix)),
        "ReplicaSet" => typed(items).map(|v| workloads::replicasets_table(&v, now_unix)),
        "ReplicationController" => {
            typed(items).map(|v| workloads::replicationcontrollers_table(&v, now_unix))
        }
        "Deployment" => typed(items).map(|v| workloads::deployments_table(&v, now_unix)),
        "DaemonSet" => typed(items).map(|v| workloads::daemonsets_table(&v, now_unix)),
        "StatefulSet" => typed(items).map(|v| workloads::statefulsets_table(&v, now_unix)),
        "Job" => typed(items).map(|v| workloads::jobs_table(&v, now_unix)),
        "CronJob" => typed(items).map(|v| workloads::cronjobs_table(&v, now_unix)),
        "HorizontalPodAutoscaler" => typed(items).map(|v| workloads::hpas_table(&v, now_unix)),
        "PersistentVolumeClaim" => typed(items).map(|v| cluster::pvcs_table(&v, now_unix)),
        "PersistentVolume" => typed(items).map(|v| cluster::pvs_table(&v, now_unix)),
        "StorageClass" => typed(items).map(|v| cluster::storageclasses_table(&v, now_unix)),
        "Event" => typed(items).map(|v| cluster::events_table(&v, now_unix)),
        "PodDisruptionBudget" => typed(items).map(|v| cluster::pdbs_table(&v, now_unix)),
        "ResourceQuota" => typed(items).map(|v| cluster::resourcequotas_table(&v, now_unix)),
        "LimitRange" => typed(items).map(|v| cluster::limitranges_table(&v)),
        "PriorityClass" => typed(items).map(|v| cluster::priorityclasses_table(&v, now_unix)),
        "ServiceAccount" => typed(items).map(|v| cluster::serviceaccounts_table(&v, now_unix)),
        "Lease" => typed(items).map(|v| cluster::leases_table(&v, now_unix)),
        _ => None,
    };
    table.unwrap_or_else(|| cluster::generic_table(items, now_unix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        labels.insert("tier".to_string(), "front".to_string());
        Table {
            columns: vec![Column::normal("Name"), Column::normal("Age"), Column::wide("Node")],
            rows: vec![Row {
                namespace: "default".into(),
                labels,
                cells: vec!["web".into(), "5s".into(), "podlab-worker".into()],
            }],
        }
    }

    #[test]
    fn wide_columns_only_with_wide() {
        let t = sample();
        assert_eq!(render_table(&t, &TableOptions::default()), "NAME   AGE\nweb    5s\n");
        let wide = TableOptions { wide: true, ..Default::default() };
        assert_eq!(render_table(&t, &wide), "NAME   AGE   NODE\nweb    5s    podlab-worker\n");
    }

    #[test]
    fn namespace_first_label_columns_then_labels_last() {
        let options = TableOptions {
            namespace_column: true,
            show_labels: true,
            label_columns: vec!["app.kubernetes.io/tier".into(), "app".into()],
            ..Default::default()
        };
        assert_eq!(
            render_table(&sample(), &options),
            "NAMESPACE   NAME   AGE   TIER   APP   LABELS\n\
             default     web    5s           web   app=web,tier=front\n"
        );
    }

    #[test]
    fn table_for_kind_picks_the_kind_printer_and_falls_back_to_name_age() {
        let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "app"}]}, "status": {"phase": "Pending"}});
        let t = table_for_kind("Pod", std::slice::from_ref(&pod), 0, false);
        assert_eq!(
            render_table(&t, &TableOptions::default()),
            "NAME   READY   STATUS    RESTARTS   AGE\nweb    0/1     Pending   0          <unknown>\n"
        );
        let t = table_for_kind("CronTab", &[pod], 0, false);
        assert_eq!(render_table(&t, &TableOptions::default()), "NAME   AGE\nweb    <unknown>\n");
    }

    #[test]
    fn name_prefix_for_mixed_kinds() {
        let options = TableOptions { name_prefix: "pod/".into(), ..Default::default() };
        assert_eq!(render_table(&sample(), &options), "NAME      AGE\npod/web   5s\n");
    }

    #[test]
    fn empty_table_prints_nothing() {
        let t = Table { columns: vec![Column::normal("Name")], rows: vec![] };
        assert_eq!(render_table(&t, &TableOptions::default()), "");
    }
}
