//! Inline SVG charts drawn by the tool itself (no chart library, no Mermaid runtime):
//! a bar chart (velocity), a scatter plot (the priority matrix) and a layered graph
//! (dependencies). Colours come from CSS classes, so the charts follow the page's light
//! or dark theme and print in black and white.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::html::{esc, number};

/// Cuts `s` to `max` characters, ending with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Label under the bar.
    pub label: String,
    /// Its value.
    pub value: u32,
}

/// A vertical bar chart with a value axis, a value on each bar and an optional dashed
/// reference line (the average).
pub fn bar_chart(title: &str, bars: &[Bar], reference: Option<(f64, &str)>) -> String {
    let (left, right, top, bottom) = (48.0, 96.0, 24.0, 56.0);
    let slot = (520.0 / bars.len().max(1) as f64).clamp(48.0, 96.0);
    let plot_h = 220.0;
    let width = left + right + slot * bars.len().max(1) as f64;
    let height = top + plot_h + bottom;
    let max = bars
        .iter()
        .map(|b| f64::from(b.value))
        .chain(reference.map(|r| r.0))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let step = nice_step(max / 4.0);
    let top_value = (max / step).ceil() * step;
    let y = |v: f64| top + plot_h - v / top_value * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart bars\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" role=\"img\" aria-labelledby=\"bars-title\">\
         <title id=\"bars-title\">{}</title>",
        esc(title)
    );
    let mut v = 0.0;
    while v <= top_value + 1e-9 {
        let yy = y(v);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            width - right,
            left - 6.0,
            yy + 4.0,
            number(v)
        );
        v += step;
    }
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.18;
        let w = slot * 0.64;
        let top_y = y(f64::from(b.value));
        let _ = write!(
            s,
            "<g class=\"bar\"><rect x=\"{x:.1}\" y=\"{top_y:.1}\" width=\"{w:.1}\" \
             height=\"{:.1}\" rx=\"3\"><title>{}: {} points</title></rect>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
             <text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
            top + plot_h - top_y,
            esc(&b.label),
            b.value,
            x + w / 2.0,
            top_y - 6.0,
            b.value,
            x + w / 2.0,
            top + plot_h + 20.0,
            esc(&clip(&b.label, 10))
        );
    }
    if let Some((r, label)) = reference {
        let yy = y(r);
        let _ = write!(
            s,
            "<line class=\"reference\" x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/>\
             <text class=\"reference-label\" x=\"{}\" y=\"{:.1}\">{}</text>",
            width - right,
            width - right + 6.0,
            yy + 4.0,
            esc(label)
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/></svg>",
        width - right,
        top + plot_h,
        top + plot_h
    );
    s
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= raw {
            return m * p;
        }
    }
    10.0 * p
}

/// One point of the scatter plot.
#[derive(Debug, Clone)]
pub struct Point {
    /// Effort (estimate), the x axis.
    pub effort: u32,
    /// Value, the y axis.
    pub value: u32,
    /// Link to the item page.
    pub href: String,
    /// Item ID.
    pub id: String,
    /// Item title.
    pub title: String,
    /// CSS class (the quadrant key).
    pub class: &'static str,
}

