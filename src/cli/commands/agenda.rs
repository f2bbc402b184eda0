use clap::Args;

use backlog::planning::{self, Agenda, NotReady};
use backlog::text::sanitize;

use backlog::view;

use crate::cli::commands::plan::{capacity_text, fit, terminal_width, today};
use crate::cli::render::md;
use crate::cli::{CliError, Context, Format, Ui};

/// The refinement meeting's agenda: items needed in the next sprints that are not ready
///
/// Lists the open items inside the horizon (the next N sprints of capacity, by rank,
/// unestimated items counting as the backlog's median estimate) that fail the definition
/// of ready, each with exactly what is missing, grouped by owner (unowned last), and the
/// time budget for refinement (`sprints.refinement_share` of the sprint).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog agenda
  backlog agenda --sprints 3 --capacity 20")]
pub(crate) struct AgendaArgs {
    /// Sprints ahead [default: `sprints.horizon` in config.yml, 2]
    #[arg(long, value_name = "N")]
    sprints: Option<u32>,
    /// Points per sprint [default: `sprints.capacity` in config.yml]
    #[arg(long, value_name = "POINTS")]
    capacity: Option<u32>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &AgendaArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Markdown | Format::Json) {
        return Err(CliError::format(
            "agenda",
            ui.format,
            &["text", "markdown", "json"],
        ));
    }
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let config = &ws.store.config;
    let n = view::sprint_count(args.sprints, config)?;
    let cap = view::capacity(args.capacity, &loaded, config)?;
    let sprints = config.sprints.calendar().upcoming(today()?, n as usize);
    let agenda = planning::agenda(&loaded, config, &sprints, cap.points);
    match ui.format {
        Format::Json => {
            ui.json(&view::agenda_json(&cap, &agenda))?;
        }
        Format::Markdown => markdown(ui, &agenda, &capacity_text(&cap))?,
        _ => text(ui, &agenda, &capacity_text(&cap))?,
    }
    Ok(0)
}

fn whats(item: &NotReady) -> String {
    let parts: Vec<&str> = item.missing.iter().map(|m| m.what.as_str()).collect();
    parts.join(", ")
}

fn budget_line(a: &Agenda) -> String {
    let b = &a.budget;
    format!(
        "Budget: ~{:.0}% of the sprint for refinement: about {:.0} hours per person of a \
         {}-working-day sprint (~{:.1} of {} points).",
        b.share * 100.0,
        b.hours_per_person,
        b.working_days,
        b.points,
        a.capacity
    )
}

fn owner_name(owner: Option<&str>) -> String {
    owner.map_or_else(|| "unowned".to_owned(), |o| format!("@{}", sanitize(o)))
}

fn text(ui: &mut Ui, a: &Agenda, cap: &str) -> Result<(), CliError> {
    let width = terminal_width();
    ui.line(&format!(
        "Refinement agenda for {} ({cap}; {} open items inside the horizon)",
        sanitize(&a.sprints.join(", ")),
        a.horizon_items
    ))?;
    if a.groups.is_empty() {
        ui.line("Everything inside the horizon is ready: nothing to refine.")?;
    }
    for g in &a.groups {
        ui.line("")?;
        ui.line(&format!(
            "{} ({} item{})",
            owner_name(g.owner.as_deref()),
            g.items.len(),
            if g.items.len() == 1 { "" } else { "s" }
        ))?;
        for i in &g.items {
            let est = i.estimate.map_or_else(|| "-".to_owned(), |p| p.to_string());
            let head = format!("  {}  {:>3}  ", sanitize(&i.id), est);
            let room = width.saturating_sub(head.chars().count()).max(10);
            ui.line(&format!("{head}{}", fit(&i.title, room)))?;
            ui.line(&format!("        needs: {}", sanitize(&whats(i))))?;
        }
    }
    ui.line("")?;
    ui.line(&budget_line(a))?;
    Ok(())
}

fn markdown(ui: &mut Ui, a: &Agenda, cap: &str) -> Result<(), CliError> {
    ui.line(&format!(
        "## Refinement agenda: {}",
        md(&a.sprints.join(", "))
    ))?;
    ui.line("")?;
    ui.line(&format!(
        "{}; {} open items inside the horizon. {}",
        md(cap),
        a.horizon_items,
        budget_line(a)
    ))?;
    if a.groups.is_empty() {
        ui.line("")?;
        ui.line("Everything inside the horizon is ready: nothing to refine.")?;
    }
    for g in &a.groups {
        ui.line("")?;
        // A plain handle stays a mention, so the people who must attend are notified;
        // anything else is escaped like all item text.
        let heading = match g.owner.as_deref() {
            Some(o) if is_handle(o) => format!("@{o}"),
            other => md(&owner_name(other)),
        };
        ui.line(&format!("### {heading}"))?;
        ui.line("")?;
        for i in &g.items {
            let est = i
                .estimate
                .map_or_else(String::new, |p| format!(" ({p} points)"));
            ui.line(&format!(
                "- [ ] **{}** {}{est}: needs {}",
                md(&i.id),
                md(&i.title),
                md(&whats(i))
            ))?;
        }
    }
    Ok(())
}

/// A GitHub-style user handle: letters, digits and single dashes, at most 39 characters.
fn is_handle(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 39
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}
