use clap::Args;

use backlog::forecast::burnup::{ScopeGrowth, burnup};
use backlog::health::{self, Health, HealthOptions, Share};
use backlog::planning::resolve_capacity;
use backlog::text::sanitize;

use crate::cli::commands::plan::{id_list, today};
use crate::cli::{CliError, Context, Format, Ui, render};

/// Is the backlog DEEP? Detailed, Estimated, Emergent, Prioritized as numbers (CI gate)
///
/// Each figure lists the items that pull it down. The score (0-100) is
/// 100 × (D + E + M + P) / 4 − 25 × C; see the README. With --min, exits 1 when the
/// score is below it.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog health
  backlog health --min 70 --format json")]
pub(crate) struct HealthArgs {
    /// Exit 1 when the score is below SCORE
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u32).range(0..=100))]
    min: Option<u32>,
    /// Points per sprint for the horizon [default: `sprints.capacity` in config.yml]
    #[arg(long, value_name = "POINTS")]
    capacity: Option<u32>,
}

const SHOW: usize = 8;

/// Finished sprints whose scope growth `health` reports.
const SCOPE_SPRINTS: usize = 3;

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &HealthArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("health", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let config = &ws.store.config;
    let capacity = match resolve_capacity(args.capacity, &loaded, config) {
        Ok(c) => Some(c.points),
        Err(backlog::planning::PlanError::NoCapacity) => None,
        Err(e) => return Err(CliError::user(e.to_string())),
    };
    let today = today()?;
    // Only "touched within stale_days?" matters: the walk stops at the stale line.
    let since = (today - i64::from(config.sprints.stale_days)) * 86_400;
    let last = match &ws.repo {
        Some(repo) => {
            let dir = ws.store.relative(ws.store.dir());
            let paths: Vec<String> = loaded.entries.iter().map(|e| e.path.clone()).collect();
            health::last_commits_since(repo, &dir, &paths, Some((since, health::PAST_THE_LINE)))
                .unwrap_or_else(|e| {
                    ui.warn(&format!(
                        "cannot read the git history ({}); using `updated`/`created` dates",
                        sanitize(e.message())
                    ));
                    health::LastCommits::default()
                })
        }
        None => health::LastCommits::default(),
    };
    // Scope growth over the last sprints, from the burn-up (git history only).
    let scope = match &ws.repo {
        Some(repo) => {
            let prefix = backlog::history::folder_prefix(repo, ws.store.dir());
            let calendar = config.sprints.calendar();
            burnup(repo, &prefix, config, &calendar, today, SCOPE_SPRINTS)
                .ok()
                .and_then(|b| b.scope_growth(SCOPE_SPRINTS))
        }
        None => None,
    };
    let opts = HealthOptions {
        capacity,
        today,
        committed: last.times,
        committed_before: Some((since, last.before)),
    };
    let h = health::health(&loaded, config, &opts);
    let below = args.min.is_some_and(|m| h.score.total < m);
    if ui.is_json() {
        let mut json = render::envelope(&h)?;
        if let Some(map) = json.as_object_mut() {
            map.insert("min".to_owned(), serde_json::json!(args.min));
            map.insert("passed".to_owned(), serde_json::json!(!below));
            map.insert(
                "scope_growth".to_owned(),
                serde_json::to_value(&scope).map_err(std::io::Error::other)?,
            );
        }
        ui.json(&json)?;
    } else {
        text(ui, &h, scope.as_ref())?;
    }
    if below {
        ui.flush()?;
        eprintln!(
            "health score {} is below the minimum of {}",
            h.score.total,
            args.min.unwrap_or(0)
        );
        return Ok(1);
    }
    Ok(0)
}

fn pct(s: f64) -> String {
    format!("{:>3.0}%", s * 100.0)
}

fn of(s: &Share) -> String {
    format!("{} of {}", s.count, s.total)
}

