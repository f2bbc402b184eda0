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
use crate::document::FieldValue;
use crate::item::Body;
use crate::ops::{OpError, Outcome};
use crate::sprint::{Capacity, Sprint, natural_cmp};
use crate::store::{Entry, Loaded};
use crate::workspace::Change;

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

// ---------------------------------------------------------------------------------------
// Velocity

/// Points completed in one sprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SprintVelocity {
    /// The sprint name, as written in the items' `sprint` field.
    pub name: String,
    /// Sum of the estimates of its done items.
    pub points: u32,
    /// IDs of its done items, in backlog order.
    pub items: Vec<String>,
    /// IDs of done items without an estimate (they count 0 points).
    pub unestimated: Vec<String>,
}

/// Completed points per sprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Velocity {
    /// The last sprints with done items, oldest first (numbers in names compare as numbers).
    pub sprints: Vec<SprintVelocity>,
    /// Average points over [`Velocity::sprints`].
    pub average: Option<f64>,
    /// Fewest points in one of them.
    pub min: Option<u32>,
    /// Most points in one of them.
    pub max: Option<u32>,
    /// The capacity `auto` gives: the average of the last 3 sprints, rounded.
    pub auto_capacity: Option<u32>,
    /// Sprints `auto_capacity` averages.
    pub auto_sprints: Vec<String>,
}

/// Points completed per sprint, from done items with a `sprint` value; only the `last`
/// sprints are listed (all when `None`).
pub fn velocity(loaded: &Loaded, config: &Config, last: Option<usize>) -> Velocity {
    let mut by_sprint: HashMap<&str, SprintVelocity> = HashMap::new();
    for e in &loaded.entries {
        let item = &e.item;
        if !config.is_done_status(config.status(item)) {
            continue;
        }
        let Some(name) = item
            .sprint
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let v = by_sprint.entry(name).or_insert_with(|| SprintVelocity {
            name: name.to_owned(),
            points: 0,
            items: Vec::new(),
            unestimated: Vec::new(),
        });
        v.items.push(item.id.clone());
        match item.estimate {
            Some(p) => v.points = v.points.saturating_add(p),
            None => v.unestimated.push(item.id.clone()),
        }
    }
    let mut all: Vec<SprintVelocity> = by_sprint.into_values().collect();
    all.sort_by(|a, b| natural_cmp(&a.name, &b.name).then_with(|| a.name.cmp(&b.name)));
    let auto: Vec<&SprintVelocity> = all.iter().rev().take(AUTO_SPRINTS).rev().collect();
    let auto_capacity = mean(auto.iter().map(|s| s.points))
        .map(|m| m.round() as u32)
        .filter(|&c| c > 0);
    let auto_sprints = auto.iter().map(|s| s.name.clone()).collect();
    let keep = last.unwrap_or(all.len()).min(all.len());
    let sprints: Vec<SprintVelocity> = all.split_off(all.len() - keep);
    Velocity {
        average: mean(sprints.iter().map(|s| s.points)),
        min: sprints.iter().map(|s| s.points).min(),
        max: sprints.iter().map(|s| s.points).max(),
        sprints,
        auto_capacity,
        auto_sprints,
    }
}

fn mean(values: impl Iterator<Item = u32>) -> Option<f64> {
    let (sum, n) = values.fold((0u64, 0u32), |(s, n), v| (s + u64::from(v), n + 1));
    (n > 0).then(|| sum as f64 / f64::from(n))
}

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
    #[serde(skip)]
    index: usize,
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

