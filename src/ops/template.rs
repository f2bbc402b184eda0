//! Item templates: `<backlog>/templates/<type>.md` holds front-matter defaults and a body
//! skeleton for new items of that type (`add --type bug` gets the bug template's "Steps
//! to reproduce"). Templates are not items: the store skips the folder.
//!
//! A template's front matter gives defaults for keys the command line leaves unset (the
//! command line wins; `id`, `title`, `type`, `rank`, `created`, `updated`, `parent` and
//! `depends_on` are the command's own and are refused in a template). Its body becomes
//! the new item's body; `--story` replaces the story paragraphs in it and `--ac` appends
//! to its acceptance criteria.

use std::io::Read;

use serde_yaml_ng::Value;

use crate::config::Config;
use crate::document::{Document, FieldValue, MAX_FILE_BYTES};
use crate::ops::OpError;
use crate::store::Store;

pub use crate::store::TEMPLATES_DIR;

/// Keys a template may not set: the command decides them.
const OWN_KEYS: [&str; 8] = [
    "id",
    "title",
    "type",
    "rank",
    "created",
    "updated",
    "parent",
    "depends_on",
];

/// A loaded template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Root-relative path of the template file.
    pub path: String,
    /// Front-matter defaults, in file order.
    pub fields: Vec<(String, FieldValue)>,
    /// The body skeleton.
    pub body: String,
}

