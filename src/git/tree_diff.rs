//! The blobs that differ between two trees, by a merge walk over their sorted entries.
//!
//! libgit2's `diff_tree_to_tree` gives the same answer for plain blobs, but it builds an
//! iterator frame per entry and parses paths and modes again for every pair; on a flat
//! folder of 10,000 items that is most of the cost of walking a long history. Here the two
//! entry lists, already sorted by git, are walked side by side: an unchanged entry costs
//! one object-id comparison, and only subtrees whose ids differ are opened.
//!
//! Renames are not detected (an old path is a removal, a new path an addition), symbolic
//! links and submodules are ignored, like the history readers that call this ignore them.

use std::cmp::Ordering;

use git2::{ObjectType, Repository, Tree, TreeEntry};

/// One blob that differs: its path (`base` joined with the names inside the trees) and the
/// blob id on each side (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobChange {
    /// `base/` + the path inside the trees.
    pub path: String,
    /// The blob before (`None`: added).
    pub old: Option<super::ObjectId>,
    /// The blob after (`None`: removed).
    pub new: Option<super::ObjectId>,
}

/// What a tree entry is, for the walk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blob,
    Tree,
    /// Symbolic links and submodules: never reported.
    Other,
}

fn kind(e: &TreeEntry<'_>) -> Kind {
    match e.kind() {
        Some(ObjectType::Tree) => Kind::Tree,
        Some(ObjectType::Blob) if e.filemode() != i32::from(git2::FileMode::Link) => Kind::Blob,
        _ => Kind::Other,
    }
}

/// git's tree order: names compared byte-wise, a tree's name as if it ended in `/`.
pub(super) fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    let end = |name: &[u8], tree: bool| match name.get(n) {
        Some(&c) => c,
        None if tree => b'/',
        None => 0,
    };
    end(a, a_tree).cmp(&end(b, b_tree))
}

