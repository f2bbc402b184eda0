//! Refusals and warnings for changes that parse but make no sense: a dependency that
//! closes a cycle, a dependency on a closed (`split` or `duplicate`) item, a misspelled
//! front-matter key. `set`, `add` (and the MCP tools that share them) call these before
//! anything is written.

use std::collections::{HashMap, VecDeque};

use crate::ops::OpError;
use crate::store::{Entry, Loaded};

pub use crate::model::keys::{UnknownKey, unknown_key};

/// Refuses dependencies of item `id` that it does not have yet (`added`, canonical IDs)
/// when they are closed (`split`: depend on its children; `duplicate`: on the item it was
/// merged into) or when they would close a dependency cycle (the error names the cycle).
pub fn check_new_dependencies(loaded: &Loaded, id: &str, added: &[String]) -> Result<(), OpError> {
    let index: HashMap<String, &Entry> = loaded
        .entries
        .iter()
        .map(|e| (crate::id::key(&e.item.id), e))
        .collect();
    for dep in added {
        let Some(entry) = index.get(&crate::id::key(dep)) else {
            continue;
        };
        let status = entry.item.status_or_default();
        if crate::config::CLOSED_STATUSES.contains(&status) {
            let instead = match status {
                "duplicate" => entry.item.duplicate_of.iter().cloned().collect(),
                _ => loaded
                    .entries
                    .iter()
                    .filter(|e| {
                        e.item
                            .parent
                            .as_deref()
                            .is_some_and(|p| p.eq_ignore_ascii_case(&entry.item.id))
                    })
                    .map(|e| e.item.id.clone())
                    .collect(),
            };
            return Err(OpError::ClosedDependency {
                dep: entry.item.id.clone(),
                status: status.to_owned(),
                instead,
            });
        }
        if let Some(path) = path_to(&index, &entry.item.id, id) {
            let mut cycle = vec![id.to_owned()];
            cycle.extend(path);
            return Err(OpError::DependencyCycle {
                id: id.to_owned(),
                dep: entry.item.id.clone(),
                cycle,
            });
        }
    }
    Ok(())
}

