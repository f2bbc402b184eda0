//! Small conversions shared by the readers: one-line YAML for a value, status and type
//! names, dates and estimates as sources write them.

use serde_yaml_ng::Value;

use crate::document::FieldValue;

/// A string as one line of YAML (plain when unambiguous, double-quoted otherwise).
pub fn yaml_str(s: &str) -> String {
    FieldValue::Str(s.to_owned()).to_yaml()
}

/// A list of strings as a one-line YAML flow list.
pub fn yaml_list(items: &[String]) -> String {
    FieldValue::List(items.to_vec()).to_yaml()
}

/// Any YAML value as one line of YAML that parses back to the same value: scalars and
/// lists of scalars as the tool writes them, anything deeper as a JSON flow collection
/// (JSON is YAML).
pub fn yaml_value(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_str(s),
        Value::Sequence(seq) if seq.iter().all(|v| matches!(v, Value::String(_))) => {
            let items: Vec<String> = seq
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            yaml_list(&items)
        }
        Value::Tagged(t) => yaml_value(&t.value),
        other => serde_json::to_string(&to_json(other)).unwrap_or_else(|_| "null".to_owned()),
    }
}

/// A YAML value as JSON (non-string keys become strings, tags are dropped): the same
/// conversion `show --format json` uses.
pub fn to_json(v: &Value) -> serde_json::Value {
    crate::document::yaml_to_json(v)
}

/// The text of a scalar (string, number, boolean), or `None` for anything else.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The strings of a scalar or a list of scalars (`a` or `[a, b]`); nothing for null.
pub fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(seq)) => seq.iter().filter_map(scalar_text).collect(),
        Some(v) => scalar_text(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The one-line YAML for a cell of text whose type is not known: text that reads as a
/// number, boolean, list or quoted string in YAML keeps that meaning, anything else is a
/// string. [`cell_text`] is the inverse, so export and import round-trip.
pub fn infer(text: &str) -> String {
    let text = text.trim_end_matches(['\r', '\n']);
    if text.contains('\n') || text.len() > 4096 {
        return yaml_str(text);
    }
    // Untrusted cells: no alias expansion beyond the budget the item reader allows.
    let limit = crate::document::budget::limit_for(text.len());
    if text.contains('&') && text.contains('*') && crate::document::budget::exceeds(text, limit) {
        return yaml_str(text);
    }
    match serde_yaml_ng::from_str::<Value>(text) {
        Ok(Value::String(s)) if s == text => yaml_str(text),
        Ok(Value::String(s)) if text.starts_with(['"', '\'']) => yaml_str(&s),
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Sequence(_) | Value::Mapping(_))) => {
            yaml_value(&v)
        }
        _ => yaml_str(text),
    }
}

/// A value as the text of one CSV cell, such that [`infer`] reads it back as the same value.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => {
            let back = serde_yaml_ng::from_str::<Value>(&infer(s)).ok();
            if back.as_ref() == Some(v) {
                s.clone()
            } else {
                serde_json::to_string(s).unwrap_or_default()
            }
        }
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Tagged(t) => cell_text(&t.value),
        other => serde_json::to_string(&to_json(other)).unwrap_or_default(),
    }
}

/// A status or type name as this tool writes them: lowercase, words joined by `-`
/// (`In Progress` → `in-progress`).
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// The `YYYY-MM-DD` date at the start of `text` (`2025-06-10 14:30`, `2025-06-10T…`), or
/// from Jira's `12/Nov/25 9:41 AM`; `None` when it is no date.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(head) = text.get(..10)
        && crate::text::parse_date(head).is_some()
        && head.as_bytes()[4] == b'-'
    {
        return Some(head.to_owned());
    }
    // Jira: `dd/Mon/yy h:mm AM` (or a four-digit year).
    let day_month_year = text.split_whitespace().next()?;
    let mut parts = day_month_year.split('/');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?.to_ascii_lowercase();
    let year: i64 = parts.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS.iter().position(|m| month.starts_with(m))? + 1;
    let year = if year < 100 { 2000 + year } else { year };
    let formatted = format!("{year:04}-{month:02}-{day:02}");
    crate::text::parse_date(&formatted).map(|_| formatted)
}

