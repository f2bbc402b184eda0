//! Velocity: the points of the done items of each sprint (their `sprint` field).

use super::*;

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
