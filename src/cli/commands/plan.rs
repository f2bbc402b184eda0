use clap::Args;

use backlog::planning::{self, CapacitySource, Plan, ResolvedCapacity};
use backlog::text::sanitize;
use backlog::view;

use crate::cli::{CliError, Context, Format, Ui, begin, finish};

/// Fill the next sprints up to capacity with ready items, in rank order
///
/// Items in progress take the first sprint's capacity; then each open item, in rank order,
/// goes into the earliest sprint with room when it passes the definition of ready and its
/// dependencies are done, in progress or planned (in the same or an earlier sprint). Ready
/// items that do not fit are listed with the reason; smaller items below may fill the gap.
/// Nothing is written without --apply.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog plan
  backlog plan --sprints 3 --capacity 20
  backlog plan --apply")]
pub(crate) struct PlanArgs {
    /// Number of sprints to plan [default: `sprints.horizon` in config.yml, 2]
    #[arg(long, value_name = "N")]
    sprints: Option<u32>,
    /// Points per sprint [default: `sprints.capacity` in config.yml; `auto` averages the
    /// last 3 sprints]
    #[arg(long, value_name = "POINTS")]
    capacity: Option<u32>,
    /// Write `sprint: NAME` on the planned items, in one commit
    #[arg(long)]
    apply: bool,
    /// Plan only the items whose KEY (custom fields included) is VALUE (repeatable: all
    /// must hold); the capacity still comes from the whole team's velocity
    #[arg(long = "where", value_name = "KEY=VALUE")]
    wheres: Vec<backlog::analysis::filter::Where>,
}

/// Today for sprint arithmetic, as days since 1970-01-01 (see [`crate::cli::today`]).
pub(crate) fn today() -> Result<i64, CliError> {
    crate::cli::today().map(backlog::text::date::to_days)
}

/// The terminal width: `COLUMNS`, else 100.
pub(crate) fn terminal_width() -> usize {
    crate::cli::ui::known_width().unwrap_or(100)
}

