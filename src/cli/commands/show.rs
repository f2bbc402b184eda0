use clap::Args;

use backlog::text::sanitize;

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
    if ui.is_json() {
        ui.json(&render::item_json(&entry, true))?;
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
    Ok(0)
}
