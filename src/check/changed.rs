//! `--changed-since REV`: the item files added or changed between a revision and the
//! working tree (staged or not, and untracked files), as libgit2 sees them, and the IDs
//! the changed or deleted files had at the revision (so that references to an item that
//! a change removed or renamed can be found).

use std::collections::HashSet;

use git2::{Delta, DiffOptions, ErrorCode};

use crate::git::Repo;

/// Why the changed files could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ChangedError {
    /// The revision does not name a commit or tree.
    #[error("unknown revision {rev:?}: {message}")]
    UnknownRevision {
        /// What was given.
        rev: String,
        /// libgit2's message.
        message: String,
    },
    /// The diff failed.
    #[error("git diff failed: {0}")]
    Git(#[from] git2::Error),
}

/// What changed in the backlog folder since a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Work-tree-relative (`/`-separated) paths that were added, modified, renamed,
    /// copied, type-changed or are untracked. Deleted files are not listed.
    pub paths: HashSet<String>,
    /// Upper-cased IDs that modified or deleted files had at the revision.
    pub old_ids: HashSet<String>,
}

/// The changes under `dir` (a work-tree-relative folder; empty for the whole tree)
/// between `rev`'s tree and the working tree, index included. `HEAD` in a repository
/// without commits means the empty tree.
pub fn changes_since(repo: &Repo, rev: &str, dir: &str) -> Result<Changes, ChangedError> {
    let git = repo.inner();
    // A revision must name a commit (a pull request's base); a tree such as
    // `HEAD:backlog` would compare against the wrong paths and pass silently.
    let tree = match git
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .and_then(|c| c.tree())
    {
        Ok(tree) => Some(tree),
        // Before the first commit (a pre-commit hook's first run), everything is new.
        Err(_)
            if rev == "HEAD"
                && git
                    .head()
                    .is_err_and(|e| e.code() == ErrorCode::UnbornBranch) =>
        {
            None
        }
        Err(e) => {
            return Err(ChangedError::UnknownRevision {
                rev: rev.to_owned(),
                message: e.message().to_owned(),
            });
        }
    };
    let mut opts = DiffOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true);
    if !dir.is_empty() {
        opts.pathspec(format!("{}/", dir.trim_end_matches('/')));
    }
    let diff = git.diff_tree_to_workdir_with_index(tree.as_ref(), Some(&mut opts))?;
    let mut out = Changes::default();
    for delta in diff.deltas() {
        if matches!(delta.status(), Delta::Unmodified | Delta::Ignored) {
            continue;
        }
        let old = delta.old_file();
        if !old.id().is_zero() {
            if let Some(id) = old_id(git, old.id()) {
                out.old_ids.insert(crate::id::key(&id));
            }
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
