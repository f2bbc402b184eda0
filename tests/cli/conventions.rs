//! Team conventions (issue 19): commit templates and sign-off, WIP limits, typed custom
//! fields.

use serde_json::Value;

use crate::harness::TestEnv;

/// The commitlint-style header rule many repositories enforce in a commit-msg hook.
const CONVENTIONAL: &str = r"^(build|chore|ci|docs|feat|fix|perf|refactor|revert|style|test)(\([a-z0-9-]+\))?!?: [^ ].{0,98}$";

fn env_with_config(config: &str) -> TestEnv {
    let env = TestEnv::new();
    env.write("backlog/config.yml", config);
    env.commit_all("Seed config");
    env
}

/// Subjects of every commit after the first, newest first.
fn subjects(env: &TestEnv) -> Vec<String> {
    env.git(&["log", "--format=%s"])
        .ok()
        .stdout
        .lines()
        .filter(|s| *s != "Seed config")
        .map(str::to_owned)
        .collect()
}

#[test]
fn test_commit_template_conventional_commits_and_sign_off() {
    let env = env_with_config(
        "commit:\n  template: \"chore(backlog): {op} {ids}: {summary}\"\n  sign_off: true\n",
    );
    let add = env
        .run(&["add", "Sign in with SSO", "--format", "json"])
        .ok()
        .json();
    let id = add["items"][0]["id"].as_str().unwrap().to_owned();
    env.run(&["set", &id, "status=ready", "estimate=3"]).ok();
    env.run(&["estimate", &id, "5"]).ok();
    env.run(&["add", "Export CSV"]).ok();
    let subjects = subjects(&env);
    assert_eq!(subjects.len(), 4, "{subjects:?}");
    assert_eq!(
        subjects[1],
        format!("chore(backlog): estimate {id}: 3 -> 5")
    );
    assert_eq!(
        subjects[3],
        format!("chore(backlog): add {id}: Sign in with SSO")
    );
    // What a commit-msg hook would run: every subject passes the conventional rule.
    let log = env.git(&["log", "--format=%s", "-n", "4"]).ok().stdout;
    let hook = std::process::Command::new("grep")
        .args(["-Evc", CONVENTIONAL])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(log.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&hook.stdout).trim(),
        "0",
        "subjects that fail the rule:\n{log}"
    );
    // git itself reads the trailers, the sign-off included.
    let message = env.git(&["log", "-1", "--format=%B", "HEAD~1"]).ok().stdout;
    let parsed = env
        .git_with_input(&["interpret-trailers", "--parse"], message.as_bytes())
        .ok()
        .stdout;
    assert_eq!(
        parsed,
        format!(
            "Backlog-Op: estimate\nBacklog-Items: {id}\n\
             Signed-off-by: Test Committer <committer@example.com>\n"
        ),
        "{message}"
    );
    // History still reads the operations and the changes.
    let log = env.run(&["log", &id, "--format", "json"]).ok().json();
    let ops: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["op"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(ops, ["estimate", "set", "add"]);
    assert_eq!(
        log["entries"][0]["changes"],
        serde_json::json!([{"kind": "estimate", "from": 3, "to": 5}])
    );
    let diff = env
        .run(&["diff", "HEAD~4..HEAD", "--format", "json"])
        .ok()
        .json();
    let items: Vec<&Value> = diff["items"].as_array().unwrap().iter().collect();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["change"] == "added"), "{diff}");
    assert_eq!(diff["totals"]["added"], 2);
}

