//! Calendar dates, on `jiff`'s [`civil::Date`](jiff::civil::Date): the one parser for
//! every date the tool reads (item fields, `config.yml`, `BACKLOG_TODAY`, command-line
//! arguments) and the day arithmetic (days since 1970-01-01) the planners use.
//!
//! A date is `YYYY-MM-DD` and names a real day: `2026-02-31` is refused with the reason,
//! never rolled over into March.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

const SECONDS_PER_DAY: i64 = 86_400;

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date: {reason}")]
pub struct DateError {
    /// The text as given (trimmed).
    pub text: String,
    /// What is wrong with it (`expected YYYY-MM-DD`, `2026-02 has 28 days`, …).
    pub reason: String,
}

/// Parses `YYYY-MM-DD` (surrounding whitespace ignored) into a real calendar day.
pub fn parse(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    let err = |reason: String| DateError {
        text: t.to_owned(),
        reason,
    };
    let b = t.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(err("expected YYYY-MM-DD".to_owned()));
    }
    let number = |r: std::ops::Range<usize>| t[r].parse::<i16>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if !(1..=12).contains(&month) {
        return Err(err(format!("there is no month {month}")));
    }
    // Both fit an i8: month ≤ 12, day ≤ 99.
    let (month, day) = (month as i8, day as i8);
    let first = Date::new(year, month, 1).map_err(|e| err(e.to_string()))?;
    if day < 1 || day > first.days_in_month() {
        return Err(err(format!(
            "{year:04}-{month:02} has {} days",
            first.days_in_month()
        )));
    }
    Date::new(year, month, day).map_err(|e| err(e.to_string()))
}

/// Parses a date field of an item (`created`, `updated`): `YYYY-MM-DD`, optionally
/// followed by a time (`2026-01-05T10:00`, `2026-01-05 10:00`), which is ignored.
pub fn parse_field(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    match t.char_indices().nth(10) {
        Some((at, c)) if !c.is_ascii_digit() => parse(&t[..at]).map_err(|e| DateError {
            text: t.to_owned(),
            ..e
        }),
        _ => parse(t),
    }
}

/// Parses `YYYY-MM-DD` into days since 1970-01-01.
pub fn parse_days(text: &str) -> Result<i64, DateError> {
    parse(text).map(to_days)
}

/// Days since 1970-01-01 (negative before).
pub fn to_days(date: Date) -> i64 {
    date.to_zoned(TimeZone::UTC)
        .map_or(0, |z| z.timestamp().as_second())
        .div_euclid(SECONDS_PER_DAY)
}

/// The date `days` after 1970-01-01, clamped to the range `jiff` represents
/// (years -9999 to 9999).
pub fn from_days(days: i64) -> Date {
    let epoch = jiff::civil::date(1970, 1, 1);
    let span = days.clamp(-4_371_587, 2_932_896);
    epoch
        .checked_add(span.days())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// Formats days since the epoch as `YYYY-MM-DD`.
pub fn format_days(days: i64) -> String {
    from_days(days).to_string()
}

/// The UTC date of a Unix timestamp (seconds).
pub fn from_unix(secs: i64) -> Date {
    from_days(secs.div_euclid(SECONDS_PER_DAY))
}

/// Today's date in UTC, from the system clock.
pub fn system_today() -> Date {
    Timestamp::now().to_zoned(TimeZone::UTC).date()
}

/// The day every command plans and stamps with: `fixed` (the `BACKLOG_TODAY` setting)
/// when it is given and not empty, else the system date (UTC).
pub fn today(fixed: Option<&str>) -> Result<Date, DateError> {
    match fixed.filter(|s| !s.trim().is_empty()) {
        Some(text) => parse(text),
        None => Ok(system_today()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_accepts_real_days_only() {
        assert_eq!(
            parse(" 2028-02-29 ").unwrap(),
            jiff::civil::date(2028, 2, 29)
        );
        let e = parse("2026-02-31").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"2026-02-31\" is not a date: 2026-02 has 28 days"
        );
        assert_eq!(
            parse("2026-02-29").unwrap_err().reason,
            "2026-02 has 28 days"
        );
        assert_eq!(
            parse("2026-13-01").unwrap_err().reason,
            "there is no month 13"
        );
        assert_eq!(
            parse("2026-00-10").unwrap_err().reason,
            "there is no month 0"
        );
        assert_eq!(
            parse("2026-01-00").unwrap_err().reason,
            "2026-01 has 31 days"
        );
        for bad in [
            "",
            "2026-1-5",
            "2026-01-05T10:00",
            "26-01-05",
            "2026/01/05",
            "２０２６-01-05",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().reason,
                "expected YYYY-MM-DD",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn test_parse_field_ignores_a_time() {
        let day = jiff::civil::date(2026, 1, 5);
        assert_eq!(parse_field("2026-01-05T10:00"), Ok(day));
        assert_eq!(parse_field("2026-01-05 10:00"), Ok(day));
        assert_eq!(parse_field("2026-01-05"), Ok(day));
        let e = parse_field("2026-02-31T10:00").unwrap_err();
        assert_eq!(
            (e.text.as_str(), e.reason.as_str()),
            ("2026-02-31T10:00", "2026-02 has 28 days")
        );
        assert!(parse_field("2026-01-051").is_err());
        assert!(parse_field("2026-01-0é").is_err());
        assert!(parse_field("yesterday").is_err());
    }

    #[test]
    fn test_days_round_trip() {
        assert_eq!(parse_days("1970-01-01"), Ok(0));
        assert_eq!(parse_days("1969-12-31"), Ok(-1));
        assert_eq!(parse_days("2026-03-01"), Ok(20_513));
        for days in [-700_000, -1, 0, 59, 60, 20_513, 2_000_000] {
            assert_eq!(to_days(from_days(days)), days);
            assert_eq!(parse_days(&format_days(days)), Ok(days));
        }
        assert_eq!(format_days(20_512), "2026-02-28");
        assert_eq!(
            from_unix(20_513 * 86_400 - 1),
            jiff::civil::date(2026, 2, 28)
        );
    }

    #[test]
    fn test_today_prefers_the_fixed_date() {
        assert_eq!(
            today(Some("2026-01-05")).unwrap(),
            jiff::civil::date(2026, 1, 5)
        );
        assert_eq!(today(Some("")).unwrap(), system_today());
        assert_eq!(today(None).unwrap(), system_today());
        assert!(today(Some("2026-02-31")).is_err());
    }
}
