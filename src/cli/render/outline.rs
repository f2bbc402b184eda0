//! Rendering the outline views of `list`: `--tree` (parents with their children and
//! rolled-up points) and `--group-by` (groups with counts and points), as text and JSON.

use serde_json::Value as Json;

use backlog::analysis::outline::{Group, GroupKey, Node, Rollup};
use backlog::store::Entry;
use backlog::text::sanitize;

use super::{item_json, width};

/// `13 of 21 pts done (62%), 2 of 5 items` (and how many have no estimate).
pub(crate) fn rollup_text(r: &Rollup) -> String {
    let mut text = format!("{} of {} pts done", r.points_done, r.points_total);
    if let Some(p) = r.percent() {
        text.push_str(&format!(" ({p}%)"));
    }
    text.push_str(&format!(
        ", {} of {} item{} done",
        r.items_done,
        r.items_total,
        if r.items_total == 1 { "" } else { "s" }
    ));
    if r.unestimated > 0 {
        text.push_str(&format!(", {} unestimated", r.unestimated));
    }
    text
}

/// The rollup as JSON.
pub(crate) fn rollup_json(r: &Rollup) -> Json {
    serde_json::json!({
        "points_done": r.points_done,
        "points_total": r.points_total,
        "items_done": r.items_done,
        "items_total": r.items_total,
        "unestimated": r.unestimated,
        "percent": r.percent(),
    })
}

struct Line {
    head: String,
    status: String,
    points: String,
    rest: String,
}

fn points(entry: &Entry) -> String {
    entry
        .item
        .estimate
        .map_or_else(|| "-".to_owned(), |p| p.to_string())
}

fn aligned(lines: &[Line]) -> Vec<String> {
    let head_w = lines.iter().map(|l| width(&l.head)).max().unwrap_or(0);
    let status_w = lines.iter().map(|l| width(&l.status)).max().unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            let pad = head_w - width(&l.head);
            format!(
                "{}{}  {:status_w$}  {:>3}  {}",
                l.head,
                " ".repeat(pad),
                l.status,
                l.points,
                l.rest
            )
            .trim_end()
            .to_owned()
        })
        .collect()
}

/// The tree as aligned text lines: children under their parent with `├─`/`└─`, and the
/// rolled-up points after every parent's title.
pub(crate) fn tree_text(entries: &[Entry], forest: &[Node]) -> Vec<String> {
    let mut lines = Vec::new();
    // (node, prefix for its own line, prefix for its children's lines)
    let mut stack: Vec<(&Node, String, String)> = forest
        .iter()
        .rev()
        .map(|n| (n, String::new(), String::new()))
        .collect();
    while let Some((node, own, inner)) = stack.pop() {
        let e = &entries[node.index];
        let mut rest = sanitize(&e.item.title).into_owned();
        if let Some(r) = &node.rollup {
            rest.push_str(&format!("  [{}]", rollup_text(r)));
        }
        lines.push(Line {
            head: format!("{own}{}", e.item.id),
            status: sanitize(e.item.status_or_default()).into_owned(),
            points: points(e),
            rest,
        });
        let last = node.children.len().saturating_sub(1);
        for (i, c) in node.children.iter().enumerate().rev() {
            let (branch, cont) = if i == last {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            stack.push((c, format!("{inner}{branch}"), format!("{inner}{cont}")));
        }
    }
    aligned(&lines)
}

/// The tree as JSON: every node is the item (all front-matter keys and `path`) with its
/// `rollup` (null for an item without children) and `children`.
pub(crate) fn tree_json(entries: &[Entry], forest: &[Node]) -> Json {
    fn node(entries: &[Entry], n: &Node) -> Json {
        let mut v = item_json(&entries[n.index], false);
        if let Json::Object(map) = &mut v {
            map.insert(
                "rollup".to_owned(),
                n.rollup.as_ref().map_or(Json::Null, rollup_json),
            );
            map.insert(
                "children".to_owned(),
                Json::Array(n.children.iter().map(|c| node(entries, c)).collect()),
            );
        }
        v
    }
    serde_json::json!({
        "schema": 1,
        "tree": forest.iter().map(|n| node(entries, n)).collect::<Vec<_>>(),
    })
}

fn group_title(key: &GroupKey, group: &Group, titles: &dyn Fn(&str) -> Option<String>) -> String {
    let value = match (&group.value, key) {
        (Some(v), GroupKey::Parent) => match titles(v) {
            Some(t) => format!("{}  {}", sanitize(v), sanitize(&t)),
            None => sanitize(v).into_owned(),
        },
        (Some(v), _) => sanitize(v).into_owned(),
        (None, _) => format!("(no {})", key.name()),
    };
    let n = group.items.len();
    let mut text = format!(
        "{value}  ({n} item{}, {} pts",
        if n == 1 { "" } else { "s" },
        group.points
    );
    if group.unestimated > 0 {
        text.push_str(&format!(", {} unestimated", group.unestimated));
    }
    text.push(')');
    text
}

/// Groups as text: a header line per group with its count and points, then its items.
pub(crate) fn groups_text(
    entries: &[Entry],
    groups: &[Group],
    key: &GroupKey,
    titles: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let lines: Vec<Line> = groups
        .iter()
        .flat_map(|g| g.items.iter())
        .map(|&i| {
            let e = &entries[i];
            let item = &e.item;
            let mut rest = sanitize(&item.title).into_owned();
            if let Some(owner) = &item.owner {
                rest.push_str(&format!("  @{}", sanitize(owner)));
            }
            if !item.labels.is_empty() {
                rest.push_str(&format!("  [{}]", sanitize(&item.labels.join(", "))));
            }
            Line {
                head: format!("  {}", item.id),
                status: sanitize(item.status_or_default()).into_owned(),
                points: points(e),
                rest,
            }
        })
        .collect();
    let mut rows = aligned(&lines).into_iter();
    let mut out = Vec::new();
    for (k, g) in groups.iter().enumerate() {
        if k > 0 {
            out.push(String::new());
        }
        out.push(group_title(key, g, titles));
        out.extend(rows.by_ref().take(g.items.len()));
    }
    out
}

/// Groups as JSON.
pub(crate) fn groups_json(entries: &[Entry], groups: &[Group], key: &GroupKey) -> Json {
    serde_json::json!({
        "schema": 1,
        "group_by": key.name(),
        "groups": groups.iter().map(|g| serde_json::json!({
            "value": g.value,
            "count": g.items.len(),
            "points": g.points,
            "unestimated": g.unestimated,
            "items": g.items.iter().map(|&i| item_json(&entries[i], false)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
