//! One item file as bytes and structure: YAML front matter plus a markdown body.
//!
//! A [`Document`] keeps the file's exact text and an index of its top-level front-matter
//! keys (which lines each key owns). Reading goes through a YAML parser
//! ([`Document::front_matter`]); writing never re-serializes the front matter. Instead
//! [`Document::set`] and [`Document::remove`] splice new text into the lines of one key,
//! so a one-field change is a one-line diff and everything else (comments, quoting, key
//! order, unknown keys, CRLF, BOM, a missing final newline) stays byte-identical.
//!
//! The editor understands the subset of YAML the tool writes itself: a top-level
//! `key: value` line (value optionally followed by a `# comment`, which is kept) and the
//! continuation lines under it (block lists, multi-line flow lists, block scalars). Any
//! such key can be replaced or removed as a whole; a new key is appended before the
//! closing fence, using the file's line ending.
//!
//! This module knows nothing about other files, items or git.

pub mod budget;
mod fast;

use std::ops::Range;
use std::sync::OnceLock;

/// Files larger than this are refused before parsing (hostile input must stay bounded).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Why a file cannot be read as an item document. Lines are 1-based file lines.
///
/// The message (`Display`) does not repeat the line: it is [`DocumentError::line`] (and
/// [`DocumentError::column`]), which front ends render as `path:line:` before it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The bytes are not UTF-8.
    #[error("file is not valid UTF-8")]
    NotUtf8 {
        /// Line of the first invalid byte.
        line: usize,
    },
    /// The file contains NUL bytes.
    #[error("binary file (contains NUL bytes)")]
    Binary {
        /// Line of the first NUL byte.
        line: usize,
    },
    /// The file is over [`MAX_FILE_BYTES`].
    #[error("file is {size} bytes, over the {limit}-byte limit for an item")]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// The file does not start with a `---` line.
    #[error("missing front matter: an item file must start with a `---` line")]
    MissingFrontMatter,
    /// The opening fence has no closing fence.
    #[error("front matter opened here is never closed with a `---` line")]
    Unterminated {
        /// Line of the opening fence.
        line: usize,
    },
    /// The YAML could not be parsed.
    #[error("invalid YAML: {message}")]
    Yaml {
        /// File line of the error.
        line: usize,
        /// Column of the error (1-based).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The front matter is valid YAML but not a mapping of keys.
    #[error("front matter must be a mapping of `key: value` lines")]
    NotAMapping {
        /// Line of the opening fence.
        line: usize,
    },
    /// The file holds unresolved merge-conflict markers (`<<<<<<<` … `>>>>>>>`).
    #[error("unresolved merge conflict (a `<<<<<<<` marker line)")]
    MergeConflict {
        /// Line of the first marker.
        line: usize,
    },
    /// An edit was requested for a key the line editor cannot rewrite safely.
    #[error("cannot rewrite key `{key}` in place: {reason}")]
    Unsupported {
        /// The key.
        key: String,
        /// Its line.
        line: usize,
        /// Why.
        reason: &'static str,
    },
}

impl DocumentError {
    /// The 1-based line the error points at.
    pub fn line(&self) -> usize {
        match self {
            Self::NotUtf8 { line }
            | Self::Binary { line }
            | Self::Unterminated { line }
            | Self::Yaml { line, .. }
            | Self::NotAMapping { line }
            | Self::MergeConflict { line }
            | Self::Unsupported { line, .. } => *line,
            Self::TooLarge { .. } | Self::MissingFrontMatter => 1,
        }
    }

    /// The 1-based column, where the error has one.
    pub fn column(&self) -> Option<usize> {
        match self {
            Self::Yaml { column, .. } => Some(*column),
            _ => None,
        }
    }
}

/// A value the tool writes into front matter.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A string, written plain when that reads back as the same string, quoted otherwise.
    Str(String),
    /// An integer.
    Int(i64),
    /// A list of strings, written in flow style: `[a, b]`.
    List(Vec<String>),
    /// A boolean.
    Bool(bool),
}

