//! `backlog check`: every rule on a fixture with exact lines, the demo backlog, output
//! formats (GitHub annotations cannot be injected), `--changed-since`, exit codes and
//! hostile input.

use std::collections::BTreeSet;

use crate::harness::TestEnv;

const STORY: &str = "As a user, I want x so that y.\n\n## Acceptance criteria\n- [ ] ok\n";

/// `(path, line, severity, rule, item)` of every finding, from JSON output.
fn findings(json: &serde_json::Value) -> Vec<(String, u64, String, String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["item"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn ready(rank: &str, more: &str) -> String {
    format!("type: story\nstatus: ready\nrank: {rank}\n{more}")
}

/// A backlog where every rule fires once (rank-collision twice, duplicate-id twice).
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "backlog/config.yml",
        "rules:\n  required_fields: {fields: [owner]}\n",
    );
    env.item(
        "B-GOOD",
        "Good",
        &ready("a0", "estimate: 3\nowner: dana\n"),
        STORY,
    );
    env.item(
        "B-NOEST",
        "No estimate",
        &ready("a1", "owner: dana\n"),
        STORY,
    );
    env.item(
        "B-OFF",
        "Off scale",
        &ready("a2", "estimate: 7\nowner: dana\n"),
        STORY,
    );
    env.item(
        "B-BIG",
        "Too big",
        &ready("a3", "estimate: 13\nowner: dana\n"),
        STORY,
    );
    env.item(
        "B-NOAC",
        "No criteria",
        &ready("a4", "estimate: 3\nowner: dana\n"),
        "As a user, I want x so that y.\n",
    );
    env.item(
        "B-EMPTYAC",
        "Empty criteria",
        &ready("a5", "estimate: 3\nowner: dana\n"),
        "As a user, I want x so that y.\n\n## Acceptance criteria\nTBD\n",
    );
    env.item(
        "B-FORM",
        "Not a story",
        &ready("a6", "estimate: 3\nowner: dana\n"),
        "\nMake it dark.\n\n## Acceptance criteria\n- [ ] ok\n",
    );
    env.item(
        "B-DEP",
        "Depends on later",
        &ready(
            "a7",
            "estimate: 3\nowner: dana\ndepends_on: [B-LATE, B-GOOD]\n",
        ),
        STORY,
    );
    env.item("B-LATE", "Later", "status: draft\nrank: b00\n", "");
    env.item("B-REQ", "No owner", &ready("a8", "estimate: 3\n"), STORY);
    env.item(
        "B-TYPE",
        "Wrong types",
        "type: saga\nstatus: doing\nrank: a9\nestimate: five\n",
        "",
    );
    env.write(
        "backlog/B-BAD-item.md",
        "---\nid: B-BAD\ntitle: [unclosed\n---\n",
    );
    env.write("backlog/B-DUP-one.md", "---\nid: B-DUP\ntitle: One\n---\n");
    env.write(
        "backlog/sub/B-DUP-two.md",
        "---\nid: b-dup\ntitle: Two\n---\n",
    );
    env.item("B-ORPHAN", "Orphan", "parent: B-NOPE\n", "");
    env.item("B-CYA", "Cycle A", "depends_on: [B-CYB]\nrank: aC\n", "");
    env.item("B-CYB", "Cycle B", "rank: aD\ndepends_on:\n  - B-CYA\n", "");
    env.item("B-RC1", "Same rank 1", "rank: aE\n", "");
    env.item("B-RC2", "Same rank 2", "rank: aE\n", "");
    env.item("B-INVR", "Bad rank", "rank: \"!!\"\n", "");
    env.item("B-LONG", "Long rank", "rank: a0VVVVVVVVVVVVVVV1\n", "");
    env
}

fn row(
    path: &str,
    line: u64,
    sev: &str,
    rule: &str,
    item: &str,
) -> (String, u64, String, String, String) {
    (
        path.to_owned(),
        line,
        sev.to_owned(),
        rule.to_owned(),
        item.to_owned(),
    )
}

