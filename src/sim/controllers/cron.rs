//! Cron schedules as the CronJob controller reads them (robfig/cron `ParseStandard`): five
//! fields `minute hour day-of-month month day-of-week` with `*`, `?`, lists, ranges, steps and
//! month/day names, or a macro (`@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`,
//! `@yearly`/`@annually`). Times are whole minutes in UTC.

use crate::sim::time::civil_from_days;

/// A parsed schedule: the allowed values of each field as bit sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    dom_star: bool,
    dow_star: bool,
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn parse_value(text: &str, names: &[&str], offset: u32) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(i as u32 + offset);
    }
    text.parse::<u32>().map_err(|_| {
        format!("failed to parse int from {text}: strconv.Atoi: parsing {text:?}: invalid syntax")
    })
}

/// Parses one field into a bit set of values within `min..=max`.
fn parse_field(field: &str, min: u32, max: u32, names: &[&str], offset: u32) -> Result<(u64, bool), String> {
    let mut bits = 0u64;
    let star = field.starts_with('*') || field.starts_with('?');
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s.parse::<u32>().map_err(|_| format!("failed to parse int from {s}"))?)),
            None => (part, None),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (parse_value(a, names, offset)?, parse_value(b, names, offset)?)
        } else {
            let v = parse_value(range, names, offset)?;
            (v, if step.is_some() { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("end of range ({hi}) above maximum ({max}): {part}"));
        }
        let step = step.unwrap_or(1);
        if step == 0 {
            return Err(format!("step of range should be a positive number: {part}"));
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

impl Schedule {
    /// Parses a standard cron expression or macro.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        let expanded = match text {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" ")));
        }
        let (minutes, _) = parse_field(fields[0], 0, 59, &[], 0)?;
        let (hours, _) = parse_field(fields[1], 0, 23, &[], 0)?;
        let (days_of_month, dom_star) = parse_field(fields[2], 1, 31, &[], 0)?;
        let (months, _) = parse_field(fields[3], 1, 12, &MONTHS, 1)?;
        let (mut days_of_week, dow_star) = parse_field(fields[4], 0, 7, &DAYS, 0)?;
        // 7 is Sunday too.
        if days_of_week & (1 << 7) != 0 {
            days_of_week |= 1;
        }
        Ok(Schedule { minutes, hours, days_of_month, months, days_of_week, dom_star, dow_star })
    }

    /// Whether the minute starting at `unix_minute` (minutes since the Unix epoch, UTC) matches.
    pub fn matches(&self, unix_minute: i64) -> bool {
        let minute = unix_minute.rem_euclid(60) as u32;
        let hour = (unix_minute.div_euclid(60)).rem_euclid(24) as u32;
        let days = unix_minute.div_euclid(60 * 24);
        let (_, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday.
        let weekday = (days + 4).rem_euclid(7) as u32;
        let bit = |set: u64, v: u32| set & (1 << v) != 0;
        let dom = bit(self.days_of_month, day);
        let dow = bit(self.days_of_week, weekday);
        let day_ok = if self.dom_star || self.dow_star { dom && dow } else { dom || dow };
        bit(self.minutes, minute) && bit(self.hours, hour) && bit(self.months, month) && day_ok
    }

    /// The first matching minute strictly after `unix_minute`, looking at most five years ahead.
    pub fn next_after(&self, unix_minute: i64) -> Option<i64> {
        (unix_minute + 1..unix_minute + 5 * 366 * 24 * 60).find(|m| self.matches(*m))
    }

    /// The latest matching minute in `(after, up_to]`, and how many matched in that span.
    pub fn most_recent(&self, after: i64, up_to: i64) -> (Option<i64>, u64) {
        let mut latest = None;
        let mut count = 0;
        let mut m = after + 1;
        while m <= up_to {
            if self.matches(m) {
                latest = Some(m);
                count += 1;
            }
            m += 1;
        }
        (latest, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-01-01T00:00:00Z, a Thursday.
    const NEW_YEAR: i64 = 29_453_760;

    #[test]
    fn every_minute_and_steps_match_as_cron_does() {
        let every = Schedule::parse("* * * * *").unwrap();
        assert_eq!(every.next_after(NEW_YEAR), Some(NEW_YEAR + 1));
        let fifteen = Schedule::parse("*/15 * * * *").unwrap();
        assert_eq!(fifteen.next_after(NEW_YEAR), Some(NEW_YEAR + 15));
        let hourly = Schedule::parse("@hourly").unwrap();
        assert_eq!(hourly.next_after(NEW_YEAR), Some(NEW_YEAR + 60));
    }

    #[test]
    fn names_and_day_rules_follow_robfig_cron() {
        // The first Monday 09:30 after Thursday 2026-01-01 is 2026-01-05.
        let monday = Schedule::parse("30 9 * * MON").unwrap();
        assert_eq!(monday.next_after(NEW_YEAR), Some(NEW_YEAR + 4 * 1440 + 9 * 60 + 30));
        // Day-of-month and day-of-week both restricted: either matches (the 1st is a Thursday).
        let either = Schedule::parse("0 0 1 * FRI").unwrap();
        assert_eq!(either.next_after(NEW_YEAR - 1), Some(NEW_YEAR));
        assert_eq!(either.next_after(NEW_YEAR), Some(NEW_YEAR + 1440));
        assert!(Schedule::parse("61 * * * *").is_err());
        assert!(Schedule::parse("* * *").is_err());
    }
}
