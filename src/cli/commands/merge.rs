use clap::Args;

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Fold a duplicate into the item that stays, repointing every reference to it
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog merge B-SZ3K --into B-M5QA")]
pub(crate) struct MergeArgs {
    /// The duplicate (closed with status `duplicate`)
    dup: String,
    /// The item that stays
    #[arg(long = "into", value_name = "KEEP")]
    into: String,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &MergeArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let dup = ws.store.find(&args.dup)?.item.id;
    let keep = ws.store.find(&args.into)?.item.id;
    let loaded = ws.store.load_all();
    for e in &loaded.errors {
        ui.warn(&format!(
            "{} (references to {dup} in it are not repointed)",
            backlog::text::sanitize(&e.to_string())
        ));
    }
    let outcome = backlog::ops::merge(&loaded, &ws.store.config, &dup, &keep)?;
    let others = outcome
        .items
        .iter()
        .filter(|e| e.item.id != dup && e.item.id != keep)
        .count();
    let mut done = format!("Merged {dup} into {keep}.");
    if others > 0 {
        done.push_str(&format!(
            " Repointed {others} item{}.",
            if others == 1 { "" } else { "s" }
        ));
    }
    finish(ui, &tx, "merge", &outcome, &done)?;
    Ok(0)
}
