//! `export`: every item with all its front-matter keys, its story, acceptance criteria
//! (text and state) and full body, as JSON or as CSV that `import csv` reads back
//! (known keys as their own columns, lists as repeated columns, other keys with their YAML
//! meaning kept; the `body` column carries the markdown exactly).

use serde_json::{Map, Value as Json};
use serde_yaml_ng::Value;

use crate::import::values::{self, cell_text, scalar_text};
use crate::model::item::{Body, KNOWN_KEYS};
use crate::store::Entry;

/// Keys written first, in this order; `labels` and `depends_on` as repeated columns.
const KNOWN: [&str; 19] = {
    let mut all = [""; 19];
    let mut i = 0;
    while i < KNOWN_KEYS.len() {
        all[i] = KNOWN_KEYS[i];
        i += 1;
    }
    all[18] = "source";
    all
};

/// Keys whose cells hold the plain text of the value (their type is known on import).
const TYPED: &[&str] = &[
    "id",
    "title",
    "type",
    "status",
    "rank",
    "estimate",
    "value",
    "time_criticality",
    "risk_reduction",
    "owner",
    "parent",
    "duplicate_of",
    "sprint",
    "created",
    "updated",
    "source",
];

/// Keys that `import csv` reads as something else than a plain key, or drops.
const DERIVED: &[&str] = &["path", "story", "acceptance_criteria", "body"];

/// The JSON export: `{"schema": 1, "items": [...]}`, each item with every front-matter
/// key, `path`, `story`, `acceptance_criteria` and `definition_of_done` (`[{text, done}]`)
/// and `body`.
pub fn to_json(entries: &[Entry]) -> Json {
    let items: Vec<Json> = entries
        .iter()
        .map(|e| {
            let mut map = Map::new();
            for (k, v) in &e.fields() {
                map.insert(scalar_text(k).unwrap_or_default(), values::to_json(v));
            }
            let body = Body::parse(e.doc.body(), e.doc.body_line());
            map.insert("path".to_owned(), Json::String(e.path.clone()));
            map.insert(
                "story".to_owned(),
                body.story.map_or(Json::Null, Json::String),
            );
            map.insert(
                "acceptance_criteria".to_owned(),
                Json::Array(
                    body.criteria
                        .iter()
                        .map(|c| serde_json::json!({"text": c.text, "done": c.done}))
                        .collect(),
                ),
            );
            map.insert(
                "definition_of_done".to_owned(),
                Json::Array(
                    body.done
                        .iter()
                        .map(|c| serde_json::json!({"text": c.text, "done": c.done}))
                        .collect(),
                ),
            );
            map.insert("body".to_owned(), Json::String(e.doc.body().to_owned()));
            Json::Object(map)
        })
        .collect();
    serde_json::json!({"schema": 1, "items": items})
}

/// The CSV export, one row per item in the given order.
pub fn to_csv(entries: &[Entry]) -> Result<String, std::io::Error> {
    let fields: Vec<serde_yaml_ng::Mapping> = entries.iter().map(Entry::fields).collect();
    let list_len = |key: &str| {
        fields
            .iter()
            .map(|f| match f.get(key) {
                Some(Value::Sequence(s)) => s.len(),
                Some(Value::Null) | None => 0,
                Some(_) => 1,
            })
            .max()
            .unwrap_or(0)
    };
    let mut extra: Vec<String> = Vec::new();
    for f in &fields {
        for k in f.keys().filter_map(scalar_text) {
            if !KNOWN.contains(&k.as_str()) && !DERIVED.contains(&k.as_str()) && !extra.contains(&k)
            {
                extra.push(k);
            }
        }
    }
    let bodies: Vec<Body> = entries
        .iter()
        .map(|e| Body::parse(e.doc.body(), e.doc.body_line()))
        .collect();
    let criteria = bodies.iter().map(|b| b.criteria.len()).max().unwrap_or(0);

    let mut header: Vec<String> = Vec::new();
    for key in &KNOWN {
        let n = if matches!(*key, "labels" | "depends_on") {
            list_len(key)
        } else {
            1
        };
        header.extend(std::iter::repeat_n((*key).to_owned(), n));
    }
    header.extend(extra.iter().cloned());
    header.push("story".to_owned());
    header.extend(std::iter::repeat_n(
        "acceptance_criteria".to_owned(),
        criteria,
    ));
    header.push("body".to_owned());

    let mut out = ::csv::WriterBuilder::new().from_writer(Vec::new());
    out.write_record(&header).map_err(std::io::Error::other)?;
    for ((entry, f), body) in entries.iter().zip(&fields).zip(&bodies) {
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        for key in &KNOWN {
            let value = f.get(*key);
            if matches!(*key, "labels" | "depends_on") {
                let mut cells: Vec<String> = match value {
                    Some(Value::Sequence(s)) => s.iter().map(plain).collect(),
                    Some(Value::Null) | None => Vec::new(),
                    Some(v) => vec![plain(v)],
                };
                cells.resize(list_len(key), String::new());
                row.extend(cells);
            } else if TYPED.contains(key) {
                row.push(value.map(plain).unwrap_or_default());
            } else {
                row.push(value.map(cell_text).unwrap_or_default());
            }
        }
        for key in &extra {
            row.push(f.get(key.as_str()).map(cell_text).unwrap_or_default());
        }
        row.push(body.story.clone().unwrap_or_default());
        let mut cells: Vec<String> = body
            .criteria
            .iter()
            .map(|c| format!("[{}] {}", if c.done { "x" } else { " " }, c.text))
            .collect();
        cells.resize(criteria, String::new());
        row.extend(cells);
        row.push(entry.doc.body().to_owned());
        out.write_record(&row).map_err(std::io::Error::other)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

/// The text of a value whose type the importer knows (scalars as written, else JSON).
fn plain(v: &Value) -> String {
    scalar_text(v).unwrap_or_else(|| cell_text(v))
}
