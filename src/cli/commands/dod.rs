use clap::Args;

use backlog::Checklist;

use crate::cli::commands::criteria::{ChecklistArgs, run_checklist};
use crate::cli::{CliError, Context, Ui};

/// List an item's definition of done (the team's list plus its own), numbered, or check
/// entries off (one commit per run)
///
/// The team's entries come from `definition_of_done` in config.yml; checking one the item
/// does not list yet adds it, checked, to the item's `## Definition of done` section.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog dod B-7KX2
  backlog dod B-7KX2 --check 1 2
  backlog dod B-7KX2 --add 'Load test on staging'")]
pub(crate) struct DodArgs {
    #[command(flatten)]
    list: ChecklistArgs,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &DodArgs) -> Result<u8, CliError> {
    run_checklist(ui, ctx, &args.list, Checklist::Done)
}
