//! The typed, read-only view of an item: front-matter fields and the parsed body.
//!
//! An [`Item`] is built from a [`Document`]; it is never written back (writes go through
//! the document so the file stays byte-identical outside the edited key). Fields with the
//! wrong type do not stop the item from loading: they are recorded as [`FieldProblem`]s
//! that `check` reports, and the field reads as absent.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_yaml_ng::{Mapping, Value};

use crate::document::{Document, DocumentError};

/// A front-matter field with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The key.
    pub key: String,
    /// 1-based file line of the key.
    pub line: usize,
    /// What is wrong, and what is expected.
    pub message: String,
}

/// Why a document is not an item at all. Like [`DocumentError`], the message leaves the
/// line ([`ItemError::line`]) to the front end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    /// The document itself is unreadable.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// There is no usable `id`.
    #[error("{message}")]
    BadId {
        /// Line of the `id` key, or of the opening fence.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl ItemError {
    /// The 1-based line the error points at.
    pub fn line(&self) -> usize {
        match self {
            Self::Document(e) => e.line(),
            Self::BadId { line, .. } => *line,
        }
    }
}

/// An item's front matter, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Unique ID.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// `type`: story, bug, task…
    pub kind: Option<String>,
    /// Workflow status.
    pub status: Option<String>,
    /// Fractional rank key.
    pub rank: Option<String>,
    /// Story points.
    pub estimate: Option<u32>,
    /// Business value.
    pub value: Option<u32>,
    /// Time criticality (WSJF).
    pub time_criticality: Option<u32>,
    /// Risk reduction / opportunity enablement (WSJF).
    pub risk_reduction: Option<u32>,
    /// Labels.
    pub labels: Vec<String>,
    /// Owner.
    pub owner: Option<String>,
    /// IDs this item depends on.
    pub depends_on: Vec<String>,
    /// The item this one was split from.
    pub parent: Option<String>,
    /// The item this one duplicates.
    pub duplicate_of: Option<String>,
    /// Sprint name.
    pub sprint: Option<String>,
    /// Creation date.
    pub created: Option<String>,
    /// Last update date.
    pub updated: Option<String>,
    /// Fields that could not be used.
    pub problems: Vec<FieldProblem>,
}

/// One acceptance criterion: a task-list item under the "Acceptance criteria" heading.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Criterion {
    /// The criterion's text.
    pub text: String,
    /// Whether it is checked.
    pub done: bool,
    /// 1-based file line.
    #[serde(skip)]
    pub line: usize,
}

/// A checklist section of the body: task-list items under a heading with this name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Checklist {
    /// `## Acceptance criteria`.
    Criteria,
    /// `## Definition of done` (an item's own done checklist, as Backlog.md keeps it).
    Done,
}

