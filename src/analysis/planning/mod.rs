//! Sprint readiness: `velocity`, `plan` and `agenda`.
//!
//! Shared conventions:
//!
//! - **Open** items are those whose status is not done or closed (`split`, `duplicate`).
//! - **In progress** items are open items whose status comes after every ready status in
//!   the configured `statuses` (by default `in-progress`). They are already being worked
//!   on: they consume the capacity of the first sprint and are never planned again.
//! - **Size**: an item's estimate; an unestimated item counts as the [`assumed_size`]
//!   (the lower median of the backlog's estimates, or of the scale when nothing is
//!   estimated yet).
//! - **Horizon** ([`horizon`]): walking the open items in rank order and adding up their
//!   sizes, an item is inside the horizon of N sprints when the points ranked above it are
//!   less than N × capacity. That is the work the next N sprints will reach for.
//! - **Ready** means the definition of ready ([`crate::check::ready_findings_with`])
//!   reports no error for the item, whatever its status (warnings do not block, as in
//!   `check`).

use std::collections::HashMap;

use serde::Serialize;

use crate::check::{Finding, Lookup, Rule, Severity, Subject, ready_findings_with};
use crate::config::Config;
use crate::item::Body;
use crate::sprint::{Capacity, Sprint, natural_cmp};
use crate::store::{Entry, Loaded};

/// How many past sprints `capacity: auto` averages.
pub const AUTO_SPRINTS: usize = 3;

/// Whether the item is open (not done, split or merged).
pub fn is_open(entry: &Entry, config: &Config) -> bool {
    config.is_open(&entry.item)
}

/// Whether an open item is in progress ([`Config::is_in_progress`]).
pub fn is_in_progress(entry: &Entry, config: &Config) -> bool {
    config.is_in_progress(&entry.item)
}

/// The size that stands in for a missing estimate: the lower median of every estimate in
/// the backlog, or of the estimate scale when no item is estimated.
pub fn assumed_size(loaded: &Loaded, config: &Config) -> u32 {
    let mut points: Vec<u32> = loaded
        .entries
        .iter()
        .filter_map(|e| e.item.estimate)
        .collect();
    if points.is_empty() {
        points = config.estimate_scale.clone();
    }
    points.sort_unstable();
    points
        .get((points.len().max(1) - 1) / 2)
        .copied()
        .unwrap_or(0)
}

/// An item's size for capacity: its estimate, or `assumed`.
fn size(entry: &Entry, assumed: u32) -> u32 {
    entry.item.estimate.unwrap_or(assumed)
}

mod agenda;
mod velocity;

pub use agenda::*;
pub use velocity::*;

// ---------------------------------------------------------------------------------------
// Capacity and horizon

/// Where the capacity came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum CapacitySource {
    /// Given on the command line.
    Option,
    /// `sprints.capacity: POINTS` in config.yml.
    Config,
    /// `sprints.capacity: auto`: the average of these sprints.
    Auto {
        /// The sprints averaged.
        sprints: Vec<String>,
    },
}

/// Points per sprint, and where the number came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedCapacity {
    /// Points per sprint.
    pub points: u32,
    /// Its source.
    pub source: CapacitySource,
}

/// Why planning could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// `capacity: auto` without any completed sprint.
    #[error(
        "no capacity: `sprints.capacity` is auto, but no done item has a `sprint` value to \
         measure velocity from"
    )]
    NoCapacity,
    /// A zero capacity or sprint count.
    #[error("{0}")]
    Invalid(String),
}

/// The capacity to plan with: `requested` (a command-line option) wins, then a number in
/// config.yml, then `auto` (the average of the last 3 sprints' velocity).
pub fn resolve_capacity(
    requested: Option<u32>,
    loaded: &Loaded,
    config: &Config,
) -> Result<ResolvedCapacity, PlanError> {
    if let Some(points) = requested {
        if points == 0 {
            return Err(PlanError::Invalid(
                "capacity must be at least 1 point".to_owned(),
            ));
        }
        return Ok(ResolvedCapacity {
            points,
            source: CapacitySource::Option,
        });
    }
    match config.sprints.capacity {
        Capacity::Points(points) => Ok(ResolvedCapacity {
            points,
            source: CapacitySource::Config,
        }),
        Capacity::Auto => {
            let v = velocity(loaded, config, Some(0));
            match v.auto_capacity {
                Some(points) => Ok(ResolvedCapacity {
                    points,
                    source: CapacitySource::Auto {
                        sprints: v.auto_sprints,
                    },
                }),
                None => Err(PlanError::NoCapacity),
            }
        }
    }
}

/// The open items the next sprints will reach for.
#[derive(Debug, Clone, PartialEq)]
pub struct Horizon {
    /// Points per sprint.
    pub capacity: u32,
    /// Number of sprints.
    pub sprints: u32,
    /// Size given to unestimated items.
    pub assumed_size: u32,
    /// Indices into `loaded.entries` of the open items inside, in rank order (in-progress
    /// items included).
    pub members: Vec<usize>,
}

