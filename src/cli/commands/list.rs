use clap::Args;

use crate::cli::{CliError, Context, Format, Ui, render};

/// List items in rank order
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only items with this status (repeatable)
    #[arg(long)]
    status: Vec<String>,
    /// Only items with this label (repeatable: any of them)
    #[arg(long)]
    label: Vec<String>,
    /// Only items owned by this person
    #[arg(long)]
    owner: Option<String>,
    /// Only items of this type
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &ListArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("list", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let wanted = |e: &backlog::Entry| {
        let item = &e.item;
        (args.status.is_empty() || args.status.iter().any(|s| s == item.status_or_default()))
            && (args.label.is_empty() || args.label.iter().any(|l| item.labels.contains(l)))
            && args
                .owner
                .as_ref()
                .is_none_or(|o| item.owner.as_ref() == Some(o))
            && args
                .kind
                .as_ref()
                .is_none_or(|k| item.kind.as_ref() == Some(k))
    };
    // Each item is rendered on the worker thread that loaded it, and only the rendered
    // text is kept: a 100k-item list never holds 100k parsed items.
    if ui.is_json() {
        let loaded = ws
            .store
            .load_mapped(|e| wanted(e).then(|| render::item_json_in_array(e)));
        warn_errors(ui, &loaded.errors);
        // The same bytes `serde_json::to_writer_pretty` writes for the whole array.
        let mut first = true;
        ui.data("[")?;
        for text in loaded.items.iter().flatten() {
            ui.data(if first { "\n" } else { ",\n" })?;
            ui.data(text)?;
            first = false;
        }
        ui.data(if first { "]\n" } else { "\n]\n" })?;
    } else {
        let loaded = ws
            .store
            .load_mapped(|e| wanted(e).then(|| render::Row::of(e)));
        warn_errors(ui, &loaded.errors);
        let rows: Vec<render::Row> = loaded.items.into_iter().flatten().collect();
        for row in render::format_rows(&rows) {
            ui.line(&row)?;
        }
    }
    Ok(0)
}

fn warn_errors(ui: &mut Ui, errors: &[backlog::store::LoadError]) {
    for e in errors {
        ui.warn(&backlog::text::sanitize(&e.to_string()));
    }
}
