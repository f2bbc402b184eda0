//! Checklists of an item (acceptance criteria, definition of done) as the user sees them
//! numbered, and what keeps a done item from being done.
//!
//! The definition of done is the team's list (`definition_of_done` in `config.yml`) plus
//! the item's own `## Definition of done` checklist: the team's entries come first, each
//! matched to the item's line with the same text. [`done_gaps`] lists the unchecked
//! entries of both checklists, numbered as `criteria` and `dod` show them.

use crate::model::item::{Body, Checklist, Criterion};

/// Normalized form for comparing criteria (case and spacing ignored).
pub fn comparable(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The order a checklist is shown in, as pairs (index into the item's own entries, index
/// into the team's list): for the definition of done, the team's entries first (in
/// `config.yml` order, each matched to the first unclaimed item entry with the same text,
/// case and spacing ignored), then the item's other entries; for acceptance criteria, the
/// item's criteria.
pub fn shown_order(
    own: &[&str],
    list: Checklist,
    team: &[String],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut claimed = vec![false; own.len()];
    let mut out = Vec::with_capacity(own.len() + team.len());
    if list == Checklist::Done {
        for (t, text) in team.iter().enumerate() {
            let key = comparable(text);
            let matched = (0..own.len()).find(|&i| !claimed[i] && comparable(own[i]) == key);
            if let Some(i) = matched {
                claimed[i] = true;
            }
            out.push((matched, Some(t)));
        }
    }
    out.extend(
        (0..own.len())
            .filter(|&i| !claimed[i])
            .map(|i| (Some(i), None)),
    );
    out
}

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
}
