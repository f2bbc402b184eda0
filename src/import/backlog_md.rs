//! Backlog.md (github.com/MrLesk/Backlog.md): one markdown file per task in
//! `backlog/tasks`, `backlog/drafts`, `backlog/completed` and `backlog/archive/{tasks,drafts}`,
//! named `task-12 - Title.md`, with YAML front matter (`id`, `title`, `status`,
//! `assignee`, `reporter`, `created_date`, `updated_date`, `labels`, `milestone`,
//! `dependencies`, `parent_task_id`, `priority`, `ordinal`…) and `## Description`,
//! `## Acceptance Criteria`, `## Definition of Done`, `## Implementation Plan`,
//! `## Implementation Notes` sections, optionally wrapped in `<!-- …:BEGIN -->` markers.
//!
//! Mapping: `id` is kept; `assignee` → `owner` (the first; all of them in `assignees` when
//! there are several); `dependencies` → `depends_on`; `parent_task_id` → `parent`;
//! `milestone` → `sprint`; `created_date`/`updated_date` → `created`/`updated` (the date);
//! `ordinal` → the rank order; the description → the story; both checklists keep their
//! checked state; every other key is kept as it is. Tasks in `drafts/` are `draft`, in
//! `completed/` done, in `archive/` `archived` (a closed status).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_yaml_ng::Value;

use super::values::{self, scalar_text, string_list, yaml_list, yaml_str, yaml_value};
use super::{Batch, ImportError, Incoming, Skipped, StatusHint, compose_body, natural_key};
use crate::document::{Document, MAX_FILE_BYTES};
use crate::model::item::KNOWN_KEYS;

/// The folder a task file is in, which says something about its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// `tasks/`: the status in the file counts.
    Tasks,
    /// `drafts/`: a draft.
    Drafts,
    /// `completed/`: done.
    Completed,
    /// `archive/tasks/`, `archive/drafts/`: archived.
    Archive,
}

/// A task file found by [`scan`].
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where it is.
    pub path: PathBuf,
    /// The path kept in `source`: relative to the Backlog.md project root, so it stays the
    /// same wherever that project is checked out.
    pub shown: String,
    /// The path as given on the command line, for messages.
    pub display: String,
    /// Its folder.
    pub folder: Folder,
}

/// The keys that a Backlog.md import sets (see [`Batch::managed`]).
pub const MANAGED: &[&str] = &[
    "title",
    "type",
    "status",
    "owner",
    "assignees",
    "reporter",
    "labels",
    "depends_on",
    "parent",
    "priority",
    "sprint",
    "updated",
    "source",
];

/// Finds the task files under `path`: a project root holding `backlog/`, or that folder.
pub fn scan(path: &Path) -> Result<Vec<SourceFile>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_dir() {
        return Err(ImportError::Usage(format!(
            "{} is not a folder: give the project root that holds Backlog.md's `backlog/` folder, or that folder",
            path.display()
        )));
    }
    let (folder, prefix) = if path.join("backlog").is_dir() {
        (path.join("backlog"), "backlog/".to_owned())
    } else {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        (path.to_path_buf(), format!("{name}/"))
    };
    let places = [
        ("tasks", Folder::Tasks),
        ("drafts", Folder::Drafts),
        ("completed", Folder::Completed),
        ("archive/tasks", Folder::Archive),
        ("archive/drafts", Folder::Archive),
    ];
    if !places.iter().any(|(sub, _)| folder.join(sub).is_dir()) {
        return Err(ImportError::Usage(format!(
            "{} has no Backlog.md folders (tasks/, drafts/, completed/, archive/)",
            folder.display()
        )));
    }
    let mut files = Vec::new();
    for (sub, kind) in places {
        let dir = folder.join(sub);
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<SourceFile> = Vec::new();
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if !is_file || !name.ends_with(".md") || name.eq_ignore_ascii_case("readme.md") {
                continue;
            }
            here.push(SourceFile {
                display: entry.path().display().to_string(),
                path: entry.path(),
                shown: format!("{prefix}{sub}/{name}"),
                folder: kind,
            });
        }
        here.sort_by(|a, b| a.shown.cmp(&b.shown));
        files.extend(here);
    }
    Ok(files)
}

