//! `import backlog-md|github|csv` and `export` end to end, on fixtures in each source's
//! real format (tests/fixtures).

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::TestEnv;

fn fixture(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A repository with one commit, and the Backlog.md fixture copied to `old/` (uncommitted,
/// outside the backlog folder).
fn env_with_backlog_md() -> TestEnv {
    let env = TestEnv::new();
    env.write("README.md", "shop\n");
    env.commit_all("seed");
    copy_dir(&fixture("backlog-md"), &env.path("old"));
    env
}

/// Every item, in backlog order, as `export --format json` prints it.
fn exported(env: &TestEnv) -> Vec<Value> {
    let out = env.run(&["export", "--format", "json"]).ok().json();
    assert_eq!(out["schema"], 1);
    out["items"].as_array().unwrap().clone()
}

fn by_id<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} not among the items"))
}

fn criteria(item: &Value) -> Vec<(String, bool)> {
    item["acceptance_criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["text"].as_str().unwrap().to_owned(),
                c["done"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["id"].as_str().unwrap()).collect()
}

#[test]
fn test_import_backlog_md_gives_exact_items_order_and_one_commit() {
    let env = env_with_backlog_md();
    let run = env.run(&["import", "backlog-md", "old"]).ok();
    assert!(
        run.stderr
            .contains("warning: not imported: old/backlog/tasks/task-4 - Broken-front-matter.md:")
            && run.stderr.contains("invalid YAML"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Imported from Backlog.md: 7 new, 0 updated, 0 unchanged, 1 not imported."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Added to config.yml statuses: to-do, archived"),
        "{}",
        run.stderr
    );

    let items = exported(&env);
    // Ordinals first (1000, 1500, 2000), then the rest by ID.
    assert_eq!(
        ids(&items),
        [
            "TASK-1", "TASK-2.1", "TASK-2", "DRAFT-1", "task-3", "TASK-5", "TASK-7"
        ]
    );
    let status: Vec<&str> = items
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        [
            "in-progress",
            "to-do",
            "to-do",
            "draft",
            "to-do",
            "archived",
            "done"
        ]
    );

    let t1 = by_id(&items, "TASK-1");
    assert_eq!(t1["title"], "Set up the project");
    assert_eq!(t1["owner"], "dana");
    assert_eq!(t1["reporter"], "@lee");
    assert_eq!(t1["labels"], json!(["setup", "infra"]));
    assert_eq!(t1["priority"], "high");
    assert_eq!(t1["sprint"], "v1.0");
    assert_eq!(t1["created"], "2025-06-10");
    assert_eq!(t1["updated"], "2025-06-12");
    assert_eq!(
        t1["source"],
        "backlog-md:backlog/tasks/task-1 - Set-up-the-project.md"
    );
    assert_eq!(
        t1["story"],
        "As a developer, I want a working build so that I can ship features."
    );
    assert_eq!(
        criteria(t1),
        [
            ("The build runs in CI".to_owned(), true),
            ("The README explains the setup".to_owned(), false)
        ]
    );
    assert_eq!(
        t1["definition_of_done"],
        json!([{"text": "Tests pass", "done": true}, {"text": "Docs updated", "done": false}])
    );
    assert_eq!(
        t1["body"],
        "As a developer, I want a working build so that I can ship features.\n\n\
         ## Acceptance criteria\n- [x] The build runs in CI\n- [ ] The README explains the setup\n\n\
         ## Definition of done\n- [x] Tests pass\n- [ ] Docs updated\n\n\
         ## Implementation Plan\n\n1. Add the workflow file.\n2. Write the README section.\n\n\
         ## Implementation Notes\n\nCI uses the stable toolchain.\n"
    );

    let t2 = by_id(&items, "TASK-2");
    assert_eq!(t2["depends_on"], json!(["TASK-1"]));
    assert!(t2.get("owner").is_none());
    let t21 = by_id(&items, "TASK-2.1");
    assert_eq!(t21["parent"], "TASK-2");
    // `task-7` is written the way the imported item spells its ID.
    assert_eq!(t21["depends_on"], json!(["TASK-7"]));
    assert_eq!(t21["subtasks"], json!([]));

    let t3 = by_id(&items, "task-3");
    assert_eq!(t3["reporter"], "@MrLesk");
    assert_eq!(t3["created"], "2025-06-09");
    assert_eq!(
        criteria(t3),
        [
            ("CRLF files load".to_owned(), true),
            ("Mixed endings load".to_owned(), false)
        ]
    );
    assert!(!env.read(t3["path"].as_str().unwrap()).contains('\r'));

    let t7 = by_id(&items, "TASK-7");
    assert_eq!(t7["owner"], "lee");
    assert_eq!(t7["assignees"], json!(["lee", "dana"]));
    assert_eq!(t7["references"], json!(["https://example.com/spec"]));
    assert_eq!(criteria(t7), [("Users can log in".to_owned(), true)]);
    assert!(
        t7["body"]
            .as_str()
            .unwrap()
            .ends_with("## Final Summary\n\nShipped in May.\n")
    );
    assert_eq!(by_id(&items, "DRAFT-1")["labels"], json!(["ui"]));

    // Files are named like `add` names them, and config.yml learned the new statuses.
    assert_eq!(t1["path"], "backlog/TASK-1-set-up-the-project.md");
    let config = env.read("backlog/config.yml");
    assert!(
        config.contains("statuses: [draft, ready, in-progress, to-do, done, archived]\n"),
        "{config}"
    );
    assert!(
        config.contains("done_statuses: [done, archived]\n"),
        "{config}"
    );

    // One commit with every file, and a clean status for them.
    assert_eq!(env.commit_count(), 2);
    let msg = env.git(&["log", "-1", "--format=%B"]).ok().stdout;
    assert!(
        msg.starts_with(
            "backlog: import TASK-1, TASK-2.1, TASK-2, DRAFT-1, task-3 and 2 more: \
             7 items from Backlog.md (7 new)\n"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("New statuses in config.yml: to-do, archived\n"),
        "{msg}"
    );
    assert!(msg.contains("Backlog-Op: import\n"), "{msg}");
    assert!(
        msg.contains("Backlog-Items: TASK-1, TASK-2.1, TASK-2, DRAFT-1, task-3, TASK-5, TASK-7\n"),
        "{msg}"
    );
    let files = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(files.lines().count(), 8, "{files}");
    assert!(files.contains("backlog/config.yml"));
    assert_eq!(env.status(), "?? old/\n");
    env.assert_fsck();
}

#[test]
fn test_import_backlog_md_again_changes_nothing_and_records_no_commit() {
    let env = env_with_backlog_md();
    env.run(&["import", "backlog-md", "old"]).ok();
    let head = env.git(&["rev-parse", "HEAD"]).ok().stdout;
    let run = env.run(&["import", "backlog-md", "old/backlog"]).ok();
    assert!(
        run.stderr.contains("0 new, 0 updated, 7 unchanged"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Nothing changed."), "{}", run.stderr);
    assert_eq!(env.git(&["rev-parse", "HEAD"]).ok().stdout, head);

    // A change in the source updates that one item, in place.
    let task = env.path("old/backlog/tasks/task-2 - Sign-in-with-SSO.md");
    let text = std::fs::read_to_string(&task).unwrap();
    std::fs::write(&task, text.replace("status: To Do", "status: In Progress")).unwrap();
    let run = env
        .run(&["import", "backlog-md", "old", "--format", "json"])
        .ok();
    let out = run.json();
    assert_eq!(out["schema"], 1);
    assert_eq!(out["created"], json!([]));
    assert_eq!(out["updated"][0]["id"], "TASK-2");
    assert_eq!(out["updated"][0]["status"], "in-progress");
    assert_eq!(out["unchanged"], 6);
    let diff = env.last_diff();
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changed,
        ["-status: to-do", "+status: in-progress"],
        "{diff}"
    );
}

#[test]
fn test_import_backlog_md_status_map_and_dry_run() {
    let env = env_with_backlog_md();
    let run = env
        .run(&[
            "import",
            "backlog-md",
            "old",
            "--status-map",
            "To Do=ready,archived=done",
            "--dry-run",
            "--format",
            "json",
        ])
        .ok();
    let out = run.json();
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["changed"], false);
    assert_eq!(out["new_statuses"], json!([]));
    assert_eq!(out["created"].as_array().unwrap().len(), 7);
    assert_eq!(out["created"][1]["status"], "ready");
    assert_eq!(
        out["skipped"][0]["path"],
        "old/backlog/tasks/task-4 - Broken-front-matter.md"
    );
    assert_eq!(env.commit_count(), 1);
    assert_eq!(env.status(), "?? old/\n");

    let run = env
        .run(&["import", "backlog-md", "old", "--status-map", "To Do=nope"])
        .code(2);
    assert!(
        run.stderr.contains("\"nope\" is not a configured status"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_check_on_imported_backlog_md_has_no_parse_error_or_missing_reference() {
    let env = env_with_backlog_md();
    env.run(&["import", "backlog-md", "old"]).ok();
    let run = env.run(&["check", "--format", "json"]);
    let findings = run.json()["findings"].as_array().unwrap().clone();
    let bad: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            matches!(
                f["rule"].as_str(),
                Some("parse-error" | "missing-reference" | "unknown-status" | "invalid-field")
            )
        })
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn test_import_github_issue_list_json() {
    let env = TestEnv::new();
    let file = fixture("github/issues.json");
    let run = env.run(&["import", "github", file.to_str().unwrap()]).ok();
    assert!(
        run.stderr.contains("Imported from GitHub: 3 new"),
        "{}",
        run.stderr
    );
    let items = exported(&env);
    let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Add a favicon", "Save the cart", "Big orders time out"]
    );
    let sources: Vec<&str> = items
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "https://github.com/acme/shop/issues/3",
            "https://github.com/acme/shop/issues/9",
            "https://github.com/acme/shop/issues/12"
        ]
    );
    for item in &items {
        let id = item["id"].as_str().unwrap();
        assert!(
            id.starts_with("B-") && id.len() == 6,
            "minted like add: {id}"
        );
    }
    let [favicon, cart, big] = items.as_slice() else {
        panic!()
    };
    assert_eq!(favicon["status"], "done");
    assert_eq!(favicon["sprint"], "Sprint 6");
    assert_eq!(favicon["owner"], "dana");
    assert_eq!(favicon["created"], "2025-01-05");
    assert_eq!(cart["status"], "draft");
    assert_eq!(cart["labels"], json!(["enhancement", "good first issue"]));
    assert_eq!(cart["assignees"], json!(["dana", "lee"]));
    assert_eq!(
        cart["story"],
        "As a shopper, I want to save my cart so that I can finish later."
    );
    assert_eq!(
        criteria(cart),
        [
            ("The cart survives a reload".to_owned(), true),
            ("The cart survives a sign-out".to_owned(), false)
        ]
    );
    assert!(
        cart["body"]
            .as_str()
            .unwrap()
            .ends_with("### Notes\n\nSee the design doc.\n")
    );
    assert_eq!(
        big["body"],
        "Orders over 100 items time out.\n\nSteps: open a big order.\n"
    );
    assert_eq!(env.commit_count(), 1);

    // Re-import: matched by URL, nothing changes; a closed issue updates its item.
    env.run(&["import", "github", file.to_str().unwrap()]).ok();
    assert_eq!(env.commit_count(), 1);
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "\"state\": \"OPEN\"",
        "\"state\": \"CLOSED\"",
        1,
    );
    env.write("closed.json", &text);
    let out = env
        .run(&["import", "github", "closed.json", "--format", "json"])
        .ok()
        .json();
    assert_eq!(out["updated"][0]["title"], "Big orders time out");
    assert_eq!(out["updated"][0]["status"], "done");
    assert_eq!(out["updated"][0]["id"], big["id"]);
    assert_eq!(env.commit_count(), 2);
}

