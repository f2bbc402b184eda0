//! `config.yml` in the backlog folder: every setting has a default.

pub mod commit;
pub mod fields;
pub mod locate;
pub mod rules;
pub mod sprints;
pub mod wip;
mod yaml_error;

use std::path::Path;

use serde::Deserialize;

use crate::model::item::Item;

/// The status `split` gives the item it splits.
pub const SPLIT: &str = "split";
/// The status `merge` gives the duplicate it folds into another item.
pub const DUPLICATE: &str = "duplicate";
/// The closed states the tool itself assigns: the parent of a split, a merged duplicate.
pub const CLOSED_STATUSES: [&str; 2] = [SPLIT, DUPLICATE];

/// Team settings read from `<backlog>/config.yml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Prefix of minted IDs (`B` gives `B-7KX2`).
    pub id_prefix: String,
    /// Workflow statuses, in workflow order. `split` and `duplicate` are always allowed.
    pub statuses: Vec<String>,
    /// Statuses that claim an item is ready (the definition of ready applies to them).
    pub ready_statuses: Vec<String>,
    /// Statuses that count as finished for dependencies and velocity.
    pub done_statuses: Vec<String>,
    /// Status given to new items.
    pub default_status: String,
    /// Item types.
    pub types: Vec<String>,
    /// Type given to new items.
    pub default_type: String,
    /// Allowed story-point values.
    pub estimate_scale: Vec<u32>,
    /// Whether mutating commands record a commit, and the shape of their messages.
    pub commit: commit::CommitConfig,
    /// The rules of `backlog check` (definition of ready), each configurable.
    pub rules: rules::Rules,
    /// Thresholds of the priority matrix (`backlog matrix`).
    pub matrix: MatrixConfig,
    /// Planning-poker settings (`estimate ID --vote NAME=POINTS…`).
    pub estimation: Estimation,
    /// The sprint calendar and capacity (`plan`, `agenda`, `health`, `velocity`).
    pub sprints: sprints::SprintConfig,
    /// The team's definition of done: what every done item must have checked (`dod`,
    /// and the `done-incomplete` rule of `check`).
    pub definition_of_done: Vec<String>,
    /// Work-in-progress limits per status (`board`, `set`, the `wip-limit` rule).
    pub wip: wip::WipLimits,
    /// The team's typed custom fields.
    pub fields: fields::Fields,
}

/// `matrix:` in `config.yml`: where high value and high effort start. An unset threshold
/// is the median of the open items that have both a value and an estimate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatrixConfig {
    /// A value above this is high value.
    pub value_threshold: Option<f64>,
    /// An estimate above this is high effort.
    pub effort_threshold: Option<f64>,
}

/// Planning-poker settings: when do votes count as agreement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Estimation {
    /// The agreement rule for a round of votes.
    pub consensus: Consensus,
}

/// When a round of planning-poker votes counts as agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Consensus {
    /// Every vote is the same value.
    #[default]
    Unanimous,
    /// All votes lie within one step of the scale (`3` and `5`); the higher value is taken.
    Adjacent,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            id_prefix: "B".to_owned(),
            statuses: ["draft", "ready", "in-progress", "done"]
                .map(String::from)
                .to_vec(),
            ready_statuses: vec!["ready".to_owned()],
            done_statuses: vec!["done".to_owned()],
            default_status: "draft".to_owned(),
            types: ["story", "bug", "task", "spike", "epic", "chore"]
                .map(String::from)
                .to_vec(),
            default_type: "story".to_owned(),
            estimate_scale: vec![0, 1, 2, 3, 5, 8, 13, 20, 40, 100],
            commit: commit::CommitConfig::default(),
            rules: rules::Rules::default(),
            matrix: MatrixConfig::default(),
            estimation: Estimation::default(),
            sprints: sprints::SprintConfig::default(),
            definition_of_done: Vec::new(),
            wip: wip::WipLimits::default(),
            fields: fields::Fields::default(),
        }
    }
}

