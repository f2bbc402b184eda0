//! `rank`: moving items, respreading keys, and reordering by a prioritization model.
//!
//! The order of the backlog is the order of the items' `rank` keys, so every change here
//! is a set of new keys. Each operation decides which items must get a new key (as few as
//! possible) and [`assign_keys`] picks keys between the neighbours that stay put: moving
//! one item rewrites the `rank` line of that one file.

use std::collections::HashMap;

use crate::config::Config;
use crate::document::FieldValue;
use crate::item::Item;
use crate::ops::{OpError, Outcome, refresh};
use crate::prioritize::{Model, target_order};
use crate::store::{Entry, IdIndex, LoadError, Loaded, Resolved, Store, StoreError};
use crate::workspace::Change;

/// What ordering needs to know about one item: its ID, its key, and where the key is.
pub(crate) trait Slot {
    fn slot_id(&self) -> &str;
    fn slot_rank(&self) -> Option<&str>;
    fn slot_path(&self) -> &str;
    fn slot_rank_line(&self) -> usize;
}

impl Slot for Entry {
    fn slot_id(&self) -> &str {
        &self.item.id
    }
    fn slot_rank(&self) -> Option<&str> {
        self.item.rank.as_deref()
    }
    fn slot_path(&self) -> &str {
        &self.path
    }
    fn slot_rank_line(&self) -> usize {
        self.doc.key_line("rank").unwrap_or(1)
    }
}

/// Where `rank ID` puts the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// Directly above this item.
    Before(String),
    /// Directly below this item.
    After(String),
    /// Above every item.
    Top,
    /// Below every ranked item.
    Bottom,
}

/// Which items `rank --by` reorders: all conditions must hold (a list matches any of its
/// values). Done and closed items are never reordered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Statuses (any).
    pub status: Vec<String>,
    /// Labels (any).
    pub label: Vec<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Type.
    pub kind: Option<String>,
    /// `--where KEY=VALUE` conditions on any key, custom ones included (see
    /// [`Filter::matches_entry`]).
    pub wheres: Vec<crate::analysis::filter::Where>,
}

impl Filter {
    /// Whether the item passes the filter.
    pub fn matches(&self, item: &Item, config: &Config) -> bool {
        (self.status.is_empty() || self.status.iter().any(|s| s == config.status(item)))
            && (self.label.is_empty() || self.label.iter().any(|l| item.labels.contains(l)))
            && self
                .owner
                .as_ref()
                .is_none_or(|o| item.owner.as_ref() == Some(o))
            && self
                .kind
                .as_ref()
                .is_none_or(|k| item.kind.as_ref() == Some(k))
    }

    /// Whether the item passes the filter, the `--where` conditions included (they may
    /// read keys that only the file has).
    pub fn matches_entry(&self, entry: &crate::store::Entry, config: &Config) -> bool {
        self.matches(&entry.item, config)
            && crate::analysis::filter::Where::all(&self.wheres, entry, config)
    }
}

/// One item that gets a new rank key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The item.
    pub id: String,
    /// Its key before (`None`: it had none).
    pub from: Option<String>,
    /// Its new key.
    pub to: String,
}

/// One selected item in the order `rank --by` computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The item.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its own score under the model.
    pub score: Option<f64>,
    /// The priority it is ordered by (higher than `score` when inherited).
    pub priority: Option<f64>,
    /// The item it inherited its priority from, as a prerequisite of it.
    pub inherited_from: Option<String>,
    /// What it lacks to be scored.
    pub missing: Vec<&'static str>,
    /// Its new key, when it moves.
    pub moved: Option<Move>,
}

/// The result of `rank --by`: the computed order, the moves, and the change to record.
#[derive(Debug, Clone)]
pub struct Reorder {
    /// The model used.
    pub model: Model,
    /// The selected items in their new order.
    pub order: Vec<Placed>,
    /// Dependency cycles among the selected items (IDs); they keep their current order.
    pub cycles: Vec<Vec<String>>,
    /// Items that match the filter but are done or closed, left where they are.
    pub skipped_closed: usize,
    /// `(item, dependency)`: a selected item that ends up above an open item it depends
    /// on, which the filter left out (so it was not moved).
    pub outside_dependencies: Vec<(String, String)>,
    /// The files to write and the commit (empty when the order is already right).
    pub outcome: Outcome,
}

impl Reorder {
    /// The moves, in target order.
    pub fn moves(&self) -> impl Iterator<Item = &Move> {
        self.order.iter().filter_map(|p| p.moved.as_ref())
    }
}

/// Finds the entry an ID or unique ID prefix names (case-insensitive).
pub fn resolve(entries: &[Entry], query: &str) -> Result<usize, OpError> {
    resolve_in(entries, query)
}

fn resolve_in<T: Slot>(entries: &[T], query: &str) -> Result<usize, OpError> {
    let index = IdIndex::new(entries.iter().map(Slot::slot_id));
    match index.resolve(query) {
        // A duplicate ID (reported by `check`): the first in backlog order.
        Resolved::One(i) => Ok(i),
        Resolved::Duplicate(all) => Ok(all[0]),
        Resolved::Ambiguous(many) => Err(index.ambiguous(query, &many).into()),
        Resolved::Unknown => Err(index.unknown(query, true).into()),
    }
}

fn valid_rank<T: Slot>(entry: &T) -> Option<&str> {
    entry
        .slot_rank()
        .filter(|r| crate::rank::validate(r).is_ok())
}

