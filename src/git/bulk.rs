//! Commits of many paths at once (an import of thousands of items).
//!
//! Writing every blob as a loose object costs a file (and a temporary file) per object,
//! and refreshing the index with `add_path` reads and hashes every file again. Here the
//! objects are built in an in-memory object database and written as one pack, the branch
//! is moved only once the pack is in place (refusing if HEAD moved meanwhile, like
//! `git_commit_create` does), and the index entries are built from the blob ids already
//! known and a `stat` of each written file.

use std::path::Path;

use git2::{ErrorCode, Oid, Repository, Signature};

use super::{EMPTY_TREE, GitError, PathChange, Repo, git};

impl Repo {
    /// [`Repo::commit_paths`] for many paths: same result, one pack file.
    pub(super) fn commit_paths_packed(
        &self,
        changes: &[PathChange<'_>],
        message: &str,
        signatures: &(Signature<'static>, Signature<'static>),
    ) -> Result<Option<Oid>, GitError> {
        // A second handle whose object database writes into memory; the main handle
        // never sees the in-memory backend.
        let mem_repo = Repository::open(self.repo.path()).map_err(git("open repository"))?;
        let odb = mem_repo.odb().map_err(git("open object database"))?;
        let mempack = odb
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
        for change in changes {
            match change.content {
                Some(bytes) => {
                    let blob = mem_repo.blob(bytes).map_err(git("write blob"))?;
                    update.upsert(change.path, blob, git2::FileMode::Blob);
                    ids.push(Some(blob));
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
            .commit(None, &signatures.0, &signatures.1, message, &tree, &parents)
            .map_err(git("commit"))?;

        // The pack goes in through the main handle (whose object database has no
        // in-memory backend), then HEAD moves.
        let mut pack = git2::Buf::new();
        mempack
            .dump(&mem_repo, &mut pack)
            .map_err(git("write pack"))?;
        let main_odb = self.repo.odb().map_err(git("write pack"))?;
        let mut writer = main_odb.packwriter().map_err(git("write pack"))?;
        std::io::Write::write_all(&mut writer, &pack).map_err(|e| GitError::Git {
            op: "write pack",
            source: git2::Error::from_str(&e.to_string()),
        })?;
        writer.commit().map_err(git("write pack"))?;

        let summary = message.lines().next().unwrap_or("");
        match head {
            Some(parent) => {
                let current = self.repo.head().map_err(git("read HEAD"))?;
                let name = current.name().unwrap_or("HEAD").to_owned();
                self.repo
                    .reference_matching(
                        &name,
                        oid,
                        true,
                        parent.id(),
                        &format!("commit: {summary}"),
                    )
                    .map_err(git("move HEAD"))?;
            }
            None => {
                let head_ref = self.repo.find_reference("HEAD").map_err(git("read HEAD"))?;
                let name = head_ref
                    .symbolic_target()
                    .ok()
                    .flatten()
                    .unwrap_or("refs/heads/main")
                    .to_owned();
                self.repo
                    .reference(&name, oid, false, &format!("commit (initial): {summary}"))
                    .map_err(git("move HEAD"))?;
            }
        }
        if let Err(e) = self.refresh_index_known(changes, &ids) {
            let source = match e {
                GitError::Git { source, .. } => source,
                other => git2::Error::from_str(&other.to_string()),
            };
            return Err(GitError::IndexNotUpdated {
                commit: oid.to_string(),
                source,
            });
        }
        Ok(Some(oid))
    }

    /// Updates the index entries of `changes` whose blob ids are known, from a `stat` of
    /// each written file (no file is read again).
    fn refresh_index_known(
        &self,
        changes: &[PathChange<'_>],
        ids: &[Option<Oid>],
    ) -> Result<(), GitError> {
        let mut index = self.repo.index().map_err(git("read index"))?;
        let workdir = self.workdir().to_path_buf();
        for (change, id) in changes.iter().zip(ids) {
            let path = Path::new(change.path);
            match id {
                Some(id) => {
                    let entry = index_entry(&workdir, change.path, *id)?;
                    index.add(&entry).map_err(git("update index"))?;
                }
                None => {
                    if index.get_path(path, 0).is_some() {
                        index.remove_path(path).map_err(git("update index"))?;
                    }
                }
            }
        }
        index.write().map_err(git("write index"))
    }
}

#[cfg(unix)]
fn index_entry(workdir: &Path, path: &str, id: Oid) -> Result<git2::IndexEntry, GitError> {
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
        mode: 0o100644,
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
fn index_entry(workdir: &Path, path: &str, id: Oid) -> Result<git2::IndexEntry, GitError> {
    let meta = std::fs::metadata(workdir.join(path)).map_err(|e| GitError::Git {
        op: "update index",
        source: git2::Error::from_str(&format!("{path}: {e}")),
    })?;
    Ok(git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: meta.len() as u32,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
}
