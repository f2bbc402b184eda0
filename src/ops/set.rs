//! `set ID KEY=VALUE…`: typed, validated edits of front-matter keys.

use crate::config::Config;
use crate::document::FieldValue;
use crate::ops::{OpError, Outcome, refresh};
use crate::store::Entry;
use crate::workspace::Change;

/// One `KEY=VALUE` request; `value: None` removes the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The key.
    pub key: String,
    /// The new value, or `None` to remove the key.
    pub value: Option<FieldValue>,
}

const NUMBER_KEYS: [&str; 4] = ["estimate", "value", "time_criticality", "risk_reduction"];
const LIST_KEYS: [&str; 2] = ["labels", "depends_on"];
const REF_KEYS: [&str; 2] = ["parent", "duplicate_of"];
const DATE_KEYS: [&str; 2] = ["created", "updated"];

/// Splits a list argument: `[a, b]`, `a,b` or a single value; `[]` is the empty list.
pub fn parse_list(text: &str) -> Vec<String> {
    let inner = text.trim();
    let inner = inner
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(inner);
    inner
        .split(',')
        .map(|s| s.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses and validates `KEY=VALUE` for the given configuration.
pub fn parse_assignment(text: &str, config: &Config) -> Result<Assignment, OpError> {
    let (key, raw) = text.split_once('=').ok_or_else(|| {
        OpError::Invalid(format!(
            "expected KEY=VALUE, got {:?} (use KEY= to remove a key)",
            text
        ))
    })?;
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(OpError::Invalid(format!(
            "invalid key {key:?}: use letters, digits, `_` and `-`"
        )));
    }
    if key == "id" {
        return Err(OpError::Invalid(
            "the id of an item cannot be changed: other items refer to it".to_owned(),
        ));
    }
    let invalid = |message: String| OpError::InvalidValue {
        key: key.to_owned(),
        message,
    };
    if raw.is_empty() {
        if key == "title" {
            return Err(invalid("every item needs a title".to_owned()));
        }
        return Ok(Assignment {
            key: key.to_owned(),
            value: None,
        });
    }
    let value = match key {
        "estimate" => {
            let n: u32 = raw.trim().parse().map_err(|_| OpError::OffScale {
                points: raw.to_owned(),
                scale: config.scale_text(),
            })?;
            if !config.on_scale(n) {
                return Err(OpError::OffScale {
                    points: raw.to_owned(),
                    scale: config.scale_text(),
                });
            }
            FieldValue::Int(i64::from(n))
        }
        k if NUMBER_KEYS.contains(&k) => {
            let n: u32 = raw
                .trim()
                .parse()
                .map_err(|_| invalid(format!("{raw:?} is not a whole number")))?;
            FieldValue::Int(i64::from(n))
        }
        k if LIST_KEYS.contains(&k) => {
            let list = parse_list(raw);
            if k == "depends_on" {
                if let Some(bad) = list.iter().find(|id| !crate::id::is_valid(id)) {
                    return Err(invalid(format!("{bad:?} is not an item ID")));
                }
            }
            FieldValue::List(list)
        }
        k if REF_KEYS.contains(&k) => {
            if !crate::id::is_valid(raw.trim()) {
                return Err(invalid(format!("{raw:?} is not an item ID")));
            }
            FieldValue::Str(raw.trim().to_owned())
        }
        k if DATE_KEYS.contains(&k) => {
            if crate::text::parse_date(raw).is_none() {
                return Err(invalid(format!("{raw:?} is not a date (YYYY-MM-DD)")));
            }
            FieldValue::Str(raw.trim().to_owned())
        }
        "status" => {
            if !config.is_known_status(raw) {
                return Err(invalid(format!(
                    "unknown status {raw:?}; known: {}",
                    config.statuses.join(", ")
                )));
            }
            FieldValue::Str(raw.to_owned())
        }
        "type" => {
            if !config.types.iter().any(|t| t == raw) {
                return Err(invalid(format!(
                    "unknown type {raw:?}; known: {}",
                    config.types.join(", ")
                )));
            }
            FieldValue::Str(raw.to_owned())
        }
        "rank" => {
            crate::rank::validate(raw).map_err(|e| invalid(e.to_string()))?;
            FieldValue::Str(raw.to_owned())
        }
        "title" | "owner" | "sprint" => FieldValue::Str(raw.to_owned()),
        _ => guess_value(raw),
    };
    Ok(Assignment {
        key: key.to_owned(),
        value: Some(value),
    })
}

/// Types a value for an unknown key: integer, boolean, `[list]`, or string.
fn guess_value(raw: &str) -> FieldValue {
    if let Ok(n) = raw.trim().parse::<i64>() {
        return FieldValue::Int(n);
    }
    match raw.trim() {
        "true" => return FieldValue::Bool(true),
        "false" => return FieldValue::Bool(false),
        _ => {}
    }
    if raw.trim().starts_with('[') && raw.trim().ends_with(']') {
        return FieldValue::List(parse_list(raw));
    }
    FieldValue::Str(raw.to_owned())
}

/// Applies assignments to one item.
pub fn set(entry: Entry, assignments: &[Assignment]) -> Result<Outcome, OpError> {
    let mut entry = entry;
    let mut described = Vec::new();
    for a in assignments {
        let changed = match &a.value {
            Some(v) => entry.doc.set(&a.key, v),
            None => entry.doc.remove(&a.key),
        };
        if changed {
            described.push(match &a.value {
                Some(v) => format!("{}={}", a.key, v.to_yaml()),
                None => format!("{}=", a.key),
            });
        }
    }
    let id = entry.item.id.clone();
    let entry = refresh(entry)?;
    let change = if described.is_empty() {
        Change::default()
    } else {
        Change {
            op: "set".to_owned(),
            summary: format!("set {id}: {}", described.join(", ")),
            items: vec![id],
            writes: vec![(entry.path.clone(), entry.doc.as_str().to_owned())],
            ..Change::default()
        }
    };
    Ok(Outcome {
        change,
        items: vec![entry],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_assignment_types() {
        let c = Config::default();
        let a = parse_assignment("labels=[a, b]", &c).unwrap();
        assert_eq!(
            a.value,
            Some(FieldValue::List(vec!["a".into(), "b".into()]))
        );
        assert_eq!(parse_assignment("owner=", &c).unwrap().value, None);
        assert!(matches!(
            parse_assignment("estimate=4", &c),
            Err(OpError::OffScale { .. })
        ));
        assert!(parse_assignment("status=bogus", &c).is_err());
        assert!(parse_assignment("id=X", &c).is_err());
        assert!(parse_assignment("nonsense", &c).is_err());
        assert_eq!(
            parse_assignment("x-flag=true", &c).unwrap().value,
            Some(FieldValue::Bool(true))
        );
    }
}
