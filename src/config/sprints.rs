//! The sprint calendar: the `sprints:` section of `config.yml`, sprint names, and which
//! sprint comes next.
//!
//! ```yaml
//! sprints:
//!   length_days: 14          # sprint length in calendar days
//!   start: 2026-01-05        # first day of any one sprint: the calendar's anchor
//!   naming: "{year}-S{number}"
//!   capacity: auto           # points per sprint, or `auto`: average of the last 3 sprints
//!   horizon: 2               # sprints that must be ready ahead (plan, agenda, health)
//!   stale_days: 30           # untouched for longer than this is stale (health)
//!   refinement_share: 0.10   # share of the sprint spent refining (agenda budget)
//! ```
//!
//! Sprints repeat every `length_days` days forwards and backwards from `start` (without a
//! `start`, from Monday 2024-01-01). A sprint's name fills `naming`: `{year}` is the year
//! its first day falls in, `{number}` its position among the sprints that start in that
//! year (1, 2, … restarting each January), `{start}` its first day (`YYYY-MM-DD`).

use std::cmp::Ordering;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::text::date;
use crate::text::parse_date;

/// The anchor used when `sprints.start` is not set: Monday 2024-01-01.
pub const DEFAULT_ANCHOR: &str = "2024-01-01";

/// The `sprints:` section of `config.yml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SprintConfig {
    /// Sprint length in calendar days (default 14).
    pub length_days: u32,
    /// The first day of one sprint, anchoring the calendar (default: Monday 2024-01-01).
    pub start: Option<SprintDate>,
    /// Name pattern with `{year}`, `{number}` and `{start}` (default `{year}-S{number}`).
    pub naming: Naming,
    /// Points the team completes per sprint (default `auto`).
    pub capacity: Capacity,
    /// How many sprints ahead must be ready (default 2).
    pub horizon: u32,
    /// Days without a change after which an item counts as stale (default 30).
    pub stale_days: u32,
    /// Share of the sprint spent on refinement (default 0.10).
    pub refinement_share: f64,
}

impl Default for SprintConfig {
    fn default() -> Self {
        Self {
            length_days: 14,
            start: None,
            naming: Naming::default(),
            capacity: Capacity::Auto,
            horizon: 2,
            stale_days: 30,
            refinement_share: 0.10,
        }
    }
}

impl SprintConfig {
    /// Checks the values serde cannot: a positive length and horizon, a share in 0..=1.
    pub fn validate(&self) -> Result<(), String> {
        if self.length_days == 0 || self.length_days > 366 {
            return Err(format!(
                "sprints.length_days must be between 1 and 366, found {}",
                self.length_days
            ));
        }
        if self.horizon == 0 || self.horizon > 100 {
            return Err(format!(
                "sprints.horizon must be between 1 and 100, found {}",
                self.horizon
            ));
        }
        if !(0.0..=1.0).contains(&self.refinement_share) {
            return Err(format!(
                "sprints.refinement_share must be between 0 and 1, found {}",
                self.refinement_share
            ));
        }
        Ok(())
    }

    /// The calendar these settings describe.
    pub fn calendar(&self) -> Calendar {
        let anchor = self
            .start
            .as_ref()
            .map_or_else(|| parse_date(DEFAULT_ANCHOR).unwrap_or(0), |d| d.0);
        Calendar {
            anchor,
            length: i64::from(self.length_days.max(1)),
            naming: self.naming.0.clone(),
        }
    }
}

/// A calendar date in `sprints.start`, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SprintDate(pub i64);

impl<'de> Deserialize<'de> for SprintDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match date::parse_days(&s) {
            Ok(days) => Ok(Self(days)),
            Err(e) => Err(de::Error::custom(format!(
                "sprints.start must be a date like 2026-01-05, found {s:?} ({})",
                e.reason
            ))),
        }
    }
}

/// The sprint name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming(pub String);