fn text(ui: &mut Ui, h: &Health, scope: Option<&ScopeGrowth>) -> Result<(), CliError> {
    let horizon = match h.horizon.capacity {
        Some(c) => format!(
            "horizon: {} sprints of {c} points = {} items",
            h.horizon.sprints, h.horizon.items
        ),
        None => format!(
            "horizon: all {} open items (no capacity known: set `sprints.capacity`)",
            h.horizon.items
        ),
    };
    ui.line(&format!(
        "Backlog health: {}/100  ({} open items; {horizon})",
        h.score.total, h.open_items
    ))?;
    ui.line("")?;
    let pad = "                  ";
    // The percentage on each line is the figure that enters the score (D, E, M, P).
    let s = &h.score;
    ui.line(&format!(
        "Detailed     {}  {} inside the horizon have a story and acceptance criteria",
        pct(s.detailed),
        of(&h.detailed)
    ))?;
    if !h.detailed.missing.is_empty() {
        ui.line(&format!(
            "{pad}lacking: {}",
            id_list(&h.detailed.missing, SHOW)
        ))?;
    }
    ui.line(&format!(
        "Estimated    {}  the mean of {} inside the horizon ({}) and {} overall ({})",
        pct(s.estimated),
        pct(h.estimated_horizon.share).trim_start(),
        of(&h.estimated_horizon),
        pct(h.estimated_overall.share).trim_start(),
        of(&h.estimated_overall)
    ))?;
    if !h.estimated_horizon.missing.is_empty() {
        ui.line(&format!(
            "{pad}unestimated in the horizon: {}",
            id_list(&h.estimated_horizon.missing, SHOW)
        ))?;
    }
    let em = &h.emergent;
    ui.line(&format!(
        "Emergent     {}  {} touched in the last {} days",
        pct(s.emergent),
        of(&em.fresh),
        em.stale_days
    ))?;
    if !em.stale.is_empty() {
        let stale: Vec<String> = em
            .stale
            .iter()
            .map(|s| {
                if s.exact {
                    format!("{} ({} days)", s.id, s.days)
                } else {
                    format!("{} (over {} days)", s.id, em.stale_days)
                }
            })
            .collect();
        ui.line(&format!("{pad}stale: {}", id_list(&stale, SHOW)))?;
    }
    if !em.undated.is_empty() {
        ui.line(&format!(
            "{pad}no date (not committed, no `updated`/`created`): {}",
            id_list(&em.undated, SHOW)
        ))?;
    }
    let p = &h.prioritized;
    let above = p.above_dependencies.len();
    let disorder = format!(
        "{} rank collision{}; {above} ranked above a dependency",
        p.collisions.len(),
        if p.collisions.len() == 1 { "" } else { "s" }
    );
    // P is the ranked share less the share of items in a collision or above a dependency.
    let deducted = p.ranked.share - s.prioritized;
    ui.line(&if deducted > 0.0 {
        format!(
            "Prioritized  {}  {} ranked ({}) less {} for disorder: {disorder}",
            pct(s.prioritized),
            of(&p.ranked),
            pct(p.ranked.share).trim_start(),
            pct(deducted).trim_start(),
        )
    } else {
        format!(
            "Prioritized  {}  {} ranked; {disorder}",
            pct(s.prioritized),
            of(&p.ranked)
        )
    })?;
    if !p.ranked.missing.is_empty() {
        ui.line(&format!(
            "{pad}unranked: {}",
            id_list(&p.ranked.missing, SHOW)
        ))?;
    }
    for c in p.collisions.iter().take(SHOW) {
        ui.line(&format!("{pad}same rank: {}", id_list(c, SHOW)))?;
    }
    for a in p.above_dependencies.iter().take(SHOW) {
        ui.line(&format!(
            "{pad}{} is ranked above its dependency {}",
            sanitize(&a.id),
            sanitize(&a.depends_on)
        ))?;
    }
    let c = &h.clutter;
    ui.line(&format!(
        "Clutter      {} old draft{}, {} group{} of suspected duplicates",
        c.old_drafts.len(),
        if c.old_drafts.len() == 1 { "" } else { "s" },
        c.duplicates.len(),
        if c.duplicates.len() == 1 { "" } else { "s" }
    ))?;
    if !c.old_drafts.is_empty() {
        ui.line(&format!(
            "{pad}old drafts: {}",
            id_list(&c.old_drafts, SHOW)
        ))?;
    }
    for d in c.duplicates.iter().take(SHOW) {
        ui.line(&format!("{pad}same title: {}", id_list(d, SHOW)))?;
    }
    if !h.wip_breaches.is_empty() {
        let n = h.wip_breaches.len();
        ui.line(&format!(
            "WIP          {n} limit{} exceeded",
            if n == 1 { "" } else { "s" }
        ))?;
        for b in h.wip_breaches.iter().take(SHOW) {
            ui.line(&format!("{pad}{}", sanitize(&b.describe())))?;
        }
    }
    if let Some(g) = scope {
        let sprints = format!(
            "over the last {} sprint{}",
            g.sprints.len(),
            if g.sprints.len() == 1 { "" } else { "s" }
        );
        let line = if g.added == 0 {
            format!(
                "Scope        unchanged {sprints} ({} points; {} points done; see `backlog burnup`)",
                g.to, g.done
            )
        } else {
            format!(
                "Scope        {}{} points in scope {sprints} ({} -> {}; {} points done{}; see \
                 `backlog burnup`)",
                if g.added > 0 { "+" } else { "" },
                g.added,
                g.from,
                g.to,
                g.done,
                if g.added > g.done {
                    ": growing faster than it is done"
                } else {
                    ""
                }
            )
        };
        ui.line(&line)?;
    }
    ui.line("")?;
    ui.line(&format!(
        "Score = 100 × (D {:.2} + E {:.2} + M {:.2} + P {:.2}) / 4 − 25 × C {:.2} = {}",
        s.detailed, s.estimated, s.emergent, s.prioritized, s.clutter, s.total
    ))?;
    Ok(())
}
