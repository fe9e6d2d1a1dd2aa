//! Patching: JSON merge patch (RFC 7386), the common cases of strategic merge patch (lists of
//! named items merge by `name`, or by `containerPort`/`port`/`mountPath`/`key`), and the
//! three-way patch `kubectl apply` computes from the last applied manifest, the new manifest
//! and the live object.

use serde_json::{Map, Value};

/// Applies an RFC 7386 merge patch: `null` removes, objects merge, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target_map) = target {
        for (key, value) in patch_map {
            if value.is_null() {
                target_map.remove(key);
            } else {
                merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The field a list's items are merged by, if every item has it.
fn merge_key(items: &[Value]) -> Option<&'static str> {
    [
        "name",
        "containerPort",
        "mountPath",
        "devicePath",
        "port",
        "key",
        "ip",
        "type",
    ]
    .into_iter()
    .find(|k| !items.is_empty() && items.iter().all(|i| i.get(*k).is_some()))
}

/// Applies a strategic merge patch for the common cases.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target_map), Value::Object(patch_map)) => {
            for (key, value) in patch_map {
                if value.is_null() {
                    target_map.remove(key);
                } else if let Some(existing) = target_map.get_mut(key) {
                    strategic_merge_patch(existing, value);
                } else {
                    target_map.insert(key.clone(), value.clone());
                }
            }
        }
        (Value::Array(target_items), Value::Array(patch_items)) => {
            let Some(key) =
                merge_key(patch_items).filter(|k| target_items.iter().all(|i| i.get(*k).is_some()))
            else {
                *target_items = patch_items.clone();
                return;
            };
            // The patch's order wins; items only in the target are dropped, as kubectl apply
            // sends `$setElementOrder` plus deletions for lists it fully specifies.
            let mut merged = Vec::with_capacity(patch_items.len());
            for item in patch_items {
                let mut base = target_items
                    .iter()
                    .find(|t| t.get(key) == item.get(key))
                    .cloned()
                    .unwrap_or(Value::Null);
                if base.is_null() {
                    merged.push(item.clone());
                } else {
                    strategic_merge_patch(&mut base, item);
                    merged.push(base);
                }
            }
            *target_items = merged;
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Whether everything `wanted` says is already true of `live` (extra live fields are fine).
pub fn contained(wanted: &Value, live: &Value) -> bool {
    match (wanted, live) {
        (Value::Object(w), Value::Object(l)) => w.iter().all(|(k, v)| match l.get(k) {
            Some(lv) => contained(v, lv),
            None => {
                v.is_null()
                    || v.as_object().is_some_and(Map::is_empty)
                    || v.as_array().is_some_and(Vec::is_empty)
            }
        }),
        (Value::Array(w), Value::Array(l)) => {
            match merge_key(w).filter(|k| l.iter().all(|i| i.get(*k).is_some())) {
                // Lists merged by key (tolerations, containers…) may hold items the server added.
                Some(key) => w.iter().all(|item| {
                    l.iter()
                        .any(|live| live.get(key) == item.get(key) && contained(item, live))
                }),
                None => w.len() == l.len() && w.iter().zip(l).all(|(a, b)| contained(a, b)),
            }
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        // Quantities written as bare numbers come back as strings.
        (Value::Number(n), Value::String(s)) => n.to_string() == *s,
        (a, b) => a == b,
    }
}

/// The patch `kubectl apply` sends: fields of `new` the live object does not match, and `null`
/// for fields the previous manifest set that `new` no longer does.
pub fn three_way_patch(previous: &Value, new: &Value, live: &Value) -> Value {
    let mut patch = Map::new();
    if let (Some(new_map), live_map) = (new.as_object(), live.as_object()) {
        for (key, value) in new_map {
            let live_value = live_map.and_then(|l| l.get(key)).unwrap_or(&Value::Null);
            let both_objects = value.is_object() && live_value.is_object();
            if !both_objects && contained(value, live_value) {
                continue;
            }
            if both_objects {
                let previous_value = previous.get(key).unwrap_or(&Value::Null);
                let sub = three_way_patch(previous_value, value, live_value);
                if sub.as_object().is_some_and(|m| !m.is_empty()) {
                    patch.insert(key.clone(), sub);
                }
            } else {
                patch.insert(key.clone(), value.clone());
            }
        }
        if let Some(previous_map) = previous.as_object() {
            for key in previous_map.keys() {
                let still_live = live_map.is_some_and(|l| l.contains_key(key));
                if !new_map.contains_key(key) && still_live {
                    patch.insert(key.clone(), Value::Null);
                }
            }
        }
    }
    Value::Object(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2]});
        merge_patch(&mut target, &json!({"a": null, "b": {"c": 5}, "l": [3]}));
        assert_eq!(target, json!({"b": {"c": 5, "d": 3}, "l": [3]}));
    }

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let mut target = json!({"containers": [{"name": "a", "image": "x", "imagePullPolicy": "Always"}, {"name": "b", "image": "y"}]});
        strategic_merge_patch(
            &mut target,
            &json!({"containers": [{"name": "b", "image": "z"}, {"name": "a", "image": "x"}]}),
        );
        assert_eq!(
            target,
            json!({"containers": [{"name": "b", "image": "z"}, {"name": "a", "image": "x", "imagePullPolicy": "Always"}]})
        );
    }

    #[test]
    fn three_way_patch_ignores_defaulted_fields_and_removes_dropped_ones() {
        let previous = json!({"spec": {"replicas": 3, "paused": true}});
        let new = json!({"spec": {"replicas": 3, "template": {"c": [{"name": "a"}]}}});
        let live = json!({"spec": {"replicas": 3, "paused": true, "template": {"c": [{"name": "a", "policy": "Always"}]}}});
        assert_eq!(
            three_way_patch(&previous, &new, &live),
            json!({"spec": {"paused": null}})
        );
        let scaled = json!({"spec": {"replicas": 5, "template": {"c": [{"name": "a"}]}}});
        assert_eq!(
            three_way_patch(&new, &new, &scaled),
            json!({"spec": {"replicas": 3}})
        );
    }
}
