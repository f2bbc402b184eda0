//! The semantic diff of two backlog states.
//!
//! Only the item files that git reports as changed between the two states are read and
//! parsed. Rank moves are the one exception: to say by how many places an item moved, the
//! rank keys of the unchanged items are needed too. They are needed only when some item's
//! rank changed, and come from the order-key cache (`.git/backlog-cache/order-keys`, see
//! `key_store`), keyed by blob id, so a diff reads only the blobs the cache has not seen:
//! after the first run in a repository, just the changed files. A blob missing from the
//! cache is read with a cheap line scan of the front matter (no YAML parse), in parallel.
//!
//! **Places.** An item "moved up N places" when, compared with the other items present in
//! both states, it now comes before N more items than it used to (items it overtook minus
//! items that overtook it). Items added or removed do not count, so adding an item at the
//! top does not "move" anything, and two items swapping places each moved one place. The
//! item that now comes right after it is reported as `above` ("moved above X").

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::key_store::KeyStore;
use super::{
    Endpoint, FieldChange, HistoryError, OrderKey, Version, compare, fill_neighbours, git_err,
    is_item_path, parse_or_warn, read_blob, set_places, tree_item_files,
};
use crate::config::{Config, DUPLICATE, SPLIT};
use crate::document::MAX_FILE_BYTES;
use crate::git::file_diff::Newer;
use crate::git::{ObjectId, Repo};

/// What happened to an item between the two states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new state.
    Added,
    /// Only in the old state.
    Removed,
    /// In both, with different content.
    Modified,
}

/// One item's changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDiff {
    /// The item's ID.
    pub id: String,
    /// Its title (the new one; the old one for a removed item).
    pub title: String,
    /// Its path (the new one; the old one for a removed item).
    pub path: String,
    /// Added, removed or modified.
    pub change: ChangeKind,
    /// Its status (new state; old state for a removed item).
    pub status: Option<String>,
    /// Its estimate (new state; old state for a removed item).
    pub estimate: Option<u32>,
    /// Field-level changes of a modified item (empty for added and removed ones).
    pub changes: Vec<FieldChange>,
}

/// An item closed as `split`, and the items created with it as parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    /// The split item.
    pub parent: String,
    /// New (or newly linked) items with `parent:` the split item.
    pub children: Vec<String>,
}

/// An item closed as `duplicate` of another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merge {
    /// The item merged away.
    pub duplicate: String,
    /// The item it was merged into (`duplicate_of`), if set.
    pub into: Option<String>,
}

/// Counts and story points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Items added.
    pub added: usize,
    /// Items removed.
    pub removed: usize,
    /// Items closed in this change (status became `split` or `duplicate`).
    pub closed: usize,
    /// Items modified.
    pub modified: usize,
    /// Items whose estimate changed (open on both sides).
    pub reestimated: usize,
    /// Points of the items added.
    pub points_added: u64,
    /// Points of the items removed.
    pub points_removed: u64,
    /// Points of the items closed as split or duplicate (their points leave the open
    /// backlog; a split's children bring theirs back as added points).
    pub points_closed: u64,
    /// Sum of (new − old) estimates of re-estimated items (an unset estimate counts as 0).
    pub points_reestimated: i64,
    /// `points_added − points_removed − points_closed + points_reestimated`.
    pub net_points: i64,
}

/// The semantic diff of two backlog states.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacklogDiff {
    /// The old state.
    pub from: Endpoint,
    /// The new state.
    pub to: Endpoint,
    /// Changed items, in the new state's backlog order (removed ones where they were).
    pub items: Vec<ItemDiff>,
    /// Items split in this change.
    pub splits: Vec<Split>,
    /// Items merged into others in this change.
    pub merges: Vec<Merge>,
    /// Counts and points.
    pub totals: Totals,
    /// Changed files that could not be read as items (`path:line at rev: message`).
    pub warnings: Vec<String>,
}

impl BacklogDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Compares the backlog folder `prefix` (see [`super::folder_prefix`]) between two states.
///
/// The rank keys of unchanged items, needed only when some rank changed, come from the
/// repository's order-key cache (`KeyStore`), which this call fills and saves.
pub fn diff(
    repo: &Repo,
    prefix: &str,
    from: &Endpoint,
    to: &Endpoint,
    config: &Config,
) -> Result<BacklogDiff, HistoryError> {
    let mut store = KeyStore::open(repo);
    diff_with(repo, prefix, from, to, config, &mut store)
}