/// An estimate as a source wrote it, as one line of YAML: whole numbers (`5`, `5.0`) as an
/// integer, anything else kept as written. The second value is the whole number, if any.
pub fn estimate(text: &str) -> Option<(String, Option<u32>)> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(n) = text.parse::<u32>() {
        return Some((n.to_string(), Some(n)));
    }
    if let Ok(f) = text.parse::<f64>() {
        if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) {
            let n = f as u32;
            return Some((n.to_string(), Some(n)));
        }
        if f.is_finite() {
            return Some((text.to_owned(), None));
        }
    }
    Some((yaml_str(text), None))
}

/// A title made safe for one front-matter line: control characters and line breaks
/// become spaces, runs of whitespace one space.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_normalize_name() {
        assert_eq!(normalize_name("In Progress"), "in-progress");
        assert_eq!(normalize_name(" To  Do "), "to-do");
        assert_eq!(normalize_name("in_review"), "in-review");
        assert_eq!(normalize_name("Done"), "done");
    }

    #[test]
    fn test_dates_from_sources() {
        assert_eq!(date("2025-06-10 14:30").as_deref(), Some("2025-06-10"));
        assert_eq!(date("2025-06-10").as_deref(), Some("2025-06-10"));
        assert_eq!(date("2025-06-10T08:00:00Z").as_deref(), Some("2025-06-10"));
        assert_eq!(date("12/Nov/25 9:41 AM").as_deref(), Some("2025-11-12"));
        assert_eq!(date("03/Feb/2024 10:00").as_deref(), Some("2024-02-03"));
        assert_eq!(date("yesterday"), None);
        assert_eq!(date("31/Foo/25"), None);
    }

    #[test]
    fn test_estimates_keep_what_is_not_a_whole_number() {
        assert_eq!(estimate("5"), Some(("5".to_owned(), Some(5))));
        assert_eq!(estimate("3.0"), Some(("3".to_owned(), Some(3))));
        assert_eq!(estimate("0.5"), Some(("0.5".to_owned(), None)));
        assert_eq!(estimate("XL"), Some(("XL".to_owned(), None)));
        assert_eq!(estimate(" "), None);
    }

    #[test]
    fn test_yaml_value_of_nested_values_is_json() {
        let v: Value = serde_yaml_ng::from_str("{a: [1, {b: c}]}").unwrap();
        let line = yaml_value(&v);
        assert!(!line.contains('\n'));
        assert_eq!(serde_yaml_ng::from_str::<Value>(&line).unwrap(), v);
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u32>().prop_map(|n| Value::Number(n.into())),
            "[ -~]{0,12}".prop_map(Value::String),
            "[a-z0-9 :,#\\[\\]{}\"'-]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop::collection::vec(inner, 0..3).prop_map(Value::Sequence)
        })
    }

    proptest! {
        #[test]
        fn prop_cell_text_round_trips_through_infer(v in arb_value()) {
            let cell = cell_text(&v);
            let back: Value = if cell.is_empty() {
                Value::Null
            } else {
                serde_yaml_ng::from_str(&infer(&cell)).unwrap()
            };
            // An empty string and null both export as an empty cell.
            if v != Value::String(String::new()) {
                prop_assert_eq!(back, v);
            }
        }

        #[test]
        fn prop_yaml_value_is_one_line_and_round_trips(v in arb_value()) {
            let line = yaml_value(&v);
            prop_assert!(!line.contains('\n'));
            prop_assert_eq!(serde_yaml_ng::from_str::<Value>(&line).unwrap(), v);
        }
    }
}
