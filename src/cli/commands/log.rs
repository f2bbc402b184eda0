use clap::Args;
use serde_json::json;

use backlog::history;
use backlog::text::sanitize;

use super::diff::{Style, describe, history_error};
use crate::cli::{CliError, Context, Format, Ui};

/// Show an item's refinement history from git, following renames of its file
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog log B-7KX2
  backlog log b-7k --format json")]
pub(crate) struct LogArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &LogArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("log", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let Some(repo) = ws.repo.as_ref() else {
        return Err(CliError::user(
            "`log` reads git history, but this is not a git repository",
        ));
    };
    // A read-only walk that may cross the whole history: do not keep each commit read
    // (once) in libgit2's object cache. (Every `Repo` already skips re-hashing objects.)
    backlog::git::disable_object_cache();
    let prefix = history::folder_prefix(repo, ws.store.dir());
    let log = history::log(repo, &prefix, &args.id).map_err(history_error)?;
    for w in &log.warnings {
        ui.warn(&sanitize(w));
    }
    if ui.is_json() {
        let v = serde_json::to_value(&log).map_err(|e| CliError::user(e.to_string()))?;
        ui.json(&json!({
            "schema": 1,
            "id": v["id"],
            "title": v["title"],
            "path": v["path"],
            "entries": v["entries"],
            "warnings": v["warnings"],
        }))?;
        return Ok(0);
    }
    ui.line(&format!(
        "{}  {}  ({})",
        sanitize(&log.id),
        sanitize(&log.title),
        sanitize(&log.path)
    ))?;
    for e in &log.entries {
        ui.line("")?;
        ui.line(&format!(
            "{}  {}  {}{}",
            e.date,
            &e.commit[..10],
            sanitize(&e.author),
            if e.merge { "  (merge)" } else { "" }
        ))?;
        ui.line(&format!("    {}", sanitize(&e.summary)))?;
        if e.created {
            ui.line(&format!("    created as {}", sanitize(&e.path)))?;
        }
        for c in &e.changes {
            ui.line(&format!("    {}", describe(Style::Text, c)))?;
        }
    }
    Ok(0)
}
