//! The pages. Each function returns one complete HTML document; links are relative
//! (`root` is `""` for pages at the top and `"../"` for item pages).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::json;

use super::html::{esc, plural};
use super::{Ctx, base_dir};
use crate::board;
use crate::planning::Missing;

mod graphs;
mod health_page;
mod item;
mod sprints;

pub(super) use graphs::{dependencies, matrix};
pub(super) use health_page::health;
pub(super) use item::item;
pub(super) use sprints::sprints;

/// Items listed in a health figure or quadrant before "and N more".
const LIST_MAX: usize = 40;
/// Cards per board column before "and N more".
const CARDS_MAX: usize = 100;
/// Sprints in the velocity chart.
const VELOCITY_SPRINTS: usize = 12;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nav {
    Backlog,
    Board,
    Sprints,
    Health,
    Matrix,
    Graph,
    Item,
}

const NAV: [(Nav, &str, &str); 6] = [
    (Nav::Backlog, "index.html", "Backlog"),
    (Nav::Board, "board.html", "Board"),
    (Nav::Sprints, "sprints.html", "Next sprints"),
    (Nav::Health, "health.html", "Health"),
    (Nav::Matrix, "matrix.html", "Priority matrix"),
    (Nav::Graph, "graph.html", "Dependencies"),
];

/// A whole page around `main`.
fn layout(ctx: &Ctx<'_>, root: &str, path: &str, nav: Nav, title: &str, main: &str) -> String {
    let site = esc(&ctx.opts.title);
    let mut s = String::with_capacity(main.len() + 2048);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"generator\" content=\"backlog {}\">\n\
         <title>{} · {site}</title>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
    if let Some(base) = &ctx.opts.base_url {
        let _ = writeln!(
            s,
            "<link rel=\"canonical\" href=\"{}\">",
            esc(&format!("{}{path}", base_dir(base)))
        );
    }
    let _ = write!(
        s,
        "<link rel=\"stylesheet\" href=\"{root}assets/site.css\">\n\
         <script src=\"{root}assets/site.js\" defer></script>\n</head>\n\
         <body data-root=\"{root}\">\n\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\n\
         <header class=\"site-header\"><div class=\"wrap\">\
         <a class=\"brand\" href=\"{root}index.html\">{site}</a>\n\
         <nav aria-label=\"Site\"><ul>"
    );
    for (n, href, label) in NAV {
        let current = if n == nav {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(s, "<li><a href=\"{root}{href}\"{current}>{label}</a></li>");
    }
    s.push_str("</ul></nav></div></header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n");
    s.push_str(main);
    s.push_str("</main>\n<footer class=\"site-footer\"><div class=\"wrap\">");
    let items = plural(ctx.loaded.entries.len(), "item", "items");
    match ctx.head {
        Some(h) => {
            let _ = write!(
                s,
                "Built by <code>backlog site</code> from {items} at commit <code>{}</code> \
                 ({}).",
                esc(&h.commit[..h.commit.len().min(10)]),
                crate::text::date_from_unix(h.time)
            );
        }
        None => {
            let _ = write!(s, "Built by <code>backlog site</code> from {items}.");
        }
    }
    let _ = write!(
        s,
        " Figures as of {}.</div></footer>\n</body>\n</html>\n",
        crate::sprint::format_days(ctx.opts.today)
    );
    s
}

fn item_href(ctx: &Ctx<'_>, root: &str, i: usize) -> String {
    format!("{root}items/{}", ctx.page[i])
}

/// `<a>ID</a>` for a known item, the escaped ID otherwise.
fn id_link(ctx: &Ctx<'_>, root: &str, id: &str) -> String {
    match ctx.index(id) {
        Some(i) => format!(
            "<a href=\"{}\">{}</a>",
            esc(&item_href(ctx, root, i)),
            esc(&ctx.loaded.entries[i].item.id)
        ),
        None => format!(
            "<span class=\"unknown\" title=\"no such item\">{}</span>",
            esc(id)
        ),
    }
}

/// `<a>ID</a> title` for a known item.
fn item_ref(ctx: &Ctx<'_>, root: &str, id: &str) -> String {
    match ctx.index(id) {
        Some(i) => format!(
            "{} <span class=\"ref-title\">{}</span>",
            id_link(ctx, root, id),
            esc(&ctx.loaded.entries[i].item.title)
        ),
        None => id_link(ctx, root, id),
    }
}

fn status_badge(status: &str) -> String {
    format!(
        "<span class=\"status s-{}\">{}</span>",
        crate::text::slugify(status),
        esc(status)
    )
}

fn needs_text(missing: &[Missing]) -> String {
    let parts: Vec<&str> = missing.iter().map(|m| m.what.as_str()).collect();
    parts.join(", ")
}

fn readiness_cell(ctx: &Ctx<'_>, i: usize) -> String {
    match &ctx.readiness[i] {
        None => "<td class=\"ready na\">closed</td>".to_owned(),
        Some(m) if m.is_empty() => {
            "<td class=\"ready yes\"><span aria-hidden=\"true\">✓ </span>ready</td>".to_owned()
        }
        Some(m) => format!(
            "<td class=\"ready no\"><span class=\"visually-hidden\">not ready, </span>needs \
             {}</td>",
            esc(&needs_text(m))
        ),
    }
}

fn labels_html(labels: &[String]) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let mut s = String::from("<ul class=\"labels\">");
    for l in labels {
        let _ = write!(s, "<li>{}</li>", esc(l));
    }
    s.push_str("</ul>");
    s
}

