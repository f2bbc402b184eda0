use clap::Args;

use backlog::planning;
use backlog::text::sanitize;

use crate::cli::commands::plan::{id_list, terminal_width};
use crate::cli::{CliError, Context, Format, Ui, render};

/// Points completed per sprint, from done items with a `sprint` value
///
/// Shows each sprint's points as a bar, the average and range, and the capacity that
/// `capacity: auto` uses (the average of the last 3 sprints). Unestimated done items count
/// 0 points and are listed.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog velocity
  backlog velocity --last 4 --format json")]
pub(crate) struct VelocityArgs {
    /// Show the last N sprints
    #[arg(long, value_name = "N", default_value_t = 6)]
    last: usize,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &VelocityArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("velocity", ui.format, &["text", "json"]));
    }
    if args.last == 0 {
        return Err(CliError::user("--last must be at least 1"));
    }
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let v = planning::velocity(&loaded, &ws.store.config, Some(args.last));
    if ui.is_json() {
        ui.json(&render::envelope(&v)?)?;
        return Ok(0);
    }
    if v.sprints.is_empty() {
        ui.line(
            "No velocity yet: no done item has a `sprint` value. Set `sprint: NAME` on items \
             as they are finished (`backlog plan --apply` does it when planning).",
        )?;
        return Ok(0);
    }
    ui.line(&format!(
        "Velocity: points done per sprint (last {} sprint{})",
        v.sprints.len(),
        if v.sprints.len() == 1 { "" } else { "s" }
    ))?;
    let name_w = v
        .sprints
        .iter()
        .map(|s| sanitize(&s.name).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let max = v.max.unwrap_or(0).max(1);
    let bar_w = terminal_width().saturating_sub(name_w + 12).clamp(10, 40) as u64;
    for s in &v.sprints {
        let len = (u64::from(s.points) * bar_w + u64::from(max) / 2) / u64::from(max);
        let bar = "█".repeat(len as usize);
        let mut line = format!(
            "  {:name_w$}  {:bar_w$} {:>4}",
            crate::cli::commands::plan::fit(&s.name, name_w),
            bar,
            s.points,
            bar_w = bar_w as usize
        );
        if !s.unestimated.is_empty() {
            line.push_str(&format!(
                "  ({} unestimated: {})",
                s.unestimated.len(),
                id_list(&s.unestimated, 5)
            ));
        }
        ui.line(line.trim_end())?;
    }
    let average = v.average.unwrap_or(0.0);
    ui.line(&format!(
        "average {average:.1} points, range {}..{}",
        v.min.unwrap_or(0),
        v.max.unwrap_or(0)
    ))?;
    match v.auto_capacity {
        Some(c) => ui.line(&format!(
            "capacity: auto = {c} points (average of {})",
            sanitize(&v.auto_sprints.join(", "))
        ))?,
        None => ui.line("capacity: auto has no completed points to average yet")?,
    }
    Ok(0)
}
