//! One module per command: clap arguments and a `run` that calls the library.

pub(crate) mod add;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod criteria;
pub(crate) mod diff;
pub(crate) mod dod;
pub(crate) mod edit;
pub(crate) mod estimate;
pub(crate) mod export;
pub(crate) mod fmt;
pub(crate) mod git_setup;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod list;
pub(crate) mod log;
pub(crate) mod matrix;
pub(crate) mod rank;
pub(crate) mod set;
pub(crate) mod show;
pub(crate) mod site;

pub(crate) mod agenda;
pub(crate) mod board;
pub(crate) mod burnup;
pub(crate) mod dupes;
pub(crate) mod forecast;
pub(crate) mod graph;
pub(crate) mod health;
pub(crate) mod merge;
pub(crate) mod merge_file;
pub(crate) mod plan;
pub(crate) mod split;
pub(crate) mod story;
pub(crate) mod velocity;

use super::{CliError, Command, Context, Ui};

/// Runs a command; the `Ok` value is the exit code.
pub(crate) fn run(ui: &mut Ui, ctx: &Context, command: &Command) -> Result<u8, CliError> {
    match command {
        Command::Init(args) => init::run(ui, ctx, args),
        Command::Add(args) => add::run(ui, ctx, args),
        Command::List(args) => list::run(ui, ctx, args),
        Command::Show(args) => show::run(ui, ctx, args),
        Command::Set(args) => set::run(ui, ctx, args),
        Command::Edit(args) => edit::run(ui, ctx, args),
        Command::Estimate(args) => estimate::run(ui, ctx, args),
        Command::Check(args) => check::run(ui, ctx, args),
        Command::Rank(args) => rank::run(ui, ctx, args),
        Command::Matrix(args) => matrix::run(ui, ctx, args),
        Command::Diff(args) => diff::run(ui, ctx, args),
        Command::Log(args) => log::run(ui, ctx, args),
        Command::Fmt(args) => fmt::run(ui, ctx, args),
        Command::Completions(args) => completions::run(ui, args),
        Command::Man(args) => completions::run_man(ui, args),
        Command::Split(args) => split::run(ui, ctx, args),
        Command::Criteria(args) => criteria::run(ui, ctx, args),
        Command::Story(args) => story::run(ui, ctx, args),
        Command::Dod(args) => dod::run(ui, ctx, args),
        Command::Merge(args) => merge::run(ui, ctx, args),
        Command::Dupes(args) => dupes::run(ui, ctx, args),
        Command::Graph(args) => graph::run(ui, ctx, args),
        Command::Velocity(args) => velocity::run(ui, ctx, args),
        Command::Plan(args) => plan::run(ui, ctx, args),
        Command::Agenda(args) => agenda::run(ui, ctx, args),
        Command::Health(args) => health::run(ui, ctx, args),
        Command::Board(args) => board::run(ui, ctx, args),
        Command::Forecast(args) => forecast::run(ui, ctx, args),
        Command::Burnup(args) => burnup::run(ui, ctx, args),
        Command::Import(args) => import::run(ui, ctx, args),
        Command::Export(args) => export::run(ui, ctx, args),
        Command::Site(args) => site::run(ui, ctx, args),
        Command::MergeFile(args) => merge_file::run(ui, ctx, args),
        Command::GitSetup(args) => git_setup::run(ui, ctx, args),
    }
}
