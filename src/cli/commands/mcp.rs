use clap::Args;

use backlog::mcp::Backlog;

use crate::cli::{CliError, Context, Ui};

/// Serve the backlog to coding agents over the Model Context Protocol (stdio)
///
/// Started by the agent's host (see README, "Agents"). Every tool call reads the backlog
/// afresh; every change is one commit, as the CLI makes it, with a `Backlog-Via: mcp`
/// trailer. Global options apply: `-C`, `--dir`, `--no-commit`, `--allow-dirty`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog mcp
  backlog mcp --instructions")]
pub(crate) struct McpArgs {
    /// Print the instructions for agents (how to pick work, the definition of ready) and exit
    #[arg(long)]
    instructions: bool,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &McpArgs) -> Result<u8, CliError> {
    let backlog = Backlog::new(
        ctx.options(),
        std::env::var("BACKLOG_TODAY")
            .ok()
            .filter(|s| !s.is_empty()),
    );
    if args.instructions {
        let config = backlog.workspace()?.store.config;
        ui.line(&backlog::mcp::instructions(&config))?;
        return Ok(0);
    }
    // Refuse a missing backlog now, with the CLI's hint, rather than on every call.
    backlog.workspace()?;
    // Stdout is the protocol channel from here on: nothing else may write to it.
    ui.flush()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(backlog::mcp::serve_stdio(backlog))?;
    Ok(0)
}
