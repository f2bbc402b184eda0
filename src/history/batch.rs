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

use super::log::format_time;
use super::{
    FieldChange, HistoryError, LogEntry, OrderKey, Version, compare, fill_neighbours, git_err,
    is_item_path, order_key_of_blob, read_blob, read_order_keys, set_places, tree_item_files,
};
use crate::git::walk::FolderStep;
use crate::git::{ObjectId, Repo, parse_trailers};

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

/// The backlog order of one folder tree: its sorted order keys and how often each ID
/// occurs. The walk keeps one and moves it down the history commit by commit (removing
/// the keys a commit added, putting back the keys it replaced), so the whole folder is
/// read once, not once per commit that moves a rank.
struct Order {
    /// The folder tree this is the order of.
    folder: ObjectId,
    /// Sorted order keys.
    keys: Vec<OrderKey>,
    /// Per ID key: how many keys carry it (more than one: a duplicated ID).
    counts: HashMap<String, u32>,
}

impl Order {
    /// Reads the order of `tree`'s folder, reading only blobs not yet in `cache`.
    fn read(
        repo: &Repo,
        tree: ObjectId,
        prefix: &str,
        folder: ObjectId,
        cache: &mut HashMap<ObjectId, Option<OrderKey>>,
    ) -> Result<Self, HistoryError> {
        let files = tree_item_files(repo, tree, prefix)?;
        fill_cache(repo, &files, cache);
        let mut keys: Vec<OrderKey> = files
            .iter()
            .filter_map(|(_, oid)| cache.get(oid).cloned().flatten())
            .collect();
        keys.sort();
        let mut counts = HashMap::with_capacity(keys.len());
        for k in &keys {
            *counts.entry(crate::id::key(k.id())).or_insert(0) += 1;
        }
        Ok(Self {
            folder,
            keys,
            counts,
        })
    }

    fn count(&self, id: &str) -> i64 {
        i64::from(self.counts.get(id).copied().unwrap_or(0))
    }

    fn remove(&mut self, k: &OrderKey) {
        let at = self.keys.partition_point(|x| x < k);
        if self.keys.get(at) == Some(k) {
            self.keys.remove(at);
            let id = crate::id::key(k.id());
            if let Some(n) = self.counts.get_mut(&id) {
                *n -= 1;
                if *n == 0 {
                    self.counts.remove(&id);
                }
            }
        }
    }

    fn insert(&mut self, k: OrderKey) {
        let at = self.keys.partition_point(|x| *x < k);
        *self.counts.entry(crate::id::key(k.id())).or_insert(0) += 1;
        self.keys.insert(at, k);
    }
}

/// Counts how many places an item moved in one commit, like
/// [`net_places`](super::net_places), from the order after the commit and the keys the
/// commit added (`plus`) and replaced (`minus`): the order before is `after - plus +
/// minus`, never built.
struct Places<'a> {
    after: &'a Order,
    plus: &'a [OrderKey],
    minus: &'a [OrderKey],
    /// Keys before the commit whose ID is gone after it (sorted).
    old_only: Vec<&'a OrderKey>,
    /// Keys after the commit whose ID did not exist before it (sorted).
    new_only: Vec<&'a OrderKey>,
}

impl<'a> Places<'a> {
    /// `plus` and `minus` sorted.
    fn new(after: &'a Order, plus: &'a [OrderKey], minus: &'a [OrderKey]) -> Self {
        let mut p = Self {
            after,
            plus,
            minus,
            old_only: Vec::new(),
            new_only: Vec::new(),
        };
        // Every key of an ID missing on one side is a key the commit changed.
        p.old_only = minus
            .iter()
            .filter(|k| after.count(&crate::id::key(k.id())) == 0)
            .collect();
        p.new_only = plus
            .iter()
            .filter(|k| p.before_count(&crate::id::key(k.id())) == 0)
            .collect();
        p
    }

    fn before_count(&self, id: &str) -> i64 {
        let of = |keys: &[OrderKey]| keys.iter().filter(|k| crate::id::key(k.id()) == id).count();
        self.after.count(id) - len(of(self.plus)) + len(of(self.minus))
    }