impl Template {
    /// The default for `key`, if the template sets one.
    pub fn field(&self, key: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// The commented example template `init` writes (`templates/bug.md`).
pub const EXAMPLE_TEMPLATE: &str = "\
---
# Template for `backlog add --type bug` (templates/<type>.md for any other type).
# Keys here are defaults for new items of that type; command-line options win.
# id, title, type, rank, created, parent and depends_on are set by `add` itself.
labels: [bug]
---
## Steps to reproduce
1.

## Expected behaviour

## Actual behaviour

## Acceptance criteria
- [ ] The steps above no longer reproduce the problem.
- [ ] A regression test covers it.
";

/// Loads the template for items of type `kind`, if there is one.
pub fn load_template(store: &Store, kind: &str) -> Result<Option<Template>, OpError> {
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Ok(None);
    }
    let folder = store.dir().join(TEMPLATES_DIR);
    let path = folder.join(format!("{kind}.md"));
    let rel = store.relative(&path);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(tpl(&rel, None, e.to_string())),
    };
    if meta.file_type().is_symlink() {
        let inside = match (path.canonicalize(), store.dir().canonicalize()) {
            (Ok(target), Ok(dir)) => target.starts_with(dir) && target.is_file(),
            _ => false,
        };
        if !inside {
            return Err(tpl(
                &rel,
                None,
                "a symlink that leads outside the backlog folder; not followed",
            ));
        }
    } else if !meta.is_file() {
        return Err(tpl(&rel, None, "not a regular file"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| tpl(&rel, None, e.to_string()))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(tpl(
            &rel,
            None,
            format!("larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    parse_template(&rel, &bytes, store).map(Some)
}

/// A [`OpError::Template`] error.
fn tpl(path: &str, line: Option<usize>, message: impl Into<String>) -> OpError {
    OpError::Template {
        path: path.to_owned(),
        line,
        message: message.into(),
    }
}

fn parse_template(rel: &str, bytes: &[u8], store: &Store) -> Result<Template, OpError> {
    let text = std::str::from_utf8(bytes).map_err(|_| tpl(rel, None, "not valid UTF-8"))?;
    if !text.starts_with("---") {
        // No front matter: the whole file is the body skeleton.
        return Ok(Template {
            path: rel.to_owned(),
            fields: Vec::new(),
            body: text.replace("\r\n", "\n"),
        });
    }
    let doc = Document::parse(bytes).map_err(|e| tpl(rel, Some(e.line()), e.to_string()))?;
    let mapping = doc
        .front_matter()
        .map_err(|e| tpl(rel, Some(e.line()), e.to_string()))?;
    let mut fields = Vec::new();
    for (key, value) in &mapping {
        let Some(key) = key.as_str() else {
            return Err(tpl(rel, None, "front-matter keys must be names"));
        };
        let line = doc.key_line(key).unwrap_or(1);
        let bad = |message: String| tpl(rel, Some(line), message);
        if OWN_KEYS.contains(&key) {
            return Err(bad(format!(
                "`{key}` cannot come from a template: `backlog add` sets it"
            )));
        }
        let value = match value {
            Value::Null => continue,
            Value::Bool(b) => FieldValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => FieldValue::Int(i),
                None => return Err(bad(format!("`{key}` must be a whole number"))),
            },
            Value::String(s) => FieldValue::Str(s.clone()),
            Value::Sequence(seq) => FieldValue::List(
                seq.iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        Value::Bool(b) => Ok(b.to_string()),
                        _ => Err(bad(format!("`{key}` must be a list of plain values"))),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(bad(format!("`{key}` must be a plain value or a list"))),
        };
        validate(key, &value, &store.config).map_err(bad)?;
        fields.push((key.to_owned(), value));
    }
    Ok(Template {
        path: rel.to_owned(),
        fields,
        body: doc.body().replace("\r\n", "\n"),
    })
}

/// The checks `add` makes on its own options, for a template's defaults.
fn validate(key: &str, value: &FieldValue, config: &Config) -> Result<(), String> {
    match (key, value) {
        ("status", FieldValue::Str(s)) if !config.is_known_status(s) => Err(format!(
            "unknown status {s:?}; known: {}",
            config.statuses.join(", ")
        )),
        ("estimate", FieldValue::Int(n))
            if !u32::try_from(*n).is_ok_and(|n| config.on_scale(n)) =>
        {
            Err(format!(
                "estimate {n} is not on the scale ({})",
                config.scale_text()
            ))
        }
        ("estimate" | "value" | "time_criticality" | "risk_reduction", v) if !matches!(v, FieldValue::Int(n) if *n >= 0) => {
            Err(format!("`{key}` must be a whole number ≥ 0"))
        }
        ("labels", FieldValue::Str(_)) | ("status" | "owner" | "sprint", FieldValue::List(_)) => {
            Err(format!("`{key}` has the wrong shape"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let backlog = root.join("backlog");
        std::fs::create_dir_all(backlog.join(TEMPLATES_DIR)).unwrap();
        for (rel, text) in files {
            std::fs::write(backlog.join(rel), text).unwrap();
        }
        let store = Store::open(&root, &backlog, false).unwrap();
        (dir, store)
    }

    #[test]
    fn test_example_template_loads() {
        let (_d, store) = store_with(&[("templates/bug.md", EXAMPLE_TEMPLATE)]);
        let t = load_template(&store, "bug").unwrap().unwrap();
        assert_eq!(t.path, "backlog/templates/bug.md");
        assert_eq!(
            t.field("labels"),
            Some(&FieldValue::List(vec!["bug".into()]))
        );
        assert!(t.body.starts_with("## Steps to reproduce\n"));
        assert_eq!(load_template(&store, "story").unwrap(), None);
        assert_eq!(load_template(&store, "../x").unwrap(), None);
    }

    #[test]
    fn test_bad_templates_name_file_and_line() {
        let (_d, store) = store_with(&[
            ("templates/a.md", "---\nlabels: [x]\nid: B-1\n---\n"),
            ("templates/b.md", "---\nestimate: 4\n---\n"),
            ("templates/c.md", "---\nowner: {a: 1}\n---\n"),
            ("templates/d.md", "Just a body.\n"),
        ]);
        let err = load_template(&store, "a").unwrap_err().to_string();
        assert!(
            err.starts_with("backlog/templates/a.md:3: `id` cannot"),
            "{err}"
        );
        let err = load_template(&store, "b").unwrap_err().to_string();
        assert!(err.contains("not on the scale"), "{err}");
        assert!(load_template(&store, "c").is_err());
        let d = load_template(&store, "d").unwrap().unwrap();
        assert_eq!(d.body, "Just a body.\n");
        assert!(d.fields.is_empty());
    }
}
