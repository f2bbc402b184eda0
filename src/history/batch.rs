//! The refinement history of every item at once, in ONE walk over the commits.
//!
//! [`log`](super::log()) follows one item: asked for 10,000 items it would walk the history
//! 10,000 times. [`log_all`] visits each commit reachable from HEAD once, compares the
//! backlog folder with the commit's first parent (a tree-to-tree diff restricted to the
//! folder, so an unchanged folder costs nothing and a changed one reads only the blobs that
//! changed), and pairs the old and new versions of the changed files by their `id`, never
//! by path: a renamed file is a rename. Each new version becomes a [`LogEntry`] of its
//! item, exactly as `log` would report it (created, changed fields, rank moves with the
//! places moved and the new neighbours).
//!
//! One difference, by design: `log` stops at the commit that created the item in its
//! current lifetime, while `log_all` also lists an earlier lifetime of an ID that was
//! removed and later added again.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Delta, DiffOptions, Oid, Repository, Sort, Tree};

use super::log::format_time;
use super::{
    FieldChange, HistoryError, LogEntry, OrderKey, Version, compare, fill_neighbours, git_err,
    is_item_path, order_key, read_blob, read_order_keys, set_places, tree_item_files,
};
use crate::git::{Repo, parse_trailers};

/// The history of every item, from one walk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllLogs {
    /// Per item (keyed by [`crate::id::key`] of its ID): the commits that changed it,
    /// newest first, as [`log`](super::log()) lists them.
    pub entries: HashMap<String, Vec<LogEntry>>,
    /// Versions that could not be read (`path:line at commit: message`), sorted.
    pub warnings: Vec<String>,
    /// Commits visited.
    pub commits: usize,
}

impl AllLogs {
    /// The entries of the item with this ID (any case), newest first.
    pub fn of(&self, id: &str) -> &[LogEntry] {
        self.entries
            .get(&crate::id::key(id))
            .map_or(&[], Vec::as_slice)
    }
}

/// The backlog order of one tree, with what [`Places`] needs to count places.
struct Order {
    /// Sorted order keys.
    keys: Vec<OrderKey>,
    /// ID keys present.
    ids: HashSet<String>,
    /// ID keys present more than once (a duplicated ID, which `check` reports).
    dups: HashSet<String>,
}

/// Counts how many places an item moved between two orders, like
/// [`net_places`](super::net_places) but in O(log n) per item after O(n) set-up per commit.
struct Places<'a> {
    old: &'a Order,
    new: &'a Order,
    /// `old_prefix[i]`: how many of `old.keys[..i]` are items present in both orders.
    old_prefix: Vec<u32>,
    new_prefix: Vec<u32>,
}

impl<'a> Places<'a> {
    fn new(old: &'a Order, new: &'a Order) -> Self {
        let prefix = |keys: &[OrderKey], other: &HashSet<String>| {
            let mut out = Vec::with_capacity(keys.len() + 1);
            let mut n = 0u32;
            out.push(0);
            for k in keys {
                if other.contains(&crate::id::key(&k.3)) {
                    n += 1;
                }
                out.push(n);
            }
            out
        };
        Self {
            old,
            new,
            old_prefix: prefix(&old.keys, &new.ids),
            new_prefix: prefix(&new.keys, &old.ids),
        }
    }

    /// The item's position among the items present in both orders, itself excluded.
    fn position(order: &Order, prefix: &[u32], x: &OrderKey, common: bool) -> i64 {
        let at = order.keys.partition_point(|k| k < x);
        let me = crate::id::key(&x.3);
        // Other keys of the same ID before it (a duplicated ID) are not counted either.
        let own = if common && order.dups.contains(&me) {
            order.keys[..at]
                .iter()
                .filter(|k| crate::id::key(&k.3) == me)
                .count()
        } else {
            0
        };
        i64::from(prefix[at]) - i64::try_from(own).unwrap_or(0)
    }

    fn net(&self, ox: &OrderKey, nx: &OrderKey) -> i64 {
        let me = crate::id::key(&ox.3);
        let common = self.old.ids.contains(&me) && self.new.ids.contains(&me);
        Self::position(self.old, &self.old_prefix, ox, common)
            - Self::position(self.new, &self.new_prefix, nx, common)
    }
}

