//! Tree objects read and written directly: a small cache of raw trees, the entry at a
//! path, and the one-file fast path that patches each tree on the way in place.

use std::rc::Rc;

use git2::{FileMode, ObjectType, Oid};

use super::{BLOB_MODE, EXEC_MODE, GitError, OID_LEN, PathChange, Repo, TREE_MODE, git};

/// How many raw trees [`Repo::raw_tree`] keeps.
const TREE_CACHE: usize = 8;

impl Repo {
    /// HEAD's tree plus `changes` (whose blobs are already written), built with
    /// libgit2's tree updater.
    pub(super) fn updated_tree(
        &self,
        changes: &[PathChange<'_>],
        blobs: &[Option<(Oid, u32)>],
        base_tree: &git2::Tree<'_>,
    ) -> Result<Oid, GitError> {
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (change, blob) in changes.iter().zip(blobs) {
            match blob {
                Some((blob, mode)) => {
                    let mode = if *mode == EXEC_MODE {
                        FileMode::BlobExecutable
                    } else {
                        FileMode::Blob
                    };
                    update.upsert(change.path, *blob, mode);
                }
                None => {
                    update.remove(change.path);
                }
            }
        }
        update
            .create_updated(&self.repo, base_tree)
            .map_err(git("build tree"))
    }

    /// The raw bytes of a tree object (cached; see [`Repo::trees`]).
    fn raw_tree(&self, oid: Oid) -> Result<Rc<[u8]>, GitError> {
        if let Some((_, data)) = self.trees.borrow().iter().find(|(o, _)| *o == oid) {
            return Ok(Rc::clone(data));
        }
        let odb = self.repo.odb().map_err(git("read tree"))?;
        let object = odb.read(oid).map_err(git("read tree"))?;
        if object.kind() != ObjectType::Tree {
            return Err(GitError::Git {
                op: "read tree",
                source: git2::Error::from_str("object is not a tree"),
            });
        }
        let data: Rc<[u8]> = Rc::from(object.data());
        let mut trees = self.trees.borrow_mut();
        if trees.len() >= TREE_CACHE {
            trees.remove(0);
        }
        trees.push((oid, Rc::clone(&data)));
        Ok(data)
    }

    /// The mode and object id at `path` (`/`-separated) under tree `root`, if any.
    pub(super) fn entry_at(&self, root: Oid, path: &str) -> Result<Option<(u32, Oid)>, GitError> {
        let mut tree = root;
        let mut parts = path.split('/').peekable();
        while let Some(name) = parts.next() {
            let data = self.raw_tree(tree)?;
            let Some((mode, at)) = find_tree_entry(&data, name.as_bytes()) else {
                return Ok(None);
            };
            let oid = Oid::from_bytes(&data[at..at + OID_LEN]).map_err(git("read tree"))?;
            if parts.peek().is_none() {
                return Ok(Some((mode, oid)));
            }
            if mode != TREE_MODE {
                return Ok(None);
            }
            tree = oid;
        }
        Ok(None)
    }

    /// Fast path for the common one-file change: when `path` is an existing regular file
    /// under `root`, each tree on the way is the old tree with one object id replaced in
    /// place. That writes the same trees libgit2's updater writes, without loading every
    /// entry of a 100k-entry folder into a tree builder and sorting it again. `None` when
    /// the path is new, not a regular file, or the repository does not use SHA-1 ids.
    pub(super) fn patched_tree(
        &self,
        root: Oid,
        path: &str,
        blob: Oid,
    ) -> Result<Option<Oid>, GitError> {
        if blob.as_bytes().len() != OID_LEN {
            return Ok(None);
        }
        let parts: Vec<&str> = path.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Ok(None);
        }
        // Walk down, remembering each tree and where its entry's id sits.
        let mut chain: Vec<(Rc<[u8]>, usize)> = Vec::with_capacity(parts.len());
        let mut tree = root;
        for (depth, name) in parts.iter().enumerate() {
            let data = self.raw_tree(tree)?;
            let Some((mode, at)) = find_tree_entry(&data, name.as_bytes()) else {
                return Ok(None);
            };
            let last = depth + 1 == parts.len();
            if (last && mode != BLOB_MODE) || (!last && mode != TREE_MODE) {
                return Ok(None);
            }
            tree = Oid::from_bytes(&data[at..at + OID_LEN]).map_err(git("read tree"))?;
            chain.push((data, at));
        }
        // Write back up, innermost first.
        let odb = self.repo.odb().map_err(git("write tree"))?;
        let mut id = blob;
        for (data, at) in chain.into_iter().rev() {
            if data[at..at + OID_LEN] == *id.as_bytes() {
                // Unchanged below: this tree and those above it stay as they are.
                return Ok(Some(root));
            }
            let mut bytes = data.to_vec();
            bytes[at..at + OID_LEN].copy_from_slice(id.as_bytes());
            id = odb
                .write(ObjectType::Tree, &bytes)
                .map_err(git("write tree"))?;
        }
        Ok(Some(id))
    }
}

/// Finds the entry `name` in raw tree bytes (`<octal mode> <name>\0<20-byte id>`…).
/// Returns its mode and the offset of its id; `None` if absent or the bytes are malformed.
pub(super) fn find_tree_entry(data: &[u8], name: &[u8]) -> Option<(u32, usize)> {
    let mut pos = 0;
    while pos < data.len() {
        let space = pos + data[pos..].iter().position(|&b| b == b' ')?;
        let nul = space + 1 + data[space + 1..].iter().position(|&b| b == 0)?;
        let id = nul + 1;
        if id + OID_LEN > data.len() {
            return None;
        }
        if &data[space + 1..nul] == name {
            let mode = std::str::from_utf8(&data[pos..space]).ok()?;
            return u32::from_str_radix(mode, 8).ok().map(|m| (m, id));
        }
        pos = id + OID_LEN;
    }
    None
}