/// [`diff`] with the given order-key store.
fn diff_with(
    repo: &Repo,
    prefix: &str,
    from: &Endpoint,
    to: &Endpoint,
    config: &Config,
    store: &mut KeyStore,
) -> Result<BacklogDiff, HistoryError> {
    let commit_of = |e: &Endpoint| -> Result<Option<ObjectId>, HistoryError> {
        e.commit
            .as_deref()
            .map(|c| c.parse::<ObjectId>().map_err(git_err("parse commit id")))
            .transpose()
    };
    let old_commit = commit_of(from)?;
    let newer = if to.worktree {
        Newer::WorkTree
    } else {
        Newer::Commit(commit_of(to)?)
    };
    let deltas = repo
        .file_diff(old_commit, newer, prefix)
        .map_err(|(op, source)| HistoryError::Git { op, source })?;

    let mut warnings = Vec::new();
    let mut old_items: HashMap<String, Version> = HashMap::new();
    let mut new_items: HashMap<String, Version> = HashMap::new();
    let mut changed_paths: HashSet<String> = HashSet::new();
    for delta in deltas {
        // Regular files only: symlinks and submodules are not items.
        if let Some(f) = delta.old {
            changed_paths.insert(f.path.clone());
            if f.regular
                && is_item_path(prefix, &f.path)
                && let Some(v) = read_blob(repo, f.id, &f.path, &from.rev, &mut warnings)
            {
                insert_unique(&mut old_items, v, &from.rev, &mut warnings);
            }
        }
        if let Some(f) = delta.new {
            changed_paths.insert(f.path.clone());
            if !f.regular || !is_item_path(prefix, &f.path) {
                continue;
            }
            let version = if to.worktree {
                read_worktree(repo, &f.path, &mut warnings)
            } else {
                read_blob(repo, f.id, &f.path, &to.rev, &mut warnings)
            };
            if let Some(v) = version {
                insert_unique(&mut new_items, v, &to.rev, &mut warnings);
            }
        }
    }

    // Pair versions by ID.
    let mut items: Vec<(OrderKey, ItemDiff)> = Vec::new();
    let mut totals = Totals::default();
    let closed = |v: &Version| config.is_closed_status(config.status(&v.item));
    let mut moved: Vec<String> = Vec::new();
    for (key, new) in &new_items {
        let Some(old) = old_items.get(key) else {
            totals.added += 1;
            totals.points_added += u64::from(new.item.estimate.unwrap_or(0));
            items.push((
                OrderKey::of_item(&new.item),
                item_diff(new, ChangeKind::Added, Vec::new()),
            ));
            continue;
        };
        let changes = compare(old, new);
        if changes.is_empty() {
            continue;
        }
        totals.modified += 1;
        if closed(new) && !closed(old) {
            totals.closed += 1;
            totals.points_closed += u64::from(old.item.estimate.unwrap_or(0));
        } else if !closed(new) && !closed(old) && old.item.estimate != new.item.estimate {
            totals.reestimated += 1;
            totals.points_reestimated += i64::from(new.item.estimate.unwrap_or(0))
                - i64::from(old.item.estimate.unwrap_or(0));
        }
        if OrderKey::of_item(&old.item) != OrderKey::of_item(&new.item) {
            moved.push(key.clone());
        }
        items.push((
            OrderKey::of_item(&new.item),
            item_diff(new, ChangeKind::Modified, changes),
        ));
    }
    for (key, old) in &old_items {
        if !new_items.contains_key(key) {
            totals.removed += 1;
            totals.points_removed += u64::from(old.item.estimate.unwrap_or(0));
            items.push((
                OrderKey::of_item(&old.item),
                item_diff(old, ChangeKind::Removed, Vec::new()),
            ));
        }
    }
    totals.net_points = i64::try_from(totals.points_added).unwrap_or(i64::MAX)
        - i64::try_from(totals.points_removed).unwrap_or(i64::MAX)
        - i64::try_from(totals.points_closed).unwrap_or(i64::MAX)
        + totals.points_reestimated;
    items.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let mut items: Vec<ItemDiff> = items.into_iter().map(|(_, d)| d).collect();

    if !moved.is_empty() {
        let unchanged = match old_commit {
            Some(commit) => {
                let tree = repo.commit_tree(commit).map_err(git_err("read tree"))?;
                let files: Vec<(String, ObjectId)> = tree_item_files(repo, tree, prefix)?
                    .into_iter()
                    .filter(|(p, _)| !changed_paths.contains(p))
                    .collect();
                let mut keys: Vec<OrderKey> =
                    store.keys(repo, &files).into_iter().flatten().collect();
                keys.sort();
                store.save();
                keys
            }
            None => Vec::new(),
        };
        fill_places(&mut items, &moved, &old_items, &new_items, unchanged);
    }

    // Splits and merges.
    let mut splits = Vec::new();
    let mut merges = Vec::new();
    for d in &items {
        if d.change != ChangeKind::Modified {
            continue;
        }
        for c in &d.changes {
            let FieldChange::Status { from, to } = c else {
                continue;
            };
            let key = crate::id::key(&d.id);
            if to.as_deref() == Some(SPLIT) && from.as_deref() != Some(SPLIT) {
                let children = items
                    .iter()
                    .filter(|child| child.change != ChangeKind::Removed)
                    .filter(|child| {
                        let ck = crate::id::key(&child.id);
                        let parent_now = new_items[&ck].item.parent.as_deref().map(crate::id::key);
                        let parent_before = old_items
                            .get(&ck)
                            .and_then(|v| v.item.parent.as_deref().map(crate::id::key));
                        parent_now.as_deref() == Some(key.as_str()) && parent_before != parent_now
                    })
                    .map(|child| child.id.clone())
                    .collect();
                splits.push(Split {
                    parent: d.id.clone(),
                    children,
                });
            }
            if to.as_deref() == Some(DUPLICATE) && from.as_deref() != Some(DUPLICATE) {
                merges.push(Merge {
                    duplicate: d.id.clone(),
                    into: new_items[&key].item.duplicate_of.clone(),
                });
            }
        }
    }
    warnings.sort();
    Ok(BacklogDiff {
        from: from.clone(),
        to: to.clone(),
        items,
        splits,
        merges,
        totals,
        warnings,
    })
}