    /// How many more items present on both sides `x` comes before (see `net_places`).
    fn net(&self, ox: &OrderKey, nx: &OrderKey) -> i64 {
        let me = crate::id::key(ox.id());
        let (n_before, n_after) = (self.before_count(&me), self.after.count(&me));
        let common = n_before > 0 && n_after > 0;
        let lt = |keys: &[OrderKey], x: &OrderKey| len(keys.partition_point(|k| k < x));
        let lt_refs = |keys: &[&OrderKey], x: &OrderKey| len(keys.partition_point(|k| *k < x));
        // Keys of the same ID before it (a duplicated ID) are not counted either.
        let own = |keys: &[OrderKey], x: &OrderKey| {
            len(keys
                .iter()
                .take_while(|k| *k < x)
                .filter(|k| crate::id::key(k.id()) == me)
                .count())
        };
        let old_position = {
            let at = lt(&self.after.keys, ox) - lt(self.plus, ox) + lt(self.minus, ox);
            let own = if common && n_before > 1 {
                own(&self.after.keys, ox) - own(self.plus, ox) + own(self.minus, ox)
            } else {
                0
            };
            at - lt_refs(&self.old_only, ox) - own
        };
        let new_position = {
            let at = lt(&self.after.keys, nx);
            let own = if common && n_after > 1 {
                own(&self.after.keys, nx)
            } else {
                0
            };
            at - lt_refs(&self.new_only, nx) - own
        };
        old_position - new_position
    }
}

