//! When each item file last changed: one walk over the history from HEAD (`health`'s
//! freshness), comparing folder trees entry by entry.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Failure, Repo};

/// The time (Unix seconds) of the last commit that changed each of `paths` (workdir-
/// relative, `/`-separated, inside `dir`), in ONE walk over the history from HEAD, newest
/// first. A commit is skipped when the tree of `dir` equals its first parent's; otherwise
/// the two `dir` trees are compared entry by entry (descending only into subfolders whose
/// tree differs), and each pending path that changed gets the commit's time. The walk stops
/// as soon as every path is dated. Paths never committed are absent from the result; an
/// unborn HEAD gives an empty map.
pub fn last_commit_times(
    repo: &Repo,
    dir: &str,
    paths: &[String],
) -> Result<HashMap<String, i64>, Failure> {
    last_commits_since(repo, dir, paths, None).map(|l| l.times)
}

/// What [`last_commits_since`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastCommits {
    /// Last commit time (Unix seconds) per path, for the paths changed since the cut-off.
    pub times: HashMap<String, i64>,
    /// Paths in HEAD whose last commit is older than the cut-off (not dated).
    pub before: HashSet<String>,
}

/// How many commits older than the stale line `health` still walks to date the stale items
/// exactly (all of them, in a small history) before it gives up on that.
pub const PAST_THE_LINE: usize = 500;

/// [`last_commit_times`], stopping `past` commits after the first commit older than
/// `since` (Unix seconds; `None` walks as far as needed): what `health` needs to tell
/// fresh items from stale ones without walking to the root commit for items untouched
/// since their creation. The paths of HEAD still undated when it stops are in
/// [`LastCommits::before`]; every time it reports equals [`last_commit_times`]'s.
pub fn last_commits_since(
    repo: &Repo,
    dir: &str,
    paths: &[String],
    since: Option<(i64, usize)>,
) -> Result<LastCommits, Failure> {
    walk_since(repo.inner(), dir, paths, since).map_err(Failure::from)
}

fn walk_since(
    repo: &git2::Repository,
    dir: &str,
    paths: &[String],
    since: Option<(i64, usize)>,
) -> Result<LastCommits, git2::Error> {
    let mut out = HashMap::new();
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    };
    let mut pending: HashSet<String> = paths
        .iter()
        .filter_map(|p| p.strip_prefix(prefix.as_str()))
        .map(str::to_owned)
        .collect();
    let head = match repo.head().and_then(|h| h.peel_to_commit()) {
        Ok(c) => c,
        Err(_) => return Ok(LastCommits::default()),
    };
    let trees = RawTrees::new(repo, dir)?;
    // Newest first by commit time, as `git log` walks: libgit2's sorted revwalk would
    // first walk the whole history (its "limited" mode), where this stops early.
    let mut queue = std::collections::BinaryHeap::new();
    let mut seen = HashSet::new();
    seen.insert(head.id());
    queue.push((head.time().seconds(), head.id()));
    // The last parent folder tree read: in a linear history it is the next commit's own.
    let mut cached: Option<(git2::Oid, git2::OdbObject<'_>)> = None;
    let mut stopped = false;
    let mut past = 0;
    while let Some((time, oid)) = queue.pop() {
        if pending.is_empty() {
            break;
        }
        if let Some((line, budget)) = since
            && time < line
        {
            past += 1;
            if past > budget {
                stopped = true;
                break;
            }
        }
        let commit = repo.find_commit(oid)?;
        let mut first_parent = None;
        for (k, id) in commit.parent_ids().enumerate() {
            let parent = repo.find_commit(id)?;
            if k == 0 {
                first_parent = Some(parent.tree_id());
            }
            if seen.insert(id) {
                queue.push((parent.time().seconds(), id));
            }
        }
        let Some(mine) = trees.folder(commit.tree_id())? else {
            continue;
        };
        let parent = match first_parent {
            Some(root) => trees.folder(root)?,
            None => None,
        };
        if parent == Some(mine) {
            continue;
        }
        let new = match cached.take() {
            Some((id, data)) if id == mine => data,
            _ => trees.read(mine)?,
        };
        let old = parent.map(|p| trees.read(p)).transpose()?;
        changed(
            &trees,
            old.as_ref().map(git2::OdbObject::data),
            new.data(),
            "",
            &mut pending,
            &mut |p| {
                out.insert(format!("{prefix}{p}"), time);
            },
        )?;
        cached = parent.zip(old);
    }
    let mut before = HashSet::new();
    if stopped {
        // Look the paths up in HEAD's folder tree, loaded once: from the root tree, every
        // look-up would load and parse the 10,000-entry folder again.
        let folder = match trees.folder(head.tree_id())? {
            Some(oid) => Some(repo.find_tree(oid)?),
            None => None,
        };
        for p in pending {
            if folder
                .as_ref()
                .is_some_and(|f| f.get_path(Path::new(&p)).is_ok())
            {
                before.insert(format!("{prefix}{p}"));
            }
        }
    }
    Ok(LastCommits { times: out, before })
}

