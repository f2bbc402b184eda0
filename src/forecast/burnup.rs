//! Burn-up from git history: for each finished sprint, the points in scope and the points
//! done at its end, read from the backlog as it was committed then. Scope creep shows as
//! scope that grows from one sprint to the next.
//!
//! - A sprint's **snapshot** is the newest commit on HEAD's first-parent chain whose commit
//!   time is at or before the end of the sprint's last day (UTC). Sprints that ended
//!   before the first commit are left out.
//! - **Scope**: the estimates of the items that are open or done at that commit; items
//!   closed without being done (`split`, `duplicate`) are out of scope, and so is an item
//!   with children in scope (its children are its work, as in the forecast's queue).
//! - **Done**: the estimates of the done items in scope. Unestimated items count 0 points,
//!   as in `velocity`, and are counted so that the gap is visible.
//!
//! Item files are parsed once per blob: a file that did not change between two snapshots
//! is not read again.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::config::sprints::Calendar;
use crate::document::{Document, MAX_FILE_BYTES};
use crate::git::{ObjectId, Repo};
use crate::history::{HistoryError, tree_item_files};
use crate::model::item::Item;

/// The points of one backlog state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Points in scope (open and done items).
    pub scope: u64,
    /// Points done.
    pub done: u64,
    /// Items in scope.
    pub items: usize,
    /// Done items.
    pub done_items: usize,
    /// Items in scope without an estimate (counted as 0 points).
    pub unestimated: usize,
}

/// Adds up the points of a backlog state (see the module docs).
pub fn snapshot<'a>(items: impl IntoIterator<Item = &'a Item>, config: &Config) -> Snapshot {
    let items: Vec<&Item> = items.into_iter().collect();
    let in_scope = |i: &Item| {
        let status = config.status(i);
        config.is_done_status(status) || !config.is_closed_status(status)
    };
    let parents: HashSet<String> = items
        .iter()
        .filter(|i| in_scope(i))
        .filter_map(|i| i.parent.as_deref())
        .map(|p| p.trim().to_uppercase())
        .collect();
    let mut s = Snapshot::default();
    for i in items {
        if !in_scope(i) || parents.contains(&i.id.to_uppercase()) {
            continue;
        }
        let points = u64::from(i.estimate.unwrap_or(0));
        s.items += 1;
        s.scope += points;
        s.unestimated += usize::from(i.estimate.is_none());
        if config.is_done_status(config.status(i)) {
            s.done += points;
            s.done_items += 1;
        }
    }
    s
}

/// One finished sprint of the burn-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BurnupSprint {
    /// Sprint name.
    pub name: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// The snapshot commit.
    pub commit: String,
    /// The points at its end.
    #[serde(flatten)]
    pub points: Snapshot,
    /// Scope added (negative: removed) since the previous sprint's end; `None` for the
    /// first sprint of the history.
    pub added: Option<i64>,
    /// Points done during the sprint (done at its end minus done at the previous end).
    pub done_in_sprint: Option<i64>,
}

/// The burn-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Burnup {
    /// Finished sprints with history, oldest first.
    pub sprints: Vec<BurnupSprint>,
    /// Item files that could not be read at some snapshot (file, line, revision).
    pub warnings: Vec<String>,
}

/// Scope growth over the last sprints of a burn-up (for `health`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeGrowth {
    /// Sprints covered.
    pub sprints: Vec<String>,
    /// Scope at the end of the sprint before them.
    pub from: u64,
    /// Scope at the end of the last.
    pub to: u64,
    /// `to - from`.
    pub added: i64,
    /// Points done during them.
    pub done: i64,
}