/// The shortest `depends_on` path from `from` to `to` (both included), breadth first.
fn path_to(index: &HashMap<String, &Entry>, from: &str, to: &str) -> Option<Vec<String>> {
    let target = crate::id::key(to);
    let mut prev: HashMap<String, String> = HashMap::new();
    let start = crate::id::key(from);
    let mut queue = VecDeque::from([start.clone()]);
    let mut ids: HashMap<String, String> = HashMap::new();
    ids.insert(start.clone(), from.to_owned());
    while let Some(k) = queue.pop_front() {
        if k == target {
            let mut path = vec![ids[&k].clone()];
            let mut cur = k;
            while let Some(p) = prev.get(&cur) {
                path.push(ids[p].clone());
                cur = p.clone();
            }
            path.reverse();
            return Some(path);
        }
        let Some(entry) = index.get(&k) else {
            continue;
        };
        for d in &entry.item.depends_on {
            let dk = crate::id::key(d);
            if dk != start && !prev.contains_key(&dk) {
                prev.insert(dk.clone(), k.clone());
                ids.insert(dk.clone(), d.clone());
                queue.push_back(dk);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;

    fn entry(id: &str, extra: &str) -> Entry {
        let text = format!("---\nid: {id}\ntitle: T {id}\n{extra}---\n");
        Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
    }

    fn loaded(entries: Vec<Entry>) -> Loaded {
        Loaded {
            entries,
            errors: Vec::new(),
        }
    }

    #[test]
    fn test_unknown_key_suggests_the_near_known_key() {
        assert_eq!(unknown_key("status"), None);
        assert_eq!(unknown_key("stauts").unwrap().suggestion, Some("status"));
        assert_eq!(unknown_key("Owner").unwrap().suggestion, Some("owner"));
        assert_eq!(
            unknown_key("depends-on").unwrap().suggestion,
            Some("depends_on")
        );
        let far = unknown_key("customer").unwrap();
        assert_eq!(far.suggestion, None);
        assert!(far.to_string().contains("known keys: id, title"));
        assert_eq!(
            unknown_key("stauts").unwrap().to_string(),
            "unknown key `stauts`: did you mean `status`?"
        );
        // Short keys are not "corrected" into unrelated short known keys.
        assert_eq!(unknown_key("ab").unwrap().suggestion, None);
    }

    #[test]
    fn test_a_new_dependency_that_closes_a_cycle_is_refused_with_the_cycle() {
        let l = loaded(vec![
            entry("B-A", "depends_on: [B-B]\n"),
            entry("B-B", "depends_on: [B-C]\n"),
            entry("B-C", ""),
            entry("B-D", ""),
        ]);
        let err = check_new_dependencies(&l, "B-C", &["B-A".to_owned()]).unwrap_err();
        match &err {
            OpError::DependencyCycle { cycle, .. } => {
                assert_eq!(cycle, &["B-C", "B-A", "B-B", "B-C"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("B-C -> B-A -> B-B -> B-C"));
        assert!(check_new_dependencies(&l, "B-C", &["B-D".to_owned()]).is_ok());
        assert!(check_new_dependencies(&l, "B-A", &["B-C".to_owned()]).is_ok());
    }

    #[test]
    fn test_a_dependency_on_a_closed_item_names_what_to_depend_on() {
        let l = loaded(vec![
            entry("B-S", "status: split\n"),
            entry("B-S1", "parent: B-S\n"),
            entry("B-S2", "parent: b-s\n"),
            entry("B-U", "status: duplicate\nduplicate_of: B-K\n"),
            entry("B-K", ""),
            entry("B-N", ""),
        ]);
        match check_new_dependencies(&l, "B-N", &["B-S".to_owned()]) {
            Err(OpError::ClosedDependency {
                instead, status, ..
            }) => {
                assert_eq!(status, "split");
                assert_eq!(instead, ["B-S1", "B-S2"]);
            }
            other => panic!("{other:?}"),
        }
        match check_new_dependencies(&l, "B-N", &["B-U".to_owned()]) {
            Err(OpError::ClosedDependency { instead, .. }) => assert_eq!(instead, ["B-K"]),
            other => panic!("{other:?}"),
        }
    }

    proptest::proptest! {
        /// Whatever the graph, a refused dependency closes a real cycle: the path it
        /// names follows `depends_on` edges from the new dependency back to the item.
        #[test]
        fn prop_named_cycles_follow_edges(
            edges in proptest::collection::vec((0usize..6, 0usize..6), 0..12),
            from in 0usize..6,
            to in 0usize..6,
        ) {
            let mut deps: Vec<Vec<String>> = vec![Vec::new(); 6];
            for (a, b) in &edges {
                if a != b && !deps[*a].contains(&format!("B-{b}")) {
                    deps[*a].push(format!("B-{b}"));
                }
            }
            let entries = (0..6)
                .map(|i| {
                    let extra = if deps[i].is_empty() {
                        String::new()
                    } else {
                        format!("depends_on: [{}]\n", deps[i].join(", "))
                    };
                    entry(&format!("B-{i}"), &extra)
                })
                .collect();
            let l = loaded(entries);
            proptest::prop_assume!(from != to);
            let result = check_new_dependencies(&l, &format!("B-{from}"), &[format!("B-{to}")]);
            if let Err(OpError::DependencyCycle { cycle, .. }) = result {
                proptest::prop_assert_eq!(cycle.first(), cycle.last());
                proptest::prop_assert_eq!(&cycle[1], &format!("B-{to}"));
                for w in cycle[1..].windows(2) {
                    let a: usize = w[0][2..].parse().unwrap();
                    proptest::prop_assert!(deps[a].contains(&w[1]));
                }
            }
        }
    }
}