fn invalid_key<T: Slot>(entry: &T) -> OpError {
    OpError::Rank(format!(
        "{}:{}: rank key {:?} of {} is not a valid key; run `backlog rank --rebalance` to \
         respread the keys",
        entry.slot_path(),
        entry.slot_rank_line(),
        crate::text::sanitize(entry.slot_rank().unwrap_or_default()),
        entry.slot_id()
    ))
}

/// Picks new keys for the `moved` entries so that sorting by key gives `order` (indices
/// into `entries`; entries not moved must appear in their current relative order). Each
/// run of moved items gets keys between the unmoved neighbours around it.
pub(crate) fn assign_keys<T: Slot>(
    entries: &[T],
    order: &[usize],
    moved: &[bool],
) -> Result<Vec<(usize, String)>, OpError> {
    let mut keys = Vec::new();
    let mut i = 0;
    while i < order.len() {
        if !moved[order[i]] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < order.len() && moved[order[j]] {
            j += 1;
        }
        let lower = match i.checked_sub(1).map(|p| &entries[order[p]]) {
            None => None,
            Some(e) => match (e.slot_rank(), valid_rank(e)) {
                (_, Some(key)) => Some(key),
                (None, _) => {
                    return Err(OpError::Rank(format!(
                        "cannot rank items below {}, which has no rank key yet",
                        e.slot_id()
                    )));
                }
                (Some(_), None) => return Err(invalid_key(e)),
            },
        };
        let upper = match order.get(j).map(|&n| &entries[n]) {
            None => None,
            Some(e) => match (e.slot_rank(), valid_rank(e)) {
                (_, Some(key)) => Some(key),
                (None, _) => None,
                (Some(_), None) => return Err(invalid_key(e)),
            },
        };
        if let (Some(lo), Some(hi)) = (lower, upper)
            && lo >= hi
        {
            let (a, b) = (entries[order[i - 1]].slot_id(), entries[order[j]].slot_id());
            return Err(OpError::Rank(format!(
                "{a} and {b} have the same rank key {lo:?}, so nothing fits between them; \
                     run `backlog rank --rebalance` to respread the keys"
            )));
        }
        let new = crate::rank::n_keys_between(lower, upper, j - i)
            .map_err(|e| OpError::Rank(format!("cannot compute a rank key: {e}")))?;
        keys.extend(order[i..j].iter().copied().zip(new));
        i = j;
    }
    Ok(keys)
}

/// Writes the new keys into the documents; returns the changed entries and the moves.
fn apply_keys(
    entries: &[Entry],
    keys: Vec<(usize, String)>,
) -> Result<(Vec<Entry>, Vec<Move>), OpError> {
    let mut changed = Vec::with_capacity(keys.len());
    let mut moves = Vec::with_capacity(keys.len());
    for (i, key) in keys {
        let mut entry = entries[i].clone();
        if !entry.doc.set("rank", &FieldValue::Str(key.clone())) {
            continue;
        }
        moves.push(Move {
            id: entry.item.id.clone(),
            from: entry.item.rank.clone(),
            to: key,
        });
        changed.push(refresh(entry)?);
    }
    Ok((changed, moves))
}

fn move_line(m: &Move) -> String {
    format!(
        "{}: {} -> {}",
        m.id,
        m.from.as_deref().unwrap_or("unranked"),
        m.to
    )
}

/// `A, B, C and 4 more`.
fn id_list(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    if ids.len() <= SHOWN {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..SHOWN].join(", "), ids.len() - SHOWN)
    }
}

fn change_for(summary: String, changed: &[Entry], moves: &[Move], extra: Vec<String>) -> Change {
    if changed.is_empty() {
        return Change::default();
    }
    let mut body: Vec<String> = moves.iter().map(move_line).collect();
    body.extend(extra);
    Change {
        op: "rank".to_owned(),
        summary,
        body,
        items: moves.iter().map(|m| m.id.clone()).collect(),
        writes: changed
            .iter()
            .map(|e| (e.path.clone(), e.doc.as_str().to_owned()))
            .collect(),
        removes: Vec::new(),
    }
}

/// A planned move: the item, the new keys (none when it is already in place), and the
/// place in words (`before B-12`).
struct MovePlan {
    item: usize,
    keys: Vec<(usize, String)>,
    place: String,
}

fn plan_move<T: Slot>(slots: &[T], query: &str, position: &Position) -> Result<MovePlan, OpError> {
    let x = resolve_in(slots, query)?;
    let anchor = match position {
        Position::Before(a) | Position::After(a) => Some(resolve_in(slots, a)?),
        Position::Top | Position::Bottom => None,
    };
    if anchor == Some(x) {
        return Err(OpError::Refused(format!(
            "cannot rank {} relative to itself",
            slots[x].slot_id()
        )));
    }
    let place = match (position, anchor) {
        (Position::Before(_), Some(a)) => format!("before {}", slots[a].slot_id()),
        (Position::After(_), Some(a)) => format!("after {}", slots[a].slot_id()),
        (Position::Top, _) => "to the top".to_owned(),
        _ => "to the bottom".to_owned(),
    };
    let n = slots.len();
    let mut moved = vec![false; n];
    moved[x] = true;
    let mut order: Vec<usize> = (0..n).filter(|&i| i != x).collect();
    // Ranked items sort before unranked ones; this is where the ranked part ends.
    let ranked_end = |order: &[usize]| {
        order
            .iter()
            .position(|&i| slots[i].slot_rank().is_none())
            .unwrap_or(order.len())
    };
    let mut insert = vec![x];
    let at = match (position, anchor) {
        (Position::Top, _) => 0,
        (Position::Before(_), Some(a)) if slots[a].slot_rank().is_some() => {
            order.iter().position(|&i| i == a).unwrap_or(0)
        }
        (Position::After(_), Some(a)) if slots[a].slot_rank().is_some() => {
            order.iter().position(|&i| i == a).unwrap_or(0) + 1
        }
        (Position::After(_), Some(a)) => {
            // The anchor has no key: it gets one first, so something can follow it.
            moved[a] = true;
            order.retain(|&i| i != a);
            insert = vec![a, x];
            ranked_end(&order)
        }
        // --bottom, or --before an unranked item: below every ranked item.
        _ => ranked_end(&order),
    };
    order.splice(at..at, insert);
    let already = order.iter().enumerate().all(|(p, &i)| p == i)
        && (0..n).all(|i| !moved[i] || slots[i].slot_rank().is_some());
    let keys = if already {
        Vec::new()
    } else {
        assign_keys(slots, &order, &moved)?
    };
    Ok(MovePlan {
        item: x,
        keys,
        place,
    })
}

