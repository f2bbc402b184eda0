//! CSV: Jira's export ("Export Excel CSV (all fields)") by default, this tool's own
//! `export --format csv`, or any CSV with `--map COLUMN=KEY`.
//!
//! Default columns (case-insensitive): `Issue key` → kept ID, `Summary` → title,
//! `Description` → story, `Status`, `Issue Type` → type, `Priority`, `Labels` (repeated
//! columns), `Assignee` → owner, `Story Points` / `Custom field (Story Points)` /
//! `Custom field (Story point estimate)` → estimate, `Parent` / `Parent key` /
//! `Custom field (Epic Link)` → parent (a numeric parent is looked up in `Issue id`),
//! `Sprint` (repeated; the last one counts), `Created`, `Updated`,
//! `Inward issue link (Blocks)` / `is blocked by` → `depends_on`,
//! `Outward issue link (Blocks)` / `Blocks` → the other item depends on this one. This
//! tool's own key names are understood too (`id`, `title`, `labels`, `body`…). Every other
//! non-empty column is kept as a key named after its header (`Custom field (Team)` →
//! `custom_field_team`).

use std::collections::HashMap;

use super::values::{self, yaml_list, yaml_str};
use super::{Batch, ImportError, Incoming, Skipped, StatusHint, compose_body};

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Id,
    Title,
    Story,
    Status,
    Type,
    Labels,
    Owner,
    Estimate,
    Parent,
    Sprint,
    Created,
    Updated,
    DependsOn,
    Blocks,
    IssueId,
    Rank,
    Source,
    Criteria,
    Body,
    /// A whole-number key (`value`, `time_criticality`, `risk_reduction`).
    Number(String),
    /// A string key (`duplicate_of`).
    Text(String),
    /// Any other key: the cell's YAML meaning is kept (see [`values::infer`]).
    Other(String),
    Ignore,
}

impl Target {
    /// The front-matter key the target sets, for [`Batch::managed`].
    fn key(&self) -> Option<&str> {
        Some(match self {
            Self::Title => "title",
            Self::Status => "status",
            Self::Type => "type",
            Self::Labels => "labels",
            Self::Owner => "owner",
            Self::Estimate => "estimate",
            Self::Parent => "parent",
            Self::Sprint => "sprint",
            Self::Updated => "updated",
            Self::DependsOn => "depends_on",
            Self::Rank => "rank",
            Self::Source => "source",
            Self::Number(k) | Self::Text(k) | Self::Other(k) => k,
            Self::Blocks => "blocks",
            _ => return None,
        })
    }
}

/// The target of a `--map COLUMN=KEY` key.
fn target_of_key(key: &str) -> Result<Target, ImportError> {
    Ok(match key.trim().to_lowercase().as_str() {
        "-" | "ignore" => Target::Ignore,
        "id" => Target::Id,
        "title" => Target::Title,
        "story" | "description" => Target::Story,
        "status" => Target::Status,
        "type" => Target::Type,
        "labels" | "label" => Target::Labels,
        "owner" => Target::Owner,
        "estimate" => Target::Estimate,
        "parent" => Target::Parent,
        "sprint" => Target::Sprint,
        "created" => Target::Created,
        "updated" => Target::Updated,
        "depends_on" => Target::DependsOn,
        "blocks" => Target::Blocks,
        "rank" => Target::Rank,
        "source" => Target::Source,
        "acceptance_criteria" | "criteria" => Target::Criteria,
        "body" => Target::Body,
        k @ ("value" | "time_criticality" | "risk_reduction") => Target::Number(k.to_owned()),
        "duplicate_of" => Target::Text("duplicate_of".to_owned()),
        _ => {
            let k = key.trim();
            if !k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                || !k.starts_with(|c: char| c.is_ascii_alphabetic())
            {
                return Err(ImportError::Usage(format!(
                    "--map …={key}: a key is letters, digits, `_` and `-`, starting with a letter"
                )));
            }
            Target::Other(k.to_owned())
        }
    })
}