fn points(p: Option<u32>) -> String {
    p.map_or_else(String::new, |p| p.to_string())
}

/// A list of item links, at most `LIST_MAX`, then "and N more".
fn id_list(ctx: &Ctx<'_>, root: &str, ids: &[String]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let mut s = String::from("<ul class=\"id-list\">");
    for id in ids.iter().take(LIST_MAX) {
        let _ = write!(s, "<li>{}</li>", item_ref(ctx, root, id));
    }
    s.push_str("</ul>");
    if ids.len() > LIST_MAX {
        let _ = write!(s, "<p class=\"more\">and {} more</p>", ids.len() - LIST_MAX);
    }
    s
}

/// `YYYY-MM-DDTHH:MMZ` for a `<time datetime>`.
fn iso_time(secs: i64) -> String {
    let minutes = secs.rem_euclid(86_400) / 60;
    format!(
        "{}T{:02}:{:02}Z",
        crate::text::date_from_unix(secs),
        minutes / 60,
        minutes % 60
    )
}

// ---------------------------------------------------------------------------------------
// Backlog

/// The open items in rank order (entry indices).
fn open_items(ctx: &Ctx<'_>) -> Vec<usize> {
    (0..ctx.loaded.entries.len())
        .filter(|&i| ctx.readiness[i].is_some())
        .collect()
}

pub(super) fn backlog_page_count(ctx: &Ctx<'_>) -> usize {
    open_items(ctx)
        .len()
        .div_ceil(ctx.opts.page_size.max(1))
        .max(1)
}

fn backlog_page_name(page: usize) -> String {
    if page == 1 {
        "index.html".to_owned()
    } else {
        format!("backlog-{page}.html")
    }
}

fn pager(current: usize, count: usize) -> String {
    if count <= 1 {
        return String::new();
    }
    let mut s = String::from("<nav class=\"pager\" aria-label=\"Pages\"><ul>");
    if current > 1 {
        let _ = write!(
            s,
            "<li><a href=\"{}\" rel=\"prev\">← Previous</a></li>",
            backlog_page_name(current - 1)
        );
    }
    let mut last = 0;
    for p in 1..=count {
        let near = p == 1 || p == count || p.abs_diff(current) <= 2;
        if !near {
            continue;
        }
        if p > last + 1 {
            s.push_str("<li class=\"gap\" aria-hidden=\"true\">…</li>");
        }
        last = p;
        if p == current {
            let _ = write!(
                s,
                "<li><a href=\"{}\" aria-current=\"page\">{p}</a></li>",
                backlog_page_name(p)
            );
        } else {
            let _ = write!(s, "<li><a href=\"{}\">{p}</a></li>", backlog_page_name(p));
        }
    }
    if current < count {
        let _ = write!(
            s,
            "<li><a href=\"{}\" rel=\"next\">Next →</a></li>",
            backlog_page_name(current + 1)
        );
    }
    s.push_str("</ul></nav>\n");
    s
}

