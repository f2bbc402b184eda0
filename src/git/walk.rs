//! Walking commits for the history readers: one commit's metadata and text, and the walk
//! from HEAD over the commits that changed one folder (`history::log_all`).

use std::path::Path;

use git2::{ObjectType, Oid, Sort, Tree};

use super::tree_diff::{BlobChange, diff_trees};
use super::{Failure, ObjectId, Repo};

/// What the history walks need of a commit to move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitMeta {
    /// The commit.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its commit time, Unix seconds.
    pub time: i64,
    /// Its parents, first parent first.
    pub parents: Vec<ObjectId>,
}

/// What a history entry shows of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitText {
    /// The whole message (lossy UTF-8).
    pub message: String,
    /// The author's name and email (lossy UTF-8).
    pub author: (String, String),
    /// Commit time, Unix seconds.
    pub time: i64,
    /// How many parents it has (more than one: a merge).
    pub parents: usize,
}

/// A step of [`Repo::walk_folder`]: a commit whose folder tree differs from its first
/// parent's, with the blobs that differ.
#[derive(Debug)]
pub struct FolderStep {
    /// The commit.
    pub commit: ObjectId,
    /// Its first parent.
    pub first_parent: Option<ObjectId>,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its folder tree.
    pub folder: ObjectId,
    /// The first parent's folder tree (`None`: no parent, or no folder there).
    pub parent_folder: Option<ObjectId>,
    /// The blobs that differ between the two folder trees, in git's path order.
    pub changed: Vec<BlobChange>,
}

impl Repo {
    /// The metadata of the commit `id`: from git's commit-graph file when it holds the
    /// commit (no commit object to inflate and parse), else from the commit itself.
    pub fn commit_meta(&self, id: ObjectId) -> Result<CommitMeta, Failure> {
        if let Some((tree, parents, time)) = self.commit_graph().and_then(|g| g.meta(&id.raw())) {
            return Ok(CommitMeta {
                id,
                tree: tree.into(),
                time,
                parents: parents.into_iter().map(ObjectId::from).collect(),
            });
        }
        let c = self.inner().find_commit(id.raw())?;
        Ok(CommitMeta {
            id,
            tree: c.tree_id().into(),
            time: c.time().seconds(),
            parents: c.parent_ids().map(ObjectId::from).collect(),
        })
    }

    /// The text of the commit `id`.
    pub fn commit_text(&self, id: ObjectId) -> Result<CommitText, Failure> {
        let c = self.inner().find_commit(id.raw())?;
        let author = c.author();
        Ok(CommitText {
            message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
            author: (
                String::from_utf8_lossy(author.name_bytes()).into_owned(),
                String::from_utf8_lossy(author.email_bytes()).into_owned(),
            ),
            time: c.time().seconds(),
            parents: c.parent_count(),
        })
    }

    /// Walks the history from HEAD (topological, then by time), calling `visited` after
    /// each commit with the number visited so far and `step` for each commit whose tree of
    /// the folder `prefix` (`""`: the root) differs from its first parent's. Nothing for
    /// an unborn HEAD. An error names the step that failed.
    pub fn walk_folder<E: From<(&'static str, Failure)>>(
        &self,
        prefix: &str,
        visited: &mut dyn FnMut(usize),
        step: &mut dyn FnMut(FolderStep) -> Result<(), E>,
    ) -> Result<(), E> {
        let r = self.inner();
        let failed = |op: &'static str| move |e: git2::Error| E::from((op, e.into()));
        let Ok(head) = r.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(());
        };
        let mut walk = r.revwalk().map_err(failed("walk history"))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
            .map_err(failed("walk history"))?;
        walk.push(head.id()).map_err(failed("walk history"))?;
        // The last parent's folder tree: in a linear history, the next commit's own.
        let mut held: Option<Tree<'_>> = None;
        let mut count = 0;
        for oid in walk {
            let oid = oid.map_err(failed("walk history"))?;
            count += 1;
            visited(count);
            let commit = r.find_commit(oid).map_err(failed("read commit"))?;
            let tree = commit.tree().map_err(failed("read tree"))?;
            let parent_tree = match commit.parent(0) {
                Ok(p) => Some(p.tree().map_err(failed("read tree"))?),
                Err(_) => None,
            };
            let theirs = parent_tree.as_ref().and_then(|t| folder_id(t, prefix));
            let Some(mine) = folder_id(&tree, prefix).filter(|m| theirs != Some(*m)) else {
                continue;
            };
            let new_folder = match held.take() {
                Some(t) if t.id() == mine => t,
                _ => r.find_tree(mine).map_err(failed("read tree"))?,
            };
            let old_folder = match theirs {
                Some(id) => Some(r.find_tree(id).map_err(failed("read tree"))?),
                None => None,
            };
            let mut changed = Vec::new();
            diff_trees(
                r,
                old_folder.as_ref(),
                Some(&new_folder),
                prefix,
                &mut changed,
            )
            .map_err(failed("diff"))?;
            held = old_folder;
            step(FolderStep {
                commit: oid.into(),
                first_parent: commit.parent_id(0).ok().map(ObjectId::from),
                tree: tree.id().into(),
                folder: mine.into(),
                parent_folder: theirs.map(ObjectId::from),
                changed,
            })?;
        }
        Ok(())
    }
}

/// The id of the folder's tree in `tree` (the tree itself for the root).
fn folder_id(tree: &Tree<'_>, prefix: &str) -> Option<Oid> {
    if prefix.is_empty() {
        return Some(tree.id());
    }
    tree.get_path(Path::new(prefix))
        .ok()
        .filter(|e| e.kind() == Some(ObjectType::Tree))
        .map(|e| e.id())
}