/// The value-versus-effort scatter plot: effort on a square-root scale (estimate scales
/// grow roughly geometrically), value linear; threshold lines split the quadrants, whose
/// names stand in their corners. Points with the same value and effort are spread around
/// their spot so each stays clickable. Every point is a link to its item.
pub fn scatter(points: &[Point], value_threshold: f64, effort_threshold: f64) -> String {
    let (left, right, top, bottom) = (56.0, 20.0, 20.0, 52.0);
    let (plot_w, plot_h) = (640.0, 440.0);
    let (width, height) = (left + plot_w + right, top + plot_h + bottom);
    let max_e = points
        .iter()
        .map(|p| f64::from(p.effort))
        .fold(effort_threshold, f64::max)
        .max(1.0);
    let max_v = points
        .iter()
        .map(|p| f64::from(p.value))
        .fold(value_threshold, f64::max)
        .max(1.0);
    let x = |e: f64| left + 12.0 + e.max(0.0).sqrt() / (max_e * 1.08).sqrt() * (plot_w - 12.0);
    let y = |v: f64| top + plot_h - 12.0 - v / (max_v * 1.08) * (plot_h - 12.0);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart scatter\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"scatter-title\"><title id=\"scatter-title\">Value versus effort \
         of {} items</title>",
        points.len()
    );
    let (tx, ty) = (x(effort_threshold), y(value_threshold));
    let (x0, x1, y0, y1) = (left, left + plot_w, top, top + plot_h);
    for (class, rx, ry, rw, rh) in [
        ("quick_wins", x0, y0, tx - x0, ty - y0),
        ("big_bets", tx, y0, x1 - tx, ty - y0),
        ("fill_ins", x0, ty, tx - x0, y1 - ty),
        ("time_sinks", tx, ty, x1 - tx, y1 - ty),
    ] {
        let _ = write!(
            s,
            "<rect class=\"quadrant {class}\" x=\"{rx:.1}\" y=\"{ry:.1}\" width=\"{:.1}\" \
             height=\"{:.1}\"/>",
            rw.max(0.0),
            rh.max(0.0)
        );
    }
    for (label, lx, ly, anchor) in [
        ("Quick wins", x0 + 8.0, y0 + 18.0, "start"),
        ("Big bets", x1 - 8.0, y0 + 18.0, "end"),
        ("Fill-ins", x0 + 8.0, y1 - 8.0, "start"),
        ("Time sinks", x1 - 8.0, y1 - 8.0, "end"),
    ] {
        let _ = write!(
            s,
            "<text class=\"quadrant-label\" x=\"{lx:.1}\" y=\"{ly:.1}\" \
             text-anchor=\"{anchor}\">{label}</text>"
        );
    }
    let _ = write!(
        s,
        "<line class=\"threshold\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{y0}\" y2=\"{y1}\"/>\
         <line class=\"threshold\" x1=\"{x0}\" x2=\"{x1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\"/>\
         <line class=\"axis\" x1=\"{x0}\" x2=\"{x1}\" y1=\"{y1}\" y2=\"{y1}\"/>\
         <line class=\"axis\" x1=\"{x0}\" x2=\"{x0}\" y1=\"{y0}\" y2=\"{y1}\"/>"
    );
    // Ticks: the effort values and a few value steps.
    let mut efforts: Vec<u32> = points.iter().map(|p| p.effort).collect();
    efforts.sort_unstable();
    efforts.dedup();
    let mut last_x = f64::NEG_INFINITY;
    for e in efforts {
        let xx = x(f64::from(e));
        if xx - last_x < 22.0 {
            continue;
        }
        last_x = xx;
        let _ = write!(
            s,
            "<text class=\"tick\" x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{e}</text>",
            y1 + 18.0
        );
    }
    let step = nice_step(max_v / 5.0);
    let mut v = 0.0;
    while v <= max_v + 1e-9 {
        let _ = write!(
            s,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 8.0,
            y(v) + 4.0,
            number(v)
        );
        v += step;
    }
    let _ = write!(
        s,
        "<text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">Effort \
         (estimate, points)</text><text class=\"axis-label\" transform=\"translate(16 {:.1}) \
         rotate(-90)\" text-anchor=\"middle\">Value</text>",
        x0 + plot_w / 2.0,
        height - 10.0,
        y0 + plot_h / 2.0
    );
    let mut taken: HashMap<(u32, u32), usize> = HashMap::new();
    for p in points {
        let k = taken.entry((p.effort, p.value)).or_insert(0);
        let n = *k as f64;
        *k += 1;
        // A sunflower spiral: the n-th copy of a spot sits at radius 6·√n.
        let (dx, dy) = if n == 0.0 {
            (0.0, 0.0)
        } else {
            let a = n * 2.399_963;
            (6.0 * n.sqrt() * a.cos(), 6.0 * n.sqrt() * a.sin())
        };
        let _ = write!(
            s,
            "<a class=\"point {}\" href=\"{}\"><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\"/>\
             <title>{}: {} (value {}, estimate {})</title></a>",
            p.class,
            esc(&p.href),
            x(f64::from(p.effort)) + dx,
            y(f64::from(p.value)) + dy,
            esc(&p.id),
            esc(&p.title),
            p.value,
            p.effort
        );
    }
    s.push_str("</svg>");
    s
}

/// A node of the dependency graph.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// Item ID.
    pub id: String,
    /// Title (empty for a missing item).
    pub title: String,
    /// `done`, `closed`, `blocked`, `ready` or `missing` (a CSS class too).
    pub state: &'static str,
    /// Status shown under the title.
    pub status: String,
    /// Link to the item page (`None` for a missing item).
    pub href: Option<String>,
}

