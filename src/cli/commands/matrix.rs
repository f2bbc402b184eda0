use clap::Args;

use backlog::prioritize::{Quadrant, ThresholdSource, matrix_over};
use backlog::text::sanitize;
use serde_json::{Value as Json, json};

use crate::cli::filter::FilterArgs;
use crate::cli::{CliError, Context, Format, Ui, render};

/// The value-versus-effort priority matrix of the open items: quick wins, big bets,
/// fill-ins, time sinks
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog matrix
  backlog matrix --label web --local-thresholds")]
pub(crate) struct MatrixArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Take the median thresholds over the filtered items only, not the whole open
    /// backlog
    #[arg(long)]
    local_thresholds: bool,
}

fn number(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn describe(q: Quadrant) -> &'static str {
    match q {
        Quadrant::QuickWins => "high value, low effort",
        Quadrant::BigBets => "high value, high effort",
        Quadrant::FillIns => "low value, low effort",
        Quadrant::TimeSinks => "low value, high effort",
    }
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &MatrixArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("matrix", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let config = &ws.store.config;
    let filter = args.filter.checked(config)?;
    let open: Vec<_> = loaded
        .entries
        .iter()
        .filter(|e| config.is_open(&e.item))
        .collect();
    let entries: Vec<_> = open
        .iter()
        .copied()
        .filter(|e| filter.matches_entry(e, config))
        .collect();
    let items: Vec<_> = entries.iter().map(|e| &e.item).collect();
    let (basis, basis_name) = if args.local_thresholds {
        (items.clone(), "shown")
    } else {
        (open.iter().map(|e| &e.item).collect(), "open")
    };
    let m = matrix_over(&items, &basis, config);
    let t = &m.thresholds;
    if ui.is_json() {
        let mut quadrants = serde_json::Map::new();
        for (q, members) in &m.quadrants {
            let list: Vec<Json> = members
                .iter()
                .map(|&i| {
                    let item = items[i];
                    json!({
                        "id": item.id,
                        "title": item.title,
                        "value": item.value,
                        "estimate": item.estimate,
                        "path": entries[i].path,
                    })
                })
                .collect();
            quadrants.insert(q.key().to_owned(), Json::Array(list));
        }
        let unplaced: Vec<Json> = m
            .unplaced
            .iter()
            .map(|(i, missing)| {
                json!({"id": items[*i].id, "title": items[*i].title, "missing": missing})
            })
            .collect();
        ui.json(&json!({
            "schema": 1,
            "thresholds": {
                "value": t.value,
                "effort": t.effort,
                "value_source": t.value_source.name(),
                "effort_source": t.effort_source.name(),
                "median_over": basis_name,
                "median_of": t.median_of,
            },
            "quadrants": quadrants,
            "unplaced": unplaced,
        }))?;
        return Ok(0);
    }
    ui.line(&format!(
        "Value above {} ({}) is high; effort above {} points ({}) is high.",
        number(t.value),
        t.value_source.name(),
        number(t.effort),
        t.effort_source.name()
    ))?;
    if [t.value_source, t.effort_source].contains(&ThresholdSource::Median) {
        let n = t.median_of;
        let s = if n == 1 { "" } else { "s" };
        ui.line(&if args.local_thresholds {
            format!("Medians of the {n} shown item{s} with a value and an estimate.")
        } else {
            format!(
                "Medians of the {n} open item{s} with a value and an estimate \
                 (--local-thresholds: of the shown items only)."
            )
        })?;
    }
    let id_w = items
        .iter()
        .map(|i| render::width(&i.id))
        .max()
        .unwrap_or(0);
    for (q, members) in &m.quadrants {
        ui.line("")?;
        ui.line(&format!(
            "{} ({}): {}",
            q.title(),
            describe(*q),
            members.len()
        ))?;
        for &i in members {
            let item = items[i];
            ui.line(&format!(
                "  {:id_w$}  value {:>3}  estimate {:>3}  {}",
                item.id,
                item.value.unwrap_or_default(),
                item.estimate.unwrap_or_default(),
                sanitize(&item.title)
            ))?;
        }
    }
    if !m.unplaced.is_empty() {
        ui.line("")?;
        ui.line(&format!(
            "Not placed (missing value or estimate): {}",
            m.unplaced.len()
        ))?;
        for (i, missing) in &m.unplaced {
            let item = items[*i];
            ui.line(&format!(
                "  {:id_w$}  needs {}  {}",
                item.id,
                missing.join(", "),
                sanitize(&item.title)
            ))?;
        }
    }
    Ok(0)
}