/// The change that writes `sprint: <name>` on every planned item whose `sprint` differs:
/// one line per file, all in one commit.
pub fn plan_change(plan: &Plan, loaded: &Loaded) -> Result<Outcome, OpError> {
    let mut items = Vec::new();
    let mut writes = Vec::new();
    let mut ids = Vec::new();
    let mut body = Vec::new();
    for sprint in &plan.sprints {
        let mut names = Vec::new();
        for p in &sprint.items {
            let entry = &loaded.entries[p.index];
            if entry.item.sprint.as_deref() == Some(sprint.name.as_str()) {
                continue;
            }
            let mut entry = entry.clone();
            entry
                .doc
                .set("sprint", &FieldValue::Str(sprint.name.clone()));
            let entry = crate::ops::refresh(entry)?;
            writes.push((entry.path.clone(), entry.doc.as_str().to_owned()));
            ids.push(entry.item.id.clone());
            names.push(entry.item.id.clone());
            items.push(entry);
        }
        if !names.is_empty() {
            body.push(format!("{}: {}", sprint.name, names.join(", ")));
        }
    }
    if writes.is_empty() {
        return Ok(Outcome {
            change: Change::default(),
            items,
        });
    }
    let names: Vec<&str> = plan
        .sprints
        .iter()
        .filter(|s| !s.items.is_empty())
        .map(|s| s.name.as_str())
        .collect();
    let change = Change {
        op: "plan".to_owned(),
        summary: format!(
            "plan {}: {} item{}",
            names.join(", "),
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        ),
        body,
        items: ids,
        writes,
        removes: Vec::new(),
    };
    Ok(Outcome { change, items })
}

// ---------------------------------------------------------------------------------------
// Agenda

/// Items of one owner on the agenda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaGroup {
    /// The owner; `None` for unowned items (always the last group).
    pub owner: Option<String>,
    /// Their items, in rank order.
    pub items: Vec<NotReady>,
}

/// The refinement time budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// Share of the sprint (`sprints.refinement_share`).
    pub share: f64,
    /// Working days in a sprint: weekdays of `length_days` (length × 5/7, rounded).
    pub working_days: u32,
    /// Hours per team member per sprint: working days × 8 h × share.
    pub hours_per_person: f64,
    /// The same share of the capacity, in points.
    pub points: f64,
}

/// The refinement meeting's agenda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agenda {
    /// Points per sprint.
    pub capacity: u32,
    /// The sprints the horizon covers.
    pub sprints: Vec<String>,
    /// Size given to unestimated items.
    pub assumed_size: u32,
    /// Open items inside the horizon (in-progress ones included).
    pub horizon_items: usize,
    /// Not-ready items inside the horizon by owner (owners A–Z, unowned last).
    pub groups: Vec<AgendaGroup>,
    /// The time budget.
    pub budget: Budget,
}

impl Agenda {
    /// Number of items on the agenda.
    pub fn item_count(&self) -> usize {
        self.groups.iter().map(|g| g.items.len()).sum()
    }
}

/// The refinement time budget for a sprint of `capacity` points.
pub fn budget(config: &Config, capacity: u32) -> Budget {
    let s = &config.sprints;
    let working_days = (f64::from(s.length_days) * 5.0 / 7.0).round() as u32;
    Budget {
        share: s.refinement_share,
        working_days,
        hours_per_person: f64::from(working_days) * 8.0 * s.refinement_share,
        points: f64::from(capacity) * s.refinement_share,
    }
}

