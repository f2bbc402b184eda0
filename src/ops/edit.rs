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
    let doc = Document::parse(text.as_bytes()).map_err(|e| at(e.line(), e.to_string()))?;
    let item = Item::from_document(&doc).map_err(|e| at(e.line(), e.to_string()))?;
    if !item.id.eq_ignore_ascii_case(original_id) {
        let line = doc.key_line("id").unwrap_or(1);
        return Err(at(
            line,
            format!(
                "the id changed from {original_id} to {}; other items refer to it",
                item.id
            ),
        ));
    }
    if let Some(p) = item.problems.first() {
        return Err(at(p.line, p.message.clone()));
    }
    let line = |key: &str| doc.key_line(key).unwrap_or(1);
    let title = &item.title;
    if title.trim().is_empty() || title.chars().any(char::is_control) {
        return Err(at(
            line("title"),
            "the title must be one non-empty line without control characters".to_owned(),
        ));
    }
    if let Some(status) = item
        .status
        .as_deref()
        .filter(|s| !config.is_known_status(s))
    {
        return Err(at(
            line("status"),
            format!(
                "unknown status {status:?}; known: {}",
                config.statuses.join(", ")
            ),
        ));
    }
    if let Some(kind) = item
        .kind
        .as_deref()
        .filter(|k| !config.types.iter().any(|t| t == k))
    {
        return Err(at(
            line("type"),
            format!("unknown type {kind:?}; known: {}", config.types.join(", ")),
        ));
    }
    if let Some(points) = item.estimate.filter(|p| !config.on_scale(*p)) {
        return Err(at(
            line("estimate"),
            format!(
                "{points} is not on the estimate scale ({})",
                config.scale_text()
            ),
        ));
    }
    if let Some(rank) = item.rank.as_deref()
        && let Err(e) = crate::rank::validate(rank)
    {
        return Err(at(line("rank"), e.to_string()));
    }
    let is_self = |r: &String| r.eq_ignore_ascii_case(&item.id);
    for (key, refs) in [
        ("depends_on", item.depends_on.iter().collect::<Vec<_>>()),
        ("parent", item.parent.iter().collect()),
        ("duplicate_of", item.duplicate_of.iter().collect()),
    ] {
        if refs.into_iter().any(is_self) {
            return Err(at(line(key), format!("`{key}` refers to the item itself")));
        }
    }
    Ok((doc, item))
}

/// An [`OpError::InvalidEdit`] at `line`.
fn at(line: usize, message: String) -> OpError {
    OpError::InvalidEdit { line, message }
}
