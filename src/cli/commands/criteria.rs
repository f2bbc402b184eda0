use clap::{ArgGroup, Args};

use backlog::Checklist;
use backlog::ops::{ChecklistEdit, ChecklistEntry, checklist, edit_checklist};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Format, Ui, begin, finish};

/// List an item's acceptance criteria, numbered, or change them (one commit per run)
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog criteria B-7KX2
  backlog criteria B-7KX2 --add 'A failed sign-in shows the IdP error'
  backlog criteria B-7KX2 --check 1 3
  backlog criteria B-7KX2 --move 3 --to 1")]
pub(crate) struct CriteriaArgs {
    #[command(flatten)]
    pub(crate) list: ChecklistArgs,
}

/// The arguments `criteria` and `dod` share.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("action")
        .args(["add", "check", "uncheck", "remove", "edit", "move_from"])
        .multiple(false)
))]
pub(crate) struct ChecklistArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// Append an unchecked entry (repeatable); creates the section when it is missing
    #[arg(long, value_name = "TEXT")]
    add: Vec<String>,
    /// Check entries by number, as listed
    #[arg(long, value_name = "N", num_args = 1..)]
    check: Vec<usize>,
    /// Uncheck entries by number
    #[arg(long, value_name = "N", num_args = 1..)]
    uncheck: Vec<usize>,
    /// Remove entries by number (with anything nested under them)
    #[arg(long, value_name = "N", num_args = 1..)]
    remove: Vec<usize>,
    /// Replace the text of entry N, keeping its checkbox
    #[arg(long, num_args = 2, value_names = ["N", "TEXT"])]
    edit: Vec<String>,
    /// Move entry N to position M (with --to M)
    #[arg(long = "move", value_name = "N", requires = "to")]
    move_from: Option<usize>,
    /// The position for --move
    #[arg(long, value_name = "M", requires = "move_from")]
    to: Option<usize>,
}

impl ChecklistArgs {
    /// The requested edit, or `None` to list.
    fn edit(&self) -> Result<Option<ChecklistEdit>, CliError> {
        Ok(if !self.add.is_empty() {
            Some(ChecklistEdit::Add(self.add.clone()))
        } else if !self.check.is_empty() {
            Some(ChecklistEdit::Check(self.check.clone()))
        } else if !self.uncheck.is_empty() {
            Some(ChecklistEdit::Uncheck(self.uncheck.clone()))
        } else if !self.remove.is_empty() {
            Some(ChecklistEdit::Remove(self.remove.clone()))
        } else if let [n, text] = self.edit.as_slice() {
            let number = n
                .parse()
                .map_err(|_| CliError::user(format!("--edit N TEXT: {n:?} is not a number")))?;
            Some(ChecklistEdit::Edit {
                number,
                text: text.clone(),
            })
        } else if let (Some(from), Some(to)) = (self.move_from, self.to) {
            Some(ChecklistEdit::Move { from, to })
        } else {
            None
        })
    }
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &CriteriaArgs) -> Result<u8, CliError> {
    run_checklist(ui, ctx, &args.list, Checklist::Criteria)
}

fn json_key(list: Checklist) -> &'static str {
    match list {
        Checklist::Criteria => "acceptance_criteria",
        Checklist::Done => "definition_of_done",
    }
}

fn command(list: Checklist) -> &'static str {
    match list {
        Checklist::Criteria => "criteria",
        Checklist::Done => "dod",
    }
}

/// `criteria` and `dod`: list, or apply one edit and commit it.
pub(crate) fn run_checklist(
    ui: &mut Ui,
    ctx: &Context,
    args: &ChecklistArgs,
    list: Checklist,
) -> Result<u8, CliError> {
    let name = command(list);
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format(name, ui.format, &["text", "json"]));
    }
    let edit = args.edit()?;
    let ws = ctx.workspace()?;
    let team: &[String] = match list {
        Checklist::Criteria => &[],
        Checklist::Done => &ws.store.config.definition_of_done,
    };
    let Some(edit) = edit else {
        let entry = ws.store.find(&args.id)?;
        let entries = checklist(entry.doc.body(), list, team);
        if ui.is_json() {
            ui.json(&serde_json::json!({
                "schema": 1,
                "id": entry.item.id,
                "path": entry.path,
                json_key(list): entries,
            }))?;
        } else {
            ui.line(&format!(
                "{}  {}",
                entry.item.id,
                sanitize(&entry.item.title)
            ))?;
            print_entries(ui, &entries)?;
            if entries.is_empty() {
                ui.status(&format!(
                    "{} has no {}; add one with `backlog {name} {} --add TEXT`.",
                    entry.item.id,
                    list.heading().to_lowercase(),
                    entry.item.id
                ));
            }
        }
        return Ok(0);
    };
    let tx = begin(ui, &ws)?;
    let entry = ws.store.find(&args.id)?;
    let id = entry.item.id.clone();
    let outcome = edit_checklist(entry, list, team, &edit)?;
    let done = format!("Updated the {} of {id}.", list.heading().to_lowercase());
    finish(ui, &tx, name, &outcome, &done)?;
    if !ui.is_json() {
        let entries = checklist(outcome.items[0].doc.body(), list, team);
        print_entries(ui, &entries)?;
    }
    Ok(0)
}

fn print_entries(ui: &mut Ui, entries: &[ChecklistEntry]) -> Result<(), CliError> {
    let width = entries.len().to_string().len();
    for e in entries {
        ui.line(&format!(
            "{:>width$}. [{}] {}{}",
            e.number,
            if e.done { "x" } else { " " },
            sanitize(&e.text),
            if e.team { "  (team)" } else { "" }
        ))?;
    }
    Ok(())
}