/// Moves one item before or after another, or to the top or bottom. Only the moved item's
/// `rank` line changes (plus the anchor's, when `--after` names an unranked item: it is
/// ranked first, so something can follow it).
///
/// The whole-backlog form of [`rank_move_indexed`], kept as the tests' oracle for it.
#[cfg(test)]
fn rank_move(loaded: &Loaded, query: &str, position: &Position) -> Result<Outcome, OpError> {
    let entries = &loaded.entries;
    let plan = plan_move(entries, query, position)?;
    if plan.keys.is_empty() {
        return Ok(Outcome {
            change: Change::default(),
            items: vec![entries[plan.item].clone()],
        });
    }
    let (changed, moves) = apply_keys(entries, plan.keys)?;
    let summary = format!("rank {}: {}", entries[plan.item].item.id, plan.place);
    Ok(Outcome {
        change: change_for(summary, &changed, &moves, Vec::new()),
        items: changed,
    })
}

/// The result of [`rank_move_indexed`]: the change, and where the item went in words.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// What to write and commit (empty when the item is already there).
    pub outcome: Outcome,
    /// Where the item went, for people: `before B-2`, `to the top`, ….
    pub place: String,
}

/// [`rank_move`] on a [`RankIndex`]: only the files that get a new key are parsed.
pub fn rank_move_indexed(
    store: &Store,
    index: &RankIndex,
    query: &str,
    position: &Position,
) -> Result<Ranked, OpError> {
    let plan = plan_move(&index.slots, query, position)?;
    if plan.keys.is_empty() {
        return Ok(Ranked {
            outcome: Outcome {
                change: Change::default(),
                items: vec![load_slot(store, &index.slots[plan.item])?],
            },
            place: plan.place,
        });
    }
    let (changed, moves) = apply_indexed(store, index, plan.keys)?;
    let summary = format!("rank {}: {}", index.slots[plan.item].id, plan.place);
    Ok(Ranked {
        outcome: Outcome {
            change: change_for(summary, &changed, &moves, Vec::new()),
            items: changed,
        },
        place: plan.place,
    })
}

/// Loads the full entry of an indexed item, checking it still matches the index.
fn load_slot(store: &Store, slot: &RankSlot) -> Result<Entry, OpError> {
    let entry = store
        .load_file(&store.absolute(&slot.path))
        .map_err(|e| OpError::Store(StoreError::Load(e)))?;
    if entry.item.rank != slot.rank || !entry.item.id.eq_ignore_ascii_case(&slot.id) {
        return Err(OpError::NotInPlace(format!(
            "{} changed while it was being read; run the command again",
            slot.path
        )));
    }
    Ok(entry)
}

/// [`apply_keys`] for indexed items: parses only the files that get a new key.
fn apply_indexed(
    store: &Store,
    index: &RankIndex,
    keys: Vec<(usize, String)>,
) -> Result<(Vec<Entry>, Vec<Move>), OpError> {
    use rayon::prelude::*;
    let changing: Vec<(usize, String)> = keys
        .into_iter()
        .filter(|(i, key)| index.slots[*i].rank.as_deref() != Some(key.as_str()))
        .collect();
    let entries = changing
        .par_iter()
        .map(|(i, _)| load_slot(store, &index.slots[*i]))
        .collect::<Result<Vec<Entry>, OpError>>()?;
    let keys = changing
        .into_iter()
        .enumerate()
        .map(|(n, (_, key))| (n, key))
        .collect();
    apply_keys(&entries, keys)
}

/// [`rebalance`] on a [`RankIndex`]: only the files whose key changes are parsed.
pub fn rebalance_indexed(store: &Store, index: &RankIndex) -> Result<Outcome, OpError> {
    let keys = respread(index.slots.iter().map(|s| s.rank.is_some()))?;
    let total = keys.len();
    let (changed, moves) = apply_indexed(store, index, keys)?;
    Ok(rebalanced(changed, &moves, total))
}

/// Fresh, evenly spread keys for the ranked positions (in order) of a backlog.
fn respread(ranked: impl Iterator<Item = bool>) -> Result<Vec<(usize, String)>, OpError> {
    let ranked: Vec<usize> = ranked
        .enumerate()
        .filter_map(|(i, r)| r.then_some(i))
        .collect();
    let fresh = crate::rank::n_keys_between(None, None, ranked.len())
        .map_err(|e| OpError::Rank(format!("cannot compute rank keys: {e}")))?;
    Ok(ranked.into_iter().zip(fresh).collect())
}