/// Sanitizes `s` and cuts it to `width` characters, ending with `…` when cut.
pub(crate) fn fit(s: &str, width: usize) -> String {
    let s = sanitize(s);
    if s.chars().count() <= width {
        return s.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `A, B, C … and N more`.
pub(crate) fn id_list(ids: &[String], max: usize) -> String {
    let shown: Vec<String> = ids
        .iter()
        .take(max)
        .map(|i| sanitize(i).into_owned())
        .collect();
    let mut out = shown.join(", ");
    if ids.len() > max {
        out.push_str(&format!(" … and {} more", ids.len() - max));
    }
    out
}

/// Describes where the capacity came from.
pub(crate) fn capacity_text(c: &ResolvedCapacity) -> String {
    let text = match &c.source {
        CapacitySource::Option => format!("{} points per sprint (--capacity)", c.points),
        CapacitySource::Config => format!("{} points per sprint (config.yml)", c.points),
        CapacitySource::Auto { sprints } => format!(
            "{} points per sprint (auto: average of {})",
            c.points,
            sprints.join(", ")
        ),
    };
    sanitize(&text).into_owned()
}

fn points(p: Option<u32>) -> String {
    p.map_or_else(|| "-".to_owned(), |p| p.to_string())
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &PlanArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("plan", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let tx = if args.apply {
        Some(begin(ui, &ws)?)
    } else {
        None
    };
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let config = &ws.store.config;
    let n = view::sprint_count(args.sprints, config)?;
    let cap = view::capacity(args.capacity, &loaded, config)?;
    let mut loaded = loaded;
    if !args.wheres.is_empty() {
        loaded
            .entries
            .retain(|e| backlog::analysis::filter::Where::all(&args.wheres, e, config));
    }
    let sprints = config.sprints.calendar().upcoming(today()?, n as usize);
    let plan = planning::plan(&loaded, config, &sprints, cap.points);
    let incomplete = backlog::ops::incomplete_done(&loaded.entries, config);
    if !incomplete.is_empty() {
        let ids: Vec<String> = incomplete.iter().map(|e| e.item.id.clone()).collect();
        ui.warn(&format!(
            "{} done item{} with unchecked acceptance criteria or definition of done ({}): \
             their points count as done; `backlog check` lists what is missing",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" },
            id_list(&ids, 5)
        ));
    }
    if let Some(tx) = &tx {
        if !ui.is_json() {
            render(ui, &plan, &cap, false)?;
        }
        let outcome = backlog::ops::plan_change(&plan, &loaded)?;
        let count = outcome.change.items.len();
        let done = format!(
            "Planned {count} item{} (wrote `sprint:` on each).",
            if count == 1 { "" } else { "s" }
        );
        finish(ui, tx, "plan", &outcome, &done)?;
        return Ok(0);
    }
    if ui.is_json() {
        ui.json(&backlog::view::plan_json(&cap, &plan))?;
    } else {
        render(ui, &plan, &cap, true)?;
    }
    Ok(0)
}

fn render(ui: &mut Ui, plan: &Plan, cap: &ResolvedCapacity, hint: bool) -> Result<(), CliError> {
    let width = terminal_width();
    ui.line(&format!(
        "Plan for {} sprint{} of {}",
        plan.sprints.len(),
        if plan.sprints.len() == 1 { "" } else { "s" },
        capacity_text(cap)
    ))?;
    if plan.assumed_size > 0 {
        ui.line(&format!(
            "(unestimated items count as {} points)",
            plan.assumed_size
        ))?;
    }
    let rows = plan
        .sprints
        .iter()
        .flat_map(|s| s.in_progress.iter().chain(&s.items));
    let id_w = rows.map(|i| i.id.chars().count()).max().unwrap_or(0);
    for s in &plan.sprints {
        ui.line("")?;
        ui.line(&format!(
            "{}  {} .. {}  {}/{} points{}",
            sanitize(&s.name),
            s.start,
            s.end,
            s.points,
            s.capacity,
            if s.points > s.capacity {
                "  (over capacity: the work in progress alone exceeds it)"
            } else {
                ""
            }
        ))?;
        let mut row = |tag: &str, i: &planning::PlannedItem| -> std::io::Result<()> {
            let owner = i
                .owner
                .as_deref()
                .map(|o| format!("  @{}", sanitize(o)))
                .unwrap_or_default();
            let head = format!("  {tag:11} {:id_w$}  {:>3}  ", sanitize(&i.id), i.points);
            let room = width.saturating_sub(head.chars().count() + owner.chars().count());
            ui.line(&format!("{head}{}{owner}", fit(&i.title, room.max(10))))
        };
        for i in &s.in_progress {
            row("in progress", i)?;
        }
        for i in &s.items {
            row("", i)?;
        }
        if s.in_progress.is_empty() && s.items.is_empty() {
            ui.line("  (nothing ready fits)")?;
        }
    }
    if !plan.skipped.is_empty() {
        ui.line("")?;
        ui.line("Skipped (ready, but not planned):")?;
        for s in &plan.skipped {
            ui.line(&format!(
                "  {}  {:>3}  {}: {}",
                sanitize(&s.id),
                s.points,
                fit(&s.title, 40),
                sanitize(&s.reason)
            ))?;
        }
    }
    if plan.passed_over > 0 {
        ui.line("")?;
        ui.line(&format!(
            "{} more ready item{} below the horizon did not fit the remaining room.",
            plan.passed_over,
            if plan.passed_over == 1 { "" } else { "s" }
        ))?;
    }
    if !plan.needs_refinement.is_empty() {
        ui.line("")?;
        ui.line("Needs refinement (inside the horizon, not ready; see `backlog agenda`):")?;
        for r in &plan.needs_refinement {
            let what: Vec<&str> = r.missing.iter().map(|m| m.what.as_str()).collect();
            ui.line(&format!(
                "  {}  {:>3}  {}: needs {}",
                sanitize(&r.id),
                points(r.estimate),
                fit(&r.title, 40),
                sanitize(&what.join(", "))
            ))?;
        }
    }
    let count = plan.planned_count();
    if hint && count > 0 {
        ui.line("")?;
        ui.line(&format!(
            "Nothing was written. Run `backlog plan --apply` to write `sprint:` on the {count} \
             planned item{} in one commit.",
            if count == 1 { "" } else { "s" }
        ))?;
    }
    Ok(())
}
