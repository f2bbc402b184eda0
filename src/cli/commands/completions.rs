use clap::{Args, CommandFactory};

use crate::cli::{Cli, CliError, Ui};

/// Print a shell completion script (bash, zsh, fish, elvish, powershell)
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell
    shell: clap_complete::Shell,
}

pub(crate) fn run(ui: &mut Ui, args: &CompletionsArgs) -> Result<u8, CliError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "backlog", &mut buf);
    ui.line(String::from_utf8_lossy(&buf).trim_end())?;
    Ok(0)
}

/// Print the man page (roff) to stdout, e.g. `backlog man > backlog.1`
#[derive(Debug, Args)]
pub(crate) struct ManArgs {}

pub(crate) fn run_man(ui: &mut Ui, _args: &ManArgs) -> Result<u8, CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    ui.line(String::from_utf8_lossy(&buf).trim_end())?;
    Ok(0)
}
