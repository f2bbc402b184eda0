use clap::Args;

use backlog::ops::{Tally, estimate_votes, parse_vote};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Set an item's estimate in story points, or run a planning-poker round with --vote
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog estimate B-7KX2 5
  backlog estimate B-7KX2 --vote ana=5 --vote lee=8 --vote sam=5")]
pub(crate) struct EstimateArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// Story points (must be on the scale)
    #[arg(required_unless_present = "votes", conflicts_with = "votes")]
    points: Option<String>,
    /// A planning-poker vote (repeatable): agreeing votes set the estimate; diverging
    /// votes change nothing and exit 1, naming the lowest and highest voters
    #[arg(long = "vote", value_name = "NAME=POINTS")]
    votes: Vec<String>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &EstimateArgs) -> Result<u8, CliError> {
    let Some(points) = &args.points else {
        return run_votes(ui, ctx, args);
    };
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let entry = ws.store.find(&args.id)?;
    let old = entry.item.estimate;
    let warning = backlog::ops::estimate_warning(&entry, &ws.store.config);
    let outcome = backlog::ops::estimate(entry, points, &ws.store.config)?;
    let item = &outcome.items[0].item;
    let done = format!(
        "Estimated {}: {} -> {} points.",
        item.id,
        old.map_or_else(|| "none".to_owned(), |o| o.to_string()),
        item.estimate.unwrap_or_default()
    );
    finish(ui, &tx, "estimate", &outcome, &done)?;
    if let Some(w) = warning.filter(|_| !outcome.change.is_empty()) {
        ui.warn(&w);
    }
    Ok(0)
}

/// A planning-poker round: exit 0 when the votes agree (estimate set), 1 when they diverge.
fn run_votes(ui: &mut Ui, ctx: &Context, args: &EstimateArgs) -> Result<u8, CliError> {
    let ws = ctx.workspace()?;
    let config = &ws.store.config;
    let votes = args
        .votes
        .iter()
        .map(|v| parse_vote(v, config))
        .collect::<Result<Vec<_>, _>>()?;
    let tx = begin(ui, &ws)?;
    let entry = ws.store.find(&args.id)?;
    let (id, old) = (entry.item.id.clone(), entry.item.estimate);
    let warning = backlog::ops::estimate_warning(&entry, config);
    let round = estimate_votes(entry, &votes, config)?;
    let spread = match (&round.tally, &round.outcome) {
        (Tally::Agreed(points), Some(outcome)) => {
            let done = format!(
                "Votes agree: estimated {id}: {} -> {points} points.",
                old.map_or_else(|| "none".to_owned(), |o| o.to_string()),
            );
            finish(ui, &tx, "estimate", outcome, &done)?;
            if let Some(w) = warning.filter(|_| !outcome.change.is_empty()) {
                ui.warn(&w);
            }
            return Ok(0);
        }
        (Tally::Diverged(spread), _) => spread,
        (Tally::Agreed(_), None) => return Ok(0),
    };
    let names = |list: &[String]| {
        list.iter()
            .map(|n| sanitize(n).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if ui.is_json() {
        let mut sorted = votes.clone();
        sorted.sort_by_key(|v| v.points);
        ui.json(&serde_json::json!({
            "schema": 1,
            "command": "estimate",
            "item": id,
            "consensus": false,
            "changed": false,
            "votes": sorted.iter().map(|v| serde_json::json!({"name": v.name, "points": v.points})).collect::<Vec<_>>(),
            "low": {"points": spread.low, "voters": spread.lowest},
            "high": {"points": spread.high, "voters": spread.highest},
            "steps": spread.steps,
        }))?;
    } else {
        ui.line(&format!(
            "No consensus on {id}: votes range from {} to {} ({} steps apart on the scale).",
            spread.low, spread.high, spread.steps
        ))?;
        let mut sorted = votes.clone();
        sorted.sort_by_key(|v| v.points);
        let w = sorted
            .iter()
            .map(|v| sanitize(&v.name).chars().count())
            .max()
            .unwrap_or(0);
        for v in &sorted {
            ui.line(&format!("  {:w$}  {:>3}", sanitize(&v.name), v.points))?;
        }
        ui.line(&format!(
            "Lowest: {} ({}). Highest: {} ({}).",
            names(&spread.lowest),
            spread.low,
            names(&spread.highest),
            spread.high
        ))?;
    }
    ui.status("They explain their reasoning, then the team votes again. Nothing was changed.");
    Ok(1)
}