fn item_diff(v: &Version, change: ChangeKind, changes: Vec<FieldChange>) -> ItemDiff {
    ItemDiff {
        id: v.item.id.clone(),
        title: v.item.title.clone(),
        path: v.path.clone(),
        change,
        status: v.item.status.clone(),
        estimate: v.item.estimate,
        changes,
    }
}

fn insert_unique(
    map: &mut HashMap<String, Version>,
    v: Version,
    rev: &str,
    warnings: &mut Vec<String>,
) {
    let key = crate::id::key(&v.item.id);
    if let Some(first) = map.get(&key) {
        warnings.push(format!(
            "{} at {rev}: duplicate id {} (also in {}); ignored",
            v.path, v.item.id, first.path
        ));
    } else {
        map.insert(key, v);
    }
}

fn read_worktree(repo: &Repo, path: &str, warnings: &mut Vec<String>) -> Option<Version> {
    let full = repo.workdir().join(path);
    let meta = match std::fs::symlink_metadata(&full) {
        Ok(m) => m,
        Err(e) => {
            warnings.push(format!("{path}: cannot read: {e}"));
            return None;
        }
    };
    if !meta.is_file() {
        return None;
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        warnings.push(format!(
            "{path}:1: file is {} bytes, over the {MAX_FILE_BYTES}-byte limit; skipped",
            meta.len()
        ));
        return None;
    }
    match std::fs::read(&full) {
        Ok(bytes) => parse_or_warn(path, &bytes, "working tree", warnings),
        Err(e) => {
            warnings.push(format!("{path}: cannot read: {e}"));
            None
        }
    }
}

