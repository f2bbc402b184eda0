//! `add TITLE …`: a new item file at the bottom of the ranking.

use crate::config::Config;
use crate::document::FieldValue;
use crate::ops::new_item::{NewItem, TitleProblem, check_title};
use crate::ops::{OpError, Outcome};
use crate::store::{Loaded, Store};
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
    /// The template for the item's type: defaults for what is unset, and the body.
    pub template: Option<crate::ops::template::Template>,
    /// Custom fields (`fields:` in config.yml) as `(NAME, VALUE)` text, validated by their
    /// declared type; declared fields with a `default` that are not given get it.
    pub fields: Vec<(String, String)>,
}

/// The custom fields a new item gets: those given (each a declared field, its value
/// checked against the declared type) and the declared defaults of the others.
fn custom_fields(
    config: &Config,
    given: &[(String, String)],
) -> Result<Vec<(String, FieldValue)>, OpError> {
    let mut out: Vec<(String, FieldValue)> = Vec::new();
    for (name, raw) in given {
        let Some(def) = config.fields.get(name) else {
            let declared: Vec<&str> = config.fields.iter().map(|d| d.name.as_str()).collect();
            return Err(OpError::BadArgument(format!(
                "--field {name}: not a declared field ({}); declare it under `fields:` in \
                 config.yml",
                if declared.is_empty() {
                    "none is declared".to_owned()
                } else {
                    format!("declared: {}", declared.join(", "))
                }
            )));
        };
        let value = def.parse(raw).map_err(|message| OpError::InvalidValue {
            key: name.clone(),
            message,
        })?;
        match out.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => out.push((name.clone(), value)),
        }
    }
    for def in config.fields.iter() {
        if !out.iter().any(|(k, _)| *k == def.name)
            && let Some(value) = def.default_value()
        {
            out.push((def.name.clone(), value));
        }
    }
    Ok(out)
}

/// [`add`] as the CLI and the MCP server run it: the type's template
/// (`templates/<type>.md`) is loaded into `opts.template` first (the caller can name it
/// in its message).
pub fn add_with_template(
    store: &Store,
    loaded: &Loaded,
    opts: &mut AddOptions,
) -> Result<Outcome, OpError> {
    let kind = opts
        .kind
        .clone()
        .unwrap_or_else(|| store.config.default_type.clone());
    opts.template = crate::ops::template::load_template(store, &kind)?;
    add(store, loaded, opts)
}

/// Builds a new item below every ranked item. `loaded` is the current backlog (for unique
/// IDs, the bottom rank and reference checks).
pub fn add(store: &Store, loaded: &Loaded, opts: &AddOptions) -> Result<Outcome, OpError> {
    let config: &Config = &store.config;
    let title = check_title(&opts.title).map_err(|problem| {
        OpError::BadText(
            match problem {
                TitleProblem::Empty => "the title must not be empty",
                TitleProblem::ControlCharacters => {
                    "the title must be one line without control characters"
                }
            }
            .to_owned(),
        )
    })?;
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
    let template = opts.template.as_ref();
    let from_template = |key: &str| template.and_then(|t| t.field(key));
    let template_str = |key: &str| match from_template(key) {
        Some(FieldValue::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let template_int = |key: &str| match from_template(key) {
        Some(FieldValue::Int(n)) => u32::try_from(*n).ok(),
        _ => None,
    };
    let status = opts
        .status
        .clone()
        .or_else(|| template_str("status"))
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
    if let Some(bad) = opts.labels.iter().find(|l| l.contains(',')) {
        return Err(OpError::InvalidValue {
            key: "labels".to_owned(),
            message: format!("label {bad:?} contains a comma: give each label its own --label"),
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
    crate::ops::guard::check_new_dependencies(loaded, &id, &depends_on)?;
    let bottom = loaded
        .entries
        .iter()
        .filter_map(|e| e.item.rank.as_deref())
        .filter(|r| crate::rank::validate(r).is_ok())
        .max();
    let rank = crate::rank::key_after_with_jitter(bottom)
        .map_err(|e| OpError::Rank(format!("cannot rank the new item: {e}")))?;

    let mut new = NewItem::new(&id, title, &kind, &status).field("rank", FieldValue::Str(rank));
    if let Some(e) = opts.estimate.or_else(|| template_int("estimate")) {
        new = new.field("estimate", FieldValue::Int(i64::from(e)));
    }
    if let Some(v) = opts.value.or_else(|| template_int("value")) {
        new = new.field("value", FieldValue::Int(i64::from(v)));
    }
    if !opts.labels.is_empty() {
        new = new.list("labels", opts.labels.clone());
    } else if let Some(FieldValue::List(labels)) = from_template("labels") {
        new = new.list("labels", labels.clone());
    }
    new = new
        .text(
            "owner",
            opts.owner.clone().or_else(|| template_str("owner")),
        )
        .list("depends_on", depends_on)
        .text("parent", parent);
    // The template's other keys, in its order; a custom field given with --field wins
    // over the template, and the template over the field's declared default.
    let mut custom = custom_fields(config, &opts.fields)?;
    for (key, value) in template.map(|t| t.fields.as_slice()).unwrap_or_default() {
        if !["status", "estimate", "value", "labels", "owner"].contains(&key.as_str()) {
            if opts.fields.iter().any(|(k, _)| k == key) {
                continue;
            }
            custom.retain(|(k, _)| k != key);
            new = new.field(key, value.clone());
        }
    }
    for (key, value) in custom {
        new = new.field(&key, value);
    }
    let body = match template {
        Some(t) => template_body(t, opts.story.as_deref(), &opts.criteria)?,
        None => item_body(opts.story.as_deref(), &opts.criteria),
    };
    let entry = new
        .field("created", FieldValue::Str(opts.created.clone()))
        .body(body)
        .build(store)?;
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

/// The body of a new item made from a template: its skeleton, with the story put in
/// place of the skeleton's story and the criteria appended to its acceptance criteria.
fn template_body(
    template: &crate::ops::template::Template,
    story: Option<&str>,
    criteria: &[String],
) -> Result<String, OpError> {
    let mut body = template.body.clone();
    if let Some(story) = story.map(str::trim).filter(|s| !s.is_empty()) {
        body = crate::ops::story::replace_story(&body, story, "\n")?;
    }
    let raws: Vec<String> = criteria
        .iter()
        .map(|c| {
            format!(
                "- [ ] {}",
                c.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect();
    let raws: Vec<&str> = raws.iter().map(String::as_str).collect();
    Ok(crate::ops::criteria::append(&body, &raws, "\n"))
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
