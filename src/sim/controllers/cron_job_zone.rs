//! Time zones for CronJob `spec.timeZone`: UTC, the fixed `Etc/GMT±N` zones, and a table of
//! common IANA zones with their current daylight-saving rules (EU, North America, south-east
//! Australia). The rules are those in force since 2007 (US) and 1996 (EU), so they are exact
//! for the dates the simulation runs at; historical transitions are not modelled. A table
//! keeps the wasm bundle small where chrono-tz would embed the whole tz database.

/// When a zone observes daylight saving time (one hour ahead of standard time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dst {
    None,
    /// Last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
    Eu,
    /// Second Sunday of March 02:00 local to first Sunday of November 02:00 local.
    NorthAmerica,
    /// First Sunday of October 02:00 local to first Sunday of April 03:00 local.
    SouthEastAustralia,
}

/// A time zone: its standard offset from UTC and its daylight-saving rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone {
    standard_minutes: i64,
    dst: Dst,
}

const TABLE: &[(&str, i64, Dst)] = &[
    ("UTC", 0, Dst::None),
    ("Etc/UTC", 0, Dst::None),
    ("Etc/GMT", 0, Dst::None),
    ("GMT", 0, Dst::None),
    ("Europe/London", 0, Dst::Eu),
    ("Europe/Dublin", 0, Dst::Eu),
    ("Europe/Lisbon", 0, Dst::Eu),
    ("Europe/Amsterdam", 60, Dst::Eu),
    ("Europe/Berlin", 60, Dst::Eu),
    ("Europe/Brussels", 60, Dst::Eu),
    ("Europe/Copenhagen", 60, Dst::Eu),
    ("Europe/Madrid", 60, Dst::Eu),
    ("Europe/Oslo", 60, Dst::Eu),
    ("Europe/Paris", 60, Dst::Eu),
    ("Europe/Prague", 60, Dst::Eu),
    ("Europe/Rome", 60, Dst::Eu),
    ("Europe/Stockholm", 60, Dst::Eu),
    ("Europe/Vienna", 60, Dst::Eu),
    ("Europe/Warsaw", 60, Dst::Eu),
    ("Europe/Zurich", 60, Dst::Eu),
    ("Europe/Athens", 120, Dst::Eu),
    ("Europe/Bucharest", 120, Dst::Eu),
    ("Europe/Helsinki", 120, Dst::Eu),
    ("Europe/Kyiv", 120, Dst::Eu),
    ("Europe/Istanbul", 180, Dst::None),
    ("Europe/Moscow", 180, Dst::None),
    ("America/New_York", -300, Dst::NorthAmerica),
    ("America/Toronto", -300, Dst::NorthAmerica),
    ("America/Chicago", -360, Dst::NorthAmerica),
    ("America/Denver", -420, Dst::NorthAmerica),
    ("America/Phoenix", -420, Dst::None),
    ("America/Los_Angeles", -480, Dst::NorthAmerica),
    ("America/Vancouver", -480, Dst::NorthAmerica),
    ("America/Anchorage", -540, Dst::NorthAmerica),
    ("America/Mexico_City", -360, Dst::None),
    ("America/Sao_Paulo", -180, Dst::None),
    ("America/Argentina/Buenos_Aires", -180, Dst::None),
    ("Pacific/Honolulu", -600, Dst::None),
    ("Africa/Johannesburg", 120, Dst::None),
    ("Africa/Lagos", 60, Dst::None),
    ("Africa/Nairobi", 180, Dst::None),
    ("Asia/Dubai", 240, Dst::None),
    ("Asia/Karachi", 300, Dst::None),
    ("Asia/Kolkata", 330, Dst::None),
    ("Asia/Bangkok", 420, Dst::None),
    ("Asia/Jakarta", 420, Dst::None),
    ("Asia/Shanghai", 480, Dst::None),
    ("Asia/Hong_Kong", 480, Dst::None),
    ("Asia/Singapore", 480, Dst::None),
    ("Asia/Taipei", 480, Dst::None),
    ("Asia/Seoul", 540, Dst::None),
    ("Asia/Tokyo", 540, Dst::None),
    ("Australia/Perth", 480, Dst::None),
    ("Australia/Brisbane", 600, Dst::None),
    ("Australia/Sydney", 600, Dst::SouthEastAustralia),
    ("Australia/Melbourne", 600, Dst::SouthEastAustralia),
    ("Australia/Hobart", 600, Dst::SouthEastAustralia),
];