/// Reads the files (in parallel; `tick` is called once per file) into a batch in
/// Backlog.md's order: by `ordinal`, then by ID.
pub fn read(files: &[SourceFile], tick: &(dyn Fn() + Sync)) -> Batch {
    let results: Vec<Result<(Incoming, Option<f64>), Skipped>> = files
        .par_iter()
        .map(|f| {
            let out = read_file(f);
            tick();
            out
        })
        .collect();
    let mut items = Vec::with_capacity(results.len());
    let mut skipped = Vec::new();
    for r in results {
        match r {
            Ok(item) => items.push(item),
            Err(s) => skipped.push(s),
        }
    }
    items.sort_by(|(a, ao), (b, bo)| {
        let by_ordinal = match (ao, bo) {
            (Some(x), Some(y)) => x.total_cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_ordinal.then_with(|| {
            natural_key(a.id.as_deref().unwrap_or(""))
                .cmp(&natural_key(b.id.as_deref().unwrap_or("")))
        })
    });
    Batch {
        source: "Backlog.md".to_owned(),
        items: items.into_iter().map(|(i, _)| i).collect(),
        skipped,
        managed: MANAGED.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn read_file(f: &SourceFile) -> Result<(Incoming, Option<f64>), Skipped> {
    let fail = |line: Option<usize>, reason: String| Skipped {
        path: f.display.clone(),
        line,
        reason,
    };
    let meta = std::fs::metadata(&f.path).map_err(|e| fail(None, e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(fail(
            Some(1),
            format!(
                "file is {} bytes, over the {MAX_FILE_BYTES}-byte limit",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(&f.path).map_err(|e| fail(None, e.to_string()))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = crate::document::line_of(e.as_bytes(), e.utf8_error().valid_up_to());
            return Err(fail(Some(line), "file is not valid UTF-8".to_owned()));
        }
    };
    let file_name = f
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let (mut item, ordinal) = parse_task(&f.shown, &file_name, &text, f.folder)
        .map_err(|(line, reason)| fail(line, reason))?;
    item.origin = f.display.clone();
    Ok((item, ordinal))
}

/// Parses one task file's text into an item (and its ordinal).
pub fn parse_task(
    shown: &str,
    file_name: &str,
    text: &str,
    folder: Folder,
) -> Result<(Incoming, Option<f64>), (Option<usize>, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_owned()
    };
    let text = quote_handles(&text);
    let doc = Document::from_string(text).map_err(|e| (Some(e.line()), e.to_string()))?;
    let fm = doc
        .front_matter()
        .map_err(|e| (Some(e.line()), e.to_string()))?;
    let get = |k: &str| fm.get(k).filter(|v| !v.is_null());
    let text_of = |k: &str| {
        get(k)
            .and_then(scalar_text)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };

    // `task-12 - Title.md`: the ID and title when the front matter lacks them.
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let (file_id, file_title) = match stem.split_once(" - ") {
        Some((id, title)) => (Some(id.trim().to_owned()), Some(title.replace('-', " "))),
        None => (None, None),
    };
    let id = text_of("id")
        .or(file_id)
        .ok_or((Some(doc.front_matter_line()), "missing `id`".to_owned()))?;
    let title = text_of("title")
        .or(file_title)
        .ok_or((Some(doc.front_matter_line()), "missing `title`".to_owned()))?;
    let status = match folder {
        Folder::Tasks => text_of("status").map(StatusHint::Named),
        Folder::Drafts => Some(StatusHint::Named("draft".to_owned())),
        Folder::Completed => Some(StatusHint::Done),
        Folder::Archive => Some(StatusHint::Archived),
    };
    let assignees: Vec<String> = string_list(get("assignee"))
        .into_iter()
        .map(|a| a.trim().trim_start_matches('@').to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let mut fields: Vec<(String, String)> = Vec::new();
    if assignees.len() > 1 {
        fields.push(("assignees".to_owned(), yaml_list(&assignees)));
    }
    if let Some(p) = text_of("priority") {
        fields.push(("priority".to_owned(), yaml_str(&p.to_lowercase())));
    }
    if let Some(m) = text_of("milestone") {
        fields.push(("sprint".to_owned(), yaml_str(&m)));
    }
    if let Some(d) = text_of("created_date").and_then(|d| values::date(&d)) {
        fields.push(("created".to_owned(), yaml_str(&d)));
    }
    if let Some(d) = text_of("updated_date").and_then(|d| values::date(&d)) {
        fields.push(("updated".to_owned(), yaml_str(&d)));
    }
    if let Some(r) = text_of("reporter") {
        fields.push(("reporter".to_owned(), yaml_str(&r)));
    }
    const MAPPED: &[&str] = &[
        "id",
        "title",
        "status",
        "type",
        "assignee",
        "reporter",
        "created_date",
        "updated_date",
        "labels",
        "milestone",
        "dependencies",
        "parent_task_id",
        "priority",
        "ordinal",
    ];
    for (k, v) in &fm {
        let Some(key) = scalar_text(k) else { continue };
        if MAPPED.contains(&key.as_str()) {
            continue;
        }
        // A key of this tool (or `source`/`assignees`) is never overwritten by a Backlog.md key.
        let key = if KNOWN_KEYS.contains(&key.as_str())
            || matches!(key.as_str(), "source" | "assignees")
        {
            format!("backlog_md_{key}")
        } else {
            key
        };
        fields.push((key, yaml_value(v)));
    }
    let ordinal = get("ordinal").and_then(|v| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let body = convert_body(doc.body());
    Ok((
        Incoming {
            origin: shown.to_owned(),
            id: Some(id),
            source: Some(format!("backlog-md:{shown}")),
            title: values::one_line(&title),
            kind: text_of("type"),
            status,
            estimate: None,
            labels: string_list(get("labels")),
            owner: assignees.first().cloned(),
            depends_on: string_list(get("dependencies")),
            parent: text_of("parent_task_id"),
            rank: None,
            fields,
            body,
        },
        ordinal,
    ))
}

/// Backlog.md accepts `assignee: @dana` and `reporter: [@a, @b]`, which YAML does not
/// (`@` is reserved): quote such handles the way Backlog.md's own parser does.
fn quote_handles(text: &str) -> String {
    if !text.contains('@') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_front = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches('\n');
        if bare.trim_end() == "---" {
            if i == 0 {
                in_front = true;
            } else if in_front {
                in_front = false;
            }
            out.push_str(line);
            continue;
        }
        let fixed = in_front
            .then(|| {
                ["assignee:", "reporter:"].iter().find_map(|k| {
                    let value = bare.strip_prefix(k)?.trim();
                    let quote = |s: &str| {
                        if s.starts_with('@') {
                            serde_json::to_string(s).unwrap_or_default()
                        } else {
                            s.to_owned()
                        }
                    };
                    if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                        let items: Vec<String> = inner
                            .split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(quote)
                            .collect();
                        Some(format!("{k} [{}]\n", items.join(", ")))
                    } else if value.starts_with('@') {
                        Some(format!("{k} {}\n", quote(value)))
                    } else {
                        None
                    }
                })
            })
            .flatten();
        match fixed {
            Some(f) => out.push_str(&f),
            None => out.push_str(line),
        }
    }
    out
}

/// One `## ` section of a task body.
struct Section {
    title: String,
    content: String,
}

/// Splits a body at its level-2 headings (outside fenced code blocks).
fn sections(body: &str) -> (String, Vec<Section>) {
    let mut preamble = String::new();
    let mut out: Vec<Section> = Vec::new();
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some(title) = line.strip_prefix("## ") {
            out.push(Section {
                title: title.trim().to_owned(),
                content: String::new(),
            });
            continue;
        }
        match out.last_mut() {
            Some(s) => s.content.push_str(line),
            None => preamble.push_str(line),
        }
    }
    (preamble, out)
}

/// Whether a line is one of Backlog.md's `<!-- SECTION:…:BEGIN -->` / `<!-- AC:END -->` markers.
fn is_marker(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("<!--")
        && t.ends_with("-->")
        && (t.contains(":BEGIN") || t.contains(":END"))
        && !t.contains("COMMENT")
}

/// The section text without markers, trimmed.
fn clean(content: &str) -> String {
    content
        .lines()
        .filter(|l| !is_marker(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The checklist of a section (`- [x] #1 text`) and whatever else it says.
fn checklist(content: &str) -> (Vec<(String, bool)>, String) {
    let mut items = Vec::new();
    let mut other = Vec::new();
    for line in content.lines().filter(|l| !is_marker(l)) {
        let t = line.trim_start();
        let rest = t.strip_prefix("- ").or_else(|| t.strip_prefix("* "));
        let parsed = rest.and_then(|r| {
            let (checked, text) = if let Some(x) = r.strip_prefix("[ ]") {
                (false, x)
            } else if let Some(x) = r.strip_prefix("[x]").or_else(|| r.strip_prefix("[X]")) {
                (true, x)
            } else {
                return None;
            };
            let text = text.trim();
            // Backlog.md numbers its items: `#1 text`.
            let text = match text.strip_prefix('#') {
                Some(n) => {
                    let digits = n.chars().take_while(char::is_ascii_digit).count();
                    if digits > 0 && n[digits..].starts_with(' ') {
                        n[digits..].trim()
                    } else {
                        text
                    }
                }
                None => text,
            };
            Some((text.to_owned(), checked))
        });
        match parsed {
            Some(item) if !item.0.is_empty() => items.push(item),
            Some(_) => {}
            None => other.push(line),
        }
    }
    (items, other.join("\n").trim().to_owned())
}

/// A Backlog.md body in this tool's shape: the description as the story, the acceptance
/// criteria and definition of done as checklists, every other section as it was (markers
/// removed).
pub fn convert_body(body: &str) -> String {
    let (preamble, sections) = sections(body);
    let mut story = clean(&preamble);
    let mut criteria = Vec::new();
    let mut done = Vec::new();
    let mut rest = String::new();
    let mut push_section = |title: &str, text: &str| {
        if !rest.is_empty() {
            rest.push('\n');
        }
        rest.push_str(&format!("## {title}\n"));
        if !text.is_empty() {
            rest.push('\n');
            rest.push_str(text);
            rest.push('\n');
        }
    };
    for s in sections {
        let title = s.title.to_lowercase();
        let title = title.trim_end_matches(':');
        match title {
            "description" => {
                let text = clean(&s.content);
                if !text.is_empty() {
                    if !story.is_empty() {
                        story.push_str("\n\n");
                    }
                    story.push_str(&text);
                }
            }
            "acceptance criteria" | "acceptance criteria (optional)" => {
                let (items, other) = checklist(&s.content);
                criteria.extend(items);
                if !other.is_empty() {
                    push_section("Acceptance criteria notes", &other);
                }
            }
            "definition of done" => {
                let (items, other) = checklist(&s.content);
                done.extend(items);
                if !other.is_empty() {
                    push_section("Definition of done notes", &other);
                }
            }
            _ => push_section(&s.title, &clean(&s.content)),
        }
    }
    compose_body(&story, &criteria, &done, &rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODERN: &str = "---\nid: BACK-222.1\ntitle: Show parent and subtask hierarchy\nstatus: In Progress\nassignee:\n  - '@codex'\n  - '@dana'\ncreated_date: '2026-08-17 07:26'\nupdated_date: '2026-08-20 06:30'\nlabels: [web, ui]\ndependencies: [BACK-221]\nparent_task_id: BACK-222\npriority: high\nordinal: 272000\nreferences: [docs/a.md]\n---\n\n## Description\n\n<!-- SECTION:DESCRIPTION:BEGIN -->\nThe browser never caught up.\n\nSecond paragraph.\n<!-- SECTION:DESCRIPTION:END -->\n\n## Acceptance Criteria\n<!-- AC:BEGIN -->\n- [x] #1 Shows a Parent section\n- [ ] #2 Shows a Subtasks section\n<!-- AC:END -->\n\n## Definition of Done\n<!-- DOD:BEGIN -->\n- [x] #1 tests pass\n<!-- DOD:END -->\n\n## Implementation Plan\n\n<!-- SECTION:PLAN:BEGIN -->\n1. Preserve.\n2. Present.\n<!-- SECTION:PLAN:END -->\n";

    #[test]
    fn test_parse_modern_task() {
        let (item, ordinal) = parse_task(
            "backlog/tasks/back-222.1 - X.md",
            "back-222.1 - X.md",
            MODERN,
            Folder::Tasks,
        )
        .unwrap();
        assert_eq!(ordinal, Some(272000.0));
        assert_eq!(item.id.as_deref(), Some("BACK-222.1"));
        assert_eq!(
            item.status,
            Some(StatusHint::Named("In Progress".to_owned()))
        );
        assert_eq!(item.owner.as_deref(), Some("codex"));
        assert_eq!(item.labels, ["web", "ui"]);
        assert_eq!(item.depends_on, ["BACK-221"]);
        assert_eq!(item.parent.as_deref(), Some("BACK-222"));
        assert_eq!(
            item.fields,
            [
                ("assignees", "[codex, dana]"),
                ("priority", "high"),
                ("created", "2026-08-17"),
                ("updated", "2026-08-20"),
                ("references", "[docs/a.md]"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            item.body,
            "The browser never caught up.\n\nSecond paragraph.\n\n## Acceptance criteria\n\
             - [x] Shows a Parent section\n- [ ] Shows a Subtasks section\n\n\
             ## Definition of done\n- [x] tests pass\n\n## Implementation Plan\n\n1. Preserve.\n2. Present.\n"
        );
    }

    #[test]
    fn test_parse_legacy_task_with_bare_handle_and_crlf() {
        let legacy = "---\r\nid: task-17\r\ntitle: \"Improve drafts readme\"\r\nstatus: To Do\r\nassignee: []\r\nreporter: @MrLesk\r\ncreated_date: 2025-06-09\r\nlabels: []\r\ndependencies: []\r\n---\r\n\r\n## Description\r\n\r\nUpdate the readme.\r\n\r\n## Acceptance Criteria\r\n\r\n- [ ] Example added\r\n- [x] Committed\r\n";
        let (item, ordinal) =
            parse_task("t.md", "task-17 - Improve.md", legacy, Folder::Completed).unwrap();
        assert_eq!(ordinal, None);
        assert_eq!(item.status, Some(StatusHint::Done));
        assert_eq!(item.owner, None);
        assert_eq!(
            item.fields,
            [("created", "2025-06-09"), ("reporter", "\"@MrLesk\"")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            item.body,
            "Update the readme.\n\n## Acceptance criteria\n- [ ] Example added\n- [x] Committed\n"
        );
    }

    #[test]
    fn test_malformed_front_matter_names_the_line() {
        let bad = "---\nid: task-9\ntitle: [unclosed\nstatus: To Do\n---\nBody\n";
        let (line, reason) = parse_task("t.md", "t.md", bad, Folder::Tasks).unwrap_err();
        assert!(line.is_some_and(|l| l >= 2), "{line:?}");
        assert!(reason.contains("YAML"), "{reason}");
    }

    #[test]
    fn test_headings_inside_code_blocks_are_not_sections() {
        let body = "## Description\n\n```md\n## Not a heading\n```\n";
        assert_eq!(convert_body(body), "```md\n## Not a heading\n```\n");
    }
}
