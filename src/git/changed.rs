//! `--changed-since REV`: the item files added or changed between the merge base of a
//! revision and HEAD (what `git diff REV...HEAD` compares) and the working tree (staged or
//! not, and untracked files), as libgit2 sees them, and the IDs the changed or deleted
//! files had at the merge base (so that references to an item that a change removed or
//! renamed can be found).
//!
//! The merge base matters on a branch that is behind its base: diffing against the tip of
//! `main` would report everything `main` did since the fork as this branch's change.

use std::collections::HashSet;

use git2::{Delta, DiffOptions, ErrorCode};

use super::{Failure, ObjectId, Repo};

/// Why the changed files could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ChangedError {
    /// The revision does not name a commit or tree.
    #[error("unknown revision {rev:?}: {message}")]
    UnknownRevision {
        /// What was given.
        rev: String,
        /// Why it names no commit, in words for the user.
        message: String,
    },
    /// The revision and HEAD share no history (unrelated, or a shallow clone).
    #[error(
        "{rev:?} and HEAD have no common ancestor in this clone (a shallow clone needs its full history)"
    )]
    NoMergeBase {
        /// What was given.
        rev: String,
    },
    /// The diff failed.
    #[error("git diff failed: {0}")]
    Git(Failure),
}

impl From<git2::Error> for ChangedError {
    fn from(e: git2::Error) -> Self {
        ChangedError::Git(e.into())
    }
}

/// What changed in the backlog folder since a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Work-tree-relative (`/`-separated) paths that were added, modified, renamed,
    /// copied, type-changed or are untracked. Deleted files are not listed.
    pub paths: HashSet<String>,
    /// Upper-cased IDs that modified or deleted files had at the base.
    pub old_ids: HashSet<String>,
    /// The commit compared with: the merge base of the revision and HEAD (`None` before the
    /// first commit).
    pub base: Option<ObjectId>,
    /// Whether `base` differs from the commit the revision names (the branch is behind it).
    pub behind: bool,
}

/// The merge base of the commit `rev` names and HEAD (`rev` itself when HEAD is unborn).
/// A revision must name a commit (a pull request's base); a tree such as `HEAD:backlog`
/// would compare against the wrong paths and pass silently.
pub fn since_base(repo: &Repo, rev: &str) -> Result<ObjectId, ChangedError> {
    since_base_raw(repo.inner(), rev).map(ObjectId::from)
}

fn since_base_raw(git: &git2::Repository, rev: &str) -> Result<git2::Oid, ChangedError> {
    let unknown = |e: git2::Error| ChangedError::UnknownRevision {
        rev: rev.to_owned(),
        message: super::revision_problem(rev, &e),
    };
    let commit = git
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(unknown)?;
    let head = match git.head().and_then(|h| h.peel_to_commit()) {
        Ok(head) => head.id(),
        Err(_) => return Ok(commit.id()),
    };
    match git.merge_base(commit.id(), head) {
        Ok(base) => Ok(base),
        Err(e) if e.code() == ErrorCode::NotFound => Err(ChangedError::NoMergeBase {
            rev: rev.to_owned(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// The changes under `dir` (a work-tree-relative folder; empty for the whole tree)
/// between the merge base of `rev` and HEAD and the working tree, index included: what
/// the current branch and the uncommitted work changed since it left `rev`, not what
/// `rev` did meanwhile. `HEAD` in a repository without commits means the empty tree.
pub fn changes_since(repo: &Repo, rev: &str, dir: &str) -> Result<Changes, ChangedError> {
    let git = repo.inner();
    let base = match since_base_raw(git, rev) {
        Ok(base) => Some(base),
        // Before the first commit (a pre-commit hook's first run), everything is new.
        Err(ChangedError::UnknownRevision { .. })
            if rev == "HEAD"
                && git
                    .head()
                    .is_err_and(|e| e.code() == ErrorCode::UnbornBranch) =>
        {
            None
        }
        Err(e) => return Err(e),
    };
    let tree = match base.map(|b| git.find_commit(b).and_then(|c| c.tree())) {
        Some(Ok(tree)) => Some(tree),
        None => None,
        Some(Err(e)) => return Err(e.into()),
    };
    let mut opts = DiffOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true);
    if !dir.is_empty() {
        opts.pathspec(format!("{}/", dir.trim_end_matches('/')));
    }
    let diff = git.diff_tree_to_workdir_with_index(tree.as_ref(), Some(&mut opts))?;
    let behind = base.is_some_and(|b| {
        git.revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .is_ok_and(|c| c.id() != b)
    });
    let mut out = Changes {
        base: base.map(ObjectId::from),
        behind,
        ..Changes::default()
    };
    for delta in diff.deltas() {
        if matches!(delta.status(), Delta::Unmodified | Delta::Ignored) {
            continue;
        }
        let old = delta.old_file();
        if !old.id().is_zero()
            && let Some(id) = old_id(git, old.id())
        {
            out.old_ids.insert(crate::id::key(&id));
        }
        if delta.status() == Delta::Deleted {
            continue;
        }
        if let Some(path) = delta.new_file().path() {
            let parts: Vec<String> = path
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.paths.insert(parts.join("/"));
        }
    }
    Ok(out)
}

/// The `id` of an item file as stored in a blob (nothing for anything unreadable).
fn old_id(git: &git2::Repository, oid: git2::Oid) -> Option<String> {
    let blob = git.find_blob(oid).ok()?;
    if blob.size() > crate::document::MAX_FILE_BYTES {
        return None;
    }
    let doc = crate::document::Document::parse(blob.content()).ok()?;
    crate::item::Item::from_document(&doc)
        .ok()
        .map(|item| item.id)
}
