//! The backlog's history, read from git: the semantic [`diff`](diff()) of two backlog states
//! and the refinement [`log`](log()) of one item.
//!
//! [`log_all`] is the batch variant of `log`: the history of every item in one walk.
//!
//! Both read item files straight from git objects through libgit2 (no checkout, no git
//! binary) and only the blobs that changed: a tree-to-tree diff restricted to the backlog
//! folder names the changed files, and only those are parsed. Items are matched by their
//! `id`, never by path, so a renamed file is a rename, not a removal plus an addition.
//! Commit trailers (`Backlog-Op`) are reported as hints; the files are the truth.
//!
//! Modules: `compare` (the field-level changes of one item), `order` (order keys and how
//! a rank move is described), `key_store` (order keys cached by blob id), `diff`, `log`, `batch` (`log_all`) and
//! `describe` (one change as a line of text). This file holds the shared parts: errors,
//! endpoints and ranges, reading one item version from a blob.

mod batch;
mod compare;
mod describe;
mod diff;
mod key_store;
mod log;
mod order;

pub use batch::{AllLogs, log_all};
pub use compare::{Direction, FieldChange};
pub use describe::describe;
pub use diff::{BacklogDiff, ChangeKind, ItemDiff, Merge, Split, Totals, diff};
pub use log::{ItemLog, LogEntry, log};

pub(crate) use crate::model::OrderKey;
pub(crate) use compare::compare;
pub(crate) use order::{
    fill_neighbours, net_places, order_key_of_blob, read_order_keys, set_places,
};

use std::path::Path;

use serde::Serialize;

use crate::document::{Document, MAX_FILE_BYTES};
use crate::git::{Failure, ObjectId, Repo};
use crate::item::{Body, Item};

/// Errors of history queries.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// A revision that does not name a commit.
    #[error("unknown revision `{rev}`: {message}")]
    BadRevision {
        /// What the user typed.
        rev: String,
        /// Why it names no commit, in words for the user.
        message: String,
    },
    /// A range with more than one `..` or `...` (`a..b..c`).
    #[error("invalid revision range `{spec}`: give A..B, A...B or one revision")]
    BadRange {
        /// What the user typed.
        spec: String,
    },
    /// The item is not in HEAD.
    #[error("no item {query} in HEAD")]
    UnknownItem {
        /// What the user typed.
        query: String,
    },
    /// More than one item in HEAD matches a prefix.
    #[error("ambiguous item {query}: matches {}", .matches.join(", "))]
    Ambiguous {
        /// What the user typed.
        query: String,
        /// The matching IDs.
        matches: Vec<String>,
    },
    /// The repository has no commits.
    #[error("the repository has no commits yet")]
    NoCommits,
    /// A libgit2 call failed.
    #[error("git {op} failed: {source}")]
    Git {
        /// What was being done.
        op: &'static str,
        /// The libgit2 error.
        source: Failure,
    },
}

impl From<crate::git::GitError> for HistoryError {
    fn from(e: crate::git::GitError) -> Self {
        match e {
            crate::git::GitError::Git { op, .. } => HistoryError::Git {
                op,
                source: e.into_failure(),
            },
            other => HistoryError::Git {
                op: "read",
                source: other.into_failure(),
            },
        }
    }
}

