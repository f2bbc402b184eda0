//! `board`: the items as kanban columns, one per status in workflow order, each in rank
//! order. Rendering (terminal width, markdown) is the CLI's job.

use serde::Serialize;

use crate::config::{CLOSED_STATUSES, Config};
use crate::store::Loaded;

/// One card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// ID.
    pub id: String,
    /// Title (unsanitized).
    pub title: String,
    /// Estimate.
    pub estimate: Option<u32>,
    /// Owner.
    pub owner: Option<String>,
    /// Sprint, then `updated` or `created`: what "most recently done" goes by.
    #[serde(skip)]
    pub recency: (String, String),
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The status.
    pub status: String,
    /// Sum of the cards' estimates.
    pub points: u32,
    /// Cards in rank order.
    pub cards: Vec<Card>,
    /// Cards left out by [`cap_done`] (the column's count and points still include them).
    pub more: usize,
    /// The status's WIP limit (`wip:` in `config.yml`), if it has one.
    pub wip_limit: Option<u32>,
    /// Whether the column holds more cards than its WIP limit.
    pub over_limit: bool,
}

/// The columns: every configured status in order (empty ones included), then statuses
/// found in items but not configured, in order of first appearance; the closed states
/// (`split`, `duplicate`) only with `include_closed`.
pub fn columns(loaded: &Loaded, config: &Config, include_closed: bool) -> Vec<Column> {
    let mut cols: Vec<Column> = config
        .statuses
        .iter()
        .map(|s| Column {
            status: s.clone(),
            points: 0,
            cards: Vec::new(),
            more: 0,
            wip_limit: None,
            over_limit: false,
        })
        .collect();
    for e in &loaded.entries {
        let status = config.status(&e.item);
        if !include_closed && CLOSED_STATUSES.contains(&status) {
            continue;
        }
        let i = match cols.iter().position(|c| c.status == status) {
            Some(i) => i,
            None => {
                cols.push(Column {
                    status: status.to_owned(),
                    points: 0,
                    cards: Vec::new(),
                    more: 0,
                    wip_limit: None,
                    over_limit: false,
                });
                cols.len() - 1
            }
        };
        let col = &mut cols[i];
        col.points = col.points.saturating_add(e.item.estimate.unwrap_or(0));
        col.cards.push(Card {
            id: e.item.id.clone(),
            title: e.item.title.clone(),
            estimate: e.item.estimate,
            owner: e.item.owner.clone(),
            recency: recency(&e.item),
        });
    }
    for col in &mut cols {
        col.wip_limit = config.wip.of(&col.status).and_then(|l| l.limit);
        col.over_limit = col.wip_limit.is_some_and(|l| col.cards.len() > l as usize);
    }
    cols
}

/// How recently an item was finished, as far as its file tells: the sprint it was done in,
/// then `updated`, then `created` (later is more recent; `YYYY-MM-DD` dates and sprint
/// names like `2026-S21` order as text).
fn recency(item: &crate::model::item::Item) -> (String, String) {
    let date = item
        .updated
        .clone()
        .or_else(|| item.created.clone())
        .unwrap_or_default();
    (item.sprint.clone().unwrap_or_default(), date)
}

/// Keeps only the `keep` most recently finished cards of every done column (see
/// [`Column::more`]), still in rank order; among equally recent cards the lower-ranked
/// one (worked on later) counts as more recent.
pub fn cap_done(cols: &mut [Column], config: &Config, keep: usize) {
    for col in cols.iter_mut().filter(|c| config.is_done_status(&c.status)) {
        if col.cards.len() <= keep {
            continue;
        }
        let mut order: Vec<usize> = (0..col.cards.len()).collect();
        // Most recent first; a stable sort on the reversed rank order breaks ties.
        order.reverse();
        order.sort_by(|&a, &b| col.cards[b].recency.cmp(&col.cards[a].recency));
        let mut kept: Vec<usize> = order.into_iter().take(keep).collect();
        kept.sort_unstable();
        col.more = col.cards.len() - kept.len();
        let mut i = 0;
        col.cards.retain(|_| {
            let keep = kept.binary_search(&i).is_ok();
            i += 1;
            keep
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;

    fn entry(id: &str, rank: &str, status: &str) -> Entry {
        let text = format!("---\nid: {id}\ntitle: T {id}\nrank: {rank}\nstatus: {status}\n---\n");
        Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
    }

    #[test]
    fn test_columns_in_status_and_rank_order() {
        let loaded = Loaded {
            entries: vec![
                entry("B-1", "a1", "done"),
                entry("B-2", "a2", "draft"),
                entry("B-3", "a3", "split"),
                entry("B-4", "a4", "blocked"),
                entry("B-5", "a5", "draft"),
            ],
            errors: Vec::new(),
        };
        let c = Config::default();
        let cols = columns(&loaded, &c, false);
        let shape: Vec<(&str, Vec<&str>)> = cols
            .iter()
            .map(|c| {
                (
                    c.status.as_str(),
                    c.cards.iter().map(|k| k.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("draft", vec!["B-2", "B-5"]),
                ("ready", vec![]),
                ("in-progress", vec![]),
                ("done", vec!["B-1"]),
                ("blocked", vec!["B-4"]),
            ]
        );
        assert_eq!(columns(&loaded, &c, true).len(), 6);
    }

    #[test]
    fn test_cap_done_keeps_the_most_recent_in_rank_order() {
        let done = |id: &str, rank: &str, extra: &str| {
            let text = format!(
                "---\nid: {id}\ntitle: T\nrank: {rank}\nstatus: done\nestimate: 1\n{extra}---\n"
            );
            Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
        };
        let loaded = Loaded {
            entries: vec![
                done("B-1", "a1", "sprint: 2026-S21\n"),
                done("B-2", "a2", "sprint: 2026-S23\ncreated: 2026-01-01\n"),
                done("B-3", "a3", "sprint: 2026-S22\n"),
                done("B-4", "a4", "sprint: 2026-S23\ncreated: 2026-01-02\n"),
                done("B-5", "a5", ""),
                entry("B-6", "a6", "draft"),
            ],
            errors: Vec::new(),
        };
        let c = Config::default();
        let mut cols = columns(&loaded, &c, false);
        cap_done(&mut cols, &c, 3);
        let done = cols.iter().find(|c| c.status == "done").unwrap();
        let ids: Vec<&str> = done.cards.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["B-2", "B-3", "B-4"]);
        assert_eq!((done.more, done.points), (2, 5));
        assert_eq!(cols[0].cards.len(), 1);
        let mut none = columns(&loaded, &c, false);
        cap_done(&mut none, &c, 0);
        assert!(
            none.iter()
                .find(|c| c.status == "done")
                .unwrap()
                .cards
                .is_empty()
        );
    }
}
