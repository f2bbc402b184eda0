//! One builder for new item files, shared by `add`, `split` (and through `add`, the MCP
//! server's `add_item`): the fields in the order a new item writes them, the body, and
//! the check that the result reads back as an item.

use crate::document::{Document, FieldValue};
use crate::ops::OpError;
use crate::store::{Entry, Store};

/// What is wrong with a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleProblem {
    /// Empty or only whitespace.
    Empty,
    /// Holds a line break or another control character.
    ControlCharacters,
}

/// The one title rule: a non-empty single line without control characters. Returns the
/// trimmed title.
pub fn check_title(title: &str) -> Result<&str, TitleProblem> {
    let title = title.trim();
    if title.is_empty() {
        Err(TitleProblem::Empty)
    } else if title.chars().any(char::is_control) {
        Err(TitleProblem::ControlCharacters)
    } else {
        Ok(title)
    }
}

/// A new item file being put together.
#[derive(Debug, Clone)]
pub struct NewItem {
    id: String,
    title: String,
    fields: Vec<(String, FieldValue)>,
    body: String,
}

impl NewItem {
    /// An item with its `id`, `title`, `type` and `status`, in that order.
    pub fn new(id: &str, title: &str, kind: &str, status: &str) -> Self {
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            fields: vec![
                ("id".to_owned(), FieldValue::Str(id.to_owned())),
                ("title".to_owned(), FieldValue::Str(title.to_owned())),
                ("type".to_owned(), FieldValue::Str(kind.to_owned())),
                ("status".to_owned(), FieldValue::Str(status.to_owned())),
            ],
            body: String::new(),
        }
    }

    /// Adds a field after the ones already there.
    #[must_use]
    pub fn field(mut self, key: &str, value: FieldValue) -> Self {
        self.fields.push((key.to_owned(), value));
        self
    }

    /// Adds a string field when there is a value.
    #[must_use]
    pub fn text(self, key: &str, value: Option<String>) -> Self {
        match value {
            Some(v) => self.field(key, FieldValue::Str(v)),
            None => self,
        }
    }

    /// Adds a list field when the list is not empty.
    #[must_use]
    pub fn list(self, key: &str, values: Vec<String>) -> Self {
        if values.is_empty() {
            self
        } else {
            self.field(key, FieldValue::List(values))
        }
    }

    /// The body (markdown after the front matter).
    #[must_use]
    pub fn body(mut self, body: String) -> Self {
        self.body = body;
        self
    }

    /// The item's ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The entry, at `<ID>-<slug>.md` in the store's folder. An item that does not read
    /// back is a bug ([`OpError::Internal`]).
    pub fn build(self, store: &Store) -> Result<Entry, OpError> {
        let fields: Vec<(&str, FieldValue)> = self
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let doc = Document::new_item(&fields, &self.body);
        let item = crate::item::Item::from_document(&doc).map_err(|e| {
            OpError::Internal(format!("the new item {} does not read back: {e}", self.id))
        })?;
        Ok(Entry {
            path: store.new_item_path(&self.id, &self.title),
            doc,
            item,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_check_title() {
        assert_eq!(check_title("  Log in  "), Ok("Log in"));
        assert_eq!(check_title(" \t "), Err(TitleProblem::Empty));
        assert_eq!(check_title("a\nb"), Err(TitleProblem::ControlCharacters));
        assert_eq!(
            check_title("a\u{1b}[31m"),
            Err(TitleProblem::ControlCharacters)
        );
    }

    #[test]
    fn test_builder_writes_fields_in_order_and_skips_empty_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("backlog")).unwrap();
        let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
        let entry = NewItem::new("B-1", "Log in", "story", "draft")
            .field("rank", FieldValue::Str("a0".to_owned()))
            .list("labels", Vec::new())
            .text("owner", Some("dana".to_owned()))
            .text("parent", None)
            .list("depends_on", vec!["B-2".to_owned()])
            .field("created", FieldValue::Str("2026-01-02".to_owned()))
            .body("As a user, I want x so that y.\n".to_owned())
            .build(&store)
            .unwrap();
        assert_eq!(
            entry.doc.as_str(),
            "---\nid: B-1\ntitle: Log in\ntype: story\nstatus: draft\nrank: a0\nowner: dana\n\
             depends_on: [B-2]\ncreated: 2026-01-02\n---\nAs a user, I want x so that y.\n"
        );
        assert_eq!(entry.item.owner.as_deref(), Some("dana"));
        assert!(entry.path.starts_with("backlog/B-1-"), "{}", entry.path);
    }
}
