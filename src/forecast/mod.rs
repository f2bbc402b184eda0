//! `forecast`: when will it be done, with what confidence — a Monte Carlo simulation over
//! the team's own velocity.
//!
//! The method, in the order the code follows it:
//!
//! 1. **Throughput samples** ([`history`]): the points done in each finished sprint, as
//!    `velocity` counts them (estimates of done items with that `sprint` value). Only
//!    sprints that have ended count (the current one is still running); a calendar sprint
//!    between two recorded ones without any done item is a sample of 0 points (the team
//!    finished nothing then). The last `--last N` (default 8) are used. With fewer than
//!    [`MIN_HISTORY`] the forecast refuses to guess, unless `--velocity P` (every sprint
//!    does P points) or `--range MIN..MAX` (each whole number of points in the range is
//!    equally likely) stands in.
//! 2. **The queue** ([`queue`]): the open items in the order `plan` works them (items in
//!    progress first, then rank order), each with the size `plan` gives it: its estimate,
//!    or the backlog's median estimate when it has none ([`crate::analysis::planning::assumed_size`];
//!    such items are counted and reported as uncertainty). An open item with open children
//!    is not in the queue itself: its children are its work.
//! 3. **Trials** ([`simulate`]): each trial draws one sample per sprint, with replacement,
//!    starting with the current sprint (less the points already done in it), and adds them
//!    up. An item is done in the sprint in which the running total first covers its size
//!    plus everything queued before it (work carries over between sprints, as it does for
//!    a team that finishes an item early in the next sprint).
//! 4. **Percentiles**: for each item, the first sprint by which it is done in 50%, 85% and
//!    95% of the trials. Because every trial's running total only grows, this is computed
//!    per sprint from the order statistics of the running totals
//!    ([`Simulation::reach`]), not per item: the cost is trials × sprints, whatever the
//!    number of items, and the forecasts are monotone in rank and in confidence by
//!    construction.
//!
//! The simulation is a pure function of its inputs (samples, sizes, trials, seed), so it is
//! tested without git; [`forecast`] feeds it from a loaded backlog and the sprint calendar.

pub mod burnup;
mod rng;
mod simulate;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

pub use rng::{Rng, SplitMix64};
pub use simulate::{SimInput, Simulation, simulate};

use crate::analysis::planning::{assumed_size, is_in_progress, is_open, velocity};
use crate::config::Config;
use crate::config::sprints::{Calendar, Sprint};
use crate::store::{Entry, Loaded, StoreError};

/// The confidence levels reported, in percent.
pub const LEVELS: [u32; 3] = [50, 85, 95];
/// Index of the 85% level in [`LEVELS`] (the one `--by` uses).
pub const LEVEL_85: usize = 1;
/// Trials when `--trials` is not given.
pub const DEFAULT_TRIALS: u32 = 10_000;
/// The most trials accepted.
pub const MAX_TRIALS: u32 = 1_000_000;
/// The seed when `--seed` is not given: a fixed one, so that the same backlog gives the
/// same forecast (a change in the forecast then always means a change in the backlog).
pub const DEFAULT_SEED: u64 = 1;
/// Finished sprints used when `--last` is not given.
pub const DEFAULT_LAST: usize = 8;
/// Fewer finished sprints than this is too little history to forecast from.
pub const MIN_HISTORY: usize = 3;
/// The simulation gives up after this many sprints (an item not reached by then is
/// reported as "not within 1000 sprints").
pub const MAX_SPRINTS: u32 = 1_000;
/// The widest `--range` accepted (number of distinct samples).
pub const MAX_RANGE_SPAN: u32 = 100_000;

// ---------------------------------------------------------------------------------------
// Throughput samples

/// One finished sprint's throughput.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleSprint {
    /// The sprint name.
    pub name: String,
    /// Points done in it.
    pub points: u32,
    /// Done items recorded in it (0 for a calendar sprint in which nothing was finished).
    pub items: usize,
}

