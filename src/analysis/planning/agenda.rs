//! `agenda`: what the next refinement must fix in the items the next sprints need.

use super::*;

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