/// Fills `places` of the rank changes of the `moved` items (see the module docs).
fn fill_places(
    items: &mut [ItemDiff],
    moved: &[String],
    old_items: &HashMap<String, Version>,
    new_items: &HashMap<String, Version>,
    unchanged: Vec<OrderKey>,
) {
    let both: Vec<(OrderKey, OrderKey, &String)> = new_items
        .iter()
        .filter_map(|(k, n)| {
            old_items
                .get(k)
                .map(|o| (OrderKey::of_item(&o.item), OrderKey::of_item(&n.item), k))
        })
        .collect();
    // The new state's order, for the neighbours ("moved above X").
    let mut new_order = unchanged.clone();
    new_order.extend(new_items.values().map(|v| OrderKey::of_item(&v.item)));
    new_order.sort();
    for key in moved {
        let Some((ox, nx, _)) = both.iter().find(|(_, _, k)| *k == key) else {
            continue;
        };
        // Unchanged items keep their key; X passed those strictly between its two keys.
        let between = |lo: &OrderKey, hi: &OrderKey| {
            unchanged.partition_point(|u| u < hi) - unchanged.partition_point(|u| u <= lo)
        };
        let mut net: i64 = if nx < ox {
            i64::try_from(between(nx, ox)).unwrap_or(0)
        } else {
            -i64::try_from(between(ox, nx)).unwrap_or(0)
        };
        for (oy, ny, k) in &both {
            if *k == key {
                continue;
            }
            if oy < ox && nx < ny {
                net += 1;
            } else if ox < oy && ny < nx {
                net -= 1;
            }
        }
        let Some(d) = items.iter_mut().find(|d| crate::id::key(&d.id) == *key) else {
            continue;
        };
        fill_neighbours(&mut d.changes, &new_order, nx);
        set_places(&mut d.changes, net);
    }
}

#[cfg(test)]
mod tests {
    use super::super::Direction;
    use super::*;

    fn v(id: &str, rank: &str) -> Version {
        let text = format!("---\nid: {id}\ntitle: t\nrank: {rank}\n---\n");
        Version::parse(&format!("backlog/{id}.md"), text.as_bytes()).unwrap()
    }

