//! Commits of many paths at once (an import of thousands of items).
//!
//! Writing every blob as a loose object costs a file (and a temporary file) per object,
//! and refreshing the index with `add_path` reads and hashes every file again. Here the
//! objects are built in an in-memory object database and written as one pack; the branch
//! is moved afterwards by [`Repo::advance_head`] and the index entries are built from the
//! blob ids already known and a `stat` of each written file ([`index_entry`]).

use std::path::Path;

use git2::{ErrorCode, ObjectType, Oid, Repository};

use super::{BLOB_MODE, EMPTY_TREE, EXEC_MODE, GitError, PathChange, PreparedCommit, Repo, git};

impl Repo {
    /// [`Repo::prepare_commit`] for many paths: same result, one pack file.
    pub(super) fn prepare_commit_packed(
        &self,
        changes: &[PathChange<'_>],
        message: &str,
        signatures: &super::Signatures,
    ) -> Result<Option<PreparedCommit>, GitError> {
        // A second handle whose object database writes into memory; the main handle
        // never sees the in-memory backend.
        let mem_repo = Repository::open(self.repo.path()).map_err(git("open repository"))?;
        let odb = mem_repo.odb().map_err(git("open object database"))?;
        // Only a place to build objects: they leave through `pack::write`, never `dump`.
        let _mempack = odb
            .add_new_mempack_backend(1000)
            .map_err(git("open object database"))?;
        let head = match mem_repo.head() {
            Ok(h) => Some(h.peel_to_commit().map_err(git("read HEAD"))?),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
            Err(source) => {
                return Err(GitError::Git {
                    op: "read HEAD",
                    source,
                });
            }
        };
        let base_tree = match &head {
            Some(c) => c.tree().map_err(git("read HEAD tree"))?,
            // git's well-known empty tree, without storing it (see `commit_paths`).
            None => match Oid::from_str(EMPTY_TREE).and_then(|oid| mem_repo.find_tree(oid)) {
                Ok(tree) => tree,
                Err(_) => {
                    let oid = mem_repo
                        .treebuilder(None)
                        .and_then(|b| b.write())
                        .map_err(git("build empty tree"))?;
                    mem_repo.find_tree(oid).map_err(git("build empty tree"))?
                }
            },
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        let mut ids = Vec::with_capacity(changes.len());
        let mut blobs = Vec::with_capacity(changes.len());
        for change in changes {
            match change.content {
                Some(bytes) => {
                    let content = self.clean(change.path, bytes);
                    let blob = mem_repo.blob(&content).map_err(git("write blob"))?;
                    blobs.push((blob, content));
                    let executable = head.is_some()
                        && matches!(
                            self.entry_at(base_tree.id(), change.path)?,
                            Some((EXEC_MODE, _))
                        );
                    let (mode, file_mode) = if executable {
                        (EXEC_MODE, git2::FileMode::BlobExecutable)
                    } else {
                        (BLOB_MODE, git2::FileMode::Blob)
                    };
                    update.upsert(change.path, blob, file_mode);
                    ids.push(Some((blob, mode)));
                }
                None => {
                    update.remove(change.path);
                    ids.push(None);
                }
            }
        }
        let tree_oid = update
            .create_updated(&mem_repo, &base_tree)
            .map_err(git("build tree"))?;
        if head.is_some() && tree_oid == base_tree.id() {
            return Ok(None);
        }
        let tree = mem_repo.find_tree(tree_oid).map_err(git("build tree"))?;
        let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
        let oid = mem_repo
            .commit(
                None,
                &signatures.author,
                &signatures.committer,
                message,
                &tree,
                &parents,
            )
            .map_err(git("commit"))?;

        // The new objects go in as one pack through the main handle (whose object
        // database has no in-memory backend), then HEAD moves. Only objects the main
        // database lacks: the blobs, the trees on the changed paths, the commit.
        let main_odb = self.repo.odb().map_err(git("write pack"))?;
        let mut fresh = std::collections::HashSet::new();
        let mut objects: Vec<(ObjectType, std::borrow::Cow<'_, [u8]>)> = Vec::new();
        for (id, content) in blobs {
            if !main_odb.exists(id) && fresh.insert(id) {
                objects.push((ObjectType::Blob, content));
            }
        }
        let mem_odb = mem_repo.odb().map_err(git("write pack"))?;
        let mut trees = vec![tree_oid];
        while let Some(id) = trees.pop() {
            if main_odb.exists(id) || !fresh.insert(id) {
                continue;
            }
            let tree = mem_repo.find_tree(id).map_err(git("write pack"))?;
            trees.extend(
                tree.iter()
                    .filter(|e| e.kind() == Some(ObjectType::Tree))
                    .map(|e| e.id()),
            );
            let raw = mem_odb.read(id).map_err(git("write pack"))?;
            objects.push((ObjectType::Tree, raw.data().to_vec().into()));
        }
        let raw = mem_odb.read(oid).map_err(git("write pack"))?;
        objects.push((ObjectType::Commit, raw.data().to_vec().into()));
        let objects: Vec<(ObjectType, &[u8])> = objects
            .iter()
            .map(|(kind, data)| (*kind, data.as_ref()))
            .collect();
        super::pack::write(&main_odb, &objects)?;

        Ok(Some(PreparedCommit {
            parent: head.map(|c| c.id().into()),
            commit: oid.into(),
            blobs: ids
                .into_iter()
                .map(|b| b.map(|(id, mode)| (id.into(), mode)))
                .collect(),
        }))
    }
}

/// An index entry for the work-tree file `path` with the known blob `id` and `mode`, from
/// a `stat` of the file.
#[cfg(unix)]
pub(super) fn index_entry(
    workdir: &Path,
    path: &str,
    id: Oid,
    mode: u32,
) -> Result<git2::IndexEntry, GitError> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(workdir.join(path)).map_err(|e| GitError::Git {
        op: "update index",
        source: git2::Error::from_str(&format!("{path}: {e}")),
    })?;
    // The index stores 32-bit stat fields; git truncates them the same way.
    Ok(git2::IndexEntry {
        ctime: git2::IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32),
        mtime: git2::IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode,
        uid: meta.uid(),
        gid: meta.gid(),
        file_size: meta.size() as u32,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
}

#[cfg(not(unix))]
pub(super) fn index_entry(
    workdir: &Path,
    path: &str,
    id: Oid,
    mode: u32,
) -> Result<git2::IndexEntry, GitError> {
    let meta = std::fs::metadata(workdir.join(path)).map_err(|e| GitError::Git {
        op: "update index",
        source: git2::Error::from_str(&format!("{path}: {e}")),
    })?;
    Ok(git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: meta.len() as u32,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
}
