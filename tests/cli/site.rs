//! `site`: the static website, parsed with an HTML parser. The demo backlog is built in a
//! temporary repository and every page is checked for structure, every internal link for
//! a target, every `src`/`href` for staying inside the site (except links written in item
//! texts), hostile item text for escaping, and the output for reproducibility.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::harness::TestEnv;

const TODAY: (&str, &str) = ("BACKLOG_TODAY", "2026-11-25");

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// A repository holding the demo backlog in one commit.
fn demo() -> TestEnv {
    let env = TestEnv::new();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo/backlog");
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), env.path("backlog").join(entry.file_name())).unwrap();
    }
    env.commit_all("Demo backlog");
    env
}

/// Every file of a built site: relative path → bytes.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn pages(site: &BTreeMap<String, Vec<u8>>) -> Vec<(String, Html)> {
    site.iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            (
                p.clone(),
                Html::parse_document(std::str::from_utf8(b).unwrap()),
            )
        })
        .collect()
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>()
}

/// Whether the element sits inside text taken from an item body (`.prose`).
fn in_item_text(e: ElementRef<'_>) -> bool {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().classes().any(|c| c == "prose"))
}

fn external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("//")
        || lower
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains(['/', '?', '#']))
}

/// Resolves a relative link from page `from` (site-relative) to a site-relative path.
fn resolve(from: &str, href: &str) -> String {
    let target = href.split(['#', '?']).next().unwrap();
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                assert!(parts.pop().is_some(), "{from}: link {href} leaves the site");
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Checks every link and resource of every page; returns the external URLs found in
/// item texts.
fn check_links(site: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut from_items = Vec::new();
    let any = sel("[href], [src]");
    for (path, doc) in pages(site) {
        let ids: BTreeSet<String> = doc
            .select(&sel("[id]"))
            .map(|e| e.value().attr("id").unwrap().to_owned())
            .collect();
        for e in doc.select(&any) {
            for attr in ["href", "src"] {
                let Some(url) = e.value().attr(attr) else {
                    continue;
                };
                if external(url) {
                    assert!(
                        in_item_text(e),
                        "{path}: external {attr}={url} outside item text"
                    );
                    from_items.push(url.to_owned());
                    continue;
                }
                if let Some(frag) = url.strip_prefix('#') {
                    assert!(ids.contains(frag), "{path}: broken fragment {url}");
                    continue;
                }
                let target = resolve(&path, url);
                assert!(
                    site.contains_key(&target),
                    "{path}: broken link {attr}={url} (no {target})"
                );
            }
        }
    }
    from_items
}

fn build(env: &TestEnv, out: &str, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut args = vec!["site", out];
    args.extend_from_slice(extra);
    env.run_with(&args, &[TODAY]).ok();
    files(&env.path(out))
}

#[test]
fn test_site_demo_pages_links_and_structure() {
    let env = demo();
    let json = env
        .run_with(&["site", "out", "--format", "json"], &[TODAY])
        .ok()
        .json();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "schema");
    assert_eq!(json["items"], 35);
    let site = files(&env.path("out"));
    assert_eq!(json["files"], site.len());
    // One page per item, plus the six views; assets and the lazy index.
    let items: Vec<&String> = site.keys().filter(|p| p.starts_with("items/")).collect();
    assert_eq!(items.len(), 35);
    for f in [
        "index.html",
        "board.html",
        "sprints.html",
        "health.html",
        "matrix.html",
        "graph.html",
        "assets/site.css",
        "assets/site.js",
        "data/index.js",
        ".backlog-site",
    ] {
        assert!(site.contains_key(f), "missing {f}");
    }
    assert!(!site.contains_key("sitemap.xml"));

    // No broken internal link over the whole site; the demo's item texts hold no URL.
    assert_eq!(check_links(&site), Vec::<String>::new());

    // Every page: language, one h1, the skip link to main, the six-link navigation with
    // the current page marked, and the stylesheet and script of the site only.
    for (path, doc) in pages(&site) {
        assert!(doc.select(&sel("html[lang=en]")).next().is_some(), "{path}");
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{path}");
        assert!(
            doc.select(&sel("a.skip[href='#main']")).next().is_some(),
            "{path}"
        );
        assert!(doc.select(&sel("main#main")).next().is_some(), "{path}");
        assert_eq!(doc.select(&sel("header nav a")).count(), 6, "{path}");
        let scripts: Vec<&str> = doc
            .select(&sel("script"))
            .map(|s| s.value().attr("src").unwrap())
            .collect();
        assert_eq!(scripts.len(), 1, "{path}");
        assert!(scripts[0].ends_with("assets/site.js"), "{path}");
        if !path.starts_with("items/") {
            assert_eq!(
                doc.select(&sel("nav a[aria-current=page]")).count(),
                1,
                "{path}"
            );
        }
    }
    let page = |p: &str| Html::parse_document(std::str::from_utf8(&site[p]).unwrap());

    // Backlog: the 27 open items in rank order with readiness; the filter form is there
    // for the script but hidden without it.
    let index = page("index.html");
    let rows: Vec<ElementRef<'_>> = index.select(&sel("table#items tbody tr")).collect();
    assert_eq!(rows.len(), 27);
    let cells = |r: &ElementRef<'_>| -> Vec<String> {
        r.select(&sel("td"))
            .map(|c| text(c).trim().to_owned())
            .collect()
    };
    let first = cells(&rows[0]);
    assert_eq!(
        first[..6],
        [
            "1",
            "B-7KX2",
            "Sign in with company SSO",
            "in-progress",
            "5",
            "dana"
        ]
    );
    assert_eq!(first[7], "✓ ready");
    let xn62 = rows.iter().map(cells).find(|c| c[1] == "B-XN62").unwrap();
    assert!(xn62[7].contains("needs estimate"), "{xn62:?}");
    assert!(
        index
            .select(&sel("form#filters[hidden] input#q"))
            .next()
            .is_some()
    );
    assert!(index.select(&sel(".pager")).next().is_none());

    // Board: a column per status with the cards of `backlog board`.
    let board = page("board.html");
    let cols: Vec<(String, usize)> = board
        .select(&sel("section.column"))
        .map(|c| {
            (
                text(c.select(&sel("h2 .status")).next().unwrap()),
                c.select(&sel("li.card")).count(),
            )
        })
        .collect();
    // The site's board shows every done item: `--done all`.
    let board_json = env
        .run(&["board", "--done", "all", "--format", "json"])
        .ok()
        .json();
    let expected: Vec<(String, usize)> = board_json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["status"].as_str().unwrap().to_owned(),
                c["cards"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(cols, expected);

    // Item page: fields, story, numbered criteria with their state, relations, history.
    let item = page("items/B-7KX2.html");
    assert_eq!(
        text(item.select(&sel("h1")).next().unwrap()),
        "B-7KX2 Sign in with company SSO"
    );
    assert!(text(item.select(&sel(".story")).next().unwrap()).starts_with("As a returning user"));
    let criteria: Vec<(String, String)> = item
        .select(&sel("ol.criteria li"))
        .map(|li| (li.value().attr("class").unwrap().to_owned(), text(li)))
        .collect();
    assert_eq!(criteria.len(), 3);
    assert_eq!(criteria[0].0, "done");
    assert_eq!(criteria[1].0, "open");
    assert!(
        criteria[2]
            .1
            .contains("A failed sign-in shows the IdP's error message.")
    );
    let rel = text(item.select(&sel("section.relations")).next().unwrap());
    for want in [
        "Depends on",
        "B-3M1Q",
        "Needed by",
        "B-N4GS",
        "Parent",
        "B-2A9C",
    ] {
        assert!(rel.contains(want), "{want}: {rel}");
    }
    let fields = text(item.select(&sel("dl.fields")).next().unwrap());
    assert!(fields.contains("Estimate5 points"), "{fields}");
    assert!(
        fields.contains("backlog/B-7KX2-sign-in-with-company-sso.md"),
        "{fields}"
    );
    let history: Vec<String> = item.select(&sel("ol.history > li")).map(text).collect();
    assert_eq!(history.len(), 1);
    assert!(history[0].contains("Test Author"), "{history:?}");
    assert!(history[0].contains("Demo backlog"), "{history:?}");
    assert!(history[0].contains("created as backlog/B-7KX2-sign-in-with-company-sso.md"));
    let parent = page("items/B-2A9C.html");
    let rel = text(parent.select(&sel("section.relations")).next().unwrap());
    assert!(rel.contains("Children") && rel.contains("B-7KX2"), "{rel}");

    // Next sprints: plan and agenda as `plan` and `agenda` compute them.
    let sprints = page("sprints.html");
    let plan = env
        .run_with(&["plan", "--format", "json"], &[TODAY])
        .ok()
        .json();
    let names: Vec<String> = sprints
        .select(&sel("article.sprint h3"))
        .map(text)
        .collect();
    let expected: Vec<String> = plan["plan"]["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), expected.len());
    for (n, e) in names.iter().zip(&expected) {
        assert!(n.starts_with(e.as_str()), "{n} vs {e}");
    }
    let planned: usize = plan["plan"]["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["items"].as_array().unwrap().len() + s["in_progress"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        sprints.select(&sel("article.sprint tbody tr")).count(),
        planned
    );
    let agenda = env
        .run_with(&["agenda", "--format", "json"], &[TODAY])
        .ok()
        .json();
    let on_agenda: usize = agenda["agenda"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(sprints.select(&sel(".agenda li")).count(), on_agenda);

    // Health: the score of `health`, the velocity chart.
    let health = page("health.html");
    let score = env
        .run_with(&["health", "--format", "json"], &[TODAY])
        .ok()
        .json();
    assert_eq!(
        text(health.select(&sel(".score .big")).next().unwrap()),
        score["score"]["total"].to_string()
    );
    assert_eq!(health.select(&sel("table.deep tbody tr")).count(), 5);
    let velocity = env
        .run(&["velocity", "--format", "json", "--last", "12"])
        .ok()
        .json();
    assert_eq!(
        health.select(&sel("svg.bars g.bar")).count(),
        velocity["sprints"].as_array().unwrap().len()
    );

    // Matrix: one linked point per placed item, the four quadrants labelled.
    let matrix = page("matrix.html");
    let m = env.run(&["matrix", "--format", "json"]).ok().json();
    let placed: usize = m["quadrants"]
        .as_object()
        .unwrap()
        .values()
        .map(|q| q.as_array().unwrap().len())
        .sum();
    assert_eq!(matrix.select(&sel("svg.scatter a.point")).count(), placed);
    let labels: Vec<String> = matrix
        .select(&sel("svg .quadrant-label"))
        .map(text)
        .collect();
    assert_eq!(labels, ["Quick wins", "Big bets", "Fill-ins", "Time sinks"]);

    // Dependencies: nodes linked to items, blocked ones marked, as `graph` sees them.
    let graph = page("graph.html");
    let g = env.run(&["graph", "--format", "json"]).ok().json();
    let blocked: BTreeSet<String> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["state"] == "blocked")
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    let drawn: BTreeSet<String> = graph
        .select(&sel("svg.graph a.node.blocked .node-id"))
        .map(text)
        .collect();
    assert_eq!(drawn, blocked);
    assert!(graph.select(&sel("svg.graph path.edge")).count() > 0);
}

#[test]
fn test_site_escapes_hostile_item_text() {
    let env = TestEnv::new();
    let hostile = "<img src=x onerror=alert(1)>";
    env.item(
        "B-1",
        "'<img src=x onerror=alert(1)>'",
        "status: draft\nrank: a0\nowner: \"<b>eve</b>\"\nlabels: [\"\\\"><script>alert(2)</script>\"]\n",
        "As a <script>alert(3)</script>, I want x so that y.\n\n## Acceptance criteria\n\
         - [ ] Shows `<img src=x onerror=alert(4)>` as text\n\n## Notes\n<iframe src=\"https://evil.example\"></iframe>\n\n\
         [click](javascript:alert(5)) [site](https://example.com/doc) ![pic](https://img.example/p.png)\n",
    );
    env.item("B-2", "Second", "rank: a1\ndepends_on: [B-1]\n", "");
    env.commit_all("Hostile");
    let site = build(&env, "out", &[]);
    for (path, doc) in pages(&site) {
        for bad in ["img", "iframe", "b"] {
            assert!(
                doc.select(&sel(bad)).next().is_none(),
                "{path}: a <{bad}> element came from item text"
            );
        }
        assert_eq!(doc.select(&sel("script")).count(), 1, "{path}");
        for e in doc.select(&sel("*")) {
            for (name, value) in e.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: attribute {name}");
                assert!(!value.contains("javascript:"), "{path}: {name}={value}");
            }
        }
    }
    let item = Html::parse_document(std::str::from_utf8(&site["items/B-1.html"]).unwrap());
    assert_eq!(
        text(item.select(&sel("h1")).next().unwrap()),
        format!("B-1 {hostile}")
    );
    assert!(text(item.select(&sel("title")).next().unwrap()).contains(hostile));
    assert!(
        text(item.select(&sel("ol.criteria")).next().unwrap())
            .contains("<img src=x onerror=alert(4)>")
    );
    let prose = text(item.select(&sel(".prose")).next().unwrap());
    assert!(
        prose.contains("<iframe src=\"https://evil.example\"></iframe>"),
        "{prose}"
    );
    // Only the link written in the item text leaves the site; the image is a link, the
    // javascript: link is text.
    let mut external = check_links(&site);
    external.sort();
    assert_eq!(
        external,
        ["https://example.com/doc", "https://img.example/p.png"]
    );
    let index = std::str::from_utf8(&site["data/index.js"]).unwrap();
    assert!(!index.contains('<'), "{index}");
    let graph = std::str::from_utf8(&site["graph.html"]).unwrap();
    assert!(graph.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn test_site_is_reproducible_and_updates_in_place() {
    let env = demo();
    let a = build(&env, "a", &[]);
    let b = build(&env, "b", &[]);
    assert_eq!(a, b, "two builds of the same input differ");
    let rebuilt = build(&env, "a", &[]);
    assert_eq!(a, rebuilt);
    // Removing an item removes its page on the next build into the same folder.
    env.git(&["rm", "-q", "backlog/B-AR0W-forward-receipts-by-email.md"])
        .ok();
    env.commit_all("Drop B-AR0W");
    let after = build(&env, "a", &[]);
    assert!(!after.contains_key("items/B-AR0W.html"));
    assert!(after.contains_key("items/B-7KX2.html"));
    assert_eq!(check_links(&after), Vec::<String>::new());
    // A folder with other files is not touched.
    env.write("mine/notes.txt", "keep me");
    let r = env.run(&["site", "mine"]).code(2);
    assert!(
        r.stderr.contains("not written by `backlog site`"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read("mine/notes.txt"), "keep me");
    assert!(!env.path("mine/index.html").exists());
}

#[test]
fn test_site_base_url_title_and_errors() {
    let env = demo();
    let site = build(
        &env,
        "out",
        &[
            "--base-url",
            "https://team.example/backlog",
            "--title",
            "Tandem <roadmap>",
        ],
    );
    let index = Html::parse_document(std::str::from_utf8(&site["index.html"]).unwrap());
    assert_eq!(
        index
            .select(&sel("link[rel=canonical]"))
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some("https://team.example/backlog/index.html")
    );
    assert_eq!(
        text(index.select(&sel("title")).next().unwrap()),
        "Backlog · Tandem <roadmap>"
    );
    assert_eq!(
        text(index.select(&sel(".brand")).next().unwrap()),
        "Tandem <roadmap>"
    );
    let sitemap = std::str::from_utf8(&site["sitemap.xml"]).unwrap();
    assert!(sitemap.contains("<loc>https://team.example/backlog/items/B-7KX2.html</loc>"));
    // Apart from the canonical link, nothing points outside.
    for (path, doc) in pages(&site) {
        for e in doc.select(&sel("[href], [src]")) {
            let url = e.value().attr("href").or(e.value().attr("src")).unwrap();
            if external(url) {
                assert_eq!(e.value().name(), "link", "{path}: {url}");
                assert!(
                    url.starts_with("https://team.example/backlog/"),
                    "{path}: {url}"
                );
            }
        }
    }
    let r = env
        .run(&["site", "x", "--base-url", "javascript:alert(1)"])
        .code(2);
    assert!(r.stderr.contains("not an http(s) URL"), "{}", r.stderr);
    env.run(&["site", "x", "--title", "  "]).code(2);
    env.run(&["site", "x", "--format", "github"]).code(2);
}

#[test]
fn test_site_outside_git_and_empty_backlog() {
    let env = TestEnv::bare_dir();
    std::fs::create_dir_all(env.path("backlog")).unwrap();
    env.run_with(&["site", "empty"], &[TODAY]).ok();
    let site = files(&env.path("empty"));
    let index = Html::parse_document(std::str::from_utf8(&site["index.html"]).unwrap());
    assert!(text(index.select(&sel("main")).next().unwrap()).contains("No open items."));
    env.item("B-1", "Lonely", "status: draft\n", "Story.\n");
    env.run_with(&["site", "empty"], &[TODAY]).ok();
    let site = files(&env.path("empty"));
    let item = String::from_utf8(site["items/B-1.html"].clone()).unwrap();
    assert!(
        item.contains("Not in a git repository: no history."),
        "{item}"
    );
    assert_eq!(check_links(&site), Vec::<String>::new());
}

/// The history on each item page is what `backlog log` reports, from one walk.
#[test]
fn test_site_history_matches_log() {
    let h = super::history::history();
    let env = &h.env;
    env.run_with(&["site", "out"], &[TODAY]).ok();
    let site = files(&env.path("out"));
    let ids: Vec<String> = site
        .keys()
        .filter_map(|p| p.strip_prefix("items/")?.strip_suffix(".html"))
        .map(str::to_owned)
        .collect();
    assert!(ids.len() >= 7, "{ids:?}");
    let mut checked = 0;
    for id in &ids {
        let id = id.as_str();
        let log = env.run(&["log", id, "--format", "json"]).ok().json();
        let page =
            Html::parse_document(std::str::from_utf8(&site[&format!("items/{id}.html")]).unwrap());
        let entries: Vec<ElementRef<'_>> = page.select(&sel("ol.history > li")).collect();
        let expected = log["entries"].as_array().unwrap();
        assert_eq!(entries.len(), expected.len(), "{id}");
        for (li, e) in entries.iter().zip(expected) {
            let commit = text(li.select(&sel(".when code")).next().unwrap());
            assert!(e["commit"].as_str().unwrap().starts_with(&commit), "{id}");
            let changes = li.select(&sel(".changes li")).count();
            let want = e["changes"].as_array().unwrap().len()
                + usize::from(e["created"] == Value::Bool(true));
            assert_eq!(changes, want, "{id}: {}", text(*li));
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked}");
    // The rank move reads as `log` words it.
    let b5 = std::str::from_utf8(&site["items/B-5.html"]).unwrap();
    assert!(
        b5.contains("moved up 6 places, above B-1 (rank a4 → Zz)"),
        "{b5}"
    );
}

/// The whole HTML of an item page and of the board, pinned (the commit hash redacted):
/// any change to what the pages say shows up in review.
#[test]
fn test_site_snapshot_item_and_board() {
    let env = demo();
    let site = build(&env, "out", &[]);
    let head = env
        .git(&["rev-parse", "HEAD"])
        .ok()
        .stdout
        .trim()
        .to_owned();
    for (name, path) in [
        ("item_page", "items/B-7KX2.html"),
        ("board_page", "board.html"),
    ] {
        let html = String::from_utf8(site[path].clone())
            .unwrap()
            .replace(&head, "<head-hash>")
            .replace(&head[..10], "<head>");
        insta::assert_snapshot!(name, html);
    }
}
