//! Prioritization models: WSJF and value/effort scores, the dependency-aware target order
//! of a set of items, and the value-versus-effort priority matrix.
//!
//! Everything here is pure: it reads [`Item`]s and returns orders and groupings. Turning a
//! target order into rank-key edits (touching as few files as possible) is
//! [`crate::ops::rank_by`]'s job.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::store::IdIndex;

use crate::config::Config;
use crate::item::Item;

/// A ranking model for `rank --by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Weighted shortest job first: (value + time_criticality + risk_reduction) / estimate.
    Wsjf,
    /// Value divided by estimate.
    ValueEffort,
}

impl Model {
    /// The model's name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Wsjf => "wsjf",
            Self::ValueEffort => "value-effort",
        }
    }

    /// Parses `wsjf` or `value-effort` (also `value/effort`, `value_effort`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "wsjf" => Some(Self::Wsjf),
            "value-effort" | "value/effort" | "value_effort" => Some(Self::ValueEffort),
            _ => None,
        }
    }

    /// The item's score, or the fields it lacks (`value`, `estimate`). An estimate of 0
    /// cannot divide and counts as missing.
    pub fn score(self, item: &Item) -> Result<f64, Vec<&'static str>> {
        let mut missing = Vec::new();
        if item.value.is_none() {
            missing.push("value");
        }
        if item.estimate.is_none_or(|e| e == 0) {
            missing.push("estimate");
        }
        let (Some(value), Some(estimate)) = (item.value, item.estimate.filter(|&e| e > 0)) else {
            return Err(missing);
        };
        let cost_of_delay = match self {
            Self::Wsjf => {
                f64::from(value)
                    + f64::from(item.time_criticality.unwrap_or(0))
                    + f64::from(item.risk_reduction.unwrap_or(0))
            }
            Self::ValueEffort => f64::from(value),
        };
        Ok(cost_of_delay / f64::from(estimate))
    }
}

/// One item's place in a computed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Index of the item in the input slice.
    pub index: usize,
    /// Its own score, when it can be scored.
    pub score: Option<f64>,
    /// The priority it is ordered by: its score, or higher when it is a prerequisite of a
    /// higher-priority item (then `inherited_from` names that item).
    pub priority: Option<f64>,
    /// The item whose priority this one inherited, as an input index.
    pub inherited_from: Option<usize>,
    /// What it lacks to be scored (empty when scored).
    pub missing: Vec<&'static str>,
}

/// The target order of a set of items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetOrder {
    /// Every input item, in target order.
    pub order: Vec<Ranked>,
    /// Dependency cycles among the items (input indices, in current order); their members
    /// keep their current relative order.
    pub cycles: Vec<Vec<usize>>,
}