/// Reads the order of `tree`, reading only blobs not yet in `cache`.
fn tree_order(
    r: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
    cache: &mut HashMap<Oid, Option<OrderKey>>,
) -> Result<Order, HistoryError> {
    let files = tree_item_files(r, tree, prefix)?;
    let missing: Vec<(String, Oid)> = files
        .iter()
        .filter(|(_, oid)| !cache.contains_key(oid))
        .cloned()
        .collect();
    cache.extend(read_order_keys(r, &missing));
    let mut keys: Vec<OrderKey> = files
        .iter()
        .filter_map(|(_, oid)| cache.get(oid).cloned().flatten())
        .collect();
    keys.sort();
    let mut ids = HashSet::with_capacity(keys.len());
    let mut dups = HashSet::new();
    for k in &keys {
        let id = crate::id::key(&k.3);
        if let Some(again) = ids.replace(id) {
            dups.insert(again);
        }
    }
    Ok(Order { keys, ids, dups })
}

/// The id of the backlog folder's tree in `tree` (the tree itself for the root).
fn folder_id(tree: &Tree<'_>, prefix: &str) -> Option<Oid> {
    if prefix.is_empty() {
        return Some(tree.id());
    }
    tree.get_path(Path::new(prefix))
        .ok()
        .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
        .map(|e| e.id())
}

/// One side of a changed file.
struct Side {
    path: String,
    oid: Oid,
}

