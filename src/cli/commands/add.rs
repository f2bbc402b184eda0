use clap::Args;

use backlog::ops::{AddOptions, add_with_template};

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Add an item at the bottom of the ranking
///
/// When `templates/<type>.md` exists in the backlog folder, the new item starts from it:
/// its front matter gives defaults for the options not given, its body is the new body.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog add 'Export approved expenses to CSV' --label reports --estimate 3
  backlog add 'Sign in with SSO' --story 'As a user, I want SSO so that …' --ac 'I reach my IdP'
  backlog add 'Fix rounding' --type bug --depends-on B-7KX2 --owner lee")]
pub(crate) struct AddArgs {
    /// The item's one-line title
    title: String,
    /// Item type (story, bug, task, spike, epic, chore)
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Status (default from config: draft)
    #[arg(long)]
    status: Option<String>,
    /// Story points (must be on the scale)
    #[arg(long)]
    estimate: Option<u32>,
    /// Business value
    #[arg(long)]
    value: Option<u32>,
    /// Label (repeatable)
    #[arg(long = "label", value_name = "LABEL")]
    labels: Vec<String>,
    /// Owner
    #[arg(long)]
    owner: Option<String>,
    /// Item this one depends on (repeatable)
    #[arg(long = "depends-on", value_name = "ID")]
    depends_on: Vec<String>,
    /// Parent item
    #[arg(long, value_name = "ID")]
    parent: Option<String>,
    /// User story: "As a …, I want … so that …"
    #[arg(long)]
    story: Option<String>,
    /// Acceptance criterion (repeatable)
    #[arg(long = "ac", value_name = "TEXT")]
    criteria: Vec<String>,
    /// A custom field declared under `fields:` in config.yml (repeatable)
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = name_value)]
    fields: Vec<(String, String)>,
}

fn name_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected NAME=VALUE, got {text:?}"))
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &AddArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let loaded = ws.store.load_all();
    let mut opts = AddOptions {
        title: args.title.clone(),
        kind: args.kind.clone(),
        status: args.status.clone(),
        estimate: args.estimate,
        value: args.value,
        labels: args.labels.clone(),
        owner: args.owner.clone(),
        depends_on: args.depends_on.clone(),
        parent: args.parent.clone(),
        story: args.story.clone(),
        criteria: args.criteria.clone(),
        created: ctx.today()?.to_string(),
        template: None,
        fields: args.fields.clone(),
    };
    let outcome = add_with_template(&ws.store, &loaded, &mut opts)?;
    let from = opts
        .template
        .as_ref()
        .map(|t| format!(" (from {})", t.path))
        .unwrap_or_default();
    let entry = &outcome.items[0];
    let done = format!("Added {} in {}{from}.", entry.item.id, entry.path);
    finish(ui, &tx, "add", &outcome, &done)?;
    if !ui.is_json() {
        ui.line(&entry.item.id)?;
    }
    Ok(0)
}
