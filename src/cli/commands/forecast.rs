use clap::Args;

use backlog::forecast::{
    self, ByDate, DEFAULT_LAST, DEFAULT_SEED, DEFAULT_TRIALS, Forecast, ForecastError,
    ItemForecast, Kind, Options, SprintAt, Throughput,
};
use backlog::text::sanitize;

use crate::cli::commands::plan::{fit, terminal_width, today};
use crate::cli::{CliError, Context, Format, Ui, render};

/// When will it be done? Monte Carlo over the team's own velocity
///
/// Each trial draws one finished sprint's points per future sprint (with replacement),
/// starting with the current sprint, and works the open items in the order `plan` does:
/// in progress first, then by rank, unestimated items at the backlog's median estimate.
/// For each item (an epic or parent: all its open children) it reports the sprint by
/// whose end it is done in 50%, 85% and 95% of the trials. Without IDs: the open items
/// in the horizon. With --by: how many ranked open items are done by that date in 85% of
/// the trials. The same --seed gives the same output. Needs 3 finished sprints with done
/// items (`sprint:` set), or --velocity / --range.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog forecast
  backlog forecast B-7KX2 B-N4GS
  backlog forecast --by 2026-03-31 --seed 1")]
pub(crate) struct ForecastArgs {
    /// Items to forecast (ID or unique prefix; a parent stands for its open children)
    #[arg(value_name = "ID")]
    ids: Vec<String>,
    /// Which ranked open items are done by DATE (YYYY-MM-DD) in 85% of the trials
    #[arg(long, value_name = "DATE")]
    by: Option<String>,
    /// Number of simulated futures
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TRIALS)]
    trials: u32,
    /// Seed of the random numbers (same seed, same forecast)
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Sample the last N finished sprints
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LAST)]
    last: usize,
    /// Instead of the history: every sprint does P points
    #[arg(long, value_name = "P", conflicts_with = "range")]
    velocity: Option<u32>,
    /// Instead of the history: MIN..MAX points per sprint, each whole number equally likely
    #[arg(long, value_name = "MIN..MAX", value_parser = parse_range)]
    range: Option<(u32, u32)>,
    /// Sprints of the horizon when no ID is given [default: `sprints.horizon`, 2]
    #[arg(long, value_name = "N")]
    sprints: Option<u32>,
}

fn parse_range(s: &str) -> Result<(u32, u32), String> {
    let (lo, hi) = s
        .split_once("..")
        .ok_or_else(|| format!("expected MIN..MAX (like 8..15), found {s:?}"))?;
    let num = |t: &str| {
        t.trim()
            .parse::<u32>()
            .map_err(|_| format!("expected MIN..MAX with whole numbers (like 8..15), found {s:?}"))
    };
    Ok((num(lo)?, num(hi)?))
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &ForecastArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json | Format::Markdown) {
        return Err(CliError::format(
            "forecast",
            ui.format,
            &["text", "json", "markdown"],
        ));
    }
    let by = match &args.by {
        Some(text) => Some(
            Some(text.trim())
                .filter(|t| t.len() == 10)
                .and_then(backlog::text::parse_date)
                .ok_or_else(|| {
                    CliError::user(format!(
                        "--by {:?} is not a date like 2027-03-01",
                        sanitize(text)
                    ))
                })?,
        ),
        None => None,
    };
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let config = &ws.store.config;
    let throughput = match (args.velocity, args.range) {
        (Some(p), _) => Throughput::Fixed(p),
        (None, Some((lo, hi))) => Throughput::Range(lo, hi),
        (None, None) => Throughput::History { last: args.last },
    };
    let opts = Options {
        ids: args.ids.clone(),
        by,
        trials: args.trials,
        seed: args.seed,
        throughput,
        today: today()?,
        horizon: args.sprints.unwrap_or(config.sprints.horizon),
    };
    let f = forecast::forecast(&loaded, config, &opts).map_err(|e| match e {
        ForecastError::Store(e) => CliError::from(e),
        e @ ForecastError::TooLittleHistory { .. } => CliError::user(e.to_string())
            .hint(
                "a forecast from fewer sprints would look precise and be wrong; record \
                 `sprint: NAME` on items as they are done (`backlog plan --apply` does it)",
            )
            .hint("or assume a velocity: --velocity POINTS, or --range MIN..MAX"),
        e => CliError::user(e.to_string()),
    })?;
    match ui.format {
        Format::Json => {
            ui.json(&render::envelope(&f)?)?;
        }
        Format::Markdown => markdown(ui, &f)?,
        _ => text(ui, &f)?,
    }
    Ok(0)
}

/// Table cell: the sprint's end date (the name is in the legend).
fn when(p: &Option<SprintAt>) -> String {
    match p {
        Some(s) => s.end.clone(),
        None => "never*".to_owned(),
    }
}

