//! Rendering items for the terminal and as JSON (the stable machine interface).

pub(crate) mod outline;

use backlog::store::Entry;
use backlog::text::sanitize;
pub(crate) use backlog::view::{item_json, yaml_to_json};

/// Display width of a string (characters; good enough for IDs, statuses and numbers).
pub(crate) fn width(s: &str) -> usize {
    s.chars().count()
}

/// What a list row shows of an item, already sanitized.
pub(crate) struct Row {
    id: String,
    status: String,
    estimate: String,
    rest: String,
}

impl Row {
    /// The row data of one item.
    pub(crate) fn of(entry: &Entry) -> Self {
        let item = &entry.item;
        let mut rest = sanitize(&item.title).into_owned();
        if let Some(owner) = &item.owner {
            rest.push_str(&format!("  @{}", sanitize(owner)));
        }
        if !item.labels.is_empty() {
            rest.push_str(&format!("  [{}]", sanitize(&item.labels.join(", "))));
        }
        Self {
            id: item.id.clone(),
            status: sanitize(item.status_or_default()).into_owned(),
            estimate: item
                .estimate
                .map_or_else(|| "-".to_owned(), |p| p.to_string()),
            rest,
        }
    }
}

/// Rows with their columns aligned.
pub(crate) fn format_rows(rows: &[Row]) -> Vec<String> {
    let id_w = rows.iter().map(|r| width(&r.id)).max().unwrap_or(0);
    let status_w = rows.iter().map(|r| width(&r.status)).max().unwrap_or(0);
    rows.iter()
        .map(|r| {
            format!(
                "{:id_w$}  {:status_w$}  {:>3}  {}",
                r.id, r.status, r.estimate, r.rest
            )
        })
        .collect()
}

/// One item as pretty JSON, indented to sit in the `items` array of [`list_envelope`].
pub(crate) fn item_json_in_envelope(entry: &Entry) -> String {
    indent_json(&item_json(entry, false), "    ")
}

/// Pretty JSON of `value` with every line after the first indented by `indent`, and the
/// first line too, so it can be placed as an element of a pretty-printed array.
fn indent_json(value: &serde_json::Value, indent: &str) -> String {
    let text = backlog::view::json_text::to_string_pretty(value);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(indent);
        out.push_str(line);
    }
    out
}

/// Writes the `list --format json` document, `{"schema": 1, "items": [...]}`, through
/// `emit`, from items already rendered by [`item_json_in_envelope`]: the same bytes
/// serde_json's pretty printer writes for the whole object, streamed without holding the
/// items as one JSON tree or one string.
pub(crate) fn write_list_envelope<E>(
    items: &[String],
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    emit("{\n  \"schema\": 1,\n  \"items\": [")?;
    for (i, text) in items.iter().enumerate() {
        emit(if i == 0 { "\n" } else { ",\n" })?;
        emit(text)?;
    }
    emit(if items.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    })
}

/// `value` (an object) as a `--format json` document: `"schema": 1` first, then the
/// value's own keys in their order.
pub(crate) fn envelope(value: &impl serde::Serialize) -> std::io::Result<serde_json::Value> {
    let mut map = serde_json::Map::new();
    map.insert("schema".to_owned(), serde_json::json!(1));
    match serde_json::to_value(value).map_err(std::io::Error::other)? {
        serde_json::Value::Object(rest) => {
            map.extend(rest.into_iter().filter(|(k, _)| k != "schema"))
        }
        other => {
            map.insert("value".to_owned(), other);
        }
    }
    Ok(serde_json::Value::Object(map))
}

/// Escapes text from item files for markdown: no markup, links, HTML or @mentions.
pub(crate) fn md(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let s = sanitize(&flat);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("&#64;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(items: &[serde_json::Value]) -> String {
        let rendered: Vec<String> = items.iter().map(|v| indent_json(v, "    ")).collect();
        let mut out = String::new();
        write_list_envelope::<()>(&rendered, |s| {
            out.push_str(s);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn test_envelope_puts_schema_first() {
        let v = envelope(&serde_json::json!({"b": 1, "a": 2, "schema": 7})).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["schema", "b", "a"]);
        assert_eq!(v["schema"], 1);
    }

    #[test]
    fn test_list_envelope_matches_the_pretty_printer() {
        for items in [
            vec![],
            vec![serde_json::json!({"id": "B-1", "labels": ["a", "b"], "x": {"y": []}})],
            vec![
                serde_json::json!({"id": "B-1"}),
                serde_json::json!({"id": "B-2", "title": "multi\nline"}),
            ],
        ] {
            let whole = serde_json::json!({"schema": 1, "items": items});
            let expected = format!("{}\n", serde_json::to_string_pretty(&whole).unwrap());
            assert_eq!(streamed(&items), expected);
        }
    }
}
