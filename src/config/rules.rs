//! The `rules:` section of `config.yml`: every definition-of-ready rule (and the warnings
//! about rank keys) can be switched off, given a severity, and tuned.
//!
//! ```yaml
//! rules:
//!   estimate: {enabled: true, severity: error}              # estimate-missing, estimate-off-scale
//!   too_big: {enabled: true, severity: error, max_estimate: 8}
//!   acceptance_criteria: {enabled: true, severity: error, min: 1}
//!   story_form: {enabled: true, severity: error, types: [story]}
//!   dependencies: {enabled: true, severity: error}          # dependency-not-ready
//!   required_fields: {enabled: true, severity: error, fields: [owner]}
//!   rank_collision: {enabled: true, severity: warning}
//!   long_rank: {enabled: true, severity: warning, max_length: 12}
//!   done_incomplete: {enabled: true, severity: warning}      # the definition of done
//!   wip_limit: {enabled: true, severity: warning}            # limits in `wip:`
//!   unknown_key: {enabled: false, severity: warning}         # front-matter keys not known
//!   title_comment: {enabled: true, severity: warning}        # a plain title cut at ` #`
//! ```
//!
//! Integrity problems (unreadable files, wrong types, unknown status or type, duplicate
//! IDs, missing references, dependency cycles, invalid rank keys) are always errors: the
//! other commands cannot work correctly with them.

use serde::{Deserialize, Serialize};

/// How much a finding matters: errors fail `check`; warnings fail it only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the check.
    Error,
    /// Reported; fails the check only when it is strict.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// A rule without parameters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Toggle {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
}

impl Toggle {
    fn new(severity: Severity) -> Self {
        Self {
            enabled: true,
            severity,
        }
    }
}

impl Default for Toggle {
    fn default() -> Self {
        Self::new(Severity::Error)
    }
}

/// `too_big`: the estimate must be at most `max_estimate`; bigger items must be split.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TooBig {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
    /// The largest estimate a ready item may have.
    pub max_estimate: u32,
}

impl Default for TooBig {
    fn default() -> Self {
        Self {
            enabled: true,
            severity: Severity::Error,
            max_estimate: 8,
        }
    }
}

/// `acceptance_criteria`: at least `min` acceptance criteria (`min: 0` never fires).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcceptanceCriteria {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
    /// The fewest criteria a ready item may have.
    pub min: usize,
}

impl Default for AcceptanceCriteria {
    fn default() -> Self {
        Self {
            enabled: true,
            severity: Severity::Error,
            min: 1,
        }
    }
}

/// `story_form`: items of these types open with "As a …, I want … so that …".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoryForm {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
    /// The item types the rule applies to (an item without `type` has the default type).
    pub types: Vec<String>,
}

impl Default for StoryForm {
    fn default() -> Self {
        Self {
            enabled: true,
            severity: Severity::Error,
            types: vec!["story".to_owned()],
        }
    }
}

/// `required_fields`: front-matter keys every ready item must fill in (e.g. `owner`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequiredFields {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
    /// The keys.
    pub fields: Vec<String>,
}

impl Default for RequiredFields {
    fn default() -> Self {
        Self {
            enabled: true,
            severity: Severity::Error,
            fields: Vec::new(),
        }
    }
}

/// `long_rank`: rank keys longer than `max_length` characters (a sign that many inserts
/// at one spot call for a rebalance).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LongRank {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
    /// The longest key that is not reported.
    pub max_length: usize,
}

impl Default for LongRank {
    fn default() -> Self {
        Self {
            enabled: true,
            severity: Severity::Warning,
            max_length: 12,
        }
    }
}

/// The configurable rules of `backlog check` (`rules:` in `config.yml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// `estimate-missing`, `estimate-off-scale`: a ready item has an estimate on the scale.
    pub estimate: Toggle,
    /// `too-big`: a ready item's estimate is at most the maximum.
    pub too_big: TooBig,
    /// `no-acceptance-criteria`: a ready item has acceptance criteria.
    pub acceptance_criteria: AcceptanceCriteria,
    /// `story-form`: a ready story follows the user-story form.
    pub story_form: StoryForm,
    /// `dependency-not-ready`: every dependency of a ready item exists and is done or
    /// ranked above it.
    pub dependencies: Toggle,
    /// `required-field`: keys the team requires on ready items.
    pub required_fields: RequiredFields,
    /// `rank-collision`: two items share a rank key (every item is checked).
    pub rank_collision: Toggle,
    /// `long-rank`: a rank key is long enough to call for a rebalance (every item).
    pub long_rank: LongRank,
    /// `done-incomplete`: a done item has an unchecked acceptance criterion or an
    /// unchecked entry of its definition of done (`definition_of_done` in `config.yml`
    /// plus the item's `## Definition of done` checklist).
    pub done_incomplete: Toggle,
    /// `wip-limit`: a status holds more items than its `wip:` limit allows (a warning by
    /// default).
    pub wip_limit: Toggle,
    /// `unknown-key`: a front-matter key that is not a known key (off by default: unknown
    /// keys are allowed and kept; on, it catches typos such as `stauts`).
    pub unknown_key: Toggle,
    /// `title-comment`: a plain (unquoted) title followed by ` #…`, which YAML reads as a
    /// comment, so `title: Fix bug #456 in export` is the title `Fix bug` (a warning).
    pub title_comment: Toggle,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            estimate: Toggle::default(),
            too_big: TooBig::default(),
            acceptance_criteria: AcceptanceCriteria::default(),
            story_form: StoryForm::default(),
            dependencies: Toggle::default(),
            required_fields: RequiredFields::default(),
            rank_collision: Toggle::new(Severity::Warning),
            long_rank: LongRank::default(),
            done_incomplete: Toggle::new(Severity::Warning),
            wip_limit: Toggle::new(Severity::Warning),
            unknown_key: Toggle {
                enabled: false,
                severity: Severity::Warning,
            },
            title_comment: Toggle::new(Severity::Warning),
        }
    }
}
