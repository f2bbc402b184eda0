use clap::{ArgGroup, Args};

use backlog::ops::{
    Filter, Placed, Position, Ranked, Reorder, rank_by, rank_index, rank_move_indexed,
    rebalance_indexed,
};
use backlog::prioritize::Model;
use backlog::text::sanitize;
use backlog::workspace::{Recorded, Workspace};
use serde_json::{Value as Json, json};

use crate::cli::{CliError, Context, Format, Ui, begin, finish, render};

/// Move an item (--before/--after/--top/--bottom), respread the keys (--rebalance), or
/// reorder by WSJF or value/effort (--by); each change is one commit
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("mode")
        .required(true)
        .args(["before", "after", "top", "bottom", "rebalance", "by"])
))]
#[command(after_help = "Examples:
  backlog rank B-7KX2 --top
  backlog rank B-7KX2 --before B-N4GS
  backlog rank --by wsjf --dry-run
  backlog rank --rebalance")]
pub(crate) struct RankArgs {
    /// Item to move (case-insensitive; a unique prefix is enough)
    #[arg(required_unless_present_any = ["rebalance", "by"])]
    id: Option<String>,
    /// Put the item directly above this one
    #[arg(long, value_name = "ID")]
    before: Option<String>,
    /// Put the item directly below this one
    #[arg(long, value_name = "ID")]
    after: Option<String>,
    /// Put the item above every other item
    #[arg(long)]
    top: bool,
    /// Put the item below every ranked item
    #[arg(long)]
    bottom: bool,
    /// Respread every rank key evenly in the current order (short keys again)
    #[arg(long, conflicts_with = "id")]
    rebalance: bool,
    /// Reorder the open items by a model: wsjf or value-effort
    #[arg(long, value_name = "MODEL", value_parser = ["wsjf", "value-effort"], conflicts_with = "id")]
    by: Option<String>,
    /// With --by: print the planned moves and write nothing
    #[arg(long, requires = "by")]
    dry_run: bool,
    /// With --by: only reorder items with this status (repeatable)
    #[arg(long, requires = "by")]
    status: Vec<String>,
    /// With --by: only reorder items with this label (repeatable: any of them)
    #[arg(long, requires = "by")]
    label: Vec<String>,
    /// With --by: only reorder items owned by this person
    #[arg(long, requires = "by")]
    owner: Option<String>,
    /// With --by: only reorder items of this type
    #[arg(long = "type", value_name = "TYPE", requires = "by")]
    kind: Option<String>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &RankArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("rank", ui.format, &["text", "json"]));
    }
    let by_only = [
        (args.dry_run, "--dry-run"),
        (!args.status.is_empty(), "--status"),
        (!args.label.is_empty(), "--label"),
        (args.owner.is_some(), "--owner"),
        (args.kind.is_some(), "--type"),
    ];
    if let Some((_, flag)) = by_only.iter().find(|(set, _)| *set && args.by.is_none()) {
        return Err(CliError::user(format!("{flag} only works with --by MODEL"))
            .hint("for example: backlog rank --by wsjf --dry-run --status ready"));
    }
    let ws = ctx.workspace()?;
    if let Some(model) = &args.by {
        let model = Model::parse(model)
            .ok_or_else(|| CliError::user(format!("unknown model {model:?}")))?;
        return run_by(ui, &ws, args, model);
    }
    let tx = begin(ui, &ws)?;
    // Moves and rebalancing only need every item's key: read those lines, and parse only
    // the files that change.
    let index = rank_index(&ws.store);
    ui.warn_load_errors(&index.errors);
    if args.rebalance {
        let outcome = rebalance_indexed(&ws.store, &index)?;
        let files = outcome.change.writes.len();
        let done = format!(
            "Respread {} rank keys ({files} {} changed).",
            index.slots.iter().filter(|s| s.rank.is_some()).count(),
            if files == 1 { "file" } else { "files" }
        );
        finish(ui, &tx, "rank", &outcome, &done)?;
        return Ok(0);
    }
    let id = args.id.as_deref().unwrap_or_default();
    let position = match (&args.before, &args.after) {
        (Some(b), _) => Position::Before(b.clone()),
        (_, Some(a)) => Position::After(a.clone()),
        _ if args.top => Position::Top,
        _ => Position::Bottom,
    };
    let Ranked { outcome, place } = rank_move_indexed(&ws.store, &index, id, &position)?;
    let done = format!("Ranked {} {place}.", outcome.change.items.join(" and "));
    finish(ui, &tx, "rank", &outcome, &done)?;
    if matches!(position, Position::Bottom) && !outcome.change.is_empty() {
        let unranked = index
            .slots
            .iter()
            .filter(|s| s.rank.is_none() && !outcome.change.items.contains(&s.id))
            .count();
        match unranked {
            0 => {}
            1 => ui.status("1 unranked item still sorts below it (rank it to place it)."),
            n => ui.status(&format!(
                "{n} unranked items still sort below it (rank them to place them)."
            )),
        }
    }
    Ok(0)
}