/// The zone named `name`, or `None` (Go's `unknown time zone NAME`).
pub fn lookup(name: &str) -> Option<Zone> {
    if let Some((_, minutes, dst)) = TABLE.iter().find(|(n, _, _)| *n == name) {
        return Some(Zone { standard_minutes: *minutes, dst: *dst });
    }
    // POSIX sign convention: Etc/GMT+5 is five hours *behind* UTC.
    let hours = name.strip_prefix("Etc/GMT")?;
    let (sign, digits) = match hours.as_bytes().first()? {
        b'+' => (-1, &hours[1..]),
        b'-' => (1, &hours[1..]),
        _ => return None,
    };
    let n: i64 =
        digits.parse().ok().filter(|_| (digits == "0" || !digits.starts_with('0')) && digits.len() <= 2)?;
    let in_range = if sign < 0 { n <= 12 } else { n <= 14 };
    in_range.then_some(Zone { standard_minutes: sign * n * 60, dst: Dst::None })
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn year_of(days: i64) -> i64 {
    // Close enough to pick the year, then corrected against the year's first day.
    let mut year = 1970 + days.div_euclid(365);
    while days_from_civil(year, 1, 1) > days {
        year -= 1;
    }
    while days_from_civil(year + 1, 1, 1) <= days {
        year += 1;
    }
    year
}

/// The `nth` (1-based) Sunday of a month, as days since the epoch.
fn nth_sunday(year: i64, month: i64, nth: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    // 1970-01-01 was a Thursday (weekday 4, Sunday = 0).
    let weekday = (first + 4).rem_euclid(7);
    first + (7 - weekday) % 7 + 7 * (nth - 1)
}

fn last_sunday(year: i64, month: i64) -> i64 {
    let next =
        if month == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, month + 1, 1) };
    let last = next - 1;
    last - (last + 4).rem_euclid(7)
}

impl Zone {
    /// The offset from UTC in minutes at the UTC minute `unix_minute`.
    pub fn offset_minutes(&self, unix_minute: i64) -> i64 {
        let std = self.standard_minutes;
        let year = year_of(unix_minute.div_euclid(24 * 60));
        let day = 24 * 60;
        let summer = match self.dst {
            Dst::None => false,
            Dst::Eu => {
                let start = last_sunday(year, 3) * day + 60;
                let end = last_sunday(year, 10) * day + 60;
                (start..end).contains(&unix_minute)
            }
            Dst::NorthAmerica => {
                // 02:00 local standard time, and 02:00 local daylight time (01:00 standard).
                let start = nth_sunday(year, 3, 2) * day + 120 - std;
                let end = nth_sunday(year, 11, 1) * day + 60 - std;
                (start..end).contains(&unix_minute)
            }
            Dst::SouthEastAustralia => {
                // Summer spans the new year: off from April's first Sunday 03:00 daylight
                // (02:00 standard) until October's first Sunday 02:00 standard.
                let end = nth_sunday(year, 4, 1) * day + 120 - std;
                let start = nth_sunday(year, 10, 1) * day + 120 - std;
                !(end..start).contains(&unix_minute)
            }
        };
        if summer {
            std + 60
        } else {
            std
        }
    }

    /// The local wall-clock minute (minutes since the epoch in local time) of a UTC minute.
    pub fn local_minute(&self, unix_minute: i64) -> i64 {
        unix_minute + self.offset_minutes(unix_minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minute(year: i64, month: i64, day: i64, hour: i64, min: i64) -> i64 {
        days_from_civil(year, month, day) * 24 * 60 + hour * 60 + min
    }

    #[test]
    fn unknown_names_are_rejected() {
        for name in ["Foo/Bar", "Local", "Etc/GMT+15", "Etc/GMT+05", "utc", ""] {
            assert_eq!(lookup(name), None, "{name}");
        }
        assert_eq!(lookup("Etc/GMT+5").map(|z| z.offset_minutes(0)), Some(-300));
        assert_eq!(lookup("Etc/GMT-14").map(|z| z.offset_minutes(0)), Some(840));
    }

    #[test]
    fn daylight_saving_switches_at_the_2026_transitions() {
        let berlin = lookup("Europe/Berlin").unwrap();
        // 2026: EU summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(berlin.offset_minutes(minute(2026, 3, 29, 0, 59)), 60);
        assert_eq!(berlin.offset_minutes(minute(2026, 3, 29, 1, 0)), 120);
        assert_eq!(berlin.offset_minutes(minute(2026, 10, 25, 0, 59)), 120);
        assert_eq!(berlin.offset_minutes(minute(2026, 10, 25, 1, 0)), 60);
        let new_york = lookup("America/New_York").unwrap();
        // 2026: 8 March 07:00 UTC (02:00 EST) to 1 November 06:00 UTC (02:00 EDT).
        assert_eq!(new_york.offset_minutes(minute(2026, 3, 8, 6, 59)), -300);
        assert_eq!(new_york.offset_minutes(minute(2026, 3, 8, 7, 0)), -240);
        assert_eq!(new_york.offset_minutes(minute(2026, 11, 1, 5, 59)), -240);
        assert_eq!(new_york.offset_minutes(minute(2026, 11, 1, 6, 0)), -300);
        let sydney = lookup("Australia/Sydney").unwrap();
        // 2026: AEDT until 4 April 16:00 UTC (5 April 03:00 local), again from 3 October 16:00 UTC (4 October 02:00).
        assert_eq!(sydney.offset_minutes(minute(2026, 1, 15, 0, 0)), 660);
        assert_eq!(sydney.offset_minutes(minute(2026, 4, 4, 16, 0)), 600);
        assert_eq!(sydney.offset_minutes(minute(2026, 4, 4, 15, 59)), 660);
        assert_eq!(sydney.offset_minutes(minute(2026, 10, 3, 16, 0)), 660);
        assert_eq!(sydney.offset_minutes(minute(2026, 10, 3, 15, 59)), 600);
        assert_eq!(lookup("Asia/Kolkata").unwrap().local_minute(0), 330);
    }
}
