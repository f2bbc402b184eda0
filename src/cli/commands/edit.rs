use std::path::PathBuf;

use clap::Args;

use backlog::ops::{Outcome, validate_edit};
use backlog::store::Entry;
use backlog::workspace::{Change, Workspace};

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Edit an item in $VISUAL or $EDITOR; the result is validated before it is committed
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
}

/// Where an edit in progress lives; an invalid edit stays here to be recovered.
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

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &EditArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let entry = ws.store.find(&args.id)?;
    let id = entry.item.id.clone();
    let path = edit_path(&ws, &id);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, entry.doc.as_str())?;
    let editor = editor();
    // Like git, hand the editor command to the shell so `code --wait` works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(&path)
        .status()
        .map_err(|e| CliError::user(format!("cannot start editor {editor:?}: {e}")))?;
    let keep_hint = |p: &PathBuf| format!("your edit is kept in {}", p.display());
    if !status.success() {
        return Err(
            CliError::user(format!("editor {editor:?} exited with {status}"))
                .hint(keep_hint(&path)),
        );
    }
    let edited = std::fs::read_to_string(&path).map_err(|e| {
        CliError::user(format!("cannot read the edited file: {e}")).hint(keep_hint(&path))
    })?;
    if edited == entry.doc.as_str() {
        let _ = std::fs::remove_file(&path);
        ui.status("Nothing changed.");
        return Ok(0);
    }
    let (doc, item) = validate_edit(&id, &edited, &ws.store.config).map_err(|e| {
        CliError::user(format!("{}: invalid edit: {e}", entry.path))
            .hint(keep_hint(&path))
            .hint(format!(
                "fix it there, then copy it over {} (or run `backlog edit {id}` again)",
                entry.path
            ))
    })?;
    let tx = begin(ui, &ws)?;
    let current = ws.store.find(&id)?;
    if current.doc.as_str() != entry.doc.as_str() {
        return Err(CliError::user(format!(
            "{} changed while you were editing; not overwriting it",
            entry.path
        ))
        .hint(keep_hint(&path)));
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
    let _ = std::fs::remove_file(&path);
    Ok(0)
}