/// The backlog pages: `index.html`, then `backlog-2.html`…
pub(super) fn backlog(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    let open = open_items(ctx);
    let size = ctx.opts.page_size.max(1);
    let count = backlog_page_count(ctx);
    let ready = open
        .iter()
        .filter(|&&i| ctx.readiness[i].as_ref().is_some_and(Vec::is_empty))
        .count();
    let mut statuses: Vec<String> = ctx.config.statuses.clone();
    let mut labels = BTreeSet::new();
    let mut owners = BTreeSet::new();
    for e in &ctx.loaded.entries {
        let s = ctx.config.status(&e.item);
        if !statuses.iter().any(|x| x == s) {
            statuses.push(s.to_owned());
        }
        labels.extend(e.item.labels.iter().cloned());
        if let Some(o) = &e.item.owner {
            owners.insert(o.clone());
        }
    }
    let mut filters = String::from(
        "<form class=\"filters\" id=\"filters\" role=\"search\" hidden>\n\
         <div class=\"field grow\"><label for=\"q\">Search</label>\
         <input type=\"search\" id=\"q\" name=\"q\" autocomplete=\"off\" \
         placeholder=\"ID, title, owner, label…  (press /)\"></div>\n\
         <div class=\"field\"><label for=\"f-status\">Status</label>\
         <select id=\"f-status\" name=\"status\"><option value=\"\">Open items</option>\
         <option value=\"*\">All items</option>",
    );
    for st in &statuses {
        let _ = write!(filters, "<option value=\"{0}\">{0}</option>", esc(st));
    }
    filters.push_str(
        "</select></div>\n<div class=\"field\"><label for=\"f-label\">Label</label>\
         <select id=\"f-label\" name=\"label\"><option value=\"\">Any label</option>",
    );
    for l in &labels {
        let _ = write!(filters, "<option value=\"{0}\">{0}</option>", esc(l));
    }
    filters.push_str(
        "</select></div>\n<div class=\"field\"><label for=\"f-owner\">Owner</label>\
         <select id=\"f-owner\" name=\"owner\"><option value=\"\">Anyone</option>\
         <option value=\"-\">Unowned</option>",
    );
    for o in &owners {
        let _ = write!(filters, "<option value=\"{0}\">{0}</option>", esc(o));
    }
    filters.push_str(
        "</select></div>\n</form>\n<p class=\"count\" id=\"count\" aria-live=\"polite\"></p>\n",
    );
    let mut out = Vec::with_capacity(count);
    for page in 1..=count {
        let rows = &open[((page - 1) * size).min(open.len())..(page * size).min(open.len())];
        let mut m = String::with_capacity(rows.len() * 400 + 4096);
        let _ = write!(
            m,
            "<h1>Backlog</h1>\n<p class=\"lead\">{} in rank order; {} ready by the definition \
             of ready.{}</p>\n",
            plural(open.len(), "open item", "open items"),
            ready,
            if count > 1 {
                format!(" Page {page} of {count}.")
            } else {
                String::new()
            }
        );
        m.push_str(&filters);
        m.push_str(
            "<div class=\"table-wrap\"><table class=\"items\" id=\"items\">\n\
             <thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">ID</th>\
             <th scope=\"col\">Title</th><th scope=\"col\">Status</th>\
             <th scope=\"col\" class=\"num\">Est.</th><th scope=\"col\">Owner</th>\
             <th scope=\"col\">Labels</th><th scope=\"col\">Readiness</th></tr></thead>\n<tbody>\n",
        );
        if rows.is_empty() {
            m.push_str("<tr><td colspan=\"8\">No open items.</td></tr>\n");
        }
        for (k, &i) in rows.iter().enumerate() {
            let e = &ctx.loaded.entries[i];
            let _ = writeln!(
                m,
                "<tr><td class=\"num\">{}</td><td class=\"id\">{}</td><td class=\"title\">\
                 <a href=\"{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
                 <td>{}</td>{}</tr>",
                (page - 1) * size + k + 1,
                esc(&e.item.id),
                esc(&item_href(ctx, "", i)),
                esc(&e.item.title),
                status_badge(ctx.config.status(&e.item)),
                points(e.item.estimate),
                esc(e.item.owner.as_deref().unwrap_or_default()),
                labels_html(&e.item.labels),
                readiness_cell(ctx, i)
            );
        }
        m.push_str("</tbody>\n</table></div>\n");
        m.push_str(&pager(page, count));
        let name = backlog_page_name(page);
        let title = if page == 1 {
            "Backlog".to_owned()
        } else {
            format!("Backlog, page {page}")
        };
        out.push((
            name.clone(),
            layout(ctx, "", &name, Nav::Backlog, &title, &m),
        ));
    }
    out
}

