//! Errors as people and agents see them: the message and the hints that say what to do.
//! The CLI prints them as `error:` and `hint:` lines; the MCP server returns them as tool
//! errors with the same text.

use std::fmt;

use crate::history::HistoryError;
use crate::ops::OpError;
use crate::store::StoreError;
use crate::workspace::WorkspaceError;

/// A refused request: what went wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// One line (or a few) saying what went wrong.
    pub message: String,
    /// What to do about it, most useful first.
    pub hints: Vec<String>,
    /// A bug in `backlog` (a failed invariant), not a problem with the request: the CLI
    /// exits with 101 instead of 2.
    pub internal: bool,
}

impl Error {
    /// An error without hints.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hints: Vec::new(),
            internal: false,
        }
    }

    /// A failed invariant: a bug in `backlog`, reported as such.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            internal: true,
            ..Self::new(message)
        }
        .hint("this is a bug in backlog: please report it with the command you ran")
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for Error {
    /// `error: …` then one `hint: …` line per hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for h in &self.hints {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        let err = Self::new(e.to_string());
        match &e {
            StoreError::UnknownItem { suggestions, .. } if !suggestions.is_empty() => {
                err.hint(format!("did you mean {}?", suggestions.join(" or ")))
            }
            StoreError::UnknownItem { .. } => err.hint("`backlog list` shows the items"),
            StoreError::NoBacklog { .. } => {
                err.hint("run `backlog init` to create one, or pass --dir")
            }
            StoreError::DuplicateId { .. } => {
                err.hint("give one of them a new `id` (`backlog check` lists every duplicate)")
            }
            StoreError::Load(load) if load.message().contains("unresolved merge conflict") => err
                .hint(
                    "finish the merge first: resolve the conflict markers, `git add` the file \
                     (`backlog check` lists every conflicted item)",
                ),
            StoreError::Ambiguous { .. } => err.hint("type more characters of the ID"),
            _ => err,
        }
    }
}

impl From<OpError> for Error {
    fn from(e: OpError) -> Self {
        match e {
            OpError::Store(e) => e.into(),
            OpError::DependencyCycle {
                ref id, ref dep, ..
            } => {
                let hint = format!("remove one dependency of the cycle, or drop {dep} from {id}");
                Self::new(e.to_string()).hint(hint)
            }
            OpError::ClosedDependency {
                ref dep,
                ref status,
                ref instead,
            } => {
                let err = Self::new(e.to_string());
                match (status.as_str(), instead.as_slice()) {
                    (_, []) => err.hint(format!("{dep} has nothing to depend on instead")),
                    ("duplicate", [keep]) => err.hint(format!(
                        "{dep} was merged into {keep}: depend on {keep} instead"
                    )),
                    _ => err.hint(format!(
                        "{dep} was split: depend on its children instead: {}",
                        instead.join(", ")
                    )),
                }
            }
            OpError::RefusedWithHints { message, hints } => hints
                .into_iter()
                .fold(Self::new(message), |err, hint| err.hint(hint)),
            e @ OpError::Internal(_) => Self::internal(e.to_string()),
            other => Self::new(other.to_string()),
        }
    }
}

impl From<WorkspaceError> for Error {
    fn from(e: WorkspaceError) -> Self {
        let err = Self::new(e.to_string());
        match &e {
            WorkspaceError::Git(crate::git::GitError::Dirty { paths }) => err
                .hint(format!(
                    "commit or stash them first (`git diff -- {}`)",
                    paths.join(" ")
                ))
                .hint("or pass --allow-dirty to include them in this commit, or --no-commit"),
            WorkspaceError::Git(crate::git::GitError::SigningRequired) => err
                .hint("pass --no-commit, then sign the commit yourself: `git commit -S`")
                .hint("or turn signing off for this repository: `git config commit.gpgsign false`"),
            WorkspaceError::CommitFailed { .. } => {
                err.hint("run the command again once the cause is fixed")
            }
            WorkspaceError::Interrupted { .. } => err.hint(
                "the change is journaled: the next backlog command finishes it once the cause is fixed",
            ),
            WorkspaceError::IndexNotUpdated { paths, .. } => err.hint(format!(
                "the commit is fine; the next backlog command refreshes the index (or run `git reset -q -- {}`)",
                paths.join(" ")
            )),
            WorkspaceError::Git(
                crate::git::GitError::IndexLocked { path } | crate::git::GitError::RefLocked { path },
            ) => err.hint(format!(
                "wait for the other git command, or delete {path} if none is running"
            )),
            WorkspaceError::Lock(crate::workspace::LockError::Busy { .. }) => {
                err.hint("wait for it to finish, then run this command again")
            }
            WorkspaceError::Store(_) | WorkspaceError::Git(_) | WorkspaceError::Lock(_) => err,
        }
    }
}

/// A history error (`diff`, `log`) with its hint.
pub fn history_error(e: HistoryError) -> Error {
    let hint = match &e {
        HistoryError::BadRevision { .. } | HistoryError::BadRange { .. } => {
            Some("give a branch, tag or commit, e.g. main..HEAD")
        }
        HistoryError::UnknownItem { .. } => Some("`backlog list` shows the items"),
        HistoryError::Ambiguous { .. } => Some("type more characters of the ID"),
        HistoryError::NoCommits => Some("commit the backlog first"),
        HistoryError::Git { .. } => None,
    };
    let err = Error::new(e.to_string());
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_unknown_item_suggests_close_ids() {
        let e: Error = StoreError::UnknownItem {
            query: "B-12".to_owned(),
            suggestions: vec!["B-1".to_owned(), "B-13".to_owned()],
        }
        .into();
        assert_eq!(e.message, "unknown item B-12");
        assert_eq!(e.hints, ["did you mean B-1 or B-13?"]);
        assert_eq!(
            e.to_string(),
            "error: unknown item B-12\nhint: did you mean B-1 or B-13?"
        );
    }

    #[test]
    fn test_off_scale_error_names_the_scale() {
        let e: Error = OpError::OffScale {
            points: "4".to_owned(),
            scale: "1, 2, 3, 5".to_owned(),
        }
        .into();
        assert_eq!(e.message, "4 is not on the estimate scale (1, 2, 3, 5)");
        assert!(!e.internal);
    }

    #[test]
    fn test_internal_errors_are_marked_and_say_so() {
        let e: Error = OpError::Internal("generated item is invalid".to_owned()).into();
        assert!(e.internal);
        assert_eq!(e.message, "internal error: generated item is invalid");
        assert!(e.hints[0].contains("bug"));
        let e: Error = OpError::Refused("no".to_owned()).into();
        assert!(!e.internal);
    }
}