#[test]
fn test_import_jira_csv_export() {
    let env = TestEnv::new();
    let file = fixture("jira/export.csv");
    let run = env.run(&["import", "csv", file.to_str().unwrap()]).ok();
    assert!(
        run.stderr
            .contains("warning: SHOP-3: estimate 21 is not on the scale (0, 1, 2, 3, 5, 8, 13, 20, 40, 100); kept as it is"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: SHOP-5: estimate 0.5 is not on the scale"),
        "{}",
        run.stderr
    );
    let items = exported(&env);
    assert_eq!(
        ids(&items),
        ["SHOP-1", "SHOP-2", "SHOP-3", "SHOP-4", "SHOP-5"]
    );

    let epic = by_id(&items, "SHOP-1");
    assert_eq!(epic["type"], "epic");
    assert_eq!(epic["status"], "to-do");
    assert_eq!(epic["priority"], "High");
    assert_eq!(epic["owner"], "Dana Scully");
    assert_eq!(epic["reporter"], "Lee Adama");
    assert_eq!(epic["created"], "2025-11-03");
    assert_eq!(epic["updated"], "2025-11-04");
    assert_eq!(epic["custom_field_team"], "Payments");
    assert_eq!(epic["issue_id"], 10000);

    let card = by_id(&items, "SHOP-2");
    assert_eq!(card["status"], "in-progress");
    assert_eq!(card["labels"], json!(["payments", "web"]));
    assert_eq!(card["sprint"], "SHOP Sprint 2");
    assert_eq!(card["estimate"], 5);
    assert_eq!(card["parent"], "SHOP-1");
    assert_eq!(
        card["story"],
        "As a shopper, I want to pay by card so that I get my order today."
    );
    assert_eq!(
        card["body"],
        "As a shopper, I want to pay by card so that I get my order today.\n\n\
         Cards: Visa, \"Master\"card.\nNo Amex yet.\n"
    );

    let receipts = by_id(&items, "SHOP-3");
    assert_eq!(receipts["depends_on"], json!(["SHOP-2"]));
    assert_eq!(receipts["estimate"], 21);
    let bug = by_id(&items, "SHOP-4");
    assert_eq!(bug["type"], "bug");
    assert_eq!(bug["status"], "done");
    assert_eq!(bug["estimate"], 2);
    assert_eq!(bug["labels"], json!(["checkout", "bug", "money"]));
    assert_eq!(bug["story"], "The total shows 9.99 as \"10,00\".");
    assert_eq!(bug["resolution"], "Done");
    let sub = by_id(&items, "SHOP-5");
    assert_eq!(sub["type"], "task");
    assert_eq!(sub["parent"], "SHOP-2");
    assert_eq!(sub["estimate"], 0.5);

    let msg = env.git(&["log", "-1", "--format=%B"]).ok().stdout;
    assert!(
        msg.contains("SHOP-3: estimate 21 is off the scale\n"),
        "{msg}"
    );
    // Identical re-import: no commit.
    env.run(&["import", "csv", file.to_str().unwrap()]).ok();
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_import_any_csv_with_map() {
    let env = TestEnv::new();
    env.write(
        "sheet.csv",
        "Ref,Name,Points,Tags,Done when\nR1,Export invoices,3,\"finance, pdf\",\"[x] PDF\n[ ] CSV\"\n",
    );
    let run = env
        .run(&[
            "import",
            "csv",
            "sheet.csv",
            "--map",
            "Ref=id",
            "--map",
            "Name=title",
            "--map",
            "Points=estimate",
            "--map",
            "Tags=labels",
            "--map",
            "Done when=acceptance_criteria",
        ])
        .ok();
    assert!(
        run.stdout.contains("new\tR1\tExport invoices"),
        "{}",
        run.stdout
    );
    let items = exported(&env);
    assert_eq!(items[0]["labels"], json!(["finance", "pdf"]));
    assert_eq!(items[0]["estimate"], 3);
    assert_eq!(
        criteria(&items[0]),
        [("PDF".to_owned(), true), ("CSV".to_owned(), false)]
    );
    let run = env
        .run(&["import", "csv", "sheet.csv", "--map", "Nope=title"])
        .code(2);
    assert!(
        run.stderr.contains("has no column \"Nope\""),
        "{}",
        run.stderr
    );
}

#[test]
fn test_export_csv_round_trips_every_field_through_import_csv() {
    let env = TestEnv::new();
    env.run(&[
        "add",
        "Sign in",
        "--estimate",
        "5",
        "--value",
        "8",
        "--label",
        "auth",
        "--label",
        "web",
        "--owner",
        "dana",
        "--story",
        "As a user, I want to sign in so that I see my orders.",
        "--ac",
        "Works",
        "--ac",
        "Fails nicely",
    ])
    .ok();
    let first = exported(&env)[0]["id"].as_str().unwrap().to_owned();
    env.run(&[
        "add",
        "Sign out",
        "--depends-on",
        &first,
        "--parent",
        &first,
        "--type",
        "task",
    ])
    .ok();
    let second = exported(&env)[1]["id"].as_str().unwrap().to_owned();
    let path = exported(&env)[1]["path"].as_str().unwrap().to_owned();
    let text = env.read(&path).replace(
        "created:",
        "priority: 2\nsprint: \"2026-S1\"\ncustom: {team: web, tags: [a, \"b, c\"]}\nflag: \"true\"\nnote: \"multi\\nline: yes\"\ncreated:",
    );
    env.write(&path, &format!("{text}\n## Acceptance criteria\n- [x] Done one\n- [ ] Open one\n\n## Notes\nKeep \"this\", too.\n"));
    env.commit_all("hand edits");

    let csv = env.run(&["export", "--format", "csv"]).ok().stdout;
    let before = exported(&env);

    let other = TestEnv::new();
    other.write("in.csv", &csv);
    other.run(&["import", "csv", "in.csv"]).ok();
    let after = exported(&other);
    assert_eq!(after.len(), 2);
    for (a, b) in before.iter().zip(&after) {
        let mut a = a.clone();
        let mut b = b.clone();
        // Only `source` (none) and `path` may differ; here neither does.
        for v in [&mut a, &mut b] {
            v.as_object_mut().unwrap().remove("path");
        }
        assert_eq!(a, b);
    }
    assert_eq!(after[1]["id"], second);
    assert_eq!(
        after[1]["custom"],
        json!({"team": "web", "tags": ["a", "b, c"]})
    );
    assert_eq!(after[1]["flag"], "true");
    assert_eq!(after[1]["priority"], 2);
    assert_eq!(other.run(&["export", "--format", "csv"]).ok().stdout, csv);
    // And importing the same export again changes nothing.
    other.run(&["import", "csv", "in.csv"]).ok();
    assert_eq!(other.commit_count(), 1);
}

#[test]
fn test_export_refuses_other_formats() {
    let env = TestEnv::new();
    let run = env.run(&["export", "--format", "mermaid"]).code(2);
    assert!(
        run.stderr.contains("use one of: json, csv"),
        "{}",
        run.stderr
    );
}

/// Writes `n` Backlog.md tasks under `old/backlog/tasks`.
fn many_tasks(env: &TestEnv, n: usize) {
    for i in 1..=n {
        env.write(
            &format!("old/backlog/tasks/task-{i} - Task-{i}.md"),
            &format!(
                "---\nid: TASK-{i}\ntitle: Task {i}\nstatus: In Progress\nassignee: []\n\
                 labels: []\ndependencies: []\nordinal: {i}\n---\n\n## Description\n\n\
                 <!-- SECTION:DESCRIPTION:BEGIN -->\nNumber {i}.\n<!-- SECTION:DESCRIPTION:END -->\n"
            ),
        );
    }
}

#[test]
fn test_import_of_many_files_is_one_packed_commit_that_git_accepts() {
    // Unborn HEAD, then a second import on top (300 paths each: the packed commit path).
    let env = TestEnv::new();
    many_tasks(&env, 300);
    env.run(&["import", "backlog-md", "old"]).ok();
    assert_eq!(env.commit_count(), 1);
    env.assert_fsck();
    let files = env.git(&["ls-files", "backlog"]).ok().stdout;
    assert_eq!(files.lines().count(), 300);
    // The index entries are fresh: nothing shows as changed.
    assert_eq!(env.status(), "?? old/\n");
    assert_eq!(env.git(&["diff", "--stat"]).ok().stdout, "");
    let packs = std::fs::read_dir(env.path(".git/objects/pack"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".pack")
        })
        .count();
    assert_eq!(packs, 1);

    for i in 1..=300 {
        let p = env.path(&format!("old/backlog/tasks/task-{i} - Task-{i}.md"));
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(p, text.replace("In Progress", "Done")).unwrap();
    }
    env.run(&["import", "backlog-md", "old"]).ok();
    assert_eq!(env.commit_count(), 2);
    env.assert_fsck();
    assert_eq!(env.status(), "?? old/\n");
    let reflog = env.git(&["reflog", "-2", "--format=%gs"]).ok().stdout;
    assert!(
        reflog.starts_with("commit: backlog: import TASK-1"),
        "{reflog}"
    );
    assert!(
        reflog.contains("commit (initial): backlog: import"),
        "{reflog}"
    );
    let shown = env
        .git(&["show", "HEAD:backlog/TASK-7-task-7.md"])
        .ok()
        .stdout;
    assert!(shown.contains("status: done\n"), "{shown}");
}