/// The outcome of a rebalance that rewrote `changed` out of `total` ranked items.
fn rebalanced(changed: Vec<Entry>, moves: &[Move], total: usize) -> Outcome {
    let summary = format!(
        "rank --rebalance: respread {} of {} keys",
        moves.len(),
        total
    );
    Outcome {
        change: change_for(summary, &changed, moves, Vec::new()),
        items: changed,
    }
}

/// One item as the rank index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankSlot {
    /// Path relative to the workspace root.
    pub path: String,
    /// The item's ID.
    pub id: String,
    /// Its rank key.
    pub rank: Option<String>,
    /// Its creation date (orders unranked items).
    pub created: Option<String>,
    /// 1-based line of the `rank` key.
    pub rank_line: usize,
}

impl Slot for RankSlot {
    fn slot_id(&self) -> &str {
        &self.id
    }
    fn slot_rank(&self) -> Option<&str> {
        self.rank.as_deref()
    }
    fn slot_path(&self) -> &str {
        &self.path
    }
    fn slot_rank_line(&self) -> usize {
        self.rank_line
    }
}

/// The backlog order read cheaply: the `id`, `rank` and `created` lines of every item, in
/// backlog order. Files whose lines are not plain `key: value` fall back to a full parse;
/// files that do not load are in `errors`, as with [`Store::load_all`].
#[derive(Debug, Default)]
pub struct RankIndex {
    /// Items in backlog order.
    pub slots: Vec<RankSlot>,
    /// Files that did not load.
    pub errors: Vec<LoadError>,
}

/// Builds the [`RankIndex`] of the backlog (in parallel).
pub fn rank_index(store: &Store) -> RankIndex {
    use rayon::prelude::*;
    let (files, mut errors) = store.item_files();
    let results: Vec<Result<RankSlot, LoadError>> =
        files.par_iter().map(|p| index_file(store, p)).collect();
    let mut slots = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(slot) => slots.push(slot),
            Err(e) => errors.push(e),
        }
    }
    // The same order as `store::order_key`.
    fn key(s: &RankSlot) -> (bool, &str, &str, &str) {
        crate::store::order_key_of(s.rank.as_deref(), s.created.as_deref(), &s.id)
    }
    slots.sort_by(|a, b| key(a).cmp(&key(b)));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    RankIndex { slots, errors }
}

fn index_file(store: &Store, path: &std::path::Path) -> Result<RankSlot, LoadError> {
    let quick = read_front(path).and_then(|front| scan_front(&front, 2));
    if let Some((id, rank, created, rank_line)) = quick {
        return Ok(RankSlot {
            path: store.relative(path),
            id,
            rank,
            created,
            rank_line,
        });
    }
    let entry = store.load_file(path)?;
    Ok(RankSlot {
        rank_line: entry.slot_rank_line(),
        path: entry.path,
        id: entry.item.id,
        rank: entry.item.rank,
        created: entry.item.created,
    })
}

/// The front matter of a file, read from its first few kilobytes: the text between an
/// opening `---` on the first line and the closing fence. `None` when the file does not
/// start that way, the front matter is longer, or it is not plain UTF-8 text (the caller
/// then does a full, checked load).
fn read_front(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    const HEAD: usize = 8 * 1024;
    let mut buf = Vec::with_capacity(HEAD);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD as u64)
        .read_to_end(&mut buf)
        .ok()?;
    if buf.contains(&0) {
        return None;
    }
    let text = match std::str::from_utf8(&buf) {
        Ok(t) => t,
        // A multi-byte character cut at the end of the buffer.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&buf[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if !line.ends_with('\n') {
            return None;
        }
        let bare = line
            .trim_end_matches(['\n', '\r'])
            .trim_end_matches([' ', '\t']);
        if bare == "---" || bare == "..." {
            return Some(rest[..at].to_owned());
        }
        at += line.len();
    }
    None
}

/// Reads `id`, `rank` and `created` from front-matter text (whose first line is file line
/// `first_line`) when every line involved is plain; `None` when unsure (the caller then
/// parses the YAML).
fn scan_front(
    front: &str,
    first_line: usize,
) -> Option<(String, Option<String>, Option<String>, usize)> {
    let lines: Vec<&str> = front
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let (mut id, mut rank, mut created) = (None, None, None);
    let mut rank_line = first_line;
    for (n, line) in lines.iter().enumerate() {
        match line.as_bytes().first() {
            None | Some(b' ' | b'\t' | b'#' | b'-') => continue,
            Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => {}
            Some(_) => return None,
        }
        let (key, rest) = line.split_once(':')?;
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        let slot = match key {
            "id" => &mut id,
            "rank" => {
                rank_line = first_line + n;
                &mut rank
            }
            "created" => &mut created,
            _ => continue,
        };
        if slot.is_some() {
            return None;
        }
        let value = plain_value(rest, key == "created")?;
        let continued = lines
            .get(n + 1)
            .is_some_and(|next| next.starts_with([' ', '\t']));
        if continued {
            return None;
        }
        *slot = Some(value);
    }
    Some((id??, rank.flatten(), created.flatten(), rank_line))
}

