//! Edits of a [`Document`]: each one splices the bytes of exactly the lines it changes
//! (a key's value, a key's lines, the body) and re-indexes; nothing is re-serialized.

use std::ops::Range;

use super::lines::{strip_eol, value_range};
use super::{Document, FieldValue, KeyEntry, yaml_scalar};

impl Document {
    /// Sets a top-level key, editing only that key's lines (or appending one line).
    ///
    /// An existing single-line value is replaced in place, keeping the text around it
    /// (spacing after the colon, a trailing comment). A multi-line value is replaced by
    /// one line. Returns whether the text changed.
    pub fn set(&mut self, key: &str, value: &FieldValue) -> bool {
        self.set_yaml(key, &value.to_yaml(), Some(value))
    }

    /// Sets a top-level key to `yaml`, one line of YAML that the caller has already
    /// rendered (a flow mapping, a number…), editing only that key's lines like
    /// [`Document::set`]. Returns whether the text changed.
    pub fn set_raw(&mut self, key: &str, yaml: &str) -> bool {
        debug_assert!(!yaml.contains('\n'), "set_raw takes one line of YAML");
        self.set_yaml(key, yaml, None)
    }

    fn set_yaml(&mut self, key: &str, yaml: &str, value: Option<&FieldValue>) -> bool {
        let yaml = yaml.to_owned();
        let new_raw = if let Some(entry) = self.key(key) {
            let single_line = {
                let span_text = &self.raw[entry.span.clone()];
                let first_line_end = span_text.find('\n').map_or(span_text.len(), |i| i + 1);
                first_line_end == span_text.len()
            };
            let current = &self.raw[entry.value.clone()];
            let block_scalar = current.starts_with(['|', '>']);
            if single_line && !current.is_empty() && !block_scalar {
                if current == yaml {
                    return false;
                }
                splice(&self.raw, entry.value.clone(), &yaml)
            } else if let Some(lines) = match value {
                Some(FieldValue::List(items)) if current.is_empty() && !items.is_empty() => {
                    self.block_list_lines(entry, items)
                }
                _ => None,
            } {
                // A block list stays a block list: kept elements keep their lines (and
                // comments), so replacing one element is a one-line diff.
                if lines == self.raw[entry.span.clone()] {
                    return false;
                }
                splice(&self.raw, entry.span.clone(), &lines)
            } else {
                // Multi-line, empty or block-scalar value: the key's lines become one line.
                // A comment on the key's own line is kept.
                let first_line = strip_eol(
                    self.raw[entry.span.clone()]
                        .split_inclusive('\n')
                        .next()
                        .unwrap_or(""),
                );
                let line_start = entry.span.start;
                let comment = &first_line[entry.value.end - line_start..];
                let comment = if comment.trim_start().starts_with('#') {
                    comment
                } else {
                    ""
                };
                let line = format!("{}: {}{}{}", render_key(key), yaml, comment, self.newline);
                splice(&self.raw, entry.span.clone(), &line)
            }
        } else {
            let line = format!("{}: {}{}", render_key(key), yaml, self.newline);
            splice(&self.raw, self.close_fence..self.close_fence, &line)
        };
        self.replace_raw(new_raw);
        true
    }

    /// The new text of a block-list key (`key:` then `- item` lines) holding `items`, or
    /// `None` when the key's lines are not a plain block list of scalars.
    fn block_list_lines(&self, entry: &KeyEntry, items: &[String]) -> Option<String> {
        let span = &self.raw[entry.span.clone()];
        let mut lines = span.split_inclusive('\n');
        let key_line = lines.next()?;
        let mut old: Vec<(String, &str)> = Vec::new();
        let mut indent: Option<&str> = None;
        for line in lines {
            let text = strip_eol(line);
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                return None;
            }
            let item = trimmed.strip_prefix("- ")?;
            let this_indent = &text[..text.len() - trimmed.len()];
            if *indent.get_or_insert(this_indent) != this_indent {
                return None;
            }
            let value = &item[value_range(item, 0)];
            let parsed = match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(value).ok()? {
                serde_yaml_ng::Value::String(s) => s,
                serde_yaml_ng::Value::Number(n) => n.to_string(),
                serde_yaml_ng::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            old.push((parsed, line));
        }
        let indent = indent?;
        let mut out = key_line.to_owned();
        let mut used = vec![false; old.len()];
        for item in items {
            match (0..old.len()).find(|&i| !used[i] && old[i].0 == *item) {
                Some(i) => {
                    used[i] = true;
                    out.push_str(old[i].1);
                    if !old[i].1.ends_with('\n') {
                        out.push_str(self.newline);
                    }
                }
                None => {
                    out.push_str(&format!(
                        "{indent}- {}{}",
                        yaml_scalar(item, true),
                        self.newline
                    ));
                }
            }
        }
        Some(out)
    }

    /// Removes a top-level key and its lines. Returns whether it was present.
    pub fn remove(&mut self, key: &str) -> bool {
        let Some(entry) = self.key(key) else {
            return false;
        };
        let new_raw = splice(&self.raw, entry.span.clone(), "");
        self.replace_raw(new_raw);
        true
    }

    /// Replaces the body (everything after the closing fence).
    pub fn set_body(&mut self, body: &str) -> bool {
        if self.body() == body {
            return false;
        }
        let mut raw = self.raw[..self.body_start].to_owned();
        raw.push_str(body);
        self.replace_raw(raw);
        true
    }

    fn replace_raw(&mut self, raw: String) {
        // The fences and line endings are untouched by edits, so re-indexing cannot fail.
        match Self::from_structure(raw) {
            Ok(doc) => *self = doc,
            Err(e) => unreachable!("edit broke the document structure: {e}"),
        }
    }

    /// Builds a new document from front-matter fields and a body, as `add` writes it.
    pub fn new_item(fields: &[(&str, FieldValue)], body: &str) -> Self {
        let mut raw = String::from("---\n");
        for (key, value) in fields {
            raw.push_str(&format!("{}: {}\n", render_key(key), value.to_yaml()));
        }
        raw.push_str("---\n");
        raw.push_str(body);
        match Self::from_structure(raw) {
            Ok(doc) => doc,
            Err(e) => unreachable!("generated document is malformed: {e}"),
        }
    }
}

fn render_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.is_empty()
    {
        key.to_owned()
    } else {
        yaml_scalar(key, true)
    }
}

fn splice(raw: &str, range: Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(raw.len() + with.len());
    out.push_str(&raw[..range.start]);
    out.push_str(with);
    out.push_str(&raw[range.end..]);
    out
}
