use clap::Args;

use backlog::text::sanitize;
use backlog::view::Dupes;

use crate::cli::{CliError, Context, Format, Ui};

/// List likely duplicates: pairs of open items with similar title, story and criteria
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog dupes
  backlog dupes --threshold 0.5 --format json")]
pub(crate) struct DupesArgs {
    /// Minimum similarity score to report, from 0 to 1
    #[arg(long, default_value_t = 0.5, value_name = "X")]
    threshold: f64,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &DupesArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("dupes", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let dupes = Dupes::find(&ws.store, args.threshold)?;
    ui.warn_load_errors(&dupes.errors);
    if ui.is_json() {
        ui.json(&dupes.json())?;
        return Ok(0);
    }
    let report = &dupes.report;
    let title = |id: &str| dupes.title(id);
    let id_w = report
        .pairs
        .iter()
        .flat_map(|p| [p.a.chars().count(), p.b.chars().count()])
        .max()
        .unwrap_or(0);
    for p in &report.pairs {
        ui.line(&format!(
            "{:.3}  {:id_w$}  {}",
            p.score,
            sanitize(&p.a),
            sanitize(title(&p.a))
        ))?;
        ui.line(&format!(
            "       {:id_w$}  {}",
            sanitize(&p.b),
            sanitize(title(&p.b))
        ))?;
    }
    ui.status(&format!(
        "{} likely duplicate pair{} at threshold {} among {} open items ({} candidate pairs scored).",
        report.pairs.len(),
        if report.pairs.len() == 1 { "" } else { "s" },
        args.threshold,
        report.items,
        report.candidates
    ));
    if !report.pairs.is_empty() {
        ui.status("Fold one into the other with `backlog merge DUP --into KEEP`.");
    }
    Ok(0)
}