/// Cell text for markdown: name and end date.
fn when_long(p: &Option<SprintAt>) -> String {
    match p {
        Some(s) => format!("{} ({})", s.name, s.end),
        None => format!("not within {} sprints", forecast::MAX_SPRINTS),
    }
}

/// `2026-12-13 2026-S24, 2026-12-27 2026-S25, …`: the sprints the cells point at.
fn legend(items: &[ItemForecast]) -> String {
    let mut sprints: Vec<&SprintAt> = items
        .iter()
        .flat_map(|i| [&i.p50, &i.p85, &i.p95])
        .flatten()
        .collect();
    sprints.sort_by_key(|s| s.number);
    sprints.dedup_by_key(|s| s.number);
    let shown: Vec<String> = sprints
        .iter()
        .take(8)
        .map(|s| format!("{} {}", s.end, sanitize(&s.name)))
        .collect();
    let more = if sprints.len() > 8 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The method line: what was sampled.
fn method(f: &Forecast) -> String {
    let t = &f.throughput;
    let from = match t.source {
        "history" => {
            let sprints: Vec<String> = t
                .sprints
                .iter()
                .map(|s| format!("{} {}", s.name, s.points))
                .collect();
            format!(
                "{} ({}; mean {:.1} points)",
                plural(t.sprints.len(), "finished sprint"),
                sprints.join(", "),
                t.mean
            )
        }
        "velocity" => format!(
            "an assumed velocity of {} points per sprint (--velocity)",
            t.min
        ),
        _ => format!(
            "an assumed velocity of {}..{} points per sprint (--range)",
            t.min, t.max
        ),
    };
    sanitize(&format!(
        "{} trials (seed {}) drawing from {from}",
        f.trials, f.seed
    ))
    .into_owned()
}

/// Notes on what the numbers rest on.
fn caveats(f: &Forecast) -> Vec<String> {
    let mut out = Vec::new();
    let t = &f.throughput;
    if t.source == "history" && t.sprints.len() < 6 {
        out.push(format!(
            "Only {} to sample from: the real spread is probably wider than shown.",
            plural(t.sprints.len(), "finished sprint")
        ));
    }
    if t.source != "history" {
        out.push(format!(
            "An assumed velocity, not the team's history (which has {} with done items).",
            plural(t.history_sprints, "finished sprint")
        ));
    }
    if f.unestimated > 0 {
        out.push(format!(
            "{} counted at the median estimate of {} points: forecasts behind them are less \
             certain than shown (column `unest.`).",
            plural(f.unestimated, "unestimated open item"),
            f.assumed_size
        ));
    }
    out
}

fn row_note(i: &ItemForecast) -> String {
    match i.kind {
        Kind::Parent if i.children.len() == 1 => " (1 open child)".to_owned(),
        Kind::Parent => format!(" ({} open children)", i.children.len()),
        Kind::Done => " (done)".to_owned(),
        Kind::Closed => " (closed)".to_owned(),
        Kind::Item => String::new(),
    }
}

fn text(ui: &mut Ui, f: &Forecast) -> Result<(), CliError> {
    ui.line(&format!("Forecast: {}", method(f)))?;
    ui.line(&format!(
        "Sprint 1 is the current sprint, {} ({} .. {}){}; {} with {} points are open.",
        sanitize(&f.current_sprint.name),
        f.current_sprint.start,
        f.current_sprint.end,
        if f.done_this_sprint > 0 {
            format!(", {} points already done in it", f.done_this_sprint)
        } else {
            String::new()
        },
        plural(f.open_items, "item"),
        f.open_points
    ))?;
    for c in caveats(f) {
        ui.line(&c)?;
    }
    if !f.items.is_empty() {
        ui.line("")?;
        match f.horizon {
            Some(h) => ui.line(&format!(
                "Open items the next {} reach for, and the sprint by whose end each is done \
                 in 50%, 85% and 95% of the trials:",
                plural(h as usize, "sprint")
            ))?,
            None => {
                ui.line("The sprint by whose end each is done in 50%, 85% and 95% of the trials:")?
            }
        }
        let id_w = f
            .items
            .iter()
            .map(|i| sanitize(&i.id).chars().count())
            .max()
            .unwrap_or(2)
            .max(2);
        let cells: Vec<[String; 3]> = f
            .items
            .iter()
            .map(|i| {
                if i.position.is_some() {
                    [when(&i.p50), when(&i.p85), when(&i.p95)]
                } else {
                    ["-".to_owned(), "-".to_owned(), "-".to_owned()]
                }
            })
            .collect();
        let w = cells
            .iter()
            .flatten()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(3)
            .max(3);
        let head = format!(
            "  {:id_w$}  {:>3}  {:>6}  {:w$}  {:w$}  {:w$}  ",
            "ID", "pts", "unest.", "50%", "85%", "95%"
        );
        ui.line(&format!("{head}title"))?;
        let room = terminal_width()
            .saturating_sub(head.chars().count())
            .max(16);
        for (i, c) in f.items.iter().zip(&cells) {
            let unest = if i.unestimated_through > 0 {
                i.unestimated_through.to_string()
            } else {
                String::new()
            };
            let title = format!("{}{}", sanitize(&i.title), row_note(i));
            let line = format!(
                "  {:id_w$}  {:>3}  {:>6}  {:w$}  {:w$}  {:w$}  {}",
                sanitize(&i.id),
                i.points,
                unest,
                c[0],
                c[1],
                c[2],
                fit(&title, room)
            );
            ui.line(line.trim_end())?;
        }
        let legend = legend(&f.items);
        if !legend.is_empty() {
            ui.line(&format!("  (sprints ending: {legend})"))?;
        }
        if f.items
            .iter()
            .any(|i| i.position.is_some() && i.p95.is_none())
        {
            ui.line(&format!(
                "  (* not done within {} sprints in that share of the trials)",
                forecast::MAX_SPRINTS
            ))?;
        }
    } else if f.by.is_none() {
        ui.line("")?;
        ui.line("Nothing is open: nothing to forecast.")?;
    }
    if let Some(by) = &f.by {
        ui.line("")?;
        by_text(ui, by)?;
    }
    Ok(())
}

fn by_headline(by: &ByDate) -> String {
    match &by.sprint {
        Some(s) => format!(
            "By {} (the end of {}, sprint {}), in {}% of the trials: {} of {} open items \
             ({} points) are done",
            by.date,
            sanitize(&s.name),
            s.number,
            by.percent,
            by.count,
            by.of,
            by.points
        ),
        None => format!(
            "By {}: no sprint ends by then (the current sprint ends later), so no item is \
             forecast as done",
            by.date
        ),
    }
}

fn by_text(ui: &mut Ui, by: &ByDate) -> Result<(), CliError> {
    ui.line(&format!(
        "{}{}",
        by_headline(by),
        if by.items.is_empty() { "." } else { ":" }
    ))?;
    let id_w = by
        .items
        .iter()
        .map(|i| sanitize(&i.id).chars().count())
        .max()
        .unwrap_or(0);
    let room = terminal_width().saturating_sub(id_w + 12).max(16);
    for i in &by.items {
        ui.line(&format!(
            "  {:id_w$}  {:>3}{}  {}",
            sanitize(&i.id),
            i.points,
            if i.unestimated { "?" } else { " " },
            fit(&i.title, room)
        ))?;
    }
    if by.items.iter().any(|i| i.unestimated) {
        ui.line("  (? unestimated: counted at the median estimate)")?;
    }
    Ok(())
}

fn markdown(ui: &mut Ui, f: &Forecast) -> Result<(), CliError> {
    let md = |s: &str| crate::cli::render::md(s);
    ui.line("### Forecast")?;
    ui.line("")?;
    ui.line(&format!(
        "{}. Sprint 1 is the current sprint, {} ({} .. {}); {} with {} points are open.",
        md(&method(f)),
        md(&f.current_sprint.name),
        f.current_sprint.start,
        f.current_sprint.end,
        plural(f.open_items, "item"),
        f.open_points
    ))?;
    for c in caveats(f) {
        ui.line("")?;
        ui.line(&format!("> {}", md(&c)))?;
    }
    if !f.items.is_empty() {
        ui.line("")?;
        ui.line("| Item | Points | Unestimated | 50% | 85% | 95% |")?;
        ui.line("|---|---:|---:|---|---|---|")?;
        for i in &f.items {
            let cell = |p: &Option<SprintAt>| {
                if i.position.is_some() {
                    md(&when_long(p))
                } else {
                    "-".to_owned()
                }
            };
            ui.line(&format!(
                "| {} {}{} | {} | {} | {} | {} | {} |",
                md(&i.id),
                md(&i.title),
                md(&row_note(i)),
                i.points,
                i.unestimated_through,
                cell(&i.p50),
                cell(&i.p85),
                cell(&i.p95)
            ))?;
        }
    }
    if let Some(by) = &f.by {
        ui.line("")?;
        ui.line(&format!("{}.", md(&by_headline(by))))?;
        if !by.items.is_empty() {
            ui.line("")?;
            for i in &by.items {
                ui.line(&format!(
                    "- {} {} ({} points{})",
                    md(&i.id),
                    md(&i.title),
                    i.points,
                    if i.unestimated { ", unestimated" } else { "" }
                ))?;
            }
        }
    }
    Ok(())
}
