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
    /// Whether the item passes the filter. Statuses, labels, owners and types compare
    /// case-insensitively (`--status READY`, `--owner Dana`, `--label AUTH`), as IDs do.
    pub fn matches(&self, item: &Item, config: &Config) -> bool {
        (self.status.is_empty()
            || self
                .status
                .iter()
                .any(|s| same_word(s, config.status(item))))
            && (self.label.is_empty()
                || self
                    .label
                    .iter()
                    .any(|l| item.labels.iter().any(|x| same_word(x, l))))
            && self
                .owner
                .as_ref()
                .is_none_or(|o| item.owner.as_deref().is_some_and(|x| same_word(x, o)))
            && self
                .kind
                .as_ref()
                .is_none_or(|k| item.kind.as_deref().is_some_and(|x| same_word(x, k)))
    }

    /// Whether the item passes the filter, the `--where` conditions included (they may
    /// read keys that only the file has).
    pub fn matches_entry(&self, entry: &crate::store::Entry, config: &Config) -> bool {
        self.matches(&entry.item, config)
            && crate::analysis::filter::Where::all(&self.wheres, entry, config)
    }

    /// Refuses a status or type that `config` does not know, listing the known ones: a
    /// typo (`--status nonsense`) would otherwise match nothing and look like an empty
    /// backlog. Labels and owners are free text and are not checked.
    pub fn validate(&self, config: &Config) -> Result<(), OpError> {
        for s in &self.status {
            let known = config.is_known_status(s)
                || config.statuses.iter().any(|k| same_word(k, s))
                || crate::config::CLOSED_STATUSES
                    .iter()
                    .any(|k| same_word(k, s));
            if !known {
                let mut all: Vec<&str> = config.statuses.iter().map(String::as_str).collect();
                all.extend(
                    crate::config::CLOSED_STATUSES
                        .iter()
                        .filter(|c| !config.statuses.iter().any(|k| k == *c)),
                );
                return Err(OpError::BadArgument(format!(
                    "unknown status {s:?} in --status; known: {}",
                    all.join(", ")
                )));
            }
        }
        if let Some(k) = &self.kind
            && !config.types.iter().any(|t| same_word(t, k))
        {
            return Err(OpError::BadArgument(format!(
                "unknown type {k:?} in --type; known: {}",
                config.types.join(", ")
            )));
        }
        Ok(())
    }
}

/// Equal ignoring case (Unicode lowercase, so `Über` matches `über`).
fn same_word(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
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

/// A rank move on a [`RankIndex`]: only the files that get a new key are parsed.
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

/// A rebalance on a [`RankIndex`]: only the files whose key changes are parsed.
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
mod by;
mod index;

pub use by::rank_by;
pub use index::{RankIndex, RankSlot, rank_index};

#[cfg(test)]
mod tests;
