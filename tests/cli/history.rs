//! `diff` and `log`: a repository history built with the real binary and the git CLI
//! (add, estimate, status, a split and a merge done by hand, a rank move, a hand-checked
//! criterion, a file rename and a merge commit), with exact expectations.

use serde_json::{Value, json};

use crate::harness::TestEnv;

/// Replaces `from` with `to` in a file (a hand edit).
fn edit(env: &TestEnv, rel: &str, from: &str, to: &str) {
    let text = env.read(rel);
    assert!(
        text.contains(from),
        "{rel} does not contain {from:?}:\n{text}"
    );
    env.write(rel, &text.replacen(from, to, 1));
}

pub(crate) struct History {
    pub(crate) env: TestEnv,
    /// The ID `backlog add` minted.
    added: String,
}

const B1_BODY: &str = "As a buyer, I want to check out so that I get my goods.\n\n\
    ## Acceptance criteria\n- [ ] Pay by card\n- [ ] Pay by invoice\n";

/// Builds the history; tags mark the steps.
pub(crate) fn history() -> History {
    let env = TestEnv::new();
    env.item(
        "B-1",
        "Checkout",
        "status: draft\nrank: a0\nestimate: 8\n",
        B1_BODY,
    );
    env.item(
        "B-2",
        "Search",
        "status: draft\nrank: a1\nestimate: 3\n",
        "Find things.\n",
    );
    env.item(
        "B-3",
        "Login",
        "status: draft\nrank: a2\nestimate: 2\n",
        "## Acceptance criteria\n- [ ] Sign in with SSO\n",
    );
    env.item(
        "B-4",
        "Sign in",
        "status: draft\nrank: a3\nestimate: 1\n",
        "Same as login.\n",
    );
    env.item(
        "B-5",
        "Reports",
        "status: draft\nrank: a4\n",
        "Monthly reports.\n",
    );
    env.commit_all("Seed the backlog");
    env.git(&["tag", "seed"]).ok();

    let added = env
        .run(&["add", "Export CSV", "--estimate", "2"])
        .ok()
        .stdout
        .trim()
        .to_owned();
    env.run(&["estimate", "B-2", "5"]).ok();
    env.run(&["set", "B-3", "status=ready"]).ok();

    // Split B-1 by hand: two children take its place, B-1 is closed as split.
    env.item(
        "B-6",
        "Checkout by card",
        "status: draft\nrank: a0V\nestimate: 5\nparent: B-1\n",
        "## Acceptance criteria\n- [ ] Pay by card\n",
    );
    env.item(
        "B-7",
        "Checkout by invoice",
        "status: draft\nrank: a0k\nestimate: 3\nparent: B-1\n",
        "## Acceptance criteria\n- [ ] Pay by invoice\n",
    );
    edit(
        &env,
        "backlog/B-1-item.md",
        "status: draft",
        "status: split",
    );
    env.commit_all("Split B-1");
    env.git(&["tag", "split"]).ok();

    // Merge B-4 into B-3 by hand: its criterion moves, it is closed as a duplicate.
    edit(
        &env,
        "backlog/B-4-item.md",
        "status: draft\n",
        "status: duplicate\nduplicate_of: B-3\n",
    );
    edit(
        &env,
        "backlog/B-3-item.md",
        "- [ ] Sign in with SSO\n",
        "- [ ] Sign in with SSO\n- [ ] Sign in with email\n",
    );
    env.commit_all("Merge B-4 into B-3");

    env.run(&["set", "B-5", "rank=Zz"]).ok();
    env.git(&["tag", "ranked"]).ok();

    edit(
        &env,
        "backlog/B-6-item.md",
        "- [ ] Pay by card",
        "- [x] Pay by card",
    );
    env.commit_all("Card payments are accepted");
    env.git(&["tag", "checked"]).ok();

    std::fs::create_dir_all(env.path("backlog/search")).unwrap();
    env.git(&["mv", "backlog/B-2-item.md", "backlog/search/B-2-search.md"])
        .ok();
    env.git(&["commit", "-q", "-m", "Move B-2 into search/"])
        .ok();
    env.git(&["tag", "renamed"]).ok();

    // A side branch re-estimates B-3 while main sets B-2's value; then a merge commit.
    env.git(&["checkout", "-q", "-b", "side"]).ok();
    env.run(&["estimate", "B-3", "3"]).ok();
    env.git(&["checkout", "-q", "main"]).ok();
    env.run(&["set", "B-2", "value=8"]).ok();
    env.git(&["merge", "-q", "--no-ff", "side", "-m", "Merge branch side"])
        .ok();
    History { env, added }
}