impl FieldValue {
    /// Renders the value as YAML that parses back to exactly this value.
    pub fn to_yaml(&self) -> String {
        match self {
            Self::Str(s) => yaml_scalar(s, false),
            Self::Int(n) => n.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::List(items) => {
                let parts: Vec<String> = items.iter().map(|s| yaml_scalar(s, true)).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }
}

/// Formats a string scalar: plain if that is unambiguous, double-quoted otherwise.
fn yaml_scalar(s: &str, in_flow: bool) -> String {
    let plain_char = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                '_' | '.' | '/' | '@' | '-' | '+' | '(' | ')' | '\'' | '!' | '?'
            )
            || (!in_flow && matches!(c, ' ' | ',' | '&' | ';'))
    };
    let plain = !s.is_empty()
        && s.chars().all(plain_char)
        && s.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/')
        && !s.ends_with(' ')
        && matches!(
            serde_yaml_ng::from_str::<serde_yaml_ng::Value>(s),
            Ok(serde_yaml_ng::Value::String(ref parsed)) if parsed == s
        );
    if plain {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One top-level key of the front matter and the bytes it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// The key as written (unquoted).
    pub key: String,
    /// 1-based file line of the key.
    pub line: usize,
    /// Byte range in the file of the key's lines, line terminators included.
    span: Range<usize>,
    /// Byte range of the value text on the key's own line (no comment, no trailing space).
    value: Range<usize>,
}

impl KeyEntry {
    /// Byte range in the file of the key's lines (line terminators included).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

/// An item file: exact text plus the location of its front matter and keys.
///
/// The key index is built on first use ([`Document::keys`], edits, key lines): loading a
/// whole backlog for reading never needs it, and it is as large as the text itself.
#[derive(Debug, Clone)]
pub struct Document {
    raw: String,
    /// Bytes of the YAML between the fences.
    front: Range<usize>,
    /// Start of the body (just after the closing fence's line).
    body_start: usize,
    /// Start of the closing fence line (where new keys go).
    close_fence: usize,
    /// 1-based file line of the first front-matter line.
    front_line: usize,
    newline: &'static str,
    keys: OnceLock<Vec<KeyEntry>>,
}

/// Two documents are equal when their text is: everything else is derived from it.
impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for Document {}

/// Returns the 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr_count(b'\n', &text[..end]) + 1
}

fn memchr_count(needle: u8, hay: &[u8]) -> usize {
    hay.iter().filter(|&&b| b == needle).count()
}

/// Splits text into lines with their start offsets; each line includes its terminator.
fn lines_with_offsets(text: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let rest = &text[pos..];
        let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = &rest[..len];
        let at = pos;
        pos += len;
        Some((at, line))
    })
}

fn strip_eol(line: &str) -> &str {
    line.strip_suffix('\n')
        .map_or(line, |l| l.strip_suffix('\r').unwrap_or(l))
}

fn is_fence(line: &str, closing: bool) -> bool {
    let l = strip_eol(line).trim_end_matches([' ', '\t']);
    l == "---" || (closing && l == "...")
}

/// If `line` (without terminator) starts a top-level `key:` entry, returns the key and
/// the offset just after the colon.
fn parse_key_line(line: &str) -> Option<(String, usize)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '?' | '[' | '{' | '}' | ']') {
        return None;
    }
    if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        let after = &line[close + 1..];
        let colon = after.find(':')?;
        if !after[..colon].trim().is_empty() {
            return None;
        }
        let end = close + 1 + colon + 1;
        let rest = &line[end..];
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        return Some((line[1..close].to_owned(), end));
    }
    let mut search = 0;
    loop {
        let colon = search + line[search..].find(':')?;
        let rest = &line[colon + 1..];
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            let key = line[..colon].trim_end();
            if key.contains(" #") {
                return None;
            }
            return Some((key.to_owned(), colon + 1));
        }
        search = colon + 1;
    }
}

