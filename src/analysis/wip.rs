//! Work-in-progress limits: which statuses (and owners in them) hold more items than
//! `wip:` in `config.yml` allows, and whether moving one item would make it so.
//!
//! Used by `board` (the column header), `set` (warn or refuse), `check` (the `wip-limit`
//! rule) and `health` (the count of breaches).

use serde::Serialize;

use crate::config::Config;
use crate::item::Item;

/// A status (or one owner's share of it) over its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// The status.
    pub status: String,
    /// The owner, for a per-owner limit.
    pub owner: Option<String>,
    /// Items in the status (of that owner).
    pub count: usize,
    /// The limit.
    pub limit: u32,
    /// The items, in the order given.
    pub items: Vec<String>,
}

impl Breach {
    /// `in-progress holds 6 items, over its WIP limit of 5` (or `… dana holds …`).
    pub fn describe(&self) -> String {
        match &self.owner {
            Some(owner) => format!(
                "{owner} has {} items in {}, over the per-owner WIP limit of {}",
                self.count, self.status, self.limit
            ),
            None => format!(
                "{} holds {} items, over its WIP limit of {}",
                self.status, self.count, self.limit
            ),
        }
    }
}

/// Every breach of the configured limits among `items` (status totals first, then
/// per-owner shares by owner name, for each limited status in the order of the file).
pub fn breaches<'a>(items: impl IntoIterator<Item = &'a Item>, config: &Config) -> Vec<Breach> {
    if config.wip.is_empty() {
        return Vec::new();
    }
    let items: Vec<&Item> = items.into_iter().collect();
    let mut out = Vec::new();
    for limit in config.wip.iter() {
        let in_status: Vec<&Item> = items
            .iter()
            .copied()
            .filter(|i| config.status(i) == limit.status)
            .collect();
        if let Some(max) = limit.limit
            && in_status.len() > max as usize
        {
            out.push(Breach {
                status: limit.status.clone(),
                owner: None,
                count: in_status.len(),
                limit: max,
                items: in_status.iter().map(|i| i.id.clone()).collect(),
            });
        }
        if let Some(max) = limit.per_owner {
            let mut owners: Vec<&str> = in_status
                .iter()
                .filter_map(|i| i.owner.as_deref())
                .collect();
            owners.sort_unstable();
            owners.dedup();
            for owner in owners {
                let mine: Vec<String> = in_status
                    .iter()
                    .filter(|i| i.owner.as_deref() == Some(owner))
                    .map(|i| i.id.clone())
                    .collect();
                if mine.len() > max as usize {
                    out.push(Breach {
                        status: limit.status.clone(),
                        owner: Some(owner.to_owned()),
                        count: mine.len(),
                        limit: max,
                        items: mine,
                    });
                }
            }
        }
    }
    out
}

/// The breaches that `after` (an item's new state, replacing the item of the same ID
/// among `items`) causes or worsens: nothing when its status and owner are unchanged
/// (an edit of another key never trips a limit).
pub fn breaches_after<'a>(
    items: impl IntoIterator<Item = &'a Item>,
    before: &Item,
    after: &'a Item,
    config: &Config,
) -> Vec<Breach> {
    let moved = config.status(before) != config.status(after)
        || (before.owner != after.owner && after.owner.is_some());
    if !moved || config.wip.of(config.status(after)).is_none() {
        return Vec::new();
    }
    let others = items.into_iter().filter(|i| i.id != after.id);
    let all: Vec<&Item> = others.chain(std::iter::once(after)).collect();
    breaches(all, config)
        .into_iter()
        .filter(|b| b.items.contains(&after.id))
        .collect()
}

/// Whether any limit that `breaches` exceeds is marked `strict` in the config.
pub fn any_strict(breaches: &[Breach], config: &Config) -> bool {
    breaches
        .iter()
        .any(|b| config.wip.of(&b.status).is_some_and(|l| l.strict))
}