#[test]
fn test_commit_template_errors_name_the_line() {
    let env = env_with_config("id_prefix: B\ncommit:\n  template: \"{type}: {summary}\"\n");
    let r = env.run(&["list"]).code(2);
    assert!(
        r.stderr.contains("backlog/config.yml:3:") && r.stderr.contains("{type}"),
        "{}",
        r.stderr
    );
    let env = env_with_config("commit:\n  template: \"chore: {op}\"\n");
    let r = env.run(&["add", "X"]).code(2);
    assert!(r.stderr.contains("{summary}"), "{}", r.stderr);
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_commit_short_form_still_switches_commits_off() {
    let env = env_with_config("commit: false\n");
    env.run(&["add", "Not committed"]).ok();
    assert_eq!(env.commit_count(), 1);
    assert!(env.status().contains("backlog/"));
}

/// The `config.yml` examples of the README's team-convention sections, each with its
/// first line `# backlog/config.yml: …`.
fn readme_configs() -> Vec<String> {
    let readme = include_str!("../../README.md");
    readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(yaml, _)| yaml))
        .filter(|yaml| yaml.starts_with("# backlog/config.yml: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn test_readme_convention_configs_pass_check() {
    let configs = readme_configs();
    assert!(!configs.is_empty());
    for config in configs {
        let env = TestEnv::new();
        env.write("backlog/config.yml", &config);
        env.item("B-1", "Sign in", "status: draft\n", "");
        let r = env.run(&["check"]);
        assert_eq!(r.code, 0, "{config}\n{}{}", r.stdout, r.stderr);
    }
}

/// Three items in progress against a limit of two, and one ready item.
fn wip_env(wip: &str) -> TestEnv {
    let env = env_with_config(&format!("wip:\n{wip}"));
    for (id, rank, status, owner) in [
        ("B-1", "a1", "in-progress", "dana"),
        ("B-2", "a2", "in-progress", "dana"),
        ("B-3", "a3", "in-progress", "lee"),
        ("B-4", "a4", "ready", "lee"),
    ] {
        env.item(
            id,
            &format!("Item {id}"),
            &format!("rank: {rank}\nstatus: {status}\nowner: {owner}\nestimate: 2\n"),
            "As a user, I want it so that it works.\n\n## Acceptance criteria\n- [ ] It works\n",
        );
    }
    env.commit_all("Items");
    env
}

#[test]
fn test_board_marks_a_column_over_its_wip_limit() {
    let env = wip_env("  in-progress: 2\n  ready: 3\n");
    let board = env.run(&["board"]).ok().stdout;
    insta::assert_snapshot!("board_wip_limit", board);
    assert!(board.contains("! IN-PROGRESS (3/2,"), "{board}");
    assert!(board.contains("READY (1/3, 2 pts)"), "{board}");
    let json = env.run(&["board", "--format", "json"]).ok().json();
    let col = &json["columns"][2];
    assert_eq!(
        (&col["status"], &col["wip_limit"], &col["over_limit"]),
        (
            &Value::from("in-progress"),
            &Value::from(2),
            &Value::from(true)
        )
    );
    assert_eq!(json["columns"][0]["wip_limit"], Value::Null);
}

#[test]
fn test_check_and_health_report_wip_breaches() {
    let env = wip_env("  in-progress: {limit: 2, per_owner: 1}\n");
    let r = env.run(&["check", "--format", "json"]).ok();
    let report = r.json();
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "wip-limit")
        .collect();
    assert_eq!(findings.len(), 2, "{}", r.stdout);
    // The status total on the lowest-ranked item, at its status line.
    assert_eq!(findings[0]["path"], "backlog/B-2-item.md");
    assert_eq!(findings[0]["line"], 5);
    assert_eq!(findings[0]["severity"], "warning");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("dana has 2 items in in-progress, over the per-owner WIP limit of 1"),
        "{findings:?}"
    );
    assert_eq!(findings[1]["path"], "backlog/B-3-item.md");
    env.run(&["check", "--strict"]).code(1);
    let health = env.run(&["health", "--format", "json"]).ok().json();
    assert_eq!(health["wip_breaches"].as_array().unwrap().len(), 2);
    let text = env.run(&["health"]).ok().stdout;
    assert!(text.contains("WIP          2 limits exceeded"), "{text}");
}

#[test]
fn test_set_warns_or_refuses_over_a_wip_limit() {
    let env = wip_env("  in-progress: 3\n");
    let r = env
        .run(&["set", "B-4", "status=in-progress", "--strict-wip"])
        .code(2);
    assert!(
        r.stderr
            .contains("in-progress holds 4 items, over its WIP limit of 3"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), 2);
    assert!(env.read("backlog/B-4-item.md").contains("status: ready"));
    // Without --strict-wip: done, with a warning.
    let r = env.run(&["set", "B-4", "status=in-progress"]).ok();
    assert!(r.stderr.contains("over its WIP limit of 3"), "{}", r.stderr);
    assert_eq!(env.commit_count(), 3);
    // Moving out, or editing an item already in progress, says nothing.
    let r = env.run(&["set", "B-1", "estimate=3"]).ok();
    assert!(!r.stderr.contains("WIP"), "{}", r.stderr);
    // A strict limit in the config refuses without the flag.
    let env = wip_env("  in-progress: {limit: 3, strict: true}\n");
    env.run(&["set", "B-4", "status=in-progress"]).code(2);
    env.run(&["set", "B-4", "status=done"]).ok();
}

const FIELDS: &str = "\
statuses: [draft, ready, in-progress, done]
fields:
  team: {type: enum, values: [web, mobile, platform], required_for: [ready]}
  severity: {type: number}
  regulated: {type: bool, default: false}
";

