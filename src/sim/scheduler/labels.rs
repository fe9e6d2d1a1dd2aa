//! Label and node selectors: matching `LabelSelector`, `NodeSelector` terms and tolerations.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub type Labels = BTreeMap<String, String>;

/// A `LabelSelector` compiled once; `None` selector fields mean "no constraint".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    match_labels: Vec<(String, String)>,
    expressions: Vec<(String, String, Vec<String>)>,
    /// A nil selector matches nothing (an empty one matches everything).
    nothing: bool,
}

impl Selector {
    pub fn from_label_selector(selector: Option<&LabelSelector>) -> Self {
        let Some(selector) = selector else {
            return Selector { nothing: true, ..Selector::default() };
        };
        let match_labels =
            selector.match_labels.iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect();
        let expressions = selector
            .match_expressions
            .iter()
            .flatten()
            .map(|e| (e.key.clone(), e.operator.clone(), e.values.clone().unwrap_or_default()))
            .collect();
        Selector { match_labels, expressions, nothing: false }
    }

    /// Selects exactly the given labels (used for system default spreading).
    pub fn from_labels(labels: &Labels) -> Self {
        Selector {
            match_labels: labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            expressions: Vec::new(),
            nothing: false,
        }
    }

    /// Adds `key in (value)` requirements (matchLabelKeys of spread and affinity terms).
    pub fn require(&mut self, key: &str, value: &str) {
        self.match_labels.push((key.to_string(), value.to_string()));
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        if self.nothing {
            return false;
        }
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|(key, op, values)| {
                let value = labels.get(key);
                match op.as_str() {
                    "In" => value.is_some_and(|v| values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

pub fn node_labels(node: &Node) -> &Labels {
    static EMPTY: Labels = BTreeMap::new();
    node.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

fn requirement_matches(req: &NodeSelectorRequirement, value: Option<&String>) -> bool {
    let values = req.values.as_deref().unwrap_or(&[]);
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(actual), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|v| v.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if req.operator == "Gt" {
                actual > bound
            } else {
                actual < bound
            }
        }
        _ => false,
    }
}

/// One node selector term: its expressions and fields are ANDed; an empty term matches nothing.
pub fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let expressions = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node_labels(node);
    let name = node.metadata.name.as_ref();
    expressions.iter().all(|r| requirement_matches(r, labels.get(&r.key)))
        && fields.iter().all(|r| r.key == "metadata.name" && requirement_matches(r, name))
}

/// Terms are ORed.
pub fn any_term_matches(terms: &[NodeSelectorTerm], node: &Node) -> bool {
    terms.iter().any(|t| term_matches(t, node))
}

/// Whether `toleration` tolerates `taint` (`ToleratesTaint` in upstream helpers).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = toleration.effect.as_deref().filter(|e| !e.is_empty()) {
        if effect != taint.effect {
            return false;
        }
    }
    let key = toleration.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => {
            // An empty key with Equal is invalid upstream; it then tolerates nothing.
            !key.is_empty()
                && toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        _ => false,
    }
}

pub fn tolerated_by_any(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}