/// Appends to `out` the blobs that differ between `old` and `new` (either may be absent:
/// everything on the other side is added or removed), in git's path order. Paths are
/// `base` + `/` + the path inside the tree (no separator when `base` is empty).
pub fn diff_trees(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    base: &str,
    out: &mut Vec<BlobChange>,
) -> Result<(), git2::Error> {
    let join = |name: &[u8]| {
        let name = String::from_utf8_lossy(name);
        if base.is_empty() {
            name.into_owned()
        } else {
            format!("{base}/{name}")
        }
    };
    let (mut i, mut j) = (0, 0);
    let (n_old, n_new) = (old.map_or(0, Tree::len), new.map_or(0, Tree::len));
    while i < n_old || j < n_new {
        let a = old.and_then(|t| t.get(i)).filter(|_| i < n_old);
        let b = new.and_then(|t| t.get(j)).filter(|_| j < n_new);
        let order = match (&a, &b) {
            (Some(a), Some(b)) => git_order(
                a.name_bytes(),
                kind(a) == Kind::Tree,
                b.name_bytes(),
                kind(b) == Kind::Tree,
            ),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match order {
            Ordering::Less => {
                let a = a.expect("old entry");
                side(repo, &a, true, &join(a.name_bytes()), out)?;
                i += 1;
            }
            Ordering::Greater => {
                let b = b.expect("new entry");
                side(repo, &b, false, &join(b.name_bytes()), out)?;
                j += 1;
            }
            Ordering::Equal => {
                let (a, b) = (a.expect("old entry"), b.expect("new entry"));
                if a.id() != b.id() || kind(&a) != kind(&b) {
                    match (kind(&a), kind(&b)) {
                        (Kind::Tree, Kind::Tree) => {
                            let (ta, tb) = (repo.find_tree(a.id())?, repo.find_tree(b.id())?);
                            diff_trees(repo, Some(&ta), Some(&tb), &join(a.name_bytes()), out)?;
                        }
                        (Kind::Blob, Kind::Blob) => out.push(BlobChange {
                            path: join(a.name_bytes()),
                            old: Some(a.id().into()),
                            new: Some(b.id().into()),
                        }),
                        // Same name, and same kind class (a tree never equals a blob in
                        // git's order): a blob turned into a link or back.
                        _ => {
                            side(repo, &a, true, &join(a.name_bytes()), out)?;
                            side(repo, &b, false, &join(b.name_bytes()), out)?;
                        }
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    Ok(())
}

/// Reports everything under one entry present on one side only.
fn side(
    repo: &Repository,
    e: &TreeEntry<'_>,
    is_old: bool,
    path: &str,
    out: &mut Vec<BlobChange>,
) -> Result<(), git2::Error> {
    match kind(e) {
        Kind::Blob => out.push(BlobChange {
            path: path.to_owned(),
            old: is_old.then(|| e.id().into()),
            new: (!is_old).then(|| e.id().into()),
        }),
        Kind::Tree => {
            let t = repo.find_tree(e.id())?;
            if is_old {
                diff_trees(repo, Some(&t), None, path, out)?;
            } else {
                diff_trees(repo, None, Some(&t), path, out)?;
            }
        }
        Kind::Other => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::Oid;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Builds a tree from `path -> content` (paths may contain `/`).
    fn build(repo: &Repository, files: &BTreeMap<String, String>) -> Oid {
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, content) in files {
            let blob = repo.blob(content.as_bytes()).unwrap();
            update.upsert(path.as_str(), blob, git2::FileMode::Blob);
        }
        update
            .create_updated(repo, &repo.find_tree(empty).unwrap())
            .unwrap()
    }

    /// libgit2's own answer, for comparison.
    fn reference(repo: &Repository, old: &Tree<'_>, new: &Tree<'_>) -> Vec<BlobChange> {
        let diff = repo.diff_tree_to_tree(Some(old), Some(new), None).unwrap();
        let mut out: Vec<BlobChange> = diff
            .deltas()
            .map(|d| {
                let path =
                    |f: git2::DiffFile<'_>| f.path().map(|p| p.to_string_lossy().into_owned());
                let id = |f: git2::DiffFile<'_>| (!f.id().is_zero()).then(|| f.id().into());
                BlobChange {
                    path: path(d.new_file()).or(path(d.old_file())).unwrap(),
                    old: id(d.old_file()),
                    new: id(d.new_file()),
                }
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    fn files() -> impl Strategy<Value = BTreeMap<String, String>> {
        // Names chosen to exercise git's order: `a` vs `a.md` vs `a/` vs `a-b`.
        let name = prop::sample::select(vec![
            "a", "a.md", "a-b", "a0", "b", "B-1.md", "sub/a", "sub/a.md", "sub/x/y", "a/b",
            "a/c.md", "zz",
        ]);
        prop::collection::btree_map(
            name.prop_map(str::to_owned),
            prop::sample::select(vec!["1", "2", "3"]).prop_map(str::to_owned),
            0..10,
        )
        .prop_filter("a name is a file or a folder, not both", |m| {
            !m.keys()
                .any(|k| m.keys().any(|o| o.starts_with(&format!("{k}/"))))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The merge walk reports exactly the blobs libgit2's tree diff reports.
        #[test]
        fn prop_diff_trees_equals_libgit2(old in files(), new in files()) {
            let tmp = tempfile::tempdir().unwrap();
            let repo = Repository::init(tmp.path()).unwrap();
            let (a, b) = (build(&repo, &old), build(&repo, &new));
            let (ta, tb) = (repo.find_tree(a).unwrap(), repo.find_tree(b).unwrap());
            let mut got = Vec::new();
            diff_trees(&repo, Some(&ta), Some(&tb), "", &mut got).unwrap();
            got.sort_by(|a, b| a.path.cmp(&b.path));
            prop_assert_eq!(got, reference(&repo, &ta, &tb));
        }
    }

    #[test]
    fn test_base_prefixes_paths_and_absent_sides() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init(tmp.path()).unwrap();
        let files = BTreeMap::from([("x/B-1.md".to_owned(), "1".to_owned())]);
        let t = repo.find_tree(build(&repo, &files)).unwrap();
        let mut out = Vec::new();
        diff_trees(&repo, None, Some(&t), "backlog", &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "backlog/x/B-1.md");
        assert!(out[0].old.is_none() && out[0].new.is_some());
        out.clear();
        diff_trees(&repo, Some(&t), Some(&t), "backlog", &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn test_git_order_puts_folders_after_same_prefix_files() {
        assert_eq!(git_order(b"a", true, b"a.md", false), Ordering::Greater);
        assert_eq!(git_order(b"a", false, b"a.md", false), Ordering::Less);
        assert_eq!(git_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(git_order(b"a", true, b"a", true), Ordering::Equal);
    }
}
