//! One item's refinement history: every commit that changed its file, newest first.
//!
//! The walk starts at HEAD and goes back in commit-time order, visiting only the commits
//! through which the item can be followed, and stops where the item was created. For each
//! commit the item's blob is compared with each parent's by the ids along its path
//! ([`trail`](crate::git::trail)): a commit that did not touch the backlog folder has the same
//! folder tree id as its parent and costs two small root-tree reads, and where the folder
//! differs only its raw entries are scanned for the item's name. Equal blob ids mean
//! "unchanged" without reading anything. When the path is missing in the parent (the file
//! was renamed or moved), the files the commit removed are searched for one whose front
//! matter has the same `id`. Side branches are followed too (each parent gets the item's
//! path in it); a merge commit is reported when the item differs from its first parent.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde::Serialize;

use super::key_store::KeyStore;
use super::{
    FieldChange, HistoryError, OrderKey, Version, compare, fill_neighbours, git_err, is_item_path,
    net_places, read_blob, set_places, tree_item_files,
};
use crate::git::file_diff::{FileStatus, Newer};
use crate::git::trail::{Chain, Trail};
use crate::git::walk::CommitMeta;
use crate::git::{ObjectId, Repo, parse_trailers};

/// One commit that changed the item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// The commit id.
    pub commit: String,
    /// Commit time as `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// Commit time, Unix seconds.
    pub timestamp: i64,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// The commit's summary line.
    pub summary: String,
    /// The `Backlog-Op` trailer, if any (a hint; `changes` is computed from the files).
    pub op: Option<String>,
    /// Whether the commit is a merge (compared with its first parent).
    pub merge: bool,
    /// `true` when this commit created the item.
    pub created: bool,
    /// The item's path in this commit.
    pub path: String,
    /// Field-level changes from the first parent's version (empty when created).
    pub changes: Vec<FieldChange>,
}

/// An item's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemLog {
    /// The item's ID.
    pub id: String,
    /// Its title in HEAD.
    pub title: String,
    /// Its path in HEAD.
    pub path: String,
    /// Commits that changed it, newest first.
    pub entries: Vec<LogEntry>,
    /// Versions that could not be read (`path:line at commit: message`).
    pub warnings: Vec<String>,
}

/// How the item's file in a commit relates to a parent.
enum Trace {
    /// Same blob at the same path.
    Unchanged(Chain),
    /// The parent has the item at `Version::path` with other content.
    Changed(Box<Version>, Chain),
    /// The parent does not have the item.
    Absent,
}

/// A commit still to visit: the item's path and ids in it.
struct Pending {
    commit: CommitMeta,
    path: String,
    chain: Chain,
}

