//! The files that differ between two commits' trees, or between a commit's tree and the
//! work tree (index included), under one folder: what `history::diff` pairs up.

use git2::{Delta, DiffOptions, FileMode};

use super::{Failure, ObjectId, Repo};

/// How a file changed. Unmodified, ignored and unreadable entries are never reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    /// New in the newer state.
    Added,
    /// Gone from it.
    Deleted,
    /// Changed content.
    Modified,
    /// Moved (when rename detection pairs it).
    Renamed,
    /// Copied.
    Copied,
    /// A file became a symlink or the other way round.
    Typechange,
    /// In the work tree, not known to git.
    Untracked,
}

/// One side of a changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSide {
    /// Root-relative, `/`-separated (lossy for a name that is not UTF-8).
    pub path: String,
    /// The blob (zero for a work-tree file libgit2 did not hash).
    pub id: ObjectId,
    /// Whether it is a regular file (not a symlink or a submodule).
    pub regular: bool,
}

/// One changed file: the older side (none when added or untracked) and the newer side
/// (none when deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDelta {
    /// How it changed.
    pub status: FileStatus,
    /// Before.
    pub old: Option<FileSide>,
    /// After.
    pub new: Option<FileSide>,
}

/// Which newer state [`Repo::file_diff`] compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Newer {
    /// The tree of this commit (`None`: the empty tree).
    Commit(Option<ObjectId>),
    /// The work tree and the index, untracked files included.
    WorkTree,
}

impl Repo {
    /// The files under `prefix` (`""`: everywhere) that differ from the tree of `older`
    /// (`None`: the empty tree) to `newer`, without binary detection. Between two commits:
    /// regular files only, in git's path order (a file that became a symlink is deleted);
    /// against the work tree: libgit2's deltas, in its order.
    /// The error names the step that failed (`find commit`, `read tree`, `diff`).
    pub fn file_diff(
        &self,
        older: Option<ObjectId>,
        newer: Newer,
        prefix: &str,
    ) -> Result<Vec<FileDelta>, (&'static str, Failure)> {
        let r = self.inner();
        let tree_of = |commit: Option<ObjectId>| -> Result<_, (&'static str, Failure)> {
            match commit {
                Some(c) => {
                    let commit = r
                        .find_commit(c.raw())
                        .map_err(|e| ("find commit", e.into()))?;
                    Ok(Some(commit.tree().map_err(|e| ("read tree", e.into()))?))
                }
                None => Ok(None),
            }
        };
        let old_tree = tree_of(older)?;
        if let Newer::Commit(c) = newer {
            // Two trees: our merge walk over their entries (see `tree_diff`), which skips
            // equal subtrees and costs one id comparison per unchanged entry, where
            // libgit2's diff builds an iterator frame for each.
            let new_tree = tree_of(c)?;
            let failed = |e: git2::Error| ("read tree", Failure::from(e));
            let old = folder_tree(r, old_tree.as_ref(), prefix).map_err(failed)?;
            let new = folder_tree(r, new_tree.as_ref(), prefix).map_err(failed)?;
            let mut changes = Vec::new();
            super::tree_diff::diff_trees(r, old.as_ref(), new.as_ref(), prefix, &mut changes)
                .map_err(|e| ("diff", e.into()))?;
            let side = |path: &str, id: Option<ObjectId>| {
                id.map(|id| FileSide {
                    path: path.to_owned(),
                    id,
                    regular: true,
                })
            };
            return Ok(changes
                .into_iter()
                .map(|c| FileDelta {
                    status: match (c.old, c.new) {
                        (Some(_), Some(_)) => FileStatus::Modified,
                        (None, _) => FileStatus::Added,
                        (_, None) => FileStatus::Deleted,
                    },
                    old: side(&c.path, c.old),
                    new: side(&c.path, c.new),
                })
                .collect());
        }
        let mut opts = DiffOptions::new();
        opts.skip_binary_check(true).disable_pathspec_match(true);
        if !prefix.is_empty() {
            opts.pathspec(prefix);
        }
        let diff = match newer {
            Newer::WorkTree => {
                opts.include_untracked(true).recurse_untracked_dirs(true);
                r.diff_tree_to_workdir_with_index(old_tree.as_ref(), Some(&mut opts))
            }
            Newer::Commit(c) => {
                let new_tree = tree_of(c)?;
                r.diff_tree_to_tree(old_tree.as_ref(), new_tree.as_ref(), Some(&mut opts))
            }
        }
        .map_err(|e| ("diff", e.into()))?;
        let side = |f: git2::DiffFile<'_>| FileSide {
            path: f
                .path_bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
            id: f.id().into(),
            regular: matches!(f.mode(), FileMode::Blob | FileMode::BlobExecutable),
        };
        let mut out = Vec::with_capacity(diff.deltas().len());
        for delta in diff.deltas() {
            let status = match delta.status() {
                Delta::Added => FileStatus::Added,
                Delta::Deleted => FileStatus::Deleted,
                Delta::Modified => FileStatus::Modified,
                Delta::Renamed => FileStatus::Renamed,
                Delta::Copied => FileStatus::Copied,
                Delta::Typechange => FileStatus::Typechange,
                Delta::Untracked => FileStatus::Untracked,
                _ => continue,
            };
            out.push(FileDelta {
                status,
                old: (!matches!(status, FileStatus::Added | FileStatus::Untracked))
                    .then(|| side(delta.old_file())),
                new: (status != FileStatus::Deleted).then(|| side(delta.new_file())),
            });
        }
        Ok(out)
    }
}

/// The tree of the folder `prefix` (`""`: `tree` itself) in `tree`, if it is there.
fn folder_tree<'r>(
    r: &'r git2::Repository,
    tree: Option<&git2::Tree<'r>>,
    prefix: &str,
) -> Result<Option<git2::Tree<'r>>, git2::Error> {
    let Some(tree) = tree else { return Ok(None) };
    if prefix.is_empty() {
        return Ok(Some(tree.clone()));
    }
    match tree.get_path(std::path::Path::new(prefix)) {
        Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => r.find_tree(e.id()).map(Some),
        _ => Ok(None),
    }
}
