use clap::Args;

use backlog::analysis::outline::{Tree, descendants};
use backlog::analysis::related::{dependencies, mentions};
use backlog::text::sanitize;

use crate::cli::render::outline;
use crate::cli::{CliError, Context, Format, Ui, render};

/// Show one item: fields, the whole body with numbered criteria, links and children
///
/// Acceptance criteria are numbered as `split --give` and `criteria` count them; after the
/// body come the item's dependencies with their status, the items that depend on it, and
/// its children (a parent's or a split item's).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog show B-7KX2
  backlog show b-7k --format json")]
pub(crate) struct ShowArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &ShowArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("show", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let entry = ws.store.find(&args.id)?;
    // The item with everything under it, for its children and rolled-up points.
    let mut family = vec![entry.clone()];
    family.extend(descendants(&ws.store, &entry.item.id));
    let tree = Tree::new(&family, &ws.store.config);
    let mut shown = vec![true; family.len()];
    shown[0] = false;
    let children = tree.forest(&shown);
    let deps = dependencies(&ws.store, &entry);
    let mentions = mentions(&ws.store, &entry);
    for warning in mentions.warnings(&entry) {
        ui.warn(&sanitize(&warning));
    }
    let needed_by = mentions.dependents;
    if ui.is_json() {
        // Serialized as it is written: the criteria never become JSON objects.
        let mut json = backlog::view::ShowJson::new(&entry, &deps, &needed_by);
        json.insert(
            "children",
            serde_json::Value::Array(
                tree.children(0)
                    .iter()
                    .map(|&c| {
                        let item = &family[c].item;
                        serde_json::json!({
                            "id": item.id,
                            "title": item.title,
                            "status": ws.store.config.status(item),
                            "estimate": item.estimate,
                            "path": family[c].path,
                        })
                    })
                    .collect(),
            ),
        );
        json.insert(
            "rollup",
            tree.rollup(0)
                .as_ref()
                .map_or(serde_json::Value::Null, outline::rollup_json),
        );
        ui.json(&json)?;
        return Ok(0);
    }
    let item = &entry.item;
    ui.line(&format!("{}  {}", item.id, sanitize(&item.title)))?;
    ui.line(&format!("path: {}", sanitize(&entry.path)))?;
    for (key, value) in &entry.fields() {
        let key = key.as_str().unwrap_or_default();
        if matches!(key, "id" | "title") {
            continue;
        }
        let text = match render::yaml_to_json(value) {
            serde_json::Value::String(s) => s,
            serde_json::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        ui.line(&format!("{}: {}", sanitize(key), sanitize(&text)))?;
    }
    let body = backlog::Body::parse(entry.doc.body(), entry.doc.body_line());
    let text = numbered_body(entry.doc.body(), entry.doc.body_line(), &body.criteria);
    if !text.is_empty() {
        ui.line("")?;
        for line in text {
            ui.line(&sanitize(&line))?;
        }
    }
    if !deps.is_empty() {
        ui.line("")?;
        ui.line("Depends on:")?;
        for d in &deps {
            ui.line(&match &d.entry {
                Some(e) => link_line(e),
                None => format!("  {}  (no such item)", sanitize(&d.id)),
            })?;
        }
    }
    if !needed_by.is_empty() {
        ui.line("")?;
        ui.line("Needed by:")?;
        for e in &needed_by {
            ui.line(&link_line(e))?;
        }
    }
    if let Some(rollup) = tree.rollup(0) {
        ui.line("")?;
        ui.line(&format!("Children: {}", outline::rollup_text(&rollup)))?;
        for line in outline::tree_text(&family, &children) {
            ui.line(&format!("  {line}"))?;
        }
    }
    Ok(0)
}

/// `  ID  status  title` for a linked item.
fn link_line(entry: &backlog::store::Entry) -> String {
    format!(
        "  {}  {}  {}",
        sanitize(&entry.item.id),
        sanitize(entry.item.status_or_default()),
        sanitize(&entry.item.title)
    )
}

/// The body's lines as written, trailing blank lines dropped, with each acceptance
/// criterion's list marker replaced by its number (`- [ ] x` becomes `1. [ ] x`): the
/// numbers `split --give` and `criteria` use. `first_line` is the file line of the body.
fn numbered_body(
    body: &str,
    first_line: usize,
    criteria: &[backlog::item::Criterion],
) -> Vec<String> {
    // Criterion number by file line: one lookup per line (a scan of the criteria for
    // every line was quadratic: 20 s for 520,000 criteria).
    let numbers: std::collections::HashMap<usize, usize> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.line, i + 1))
        .rev()
        .collect();
    let mut lines: Vec<String> = body
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let n = numbers.get(&(first_line + i)).copied();
            match n {
                Some(n) => number_marker(line, n),
                None => line.to_owned(),
            }
        })
        .collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let start = lines.iter().take_while(|l| l.trim().is_empty()).count();
    lines.drain(..start);
    lines
}

/// `line` with its list marker (`-`, `*`, `+` or `N.`/`N)`) replaced by `n.`.
fn number_marker(line: &str, n: usize) -> String {
    let content = line.trim_start();
    let indent = &line[..line.len() - content.len()];
    let rest = if let Some(rest) = content.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = content.len()
            - content
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        match content[digits..].strip_prefix(['.', ')']) {
            Some(rest) if digits > 0 => rest,
            _ => return line.to_owned(),
        }
    };
    format!("{indent}{n}.{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbered_body_numbers_criteria_and_keeps_the_rest() {
        let text = "---\nid: B-1\ntitle: T\n---\nAs a user, I want x so that y.\n\n\
                    ## Acceptance criteria\n- [ ] one\n  * [x] nested two\n\n\
                    ## Notes\n- [ ] not a criterion\nFree text.\n\n";
        let e = backlog::store::Entry::from_text("b/B-1.md", text).unwrap();
        let body = backlog::Body::parse(e.doc.body(), e.doc.body_line());
        let lines = numbered_body(e.doc.body(), e.doc.body_line(), &body.criteria);
        assert_eq!(
            lines,
            [
                "As a user, I want x so that y.",
                "",
                "## Acceptance criteria",
                "1. [ ] one",
                "  2. [x] nested two",
                "",
                "## Notes",
                "- [ ] not a criterion",
                "Free text.",
            ]
        );
    }

    #[test]
    fn test_number_marker() {
        assert_eq!(number_marker("- [ ] a", 3), "3. [ ] a");
        assert_eq!(number_marker("12) [x] a", 1), "1. [x] a");
        assert_eq!(number_marker("text", 1), "text");
    }
}
