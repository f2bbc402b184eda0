use clap::Args;

use backlog::ops::Outcome;
use backlog::workspace::Change;

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Create the backlog folder, config.yml and an item template; set up the merge driver
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog init
  backlog --dir docs/backlog init")]
pub(crate) struct InitArgs {}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, _args: &InitArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace_allow_missing()?;
    let tx = begin(ui, &ws)?;
    let config_path = ws.store.dir().join("config.yml");
    if config_path.exists() {
        return Err(CliError::user(format!(
            "{} already exists: this backlog is initialized",
            config_path.display()
        )));
    }
    let rel = ws.store.relative(&config_path);
    // The merge driver comes with the backlog: its attribute in the same commit, its
    // command in this clone's git config.
    let setup = tx
        .write_git_config("init", || {
            backlog::merge::git_setup(&ws.store, ws.repo.as_ref())
        })?
        .map_err(|e| CliError::user(e.to_string()))?;
    let mut writes = vec![(rel.clone(), backlog::config::DEFAULT_CONFIG_YML.to_owned())];
    writes.extend(setup.change.writes);
    // One commented item template to start from (`add --type bug`).
    let template = ws
        .store
        .dir()
        .join(backlog::ops::template::TEMPLATES_DIR)
        .join("bug.md");
    if !template.exists() {
        writes.push((
            ws.store.relative(&template),
            backlog::ops::template::EXAMPLE_TEMPLATE.to_owned(),
        ));
    }
    let outcome = Outcome {
        change: Change {
            op: "init".to_owned(),
            summary: format!("init {}", ws.store.relative(ws.store.dir())),
            writes,
            ..Change::default()
        },
        items: Vec::new(),
    };
    finish(
        ui,
        &tx,
        "init",
        &outcome,
        &format!(
            "Initialized the backlog in {}.",
            backlog::text::sanitize(&config_path.display().to_string())
        ),
    )?;
    Ok(0)
}
