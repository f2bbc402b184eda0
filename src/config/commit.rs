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

use crate::git::message::{Template, TemplateError};

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
