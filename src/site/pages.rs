//! The pages. Each function returns one complete HTML document; links are relative
//! (`root` is `""` for pages at the top and `"../"` for item pages).

use crate::model::item::KNOWN_KEYS;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::json;

use super::html::{LinkContext, esc, markdown, number, plural};
use super::svg::{self, Bar, GraphNode, Point};
use super::{Ctx, base_dir};
use crate::board;
use crate::graph::State;
use crate::health::{self, HealthOptions, Share};
use crate::history::{self, LogEntry};
use crate::item::Body;
use crate::planning::{self, Missing, PlanError};
use crate::prioritize;
use crate::store::Entry;

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

// ---------------------------------------------------------------------------------------
// Item

fn yaml_text(v: &serde_yaml_ng::Value) -> String {
    use serde_yaml_ng::Value;
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(seq) => seq.iter().map(yaml_text).collect::<Vec<_>>().join(", "),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn fields_html(ctx: &Ctx<'_>, e: &Entry) -> String {
    let it = &e.item;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| {
        if !v.is_empty() {
            rows.push((k.to_owned(), v));
        }
    };
    add("Status", status_badge(ctx.config.status(it)));
    add(
        "Type",
        esc(it.kind.as_deref().unwrap_or(&ctx.config.default_type)),
    );
    add(
        "Estimate",
        it.estimate
            .map(|p| format!("{p} points"))
            .unwrap_or_default(),
    );
    add("Value", it.value.map(|v| v.to_string()).unwrap_or_default());
    add(
        "Time criticality",
        it.time_criticality
            .map(|v| v.to_string())
            .unwrap_or_default(),
    );
    add(
        "Risk reduction",
        it.risk_reduction.map(|v| v.to_string()).unwrap_or_default(),
    );
    add("Owner", esc(it.owner.as_deref().unwrap_or_default()));
    add("Labels", labels_html(&it.labels));
    add("Sprint", esc(it.sprint.as_deref().unwrap_or_default()));
    add(
        "Rank",
        it.rank
            .as_deref()
            .map(|r| format!("<code>{}</code>", esc(r)))
            .unwrap_or_default(),
    );
    add("Created", esc(it.created.as_deref().unwrap_or_default()));
    add("Updated", esc(it.updated.as_deref().unwrap_or_default()));
    let fields = e.fields();
    for (k, v) in &fields {
        let key = yaml_text(k);
        if KNOWN_KEYS.contains(&key.as_str()) && key != "priority" {
            continue;
        }
        add(&key, esc(&yaml_text(v)));
    }
    add("File", format!("<code>{}</code>", esc(&e.path)));
    let mut s = String::from("<dl class=\"fields\">");
    for (k, v) in rows {
        let _ = write!(s, "<div><dt>{}</dt><dd>{v}</dd></div>", esc(&k));
    }
    s.push_str("</dl>\n");
    s
}

fn relations_html(ctx: &Ctx<'_>, i: usize) -> String {
    let e = &ctx.loaded.entries[i];
    let root = "../";
    let mut s = String::new();
    let state_of = |id: &str| -> String {
        match ctx.graph.state(id) {
            Some(State::Missing) | None => {
                " <span class=\"state missing\">missing</span>".to_owned()
            }
            Some(st) => format!(" <span class=\"state {0}\">{0}</span>", st.name()),
        }
    };
    let mut block = |title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let _ = write!(s, "<div><h3>{title}</h3><ul class=\"id-list\">");
        for it in items {
            let _ = write!(s, "<li>{it}</li>");
        }
        s.push_str("</ul></div>");
    };
    block(
        "Depends on",
        e.item
            .depends_on
            .iter()
            .map(|d| format!("{}{}", item_ref(ctx, root, d), state_of(d)))
            .collect(),
    );
    let gi = ctx.graph.index_of(&e.item.id);
    block(
        "Needed by",
        gi.map(|g| {
            ctx.graph
                .dependents(g)
                .iter()
                .map(|&d| {
                    let id = &ctx.graph.nodes()[d].id;
                    format!("{}{}", item_ref(ctx, root, id), state_of(id))
                })
                .collect()
        })
        .unwrap_or_default(),
    );
    block(
        "Parent",
        e.item
            .parent
            .iter()
            .map(|p| item_ref(ctx, root, p))
            .collect(),
    );
    block(
        "Children",
        ctx.children[i]
            .iter()
            .map(|&c| item_ref(ctx, root, &ctx.loaded.entries[c].item.id))
            .collect(),
    );
    block(
        "Duplicate of",
        e.item
            .duplicate_of
            .iter()
            .map(|d| item_ref(ctx, root, d))
            .collect(),
    );
    block(
        "Merged into this item",
        ctx.duplicates[i]
            .iter()
            .map(|&c| item_ref(ctx, root, &ctx.loaded.entries[c].item.id))
            .collect(),
    );
    if s.is_empty() {
        return String::new();
    }
    format!(
        "<section class=\"relations\" aria-labelledby=\"h-rel\"><h2 id=\"h-rel\">Relations</h2><div class=\"rel-grid\">{s}</div></section>\n"
    )
}