impl Burnup {
    /// Scope growth over the last `n` sprints that have a previous sprint to compare with;
    /// `None` when there is none.
    pub fn scope_growth(&self, n: usize) -> Option<ScopeGrowth> {
        let with_prev: Vec<&BurnupSprint> =
            self.sprints.iter().filter(|s| s.added.is_some()).collect();
        let window = &with_prev[with_prev.len().saturating_sub(n)..];
        let (first, last) = (window.first()?, window.last()?);
        let added: i64 = window.iter().filter_map(|s| s.added).sum();
        let done: i64 = window.iter().filter_map(|s| s.done_in_sprint).sum();
        let to = last.points.scope;
        let from = i64::try_from(first.points.scope).unwrap_or(i64::MAX) - first.added.unwrap_or(0);
        Some(ScopeGrowth {
            sprints: window.iter().map(|s| s.name.clone()).collect(),
            from: u64::try_from(from).unwrap_or(0),
            to,
            added,
            done,
        })
    }
}

/// The burn-up of the last `last` sprints that ended before `today` (see the module docs).
/// `prefix` is the backlog folder relative to the repository root.
pub fn burnup(
    repo: &Repo,
    prefix: &str,
    config: &Config,
    calendar: &Calendar,
    today: i64,
    last: usize,
) -> Result<Burnup, HistoryError> {
    let mut out = Burnup {
        sprints: Vec::new(),
        warnings: Vec::new(),
    };
    let current = calendar.containing(today).index;
    // One more sprint than shown: the baseline for the first one's changes.
    let first = current - i64::try_from(last).unwrap_or(i64::MAX / 2) - 1;
    let sprints: Vec<_> = (first..current).map(|i| calendar.sprint(i)).collect();
    let Some(earliest) = sprints.first() else {
        return Ok(out);
    };
    let cutoff = |end_day: i64| (end_day + 1) * 86_400 - 1;
    // HEAD's first-parent chain, newest first, down to the first commit at or before the
    // earliest cutoff.
    let chain = repo.first_parents_until(cutoff(earliest.end));
    if chain.is_empty() {
        return Ok(out);
    }
    let mut cache: HashMap<ObjectId, Option<Item>> = HashMap::new();
    // Snapshots of root trees already added up: a sprint without commits reuses its
    // predecessor's.
    let mut by_tree: HashMap<ObjectId, Snapshot> = HashMap::new();
    let mut prev: Option<Snapshot> = None;
    for (k, sprint) in sprints.iter().enumerate() {
        let limit = cutoff(sprint.end);
        let Some(&(_, commit, tree_id)) = chain.iter().find(|(t, _, _)| *t <= limit) else {
            prev = None;
            continue;
        };
        let points = match by_tree.get(&tree_id) {
            Some(&p) => p,
            None => {
                let rev = commit.to_string()[..10].to_owned();
                let files = tree_item_files(repo, tree_id, prefix)?;
                parse_new_blobs(repo, &files, &rev, &mut cache, &mut out.warnings);
                let items = files
                    .iter()
                    .filter_map(|(_, blob)| cache.get(blob).and_then(Option::as_ref));
                let p = snapshot(items, config);
                by_tree.insert(tree_id, p);
                p
            }
        };
        if k > 0 {
            out.sprints.push(BurnupSprint {
                name: sprint.name.clone(),
                start: sprint.start_date(),
                end: sprint.end_date(),
                commit: commit.to_string(),
                points,
                added: prev.map(|p| points.scope as i64 - p.scope as i64),
                done_in_sprint: prev.map(|p| points.done as i64 - p.done as i64),
            });
        }
        prev = Some(points);
    }
    Ok(out)
}

