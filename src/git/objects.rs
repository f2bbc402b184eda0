//! Reading the object database for the history layers (`history`, `forecast::burnup`):
//! revisions, blobs, and the item files of a tree, in crate types.

use std::path::Path;

use git2::{ErrorCode, ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::{Failure, ObjectId, Repo};

/// A blob read from the object database.
pub struct Blob<'r>(git2::Blob<'r>);

impl Blob<'_> {
    /// Its bytes.
    pub fn content(&self) -> &[u8] {
        self.0.content()
    }

    /// Its size in bytes.
    pub fn size(&self) -> usize {
        self.0.size()
    }
}

impl Repo {
    /// The blob `id`.
    pub fn find_blob(&self, id: ObjectId) -> Result<Blob<'_>, Failure> {
        Ok(Blob(self.inner().find_blob(id.raw())?))
    }

    /// The commit a revision the user typed names; the error is in words for the user
    /// ([`super::revision_problem`]).
    pub fn resolve_commit(&self, rev: &str) -> Result<ObjectId, String> {
        self.inner()
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id().into())
            .map_err(|e| super::revision_problem(rev, &e))
    }

    /// The best common ancestor of two commits: from git's commit-graph file when it
    /// answers alone (see [`super::graph`]), else libgit2's.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId) -> Result<ObjectId, Failure> {
        if let Some(graph) = self.commit_graph()
            && let Some(base) = super::graph::merge_base(self.inner(), graph, a.raw(), b.raw())
        {
            return Ok(base.into());
        }
        Ok(self.inner().merge_base(a.raw(), b.raw())?.into())
    }

    /// git's commit-graph file, if the repository has one this crate can read.
    pub(super) fn commit_graph(&self) -> Option<&super::graph::CommitGraph> {
        self.graph
            .get_or_init(|| super::graph::CommitGraph::open(&self.common_dir().join("objects")))
            .as_ref()
    }

    /// HEAD's commit; `None` on an unborn branch (or without HEAD).
    pub fn head_id(&self) -> Result<Option<ObjectId>, Failure> {
        match self.inner().head() {
            Ok(h) => Ok(Some(h.peel_to_commit()?.id().into())),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// HEAD's first-parent chain, newest first, as (commit time in Unix seconds, commit,
    /// root tree), down to the first commit whose time is at or before `until` (included).
    /// Empty without a HEAD commit.
    pub fn first_parents_until(&self, until: i64) -> Vec<(i64, ObjectId, ObjectId)> {
        let mut chain = Vec::new();
        let mut commit = self.inner().head().and_then(|h| h.peel_to_commit()).ok();
        while let Some(c) = commit {
            let time = c.time().seconds();
            chain.push((time, c.id().into(), c.tree_id().into()));
            if time <= until {
                break;
            }
            commit = c.parent(0).ok();
        }
        chain
    }

    /// The root tree of a commit.
    pub fn commit_tree(&self, commit: ObjectId) -> Result<ObjectId, Failure> {
        Ok(self.inner().find_commit(commit.raw())?.tree_id().into())
    }

    /// Where shared repository data lives (`.git`, or the main repository's for a
    /// worktree): for caches kept between runs.
    pub fn common_dir(&self) -> &Path {
        self.inner().commondir()
    }

    /// The path and blob id of every regular file of the tree `tree` under `prefix` (a
    /// `/`-separated folder, `""` for the whole tree) for which `keep(path)` holds.
    pub fn tree_files(
        &self,
        tree: ObjectId,
        prefix: &str,
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Vec<(String, ObjectId)>, Failure> {
        let tree = self.inner().find_tree(tree.raw())?;
        tree_files(self.inner(), &tree, prefix, keep)
    }

    /// Reads the blobs of `files` (path, id) in parallel, one repository handle per
    /// chunk, and gives `read(path, bytes)` of each (`None` for a blob that cannot be
    /// read or is larger than `max_bytes`), in their order.
    pub fn par_read_blobs<T: Send>(
        &self,
        files: &[(String, ObjectId)],
        max_bytes: usize,
        read: &(dyn Fn(&str, &[u8]) -> Option<T> + Sync),
    ) -> Vec<(ObjectId, Option<T>)> {
        use rayon::prelude::*;
        let git_dir = self.git_dir().to_path_buf();
        let chunk = files
            .len()
            .div_ceil(rayon::current_num_threads().max(1) * 4)
            .max(64);
        files
            .par_chunks(chunk)
            .flat_map_iter(|part| {
                let repo = Repository::open(&git_dir).ok();
                part.iter()
                    .map(|(path, id)| {
                        let value = repo
                            .as_ref()
                            .and_then(|repo| read_small_blob(repo, id.raw(), max_bytes))
                            .and_then(|blob| read(path, blob.content()));
                        (*id, value)
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// [`Repo::par_read_blobs`] for one blob, on this handle.
    pub fn read_blob_with<T>(
        &self,
        path: &str,
        id: ObjectId,
        max_bytes: usize,
        read: &dyn Fn(&str, &[u8]) -> Option<T>,
    ) -> Option<T> {
        let blob = read_small_blob(self.inner(), id.raw(), max_bytes)?;
        read(path, blob.content())
    }
}

fn read_small_blob(repo: &Repository, id: Oid, max_bytes: usize) -> Option<git2::Blob<'_>> {
    repo.find_blob(id).ok().filter(|b| b.size() <= max_bytes)
}

/// [`Repo::tree_files`] of a tree already loaded.
pub(crate) fn tree_files(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    prefix: &str,
    keep: &mut dyn FnMut(&str) -> bool,
) -> Result<Vec<(String, ObjectId)>, Failure> {
    let mut out = Vec::new();
    let mut walk = |root: &str, entry: &git2::TreeEntry<'_>| {
        if entry.kind() == Some(ObjectType::Blob)
            && entry.filemode() != i32::from(git2::FileMode::Link)
        {
            let path = format!("{root}{}", String::from_utf8_lossy(entry.name_bytes()));
            if keep(&path) {
                out.push((path, entry.id().into()));
            }
        }
        TreeWalkResult::Ok
    };
    if prefix.is_empty() {
        tree.walk(TreeWalkMode::PreOrder, &mut walk)?;
    } else {
        let Ok(entry) = tree.get_path(Path::new(prefix)) else {
            return Ok(out);
        };
        let Ok(sub) = entry.to_object(repo).and_then(|o| o.peel_to_tree()) else {
            return Ok(out);
        };
        let base = format!("{prefix}/");
        sub.walk(TreeWalkMode::PreOrder, |root, entry| {
            walk(&format!("{base}{root}"), entry)
        })?;
    }
    Ok(out)
}