/// Layer of each node: the longest chain of dependencies below it (sources are layer 0),
/// over the graph with each cycle collapsed into one step, so every edge goes from a lower
/// to a higher layer except inside a cycle.
pub fn layers(n: usize, deps: &[Vec<usize>]) -> Vec<usize> {
    let (component, components) = crate::graph::strongly_connected(deps);
    // Tarjan emits components in reverse topological order of the `deps` edges: a
    // component comes after every component it depends on.
    let mut comp_layer = vec![0usize; components.len()];
    for (c, members) in components.iter().enumerate() {
        let mut layer = 0;
        for &m in members {
            for &d in &deps[m] {
                let dc = component[d];
                if dc != c {
                    layer = layer.max(comp_layer[dc] + 1);
                }
            }
        }
        comp_layer[c] = layer;
    }
    (0..n).map(|i| comp_layer[component[i]]).collect()
}

/// Orders the nodes of each layer to reduce crossings: a few sweeps that sort each layer by
/// the mean position of its neighbours in the previous layer (barycenter heuristic), ties
/// kept in input order.
fn order_layers(layer_of: &[usize], deps: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let depth = layer_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (i, &l) in layer_of.iter().enumerate() {
        rows[l].push(i);
    }
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); layer_of.len()];
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(i);
        }
    }
    let mut pos = vec![0.0_f64; layer_of.len()];
    let set_pos = |rows: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for row in rows {
            for (k, &i) in row.iter().enumerate() {
                pos[i] = k as f64;
            }
        }
    };
    set_pos(&rows, &mut pos);
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let neighbours = if down { deps } else { &dependents };
            let mut keyed: Vec<(f64, usize, usize)> = rows[l]
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let ns = &neighbours[i];
                    let b = if ns.is_empty() {
                        pos[i]
                    } else {
                        ns.iter().map(|&m| pos[m]).sum::<f64>() / ns.len() as f64
                    };
                    (b, k, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            rows[l] = keyed.into_iter().map(|(_, _, i)| i).collect();
            for (k, &i) in rows[l].iter().enumerate() {
                pos[i] = k as f64;
            }
        }
    }
    rows
}