/// Computes the dependency-aware target order of `items`, which are given in their
/// current order.
///
/// Scored items come first, highest priority first; unscored items follow in their current
/// relative order. A prerequisite (a `depends_on` target inside the set) inherits the
/// highest priority of everything it transitively unblocks and is always placed above it;
/// ties keep the current order, so a prerequisite lands directly above the item that
/// pulled it up. Items in a dependency cycle are treated as one block that keeps its
/// current internal order; the cycle is reported.
pub fn target_order(items: &[&Item], model: Model) -> TargetOrder {
    let n = items.len();
    let index = IdIndex::new(items.iter().map(|item| item.id.as_str()));
    // prereqs[i]: the items i depends on (inside the set).
    let prereqs: Vec<Vec<usize>> = items
        .iter()
        .map(|item| {
            let mut deps: Vec<usize> = item
                .depends_on
                .iter()
                .filter_map(|d| index.get(d))
                .collect();
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect();
    let scores: Vec<Result<f64, Vec<&'static str>>> =
        items.iter().map(|item| model.score(item)).collect();

    let (component, components) = crate::graph::strongly_connected(&prereqs);
    let cycles: Vec<Vec<usize>> = components
        .iter()
        .filter(|members| members.len() > 1 || prereqs[members[0]].contains(&members[0]))
        .cloned()
        .collect();

    // Component graph: edges from a component to the components it depends on.
    let c = components.len();
    let mut comp_prereqs: Vec<Vec<usize>> = vec![Vec::new(); c];
    for (i, deps) in prereqs.iter().enumerate() {
        for &d in deps {
            if component[d] != component[i] {
                comp_prereqs[component[i]].push(component[d]);
            }
        }
    }
    for deps in &mut comp_prereqs {
        deps.sort_unstable();
        deps.dedup();
    }

    // Own priority of a component: its best-scored member.
    let mut priority: Vec<Option<(f64, usize)>> = components
        .iter()
        .map(|members| {
            members
                .iter()
                .filter_map(|&m| scores[m].as_ref().ok().map(|&s| (s, m)))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        })
        .collect();
    // `strongly_connected` returns components dependencies-first, so walking it backwards
    // visits every dependent before its prerequisites: push priorities down the edges.
    for comp in (0..c).rev() {
        if let Some(p) = priority[comp] {
            for &dep in &comp_prereqs[comp] {
                let better = match priority[dep] {
                    None => true,
                    Some(q) => p.0 > q.0,
                };
                if better {
                    priority[dep] = Some(p);
                }
            }
        }
    }

    // Kahn's algorithm over components: a component is available once all of its
    // prerequisites are placed; take the highest priority, then the earliest current
    // position.
    let mut waiting: Vec<usize> = comp_prereqs.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); c];
    for (comp, deps) in comp_prereqs.iter().enumerate() {
        for &d in deps {
            dependents[d].push(comp);
        }
    }
    let first_position: Vec<usize> = components.iter().map(|m| m[0]).collect();
    let mut heap = BinaryHeap::new();
    for comp in 0..c {
        if waiting[comp] == 0 {
            heap.push(Candidate {
                priority: priority[comp].map(|p| p.0),
                position: first_position[comp],
                comp,
            });
        }
    }
    let mut order = Vec::with_capacity(n);
    while let Some(Candidate { comp, .. }) = heap.pop() {
        for &m in &components[comp] {
            let (score, missing) = match &scores[m] {
                Ok(s) => (Some(*s), Vec::new()),
                Err(missing) => (None, missing.clone()),
            };
            let (prio, inherited_from) = match priority[comp] {
                Some((p, from)) if score.is_none_or(|s| p > s) => (Some(p), Some(from)),
                _ => (score, None),
            };
            order.push(Ranked {
                index: m,
                score,
                priority: prio,
                inherited_from,
                missing,
            });
        }
        for &d in &dependents[comp] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                heap.push(Candidate {
                    priority: priority[d].map(|p| p.0),
                    position: first_position[d],
                    comp: d,
                });
            }
        }
    }
    TargetOrder { order, cycles }
}

/// A component ready to be placed; the heap pops the highest priority (scored before
/// unscored), then the earliest current position.
#[derive(Debug, PartialEq)]
struct Candidate {
    priority: Option<f64>,
    position: usize,
    comp: usize,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_priority = match (self.priority, other.priority) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        };
        by_priority.then(other.position.cmp(&self.position))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A quadrant of the priority matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quadrant {
    /// High value, low effort: do these first.
    QuickWins,
    /// High value, high effort: plan and split them.
    BigBets,
    /// Low value, low effort: fit them in.
    FillIns,
    /// Low value, high effort: question them.
    TimeSinks,
}

impl Quadrant {
    /// All quadrants in display order.
    pub const ALL: [Quadrant; 4] = [
        Self::QuickWins,
        Self::BigBets,
        Self::FillIns,
        Self::TimeSinks,
    ];

    /// The JSON key (`quick_wins`…).
    pub fn key(self) -> &'static str {
        match self {
            Self::QuickWins => "quick_wins",
            Self::BigBets => "big_bets",
            Self::FillIns => "fill_ins",
            Self::TimeSinks => "time_sinks",
        }
    }

    /// The heading (`Quick wins`…).
    pub fn title(self) -> &'static str {
        match self {
            Self::QuickWins => "Quick wins",
            Self::BigBets => "Big bets",
            Self::FillIns => "Fill-ins",
            Self::TimeSinks => "Time sinks",
        }
    }

    /// Which quadrant an item with this value and effort falls in. Above a threshold is
    /// high; at or below it is low.
    pub fn of(value: u32, estimate: u32, thresholds: &Thresholds) -> Self {
        let high_value = f64::from(value) > thresholds.value;
        let high_effort = f64::from(estimate) > thresholds.effort;
        match (high_value, high_effort) {
            (true, false) => Self::QuickWins,
            (true, true) => Self::BigBets,
            (false, false) => Self::FillIns,
            (false, true) => Self::TimeSinks,
        }
    }
}

/// Where a threshold came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdSource {
    /// `matrix:` in `config.yml`.
    Config,
    /// The median of the placed items.
    Median,
}

impl ThresholdSource {
    /// `config` or `median`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Median => "median",
        }
    }
}

/// The value and effort thresholds of the matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Value above this is high.
    pub value: f64,
    /// Estimate above this is high effort.
    pub effort: f64,
    /// Where `value` came from.
    pub value_source: ThresholdSource,
    /// Where `effort` came from.
    pub effort_source: ThresholdSource,
    /// How many items (with both a value and an estimate) the medians were taken over.
    pub median_of: usize,
}