impl From<(&'static str, Failure)> for HistoryError {
    fn from((op, source): (&'static str, Failure)) -> Self {
        HistoryError::Git { op, source }
    }
}

pub(crate) fn git_err<E: Into<Failure>>(op: &'static str) -> impl FnOnce(E) -> HistoryError {
    move |source| HistoryError::Git {
        op,
        source: source.into(),
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// How the user named it (`main`, `HEAD~1`, `working tree`…).
    pub rev: String,
    /// The commit, or `None` for the working tree or an empty history.
    pub commit: Option<String>,
    /// Whether this is the working tree.
    #[serde(skip)]
    pub worktree: bool,
}

impl Endpoint {
    /// The working tree.
    pub fn worktree() -> Self {
        Self {
            rev: "working tree".to_owned(),
            commit: None,
            worktree: true,
        }
    }

    fn commit(rev: &str, oid: ObjectId) -> Self {
        Self {
            rev: rev.to_owned(),
            commit: Some(oid.to_string()),
            worktree: false,
        }
    }

    fn empty() -> Self {
        Self {
            rev: "(no commits)".to_owned(),
            commit: None,
            worktree: false,
        }
    }

    /// A short label: `rev (abc1234)`, or the rev alone when it already is the commit.
    pub fn label(&self) -> String {
        match &self.commit {
            Some(c) if !c.starts_with(&self.rev) => format!("{} ({})", self.rev, &c[..10]),
            Some(c) => c[..10].to_owned(),
            None => self.rev.clone(),
        }
    }
}

/// Resolves a `diff` range: `None` (merge base of HEAD with the default branch, up to the
/// working tree), `A..B`, `A..` (up to HEAD), `A...B` (merge base of A and B, up to B) or
/// `A` (merge base of A and HEAD, up to the working tree).
pub fn resolve_range(
    repo: &Repo,
    spec: Option<&str>,
) -> Result<(Endpoint, Endpoint), HistoryError> {
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        let Some(head) = repo_head(repo)? else {
            return Ok((Endpoint::empty(), Endpoint::worktree()));
        };
        for name in ["main", "master", "origin/HEAD"] {
            let Ok(branch) = repo.resolve_commit(name) else {
                continue;
            };
            let base = repo
                .merge_base(head, branch)
                .map_err(git_err("merge-base"))?;
            return Ok((
                Endpoint::commit(&format!("merge-base(HEAD, {name})"), base),
                Endpoint::worktree(),
            ));
        }
        return Ok((Endpoint::commit("HEAD", head), Endpoint::worktree()));
    };
    let rev = |s: &str| -> Result<(String, ObjectId), HistoryError> {
        let s = if s.is_empty() { "HEAD" } else { s };
        let oid = repo
            .resolve_commit(s)
            .map_err(|message| HistoryError::BadRevision {
                rev: s.to_owned(),
                message,
            })?;
        Ok((s.to_owned(), oid))
    };
    let bad_range = || HistoryError::BadRange {
        spec: spec.to_owned(),
    };
    if let Some((a, b)) = spec.split_once("...") {
        if a.contains("..") || b.contains("..") {
            return Err(bad_range());
        }
        let (a, a_oid) = rev(a)?;
        let (b, b_oid) = rev(b)?;
        let base = repo
            .merge_base(a_oid, b_oid)
            .map_err(git_err("merge-base"))?;
        Ok((
            Endpoint::commit(&format!("merge-base({a}, {b})"), base),
            Endpoint::commit(&b, b_oid),
        ))
    } else if let Some((a, b)) = spec.split_once("..") {
        if b.contains("..") {
            return Err(bad_range());
        }
        let (a, a_oid) = rev(a)?;
        let (b, b_oid) = rev(b)?;
        Ok((Endpoint::commit(&a, a_oid), Endpoint::commit(&b, b_oid)))
    } else {
        // Since A: what this branch changed after it left A (`git diff A...HEAD`), plus
        // the working tree, not what A did meanwhile.
        let (a, a_oid) = rev(spec)?;
        let head = repo_head(repo)?.ok_or(HistoryError::NoCommits)?;
        let base = repo
            .merge_base(a_oid, head)
            .map_err(git_err("merge-base"))?;
        let from = if base == a_oid {
            Endpoint::commit(&a, a_oid)
        } else {
            Endpoint::commit(&format!("merge-base({a}, HEAD)"), base)
        };
        Ok((from, Endpoint::worktree()))
    }
}

fn repo_head(repo: &Repo) -> Result<Option<ObjectId>, HistoryError> {
    repo.head_id().map_err(git_err("read HEAD"))
}

/// The backlog folder as a `/`-separated path relative to the repository root
/// (`""` when the folder is the root itself).
pub fn folder_prefix(repo: &Repo, dir: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let rel = dir.strip_prefix(repo.workdir()).unwrap_or(&dir);
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a root-relative path is an item file of the folder `prefix`: a `*.md` file
/// (not `README.md`) under it, not inside a hidden folder.
pub(crate) fn is_item_path(prefix: &str, path: &str) -> bool {
    let rel = if prefix.is_empty() {
        path
    } else {
        match path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
            Some(r) => r,
            None => return false,
        }
    };
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        if part.starts_with('.') || part.is_empty() {
            return false;
        }
        if parts.peek().is_none() {
            return part.ends_with(".md") && !part.eq_ignore_ascii_case("README.md");
        }
    }
    false
}

