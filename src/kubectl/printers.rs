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
}

/// Renders a table the way `kubectl get` prints it (tab-separated cells aligned by the
/// tabwriter, headers upper-cased). Returns the text with a trailing newline, or an empty
/// string when there are no rows (kubectl then prints "No resources found" on stderr).
pub fn render_table(table: &Table, options: &TableOptions) -> String {
    if table.rows.is_empty() {
        return String::new();
    }
    let shown: Vec<usize> =
        (0..table.columns.len()).filter(|&i| options.wide || !table.columns[i].wide).collect();
    let mut text = String::new();
    if !options.no_headers {
        let mut headers: Vec<String> = Vec::new();
        if options.namespace_column {
            headers.push("NAMESPACE".to_string());
        }
        headers.extend(shown.iter().map(|&i| table.columns[i].name.to_uppercase()));
        headers.extend(options.label_columns.iter().map(|key| label_column_header(key)));
        if options.show_labels {
            headers.push("LABELS".to_string());
        }
        push_line(&mut text, &headers);
    }
    for row in &table.rows {
        let mut cells: Vec<String> = Vec::new();
        if options.namespace_column {
            cells.push(row.namespace.clone());
        }
        cells.extend(shown.iter().map(|&i| row.cells.get(i).cloned().unwrap_or_default()));
        cells.extend(options.label_columns.iter().map(|key| row.labels.get(key).cloned().unwrap_or_default()));
        if options.show_labels {
            cells.push(cells::format_labels(&row.labels));
        }
        push_line(&mut text, &cells);
    }
    tabwriter::GET_TABLE.format(&text)
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
    fn empty_table_prints_nothing() {
        let t = Table { columns: vec![Column::normal("Name")], rows: vec![] };
        assert_eq!(render_table(&t, &TableOptions::default()), "");
    }
}