/// The priority matrix of a set of items (input indices).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// Items per quadrant, in input order, in the order of [`Quadrant::ALL`].
    pub quadrants: Vec<(Quadrant, Vec<usize>)>,
    /// Items that lack a value or an estimate, with what they lack.
    pub unplaced: Vec<(usize, Vec<&'static str>)>,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Places `items` (normally the open ones) in the value-versus-effort matrix. Thresholds
/// come from `config.matrix`, else they are the medians of the placeable items.
pub fn matrix(items: &[&Item], config: &Config) -> Matrix {
    matrix_over(items, items, config)
}

/// Places `items` in the matrix with thresholds taken over `basis` (normally the whole
/// open backlog, so that a filter chooses which items are shown, not where "high" starts):
/// from `config.matrix`, else the medians of the items of `basis` that have both a value
/// and an estimate.
pub fn matrix_over(items: &[&Item], basis: &[&Item], config: &Config) -> Matrix {
    let mut placed = Vec::new();
    let mut unplaced = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match (item.value, item.estimate) {
            (Some(v), Some(e)) => placed.push((i, v, e)),
            (v, e) => {
                let mut missing = Vec::new();
                if v.is_none() {
                    missing.push("value");
                }
                if e.is_none() {
                    missing.push("estimate");
                }
                unplaced.push((i, missing));
            }
        }
    }
    let measured: Vec<(u32, u32)> = basis
        .iter()
        .filter_map(|item| Some((item.value?, item.estimate?)))
        .collect();
    let pick = |configured: Option<f64>, mut values: Vec<f64>| match configured {
        Some(t) => (t, ThresholdSource::Config),
        None => (median(&mut values), ThresholdSource::Median),
    };
    let (value, value_source) = pick(
        config.matrix.value_threshold,
        measured.iter().map(|p| f64::from(p.0)).collect(),
    );
    let (effort, effort_source) = pick(
        config.matrix.effort_threshold,
        measured.iter().map(|p| f64::from(p.1)).collect(),
    );
    let thresholds = Thresholds {
        value,
        effort,
        value_source,
        effort_source,
        median_of: measured.len(),
    };
    let quadrants = Quadrant::ALL
        .iter()
        .map(|&q| {
            let members = placed
                .iter()
                .filter(|&&(_, v, e)| Quadrant::of(v, e, &thresholds) == q)
                .map(|p| p.0)
                .collect();
            (q, members)
        })
        .collect();
    Matrix {
        thresholds,
        quadrants,
        unplaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn item(id: &str, extra: &str) -> Item {
        let text = format!("---\nid: {id}\ntitle: {id}\n{extra}---\n");
        Item::from_document(&Document::parse(text.as_bytes()).unwrap()).unwrap()
    }

    fn ids(items: &[Item], order: &TargetOrder) -> Vec<String> {
        order
            .order
            .iter()
            .map(|r| items[r.index].id.clone())
            .collect()
    }

    #[test]
    fn test_scores() {
        let a = item("A", "value: 8\nestimate: 2\ntime_criticality: 4\n");
        assert_eq!(Model::ValueEffort.score(&a), Ok(4.0));
        assert_eq!(Model::Wsjf.score(&a), Ok(6.0));
        let b = item("B", "value: 8\nestimate: 0\n");
        assert_eq!(Model::Wsjf.score(&b), Err(vec!["estimate"]));
        let c = item("C", "");
        assert_eq!(Model::Wsjf.score(&c), Err(vec!["value", "estimate"]));
        assert_eq!(Model::parse("Value-Effort"), Some(Model::ValueEffort));
        assert_eq!(Model::parse("rice"), None);
    }

    #[test]
    fn test_prerequisite_sits_directly_above() {
        let items = vec![
            item("A", "value: 8\nestimate: 2\n"),
            item("B", "value: 3\nestimate: 3\n"),
            item("C", "value: 13\nestimate: 1\ndepends_on: [B]\n"),
            item("D", "value: 6\nestimate: 3\n"),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        for model in [Model::Wsjf, Model::ValueEffort] {
            let order = target_order(&refs, model);
            assert_eq!(ids(&items, &order), ["B", "C", "A", "D"]);
            assert_eq!(order.order[0].inherited_from, Some(2));
            assert_eq!(order.order[0].priority, Some(13.0));
        }
    }

    #[test]
    fn test_unscored_keep_order_below_and_transitive_inheritance() {
        let items = vec![
            item("U1", "value: 5\n"),
            item("P", ""),
            item("A", "value: 1\nestimate: 1\n"),
            item("U2", "estimate: 3\n"),
            item("Q", "depends_on: [P]\n"),
            item("X", "value: 20\nestimate: 1\ndepends_on: [Q]\n"),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let order = target_order(&refs, Model::Wsjf);
        assert_eq!(ids(&items, &order), ["P", "Q", "X", "A", "U1", "U2"]);
        assert_eq!(order.order[4].missing, vec!["estimate"]);
        assert!(order.cycles.is_empty());
    }

    #[test]
    fn test_cycle_keeps_current_order_and_is_reported() {
        let items = vec![
            item("A", "value: 1\nestimate: 1\n"),
            item("B", "value: 2\nestimate: 1\ndepends_on: [C]\n"),
            item("C", "value: 9\nestimate: 1\ndepends_on: [B]\n"),
            item("S", "value: 3\nestimate: 1\ndepends_on: [S]\n"),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let order = target_order(&refs, Model::ValueEffort);
        assert_eq!(ids(&items, &order), ["B", "C", "S", "A"]);
        assert_eq!(order.cycles.len(), 2);
        assert!(order.cycles.contains(&vec![1, 2]));
        assert!(order.cycles.contains(&vec![3]));
    }

    #[test]
    fn test_long_chain_does_not_overflow() {
        let n = 50_000;
        let items: Vec<Item> = (0..n)
            .map(|i| {
                let dep = if i + 1 < n {
                    format!("depends_on: [I{}]\n", i + 1)
                } else {
                    String::new()
                };
                item(&format!("I{i}"), &format!("value: 1\nestimate: 1\n{dep}"))
            })
            .collect();
        let refs: Vec<&Item> = items.iter().collect();
        let order = target_order(&refs, Model::Wsjf);
        assert_eq!(order.order.len(), n);
        assert_eq!(items[order.order[0].index].id, format!("I{}", n - 1));
    }

    #[test]
    fn test_matrix_quadrants_and_medians() {
        let items = [
            item("QW", "value: 13\nestimate: 1\n"),
            item("BB", "value: 13\nestimate: 8\n"),
            item("FI", "value: 1\nestimate: 1\n"),
            item("TS", "value: 1\nestimate: 8\n"),
            item("NV", "estimate: 3\n"),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let m = matrix(&refs, &Config::default());
        assert_eq!(m.thresholds.value, 7.0);
        assert_eq!(m.thresholds.effort, 4.5);
        assert_eq!(m.thresholds.value_source, ThresholdSource::Median);
        let placed: Vec<(Quadrant, Vec<usize>)> = m.quadrants.clone();
        assert_eq!(
            placed,
            vec![
                (Quadrant::QuickWins, vec![0]),
                (Quadrant::BigBets, vec![1]),
                (Quadrant::FillIns, vec![2]),
                (Quadrant::TimeSinks, vec![3]),
            ]
        );
        assert_eq!(m.unplaced, vec![(4, vec!["value"])]);

        let mut config = Config::default();
        config.matrix.value_threshold = Some(0.5);
        config.matrix.effort_threshold = Some(20.0);
        let m = matrix(&refs, &config);
        assert_eq!(m.quadrants[0].1, vec![0, 1, 2, 3]);
        assert_eq!(m.thresholds.effort_source, ThresholdSource::Config);
    }

    #[test]
    fn test_matrix_thresholds_over_a_wider_basis() {
        // Bug 10: with only the two value-8 items shown, their own median made value 8
        // "low". Over the whole backlog the median is 5, so both are high value.
        let all = [
            item("A", "value: 8\nestimate: 2\n"),
            item("B", "value: 8\nestimate: 8\n"),
            item("C", "value: 2\nestimate: 3\n"),
            item("D", "value: 3\nestimate: 5\n"),
            item("E", "value: 5\nestimate: 1\n"),
            item("F", "estimate: 1\n"),
        ];
        let basis: Vec<&Item> = all.iter().collect();
        let shown = [&all[0], &all[1]];
        let local = matrix(&shown, &Config::default());
        assert_eq!(local.thresholds.value, 8.0);
        assert_eq!(local.quadrants[3], (Quadrant::TimeSinks, vec![1]));
        let m = matrix_over(&shown, &basis, &Config::default());
        assert_eq!(m.thresholds.value, 5.0);
        assert_eq!(m.thresholds.effort, 3.0);
        assert_eq!(m.thresholds.median_of, 5);
        assert_eq!(m.quadrants[0], (Quadrant::QuickWins, vec![0]));
        assert_eq!(m.quadrants[1], (Quadrant::BigBets, vec![1]));
    }
}
