use clap::Args;

use crate::cli::filter::FilterArgs;
use crate::cli::{CliError, Context, Format, Ui, render};

/// List items in rank order
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Only items ready to start: open, and every dependency done
    #[arg(long, conflicts_with = "blocked")]
    ready: bool,
    /// Only open items waiting for a dependency that is not done
    #[arg(long)]
    blocked: bool,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &ListArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("list", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    for e in &loaded.errors {
        ui.warn(&backlog::text::sanitize(&e.to_string()));
    }
    let graph = (args.ready || args.blocked)
        .then(|| backlog::graph::Graph::new(&loaded.entries, &ws.store.config));
    let filter = args.filter.filter();
    let selected: Vec<_> = loaded
        .entries
        .iter()
        .filter(|e| {
            let item = &e.item;
            filter.matches(item)
                && graph.as_ref().is_none_or(|g| {
                    (!args.ready || g.is_ready(&item.id))
                        && (!args.blocked || g.is_blocked(&item.id))
                })
        })
        .collect();
    if ui.is_json() {
        let items: Vec<_> = selected
            .iter()
            .map(|e| render::item_json(e, false))
            .collect();
        ui.json(&serde_json::Value::Array(items))?;
    } else {
        for row in render::item_rows(&selected) {
            ui.line(&row)?;
        }
    }
    Ok(0)
}
