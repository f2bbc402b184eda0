//! The command-line layer: argument parsing, output, exit codes. Business rules live in
//! the library; each command here is a thin shell over a library function.

mod commands;
mod complete;
mod filter;
mod render;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use backlog::ops::{OpError, Outcome};
use backlog::store::StoreError;
use backlog::workspace::{Recorded, Transaction, Workspace, WorkspaceError, WorkspaceOptions};
use render::style::ColorArg;
pub(crate) use ui::{Format, Ui};

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Git-native backlog refinement: one markdown file per item, every change a commit.
#[derive(Debug, Parser)]
#[command(
    name = "backlog",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// Run as if started in PATH
    #[arg(short = 'C', global = true, help_heading = GLOBAL, value_name = "PATH")]
    chdir: Option<PathBuf>,
    /// Backlog folder, relative to the repository root
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        env = "BACKLOG_DIR",
        default_value = "backlog",
        value_name = "DIR"
    )]
    dir: PathBuf,
    /// Output format
    #[arg(long, global = true, help_heading = GLOBAL, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write files but do not record a git commit
    #[arg(long, global = true, help_heading = GLOBAL)]
    no_commit: bool,
    /// Commit item files even if they have uncommitted edits (they are included)
    #[arg(long, global = true, help_heading = GLOBAL)]
    allow_dirty: bool,
    /// Print only data and errors, no status lines
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    quiet: bool,
    /// Colour: `auto` on a terminal unless NO_COLOR is set (CLICOLOR_FORCE forces it)
    #[arg(long, global = true, help_heading = GLOBAL, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    color: ColorArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(commands::init::InitArgs),
    Add(commands::add::AddArgs),
    List(commands::list::ListArgs),
    Show(commands::show::ShowArgs),
    Set(commands::set::SetArgs),
    Edit(commands::edit::EditArgs),
    Story(commands::story::StoryArgs),
    Criteria(commands::criteria::CriteriaArgs),
    Dod(commands::dod::DodArgs),
    Estimate(commands::estimate::EstimateArgs),
    Split(commands::split::SplitArgs),
    Merge(commands::merge::MergeArgs),
    Dupes(commands::dupes::DupesArgs),
    Graph(commands::graph::GraphArgs),
    Check(commands::check::CheckArgs),
    Rank(commands::rank::RankArgs),
    Matrix(commands::matrix::MatrixArgs),
    Velocity(commands::velocity::VelocityArgs),
    Plan(commands::plan::PlanArgs),
    Agenda(commands::agenda::AgendaArgs),
    Health(commands::health::HealthArgs),
    Board(commands::board::BoardArgs),
    Forecast(commands::forecast::ForecastArgs),
    Burnup(commands::burnup::BurnupArgs),
    Import(commands::import::ImportArgs),
    Export(commands::export::ExportArgs),
    Diff(commands::diff::DiffArgs),
    Log(commands::log::LogArgs),
    Site(commands::site::SiteArgs),
    Fmt(commands::fmt::FmtArgs),
    GitSetup(commands::git_setup::GitSetupArgs),
    MergeFile(commands::merge_file::MergeFileArgs),
    Completions(commands::completions::CompletionsArgs),
    Man(commands::completions::ManArgs),
    Mcp(commands::mcp::McpArgs),
}

/// An error on its way to the user: a message, hints, and the exit code.
#[derive(Debug)]
pub(crate) struct CliError {
    message: String,
    hints: Vec<String>,
    code: u8,
}

