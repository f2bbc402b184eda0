//! The priority matrix and the dependency graph.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{LIST_MAX, Nav, id_link, id_list, item_href, item_ref, layout, open_items};
use crate::graph::State;
use crate::prioritize;
use crate::site::Ctx;
use crate::site::html::number;
use crate::site::html::plural;
use crate::site::svg;
use crate::site::svg::GraphNode;
use crate::site::svg::Point;

// ---------------------------------------------------------------------------------------
// Priority matrix

pub(in crate::site) fn matrix(ctx: &Ctx<'_>) -> String {
    let open: Vec<usize> = open_items(ctx);
    let items: Vec<&crate::item::Item> =
        open.iter().map(|&i| &ctx.loaded.entries[i].item).collect();
    let mx = prioritize::matrix(&items, ctx.config);
    let t = &mx.thresholds;
    let mut points = Vec::new();
    for (q, members) in &mx.quadrants {
        for &k in members {
            let i = open[k];
            let it = &ctx.loaded.entries[i].item;
            points.push(Point {
                effort: it.estimate.unwrap_or(0),
                value: it.value.unwrap_or(0),
                href: item_href(ctx, "", i),
                id: it.id.clone(),
                title: it.title.clone(),
                class: q.key(),
            });
        }
    }
    // Draw in backlog order, so the same data gives the same picture.
    let order: HashMap<&str, usize> = open
        .iter()
        .enumerate()
        .map(|(k, &i)| (ctx.loaded.entries[i].item.id.as_str(), k))
        .collect();
    points.sort_by_key(|p| order.get(p.id.as_str()).copied().unwrap_or(usize::MAX));
    let mut m = String::from("<h1>Priority matrix</h1>\n");
    let _ = writeln!(
        m,
        "<p class=\"lead\">Value versus effort of the open items. Value above {} ({}) is high; \
         effort above {} points ({}) is high. Each point links to its item.</p>",
        number(t.value),
        t.value_source.name(),
        number(t.effort),
        t.effort_source.name()
    );
    if points.is_empty() {
        m.push_str("<p class=\"empty\">No open item has both a value and an estimate.</p>\n");
    } else {
        m.push_str("<figure class=\"chart-wrap\">");
        m.push_str(&svg::scatter(&points, t.value, t.effort));
        m.push_str("</figure>\n");
    }
    m.push_str("<div class=\"quadrants\">\n");
    for (q, members) in &mx.quadrants {
        let what = match q {
            prioritize::Quadrant::QuickWins => "high value, low effort: do these first",
            prioritize::Quadrant::BigBets => "high value, high effort: plan and split them",
            prioritize::Quadrant::FillIns => "low value, low effort: fit them in",
            prioritize::Quadrant::TimeSinks => "low value, high effort: question them",
        };
        let _ = write!(
            m,
            "<section class=\"quadrant {}\"><h2>{} <small>{}</small></h2><p>{what}</p>",
            q.key(),
            q.title(),
            members.len()
        );
        let ids: Vec<String> = members.iter().map(|&k| items[k].id.clone()).collect();
        m.push_str(&id_list(ctx, "", &ids));
        m.push_str("</section>\n");
    }
    m.push_str("</div>\n");
    if !mx.unplaced.is_empty() {
        let _ = write!(
            m,
            "<section><h2>Not placed <small>{}</small></h2><p>Missing a value or an \
             estimate.</p><ul class=\"id-list\">",
            mx.unplaced.len()
        );
        for (k, missing) in mx.unplaced.iter().take(LIST_MAX) {
            let _ = write!(
                m,
                "<li>{} <span class=\"needs\">needs {}</span></li>",
                item_ref(ctx, "", &items[*k].id),
                missing.join(", ")
            );
        }
        m.push_str("</ul>");
        if mx.unplaced.len() > LIST_MAX {
            let _ = write!(
                m,
                "<p class=\"more\">and {} more</p>",
                mx.unplaced.len() - LIST_MAX
            );
        }
        m.push_str("</section>\n");
    }
    layout(ctx, "", "matrix.html", Nav::Matrix, "Priority matrix", &m)
}

// ---------------------------------------------------------------------------------------
// Dependencies

pub(in crate::site) fn dependencies(ctx: &Ctx<'_>) -> String {
    let g = &ctx.graph;
    let nodes = g.nodes();
    let open = |n: usize| matches!(nodes[n].state, State::Ready | State::Blocked);
    // Edges that matter for the work ahead: at least one end is open (or missing).
    let mut keep = vec![false; nodes.len()];
    for n in 0..nodes.len() {
        for &d in g.deps(n) {
            if open(n) || open(d) || nodes[d].state == State::Missing {
                keep[n] = true;
                keep[d] = true;
            }
        }
    }
    let chosen: Vec<usize> = (0..nodes.len()).filter(|&n| keep[n]).collect();
    let local: HashMap<usize, usize> = chosen.iter().enumerate().map(|(k, &n)| (n, k)).collect();
    let gnodes: Vec<GraphNode> = chosen
        .iter()
        .map(|&n| {
            let node = &nodes[n];
            GraphNode {
                id: node.id.clone(),
                title: node.title.clone(),
                state: node.state.name(),
                status: node.status.clone(),
                href: ctx.index(&node.id).map(|i| item_href(ctx, "", i)),
            }
        })
        .collect();
    let deps: Vec<Vec<usize>> = chosen
        .iter()
        .map(|&n| {
            g.deps(n)
                .iter()
                .filter_map(|d| local.get(d).copied())
                .collect()
        })
        .collect();
    let blocked: Vec<usize> = (0..nodes.len())
        .filter(|&n| nodes[n].state == State::Blocked)
        .collect();
    let mut m = String::from("<h1>Dependencies</h1>\n");
    let _ = writeln!(
        m,
        "<p class=\"lead\">{} with dependencies that matter for the open work; {}. Arrows \
         point from a dependency to the item that waits for it; columns go left to right in \
         the order the work can happen.</p>",
        plural(chosen.len(), "item", "items"),
        plural(blocked.len(), "item is blocked", "items are blocked")
    );
    if chosen.is_empty() {
        m.push_str("<p class=\"empty\">No open item depends on another.</p>\n");
    } else {
        m.push_str(
            "<ul class=\"legend\"><li><span class=\"swatch ready\"></span>ready to start</li>\
             <li><span class=\"swatch blocked\"></span>blocked</li><li><span class=\"swatch \
             done\"></span>done</li><li><span class=\"swatch closed\"></span>closed</li>\
             <li><span class=\"swatch missing\"></span>missing item</li></ul>\n\
             <figure class=\"chart-wrap graph-wrap\" tabindex=\"0\" aria-label=\"Dependency \
             graph, scrollable\">",
        );
        m.push_str(&svg::graph(&gnodes, &deps));
        m.push_str("</figure>\n");
    }
    if !blocked.is_empty() {
        m.push_str(
            "<section aria-labelledby=\"h-blocked\"><h2 id=\"h-blocked\">Blocked items</h2>\
             <ul class=\"id-list\">",
        );
        for &n in &blocked {
            let waits: Vec<String> = g
                .blockers(&nodes[n].id)
                .iter()
                .map(|b| id_link(ctx, "", b))
                .collect();
            let _ = write!(
                m,
                "<li>{} <span class=\"needs\">waits for {}</span></li>",
                item_ref(ctx, "", &nodes[n].id),
                waits.join(", ")
            );
        }
        m.push_str("</ul></section>\n");
    }
    layout(ctx, "", "graph.html", Nav::Graph, "Dependencies", &m)
}
