//! Virtual time. `SimTime` counts milliseconds since the cluster was created; nothing in the
//! simulation reads a wall clock, so the same inputs always give the same timeline.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in virtual time: milliseconds since the cluster was created.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct SimTime(pub u64);

/// A span of virtual time in milliseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The moment the cluster was created.
    pub const ZERO: SimTime = SimTime(0);

    /// Milliseconds since the cluster was created.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Whole seconds since the cluster was created.
    pub fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }

    /// A span of `s` seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1000)
    }

    /// A span of `m` minutes.
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m * 60_000)
    }

    /// The span in milliseconds.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// The span in whole seconds (truncated).
    pub fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// Parses `1500ms`, `45s`, `2m`, `1h`, `1m30s` or a bare number of seconds.
    pub fn parse(text: &str) -> Option<SimDuration> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(secs) = text.parse::<u64>() {
            return Some(SimDuration::from_secs(secs));
        }
        let mut total = 0u64;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
            if digits == 0 {
                return None;
            }
            let number: f64 = rest[..digits].parse().ok()?;
            rest = &rest[digits..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let unit_ms = match &rest[..unit_len] {
                "ms" => 1.0,
                "s" => 1000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                _ => return None,
            };
            total = total.checked_add((number * unit_ms) as u64)?;
            rest = &rest[unit_len..];
        }
        Some(SimDuration(total))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, other: SimTime) -> SimDuration {
        self.since(other)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for SimTime {
    /// The transcript stamp: `+45s`, `+2m5s`, `+1h2m3s`, with milliseconds when not whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", SimDuration(self.0))
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let total = self.0 / 1000;
        let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if ms > 0 {
            write!(f, "{s}.{ms:03}s")
        } else if s > 0 || (h == 0 && m == 0) {
            write!(f, "{s}s")
        } else {
            Ok(())
        }
    }
}

/// Kubernetes' `duration.HumanDuration`: the AGE column format (`5s`, `3m2s`, `45m`, `3h5m`, `2d3h`).
pub fn human_duration(d: SimDuration) -> String {
    let secs = d.as_secs();
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{days}d") } else { format!("{days}d{h}h") };
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    if years < 8 {
        let dy = days % 365;
        return if dy == 0 { format!("{years}y") } else { format!("{years}y{dy}d") };
    }
    format!("{years}y")
}

/// Unix seconds of the default cluster start, `2026-01-01T00:00:00Z`.
pub const DEFAULT_EPOCH_UNIX: i64 = 1_767_225_600;

/// Formats Unix seconds as RFC 3339 UTC (`2026-01-01T00:00:00Z`), as the API does.
pub fn rfc3339(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let rem = unix_secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Parses an RFC 3339 UTC timestamp (`2026-01-01T00:00:00Z`) into Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let text = text.trim().trim_matches('"');
    let (date, time) = text.split_once('T')?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let mo: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let time = time.trim_end_matches('Z');
    let time = time.split(['+', '.']).next()?;
    let mut hms = time.split(':');
    let h: i64 = hms.next()?.parse().ok()?;
    let mi: i64 = hms.next()?.parse().ok()?;
    let s: i64 = hms.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Days since 1970-01-01 to a (year, month, day) civil date (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A (year, month, day) civil date to days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_kubectl_age_format() {
        let cases = [
            (0, "0s"),
            (5, "5s"),
            (119, "119s"),
            (120, "2m"),
            (182, "3m2s"),
            (600, "10m"),
            (179 * 60 + 59, "179m"),
            (3 * 3600 + 5 * 60, "3h5m"),
            (47 * 3600, "47h"),
            (51 * 3600, "2d3h"),
            (400 * 86_400, "400d"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(SimDuration::from_secs(secs)), want, "{secs}s");
        }
    }

    #[test]
    fn durations_parse_in_kubectl_style() {
        assert_eq!(SimDuration::parse("45s"), Some(SimDuration::from_secs(45)));
        assert_eq!(SimDuration::parse("1m30s"), Some(SimDuration::from_secs(90)));
        assert_eq!(SimDuration::parse("1500ms"), Some(SimDuration::from_millis(1500)));
        assert_eq!(SimDuration::parse("2h"), Some(SimDuration::from_secs(7200)));
        assert_eq!(SimDuration::parse("10"), Some(SimDuration::from_secs(10)));
        assert_eq!(SimDuration::parse("soon"), None);
        assert_eq!(SimDuration::parse("5x"), None);
    }

    #[test]
    fn rfc3339_round_trips_the_default_epoch() {
        assert_eq!(rfc3339(DEFAULT_EPOCH_UNIX), "2026-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2026-01-01T00:00:00Z"), Some(DEFAULT_EPOCH_UNIX));
        assert_eq!(rfc3339(DEFAULT_EPOCH_UNIX + 86_400 * 59 + 3661), "2026-03-01T01:01:01Z");
    }

    #[test]
    fn transcript_stamps_read_naturally() {
        assert_eq!(SimTime(0).to_string(), "+0s");
        assert_eq!(SimTime(45_000).to_string(), "+45s");
        assert_eq!(SimTime(125_000).to_string(), "+2m5s");
        assert_eq!(SimTime(3_600_000).to_string(), "+1h");
        assert_eq!(SimTime(1_500).to_string(), "+1.500s");
    }
}
