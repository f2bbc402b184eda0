use clap::Args;

use backlog::ops::{
    check_references, entry_done_gaps, needs_backlog, parse_assignment, resolve_references, set,
    set_warnings,
};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Ui, begin, finish};

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
    let tx = begin(ui, &ws)?;
    let entry = ws.store.find(&args.id)?;
    let mut assignments = assignments;
    resolve_references(&mut assignments, &entry.item.id, |q| {
        ws.store.find(q).map(|e| e.item.id)
    })?;
    let loaded = needs_backlog(&assignments, &ws.store.config).then(|| ws.store.load_all());
    if let Some(loaded) = &loaded {
        check_references(&entry, &assignments, loaded)?;
    }
    let was_done = ws
        .store
        .config
        .is_done_status(entry.item.status_or_default());
    let before = entry.clone();
    let outcome = set(entry, &assignments)?;
    let changed = &outcome.items[0];
    let done = format!("Updated {}.", changed.item.id);
    finish(ui, &tx, "set", &outcome, &done)?;
    for warning in set_warnings(
        &before,
        changed,
        &assignments,
        loaded.as_ref(),
        &ws.store.config,
    ) {
        ui.warn(&backlog::text::sanitize_lines(&warning));
    }
    // The done gate: closing an item with unchecked criteria is allowed, but said.
    let config = &ws.store.config;
    if !was_done && config.is_done_status(changed.item.status_or_default()) {
        let gaps = entry_done_gaps(changed, &config.definition_of_done);
        if !gaps.is_empty() {
            ui.warn(&sanitize(&gaps.describe(&changed.item.id)));
        }
    }
    Ok(0)
}