#[test]
fn test_check_every_rule_fires_with_exact_lines() {
    let env = fixture();
    let run = env.run(&["check", "--format", "json"]).code(1);
    let json = run.json();
    assert_eq!(json["schema"], 1);
    let p = |id: &str| format!("backlog/{id}-item.md");
    let mut expected = vec![
        row(&p("B-NOEST"), 1, "error", "estimate-missing", "B-NOEST"),
        row(&p("B-OFF"), 7, "error", "estimate-off-scale", "B-OFF"),
        row(&p("B-BIG"), 7, "error", "too-big", "B-BIG"),
        row(
            &p("B-NOAC"),
            10,
            "error",
            "no-acceptance-criteria",
            "B-NOAC",
        ),
        row(
            &p("B-EMPTYAC"),
            12,
            "error",
            "no-acceptance-criteria",
            "B-EMPTYAC",
        ),
        row(&p("B-FORM"), 11, "error", "story-form", "B-FORM"),
        row(&p("B-DEP"), 9, "error", "dependency-not-ready", "B-DEP"),
        row(&p("B-REQ"), 1, "error", "required-field", "B-REQ"),
        row(&p("B-TYPE"), 4, "error", "unknown-type", "B-TYPE"),
        row(&p("B-TYPE"), 5, "error", "unknown-status", "B-TYPE"),
        row(&p("B-TYPE"), 7, "error", "invalid-field", "B-TYPE"),
        row(&p("B-BAD"), 4, "error", "parse-error", ""),
        row("backlog/B-DUP-one.md", 2, "error", "duplicate-id", "B-DUP"),
        row(
            "backlog/sub/B-DUP-two.md",
            2,
            "error",
            "duplicate-id",
            "b-dup",
        ),
        row(&p("B-ORPHAN"), 4, "error", "missing-reference", "B-ORPHAN"),
        row(&p("B-CYA"), 4, "error", "dependency-cycle", "B-CYA"),
        row(&p("B-RC1"), 4, "warning", "rank-collision", "B-RC1"),
        row(&p("B-RC2"), 4, "warning", "rank-collision", "B-RC2"),
        row(&p("B-INVR"), 4, "error", "invalid-rank", "B-INVR"),
        row(&p("B-LONG"), 4, "warning", "long-rank", "B-LONG"),
    ];
    expected.sort();
    let mut got = findings(&json);
    got.sort();
    assert_eq!(got, expected);

    let by_rule = |rule: &str| -> String {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert!(
        by_rule("parse-error").contains("column"),
        "{}",
        by_rule("parse-error")
    );
    assert!(by_rule("too-big").contains("backlog split B-BIG"));
    assert!(by_rule("estimate-missing").contains("backlog estimate B-NOEST"));
    assert!(by_rule("dependency-not-ready").contains("B-LATE (draft), which is ranked below it"));
    assert!(by_rule("dependency-cycle").contains("B-CYA -> B-CYB -> B-CYA"));
    assert!(by_rule("duplicate-id").contains("also used by backlog/sub/B-DUP-two.md"));
    assert!(by_rule("long-rank").contains("backlog rank --rebalance"));
    assert!(by_rule("required-field").contains("`owner` is required"));
    let summary = &json["summary"];
    assert_eq!(summary["errors"], 17);
    assert_eq!(summary["warnings"], 3);
    assert_eq!(summary["items_checked"], 21);
    assert_eq!(summary["passed"], false);
}

#[test]
fn test_check_text_output_grouped_with_summary() {
    let env = fixture();
    let out = env.run(&["check"]).code(1).stdout;
    assert!(
        out.contains(
            "backlog/B-BIG-item.md:7: error[too-big]: estimate 13 is over the maximum of 8 for a \
         ready item: split it into smaller items with `backlog split B-BIG --into TITLE…`\n\n"
        ),
        "{out}"
    );
    assert!(out.contains(
        "backlog/B-TYPE-item.md:4: error[unknown-type]: unknown type \"saga\": use one of story, \
         bug, task, spike, epic, chore (or add it to `types` in config.yml)\n\
         backlog/B-TYPE-item.md:5: error[unknown-status]:"
    ), "{out}");
    assert!(out.ends_with(
        "checked 21 items (9 against the definition of ready): 17 errors, 3 warnings in 18 files\n"
    ), "{out}");
}

#[test]
fn test_check_clean_backlog_is_silent() {
    let env = TestEnv::new();
    env.item(
        "B-A",
        "Done first",
        "status: done\nrank: a0\ntype: story\n",
        "Notes only.\n",
    );
    env.item(
        "B-B",
        "Ready story",
        &ready(
            "a1",
            "estimate: 8\ndepends_on: [B-A, B-C]\nparent: B-E\nlabels: [x]\n",
        ),
        "As an admin, I want a thing so that it helps.\n\n### acceptance criteria:\n- [x] one\n",
    );
    env.item(
        "B-C",
        "Ranked above",
        "status: in-progress\nrank: a0V\n",
        "",
    );
    env.item(
        "B-D",
        "Bug",
        "type: bug\nstatus: ready\nrank: a2\nestimate: 0\n",
        "Crash.\n\n## Acceptance criteria\n- [ ] fixed\n",
    );
    env.item("B-E", "Epic", "type: epic\nstatus: split\nrank: a3\n", "");
    env.item("B-F", "Unranked draft", "created: 2026-11-01\n", "");
    env.item(
        "B-G",
        "Merged",
        "status: duplicate\nduplicate_of: B-B\n",
        "",
    );
    env.write("backlog/README.md", "not an item\n");
    let out = env.run(&["check"]).ok().stdout;
    assert_eq!(
        out,
        "checked 7 items (2 against the definition of ready): no findings\n"
    );
    let json = env
        .run(&["check", "--format", "json", "--strict"])
        .ok()
        .json();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["passed"], true);
    let gh = env.run(&["check", "--format", "github"]).ok().stdout;
    assert!(!gh.contains("::"), "{gh}");
}

