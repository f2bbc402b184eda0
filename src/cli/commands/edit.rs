use std::path::{Path, PathBuf};

use clap::Args;

use backlog::ops::{Outcome, validate_edit};
use backlog::store::Entry;
use backlog::workspace::{Change, Workspace};

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Edit an item in $VISUAL or $EDITOR; the result is validated before it is committed
///
/// What would stop the commit (uncommitted edits in the item file, a missing git identity,
/// git's index lock) is checked before the editor opens. An edit that cannot be recorded
/// is kept in `.git/backlog-edits/ID.md`, and the next `backlog edit ID` reopens it; delete
/// that file to start over.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog edit B-7KX2
  EDITOR=nano backlog edit b-7k")]
pub(crate) struct EditArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
}

/// Where an edit in progress lives; an edit that was not recorded stays here, and the
/// next `edit` of the item reopens it.
fn edit_path(ws: &Workspace, id: &str) -> PathBuf {
    let base = match &ws.repo {
        Some(repo) => repo.git_dir().join("backlog-edits"),
        None => std::env::temp_dir().join("backlog-edits"),
    };
    base.join(format!("{id}.md"))
}

fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_owned())
}

fn keep_hint(path: &Path) -> String {
    format!(
        "your edit is kept in {}: `backlog edit` reopens it (delete it to start over)",
        path.display()
    )
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &EditArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let entry = ws.store.find(&args.id)?;
    let id = entry.item.id.clone();
    let path = edit_path(&ws, &id);
    let with_kept = |e: CliError| {
        if path.is_file() {
            e.hint(keep_hint(&path))
        } else {
            e
        }
    };
    // What would refuse the commit after the editor is refused before it opens.
    ws.preflight(std::slice::from_ref(&entry.path))
        .map_err(|e| with_kept(e.into()))?;
    if path.is_file() {
        ui.status(&format!(
            "Reopening your kept edit of {id} from {} (delete it to start over).",
            path.display()
        ));
    } else {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, entry.doc.as_str())?;
    }
    edit_and_record(ui, &ws, &entry, &path).map_err(with_kept)
}

/// Runs the editor on `path`, validates the result and records it; the kept file is
/// removed once the edit is recorded (or changes nothing).
fn edit_and_record(
    ui: &mut Ui,
    ws: &Workspace,
    entry: &Entry,
    path: &Path,
) -> Result<u8, CliError> {
    let id = entry.item.id.clone();
    let editor = editor();
    // Like git, hand the editor command to the shell so `code --wait` works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(path)
        .status()
        .map_err(|e| CliError::user(format!("cannot start editor {editor:?}: {e}")))?;
    if !status.success() {
        return Err(CliError::user(format!(
            "editor {editor:?} exited with {status}"
        )));
    }
    let edited = std::fs::read_to_string(path)
        .map_err(|e| CliError::user(format!("cannot read the edited file: {e}")))?;
    if edited == entry.doc.as_str() {
        let _ = std::fs::remove_file(path);
        ui.status("Nothing changed.");
        return Ok(0);
    }
    let (doc, item) = validate_edit(&id, &edited, &ws.store.config).map_err(|e| {
        CliError::user(format!("{}: invalid edit: {e}", entry.path)).hint(format!(
            "fix it with `backlog edit {id}` (it reopens your edit), or copy it over {} by hand",
            entry.path
        ))
    })?;
    let tx = begin(ui, ws)?;
    let current = ws.store.find(&id)?;
    if current.doc.as_str() != entry.doc.as_str() {
        return Err(CliError::user(format!(
            "{} changed while you were editing; not overwriting it",
            entry.path
        )));
    }
    let edited_entry = Entry {
        path: entry.path.clone(),
        doc,
        item,
    };
    let outcome = Outcome {
        change: Change {
            op: "edit".to_owned(),
            summary: format!("edit {id}"),
            items: vec![id.clone()],
            writes: vec![(entry.path.clone(), edited)],
            ..Change::default()
        },
        items: vec![edited_entry],
    };
    finish(ui, &tx, "edit", &outcome, &format!("Edited {id}."))?;
    let _ = std::fs::remove_file(path);
    Ok(0)
}
