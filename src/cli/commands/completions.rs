use clap::Args;

use crate::cli::{CliError, Ui};

/// Print a shell completion script (bash, zsh, fish, elvish, powershell)
///
/// The script completes commands and options, and also the backlog's own words: item IDs
/// (with their titles), statuses, types, labels, owners and `set`'s KEY=VALUE. For those it
/// calls back into `backlog` (`BACKLOG_COMPLETE=SHELL backlog -- …`), which reads the backlog of
/// the folder you are in; so load it anew in each shell rather than copying it, as the
/// examples do. `--static` prints a script that needs no callback (commands and options
/// only).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  source <(backlog completions bash)     # in ~/.bashrc
  source <(backlog completions zsh)      # in ~/.zshrc, after compinit
  backlog completions fish | source      # in ~/.config/fish/config.fish
  backlog completions --static bash > ~/.local/share/bash-completion/completions/backlog")]
pub(crate) struct CompletionsArgs {
    /// The shell
    shell: clap_complete::Shell,
    /// A script of commands and options only, with no call back into `backlog`
    #[arg(long = "static")]
    static_only: bool,
}

pub(crate) fn run(ui: &mut Ui, args: &CompletionsArgs) -> Result<u8, CliError> {
    let mut buf = Vec::new();
    if args.static_only {
        clap_complete::generate(args.shell, &mut crate::cli::command(), "backlog", &mut buf);
    } else {
        let name = args.shell.to_string();
        let shells = clap_complete::env::Shells::builtins();
        let Some(shell) = shells.completer(&name) else {
            return Err(CliError::user(format!(
                "no dynamic completion for {name}: use --static"
            )));
        };
        shell.write_registration(
            crate::cli::complete::VAR,
            "backlog",
            "backlog",
            "backlog",
            &mut buf,
        )?;
    }
    ui.line(String::from_utf8_lossy(&buf).trim_end())?;
    Ok(0)
}

/// Print the man page (roff) to stdout, or write one page per command with --all DIR
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog man > backlog.1
  backlog man --all ~/.local/share/man/man1")]
pub(crate) struct ManArgs {
    /// Write backlog.1 and backlog-<command>.1 for every subcommand into DIR (created if
    /// missing) instead of printing backlog.1
    #[arg(long, value_name = "DIR")]
    all: Option<std::path::PathBuf>,
}

pub(crate) fn run_man(ui: &mut Ui, args: &ManArgs) -> Result<u8, CliError> {
    let cmd = crate::cli::command();
    let Some(dir) = &args.all else {
        ui.line(String::from_utf8_lossy(&page(&cmd, "backlog")?).trim_end())?;
        return Ok(0);
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::user(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    write_pages(&cmd, "backlog", dir, &mut written)?;
    ui.status(&format!(
        "Wrote {} man pages to {}.",
        written.len(),
        dir.display()
    ));
    Ok(0)
}

/// Writes the page of `cmd` (named `name`, `backlog-add`) and those of its subcommands.
fn write_pages(
    cmd: &clap::Command,
    name: &str,
    dir: &std::path::Path,
    written: &mut Vec<String>,
) -> Result<(), CliError> {
    let file = format!("{name}.1");
    let path = dir.join(&file);
    std::fs::write(&path, page(cmd, name)?)
        .map_err(|e| CliError::user(format!("cannot write {}: {e}", path.display())))?;
    written.push(file);
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}

/// The roff page of `cmd`: clap_mangen's sections (its examples come from `after_help`),
/// then EXIT STATUS, ENVIRONMENT and FILES, the same for every page.
fn page(cmd: &clap::Command, name: &str) -> Result<Vec<u8>, CliError> {
    let cmd = cmd.clone().display_name(name.to_owned());
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf)?;
    }
    if let Some(help) = cmd.get_after_help() {
        buf.extend_from_slice(examples_section(&help.to_string()).as_bytes());
    }
    buf.extend_from_slice(COMMON_SECTIONS.as_bytes());
    if cmd.get_version().is_some() {
        man.render_version_section(&mut buf)?;
    }
    Ok(buf)
}

/// An EXAMPLES section (roff) from an `after_help` that starts with `Examples:`: the
/// command lines as they are, one per line, unfilled.
fn examples_section(after_help: &str) -> String {
    let body = after_help.strip_prefix("Examples:").unwrap_or(after_help);
    let mut out = String::from(".SH EXAMPLES\n.nf\n");
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let line = line.trim().replace('\\', "\\e").replace('-', "\\-");
        if line.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
}

/// EXIT STATUS, ENVIRONMENT and FILES (roff), as README.md and DESIGN.md describe them.
const COMMON_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success (also when the reader of a pipe closes it early).
.TP
\fB1\fR
The command ran and found problems: \fBcheck\fR findings, \fBhealth \-\-min\fR not met,
an \fBestimate \-\-vote\fR round without consensus, conflicts left by \fBmerge\-file\fR.
.TP
\fB2\fR
Usage error, a refused request, or input that cannot be read; the message names the file
and line.
.TP
\fB101\fR
Internal error: a failed invariant, a bug in backlog; please report it.
.SH ENVIRONMENT
.TP
\fBBACKLOG_DIR\fR
The backlog folder, relative to the repository root (as \fB\-\-dir\fR; default \fIbacklog\fR).
.TP
\fBBACKLOG_TODAY\fR
Today's date (YYYY\-MM\-DD) for \fBplan\fR, \fBagenda\fR, \fBsite\fR and the MCP server, for
reproducible output.
.TP
\fBNO_COLOR\fR, \fBCLICOLOR_FORCE\fR
No colour even on a terminal; colour even in a pipe (\fB\-\-color\fR overrides both).
.TP
\fBCOLUMNS\fR
The output width when it cannot be read from the terminal.
.TP
\fBVISUAL\fR, \fBEDITOR\fR
The editor \fBedit\fR opens (the first that is set).
.TP
\fBGIT_AUTHOR_NAME\fR, \fBGIT_AUTHOR_EMAIL\fR, \fBGIT_COMMITTER_NAME\fR, \fBGIT_COMMITTER_EMAIL\fR
The identity of the commits, over \fBuser.name\fR and \fBuser.email\fR of git config.
.TP
\fBGIT_AUTHOR_DATE\fR, \fBGIT_COMMITTER_DATE\fR
The dates of the commits, as git reads them.
.SH FILES
.TP
\fIbacklog/\fR
The backlog: one \fIID\-slug.md\fR file per item (YAML front matter, then markdown).
.TP
\fIbacklog/config.yml\fR
Statuses, estimate scale, rules of \fBcheck\fR, sprints, WIP limits, custom fields.
.TP
\fIbacklog/templates/<type>.md\fR
The template of new items of a type (\fBadd \-\-type\fR).
.TP
\fI.git/backlog.lock\fR
Held while a command changes the backlog (\fIbacklog/.backlog.lock\fR outside git).
.TP
\fI.git/backlog\-tx/\fR
The journal of a change in progress; the next command finishes or undoes an interrupted one.
.TP
\fI.git/backlog\-edits/ID.md\fR
An \fBedit\fR that could not be committed, reopened by the next \fBbacklog edit ID\fR.
.TP
\fI.git/backlog\-cache/\fR
Derived data (rank keys of item blobs for \fBdiff\fR and \fBlog\fR); safe to delete.
"#;