fn changes(item: &Value) -> Value {
    item["changes"].clone()
}

#[test]
fn test_diff_json_whole_history() {
    let h = history();
    let env = &h.env;
    let d = env
        .run(&["diff", "seed..HEAD", "--format", "json"])
        .ok()
        .json();
    assert_eq!(d["schema"], 1);
    assert_eq!(d["from"]["rev"], "seed");
    assert_eq!(d["to"]["rev"], "HEAD");
    assert_eq!(
        d["to"]["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD"]).ok().stdout.trim()
    );
    let ids: Vec<&str> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    // New backlog order: B-5 moved to the top, the children sit under B-1, the new
    // item is at the bottom.
    assert_eq!(
        ids,
        [
            "B-5",
            "B-1",
            "B-6",
            "B-7",
            "B-2",
            "B-3",
            "B-4",
            h.added.as_str()
        ]
    );
    let item = |id: &str| {
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        changes(&item("B-5")),
        json!([{"kind": "rank", "from": "a4", "to": "Zz", "direction": "up", "places": 4,
                 "above": "B-1"}])
    );
    assert_eq!(
        changes(&item("B-1")),
        json!([{"kind": "status", "from": "draft", "to": "split"}])
    );
    assert_eq!(
        item("B-6"),
        json!({"id": "B-6", "title": "Checkout by card", "path": "backlog/B-6-item.md",
               "change": "added", "status": "draft", "estimate": 5, "changes": []})
    );
    assert_eq!(item("B-7")["change"], "added");
    assert_eq!(
        item("B-2"),
        json!({"id": "B-2", "title": "Search", "path": "backlog/search/B-2-search.md",
        "change": "modified", "status": "draft", "estimate": 5, "changes": [
            {"kind": "renamed", "from": "backlog/B-2-item.md",
             "to": "backlog/search/B-2-search.md"},
            {"kind": "estimate", "from": 3, "to": 5},
            {"kind": "value", "from": null, "to": 8},
        ]})
    );
    assert_eq!(
        changes(&item("B-3")),
        json!([
            {"kind": "status", "from": "draft", "to": "ready"},
            {"kind": "estimate", "from": 2, "to": 3},
            {"kind": "criterion_added", "text": "Sign in with email", "done": false},
        ])
    );
    assert_eq!(
        changes(&item("B-4")),
        json!([
            {"kind": "status", "from": "draft", "to": "duplicate"},
            {"kind": "field", "key": "duplicate_of", "from": null, "to": "B-3"},
        ])
    );
    let new = item(&h.added);
    assert_eq!(new["change"], "added");
    assert_eq!(new["title"], "Export CSV");
    assert_eq!(new["estimate"], 2);
    assert_eq!(
        d["splits"],
        json!([{"parent": "B-1", "children": ["B-6", "B-7"]}])
    );
    assert_eq!(d["merges"], json!([{"duplicate": "B-4", "into": "B-3"}]));
    assert_eq!(
        d["totals"],
        json!({"added": 3, "removed": 0, "closed": 2, "modified": 5, "reestimated": 2,
               "points_added": 10, "points_removed": 0, "points_closed": 9,
               "points_reestimated": 3, "net_points": 4})
    );
    assert_eq!(d["warnings"], json!([]));
}