#[test]
fn test_check_demo_reports_the_four_unready_items_and_the_done_gate() {
    let env = TestEnv::new();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo/backlog");
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), env.path("backlog").join(entry.file_name())).unwrap();
    }
    let json = env.run(&["check", "--format", "json"]).code(1).json();
    let got: BTreeSet<(String, String, u64)> = findings(&json)
        .into_iter()
        .map(|(_, line, _, rule, item)| (item, rule, line))
        .collect();
    let expected: BTreeSet<(String, String, u64)> = [
        ("B-4HQS", "no-acceptance-criteria", 13),
        ("B-F8TJ", "too-big", 7),
        ("B-SZ3K", "story-form", 13),
        ("B-XN62", "estimate-missing", 1),
        ("B-T2WD", "done-incomplete", 20),
    ]
    .into_iter()
    .map(|(i, r, l)| (i.to_owned(), r.to_owned(), l))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(json["summary"]["items_checked"], 35);
    assert_eq!(json["summary"]["warnings"], 1);
    let gate = findings(&json)
        .into_iter()
        .find(|f| f.3 == "done-incomplete")
        .unwrap();
    assert_eq!(gate.2, "warning");
}

#[test]
fn test_check_github_output_cannot_be_injected() {
    let env = TestEnv::new();
    env.write(
        "backlog/B-EVIL-item.md",
        "---\nid: B-EVIL\ntitle: \"Evil\\n::error file=x::injected\"\nstatus: ready\n\
         rank: a0\ndepends_on: [\"B-1\\r\\n::warning file=y::dep\"]\n---\n\
         As a user, I want 100% so that y.\n\n## Acceptance criteria\n- [ ] ok\n",
    );
    let out = env.run(&["check", "--format", "github"]).code(1).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=backlog/B-EVIL-item.md,line=1,title=B-EVIL Evil%0A%3A%3Aerror \
             file=x%3A%3Ainjected::[estimate-missing] B-EVIL has no estimate: estimate it with \
             `backlog estimate B-EVIL POINTS` (scale: 0, 1, 2, 3, 5, 8, 13, 20, 40, 100)",
            "::error file=backlog/B-EVIL-item.md,line=6,title=B-EVIL Evil%0A%3A%3Aerror \
             file=x%3A%3Ainjected::[missing-reference] `depends_on` names \
             B-1%0D%0A::warning file=y::dep, but no item has that ID: fix the ID or remove it",
            "checked 1 item (1 against the definition of ready): 2 errors, 0 warnings in 1 file",
        ]
    );
    // No line other than our own annotations starts a workflow command.
    assert_eq!(lines.iter().filter(|l| l.starts_with("::")).count(), 2);
    assert!(!out.contains('\r'));
}

