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
        });
    }
    for col in &mut cols {
        col.wip_limit = config.wip.of(&col.status).and_then(|l| l.limit);
        col.over_limit = col.wip_limit.is_some_and(|l| col.cards.len() > l as usize);
    }
    cols
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
}
