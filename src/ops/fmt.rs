//! `fmt`: bring item files to the conventional shape without touching what they say.
//!
//! Two normalizations, both meaning-preserving:
//! - the file is named `<ID>-<slug>.md` (same folder), so the fast lookup by ID finds it
//!   by name instead of loading the whole backlog;
//! - the file ends with a line break.
//!
//! Front-matter text is never rewritten: quoting, comments and key order are the team's.

use crate::ops::Outcome;
use crate::store::Entry;
use crate::workspace::Change;

/// What `fmt` would do to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FmtAction {
    /// The item.
    pub id: String,
    /// Current path.
    pub path: String,
    /// New path, when the file is renamed.
    pub rename_to: Option<String>,
    /// Whether a final line break is added.
    pub add_final_newline: bool,
}

/// Whether a file name already starts with the item's ID (`<ID>-…` or `<ID>.md`).
fn named_after(path: &str, id: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_uppercase();
    let id = id.to_ascii_uppercase();
    name.strip_prefix(&id)
        .is_some_and(|rest| rest.starts_with('-') || rest == ".MD")
}

/// Plans the normalization of `entries` and builds the change (renames are a removal plus
/// a write, committed together).
pub fn fmt(entries: &[Entry]) -> (Vec<FmtAction>, Outcome) {
    let mut actions = Vec::new();
    let mut change = Change {
        op: "fmt".to_owned(),
        ..Change::default()
    };
    let mut items = Vec::new();
    // Existing paths and the targets already planned: two items with the same ID and
    // title must not be renamed onto one file.
    let mut taken: std::collections::HashSet<String> =
        entries.iter().map(|e| e.path.clone()).collect();
    for entry in entries {
        let rename_to = (!named_after(&entry.path, &entry.item.id)).then(|| {
            let folder = entry.path.rsplit_once('/').map_or("", |(f, _)| f);
            let name = format!(
                "{}-{}.md",
                entry.item.id,
                crate::text::slugify(&entry.item.title)
            );
            if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            }
        });
        // Never rename onto another item's file.
        let rename_to = rename_to.filter(|p| taken.insert(p.clone()));
        let text = entry.doc.as_str();
        let add_final_newline = !text.ends_with('\n');
        if rename_to.is_none() && !add_final_newline {
            continue;
        }
        let mut new_text = text.to_owned();
        if add_final_newline {
            new_text.push_str(entry.doc.newline());
        }
        let target = rename_to.clone().unwrap_or_else(|| entry.path.clone());
        if rename_to.is_some() {
            change.removes.push(entry.path.clone());
        }
        change.writes.push((target.clone(), new_text));
        change.items.push(entry.item.id.clone());
        let mut moved = entry.clone();
        moved.path = target;
        items.push(moved);
        actions.push(FmtAction {
            id: entry.item.id.clone(),
            path: entry.path.clone(),
            rename_to,
            add_final_newline,
        });
    }
    change.summary = match change.items.as_slice() {
        [] => String::new(),
        [one] => format!("fmt {one}"),
        many => format!("fmt {} items", many.len()),
    };
    (actions, Outcome { change, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_named_after() {
        assert!(named_after("backlog/B-7KX2-sso.md", "B-7KX2"));
        assert!(named_after("backlog/sub/b-7kx2.md", "B-7KX2"));
        assert!(!named_after("backlog/B-7KX23-x.md", "B-7KX2"));
        assert!(!named_after("backlog/sso.md", "B-7KX2"));
    }
}
