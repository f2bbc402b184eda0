use std::path::{Path, PathBuf};

use clap::Args;

use backlog::document::MAX_FILE_BYTES;
use backlog::merge::{Labels, Strategy, merge_files};

use crate::cli::{CliError, Context, Format, Ui};

/// Merge three versions of an item file key by key (git's merge driver, see `git-setup`)
///
/// Writes the result to OURS (or stdout with --stdout) and exits 0 when the merge is
/// clean, 1 when conflict markers remain, 2 when an input is unusable (OURS is then left
/// as it is). Takes no lock and records no commit: git runs it in the middle of a merge.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog merge-file base.md ours.md theirs.md --path backlog/B-7KX2-sso.md
  backlog merge-file -p base.md ours.md theirs.md")]
pub(crate) struct MergeFileArgs {
    /// The common ancestor's version (git's %O)
    base: PathBuf,
    /// Our version, replaced by the result (git's %A)
    ours: PathBuf,
    /// Their version (git's %B)
    theirs: PathBuf,
    /// The file's path in the repository, for messages (git's %P)
    #[arg(long, value_name = "PATH")]
    path: Option<String>,
    /// Length of the conflict markers (git's %L)
    #[arg(long, value_name = "N", default_value_t = 7)]
    marker_size: usize,
    /// Label after `<<<<<<<` (git's %X)
    #[arg(long, value_name = "LABEL")]
    ours_label: Option<String>,
    /// Label after `>>>>>>>` (git's %Y)
    #[arg(long, value_name = "LABEL")]
    theirs_label: Option<String>,
    /// Print the result instead of writing it to OURS
    #[arg(short = 'p', long)]
    stdout: bool,
}

fn read(path: &Path, role: &str) -> Result<Vec<u8>, CliError> {
    let fail =
        |e: std::io::Error| CliError::user(format!("cannot read {role} {}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(fail)?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(CliError::user(format!(
            "{role} {} is {size} bytes, over the {MAX_FILE_BYTES}-byte limit for an item",
            path.display()
        )));
    }
    std::fs::read(path).map_err(fail)
}

pub(crate) fn run(ui: &mut Ui, _ctx: &Context, args: &MergeFileArgs) -> Result<u8, CliError> {
    if args.stdout && ui.is_json() {
        return Err(CliError::format(
            "merge-file --stdout",
            Format::Json,
            &["text"],
        ));
    }
    let name = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let base = read(&args.base, "base")?;
    let ours = read(&args.ours, "ours")?;
    let theirs = read(&args.theirs, "theirs")?;
    let defaults = Labels::default();
    let labels = Labels {
        ours: args.ours_label.clone().unwrap_or(defaults.ours),
        theirs: args.theirs_label.clone().unwrap_or(defaults.theirs),
        base: defaults.base,
        marker_size: args.marker_size,
    }
    .sanitized();
    let merged = merge_files(&base, &ours, &theirs, &labels)
        .map_err(|e| CliError::user(format!("cannot merge {name}: {e}")))?;
    if args.stdout {
        ui.bytes(&merged.text)?;
    } else if merged.text != ours {
        std::fs::write(&args.ours, &merged.text)
            .map_err(|e| CliError::user(format!("cannot write {}: {e}", args.ours.display())))?;
    }
    if ui.is_json() {
        ui.json(&serde_json::json!({
            "schema": 1,
            "command": "merge-file",
            "path": name,
            "clean": merged.is_clean(),
            "conflicts": merged.conflicts,
            "strategy": match merged.strategy {
                Strategy::Keys => "keys",
                Strategy::Lines => "lines",
            },
        }))?;
    } else if !merged.is_clean() {
        let how = match merged.strategy {
            Strategy::Keys => "front matter merged key by key",
            Strategy::Lines => "merged line by line: not an item file on every side",
        };
        let n = merged.conflicts;
        ui.status(&format!(
            "{}: {n} conflict{} left ({how}); resolve the markers, then `git add` the file",
            backlog::text::sanitize(&name),
            if n == 1 { "" } else { "s" },
        ));
    }
    Ok(if merged.is_clean() { 0 } else { 1 })
}