/// The open, not-in-progress items inside the horizon of `sprints` that are not ready,
/// each with what is missing, grouped by owner.
pub fn agenda(loaded: &Loaded, config: &Config, sprints: &[Sprint], capacity: u32) -> Agenda {
    let lookup = Lookup::new(loaded);
    let hz = horizon(loaded, config, capacity, sprints.len() as u32);
    let mut groups: Vec<AgendaGroup> = Vec::new();
    let mut unowned = AgendaGroup {
        owner: None,
        items: Vec::new(),
    };
    for &i in &hz.members {
        let e = &loaded.entries[i];
        if is_in_progress(e, config) {
            continue;
        }
        let findings = blocking(e, &lookup, config);
        if findings.is_empty() {
            continue;
        }
        let item = not_ready(e, &findings);
        let owner = e
            .item
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty());
        match owner {
            None => unowned.items.push(item),
            Some(o) => match groups.iter_mut().find(|g| g.owner.as_deref() == Some(o)) {
                Some(g) => g.items.push(item),
                None => groups.push(AgendaGroup {
                    owner: Some(o.to_owned()),
                    items: vec![item],
                }),
            },
        }
    }
    groups.sort_by(|a, b| a.owner.cmp(&b.owner));
    if !unowned.items.is_empty() {
        groups.push(unowned);
    }
    Agenda {
        capacity,
        sprints: sprints.iter().map(|s| s.name.clone()).collect(),
        assumed_size: hz.assumed_size,
        horizon_items: hz.members.len(),
        groups,
        budget: budget(config, capacity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sprint::SprintConfig;

    const STORY: &str =
        "As a user, I want it so that it helps.\n\n## Acceptance criteria\n- [ ] works\n";

    fn entry(id: &str, rank: &str, extra: &str, body: &str) -> Entry {
        let text = format!("---\nid: {id}\ntitle: Item {id}\nrank: {rank}\n{extra}---\n{body}");
        Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
    }

    fn loaded(entries: Vec<Entry>) -> Loaded {
        let mut entries = entries;
        crate::store::sort_entries(&mut entries);
        Loaded {
            entries,
            errors: Vec::new(),
        }
    }

    fn sprints(n: usize) -> Vec<Sprint> {
        let cal = SprintConfig::default().calendar();
        cal.upcoming(crate::text::parse_date("2026-01-01").unwrap(), n)
    }

    #[test]
    fn test_velocity_sums_done_items_by_sprint() {
        let l = loaded(vec![
            entry("B-1", "a1", "status: done\nsprint: S9\nestimate: 3\n", ""),
            entry("B-2", "a2", "status: done\nsprint: S10\nestimate: 5\n", ""),
            entry("B-3", "a3", "status: done\nsprint: S10\nestimate: 8\n", ""),
            entry("B-4", "a4", "status: done\nsprint: S11\n", ""),
            entry(
                "B-5",
                "a5",
                "status: ready\nsprint: S11\nestimate: 40\n",
                "",
            ),
            entry("B-6", "a6", "status: done\nestimate: 13\n", ""),
            entry("B-7", "a7", "status: done\nsprint: S8\nestimate: 2\n", ""),
        ]);
        let c = Config::default();
        let v = velocity(&l, &c, None);
        let names: Vec<&str> = v.sprints.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["S8", "S9", "S10", "S11"]);
        let points: Vec<u32> = v.sprints.iter().map(|s| s.points).collect();
        assert_eq!(points, [2, 3, 13, 0]);
        assert_eq!(v.sprints[3].unestimated, ["B-4"]);
        assert_eq!(v.average, Some(4.5));
        assert_eq!((v.min, v.max), (Some(0), Some(13)));
        // auto: (3 + 13 + 0) / 3 = 5.33 -> 5
        assert_eq!(v.auto_capacity, Some(5));
        assert_eq!(v.auto_sprints, ["S9", "S10", "S11"]);
        let v2 = velocity(&l, &c, Some(2));
        assert_eq!(v2.sprints.len(), 2);
        assert_eq!(v2.average, Some(6.5));
        assert_eq!(v2.auto_capacity, Some(5));
    }

    #[test]
    fn test_resolve_capacity_order() {
        let l = loaded(vec![entry(
            "B-1",
            "a1",
            "status: done\nsprint: S1\nestimate: 8\n",
            "",
        )]);
        let mut c = Config::default();
        assert_eq!(resolve_capacity(Some(7), &l, &c).unwrap().points, 7);
        assert_eq!(resolve_capacity(None, &l, &c).unwrap().points, 8);
        c.sprints.capacity = Capacity::Points(20);
        let r = resolve_capacity(None, &l, &c).unwrap();
        assert_eq!((r.points, r.source), (20, CapacitySource::Config));
        c.sprints.capacity = Capacity::Auto;
        assert_eq!(
            resolve_capacity(None, &loaded(vec![]), &c),
            Err(PlanError::NoCapacity)
        );
        assert!(resolve_capacity(Some(0), &l, &c).is_err());
    }

    #[test]
    fn test_plan_capacity_gap_filling_and_dependencies() {
        let ready = |id: &str, rank: &str, extra: &str| {
            entry(id, rank, &format!("status: ready\n{extra}"), STORY)
        };
        let l = loaded(vec![
            entry("B-0", "a0", "status: in-progress\nestimate: 2\n", ""),
            ready("B-1", "a1", "estimate: 5\n"),
            ready("B-2", "a2", "estimate: 8\n"),
            ready("B-3", "a3", "estimate: 3\ndepends_on: [B-1]\n"),
            entry("B-4", "a4", "status: draft\nestimate: 2\n", "no story"),
            ready("B-5", "a5", "estimate: 2\ndepends_on: [B-2]\n"),
            ready("B-6", "a6", "estimate: 1\n"),
        ]);
        let c = Config::default();
        let p = plan(&l, &c, &sprints(2), 10);
        let ids = |s: &PlannedSprint| s.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        // Sprint 1: 2 in progress + B-1 (5) + B-3 (3) = 10; B-2 (8) goes to sprint 2,
        // and B-5 (needs B-2) goes with it; then both are full and B-6 is not reached.
        assert_eq!(p.sprints[0].in_progress_points, 2);
        assert_eq!(ids(&p.sprints[0]), ["B-1", "B-3"]);
        assert_eq!(ids(&p.sprints[1]), ["B-2", "B-5"]);
        assert_eq!(p.sprints[0].points, 10);
        assert_eq!(p.sprints[1].points, 10);
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_eq!(p.needs_refinement.len(), 1);
        assert_eq!(p.needs_refinement[0].id, "B-4");
        let what: Vec<&str> = p.needs_refinement[0]
            .missing
            .iter()
            .map(|m| m.what.as_str())
            .collect();
        assert_eq!(what, ["acceptance criteria", "story form"]);
    }

    #[test]
    fn test_plan_skips_too_big_and_blocked() {
        let ready = |id: &str, rank: &str, extra: &str| {
            entry(id, rank, &format!("status: ready\n{extra}"), STORY)
        };
        let mut c = Config::default();
        c.rules.too_big.max_estimate = 100;
        let l = loaded(vec![
            ready("B-1", "a1", "estimate: 5\n"),
            ready("B-2", "a2", "estimate: 13\n"),
            ready("B-3", "a3", "estimate: 3\ndepends_on: [B-2]\n"),
            ready("B-4", "a4", "estimate: 3\n"),
            ready("B-5", "a5", "estimate: 2\n"),
        ]);
        let p = plan(&l, &c, &sprints(1), 8);
        let planned: Vec<&str> = p.sprints[0].items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(planned, ["B-1", "B-4"]);
        let skipped: Vec<(&str, &str)> = p
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.reason.as_str()))
            .collect();
        // B-3 is below the horizon (5 + 13 points ranked above it): counted, not listed.
        assert_eq!(
            skipped,
            [(
                "B-2",
                "13 points is more than the capacity of 8 points: split it"
            )]
        );
        assert_eq!(p.passed_over, 1);
        // Full after B-4: B-5 is never reached.
        assert_eq!(p.sprints[0].points, 8);
    }

    #[test]
    fn test_plan_change_writes_sprint_lines_only() {
        let l = loaded(vec![
            entry("B-1", "a1", "status: ready\nestimate: 3\n", STORY),
            entry(
                "B-2",
                "a2",
                "status: ready\nestimate: 3\nsprint: 2026-S1\n",
                STORY,
            ),
        ]);
        let s = sprints(1);
        assert_eq!(s[0].name, "2026-S1");
        let p = plan(&l, &Config::default(), &s, 10);
        assert_eq!(p.planned_count(), 2);
        let o = plan_change(&p, &l).unwrap();
        assert_eq!(o.change.items, ["B-1"]);
        assert_eq!(o.change.writes.len(), 1);
        assert!(o.change.writes[0].1.contains("\nsprint: 2026-S1\n"));
        assert_eq!(o.change.summary, "plan 2026-S1: 1 item");
    }

    #[test]
    fn test_horizon_and_agenda_grouping() {
        let l = loaded(vec![
            entry("B-1", "a1", "status: in-progress\nestimate: 5\n", ""),
            entry("B-2", "a2", "estimate: 3\nowner: zoe\n", STORY),
            entry("B-3", "a3", "owner: amy\n", STORY),
            entry("B-4", "a4", "estimate: 13\n", STORY),
            entry("B-5", "a5", "estimate: 3\nowner: amy\n", ""),
            entry("B-6", "a6", "estimate: 1\n", ""),
        ]);
        let c = Config::default();
        // Estimates 5, 3, 13, 3, 1 -> lower median 3. Budget 2 × 10 = 20:
        // B-1 (0), B-2 (5), B-3 (8), B-4 (11), B-5 (24 >= 20: outside).
        let hz = horizon(&l, &c, 10, 2);
        assert_eq!(hz.assumed_size, 3);
        assert_eq!(hz.members, [0, 1, 2, 3]);
        let a = agenda(&l, &c, &sprints(2), 10);
        let groups: Vec<(Option<&str>, Vec<&str>)> = a
            .groups
            .iter()
            .map(|g| {
                (
                    g.owner.as_deref(),
                    g.items.iter().map(|i| i.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(groups, [(Some("amy"), vec!["B-3"]), (None, vec!["B-4"])]);
        assert_eq!(a.groups[0].items[0].missing[0].what, "estimate");
        assert_eq!(a.groups[1].items[0].missing[0].what, "too big: split");
        assert_eq!(a.budget.working_days, 10);
        assert!((a.budget.hours_per_person - 8.0).abs() < 1e-9);
        assert!((a.budget.points - 1.0).abs() < 1e-9);
    }

    #[test]
    fn test_in_progress_follows_workflow_order() {
        let c = Config::default();
        let e = |s: &str| entry("B-1", "a1", &format!("status: {s}\n"), "");
        assert!(is_in_progress(&e("in-progress"), &c));
        assert!(!is_in_progress(&e("ready"), &c));
        assert!(!is_in_progress(&e("draft"), &c));
        assert!(!is_in_progress(&e("done"), &c));
        assert!(!is_in_progress(&e("split"), &c));
    }

    #[test]
    fn test_missing_phrases() {
        let f = |rule: Rule, subject: Option<Subject>| Finding {
            rule,
            severity: Severity::Error,
            path: "p".to_owned(),
            line: 1,
            item: None,
            // The phrase comes from the rule and subject, never from the wording.
            message: "any wording".to_owned(),
            subject,
        };
        let dep = Some(Subject::Dependency("B-9".to_owned()));
        assert_eq!(
            missing(&f(Rule::DependencyNotReady, dep)).what,
            "unresolved dependency B-9"
        );
        assert_eq!(
            missing(&f(Rule::DependencyNotReady, None)).what,
            "unresolved dependency"
        );
        let owner = Some(Subject::Field("owner".to_owned()));
        assert_eq!(missing(&f(Rule::RequiredField, owner)).what, "field owner");
        assert_eq!(missing(&f(Rule::TooBig, None)).what, "too big: split");
        assert_eq!(
            missing(&f(Rule::EstimateMissing, None)).rule,
            Rule::EstimateMissing
        );
    }
}
