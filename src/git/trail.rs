//! Following one file through history cheaply: the object ids along its path (root tree,
//! each folder's tree, the blob), looked up in the raw tree objects, and reused from a
//! neighbouring commit wherever a tree id is the same.
//!
//! In a monorepo most commits never touch the backlog folder: their `backlog` subtree id
//! equals the parent's, so comparing two commits costs two small root-tree reads (or
//! nothing, when the root trees are equal). Only where the folder's tree differs is that
//! tree read, and then its raw entries are scanned for one name instead of being parsed
//! into thousands of entries.

use git2::{Odb, Oid};

use super::{GitError, git};

/// Tree entry modes.
const MODE_TREE: u32 = 0o040_000;
const MODE_BLOB: u32 = 0o100_644;
const MODE_EXEC: u32 = 0o100_755;
/// Length of a raw (SHA-1) object id in a tree entry.
const RAW_OID: usize = 20;

/// The ids along a path in one commit: `ids[0]` is the root tree, `ids[k]` the entry of
/// the k-th path component (folders' trees, then the file's blob).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chain {
    ids: Vec<Oid>,
}

impl Chain {
    /// The file's blob.
    pub(crate) fn blob(&self) -> super::ObjectId {
        (*self
            .ids
            .last()
            .expect("a chain holds at least the root and the blob"))
        .into()
    }
}

/// Looks paths up in raw tree objects.
pub(crate) struct Trail<'r> {
    odb: Odb<'r>,
}

impl<'r> Trail<'r> {
    pub(crate) fn new(repo: &'r super::Repo) -> Result<Self, GitError> {
        Ok(Self {
            odb: repo.inner().odb().map_err(git("open object database"))?,
        })
    }

    /// The chain of the file `path` (`/`-separated) in the tree `root`, or `None` when it
    /// is not there as a regular file. `known` is the same path's chain in another tree:
    /// from the first level where the tree ids agree, the rest is taken from it unread.
    pub(crate) fn chain(
        &self,
        root: super::ObjectId,
        path: &str,
        known: Option<&Chain>,
    ) -> Result<Option<Chain>, GitError> {
        let root = root.raw();
        let parts: Vec<&str> = path.split('/').collect();
        let mut ids = Vec::with_capacity(parts.len() + 1);
        ids.push(root);
        for (level, name) in parts.iter().enumerate() {
            let tree = ids[level];
            if let Some(k) = known
                && k.ids.len() == parts.len() + 1
                && k.ids[level] == tree
            {
                ids.extend_from_slice(&k.ids[level + 1..]);
                return Ok(Some(Chain { ids }));
            }
            let object = self.odb.read(tree).map_err(git("read tree"))?;
            if object.kind() != git2::ObjectType::Tree {
                return Ok(None);
            }
            let last = level + 1 == parts.len();
            let Some((mode, id)) = find_entry_as(object.data(), name.as_bytes(), Some(!last))
            else {
                return Ok(None);
            };
            let fits = if last {
                mode == MODE_BLOB || mode == MODE_EXEC
            } else {
                mode == MODE_TREE
            };
            if !fits {
                return Ok(None);
            }
            ids.push(id);
        }
        Ok(Some(Chain { ids }))
    }
}

