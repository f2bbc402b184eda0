//! `edit ID`: validation of text the user edited in their editor.

use crate::config::Config;
use crate::document::Document;
use crate::item::Item;
use crate::ops::OpError;

/// Checks edited text before it replaces an item file: it must parse, keep its `id`, have
/// no field of the wrong type, and hold only values the team's config allows (the same
/// rules `set` applies). The error names the line.
pub fn validate_edit(
    original_id: &str,
    text: &str,
    config: &Config,
) -> Result<(Document, Item), OpError> {
    let doc = Document::parse(text.as_bytes()).map_err(|e| {
        OpError::Invalid(format!("line {}: {}", e.line(), strip_line(&e.to_string())))
    })?;
    let item = Item::from_document(&doc).map_err(|e| {
        OpError::Invalid(format!("line {}: {}", e.line(), strip_line(&e.to_string())))
    })?;
    if !item.id.eq_ignore_ascii_case(original_id) {
        let line = doc.key_line("id").unwrap_or(1);
        return Err(OpError::Invalid(format!(
            "line {line}: the id changed from {original_id} to {}; other items refer to it",
            item.id
        )));
    }
    if let Some(p) = item.problems.first() {
        return Err(OpError::Invalid(format!("line {}: {}", p.line, p.message)));
    }
    let line = |key: &str| doc.key_line(key).unwrap_or(1);
    let title = &item.title;
    if title.trim().is_empty() || title.chars().any(char::is_control) {
        return Err(OpError::Invalid(format!(
            "line {}: the title must be one non-empty line without control characters",
            line("title")
        )));
    }
    if let Some(status) = item
        .status
        .as_deref()
        .filter(|s| !config.is_known_status(s))
    {
        return Err(OpError::Invalid(format!(
            "line {}: unknown status {status:?}; known: {}",
            line("status"),
            config.statuses.join(", ")
        )));
    }
    if let Some(kind) = item
        .kind
        .as_deref()
        .filter(|k| !config.types.iter().any(|t| t == k))
    {
        return Err(OpError::Invalid(format!(
            "line {}: unknown type {kind:?}; known: {}",
            line("type"),
            config.types.join(", ")
        )));
    }
    if let Some(points) = item.estimate.filter(|p| !config.on_scale(*p)) {
        return Err(OpError::Invalid(format!(
            "line {}: {points} is not on the estimate scale ({})",
            line("estimate"),
            config.scale_text()
        )));
    }
    if let Some(rank) = item.rank.as_deref()
        && let Err(e) = crate::rank::validate(rank)
    {
        return Err(OpError::Invalid(format!("line {}: {e}", line("rank"))));
    }
    let is_self = |r: &String| r.eq_ignore_ascii_case(&item.id);
    for (key, refs) in [
        ("depends_on", item.depends_on.iter().collect::<Vec<_>>()),
        ("parent", item.parent.iter().collect()),
        ("duplicate_of", item.duplicate_of.iter().collect()),
    ] {
        if refs.into_iter().any(is_self) {
            return Err(OpError::Invalid(format!(
                "line {}: `{key}` refers to the item itself",
                line(key)
            )));
        }
    }
    Ok((doc, item))
}

fn strip_line(msg: &str) -> &str {
    match msg.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => msg,
    }
}
