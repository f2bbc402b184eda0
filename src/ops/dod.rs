//! The definition of done: a done item has every acceptance criterion checked and every
//! entry of its definition of done (the team's list in `config.yml` plus the item's own
//! `## Definition of done` checklist) checked. [`done_gaps`] says what is missing; `check`
//! reports it as `done-incomplete`, `set status=done` and `plan` warn about it, and
//! `backlog dod ID` checks entries off.

use crate::config::Config;
use crate::item::{Body, Checklist, Criterion};
use crate::ops::criteria::shown_order;
use crate::store::Entry;

/// One unchecked entry: its number as `criteria`/`dod` list it, its text and its file
/// line (`None` for a team entry the item does not mention yet).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    /// Number in the list, from 1.
    pub number: usize,
    /// Its text.
    pub text: String,
    /// 1-based file line, when the item has a line for it.
    pub line: Option<usize>,
}

/// What keeps an item from being done.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DoneGaps {
    /// Unchecked acceptance criteria.
    pub criteria: Vec<Gap>,
    /// Unchecked entries of the definition of done.
    pub done: Vec<Gap>,
}

impl DoneGaps {
    /// Nothing is missing.
    pub fn is_empty(&self) -> bool {
        self.criteria.is_empty() && self.done.is_empty()
    }

    /// The first file line that shows a gap.
    pub fn first_line(&self) -> Option<usize> {
        self.criteria.iter().chain(&self.done).find_map(|g| g.line)
    }

    /// A sentence naming the gaps and the commands that close them.
    pub fn describe(&self, id: &str) -> String {
        let numbers = |gaps: &[Gap]| {
            gaps.iter()
                .map(|g| g.number.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut parts = Vec::new();
        let mut fixes = Vec::new();
        if !self.criteria.is_empty() {
            let n = self.criteria.len();
            parts.push(format!(
                "{n} acceptance criteri{} unchecked ({})",
                if n == 1 { "on is" } else { "a are" },
                quoted(&self.criteria)
            ));
            fixes.push(format!(
                "`backlog criteria {id} --check {}`",
                numbers(&self.criteria)
            ));
        }
        if !self.done.is_empty() {
            let n = self.done.len();
            parts.push(format!(
                "{n} definition-of-done entr{} unchecked ({})",
                if n == 1 { "y is" } else { "ies are" },
                quoted(&self.done)
            ));
            fixes.push(format!(
                "`backlog dod {id} --check {}`",
                numbers(&self.done)
            ));
        }
        format!(
            "{id} is done, but {}: check them with {}, or reopen the item",
            parts.join(" and "),
            fixes.join(" and ")
        )
    }
}

fn quoted(gaps: &[Gap]) -> String {
    let mut shown: Vec<String> = gaps
        .iter()
        .take(3)
        .map(|g| format!("{}. {:?}", g.number, short(&g.text)))
        .collect();
    if gaps.len() > 3 {
        shown.push(format!("and {} more", gaps.len() - 3));
    }
    shown.join(", ")
}

fn short(text: &str) -> String {
    let mut out: String = text.chars().take(50).collect();
    if text.chars().count() > 50 {
        out.push('…');
    }
    out
}

/// The unchecked entries of one checklist of a parsed body, numbered as shown.
fn unchecked(own: &[Criterion], list: Checklist, team: &[String]) -> Vec<Gap> {
    let texts: Vec<&str> = own.iter().map(|c| c.text.as_str()).collect();
    shown_order(&texts, list, team)
        .into_iter()
        .enumerate()
        .filter_map(|(i, (o, t))| {
            let c = o.map(|o| &own[o]);
            if c.is_some_and(|c| c.done) {
                return None;
            }
            Some(Gap {
                number: i + 1,
                text: match t {
                    Some(t) => team[t].clone(),
                    None => c.map(|c| c.text.clone()).unwrap_or_default(),
                },
                line: c.map(|c| c.line),
            })
        })
        .collect()
}

/// What a parsed body lacks to be done, given the team's definition of done.
pub fn done_gaps(body: &Body, team: &[String]) -> DoneGaps {
    DoneGaps {
        criteria: unchecked(&body.criteria, Checklist::Criteria, &[]),
        done: unchecked(&body.done, Checklist::Done, team),
    }
}

/// What an item lacks to be done. Quick when there is nothing to find: without a team
/// list, a body with no unchecked box (`[ ]`) is not even parsed.
pub fn entry_done_gaps(entry: &Entry, team: &[String]) -> DoneGaps {
    let text = entry.doc.body();
    if team.is_empty() && !text.contains("[ ]") {
        return DoneGaps::default();
    }
    done_gaps(&Body::parse(text, entry.doc.body_line()), team)
}

/// The done items that are not done by the definition of done (empty when the
/// `done_incomplete` rule is switched off), in the given order.
pub fn incomplete_done<'a>(entries: &'a [Entry], config: &Config) -> Vec<&'a Entry> {
    if !config.rules.done_incomplete.enabled {
        return Vec::new();
    }
    entries
        .iter()
        .filter(|e| {
            config.is_done_status(e.item.status_or_default())
                && !entry_done_gaps(e, &config.definition_of_done).is_empty()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_done_gaps_number_like_the_lists_and_describe_the_fix() {
        let team = vec!["Code reviewed".to_owned(), "Docs updated".to_owned()];
        let body = Body::parse(
            "S.\n\n## Acceptance criteria\n- [x] A\n- [ ] B\n\n## Definition of done\n- [ ] Load test\n- [x] code reviewed\n",
            5,
        );
        let gaps = done_gaps(&body, &team);
        assert_eq!(
            gaps.criteria,
            [Gap {
                number: 2,
                text: "B".into(),
                line: Some(9)
            }]
        );
        assert_eq!(
            gaps.done,
            [
                Gap {
                    number: 2,
                    text: "Docs updated".into(),
                    line: None
                },
                Gap {
                    number: 3,
                    text: "Load test".into(),
                    line: Some(12)
                },
            ]
        );
        assert_eq!(gaps.first_line(), Some(9));
        assert_eq!(
            gaps.describe("B-1"),
            "B-1 is done, but 1 acceptance criterion is unchecked (2. \"B\") and 2 \
             definition-of-done entries are unchecked (2. \"Docs updated\", 3. \"Load test\"): \
             check them with `backlog criteria B-1 --check 2` and `backlog dod B-1 --check 2 3`, \
             or reopen the item"
        );
        assert!(done_gaps(&Body::parse("## Acceptance criteria\n- [x] A\n", 1), &[]).is_empty());
    }

    #[test]
    fn test_entry_done_gaps_agrees_with_the_full_parse() {
        for body in [
            "",
            "- [ ] no heading\n",
            "## Acceptance criteria\n- [ ] a\n",
            "## Acceptance criteria\n- [x] a\n",
        ] {
            let e =
                Entry::from_text("b.md", &format!("---\nid: B-1\ntitle: T\n---\n{body}")).unwrap();
            let full = done_gaps(&Body::parse(e.doc.body(), e.doc.body_line()), &[]);
            assert_eq!(entry_done_gaps(&e, &[]), full, "{body}");
        }
    }
}
