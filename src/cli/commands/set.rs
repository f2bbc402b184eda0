use clap::Args;

use backlog::analysis::wip;
use backlog::ops::{
    check_references, entry_done_gaps, needs_backlog, parse_assignment, resolve_references, set,
    set_warnings,
};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Set, change or remove front-matter keys: KEY=VALUE, lists as [a, b], KEY= removes
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog set B-7KX2 status=ready
  backlog set B-7KX2 'labels=[auth, web]' owner=dana
  backlog set B-7KX2 'depends_on=[B-N4GS]' value=8
  backlog set B-7KX2 owner=")]
pub(crate) struct SetArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// KEY=VALUE assignments
    #[arg(required = true, value_name = "KEY=VALUE")]
    assignments: Vec<String>,
    /// Refuse a change that exceeds a WIP limit (`wip:` in config.yml) instead of warning
    #[arg(long)]
    strict_wip: bool,
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
    let config = &ws.store.config;
    let was_done = config.is_done_status(config.status(&entry.item));
    let before = entry.clone();
    let outcome = set(entry, &assignments)?;
    let changed = &outcome.items[0];
    let wip = wip_verdict(
        &ws,
        loaded.as_ref(),
        &before.item,
        &changed.item,
        args.strict_wip,
    )?;
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
    for breach in wip {
        ui.warn(&sanitize(&format!(
            "{}; see `backlog board`",
            breach.describe()
        )));
    }
    // The done gate: closing an item with unchecked criteria is allowed, but said.
    if !was_done && config.is_done_status(config.status(&changed.item)) {
        let gaps = entry_done_gaps(changed, &config.definition_of_done);
        if !gaps.is_empty() {
            ui.warn(&sanitize(&gaps.describe(&changed.item.id)));
        }
    }
    Ok(0)
}

/// The WIP limits' say on a change: the breaches to warn about, or a refusal.
fn wip_verdict(
    ws: &backlog::Workspace,
    loaded: Option<&backlog::store::Loaded>,
    before: &backlog::Item,
    after: &backlog::Item,
    strict: bool,
) -> Result<Vec<wip::Breach>, CliError> {
    let config = &ws.store.config;
    if !wip::may_breach(before, after, config) {
        return Ok(Vec::new());
    }
    let fresh;
    let loaded = match loaded {
        Some(loaded) => loaded,
        None => {
            fresh = ws.store.load_all();
            &fresh
        }
    };
    let items = loaded.entries.iter().map(|e| &e.item);
    match wip::judge(items, before, after, config, strict) {
        wip::Verdict::Within => Ok(Vec::new()),
        wip::Verdict::Warn(found) => Ok(found),
        wip::Verdict::Refuse(found) => {
            let what: Vec<String> = found.iter().map(wip::Breach::describe).collect();
            Err(CliError::user(sanitize(&format!(
                "refused: {} would exceed a WIP limit: {}",
                after.id,
                what.join("; ")
            )))
            .hint("finish or move an item first, or raise the limit in `wip:` of config.yml"))
        }
    }
}