impl CliError {
    /// A usage or input error (exit 2).
    pub(crate) fn user(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hints: Vec::new(),
            code: 2,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// An error for a `--format` the command does not support.
    pub(crate) fn format(command: &str, format: Format, supported: &[&str]) -> Self {
        Self::user(format!(
            "`{command}` does not support --format {}; use one of: {}",
            format.name(),
            supported.join(", ")
        ))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        Self {
            message: e.to_string(),
            hints: Vec::new(),
            code: if e.kind() == std::io::ErrorKind::BrokenPipe {
                0
            } else {
                2
            },
        }
    }
}

/// The exit code of an internal error (a failed invariant, a bug), as cargo's.
pub(crate) const EXIT_INTERNAL: u8 = 101;

impl From<backlog::view::Error> for CliError {
    fn from(e: backlog::view::Error) -> Self {
        Self {
            message: e.message,
            hints: e.hints,
            code: if e.internal { EXIT_INTERNAL } else { 2 },
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        backlog::view::Error::from(e).into()
    }
}

impl From<OpError> for CliError {
    fn from(e: OpError) -> Self {
        backlog::view::Error::from(e).into()
    }
}

impl From<WorkspaceError> for CliError {
    fn from(e: WorkspaceError) -> Self {
        backlog::view::Error::from(e).into()
    }
}

/// Shared state for commands: parsed global options.
pub(crate) struct Context {
    start: PathBuf,
    dir: PathBuf,
    no_commit: bool,
    allow_dirty: bool,
    quiet: bool,
    /// Whether `using ../backlog` was said already (once per run).
    announced: std::cell::Cell<bool>,
}

impl Context {
    pub(crate) fn options(&self) -> WorkspaceOptions {
        WorkspaceOptions {
            start: self.start.clone(),
            dir: self.dir.clone(),
            commit: if self.no_commit { Some(false) } else { None },
            allow_dirty: self.allow_dirty,
        }
    }

    /// Opens the workspace; the backlog folder must exist. A backlog found outside the
    /// current folder is named on stderr (`using ../backlog`), once.
    pub(crate) fn workspace(&self) -> Result<Workspace, CliError> {
        let ws = Workspace::open(&self.options(), false)?;
        if let Some(elsewhere) = ws.found_elsewhere()
            && !self.quiet
            && !self.announced.replace(true)
        {
            eprintln!(
                "using {}",
                backlog::text::sanitize(&elsewhere.display().to_string())
            );
        }
        Ok(ws)
    }

    /// Today, for every command: `BACKLOG_TODAY` (`YYYY-MM-DD`, for reproducible output)
    /// when set, else the system date (UTC). See [`today`].
    pub(crate) fn today(&self) -> Result<jiff::civil::Date, CliError> {
        today()
    }

    /// Opens the workspace even if the folder does not exist yet.
    pub(crate) fn workspace_allow_missing(&self) -> Result<Workspace, CliError> {
        Ok(Workspace::open(&self.options(), true)?)
    }
}

/// Starts a mutating command's transaction (the workspace lock for the whole command)
/// and says what it recovered from an interrupted earlier command.
pub(crate) fn begin<'a>(ui: &mut Ui, ws: &'a Workspace) -> Result<Transaction<'a>, CliError> {
    let tx = ws.begin()?;
    if let Some(recovery) = tx.recovered() {
        ui.warn(&backlog::text::sanitize(&recovery.to_string()));
    }
    Ok(tx)
}

/// Applies an outcome and reports it: JSON of the changed items, or status lines.
pub(crate) fn finish(
    ui: &mut Ui,
    tx: &Transaction<'_>,
    command: &str,
    outcome: &Outcome,
    done: &str,
) -> Result<(), CliError> {
    let recorded = tx.apply(&outcome.change)?;
    if ui.is_json() {
        ui.json(&backlog::view::change_json(command, outcome, &recorded))?;
    }
    match recorded {
        Recorded::NothingChanged => ui.status("Nothing changed."),
        Recorded::Committed(oid) => {
            ui.status(done);
            ui.status(&format!("Recorded commit {}.", &oid[..oid.len().min(10)]));
        }
        Recorded::NotARepository => {
            ui.status(done);
            ui.status("Not in a git repository: nothing was committed.");
        }
        Recorded::CommitDisabled => {
            ui.status(done);
            ui.status("Commits are off (--no-commit or `commit: false`): nothing was committed.");
        }
    }
    Ok(())
}

/// `BACKLOG_TODAY` when set and not empty, else the system date (UTC); a setting that is
/// not a real day (`2026-02-31`) is a usage error naming it.
pub(crate) fn today() -> Result<jiff::civil::Date, CliError> {
    let fixed = std::env::var("BACKLOG_TODAY").ok();
    backlog::text::date::today(fixed.as_deref()).map_err(|e| {
        CliError::user(format!(
            "BACKLOG_TODAY={:?} is not a date like 2026-01-05 ({})",
            backlog::text::sanitize(&e.text),
            e.reason
        ))
    })
}