/// The finished sprints' throughput, oldest first, at most `last` of them (see the module
/// docs): velocity's sprints that have ended before the sprint containing `today`, plus
/// the calendar sprints between them without any done item (0 points). Sprint names that
/// are not on the calendar count as finished and as older than the calendar's sprints.
pub fn history(loaded: &Loaded, config: &Config, today: i64, last: usize) -> Vec<SampleSprint> {
    let v = velocity(loaded, config, None);
    let cal = config.sprints.calendar();
    let current = cal.containing(today).index;
    let names = calendar_names(&cal, current);
    let mut rows: Vec<(Option<i64>, SampleSprint)> = Vec::new();
    for s in &v.sprints {
        let index = names.get(s.name.as_str()).copied();
        if index.is_some_and(|i| i >= current) {
            continue;
        }
        rows.push((
            index,
            SampleSprint {
                name: s.name.clone(),
                points: s.points,
                items: s.items.len(),
            },
        ));
    }
    let known: HashSet<i64> = rows.iter().filter_map(|(i, _)| *i).collect();
    if let (Some(&lo), Some(&hi)) = (known.iter().min(), known.iter().max()) {
        for i in lo..hi {
            if !known.contains(&i) {
                let name = cal.sprint(i).name;
                rows.push((
                    Some(i),
                    SampleSprint {
                        name,
                        points: 0,
                        items: 0,
                    },
                ));
            }
        }
    }
    // Stable: off-calendar names keep velocity's order, before the calendar's sprints.
    rows.sort_by_key(|(i, _)| (i.is_some(), i.unwrap_or(0)));
    let keep = last.min(rows.len());
    rows.split_off(rows.len() - keep)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// Sprint names of the calendar around `current` (about 45 years back at two weeks a
/// sprint, and a little ahead), to tell finished sprints from running ones by name.
fn calendar_names(cal: &Calendar, current: i64) -> HashMap<String, i64> {
    (current - 1200..=current + 60)
        .map(|i| (cal.sprint(i).name, i))
        .collect()
}

/// Where the throughput samples come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Throughput {
    /// The team's finished sprints (`--last N` of them).
    History {
        /// How many finished sprints to use.
        last: usize,
    },
    /// `--velocity P`: every sprint does P points.
    Fixed(u32),
    /// `--range MIN..MAX`: each whole number of points in the range, equally likely.
    Range(u32, u32),
}

/// The samples a forecast drew from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Samples {
    /// `history`, `velocity` or `range`.
    pub source: &'static str,
    /// The finished sprints used (history only).
    pub sprints: Vec<SampleSprint>,
    /// Finished sprints available in the history (also for `velocity` and `range`).
    pub history_sprints: usize,
    /// Mean points per sprint.
    pub mean: f64,
    /// Fewest points per sprint.
    pub min: u32,
    /// Most points per sprint.
    pub max: u32,
    /// The values drawn from.
    #[serde(skip)]
    pub values: Vec<u32>,
}

// ---------------------------------------------------------------------------------------
// The queue

/// The queue of open work: entry indices in the order they are worked, their sizes, and
/// which of them are unestimated.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// Indices into `loaded.entries`.
    pub entries: Vec<usize>,
    /// Size of each.
    pub sizes: Vec<u32>,
    /// Whether each has no estimate (its size is `assumed_size`).
    pub unestimated: Vec<bool>,
    /// The size given to unestimated items.
    pub assumed_size: u32,
}

/// The open items in the order `plan` works them: in progress first, then the others, each
/// group in backlog order; items with open children are left out (their children are the
/// work). Sizes as `plan` counts them.
pub fn queue(loaded: &Loaded, config: &Config) -> Queue {
    let assumed = assumed_size(loaded, config);
    let parents = open_parents(loaded, config);
    let open = |e: &Entry| is_open(e, config) && !parents.contains(&e.item.id.to_uppercase());
    let mut entries: Vec<usize> = Vec::new();
    for pass in [true, false] {
        for (i, e) in loaded.entries.iter().enumerate() {
            if open(e) && is_in_progress(e, config) == pass {
                entries.push(i);
            }
        }
    }
    let sizes = entries
        .iter()
        .map(|&i| loaded.entries[i].item.estimate.unwrap_or(assumed))
        .collect();
    let unestimated = entries
        .iter()
        .map(|&i| loaded.entries[i].item.estimate.is_none())
        .collect();
    Queue {
        entries,
        sizes,
        unestimated,
        assumed_size: assumed,
    }
}

/// Upper-cased IDs of the items that have at least one open child.
fn open_parents(loaded: &Loaded, config: &Config) -> HashSet<String> {
    loaded
        .entries
        .iter()
        .filter(|e| is_open(e, config))
        .filter_map(|e| e.item.parent.as_deref())
        .map(|p| p.trim().to_uppercase())
        .collect()
}

