use clap::Args;

use backlog::ops::{SplitOptions, parse_give, split};

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Split an item into children that take its place in the ranking; the parent is closed
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog split B-2A9C --into 'SSO sign-in' --into 'SCIM provisioning'
  backlog split B-2A9C --into 'SSO sign-in' --into 'SCIM' --give 1=1,2 --give 2=3")]
pub(crate) struct SplitArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// Title of a child (repeatable; children are ranked in this order)
    #[arg(long = "into", value_name = "TITLE", required = true)]
    into: Vec<String>,
    /// Hand acceptance criteria to a child: CHILD=N[,N…], numbers from 1 as `show`
    /// lists them (repeatable; criteria not given stay on the parent)
    #[arg(long = "give", value_name = "CHILD=N,…")]
    give: Vec<String>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &SplitArgs) -> Result<u8, CliError> {
    let give = args
        .give
        .iter()
        .map(|g| parse_give(g))
        .collect::<Result<Vec<_>, _>>()?;
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let id = ws.store.find(&args.id)?.item.id;
    let loaded = ws.store.load_all();
    for e in &loaded.errors {
        ui.warn(&format!(
            "{} (items in it are not checked for dependencies on {id})",
            backlog::text::sanitize(&e.to_string())
        ));
    }
    let opts = SplitOptions {
        titles: args.into.clone(),
        give,
        created: ctx.today()?.to_string(),
    };
    let outcome = split(&ws.store, &loaded, &id, &opts)?;
    let children = &outcome.items[1..=args.into.len()];
    let dependents = outcome.items.len() - 1 - children.len();
    let ids: Vec<&str> = children.iter().map(|c| c.item.id.as_str()).collect();
    let mut done = format!("Split {id} into {}.", ids.join(", "));
    if dependents > 0 {
        done.push_str(&format!(
            " {dependents} item{} now wait{} for the children.",
            if dependents == 1 { "" } else { "s" },
            if dependents == 1 { "s" } else { "" }
        ));
    }
    finish(ui, &tx, "split", &outcome, &done)?;
    if !ui.is_json() {
        for c in children {
            ui.line(&c.item.id)?;
        }
    }
    Ok(0)
}