/// The history of the item `query` (an ID or unique prefix, as in HEAD).
pub fn log(repo: &Repo, prefix: &str, query: &str) -> Result<ItemLog, HistoryError> {
    let head = match repo.head_id() {
        Ok(Some(id)) => repo.commit_meta(id).map_err(|_| HistoryError::NoCommits)?,
        _ => return Err(HistoryError::NoCommits),
    };
    let mut warnings = Vec::new();
    let current = locate(repo, head.tree, prefix, query, &mut warnings)?;
    let id_key = crate::id::key(&current.item.id);
    let trail = Trail::new(repo)?;
    let Some(head_chain) = trail.chain(head.tree, &current.path, None)? else {
        return Err(HistoryError::UnknownItem {
            query: query.to_owned(),
        });
    };

    // Newest first by commit time; ties in the order the commits were reached.
    let mut queue: BinaryHeap<(i64, Reverse<u64>, ObjectId)> = BinaryHeap::new();
    let mut pending: HashMap<ObjectId, Pending> = HashMap::new();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut reached = 0u64;
    queue.push((head.time, Reverse(reached), head.id));
    seen.insert(head.id);
    pending.insert(
        head.id,
        Pending {
            commit: head,
            path: current.path.clone(),
            chain: head_chain,
        },
    );
    let mut entries = Vec::new();
    // Order keys by blob, shared by the commits that need the whole order (rank moves)
    // and kept for the next run.
    let mut key_store = KeyStore::open(repo);
    while let Some((_, _, oid)) = queue.pop() {
        let Some(Pending {
            commit,
            path,
            chain,
        }) = pending.remove(&oid)
        else {
            continue;
        };
        let blob_id = chain.blob();
        let rev = short(oid);
        let mut first: Option<Trace> = None;
        let mut first_parent_tree = None;
        for (i, &parent_id) in commit.parents.iter().enumerate() {
            // A parent another child already leads to only matters as the first parent
            // (to say what this commit changed).
            if i > 0 && seen.contains(&parent_id) {
                continue;
            }
            // As libgit2's parent iterator: a parent that cannot be read (a shallow
            // clone) ends the list.
            let Ok(parent) = repo.commit_meta(parent_id) else {
                break;
            };
            if i == 0 {
                first_parent_tree = Some(parent.tree);
            }
            let trace = trace(
                repo,
                &trail,
                (&parent, &short(parent.id)),
                &commit,
                prefix,
                (&path, &chain),
                &id_key,
                &mut warnings,
            )?;
            let next = match &trace {
                Trace::Unchanged(c) => Some((path.clone(), c.clone())),
                Trace::Changed(v, c) => Some((v.path.clone(), c.clone())),
                Trace::Absent => None,
            };
            if let Some((path, chain)) = next
                && seen.insert(parent.id)
            {
                reached += 1;
                queue.push((parent.time, Reverse(reached), parent.id));
                pending.insert(
                    parent.id,
                    Pending {
                        commit: parent,
                        path,
                        chain,
                    },
                );
            }
            if i == 0 {
                first = Some(trace);
            }
        }
        let (created, changes) = match first {
            Some(Trace::Unchanged(_)) => continue,
            Some(Trace::Changed(old, _)) => {
                let Some(new) = read_blob(repo, blob_id, &path, &rev, &mut warnings) else {
                    continue;
                };
                let mut changes = compare(&old, &new);
                if changes
                    .iter()
                    .any(|c| matches!(c, FieldChange::Rank { .. }))
                {
                    // A `Changed` first trace came from a first parent.
                    let parent_tree = first_parent_tree.ok_or(HistoryError::NoCommits)?;
                    let before = tree_order(repo, parent_tree, prefix, &mut key_store)?;
                    let after = tree_order(repo, commit.tree, prefix, &mut key_store)?;
                    let (ox, nx) = (OrderKey::of_item(&old.item), OrderKey::of_item(&new.item));
                    fill_neighbours(&mut changes, &after, &nx);
                    set_places(&mut changes, net_places(&before, &after, &ox, &nx));
                }
                (false, changes)
            }
            Some(Trace::Absent) | None => (true, Vec::new()),
        };
        let text = repo
            .commit_text(commit.id)
            .map_err(git_err("read commit"))?;
        let message = text.message;
        let time = text.time;
        let (author, email) = text.author;
        entries.push(LogEntry {
            commit: oid.to_string(),
            date: format_time(time),
            timestamp: time,
            author,
            email,
            summary: message.lines().next().unwrap_or_default().to_owned(),
            op: parse_trailers(&message).0,
            merge: text.parents > 1,
            created,
            path,
            changes,
        });
    }
    key_store.save();
    Ok(ItemLog {
        id: current.item.id.clone(),
        title: current.item.title.clone(),
        path: current.path.clone(),
        entries,
        warnings,
    })
}

/// The backlog order of a tree (sorted order keys), reading only blobs not in `store`.
fn tree_order(
    repo: &Repo,
    tree: ObjectId,
    prefix: &str,
    store: &mut KeyStore,
) -> Result<Vec<OrderKey>, HistoryError> {
    let files = tree_item_files(repo, tree, prefix)?;
    let mut keys: Vec<OrderKey> = store.keys(repo, &files).into_iter().flatten().collect();
    keys.sort();
    Ok(keys)
}

fn short(oid: ObjectId) -> String {
    oid.to_string()[..10].to_owned()
}

/// `YYYY-MM-DD HH:MM UTC`.
pub(crate) fn format_time(secs: i64) -> String {
    let minutes = secs.rem_euclid(86_400) / 60;
    format!(
        "{} {:02}:{:02} UTC",
        crate::text::date_from_unix(secs),
        minutes / 60,
        minutes % 60
    )
}