/// The history of every item of the folder `prefix`, in one walk from HEAD (see the module
/// docs). `progress` is called after each commit with the number visited so far. An
/// unborn HEAD gives an empty result.
pub fn log_all(
    repo: &Repo,
    prefix: &str,
    progress: &mut dyn FnMut(usize),
) -> Result<AllLogs, HistoryError> {
    let r = repo.inner();
    let mut out = AllLogs::default();
    let Ok(head) = r.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(out);
    };
    let mut walk = r.revwalk().map_err(git_err("walk history"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(git_err("walk history"))?;
    walk.push(head.id()).map_err(git_err("walk history"))?;
    let mut key_cache: HashMap<Oid, Option<OrderKey>> = HashMap::new();
    // The order of the folder trees met last: in a linear history a commit's parent is the
    // next commit visited, so its order is read once.
    let mut orders: Vec<(Oid, std::rc::Rc<Order>)> = Vec::new();
    let mut warnings = Vec::new();
    for oid in walk {
        let oid = oid.map_err(git_err("walk history"))?;
        out.commits += 1;
        progress(out.commits);
        let commit = r.find_commit(oid).map_err(git_err("read commit"))?;
        let tree = commit.tree().map_err(git_err("read tree"))?;
        let parent_tree = match commit.parent(0) {
            Ok(p) => Some(p.tree().map_err(git_err("read tree"))?),
            Err(_) => None,
        };
        let mine = folder_id(&tree, prefix);
        if mine.is_none() || parent_tree.as_ref().and_then(|t| folder_id(t, prefix)) == mine {
            continue;
        }
        let rev = oid.to_string()[..10].to_owned();
        let parent_rev = commit
            .parent_id(0)
            .map_or_else(|_| rev.clone(), |p| p.to_string()[..10].to_owned());
        let mut opts = DiffOptions::new();
        opts.skip_binary_check(true).disable_pathspec_match(true);
        if !prefix.is_empty() {
            opts.pathspec(prefix);
        }
        let diff = r
            .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))
            .map_err(git_err("diff"))?;
        let mut olds: Vec<Side> = Vec::new();
        let mut news: Vec<Side> = Vec::new();
        let link = i32::from(git2::FileMode::Link);
        for d in diff.deltas() {
            let (old, new) = match d.status() {
                Delta::Added => (false, true),
                Delta::Deleted => (true, false),
                Delta::Modified | Delta::Typechange => (true, true),
                _ => (false, false),
            };
            for (wanted, file, list) in [
                (old, d.old_file(), &mut olds),
                (new, d.new_file(), &mut news),
            ] {
                if !wanted || u32::from(file.mode()) as i32 == link {
                    continue;
                }
                let Some(path) = file.path_bytes() else {
                    continue;
                };
                let path = String::from_utf8_lossy(path).into_owned();
                if is_item_path(prefix, &path) {
                    list.push(Side {
                        path,
                        oid: file.id(),
                    });
                }
            }
        }
        if news.is_empty() {
            continue;
        }
        // New versions by ID (the first file in path order wins a duplicated ID).
        let mut new_versions: Vec<(String, Version, Oid)> = Vec::new();
        let mut seen = HashSet::new();
        for side in &news {
            if let Some(v) = read_blob(r, side.oid, &side.path, &rev, &mut warnings) {
                let key = crate::id::key(&v.item.id);
                if seen.insert(key.clone()) {
                    new_versions.push((key, v, side.oid));
                }
            }
        }
        if new_versions.is_empty() {
            continue;
        }
        // Old versions by ID: the same path first (what `log` looks at first), then the
        // files the commit removed or replaced.
        let wanted: HashSet<&str> = new_versions.iter().map(|(k, _, _)| k.as_str()).collect();
        let mut old_versions: HashMap<String, Version> = HashMap::new();
        let new_paths: HashSet<&str> = news.iter().map(|s| s.path.as_str()).collect();
        let (same_path, elsewhere): (Vec<&Side>, Vec<&Side>) = olds
            .iter()
            .partition(|s| new_paths.contains(s.path.as_str()));
        for (group, warn) in [(same_path, true), (elsewhere, false)] {
            for side in group {
                if old_versions.len() == wanted.len() {
                    break;
                }
                let mut ignored = Vec::new();
                let sink = if warn { &mut warnings } else { &mut ignored };
                if let Some(v) = read_blob(r, side.oid, &side.path, &parent_rev, sink) {
                    let key = crate::id::key(&v.item.id);
                    if wanted.contains(key.as_str()) {
                        old_versions.entry(key).or_insert(v);
                    }
                }
            }
        }
        // Rank moves need the whole order before and after: read once per commit.
        let mut changes_of: Vec<(String, Version, bool, Vec<FieldChange>)> = Vec::new();
        let mut any_rank = false;
        for (key, new, _) in new_versions {
            match old_versions.get(&key) {
                Some(old) => {
                    let changes = compare(old, &new);
                    any_rank |= changes
                        .iter()
                        .any(|c| matches!(c, FieldChange::Rank { .. }));
                    changes_of.push((key, new, false, changes));
                }
                None => changes_of.push((key, new, true, Vec::new())),
            }
        }
        if any_rank {
            let mut order_of = |t: &Tree<'_>| -> Result<std::rc::Rc<Order>, HistoryError> {
                let id = folder_id(t, prefix).unwrap_or_else(|| t.id());
                if let Some((_, o)) = orders.iter().find(|(k, _)| *k == id) {
                    return Ok(o.clone());
                }
                let o = std::rc::Rc::new(tree_order(r, t, prefix, &mut key_cache)?);
                if orders.len() >= 4 {
                    orders.remove(0);
                }
                orders.push((id, o.clone()));
                Ok(o)
            };
            let after = order_of(&tree)?;
            let before = match &parent_tree {
                Some(t) => order_of(t)?,
                None => std::rc::Rc::new(Order {
                    keys: Vec::new(),
                    ids: HashSet::new(),
                    dups: HashSet::new(),
                }),
            };
            let places = Places::new(&before, &after);
            for (key, new, _, changes) in &mut changes_of {
                if !changes
                    .iter()
                    .any(|c| matches!(c, FieldChange::Rank { .. }))
                {
                    continue;
                }
                let old = &old_versions[key.as_str()];
                let (ox, nx) = (order_key(&old.item), order_key(&new.item));
                fill_neighbours(changes, &after.keys, &nx);
                set_places(changes, places.net(&ox, &nx));
            }
        }
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        let summary = message.lines().next().unwrap_or_default().to_owned();
        let op = parse_trailers(&message).0;
        let author = commit.author();
        let name = String::from_utf8_lossy(author.name_bytes()).into_owned();
        let email = String::from_utf8_lossy(author.email_bytes()).into_owned();
        let time = commit.time().seconds();
        let date = format_time(time);
        let commit_id = oid.to_string();
        let merge = commit.parent_count() > 1;
        for (key, new, created, changes) in changes_of {
            out.entries.entry(key).or_default().push(LogEntry {
                commit: commit_id.clone(),
                date: date.clone(),
                timestamp: time,
                author: name.clone(),
                email: email.clone(),
                summary: summary.clone(),
                op: op.clone(),
                merge,
                created,
                path: new.path,
                changes,
            });
        }
    }
    warnings.sort();
    warnings.dedup();
    out.warnings = warnings;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "C")
            .env("GIT_COMMITTER_EMAIL", "c@example.com")
            .env("GIT_AUTHOR_DATE", "@1764000000 +0000")
            .env("GIT_COMMITTER_DATE", "@1764000000 +0000")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {:?}", out);
    }

    fn item(dir: &Path, file: &str, id: &str, front: &str, body: &str) {
        let path = dir.join("backlog").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("---\nid: {id}\ntitle: {id}\n{front}---\n{body}"),
        )
        .unwrap();
    }

    fn commit(dir: &Path, message: &str) {
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", message]);
    }

    /// Every item's batch history equals what `log` reports for it.
    #[test]
    fn test_log_all_equals_log_per_item() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        for (k, id) in ["B-1", "B-2", "B-3", "B-4"].iter().enumerate() {
            item(
                dir,
                &format!("{id}.md"),
                id,
                &format!("rank: a{k}\nestimate: 3\n"),
                "## Acceptance criteria\n- [ ] one\n",
            );
        }
        std::fs::write(dir.join("README.md"), "not an item").unwrap();
        commit(dir, "Seed");
        item(
            dir,
            "B-4.md",
            "B-4",
            "rank: Zz\nestimate: 3\n",
            "## Acceptance criteria\n- [ ] one\n",
        );
        item(
            dir,
            "B-2.md",
            "B-2",
            "rank: a1\nestimate: 5\n",
            "## Acceptance criteria\n- [x] one\n",
        );
        commit(dir, "backlog: rank B-4 to the top\n\nBacklog-Op: rank\n");
        std::fs::create_dir_all(dir.join("backlog/sub")).unwrap();
        git(dir, &["mv", "backlog/B-3.md", "backlog/sub/B-3-moved.md"]);
        commit(dir, "Move B-3");
        git(dir, &["checkout", "-q", "-b", "side"]);
        item(
            dir,
            "sub/B-3-moved.md",
            "B-3",
            "rank: a2\nestimate: 8\n",
            "Story.\n",
        );
        item(dir, "B-5.md", "B-5", "rank: a5\n", "");
        commit(dir, "Side work");
        git(dir, &["checkout", "-q", "main"]);
        item(
            dir,
            "B-1.md",
            "B-1",
            "rank: a0\nestimate: 3\nowner: dana\n",
            "## Acceptance criteria\n- [ ] one\n",
        );
        commit(dir, "Owner");
        git(dir, &["merge", "-q", "--no-ff", "side", "-m", "Merge side"]);
        std::fs::write(dir.join("backlog/B-6.md"), "---\nid: [broken\n---\n").unwrap();
        commit(dir, "Broken file");

        let repo = Repo::discover(dir).unwrap().unwrap();
        let mut seen = 0;
        let all = log_all(&repo, "backlog", &mut |n| seen = n).unwrap();
        assert_eq!(seen, 7);
        assert_eq!(all.commits, 7);
        for id in ["B-1", "B-2", "B-3", "B-4", "B-5"] {
            let one = super::super::log(&repo, "backlog", id).unwrap();
            assert_eq!(all.of(id), one.entries.as_slice(), "{id}");
            assert!(!one.entries.is_empty(), "{id}");
        }
        assert!(all.of("b-4")[0].changes.iter().any(|c| matches!(
            c,
            FieldChange::Rank {
                places: Some(3),
                ..
            }
        )));
        assert_eq!(all.of("B-3")[0].summary, "Merge side");
        assert!(all.of("B-3")[0].merge);
        assert!(all.of("nope").is_empty());
        assert_eq!(all.warnings.len(), 1, "{:?}", all.warnings);
        assert!(
            all.warnings[0].starts_with("backlog/B-6.md:"),
            "{:?}",
            all.warnings
        );
    }
}
