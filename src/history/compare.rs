//! Field-level changes of an item between two versions: what `diff` and `log` report.

use std::collections::HashMap;

use serde::Serialize;
use serde_yaml_ng::Value;

use super::{OrderKey, Version};
use crate::item::Body;

/// Which way an item moved in the backlog order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Towards the top (higher priority).
    Up,
    /// Towards the bottom.
    Down,
}

/// One field-level change of an item between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldChange {
    /// The file moved.
    Renamed {
        /// Old path.
        from: String,
        /// New path.
        to: String,
    },
    /// The title was edited.
    Title {
        /// Old title.
        from: String,
        /// New title.
        to: String,
    },
    /// The status changed.
    Status {
        /// Old status (`None`: not set).
        from: Option<String>,
        /// New status.
        to: Option<String>,
    },
    /// The estimate changed.
    Estimate {
        /// Old points.
        from: Option<u32>,
        /// New points.
        to: Option<u32>,
    },
    /// The business value changed.
    Value {
        /// Old value.
        from: Option<u32>,
        /// New value.
        to: Option<u32>,
    },
    /// The rank key changed.
    Rank {
        /// Old key.
        from: Option<String>,
        /// New key.
        to: Option<String>,
        /// Up or down.
        direction: Direction,
        /// How many items it passed (see [`diff`](super::diff())); `None` where not computed.
        #[serde(skip_serializing_if = "Option::is_none")]
        places: Option<usize>,
        /// The item now right after it ("moved above X"), if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        above: Option<String>,
        /// The item now right before it, if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        below: Option<String>,
    },
    /// The rank key changed but the item kept its place among the others (a respread by
    /// `rank --rebalance`, or a new key between the same neighbours): not a move.
    RankKey {
        /// Old key.
        from: Option<String>,
        /// New key.
        to: Option<String>,
    },
    /// A dependency was added.
    DependencyAdded {
        /// The item depended on.
        id: String,
    },
    /// A dependency was removed.
    DependencyRemoved {
        /// The item no longer depended on.
        id: String,
    },
    /// An acceptance criterion was added.
    CriterionAdded {
        /// Its text.
        text: String,
        /// Whether it is checked.
        done: bool,
    },
    /// An acceptance criterion was removed.
    CriterionRemoved {
        /// Its text.
        text: String,
    },
    /// An acceptance criterion was checked.
    CriterionChecked {
        /// Its text.
        text: String,
    },
    /// An acceptance criterion was unchecked.
    CriterionUnchecked {
        /// Its text.
        text: String,
    },
    /// The story paragraph was edited.
    Story {
        /// Old story.
        from: Option<String>,
        /// New story.
        to: Option<String>,
    },
    /// Another front-matter key changed.
    Field {
        /// The key.
        key: String,
        /// Old value (`None`: not set).
        from: Option<Value>,
        /// New value.
        to: Option<Value>,
    },
    /// The body changed in a way none of the above describes.
    Body,
}

/// Keys compared by dedicated [`FieldChange`]s, or not worth reporting (`updated`).
const SPECIAL_KEYS: [&str; 8] = [
    "id",
    "title",
    "status",
    "estimate",
    "value",
    "rank",
    "depends_on",
    "updated",
];

