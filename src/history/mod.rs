//! The backlog's history, read from git: the semantic [`diff`](diff()) of two backlog states
//! and the refinement [`log`](log()) of one item.
//!
//! [`log_all`] is the batch variant of `log`: the history of every item in one walk.
//!
//! Both read item files straight from git objects through libgit2 (no checkout, no git
//! binary) and only the blobs that changed: a tree-to-tree diff restricted to the backlog
//! folder names the changed files, and only those are parsed. Items are matched by their
//! `id`, never by path, so a renamed file is a rename, not a removal plus an addition.
//! Commit trailers (`Backlog-Op`) are reported as hints; the files are the truth.

mod batch;
mod describe;
mod diff;
mod key_store;
mod log;
mod trail;

pub use batch::{AllLogs, log_all};
pub use describe::describe;
pub use diff::{BacklogDiff, ChangeKind, ItemDiff, Merge, Split, Totals, diff};
pub use log::{ItemLog, LogEntry, log};

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository, Tree};
use serde::Serialize;
use serde_yaml_ng::Value;

use crate::document::{Document, MAX_FILE_BYTES};
use crate::git::Repo;
use crate::item::{Body, Item};

/// Errors of history queries.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// A revision that does not name a commit.
    #[error("unknown revision `{rev}`: {message}")]
    BadRevision {
        /// What the user typed.
        rev: String,
        /// Why it names no commit, in words for the user.
        message: String,
    },
    /// A range with more than one `..` or `...` (`a..b..c`).
    #[error("invalid revision range `{spec}`: give A..B, A...B or one revision")]
    BadRange {
        /// What the user typed.
        spec: String,
    },
    /// The item is not in HEAD.
    #[error("no item {query} in HEAD")]
    UnknownItem {
        /// What the user typed.
        query: String,
    },
    /// More than one item in HEAD matches a prefix.
    #[error("ambiguous item {query}: matches {}", .matches.join(", "))]
    Ambiguous {
        /// What the user typed.
        query: String,
        /// The matching IDs.
        matches: Vec<String>,
    },
    /// The repository has no commits.
    #[error("the repository has no commits yet")]
    NoCommits,
    /// A libgit2 call failed.
    #[error("git {op} failed: {source}")]
    Git {
        /// What was being done.
        op: &'static str,
        /// The libgit2 error.
        source: git2::Error,
    },
}

pub(crate) fn git_err(op: &'static str) -> impl FnOnce(git2::Error) -> HistoryError {
    move |source| HistoryError::Git { op, source }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// How the user named it (`main`, `HEAD~1`, `working tree`…).
    pub rev: String,
    /// The commit, or `None` for the working tree or an empty history.
    pub commit: Option<String>,
    /// Whether this is the working tree.
    #[serde(skip)]
    pub worktree: bool,
}

impl Endpoint {
    /// The working tree.
    pub fn worktree() -> Self {
        Self {
            rev: "working tree".to_owned(),
            commit: None,
            worktree: true,
        }
    }

    fn commit(rev: &str, oid: Oid) -> Self {
        Self {
            rev: rev.to_owned(),
            commit: Some(oid.to_string()),
            worktree: false,
        }
    }

    fn empty() -> Self {
        Self {
            rev: "(no commits)".to_owned(),
            commit: None,
            worktree: false,
        }
    }

    /// A short label: `rev (abc1234)`, or the rev alone when it already is the commit.
    pub fn label(&self) -> String {
        match &self.commit {
            Some(c) if !c.starts_with(&self.rev) => format!("{} ({})", self.rev, &c[..10]),
            Some(c) => c[..10].to_owned(),
            None => self.rev.clone(),
        }
    }
}

