//! Rendering items for the terminal and as JSON (the stable machine interface).

pub(crate) mod outline;
pub(crate) mod style;

use backlog::store::Entry;
use backlog::text::sanitize;
pub(crate) use backlog::view::{item_json, yaml_to_json};

/// Display width of a string in terminal columns (wide CJK characters count two,
/// combining marks none).
pub(crate) fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns of display width, ending with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    if width(s) <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    std::borrow::Cow::Owned(out)
}

/// `s` followed by spaces up to `w` columns of display width.
pub(crate) fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// What a list row shows of an item, already sanitized.
pub(crate) struct Row {
    id: String,
    status: String,
    estimate: String,
    title: String,
    owner: String,
    labels: String,
}

impl Row {
    /// The row data of one item.
    pub(crate) fn of(entry: &Entry) -> Self {
        let item = &entry.item;
        Self {
            id: sanitize(&item.id).into_owned(),
            status: sanitize(item.status_or_default()).into_owned(),
            estimate: item
                .estimate
                .map_or_else(|| "-".to_owned(), |p| p.to_string()),
            title: sanitize(&item.title).into_owned(),
            owner: item
                .owner
                .as_deref()
                .map(|o| format!("@{}", sanitize(o)))
                .unwrap_or_default(),
            labels: if item.labels.is_empty() {
                String::new()
            } else {
                format!("[{}]", sanitize(&item.labels.join(", ")))
            },
        }
    }
}

/// Narrowest title column before owner and labels give way.
const MIN_TITLE: usize = 20;
/// Narrowest the labels column is cut to before it is dropped.
const MIN_LABELS: usize = 12;

/// The list table: aligned columns ID, STATUS, PTS, TITLE, OWNER, LABELS (a column that
/// is empty in every row is left out), with a header row when `header`. With a `width`
/// the lines fit it: titles are truncated with `…` (by display width), and when the title
/// would get narrower than 20 columns the labels, then the owners, are dropped. Statuses
/// are coloured by `palette`.
pub(crate) fn format_rows(
    rows: &[Row],
    width_limit: Option<usize>,
    header: bool,
    palette: style::Palette,
    config: &backlog::config::Config,
) -> Vec<String> {
    if rows.is_empty() {
        return Vec::new();
    }
    let col = |name: &str, f: fn(&Row) -> &str| {
        let w = rows.iter().map(|r| width(f(r))).max().unwrap_or(0);
        if w == 0 {
            0
        } else {
            w.max(if header { width(name) } else { 0 })
        }
    };
    let id_w = col("ID", |r| &r.id);
    let status_w = col("STATUS", |r| &r.status);
    let pts_w = col("PTS", |r| &r.estimate);
    let mut owner_w = col("OWNER", |r| &r.owner);
    let mut labels_w = col("LABELS", |r| &r.labels);
    let title_max = col("TITLE", |r| &r.title);
    let gap = 2;
    let fixed = |owner_w: usize, labels_w: usize| {
        id_w + gap
            + status_w
            + gap
            + pts_w
            + gap
            + if owner_w > 0 { gap + owner_w } else { 0 }
            + if labels_w > 0 { gap + labels_w } else { 0 }
    };
    let mut title_w = title_max;
    if let Some(limit) = width_limit {
        // Labels can be cut down to MIN_LABELS before they are dropped.
        let labels_min = labels_w.min(MIN_LABELS);
        if labels_w > 0 && limit.saturating_sub(fixed(owner_w, labels_min)) < MIN_TITLE {
            labels_w = 0;
        }
        if owner_w > 0 && limit.saturating_sub(fixed(owner_w, labels_w.min(MIN_LABELS))) < MIN_TITLE
        {
            owner_w = 0;
        }
        let room = limit.saturating_sub(fixed(owner_w, labels_w.min(MIN_LABELS)));
        title_w = title_max.min(room.max(1));
        // Labels take what the titles leave, cut with `…` when they must be.
        if labels_w > 0 {
            labels_w = labels_w.min(limit.saturating_sub(fixed(owner_w, 0) + title_w + gap));
        }
    }
    let line = |id: &str, status: String, pts: &str, title: &str, owner: &str, labels: &str| {
        let mut out = format!("{}  {status}  {:>pts_w$}  ", pad(id, id_w), pts,);
        let last = owner_w == 0 && labels_w == 0;
        if last {
            out.push_str(&truncate(title, title_w));
        } else {
            out.push_str(&pad(&truncate(title, title_w), title_w));
        }
        if owner_w > 0 {
            out.push_str("  ");
            if labels_w > 0 {
                out.push_str(&pad(&truncate(owner, owner_w), owner_w));
            } else {
                out.push_str(&truncate(owner, owner_w));
            }
        }
        if labels_w > 0 {
            out.push_str("  ");
            out.push_str(&truncate(labels, labels_w));
        }
        out.trim_end().to_owned()
    };
    let mut out = Vec::with_capacity(rows.len() + 1);
    if header {
        let head = line(
            "ID",
            pad("STATUS", status_w),
            "PTS",
            "TITLE",
            if owner_w > 0 { "OWNER" } else { "" },
            if labels_w > 0 { "LABELS" } else { "" },
        );
        out.push(palette.paint(style::HEADER, &head));
    }
    for r in rows {
        let status = palette.status(config, &r.status, &pad(&r.status, status_w));
        out.push(line(
            &r.id,
            status,
            &r.estimate,
            &r.title,
            &r.owner,
            &r.labels,
        ));
    }
    out
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
