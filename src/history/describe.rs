//! One [`FieldChange`] as a short line of text, the words `log` and `diff` use. The caller
//! decides how values taken from item files are made safe (terminal sanitizing, markdown
//! or HTML escaping) and which arrow to draw.

use super::{Direction, FieldChange};

fn opt(value: &dyn Fn(&str) -> String, v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_owned(), value)
}

fn num(v: Option<u32>) -> String {
    v.map_or_else(|| "(none)".to_owned(), |n| n.to_string())
}

fn yaml(value: &dyn Fn(&str) -> String, v: Option<&serde_yaml_ng::Value>) -> String {
    use serde_yaml_ng::Value;
    match v {
        None | Some(Value::Null) => "(none)".to_owned(),
        Some(Value::String(s)) => value(s),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Sequence(seq)) => {
            let parts: Vec<String> = seq.iter().map(|x| yaml(value, Some(x))).collect();
            format!("[{}]", parts.join(", "))
        }
        Some(other) => value(serde_json::to_string(other).unwrap_or_default().as_str()),
    }
}

/// Describes one change: `status: draft -> ready`, `moved up 3 places, above B-2 (rank a1
/// -> a0)`, `criterion checked: …`. Every text from an item file goes through `value`;
/// `arrow` separates old and new values.
pub fn describe(c: &FieldChange, value: &dyn Fn(&str) -> String, arrow: &str) -> String {
    let a = arrow;
    let v = value;
    match c {
        FieldChange::Renamed { from, to } => format!("file renamed: {} {a} {}", v(from), v(to)),
        FieldChange::Title { from, to } => format!("title: \"{}\" {a} \"{}\"", v(from), v(to)),
        FieldChange::Status { from, to } => format!(
            "status: {} {a} {}",
            opt(v, from.as_deref()),
            opt(v, to.as_deref())
        ),
        FieldChange::Estimate { from, to } => format!("estimate: {} {a} {}", num(*from), num(*to)),
        FieldChange::Value { from, to } => format!("value: {} {a} {}", num(*from), num(*to)),
        FieldChange::Rank {
            from,
            to,
            direction,
            places,
            above,
            below,
        } => {
            let dir = match direction {
                Direction::Up => "up",
                Direction::Down => "down",
            };
            let keys = format!(
                "rank {} {a} {}",
                opt(v, from.as_deref()),
                opt(v, to.as_deref())
            );
            let place = match (above, below) {
                (Some(x), _) => format!(", above {}", v(x)),
                (None, Some(y)) => format!(", to the bottom below {}", v(y)),
                (None, None) => String::new(),
            };
            match places {
                Some(1) => format!("moved {dir} 1 place{place} ({keys})"),
                Some(n) => format!("moved {dir} {n} places{place} ({keys})"),
                None => format!("moved {dir}{place} ({keys})"),
            }
        }
        FieldChange::RankKey { from, to } => format!(
            "rank key respread, same place (rank {} {a} {})",
            opt(v, from.as_deref()),
            opt(v, to.as_deref())
        ),
        FieldChange::DependencyAdded { id } => format!("now depends on {}", v(id)),
        FieldChange::DependencyRemoved { id } => format!("no longer depends on {}", v(id)),
        FieldChange::CriterionAdded { text, done } => format!(
            "criterion added: [{}] {}",
            if *done { "x" } else { " " },
            v(text)
        ),
        FieldChange::CriterionRemoved { text } => format!("criterion removed: {}", v(text)),
        FieldChange::CriterionChecked { text } => format!("criterion checked: {}", v(text)),
        FieldChange::CriterionUnchecked { text } => format!("criterion unchecked: {}", v(text)),
        FieldChange::Story { .. } => "story edited".to_owned(),
        FieldChange::Field { key, from, to } => format!(
            "{}: {} {a} {}",
            v(key),
            yaml(v, from.as_ref()),
            yaml(v, to.as_ref())
        ),
        FieldChange::Body => "body edited".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_describe_passes_item_text_through_value() {
        let shout = |s: &str| s.to_uppercase();
        let c = FieldChange::Status {
            from: Some("draft".into()),
            to: None,
        };
        assert_eq!(describe(&c, &shout, "->"), "status: DRAFT -> (none)");
        let c = FieldChange::Rank {
            from: Some("a1".into()),
            to: Some("a0".into()),
            direction: Direction::Up,
            places: Some(2),
            above: Some("b-1".into()),
            below: None,
        };
        assert_eq!(
            describe(&c, &shout, "→"),
            "moved up 2 places, above B-1 (rank A1 → A0)"
        );
        let c = FieldChange::Field {
            key: "labels".into(),
            from: None,
            to: Some(serde_yaml_ng::Value::Sequence(vec!["x".into(), 3.into()])),
        };
        assert_eq!(describe(&c, &shout, "->"), "LABELS: (none) -> [X, 3]");
    }
}
