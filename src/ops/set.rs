//! `set ID KEY=VALUE…`: typed, validated edits of front-matter keys.

use crate::config::Config;
use crate::document::FieldValue;
use crate::model::item::{KeyKind, key_kind};
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

pub use crate::text::parse_list;

/// Resolves the item references of assignments (`depends_on`, `parent`, `duplicate_of`)
/// to canonical IDs with `resolve` (case-insensitive, unique prefix), refusing unknown
/// items and references to the item itself (`self_id`).
pub fn resolve_references(
    assignments: &mut [Assignment],
    self_id: &str,
    resolve: impl Fn(&str) -> Result<String, crate::store::StoreError>,
) -> Result<(), OpError> {
    for a in assignments {
        if !matches!(key_kind(&a.key), Some(KeyKind::Ids | KeyKind::Reference)) {
            continue;
        }
        let key = a.key.clone();
        let fix = |id: &str| -> Result<String, OpError> {
            let canonical = resolve(id).map_err(|e| OpError::InvalidValue {
                key: key.clone(),
                message: e.to_string(),
            })?;
            if canonical.eq_ignore_ascii_case(self_id) {
                return Err(OpError::InvalidValue {
                    key: key.clone(),
                    message: format!("{self_id} cannot refer to itself"),
                });
            }
            Ok(canonical)
        };
        match &mut a.value {
            Some(FieldValue::List(ids)) => {
                let mut resolved: Vec<String> = Vec::with_capacity(ids.len());
                for id in ids.iter() {
                    let c = fix(id)?;
                    if !resolved.contains(&c) {
                        resolved.push(c);
                    }
                }
                *ids = resolved;
            }
            Some(FieldValue::Str(id)) => *id = fix(id)?,
            _ => {}
        }
    }
    Ok(())
}

