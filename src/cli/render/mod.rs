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

/// One item as pretty JSON, indented to sit inside a pretty JSON array.
pub(crate) fn item_json_in_array(entry: &Entry) -> String {
    let text = serde_json::to_string_pretty(&item_json(entry, false)).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(line);
    }
    out
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
