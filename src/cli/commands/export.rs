use clap::Args;

use crate::cli::{CliError, Context, Format, Ui};

/// Export every item (all keys, story, criteria and body) as JSON or CSV
///
/// `--format csv` is readable by `backlog import csv` (a round trip); without
/// `--format`, the export is JSON.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog export > backlog.json
  backlog export --format csv > backlog.csv")]
pub(crate) struct ExportArgs {}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, _args: &ExportArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    match ui.format {
        Format::Json | Format::Text => ui.json(&backlog::export::to_json(&loaded.entries))?,
        Format::Csv => ui.data(&backlog::export::to_csv(&loaded.entries)?)?,
        other => return Err(CliError::format("export", other, &["json", "csv"])),
    }
    Ok(0)
}