/// The commands of the top-level help, grouped by workflow; every subcommand is in one
/// group (`test_every_command_is_in_one_help_group`).
const HELP_GROUPS: [(&str, &[&str]); 5] = [
    ("Capture", &["init", "add", "import"]),
    (
        "Refine",
        &[
            "show", "set", "edit", "story", "criteria", "dod", "estimate", "split", "merge",
            "dupes",
        ],
    ),
    (
        "Plan",
        &[
            "list", "rank", "matrix", "plan", "agenda", "board", "graph", "forecast", "velocity",
            "burnup",
        ],
    ),
    ("Review", &["check", "health", "diff", "log", "fmt"]),
    (
        "Team & integration",
        &[
            "site",
            "export",
            "git-setup",
            "merge-file",
            "mcp",
            "completions",
            "man",
            "help",
        ],
    ),
];

/// The command line: [`Cli`] with a top-level help that groups the commands by workflow
/// (clap has no command groups, so the list is written into the help template from the
/// commands' own descriptions).
pub(crate) fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = own_formats(Cli::command());
    cmd.build();
    let about = |name: &str| -> String {
        cmd.find_subcommand(name)
            .and_then(|c| c.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default()
    };
    let width = HELP_GROUPS
        .iter()
        .flat_map(|(_, names)| names.iter())
        .map(|n| n.len())
        .max()
        .unwrap_or(0);
    // As clap wraps the rest of the help: to the terminal, at most 100 columns.
    let max = ui::known_width().unwrap_or(100).clamp(width + 24, 100);
    let mut groups = String::new();
    for (heading, names) in HELP_GROUPS {
        groups.push_str(&format!("{heading}:\n"));
        for name in names {
            groups.push_str(&format!("  {name:width$}  "));
            groups.push_str(&wrap(&about(name), width + 4, max));
            groups.push('\n');
        }
        groups.push('\n');
    }
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{groups}\
         Global options:\n{{options}}{{after-help}}"
    );
    cmd.help_template(template).after_help(
        "Every command has --help with examples; `backlog man --all DIR` writes the man pages.",
    )
}

/// `cmd` with each subcommand's own `--format`, taking and listing only the formats that
/// command writes: a copy of the global option that clap, when it builds the command,
/// does not replace with the global one (and hands the value up to it, as for any global
/// option). Nested subcommands (`import csv`) take their command's formats.
fn own_formats(cmd: clap::Command) -> clap::Command {
    let global = cmd
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .cloned()
        .expect("the global --format");
    fn add(cmd: clap::Command, global: &clap::Arg, formats: &'static [Format]) -> clap::Command {
        let own = global
            .clone()
            .global(false)
            .value_parser(format_parser(formats));
        let mut cmd = cmd.arg(own);
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        for name in names {
            cmd = cmd.mut_subcommand(&name, |sub| add(sub, global, formats));
        }
        cmd
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut cmd = cmd;
    for name in names {
        let formats = Format::supported_by(&name);
        cmd = cmd.mut_subcommand(&name, |sub| add(sub, &global, formats));
    }
    cmd
}

/// `--format`'s parser for a command that writes `formats`: its help lists those; it
/// reads any format name, so that `main` refuses one the command does not write in the
/// same words wherever it was given (an unknown name is clap's error, listing those).
fn format_parser(formats: &'static [Format]) -> FormatParser {
    FormatParser(formats)
}

#[derive(Clone)]
struct FormatParser(&'static [Format]);

impl FormatParser {
    fn values(&self) -> impl Iterator<Item = clap::builder::PossibleValue> + '_ {
        use clap::ValueEnum;
        // In the enum's order (text, json, …), whatever the table's.
        Format::value_variants()
            .iter()
            .filter(|f| self.0.contains(f))
            .filter_map(ValueEnum::to_possible_value)
    }
}

impl clap::builder::TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        use clap::ValueEnum;
        if let Some(f) = value.to_str().and_then(|v| Format::from_str(v, false).ok()) {
            return Ok(f);
        }
        clap::builder::PossibleValuesParser::new(self.values())
            .parse_ref(cmd, arg, value)
            .map(|_| Format::Text)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(self.values()))
    }
}