/// Parses the item blobs of `files` that are not in `cache` yet, front matter only (the
/// body is not needed), in parallel; a problem becomes a warning naming the file, the line
/// and the revision, and the blob is cached as `None`.
fn parse_new_blobs(
    repo: &Repo,
    files: &[(String, ObjectId)],
    rev: &str,
    cache: &mut HashMap<ObjectId, Option<Item>>,
    warnings: &mut Vec<String>,
) {
    // libgit2 objects stay on this thread: read the bytes here, parse them in parallel.
    let mut todo: Vec<(&str, ObjectId, Vec<u8>)> = Vec::new();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    for (path, oid) in files {
        if cache.contains_key(oid) || !seen.insert(*oid) {
            continue;
        }
        match repo.find_blob(*oid) {
            Ok(b) if b.size() > MAX_FILE_BYTES => {
                warnings.push(format!(
                    "{path}:1 at {rev}: file is {} bytes, over the {MAX_FILE_BYTES}-byte \
                     limit; skipped",
                    b.size()
                ));
                cache.insert(*oid, None);
            }
            Ok(b) => todo.push((path, *oid, b.content().to_vec())),
            Err(e) => {
                warnings.push(format!("{path} at {rev}: cannot read: {}", e.message()));
                cache.insert(*oid, None);
            }
        }
    }
    let parsed: Vec<Result<Item, (usize, String)>> = todo
        .par_iter()
        .map(|(_, _, bytes)| {
            Document::parse(bytes)
                .map_err(|e| (e.line(), e.to_string()))
                .and_then(|doc| Item::from_document(&doc).map_err(|e| (e.line(), e.to_string())))
        })
        .collect();
    for ((path, oid, _), result) in todo.iter().zip(parsed) {
        let item = match result {
            Ok(item) => Some(item),
            Err((line, message)) => {
                warnings.push(format!("{path}:{line} at {rev}: {message}"));
                None
            }
        };
        cache.insert(*oid, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;

    fn item(id: &str, extra: &str) -> Item {
        let text = format!("---\nid: {id}\ntitle: Item {id}\n{extra}---\n");
        Entry::from_text(format!("backlog/{id}.md"), &text)
            .unwrap()
            .item
    }

    #[test]
    fn test_snapshot_scope_and_done() {
        let items = [
            item("B-1", "status: done\nestimate: 5\n"),
            item("B-2", "status: ready\nestimate: 3\n"),
            item("B-3", "status: draft\n"),
            item("B-4", "status: split\nestimate: 13\n"),
            item("B-5", "status: duplicate\nestimate: 2\nduplicate_of: B-2\n"),
            item("B-6", "estimate: 20\n"),
            item("B-7", "parent: B-6\nestimate: 8\n"),
            item("B-8", "parent: B-4\nestimate: 1\nstatus: done\n"),
        ];
        let s = snapshot(&items, &Config::default());
        // In scope: B-1 (5), B-2 (3), B-3 (unestimated), B-7 (8), B-8 (1); B-6 is the
        // parent of B-7; B-4 and B-5 are closed.
        assert_eq!(
            s,
            Snapshot {
                scope: 17,
                done: 6,
                items: 5,
                done_items: 2,
                unestimated: 1,
            }
        );
    }

    fn sprint(name: &str, scope: u64, done: u64, added: Option<i64>) -> BurnupSprint {
        BurnupSprint {
            name: name.to_owned(),
            start: String::new(),
            end: String::new(),
            commit: String::new(),
            points: Snapshot {
                scope,
                done,
                ..Snapshot::default()
            },
            added,
            done_in_sprint: added.map(|_| 5),
        }
    }

    #[test]
    fn test_scope_growth_over_last_sprints() {
        let b = Burnup {
            sprints: vec![
                sprint("S1", 40, 5, None),
                sprint("S2", 48, 10, Some(8)),
                sprint("S3", 50, 15, Some(2)),
                sprint("S4", 47, 20, Some(-3)),
            ],
            warnings: Vec::new(),
        };
        let g = b.scope_growth(2).unwrap();
        assert_eq!(g.sprints, ["S3", "S4"]);
        assert_eq!((g.from, g.to, g.added, g.done), (48, 47, -1, 10));
        let g = b.scope_growth(10).unwrap();
        assert_eq!((g.from, g.to, g.added), (40, 47, 7));
        let none = Burnup {
            sprints: vec![sprint("S1", 40, 5, None)],
            warnings: Vec::new(),
        };
        assert_eq!(none.scope_growth(3), None);
    }
}
