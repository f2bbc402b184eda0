//! `health`: is the backlog DEEP (Detailed appropriately, Estimated, Emergent,
//! Prioritized)? Each figure is a number plus the items that pull it down.
//!
//! - **Detailed**: share of the open items inside the horizon (see
//!   [`crate::planning::horizon`]) that have a story and acceptance criteria. A "story" is
//!   the body's opening paragraph; for the types the `story_form` rule covers it must be in
//!   the user-story form.
//! - **Estimated**: share of estimated items inside the horizon, and over all open items.
//! - **Emergent**: share of open items touched within `sprints.stale_days`. An item's last
//!   touch is the later of its file's last commit (one walk over the history, see
//!   [`last_commit_times`]) and its `updated` (else `created`) field. Items with neither are
//!   listed as undated and not counted as stale.
//! - **Prioritized**: share of open items with a rank; items sharing a rank key with
//!   another open item (collisions); open items ranked above an open item they depend on.
//! - **Clutter**: drafts (status = `default_status`) created (else last touched) more than
//!   `stale_days` ago, and suspected duplicates: groups of open items that `backlog dupes`
//!   pairs at its default threshold.
//!
//! - **WIP**: statuses (or owners in them) over their `wip:` limit, counted and listed
//!   but not part of the score (a flow problem, not a backlog one).
//!
//! Score, 0–100: `100 × (D + E + M + P) / 4 − 25 × C`, rounded and clamped, where
//! D = detailed share, E = mean of the two estimated shares, M = emergent share,
//! P = ranked share − (items colliding or ranked above a dependency) / open items
//! (at least 0), and C = (old drafts + extra copies of duplicates) / open items. A share
//! over zero items counts as 1.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::config::Config;
use crate::dupes::{DupeInput, DupeOptions};
pub use crate::git::last_commits::{
    LastCommits, PAST_THE_LINE, last_commit_times, last_commits_since,
};
use crate::item::Body;
use crate::model::OrderKey;
use crate::planning::{horizon, is_open};
use crate::store::{Entry, Loaded};

/// A share of items meeting a criterion, with the items that do not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// Items meeting it.
    pub count: usize,
    /// Items considered.
    pub total: usize,
    /// `count / total`, 1 when `total` is 0.
    pub share: f64,
    /// IDs of the items that do not meet it, in rank order.
    pub missing: Vec<String>,
}

impl Share {
    fn of<'a>(items: impl Iterator<Item = (&'a Entry, bool)>) -> Self {
        let mut count = 0;
        let mut total = 0;
        let mut missing = Vec::new();
        for (e, ok) in items {
            total += 1;
            if ok {
                count += 1;
            } else {
                missing.push(e.item.id.clone());
            }
        }
        Self {
            count,
            total,
            share: ratio(count, total),
            missing,
        }
    }
}

fn ratio(count: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        count as f64 / total as f64
    }
}

/// An item not touched for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stale {
    /// ID.
    pub id: String,
    /// Last touch, `YYYY-MM-DD`.
    pub last_touched: String,
    /// Days since.
    pub days: i64,
    /// `false` when the history walk stopped before reaching the item's last commit
    /// (older than `stale_days`): `last_touched` is then the day before the stale line,
    /// and the item may have been last touched earlier, never later.
    pub exact: bool,
}

/// The Emergent figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Emergent {
    /// Share of open items touched within `stale_days` (undated items count as fresh).
    pub fresh: Share,
    /// The threshold.
    pub stale_days: u32,
    /// Stale items, oldest first.
    pub stale: Vec<Stale>,
    /// Open items with no commit and no `updated`/`created` date.
    pub undated: Vec<String>,
}

/// An item ranked above one of its open dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AboveDependency {
    /// The item.
    pub id: String,
    /// The dependency ranked below it.
    pub depends_on: String,
}

/// The Prioritized figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prioritized {
    /// Share of open items with a rank.
    pub ranked: Share,
    /// Groups of open items sharing one rank key.
    pub collisions: Vec<Vec<String>>,
    /// Open items ranked above an open dependency.
    pub above_dependencies: Vec<AboveDependency>,
}

/// Clutter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clutter {
    /// Drafts older than `stale_days`.
    pub old_drafts: Vec<String>,
    /// Groups of open items that `backlog dupes` pairs (suspected duplicates).
    pub duplicates: Vec<Vec<String>>,
}