/// `data/index.js`: every item as a compact row for the backlog page's search, loaded
/// only when the reader searches or filters.
pub(super) fn index_js(ctx: &Ctx<'_>) -> String {
    let open = open_items(ctx);
    let position: HashMap<usize, usize> =
        open.iter().enumerate().map(|(k, &i)| (i, k + 1)).collect();
    let rows: Vec<serde_json::Value> = ctx
        .loaded
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (ready, needs) = match &ctx.readiness[i] {
                None => (json!(null), String::new()),
                Some(m) => (json!(m.is_empty()), needs_text(m)),
            };
            json!([
                position.get(&i).copied(),
                e.item.id,
                e.item.title,
                ctx.config.status(&e.item),
                e.item.estimate,
                e.item.owner,
                e.item.labels,
                ready,
                needs,
                ctx.page[i],
            ])
        })
        .collect();
    let data = json!({
        "fields": ["position", "id", "title", "status", "estimate", "owner", "labels", "ready", "needs", "page"],
        "items": rows,
    });
    // `<` never appears raw, so the file stays inert if someone inlines it in a page.
    let text = serde_json::to_string(&data)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!("window.BACKLOG_INDEX = {text};\n")
}

// ---------------------------------------------------------------------------------------
// Board

pub(super) fn board(ctx: &Ctx<'_>) -> String {
    let cols = board::columns(ctx.loaded, ctx.config, false);
    let mut m = String::from(
        "<h1>Board</h1>\n<p class=\"lead\">A column per status in workflow order, cards in \
         rank order (as <code>backlog board</code>).</p>\n<div class=\"board\">\n",
    );
    for (k, c) in cols.iter().enumerate() {
        let _ = write!(
            m,
            "<section class=\"column\" aria-labelledby=\"col-{k}\"><h2 id=\"col-{k}\">{} \
             <span class=\"col-count\">{} · {} pts</span></h2>\n<ol class=\"cards\">\n",
            status_badge(&c.status),
            c.cards.len(),
            c.points
        );
        for card in c.cards.iter().take(CARDS_MAX) {
            let href = ctx
                .index(&card.id)
                .map(|i| item_href(ctx, "", i))
                .unwrap_or_default();
            let _ = write!(
                m,
                "<li class=\"card\"><a href=\"{}\"><span class=\"card-head\">\
                 <span class=\"id\">{}</span>",
                esc(&href),
                esc(&card.id)
            );
            if let Some(p) = card.estimate {
                let _ = write!(m, "<span class=\"pts\">{p} pts</span>");
            }
            if let Some(o) = &card.owner {
                let _ = write!(m, "<span class=\"owner\">@{}</span>", esc(o));
            }
            let _ = writeln!(
                m,
                "</span><span class=\"card-title\">{}</span></a></li>",
                esc(&card.title)
            );
        }
        m.push_str("</ol>\n");
        if c.cards.len() > CARDS_MAX {
            let _ = writeln!(
                m,
                "<p class=\"more\">and {} more {} items: <a href=\"index.html?status={}\">filter \
                 the backlog</a></p>",
                c.cards.len() - CARDS_MAX,
                esc(&c.status),
                esc(&percent(&c.status))
            );
        }
        m.push_str("</section>\n");
    }
    m.push_str("</div>\n");
    layout(ctx, "", "board.html", Nav::Board, "Board", &m)
}

/// Percent-encodes a query value.
fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests;