/// Resolves a `diff` range: `None` (merge base of HEAD with the default branch, up to the
/// working tree), `A..B`, `A..` (up to HEAD), `A...B` (merge base of A and B, up to B) or
/// `A` (merge base of A and HEAD, up to the working tree).
pub fn resolve_range(
    repo: &Repo,
    spec: Option<&str>,
) -> Result<(Endpoint, Endpoint), HistoryError> {
    let r = repo.inner();
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        let Some(head) = repo_head(r)? else {
            return Ok((Endpoint::empty(), Endpoint::worktree()));
        };
        for name in ["main", "master", "origin/HEAD"] {
            let Ok(obj) = r.revparse_single(name) else {
                continue;
            };
            let Ok(branch) = obj.peel_to_commit() else {
                continue;
            };
            let base = r
                .merge_base(head, branch.id())
                .map_err(git_err("merge-base"))?;
            return Ok((
                Endpoint::commit(&format!("merge-base(HEAD, {name})"), base),
                Endpoint::worktree(),
            ));
        }
        return Ok((Endpoint::commit("HEAD", head), Endpoint::worktree()));
    };
    let rev = |s: &str| -> Result<(String, Oid), HistoryError> {
        let s = if s.is_empty() { "HEAD" } else { s };
        let oid = r
            .revparse_single(s)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| HistoryError::BadRevision {
                rev: s.to_owned(),
                message: crate::git::revision_problem(s, &e),
            })?
            .id();
        Ok((s.to_owned(), oid))
    };
    let bad_range = || HistoryError::BadRange {
        spec: spec.to_owned(),
    };
    if let Some((a, b)) = spec.split_once("...") {
        if a.contains("..") || b.contains("..") {
            return Err(bad_range());
        }
        let (a, a_oid) = rev(a)?;
        let (b, b_oid) = rev(b)?;
        let base = r.merge_base(a_oid, b_oid).map_err(git_err("merge-base"))?;
        Ok((
            Endpoint::commit(&format!("merge-base({a}, {b})"), base),
            Endpoint::commit(&b, b_oid),
        ))
    } else if let Some((a, b)) = spec.split_once("..") {
        if b.contains("..") {
            return Err(bad_range());
        }
        let (a, a_oid) = rev(a)?;
        let (b, b_oid) = rev(b)?;
        Ok((Endpoint::commit(&a, a_oid), Endpoint::commit(&b, b_oid)))
    } else {
        // Since A: what this branch changed after it left A (`git diff A...HEAD`), plus
        // the working tree, not what A did meanwhile.
        let (a, a_oid) = rev(spec)?;
        let head = repo_head(r)?.ok_or(HistoryError::NoCommits)?;
        let base = r.merge_base(a_oid, head).map_err(git_err("merge-base"))?;
        let from = if base == a_oid {
            Endpoint::commit(&a, a_oid)
        } else {
            Endpoint::commit(&format!("merge-base({a}, HEAD)"), base)
        };
        Ok((from, Endpoint::worktree()))
    }
}

fn repo_head(r: &Repository) -> Result<Option<Oid>, HistoryError> {
    match r.head() {
        Ok(h) => Ok(Some(h.peel_to_commit().map_err(git_err("read HEAD"))?.id())),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(HistoryError::Git {
            op: "read HEAD",
            source: e,
        }),
    }
}

/// The backlog folder as a `/`-separated path relative to the repository root
/// (`""` when the folder is the root itself).
pub fn folder_prefix(repo: &Repo, dir: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let rel = dir.strip_prefix(repo.workdir()).unwrap_or(&dir);
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a root-relative path is an item file of the folder `prefix`: a `*.md` file
/// (not `README.md`) under it, not inside a hidden folder.
pub(crate) fn is_item_path(prefix: &str, path: &str) -> bool {
    let rel = if prefix.is_empty() {
        path
    } else {
        match path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
            Some(r) => r,
            None => return false,
        }
    };
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        if part.starts_with('.') || part.is_empty() {
            return false;
        }
        if parts.peek().is_none() {
            return part.ends_with(".md") && !part.eq_ignore_ascii_case("README.md");
        }
    }
    false
}

/// One version of an item file: where it was, its text and what it says.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub path: String,
    pub doc: Document,
    pub item: Item,
    pub body: Body,
    /// Every front-matter key, for comparing keys the typed view does not know.
    pub fields: serde_yaml_ng::Mapping,
}

