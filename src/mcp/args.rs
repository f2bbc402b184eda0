//! The tools' typed arguments: what an agent sends, with the JSON schema the server
//! publishes for each tool (every field documented; unknown fields refused).

use schemars::JsonSchema;
use serde::Deserialize;

use crate::ops::ChecklistEdit;
use crate::view::Error;

/// `list_items`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Only items with one of these statuses.
    #[serde(default)]
    pub status: Vec<String>,
    /// Only items with one of these labels.
    #[serde(default)]
    pub label: Vec<String>,
    /// Only items owned by this person.
    pub owner: Option<String>,
    /// Only items of this type (story, bug, task…).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Words that must all occur (case-insensitive) in the title, story, criteria or notes.
    pub search: Option<String>,
    /// Only open items whose dependencies are all done.
    #[serde(default)]
    pub unblocked: bool,
    /// Only open items waiting for a dependency that is not done.
    #[serde(default)]
    pub blocked: bool,
    /// Include closed items (done, split, duplicate); by default only open items.
    #[serde(default)]
    pub all: bool,
    /// Only items whose key (any key, the team's custom fields included) has this value,
    /// e.g. {"team": "web"}; an empty value selects items without the key.
    #[serde(default, rename = "where")]
    pub wheres: std::collections::BTreeMap<String, String>,
}

/// A tool that takes one item.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdArgs {
    /// Item ID (case-insensitive; a unique prefix is enough).
    pub id: String,
}

/// `check`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckArgs {
    /// Report only on these items (references still resolve against the whole backlog).
    #[serde(default)]
    pub ids: Vec<String>,
    /// Count warnings as failures in `summary.passed`.
    #[serde(default)]
    pub strict: bool,
}

/// `plan` and `agenda`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanArgs {
    /// Number of sprints (default: `sprints.horizon` in config.yml).
    pub sprints: Option<u32>,
    /// Points per sprint (default: `sprints.capacity` in config.yml).
    pub capacity: Option<u32>,
}

/// `diff`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffArgs {
    /// The older revision (branch, tag or commit).
    pub from: String,
    /// The newer revision; omitted, the working tree.
    pub to: Option<String>,
}

/// `dupes`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DupesArgs {
    /// Minimum similarity score, from 0 to 1 (default 0.5).
    pub threshold: Option<f64>,
}

/// `next_item`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextArgs {
    /// Only items that are unowned or owned by this person.
    pub owner: Option<String>,
    /// Only items with this label.
    pub label: Option<String>,
}

/// `claim_item`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimArgs {
    /// Item ID (case-insensitive; a unique prefix is enough).
    pub id: String,
    /// Who takes the item (written as `owner`).
    pub owner: String,
    /// Take the item even when another owner holds it.
    #[serde(default)]
    pub force: bool,
}

/// `add_item`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddArgs {
    /// The item's one-line title.
    pub title: String,
    /// Item type (story, bug, task, spike, epic, chore).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Status (default from config: draft).
    pub status: Option<String>,
    /// Story points (must be on the scale).
    pub estimate: Option<u32>,
    /// Business value.
    pub value: Option<u32>,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Items this one depends on (IDs or unique prefixes).
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Parent item.
    pub parent: Option<String>,
    /// User story: "As a …, I want … so that …".
    pub story: Option<String>,
    /// Acceptance criteria.
    #[serde(default)]
    pub criteria: Vec<String>,
}

/// `update_item`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    /// Item ID (case-insensitive; a unique prefix is enough).
    pub id: String,
    /// `KEY=VALUE` assignments as `backlog set` takes them: lists as `[a, b]`, `KEY=`
    /// removes the key.
    pub set: Vec<String>,
}

/// Story points: a number, or text such as "5".
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Points {
    /// A number.
    Number(i64),
    /// Text.
    Text(String),
}

/// `estimate`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateArgs {
    /// Item ID (case-insensitive; a unique prefix is enough).
    pub id: String,
    /// Story points on the configured scale.
    pub points: Points,
}

/// `criteria`: one entry number with its new text.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionText {
    /// The criterion's number (from 1, as listed).
    pub number: usize,
    /// Its new text (one line).
    pub text: String,
}

/// `criteria`: a criterion and the place it moves to.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionMove {
    /// The criterion to move.
    pub from: usize,
    /// The number it gets.
    pub to: usize,
}

/// `criteria`: lists the acceptance criteria, or makes one kind of change (one commit).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaArgs {
    /// Item ID (case-insensitive; a unique prefix is enough).
    pub id: String,
    /// Append unchecked criteria (creates the "Acceptance criteria" section when missing).
    #[serde(default)]
    pub add: Vec<String>,
    /// Check criteria by number.
    #[serde(default)]
    pub check: Vec<usize>,
    /// Uncheck criteria by number.
    #[serde(default)]
    pub uncheck: Vec<usize>,
    /// Remove criteria by number.
    #[serde(default)]
    pub remove: Vec<usize>,
    /// Replace the text of one criterion, keeping its checkbox.
    pub edit: Option<CriterionText>,
    /// Move one criterion to another position.
    #[serde(rename = "move")]
    pub move_to: Option<CriterionMove>,
}

impl CriteriaArgs {
    /// The one requested change, or `None` to list.
    pub(super) fn edit(&self) -> Result<Option<ChecklistEdit>, Error> {
        let mut edits = Vec::new();
        if !self.add.is_empty() {
            edits.push(ChecklistEdit::Add(self.add.clone()));
        }
        if !self.check.is_empty() {
            edits.push(ChecklistEdit::Check(self.check.clone()));
        }
        if !self.uncheck.is_empty() {
            edits.push(ChecklistEdit::Uncheck(self.uncheck.clone()));
        }
        if !self.remove.is_empty() {
            edits.push(ChecklistEdit::Remove(self.remove.clone()));
        }
        if let Some(e) = &self.edit {
            edits.push(ChecklistEdit::Edit {
                number: e.number,
                text: e.text.clone(),
            });
        }
        if let Some(m) = &self.move_to {
            edits.push(ChecklistEdit::Move {
                from: m.from,
                to: m.to,
            });
        }
        if edits.len() > 1 {
            return Err(Error::new(
                "give one of `add`, `check`, `uncheck`, `remove`, `edit` or `move` per call",
            )
            .hint("each kind of change is its own commit: call `criteria` once for each"));
        }
        Ok(edits.pop())
    }
}

/// `split_item`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitArgs {
    /// The item to split.
    pub id: String,
    /// Titles of the children, in rank order.
    pub into: Vec<String>,
    /// Criteria handed to children: `CHILD=N,…` (numbers from 1, as `show_item` lists
    /// them); criteria not given stay on the parent.
    #[serde(default)]
    pub give: Vec<String>,
}

/// `merge_items`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeArgs {
    /// The duplicate, closed with status `duplicate`.
    pub duplicate: String,
    /// The item that stays.
    pub into: String,
}

/// `rank_item`: exactly one of `before`, `after`, `top`, `bottom`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankArgs {
    /// The item to move.
    pub id: String,
    /// Put it directly above this item.
    pub before: Option<String>,
    /// Put it directly below this item.
    pub after: Option<String>,
    /// Put it above every other item.
    #[serde(default)]
    pub top: bool,
    /// Put it below every ranked item.
    #[serde(default)]
    pub bottom: bool,
}