/// The score and its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// D.
    pub detailed: f64,
    /// E.
    pub estimated: f64,
    /// M.
    pub emergent: f64,
    /// P.
    pub prioritized: f64,
    /// C.
    pub clutter: f64,
    /// The overall score, 0–100.
    pub total: u32,
}

/// The horizon the figures use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonInfo {
    /// Points per sprint, when known.
    pub capacity: Option<u32>,
    /// Sprints.
    pub sprints: u32,
    /// Open items inside (all open items when the capacity is unknown).
    pub items: usize,
}

/// The DEEP report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// Open items.
    pub open_items: usize,
    /// The horizon.
    pub horizon: HorizonInfo,
    /// Inside the horizon: story and criteria.
    pub detailed: Share,
    /// Inside the horizon: estimated.
    pub estimated_horizon: Share,
    /// All open items: estimated.
    pub estimated_overall: Share,
    /// Freshness.
    pub emergent: Emergent,
    /// Ranking.
    pub prioritized: Prioritized,
    /// Clutter.
    pub clutter: Clutter,
    /// Statuses (or owners in them) over their `wip:` limit; counted, not scored.
    pub wip_breaches: Vec<crate::analysis::wip::Breach>,
    /// The score.
    pub score: Score,
}

/// What [`health`] needs besides the items.
#[derive(Debug, Clone, Default)]
pub struct HealthOptions {
    /// Points per sprint for the horizon; `None` puts every open item inside.
    pub capacity: Option<u32>,
    /// Today, as days since 1970-01-01.
    pub today: i64,
    /// Last commit time (Unix seconds) per item path, from [`last_commit_times`].
    pub committed: HashMap<String, i64>,
    /// Paths whose last commit is known to be older than a time (Unix seconds) without
    /// being dated: the walk of [`last_commits_since`] stopped there.
    pub committed_before: Option<(i64, HashSet<String>)>,
}

