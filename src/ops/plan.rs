//! `plan --apply`: the sprint assignments of a [`Plan`] written into the items.

use crate::analysis::planning::Plan;
use crate::document::FieldValue;
use crate::ops::{OpError, Outcome};
use crate::store::Loaded;
use crate::workspace::Change;

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
            let entry = super::refresh(entry)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::planning::plan;
    use crate::analysis::planning::tests::{STORY, entry, loaded, sprints};
    use crate::config::Config;

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
}