/// A scalar written plainly or in simple quotes: `Some(None)` for null, `None` when unsure.
fn plain_value(rest: &str, date: bool) -> Option<Option<String>> {
    let mut v = rest.trim();
    if let Some(i) = v.find([' ', '\t']).filter(|_| v.contains('#')) {
        let (head, tail) = v.split_at(i);
        if tail.trim_start().starts_with('#') {
            v = head;
        } else {
            return None;
        }
    }
    if v.is_empty() || v == "~" || v.eq_ignore_ascii_case("null") {
        return Some(None);
    }
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return (!inner.contains([q, '\\']) && !inner.chars().any(char::is_control))
                .then(|| Some(inner.to_owned()));
        }
    }
    let simple = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let first = v.chars().next()?;
    let is_date = date
        && v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let word = matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    (simple && ((first.is_ascii_alphabetic() && !word) || is_date)).then(|| Some(v.to_owned()))
}

/// Respreads the keys of every ranked item evenly (`a0`, `a1`, … in the current order),
/// shortening keys that grew long and separating equal ones. Only files whose key changes
/// are written; unranked items stay unranked.
///
/// The whole-backlog form of [`rebalance_indexed`], kept as the tests' oracle for it.
#[cfg(test)]
fn rebalance(loaded: &Loaded) -> Result<Outcome, OpError> {
    let keys = respread(loaded.entries.iter().map(|e| e.item.rank.is_some()))?;
    let total = keys.len();
    let (changed, moves) = apply_keys(&loaded.entries, keys)?;
    Ok(rebalanced(changed, &moves, total))
}

/// Selected items ranked above an open dependency outside the selection, given the final
/// order (indices into `entries`).
fn outside_dependencies(
    entries: &[Entry],
    order: &[usize],
    subset: &[usize],
    config: &Config,
) -> Vec<(String, String)> {
    let mut position = vec![0; entries.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let mut selected = vec![false; entries.len()];
    for &i in subset {
        selected[i] = true;
    }
    let index: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (crate::id::key(&e.item.id), i))
        .collect();
    let mut found = Vec::new();
    for &s in subset {
        for dep in &entries[s].item.depends_on {
            let Some(&d) = index.get(&crate::id::key(dep)) else {
                continue;
            };
            let open = config.is_open(&entries[d].item);
            if open && !selected[d] && position[d] > position[s] {
                found.push((entries[s].item.id.clone(), entries[d].item.id.clone()));
            }
        }
    }
    found
}

/// Longest strictly increasing subsequence of `values`; returns the positions in
/// `values` that belong to it.
fn longest_increasing(values: &[usize]) -> Vec<usize> {
    // tails[k]: position of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for (p, &v) in values.iter().enumerate() {
        let k = tails.partition_point(|&t| values[t] < v);
        previous[p] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(p);
        } else {
            tails[k] = p;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cursor = tails.last().copied();
    while let Some(p) = cursor {
        out.push(p);
        cursor = previous[p];
    }
    out.reverse();
    out
}