/// `config.yml` files larger than this are refused unread.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Why `config.yml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The YAML is invalid or has a wrong or unknown key.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Reads `config.yml` from `dir`; a missing file gives the defaults.
    ///
    /// The file is untrusted input (CI runs on strangers' pull requests): it must be a
    /// regular file inside `dir` (a symlink leading elsewhere is refused, never read) and
    /// at most [`MAX_CONFIG_BYTES`].
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let path = dir.join("config.yml");
        let shown = path.display().to_string();
        let io = |source: std::io::Error| ConfigError::Io {
            path: shown.clone(),
            source,
        };
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(io(e)),
        };
        if meta.file_type().is_symlink() {
            let inside = match (path.canonicalize(), dir.canonicalize()) {
                (Ok(target), Ok(dir)) => target.starts_with(dir) && target.is_file(),
                _ => false,
            };
            if !inside {
                return Err(io(std::io::Error::other(
                    "a symlink that leads outside the backlog folder; not followed",
                )));
            }
        } else if !meta.is_file() {
            return Err(io(std::io::Error::other("not a regular file")));
        }
        let file = std::fs::File::open(&path).map_err(io)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_CONFIG_BYTES as u64 + 1),
            &mut bytes,
        )
        .map_err(io)?;
        if bytes.len() > MAX_CONFIG_BYTES {
            return Err(io(std::io::Error::other(format!(
                "larger than {MAX_CONFIG_BYTES} bytes"
            ))));
        }
        let text =
            String::from_utf8(bytes).map_err(|_| io(std::io::Error::other("not valid UTF-8")))?;
        Self::parse(&text, &shown)
    }

    /// Parses config text; `path` names the file in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        // Every command loads the config: alias amplification here would cost them all.
        let limit = crate::document::budget::limit_for(text.len());
        if text.contains('&') && text.contains('*') && crate::document::budget::exceeds(text, limit)
        {
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                line: 1,
                message: format!(
                    "YAML aliases expand to more than {limit} bytes; write the values out"
                ),
            });
        }
        let mut config: Self = serde_yaml_ng::from_str(text).map_err(|e| {
            let (line, message) = yaml_error::describe(text, &e);
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                message,
            }
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            line: 1,
            message,
        };
        if config.estimate_scale.is_empty() {
            return Err(invalid("estimate_scale must not be empty".to_owned()));
        }
        if config.statuses.is_empty() {
            return Err(invalid("statuses must not be empty".to_owned()));
        }
        if config.id_prefix.is_empty()
            || !config.id_prefix.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(invalid(format!(
                "id_prefix {:?} must be letters and digits",
                config.id_prefix
            )));
        }
        let invalid_at = |key: &[&str], message: String| ConfigError::Invalid {
            path: path.to_owned(),
            line: locate::key_line(text, key),
            message,
        };
        config
            .commit
            .compile()
            .map_err(|e| invalid_at(&["commit", "template"], e.to_string()))?;
        config.sprints.validate().map_err(invalid)?;
        let mut seen = std::collections::HashSet::new();
        for entry in &config.definition_of_done {
            if entry.trim().is_empty() || entry.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "definition_of_done entry {entry:?} must be one line of text"
                )));
            }
            if !seen.insert(
                entry
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            ) {
                return Err(invalid(format!("definition_of_done lists {entry:?} twice")));
            }
        }
        // A team that renames its statuses or types without naming a default gets the
        // first one; a default that is named but unknown is an error.
        let defaults = Self::default();
        if !config.is_known_status(&config.default_status) {
            if config.default_status == defaults.default_status {
                config.default_status = config.statuses[0].clone();
            } else {
                return Err(invalid(format!(
                    "default_status {:?} is not one of the statuses",
                    config.default_status
                )));
            }
        }
        if !config.types.contains(&config.default_type) {
            if config.default_type == defaults.default_type && !config.types.is_empty() {
                config.default_type = config.types[0].clone();
            } else {
                return Err(invalid(format!(
                    "default_type {:?} is not one of the types",
                    config.default_type
                )));
            }
        }
        for (key, list) in [
            ("ready_statuses", &config.ready_statuses),
            ("done_statuses", &config.done_statuses),
        ] {
            if let Some(bad) = list.iter().find(|s| !config.is_known_status(s)) {
                return Err(invalid(format!(
                    "{key} names {bad:?}, which is not one of the statuses"
                )));
            }
        }
        config
            .wip
            .validate(|s| config.is_known_status(s))
            .map_err(|(status, message)| invalid_at(&["wip", &status], message))?;
        config
            .fields
            .validate(|s| config.is_known_status(s))
            .map_err(|(at, message)| {
                let mut path = vec!["fields"];
                path.extend(at.iter().map(String::as_str));
                invalid_at(&path, message)
            })?;
        Ok(config)
    }

    /// Whether `status` is known (configured or one of the closed states).
    pub fn is_known_status(&self, status: &str) -> bool {
        self.statuses.iter().any(|s| s == status) || CLOSED_STATUSES.contains(&status)
    }

    /// Whether `status` claims readiness.
    pub fn is_ready_status(&self, status: &str) -> bool {
        self.ready_statuses.iter().any(|s| s == status)
    }

    /// Whether `status` counts as finished.
    pub fn is_done_status(&self, status: &str) -> bool {
        self.done_statuses.iter().any(|s| s == status)
    }

    /// Whether `status` is finished or closed (no more work expected).
    pub fn is_closed_status(&self, status: &str) -> bool {
        self.is_done_status(status) || CLOSED_STATUSES.contains(&status)
    }

    /// The item's status, or the configured `default_status` when it has none.
    pub fn status<'a>(&'a self, item: &'a Item) -> &'a str {
        item.status.as_deref().unwrap_or(&self.default_status)
    }

    /// Whether the item is open: neither done nor closed.
    pub fn is_open(&self, item: &Item) -> bool {
        !self.is_closed_status(self.status(item))
    }

    /// Whether an open item is in progress: its status comes after every ready status
    /// in the configured workflow.
    pub fn is_in_progress(&self, item: &Item) -> bool {
        let status = self.status(item);
        if self.is_closed_status(status) || self.is_ready_status(status) {
            return false;
        }
        let Some(pos) = self.statuses.iter().position(|s| s == status) else {
            return false;
        };
        self.statuses
            .iter()
            .rposition(|s| self.is_ready_status(s))
            .is_some_and(|last_ready| pos > last_ready)
    }

    /// Whether `points` is on the estimate scale.
    pub fn on_scale(&self, points: u32) -> bool {
        self.estimate_scale.contains(&points)
    }

    /// The scale as text, for messages: `0, 1, 2, 3, 5, 8`.
    pub fn scale_text(&self) -> String {
        let parts: Vec<String> = self.estimate_scale.iter().map(u32::to_string).collect();
        parts.join(", ")
    }
}