/// Entry indices of the open descendants of entry `root` (children, their children…).
fn open_descendants(loaded: &Loaded, config: &Config, root: usize) -> Vec<usize> {
    let mut children: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in loaded.entries.iter().enumerate() {
        if let Some(p) = e.item.parent.as_deref() {
            children.entry(p.trim().to_uppercase()).or_default().push(i);
        }
    }
    let mut seen: HashSet<usize> = HashSet::from([root]);
    let mut stack = vec![root];
    let mut out = Vec::new();
    while let Some(i) = stack.pop() {
        let id = loaded.entries[i].item.id.to_uppercase();
        for &c in children.get(&id).map(Vec::as_slice).unwrap_or(&[]) {
            if seen.insert(c) {
                if is_open(&loaded.entries[c], config) {
                    out.push(c);
                }
                stack.push(c);
            }
        }
    }
    out.sort_unstable();
    out
}

// ---------------------------------------------------------------------------------------
// The forecast of a backlog

/// What [`forecast`] is asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Items to forecast (IDs or unique prefixes); empty: the open items in the horizon.
    pub ids: Vec<String>,
    /// `--by`: a date (days since 1970-01-01).
    pub by: Option<i64>,
    /// Trials.
    pub trials: u32,
    /// Seed.
    pub seed: u64,
    /// Where the samples come from.
    pub throughput: Throughput,
    /// Today (days since 1970-01-01).
    pub today: i64,
    /// Sprints of the horizon (which items to show when no ID is given).
    pub horizon: u32,
}

