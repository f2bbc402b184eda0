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
    let subtree = |tree: &git2::Tree<'_>| -> Option<git2::Oid> {
        if dir.is_empty() {
            Some(tree.id())
        } else {
            tree.get_path(Path::new(dir))
                .ok()
                .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                .map(|e| e.id())
        }
    };
    let mut walk = repo.revwalk()?;
    walk.set_sorting(git2::Sort::TIME)?;
    walk.push(head.id())?;
    // The last parent folder tree loaded: in a linear history it is the next commit's own.
    let mut cached: Option<git2::Tree<'_>> = None;
    fn load<'r>(
        repo: &'r git2::Repository,
        cached: &Option<git2::Tree<'r>>,
        oid: git2::Oid,
    ) -> Result<git2::Tree<'r>, git2::Error> {
        match cached.as_ref().filter(|t| t.id() == oid) {
            Some(t) => Ok(t.clone()),
            None => repo.find_tree(oid),
        }
    }
    let mut stopped = false;
    let mut past = 0;
    for oid in walk {
        if pending.is_empty() {
            break;
        }
        let commit = repo.find_commit(oid?)?;
        if let Some((line, budget)) = since
            && commit.time().seconds() < line
        {
            past += 1;
            if past > budget {
                stopped = true;
                break;
            }
        }
        let Some(mine) = subtree(&commit.tree()?) else {
            continue;
        };
        let parent = match commit.parent(0) {
            Ok(p) => subtree(&p.tree()?),
            Err(_) => None,
        };
        if parent == Some(mine) {
            continue;
        }
        let new = load(repo, &cached, mine)?;
        let old = parent.map(|p| load(repo, &cached, p)).transpose()?;
        let time = commit.time().seconds();
        changed(repo, old.as_ref(), &new, "", &mut pending, &mut |p| {
            out.insert(format!("{prefix}{p}"), time);
        })?;
        cached = old;
    }
    let mut before = HashSet::new();
    if stopped {
        // Look the paths up in HEAD's folder tree, loaded once: from the root tree, every
        // look-up would load and parse the 10,000-entry folder again.
        let folder = match subtree(&head.tree()?) {
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

/// Git orders tree entries by name, a folder's name as if it ended with `/`: this is that
/// comparison, without allocating.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let slash = |tree: bool| -> &'static [u8] { if tree { b"/" } else { b"" } };
    a.iter()
        .chain(slash(a_tree))
        .cmp(b.iter().chain(slash(b_tree)))
}

/// Reports every pending path (relative to the trees) whose entry in `new` differs from
/// `old`, removing it from `pending`. Both trees are sorted in git order, so one merge
/// pass over their entries pairs them up.
fn changed(
    repo: &git2::Repository,
    old: Option<&git2::Tree<'_>>,
    new: &git2::Tree<'_>,
    prefix: &str,
    pending: &mut HashSet<String>,
    found: &mut dyn FnMut(&str),
) -> Result<(), git2::Error> {
    let is_tree = |e: &git2::TreeEntry<'_>| e.kind() == Some(git2::ObjectType::Tree);
    let mut olds = old.map(|o| o.iter()).into_iter().flatten().peekable();
    for entry in new.iter() {
        let is_tree = is_tree(&entry);
        let mut before = None;
        while let Some(o) = olds.peek() {
            let order = git_order(
                o.name_bytes(),
                o.kind() == Some(git2::ObjectType::Tree),
                entry.name_bytes(),
                is_tree,
            );
            match order {
                std::cmp::Ordering::Less => {
                    olds.next();
                }
                std::cmp::Ordering::Equal => {
                    before = olds.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        if before.as_ref().map(git2::TreeEntry::id) == Some(entry.id()) {
            continue;
        }
        let Ok(name) = entry.name() else {
            continue;
        };
        let path = format!("{prefix}{name}");
        if is_tree {
            let sub_prefix = format!("{path}/");
            if !pending.iter().any(|p| p.starts_with(&sub_prefix)) {
                continue;
            }
            let sub = repo.find_tree(entry.id())?;
            let old_sub = match before {
                Some(b) => Some(repo.find_tree(b.id())?),
                None => None,
            };
            changed(repo, old_sub.as_ref(), &sub, &sub_prefix, pending, found)?;
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
}