/// The commented `config.yml` that `init` writes.
pub const DEFAULT_CONFIG_YML: &str = "\
# backlog configuration: every key is optional; these are the defaults.
id_prefix: B
# Workflow statuses in order. `split` and `duplicate` are always allowed (closed states).
statuses: [draft, ready, in-progress, done]
# Statuses that claim an item is ready: `backlog check` applies the definition of ready.
ready_statuses: [ready]
# Statuses that count as finished (dependencies, velocity).
done_statuses: [done]
default_status: draft
types: [story, bug, task, spike, epic, chore]
default_type: story
# Allowed story points; anything else is refused.
estimate_scale: [0, 1, 2, 3, 5, 8, 13, 20, 40, 100]
# Record a git commit for every change (same as passing --no-commit when false).
commit: true
# Or, to shape the messages for the repository's own rules (conventional commits, DCO):
# commit:
#   enabled: true
#   template: \"chore(backlog): {op} {ids}: {summary}\"  # the subject line
#   sign_off: true               # adds Signed-off-by: from the git identity
# `backlog check`: the definition of ready for items whose status is in ready_statuses.
# Each rule can be switched off (enabled: false) or made a warning (severity: warning).
rules:
  estimate: {enabled: true, severity: error}            # an estimate on the scale
  too_big: {enabled: true, severity: error, max_estimate: 8}   # bigger must be split
  acceptance_criteria: {enabled: true, severity: error, min: 1}
  story_form: {enabled: true, severity: error, types: [story]} # the user-story form
  dependencies: {enabled: true, severity: error}        # done or ranked above
  required_fields: {enabled: true, severity: error, fields: []} # e.g. [owner]
  rank_collision: {enabled: true, severity: warning}    # two items with one rank key
  long_rank: {enabled: true, severity: warning, max_length: 12}
  done_incomplete: {enabled: true, severity: warning}   # done with unchecked boxes
  unknown_key: {enabled: false, severity: warning}      # keys that are not known (typos)
# The definition of done: every done item checks these off (`backlog dod ID`), on top of
# its acceptance criteria and its own `## Definition of done` checklist.
definition_of_done: []
# definition_of_done: [Code reviewed, Docs updated, Deployed to production]
# Priority matrix (`backlog matrix`): above a threshold is high value / high effort.
# Unset thresholds are the medians of the open items.
# matrix:
#   value_threshold: 5
#   effort_threshold: 5
# Planning poker (`estimate ID --vote NAME=POINTS…`): `unanimous` needs every vote equal;
# `adjacent` accepts votes within one step of the scale and records the higher value.
estimation:
  consensus: unanimous
# Sprints (`plan`, `agenda`, `health`, `velocity`). Sprints repeat every length_days from
# start; a name fills {year} (of its first day) and {number} (its position among the
# sprints starting that year), or {start} (its first day).
sprints:
  length_days: 14
  # start: 2026-01-05          # the first day of any sprint (default: Monday 2024-01-01)
  naming: \"{year}-S{number}\"
  capacity: auto               # points per sprint, or auto: average of the last 3 sprints
  horizon: 2                   # sprints that should be ready ahead
  stale_days: 30               # untouched longer than this is stale
  refinement_share: 0.1        # share of the sprint spent refining (agenda budget)
";

#[cfg(test)]
mod tests {
    use super::*;