/// Reorders the open items that pass `filter` by `model`, dependency-aware (see
/// [`target_order`]), rewriting as few files as possible: the longest run of items already
/// in the right relative order keeps its keys, and only the others get new keys between
/// their new neighbours. Items outside the selection, and done or closed items, keep
/// their keys.
pub fn rank_by(
    loaded: &Loaded,
    config: &Config,
    model: Model,
    filter: &Filter,
) -> Result<Reorder, OpError> {
    let entries = &loaded.entries;
    let n = entries.len();
    let mut skipped_closed = 0;
    let subset: Vec<usize> = (0..n)
        .filter(|&i| {
            let item = &entries[i].item;
            if !filter.matches(item, config) {
                return false;
            }
            let closed = config.is_closed_status(config.status(item));
            skipped_closed += usize::from(closed);
            !closed
        })
        .collect();
    let items: Vec<&Item> = subset.iter().map(|&i| &entries[i].item).collect();
    let plan = target_order(&items, model);
    let target: Vec<usize> = plan.order.iter().map(|r| subset[r.index]).collect();

    // Unranked items at the end of the target order, in their current order, stay unranked.
    let mut suffix = target.len();
    while suffix > 0 {
        let g = target[suffix - 1];
        let in_order = target.get(suffix).is_none_or(|&next| g < next);
        if entries[g].item.rank.is_none() && in_order {
            suffix -= 1;
        } else {
            break;
        }
    }
    // Among the rest, keep the longest run already in the right relative order.
    let candidates: Vec<usize> = target[..suffix]
        .iter()
        .copied()
        .filter(|&g| valid_rank(&entries[g]).is_some())
        .collect();
    let mut kept = vec![false; n];
    for p in longest_increasing(&candidates) {
        kept[candidates[p]] = true;
    }
    for &g in &target[suffix..] {
        kept[g] = true;
    }
    let mut moved = vec![false; n];
    for &g in &subset {
        moved[g] = !kept[g];
    }

    // Where each moved item goes: right after the kept item above it in the target order,
    // or, above the first kept item, right before that one.
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut head = Vec::new();
    let mut previous_kept: Option<usize> = None;
    let mut first_kept: Option<usize> = None;
    for &g in &target[..suffix] {
        if kept[g] {
            previous_kept = Some(g);
            first_kept.get_or_insert(g);
        } else {
            match previous_kept {
                Some(p) => after[p].push(g),
                None => head.push(g),
            }
        }
    }
    let unmoved: Vec<usize> = (0..n).filter(|&i| !moved[i]).collect();
    let head_before = first_kept.or_else(|| {
        unmoved
            .iter()
            .copied()
            .find(|&i| entries[i].item.rank.is_none())
    });
    let mut order = Vec::with_capacity(n);
    for &u in &unmoved {
        if Some(u) == head_before {
            order.append(&mut head);
        }
        order.push(u);
        order.append(&mut after[u]);
    }
    order.append(&mut head);

    let keys = assign_keys(entries, &order, &moved)?;
    let (changed, moves) = apply_keys(entries, keys)?;
    let outside_dependencies = outside_dependencies(entries, &order, &subset, config);
    let id = |i: usize| entries[subset[i]].item.id.clone();
    let cycles: Vec<Vec<String>> = plan
        .cycles
        .iter()
        .map(|c| c.iter().map(|&i| id(i)).collect())
        .collect();
    let by_id: HashMap<&str, usize> = moves
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let order: Vec<Placed> = plan
        .order
        .iter()
        .map(|r| {
            let item = &entries[subset[r.index]].item;
            Placed {
                id: item.id.clone(),
                title: item.title.clone(),
                score: r.score,
                priority: r.priority,
                inherited_from: r.inherited_from.map(id),
                missing: r.missing.clone(),
                moved: by_id.get(item.id.as_str()).map(|&m| moves[m].clone()),
            }
        })
        .collect();
    let moved_ids: Vec<String> = order
        .iter()
        .filter_map(|p| p.moved.as_ref().map(|m| m.id.clone()))
        .collect();
    let summary = format!(
        "rank {}: order by {} ({} of {} items moved)",
        id_list(&moved_ids),
        model.name(),
        moves.len(),
        subset.len()
    );
    let extra = cycles
        .iter()
        .map(|c| {
            format!(
                "Dependency cycle kept in its current order: {}",
                c.join(" -> ")
            )
        })
        .collect();
    // Commit body and trailers list the moves in target order.
    let mut ordered_moves: Vec<Move> = Vec::with_capacity(moves.len());
    for p in &order {
        if let Some(m) = &p.moved {
            ordered_moves.push(m.clone());
        }
    }
    Ok(Reorder {
        model,
        order,
        cycles,
        skipped_closed,
        outside_dependencies,
        outcome: Outcome {
            change: change_for(summary, &changed, &ordered_moves, extra),
            items: changed,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(id: &str, extra: &str) -> Entry {
        let text = format!("---\nid: {id}\ntitle: {id}\n{extra}---\nBody.\n");
        Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
    }

    fn loaded(mut entries: Vec<Entry>) -> Loaded {
        crate::store::sort_entries(&mut entries);
        Loaded {
            entries,
            errors: Vec::new(),
        }
    }

    /// The backlog after applying an outcome, as IDs in order.
    fn after(l: &Loaded, outcome: &Outcome) -> Vec<String> {
        let mut entries: Vec<Entry> = l
            .entries
            .iter()
            .map(|e| {
                outcome
                    .items
                    .iter()
                    .find(|c| c.item.id == e.item.id)
                    .unwrap_or(e)
                    .clone()
            })
            .collect();
        crate::store::sort_entries(&mut entries);
        entries.into_iter().map(|e| e.item.id).collect()
    }

    fn backlog(n: usize) -> Loaded {
        let keys = crate::rank::n_keys_between(None, None, n).unwrap();
        loaded(
            keys.iter()
                .enumerate()
                .map(|(i, k)| entry(&format!("I{i}"), &format!("rank: {k}\n")))
                .collect(),
        )
    }

    #[test]
    fn test_move_positions() {
        let l = backlog(4);
        let o = rank_move(&l, "I3", &Position::Before("I1".into())).unwrap();
        assert_eq!(after(&l, &o), ["I0", "I3", "I1", "I2"]);
        assert_eq!(o.change.writes.len(), 1);
        let o = rank_move(&l, "I0", &Position::After("I2".into())).unwrap();
        assert_eq!(after(&l, &o), ["I1", "I2", "I0", "I3"]);
        let o = rank_move(&l, "i2", &Position::Top).unwrap();
        assert_eq!(after(&l, &o), ["I2", "I0", "I1", "I3"]);
        let o = rank_move(&l, "I1", &Position::Bottom).unwrap();
        assert_eq!(after(&l, &o), ["I0", "I2", "I3", "I1"]);
        let o = rank_move(&l, "I1", &Position::After("I0".into())).unwrap();
        assert!(o.change.is_empty());
        assert!(rank_move(&l, "I1", &Position::After("I1".into())).is_err());
        assert!(rank_move(&l, "I9", &Position::Top).is_err());
        assert!(matches!(
            rank_move(&l, "I", &Position::Top),
            Err(OpError::Store(StoreError::Ambiguous { .. }))
        ));
    }

    #[test]
    fn test_move_unranked() {
        let l = loaded(vec![
            entry("R", "rank: a0\n"),
            entry("U1", "created: 2026-01-01\n"),
            entry("U2", "created: 2026-01-02\n"),
        ]);
        let o = rank_move(&l, "U2", &Position::Bottom).unwrap();
        assert_eq!(after(&l, &o), ["R", "U2", "U1"]);
        let o = rank_move(&l, "U1", &Position::Bottom).unwrap();
        assert_eq!(o.change.writes.len(), 1, "an unranked item gets a key");
        let o = rank_move(&l, "R", &Position::After("U2".into())).unwrap();
        assert_eq!(after(&l, &o), ["U2", "R", "U1"]);
        assert_eq!(o.change.items, ["U2", "R"]);
        let o = rank_move(&l, "U2", &Position::Before("R".into())).unwrap();
        assert_eq!(after(&l, &o), ["U2", "R", "U1"]);
    }

    #[test]
    fn test_collision_and_invalid_keys_are_explained() {
        let l = loaded(vec![
            entry("A", "rank: a0\n"),
            entry("B", "rank: a0\n"),
            entry("C", "rank: a1\n"),
        ]);
        let err = rank_move(&l, "C", &Position::Before("B".into())).unwrap_err();
        assert!(err.to_string().contains("--rebalance"), "{err}");
        let o = rebalance(&l).unwrap();
        assert_eq!(o.change.items, ["B", "C"]);
        let l = loaded(vec![entry("A", "rank: \"a!\"\n"), entry("B", "rank: b\n")]);
        let err = rank_move(&l, "B", &Position::Top).unwrap_err();
        assert!(err.to_string().contains("backlog/A.md:4:"), "{err}");
    }

    #[test]
    fn test_rebalance_touches_only_changed_keys() {
        let l = loaded(vec![
            entry("A", "rank: a0\n"),
            entry("B", "rank: a0V\n"),
            entry("C", "rank: a2\n"),
            entry("D", "created: 2026-01-01\n"),
        ]);
        let o = rebalance(&l).unwrap();
        assert_eq!(o.change.items, ["B"]);
        assert_eq!(after(&l, &o), ["A", "B", "C", "D"]);
        assert!(o.items[0].doc.as_str().contains("rank: a1\n"));
    }

    #[test]
    fn test_longest_increasing() {
        assert_eq!(longest_increasing(&[3, 1, 2, 5, 4, 6]), [1, 2, 4, 5]);
        assert!(longest_increasing(&[]).is_empty());
    }

    #[test]
    fn test_rank_by_example_and_idempotence() {
        let l = loaded(vec![
            entry("A", "rank: a0\nvalue: 8\nestimate: 2\n"),
            entry("B", "rank: a1\nvalue: 3\nestimate: 3\n"),
            entry("C", "rank: a2\nvalue: 13\nestimate: 1\ndepends_on: [B]\n"),
            entry("D", "rank: a3\nvalue: 6\nestimate: 3\n"),
            entry("X", "rank: a4\nstatus: done\nvalue: 100\nestimate: 1\n"),
        ]);
        let config = Config::default();
        let r = rank_by(&l, &config, Model::Wsjf, &Filter::default()).unwrap();
        let ids: Vec<&str> = r.order.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["B", "C", "A", "D"]);
        assert_eq!(after(&l, &r.outcome), ["B", "C", "A", "D", "X"]);
        assert_eq!(r.outcome.change.items, ["A"]);
        assert_eq!(r.skipped_closed, 1);
        let l2 = loaded(
            l.entries
                .iter()
                .map(|e| {
                    r.outcome
                        .items
                        .iter()
                        .find(|c| c.item.id == e.item.id)
                        .unwrap_or(e)
                        .clone()
                })
                .collect(),
        );
        let again = rank_by(&l2, &config, Model::Wsjf, &Filter::default()).unwrap();
        assert!(again.outcome.change.is_empty());
    }

    #[test]
    fn test_rank_by_filter_leaves_others_alone() {
        let l = loaded(vec![
            entry("A", "rank: a0\nstatus: ready\nvalue: 1\nestimate: 1\n"),
            entry("O", "rank: a1\nvalue: 50\nestimate: 1\n"),
            entry("B", "rank: a2\nstatus: ready\nvalue: 5\nestimate: 1\n"),
            entry(
                "U",
                "status: ready\nvalue: 9\nestimate: 1\ncreated: 2026-01-01\n",
            ),
        ]);
        let filter = Filter {
            status: vec!["ready".into()],
            ..Filter::default()
        };
        let r = rank_by(&l, &Config::default(), Model::ValueEffort, &filter).unwrap();
        assert_eq!(after(&l, &r.outcome), ["U", "B", "A", "O"]);
        assert_eq!(r.outcome.change.writes.len(), 2);
        assert!(!r.outcome.change.items.contains(&"O".to_owned()));
        assert!(r.outside_dependencies.is_empty());
        let l = loaded(vec![
            entry("O", "rank: a0\nvalue: 1\nestimate: 1\n"),
            entry("P", "rank: a1\nstatus: draft\n"),
            entry(
                "A",
                "rank: a2\nstatus: ready\nvalue: 9\nestimate: 1\ndepends_on: [P]\n",
            ),
        ]);
        let r = rank_by(&l, &Config::default(), Model::Wsjf, &filter).unwrap();
        assert!(r.outcome.change.is_empty());
        assert!(r.outside_dependencies.is_empty());
        let l = loaded(vec![
            entry(
                "A",
                "rank: a0\nstatus: ready\nvalue: 9\nestimate: 1\ndepends_on: [P]\n",
            ),
            entry("P", "rank: a1\nstatus: draft\n"),
        ]);
        let r = rank_by(&l, &Config::default(), Model::Wsjf, &filter).unwrap();
        assert_eq!(r.outside_dependencies, [("A".to_owned(), "P".to_owned())]);
    }

    #[test]
    fn test_rank_index_matches_full_load() {
        let dir = tempfile::tempdir().unwrap();
        let backlog = dir.path().join("backlog");
        std::fs::create_dir_all(&backlog).unwrap();
        let files = [
            "---\nid: P-1\ntitle: Plain\nrank: a1\ncreated: 2026-01-02\n---\n",
            "---\r\nid: P-2\r\nrank: \"a0V\"  # quoted, commented\r\n---\r\n",
            "\u{feff}---\nid: 'P-3'\ntitle: BOM\nlabels:\n- a\n- b\nrank: a2 # c\n---\n",
            "---\nid: P-4\nrank:\n  a3\n---\n",
            "---\nid: P-5\ntitle: unranked\ncreated: 2026-01-01\n---\n",
            "---\nid: P-6\nrank: ~\ncreated: 2025-12-31\n---\n",
            "---\nid: P-7\nrank: [a, b]\n---\n",
            "---\nid: P-8\nrank: a0\nrank: a9\n---\n",
            "---\ntitle: no id\n---\n",
            "---\nid: P-9\n\"rank\": a00V\n---\n",
            "---\nid: P-10\nrank: true\n---\n",
        ];
        for (i, text) in files.iter().enumerate() {
            std::fs::write(backlog.join(format!("f{i}.md")), text).unwrap();
        }
        let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
        let full = store.load_all();
        let index = rank_index(&store);
        let full_view: Vec<(String, Option<String>, String)> = full
            .entries
            .iter()
            .map(|e| (e.item.id.clone(), e.item.rank.clone(), e.path.clone()))
            .collect();
        let index_view: Vec<(String, Option<String>, String)> = index
            .slots
            .iter()
            .map(|s| (s.id.clone(), s.rank.clone(), s.path.clone()))
            .collect();
        assert_eq!(index_view, full_view);
        let error_paths = |errors: &[LoadError]| -> Vec<String> {
            errors.iter().map(|e| e.path.clone()).collect()
        };
        assert_eq!(error_paths(&index.errors), error_paths(&full.errors));
        assert_eq!(
            read_front(&backlog.join("f0.md")).as_deref(),
            Some("id: P-1\ntitle: Plain\nrank: a1\ncreated: 2026-01-02\n")
        );
        assert!(read_front(&backlog.join("f1.md")).is_some());
        assert!(
            read_front(&backlog.join("f2.md")).is_none(),
            "BOM: full load"
        );
        let p2 = index.slots.iter().find(|s| s.id == "P-2").unwrap();
        assert_eq!(p2.rank_line, 3);

        let r = rank_move_indexed(&store, &index, "P-5", &Position::Top).unwrap();
        assert_eq!(r.outcome.change.writes.len(), 1);
        assert_eq!(r.outcome.change.items, ["P-5"]);
        assert_eq!(r.outcome.change.summary, format!("rank P-5: {}", r.place));
        let top = index.slots[0].id.clone();
        let r = rank_move_indexed(&store, &index, &top, &Position::Top).unwrap();
        assert!(r.outcome.change.is_empty());
        assert!(!r.place.is_empty());
        let o = rebalance_indexed(&store, &index).unwrap();
        let full_o = rebalance(&full).unwrap();
        assert_eq!(o.change, full_o.change);
        assert!(!o.change.is_empty());

        let plain = "id: P-1\ntitle: x\nlabels:\n- a\nrank: a0 # c\ncreated: 2026-01-01\n";
        assert_eq!(
            scan_front(plain, 2),
            Some((
                "P-1".into(),
                Some("a0".into()),
                Some("2026-01-01".into()),
                6
            ))
        );
        assert_eq!(scan_front("id: P-1\nrank:\n  a0\n", 2), None);
        assert_eq!(scan_front("id: P-1\nrank: 0x1F\n", 2), None);
        assert_eq!(scan_front("id: P-1\nrank: \"a\\\"\"\n", 2), None);
        assert_eq!(scan_front("title: t\n", 2), None);
    }

    proptest! {
        #[test]
        fn prop_rank_by_reaches_target_and_keeps_others(
            specs in proptest::collection::vec((0u32..6, 0u32..4, proptest::bool::ANY, 0u8..4), 1..25)
        ) {
            let keys = crate::rank::n_keys_between(None, None, specs.len()).unwrap();
            let entries: Vec<Entry> = specs.iter().enumerate().map(|(i, (v, e, ready, r))| {
                let rank = if *r == 0 { String::new() } else { format!("rank: {}\n", keys[i]) };
                let value = if *v == 0 { String::new() } else { format!("value: {v}\n") };
                let status = if *ready { "status: ready\n" } else { "" };
                entry(&format!("I{i:02}"), &format!("{rank}{value}estimate: {e}\n{status}created: 2026-01-{:02}\n", i + 1))
            }).collect();
            let l = loaded(entries);
            let filter = Filter { status: vec!["ready".into()], ..Filter::default() };
            let r = rank_by(&l, &Config::default(), Model::ValueEffort, &filter).unwrap();
            let result = after(&l, &r.outcome);
            let selected: Vec<&String> = result.iter().filter(|id| r.order.iter().any(|p| &p.id == *id)).collect();
            let wanted: Vec<&String> = r.order.iter().map(|p| &p.id).collect();
            prop_assert_eq!(selected, wanted);
            let others: Vec<&String> = result.iter().filter(|id| !r.order.iter().any(|p| &p.id == *id)).collect();
            let before: Vec<&String> = l.entries.iter().map(|e| &e.item.id).filter(|id| !r.order.iter().any(|p| &p.id == *id)).collect();
            prop_assert_eq!(others, before);
            for c in &r.outcome.items {
                prop_assert!(r.order.iter().any(|p| p.id == c.item.id));
            }
        }
    }
}