/// Suspected duplicates among `open` items: the pairs `backlog dupes` reports (TF-IDF
/// cosine over title, story and criteria, at its default threshold), joined into groups
/// of IDs in backlog order, groups sorted.
fn duplicate_groups(open: &[&Entry]) -> Vec<Vec<String>> {
    let inputs: Vec<DupeInput> = open.iter().map(|e| DupeInput::from_entry(e)).collect();
    let report = crate::dupes::find(&inputs, &DupeOptions::default());
    let index: HashMap<&str, usize> = inputs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    // Union-find over item positions.
    let mut parent: Vec<usize> = (0..inputs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for pair in &report.pairs {
        if let (Some(&a), Some(&b)) = (index.get(pair.a.as_str()), index.get(pair.b.as_str())) {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(input.id.clone());
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
}

/// Computes the DEEP figures (see the module docs).
pub fn health(loaded: &Loaded, config: &Config, opts: &HealthOptions) -> Health {
    let open: Vec<&Entry> = loaded
        .entries
        .iter()
        .filter(|e| is_open(e, config))
        .collect();
    let sprints = config.sprints.horizon;
    let in_horizon: Vec<&Entry> = match opts.capacity {
        Some(c) => horizon(loaded, config, c, sprints)
            .members
            .iter()
            .map(|&i| &loaded.entries[i])
            .collect(),
        None => open.clone(),
    };
    let sf = &config.rules.story_form;
    let detailed = Share::of(in_horizon.iter().map(|e| {
        let body = Body::parse(e.doc.body(), e.doc.body_line());
        let kind = e.item.kind.as_deref().unwrap_or(&config.default_type);
        let story = if sf.enabled && sf.types.iter().any(|t| t == kind) {
            body.has_story_form()
        } else {
            body.story.is_some()
        };
        (*e, story && !body.criteria.is_empty())
    }));
    let estimated_horizon = Share::of(in_horizon.iter().map(|e| (*e, e.item.estimate.is_some())));
    let estimated_overall = Share::of(open.iter().map(|e| (*e, e.item.estimate.is_some())));

    // Emergent.
    let stale_days = config.sprints.stale_days;
    // The last touch, and whether it is exact (not just an upper bound).
    let touched_bound = |e: &Entry| -> Option<(i64, bool)> {
        let committed = opts.committed.get(&e.path).map(|s| s.div_euclid(86_400));
        let bound = match (committed, &opts.committed_before) {
            (None, Some((before, paths))) if paths.contains(&e.path) => {
                Some((before - 1).div_euclid(86_400))
            }
            _ => None,
        };
        let field = e
            .item
            .updated
            .as_deref()
            .or(e.item.created.as_deref())
            .and_then(item_date);
        match (bound, field) {
            (Some(b), Some(f)) if f >= b => Some((f, true)),
            (Some(b), _) => Some((b, false)),
            (None, _) => committed.max(field).map(|d| (d, true)),
        }
    };
    let touched = |e: &Entry| touched_bound(e).map(|(d, _)| d);
    let mut stale = Vec::new();
    let mut undated = Vec::new();
    let mut stale_ids = HashSet::new();
    for e in &open {
        match touched_bound(e) {
            Some((day, exact)) if opts.today - day > i64::from(stale_days) => {
                stale_ids.insert(e.item.id.clone());
                stale.push(Stale {
                    id: e.item.id.clone(),
                    last_touched: crate::sprint::format_days(day),
                    days: opts.today - day,
                    exact,
                });
            }
            Some(_) => {}
            None => undated.push(e.item.id.clone()),
        }
    }
    stale.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.id.cmp(&b.id)));
    let fresh = Share::of(open.iter().map(|e| (*e, !stale_ids.contains(&e.item.id))));

    // Prioritized.
    let ranked = Share::of(open.iter().map(|e| (*e, e.item.rank.is_some())));
    let mut by_rank: HashMap<&str, Vec<String>> = HashMap::new();
    for e in &open {
        if let Some(r) = e.item.rank.as_deref() {
            by_rank.entry(r).or_default().push(e.item.id.clone());
        }
    }
    let mut collisions: Vec<Vec<String>> = by_rank.into_values().filter(|v| v.len() > 1).collect();
    collisions.sort();
    let by_id: HashMap<String, &Entry> = open
        .iter()
        .map(|e| (crate::id::key(&e.item.id), *e))
        .collect();
    let mut above_dependencies = Vec::new();
    for e in &open {
        for dep in &e.item.depends_on {
            if let Some(d) = by_id.get(&crate::id::key(dep))
                && d.item.id != e.item.id
                && OrderKey::of_item_ref(&d.item) > OrderKey::of_item_ref(&e.item)
            {
                above_dependencies.push(AboveDependency {
                    id: e.item.id.clone(),
                    depends_on: d.item.id.clone(),
                });
            }
        }
    }
    let disordered: HashSet<&str> = collisions
        .iter()
        .flatten()
        .map(String::as_str)
        .chain(above_dependencies.iter().map(|a| a.id.as_str()))
        .collect();

    // Clutter.
    let old_drafts: Vec<String> = open
        .iter()
        .filter(|e| config.status(&e.item) == config.default_status)
        .filter(|e| {
            let born = e
                .item
                .created
                .as_deref()
                .and_then(item_date)
                .or_else(|| touched(e));
            born.is_some_and(|d| opts.today - d > i64::from(stale_days))
        })
        .map(|e| e.item.id.clone())
        .collect();
    let duplicates = duplicate_groups(&open);

    let n = open.len();
    let d = detailed.share;
    let est = (estimated_horizon.share + estimated_overall.share) / 2.0;
    let m = fresh.share;
    let p = (ranked.share - ratio_raw(disordered.len(), n)).max(0.0);
    let extra_copies: usize = duplicates.iter().map(|g| g.len() - 1).sum();
    let c = ratio_raw(old_drafts.len() + extra_copies, n);
    let total = (100.0 * (d + est + m + p) / 4.0 - 25.0 * c)
        .round()
        .clamp(0.0, 100.0) as u32;

    Health {
        open_items: n,
        horizon: HorizonInfo {
            capacity: opts.capacity,
            sprints,
            items: in_horizon.len(),
        },
        detailed,
        estimated_horizon,
        estimated_overall,
        emergent: Emergent {
            fresh,
            stale_days,
            stale,
            undated,
        },
        prioritized: Prioritized {
            ranked,
            collisions,
            above_dependencies,
        },
        clutter: Clutter {
            old_drafts,
            duplicates,
        },
        wip_breaches: crate::analysis::wip::breaches(
            loaded.entries.iter().map(|e| &e.item),
            config,
        ),
        score: Score {
            detailed: d,
            estimated: est,
            emergent: m,
            prioritized: p,
            clutter: c,
            total,
        },
    }
}

/// A `YYYY-MM-DD` date (optionally followed by a time) from an item field, as days since
/// the epoch; anything else (including years beyond four digits) is no date.
pub fn item_date(text: &str) -> Option<i64> {
    crate::text::date::parse_field(text)
        .ok()
        .map(crate::text::date::to_days)
}

/// `count / total`, 0 when `total` is 0.
fn ratio_raw(count: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

#[cfg(test)]
mod tests;