    fn item(status: Option<&str>) -> Item {
        let status = status.map_or(String::new(), |s| format!("status: {s}\n"));
        let text = format!("---\nid: B-1\ntitle: t\n{status}---\n");
        Item::from_document(&crate::document::Document::parse(text.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn test_status_vocabulary_uses_the_configured_default() {
        let c = Config::parse(
            "statuses: [todo, ready, doing, done]\nready_statuses: [ready]\n\
             done_statuses: [done]\ndefault_status: todo\n",
            "c",
        )
        .unwrap();
        // An item without `status` is `todo` here, not the built-in `draft`.
        assert_eq!(c.status(&item(None)), "todo");
        assert!(c.is_known_status(c.status(&item(None))));
        assert!(c.is_open(&item(None)));
        assert!(!c.is_in_progress(&item(None)));
        assert!(c.is_in_progress(&item(Some("doing"))));
        assert!(!c.is_in_progress(&item(Some("ready"))));
        for closed in ["done", SPLIT, DUPLICATE] {
            assert!(!c.is_open(&item(Some(closed))), "{closed}");
            assert!(!c.is_in_progress(&item(Some(closed))), "{closed}");
        }
        assert_eq!(Config::default().status(&item(None)), "draft");
    }

    #[test]
    fn test_definition_of_done_is_read_and_checked() {
        let c = Config::parse(
            "definition_of_done: [Code reviewed, Docs updated]\n",
            "c.yml",
        )
        .unwrap();
        assert_eq!(c.definition_of_done, ["Code reviewed", "Docs updated"]);
        assert!(Config::parse("definition_of_done: [a, ' A ']\n", "c.yml").is_err());
        assert!(Config::parse("definition_of_done: ['']\n", "c.yml").is_err());
        let c = Config::parse("rules:\n  done_incomplete: {severity: error}\n", "c.yml").unwrap();
        assert_eq!(c.rules.done_incomplete.severity, rules::Severity::Error);
    }

    #[test]
    fn test_config_alias_amplification_is_refused() {
        // D1 in config.yml: every command loads it, so 20,000 aliases of a 100 KB status
        // (2 GB expanded) must be refused, not built.
        let s = "S".repeat(100_000);
        let refs = vec!["*x"; 20_000].join(", ");
        let text = format!("statuses: [draft, ready, in-progress, done, &x \"{s}\", {refs}]\n");
        let err = Config::parse(&text, "backlog/config.yml").unwrap_err();
        assert!(
            err.to_string().contains("YAML aliases expand to more than"),
            "{err}"
        );
        // Ordinary anchors still work.
        let ok = "statuses: &s [draft, ready, done]\nready_statuses: [ready]\n";
        assert!(Config::parse(ok, "c.yml").is_ok());
    }

    #[test]
    fn test_config_defaults_and_parse() {
        assert_eq!(
            Config::parse(DEFAULT_CONFIG_YML, "c").unwrap(),
            Config::default()
        );
        let c = Config::parse("estimate_scale: [1, 2, 4]\n", "c").unwrap();
        assert_eq!(c.estimate_scale, [1, 2, 4]);
        assert_eq!(c.id_prefix, "B");
        let c = Config::parse("matrix:\n  value_threshold: 5\n", "c").unwrap();
        assert_eq!(c.matrix.value_threshold, Some(5.0));
        assert_eq!(c.matrix.effort_threshold, None);
        assert!(Config::parse("matrix:\n  value: 5\n", "c").is_err());
    }

    #[test]
    fn test_config_estimation_consensus() {
        let c = Config::parse("estimation:\n  consensus: adjacent\n", "c").unwrap();
        assert_eq!(c.estimation.consensus, Consensus::Adjacent);
        assert_eq!(Config::default().estimation.consensus, Consensus::Unanimous);
        assert!(Config::parse("estimation:\n  consensus: majority\n", "c").is_err());
    }

    #[test]
    fn test_config_defaults_follow_renamed_statuses() {
        let c = Config::parse(
            "statuses: [todo, doing, done]\nready_statuses: [doing]\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.default_status, "todo");
        assert!(
            Config::parse(
                "statuses: [todo]\nready_statuses: [todo]\ndefault_status: x\n",
                "c"
            )
            .is_err()
        );
        assert!(
            Config::parse("statuses: [todo, done]\n", "c").is_err(),
            "ready is unknown"
        );
    }

    #[test]
    fn test_config_load_refuses_links_out_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), "SECRET=1\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("config.yml")).unwrap();
        let err = Config::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("outside the backlog folder") && !err.contains("SECRET"),
            "{err}"
        );
        std::fs::remove_file(dir.path().join("config.yml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("config.yml")).unwrap();
        assert!(Config::load(dir.path()).is_err());
    }

    #[test]
    fn test_config_errors_name_line() {
        let err = Config::parse("id_prefix: B\nestimate_scal: [1]\n", "backlog/config.yml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("backlog/config.yml:2:"), "{err}");
    }
}