/// What a change that moves an item means for the WIP limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No limit is exceeded by it.
    Within,
    /// Limits are exceeded: the change goes ahead with a warning.
    Warn(Vec<Breach>),
    /// Limits are exceeded and one of them is strict (or `strict` was asked for).
    Refuse(Vec<Breach>),
}

/// Judges moving `before` to `after` among `items` (see [`breaches_after`]); `strict`
/// refuses any breach (`set --strict-wip`), otherwise only breaches of limits marked
/// `strict` in the config are refused.
pub fn judge<'a>(
    items: impl IntoIterator<Item = &'a Item>,
    before: &Item,
    after: &'a Item,
    config: &Config,
    strict: bool,
) -> Verdict {
    let found = breaches_after(items, before, after, config);
    if found.is_empty() {
        Verdict::Within
    } else if strict || any_strict(&found, config) {
        Verdict::Refuse(found)
    } else {
        Verdict::Warn(found)
    }
}

/// Whether `set` on `before` has to look at the other items at all: only a change of
/// status or owner into a limited status can exceed a limit.
pub fn may_breach(before: &Item, after: &Item, config: &Config) -> bool {
    config.wip.of(config.status(after)).is_some()
        && (config.status(before) != config.status(after) || before.owner != after.owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;

    fn item(id: &str, status: &str, owner: Option<&str>) -> Item {
        let owner = owner.map_or(String::new(), |o| format!("owner: {o}\n"));
        Entry::from_text(
            format!("backlog/{id}.md"),
            &format!("---\nid: {id}\ntitle: T\nstatus: {status}\n{owner}---\n"),
        )
        .unwrap()
        .item
    }

    fn config(wip: &str) -> Config {
        Config::parse(&format!("wip:\n{wip}"), "c.yml").unwrap()
    }

    #[test]
    fn test_breaches_total_and_per_owner() {
        let items = [
            item("B-1", "in-progress", Some("dana")),
            item("B-2", "in-progress", Some("dana")),
            item("B-3", "in-progress", Some("lee")),
            item("B-4", "ready", None),
        ];
        let c = config("  in-progress: {limit: 2, per_owner: 1}\n  ready: 1\n");
        let b = breaches(&items, &c);
        assert_eq!(b.len(), 2, "{b:?}");
        assert_eq!(
            b[0].describe(),
            "in-progress holds 3 items, over its WIP limit of 2"
        );
        assert_eq!(b[1].owner.as_deref(), Some("dana"));
        assert_eq!(b[1].items, ["B-1", "B-2"]);
        assert_eq!(
            b[1].describe(),
            "dana has 2 items in in-progress, over the per-owner WIP limit of 1"
        );
        assert!(breaches(&items, &Config::default()).is_empty());
    }

    #[test]
    fn test_breaches_after_a_move() {
        let items = [
            item("B-1", "in-progress", Some("dana")),
            item("B-2", "ready", Some("dana")),
        ];
        let c = config("  in-progress: {limit: 1, strict: true}\n");
        let after = item("B-2", "in-progress", Some("dana"));
        let b = breaches_after(&items, &items[1], &after, &c);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].count, 2);
        assert!(any_strict(&b, &c));
        // An item already in the status, edited otherwise: no breach reported.
        let again = item("B-1", "in-progress", Some("dana"));
        assert!(breaches_after(&items, &items[0], &again, &c).is_empty());
        // Moving out of a limited status never breaches.
        let out = item("B-1", "done", Some("dana"));
        assert!(breaches_after(&items, &items[0], &out, &c).is_empty());
        assert!(!may_breach(&items[0], &out, &c));
        assert!(may_breach(&items[1], &after, &c));
        assert!(matches!(
            judge(&items, &items[1], &after, &c, false),
            Verdict::Refuse(_)
        ));
        let lax = config("  in-progress: 1\n");
        assert!(matches!(
            judge(&items, &items[1], &after, &lax, false),
            Verdict::Warn(_)
        ));
        assert!(matches!(
            judge(&items, &items[1], &after, &lax, true),
            Verdict::Refuse(_)
        ));
        assert_eq!(judge(&items, &items[0], &out, &lax, true), Verdict::Within);
    }
}
