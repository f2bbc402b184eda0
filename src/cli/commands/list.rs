use clap::Args;

use backlog::Workspace;
use backlog::store::Entry;
use backlog::view::ListQuery;

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

/// The selected items in backlog order, each rendered by `render_one` (see
/// [`backlog::view::select`]); files that did not load are warned about.
fn select<T: Send>(
    ui: &mut Ui,
    ws: &Workspace,
    args: &ListArgs,
    render_one: impl Fn(&Entry) -> T + Sync,
) -> Vec<T> {
    let query = ListQuery {
        filter: args.filter.filter(),
        unblocked: args.ready,
        blocked: args.blocked,
        search: None,
        open_only: false,
    };
    let (items, errors) = backlog::view::select(&ws.store, &query, render_one);
    ui.warn_load_errors(&errors);
    items
}
