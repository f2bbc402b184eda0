use clap::Args;

use crate::cli::{CliError, Context, Ui, finish};

/// Set an item's estimate in story points (must be on the scale)
#[derive(Debug, Args)]
pub(crate) struct EstimateArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// Story points
    points: String,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &EstimateArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let _lock = ws.lock()?;
    let entry = ws.store.find(&args.id)?;
    let old = entry.item.estimate;
    let outcome = backlog::ops::estimate(entry, &args.points, &ws.store.config)?;
    let item = &outcome.items[0].item;
    let done = format!(
        "Estimated {}: {} -> {} points.",
        item.id,
        old.map_or_else(|| "none".to_owned(), |o| o.to_string()),
        item.estimate.unwrap_or_default()
    );
    finish(ui, &ws, "estimate", &outcome, &done)?;
    Ok(0)
}