/// Parses and validates `KEY=VALUE` for the given configuration.
pub fn parse_assignment(text: &str, config: &Config) -> Result<Assignment, OpError> {
    let (key, raw) = text.split_once('=').ok_or_else(|| {
        OpError::BadArgument(format!(
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
        return Err(OpError::BadArgument(format!(
            "invalid key {key:?}: use letters, digits, `_` and `-`"
        )));
    }
    if key == "id" {
        return Err(OpError::Refused(
            "the id of an item cannot be changed: items, commits and history name it by its ID"
                .to_owned(),
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
    if let Some(field) = config.fields.get(key) {
        return Ok(Assignment {
            key: key.to_owned(),
            value: Some(field.parse(raw).map_err(invalid)?),
        });
    }
    let value = match key_kind(key) {
        Some(KeyKind::Points) => {
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
        Some(KeyKind::Number) => {
            let n: u32 = raw.trim().parse().map_err(|_| {
                let digits = raw.trim();
                invalid(
                    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                        format!("{digits} is too large (at most {})", u32::MAX)
                    } else {
                        format!("{raw:?} is not a whole number")
                    },
                )
            })?;
            FieldValue::Int(i64::from(n))
        }
        Some(kind @ (KeyKind::Labels | KeyKind::Ids)) => {
            let list = parse_list(raw).map_err(invalid)?;
            if kind == KeyKind::Ids
                && let Some(bad) = list.iter().find(|id| !crate::id::is_valid(id))
            {
                return Err(invalid(format!("{bad:?} is not an item ID")));
            }
            FieldValue::List(list)
        }
        Some(KeyKind::Reference) => {
            if !crate::id::is_valid(raw.trim()) {
                return Err(invalid(format!("{raw:?} is not an item ID")));
            }
            FieldValue::Str(raw.trim().to_owned())
        }
        Some(KeyKind::Date) => {
            if let Err(e) = crate::text::date::parse_field(raw) {
                return Err(invalid(format!(
                    "{raw:?} is not a date (YYYY-MM-DD): {}",
                    e.reason
                )));
            }
            FieldValue::Str(raw.trim().to_owned())
        }
        Some(KeyKind::Status) => {
            if !config.is_known_status(raw) {
                return Err(invalid(format!(
                    "unknown status {raw:?}; known: {}",
                    config.statuses.join(", ")
                )));
            }
            FieldValue::Str(raw.to_owned())
        }
        Some(KeyKind::Type) => {
            if !config.types.iter().any(|t| t == raw) {
                return Err(invalid(format!(
                    "unknown type {raw:?}; known: {}",
                    config.types.join(", ")
                )));
            }
            FieldValue::Str(raw.to_owned())
        }
        Some(KeyKind::Rank) => {
            crate::rank::validate(raw).map_err(|e| invalid(e.to_string()))?;
            FieldValue::Str(raw.to_owned())
        }
        Some(KeyKind::Text) => {
            if raw.chars().any(char::is_control) {
                return Err(invalid(
                    "must be one line without control characters".to_owned(),
                ));
            }
            FieldValue::Str(raw.to_owned())
        }
        Some(KeyKind::Id | KeyKind::Derived) | None => guess_value(raw).map_err(invalid)?,
    };
    Ok(Assignment {
        key: key.to_owned(),
        value: Some(value),
    })
}

/// Types a value for an unknown key: integer, boolean, `[list]`, or string. A number is
/// only typed as one when it reads back exactly (`01234` and `+5` stay strings).
fn guess_value(raw: &str) -> Result<FieldValue, String> {
    if let Ok(n) = raw.trim().parse::<i64>()
        && n.to_string() == raw.trim()
    {
        return Ok(FieldValue::Int(n));
    }
    match raw.trim() {
        "true" => return Ok(FieldValue::Bool(true)),
        "false" => return Ok(FieldValue::Bool(false)),
        _ => {}
    }
    if raw.trim().starts_with('[') {
        return parse_list(raw).map(FieldValue::List);
    }
    Ok(FieldValue::Str(raw.to_owned()))
}

/// Whether checking these assignments needs the whole backlog: new dependencies (for
/// cycles and closed items) or a status that claims readiness (for the definition of
/// ready, which looks at dependencies).
pub fn needs_backlog(assignments: &[Assignment], config: &Config) -> bool {
    assignments
        .iter()
        .any(|a| match (a.key.as_str(), &a.value) {
            ("depends_on", Some(_)) => true,
            ("status", Some(FieldValue::Str(s))) => config.is_ready_status(s),
            _ => false,
        })
}

/// Refuses `depends_on` assignments that add a dependency on a closed item or one that
/// closes a cycle (see [`crate::ops::guard::check_new_dependencies`]). References must be
/// resolved first ([`resolve_references`]).
pub fn check_references(
    entry: &Entry,
    assignments: &[Assignment],
    loaded: &crate::store::Loaded,
) -> Result<(), OpError> {
    for a in assignments.iter().filter(|a| a.key == "depends_on") {
        if let Some(FieldValue::List(deps)) = &a.value {
            let added: Vec<String> = deps
                .iter()
                .filter(|d| {
                    !entry
                        .item
                        .depends_on
                        .iter()
                        .any(|o| o.eq_ignore_ascii_case(d))
                })
                .cloned()
                .collect();
            crate::ops::guard::check_new_dependencies(loaded, &entry.item.id, &added)?;
        }
    }
    Ok(())
}

/// What `set` says besides doing it (the change is made all the same): a did-you-mean for
/// every unknown key, and, when the status newly claims readiness, why `after` fails the
/// definition of ready (`check` is the gate). `loaded` is the backlog, when it was read
/// ([`needs_backlog`]).
pub fn set_warnings(
    before: &Entry,
    after: &Entry,
    assignments: &[Assignment],
    loaded: Option<&crate::store::Loaded>,
    config: &Config,
) -> Vec<String> {
    let mut out: Vec<String> = assignments
        .iter()
        .filter(|a| a.value.is_some() && config.fields.get(&a.key).is_none())
        .filter_map(|a| crate::model::keys::unknown_key(&a.key))
        .map(|u| u.to_string())
        .collect();
    let now = config.status(&after.item);
    if let Some(loaded) = loaded
        && config.is_ready_status(now)
        && !config.is_ready_status(config.status(&before.item))
    {
        let body = crate::item::Body::parse(after.doc.body(), after.doc.body_line());
        let findings = crate::analysis::check::ready_findings(after, &body, loaded, config);
        if !findings.is_empty() {
            let mut text = format!(
                "{} is now `{now}` but fails the definition of ready (`backlog check` will \
                 report it):",
                after.item.id
            );
            for f in &findings {
                text.push_str(&format!(
                    "\n  {}:{}: {}: {}",
                    f.path, f.line, f.rule, f.message
                ));
            }
            out.push(text);
        }
    }
    out
}

/// The refusal of a status change that reopens a duplicate but keeps its `duplicate_of`:
/// the item would be open work and a duplicate at once (`check` and the merge driver read
/// `duplicate_of`), so the link must go in the same command.
fn reopened_duplicate(id: &str, keep: &str, after: &Entry, assignments: &[Assignment]) -> OpError {
    let status = after.item.status.as_deref().unwrap_or("the default status");
    let mut args: Vec<String> = assignments
        .iter()
        .filter(|a| a.key != "duplicate_of")
        .map(|a| match &a.value {
            Some(v) => shell_word(&format!("{}={}", a.key, v.to_yaml())),
            None => format!("{}=", a.key),
        })
        .collect();
    args.push("duplicate_of=".to_owned());
    OpError::RefusedWithHints {
        message: format!(
            "{id} is a duplicate of {keep}: reopening it as `{status}` would keep \
             `duplicate_of: {keep}`, so it would be open work and a duplicate at once"
        ),
        hints: vec![format!(
            "to reopen it, remove the link in the same command: `backlog set {id} {}`",
            args.join(" ")
        )],
    }
}

/// `word` as one shell word (quoted when it holds anything but plain characters).
fn shell_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_=.,/:@+".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
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
    let was_duplicate = entry.item.status.as_deref() == Some(crate::config::DUPLICATE);
    let entry = refresh(entry)?;
    if was_duplicate
        && entry.item.status.as_deref() != Some(crate::config::DUPLICATE)
        && let Some(keep) = &entry.item.duplicate_of
    {
        return Err(reopened_duplicate(&id, keep, &entry, assignments));
    }
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
        assert_eq!(
            parse_assignment("zip=01234", &c).unwrap().value,
            Some(FieldValue::Str("01234".into()))
        );
        assert_eq!(
            parse_assignment("code=+5", &c).unwrap().value,
            Some(FieldValue::Str("+5".into()))
        );
        assert!(parse_assignment("labels=[a,", &c).is_err());
        assert!(parse_assignment("labels=[a, [b]]", &c).is_err());
        assert!(parse_assignment("title=two\nlines", &c).is_err());
    }

    #[test]
    fn test_resolve_references_canonicalizes_and_refuses_self() {
        let c = Config::default();
        let resolve = |q: &str| -> Result<String, crate::store::StoreError> {
            match q.to_ascii_uppercase().as_str() {
                "B-7K" | "B-7KX2" => Ok("B-7KX2".to_owned()),
                "B-1" => Ok("B-1".to_owned()),
                _ => Err(crate::store::StoreError::UnknownItem {
                    query: q.to_owned(),
                    suggestions: Vec::new(),
                }),
            }
        };
        let mut a = vec![parse_assignment("depends_on=[b-7k, B-7KX2]", &c).unwrap()];
        resolve_references(&mut a, "B-1", resolve).unwrap();
        assert_eq!(a[0].value, Some(FieldValue::List(vec!["B-7KX2".into()])));
        let mut a = vec![parse_assignment("parent=b-1", &c).unwrap()];
        assert!(resolve_references(&mut a, "B-1", resolve).is_err());
        let mut a = vec![parse_assignment("depends_on=[B-NOPE]", &c).unwrap()];
        assert!(resolve_references(&mut a, "B-1", resolve).is_err());
    }
}