impl Horizon {
    /// Whether entry `index` is inside.
    pub fn contains(&self, index: usize) -> bool {
        self.members.binary_search(&index).is_ok()
    }
}

/// The items inside the horizon of `sprints` sprints of `capacity` points (see the module
/// docs).
pub fn horizon(loaded: &Loaded, config: &Config, capacity: u32, sprints: u32) -> Horizon {
    let assumed = assumed_size(loaded, config);
    let budget = u64::from(capacity) * u64::from(sprints);
    let mut before = 0u64;
    let mut members = Vec::new();
    for (i, e) in loaded.entries.iter().enumerate() {
        if !is_open(e, config) {
            continue;
        }
        if before >= budget {
            break;
        }
        members.push(i);
        before += u64::from(size(e, assumed));
    }
    Horizon {
        capacity,
        sprints,
        assumed_size: assumed,
        members,
    }
}

// ---------------------------------------------------------------------------------------
// What is missing

/// One thing an item needs before it is ready, in a few words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// Short phrase: `estimate`, `acceptance criteria`, `story form`, `too big: split`,
    /// `dependency B-7KX2`, `field owner`…
    pub what: String,
    /// The definition-of-ready rule.
    pub rule: Rule,
    /// 1-based line in the item file.
    pub line: usize,
    /// The full finding message (how to fix it).
    pub message: String,
}

/// Maps a definition-of-ready finding to a short phrase.
pub fn missing(finding: &Finding) -> Missing {
    let what = match (finding.rule, &finding.subject) {
        (Rule::EstimateMissing, _) => "estimate".to_owned(),
        (Rule::EstimateOffScale, _) => "estimate on the scale".to_owned(),
        (Rule::TooBig, _) => "too big: split".to_owned(),
        (Rule::NoAcceptanceCriteria, _) => "acceptance criteria".to_owned(),
        (Rule::StoryForm, _) => "story form".to_owned(),
        (Rule::DependencyNotReady, Some(Subject::Dependency(id))) => {
            format!("unresolved dependency {id}")
        }
        (Rule::DependencyNotReady, _) => "unresolved dependency".to_owned(),
        (Rule::RequiredField, Some(Subject::Field(key))) => format!("field {key}"),
        (Rule::RequiredField, _) => "required field".to_owned(),
        (other, _) => other.as_str().to_owned(),
    };
    Missing {
        what,
        rule: finding.rule,
        line: finding.line,
        message: finding.message.clone(),
    }
}

/// The blocking (error) definition-of-ready findings of an item.
fn blocking(entry: &Entry, lookup: &Lookup<'_>, config: &Config) -> Vec<Finding> {
    let body = Body::parse(entry.doc.body(), entry.doc.body_line());
    let mut findings = ready_findings_with(entry, &body, lookup, config);
    findings.retain(|f| f.severity == Severity::Error);
    findings
}

/// An open item that is not ready.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotReady {
    /// ID.
    pub id: String,
    /// Title (unsanitized).
    pub title: String,
    /// File, root-relative.
    pub path: String,
    /// Owner.
    pub owner: Option<String>,
    /// Estimate.
    pub estimate: Option<u32>,
    /// What it lacks, in finding order.
    pub missing: Vec<Missing>,
}

fn not_ready(entry: &Entry, findings: &[Finding]) -> NotReady {
    NotReady {
        id: entry.item.id.clone(),
        title: entry.item.title.clone(),
        path: entry.path.clone(),
        owner: entry.item.owner.clone(),
        estimate: entry.item.estimate,
        missing: findings.iter().map(missing).collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Plan

/// A planned item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedItem {
    /// ID.
    pub id: String,
    /// Title (unsanitized).
    pub title: String,
    /// Points counted against capacity.
    pub points: u32,
    /// Owner.
    pub owner: Option<String>,
    /// The `sprint` value it has now.
    pub current_sprint: Option<String>,
    /// Its index in the loaded entries the plan was made from.
    #[serde(skip)]
    pub index: usize,
}

/// One sprint of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedSprint {
    /// Name.
    pub name: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// Points per sprint.
    pub capacity: u32,
    /// Points taken by items already in progress (first sprint only).
    pub in_progress_points: u32,
    /// Items already in progress (first sprint only).
    pub in_progress: Vec<PlannedItem>,
    /// Items planned into it, in rank order.
    pub items: Vec<PlannedItem>,
    /// Points planned plus points in progress.
    pub points: u32,
}

/// A ready item that was left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// ID.
    pub id: String,
    /// Title (unsanitized).
    pub title: String,
    /// Its size.
    pub points: u32,
    /// Why it was not planned.
    pub reason: String,
}

/// The result of [`plan`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Points per sprint.
    pub capacity: u32,
    /// Size given to unestimated items.
    pub assumed_size: u32,
    /// The sprints, first to last.
    pub sprints: Vec<PlannedSprint>,
    /// Ready items inside the horizon that did not fit or whose dependencies are not
    /// planned, in rank order.
    pub skipped: Vec<Skipped>,
    /// Ready items below the horizon that were tried for a gap and did not fit.
    pub passed_over: usize,
    /// Open items inside the horizon that are not ready, in rank order.
    pub needs_refinement: Vec<NotReady>,
}

