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
mod edit;
mod fast;
mod json;
mod lines;

pub use fast::{Scanned, scan_keys, split_front};
pub use json::{key_string, yaml_to_json};
use lines::{Open, is_fence, lines_with_offsets, parse_key_line, strip_eol, value_range};
pub use lines::{conflict_marker_line, line_of};

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
            // Control characters, and what YAML does not take raw in a scalar: its
            // non-characters and byte order mark, and the Unicode line breaks (found by
            // fuzz/document_edit: a value with U+FEFF made the file unreadable).
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
                ) =>
            {
                out.push_str(&format!("\\u{:04X}", u32::from(c)))
            }
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
        if let Some(line) = conflict_marker_line(&raw) {
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
        // A quoted scalar or flow collection still open from an earlier line.
        let mut open = Open::default();
        for (line_no, (at, line)) in (self.front_line..).zip(lines_with_offsets(front, 0)) {
            let at = at + self.front.start;
            let text = strip_eol(line);
            if open.is_open() {
                open = open.scan(text);
                last_content_end = at + line.len();
                if let Some(prev) = keys.last_mut() {
                    prev.span.end = last_content_end;
                }
            } else if let Some((key, after_colon)) = parse_key_line(text) {
                open = Open::after_value(&text[after_colon..]);
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

    /// A front matter with no keys (blank and comment lines): an empty mapping, which
    /// `set` fills by adding lines, unless a blank line holds anything but spaces (a tab, a
    /// vertical tab, another control character): YAML reads such a line alone but refuses
    /// it before a key, so the first key added would make the file unreadable (found by
    /// fuzz/document_edit). Refused with its line instead.
    fn empty_front_matter(&self, text: &str) -> Result<serde_yaml_ng::Mapping, DocumentError> {
        let odd = text.lines().position(|l| {
            let t = l.trim_start_matches(' ');
            !(t.is_empty() || t == "\r" || t.starts_with('#'))
        });
        match odd {
            Some(at) => Err(DocumentError::Yaml {
                line: self.front_line + at,
                column: 1,
                message: "a tab or control character in a blank line (YAML allows only \
                          spaces there)"
                    .to_owned(),
            }),
            None => Ok(serde_yaml_ng::Mapping::new()),
        }
    }

    /// Parses the front matter into a YAML mapping. Error lines are file lines.
    ///
    /// Front matter made of simple `key: value` lines (what the tool and people write:
    /// plain and quoted scalars, numbers, flow and block lists of scalars, comments) is
    /// read by a fast line parser (`fast`) that gives exactly what the YAML parser would;
    /// anything else, or anything it is unsure about, goes through the YAML parser.
    pub fn front_matter(&self) -> Result<serde_yaml_ng::Mapping, DocumentError> {
        let text = self.front_text();
        // YAML reads a lone CR as a line break, the editor (and `git diff`) do not: a key
        // after one would be invisible to `set`, which would then add a second (found by
        // fuzz/document_edit). LF and CRLF files are fine.
        if let Some(at) = lone_carriage_return(text) {
            let before = &text[..at];
            return Err(DocumentError::Yaml {
                line: self.front_line + before.matches('\n').count(),
                column: at - before.rfind('\n').map_or(0, |n| n + 1) + 1,
                message: "a carriage return without a line feed (an old Mac line ending); \
                          use LF or CRLF line endings"
                    .to_owned(),
            });
        }
        if let Some(mapping) = fast::simple_front_matter(text) {
            return Ok(mapping);
        }
        // A byte order mark belongs before the opening fence (where it is skipped); inside
        // the front matter YAML takes it as the start of a stream, and a key added after
        // it makes a second document (found by fuzz/document_edit).
        if let Some(at) = text.find('\u{FEFF}') {
            return Err(DocumentError::Yaml {
                line: self.front_line + text[..at].matches('\n').count(),
                column: 1,
                message: "a byte order mark (U+FEFF) inside the front matter; remove it".to_owned(),
            });
        }
        // `---` or `...` at the start of a line, then a blank or a comment, is a YAML
        // document marker: the mapping ends there, and a key added after it would make a
        // second document (found by fuzz/document_edit).
        if let Some(at) = document_marker(text) {
            return Err(DocumentError::Yaml {
                line: self.front_line + at,
                column: 1,
                message: "a YAML document marker (`---` or `...`) inside the front matter"
                    .to_owned(),
            });
        }
        if text.trim().is_empty() {
            return self.empty_front_matter(text);
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
            // The editor reads and writes keys at the start of a line; a mapping indented
            // as a whole is valid YAML, but a key `set` added at column 1 would end it
            // (found by fuzz/document_edit).
            Ok(serde_yaml_ng::Value::Mapping(_)) if let Some(at) = indented_top(text) => {
                Err(DocumentError::Yaml {
                    line: self.front_line + at,
                    column: 1,
                    message: "front matter keys must start at the beginning of the line \
                              (this mapping is indented)"
                        .to_owned(),
                })
            }
            // Every key the parser found must be a `key:` line the editor knows, or `set`
            // would add a second copy of it, or a key that ends the mapping: a mapping
            // that starts with an anchor or tag on a line of its own and goes on
            // indented, keys written as `? key`, a flow mapping (`{a: 1}`, or an empty
            // `{}`) as the whole front matter (found by fuzz/document_edit).
            Ok(serde_yaml_ng::Value::Mapping(m))
                if (m.is_empty() && !comments_only(text))
                    || m.len() > self.keys().len()
                    || m.keys()
                        .any(|k| k.as_str().is_some_and(|k| self.key(k).is_none())) =>
            {
                Err(DocumentError::Yaml {
                    line: self.front_line + unindexed_line(text).unwrap_or(0),
                    column: 1,
                    message: "front matter keys must each start a line as `key: value`".to_owned(),
                })
            }
            Ok(serde_yaml_ng::Value::Mapping(m)) => Ok(m),
            // Comments only: no keys yet (`set` adds the first). A null written out (`~`,
            // `null`) is a scalar document, not an empty mapping: a key added after it
            // would make the YAML unreadable (found by fuzz/document_edit).
            Ok(serde_yaml_ng::Value::Null) if comments_only(text) => self.empty_front_matter(text),
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
}

/// The 0-based line of `text`'s first content line (not blank, not a comment) when it
/// is indented; `None` when it starts at the beginning of its line.
fn indented_top(text: &str) -> Option<usize> {
    let (at, line) = text.lines().enumerate().find(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })?;
    line.starts_with([' ', '\t']).then_some(at)
}

/// The 0-based line of `text`'s first line at the beginning of the line that is no
/// blank, comment or `key:` line.
fn unindexed_line(text: &str) -> Option<usize> {
    text.lines().position(|l| {
        let t = strip_eol(l);
        !(t.trim().is_empty() || t.starts_with([' ', '\t', '#']) || parse_key_line(t).is_some())
    })
}

/// The 0-based line of the first YAML document marker in `text`: `---` or `...` at the
/// start of a line, followed by the end of the line or a blank.
fn document_marker(text: &str) -> Option<usize> {
    text.lines().position(|l| {
        (l.starts_with("---") || l.starts_with("..."))
            && l[3..].chars().next().is_none_or(|c| c.is_whitespace())
    })
}

/// Whether `text` has nothing but blank lines and comment lines.
fn comments_only(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// The byte offset of the first CR in `text` that does not start a CRLF.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).find(|&at| bytes.get(at + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests;