/// One version of an item file: where it was, its text and what it says.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub path: String,
    pub doc: Document,
    pub item: Item,
    pub body: Body,
    /// Every front-matter key, for comparing keys the typed view does not know.
    pub fields: serde_yaml_ng::Mapping,
}

impl Version {
    /// Parses an item file; the error names the line.
    pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Self, (usize, String)> {
        let doc = Document::parse(bytes).map_err(|e| (e.line(), e.to_string()))?;
        let fields = doc.front_matter().map_err(|e| (e.line(), e.to_string()))?;
        let item = Item::from_fields(&fields, &doc).map_err(|e| (e.line(), e.to_string()))?;
        let body = Body::parse(doc.body(), doc.body_line());
        Ok(Self {
            path: path.to_owned(),
            doc,
            item,
            body,
            fields,
        })
    }
}

/// Reads one blob as an item version; a problem becomes a warning naming file and line.
pub(crate) fn read_blob(
    repo: &Repo,
    oid: ObjectId,
    path: &str,
    rev: &str,
    warnings: &mut Vec<String>,
) -> Option<Version> {
    let blob = match repo.find_blob(oid) {
        Ok(b) => b,
        Err(e) => {
            warnings.push(format!("{path} at {rev}: cannot read: {}", e.message()));
            return None;
        }
    };
    if blob.size() > MAX_FILE_BYTES {
        warnings.push(format!(
            "{path} at {rev}:1: file is {} bytes, over the {MAX_FILE_BYTES}-byte limit; skipped",
            blob.size()
        ));
        return None;
    }
    parse_or_warn(path, blob.content(), rev, warnings)
}

pub(crate) fn parse_or_warn(
    path: &str,
    bytes: &[u8],
    rev: &str,
    warnings: &mut Vec<String>,
) -> Option<Version> {
    match Version::parse(path, bytes) {
        Ok(v) => Some(v),
        Err((line, message)) => {
            warnings.push(format!("{path}:{line} at {rev}: {message}"));
            None
        }
    }
}

/// The blob id and path of every item file of the tree `tree` under `prefix`.
pub(crate) fn tree_item_files(
    repo: &Repo,
    tree: ObjectId,
    prefix: &str,
) -> Result<Vec<(String, ObjectId)>, HistoryError> {
    repo.tree_files(tree, prefix, &mut |path| is_item_path(prefix, path))
        .map_err(git_err("walk tree"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_is_item_path() {
        assert!(is_item_path("backlog", "backlog/B-1-x.md"));
        assert!(is_item_path("backlog", "backlog/sub/B-1-x.md"));
        assert!(!is_item_path("backlog", "backlog/README.md"));
        assert!(!is_item_path("backlog", "backlog/config.yml"));
        assert!(!is_item_path("backlog", "backlog/.hidden/B-1.md"));
        assert!(!is_item_path("backlog", "backlogs/B-1.md"));
        assert!(!is_item_path("backlog", "docs/B-1.md"));
        assert!(is_item_path("", "B-1.md"));
    }
}