/// Byte range of the value on a key line: from the first non-blank after the colon to the
/// end of the value, excluding a trailing `# comment` and whitespace.
fn value_range(line: &str, after_colon: usize) -> Range<usize> {
    let bytes = line.as_bytes();
    let mut start = after_colon;
    while start < bytes.len() && matches!(bytes[start], b' ' | b'\t') {
        start += 1;
    }
    let mut end = bytes.len();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if (b == b'"' || b == b'\'')
                    && (i == start || matches!(bytes[i - 1], b'[' | b' ' | b','))
                {
                    quote = Some(b);
                } else if b == b'#' && i > start && matches!(bytes[i - 1], b' ' | b'\t') {
                    end = i;
                    break;
                }
            }
        }
        i += 1;
    }
    while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    start..end.max(start)
}

impl Document {
    /// Parses a file's bytes. Fails on anything that is not a front-matter document.
    ///
    /// The YAML itself is not parsed here; see [`Document::front_matter`].
    pub fn parse(bytes: &[u8]) -> Result<Self, DocumentError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(DocumentError::TooLarge {
                size: bytes.len() as u64,
                limit: MAX_FILE_BYTES,
            });
        }
        if let Some(nul) = bytes.iter().position(|&b| b == 0) {
            return Err(DocumentError::Binary {
                line: line_of(bytes, nul),
            });
        }
        let raw = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(e) => {
                return Err(DocumentError::NotUtf8 {
                    line: line_of(bytes, e.valid_up_to()),
                });
            }
        };
        Self::from_string(raw)
    }

    /// Like [`Document::parse`], but takes the bytes by value so the text is not copied
    /// (what the store does for every file it loads).
    pub fn parse_owned(bytes: Vec<u8>) -> Result<Self, DocumentError> {
        if bytes.len() > MAX_FILE_BYTES || bytes.contains(&0) {
            return Self::parse(&bytes);
        }
        match String::from_utf8(bytes) {
            Ok(raw) => Self::from_string(raw),
            Err(e) => Self::parse(e.as_bytes()),
        }
    }

    /// Parses text that is already a `String`.
    ///
    /// A file with merge-conflict markers is refused: no command may read (and then
    /// rewrite) a half-merged item; `check` reports it as `merge-conflict`.
    pub fn from_string(raw: String) -> Result<Self, DocumentError> {
        if let Some(line) = crate::merge::conflict_marker_line(&raw) {
            return Err(DocumentError::MergeConflict { line });
        }
        Self::from_structure(raw)
    }

    /// Finds the fences of `raw` (the structural part of [`Document::from_string`]).
    fn from_structure(raw: String) -> Result<Self, DocumentError> {
        let start = if raw.starts_with('\u{feff}') { 3 } else { 0 };
        let mut lines = lines_with_offsets(&raw, start);
        let (_, first) = lines.next().ok_or(DocumentError::MissingFrontMatter)?;
        if !is_fence(first, false) || !first.ends_with('\n') {
            return Err(DocumentError::MissingFrontMatter);
        }
        let newline = if first.ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let front_start = start + first.len();
        let mut close = None;
        for (at, line) in lines {
            if is_fence(line, true) {
                close = Some((at, at + line.len()));
                break;
            }
        }
        let (close_fence, body_start) = close.ok_or(DocumentError::Unterminated { line: 1 })?;
        Ok(Self {
            raw,
            front: front_start..close_fence,
            body_start,
            close_fence,
            front_line: 2,
            newline,
            keys: OnceLock::new(),
        })
    }

    fn index_keys(&self) -> Vec<KeyEntry> {
        let mut keys: Vec<KeyEntry> = Vec::new();
        let front = &self.raw[self.front.clone()];
        // End of the last line that belongs to the current key (trailing blanks excluded).
        let mut last_content_end = self.front.start;
        for (line_no, (at, line)) in (self.front_line..).zip(lines_with_offsets(front, 0)) {
            let at = at + self.front.start;
            let text = strip_eol(line);
            if let Some((key, after_colon)) = parse_key_line(text) {
                if let Some(prev) = keys.last_mut() {
                    prev.span.end = last_content_end;
                }
                let value = value_range(text, after_colon);
                keys.push(KeyEntry {
                    key,
                    line: line_no,
                    span: at..at + line.len(),
                    value: at + value.start..at + value.end,
                });
                last_content_end = at + line.len();
            } else if text.starts_with('#') {
                // A column-0 comment belongs to no key; it does not extend the span.
            } else if !text.trim().is_empty() {
                last_content_end = at + line.len();
                if let Some(prev) = keys.last_mut() {
                    prev.span.end = last_content_end;
                }
            }
        }
        keys
    }

    /// The file's exact text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The file's exact text, consumed.
    pub fn into_string(self) -> String {
        self.raw
    }

    /// The YAML text between the fences.
    pub fn front_text(&self) -> &str {
        &self.raw[self.front.clone()]
    }

    /// Byte range in the file of the YAML between the fences.
    pub fn front_range(&self) -> Range<usize> {
        self.front.clone()
    }

    /// Byte offset where the body starts (just after the closing fence's line).
    pub fn body_start(&self) -> usize {
        self.body_start
    }

    /// The markdown body after the closing fence.
    pub fn body(&self) -> &str {
        &self.raw[self.body_start..]
    }

    /// 1-based file line on which the body starts.
    pub fn body_line(&self) -> usize {
        line_of(self.raw.as_bytes(), self.body_start)
    }

    /// The line ending the file uses (`"\n"` or `"\r\n"`).
    pub fn newline(&self) -> &'static str {
        self.newline
    }

    /// The top-level keys in file order.
    pub fn keys(&self) -> &[KeyEntry] {
        self.keys.get_or_init(|| self.index_keys())
    }

    /// The entry of a top-level key.
    pub fn key(&self, key: &str) -> Option<&KeyEntry> {
        self.keys().iter().find(|k| k.key == key)
    }

    /// For a key whose value is a plain scalar on its own line (not quoted, not a list, a
    /// mapping or a block scalar): the value as written and the YAML comment after it
    /// (from its `#`), when there is one. `title: Fix bug #456` gives `("Fix bug",
    /// "#456")`: YAML reads the title as `Fix bug`.
    pub fn plain_value_comment(&self, key: &str) -> Option<(&str, &str)> {
        let entry = self.key(key)?;
        let value = &self.raw[entry.value.clone()];
        if value.is_empty() || value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!']) {
            return None;
        }
        let line_end = self.raw[entry.value.end..]
            .find('\n')
            .map_or(self.raw.len(), |i| entry.value.end + i);
        let rest = self.raw[entry.value.end..line_end].trim_end_matches(['\r', ' ', '\t']);
        let comment = rest.trim_start_matches([' ', '\t']);
        (comment.starts_with('#') && comment.len() < rest.len()).then_some((value, comment))
    }

    /// The 1-based line of a top-level key.
    pub fn key_line(&self, key: &str) -> Option<usize> {
        self.key(key).map(|k| k.line)
    }

    /// 1-based line of the opening fence.
    pub fn front_matter_line(&self) -> usize {
        self.front_line - 1
    }

    /// Parses the front matter into a YAML mapping. Error lines are file lines.
    ///
    /// Front matter made of simple `key: value` lines (what the tool and people write:
    /// plain and quoted scalars, numbers, flow and block lists of scalars, comments) is
    /// read by a fast line parser (`fast`) that gives exactly what the YAML parser would;
    /// anything else, or anything it is unsure about, goes through the YAML parser.
    pub fn front_matter(&self) -> Result<serde_yaml_ng::Mapping, DocumentError> {
        let text = self.front_text();
        if let Some(mapping) = fast::simple_front_matter(text) {
            return Ok(mapping);
        }
        if text.trim().is_empty() {
            return Ok(serde_yaml_ng::Mapping::new());
        }
        // Aliases need an anchor (`&`) and a reference (`*`); only then can they expand.
        let limit = crate::yaml_budget::limit_for(text.len());
        if text.contains('&') && text.contains('*') && crate::yaml_budget::exceeds(text, limit) {
            return Err(DocumentError::Yaml {
                line: self.front_line,
                column: 1,
                message: format!(
                    "YAML aliases expand to more than {limit} bytes (an alias bomb?); \
                     remove the anchors (`&name`) and aliases (`*name`)"
                ),
            });
        }
        match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
            Ok(serde_yaml_ng::Value::Mapping(m)) => Ok(m),
            Ok(serde_yaml_ng::Value::Null) => Ok(serde_yaml_ng::Mapping::new()),
            Ok(_) => Err(DocumentError::NotAMapping {
                line: self.front_matter_line(),
            }),
            Err(e) => {
                let (line, column) = e.location().map_or((self.front_line, 1), |l| {
                    (self.front_line + l.line() - 1, l.column())
                });
                Err(DocumentError::Yaml {
                    line,
                    column,
                    message: e
                        .to_string()
                        .split(" at line ")
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                })
            }
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_plain_value_comment() {
        let doc = Document::parse(
            "---\r\ntitle: Fix bug #456  \r\na: 'x' # c\r\nb: [x] # c\r\nc: C#\r\nd: x #\r\ne:  # c\r\n---\r\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(doc.plain_value_comment("title"), Some(("Fix bug", "#456")));
        assert_eq!(doc.plain_value_comment("d"), Some(("x", "#")));
        for key in ["a", "b", "c", "e", "missing"] {
            assert_eq!(doc.plain_value_comment(key), None, "{key}");
        }
    }

    #[test]
    fn test_front_matter_falls_back_to_yaml_parser() {
        let doc = Document::parse(SAMPLE.as_bytes()).unwrap();
        let fm = doc.front_matter().unwrap();
        assert_eq!(fm["labels"][0].as_str(), Some("auth"));
        assert_eq!(fm["title"].as_str(), Some("Sign in"));
    }

    #[test]
    fn test_parse_owned_equals_parse() {
        for text in [
            SAMPLE.as_bytes(),
            b"---\nid: X\n---\n\xff\n",
            b"no fence\n",
            b"---\n\0\n---\n",
        ] {
            assert_eq!(Document::parse_owned(text.to_vec()), Document::parse(text));
        }
    }

    #[test]
    fn test_keys_are_indexed_lazily_and_after_edits() {
        let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(doc.key_line("labels"), Some(5));
        doc.remove("id");
        assert_eq!(doc.key_line("labels"), Some(4));
        assert_eq!(doc.key_line("id"), None);
        let fresh = Document::parse(doc.as_str().as_bytes()).unwrap();
        assert_eq!(doc, fresh);
    }

    const SAMPLE: &str = "---\nid: B-7KX2\ntitle: Sign in  # the title\n# a comment\nlabels:\n  - auth\n  - web\nx-custom: {a: 1}\n---\nAs a user...\n";

    #[test]
    fn test_document_indexes_keys_and_lines() {
        let doc = Document::parse(SAMPLE.as_bytes()).unwrap();
        let keys: Vec<_> = doc
            .keys()
            .iter()
            .map(|k| (k.key.as_str(), k.line))
            .collect();
        assert_eq!(
            keys,
            [("id", 2), ("title", 3), ("labels", 5), ("x-custom", 8)]
        );
        assert_eq!(doc.body(), "As a user...\n");
        assert_eq!(doc.body_line(), 10);
    }

    #[test]
    fn test_document_set_keeps_comment() {
        let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
        assert!(doc.set("title", &FieldValue::Str("Log in".into())));
        assert!(doc.as_str().contains("title: Log in  # the title\n"));
        assert_eq!(doc.as_str().lines().count(), SAMPLE.lines().count());
    }

    #[test]
    fn test_document_set_block_list_stays_block() {
        let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
        doc.set("labels", &FieldValue::List(vec!["a".into(), "b c".into()]));
        assert!(
            doc.as_str()
                .contains("# a comment\nlabels:\n  - a\n  - \"b c\"\nx-custom"),
            "a block list stays a block list: {}",
            doc.as_str()
        );
        let fm = doc.front_matter().unwrap();
        assert_eq!(fm["labels"][1].as_str(), Some("b c"));
    }

    #[test]
    fn test_document_set_block_list_keeps_style_and_comments() {
        let text = "---\nid: X\ndepends_on:\n  - B-1   # why\n  - B-2\ntitle: t\n---\n";
        let mut doc = Document::parse(text.as_bytes()).unwrap();
        doc.set(
            "depends_on",
            &FieldValue::List(vec!["B-1".into(), "B-7".into(), "B-8".into()]),
        );
        assert_eq!(
            doc.as_str(),
            "---\nid: X\ndepends_on:\n  - B-1   # why\n  - B-7\n  - B-8\ntitle: t\n---\n"
        );
        assert!(!doc.set(
            "depends_on",
            &FieldValue::List(vec!["B-1".into(), "B-7".into(), "B-8".into()])
        ));
    }

    #[test]
    fn test_document_insert_and_remove() {
        let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
        doc.set("estimate", &FieldValue::Int(5));
        assert!(
            doc.as_str()
                .contains("x-custom: {a: 1}\nestimate: 5\n---\n")
        );
        assert!(doc.remove("estimate"));
        assert_eq!(doc.as_str(), SAMPLE);
        assert!(doc.remove("labels"));
        assert!(doc.as_str().contains("# a comment\nx-custom"));
    }

    #[test]
    fn test_document_crlf_and_bom() {
        let text = "\u{feff}---\r\nid: X-1\r\ntitle: t\r\n---\r\nbody";
        let mut doc = Document::parse(text.as_bytes()).unwrap();
        assert_eq!(doc.as_str(), text);
        doc.set("status", &FieldValue::Str("ready".into()));
        assert_eq!(
            doc.as_str(),
            "\u{feff}---\r\nid: X-1\r\ntitle: t\r\nstatus: ready\r\n---\r\nbody"
        );
    }

    #[test]
    fn test_error_messages_leave_the_line_to_the_front_end() {
        let errors = [
            DocumentError::NotUtf8 { line: 2 },
            DocumentError::Binary { line: 3 },
            DocumentError::TooLarge { size: 9, limit: 1 },
            DocumentError::MissingFrontMatter,
            DocumentError::Unterminated { line: 1 },
            DocumentError::Yaml {
                line: 4,
                column: 2,
                message: "bad".to_owned(),
            },
            DocumentError::NotAMapping { line: 1 },
            DocumentError::MergeConflict { line: 5 },
            DocumentError::Unsupported {
                key: "k".to_owned(),
                line: 6,
                reason: "why",
            },
        ];
        for e in errors {
            let text = e.to_string();
            assert!(!text.starts_with("line "), "{text}");
            assert!(!text.contains(&format!("line {}", e.line())), "{text}");
        }
        let e = crate::item::ItemError::BadId {
            line: 2,
            message: "`id` is missing".to_owned(),
        };
        assert_eq!(e.to_string(), "`id` is missing");
        assert_eq!(e.line(), 2);
    }

    #[test]
    fn test_document_errors_name_lines() {
        assert_eq!(
            Document::parse(b"no fence\n").unwrap_err(),
            DocumentError::MissingFrontMatter
        );
        assert_eq!(
            Document::parse(b"---\nid: x\n").unwrap_err(),
            DocumentError::Unterminated { line: 1 }
        );
        assert_eq!(
            Document::parse(b"---\nid: \xff\n---\n").unwrap_err(),
            DocumentError::NotUtf8 { line: 2 }
        );
        let doc = Document::parse(b"---\nid: x\ntitle: [unclosed\n---\n").unwrap();
        let err = doc.front_matter().unwrap_err();
        assert!(
            matches!(
                err,
                DocumentError::Yaml { line: 4, .. } | DocumentError::Yaml { line: 3, .. }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn test_scalar_quoting() {
        for s in [
            "true",
            "5",
            "null",
            "a: b",
            "#x",
            "",
            " lead",
            "multi\nline",
            "x\u{1b}[31m",
            "it's",
        ] {
            let yaml = format!("k: {}", FieldValue::Str(s.into()).to_yaml());
            let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
            assert_eq!(v["k"].as_str(), Some(s), "{yaml}");
        }
        assert_eq!(FieldValue::Str("Sign in".into()).to_yaml(), "Sign in");
    }

    fn arb_scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z][a-z0-9 -]{0,12}",
            "\"[a-z #:]{0,8}\"",
            "'[a-z #:]{0,8}'",
            "[0-9]{1,3}",
            Just("[a, b]".to_owned()),
            Just("{k: v}".to_owned()),
        ]
    }

    fn arb_doc() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            (arb_scalar(), proptest::option::of("[a-z ]{0,8}")).prop_map(|(v, c)| (v, c, false)),
            Just(("".to_owned(), None, true)),
        ];
        (
            proptest::bool::ANY,
            proptest::bool::ANY,
            proptest::collection::vec(line, 0..8),
            "[a-zA-Z #\\-\\[\\]\n]{0,40}",
            proptest::bool::ANY,
        )
            .prop_map(|(bom, crlf, lines, body, comment)| {
                let nl = if crlf { "\r\n" } else { "\n" };
                let mut s = String::new();
                if bom {
                    s.push('\u{feff}');
                }
                s.push_str("---");
                s.push_str(nl);
                if comment {
                    s.push_str("# leading comment");
                    s.push_str(nl);
                }
                for (i, (v, c, block)) in lines.into_iter().enumerate() {
                    if block {
                        s.push_str(&format!("k{i}:{nl}  - one{nl}  - two{nl}"));
                    } else {
                        s.push_str(&format!("k{i}: {v}"));
                        if let Some(c) = c {
                            s.push_str(&format!("  # {c}"));
                        }
                        s.push_str(nl);
                    }
                }
                s.push_str("---");
                s.push_str(nl);
                s.push_str(&body.replace('\n', nl));
                s
            })
    }

    proptest! {
        #[test]
        fn prop_unchanged_document_renders_byte_for_byte(text in arb_doc()) {
            let doc = Document::parse(text.as_bytes()).unwrap();
            prop_assert_eq!(doc.as_str(), text.as_str());
        }

        #[test]
        fn prop_set_existing_key_is_local(text in arb_doc(), n in 0usize..8, v in "[a-z]{1,6}") {
            let mut doc = Document::parse(text.as_bytes()).unwrap();
            let key = format!("k{n}");
            let Some(entry) = doc.key(&key).cloned() else { return Ok(()) };
            doc.set(&key, &FieldValue::Str(v.clone()));
            let before: Vec<&str> = text.split_inclusive('\n').collect();
            let after: Vec<&str> = doc.as_str().split_inclusive('\n').collect();
            let span_lines = text[entry.span.clone()].matches('\n').count().max(1);
            // Lines before and after the key's span are identical.
            let start = entry.line - 1;
            prop_assert_eq!(&before[..start], &after[..start]);
            prop_assert_eq!(&before[start + span_lines..], &after[start + 1..]);
            // The value reads back.
            let fm = doc.front_matter().unwrap();
            prop_assert_eq!(fm[key.as_str()].as_str(), Some(v.as_str()));
        }

        #[test]
        fn prop_insert_adds_exactly_one_line(text in arb_doc(), v in 0i64..100) {
            let mut doc = Document::parse(text.as_bytes()).unwrap();
            doc.set("estimate", &FieldValue::Int(v));
            let before: Vec<&str> = text.split_inclusive('\n').collect();
            let after: Vec<&str> = doc.as_str().split_inclusive('\n').collect();
            prop_assert_eq!(after.len(), before.len() + 1);
            let mut removed = after.clone();
            let pos = after.iter().position(|l| l.starts_with("estimate: ")).unwrap();
            removed.remove(pos);
            prop_assert_eq!(removed, before);
            doc.remove("estimate");
            prop_assert_eq!(doc.as_str(), text.as_str());
        }
    }
}