fn history_html(entries: &[LogEntry]) -> String {
    let mut s = String::from("<ol class=\"history\" reversed>");
    for e in entries {
        let _ = write!(
            s,
            "<li><div class=\"when\"><time datetime=\"{}\">{}</time> · {} · \
             <code>{}</code>{}</div><div class=\"summary\">{}</div>",
            iso_time(e.timestamp),
            esc(&e.date),
            esc(&e.author),
            esc(&e.commit[..e.commit.len().min(10)]),
            if e.merge { " · merge" } else { "" },
            esc(&e.summary)
        );
        if e.created || !e.changes.is_empty() {
            s.push_str("<ul class=\"changes\">");
            if e.created {
                let _ = write!(s, "<li>created as <code>{}</code></li>", esc(&e.path));
            }
            for c in &e.changes {
                let _ = write!(s, "<li>{}</li>", history::describe(c, &esc, "→"));
            }
            s.push_str("</ul>");
        }
        s.push_str("</li>");
    }
    s.push_str("</ol>\n");
    s
}

pub(super) fn item(ctx: &Ctx<'_>, i: usize) -> String {
    let e = &ctx.loaded.entries[i];
    let it = &e.item;
    let body = Body::parse(e.doc.body(), e.doc.body_line());
    let mut m = String::with_capacity(8192);
    let _ = write!(
        m,
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"../index.html\">Backlog</a> \
         › {}</nav>\n<h1><span class=\"id\">{}</span> {}</h1>\n",
        esc(&it.id),
        esc(&it.id),
        esc(&it.title)
    );
    match &ctx.readiness[i] {
        None => {}
        Some(missing) if missing.is_empty() => {
            m.push_str("<p class=\"readiness yes\">✓ Ready: meets the definition of ready.</p>\n");
        }
        Some(missing) => {
            m.push_str("<div class=\"readiness no\"><p>Not ready yet. Missing:</p><ul>");
            for x in missing {
                let _ = write!(
                    m,
                    "<li><strong>{}</strong>: {} <span class=\"rule\">({}, line {})</span></li>",
                    esc(&x.what),
                    esc(&x.message),
                    esc(x.rule.as_str()),
                    x.line
                );
            }
            m.push_str("</ul></div>\n");
        }
    }
    if ctx.graph.is_blocked(&it.id) {
        let blockers: Vec<String> = ctx
            .graph
            .blockers(&it.id)
            .iter()
            .map(|b| id_link(ctx, "../", b))
            .collect();
        let _ = writeln!(
            m,
            "<p class=\"blocked-note\">Blocked: waits for {}.</p>",
            blockers.join(", ")
        );
    }
    m.push_str("<div class=\"item-grid\"><div class=\"item-main\">\n");
    if let Some(story) = &body.story {
        let _ = writeln!(
            m,
            "<section aria-labelledby=\"h-story\"><h2 id=\"h-story\">Story</h2>\
             <p class=\"story\">{}</p></section>",
            esc(story)
        );
    }
    let _ = write!(
        m,
        "<section aria-labelledby=\"h-ac\"><h2 id=\"h-ac\">Acceptance criteria</h2>"
    );
    if body.criteria.is_empty() {
        m.push_str("<p class=\"empty\">None yet.</p>");
    } else {
        let done = body.criteria.iter().filter(|c| c.done).count();
        let _ = write!(
            m,
            "<p class=\"progress-text\">{done} of {} done</p><ol class=\"criteria\">",
            body.criteria.len()
        );
        for c in &body.criteria {
            let (class, mark, word) = if c.done {
                ("done", "☑", "done")
            } else {
                ("open", "☐", "open")
            };
            let _ = write!(
                m,
                "<li class=\"{class}\"><span class=\"mark\" aria-hidden=\"true\">{mark}</span> \
                 <span class=\"visually-hidden\">{word}: </span>{}</li>",
                esc(&c.text)
            );
        }
        m.push_str("</ol>");
    }
    m.push_str("</section>\n");
    let rest = markdown(
        e.doc.body(),
        true,
        &LinkContext {
            item_files: &ctx.item_files,
        },
    );
    if !rest.trim().is_empty() {
        let _ = writeln!(
            m,
            "<section aria-labelledby=\"h-details\"><h2 id=\"h-details\">Details</h2>\
             <div class=\"prose\">{rest}</div></section>"
        );
    }
    m.push_str(&relations_html(ctx, i));
    m.push_str("<section aria-labelledby=\"h-hist\"><h2 id=\"h-hist\">Refinement history</h2>\n");
    match ctx.history {
        None => m.push_str("<p class=\"empty\">Not in a git repository: no history.</p>\n"),
        Some(h) => {
            let entries = h.of(&it.id);
            if entries.is_empty() {
                m.push_str("<p class=\"empty\">Not committed yet.</p>\n");
            } else {
                m.push_str(&history_html(entries));
            }
        }
    }
    m.push_str("</section>\n</div>\n<aside class=\"item-side\" aria-label=\"Fields\">\n");
    m.push_str(&fields_html(ctx, e));
    m.push_str("</aside></div>\n");
    let path = format!("items/{}", ctx.page[i]);
    layout(
        ctx,
        "../",
        &path,
        Nav::Item,
        &format!("{} {}", it.id, it.title),
        &m,
    )
}

// ---------------------------------------------------------------------------------------
// Next sprints

pub(super) fn sprints(ctx: &Ctx<'_>) -> String {
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

pub(super) fn health(ctx: &Ctx<'_>) -> String {
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

// ---------------------------------------------------------------------------------------
// Priority matrix

pub(super) fn matrix(ctx: &Ctx<'_>) -> String {
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

pub(super) fn dependencies(ctx: &Ctx<'_>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_pager_windows_and_marks_current() {
        assert_eq!(pager(1, 1), "");
        let p = pager(5, 20);
        assert!(p.contains("href=\"index.html\">1</a>"), "{p}");
        assert!(
            p.contains("href=\"backlog-5.html\" aria-current=\"page\">5</a>"),
            "{p}"
        );
        assert!(p.contains("backlog-20.html\">20</a>"), "{p}");
        assert!(!p.contains("backlog-10.html\">"), "{p}");
        assert!(p.contains("rel=\"prev\""));
        assert!(p.contains("rel=\"next\""));
        assert!(!pager(20, 20).contains("rel=\"next\""));
    }

    #[test]
    fn test_percent() {
        assert_eq!(percent("in progress/x"), "in%20progress%2Fx");
    }
}
