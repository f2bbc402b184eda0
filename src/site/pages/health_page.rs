//! The health page: shares, trends and the velocity chart.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{LIST_MAX, Nav, VELOCITY_SPRINTS, id_link, id_list, item_ref, layout};
use crate::health;
use crate::health::HealthOptions;
use crate::health::Share;
use crate::planning;
use crate::site::Ctx;
use crate::site::html::esc;
use crate::site::html::number;
use crate::site::html::plural;
use crate::site::svg;
use crate::site::svg::Bar;

// ---------------------------------------------------------------------------------------
// Health

fn share_row(name: &str, what: &str, share: &Share, extra: &str, list: &str) -> String {
    format!(
        "<tr><th scope=\"row\">{name}</th><td class=\"num\"><span class=\"pct\">{:.0}%</span>\
         <span class=\"bar\" aria-hidden=\"true\"><span style=\"width:{:.0}%\"></span></span>\
         </td><td>{} of {} {what}{extra}</td><td>{}</td></tr>\n",
        share.share * 100.0,
        share.share * 100.0,
        share.count,
        share.total,
        list
    )
}

pub(in crate::site) fn health(ctx: &Ctx<'_>) -> String {
    let capacity = planning::resolve_capacity(None, ctx.loaded, ctx.config)
        .ok()
        .map(|c| c.points);
    let mut committed = HashMap::new();
    if let Some(h) = ctx.history {
        for e in &ctx.loaded.entries {
            if let Some(t) = h.of(&e.item.id).iter().map(|l| l.timestamp).max() {
                committed.insert(e.path.clone(), t);
            }
        }
    }
    let opts = HealthOptions {
        capacity,
        today: ctx.opts.today,
        committed,
        committed_before: None,
    };
    let h = health::health(ctx.loaded, ctx.config, &opts);
    let mut m = String::from("<h1>Health</h1>\n");
    let horizon = match h.horizon.capacity {
        Some(c) => format!(
            "the horizon is {} of {c} points: {}",
            plural(h.horizon.sprints as usize, "sprint", "sprints"),
            plural(h.horizon.items, "item", "items")
        ),
        None => format!(
            "no capacity is known, so the horizon is all {} open items",
            h.horizon.items
        ),
    };
    let _ = writeln!(
        m,
        "<div class=\"score-card\"><p class=\"score\"><span class=\"big\">{}</span>/100</p>\
         <p>Is the backlog DEEP (Detailed appropriately, Estimated, Emergent, Prioritized)? \
         {}; {horizon}. As of {}.</p></div>",
        h.score.total,
        plural(h.open_items, "open item", "open items"),
        crate::sprint::format_days(ctx.opts.today)
    );
    m.push_str(
        "<div class=\"table-wrap\"><table class=\"deep\"><thead><tr><th scope=\"col\">Figure</th>\
         <th scope=\"col\">Share</th><th scope=\"col\">What it counts</th><th scope=\"col\">Items \
         pulling it down</th></tr></thead><tbody>\n",
    );
    m.push_str(&share_row(
        "Detailed",
        "inside the horizon have a story and acceptance criteria",
        &h.detailed,
        "",
        &id_list(ctx, "", &h.detailed.missing),
    ));
    m.push_str(&share_row(
        "Estimated",
        "inside the horizon are estimated",
        &h.estimated_horizon,
        &format!(
            "; {:.0}% overall ({} of {})",
            h.estimated_overall.share * 100.0,
            h.estimated_overall.count,
            h.estimated_overall.total
        ),
        &id_list(ctx, "", &h.estimated_horizon.missing),
    ));
    let em = &h.emergent;
    // The stale list carries the days since the last touch.
    let mut list = String::new();
    if !em.stale.is_empty() {
        list.push_str("<ul class=\"id-list\">");
        for st in em.stale.iter().take(LIST_MAX) {
            let _ = write!(
                list,
                "<li>{} <span class=\"days\">{} days (last {})</span></li>",
                item_ref(ctx, "", &st.id),
                st.days,
                esc(&st.last_touched)
            );
        }
        list.push_str("</ul>");
        if em.stale.len() > LIST_MAX {
            let _ = write!(
                list,
                "<p class=\"more\">and {} more</p>",
                em.stale.len() - LIST_MAX
            );
        }
    }
    let emergent = share_row(
        "Emergent",
        &format!("were touched in the last {} days", em.stale_days),
        &em.fresh,
        "",
        &list,
    );
    m.push_str(&emergent);
    let p = &h.prioritized;
    let mut extra = String::new();
    for c in &p.collisions {
        let links: Vec<String> = c.iter().map(|id| id_link(ctx, "", id)).collect();
        let _ = write!(extra, "<p>Same rank: {}</p>", links.join(", "));
    }
    for a in p.above_dependencies.iter().take(LIST_MAX) {
        let _ = write!(
            extra,
            "<p>{} is ranked above its dependency {}</p>",
            id_link(ctx, "", &a.id),
            id_link(ctx, "", &a.depends_on)
        );
    }
    let _ = writeln!(
        m,
        "<tr><th scope=\"row\">Prioritized</th><td class=\"num\"><span class=\"pct\">{:.0}%\
         </span><span class=\"bar\" aria-hidden=\"true\"><span style=\"width:{:.0}%\"></span>\
         </span></td><td>{} of {} open items are ranked; {}; {} ranked above a \
         dependency</td><td>{}{extra}</td></tr>",
        p.ranked.share * 100.0,
        p.ranked.share * 100.0,
        p.ranked.count,
        p.ranked.total,
        plural(p.collisions.len(), "rank collision", "rank collisions"),
        p.above_dependencies.len(),
        id_list(ctx, "", &p.ranked.missing)
    );
    let c = &h.clutter;
    let mut dupes = String::new();
    for d in &c.duplicates {
        let links: Vec<String> = d.iter().map(|id| id_link(ctx, "", id)).collect();
        let _ = write!(dupes, "<p>Suspected duplicates: {}</p>", links.join(", "));
    }
    let _ = writeln!(
        m,
        "<tr><th scope=\"row\">Clutter</th><td class=\"num\">{}</td><td>{}, {} of suspected \
         duplicates</td><td>{}{dupes}</td></tr>",
        c.old_drafts.len() + c.duplicates.len(),
        plural(c.old_drafts.len(), "old draft", "old drafts"),
        plural(c.duplicates.len(), "group", "groups"),
        id_list(ctx, "", &c.old_drafts)
    );
    m.push_str("</tbody></table></div>\n");
    let s = &h.score;
    let _ = writeln!(
        m,
        "<p class=\"formula\">Score = 100 × (D {:.2} + E {:.2} + M {:.2} + P {:.2}) / 4 − 25 × \
         C {:.2} = <strong>{}</strong></p>",
        s.detailed, s.estimated, s.emergent, s.prioritized, s.clutter, s.total
    );
    let v = planning::velocity(ctx.loaded, ctx.config, Some(VELOCITY_SPRINTS));
    m.push_str("<section aria-labelledby=\"h-vel\"><h2 id=\"h-vel\">Velocity</h2>\n");
    if v.sprints.is_empty() {
        m.push_str(
            "<p class=\"empty\">No velocity yet: no done item has a <code>sprint</code> \
             value.</p>\n",
        );
    } else {
        let bars: Vec<Bar> = v
            .sprints
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                value: s.points,
            })
            .collect();
        let avg = v.average.unwrap_or(0.0);
        let label = format!("average {}", number(avg));
        m.push_str("<figure class=\"chart-wrap\">");
        m.push_str(&svg::bar_chart(
            "Points done per sprint",
            &bars,
            Some((avg, label.as_str())),
        ));
        let _ = writeln!(
            m,
            "<figcaption>Points done per sprint, last {}: average {}, range {}–{}. {}</figcaption>\
             </figure>",
            plural(v.sprints.len(), "sprint", "sprints"),
            number(avg),
            v.min.unwrap_or(0),
            v.max.unwrap_or(0),
            match v.auto_capacity {
                Some(c) => format!(
                    "<code>capacity: auto</code> would plan {c} points (the average of {}).",
                    esc(&v.auto_sprints.join(", "))
                ),
                None => String::new(),
            }
        );
        m.push_str(
            "<table class=\"velocity\"><thead><tr><th scope=\"col\">Sprint</th><th \
             scope=\"col\" class=\"num\">Points</th><th scope=\"col\">Items</th></tr></thead><tbody>",
        );
        for s in &v.sprints {
            let links: Vec<String> = s.items.iter().map(|id| id_link(ctx, "", id)).collect();
            let _ = write!(
                m,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&s.name),
                s.points,
                links.join(", ")
            );
        }
        m.push_str("</tbody></table>\n");
    }
    m.push_str("</section>\n");
    layout(ctx, "", "health.html", Nav::Health, "Health", &m)
}
