use clap::Args;

use std::collections::HashMap;

use backlog::dupes::{DupeInput, DupeOptions, find};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Format, Ui};

/// List likely duplicates: pairs of open items with similar title, story and criteria
#[derive(Debug, Args)]
pub(crate) struct DupesArgs {
    /// Minimum similarity score to report, from 0 to 1
    #[arg(long, default_value_t = 0.5, value_name = "X")]
    threshold: f64,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &DupesArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("dupes", ui.format, &["text", "json"]));
    }
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(CliError::user(format!(
            "--threshold {} must be between 0 and 1",
            args.threshold
        )));
    }
    let ws = ctx.workspace()?;
    // Only the comparable text of each open item is kept, not the loaded item.
    let config = &ws.store.config;
    let loaded = ws.store.load_mapped(|e| {
        (!config.is_closed_status(e.item.status_or_default())).then(|| DupeInput::from_entry(e))
    });
    ui.warn_load_errors(&loaded.errors);
    let docs: Vec<DupeInput> = loaded.items.into_iter().flatten().collect();
    let opts = DupeOptions {
        threshold: args.threshold,
        ..DupeOptions::default()
    };
    let report = find(&docs, &opts);
    let titles: HashMap<&str, &str> = docs
        .iter()
        .map(|d| (d.id.as_str(), d.title.as_str()))
        .collect();
    let title = |id: &str| titles.get(id).copied().unwrap_or("");
    if ui.is_json() {
        let pairs: Vec<serde_json::Value> = report
            .pairs
            .iter()
            .map(|p| {
                serde_json::json!({
                    "a": p.a, "b": p.b, "score": p.score,
                    "a_title": title(&p.a), "b_title": title(&p.b),
                })
            })
            .collect();
        ui.json(&serde_json::json!({
            "schema": 1,
            "threshold": args.threshold,
            "items": report.items,
            "candidates": report.candidates,
            "pairs": pairs,
        }))?;
        return Ok(0);
    }
    let id_w = report
        .pairs
        .iter()
        .flat_map(|p| [p.a.chars().count(), p.b.chars().count()])
        .max()
        .unwrap_or(0);
    for p in &report.pairs {
        ui.line(&format!(
            "{:.3}  {:id_w$}  {}",
            p.score,
            sanitize(&p.a),
            sanitize(title(&p.a))
        ))?;
        ui.line(&format!(
            "       {:id_w$}  {}",
            sanitize(&p.b),
            sanitize(title(&p.b))
        ))?;
    }
    ui.status(&format!(
        "{} likely duplicate pair{} at threshold {} among {} open items ({} candidate pairs scored).",
        report.pairs.len(),
        if report.pairs.len() == 1 { "" } else { "s" },
        args.threshold,
        report.items,
        report.candidates
    ));
    if !report.pairs.is_empty() {
        ui.status("Fold one into the other with `backlog merge DUP --into KEEP`.");
    }
    Ok(0)
}