#[test]
fn test_check_changed_since_limits_findings_to_changed_items() {
    let env = TestEnv::new();
    env.item("B-MOVE", "Moved later", "status: draft\nrank: a0\n", "");
    env.item("B-DEL", "Deleted later", "status: draft\nrank: a1\n", "");
    env.item(
        "B-REF",
        "Refers to B-DEL",
        "rank: a2\ndepends_on: [B-DEL]\nparent: B-DEL\n",
        "",
    );
    env.item(
        "B-OLD",
        "Old, not ready",
        &ready("a5", "depends_on: [B-MOVE]\n"),
        STORY,
    );
    env.item("B-KEEP", "Unchanged", "status: draft\nrank: a9\n", "");
    env.item("B-MOD", "Modified later", "status: draft\nrank: b00\n", "");
    env.commit_all("base");
    env.git(&["tag", "base"]).ok();
    // Staged: a new ready item whose dependency exists only in the unchanged part of the
    // backlog and is ranked below it. Untracked: a new item. Unstaged: a modified item, a
    // moved item (now below B-OLD, which depends on it) and a deleted one.
    env.item(
        "B-NEW",
        "New",
        &ready("a6", "estimate: 3\ndepends_on: [B-KEEP, B-GONE]\n"),
        STORY,
    );
    env.git(&["add", "backlog/B-NEW-item.md"]).ok();
    env.item("B-UNTR", "Untracked", "status: draft\nrank: \"!!\"\n", "");
    env.item("B-MOD", "Modified later", "status: bogus\nrank: b00\n", "");
    env.item("B-MOVE", "Moved later", "status: draft\nrank: b01\n", "");
    std::fs::remove_file(env.path("backlog/B-DEL-item.md")).unwrap();
    let json = env
        .run(&["check", "--changed-since", "base", "--format", "json"])
        .code(1)
        .json();
    let mut got: Vec<(String, u64, String)> = findings(&json)
        .into_iter()
        .map(|(_, line, _, rule, item)| (item, line, rule))
        .collect();
    got.sort();
    let rows = |v: &[(&str, u64, &str)]| -> Vec<(String, u64, String)> {
        v.iter()
            .map(|(a, l, b)| ((*a).to_owned(), *l, (*b).to_owned()))
            .collect()
    };
    assert_eq!(
        got,
        rows(&[
            ("B-MOD", 4, "unknown-status"),
            ("B-NEW", 8, "dependency-not-ready"),
            ("B-NEW", 8, "missing-reference"),
            // Unchanged items: only what the change did to their references; B-OLD's own
            // missing estimate is not reported.
            ("B-OLD", 7, "dependency-not-ready"),
            ("B-REF", 5, "missing-reference"),
            ("B-REF", 6, "missing-reference"),
            ("B-UNTR", 5, "invalid-rank"),
        ])
    );
    assert_eq!(json["summary"]["items_checked"], 4);
    assert_eq!(json["summary"]["dependents_checked"], 2);
    assert_eq!(json["summary"]["changed_since"], "base");
    // Without the option, B-OLD's own problem is reported too.
    let all = env.run(&["check", "--format", "json"]).code(1).json();
    assert!(
        findings(&all)
            .iter()
            .any(|f| f.4 == "B-OLD" && f.3 == "estimate-missing")
    );
    // Nothing changed since HEAD after committing: clean.
    env.commit_all("more");
    let out = env.run(&["check", "--changed-since", "HEAD"]).ok().stdout;
    assert_eq!(
        out,
        "checked 0 items changed since HEAD (0 against the definition of ready): no findings\n"
    );
    // A changed config changes the rules for everything: everything is checked.
    env.write(
        "backlog/config.yml",
        "rules:\n  story_form: {enabled: false}\n",
    );
    let json = env
        .run(&["check", "--changed-since", "HEAD", "--format", "json"])
        .code(1)
        .json();
    assert!(
        findings(&json)
            .iter()
            .any(|f| f.4 == "B-OLD" && f.3 == "estimate-missing")
    );
    // A revision that does not exist is a usage error.
    let err = env
        .run(&["check", "--changed-since", "nope"])
        .code(2)
        .stderr;
    assert!(err.contains("unknown revision \"nope\""), "{err}");
}