#[test]
fn test_diff_single_steps() {
    let h = history();
    let env = &h.env;
    // The hand-checked criterion.
    let d = env
        .run(&["diff", "ranked..checked", "--format", "json"])
        .ok()
        .json();
    assert_eq!(d["items"].as_array().unwrap().len(), 1);
    assert_eq!(d["items"][0]["id"], "B-6");
    assert_eq!(
        changes(&d["items"][0]),
        json!([{"kind": "criterion_checked", "text": "Pay by card"}])
    );
    // A rename is a rename, not a removal plus an addition.
    let d = env
        .run(&["diff", "checked..renamed", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        d["items"],
        json!([{"id": "B-2", "title": "Search", "path": "backlog/search/B-2-search.md",
                "change": "modified", "status": "draft", "estimate": 5, "changes": [
                    {"kind": "renamed", "from": "backlog/B-2-item.md",
                     "to": "backlog/search/B-2-search.md"}]}])
    );
    assert_eq!(d["totals"]["added"], 0);
    assert_eq!(d["totals"]["removed"], 0);
    // The split alone.
    let d = env
        .run(&["diff", "split~1..split", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        d["splits"],
        json!([{"parent": "B-1", "children": ["B-6", "B-7"]}])
    );
    assert_eq!(d["totals"]["points_added"], 8);
    assert_eq!(d["totals"]["points_closed"], 8);
    assert_eq!(d["totals"]["points_removed"], 0);
    assert_eq!(d["totals"]["net_points"], 0);
    // Nothing between a commit and itself.
    let d = env
        .run(&["diff", "HEAD..HEAD", "--format", "json"])
        .ok()
        .json();
    assert_eq!(d["items"], json!([]));
}

#[test]
fn test_diff_default_range_is_merge_base_to_working_tree() {
    let h = history();
    let env = &h.env;
    env.git(&["checkout", "-q", "-b", "refine"]).ok();
    env.run(&["estimate", "B-7", "5"]).ok();
    env.run(&["--no-commit", "set", "B-6", "status=ready"]).ok();
    // main has a commit the branch does not have: it must not show up.
    env.git(&["checkout", "-q", "main"]).ok();
    env.run(&["set", "B-4", "title=Sign in (dup)"]).ok();
    env.git(&["checkout", "-q", "refine"]).ok();
    let d = env.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(d["from"]["rev"], "merge-base(HEAD, main)");
    assert_eq!(d["to"], json!({"rev": "working tree", "commit": null}));
    let got: Vec<(String, Value)> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_owned(), changes(i)))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "B-6".to_owned(),
                json!([{"kind": "status", "from": "draft", "to": "ready"}])
            ),
            (
                "B-7".to_owned(),
                json!([{"kind": "estimate", "from": 3, "to": 5}])
            ),
        ]
    );
}