impl Version {
    /// Parses an item file; the error names the line.
    pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Self, (usize, String)> {
        let doc = Document::parse(bytes).map_err(|e| (e.line(), e.to_string()))?;
        let fields = doc.front_matter().map_err(|e| (e.line(), e.to_string()))?;
        let item = Item::from_fields(&fields, &doc).map_err(|e| (e.line(), e.to_string()))?;
        let body = Body::parse(doc.body(), doc.body_line());
        Ok(Self {
            path: path.to_owned(),
            doc,
            item,
            body,
            fields,
        })
    }
}

/// Reads one blob as an item version; a problem becomes a warning naming file and line.
pub(crate) fn read_blob(
    repo: &Repository,
    oid: Oid,
    path: &str,
    rev: &str,
    warnings: &mut Vec<String>,
) -> Option<Version> {
    let blob = match repo.find_blob(oid) {
        Ok(b) => b,
        Err(e) => {
            warnings.push(format!("{path} at {rev}: cannot read: {}", e.message()));
            return None;
        }
    };
    if blob.size() > MAX_FILE_BYTES {
        warnings.push(format!(
            "{path} at {rev}:1: file is {} bytes, over the {MAX_FILE_BYTES}-byte limit; skipped",
            blob.size()
        ));
        return None;
    }
    parse_or_warn(path, blob.content(), rev, warnings)
}

pub(crate) fn parse_or_warn(
    path: &str,
    bytes: &[u8],
    rev: &str,
    warnings: &mut Vec<String>,
) -> Option<Version> {
    match Version::parse(path, bytes) {
        Ok(v) => Some(v),
        Err((line, message)) => {
            warnings.push(format!("{path}:{line} at {rev}: {message}"));
            None
        }
    }
}

/// The blob id and path of every item file of `tree` under `prefix`.
pub(crate) fn tree_item_files(
    repo: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
) -> Result<Vec<(String, Oid)>, HistoryError> {
    let mut out = Vec::new();
    let mut walk = |root: &str, entry: &git2::TreeEntry<'_>| {
        if entry.kind() == Some(git2::ObjectType::Blob)
            && entry.filemode() != i32::from(git2::FileMode::Link)
        {
            let path = format!("{root}{}", String::from_utf8_lossy(entry.name_bytes()));
            if is_item_path(prefix, &path) {
                out.push((path, entry.id()));
            }
        }
        git2::TreeWalkResult::Ok
    };
    if prefix.is_empty() {
        tree.walk(git2::TreeWalkMode::PreOrder, &mut walk)
            .map_err(git_err("walk tree"))?;
    } else {
        let Ok(entry) = tree.get_path(Path::new(prefix)) else {
            return Ok(out);
        };
        let Ok(sub) = entry.to_object(repo).and_then(|o| o.peel_to_tree()) else {
            return Ok(out);
        };
        let base = format!("{prefix}/");
        sub.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            walk(&format!("{base}{root}"), entry)
        })
        .map_err(git_err("walk tree"))?;
    }
    Ok(out)
}

/// Which way an item moved in the backlog order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Towards the top (higher priority).
    Up,
    /// Towards the bottom.
    Down,
}