    /// Runs `fill_places` for items changed from `old` to `new` ranks, with unchanged
    /// items at `unchanged` ranks; returns (id, direction, places) per moved item, and
    /// (id, None, None) for an item whose key changed without a change of place.
    fn places(
        changed: &[(&str, &str, &str)],
        unchanged: &[&str],
    ) -> Vec<(String, Option<Direction>, Option<usize>)> {
        let old: HashMap<String, Version> = changed
            .iter()
            .map(|(id, o, _)| (id.to_string(), v(id, o)))
            .collect();
        let new: HashMap<String, Version> = changed
            .iter()
            .map(|(id, _, n)| (id.to_string(), v(id, n)))
            .collect();
        let mut items: Vec<ItemDiff> = changed
            .iter()
            .map(|(id, _, _)| {
                let changes = super::compare(&old[*id], &new[*id]);
                item_diff(&new[*id], ChangeKind::Modified, changes)
            })
            .collect();
        let moved: Vec<String> = changed.iter().map(|(id, _, _)| id.to_string()).collect();
        let mut keys: Vec<OrderKey> = unchanged
            .iter()
            .enumerate()
            .map(|(i, r)| OrderKey::of(Some(r), None, &format!("U-{i}")))
            .collect();
        keys.sort();
        fill_places(&mut items, &moved, &old, &new, keys);
        items
            .iter()
            .map(|d| match &d.changes[0] {
                FieldChange::Rank {
                    direction, places, ..
                } => (d.id.clone(), Some(*direction), *places),
                FieldChange::RankKey { .. } => (d.id.clone(), None, None),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn test_places_over_unchanged_items() {
        // a0 a1 a2 a3 [X at a4] -> X to the top: passed 4 unchanged items.
        assert_eq!(
            places(&[("X", "a4", "Zz")], &["a0", "a1", "a2", "a3", "a5"]),
            vec![("X".to_owned(), Some(Direction::Up), Some(4))]
        );
        assert_eq!(
            places(&[("X", "a0", "a2V")], &["a1", "a2", "a3"]),
            vec![("X".to_owned(), Some(Direction::Down), Some(2))]
        );
    }

    /// Commits `items` (id, rank; `None`: no rank) as `backlog/ID.md` files on top of
    /// `parent`, plus a file that is not an item; returns the commit.
    fn commit_items(
        repo: &Repo,
        items: &[(String, Option<String>)],
        parent: Option<ObjectId>,
    ) -> ObjectId {
        let mut files: Vec<(String, String)> = items
            .iter()
            .map(|(id, rank)| {
                let rank = rank
                    .as_ref()
                    .map(|k| format!("rank: {k}\n"))
                    .unwrap_or_default();
                let text = format!(
                    "---\nid: {id}\ntitle: Item {id}\n{rank}created: 2026-01-0{}\n---\n",
                    id.len() % 9 + 1
                );
                (format!("{id}.md"), text)
            })
            .collect();
        files.push(("notes.md".to_owned(), "not an item".to_owned()));
        crate::git::testing::commit_folder(repo, "backlog", &files, parent)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// The diff with the order-key cache, cold and warm, equals the diff that reads
        /// every item's rank from its blob, and every moved item's places equal
        /// `net_places` over the two whole orders.
        #[test]
        fn prop_cached_places_equal_full_read(
            before in proptest::collection::vec(proptest::option::of(0u8..8), 1..16),
            edits in proptest::collection::vec((0usize..16, proptest::option::of(0u8..8)), 1..6),
            removed in proptest::collection::vec(0usize..16, 0..2),
            added in proptest::collection::vec(proptest::option::of(0u8..8), 0..3),
        ) {
            let rank = |r: &Option<u8>| r.map(|r| format!("a{r}"));
            let old: Vec<(String, Option<String>)> = before
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("B-{i}"), rank(r)))
                .collect();
            let mut new = old.clone();
            for (at, r) in &edits {
                if let Some(slot) = new.get_mut(*at) {
                    slot.1 = rank(r);
                }
            }
            for at in &removed {
                if *at < new.len() && *at % 3 == 0 {
                    new.remove(*at);
                }
            }
            for (i, r) in added.iter().enumerate() {
                new.push((format!("N-{i}"), rank(r)));
            }
            let tmp = tempfile::tempdir().unwrap();
            let repo = crate::git::testing::init(tmp.path());
            let a = commit_items(&repo, &old, None);
            let b = commit_items(&repo, &new, Some(a));
            let (from, to) = (Endpoint::commit("A", a), Endpoint::commit("B", b));
            let config = Config::default();
            let full = diff_with(&repo, "backlog", &from, &to, &config, &mut KeyStore::in_memory())
                .unwrap();
            let cold = diff(&repo, "backlog", &from, &to, &config).unwrap();
            let warm = diff(&repo, "backlog", &from, &to, &config).unwrap();
            proptest::prop_assert_eq!(&cold, &full);
            proptest::prop_assert_eq!(&warm, &full);

            let keys = |items: &[(String, Option<String>)]| -> Vec<OrderKey> {
                let mut k: Vec<OrderKey> = items
                    .iter()
                    .map(|(id, rank)| {
                        let created = format!("2026-01-0{}", id.len() % 9 + 1);
                        OrderKey::of(rank.as_deref(), Some(&created), id)
                    })
                    .collect();
                k.sort();
                k
            };
            let (old_keys, new_keys) = (keys(&old), keys(&new));
            for d in &full.items {
                for c in &d.changes {
                    if let FieldChange::Rank { places, above, below, .. } = c {
                        let ox = old_keys.iter().find(|k| k.id() == d.id).unwrap();
                        let nx = new_keys.iter().find(|k| k.id() == d.id).unwrap();
                        let net = super::super::net_places(&old_keys, &new_keys, ox, nx);
                        proptest::prop_assert_eq!(*places, Some(usize::try_from(net.unsigned_abs()).unwrap()));
                        let (a, b) = super::super::order::neighbours(&new_keys, nx);
                        proptest::prop_assert_eq!((above, below), (&a, &b));
                    }
                    if let FieldChange::RankKey { .. } = c {
                        let ox = old_keys.iter().find(|k| k.id() == d.id).unwrap();
                        let nx = new_keys.iter().find(|k| k.id() == d.id).unwrap();
                        proptest::prop_assert_eq!(super::super::net_places(&old_keys, &new_keys, ox, nx), 0);
                    }
                }
            }
        }
    }

    #[test]
    fn test_places_swap_and_same_place() {
        assert_eq!(
            places(&[("A", "a1", "a2"), ("B", "a2", "a1")], &["a0", "a3"]),
            vec![
                ("A".to_owned(), Some(Direction::Down), Some(1)),
                ("B".to_owned(), Some(Direction::Up), Some(1))
            ]
        );
        // A new key that keeps the item between the same neighbours is no move.
        assert_eq!(
            places(&[("A", "a1", "a1V")], &["a0", "a2"]),
            vec![("A".to_owned(), None, None)]
        );
    }
}