#[test]
fn test_diff_markdown_and_text() {
    let h = history();
    let env = &h.env;
    let md = env
        .run(&["diff", "seed..HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.starts_with("<!-- backlog-diff -->\n### Backlog changes\n"),
        "{md}"
    );
    for line in [
        "| | Items | Points |",
        "| Added | 3 | +10 |",
        "| Removed | 0 | 0 |",
        "| Closed (split, duplicate) | 2 | -9 |",
        "| Modified | 5 | |",
        "| Re-estimated | 2 | +3 |",
        "| **Net** | | **+4** |",
        "#### Splits",
        "- **B-1** Checkout split into **B-6** Checkout by card, **B-7** Checkout by invoice",
        "#### Merges",
        "- **B-4** Sign in merged into **B-3**",
        "- **B-5** Reports",
        "  - moved up 4 places, above B-1 (rank a4 → Zz)",
        "  - estimate: 3 → 5",
        "  - criterion added: [ ] Sign in with email",
    ] {
        assert!(md.lines().any(|l| l == line), "missing {line:?} in:\n{md}");
    }
    let text = env.run(&["diff", "seed..HEAD"]).ok().stdout;
    assert!(
        text.contains("\n~ B-3  Login\n    status: draft -> ready\n    estimate: 2 -> 3\n"),
        "{text}"
    );
    assert!(
        text.contains("split:  B-1 Checkout -> B-6, B-7\n"),
        "{text}"
    );
}

#[test]
fn test_log_follows_rename() {
    let h = history();
    let env = &h.env;
    let log = env.run(&["log", "b-2", "--format", "json"]).ok().json();
    assert_eq!(log["id"], "B-2");
    assert_eq!(log["path"], "backlog/search/B-2-search.md");
    let entries = log["entries"].as_array().unwrap();
    let got: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({"summary": e["summary"], "op": e["op"], "created": e["created"],
                   "merge": e["merge"], "path": e["path"], "changes": e["changes"]})
        })
        .collect();
    assert_eq!(
        got,
        vec![
            json!({"summary": "backlog: set B-2: value=8", "op": "set", "created": false,
                   "merge": false, "path": "backlog/search/B-2-search.md",
                   "changes": [{"kind": "value", "from": null, "to": 8}]}),
            json!({"summary": "Move B-2 into search/", "op": null, "created": false,
                   "merge": false, "path": "backlog/search/B-2-search.md",
                   "changes": [{"kind": "renamed", "from": "backlog/B-2-item.md",
                                "to": "backlog/search/B-2-search.md"}]}),
            json!({"summary": "backlog: estimate B-2: 3 -> 5", "op": "estimate",
                   "created": false, "merge": false, "path": "backlog/B-2-item.md",
                   "changes": [{"kind": "estimate", "from": 3, "to": 5}]}),
            json!({"summary": "Seed the backlog", "op": null, "created": true,
                   "merge": false, "path": "backlog/B-2-item.md", "changes": []}),
        ]
    );
    let first = &entries[0];
    assert_eq!(first["date"], "2025-11-24 16:00 UTC");
    assert_eq!(first["timestamp"], 1_764_000_000);
    assert_eq!(first["author"], "Test Author");
    assert_eq!(first["email"], "author@example.com");
    assert_eq!(
        first["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD^1"]).ok().stdout.trim()
    );
}

#[test]
fn test_log_merge_commit_and_side_branch() {
    let h = history();
    let env = &h.env;
    let log = env.run(&["log", "B-3", "--format", "json"]).ok().json();
    let got: Vec<Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!({"summary": e["summary"], "merge": e["merge"], "changes": e["changes"]}))
        .collect();
    assert_eq!(
        got,
        vec![
            json!({"summary": "Merge branch side", "merge": true,
                   "changes": [{"kind": "estimate", "from": 2, "to": 3}]}),
            json!({"summary": "backlog: estimate B-3: 2 -> 3", "merge": false,
                   "changes": [{"kind": "estimate", "from": 2, "to": 3}]}),
            json!({"summary": "Merge B-4 into B-3", "merge": false,
                   "changes": [{"kind": "criterion_added", "text": "Sign in with email",
                                "done": false}]}),
            json!({"summary": "backlog: set B-3: status=ready", "merge": false,
                   "changes": [{"kind": "status", "from": "draft", "to": "ready"}]}),
            json!({"summary": "Seed the backlog", "merge": false, "changes": []}),
        ]
    );
    // The rank move (six items were above B-5 then: B-1, B-6, B-7, B-2, B-3, B-4) and the
    // hand-checked criterion.
    let log = env.run(&["log", "B-5", "--format", "json"]).ok().json();
    assert_eq!(
        log["entries"][0]["changes"],
        json!([{"kind": "rank", "from": "a4", "to": "Zz", "direction": "up", "places": 6,
                 "above": "B-1"}])
    );
    let log = env.run(&["log", "B-6", "--format", "json"]).ok().json();
    assert_eq!(log["entries"][0]["summary"], "Card payments are accepted");
    assert_eq!(
        log["entries"][0]["changes"],
        json!([{"kind": "criterion_checked", "text": "Pay by card"}])
    );
    assert_eq!(log["entries"].as_array().unwrap().len(), 2);
    let text = env.run(&["log", "B-3"]).ok().stdout;
    assert!(
        text.starts_with("B-3  Login  (backlog/B-3-item.md)\n\n2025-11-24 16:00 UTC  "),
        "{text}"
    );
    assert!(
        text.contains("  Test Author  (merge)\n    Merge branch side\n    estimate: 2 -> 3\n"),
        "{text}"
    );
}

