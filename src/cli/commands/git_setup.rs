use clap::Args;

use backlog::merge::git_setup;
use backlog::merge::setup::ATTRIBUTE_LINE;
use backlog::workspace::Recorded;

use crate::cli::{CliError, Context, Ui, begin};

/// Install the item-file merge driver in this repository (once per clone)
///
/// Adds `*.md merge=backlog` to `<backlog dir>/.gitattributes` (one commit) and sets
/// `merge.backlog.name` and `merge.backlog.driver` in the repository's local git config,
/// which git never clones. Running it again changes nothing.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog git-setup")]
pub(crate) struct GitSetupArgs {}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, _args: &GitSetupArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let Some(repo) = ws.repo.as_ref() else {
        return Err(CliError::user(format!(
            "{} is not in a git repository: there is nothing to set up",
            ws.store.dir().display()
        ))
        .hint("run `git init` first"));
    };
    let tx = begin(ui, &ws)?;
    let setup = tx
        .write_git_config("git-setup", || git_setup(&ws.store, Some(repo)))?
        .map_err(|e| CliError::user(e.to_string()))?;
    let recorded = tx.apply(&setup.change)?;
    let commit = match &recorded {
        Recorded::Committed(oid) => Some(oid.clone()),
        _ => None,
    };
    if ui.is_json() {
        ui.json(&serde_json::json!({
            "schema": 1,
            "command": "git-setup",
            "changed": !setup.change.is_empty() || !setup.configured.is_empty(),
            "attributes": {
                "path": setup.attributes_path,
                "line": ATTRIBUTE_LINE,
                "changed": !setup.change.is_empty(),
            },
            "configured": setup.configured,
            "commit": commit,
        }))?;
    }
    if setup.change.is_empty() {
        ui.status(&format!(
            "{} already has `{ATTRIBUTE_LINE}`.",
            setup.attributes_path
        ));
    } else {
        ui.status(&format!(
            "Added `{ATTRIBUTE_LINE}` to {}.",
            setup.attributes_path
        ));
        match recorded {
            Recorded::Committed(oid) => {
                ui.status(&format!("Recorded commit {}.", &oid[..oid.len().min(10)]));
            }
            _ => ui.status("Commits are off (--no-commit or `commit: false`): commit it yourself."),
        }
    }
    if setup.configured.is_empty() {
        ui.status("The merge driver is already configured in this clone.");
    } else {
        ui.status(&format!(
            "Set {} in this clone's git config.",
            setup.configured.join(" and ")
        ));
    }
    Ok(0)
}