/// The mode and id of the entry `name` in a raw tree object (`<octal mode> <name>\0<20-byte
/// id>` repeated), by a scan that allocates nothing. `None` when absent or malformed.
///
/// For an entry known to be a folder (`Some(true)`) or a file (`Some(false)`), git sorts a tree's entries by name (a folder's as if it ended with
/// `/`), so the scan stops at the first entry that sorts after it. Each step finds the end
/// of a name with `memchr` (the mode is 5 or 6 digits, as git writes them; any other
/// length is read the slow way).
fn find_entry_as(data: &[u8], name: &[u8], tree: Option<bool>) -> Option<(u32, Oid)> {
    let mut pos = 0;
    while pos < data.len() {
        let space = match (data.get(pos + 5), data.get(pos + 6)) {
            (Some(b' '), _) => pos + 5,
            (_, Some(b' ')) => pos + 6,
            _ => pos + data[pos..].iter().position(|&b| b == b' ')?,
        };
        let nul = space + 1 + memchr::memchr(0, &data[space + 1..])?;
        let id = nul + 1;
        if id + RAW_OID > data.len() {
            return None;
        }
        let here = &data[space + 1..nul];
        if here == name {
            let mode = std::str::from_utf8(&data[pos..space]).ok()?;
            let mode = u32::from_str_radix(mode, 8).ok()?;
            return Oid::from_bytes(&data[id..id + RAW_OID])
                .ok()
                .map(|oid| (mode, oid));
        }
        if let Some(tree) = tree {
            let here_tree = &data[pos..space] == b"40000";
            if super::tree_diff::git_order(here, here_tree, name, tree)
                == std::cmp::Ordering::Greater
            {
                return None;
            }
        }
        pos = id + RAW_OID;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_entry(data: &[u8], name: &[u8]) -> Option<(u32, Oid)> {
        find_entry_as(data, name, None)
    }

    fn raw_entry(mode: &str, name: &str, byte: u8) -> Vec<u8> {
        let mut out = format!("{mode} {name}\0").into_bytes();
        out.extend([byte; RAW_OID]);
        out
    }

    #[test]
    fn test_find_entry_scans_raw_entries() {
        // Ids full of spaces and NULs must not confuse the scan.
        let mut data = raw_entry("100644", "a.md", b' ');
        data.extend(raw_entry("40000", "sub", 0));
        data.extend(raw_entry("100755", "x y.md", 7));
        let (mode, id) = find_entry(&data, b"sub").unwrap();
        assert_eq!(mode, MODE_TREE);
        assert_eq!(id, Oid::from_bytes(&[0; RAW_OID]).unwrap());
        assert_eq!(find_entry(&data, b"x y.md").unwrap().0, MODE_EXEC);
        assert_eq!(find_entry(&data, b"a.md").unwrap().0, MODE_BLOB);
        assert_eq!(find_entry(&data, b"b.md"), None);
        assert_eq!(find_entry(&data, b"a"), None);
        // Truncated: no panic.
        assert_eq!(find_entry(&data[..data.len() - 3], b"x y.md"), None);
        assert_eq!(find_entry(b"100644 no-nul", b"no-nul"), None);
        // Sorted scans stop early and agree with the full scan.
        for (name, tree) in [(&b"sub"[..], true), (b"x y.md", false), (b"a.md", false)] {
            assert_eq!(
                find_entry_as(&data, name, Some(tree)),
                find_entry(&data, name)
            );
        }
        assert_eq!(find_entry_as(&data, b"b.md", Some(false)), None);
        assert_eq!(find_entry_as(&data, b"zz", Some(true)), None);
        // An odd mode length is read the slow way.
        let odd = raw_entry("1006440", "q.md", 1);
        assert_eq!(
            find_entry_as(&odd, b"q.md", Some(false)).unwrap().0,
            0o1006440
        );
    }

    #[test]
    fn test_chain_reuses_equal_subtrees_and_agrees_with_get_path() {
        let dir = tempfile::tempdir().unwrap();
        let handle = super::super::testing::init(dir.path());
        let repo = handle.inner();
        let blob = |text: &str| repo.blob(text.as_bytes()).unwrap();
        let tree = |entries: &[(&str, Oid, i32)]| {
            let mut b = repo.treebuilder(None).unwrap();
            for (name, id, mode) in entries {
                b.insert(name, *id, *mode).unwrap();
            }
            b.write().unwrap()
        };
        let (one, two) = (blob("one"), blob("two"));
        let sub = tree(&[("B-1-x.md", one, 0o100644), ("B-2-y.md", two, 0o100644)]);
        let root = tree(&[("backlog", sub, 0o040000), ("code.rs", two, 0o100644)]);
        let trail = Trail::new(&handle).unwrap();
        let chain = trail
            .chain(root.into(), "backlog/B-1-x.md", None)
            .unwrap()
            .unwrap();
        assert_eq!(chain.blob(), one.into());
        let by_get_path = repo
            .find_tree(root)
            .unwrap()
            .get_path(std::path::Path::new("backlog/B-1-x.md"))
            .unwrap()
            .id();
        assert_eq!(chain.blob(), by_get_path.into());
        assert_eq!(
            trail.chain(root.into(), "backlog/none.md", None).unwrap(),
            None
        );
        assert_eq!(trail.chain(root.into(), "code.rs/x", None).unwrap(), None);
        assert_eq!(trail.chain(root.into(), "backlog", None).unwrap(), None);
        // Another root with the same backlog subtree: the rest comes from `known`.
        let root2 = tree(&[("backlog", sub, 0o040000), ("code.rs", one, 0o100644)]);
        let again = trail
            .chain(root2.into(), "backlog/B-1-x.md", Some(&chain))
            .unwrap();
        assert_eq!(again.unwrap().blob(), one.into());
        // A different subtree is read.
        let sub2 = tree(&[("B-1-x.md", two, 0o100644)]);
        let root3 = tree(&[("backlog", sub2, 0o040000)]);
        let changed = trail
            .chain(root3.into(), "backlog/B-1-x.md", Some(&chain))
            .unwrap();
        assert_eq!(changed.unwrap().blob(), two.into());
        // A symlink is not an item file.
        let sub3 = tree(&[("B-1-x.md", one, 0o120000)]);
        let root4 = tree(&[("backlog", sub3, 0o040000)]);
        assert_eq!(
            trail.chain(root4.into(), "backlog/B-1-x.md", None).unwrap(),
            None
        );
    }
}