/// The field-level changes from `old` to `new` (rank places are left to the caller).
pub(crate) fn compare(old: &Version, new: &Version) -> Vec<FieldChange> {
    let (o, n) = (&old.item, &new.item);
    let mut out = Vec::new();
    if old.path != new.path {
        out.push(FieldChange::Renamed {
            from: old.path.clone(),
            to: new.path.clone(),
        });
    }
    if o.title != n.title {
        out.push(FieldChange::Title {
            from: o.title.clone(),
            to: n.title.clone(),
        });
    }
    if o.status != n.status {
        out.push(FieldChange::Status {
            from: o.status.clone(),
            to: n.status.clone(),
        });
    }
    if o.estimate != n.estimate {
        out.push(FieldChange::Estimate {
            from: o.estimate,
            to: n.estimate,
        });
    }
    if o.value != n.value {
        out.push(FieldChange::Value {
            from: o.value,
            to: n.value,
        });
    }
    if o.rank != n.rank {
        out.push(FieldChange::Rank {
            from: o.rank.clone(),
            to: n.rank.clone(),
            direction: if OrderKey::of_item(n) < OrderKey::of_item(o) {
                Direction::Up
            } else {
                Direction::Down
            },
            places: None,
            above: None,
            below: None,
        });
    }
    let key = |s: &String| crate::id::key(s);
    for d in &n.depends_on {
        if !o.depends_on.iter().any(|x| key(x) == key(d)) {
            out.push(FieldChange::DependencyAdded { id: d.clone() });
        }
    }
    for d in &o.depends_on {
        if !n.depends_on.iter().any(|x| key(x) == key(d)) {
            out.push(FieldChange::DependencyRemoved { id: d.clone() });
        }
    }
    let (of, nf) = (&old.fields, &new.fields);
    let mut keys: Vec<&Value> = of.keys().collect();
    for k in nf.keys() {
        if !of.contains_key(k) {
            keys.push(k);
        }
    }
    for k in keys {
        let name = match k {
            Value::String(s) => s.clone(),
            other => serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        if SPECIAL_KEYS.contains(&name.as_str()) {
            continue;
        }
        let (from, to) = (of.get(k), nf.get(k));
        if from != to {
            out.push(FieldChange::Field {
                key: name,
                from: from.cloned(),
                to: to.cloned(),
            });
        }
    }
    let body_changes = out.len();
    if old.body.story != new.body.story {
        out.push(FieldChange::Story {
            from: old.body.story.clone(),
            to: new.body.story.clone(),
        });
    }
    compare_criteria(&old.body, &new.body, &mut out);
    if out.len() == body_changes && old.doc.body() != new.doc.body() {
        out.push(FieldChange::Body);
    }
    out
}

/// Criteria are matched by text, in order (a repeated text matches its n-th copy). An
/// edited text is a removal plus an addition.
fn compare_criteria(old: &Body, new: &Body, out: &mut Vec<FieldChange>) {
    let mut unmatched_old: HashMap<&str, Vec<bool>> = HashMap::new();
    for c in old.criteria.iter().rev() {
        unmatched_old
            .entry(c.text.as_str())
            .or_default()
            .push(c.done);
    }
    let mut removed = Vec::new();
    for c in &new.criteria {
        match unmatched_old.get_mut(c.text.as_str()).and_then(Vec::pop) {
            Some(was) if was != c.done => out.push(if c.done {
                FieldChange::CriterionChecked {
                    text: c.text.clone(),
                }
            } else {
                FieldChange::CriterionUnchecked {
                    text: c.text.clone(),
                }
            }),
            Some(_) => {}
            None => out.push(FieldChange::CriterionAdded {
                text: c.text.clone(),
                done: c.done,
            }),
        }
    }
    for c in &old.criteria {
        if let Some(left) = unmatched_old.get_mut(c.text.as_str())
            && left.pop().is_some()
        {
            removed.push(FieldChange::CriterionRemoved {
                text: c.text.clone(),
            });
        }
    }
    out.extend(removed);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(path: &str, front: &str, body: &str) -> Version {
        Version::parse(path, format!("---\n{front}---\n{body}").as_bytes()).unwrap()
    }

    #[test]
    fn test_compare_fields() {
        let old = version(
            "backlog/a.md",
            "id: B-1\ntitle: Old\nstatus: draft\nestimate: 3\nrank: a1\ndepends_on: [B-2, B-3]\nowner: dana\nupdated: 2026-01-01\n",
            "Story.\n",
        );
        let new = version(
            "backlog/b.md",
            "id: B-1\ntitle: New\nstatus: ready\nestimate: 5\nvalue: 8\nrank: a0\ndepends_on: [b-3, B-4]\nupdated: 2026-02-02\nlabels: [x]\n",
            "Story.\n",
        );
        assert_eq!(
            compare(&old, &new),
            vec![
                FieldChange::Renamed {
                    from: "backlog/a.md".into(),
                    to: "backlog/b.md".into()
                },
                FieldChange::Title {
                    from: "Old".into(),
                    to: "New".into()
                },
                FieldChange::Status {
                    from: Some("draft".into()),
                    to: Some("ready".into())
                },
                FieldChange::Estimate {
                    from: Some(3),
                    to: Some(5)
                },
                FieldChange::Value {
                    from: None,
                    to: Some(8)
                },
                FieldChange::Rank {
                    from: Some("a1".into()),
                    to: Some("a0".into()),
                    direction: Direction::Up,
                    places: None,
                    above: None,
                    below: None
                },
                FieldChange::DependencyAdded { id: "B-4".into() },
                FieldChange::DependencyRemoved { id: "B-2".into() },
                FieldChange::Field {
                    key: "owner".into(),
                    from: Some(Value::String("dana".into())),
                    to: None
                },
                FieldChange::Field {
                    key: "labels".into(),
                    from: None,
                    to: Some(Value::Sequence(vec![Value::String("x".into())]))
                },
            ]
        );
    }

    #[test]
    fn test_compare_body_criteria_and_story() {
        let front = "id: B-1\ntitle: T\n";
        let old = version(
            "p.md",
            front,
            "As a user, I want a so that b.\n\n## Acceptance criteria\n- [ ] one\n- [ ] two\n- [x] same\n- [ ] same\n- [ ] gone\n",
        );
        let new = version(
            "p.md",
            front,
            "As a user, I want c so that d.\n\n## Acceptance criteria\n- [x] one\n- [ ] two\n- [ ] same\n- [ ] same\n- [ ] new\n",
        );
        assert_eq!(
            compare(&old, &new),
            vec![
                FieldChange::Story {
                    from: Some("As a user, I want a so that b.".into()),
                    to: Some("As a user, I want c so that d.".into())
                },
                FieldChange::CriterionChecked { text: "one".into() },
                FieldChange::CriterionUnchecked {
                    text: "same".into()
                },
                FieldChange::CriterionAdded {
                    text: "new".into(),
                    done: false
                },
                FieldChange::CriterionRemoved {
                    text: "gone".into()
                },
            ]
        );
        let edited = version("p.md", front, "Some notes.\n");
        let reworded = version("p.md", front, "Other notes.\n");
        assert_eq!(
            compare(&edited, &reworded),
            vec![FieldChange::Story {
                from: Some("Some notes.".into()),
                to: Some("Other notes.".into())
            }]
        );
        let a = version("p.md", front, "Intro.\n\n## Notes\nx\n");
        let b = version("p.md", front, "Intro.\n\n## Notes\ny\n");
        assert_eq!(compare(&a, &b), vec![FieldChange::Body]);
        assert_eq!(compare(&a, &a.clone()), vec![]);
    }
}
