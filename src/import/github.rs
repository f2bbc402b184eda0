//! GitHub issues, as printed by
//! `gh issue list --state all --limit 100000 --json number,title,body,labels,assignees,state,milestone,createdAt,url`.
//!
//! One item per issue, oldest first: `source` is the issue URL (matched on re-import),
//! a closed issue is done, an open one gets the default status, the first assignee is the
//! owner (all of them in `assignees` when there are several), the milestone is the sprint,
//! and the body is kept as it is: its task lists under an "Acceptance criteria" heading
//! (any level) are the item's criteria.

use serde::Deserialize;

use super::values::{self, yaml_list, yaml_str};
use super::{Batch, ImportError, Incoming, StatusHint};

/// The keys that a GitHub import sets (see [`Batch::managed`]).
pub const MANAGED: &[&str] = &[
    "title",
    "status",
    "labels",
    "owner",
    "assignees",
    "sprint",
    "source",
];

#[derive(Debug, Deserialize)]
struct Issue {
    number: u64,
    title: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    assignees: Vec<User>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    milestone: Option<Milestone>,
    #[serde(default, rename = "createdAt")]
    created_at: Option<String>,
    url: String,
}

#[derive(Debug, Deserialize)]
struct Label {
    name: String,
}

#[derive(Debug, Deserialize)]
struct User {
    login: String,
}

#[derive(Debug, Deserialize)]
struct Milestone {
    title: String,
}

/// Reads the JSON array `gh issue list --json …` prints. `path` is for messages.
pub fn read(path: &str, text: &str) -> Result<Batch, ImportError> {
    let mut issues: Vec<Issue> = serde_json::from_str(text).map_err(|e| ImportError::Invalid {
        path: path.to_owned(),
        line: e.line(),
        message: format!(
            "not the JSON of `gh issue list --json number,title,body,labels,assignees,state,milestone,createdAt,url`: {e}"
        ),
    })?;
    issues.sort_by_key(|i| i.number);
    let items = issues
        .into_iter()
        .map(|issue| {
            let mut fields = Vec::new();
            let assignees: Vec<String> = issue.assignees.into_iter().map(|a| a.login).collect();
            if assignees.len() > 1 {
                fields.push(("assignees".to_owned(), yaml_list(&assignees)));
            }
            if let Some(m) = issue.milestone.filter(|m| !m.title.trim().is_empty()) {
                fields.push(("sprint".to_owned(), yaml_str(m.title.trim())));
            }
            if let Some(d) = issue.created_at.as_deref().and_then(values::date) {
                fields.push(("created".to_owned(), yaml_str(&d)));
            }
            let body = issue.body.unwrap_or_default().replace("\r\n", "\n");
            let mut body = body.trim_end().to_owned();
            if !body.is_empty() {
                body.push('\n');
            }
            let closed = issue
                .state
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("closed"));
            Incoming {
                origin: format!("{path}: issue #{}", issue.number),
                id: None,
                source: Some(issue.url),
                title: values::one_line(&issue.title),
                kind: None,
                status: closed.then_some(StatusHint::Done),
                estimate: None,
                labels: issue.labels.into_iter().map(|l| l.name).collect(),
                owner: assignees.first().cloned(),
                depends_on: Vec::new(),
                parent: None,
                rank: None,
                fields,
                body,
            }
        })
        .collect();
    Ok(Batch {
        source: "GitHub".to_owned(),
        items,
        skipped: Vec::new(),
        managed: MANAGED.iter().map(|s| (*s).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_issues_oldest_first_with_state_and_milestone() {
        let json = r#"[
          {"number": 7, "title": "Second", "body": "", "labels": [], "assignees": [],
           "state": "OPEN", "milestone": null, "createdAt": "2025-02-01T10:00:00Z",
           "url": "https://github.com/o/r/issues/7"},
          {"number": 3, "title": "First", "body": "Text\r\n\r\n## Acceptance criteria\r\n- [x] a\r\n",
           "labels": [{"id": "x", "name": "bug", "description": "", "color": "f00"}],
           "assignees": [{"id": "1", "login": "dana", "name": "Dana"}, {"id": "2", "login": "lee", "name": ""}],
           "state": "CLOSED", "milestone": {"number": 1, "title": "Sprint 4", "description": "", "dueOn": null},
           "createdAt": "2025-01-05T09:00:00Z", "url": "https://github.com/o/r/issues/3"}
        ]"#;
        let batch = read("issues.json", json).unwrap();
        let [first, second] = batch.items.as_slice() else {
            panic!("two items expected");
        };
        assert_eq!(first.title, "First");
        assert_eq!(first.status, Some(StatusHint::Done));
        assert_eq!(first.owner.as_deref(), Some("dana"));
        assert_eq!(first.labels, ["bug"]);
        assert_eq!(first.body, "Text\n\n## Acceptance criteria\n- [x] a\n");
        assert_eq!(
            first.fields,
            [
                ("assignees", "[dana, lee]"),
                ("sprint", "Sprint 4"),
                ("created", "2025-01-05")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(second.status, None);
        assert_eq!(
            second.source.as_deref(),
            Some("https://github.com/o/r/issues/7")
        );
    }

    #[test]
    fn test_bad_json_names_the_line() {
        let err = read("issues.json", "[\n{\"number\": 1}\n]").unwrap_err();
        assert!(err.to_string().starts_with("issues.json:2:"), "{err}");
    }
}