/// One field-level change of an item between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldChange {
    /// The file moved.
    Renamed {
        /// Old path.
        from: String,
        /// New path.
        to: String,
    },
    /// The title was edited.
    Title {
        /// Old title.
        from: String,
        /// New title.
        to: String,
    },
    /// The status changed.
    Status {
        /// Old status (`None`: not set).
        from: Option<String>,
        /// New status.
        to: Option<String>,
    },
    /// The estimate changed.
    Estimate {
        /// Old points.
        from: Option<u32>,
        /// New points.
        to: Option<u32>,
    },
    /// The business value changed.
    Value {
        /// Old value.
        from: Option<u32>,
        /// New value.
        to: Option<u32>,
    },
    /// The rank key changed.
    Rank {
        /// Old key.
        from: Option<String>,
        /// New key.
        to: Option<String>,
        /// Up or down.
        direction: Direction,
        /// How many items it passed (see [`diff`](diff())); `None` where not computed.
        #[serde(skip_serializing_if = "Option::is_none")]
        places: Option<usize>,
        /// The item now right after it ("moved above X"), if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        above: Option<String>,
        /// The item now right before it, if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        below: Option<String>,
    },
    /// The rank key changed but the item kept its place among the others (a respread by
    /// `rank --rebalance`, or a new key between the same neighbours): not a move.
    RankKey {
        /// Old key.
        from: Option<String>,
        /// New key.
        to: Option<String>,
    },
    /// A dependency was added.
    DependencyAdded {
        /// The item depended on.
        id: String,
    },
    /// A dependency was removed.
    DependencyRemoved {
        /// The item no longer depended on.
        id: String,
    },
    /// An acceptance criterion was added.
    CriterionAdded {
        /// Its text.
        text: String,
        /// Whether it is checked.
        done: bool,
    },
    /// An acceptance criterion was removed.
    CriterionRemoved {
        /// Its text.
        text: String,
    },
    /// An acceptance criterion was checked.
    CriterionChecked {
        /// Its text.
        text: String,
    },
    /// An acceptance criterion was unchecked.
    CriterionUnchecked {
        /// Its text.
        text: String,
    },
    /// The story paragraph was edited.
    Story {
        /// Old story.
        from: Option<String>,
        /// New story.
        to: Option<String>,
    },
    /// Another front-matter key changed.
    Field {
        /// The key.
        key: String,
        /// Old value (`None`: not set).
        from: Option<Value>,
        /// New value.
        to: Option<Value>,
    },
    /// The body changed in a way none of the above describes.
    Body,
}

/// Keys compared by dedicated [`FieldChange`]s, or not worth reporting (`updated`).
const SPECIAL_KEYS: [&str; 8] = [
    "id",
    "title",
    "status",
    "estimate",
    "value",
    "rank",
    "depends_on",
    "updated",
];

/// The backlog order key of an item, owned (see [`crate::store::order_key`]).
pub(crate) type OrderKey = (bool, String, String, String);

pub(crate) fn order_key(item: &Item) -> OrderKey {
    let (a, b, c, d) = crate::store::order_key(item);
    (a, b.to_owned(), c.to_owned(), d.to_owned())
}

/// The items right after and right before `x` in the sorted `keys` (which may contain
/// `x` itself, skipped by ID): the neighbours that "moved above X" names.
pub(crate) fn neighbours(keys: &[OrderKey], x: &OrderKey) -> (Option<String>, Option<String>) {
    let same = |k: &OrderKey| crate::id::key(&k.3) == crate::id::key(&x.3);
    let at = keys.partition_point(|k| k < x);
    let above = keys[at..].iter().find(|k| !same(k)).map(|k| k.3.clone());
    let below = keys[..at]
        .iter()
        .rev()
        .find(|k| !same(k))
        .map(|k| k.3.clone());
    (above, below)
}

/// Sets `above`/`below` of the rank changes in `changes`, from the new state's order.
pub(crate) fn fill_neighbours(changes: &mut [FieldChange], keys: &[OrderKey], x: &OrderKey) {
    for c in changes {
        if let FieldChange::Rank { above, below, .. } = c {
            (*above, *below) = neighbours(keys, x);
        }
    }
}

/// Sets `places` and the direction of the rank changes in `changes`: `net` is how many
/// more items it now comes before (negative: fewer). A rank change that kept its place
/// (`net == 0`) becomes a [`FieldChange::RankKey`]: a respread is not a move.
pub(crate) fn set_places(changes: &mut [FieldChange], net: i64) {
    for c in changes {
        if let FieldChange::Rank {
            from,
            to,
            direction,
            places,
            ..
        } = c
        {
            if net == 0 {
                *c = FieldChange::RankKey {
                    from: from.take(),
                    to: to.take(),
                };
                continue;
            }
            *direction = if net > 0 {
                Direction::Up
            } else {
                Direction::Down
            };
            *places = Some(usize::try_from(net.unsigned_abs()).unwrap_or(usize::MAX));
        }
    }
}

