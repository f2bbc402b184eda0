use clap::Args;

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Name item files <ID>-<slug>.md and end them with a line break (--check only reports)
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog fmt --check
  backlog fmt")]
pub(crate) struct FmtArgs {
    /// Report what would change and exit 1 if anything would; write nothing
    #[arg(long)]
    check: bool,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &FmtArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let (actions, outcome) = backlog::ops::fmt(&loaded.entries);
    let describe = |a: &backlog::ops::FmtAction| {
        let mut what = Vec::new();
        if let Some(to) = &a.rename_to {
            what.push(format!("rename to {to}"));
        }
        if a.add_final_newline {
            what.push("add final line break".to_owned());
        }
        format!("{}: {}", a.path, what.join(", "))
    };
    if args.check {
        if ui.is_json() {
            let list: Vec<_> = actions
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "id": a.id, "path": a.path, "rename_to": a.rename_to,
                        "add_final_newline": a.add_final_newline,
                    })
                })
                .collect();
            ui.json(&serde_json::json!({"schema": 1, "unformatted": list}))?;
        } else {
            for a in &actions {
                ui.line(&backlog::text::sanitize(&describe(a)))?;
            }
        }
        if actions.is_empty() {
            ui.status("All item files are formatted.");
            return Ok(0);
        }
        ui.status(&format!(
            "{} item file(s) need `backlog fmt`.",
            actions.len()
        ));
        return Ok(1);
    }
    for a in &actions {
        ui.status(&backlog::text::sanitize(&describe(a)));
    }
    let done = format!("Formatted {} item file(s).", actions.len());
    finish(ui, &tx, "fmt", &outcome, &done)?;
    Ok(0)
}
