//! `add TITLE …`: a new item file at the bottom of the ranking.

use crate::config::Config;
use crate::document::{Document, FieldValue};
use crate::ops::{OpError, Outcome};
use crate::store::{Entry, Loaded, Store};
use crate::workspace::Change;

/// What `add` creates.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// Title (one line).
    pub title: String,
    /// Type; the configured default when `None`.
    pub kind: Option<String>,
    /// Status; the configured default when `None`.
    pub status: Option<String>,
    /// Story points (must be on the scale).
    pub estimate: Option<u32>,
    /// Business value.
    pub value: Option<u32>,
    /// Labels.
    pub labels: Vec<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Dependencies (must exist).
    pub depends_on: Vec<String>,
    /// Parent (must exist).
    pub parent: Option<String>,
    /// The user story paragraph.
    pub story: Option<String>,
    /// Acceptance criteria.
    pub criteria: Vec<String>,
    /// Creation date (`YYYY-MM-DD`).
    pub created: String,
}

/// Builds a new item below every ranked item. `loaded` is the current backlog (for unique
/// IDs, the bottom rank and reference checks).
pub fn add(store: &Store, loaded: &Loaded, opts: &AddOptions) -> Result<Outcome, OpError> {
    let config: &Config = &store.config;
    let title = opts.title.trim();
    if title.is_empty() {
        return Err(OpError::Invalid("the title must not be empty".to_owned()));
    }
    if title.chars().any(char::is_control) {
        return Err(OpError::Invalid(
            "the title must be one line without control characters".to_owned(),
        ));
    }
    let kind = opts
        .kind
        .clone()
        .unwrap_or_else(|| config.default_type.clone());
    if !config.types.contains(&kind) {
        return Err(OpError::InvalidValue {
            key: "type".to_owned(),
            message: format!("unknown type {kind:?}; known: {}", config.types.join(", ")),
        });
    }
    let status = opts
        .status
        .clone()
        .unwrap_or_else(|| config.default_status.clone());
    if !config.is_known_status(&status) {
        return Err(OpError::InvalidValue {
            key: "status".to_owned(),
            message: format!(
                "unknown status {status:?}; known: {}",
                config.statuses.join(", ")
            ),
        });
    }
    if let Some(points) = opts.estimate
        && !config.on_scale(points)
    {
        return Err(OpError::OffScale {
            points: points.to_string(),
            scale: config.scale_text(),
        });
    }
    let mut references = Vec::new();
    for dep in opts.depends_on.iter().chain(opts.parent.iter()) {
        let entry = loaded.resolve(dep).map_err(|e| OpError::InvalidValue {
            key: if opts.depends_on.contains(dep) {
                "depends_on"
            } else {
                "parent"
            }
            .to_owned(),
            message: e.to_string(),
        })?;
        references.push(entry.item.id.clone());
    }
    let (depends_on, parent) = {
        let mut refs = references;
        let parent = opts.parent.as_ref().and_then(|_| refs.pop());
        (refs, parent)
    };
    let id = crate::id::mint(&config.id_prefix, &loaded.id_set());
    let bottom = loaded
        .entries
        .iter()
        .filter_map(|e| e.item.rank.as_deref())
        .filter(|r| crate::rank::validate(r).is_ok())
        .max();
    let rank = crate::rank::key_after_with_jitter(bottom)
        .map_err(|e| OpError::Invalid(format!("cannot rank the new item: {e}")))?;

    let mut fields: Vec<(&str, FieldValue)> = vec![
        ("id", FieldValue::Str(id.clone())),
        ("title", FieldValue::Str(title.to_owned())),
        ("type", FieldValue::Str(kind)),
        ("status", FieldValue::Str(status)),
        ("rank", FieldValue::Str(rank)),
    ];
    if let Some(e) = opts.estimate {
        fields.push(("estimate", FieldValue::Int(i64::from(e))));
    }
    if let Some(v) = opts.value {
        fields.push(("value", FieldValue::Int(i64::from(v))));
    }
    if !opts.labels.is_empty() {
        fields.push(("labels", FieldValue::List(opts.labels.clone())));
    }
    if let Some(o) = &opts.owner {
        fields.push(("owner", FieldValue::Str(o.clone())));
    }
    if !depends_on.is_empty() {
        fields.push(("depends_on", FieldValue::List(depends_on)));
    }
    if let Some(p) = parent {
        fields.push(("parent", FieldValue::Str(p)));
    }
    fields.push(("created", FieldValue::Str(opts.created.clone())));
    let body = item_body(opts.story.as_deref(), &opts.criteria);
    let doc = Document::new_item(&fields, &body);
    let item = crate::item::Item::from_document(&doc)
        .map_err(|e| OpError::Invalid(format!("generated item is invalid: {e}")))?;
    let path = store.new_item_path(&id, title);
    let entry = Entry { path, doc, item };
    Ok(Outcome {
        change: Change {
            op: "add".to_owned(),
            summary: format!("add {id}: {title}"),
            items: vec![id],
            writes: vec![(entry.path.clone(), entry.doc.as_str().to_owned())],
            ..Change::default()
        },
        items: vec![entry],
    })
}

/// The markdown body of a new item.
pub fn item_body(story: Option<&str>, criteria: &[String]) -> String {
    let mut body = String::new();
    if let Some(story) = story.map(str::trim).filter(|s| !s.is_empty()) {
        body.push_str(story);
        body.push('\n');
    }
    if !criteria.is_empty() {
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str("## Acceptance criteria\n");
        for c in criteria {
            body.push_str("- [ ] ");
            body.push_str(&c.split_whitespace().collect::<Vec<_>>().join(" "));
            body.push('\n');
        }
    }
    body
}