impl Checklist {
    /// The heading the section is written with.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Criteria => "Acceptance criteria",
            Self::Done => "Definition of done",
        }
    }

    /// The checklist a heading opens, compared case-insensitively (a trailing `:` is
    /// ignored).
    pub fn of_heading(text: &str) -> Option<Self> {
        let norm = text.trim().trim_end_matches(':').trim().to_lowercase();
        match norm.as_str() {
            "acceptance criteria" => Some(Self::Criteria),
            "definition of done" => Some(Self::Done),
            _ => None,
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes [`Body::parse`] scanned for line numbers (a work count for tests).
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What the markdown body says, read with a markdown parser.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// The first paragraph before any heading (the user story, by convention).
    pub story: Option<String>,
    /// 1-based file line of the story paragraph.
    pub story_line: Option<usize>,
    /// Line of the "Acceptance criteria" heading, if there is one.
    pub criteria_heading_line: Option<usize>,
    /// Acceptance criteria in order.
    pub criteria: Vec<Criterion>,
    /// Line of the "Definition of done" heading, if there is one.
    pub done_heading_line: Option<usize>,
    /// The item's own definition-of-done checklist, in order.
    pub done: Vec<Criterion>,
}

impl Body {
    /// Parses a body. `first_line` is the file line on which the body starts.
    pub fn parse(body: &str, first_line: usize) -> Self {
        // Lines are counted incrementally from the previous offset: parser events come in
        // document order, so the whole body is scanned once (counting from the start for
        // every event made 100k criteria quadratic: minutes for one file).
        let counted = std::cell::Cell::new((0usize, 0usize));
        let line_at = |offset: usize| {
            let (from, lines) = counted.get();
            let (from, lines) = if offset >= from {
                (from, lines)
            } else {
                (0, 0)
            };
            #[cfg(test)]
            SCANNED.set(SCANNED.get() + (offset - from));
            let lines = lines + bytecount_newlines(&body.as_bytes()[from..offset]);
            counted.set((offset, lines));
            first_line + lines
        };
        let mut out = Self::default();
        let mut seen_heading = false;
        let mut heading: Option<(HeadingLevel, usize, String)> = None;
        let mut section: Option<(HeadingLevel, Checklist)> = None;
        let mut paragraph: Option<(usize, String)> = None;
        // Nesting of list items; a criterion is a task item at any depth under the heading.
        let mut item_stack: Vec<Option<(Checklist, Criterion)>> = Vec::new();
        let parser = Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter();
        for (event, range) in parser {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    seen_heading = true;
                    if section.is_some_and(|(l, _)| level <= l) {
                        section = None;
                    }
                    heading = Some((level, line_at(range.start), String::new()));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, line, text)) = heading.take()
                        && let Some(list) = Checklist::of_heading(&text)
                    {
                        section = Some((level, list));
                        match list {
                            Checklist::Criteria => out.criteria_heading_line.get_or_insert(line),
                            Checklist::Done => out.done_heading_line.get_or_insert(line),
                        };
                    }
                }
                Event::Start(Tag::Paragraph)
                    if !seen_heading && out.story.is_none() && item_stack.is_empty() =>
                {
                    paragraph = Some((line_at(range.start), String::new()));
                }
                Event::End(TagEnd::Paragraph) => {
                    if let Some((line, text)) = paragraph.take() {
                        let text = text.trim().to_owned();
                        if !text.is_empty() {
                            out.story = Some(text);
                            out.story_line = Some(line);
                        }
                    }
                }
                Event::Start(Tag::Item) => {
                    item_stack.push(section.map(|(_, list)| {
                        let c = Criterion {
                            text: String::new(),
                            done: false,
                            line: line_at(range.start),
                        };
                        (list, c)
                    }));
                }
                Event::TaskListMarker(checked) => {
                    if let Some(Some((_, c))) = item_stack.last_mut() {
                        c.done = checked;
                        c.text.push('\u{0}');
                    }
                }
                Event::End(TagEnd::Item) => {
                    if let Some(Some((list, c))) = item_stack.pop() {
                        // Only task items (marked by the NUL placeholder) with some text
                        // are criteria: an empty `- [ ]` placeholder does not count.
                        if let Some(text) = c.text.strip_prefix('\u{0}') {
                            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                            if !text.is_empty() {
                                let c = Criterion { text, ..c };
                                match list {
                                    Checklist::Criteria => out.criteria.push(c),
                                    Checklist::Done => out.done.push(c),
                                }
                            }
                        }
                    }
                }
                Event::Start(Tag::List(_)) => {
                    // Text of nested lists belongs to the nested items, not to the parent.
                    if let Some(Some((_, c))) = item_stack.last_mut() {
                        c.text.push(' ');
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    push_text(&mut heading, &mut paragraph, &mut item_stack, &t)
                }
                Event::SoftBreak | Event::HardBreak => {
                    push_text(&mut heading, &mut paragraph, &mut item_stack, " ");
                }
                _ => {}
            }
        }
        // Items are finished inner-first; report them in document order.
        out.criteria.sort_by_key(|c| c.line);
        out.done.sort_by_key(|c| c.line);
        out
    }

    /// The items of one checklist.
    pub fn checklist(&self, list: Checklist) -> &[Criterion] {
        match list {
            Checklist::Criteria => &self.criteria,
            Checklist::Done => &self.done,
        }
    }

    /// The heading line of one checklist.
    pub fn checklist_heading_line(&self, list: Checklist) -> Option<usize> {
        match list {
            Checklist::Criteria => self.criteria_heading_line,
            Checklist::Done => self.done_heading_line,
        }
    }

    /// Whether the story follows "As a …, I want … so that …" (case-insensitive).
    pub fn has_story_form(&self) -> bool {
        self.story.as_deref().is_some_and(is_user_story)
    }
}

