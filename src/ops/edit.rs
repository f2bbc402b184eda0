//! `edit ID`: validation of text the user edited in their editor.

use crate::document::Document;
use crate::item::Item;
use crate::ops::OpError;

/// Checks edited text before it replaces an item file: it must parse, keep its `id`, and
/// have no field of the wrong type. The error names the line.
pub fn validate_edit(original_id: &str, text: &str) -> Result<(Document, Item), OpError> {
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
    Ok((doc, item))
}

fn strip_line(msg: &str) -> &str {
    match msg.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => msg,
    }
}