fn len(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Puts the order keys of `files` into `cache` (the blobs not there yet): in parallel
/// when there are many, on this handle when there are a few.
fn fill_cache(
    repo: &Repo,
    files: &[(String, ObjectId)],
    cache: &mut HashMap<ObjectId, Option<OrderKey>>,
) {
    let missing: Vec<(String, ObjectId)> = files
        .iter()
        .filter(|(_, oid)| !cache.contains_key(oid))
        .cloned()
        .collect();
    if missing.len() > 64 {
        cache.extend(read_order_keys(repo, &missing));
    } else {
        for (path, oid) in missing {
            cache.insert(oid, order_key_of_blob(repo, &path, oid));
        }
    }
}

/// One side of a changed file.
struct Side {
    path: String,
    oid: ObjectId,
}

/// The history of every item of the folder `prefix`, in one walk from HEAD (see the module
/// docs). `progress` is called after each commit with the number visited so far. An
/// unborn HEAD gives an empty result.
pub fn log_all(
    repo: &Repo,
    prefix: &str,
    progress: &mut dyn FnMut(usize),
) -> Result<AllLogs, HistoryError> {
    let mut out = AllLogs::default();
    let mut key_cache: HashMap<ObjectId, Option<OrderKey>> = HashMap::new();
    // The order of one folder tree, moved down the history (see [`Order`]).
    let mut order: Option<Order> = None;
    let mut warnings = Vec::new();
    let mut commits = 0;
    let mut visited = |n: usize| {
        commits = n;
        progress(n);
    };
    let mut step = |step: FolderStep| -> Result<(), HistoryError> {
        let FolderStep {
            commit: oid,
            first_parent,
            tree,
            folder: mine,
            parent_folder: theirs,
            changed,
        } = step;
        let rev = oid.to_string()[..10].to_owned();
        let parent_rev =
            first_parent.map_or_else(|| rev.clone(), |p| p.to_string()[..10].to_owned());
        let mut olds: Vec<Side> = Vec::new();
        let mut news: Vec<Side> = Vec::new();
        for c in changed {
            if !is_item_path(prefix, &c.path) {
                continue;
            }
            if let Some(oid) = c.old {
                olds.push(Side {
                    path: c.path.clone(),
                    oid,
                });
            }
            if let Some(oid) = c.new {
                news.push(Side { path: c.path, oid });
            }
        }
        let (mut changes_of, old_versions, any_rank) = {
            // New versions by ID (the first file in path order wins a duplicated ID).
            let mut new_versions: Vec<(String, Version, ObjectId)> = Vec::new();
            let mut seen = HashSet::new();
            for side in &news {
                if let Some(v) = read_blob(repo, side.oid, &side.path, &rev, &mut warnings) {
                    let key = crate::id::key(&v.item.id);
                    if seen.insert(key.clone()) {
                        new_versions.push((key, v, side.oid));
                    }
                }
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
                    if let Some(v) = read_blob(repo, side.oid, &side.path, &parent_rev, sink) {
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
            (changes_of, old_versions, any_rank)
        };
        // Rank moves need the whole order before and after the commit. The order is read
        // once, at the first commit that needs it, and then moved down the history.
        if any_rank || order.as_ref().is_some_and(|o| o.folder == mine) {
            let after = match order.take() {
                Some(o) if o.folder == mine => o,
                _ => Order::read(repo, tree, prefix, mine, &mut key_cache)?,
            };
            let mut files: Vec<(String, ObjectId)> = Vec::with_capacity(olds.len() + news.len());
            files.extend(olds.iter().chain(&news).map(|s| (s.path.clone(), s.oid)));
            fill_cache(repo, &files, &mut key_cache);
            let keys_of = |sides: &[Side]| -> Vec<OrderKey> {
                let mut keys: Vec<OrderKey> = sides
                    .iter()
                    .filter_map(|s| key_cache.get(&s.oid).cloned().flatten())
                    .collect();
                keys.sort();
                keys
            };
            let (plus, minus) = (keys_of(&news), keys_of(&olds));
            if any_rank {
                let places = Places::new(&after, &plus, &minus);
                for (key, new, _, changes) in &mut changes_of {
                    if !changes
                        .iter()
                        .any(|c| matches!(c, FieldChange::Rank { .. }))
                    {
                        continue;
                    }
                    let old = &old_versions[key.as_str()];
                    let (ox, nx) = (OrderKey::of_item(&old.item), OrderKey::of_item(&new.item));
                    fill_neighbours(changes, &after.keys, &nx);
                    set_places(changes, places.net(&ox, &nx));
                }
            }
            // The order of the first parent's folder, for the next commit visited.
            if let Some(theirs) = theirs {
                let mut before = after;
                for k in &plus {
                    before.remove(k);
                }
                for k in minus {
                    before.insert(k);
                }
                before.folder = theirs;
                order = Some(before);
            }
        }
        if changes_of.is_empty() {
            return Ok(());
        }
        let text = repo.commit_text(oid).map_err(git_err("read commit"))?;
        let message = text.message;
        let summary = message.lines().next().unwrap_or_default().to_owned();
        let op = parse_trailers(&message).0;
        let (name, email) = text.author;
        let time = text.time;
        let date = format_time(time);
        let commit_id = oid.to_string();
        let merge = text.parents > 1;
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
        Ok(())
    };
    repo.walk_folder(prefix, &mut visited, &mut step)?;
    out.commits = commits;
    warnings.sort();
    warnings.dedup();
    out.warnings = warnings;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
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

    fn key(id: &str, rank: &str) -> OrderKey {
        OrderKey::of(Some(rank), None, id)
    }

    fn order_of(keys: &[OrderKey]) -> Order {
        let mut o = Order {
            folder: ObjectId::ZERO,
            keys: Vec::new(),
            counts: HashMap::new(),
        };
        for k in keys {
            o.insert(k.clone());
        }
        o
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Places counted from the order after a commit and its changed keys equal
        /// `net_places` over the two whole orders, duplicated IDs and ties included; moving
        /// the order back gives the order before.
        #[test]
        fn prop_places_from_changes_equal_net_places(
            before in proptest::collection::vec((0u8..6, 0u8..5), 0..14),
            edits in proptest::collection::vec((0usize..14, proptest::option::of(0u8..5)), 0..5),
            added in proptest::collection::vec((0u8..8, 0u8..5), 0..3),
        ) {
            let rank = |r: u8| format!("a{r}");
            let before: Vec<OrderKey> =
                before.iter().map(|(i, r)| key(&format!("B-{i}"), &rank(*r))).collect();
            let mut after = before.clone();
            let (mut plus, mut minus, mut moved) = (Vec::new(), Vec::new(), Vec::new());
            let mut touched = HashSet::new();
            for (at, new_rank) in edits {
                if at >= before.len() || !touched.insert(at) {
                    continue;
                }
                let old = before[at].clone();
                minus.push(old.clone());
                if let Some(r) = new_rank {
                    let new = key(old.id(), &rank(r));
                    plus.push(new.clone());
                    moved.push((old, new));
                }
            }
            for (i, r) in added {
                plus.push(key(&format!("B-{i}"), &rank(r)));
            }
            for k in &minus {
                let at = after.iter().position(|x| x == k).unwrap();
                after.remove(at);
            }
            after.extend(plus.iter().cloned());
            let (mut before_sorted, mut after_sorted) = (before.clone(), after.clone());
            before_sorted.sort();
            after_sorted.sort();
            plus.sort();
            minus.sort();
            let order = order_of(&after_sorted);
            let places = Places::new(&order, &plus, &minus);
            for (ox, nx) in &moved {
                proptest::prop_assert_eq!(
                    places.net(ox, nx),
                    super::super::net_places(&before_sorted, &after_sorted, ox, nx),
                    "{:?} -> {:?}", ox, nx
                );
            }
            let mut back = order;
            for k in &plus {
                back.remove(k);
            }
            for k in minus {
                back.insert(k);
            }
            proptest::prop_assert_eq!(&back.keys, &before_sorted);
            proptest::prop_assert_eq!(back.counts, order_of(&before_sorted).counts);
        }
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