fn push_text(
    heading: &mut Option<(HeadingLevel, usize, String)>,
    paragraph: &mut Option<(usize, String)>,
    items: &mut [Option<(Checklist, Criterion)>],
    text: &str,
) {
    if let Some((_, _, h)) = heading {
        h.push_str(text);
    } else if let Some((_, p)) = paragraph {
        p.push_str(text);
    } else if let Some(Some((_, c))) = items.last_mut() {
        c.text.push_str(text);
    }
}

fn bytecount_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Whether `text` has the user-story form "As a/an …, I want … so that …".
/// Each of the three parts (role, goal, benefit) must say something: `As a , I want  so
/// that .` is a placeholder, not a story.
pub fn is_user_story(text: &str) -> bool {
    let lower = text.to_lowercase();
    let Some(rest) = lower
        .strip_prefix("as an ")
        .or_else(|| lower.strip_prefix("as a "))
        .or_else(|| lower.strip_prefix("as the "))
    else {
        return false;
    };
    let says_something = |s: &str| s.chars().any(char::is_alphanumeric);
    let Some(want) = rest.find("i want") else {
        return false;
    };
    let Some(so) = rest[want..].find("so that").map(|i| want + i) else {
        return false;
    };
    says_something(&rest[..want])
        && says_something(&rest[want + "i want".len()..so])
        && says_something(&rest[so + "so that".len()..])
}

pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Renders a YAML value briefly for messages.
fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

impl Item {
    /// Builds the typed view from a parsed document.
    pub fn from_document(doc: &Document) -> Result<Self, ItemError> {
        let fields = doc.front_matter()?;
        Self::from_fields(&fields, doc)
    }

    /// Builds the typed view from an already parsed front matter.
    pub fn from_fields(fields: &Mapping, doc: &Document) -> Result<Self, ItemError> {
        let line = |key: &str| doc.key_line(key).unwrap_or_else(|| doc.front_matter_line());
        let mut problems = Vec::new();
        let id = match fields.get("id") {
            None | Some(Value::Null) => {
                return Err(ItemError::BadId {
                    line: doc.front_matter_line(),
                    message: "missing `id`: every item needs a unique `id` key".to_owned(),
                });
            }
            Some(v) => match scalar_string(v) {
                Some(id) if crate::id::is_valid(&id) => id,
                Some(id) => {
                    return Err(ItemError::BadId {
                        line: line("id"),
                        message: format!(
                            "invalid id {:?}: use letters, digits, `-`, `_` and `.`",
                            crate::text::sanitize(&id)
                        ),
                    });
                }
                None => {
                    return Err(ItemError::BadId {
                        line: line("id"),
                        message: format!("`id` must be a string, found {}", describe(v)),
                    });
                }
            },
        };
        let mut string = |key: &str| -> Option<String> {
            let v = fields.get(key)?;
            if v.is_null() {
                return None;
            }
            let s = scalar_string(v);
            if s.is_none() {
                problems.push(FieldProblem {
                    key: key.to_owned(),
                    line: line(key),
                    message: format!("`{key}` must be a single value, found {}", describe(v)),
                });
            }
            s
        };
        let title = string("title");
        let kind = string("type");
        let status = string("status");
        let rank = string("rank");
        let owner = string("owner");
        let parent = string("parent");
        let duplicate_of = string("duplicate_of");
        let sprint = string("sprint");
        let created = string("created");
        let updated = string("updated");
        for (key, value) in [("created", &created), ("updated", &updated)] {
            if let Some(e) = value
                .as_deref()
                .and_then(|v| crate::text::date::parse_field(v).err())
            {
                problems.push(FieldProblem {
                    key: key.to_owned(),
                    line: line(key),
                    message: format!(
                        "`{key}` must be a date like 2026-01-05, found {:?} ({})",
                        crate::text::sanitize(&e.text),
                        e.reason
                    ),
                });
            }
        }
        let mut number = |key: &str| -> Option<u32> {
            let v = fields.get(key)?;
            match v {
                Value::Null => None,
                Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => Some(n),
                    None => {
                        problems.push(FieldProblem {
                            key: key.to_owned(),
                            line: line(key),
                            message: format!("`{key}` must be a whole number ≥ 0, found {n}"),
                        });
                        None
                    }
                },
                other => {
                    problems.push(FieldProblem {
                        key: key.to_owned(),
                        line: line(key),
                        message: format!("`{key}` must be a number, found {}", describe(other)),
                    });
                    None
                }
            }
        };
        let estimate = number("estimate");
        let value = number("value");
        let time_criticality = number("time_criticality");
        let risk_reduction = number("risk_reduction");
        let mut list = |key: &str| -> Vec<String> {
            match fields.get(key) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Sequence(seq)) => {
                    let mut out = Vec::with_capacity(seq.len());
                    for v in seq {
                        match scalar_string(v) {
                            Some(s) => out.push(s),
                            None => problems.push(FieldProblem {
                                key: key.to_owned(),
                                line: line(key),
                                message: format!(
                                    "`{key}` must be a list of values, found {} in it",
                                    describe(v)
                                ),
                            }),
                        }
                    }
                    out
                }
                Some(v) => match scalar_string(v) {
                    Some(s) => vec![s],
                    None => {
                        problems.push(FieldProblem {
                            key: key.to_owned(),
                            line: line(key),
                            message: format!("`{key}` must be a list, found {}", describe(v)),
                        });
                        Vec::new()
                    }
                },
            }
        };
        let labels = list("labels");
        let depends_on = list("depends_on");
        let title = match title {
            Some(t) if !t.trim().is_empty() => t,
            other => {
                problems.push(FieldProblem {
                    key: "title".to_owned(),
                    line: doc
                        .key_line("title")
                        .unwrap_or_else(|| doc.front_matter_line()),
                    message: "missing `title`: add a one-line `title:`".to_owned(),
                });
                other.unwrap_or_default()
            }
        };
        Ok(Self {
            id,
            title,
            kind,
            status,
            rank,
            estimate,
            value,
            time_criticality,
            risk_reduction,
            labels,
            owner,
            depends_on,
            parent,
            duplicate_of,
            sprint,
            created,
            updated,
            problems,
        })
    }

    /// The status, or `draft` when none is set.
    ///
    /// Only for display where no config is at hand: decisions use
    /// [`crate::Config::status`], which honours the configured `default_status`.
    pub fn status_or_default(&self) -> &str {
        self.status.as_deref().unwrap_or("draft")
    }
}