/// Raw tree objects, read from the object database without parsing them into entries,
/// and the folder's tree id per root tree (remembered for the last few roots: each
/// commit's root is its child's parent root).
struct RawTrees<'r> {
    odb: git2::Odb<'r>,
    dir: Vec<&'r [u8]>,
    roots: std::cell::RefCell<Vec<(git2::Oid, Option<git2::Oid>)>>,
}

impl<'r> RawTrees<'r> {
    fn new(repo: &'r git2::Repository, dir: &'r str) -> Result<Self, git2::Error> {
        Ok(Self {
            odb: repo.odb()?,
            dir: dir
                .split('/')
                .filter(|c| !c.is_empty())
                .map(str::as_bytes)
                .collect(),
            roots: std::cell::RefCell::new(Vec::with_capacity(4)),
        })
    }

    fn read(&self, oid: git2::Oid) -> Result<git2::OdbObject<'_>, git2::Error> {
        let object = self.odb.read(oid)?;
        if object.kind() != git2::ObjectType::Tree {
            return Err(git2::Error::from_str("object is not a tree"));
        }
        Ok(object)
    }

    /// The id of the folder's tree under the root tree `root`, if it is there.
    fn folder(&self, root: git2::Oid) -> Result<Option<git2::Oid>, git2::Error> {
        if let Some(&(_, folder)) = self.roots.borrow().iter().find(|(r, _)| *r == root) {
            return Ok(folder);
        }
        let mut folder = Some(root);
        for name in &self.dir {
            let Some(at) = folder else { break };
            let tree = self.read(at)?;
            folder = match entries(tree.data()).find(|e| e.name == *name) {
                Some(e) if e.is_tree() => Some(git2::Oid::from_bytes(e.id)?),
                _ => None,
            };
        }
        let mut roots = self.roots.borrow_mut();
        if roots.len() == 4 {
            roots.remove(0);
        }
        roots.push((root, folder));
        Ok(folder)
    }
}

/// One entry of a raw tree object (`<octal mode> <name>\0<20-byte id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RawEntry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
    /// Offset just past the entry.
    end: usize,
}

impl RawEntry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }
}

/// The entry at byte `pos` of a raw tree, `None` at the end or on malformed bytes.
fn entry_at(data: &[u8], pos: usize) -> Option<RawEntry<'_>> {
    let rest = data.get(pos..)?;
    let space = rest.iter().position(|&b| b == b' ')?;
    let nul = space + 1 + rest[space + 1..].iter().position(|&b| b == 0)?;
    let id = rest.get(nul + 1..nul + 1 + super::OID_LEN)?;
    Some(RawEntry {
        mode: &rest[..space],
        name: &rest[space + 1..nul],
        id,
        end: pos + nul + 1 + super::OID_LEN,
    })
}

fn entries(data: &[u8]) -> impl Iterator<Item = RawEntry<'_>> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let e = entry_at(data, pos)?;
        pos = e.end;
        Some(e)
    })
}