/// Finds the item `query` in `tree`: files named after the query first, then every file.
fn locate(
    repo: &Repo,
    tree: ObjectId,
    prefix: &str,
    query: &str,
    warnings: &mut Vec<String>,
) -> Result<Version, HistoryError> {
    let q = crate::id::key(query.trim());
    let files = tree_item_files(repo, tree, prefix)?;
    let name_of = |p: &str| p.rsplit('/').next().unwrap_or(p).to_ascii_uppercase();
    let (named, others): (Vec<_>, Vec<_>) =
        files.iter().partition(|(p, _)| name_of(p).starts_with(&q));
    // An exact ID wins wherever it is; files named after the query are read first, and
    // the others only when none of them is exactly the item (a prefix match among them
    // could hide the exact ID in a file not named after it).
    let mut matches: Vec<Version> = Vec::new();
    for group in [named, others] {
        let mut ignored = Vec::new();
        for (path, oid) in group {
            let Some(v) = read_blob(repo, *oid, path, "HEAD", &mut ignored) else {
                continue;
            };
            if crate::id::key(&v.item.id).starts_with(&q) {
                matches.push(v);
            }
        }
        if let Some(exact) = matches.iter().position(|v| crate::id::key(&v.item.id) == q) {
            return Ok(matches.swap_remove(exact));
        }
        warnings.extend(ignored);
    }
    match matches.len() {
        0 => Err(HistoryError::UnknownItem {
            query: query.to_owned(),
        }),
        1 => Ok(matches.remove(0)),
        _ => {
            let mut ids: Vec<String> = matches.into_iter().map(|v| v.item.id).collect();
            ids.sort();
            ids.dedup();
            Err(HistoryError::Ambiguous {
                query: query.to_owned(),
                matches: ids,
            })
        }
    }
}

/// Where the item (at `path` in `commit`, with the ids `chain`) is in `parent` (with its
/// short id, for warnings).
#[allow(clippy::too_many_arguments)]
fn trace(
    repo: &Repo,
    trail: &Trail<'_>,
    (parent, rev): (&CommitMeta, &str),
    commit: &CommitMeta,
    prefix: &str,
    (path, chain): (&str, &Chain),
    id_key: &str,
    warnings: &mut Vec<String>,
) -> Result<Trace, HistoryError> {
    if let Some(theirs) = trail.chain(parent.tree, path, Some(chain))? {
        if theirs.blob() == chain.blob() {
            return Ok(Trace::Unchanged(theirs));
        }
        if let Some(v) = read_blob(repo, theirs.blob(), path, rev, warnings)
            && crate::id::key(&v.item.id) == id_key
        {
            return Ok(Trace::Changed(Box::new(v), theirs));
        }
    }
    // Renamed or moved: look at the item files this commit removed (or replaced).
    let deltas = repo
        .file_diff(Some(parent.id), Newer::Commit(Some(commit.id)), prefix)
        .map_err(|(op, source)| HistoryError::Git { op, source })?;
    let mut candidates: Vec<(String, ObjectId)> = deltas
        .into_iter()
        .filter(|d| {
            matches!(
                d.status,
                FileStatus::Deleted | FileStatus::Modified | FileStatus::Typechange
            )
        })
        .filter_map(|d| {
            let f = d.old?;
            (f.path != path && is_item_path(prefix, &f.path)).then_some((f.path, f.id))
        })
        .collect();
    // Files named after the item first: usually the only one read.
    let named = |p: &str| {
        p.rsplit('/')
            .next()
            .is_some_and(|n| n.to_ascii_uppercase().starts_with(id_key))
    };
    candidates.sort_by_key(|(p, _)| !named(p));
    for (p, oid) in candidates {
        let mut ignored = Vec::new();
        if let Some(v) = read_blob(repo, oid, &p, rev, &mut ignored)
            && crate::id::key(&v.item.id) == id_key
            && let Some(theirs) = trail.chain(parent.tree, &p, None)?
        {
            return Ok(Trace::Changed(Box::new(v), theirs));
        }
    }
    Ok(Trace::Absent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_format_time_is_utc_minutes() {
        assert_eq!(format_time(1_764_000_000), "2025-11-24 16:00 UTC");
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(-60), "1969-12-31 23:59 UTC");
    }
}