/// The dependency graph laid out left to right: each node in the column of its
/// [`layers`], an arrow from each dependency to the item that waits for it.
pub fn graph(nodes: &[GraphNode], deps: &[Vec<usize>]) -> String {
    const W: f64 = 200.0;
    const H: f64 = 46.0;
    const GAP_X: f64 = 72.0;
    const GAP_Y: f64 = 14.0;
    const PAD: f64 = 12.0;
    const ROWS: usize = 40;
    let layer_of = layers(nodes.len(), deps);
    let rows = order_layers(&layer_of, deps);
    // A layer taller than ROWS nodes wraps into several columns, so a big backlog gives a
    // wide picture rather than one a hundred thousand pixels tall.
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(0).min(ROWS);
    let mut at = vec![(0.0, 0.0); nodes.len()];
    let mut column = 0usize;
    for row in &rows {
        for (c, chunk) in row.chunks(ROWS).enumerate() {
            // Centre each column vertically.
            let offset = (tallest - chunk.len()) as f64 * (H + GAP_Y) / 2.0;
            for (k, &i) in chunk.iter().enumerate() {
                at[i] = (
                    PAD + (column + c) as f64 * (W + GAP_X),
                    PAD + offset + k as f64 * (H + GAP_Y),
                );
            }
        }
        column += row.len().div_ceil(ROWS).max(1);
    }
    let width = PAD * 2.0 + column as f64 * (W + GAP_X) - GAP_X;
    let height = PAD * 2.0 + tallest as f64 * (H + GAP_Y) - GAP_Y;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart graph\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" \
         height=\"{height:.0}\" role=\"img\" aria-labelledby=\"graph-title\">\
         <title id=\"graph-title\">Dependency graph of {} items; arrows point from a \
         dependency to the item that waits for it</title><defs><marker id=\"arrow\" \
         viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" \
         orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\"/></marker></defs><g \
         class=\"edges\">",
        nodes.len()
    );
    for (item, ds) in deps.iter().enumerate() {
        for &d in ds {
            let (fx, fy) = at[d];
            let (tx, ty) = at[item];
            let (x1, y1, x2, y2) = (fx + W, fy + H / 2.0, tx, ty + H / 2.0);
            let bend = ((x2 - x1).abs() / 2.0).max(36.0);
            let class = if nodes[item].state == "blocked" && nodes[d].state != "done" {
                "edge blocking"
            } else {
                "edge"
            };
            let _ = write!(
                s,
                "<path class=\"{class}\" d=\"M{x1:.1} {y1:.1}C{:.1} {y1:.1} {:.1} {y2:.1} \
                 {x2:.1} {y2:.1}\" marker-end=\"url(#arrow)\"/>",
                x1 + bend,
                x2 - bend
            );
        }
    }
    s.push_str("</g>");
    for (i, n) in nodes.iter().enumerate() {
        let (x, y) = at[i];
        let label = if n.state == "missing" {
            "missing item".to_owned()
        } else if n.state == "blocked" {
            format!("{} · blocked", n.status)
        } else {
            n.status.clone()
        };
        let inner = format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W}\" height=\"{H}\" rx=\"6\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\"><tspan class=\"node-id\">{}</tspan> \
             <tspan class=\"node-status\">{}</tspan></text>\
             <text class=\"node-title\" x=\"{:.1}\" y=\"{:.1}\">{}</text>\
             <title>{}{}{} ({})</title>",
            x + 10.0,
            y + 18.0,
            esc(&n.id),
            esc(&clip(&label, 20)),
            x + 10.0,
            y + 36.0,
            esc(&clip(&n.title, 28)),
            esc(&n.id),
            if n.title.is_empty() { "" } else { ": " },
            esc(&n.title),
            esc(&label)
        );
        match &n.href {
            Some(h) => {
                let _ = write!(
                    s,
                    "<a class=\"node {}\" href=\"{}\">{inner}</a>",
                    n.state,
                    esc(h)
                );
            }
            None => {
                let _ = write!(s, "<g class=\"node {}\">{inner}</g>", n.state);
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_layers_put_dependencies_left_of_dependents() {
        // 0 <- 1 <- 2, 0 <- 2, and a cycle 3 <-> 4 that depends on 2.
        let deps = vec![vec![], vec![0], vec![1, 0], vec![4, 2], vec![3]];
        let l = layers(5, &deps);
        assert_eq!(l[0], 0);
        assert_eq!(l[1], 1);
        assert_eq!(l[2], 2);
        assert_eq!(l[3], 3);
        assert_eq!(l[4], 3);
    }

    #[test]
    fn test_graph_escapes_and_links() {
        let nodes = vec![
            GraphNode {
                id: "B-1".into(),
                title: "<img src=x onerror=alert(1)>".into(),
                state: "done",
                status: "done".into(),
                href: Some("items/B-1.html".into()),
            },
            GraphNode {
                id: "B-2".into(),
                title: "Two".into(),
                state: "blocked",
                status: "draft".into(),
                href: Some("items/B-2.html".into()),
            },
        ];
        let svg = graph(&nodes, &[vec![], vec![0]]);
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img"), "{svg}");
        assert!(svg.contains("href=\"items/B-2.html\""));
        assert_eq!(svg.matches("<path class=\"edge").count(), 1);
    }

    #[test]
    fn test_graph_wraps_tall_layers() {
        let nodes: Vec<GraphNode> = (0..101)
            .map(|i| GraphNode {
                id: format!("B-{i}"),
                title: String::new(),
                state: "ready",
                status: "draft".into(),
                href: None,
            })
            .collect();
        // One source, 100 items depending on it: 100 nodes in layer 1.
        let mut deps = vec![vec![]];
        deps.extend((1..101).map(|_| vec![0]));
        let svg = graph(&nodes, &deps);
        let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let dims: Vec<f64> = view
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|d| d.parse().unwrap())
            .collect();
        // 40 rows at most: the 100 wrap into 3 columns after the source's.
        assert_eq!(dims[0], 24.0 + 4.0 * 272.0 - 72.0);
        assert_eq!(dims[1], 24.0 + 40.0 * 60.0 - 14.0);
    }

    #[test]
    fn test_scatter_spreads_equal_points() {
        let p = |id: &str| Point {
            effort: 3,
            value: 5,
            href: format!("items/{id}.html"),
            id: id.into(),
            title: id.into(),
            class: "quick_wins",
        };
        let svg = scatter(&[p("A"), p("B")], 4.0, 5.0);
        let centres: Vec<&str> = svg
            .match_indices("<circle")
            .map(|(i, _)| &svg[i..i + 40])
            .collect();
        assert_eq!(centres.len(), 2);
        assert_ne!(centres[0], centres[1]);
        for q in ["Quick wins", "Big bets", "Fill-ins", "Time sinks"] {
            assert!(svg.contains(q));
        }
    }

    #[test]
    fn test_nice_step() {
        assert_eq!(nice_step(0.3), 1.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(12.0), 20.0);
    }
}
