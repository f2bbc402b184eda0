use clap::Args;

use backlog::analysis::outline::{Tree, descendants};
use backlog::text::sanitize;

use crate::cli::render::outline;
use crate::cli::{CliError, Context, Format, Ui, render};

/// Show one item: fields, story and acceptance criteria
#[derive(Debug, Args)]
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
    if ui.is_json() {
        let mut json = render::item_json(&entry, true);
        if let serde_json::Value::Object(map) = &mut json {
            map.insert(
                "children".to_owned(),
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
            map.insert(
                "rollup".to_owned(),
                tree.rollup(0)
                    .as_ref()
                    .map_or(serde_json::Value::Null, outline::rollup_json),
            );
        }
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
    if let Some(story) = &body.story {
        ui.line("")?;
        ui.line(&sanitize(story))?;
    }
    if !body.criteria.is_empty() {
        ui.line("")?;
        ui.line("Acceptance criteria:")?;
        for c in &body.criteria {
            ui.line(&format!(
                "  [{}] {}",
                if c.done { "x" } else { " " },
                sanitize(&c.text)
            ))?;
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
