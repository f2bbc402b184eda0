//! Items as JSON: every front-matter key plus `path`, and for `show` the story and the
//! acceptance criteria.

use serde_json::{Map, Value as Json};

use crate::model::item::Criterion;
use crate::store::Entry;

use crate::document::key_string;
pub use crate::document::yaml_to_json;

/// An item as JSON: every front-matter key, plus `path`; with `detail`, also `story` and
/// `acceptance_criteria`.
pub fn item_json(entry: &Entry, detail: bool) -> Json {
    let (mut map, criteria) = item_map(entry, detail);
    if detail {
        map.insert("acceptance_criteria".to_owned(), criteria_json(criteria));
    }
    Json::Object(map)
}

/// [`item_json`] with the acceptance criteria still typed: the map holds a `null` where
/// they go.
fn item_map(entry: &Entry, detail: bool) -> (Map<String, Json>, Vec<Criterion>) {
    let fields = entry.fields();
    let mut map = Map::with_capacity(fields.len() + 4);
    for (k, v) in &fields {
        map.insert(key_string(k), yaml_to_json(v));
    }
    map.insert("path".to_owned(), Json::String(entry.path.clone()));
    if !detail {
        return (map, Vec::new());
    }
    let body = crate::Body::parse(entry.doc.body(), entry.doc.body_line());
    map.insert(
        "story".to_owned(),
        body.story.map_or(Json::Null, Json::String),
    );
    map.insert("acceptance_criteria".to_owned(), Json::Null);
    map.insert("body".to_owned(), Json::String(entry.doc.body().to_owned()));
    (map, body.criteria)
}

/// One acceptance criterion as JSON: `{number, text, done}`.
#[derive(serde::Serialize)]
struct CriterionJson<'a> {
    number: usize,
    text: &'a str,
    done: bool,
}

fn numbered(criteria: &[Criterion]) -> impl Iterator<Item = CriterionJson<'_>> {
    criteria.iter().zip(1..).map(|(c, number)| CriterionJson {
        number,
        text: &c.text,
        done: c.done,
    })
}

fn criteria_json(criteria: Vec<Criterion>) -> Json {
    Json::Array(
        numbered(&criteria)
            .map(|c| serde_json::json!({"number": c.number, "text": c.text, "done": c.done}))
            .collect(),
    )
}

/// A linked item in `show`'s JSON: `{id, title, status, path}`.
fn link_json(entry: &Entry) -> Json {
    serde_json::json!({
        "id": entry.item.id,
        "title": entry.item.title,
        "status": entry.item.status_or_default(),
        "path": entry.path,
    })
}

/// `show --format json`: `"schema": 1` first, then [`item_json`] with detail, then
/// `dependencies` (each `{id, title, status, path}`, or `{id, "missing": true}`) and
/// `dependents` (the items that depend on this one).
pub fn show_json(
    entry: &Entry,
    dependencies: &[crate::analysis::related::Dependency],
    dependents: &[Entry],
) -> Json {
    ShowJson::new(entry, dependencies, dependents).into_value()
}

/// [`show_json`] before it becomes a JSON value: it serializes to the same text, but the
/// acceptance criteria stay typed until they are written. An item with 500,000 criteria
/// would otherwise cost a JSON object each (about 350 bytes: 180 MB) before the first
/// byte is out.
pub struct ShowJson {
    map: Map<String, Json>,
    criteria: Vec<Criterion>,
}

impl ShowJson {
    /// `show`'s JSON for `entry` with its resolved dependencies and its dependents.
    pub fn new(
        entry: &Entry,
        dependencies: &[crate::analysis::related::Dependency],
        dependents: &[Entry],
    ) -> Self {
        let (item, criteria) = item_map(entry, true);
        let mut map = Map::with_capacity(item.len() + 3);
        map.insert("schema".to_owned(), Json::from(1));
        map.extend(item);
        map.insert(
            "dependencies".to_owned(),
            Json::Array(
                dependencies
                    .iter()
                    .map(|d| match &d.entry {
                        Some(e) => link_json(e),
                        None => serde_json::json!({"id": d.id, "missing": true}),
                    })
                    .collect(),
            ),
        );
        map.insert(
            "dependents".to_owned(),
            Json::Array(dependents.iter().map(link_json).collect()),
        );
        Self { map, criteria }
    }

    /// Adds (or replaces) a key, after the others.
    pub fn insert(&mut self, key: &str, value: Json) {
        self.map.insert(key.to_owned(), value);
    }

    /// The whole thing as a JSON value.
    pub fn into_value(mut self) -> Json {
        self.map.insert(
            "acceptance_criteria".to_owned(),
            criteria_json(self.criteria),
        );
        Json::Object(self.map)
    }
}

impl serde::Serialize for ShowJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Criteria<'a>(&'a [Criterion]);
        impl serde::Serialize for Criteria<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(numbered(self.0))
            }
        }
        let mut out = serializer.serialize_map(Some(self.map.len()))?;
        for (key, value) in &self.map {
            if key == "acceptance_criteria" {
                out.serialize_entry(key, &Criteria(&self.criteria))?;
            } else {
                out.serialize_entry(key, value)?;
            }
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_item_json_has_every_key_and_path() {
        let e = Entry::from_text(
            "backlog/B-1-a.md",
            "---\nid: B-1\ntitle: A\nestimate: 3\ncustom: {x: 1}\n---\nAs a user, I want x so that y.\n\n## Acceptance criteria\n- [x] one\n- [ ] two\n",
        )
        .unwrap();
        let j = item_json(&e, false);
        assert_eq!(j["id"], "B-1");
        assert_eq!(j["estimate"], 3);
        assert_eq!(j["custom"]["x"], 1);
        assert_eq!(j["path"], "backlog/B-1-a.md");
        assert!(j.get("story").is_none());
        let d = item_json(&e, true);
        assert_eq!(d["story"], "As a user, I want x so that y.");
        assert_eq!(d["acceptance_criteria"][0]["done"], true);
        assert_eq!(d["acceptance_criteria"][1]["text"], "two");
    }
}