#[test]
fn test_custom_fields_set_add_and_check() {
    let env = env_with_config(FIELDS);
    // An enum value off the list is refused with a suggestion; nothing is written.
    let add = env
        .run(&["add", "Push notifications", "--field", "team=mobil"])
        .code(2);
    assert!(
        add.stderr.contains("did you mean \"mobile\"?"),
        "{}",
        add.stderr
    );
    assert_eq!(env.commit_count(), 1);
    let add = env
        .run(&[
            "add",
            "Push notifications",
            "--field",
            "team=mobile",
            "--field",
            "severity=2",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let id = add["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(add["items"][0]["team"], "mobile");
    assert_eq!(
        add["items"][0]["regulated"], false,
        "the default is written"
    );
    let path = add["items"][0]["path"].as_str().unwrap().to_owned();
    let text = env.read(&path);
    assert!(
        text.contains("team: mobile\n") && text.contains("severity: 2\n"),
        "{text}"
    );
    let r = env.run(&["set", &id, "team=plat"]).code(2);
    assert!(
        r.stderr.contains("did you mean \"platform\"?"),
        "{}",
        r.stderr
    );
    let r = env.run(&["set", &id, "severity=high"]).code(2);
    assert!(r.stderr.contains("not a number"), "{}", r.stderr);
    let r = env.run(&["add", "X", "--field", "colour=red"]).code(2);
    assert!(
        r.stderr.contains("team, severity, regulated"),
        "{}",
        r.stderr
    );
    // A declared field is not an "unknown key".
    let r = env.run(&["set", &id, "team=web"]).ok();
    assert!(!r.stderr.contains("unknown key"), "{}", r.stderr);
    // check: a wrong type at the key's line, a missing required field at the status line.
    env.item(
        "B-1",
        "Ready without a team",
        "status: ready\nestimate: 3\nseverity: high\n",
        "As a user, I want it so that it works.\n\n## Acceptance criteria\n- [ ] It works\n",
    );
    let report = env.run(&["check", "--format", "json"]).code(1).json();
    let of = |rule: &str| -> Vec<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule && f["item"] == "B-1")
            .cloned()
            .collect()
    };
    let required = of("required-field");
    assert_eq!(required.len(), 1, "{report}");
    assert_eq!(required[0]["line"], 4, "the status line");
    assert_eq!(required[0]["path"], "backlog/B-1-item.md");
    assert!(
        required[0]["message"]
            .as_str()
            .unwrap()
            .contains("`team` is required")
    );
    let invalid = of("invalid-field");
    assert_eq!(invalid.len(), 1, "{report}");
    assert_eq!(invalid[0]["line"], 6);
    assert!(
        invalid[0]["message"]
            .as_str()
            .unwrap()
            .contains("`severity` must be a number, found \"high\""),
        "{invalid:?}"
    );
    // An undeclared unknown key behaves as before: kept, no finding.
    env.item("B-2", "Kept", "customer: ACME\n", "");
    let report = env.run(&["check", "--format", "json"]).json();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["item"] == "B-2"),
        "{report}"
    );
}

#[test]
fn test_where_on_custom_and_known_keys_and_group_by_a_field() {
    let env = env_with_config(FIELDS);
    for (id, status, team, owner) in [
        ("B-1", "draft", "web", "dana"),
        ("B-2", "ready", "mobile", "dana"),
        ("B-3", "ready", "web", "lee"),
        ("B-4", "in-progress", "platform", "lee"),
    ] {
        env.item(
            id,
            &format!("Item {id}"),
            &format!("rank: a{id}\nstatus: {status}\nteam: {team}\nowner: {owner}\nestimate: 2\n"),
            "",
        );
    }
    env.item("B-5", "No team", "rank: aB-5\n", "");
    env.commit_all("Items");
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        env.run(&all).ok().json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&["--where", "team=web"]), ["B-1", "B-3"]);
    assert_eq!(
        ids(&["--where", "team=web", "--where", "owner=lee"]),
        ["B-3"]
    );
    assert_eq!(ids(&["--where", "status=ready"]), ["B-2", "B-3"]);
    assert_eq!(ids(&["--where", "team="]), ["B-5"]);
    // JSON carries the custom fields.
    let list = env
        .run(&["list", "--format", "json", "--where", "team=platform"])
        .ok()
        .json();
    assert_eq!(list["items"][0]["team"], "platform");
    // board, matrix and plan take --where too.
    let board = env
        .run(&["board", "--format", "json", "--where", "team=web"])
        .ok()
        .json();
    let cards: usize = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cards"].as_array().unwrap().len())
        .sum();
    assert_eq!(cards, 2);
    env.run(&["matrix", "--where", "team=web"]).ok();
    let plan = env
        .run(&[
            "plan",
            "--capacity",
            "10",
            "--format",
            "json",
            "--where",
            "team=mobile",
        ])
        .ok()
        .stdout;
    assert!(plan.contains("B-2") && !plan.contains("B-3"), "{plan}");
    // Group by a custom enum: in the order of its values, items without one last.
    let groups = env
        .run(&["list", "--group-by", "team", "--format", "json"])
        .ok()
        .json();
    let values: Vec<&Value> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["value"])
        .collect();
    assert_eq!(
        values,
        [
            &Value::from("web"),
            &Value::from("mobile"),
            &Value::from("platform"),
            &Value::Null
        ]
    );
    let r = env.run(&["list", "--group-by", "colour"]).code(2);
    assert!(
        r.stderr.contains("team, severity, regulated"),
        "{}",
        r.stderr
    );
}