impl Plan {
    /// Number of items planned.
    pub fn planned_count(&self) -> usize {
        self.sprints.iter().map(|s| s.items.len()).sum()
    }
}

fn planned_item(entry: &Entry, index: usize, points: u32) -> PlannedItem {
    PlannedItem {
        id: entry.item.id.clone(),
        title: entry.item.title.clone(),
        points,
        owner: entry.item.owner.clone(),
        current_sprint: entry.item.sprint.clone(),
        index,
    }
}

/// Fills `sprints` (the upcoming sprints, first to plan first) up to `capacity` points.
///
/// Items already in progress take the first sprint's capacity first. Then the open items
/// are walked in rank order: an item is planned into the earliest sprint that has room for
/// it, not earlier than the sprint of any of its dependencies, when it is ready and every
/// dependency is done, in progress or already planned (a dependency may sit in the same
/// sprint: it is ranked above, so the team does it first). A ready item that does not fit
/// is skipped (listed with the reason when it is inside the horizon, counted otherwise),
/// and smaller items below it may still fill the gap. The walk ends when every sprint is
/// full. Items inside the horizon that are not ready are listed as needing refinement.
pub fn plan(loaded: &Loaded, config: &Config, sprints: &[Sprint], capacity: u32) -> Plan {
    let lookup = Lookup::new(loaded);
    let hz = horizon(loaded, config, capacity, sprints.len() as u32);
    let assumed = hz.assumed_size;
    let mut out: Vec<PlannedSprint> = sprints
        .iter()
        .map(|s| PlannedSprint {
            name: s.name.clone(),
            start: s.start_date(),
            end: s.end_date(),
            capacity,
            in_progress_points: 0,
            in_progress: Vec::new(),
            items: Vec::new(),
            points: 0,
        })
        .collect();
    // Sprint position of every item that is in progress (0) or planned.
    let mut placed: HashMap<String, usize> = HashMap::new();
    for (i, e) in loaded.entries.iter().enumerate() {
        if is_in_progress(e, config) {
            let points = size(e, assumed);
            placed.insert(crate::id::key(&e.item.id), 0);
            if let Some(first) = out.first_mut() {
                first.in_progress.push(planned_item(e, i, points));
                first.in_progress_points = first.in_progress_points.saturating_add(points);
                first.points = first.points.saturating_add(points);
            }
        }
    }
    let mut skipped = Vec::new();
    let mut passed_over = 0;
    let mut needs_refinement = Vec::new();
    for (i, e) in loaded.entries.iter().enumerate() {
        if !is_open(e, config) || is_in_progress(e, config) {
            continue;
        }
        if out.iter().all(|s| s.points >= capacity) {
            break;
        }
        let findings = blocking(e, &lookup, config);
        if !findings.is_empty() {
            if hz.contains(i) {
                needs_refinement.push(not_ready(e, &findings));
            }
            continue;
        }
        let points = size(e, assumed);
        let skip = |reason: String| Skipped {
            id: e.item.id.clone(),
            title: e.item.title.clone(),
            points,
            reason,
        };
        let mut earliest = 0;
        let mut blocked = None;
        for dep_id in &e.item.depends_on {
            match lookup.get(dep_id) {
                None => blocked = Some(format!("depends on {dep_id}, which does not exist")),
                Some(dep) if config.is_done_status(config.status(&dep.item)) => {}
                Some(dep) => match placed.get(&crate::id::key(&dep.item.id)) {
                    Some(&s) => earliest = earliest.max(s),
                    None => {
                        blocked = Some(format!(
                            "depends on {}, which is not done and not planned",
                            dep.item.id
                        ));
                    }
                },
            }
            if blocked.is_some() {
                break;
            }
        }
        if let Some(reason) = blocked {
            if hz.contains(i) {
                skipped.push(skip(reason));
            } else {
                passed_over += 1;
            }
            continue;
        }
        let slot =
            (earliest..out.len()).find(|&s| out[s].points.saturating_add(points) <= capacity);
        match slot {
            Some(s) => {
                out[s].items.push(planned_item(e, i, points));
                out[s].points = out[s].points.saturating_add(points);
                placed.insert(crate::id::key(&e.item.id), s);
            }
            None if !hz.contains(i) => passed_over += 1,
            None if points > capacity => skipped.push(skip(format!(
                "{points} points is more than the capacity of {capacity} points: split it"
            ))),
            None => {
                let room: Vec<String> = out[earliest..]
                    .iter()
                    .map(|s| format!("{} in {}", capacity.saturating_sub(s.points), s.name))
                    .collect();
                skipped.push(skip(format!(
                    "{points} points does not fit (room left: {})",
                    room.join(", ")
                )));
            }
        }
    }
    Plan {
        capacity,
        assumed_size: assumed,
        sprints: out,
        skipped,
        passed_over,
        needs_refinement,
    }
}

#[cfg(test)]
pub(crate) mod tests;
