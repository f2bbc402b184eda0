use clap::Args;

use backlog::ops::{parse_assignment, resolve_references, set};

use crate::cli::{CliError, Context, Ui, finish};

/// Set, change or remove front-matter keys: KEY=VALUE, lists as [a, b], KEY= removes
#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// KEY=VALUE assignments
    #[arg(required = true, value_name = "KEY=VALUE")]
    assignments: Vec<String>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &SetArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let assignments = args
        .assignments
        .iter()
        .map(|a| parse_assignment(a, &ws.store.config))
        .collect::<Result<Vec<_>, _>>()?;
    let _lock = ws.lock()?;
    let entry = ws.store.find(&args.id)?;
    let mut assignments = assignments;
    resolve_references(&mut assignments, &entry.item.id, |q| {
        ws.store.find(q).map(|e| e.item.id)
    })?;
    let outcome = set(entry, &assignments)?;
    let done = format!("Updated {}.", outcome.items[0].item.id);
    finish(ui, &ws, "set", &outcome, &done)?;
    Ok(0)
}
