//! Integrity rules on every item: files that do not load, references to missing items,
//! and the item's own fields, IDs and rank key.

use std::collections::HashSet;

use crate::config::Config;
use crate::document::DocumentError;
use crate::item::ItemError;
use crate::store::{Entry, LoadError, LoadErrorKind};

use super::ready::custom_field_findings;
use super::{Finding, Lookup, Rule, Severity, Subject, finding, key_or_front};

/// The rule ID and message for a file that did not load.
pub(super) fn load_error_finding(e: &LoadError) -> Finding {
    let (rule, message) = match &e.kind {
        LoadErrorKind::Io(msg) => (Rule::Unreadable, format!("cannot read the file: {msg}")),
        LoadErrorKind::SymlinkOutside => (
            Rule::SymlinkOutside,
            "symlink leads outside the backlog folder and was not followed: replace it with \
             the item file itself"
                .to_owned(),
        ),
        LoadErrorKind::Item(ItemError::BadId { message, .. }) => (Rule::InvalidId, message.clone()),
        LoadErrorKind::Item(ItemError::Document(d)) => match d {
            DocumentError::NotUtf8 { .. } => (
                Rule::NotUtf8,
                "the file is not valid UTF-8: save it as UTF-8".to_owned(),
            ),
            DocumentError::Binary { .. } => (
                Rule::BinaryFile,
                "binary file (contains NUL bytes) in the backlog folder: remove it, or move it \
                 out of the folder"
                    .to_owned(),
            ),
            DocumentError::TooLarge { size, limit } => (
                Rule::FileTooLarge,
                format!(
                    "the file is {size} bytes, over the {limit}-byte limit for an item: it was \
                     not read; move large content out of the backlog folder"
                ),
            ),
            DocumentError::MergeConflict { .. } => (
                Rule::MergeConflict,
                "unresolved merge conflict: keep the lines you want between `<<<<<<<` and \
                 `>>>>>>>`, delete the marker lines, then `git add` the file and finish the \
                 merge with `git commit`"
                    .to_owned(),
            ),
            DocumentError::Yaml {
                column, message, ..
            } => (
                Rule::ParseError,
                format!("invalid YAML at column {column}: {message}; fix the front matter"),
            ),
            other => (Rule::ParseError, other.to_string()),
        },
    };
    Finding {
        rule,
        severity: Severity::Error,
        path: e.path.clone(),
        line: e.line(),
        item: None,
        message,
        subject: None,
    }
}

/// `missing-reference`: `depends_on`, `parent` and `duplicate_of` name existing items.
/// `focus`: only references to these ID keys.
pub(super) fn reference_findings(
    entry: &Entry,
    lookup: &Lookup<'_>,
    focus: Option<&HashSet<String>>,
    out: &mut Vec<Finding>,
) {
    let item = &entry.item;
    let refs = item
        .depends_on
        .iter()
        .map(|r| ("depends_on", r))
        .chain(item.parent.iter().map(|r| ("parent", r)))
        .chain(item.duplicate_of.iter().map(|r| ("duplicate_of", r)));
    for (key, target) in refs {
        if lookup.get(target).is_none() && focus.is_none_or(|f| f.contains(&crate::id::key(target)))
        {
            out.push(
                finding(
                    entry,
                    Rule::MissingReference,
                    Severity::Error,
                    key_or_front(entry, key),
                    format!(
                        "`{key}` names {target}, but no item has that ID: fix the ID or remove it"
                    ),
                )
                .about(Subject::Field(key.to_owned())),
            );
        }
    }
}

/// Integrity findings that concern one item alone.
pub(super) fn item_integrity(
    entry: &Entry,
    lookup: &Lookup<'_>,
    config: &Config,
    out: &mut Vec<Finding>,
) {
    let item = &entry.item;
    for p in &item.problems {
        out.push(
            finding(
                entry,
                Rule::InvalidField,
                Severity::Error,
                p.line,
                p.message.clone(),
            )
            .about(Subject::Field(p.key.clone())),
        );
    }
    if let Some(status) = &item.status
        && !config.is_known_status(status)
    {
        out.push(finding(
            entry,
            Rule::UnknownStatus,
            Severity::Error,
            key_or_front(entry, "status"),
            format!(
                "unknown status {status:?}: use one of {} (or add it to `statuses` in \
                     config.yml)",
                config.statuses.join(", ")
            ),
        ));
    }
    if let Some(kind) = &item.kind
        && !config.types.iter().any(|t| t == kind)
    {
        out.push(finding(
            entry,
            Rule::UnknownType,
            Severity::Error,
            key_or_front(entry, "type"),
            format!(
                "unknown type {kind:?}: use one of {} (or add it to `types` in config.yml)",
                config.types.join(", ")
            ),
        ));
    }
    reference_findings(entry, lookup, None, out);
    custom_field_findings(entry, config, out);
    let unknown = &config.rules.unknown_key;
    if unknown.enabled {
        for key in entry.doc.keys() {
            if config.fields.get(&key.key).is_some() {
                continue;
            }
            if let Some(u) = crate::model::keys::unknown_key(&key.key) {
                let mut f = finding(
                    entry,
                    Rule::UnknownKey,
                    unknown.severity,
                    key.line,
                    format!(
                        "{u}; rename or remove it (or switch the rule off: `rules: \
                         unknown_key` in config.yml)"
                    ),
                );
                f.subject = Some(Subject::Field(key.key.clone()));
                out.push(f);
            }
        }
    }
    let title_comment = &config.rules.title_comment;
    if title_comment.enabled
        && let Some((value, comment)) = entry.doc.plain_value_comment("title")
    {
        let whole = crate::document::FieldValue::Str(format!("{value} {comment}")).to_yaml();
        out.push(
            finding(
                entry,
                Rule::TitleComment,
                title_comment.severity,
                key_or_front(entry, "title"),
                format!(
                    "the title is cut at ` #`, which YAML reads as a comment: it reads as \
                     {value:?}; if `{comment}` belongs to the title, quote it (`title: \
                     {whole}`), or switch the rule off (`rules: title_comment` in config.yml)"
                ),
            )
            .about(Subject::Field("title".to_owned())),
        );
    }
    if let Some(rank) = &item.rank {
        let id = &item.id;
        if crate::rank::validate(rank).is_err() {
            out.push(finding(
                entry,
                Rule::InvalidRank,
                Severity::Error,
                key_or_front(entry, "rank"),
                format!(
                    "invalid rank key {rank:?} (expected a fractional index like \"a0\" or \
                     \"a0V\"): move the item with `backlog rank {id} --before ID` or \
                     `--after ID` to give it a valid key"
                ),
            ));
        } else {
            let lr = &config.rules.long_rank;
            if lr.enabled && rank.len() > lr.max_length {
                out.push(finding(
                    entry,
                    Rule::LongRank,
                    lr.severity,
                    key_or_front(entry, "rank"),
                    format!(
                        "rank key is {} characters long (over {}): many inserts at one spot; \
                         respread the keys with `backlog rank --rebalance`",
                        rank.len(),
                        lr.max_length
                    ),
                ));
            }
        }
    }
}
