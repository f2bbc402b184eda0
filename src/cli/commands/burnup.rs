use clap::Args;

use backlog::forecast::burnup::{self, Burnup};
use backlog::history::folder_prefix;
use backlog::text::sanitize;

use crate::cli::commands::plan::{fit, terminal_width, today};
use crate::cli::{CliError, Context, Format, Ui, render};

/// Points in scope and done at the end of each past sprint, from git history
///
/// For each finished sprint, the backlog as committed at the end of its last day (the
/// newest commit on HEAD's first-parent chain by then): the points of the open and done
/// items (scope) and of the done ones. Scope that grows from sprint to sprint is scope
/// creep. Unestimated items count 0 points, as in `velocity`, and are counted.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog burnup
  backlog burnup --last 6 --format json")]
pub(crate) struct BurnupArgs {
    /// Show the last N finished sprints
    #[arg(long, value_name = "N", default_value_t = 8)]
    last: usize,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &BurnupArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("burnup", ui.format, &["text", "json"]));
    }
    if args.last == 0 || args.last > 1000 {
        return Err(CliError::user(format!(
            "--last must be between 1 and 1000, found {}",
            args.last
        )));
    }
    let ws = ctx.workspace()?;
    let Some(repo) = &ws.repo else {
        return Err(CliError::user(
            "burnup reads the backlog's git history, and this is not a git repository",
        ));
    };
    let config = &ws.store.config;
    let prefix = folder_prefix(repo, ws.store.dir());
    let b = burnup::burnup(
        repo,
        &prefix,
        config,
        &config.sprints.calendar(),
        today()?,
        args.last,
    )
    .map_err(|e| CliError::user(e.to_string()))?;
    for w in &b.warnings {
        ui.warn(&sanitize(w));
    }
    if ui.is_json() {
        ui.json(&render::envelope(&b)?)?;
        return Ok(0);
    }
    text(ui, &b)?;
    Ok(0)
}

fn signed(n: Option<i64>) -> String {
    match n {
        Some(n) if n > 0 => format!("+{n}"),
        Some(n) => n.to_string(),
        None => String::new(),
    }
}

fn text(ui: &mut Ui, b: &Burnup) -> Result<(), CliError> {
    if b.sprints.is_empty() {
        ui.line(
            "No burn-up yet: no finished sprint has a commit of the backlog by its end \
             (sprints come from `sprints:` in config.yml).",
        )?;
        return Ok(());
    }
    ui.line("Burn-up: points in scope and done at the end of each sprint (from git history)")?;
    let name_w = b
        .sprints
        .iter()
        .map(|s| sanitize(&s.name).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let max = b
        .sprints
        .iter()
        .map(|s| s.points.scope)
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_w = terminal_width().saturating_sub(name_w + 50).clamp(10, 50) as u64;
    ui.line(&format!(
        "  {:name_w$}  {:bar_w$}  {:>5} {:>5}  {:>6}  {:>6}",
        "sprint",
        "█ done ░ open",
        "done",
        "scope",
        "scope+",
        "done+",
        bar_w = bar_w as usize
    ))?;
    for s in &b.sprints {
        let scope_len = (s.points.scope * bar_w).div_ceil(max);
        let done_len = (s.points.done * bar_w / max).min(scope_len);
        let bar = format!(
            "{}{}",
            "█".repeat(done_len as usize),
            "░".repeat((scope_len - done_len) as usize)
        );
        let mut line = format!(
            "  {:name_w$}  {:bar_w$}  {:>5} {:>5}  {:>6}  {:>6}",
            fit(&s.name, name_w),
            bar,
            s.points.done,
            s.points.scope,
            signed(s.added),
            signed(s.done_in_sprint),
            bar_w = bar_w as usize
        );
        if s.points.unestimated > 0 {
            line.push_str(&format!("  ({} unestimated)", s.points.unestimated));
        }
        ui.line(line.trim_end())?;
    }
    if let Some(g) = b.scope_growth(b.sprints.len()) {
        let over = format!(
            "over {} sprint{}",
            g.sprints.len(),
            if g.sprints.len() == 1 { "" } else { "s" }
        );
        ui.line(&match g.added {
            0 => format!(
                "Scope did not change {over} ({} points) while {} points were done.",
                g.to, g.done
            ),
            n => format!(
                "Scope {} by {} points {over} ({} -> {}) while {} points were done.",
                if n > 0 { "grew" } else { "shrank" },
                n.abs(),
                g.from,
                g.to,
                g.done
            ),
        })?;
    }
    Ok(())
}
