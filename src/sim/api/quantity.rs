//! Resource quantities (`500m`, `1.5`, `128Mi`, `1e3`): parsing to milli-units, and formatting
//! back in the canonical form the API server prints.

use crate::sim::quantity::ParsedQuantity;

/// The syntax the API server accepts, as its error message quotes it.
pub const QUANTITY_REGEX: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// A quantity in thousandths of its unit (`500m` → 500, `1Ki` → 1_024_000), rounded up as
/// apimachinery's `MilliValue()` does, or `None` when it is not a valid quantity. The one
/// parser is [`crate::sim::quantity::ParsedQuantity`], shared with the scheduler and kubelet.
pub fn parse_millis(text: &str) -> Option<i128> {
    ParsedQuantity::parse(text).ok().map(|q| i128::from(q.milli_value()))
}

/// Whether `text` is a valid quantity.
pub fn is_valid(text: &str) -> bool {
    parse_millis(text).is_some()
}

/// Formats milli-units canonically: binary suffixes (`600Mi`) when `binary` and the value is a
/// whole multiple, else decimal (`400m`, `2`, `1500M`).
pub fn format_millis(millis: i128, binary: bool) -> String {
    if millis % 1000 != 0 {
        return format!("{millis}m");
    }
    let units = millis / 1000;
    if units == 0 {
        return "0".into();
    }
    if binary {
        for (suffix, size) in [
            ("Ei", 1i128 << 60),
            ("Pi", 1 << 50),
            ("Ti", 1 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ] {
            if units % size == 0 {
                return format!("{}{suffix}", units / size);
            }
        }
        return units.to_string();
    }
    for (suffix, size) in [
        ("E", 1_000_000_000_000_000_000i128),
        ("P", 1_000_000_000_000_000),
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ] {
        if units % size == 0 {
            return format!("{}{suffix}", units / size);
        }
    }
    units.to_string()
}

/// Whether a quantity is written with a binary suffix.
pub fn is_binary(text: &str) -> bool {
    text.ends_with('i')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_to_millis() {
        for (text, millis) in [
            ("500m", Some(500)),
            ("0.5", Some(500)),
            ("1", Some(1000)),
            ("1Ki", Some(1_024_000)),
            ("128Mi", Some(128 * 1024 * 1024 * 1000)),
            ("1e3", Some(1_000_000)),
            ("1.5G", Some(1_500_000_000_000)),
            ("abc", None),
            ("1x", None),
            ("", None),
        ] {
            assert_eq!(parse_millis(text), millis, "{text}");
        }
    }

    #[test]
    fn quantities_format_canonically() {
        assert_eq!(format_millis(600 * 1024 * 1024 * 1000, true), "600Mi");
        assert_eq!(format_millis(400, false), "400m");
        assert_eq!(format_millis(2000, false), "2");
        assert_eq!(format_millis(1_000_000, false), "1k");
    }
}
