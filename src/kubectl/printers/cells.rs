//! Cell formats shared by the tables and `describe`: ages, timestamps, label maps and label
//! selectors, quantities.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, MicroTime, Time};

use crate::sim::time::{civil_from_days, human_duration, SimDuration};

/// Unix seconds of an API timestamp.
pub fn unix_of(time: &Time) -> i64 {
    time.0.as_second()
}

/// Unix seconds of an API micro-timestamp.
pub fn unix_of_micro(time: &MicroTime) -> i64 {
    time.0.as_second()
}

/// `duration.HumanDuration` of a signed number of seconds: `<invalid>` for the future beyond one
/// second, `0s` for the last second.
pub fn human_secs(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    human_duration(SimDuration::from_secs(secs.unsigned_abs()))
}

/// The AGE of something created at `time`: `<unknown>` when unset.
pub fn age(time: Option<&Time>, now_unix: i64) -> String {
    match time {
        Some(t) => human_secs(now_unix - unix_of(t)),
        None => "<unknown>".to_string(),
    }
}

/// Go's `time.RFC1123Z` layout in UTC, as `describe` prints timestamps:
/// `Thu, 01 Jan 2026 00:00:05 +0000`.
pub fn rfc1123z(unix_secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = unix_secs.div_euclid(86_400);
    let rem = unix_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let weekday = DAYS.get(days.rem_euclid(7) as usize).copied().unwrap_or("Thu");
    let month = MONTHS.get((m as usize).saturating_sub(1)).copied().unwrap_or("Jan");
    format!("{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} +0000", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// `labels.FormatLabels`: `a=b,c=d` sorted by key, `<none>` when empty.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// `metav1.FormatLabelSelector`: requirements sorted by key (`app=web`, `tier in (a,b)`,
/// `env notin (x)`, `key`, `!key`), `<none>` for a missing or empty selector.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else {
        return "<none>".to_string();
    };
    let mut requirements: Vec<(String, String)> = Vec::new();
    for (k, v) in selector.match_labels.iter().flatten() {
        requirements.push((k.clone(), format!("{k}={v}")));
    }
    for expr in selector.match_expressions.iter().flatten() {
        let mut values = expr.values.clone().unwrap_or_default();
        values.sort();
        let key = &expr.key;
        let text = match expr.operator.as_str() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return "<error>".to_string(),
        };
        requirements.push((key.clone(), text));
    }
    if requirements.is_empty() {
        return "<none>".to_string();
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    requirements.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(",")
}

/// A plain `map[string]string` selector (services, replication controllers) as `a=b,c=d`.
pub fn format_selector_map(selector: Option<&BTreeMap<String, String>>) -> String {
    match selector {
        Some(map) if !map.is_empty() => format_labels(map),
        _ => "<none>".to_string(),
    }
}

/// A string, or `<none>` when empty.
pub fn or_none(value: &str) -> String {
    if value.is_empty() {
        "<none>".to_string()
    } else {
        value.to_string()
    }
}

/// Access modes in their short forms, comma-joined (`RWO,ROX`).
pub fn access_modes(modes: Option<&Vec<String>>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for mode in modes.into_iter().flatten() {
        let short = match mode.as_str() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            _ => continue,
        };
        if !out.contains(&short) {
            out.push(short);
        }
    }
    out.join(",")
}

/// Container names and images of a pod template, comma-joined (the wide CONTAINERS/IMAGES).
pub fn containers_and_images(spec: Option<&k8s_openapi::api::core::v1::PodSpec>) -> (String, String) {
    let containers = spec.map(|s| s.containers.as_slice()).unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_deref().unwrap_or("")).collect();
    (names.join(","), images.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn rfc1123z_matches_go_layout() {
        assert_eq!(rfc1123z(1_767_225_600), "Thu, 01 Jan 2026 00:00:00 +0000");
        assert_eq!(rfc1123z(1_767_225_600 + 86_400 * 4 + 3723), "Mon, 05 Jan 2026 01:02:03 +0000");
    }

    #[test]
    fn ages_follow_human_duration() {
        assert_eq!(human_secs(-5), "<invalid>");
        assert_eq!(human_secs(-1), "0s");
        assert_eq!(human_secs(182), "3m2s");
        assert_eq!(age(None, 0), "<unknown>");
    }

    #[test]
    fn selectors_sorted_by_key() {
        let selector = LabelSelector {
            match_labels: Some([("tier".to_string(), "web".to_string())].into()),
            match_expressions: Some(vec![
                LabelSelectorRequirement {
                    key: "env".into(),
                    operator: "In".into(),
                    values: Some(vec!["prod".into(), "dev".into()]),
                },
                LabelSelectorRequirement {
                    key: "zone".into(),
                    operator: "DoesNotExist".into(),
                    values: None,
                },
            ]),
        };
        assert_eq!(format_label_selector(Some(&selector)), "env in (dev,prod),tier=web,!zone");
        assert_eq!(format_label_selector(Some(&LabelSelector::default())), "<none>");
    }
}