/// What a known key holds: how `set` parses and checks a value for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The item's own ID (never set).
    Id,
    /// One line of text (`title`, `owner`, `sprint`).
    Text,
    /// A configured type.
    Type,
    /// A configured status.
    Status,
    /// A rank key.
    Rank,
    /// Story points on the configured scale.
    Points,
    /// A whole number ≥ 0 (`value`, `time_criticality`, `risk_reduction`).
    Number,
    /// Written by the tool itself (`priority`); `set` takes any value as typed.
    Derived,
    /// A list of labels.
    Labels,
    /// A list of item IDs.
    Ids,
    /// One item ID (`parent`, `duplicate_of`).
    Reference,
    /// A date, `YYYY-MM-DD` (see [`crate::text::date::parse_field`]).
    Date,
}

/// The known front-matter keys of DESIGN §2 with what each holds, in the order a new item
/// writes them: the one table `set`, `check`, templates, import and export read.
pub const KNOWN: [(&str, KeyKind); 18] = [
    ("id", KeyKind::Id),
    ("title", KeyKind::Text),
    ("type", KeyKind::Type),
    ("status", KeyKind::Status),
    ("rank", KeyKind::Rank),
    ("estimate", KeyKind::Points),
    ("value", KeyKind::Number),
    ("time_criticality", KeyKind::Number),
    ("risk_reduction", KeyKind::Number),
    ("priority", KeyKind::Derived),
    ("labels", KeyKind::Labels),
    ("owner", KeyKind::Text),
    ("depends_on", KeyKind::Ids),
    ("parent", KeyKind::Reference),
    ("duplicate_of", KeyKind::Reference),
    ("sprint", KeyKind::Text),
    ("created", KeyKind::Date),
    ("updated", KeyKind::Date),
];

/// The names of [`KNOWN`], in the same order.
pub const KNOWN_KEYS: [&str; KNOWN.len()] = {
    let mut names = [""; KNOWN.len()];
    let mut i = 0;
    while i < KNOWN.len() {
        names[i] = KNOWN[i].0;
        i += 1;
    }
    names
};

/// What a known key holds; `None` for a custom key.
pub fn key_kind(key: &str) -> Option<KeyKind> {
    KNOWN.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests;
