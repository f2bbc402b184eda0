//! An item's page: its fields, relations and history.

use std::fmt::Write as _;

use super::{Nav, id_link, iso_time, item_ref, labels_html, layout, status_badge};
use crate::graph::State;
use crate::history;
use crate::history::LogEntry;
use crate::item::Body;
use crate::model::item::KNOWN_KEYS;
use crate::site::Ctx;
use crate::site::html::LinkContext;
use crate::site::html::esc;
use crate::site::html::markdown;
use crate::store::Entry;

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

pub(in crate::site) fn item(ctx: &Ctx<'_>, i: usize) -> String {
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