/// `12`, `4.33`, `2.5`.
fn number(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn placed_json(p: &Placed) -> Json {
    json!({
        "id": p.id,
        "title": p.title,
        "score": p.score,
        "priority": p.priority,
        "inherited_from": p.inherited_from,
        "missing": p.missing,
        "moved": p.moved.is_some(),
        "from": p.moved.as_ref().and_then(|m| m.from.clone()),
        "to": p.moved.as_ref().map(|m| m.to.clone()),
    })
}

fn run_by(ui: &mut Ui, ws: &Workspace, args: &RankArgs, model: Model) -> Result<u8, CliError> {
    let tx = if args.dry_run {
        None
    } else {
        Some(begin(ui, ws)?)
    };
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let filter = Filter {
        status: args.status.clone(),
        label: args.label.clone(),
        owner: args.owner.clone(),
        kind: args.kind.clone(),
        wheres: Vec::new(),
    };
    filter.validate(&ws.store.config)?;
    let reorder = rank_by(&loaded, &ws.store.config, model, &filter)?;
    for cycle in &reorder.cycles {
        ui.warn(&format!(
            "dependency cycle {}: these items keep their current order",
            sanitize(&cycle.join(" -> "))
        ));
    }
    for (item, dep) in &reorder.outside_dependencies {
        ui.warn(&format!(
            "{} ranks above {}, which it depends on but which the filter left out; \
             consider `backlog rank {} --before {}`",
            sanitize(item),
            sanitize(dep),
            sanitize(dep),
            sanitize(item)
        ));
    }
    let recorded = match &tx {
        Some(tx) => Some(tx.apply(&reorder.outcome.change)?),
        None => None,
    };
    if ui.is_json() {
        let commit = match &recorded {
            Some(Recorded::Committed(oid)) => Json::String(oid.clone()),
            _ => Json::Null,
        };
        let (scored, unscored): (Vec<&Placed>, Vec<&Placed>) =
            reorder.order.iter().partition(|p| p.priority.is_some());
        ui.json(&json!({
            "schema": 1,
            "command": "rank",
            "model": model.name(),
            "dry_run": args.dry_run,
            "changed": matches!(&recorded, Some(r) if *r != Recorded::NothingChanged),
            "order": reorder.order.iter().map(placed_json).collect::<Vec<_>>(),
            "moves": reorder.moves().count(),
            "unscored": unscored.iter().map(|p| json!({"id": p.id, "missing": p.missing})).collect::<Vec<_>>(),
            "scored": scored.len(),
            "cycles": reorder.cycles,
            "outside_dependencies": reorder.outside_dependencies.iter().map(|(i, d)| json!({"id": i, "depends_on": d})).collect::<Vec<_>>(),
            "skipped_closed": reorder.skipped_closed,
            "items": reorder.outcome.items.iter().map(|e| render::item_json(e, false)).collect::<Vec<_>>(),
            "commit": commit,
        }))?;
    } else {
        print_order(ui, &reorder)?;
    }
    let moves = reorder.moves().count();
    match recorded {
        None if moves == 0 => ui.status("Dry run: already in order, nothing would change."),
        None => ui.status(&format!(
            "Dry run: {moves} {} would get a new rank key; nothing was written.",
            if moves == 1 { "item" } else { "items" }
        )),
        Some(Recorded::NothingChanged) => ui.status("Already in order. Nothing changed."),
        Some(recorded) => {
            ui.status(&format!(
                "Reordered {} items by {}: {moves} {} rewritten.",
                reorder.order.len(),
                model.name(),
                if moves == 1 { "file" } else { "files" }
            ));
            match recorded {
                Recorded::Committed(oid) => {
                    ui.status(&format!("Recorded commit {}.", &oid[..oid.len().min(10)]));
                }
                Recorded::NotARepository => {
                    ui.status("Not in a git repository: nothing was committed.");
                }
                _ => ui.status(
                    "Commits are off (--no-commit or `commit: false`): nothing was committed.",
                ),
            }
        }
    }
    Ok(0)
}

fn print_order(ui: &mut Ui, reorder: &Reorder) -> Result<(), CliError> {
    let id_w = reorder
        .order
        .iter()
        .map(|p| render::width(&p.id))
        .max()
        .unwrap_or(0);
    let scored: Vec<&Placed> = reorder
        .order
        .iter()
        .filter(|p| p.priority.is_some())
        .collect();
    let unscored: Vec<&Placed> = reorder
        .order
        .iter()
        .filter(|p| p.priority.is_none())
        .collect();
    ui.line(&format!(
        "Order by {} ({} items, {} unscored; the number is the priority):",
        reorder.model.name(),
        reorder.order.len(),
        unscored.len()
    ))?;
    for (n, p) in reorder.order.iter().enumerate() {
        let priority = p.priority.map_or_else(|| "-".to_owned(), number);
        let mut row = format!(
            "{:>4}. {:id_w$}  {:>6}  {}",
            n + 1,
            p.id,
            priority,
            sanitize(&p.title)
        );
        if let Some(from) = &p.inherited_from {
            row.push_str(&format!("  (prerequisite of {})", sanitize(from)));
        }
        if !p.missing.is_empty() && p.priority.is_none() {
            row.push_str(&format!("  (needs {})", p.missing.join(", ")));
        }
        if let Some(m) = &p.moved {
            row.push_str(&format!(
                "  [moved: {} -> {}]",
                sanitize(m.from.as_deref().unwrap_or("unranked")),
                m.to
            ));
        }
        ui.line(&row)?;
    }
    if !unscored.is_empty() {
        ui.line("")?;
        ui.line(&format!(
            "Unscored ({}; kept below the {} scored items in their current order):",
            unscored.len(),
            scored.len()
        ))?;
        for p in unscored {
            ui.line(&format!("  {:id_w$}  needs {}", p.id, p.missing.join(", ")))?;
        }
    }
    Ok(())
}
