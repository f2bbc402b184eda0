//! The next sprints: the plan, with readiness and capacity.

use std::fmt::Write as _;

use super::{Nav, id_link, item_ref, layout, needs_text};
use crate::planning;
use crate::planning::PlanError;
use crate::site::Ctx;
use crate::site::html::esc;
use crate::site::html::plural;

// ---------------------------------------------------------------------------------------
// Next sprints

pub(in crate::site) fn sprints(ctx: &Ctx<'_>) -> String {
    let config = ctx.config;
    let mut m = String::from("<h1>Next sprints</h1>\n");
    let n = config.sprints.horizon.clamp(1, 100) as usize;
    let cap = match planning::resolve_capacity(None, ctx.loaded, config) {
        Ok(c) => c,
        Err(e) => {
            let why = match e {
                PlanError::NoCapacity => {
                    "No sprint capacity is known: set <code>capacity</code> under \
                     <code>sprints:</code> in <code>config.yml</code>."
                        .to_owned()
                }
                other => esc(&other.to_string()),
            };
            let _ = writeln!(m, "<p class=\"notice\">{why}</p>");
            return layout(ctx, "", "sprints.html", Nav::Sprints, "Next sprints", &m);
        }
    };
    let upcoming = config.sprints.calendar().upcoming(ctx.opts.today, n);
    let plan = planning::plan(ctx.loaded, config, &upcoming, cap.points);
    let agenda = planning::agenda(ctx.loaded, config, &upcoming, cap.points);
    let source = match &cap.source {
        planning::CapacitySource::Auto { sprints } => {
            format!("auto: the average of {}", sprints.join(", "))
        }
        _ => "config.yml".to_owned(),
    };
    let _ = writeln!(
        m,
        "<p class=\"lead\">The next {} of {} points ({}), as of {}: what <code>backlog \
         plan</code> would put in them and what the next refinement must fix \
         (<code>backlog agenda</code>).</p>",
        plural(plan.sprints.len(), "sprint", "sprints"),
        cap.points,
        esc(&source),
        crate::sprint::format_days(ctx.opts.today)
    );
    if plan.assumed_size > 0 {
        let _ = writeln!(
            m,
            "<p>Unestimated items count as {} points.</p>",
            plan.assumed_size
        );
    }
    m.push_str("<section aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">Plan</h2>\n<div class=\"sprints\">\n");
    for (k, s) in plan.sprints.iter().enumerate() {
        let pct = if s.capacity == 0 {
            0.0
        } else {
            (f64::from(s.points) / f64::from(s.capacity)).min(1.0) * 100.0
        };
        let _ = write!(
            m,
            "<article class=\"sprint\" aria-labelledby=\"sp-{k}\"><h3 id=\"sp-{k}\">{} \
             <small>{} – {}</small></h3><p class=\"fill\"><span class=\"bar\"><span \
             style=\"width:{pct:.0}%\"></span></span> {} of {} points{}</p>",
            esc(&s.name),
            esc(&s.start),
            esc(&s.end),
            s.points,
            s.capacity,
            if s.points > s.capacity {
                " <strong>(over capacity: the work in progress alone exceeds it)</strong>"
            } else {
                ""
            }
        );
        if s.in_progress.is_empty() && s.items.is_empty() {
            m.push_str("<p class=\"empty\">Nothing ready fits.</p>");
        } else {
            m.push_str(
                "<table class=\"plan\"><thead><tr><th scope=\"col\">ID</th><th \
                 scope=\"col\">Title</th><th scope=\"col\" class=\"num\">Pts</th><th \
                 scope=\"col\">Owner</th></tr></thead><tbody>",
            );
            for (tag, list) in [("in progress", &s.in_progress), ("", &s.items)] {
                for p in list {
                    let _ = write!(
                        m,
                        "<tr><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                        id_link(ctx, "", &p.id),
                        esc(&p.title),
                        if tag.is_empty() {
                            String::new()
                        } else {
                            format!(" <span class=\"tag\">{tag}</span>")
                        },
                        p.points,
                        esc(p.owner.as_deref().unwrap_or_default())
                    );
                }
            }
            m.push_str("</tbody></table>");
        }
        m.push_str("</article>\n");
    }
    m.push_str("</div>\n");
    if !plan.skipped.is_empty() {
        m.push_str("<h3>Ready, but not planned</h3><ul class=\"id-list\">");
        for s in &plan.skipped {
            let _ = write!(
                m,
                "<li>{} ({} pts): {}</li>",
                item_ref(ctx, "", &s.id),
                s.points,
                esc(&s.reason)
            );
        }
        m.push_str("</ul>\n");
    }
    if plan.passed_over > 0 {
        let _ = writeln!(
            m,
            "<p>{} below the horizon did not fit the remaining room.</p>",
            plural(plan.passed_over, "more ready item", "more ready items")
        );
    }
    m.push_str("</section>\n");
    let _ = write!(
        m,
        "<section aria-labelledby=\"h-agenda\"><h2 id=\"h-agenda\">Refinement agenda</h2>\n\
         <p>{} inside the horizon of {}. ",
        plural(agenda.horizon_items, "open item", "open items"),
        esc(&agenda.sprints.join(", "))
    );
    let b = &agenda.budget;
    let _ = writeln!(
        m,
        "Budget: about {:.0}% of the sprint for refinement, about {:.0} hours per person of a \
         {}-working-day sprint (about {:.1} of {} points).</p>",
        b.share * 100.0,
        b.hours_per_person,
        b.working_days,
        b.points,
        agenda.capacity
    );
    if agenda.groups.is_empty() {
        m.push_str(
            "<p class=\"notice\">Everything inside the horizon is ready: nothing to refine.</p>\n",
        );
    }
    m.push_str("<div class=\"agenda\">");
    for g in &agenda.groups {
        let owner = g
            .owner
            .as_deref()
            .map_or_else(|| "Unowned".to_owned(), |o| format!("@{}", esc(o)));
        let _ = write!(
            m,
            "<section class=\"owner\"><h3>{owner} <small>{}</small></h3><ul class=\"id-list\">",
            plural(g.items.len(), "item", "items")
        );
        for it in &g.items {
            let _ = write!(
                m,
                "<li>{}{}<div class=\"needs\">needs {}</div></li>",
                item_ref(ctx, "", &it.id),
                it.estimate
                    .map(|p| format!(" <span class=\"pts\">{p} pts</span>"))
                    .unwrap_or_default(),
                esc(&needs_text(&it.missing))
            );
        }
        m.push_str("</ul></section>\n");
    }
    m.push_str("</div></section>\n");
    layout(ctx, "", "sprints.html", Nav::Sprints, "Next sprints", &m)
}
