//! `import`: bring an existing backlog in from Backlog.md, GitHub issues or a CSV export
//! (Jira's by default).
//!
//! Each source has a reader ([`backlog_md`], [`github`], [`csv`]) that turns its files into
//! a [`Batch`] of [`Incoming`] items in the source's order, plus the files or rows it
//! could not read. [`plan`] maps a batch onto the backlog the way `add` builds items
//! (IDs, slugs, rank keys) and returns one [`crate::Change`]: new items, updates of items
//! imported before (matched by `source` or by the kept foreign ID), and new statuses or
//! types for `config.yml`. Nothing is written here; the caller applies the change.

pub mod backlog_md;
pub mod csv;
pub mod github;
mod plan;
pub mod values;

pub use plan::{ImportOptions, ImportPlan, OffScale, plan};

/// What a source says about an item's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusHint {
    /// A status by name (`In Progress`), mapped by name or with `--status-map`.
    Named(String),
    /// Finished (Backlog.md's `completed/`, a closed GitHub issue): the first done status.
    Done,
    /// Archived (Backlog.md's `archive/`): the closed status `archived`.
    Archived,
}

/// One item as a source describes it, before it is mapped onto the backlog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// Where it came from, for messages (`backlog/tasks/task-3 - X.md`, `issues.csv:4`).
    pub origin: String,
    /// The foreign ID to keep (`TASK-12`); `None` mints one.
    pub id: Option<String>,
    /// The link back to where it came from (an issue URL); matched on re-import.
    pub source: Option<String>,
    /// One-line title.
    pub title: String,
    /// Item type as the source names it.
    pub kind: Option<String>,
    /// Status.
    pub status: Option<StatusHint>,
    /// Estimate as written (`5`, `3.0`, `0.5`).
    pub estimate: Option<String>,
    /// Labels.
    pub labels: Vec<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Foreign IDs this item depends on.
    pub depends_on: Vec<String>,
    /// Foreign ID of the parent.
    pub parent: Option<String>,
    /// A rank key the source carries (an export of this tool).
    pub rank: Option<String>,
    /// Every other front-matter key, with its value as one line of YAML, in order.
    pub fields: Vec<(String, String)>,
    /// The markdown body.
    pub body: String,
}

/// A file or row that could not be read, and why. The rest of the import goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file (or `file:row`).
    pub path: String,
    /// 1-based line, where there is one.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path, self.reason),
            None => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

/// Everything a reader got out of its source.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The source's name for messages and the commit (`Backlog.md`, `GitHub`, `CSV`).
    pub source: String,
    /// Items in the source's order.
    pub items: Vec<Incoming>,
    /// What could not be read.
    pub skipped: Vec<Skipped>,
    /// The front-matter keys this source sets: on re-import, a key in this list that the
    /// source no longer gives is removed; other keys (set by hand since) are kept.
    pub managed: Vec<String>,
}

/// Why an import could not start. Unreadable single files or rows are [`Skipped`] instead.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The source could not be read at all.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The source is not in the expected format.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A request that makes no sense (a bad `--map` or `--status-map`).
    #[error("{0}")]
    Usage(String),
}

/// Parses `"A=b,C=d"` (or repeated `A=b`) pairs; the left side may contain spaces.
pub fn parse_pairs(specs: &[String], what: &str) -> Result<Vec<(String, String)>, ImportError> {
    let mut out = Vec::new();
    for spec in specs {
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((from, to)) = part.split_once('=') else {
                return Err(ImportError::Usage(format!(
                    "{what} {part:?} must look like FROM=TO"
                )));
            };
            let (from, to) = (from.trim(), to.trim());
            if from.is_empty() || to.is_empty() {
                return Err(ImportError::Usage(format!(
                    "{what} {part:?} must look like FROM=TO"
                )));
            }
            out.push((from.to_owned(), to.to_owned()));
        }
    }
    Ok(out)
}

/// The body an imported item gets from its parts: the story, the acceptance criteria and
/// definition-of-done checklists with their checked state, then the remaining sections.
pub fn compose_body(
    story: &str,
    criteria: &[(String, bool)],
    done: &[(String, bool)],
    rest: &str,
) -> String {
    let mut body = String::new();
    let mut block = |text: &str| {
        let text = text.trim_matches('\n');
        if text.trim().is_empty() {
            return;
        }
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(text);
        body.push('\n');
    };
    block(story);
    for (heading, list) in [
        ("Acceptance criteria", criteria),
        ("Definition of done", done),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut section = format!("## {heading}\n");
        for (text, checked) in list {
            section.push_str(if *checked { "- [x] " } else { "- [ ] " });
            section.push_str(&values::one_line(text));
            section.push('\n');
        }
        block(&section);
    }
    block(rest);
    body
}

/// Natural order of IDs: `task-2` before `task-10`, `task-2` before `task-2.1`.
pub fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = id.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            out.push((std::mem::take(&mut text), n.parse().unwrap_or(u64::MAX)));
        } else {
            text.push(c.to_ascii_lowercase());
            chars.next();
        }
    }
    if !text.is_empty() {
        out.push((text, 0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_pairs() {
        let pairs = parse_pairs(
            &[
                "To Do=draft,In Progress=in-progress".to_owned(),
                "X=y".to_owned(),
            ],
            "--status-map",
        )
        .unwrap();
        assert_eq!(
            pairs,
            [
                ("To Do", "draft"),
                ("In Progress", "in-progress"),
                ("X", "y")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        assert!(parse_pairs(&["nothing".to_owned()], "--map").is_err());
        assert!(parse_pairs(&["=x".to_owned()], "--map").is_err());
    }

    #[test]
    fn test_compose_body() {
        let body = compose_body(
            "As a user, I want x so that y.",
            &[("one".to_owned(), true), ("two\nlines".to_owned(), false)],
            &[("tests pass".to_owned(), false)],
            "## Implementation notes\n\nDone carefully.\n",
        );
        assert_eq!(
            body,
            "As a user, I want x so that y.\n\n## Acceptance criteria\n- [x] one\n- [ ] two lines\n\n\
             ## Definition of done\n- [ ] tests pass\n\n## Implementation notes\n\nDone carefully.\n"
        );
        assert_eq!(compose_body("", &[], &[], ""), "");
    }

    #[test]
    fn test_natural_key_orders_numbers_by_value() {
        let mut ids = vec!["task-10", "task-2.1", "task-2", "TASK-1", "draft-1"];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(ids, ["draft-1", "TASK-1", "task-2", "task-2.1", "task-10"]);
    }
}
