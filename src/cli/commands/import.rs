use std::path::PathBuf;

use clap::{Args, Subcommand};

use backlog::import::{self, Batch, ImportError, ImportOptions, ImportPlan};
use backlog::text::sanitize;
use backlog::workspace::Recorded;

use crate::cli::render::item_json;
use crate::cli::{CliError, Context, Ui, begin};

/// Import a backlog from Backlog.md, GitHub issues or a CSV export (Jira's by default)
///
/// Items imported before are updated instead of duplicated (matched by `source` or by
/// the kept ID); an import that changes nothing records no commit.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog import backlog-md ../old-project --dry-run
  gh issue list --state all --limit 100000 --json number,title,body,labels,assignees,state,milestone,createdAt,url > issues.json
  backlog import github issues.json
  backlog import csv jira.csv --status-map 'To Do=draft,Done=done'")]
pub(crate) struct ImportArgs {
    #[command(subcommand)]
    source: Source,
}

#[derive(Debug, Subcommand)]
enum Source {
    /// A Backlog.md project: PATH is its root (holding `backlog/`) or that folder
    #[command(name = "backlog-md")]
    BacklogMd {
        /// The project root or its `backlog/` folder
        path: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// GitHub issues: the JSON of `gh issue list --state all --limit 100000 --json
    /// number,title,body,labels,assignees,state,milestone,createdAt,url`
    Github {
        /// The JSON file (`-` reads standard input)
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// A CSV file: Jira's export, this tool's `export --format csv`, or any CSV with --map
    Csv {
        /// The CSV file (`-` reads standard input)
        file: PathBuf,
        /// Read column COLUMN into KEY (a front-matter key, or story, acceptance_criteria,
        /// body, blocks; `-` ignores the column); repeatable
        #[arg(long = "map", value_name = "COLUMN=KEY")]
        map: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Args)]
struct Common {
    /// Map source statuses to configured ones: "To Do=draft,In Progress=in-progress"
    /// (unmapped unknown statuses are added to config.yml)
    #[arg(long = "status-map", value_name = "FROM=TO,…")]
    status_map: Vec<String>,
    /// Print what would change; write nothing
    #[arg(long)]
    dry_run: bool,
}

fn import_error(e: ImportError) -> CliError {
    match e {
        ImportError::Usage(m) => CliError::user(m),
        other => CliError::user(other.to_string()),
    }
}

fn read_input(file: &PathBuf) -> Result<Vec<u8>, CliError> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
        return Ok(bytes);
    }
    std::fs::read(file).map_err(|e| CliError::user(format!("{}: {e}", file.display())))
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &ImportArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let (batch, common): (Batch, &Common) = match &args.source {
        Source::BacklogMd { path, common } => {
            let files = import::backlog_md::scan(path).map_err(import_error)?;
            let bar = ui.progress(Some(files.len() as u64), "import");
            let batch = import::backlog_md::read(&files, &|| bar.inc(1));
            bar.finish_and_clear();
            (batch, common)
        }
        Source::Github { file, common } => {
            let bytes = read_input(file)?;
            let shown = file.display().to_string();
            let text = String::from_utf8(bytes)
                .map_err(|_| CliError::user(format!("{shown}: not valid UTF-8")))?;
            (
                import::github::read(&shown, &text).map_err(import_error)?,
                common,
            )
        }
        Source::Csv { file, map, common } => {
            let bytes = read_input(file)?;
            let map = import::parse_pairs(map, "--map").map_err(import_error)?;
            let shown = file.display().to_string();
            (
                import::csv::read(&shown, &bytes, &map).map_err(import_error)?,
                common,
            )
        }
    };
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let opts = ImportOptions {
        status_map: import::parse_pairs(&common.status_map, "--status-map")
            .map_err(import_error)?,
        today: ctx.today()?.to_string(),
    };
    let plan = import::plan(&ws.store, &loaded, batch, &opts).map_err(import_error)?;
    for s in &plan.skipped {
        ui.warn(&format!("not imported: {}", sanitize(&s.to_string())));
    }
    for o in &plan.off_scale {
        ui.warn(&format!(
            "{}: estimate {} is not on the scale ({}); kept as it is",
            o.id,
            sanitize(&o.estimate),
            ws.store.config.scale_text()
        ));
    }
    let recorded = if common.dry_run {
        None
    } else {
        Some(tx.apply(&plan.change)?)
    };
    report(ui, &plan, recorded.as_ref())?;
    Ok(0)
}

fn report(ui: &mut Ui, plan: &ImportPlan, recorded: Option<&Recorded>) -> Result<(), CliError> {
    let dry_run = recorded.is_none();
    if ui.is_json() {
        let commit = match recorded {
            Some(Recorded::Committed(oid)) => serde_json::Value::String(oid.clone()),
            _ => serde_json::Value::Null,
        };
        ui.json(&serde_json::json!({
            "schema": 1,
            "command": "import",
            "source": plan.source,
            "dry_run": dry_run,
            "changed": !plan.change.is_empty() && !dry_run,
            "created": plan.created.iter().map(|e| item_json(e, false)).collect::<Vec<_>>(),
            "updated": plan.updated.iter().map(|e| item_json(e, false)).collect::<Vec<_>>(),
            "unchanged": plan.unchanged,
            "skipped": plan.skipped.iter().map(|s| serde_json::json!({
                "path": s.path, "line": s.line, "reason": s.reason,
            })).collect::<Vec<_>>(),
            "new_statuses": plan.new_statuses,
            "new_types": plan.new_types,
            "off_scale": plan.off_scale.iter().map(|o| serde_json::json!({
                "id": o.id, "estimate": o.estimate,
            })).collect::<Vec<_>>(),
            "commit": commit,
        }))?;
    } else {
        let mut out = String::new();
        for (mark, entries) in [("new", &plan.created), ("updated", &plan.updated)] {
            for e in entries.iter() {
                out.push_str(&format!(
                    "{mark}\t{}\t{}\n",
                    e.item.id,
                    sanitize(&e.item.title)
                ));
            }
        }
        ui.data(&out)?;
    }
    let mut counts = vec![
        format!("{} new", plan.created.len()),
        format!("{} updated", plan.updated.len()),
        format!("{} unchanged", plan.unchanged),
    ];
    if !plan.skipped.is_empty() {
        counts.push(format!("{} not imported", plan.skipped.len()));
    }
    let verb = if dry_run { "Would import" } else { "Imported" };
    ui.status(&format!(
        "{verb} from {}: {}.",
        plan.source,
        counts.join(", ")
    ));
    if !plan.new_statuses.is_empty() {
        ui.status(&format!(
            "{} to config.yml statuses: {} (or map them with --status-map FROM=TO).",
            if dry_run { "Would add" } else { "Added" },
            plan.new_statuses.join(", ")
        ));
    }
    if !plan.new_types.is_empty() {
        ui.status(&format!(
            "{} to config.yml types: {}.",
            if dry_run { "Would add" } else { "Added" },
            plan.new_types.join(", ")
        ));
    }
    match recorded {
        None => ui.status("Dry run: nothing was written."),
        Some(Recorded::NothingChanged) => ui.status("Nothing changed."),
        Some(Recorded::Committed(oid)) => {
            ui.status(&format!("Recorded commit {}.", &oid[..oid.len().min(10)]));
        }
        Some(Recorded::NotARepository) => {
            ui.status("Not in a git repository: nothing was committed.");
        }
        Some(Recorded::CommitDisabled) => {
            ui.status("Commits are off (--no-commit or `commit: false`): nothing was committed.");
        }
    }
    Ok(())
}