#[test]
fn test_check_exit_codes() {
    let env = TestEnv::new();
    env.item("B-A", "One", "rank: a0\n", "");
    env.item("B-B", "Two", "rank: a0\n", "");
    let out = env.run(&["check"]).ok().stdout;
    assert!(out.contains("warning[rank-collision]"), "{out}");
    assert!(
        out.contains("(warnings do not fail the check; --strict makes them)"),
        "{out}"
    );
    env.run(&["check", "--strict"]).code(1);
    let err = env.run(&["check", "--format", "markdown"]).code(2).stderr;
    assert!(
        err.contains("`check` does not support --format markdown"),
        "{err}"
    );
    // Before the first commit, --changed-since HEAD (a pre-commit hook) sees every file.
    let fresh = TestEnv::new();
    fresh.item("B-A", "One", "status: bogus\n", "");
    let out = fresh
        .run(&["check", "--changed-since", "HEAD"])
        .code(1)
        .stdout;
    assert!(out.contains("error[unknown-status]"), "{out}");
    let bare = TestEnv::bare_dir();
    std::fs::create_dir_all(bare.path("backlog")).unwrap();
    let err = bare
        .run(&["check", "--changed-since", "HEAD"])
        .code(2)
        .stderr;
    assert!(
        err.contains("needs the backlog to be in a git repository"),
        "{err}"
    );
    bare.run(&["check"]).ok();
    let err = env.run(&["check", "--dir", "missing"]).code(2).stderr;
    assert!(err.contains("no backlog folder"), "{err}");
    env.write("backlog/config.yml", "rules:\n  too_big: {max: 3}\n");
    let err = env.run(&["check"]).code(2).stderr;
    assert!(err.contains("config.yml:2:"), "{err}");
}

