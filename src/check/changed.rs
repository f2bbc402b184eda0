//! `--changed-since REV`: the item files added or changed between a revision and the
//! working tree (staged or not, and untracked files), as libgit2 sees them.

use std::collections::HashSet;

use git2::{Delta, DiffOptions};

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

/// Work-tree-relative (`/`-separated) paths under `dir` (a work-tree-relative folder;
/// empty for the whole tree) whose content differs between `rev`'s tree and the working
/// tree: added, modified, renamed, copied, type-changed or untracked. Deleted files are
/// not listed (there is nothing left to check).
pub fn changed_paths(repo: &Repo, rev: &str, dir: &str) -> Result<HashSet<String>, ChangedError> {
    let git = repo.inner();
    let tree = git
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| ChangedError::UnknownRevision {
            rev: rev.to_owned(),
            message: e.message().to_owned(),
        })?;
    let mut opts = DiffOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true)
        .disable_pathspec_match(false);
    if !dir.is_empty() {
        opts.pathspec(format!("{}/", dir.trim_end_matches('/')));
    }
    let diff = git.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))?;
    let mut out = HashSet::new();
    for delta in diff.deltas() {
        if matches!(
            delta.status(),
            Delta::Deleted | Delta::Unmodified | Delta::Ignored
        ) {
            continue;
        }
        if let Some(path) = delta.new_file().path() {
            let parts: Vec<String> = path
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(parts.join("/"));
        }
    }
    Ok(out)
}