/// Why there is no forecast.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    /// Fewer than [`MIN_HISTORY`] finished sprints.
    #[error(
        "too little history to forecast from: {found} finished sprint{} with done items{}; \
         at least {MIN_HISTORY} are needed",
        if *.found == 1 { "" } else { "s" },
        if .sprints.is_empty() { String::new() } else { format!(" ({})", .sprints.join(", ")) }
    )]
    TooLittleHistory {
        /// Finished sprints found.
        found: usize,
        /// Their names.
        sprints: Vec<String>,
    },
    /// Every sample is 0 points: nothing would ever be done.
    #[error("every throughput sample is 0 points: at that velocity nothing is ever done")]
    ZeroVelocity,
    /// A bad option value.
    #[error("{0}")]
    Invalid(String),
    /// An ID that does not name an item.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sprint a forecast points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SprintAt {
    /// 1 is the current sprint, 2 the next one…
    pub number: u32,
    /// Its name.
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`: the date by which the item is done.
    pub end: String,
}

impl SprintAt {
    fn of(sprint: &Sprint, number: u32) -> Self {
        Self {
            number,
            name: sprint.name.clone(),
            start: sprint.start_date(),
            end: sprint.end_date(),
        }
    }
}

/// What a forecast row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An open item in the queue.
    Item,
    /// An item with open children: done when the last of them is.
    Parent,
    /// Already done.
    Done,
    /// Closed without being done (split or merged) and no open children.
    Closed,
}

/// The forecast of one item (or parent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemForecast {
    /// ID.
    pub id: String,
    /// Title (unsanitized).
    pub title: String,
    /// What it is.
    pub kind: Kind,
    /// Its size (a parent: the sum of its open descendants' sizes).
    pub points: u64,
    /// Position in the queue (1-based; a parent: its last open descendant's).
    pub position: Option<usize>,
    /// Points queued before it and including it (what must be done first).
    pub points_through: u64,
    /// Unestimated items counted at the assumed size, among it and the items queued
    /// before it: the forecast's uncertainty beyond velocity.
    pub unestimated_through: usize,
    /// The open descendants of a parent, in queue order.
    pub children: Vec<String>,
    /// Done by the end of this sprint in 50% of the trials (`None`: not within the
    /// simulated sprints, or not open).
    pub p50: Option<SprintAt>,
    /// … in 85% of the trials.
    pub p85: Option<SprintAt>,
    /// … in 95% of the trials.
    pub p95: Option<SprintAt>,
}

/// A queued item done by the `--by` date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByItem {
    /// ID.
    pub id: String,
    /// Title (unsanitized).
    pub title: String,
    /// Size.
    pub points: u32,
    /// Whether it is unestimated (size assumed).
    pub unestimated: bool,
}

/// The `--by DATE` answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByDate {
    /// The date asked, `YYYY-MM-DD`.
    pub date: String,
    /// The last sprint that ends on or before it (`None`: the current sprint ends later).
    pub sprint: Option<SprintAt>,
    /// The confidence, in percent (85).
    pub percent: u32,
    /// Queued items done by then in that share of the trials.
    pub count: usize,
    /// Their points.
    pub points: u64,
    /// Open items in the queue.
    pub of: usize,
    /// The items, in queue order.
    pub items: Vec<ByItem>,
}

/// A forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// Trials run.
    pub trials: u32,
    /// The seed.
    pub seed: u64,
    /// The samples drawn from.
    pub throughput: Samples,
    /// Sprint 1: the sprint containing today.
    pub current_sprint: SprintAt,
    /// Points already done in the current sprint (taken off its first draw).
    pub done_this_sprint: u32,
    /// Open items in the queue.
    pub open_items: usize,
    /// Their points.
    pub open_points: u64,
    /// Size given to unestimated items.
    pub assumed_size: u32,
    /// Unestimated open items in the queue.
    pub unestimated: usize,
    /// Sprints simulated.
    pub sprints_simulated: u32,
    /// The horizon (sprints) that chose the items when no ID was given.
    pub horizon: Option<u32>,
    /// The forecasts, in the order asked (queue order when no ID was given).
    pub items: Vec<ItemForecast>,
    /// The `--by` answer.
    pub by: Option<ByDate>,
}

/// The throughput samples for `throughput`, checked.
pub fn samples(
    loaded: &Loaded,
    config: &Config,
    today: i64,
    throughput: &Throughput,
) -> Result<Samples, ForecastError> {
    let last = match throughput {
        Throughput::History { last } => *last,
        _ => DEFAULT_LAST,
    };
    if last < MIN_HISTORY {
        return Err(ForecastError::Invalid(format!(
            "--last must be at least {MIN_HISTORY}: fewer sprints is too little history to \
             forecast from"
        )));
    }
    let sprints = history(loaded, config, today, last);
    let history_sprints = sprints.len();
    let (source, sprints, values) = match *throughput {
        Throughput::History { .. } => {
            if sprints.len() < MIN_HISTORY {
                return Err(ForecastError::TooLittleHistory {
                    found: sprints.len(),
                    sprints: sprints.into_iter().map(|s| s.name).collect(),
                });
            }
            let values = sprints.iter().map(|s| s.points).collect();
            ("history", sprints, values)
        }
        Throughput::Fixed(p) => ("velocity", Vec::new(), vec![p]),
        Throughput::Range(lo, hi) => {
            if lo > hi {
                return Err(ForecastError::Invalid(format!(
                    "--range {lo}..{hi}: the minimum is larger than the maximum"
                )));
            }
            if hi - lo >= MAX_RANGE_SPAN {
                return Err(ForecastError::Invalid(format!(
                    "--range {lo}..{hi} is too wide (at most {MAX_RANGE_SPAN} values)"
                )));
            }
            ("range", Vec::new(), (lo..=hi).collect())
        }
    };
    if values.iter().all(|&v| v == 0) {
        return Err(ForecastError::ZeroVelocity);
    }
    let sum: u64 = values.iter().map(|&v| u64::from(v)).sum();
    Ok(Samples {
        source,
        sprints,
        history_sprints,
        mean: sum as f64 / values.len() as f64,
        min: values.iter().copied().min().unwrap_or(0),
        max: values.iter().copied().max().unwrap_or(0),
        values,
    })
}

/// Forecasts the backlog (see the module docs).
pub fn forecast(
    loaded: &Loaded,
    config: &Config,
    opts: &Options,
) -> Result<Forecast, ForecastError> {
    if opts.trials == 0 || opts.trials > MAX_TRIALS {
        return Err(ForecastError::Invalid(format!(
            "--trials must be between 1 and {MAX_TRIALS}, found {}",
            opts.trials
        )));
    }
    if opts.horizon == 0 || opts.horizon > 100 {
        return Err(ForecastError::Invalid(format!(
            "--sprints must be between 1 and 100, found {}",
            opts.horizon
        )));
    }
    // Resolve the IDs first: a typo is reported before anything else.
    let mut targets: Vec<usize> = Vec::new();
    for q in &opts.ids {
        let e = loaded.resolve(q)?;
        let i = loaded
            .entries
            .iter()
            .position(|x| std::ptr::eq(x, e))
            .unwrap_or(0);
        if !targets.contains(&i) {
            targets.push(i);
        }
    }
    let throughput = samples(loaded, config, opts.today, &opts.throughput)?;
    let cal = config.sprints.calendar();
    let current = cal.containing(opts.today);
    let done_this_sprint = velocity(loaded, config, None)
        .sprints
        .iter()
        .find(|s| s.name == current.name)
        .map_or(0, |s| s.points);
    let q = queue(loaded, config);
    let by_sprints = opts.by.map(|day| sprints_ending_by(&cal, &current, day));
    let sim = simulate(&SimInput {
        samples: &throughput.values,
        sizes: &q.sizes,
        trials: opts.trials,
        seed: opts.seed,
        first_sprint_used: done_this_sprint,
        min_sprints: by_sprints.unwrap_or(0).min(MAX_SPRINTS),
        max_sprints: MAX_SPRINTS,
    });
    let position: HashMap<usize, usize> =
        q.entries.iter().enumerate().map(|(p, &i)| (i, p)).collect();
    let mut unestimated_through = Vec::with_capacity(q.entries.len());
    let mut n = 0;
    for &u in &q.unestimated {
        n += usize::from(u);
        unestimated_through.push(n);
    }
    let at = |level: usize, pos: usize| -> Option<SprintAt> {
        sim.done_sprint(level, pos)
            .map(|s| SprintAt::of(&cal.sprint(current.index + i64::from(s) - 1), s))
    };
    let row = |entry: usize| -> ItemForecast {
        let e = &loaded.entries[entry];
        let mut f = ItemForecast {
            id: e.item.id.clone(),
            title: e.item.title.clone(),
            kind: Kind::Item,
            points: u64::from(e.item.estimate.unwrap_or(q.assumed_size)),
            position: None,
            points_through: 0,
            unestimated_through: 0,
            children: Vec::new(),
            p50: None,
            p85: None,
            p95: None,
        };
        let last = if let Some(&p) = position.get(&entry) {
            Some(p)
        } else {
            let kids: Vec<usize> = open_descendants(loaded, config, entry)
                .into_iter()
                .filter_map(|c| position.get(&c).copied())
                .collect();
            let mut kids = kids;
            kids.sort_unstable();
            if kids.is_empty() {
                f.kind = if config.is_done_status(config.status(&e.item)) {
                    Kind::Done
                } else {
                    Kind::Closed
                };
                f.points = u64::from(e.item.estimate.unwrap_or(0));
                None
            } else {
                f.kind = Kind::Parent;
                f.points = kids.iter().map(|&p| u64::from(q.sizes[p])).sum();
                f.children = kids
                    .iter()
                    .map(|&p| loaded.entries[q.entries[p]].item.id.clone())
                    .collect();
                kids.last().copied()
            }
        };
        if let Some(p) = last {
            f.position = Some(p + 1);
            f.points_through = sim.prefix[p];
            f.unestimated_through = unestimated_through[p];
            f.p50 = at(0, p);
            f.p85 = at(1, p);
            f.p95 = at(2, p);
        }
        f
    };
    let horizon = (targets.is_empty() && opts.by.is_none()).then_some(opts.horizon);
    let items: Vec<ItemForecast> = match horizon {
        Some(h) => {
            let budget = throughput.mean * f64::from(h);
            (0..q.entries.len())
                .take_while(|&p| {
                    let before = sim.prefix[p] - u64::from(q.sizes[p]);
                    (before as f64) < budget
                })
                .map(|p| row(q.entries[p]))
                .collect()
        }
        None => targets.iter().map(|&i| row(i)).collect(),
    };
    let by = opts.by.map(|day| {
        let k = by_sprints.unwrap_or(0);
        let count = sim.done_by(LEVEL_85, k);
        let items: Vec<ByItem> = q.entries[..count]
            .iter()
            .zip(&q.sizes)
            .zip(&q.unestimated)
            .map(|((&i, &points), &unestimated)| ByItem {
                id: loaded.entries[i].item.id.clone(),
                title: loaded.entries[i].item.title.clone(),
                points,
                unestimated,
            })
            .collect();
        ByDate {
            date: crate::config::sprints::format_days(day),
            sprint: (k > 0).then(|| SprintAt::of(&cal.sprint(current.index + i64::from(k) - 1), k)),
            percent: LEVELS[LEVEL_85],
            count,
            points: if count == 0 { 0 } else { sim.prefix[count - 1] },
            of: q.entries.len(),
            items,
        }
    });
    Ok(Forecast {
        trials: opts.trials,
        seed: opts.seed,
        current_sprint: SprintAt::of(&current, 1),
        done_this_sprint,
        open_items: q.entries.len(),
        open_points: sim.prefix.last().copied().unwrap_or(0),
        assumed_size: q.assumed_size,
        unestimated: q.unestimated.iter().filter(|&&u| u).count(),
        sprints_simulated: sim.sprints(),
        horizon,
        items,
        by,
        throughput,
    })
}

/// How many sprints, counting the current one as 1, end on or before `day`.
pub fn sprints_ending_by(cal: &Calendar, current: &Sprint, day: i64) -> u32 {
    if day < current.end {
        return 0;
    }
    let last = cal.containing(day);
    let last = if last.end == day {
        last.index
    } else {
        last.index - 1
    };
    u32::try_from(last - current.index + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