/// The default target of a header (Jira's names and this tool's own).
fn default_target(header: &str) -> Target {
    let h = header.trim().to_lowercase();
    match h.as_str() {
        "issue key" | "key" | "id" => Target::Id,
        "summary" | "title" => Target::Title,
        "description" | "story" => Target::Story,
        "status" => Target::Status,
        "issue type" | "type" => Target::Type,
        "labels" | "label" => Target::Labels,
        "assignee" | "owner" => Target::Owner,
        "story points"
        | "custom field (story points)"
        | "custom field (story point estimate)"
        | "estimate" => Target::Estimate,
        "parent" | "parent key" | "parent id" | "custom field (epic link)" | "epic link" => {
            Target::Parent
        }
        "sprint" => Target::Sprint,
        "created" => Target::Created,
        "updated" => Target::Updated,
        "inward issue link (blocks)" | "is blocked by" | "depends_on" => Target::DependsOn,
        "outward issue link (blocks)" | "blocks" => Target::Blocks,
        "issue id" => Target::IssueId,
        "rank" => Target::Rank,
        "source" => Target::Source,
        "acceptance_criteria" | "acceptance criteria" | "custom field (acceptance criteria)" => {
            Target::Criteria
        }
        "body" => Target::Body,
        "path" => Target::Ignore,
        "value" | "time_criticality" | "risk_reduction" => Target::Number(h.clone()),
        "duplicate_of" => Target::Text(h.clone()),
        _ => {
            let key = snake(header);
            if key.is_empty() {
                Target::Ignore
            } else {
                Target::Other(key)
            }
        }
    }
}

/// `Custom field (Team)` → `custom_field_team`.
fn snake(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("c_{out}")
    } else {
        out
    }
}

/// A criterion cell: `[x] text`, `- [ ] text` or plain text (not done).
fn criterion(text: &str) -> (String, bool) {
    let t = text.trim();
    let t = t.strip_prefix("- ").unwrap_or(t);
    if let Some(rest) = t.strip_prefix("[x]").or_else(|| t.strip_prefix("[X]")) {
        (rest.trim().to_owned(), true)
    } else if let Some(rest) = t.strip_prefix("[ ]") {
        (rest.trim().to_owned(), false)
    } else {
        (t.to_owned(), false)
    }
}

/// One row's cells, by target.
struct Row {
    line: usize,
    cells: Vec<(usize, String)>,
}