impl Default for Naming {
    fn default() -> Self {
        Self("{year}-S{number}".to_owned())
    }
}

impl<'de> Deserialize<'de> for Naming {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let unique = s.contains("{start}") || (s.contains("{year}") && s.contains("{number}"));
        if !unique {
            return Err(de::Error::custom(format!(
                "sprints.naming {s:?} must contain {{year}} and {{number}}, or {{start}}, so \
                 that every sprint gets its own name"
            )));
        }
        if s.chars().any(|c| c.is_control()) || s.trim() != s || s.is_empty() {
            return Err(de::Error::custom(
                "sprints.naming must be one line without leading or trailing spaces",
            ));
        }
        Ok(Self(s))
    }
}

/// The team's capacity per sprint: fixed points, or measured (`auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    /// A fixed number of points per sprint.
    Points(u32),
    /// The average velocity of the last 3 sprints.
    Auto,
}

impl<'de> Deserialize<'de> for Capacity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Capacity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of points per sprint, or `auto`")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Capacity, E> {
                match u32::try_from(v) {
                    Ok(p) if p > 0 => Ok(Capacity::Points(p)),
                    _ => Err(E::custom(format!(
                        "sprints.capacity must be a positive number of points or `auto`, \
                         found {v}"
                    ))),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Capacity, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!(
                        "sprints.capacity must be a positive number of points or `auto`, \
                         found {v}"
                    ))),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Capacity, E> {
                if v.trim().eq_ignore_ascii_case("auto") {
                    Ok(Capacity::Auto)
                } else {
                    Err(E::custom(format!(
                        "sprints.capacity must be a number of points or `auto`, found {v:?}"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// One sprint of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sprint {
    /// Position relative to the anchor sprint (0 is the sprint starting on `start`).
    pub index: i64,
    /// First day, as days since 1970-01-01.
    pub start: i64,
    /// Last day (inclusive).
    pub end: i64,
    /// The name from the naming pattern.
    pub name: String,
}

impl Sprint {
    /// First day as `YYYY-MM-DD`.
    pub fn start_date(&self) -> String {
        format_days(self.start)
    }

    /// Last day as `YYYY-MM-DD`.
    pub fn end_date(&self) -> String {
        format_days(self.end)
    }
}

/// Formats days since the epoch as `YYYY-MM-DD`.
pub fn format_days(days: i64) -> String {
    date::format_days(days)
}

/// Sprints of a fixed length repeating from an anchor date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    anchor: i64,
    length: i64,
    naming: String,
}

impl Calendar {
    /// The sprint with this index.
    pub fn sprint(&self, index: i64) -> Sprint {
        let start = self.anchor + index * self.length;
        Sprint {
            index,
            start,
            end: start + self.length - 1,
            name: self.name(index, start),
        }
    }

    /// The sprint that contains `day`.
    pub fn containing(&self, day: i64) -> Sprint {
        self.sprint((day - self.anchor).div_euclid(self.length))
    }

    /// The sprint to plan next on `today`: the first sprint starting on or after today
    /// (a sprint that starts today is still to be planned).
    pub fn next(&self, today: i64) -> Sprint {
        let current = self.containing(today);
        if current.start == today {
            current
        } else {
            self.sprint(current.index + 1)
        }
    }

    /// `count` consecutive sprints starting with [`Calendar::next`].
    pub fn upcoming(&self, today: i64, count: usize) -> Vec<Sprint> {
        let first = self.next(today).index;
        (0..count as i64).map(|k| self.sprint(first + k)).collect()
    }

    fn name(&self, index: i64, start: i64) -> String {
        let year = date::from_days(start).year();
        let jan1 = date::to_days(jiff::civil::date(year, 1, 1));
        // The first sprint index whose start is on or after January 1st.
        let first = (jan1 - self.anchor + self.length - 1).div_euclid(self.length);
        let number = index - first + 1;
        self.naming
            .replace("{year}", &year.to_string())
            .replace("{number}", &number.to_string())
            .replace("{start}", &format_days(start))
    }
}

/// Compares sprint names so that numbers inside them compare as numbers
/// (`2026-S9` < `2026-S10`).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let n = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(yaml: &str) -> SprintConfig {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    fn day(s: &str) -> i64 {
        parse_date(s).unwrap()
    }

    #[test]
    fn test_sprint_config_defaults_and_parse() {
        let c = cfg("{}");
        assert_eq!(c, SprintConfig::default());
        let c = cfg("length_days: 7\nstart: 2026-01-05\ncapacity: 30\nhorizon: 3\n");
        assert_eq!(c.length_days, 7);
        assert_eq!(c.start, Some(SprintDate(day("2026-01-05"))));
        assert_eq!(c.capacity, Capacity::Points(30));
        assert_eq!(cfg("capacity: auto").capacity, Capacity::Auto);
    }

    #[test]
    fn test_sprint_config_rejects_bad_values() {
        for bad in [
            "capacity: lots",
            "capacity: 0",
            "capacity: -3",
            "start: 2026-13-01",
            "start: soon",
            "start: 9223372036854775807-01-01",
            "naming: sprint",
            "naming: \"{year}\"",
            "lenght_days: 14",
        ] {
            assert!(
                serde_yaml_ng::from_str::<SprintConfig>(bad).is_err(),
                "{bad} should be refused"
            );
        }
        assert!(cfg("length_days: 0").validate().is_err());
        assert!(cfg("refinement_share: 1.5").validate().is_err());
        assert!(cfg("horizon: 0").validate().is_err());
        assert!(cfg("{}").validate().is_ok());
    }

    #[test]
    fn test_calendar_names_restart_each_year() {
        let cal = cfg("start: 2026-01-05").calendar();
        let s = cal.containing(day("2026-01-05"));
        assert_eq!(s.name, "2026-S1");
        assert_eq!(s.end_date(), "2026-01-18");
        assert_eq!(cal.containing(day("2026-01-19")).name, "2026-S2");
        // 2025-12-22 is two weeks before the anchor: the last sprint starting in 2025.
        let prev = cal.containing(day("2026-01-04"));
        assert_eq!(prev.start_date(), "2025-12-22");
        assert_eq!(prev.name, "2025-S26");
        // 2026-12-21 starts the 26th sprint of 2026; the next one starts in 2027.
        assert_eq!(cal.containing(day("2026-12-25")).name, "2026-S26");
        assert_eq!(cal.containing(day("2027-01-04")).name, "2027-S1");
    }

    #[test]
    fn test_calendar_next_sprint() {
        let cal = cfg("start: 2026-01-05\nnaming: \"sprint {start}\"").calendar();
        assert_eq!(cal.next(day("2026-01-05")).name, "sprint 2026-01-05");
        assert_eq!(cal.next(day("2026-01-06")).name, "sprint 2026-01-19");
        let up = cal.upcoming(day("2026-01-10"), 3);
        let names: Vec<&str> = up.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sprint 2026-01-19",
                "sprint 2026-02-02",
                "sprint 2026-02-16"
            ]
        );
    }

    #[test]
    fn test_default_anchor_is_a_monday_two_weeks() {
        let cal = SprintConfig::default().calendar();
        let s = cal.next(day("2024-01-02"));
        assert_eq!(s.start_date(), "2024-01-15");
        assert_eq!(s.name, "2024-S2");
    }

    #[test]
    fn test_natural_cmp() {
        assert_eq!(natural_cmp("2026-S9", "2026-S10"), Ordering::Less);
        assert_eq!(natural_cmp("2026-S10", "2027-S1"), Ordering::Less);
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_eq!(natural_cmp("S02", "S2"), Ordering::Equal);
        assert_eq!(natural_cmp("b", "a1"), Ordering::Greater);
    }
}