#[test]
fn test_check_hostile_input_is_bounded() {
    let env = TestEnv::new();
    // Billion laughs, padded with a million events to raise serde_yaml_ng's own limit.
    let mut bomb = String::from(
        "---\nid: B-BOMB\ntitle: bomb\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    let mut prev = 'a';
    for n in "bcdefghi".chars() {
        bomb.push_str(&format!(
            "{n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = n;
    }
    bomb.push_str(&format!("pad: [{}]\n---\n", vec!["0"; 1_000_000].join(",")));
    env.write("backlog/B-BOMB-item.md", &bomb);
    // 50 MB: refused by its size, never read.
    env.write(
        "backlog/B-HUGE-item.md",
        "---\nid: B-HUGE\ntitle: huge\n---\n",
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(env.path("backlog/B-HUGE-item.md"))
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    // 10,000-deep nesting in front matter, and in the body of a ready item.
    let deep = format!(
        "---\nid: B-DEEP\ntitle: deep\nx: {}{}\n---\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    env.write("backlog/B-DEEP-item.md", &deep);
    env.item(
        "B-DEEPBODY",
        "deep body",
        &ready("a1", "estimate: 3\n"),
        &format!("{}\n{}", ">".repeat(10_000), "- ".repeat(10_000)),
    );
    // Binary, non-UTF-8, and a symlink to an item outside the folder.
    std::fs::write(
        env.path("backlog/B-BIN-item.md"),
        b"---\nid: B-BIN\ntitle: x\x00\n---\n",
    )
    .unwrap();
    std::fs::write(
        env.path("backlog/B-LATIN-item.md"),
        b"---\nid: B-LATIN\ntitle: caf\xe9\n---\n",
    )
    .unwrap();
    env.write("outside.md", "---\nid: B-OUT\ntitle: outside\n---\n");
    std::os::unix::fs::symlink(env.path("outside.md"), env.path("backlog/B-LINK-item.md")).unwrap();
    // Ordinary items are still checked.
    env.item("B-STILL", "Still checked", &ready("a0", ""), STORY);

    // D1: one anchored 100 KB string aliased 20,000 times (2 GB expanded).
    env.write(
        "backlog/B-AMP-item.md",
        &format!(
            "---\nid: B-AMP\ntitle: amp\nx-pad: &x \"{}\"\nlabels: [{}]\n---\nbody\n",
            "A".repeat(100_000),
            vec!["*x"; 20_000].join(", ")
        ),
    );
    // D5: 20,000 acceptance criteria (once quadratic); their lines are still right.
    env.item(
        "B-ACS",
        "many criteria",
        &ready("a2", "estimate: 3\n"),
        &format!("{STORY}{}", "- [ ] c\n".repeat(20_000)),
    );

    // Time and memory are bounded by construction (the YAML budget charges expanded
    // bytes, lines are counted once); scripts/hostile-bench.sh measures them. No timing
    // here: a loaded machine must not fail the suite.
    let run = env.run(&["check", "--format", "json"]).code(1);
    let got: BTreeSet<(String, u64, String)> = findings(&run.json())
        .into_iter()
        .map(|(path, line, _, rule, _)| (path, line, rule))
        .collect();
    let p = |id: &str| format!("backlog/{id}-item.md");
    let expected: BTreeSet<(String, u64, String)> = [
        (p("B-BOMB"), 2, "parse-error"),
        (p("B-AMP"), 2, "parse-error"),
        (p("B-HUGE"), 1, "file-too-large"),
        (p("B-DEEP"), 4, "parse-error"),
        (p("B-DEEPBODY"), 9, "no-acceptance-criteria"),
        (p("B-DEEPBODY"), 9, "story-form"),
        (p("B-BIN"), 3, "binary-file"),
        (p("B-LATIN"), 3, "not-utf8"),
        (p("B-LINK"), 1, "symlink-outside"),
        (p("B-STILL"), 1, "estimate-missing"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a, b, c.to_owned()))
    .collect();
    assert_eq!(got, expected);
    let json = run.json();
    let message = |rule: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        message("parse-error").contains("alias bomb"),
        "{}",
        message("parse-error")
    );
    assert!(message("parse-error").contains("recursion limit exceeded"));
    assert!(message("file-too-large").contains("52428800 bytes"));
}

#[test]
fn test_check_changed_since_on_a_branch_behind_its_base_uses_the_merge_base() {
    let env = TestEnv::new();
    env.item("B-MINE", "Mine", "status: draft\nrank: a0\n", "");
    // An old problem on the base that main fixes later: not the branch's business.
    env.item("B-THEIRS", "Theirs", "status: wrong\nrank: a1\n", "");
    env.item("B-OTHER", "Other", "status: draft\nrank: a2\n", "");
    env.commit_all("base");
    env.git(&["checkout", "-q", "-b", "feature"]).ok();
    // The branch breaks its one item.
    env.item("B-MINE", "Mine", "status: bogus\nrank: a0\n", "");
    env.commit_all("feature: B-MINE");
    // Meanwhile main moves on: it fixes one item, changes another and adds a third.
    env.git(&["checkout", "-q", "main"]).ok();
    env.item("B-THEIRS", "Theirs", "status: draft\nrank: a1\n", "");
    env.item("B-OTHER", "Other", "status: draft\nrank: a3\n", "");
    env.item("B-ADDED", "Added on main", "status: draft\nrank: a4\n", "");
    env.commit_all("main moves on");
    env.git(&["checkout", "-q", "feature"]).ok();
    // What git says the branch changed.
    let git_says = env
        .git(&["diff", "--name-only", "main...HEAD", "--", "backlog/"])
        .ok()
        .stdout;
    assert_eq!(git_says, "backlog/B-MINE-item.md\n");
    let json = env
        .run(&["check", "--changed-since", "main", "--format", "json"])
        .code(1)
        .json();
    let got: Vec<(String, String)> = findings(&json)
        .into_iter()
        .map(|(path, _, _, rule, _)| (path, rule))
        .collect();
    assert_eq!(
        got,
        vec![(
            "backlog/B-MINE-item.md".to_owned(),
            "unknown-status".to_owned()
        )]
    );
    assert_eq!(json["summary"]["items_checked"], 1);
    let base = env.git(&["merge-base", "main", "HEAD"]).ok().stdout;
    assert_eq!(json["summary"]["merge_base"], base.trim());
    let text = env
        .run(&["check", "--changed-since", "main"])
        .code(1)
        .stdout;
    assert!(
        text.contains(&format!(
            "checked 1 item changed since main (merge base {})",
            &base.trim()[..10]
        )),
        "{text}"
    );
    // Uncommitted work on top of the branch counts too.
    env.item("B-NEW", "New here", "status: odd\nrank: a5\n", "");
    let json = env
        .run(&["check", "--changed-since", "main", "--format", "json"])
        .code(1)
        .json();
    let mut paths: Vec<String> = findings(&json).into_iter().map(|f| f.0).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec!["backlog/B-MINE-item.md", "backlog/B-NEW-item.md"]
    );
    // `diff main` (since main) compares from the same merge base.
    let diff = env.run(&["diff", "main", "--format", "json"]).ok().json();
    let mut ids: Vec<&str> = diff["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["B-MINE", "B-NEW"]);
    // Unrelated histories have no merge base: a clear usage error.
    env.git(&["checkout", "-q", "--orphan", "lonely"]).ok();
    env.commit_all("unrelated root");
    let err = env
        .run(&["check", "--changed-since", "main"])
        .code(2)
        .stderr;
    assert!(err.contains("no common ancestor"), "{err}");
}