/// Reads CSV bytes. `path` is for messages; `map` holds `--map COLUMN=KEY` pairs.
pub fn read(path: &str, bytes: &[u8], map: &[(String, String)]) -> Result<Batch, ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let invalid = |line: usize, message: String| ImportError::Invalid {
        path: path.to_owned(),
        line,
        message,
    };
    let mut records = reader.records();
    let headers = match records.next() {
        None => return Err(invalid(1, "empty file: no header row".to_owned())),
        Some(Err(e)) => return Err(invalid(error_line(&e), csv_message(&e))),
        Some(Ok(h)) => h,
    };
    let mut targets: Vec<Target> = headers.iter().map(default_target).collect();
    for (column, key) in map {
        let target = target_of_key(key)?;
        let mut found = false;
        for (i, h) in headers.iter().enumerate() {
            if h.trim().eq_ignore_ascii_case(column.trim()) {
                targets[i] = target.clone();
                found = true;
            }
        }
        if !found {
            return Err(ImportError::Usage(format!(
                "--map {column}={key}: {path} has no column {column:?} (columns: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    if !targets.contains(&Target::Title) {
        return Err(invalid(
            1,
            "no title column (Jira's `Summary`, or `title`); name one with --map COLUMN=title"
                .to_owned(),
        ));
    }

    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                skipped.push(Skipped {
                    path: path.to_owned(),
                    line: Some(error_line(&e)),
                    reason: csv_message(&e),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<(usize, String)> = record
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.trim().is_empty())
            .map(|(i, c)| (i, c.replace("\r\n", "\n")))
            .collect();
        if !cells.is_empty() {
            rows.push(Row { line, cells });
        }
    }

    // Jira's internal `Issue id` → `Issue key`, for numeric parents.
    let key_by_issue_id: HashMap<String, String> = rows
        .iter()
        .filter_map(|row| {
            let get = |t: &Target| {
                row.cells
                    .iter()
                    .find(|(i, _)| targets.get(*i) == Some(t))
                    .map(|(_, c)| c.trim().to_owned())
            };
            Some((get(&Target::IssueId)?, get(&Target::Id)?))
        })
        .collect();

    let mut items: Vec<Incoming> = Vec::with_capacity(rows.len());
    let mut blocks: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut inc = Incoming {
            origin: format!("{path}:{}", row.line),
            ..Incoming::default()
        };
        let mut story = String::new();
        let mut criteria = Vec::new();
        let mut body: Option<String> = None;
        let mut sprint = None;
        let mut other: Vec<(String, Vec<String>)> = Vec::new();
        let mut numbers: Vec<(String, String)> = Vec::new();
        let mut row_blocks = Vec::new();
        let mut created = None;
        let mut updated = None;
        for (i, cell) in &row.cells {
            let Some(target) = targets.get(*i) else {
                continue;
            };
            let text = cell.trim();
            let split = || {
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            match target {
                Target::Id => inc.id = Some(text.to_owned()),
                Target::Title => inc.title = text.to_owned(),
                Target::Story => story = cell.trim_matches('\n').to_owned(),
                Target::Status => inc.status = Some(StatusHint::Named(text.to_owned())),
                Target::Type => inc.kind = Some(text.to_owned()),
                Target::Labels => inc.labels.extend(split()),
                Target::Owner => inc.owner = Some(values::one_line(text)),
                Target::Estimate => inc.estimate = Some(text.to_owned()),
                Target::Parent => {
                    inc.parent = Some(
                        key_by_issue_id
                            .get(text)
                            .cloned()
                            .unwrap_or_else(|| text.to_owned()),
                    );
                }
                Target::Sprint => sprint = Some(text.to_owned()),
                Target::Created => created = Some(text.to_owned()),
                Target::Updated => updated = Some(text.to_owned()),
                Target::DependsOn => inc.depends_on.extend(split()),
                Target::Blocks => row_blocks.extend(split()),
                Target::IssueId => other.push(("issue_id".to_owned(), vec![text.to_owned()])),
                Target::Rank => inc.rank = Some(text.to_owned()),
                Target::Source => inc.source = Some(text.to_owned()),
                Target::Criteria => {
                    criteria.extend(cell.lines().filter(|l| !l.trim().is_empty()).map(criterion));
                }
                Target::Body => body = Some(cell.clone()),
                Target::Number(k) => numbers.push((k.clone(), text.to_owned())),
                Target::Text(k) => inc.fields.push((k.clone(), yaml_str(text))),
                Target::Other(k) => match other.iter_mut().find(|(key, _)| key == k) {
                    Some((_, vals)) => vals.push(cell.clone()),
                    None => other.push((k.clone(), vec![cell.clone()])),
                },
                Target::Ignore => {}
            }
        }
        if inc.title.is_empty() {
            skipped.push(Skipped {
                path: path.to_owned(),
                line: Some(row.line),
                reason: "no title".to_owned(),
            });
            continue;
        }
        for (k, v) in numbers {
            let yaml = match v.parse::<u32>() {
                Ok(n) => n.to_string(),
                Err(_) => values::infer(&v),
            };
            inc.fields.push((k, yaml));
        }
        if let Some(s) = sprint {
            inc.fields.push(("sprint".to_owned(), yaml_str(&s)));
        }
        for (key, text) in [("created", created), ("updated", updated)] {
            if let Some(text) = text {
                let value = values::date(&text).unwrap_or(text);
                inc.fields.push((key.to_owned(), yaml_str(&value)));
            }
        }
        for (k, vals) in other {
            let yaml = match vals.as_slice() {
                [one] => values::infer(one),
                many => yaml_list(many),
            };
            inc.fields.push((k, yaml));
        }
        inc.body = match body {
            Some(b) => {
                let mut b = b;
                if !b.ends_with('\n') {
                    b.push('\n');
                }
                b
            }
            None => compose_body(&story, &criteria, &[], ""),
        };
        items.push(inc);
        blocks.push(row_blocks);
    }

    // `A blocks B`: B depends on A. Links to items outside the file stay on A as `blocks`.
    let index: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .filter_map(|(i, inc)| inc.id.as_ref().map(|id| (crate::model::id::key(id), i)))
        .collect();
    for (a, targets) in blocks.into_iter().enumerate() {
        let mut outside = Vec::new();
        for b in targets {
            match (index.get(&crate::model::id::key(&b)), items[a].id.clone()) {
                (Some(&bi), Some(aid)) => {
                    if !items[bi]
                        .depends_on
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(&aid))
                    {
                        items[bi].depends_on.push(aid);
                    }
                }
                _ => outside.push(b),
            }
        }
        if !outside.is_empty() {
            items[a]
                .fields
                .push(("blocks".to_owned(), yaml_list(&outside)));
        }
    }

    // Ranks that are not this tool's keys (Jira's LexoRank) only give the order.
    let mut managed: Vec<String> = targets
        .iter()
        .filter_map(|t| t.key().map(str::to_owned))
        .collect();
    let foreign_ranks = items.iter().any(|i| {
        i.rank
            .as_deref()
            .is_some_and(|r| crate::model::rank_key::validate(r).is_err())
    });
    if foreign_ranks {
        items.sort_by(|a, b| match (&a.rank, &b.rank) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        for i in &mut items {
            i.rank = None;
        }
        managed.retain(|k| k != "rank");
    }
    managed.sort();
    managed.dedup();
    Ok(Batch {
        source: "CSV".to_owned(),
        items,
        skipped,
        managed,
    })
}

fn error_line(e: &::csv::Error) -> usize {
    e.position().map_or(1, |p| p.line() as usize)
}

fn csv_message(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_snake_case_headers() {
        assert_eq!(snake("Custom field (Team)"), "custom_field_team");
        assert_eq!(snake("Due Date"), "due_date");
        assert_eq!(snake("2nd"), "c_2nd");
        assert_eq!(snake("()"), "");
    }

    #[test]
    fn test_jira_rows_with_blocks_and_numeric_parent() {
        let csv = "Summary,Issue key,Issue id,Parent,Labels,Labels,Outward issue link (Blocks),Story Points\n\
                   Epic,P-1,100,,,,,\n\
                   \"Multi\nline\",P-2,101,100,a,b,P-3,3.0\n\
                   Later,P-3,102,,,,,\n";
        let batch = read("j.csv", csv.as_bytes(), &[]).unwrap();
        assert_eq!(batch.items.len(), 3);
        let p2 = &batch.items[1];
        assert_eq!(p2.title, "Multi\nline");
        assert_eq!(p2.parent.as_deref(), Some("P-1"));
        assert_eq!(p2.labels, ["a", "b"]);
        assert_eq!(p2.estimate.as_deref(), Some("3.0"));
        assert_eq!(batch.items[2].depends_on, ["P-2"]);
    }

    #[test]
    fn test_map_names_unknown_columns() {
        let csv = "Name,Points\nx,3\n";
        let err = read("a.csv", csv.as_bytes(), &[]).unwrap_err();
        assert!(err.to_string().contains("no title column"), "{err}");
        let map = [
            ("Name".to_owned(), "title".to_owned()),
            ("Points".to_owned(), "estimate".to_owned()),
        ];
        let batch = read("a.csv", csv.as_bytes(), &map).unwrap();
        assert_eq!(batch.items[0].estimate.as_deref(), Some("3"));
        let bad = [("Nope".to_owned(), "title".to_owned())];
        assert!(read("a.csv", csv.as_bytes(), &bad).is_err());
    }
}
