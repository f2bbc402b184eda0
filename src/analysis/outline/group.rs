//! `list --group-by KEY`: items in groups with their counts and points.
//!
//! Groups come in a meaningful order: statuses and types in the configured order, sprints
//! and other values in natural order (`2026-S9` before `2026-S10`), items without a value
//! last. An item with several labels is in each of their groups.
//!
//! A group's points are counted as the tree's rollups count them: parents are left out
//! (their children carry the work) and so are merged duplicates.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::analysis::outline::Tree;
use crate::config::{CLOSED_STATUSES, Config};
use crate::store::Entry;

/// What to group by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupKey {
    /// `status` (an item without one has the default, `draft`).
    Status,
    /// `owner`.
    Owner,
    /// Each of `labels`.
    Label,
    /// `sprint`.
    Sprint,
    /// `parent`.
    Parent,
    /// `type` (an item without one has the default type).
    Type,
    /// A custom field declared under `fields:` in config.yml (an enum's groups come in
    /// the order of its `values`; each entry of a list is a group).
    Field(String),
}

impl GroupKey {
    /// The key's name, as `--group-by` takes it.
    pub fn name(&self) -> &str {
        match self {
            Self::Status => "status",
            Self::Owner => "owner",
            Self::Label => "label",
            Self::Sprint => "sprint",
            Self::Parent => "parent",
            Self::Type => "type",
            Self::Field(name) => name,
        }
    }

    /// A built-in key by name, or a custom field that `config` declares.
    pub fn resolve(name: &str, config: &Config) -> Result<Self, String> {
        if let Ok(key) = name.parse() {
            return Ok(key);
        }
        if config.fields.get(name).is_some() {
            return Ok(Self::Field(name.to_owned()));
        }
        let mut names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
        names.extend(config.fields.iter().map(|d| d.name.as_str()));
        Err(format!(
            "cannot group by {name:?}; use one of: {}",
            names.join(", ")
        ))
    }

    /// Every key, in `--group-by` order.
    pub const ALL: [GroupKey; 6] = [
        Self::Status,
        Self::Owner,
        Self::Label,
        Self::Sprint,
        Self::Parent,
        Self::Type,
    ];
}

impl std::str::FromStr for GroupKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
                format!("cannot group by {s:?}; use one of: {}", names.join(", "))
            })
    }
}

/// One group: its value (`None`: items without one) and its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The value the items share.
    pub value: Option<String>,
    /// Indices into the entries, in backlog order.
    pub items: Vec<usize>,
    /// Sum of the estimates of the items that count (not parents, not duplicates).
    pub points: u32,
    /// Items that count but have no estimate.
    pub unestimated: usize,
}

/// The values of `key` for one item (several for labels, none when unset).
fn values(entry: &Entry, key: &GroupKey, config: &Config) -> Vec<String> {
    let item = &entry.item;
    match key {
        GroupKey::Status => vec![config.status(item).to_owned()],
        GroupKey::Type => vec![
            item.kind
                .clone()
                .unwrap_or_else(|| config.default_type.clone()),
        ],
        GroupKey::Owner => item.owner.iter().cloned().collect(),
        GroupKey::Sprint => item.sprint.iter().cloned().collect(),
        GroupKey::Parent => item.parent.iter().cloned().collect(),
        GroupKey::Label => {
            let mut labels = item.labels.clone();
            labels.dedup();
            labels
        }
        GroupKey::Field(name) => entry
            .fields()
            .get(name.as_str())
            .map(crate::config::fields::FieldDef::texts)
            .unwrap_or_default(),
    }
}

/// Groups the entries `shown` keeps (indices into `entries`, backlog order) by `key`;
/// `tree` is the structure of `entries` (it says which items are parents).
pub fn group_by(
    entries: &[Entry],
    shown: &[usize],
    key: GroupKey,
    tree: &Tree,
    config: &Config,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<Option<String>, usize> = HashMap::new();
    for &i in shown {
        let mut vals: Vec<Option<String>> = values(&entries[i], &key, config)
            .into_iter()
            .map(Some)
            .collect();
        if vals.is_empty() {
            vals.push(None);
        }
        for v in vals {
            let g = *index.entry(v.clone()).or_insert_with(|| {
                groups.push(Group {
                    value: v,
                    items: Vec::new(),
                    points: 0,
                    unestimated: 0,
                });
                groups.len() - 1
            });
            let group = &mut groups[g];
            group.items.push(i);
            let counts = tree.children(i).is_empty()
                && config.status(&entries[i].item) != crate::config::DUPLICATE;
            match entries[i].item.estimate {
                _ if !counts => {}
                Some(p) => group.points = group.points.saturating_add(p),
                None => group.unestimated += 1,
            }
        }
    }
    let configured: &[String] = match &key {
        GroupKey::Status => &config.statuses,
        GroupKey::Type => &config.types,
        GroupKey::Field(name) => config.fields.get(name).map_or(&[], |d| d.values.as_slice()),
        _ => &[],
    };
    let position = |v: &str| -> usize {
        configured
            .iter()
            .position(|c| c == v)
            .or_else(|| {
                CLOSED_STATUSES
                    .iter()
                    .position(|c| *c == v && key == GroupKey::Status)
                    .map(|p| configured.len() + p)
            })
            .unwrap_or(usize::MAX)
    };
    groups.sort_by(|a, b| match (&a.value, &b.value) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => position(x).cmp(&position(y)).then_with(|| natural(x, y)),
    });
    groups
}

