//! The rules `check` reports, and what a finding is about.

use std::fmt;

use serde::Serialize;

/// A check rule. Serialized (and displayed) as its kebab-case ID, the name users see in
/// `check` output, `--format json` and CI annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    // Files that do not load.
    /// The file cannot be read.
    Unreadable,
    /// A symlink leading outside the backlog folder.
    SymlinkOutside,
    /// The `id` is missing or unusable.
    InvalidId,
    /// The file is not UTF-8.
    NotUtf8,
    /// The file contains NUL bytes.
    BinaryFile,
    /// The file is over the size limit.
    FileTooLarge,
    /// Unresolved merge-conflict markers.
    MergeConflict,
    /// The front matter does not parse.
    ParseError,

    // Integrity of one item.
    /// A known key with a value of the wrong type or shape.
    InvalidField,
    /// A status that is not in the configured workflow.
    UnknownStatus,
    /// A type that is not configured.
    UnknownType,
    /// A reference (`depends_on`, `parent`, `duplicate_of`) to no item.
    MissingReference,
    /// A rank key that is not a fractional index.
    InvalidRank,
    /// A very long rank key.
    LongRank,
    /// A front-matter key that is not a known key (optional rule, off by default).
    UnknownKey,
    /// A plain title cut short by ` #`, which YAML reads as the start of a comment.
    TitleComment,

    // Integrity of the backlog.
    /// Two files with the same ID.
    DuplicateId,
    /// Two items with the same rank key.
    RankCollision,
    /// A dependency cycle.
    DependencyCycle,

    // The definition of ready.
    /// No estimate.
    EstimateMissing,
    /// An estimate off the scale.
    EstimateOffScale,
    /// An estimate over the maximum for a ready item.
    TooBig,
    /// Too few acceptance criteria.
    NoAcceptanceCriteria,
    /// The story does not follow the user-story form.
    StoryForm,
    /// A dependency that is missing, closed without being done, or ranked below.
    DependencyNotReady,
    /// A field the team requires is missing or blank.
    RequiredField,

    // The definition of done.
    /// A done item with unchecked criteria or definition-of-done entries.
    DoneIncomplete,

    // Team conventions.
    /// A status (or an owner in it) over its `wip:` limit.
    WipLimit,
}

impl Rule {
    /// Every rule, in declaration order.
    pub const ALL: &'static [Rule] = &[
        Rule::Unreadable,
        Rule::SymlinkOutside,
        Rule::InvalidId,
        Rule::NotUtf8,
        Rule::BinaryFile,
        Rule::FileTooLarge,
        Rule::MergeConflict,
        Rule::ParseError,
        Rule::InvalidField,
        Rule::UnknownStatus,
        Rule::UnknownType,
        Rule::MissingReference,
        Rule::InvalidRank,
        Rule::LongRank,
        Rule::UnknownKey,
        Rule::TitleComment,
        Rule::DuplicateId,
        Rule::RankCollision,
        Rule::DependencyCycle,
        Rule::EstimateMissing,
        Rule::EstimateOffScale,
        Rule::TooBig,
        Rule::NoAcceptanceCriteria,
        Rule::StoryForm,
        Rule::DependencyNotReady,
        Rule::RequiredField,
        Rule::DoneIncomplete,
        Rule::WipLimit,
    ];

    /// The kebab-case rule ID (`estimate-missing`, `dependency-cycle`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Rule::Unreadable => "unreadable",
            Rule::SymlinkOutside => "symlink-outside",
            Rule::InvalidId => "invalid-id",
            Rule::NotUtf8 => "not-utf8",
            Rule::BinaryFile => "binary-file",
            Rule::FileTooLarge => "file-too-large",
            Rule::MergeConflict => "merge-conflict",
            Rule::ParseError => "parse-error",
            Rule::InvalidField => "invalid-field",
            Rule::UnknownStatus => "unknown-status",
            Rule::UnknownType => "unknown-type",
            Rule::MissingReference => "missing-reference",
            Rule::InvalidRank => "invalid-rank",
            Rule::LongRank => "long-rank",
            Rule::UnknownKey => "unknown-key",
            Rule::TitleComment => "title-comment",
            Rule::DuplicateId => "duplicate-id",
            Rule::RankCollision => "rank-collision",
            Rule::DependencyCycle => "dependency-cycle",
            Rule::EstimateMissing => "estimate-missing",
            Rule::EstimateOffScale => "estimate-off-scale",
            Rule::TooBig => "too-big",
            Rule::NoAcceptanceCriteria => "no-acceptance-criteria",
            Rule::StoryForm => "story-form",
            Rule::DependencyNotReady => "dependency-not-ready",
            Rule::RequiredField => "required-field",
            Rule::DoneIncomplete => "done-incomplete",
            Rule::WipLimit => "wip-limit",
        }
    }

    /// The rule with this ID.
    pub fn parse(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.as_str() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a finding is about, beyond its item and line, for front ends that act on it
/// (`agenda`'s short "what is missing", editors jumping to a field).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A dependency, by the ID written in `depends_on`.
    Dependency(String),
    /// A front-matter key.
    Field(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_ids_are_kebab_case_serde_names_and_round_trip() {
        for &rule in Rule::ALL {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.as_str()));
            assert_eq!(rule.to_string(), rule.as_str());
            assert_eq!(Rule::parse(rule.as_str()), Some(rule));
        }
        assert_eq!(Rule::parse("no-such-rule"), None);
    }

    #[test]
    fn test_ids_are_unique() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
    }
}
