use std::collections::HashMap;

use clap::Args;

use backlog::check::{self, CheckOptions, Finding, Report};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Format, Ui};

/// Check the backlog: integrity of every item and the definition of ready (CI gate)
///
/// Exit status: 0 when clean (warnings do not fail unless --strict), 1 when there are
/// findings, 2 on usage or I/O errors.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog check
  backlog check --changed-since main --format github
  backlog check --strict --format json")]
pub(crate) struct CheckArgs {
    /// Report only on items added or changed since the branch left REV (a pull request's
    /// base): from the merge base of REV and HEAD, like `git diff REV...HEAD`, to the
    /// working tree; and on what the change did to other items' references, which
    /// resolve against the whole backlog
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Fail on warnings too
    #[arg(long)]
    strict: bool,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &CheckArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json | Format::Github) {
        return Err(CliError::format(
            "check",
            ui.format,
            &["text", "json", "github"],
        ));
    }
    let ws = ctx.workspace()?;
    // The merge base, when it is not the revision itself (the branch is behind it).
    let mut base = None;
    let changes = match &args.changed_since {
        Some(rev) => {
            let repo = ws.repo.as_ref().ok_or_else(|| {
                CliError::user("--changed-since needs the backlog to be in a git repository")
            })?;
            let dir = ws.store.relative(ws.store.dir());
            let changes = check::changes_since(repo, rev, &dir).map_err(|e| {
                let example = if rev == "origin/main" {
                    "main or HEAD~1"
                } else {
                    "origin/main"
                };
                CliError::user(e.to_string()).hint(format!(
                    "pass a branch, tag or commit that exists, e.g. --changed-since {example} \
                     (`git fetch` first for a remote branch)"
                ))
            })?;
            base = changes
                .base
                .filter(|_| changes.behind)
                .map(|b| b.to_string());
            // A changed config.yml changes the rules for every item: check everything.
            (!changes.paths.contains(&format!("{dir}/config.yml"))).then_some(changes)
        }
        None => None,
    };
    let loaded = ws.store.load_all();
    let config = &ws.store.config;
    let report = match &changes {
        Some(changes) => check::check_changed(&loaded, config, changes),
        None => check::check(&loaded, config, &CheckOptions::default()),
    };
    let failed = report.fails(args.strict);
    match ui.format {
        Format::Json => ui.json(&backlog::view::check_json(
            &report,
            args.changed_since.as_deref(),
            base.as_deref(),
            args.strict,
        ))?,
        Format::Github => {
            let titles: HashMap<&str, &str> = loaded
                .entries
                .iter()
                .map(|e| (e.item.id.as_str(), e.item.title.as_str()))
                .collect();
            for f in &report.findings {
                let title = match f.item.as_deref() {
                    Some(id) => format!("{id} {}", titles.get(id).copied().unwrap_or_default()),
                    None => format!("backlog check: {}", f.rule),
                };
                ui.line(&check::github::annotation(f, title.trim_end()))?;
            }
            ui.line(&summary(&report, args, base.as_deref()))?;
        }
        _ => {
            let mut last: Option<&str> = None;
            for f in &report.findings {
                if last.is_some_and(|p| p != f.path) {
                    ui.line("")?;
                }
                last = Some(&f.path);
                ui.line(&text_line(f))?;
            }
            if last.is_some() {
                ui.line("")?;
            }
            ui.line(&summary(&report, args, base.as_deref()))?;
        }
    }
    Ok(u8::from(failed))
}

fn text_line(f: &Finding) -> String {
    format!(
        "{}:{}: {}[{}]: {}",
        sanitize(&f.path),
        f.line,
        f.severity.as_str(),
        f.rule,
        sanitize(&f.message)
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(report: &Report, args: &CheckArgs, base: Option<&str>) -> String {
    let scope = match (&args.changed_since, base) {
        (Some(rev), Some(base)) => format!(
            " changed since {} (merge base {})",
            sanitize(rev),
            &base[..base.len().min(10)]
        ),
        (Some(rev), None) => format!(" changed since {}", sanitize(rev)),
        (None, _) => String::new(),
    };
    let dependents = match report.dependents_checked {
        0 => String::new(),
        n => format!(
            ", and the references of {} to them",
            plural(n, "item", "items")
        ),
    };
    let checked = format!(
        "checked {}{scope} ({} against the definition of ready{dependents})",
        plural(report.items_checked, "item", "items"),
        report.ready_checked
    );
    if report.findings.is_empty() {
        return format!("{checked}: no findings");
    }
    let mut text = format!(
        "{checked}: {}, {} in {}",
        plural(report.errors(), "error", "errors"),
        plural(report.warnings(), "warning", "warnings"),
        plural(report.files_with_findings(), "file", "files")
    );
    if report.errors() == 0 && !args.strict {
        text.push_str(" (warnings do not fail the check; --strict makes them)");
    }
    text
}