/// How many places an item moved between two orders (sorted order keys of the whole
/// backlog), counting only the items present in both: its position among them in the old
/// order minus its position in the new order.
pub(crate) fn net_places(old: &[OrderKey], new: &[OrderKey], ox: &OrderKey, nx: &OrderKey) -> i64 {
    let ids = |keys: &[OrderKey]| -> std::collections::HashSet<String> {
        keys.iter().map(|k| crate::id::key(&k.3)).collect()
    };
    let (old_ids, new_ids) = (ids(old), ids(new));
    let me = crate::id::key(&ox.3);
    let position = |keys: &[OrderKey], x: &OrderKey| -> i64 {
        let n = keys
            .iter()
            .take_while(|k| *k < x)
            .filter(|k| {
                let id = crate::id::key(&k.3);
                id != me && old_ids.contains(&id) && new_ids.contains(&id)
            })
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    position(old, ox) - position(new, nx)
}

/// Order keys of the given blobs, read in parallel (one repository handle per chunk).
/// Files that are not items give `None`.
pub(crate) fn read_order_keys(
    r: &Repository,
    files: &[(String, Oid)],
) -> Vec<(Oid, Option<OrderKey>)> {
    use rayon::prelude::*;
    let git_dir = r.path().to_path_buf();
    let chunk = files
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(64);
    files
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let repo = Repository::open(&git_dir).ok();
            part.iter()
                .map(|(path, oid)| {
                    let key = repo
                        .as_ref()
                        .and_then(|repo| order_key_of_blob(repo, path, *oid));
                    (*oid, key)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The order key of one blob (`None`: not an item, or too large to be one).
pub(crate) fn order_key_of_blob(r: &Repository, path: &str, oid: Oid) -> Option<OrderKey> {
    let blob = r.find_blob(oid).ok()?;
    if blob.size() > MAX_FILE_BYTES {
        return None;
    }
    scan_order_key(blob.content()).or_else(|| {
        Version::parse(path, blob.content())
            .ok()
            .map(|v| order_key(&v.item))
    })
}

/// Reads `id`, `rank` and `created` from the front matter with a line scan. `None` when
/// the file needs the YAML parser (no fence, or a value in flow/block/anchor syntax).
pub(crate) fn scan_order_key(bytes: &[u8]) -> Option<OrderKey> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let (mut id, mut rank, mut created) = (None, None, None);
    let mut closed = false;
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            closed = true;
            break;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let slot = match key {
            "id" => &mut id,
            "rank" => &mut rank,
            "created" => &mut created,
            _ => continue,
        };
        *slot = Some(scalar(value)?);
    }
    if !closed {
        return None;
    }
    let id: String = id.filter(|i: &String| crate::id::is_valid(i))?;
    Some(match rank.filter(|r: &String| !r.is_empty()) {
        Some(rank) => (false, rank, String::new(), id),
        None => (
            true,
            String::new(),
            created
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "~".to_owned()),
            id,
        ),
    })
}

/// A plain or quoted one-line YAML scalar; `None` for anything fancier.
fn scalar(value: &str) -> Option<String> {
    let v = value.trim();
    let v = match v.find(" #") {
        Some(i) if !v.starts_with(['"', '\'']) => v[..i].trim_end(),
        _ => v,
    };
    if v.starts_with(['[', '{', '|', '>', '&', '*', '!', '%', '@', '`']) {
        return None;
    }
    if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return (!inner.contains('\\')).then(|| inner.to_owned());
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    if v == "~" || v == "null" {
        return Some(String::new());
    }
    Some(v.to_owned())
}

/// The field-level changes from `old` to `new` (rank places are left to the caller).
pub(crate) fn compare(old: &Version, new: &Version) -> Vec<FieldChange> {
    let (o, n) = (&old.item, &new.item);
    let mut out = Vec::new();
    if old.path != new.path {
        out.push(FieldChange::Renamed {
            from: old.path.clone(),
            to: new.path.clone(),
        });
    }
    if o.title != n.title {
        out.push(FieldChange::Title {
            from: o.title.clone(),
            to: n.title.clone(),
        });
    }
    if o.status != n.status {
        out.push(FieldChange::Status {
            from: o.status.clone(),
            to: n.status.clone(),
        });
    }
    if o.estimate != n.estimate {
        out.push(FieldChange::Estimate {
            from: o.estimate,
            to: n.estimate,
        });
    }
    if o.value != n.value {
        out.push(FieldChange::Value {
            from: o.value,
            to: n.value,
        });
    }
    if o.rank != n.rank {
        out.push(FieldChange::Rank {
            from: o.rank.clone(),
            to: n.rank.clone(),
            direction: if order_key(n) < order_key(o) {
                Direction::Up
            } else {
                Direction::Down
            },
            places: None,
            above: None,
            below: None,
        });
    }
    let key = |s: &String| crate::id::key(s);
    for d in &n.depends_on {
        if !o.depends_on.iter().any(|x| key(x) == key(d)) {
            out.push(FieldChange::DependencyAdded { id: d.clone() });
        }
    }
    for d in &o.depends_on {
        if !n.depends_on.iter().any(|x| key(x) == key(d)) {
            out.push(FieldChange::DependencyRemoved { id: d.clone() });
        }
    }
    let (of, nf) = (&old.fields, &new.fields);
    let mut keys: Vec<&Value> = of.keys().collect();
    for k in nf.keys() {
        if !of.contains_key(k) {
            keys.push(k);
        }
    }
    for k in keys {
        let name = match k {
            Value::String(s) => s.clone(),
            other => serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        if SPECIAL_KEYS.contains(&name.as_str()) {
            continue;
        }
        let (from, to) = (of.get(k), nf.get(k));
        if from != to {
            out.push(FieldChange::Field {
                key: name,
                from: from.cloned(),
                to: to.cloned(),
            });
        }
    }
    let body_changes = out.len();
    if old.body.story != new.body.story {
        out.push(FieldChange::Story {
            from: old.body.story.clone(),
            to: new.body.story.clone(),
        });
    }
    compare_criteria(&old.body, &new.body, &mut out);
    if out.len() == body_changes && old.doc.body() != new.doc.body() {
        out.push(FieldChange::Body);
    }
    out
}

/// Criteria are matched by text, in order (a repeated text matches its n-th copy). An
/// edited text is a removal plus an addition.
fn compare_criteria(old: &Body, new: &Body, out: &mut Vec<FieldChange>) {
    let mut unmatched_old: HashMap<&str, Vec<bool>> = HashMap::new();
    for c in old.criteria.iter().rev() {
        unmatched_old
            .entry(c.text.as_str())
            .or_default()
            .push(c.done);
    }
    let mut removed = Vec::new();
    for c in &new.criteria {
        match unmatched_old.get_mut(c.text.as_str()).and_then(Vec::pop) {
            Some(was) if was != c.done => out.push(if c.done {
                FieldChange::CriterionChecked {
                    text: c.text.clone(),
                }
            } else {
                FieldChange::CriterionUnchecked {
                    text: c.text.clone(),
                }
            }),
            Some(_) => {}
            None => out.push(FieldChange::CriterionAdded {
                text: c.text.clone(),
                done: c.done,
            }),
        }
    }
    for c in &old.criteria {
        if let Some(left) = unmatched_old.get_mut(c.text.as_str())
            && left.pop().is_some()
        {
            removed.push(FieldChange::CriterionRemoved {
                text: c.text.clone(),
            });
        }
    }
    out.extend(removed);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(path: &str, front: &str, body: &str) -> Version {
        Version::parse(path, format!("---\n{front}---\n{body}").as_bytes()).unwrap()
    }

    #[test]
    fn test_is_item_path() {
        assert!(is_item_path("backlog", "backlog/B-1-x.md"));
        assert!(is_item_path("backlog", "backlog/sub/B-1-x.md"));
        assert!(!is_item_path("backlog", "backlog/README.md"));
        assert!(!is_item_path("backlog", "backlog/config.yml"));
        assert!(!is_item_path("backlog", "backlog/.hidden/B-1.md"));
        assert!(!is_item_path("backlog", "backlogs/B-1.md"));
        assert!(!is_item_path("backlog", "docs/B-1.md"));
        assert!(is_item_path("", "B-1.md"));
    }

    #[test]
    fn test_compare_fields() {
        let old = version(
            "backlog/a.md",
            "id: B-1\ntitle: Old\nstatus: draft\nestimate: 3\nrank: a1\ndepends_on: [B-2, B-3]\nowner: dana\nupdated: 2026-01-01\n",
            "Story.\n",
        );
        let new = version(
            "backlog/b.md",
            "id: B-1\ntitle: New\nstatus: ready\nestimate: 5\nvalue: 8\nrank: a0\ndepends_on: [b-3, B-4]\nupdated: 2026-02-02\nlabels: [x]\n",
            "Story.\n",
        );
        assert_eq!(
            compare(&old, &new),
            vec![
                FieldChange::Renamed {
                    from: "backlog/a.md".into(),
                    to: "backlog/b.md".into()
                },
                FieldChange::Title {
                    from: "Old".into(),
                    to: "New".into()
                },
                FieldChange::Status {
                    from: Some("draft".into()),
                    to: Some("ready".into())
                },
                FieldChange::Estimate {
                    from: Some(3),
                    to: Some(5)
                },
                FieldChange::Value {
                    from: None,
                    to: Some(8)
                },
                FieldChange::Rank {
                    from: Some("a1".into()),
                    to: Some("a0".into()),
                    direction: Direction::Up,
                    places: None,
                    above: None,
                    below: None
                },
                FieldChange::DependencyAdded { id: "B-4".into() },
                FieldChange::DependencyRemoved { id: "B-2".into() },
                FieldChange::Field {
                    key: "owner".into(),
                    from: Some(Value::String("dana".into())),
                    to: None
                },
                FieldChange::Field {
                    key: "labels".into(),
                    from: None,
                    to: Some(Value::Sequence(vec![Value::String("x".into())]))
                },
            ]
        );
    }

    #[test]
    fn test_compare_body_criteria_and_story() {
        let front = "id: B-1\ntitle: T\n";
        let old = version(
            "p.md",
            front,
            "As a user, I want a so that b.\n\n## Acceptance criteria\n- [ ] one\n- [ ] two\n- [x] same\n- [ ] same\n- [ ] gone\n",
        );
        let new = version(
            "p.md",
            front,
            "As a user, I want c so that d.\n\n## Acceptance criteria\n- [x] one\n- [ ] two\n- [ ] same\n- [ ] same\n- [ ] new\n",
        );
        assert_eq!(
            compare(&old, &new),
            vec![
                FieldChange::Story {
                    from: Some("As a user, I want a so that b.".into()),
                    to: Some("As a user, I want c so that d.".into())
                },
                FieldChange::CriterionChecked { text: "one".into() },
                FieldChange::CriterionUnchecked {
                    text: "same".into()
                },
                FieldChange::CriterionAdded {
                    text: "new".into(),
                    done: false
                },
                FieldChange::CriterionRemoved {
                    text: "gone".into()
                },
            ]
        );
        let edited = version("p.md", front, "Some notes.\n");
        let reworded = version("p.md", front, "Other notes.\n");
        assert_eq!(
            compare(&edited, &reworded),
            vec![FieldChange::Story {
                from: Some("Some notes.".into()),
                to: Some("Other notes.".into())
            }]
        );
        let a = version("p.md", front, "Intro.\n\n## Notes\nx\n");
        let b = version("p.md", front, "Intro.\n\n## Notes\ny\n");
        assert_eq!(compare(&a, &b), vec![FieldChange::Body]);
        assert_eq!(compare(&a, &a.clone()), vec![]);
    }
}
