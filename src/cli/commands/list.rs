use clap::Args;

use backlog::Workspace;
use backlog::graph::Graph;
use backlog::store::Entry;

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
    if ui.is_json() {
        let items = select(ui, &ws, args, render::item_json_in_array);
        // The same bytes `serde_json::to_writer_pretty` writes for the whole array.
        let mut first = true;
        ui.data("[")?;
        for text in &items {
            ui.data(if first { "\n" } else { ",\n" })?;
            ui.data(text)?;
            first = false;
        }
        ui.data(if first { "]\n" } else { "\n]\n" })?;
    } else {
        let rows = select(ui, &ws, args, render::Row::of);
        for row in render::format_rows(&rows) {
            ui.line(&row)?;
        }
    }
    Ok(0)
}

/// The selected items in backlog order, each rendered by `render_one`.
///
/// Each item is rendered on the worker thread that loaded it, and only the rendered form
/// is kept: a 100k-item list never holds 100k parsed items. `--ready` and `--blocked`
/// depend on other items' statuses, so they load the whole backlog first.
fn select<T: Send>(
    ui: &mut Ui,
    ws: &Workspace,
    args: &ListArgs,
    render_one: impl Fn(&Entry) -> T + Sync,
) -> Vec<T> {
    let filter = args.filter.filter();
    if args.ready || args.blocked {
        let loaded = ws.store.load_all();
        ui.warn_load_errors(&loaded.errors);
        let graph = Graph::new(&loaded.entries, &ws.store.config);
        loaded
            .entries
            .iter()
            .filter(|e| {
                filter.matches(&e.item)
                    && (!args.ready || graph.is_ready(&e.item.id))
                    && (!args.blocked || graph.is_blocked(&e.item.id))
            })
            .map(render_one)
            .collect()
    } else {
        let loaded = ws
            .store
            .load_mapped(|e| filter.matches(&e.item).then(|| render_one(e)));
        ui.warn_load_errors(&loaded.errors);
        loaded.items.into_iter().flatten().collect()
    }
}