/// Natural order: runs of digits compare as numbers, the rest case-insensitively (case
/// breaks ties last).
pub fn natural(a: &str, b: &str) -> Ordering {
    natural_folded(a, b).then_with(|| a.cmp(b))
}

fn natural_folded(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let db = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let (na, nb) = (
                    a[..da].trim_start_matches('0'),
                    b[..db].trim_start_matches('0'),
                );
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                let ord = x.to_lowercase().cmp(y.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[x.len_utf8()..];
                b = &b[y.len_utf8()..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, extra: &str) -> Entry {
        Entry::from_text(
            format!("b/{id}.md"),
            &format!("---\nid: {id}\ntitle: {id}\n{extra}---\n"),
        )
        .unwrap()
    }

    fn summary(
        entries: &[Entry],
        groups: &[Group],
    ) -> Vec<(Option<String>, Vec<String>, u32, usize)> {
        groups
            .iter()
            .map(|g| {
                (
                    g.value.clone(),
                    g.items
                        .iter()
                        .map(|&i| entries[i].item.id.clone())
                        .collect(),
                    g.points,
                    g.unestimated,
                )
            })
            .collect()
    }

    #[test]
    fn test_group_by_status_follows_the_workflow_order() {
        let entries = vec![
            item("A", "status: done\nestimate: 3\n"),
            item("B", "estimate: 5\n"),
            item("C", "status: split\nestimate: 8\n"),
            item("F", "parent: C\nstatus: duplicate\nestimate: 1\n"),
            item("D", "status: ready\nestimate: 2\n"),
            item("E", "status: done\nestimate: 8\n"),
        ];
        let all: Vec<usize> = (0..entries.len()).collect();
        let c = Config::default();
        let groups = group_by(
            &entries,
            &all,
            GroupKey::Status,
            &Tree::new(&entries, &c),
            &c,
        );
        let s = |v: &str| Some(v.to_owned());
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            summary(&entries, &groups),
            [
                (s("draft"), ids(&["B"]), 5, 0),
                (s("ready"), ids(&["D"]), 2, 0),
                (s("done"), ids(&["A", "E"]), 11, 0),
                (s("split"), ids(&["C"]), 0, 0),
                (s("duplicate"), ids(&["F"]), 0, 0),
            ]
        );
    }

    #[test]
    fn test_group_by_label_sprint_and_missing_values() {
        let entries = vec![
            item("A", "labels: [web, api]\nsprint: 2026-S10\n"),
            item("B", "labels: [api]\nsprint: 2026-S9\nestimate: 3\n"),
            item("C", ""),
        ];
        let all: Vec<usize> = (0..entries.len()).collect();
        let c = Config::default();
        let t = Tree::new(&entries, &c);
        let labels = group_by(&entries, &all, GroupKey::Label, &t, &c);
        let values: Vec<Option<&str>> = labels.iter().map(|g| g.value.as_deref()).collect();
        assert_eq!(values, [Some("api"), Some("web"), None]);
        assert_eq!(labels[0].items, [0, 1]);
        let sprints = group_by(&entries, &all, GroupKey::Sprint, &t, &c);
        let values: Vec<Option<&str>> = sprints.iter().map(|g| g.value.as_deref()).collect();
        assert_eq!(values, [Some("2026-S9"), Some("2026-S10"), None]);
        let types = group_by(&entries, &all, GroupKey::Type, &t, &c);
        assert_eq!(types.len(), 1);
        assert_eq!(types[0].value.as_deref(), Some("story"));
        assert!("nope".parse::<GroupKey>().is_err());
        assert_eq!("parent".parse::<GroupKey>(), Ok(GroupKey::Parent));
    }

    #[test]
    fn test_natural_order() {
        let mut v = vec!["S10", "s9", "S1", "a", "S01x", "B"];
        v.sort_by(|a, b| natural(a, b));
        assert_eq!(v, ["a", "B", "S1", "S01x", "s9", "S10"]);
    }
}
