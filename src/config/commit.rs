//! `commit:` in `config.yml`: whether mutating commands commit, and how their messages
//! look.
//!
//! ```yaml
//! commit: true                 # the short form: on or off
//! commit:                      # the long form
//!   enabled: true
//!   template: "chore(backlog): {op} {ids}: {summary}"   # the subject line
//!   sign_off: true             # add `Signed-off-by:` from the committer identity (DCO)
//! ```
//!
//! The template is validated when the file is read (see `Config::parse`), so a typo is
//! reported with the file and line rather than at the first commit.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

/// Commit settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitConfig {
    /// Whether mutating commands record a commit.
    pub enabled: bool,
    /// The subject template; `None` is the default `backlog: <summary>`.
    pub template: Option<Template>,
    /// Whether to add a `Signed-off-by:` trailer from the committer identity.
    pub sign_off: bool,
    /// The template as written, until [`CommitConfig::compile`] checks it.
    source: Option<String>,
}

impl CommitConfig {
    /// Parses the template read from the file (called by `Config::parse`, which knows
    /// the line to report).
    pub(crate) fn compile(&mut self) -> Result<(), TemplateError> {
        if let Some(text) = self.source.take() {
            self.template = Some(Template::parse(&text)?);
        }
        Ok(())
    }
}

impl Default for CommitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            template: None,
            sign_off: false,
            source: None,
        }
    }
}

impl<'de> Deserialize<'de> for CommitConfig {
    fn deserialize<D: de::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(CommitVisitor)
    }
}

struct CommitVisitor;

const KEYS: &[&str] = &["enabled", "template", "sign_off"];

impl<'de> Visitor<'de> for CommitVisitor {
    type Value = CommitConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true, false, or a mapping with enabled, template and sign_off")
    }

    fn visit_bool<E: de::Error>(self, enabled: bool) -> Result<CommitConfig, E> {
        Ok(CommitConfig {
            enabled,
            ..CommitConfig::default()
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<CommitConfig, E> {
        Ok(CommitConfig::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CommitConfig, A::Error> {
        let mut out = CommitConfig::default();
        let mut seen = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `commit.{key}`"
                )));
            }
            match key.as_str() {
                "enabled" => out.enabled = map.next_value()?,
                "template" => out.source = map.next_value()?,
                "sign_off" => out.sign_off = map.next_value()?,
                _ => return Err(de::Error::unknown_field(&key, KEYS)),
            }
            seen.push(key);
        }
        Ok(out)
    }
}

/// A `commit.template` from `config.yml`: one line with `{op}`, `{ids}` and `{summary}`
/// placeholders, for example `chore(backlog): {op} {ids}: {summary}`.
///
/// * `{op}` is the operation (`estimate`, `set`, `add`…),
/// * `{ids}` the IDs the default subject names (`B-7KX2`, or `B-1, B-2`),
/// * `{summary}` what changed (`3 -> 5`).
///
/// `{{` and `}}` stand for literal braces. A placeholder that comes out empty (an
/// operation without IDs, such as `init`) takes one space before it along, so
/// `{op} {ids}: {summary}` gives `init: backlog`, not `init : backlog`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Op,
    Ids,
    Summary,
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The template is empty or only spaces.
    #[error("commit.template is empty; remove it to use the default `backlog: <summary>`")]
    Empty,
    /// The template has more than one line (the body and trailers are the tool's).
    #[error(
        "commit.template must be one line (the subject); the body and trailers are added by backlog"
    )]
    MultiLine,
    /// `{name}` is not a known placeholder.
    #[error(
        "commit.template has an unknown placeholder {{{name}}}; use {{op}}, {{ids}} or {{summary}}"
    )]
    UnknownPlaceholder {
        /// The name between the braces.
        name: String,
    },
    /// A `{` without its `}` or a lone `}`.
    #[error(
        "commit.template has an unmatched `{brace}`; write `{brace}{brace}` for a literal brace"
    )]
    Unmatched {
        /// The brace.
        brace: char,
    },
    /// Without `{summary}` the subject would not say what changed.
    #[error("commit.template must contain {{summary}} so the subject says what changed")]
    NoSummary,
}

impl Template {
    /// Parses and validates a template.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        if text.contains(['\n', '\r']) {
            return Err(TemplateError::MultiLine);
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err(TemplateError::Unmatched { brace: '}' }),
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(TemplateError::Unmatched { brace: '{' }),
                        }
                    }
                    let part = match name.as_str() {
                        "op" => Part::Op,
                        "ids" => Part::Ids,
                        "summary" => Part::Summary,
                        _ => return Err(TemplateError::UnknownPlaceholder { name }),
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(part);
                }
                c if c.is_control() => return Err(TemplateError::MultiLine),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        if !parts.contains(&Part::Summary) {
            return Err(TemplateError::NoSummary);
        }
        Ok(Self {
            parts,
            text: text.to_owned(),
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Fills the placeholders: `op` the operation, `ids` the IDs the default subject
    /// names, `what` what changed (see `git::message::Subject`).
    pub fn render(&self, op: &str, ids: &str, what: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            let value = match part {
                Part::Literal(text) => {
                    out.push_str(text);
                    continue;
                }
                Part::Op => op,
                Part::Ids => ids,
                Part::Summary => what,
            };
            if value.is_empty() {
                if out.ends_with(' ') {
                    out.pop();
                }
            } else {
                out.push_str(value);
            }
        }
        out.trim().to_owned()
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn test_commit_short_and_long_forms() {
        let c = Config::parse("commit: false\n", "c.yml").unwrap();
        assert!(!c.commit.enabled);
        let c = Config::parse(
            "id_prefix: B\ncommit:\n  template: \"chore(backlog): {op} {ids}: {summary}\"\n  sign_off: true\n",
            "c.yml",
        )
        .unwrap();
        assert!(c.commit.enabled && c.commit.sign_off);
        assert_eq!(
            c.commit.template.unwrap().as_str(),
            "chore(backlog): {op} {ids}: {summary}"
        );
    }

    #[test]
    fn test_commit_errors_name_file_and_line() {
        let err = Config::parse(
            "id_prefix: B\ncommit:\n  enabled: true\n  template: \"{op}: {what}\"\n",
            "backlog/config.yml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("backlog/config.yml:4:"), "{err}");
        assert!(err.contains("{what}"), "{err}");
        let err = Config::parse("commit:\n  sign-off: true\n", "backlog/config.yml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("backlog/config.yml:2:") && err.contains("sign_off"),
            "{err}"
        );
        let err = Config::parse("commit:\n  sign_off: yes please\n", "c.yml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.yml:2:"), "{err}");
    }
}