#[test]
fn test_history_errors() {
    let h = history();
    let env = &h.env;
    let r = env.run(&["diff", "nope..HEAD"]).code(2);
    assert!(r.stderr.contains("unknown revision `nope`"), "{}", r.stderr);
    let r = env.run(&["log", "B-99"]).code(2);
    assert!(r.stderr.contains("no item B-99 in HEAD"), "{}", r.stderr);
    let r = env.run(&["diff", "--format", "github"]).code(2);
    assert!(
        r.stderr.contains("does not support --format github"),
        "{}",
        r.stderr
    );
    // Outside a git repository.
    let bare = TestEnv::bare_dir();
    std::fs::create_dir_all(bare.path("backlog")).unwrap();
    let r = bare.run(&["diff"]).code(2);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
}

#[test]
fn test_diff_reports_unreadable_changed_file() {
    let env = TestEnv::new();
    env.item("B-1", "One", "rank: a0\n", "");
    env.commit_all("one");
    env.write(
        "backlog/B-2-bad.md",
        "---\nid: B-2\ntitle: [unterminated\n---\n",
    );
    let r = env.run(&["diff", "HEAD", "--format", "json"]).ok();
    let d = r.json();
    assert_eq!(d["items"], json!([]));
    let w = d["warnings"][0].as_str().unwrap();
    assert!(
        w.starts_with("backlog/B-2-bad.md:4 at working tree: "),
        "{w}"
    );
    assert!(
        r.stderr.contains("warning: backlog/B-2-bad.md:4"),
        "{}",
        r.stderr
    );
}

#[test]
fn test_diff_escapes_titles() {
    let env = TestEnv::new();
    env.item("B-1", "One", "rank: a0\n", "");
    env.commit_all("one");
    env.item(
        "B-2",
        "\"<!-- x --> @team *bold* \\e[31mred\"",
        "rank: a1\nestimate: 2\n",
        "",
    );
    let md = env
        .run(&["diff", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.contains(
            "- **B-2** \\<\\!-- x --\\> &#64;team \\*bold\\* \\\\u{1b}\\[31mred (2 points)\n"
        ),
        "{md}"
    );
    let text = env.run(&["diff", "HEAD"]).ok().stdout;
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(
        text.contains("+ B-2  <!-- x --> @team *bold* \\u{1b}[31mred  (2 points)\n"),
        "{text}"
    );
}

/// Found by the crash test: after an interrupted `fmt`, `copy-of-CR-1.md` holds CR-1
/// while `CR-10-item.md` and `CR-11-item.md` are named after their IDs; `set CR-1` and
/// `log CR-1` said CR-1 was ambiguous. The exact ID wins wherever its file is.
#[test]
fn test_an_exact_id_in_a_misnamed_file_wins_over_prefix_matches() {
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    env.item("CR-10", "Ten", "", "");
    env.item("CR-11", "Eleven", "", "");
    env.write(
        "backlog/copy-of-CR-1.md",
        "---\nid: CR-1\ntitle: One\n---\n",
    );
    env.commit_all("three items");
    env.run(&["set", "CR-1", "value=3"]).ok();
    assert!(env.read("backlog/copy-of-CR-1.md").contains("value: 3"));
    let log = env.run(&["log", "CR-1", "--format", "json"]).ok().json();
    assert_eq!(log["path"], "backlog/copy-of-CR-1.md");
    assert_eq!(log["entries"].as_array().unwrap().len(), 2);
    let shown = env.run(&["show", "cr-1", "--format", "json"]).ok().json();
    assert_eq!(shown["id"], "CR-1");
    // An unknown ID is unknown; a prefix that names several items is ambiguous.
    let out = env.run(&["show", "CR-1X"]);
    assert!(out.stderr.contains("unknown item CR-1X"), "{}", out.stderr);
    let out = env.run(&["log", "CR-"]);
    assert!(out.stderr.contains("ambiguous"), "{}", out.stderr);
}