/// `text` wrapped at spaces to lines of at most `max` columns, the lines after the first
/// indented by `indent` (the first starts there already).
fn wrap(text: &str, indent: usize, max: usize) -> String {
    let mut out = String::new();
    let mut col = indent;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if col > indent && col + 1 + len > max {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if col > indent {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

pub(crate) fn main() -> ExitCode {
    use clap::FromArgMatches;
    complete::answer_if_asked();
    let mut cmd = command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| {
            let cli = Cli::from_arg_matches(&m)?;
            // `backlog --format dot set …`: given before the command, the option was read
            // with every format allowed.
            if let Some((name, _)) = m.subcommand()
                && !Format::supported_by(name).contains(&cli.format)
            {
                let sub = cmd
                    .find_subcommand(name)
                    .cloned()
                    .unwrap_or_else(|| cmd.clone());
                let mut sub = sub.bin_name(format!("backlog {name}"));
                // `export`'s default `text` is JSON: it names the two it writes.
                let supported: Vec<&str> = Format::supported_by(name)
                    .iter()
                    .filter(|f| !(name == "export" && **f == Format::Text))
                    .map(|f| f.name())
                    .collect();
                return Err(sub.error(
                    clap::error::ErrorKind::InvalidValue,
                    format!(
                        "`{name}` does not support --format {}; use one of: {}",
                        cli.format.name(),
                        supported.join(", ")
                    ),
                ));
            }
            Ok(cli)
        });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let start = match &cli.chdir {
        Some(p) => p.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let ctx = Context {
        start,
        dir: cli.dir.clone(),
        no_commit: cli.no_commit,
        allow_dirty: cli.allow_dirty,
        quiet: cli.quiet,
        announced: std::cell::Cell::new(false),
    };
    let mut ui = Ui::new(cli.format, cli.quiet, cli.color);
    // Every command refuses a BACKLOG_TODAY that is not a date, not only those that read it.
    let result = today()
        .and_then(|_| commands::run(&mut ui, &ctx, &cli.command))
        .and_then(|code| {
            ui.flush()?;
            Ok(code)
        });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.code == 0 => ExitCode::SUCCESS,
        Err(e) => {
            let hints: Vec<String> = e
                .hints
                .iter()
                .map(|h| backlog::text::sanitize_lines(h))
                .collect();
            ui.error(&backlog::text::sanitize_lines(&e.message), &hints);
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn test_cli_definition_is_valid() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn test_every_command_is_in_one_help_group() {
        let cmd = command();
        let mut grouped: Vec<&str> = HELP_GROUPS
            .iter()
            .flat_map(|(_, n)| n.iter().copied())
            .collect();
        let mut names: Vec<&str> = cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .map(|c| c.get_name())
            .collect();
        grouped.sort_unstable();
        names.sort_unstable();
        assert_eq!(grouped, names);
    }

    #[test]
    fn test_every_command_has_examples_that_parse() {
        let cmd = command();
        let mut checked = 0;
        for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.starts_with("Examples:\n"),
                "{}: {help:?}",
                sub.get_name()
            );
            for line in help.lines().skip(1) {
                let line = line.trim();
                // `gh … > issues.json` and `EDITOR=nano backlog …`: the backlog part.
                let Some(at) = line.find("backlog ") else {
                    continue;
                };
                // Cut at a redirection, a pipe, the end of `<(…)` or a comment.
                let line = line[at..]
                    .split([')', '|', '#'])
                    .next()
                    .unwrap()
                    .split(" > ")
                    .next()
                    .unwrap();
                let words = shell_words(line);
                command()
                    .try_get_matches_from(&words)
                    .unwrap_or_else(|e| panic!("{line}: {e}"));
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
    }

    /// Splits a command line at spaces, keeping '…' quoted words together.
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '\'' => quoted = !quoted,
                ' ' if !quoted => {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
                c => word.push(c),
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        words
    }

    #[test]
    fn test_internal_errors_exit_101_and_input_errors_2() {
        let internal: CliError = OpError::Internal("broken invariant".to_owned()).into();
        assert_eq!(internal.code, EXIT_INTERNAL);
        assert_eq!(EXIT_INTERNAL, 101);
        let refused: CliError = OpError::Refused("no".to_owned()).into();
        assert_eq!(refused.code, 2);
    }
}