/// How many leading bytes `a` and `b` share, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many trailing bytes `a` and `b` share.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let (mut i, la, lb) = (0, a.len(), b.len());
    while i + BLOCK <= n && a[la - i - BLOCK..la - i] == b[lb - i - BLOCK..lb - i] {
        i += BLOCK;
    }
    i + a[..la - i]
        .iter()
        .rev()
        .zip(b[..lb - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Reports every pending path (relative to the trees) whose entry in the raw tree `new`
/// differs from the raw tree `old`, removing it from `pending`. Both trees are sorted in
/// git order, so one merge pass over their entries pairs them up; the bytes both trees
/// share at their start and at their end (all of the folder but the changed entries,
/// in a typical commit) are skipped without reading their entries one by one.
fn changed(
    trees: &RawTrees<'_>,
    old: Option<&[u8]>,
    new: &[u8],
    prefix: &str,
    pending: &mut HashSet<String>,
    found: &mut dyn FnMut(&str),
) -> Result<(), git2::Error> {
    let old = old.unwrap_or_default();
    let (head, tail) = (common_prefix(old, new), common_suffix(old, new));
    let mut at_new = 0;
    // Entries wholly inside the shared head are the same entries at the same offsets.
    while let Some(e) = entry_at(new, at_new).filter(|e| e.end <= head) {
        at_new = e.end;
    }
    let mut at_old = at_new;
    let mut old_entry = entry_at(old, at_old);
    while let Some(entry) = entry_at(new, at_new) {
        // The rest of both trees is the same bytes from entry boundaries: the same entries.
        if new.len() - at_new == old.len() - at_old && new.len() - at_new <= tail {
            break;
        }
        at_new = entry.end;
        let mut before = None;
        while let Some(o) = old_entry {
            match super::tree_diff::git_order(o.name, o.is_tree(), entry.name, entry.is_tree()) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => before = Some(o),
                std::cmp::Ordering::Greater => break,
            }
            at_old = o.end;
            old_entry = entry_at(old, at_old);
            if before.is_some() {
                break;
            }
        }
        if before.map(|b| b.id) == Some(entry.id) {
            continue;
        }
        let Ok(name) = std::str::from_utf8(entry.name) else {
            continue;
        };
        let path = format!("{prefix}{name}");
        if entry.is_tree() {
            let sub_prefix = format!("{path}/");
            if !pending.iter().any(|p| p.starts_with(&sub_prefix)) {
                continue;
            }
            let sub = trees.read(git2::Oid::from_bytes(entry.id)?)?;
            let old_sub = match before.filter(RawEntry::is_tree) {
                Some(b) => Some(trees.read(git2::Oid::from_bytes(b.id)?)?),
                None => None,
            };
            changed(
                trees,
                old_sub.as_ref().map(git2::OdbObject::data),
                sub.data(),
                &sub_prefix,
                pending,
                found,
            )?;
        } else if pending.remove(&path) {
            found(&path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    #[test]
    fn test_last_commit_times_one_walk() {
        let dir = tempfile::tempdir().unwrap();
        let repo = testing::init(dir.path());
        let commit = |files: &[(&str, &str)], time: i64| testing::commit_files(&repo, files, time);
        commit(
            &[
                ("backlog/a.md", "a"),
                ("backlog/sub/b.md", "b"),
                ("backlog/sub/c.md", "c"),
                ("other/x.md", "x"),
            ],
            1_000,
        );
        commit(&[("backlog/sub/b.md", "b2")], 2_000);
        commit(&[("other/x.md", "x2")], 3_000);
        commit(&[("backlog/d.md", "d")], 4_000);
        let paths: Vec<String> = [
            "backlog/a.md",
            "backlog/sub/b.md",
            "backlog/sub/c.md",
            "backlog/d.md",
            "backlog/never.md",
        ]
        .map(String::from)
        .to_vec();
        let times = last_commit_times(&repo, "backlog", &paths).unwrap();
        let mut got: Vec<(&str, i64)> = times.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        got.sort_unstable();
        assert_eq!(
            got,
            [
                ("backlog/a.md", 1_000),
                ("backlog/d.md", 4_000),
                ("backlog/sub/b.md", 2_000),
                ("backlog/sub/c.md", 1_000),
            ]
        );
        // A folder that was never committed, and an empty repository, give nothing.
        assert!(
            last_commit_times(&repo, "nothing", &paths)
                .unwrap()
                .is_empty()
        );
        let empty = tempfile::tempdir().unwrap();
        let empty = testing::init(empty.path());
        assert!(
            last_commit_times(&empty, "backlog", &paths)
                .unwrap()
                .is_empty()
        );
    }

    /// The definition, the slow way: every commit reachable from HEAD, newest first by
    /// time (libgit2's sorted walk), each path dated by the first commit whose entry for
    /// it differs from its first parent's.
    fn reference(repo: &git2::Repository, paths: &[String]) -> HashMap<String, i64> {
        let mut out = HashMap::new();
        let mut walk = repo.revwalk().unwrap();
        walk.set_sorting(git2::Sort::TIME).unwrap();
        walk.push_head().unwrap();
        let entry =
            |tree: &git2::Tree<'_>, p: &str| tree.get_path(Path::new(p)).ok().map(|e| e.id());
        for oid in walk {
            let commit = repo.find_commit(oid.unwrap()).unwrap();
            let tree = commit.tree().unwrap();
            let parent = commit.parent(0).ok().map(|p| p.tree().unwrap());
            for p in paths {
                if out.contains_key(p) {
                    continue;
                }
                let mine = entry(&tree, p);
                if mine.is_some() && parent.as_ref().and_then(|t| entry(t, p)) != mine {
                    out.insert(p.clone(), commit.time().seconds());
                }
            }
        }
        out
    }

    const FILES: [&str; 7] = [
        "backlog/a.md",
        "backlog/b.md",
        "backlog/sub/c.md",
        "backlog/sub/deep/d.md",
        "backlog/e.md",
        "src/x.rs",
        "README.md",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn prop_last_commit_times_equal_the_definition(
            steps in proptest::collection::vec(
                (0usize..8, proptest::option::of(0usize..8), 0i64..3,
                 proptest::collection::btree_map(0usize..7, 0u8..4, 0..4)),
                1..24,
            ),
        ) {
            // Each step commits on top of an earlier commit (a fork when it is not the
            // last one), maybe merging another; changes (or deletes, with value 0) a few
            // files; times never go back along a parent edge.
            let dir = tempfile::tempdir().unwrap();
            let repo = testing::init(dir.path());
            let r = repo.inner();
            let sig = |t: i64| git2::Signature::new("t", "t@e.com", &git2::Time::new(t, 0)).unwrap();
            let mut commits: Vec<(git2::Oid, i64)> = Vec::new();
            for (n, (back, merge, gap, changes)) in steps.iter().enumerate() {
                let first = commits.len().checked_sub(1 + back % 3.min(commits.len().max(1)));
                let first = first.map(|k| commits[k]);
                let other = merge
                    .filter(|_| commits.len() > 1)
                    .map(|m| commits[m % commits.len()])
                    .filter(|o| Some(o.0) != first.map(|f| f.0));
                let base = first.map(|(c, _)| r.find_commit(c).unwrap().tree().unwrap());
                let mut update = git2::build::TreeUpdateBuilder::new();
                for (file, value) in changes {
                    if *value == 0 {
                        if base.as_ref().is_some_and(|t| t.get_path(Path::new(FILES[*file])).is_ok()) {
                            update.remove(FILES[*file]);
                        }
                    } else {
                        let blob = r.blob(format!("{n} {value}").as_bytes()).unwrap();
                        update.upsert(FILES[*file], blob, git2::FileMode::Blob);
                    }
                }
                let empty = r.find_tree(r.treebuilder(None).unwrap().write().unwrap()).unwrap();
                let tree = update.create_updated(r, base.as_ref().unwrap_or(&empty)).unwrap();
                let tree = r.find_tree(tree).unwrap();
                let time = first.iter().chain(&other).map(|(_, t)| *t).max().unwrap_or(1_000) + gap;
                let parents: Vec<git2::Commit<'_>> = first
                    .iter()
                    .chain(&other)
                    .map(|(c, _)| r.find_commit(*c).unwrap())
                    .collect();
                let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
                let oid = r.commit(None, &sig(time), &sig(time), "c", &tree, &parents).unwrap();
                commits.push((oid, time));
            }
            r.reference("refs/heads/main", commits.last().unwrap().0, true, "t").unwrap();
            r.set_head("refs/heads/main").unwrap();
            let paths: Vec<String> = FILES.iter().map(|p| (*p).to_owned()).collect();
            let expected = reference(r, &paths);
            let expected: HashMap<String, i64> =
                expected.into_iter().filter(|(p, _)| p.starts_with("backlog/")).collect();
            proptest::prop_assert_eq!(last_commit_times(&repo, "backlog", &paths).unwrap(), expected);
        }
    }
}
