//! Label selectors: `matchLabels` ANDed with `matchExpressions`, equality-only maps (Service
//! selectors), and the `-l` syntax of kubectl.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// Whether `labels` satisfy `selector` (an empty selector matches everything).
pub fn matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = selector
        .match_labels
        .as_ref()
        .is_none_or(|m| matches_map(m, labels));
    let expressions_ok = selector.match_expressions.as_ref().is_none_or(|exprs| {
        exprs.iter().all(|e| {
            let values = e.values.as_deref().unwrap_or_default();
            let value = labels.get(&e.key);
            match e.operator.as_str() {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
    });
    labels_ok && expressions_ok
}

/// Whether `labels` contain every pair of `selector` (Service and ReplicationController style).
pub fn matches_map(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether a selector selects nothing in particular (`{}`), which workloads reject.
pub fn is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
        && selector.match_expressions.as_ref().is_none_or(Vec::is_empty)
}

/// One requirement of a `-l` selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `k=v`, `k==v`.
    Equals(String, String),
    /// `k!=v`.
    NotEquals(String, String),
    /// `k in (a,b)`.
    In(String, Vec<String>),
    /// `k notin (a,b)`.
    NotIn(String, Vec<String>),
    /// `k`.
    Exists(String),
    /// `!k`.
    DoesNotExist(String),
}

/// Parses kubectl's `-l` syntax (`app=web,tier!=db,env in (a,b),!legacy`).
pub fn parse(text: &str) -> Result<Vec<Requirement>, String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    let mut out = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let values = |list: &str| -> Vec<String> {
            list.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .map(|v| v.trim().to_string())
                .collect()
        };
        let requirement = if let Some((k, v)) = part.split_once("!=") {
            Requirement::NotEquals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once("==") {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once('=') {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once(" notin ") {
            Requirement::NotIn(k.trim().into(), values(v))
        } else if let Some((k, v)) = part.split_once(" in ") {
            Requirement::In(k.trim().into(), values(v))
        } else if let Some(k) = part.strip_prefix('!') {
            Requirement::DoesNotExist(k.trim().into())
        } else if part.contains(char::is_whitespace) || part.contains('(') {
            return Err(format!(
                "error: unable to parse requirement: found '{part}', expected: '=', '!=', '==', 'in', notin'"
            ));
        } else {
            Requirement::Exists(part.into())
        };
        out.push(requirement);
    }
    Ok(out)
}

/// Whether `labels` satisfy every requirement.
pub fn matches_requirements(requirements: &[Requirement], labels: &BTreeMap<String, String>) -> bool {
    requirements.iter().all(|r| match r {
        Requirement::Equals(k, v) => labels.get(k) == Some(v),
        Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
        Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
        Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
        Requirement::Exists(k) => labels.contains_key(k),
        Requirement::DoesNotExist(k) => !labels.contains_key(k),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn selectors_match_like_the_api_server() {
        let selector = LabelSelector {
            match_labels: Some(labels(&[("app", "web")])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: Some(vec!["db".into()]),
            }]),
        };
        assert!(matches(&selector, &labels(&[("app", "web")])));
        assert!(!matches(&selector, &labels(&[("app", "web"), ("tier", "db")])));
        assert!(!matches(&selector, &labels(&[("app", "api")])));
        assert!(matches(&LabelSelector::default(), &labels(&[])));
    }

    #[test]
    fn kubectl_selector_syntax_parses() {
        let reqs = parse("app=web,env in (a, b),!legacy,tier!=db").unwrap();
        assert!(matches_requirements(
            &reqs,
            &labels(&[("app", "web"), ("env", "b")])
        ));
        assert!(!matches_requirements(
            &reqs,
            &labels(&[("app", "web"), ("env", "c")])
        ));
        assert!(!matches_requirements(
            &reqs,
            &labels(&[("app", "web"), ("env", "a"), ("legacy", "")])
        ));
    }
}
