//! `forecast` and `burnup` on constructed sprint histories (two-week sprints from Monday
//! 2026-01-05: 2026-S1 is 01-05..01-18, S2 01-19..02-01, S3 02-02..02-15, S4
//! 02-16..03-01, S5 03-02..03-15, S6 03-16..03-29, S7 03-30..04-12).

use std::process::Command;

use crate::harness::TestEnv;

const TODAY: [(&str, &str); 1] = [("BACKLOG_TODAY", "2026-03-02")];

fn config(env: &TestEnv) {
    env.write("backlog/config.yml", "sprints:\n  start: 2026-01-05\n");
}

fn done(env: &TestEnv, id: &str, sprint: &str, points: u32) {
    env.item(
        id,
        &format!("Done {id}"),
        &format!("status: done\nrank: a0\nsprint: {sprint}\nestimate: {points}\n"),
        "",
    );
}

fn open(env: &TestEnv, id: &str, rank: &str, extra: &str) {
    env.item(
        id,
        &format!("Open {id}"),
        &format!("status: ready\nrank: {rank}\n{extra}"),
        "",
    );
}

/// `git commit -a` with a chosen author and committer date.
fn commit_at(env: &TestEnv, message: &str, when: &str) {
    env.git(&["add", "-A"]).ok();
    let out = Command::new("git")
        .current_dir(&env.root)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.root.join("home"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_DATE", when)
        .args(["commit", "-q", "-m", message])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// Four finished sprints of 10 points each (S3 in two items), eight open 4-point items.
fn constant_history() -> TestEnv {
    let env = TestEnv::new();
    config(&env);
    done(&env, "B-D1", "2026-S1", 10);
    done(&env, "B-D2", "2026-S2", 10);
    done(&env, "B-D3", "2026-S3", 5);
    done(&env, "B-D4", "2026-S3", 5);
    done(&env, "B-D5", "2026-S4", 10);
    for i in 1..=8 {
        open(&env, &format!("B-O{i}"), &format!("a{i}"), "estimate: 4\n");
    }
    env.commit_all("history");
    env
}

#[test]
fn test_forecast_constant_velocity_json() {
    let env = constant_history();
    let r = env
        .run_with(&["forecast", "B-O5", "B-O8", "--format", "json"], &TODAY)
        .ok();
    assert!(
        r.stdout.trim_start().starts_with("{\n  \"schema\": 1,"),
        "{}",
        r.stdout
    );
    let j = r.json();
    assert_eq!(j["throughput"]["source"], "history");
    let samples: Vec<u64> = j["throughput"]["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["points"].as_u64().unwrap())
        .collect();
    assert_eq!(samples, [10, 10, 10, 10]);
    assert_eq!(j["current_sprint"]["name"], "2026-S5");
    assert_eq!(j["open_points"], 32);
    // B-O5: 20 points through it = exactly 2 sprints of 10; B-O8: 32 points = sprint 4.
    let item = |i: usize, level: &str| j["items"][i][level].clone();
    for level in ["p50", "p85", "p95"] {
        assert_eq!(item(0, level)["name"], "2026-S6");
        assert_eq!(item(0, level)["end"], "2026-03-29");
        assert_eq!(item(1, level)["name"], "2026-S8");
        assert_eq!(item(1, level)["number"], 4);
    }
    assert_eq!(j["items"][0]["points_through"], 20);
    // A forecast writes nothing.
    assert_eq!(env.status(), "");
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_forecast_by_date_and_same_seed() {
    let env = constant_history();
    let by = ["forecast", "--by", "2026-04-01", "--format", "json"];
    let j = env.run_with(&by, &TODAY).ok().json();
    // S5, S6 and S7 end by 2026-04-12; by 2026-04-01 only S5 and S6: 20 points, 5 items.
    assert_eq!(j["by"]["count"], 5);
    assert_eq!(j["by"]["points"], 20);
    assert_eq!(j["by"]["sprint"]["name"], "2026-S6");
    let ids: Vec<&str> = j["by"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["B-O1", "B-O2", "B-O3", "B-O4", "B-O5"]);
    let text = env
        .run_with(&["forecast", "--by", "2026-04-01"], &TODAY)
        .ok()
        .stdout;
    assert!(
        text.contains("By 2026-04-01 (the end of 2026-S6, sprint 2), in 85% of the trials: 5 of 8 open items (20 points) are done:"),
        "{text}"
    );
    // Same seed, same output, byte for byte; a spread history so that seeds matter.
    done(&env, "B-D6", "2026-S4", 13);
    env.commit_all("more");
    let args = [
        "forecast",
        "--seed",
        "7",
        "--trials",
        "500",
        "--sprints",
        "10",
    ];
    let a = env.run_with(&args, &TODAY).ok().stdout;
    let b = env.run_with(&args, &TODAY).ok().stdout;
    assert_eq!(a, b);
    assert!(a.contains("500 trials (seed 7)"), "{a}");
}

#[test]
fn test_forecast_markdown_and_text() {
    let env = constant_history();
    let md = env
        .run_with(
            &["forecast", "--format", "markdown", "--sprints", "1"],
            &TODAY,
        )
        .ok()
        .stdout;
    assert!(md.starts_with("### Forecast\n"), "{md}");
    assert!(
        md.contains("| Item | Points | Unestimated | 50% | 85% | 95% |"),
        "{md}"
    );
    assert!(
        md.contains("| B-O1 Open B-O1 | 4 | 0 | 2026-S5 (2026-03-15) |"),
        "{md}"
    );
    let text = env.run_with(&["forecast"], &TODAY).ok().stdout;
    assert!(text.contains("drawing from 4 finished sprints"), "{text}");
    assert!(
        text.contains("Only 4 finished sprints to sample from"),
        "{text}"
    );
    // Horizon 2 sprints × 10 points: B-O1..B-O5 (16 points before B-O5).
    assert!(text.contains("B-O5") && !text.contains("B-O6"), "{text}");
    env.run_with(&["forecast", "--format", "github"], &TODAY)
        .code(2);
}

#[test]
fn test_forecast_too_little_history_and_fallbacks() {
    let env = TestEnv::new();
    config(&env);
    done(&env, "B-D1", "2026-S3", 8);
    done(&env, "B-D2", "2026-S4", 5);
    // Running sprint: not a finished one.
    done(&env, "B-D3", "2026-S5", 5);
    open(&env, "B-O1", "a1", "estimate: 8\n");
    env.commit_all("short history");
    let r = env.run_with(&["forecast"], &TODAY).code(2);
    assert!(
        r.stderr.contains(
            "too little history to forecast from: 2 finished sprints with done items \
             (2026-S3, 2026-S4); at least 3 are needed"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--velocity POINTS, or --range MIN..MAX"));
    assert_eq!(r.stdout, "");
    let j = env
        .run_with(&["forecast", "--velocity", "4", "--format", "json"], &TODAY)
        .ok()
        .json();
    assert_eq!(j["throughput"]["source"], "velocity");
    assert_eq!(j["done_this_sprint"], 5);
    // 5 of 4 points are already done in S5 (nothing left there): 4 a sprint after.
    assert_eq!(j["items"][0]["p50"]["name"], "2026-S7");
    let j = env
        .run_with(&["forecast", "--range", "2..6", "--format", "json"], &TODAY)
        .ok()
        .json();
    assert_eq!(j["throughput"]["min"], 2);
    assert_eq!(j["throughput"]["max"], 6);
    for bad in [
        vec!["forecast", "--range", "6..2"],
        vec!["forecast", "--range", "lots"],
        vec!["forecast", "--velocity", "3", "--range", "1..2"],
        vec!["forecast", "--velocity", "0"],
        vec!["forecast", "--velocity", "3", "--trials", "0"],
        vec!["forecast", "--velocity", "3", "--by", "March"],
        vec!["forecast", "--velocity", "3", "B-NOPE"],
    ] {
        let r = env.run_with(&bad, &TODAY).code(2);
        assert!(r.stderr.contains("error"), "{bad:?}: {}", r.stderr);
    }
}

#[test]
fn test_forecast_parent_is_its_open_children() {
    let env = constant_history();
    env.item("B-EP", "Epic", "type: epic\nrank: a0\nestimate: 40\n", "");
    open(&env, "B-C1", "ax", "parent: B-EP\nestimate: 8\n");
    open(&env, "B-C2", "ay", "parent: B-EP\nestimate: 4\n");
    env.commit_all("epic");
    let j = env
        .run_with(&["forecast", "b-ep", "--format", "json"], &TODAY)
        .ok()
        .json();
    let e = &j["items"][0];
    assert_eq!(e["kind"], "parent");
    assert_eq!(e["children"], serde_json::json!(["B-C1", "B-C2"]));
    // 32 points of B-O1..B-O8, then 12 of the children: 44 points, the fifth sprint.
    assert_eq!(e["points_through"], 44);
    assert_eq!(e["p95"]["name"], "2026-S9");
}

#[test]
fn test_burnup_from_commits_and_health_scope() {
    let env = TestEnv::new();
    config(&env);
    // End of S1 (2026-01-18): scope 5 + 3 + 8 = 16, nothing done.
    open(&env, "B-1", "a1", "estimate: 5\n");
    open(&env, "B-2", "a2", "estimate: 3\n");
    open(&env, "B-3", "a3", "estimate: 8\n");
    commit_at(&env, "start", "2026-01-10T10:00:00Z");
    // During S2: B-1 done, B-4 (5) added, B-5 unestimated.
    done(&env, "B-1", "2026-S2", 5);
    open(&env, "B-4", "a4", "estimate: 5\n");
    open(&env, "B-5", "a5", "");
    commit_at(&env, "s2", "2026-01-25T10:00:00Z");
    // Last day of S3, late evening: B-2 done, B-3 split (out of scope) into B-6 (2) and B-7 (8).
    done(&env, "B-2", "2026-S3", 3);
    env.item(
        "B-3",
        "Open B-3",
        "status: split\nrank: a3\nestimate: 8\n",
        "",
    );
    open(&env, "B-6", "a6", "parent: B-3\nestimate: 2\n");
    open(&env, "B-7", "a7", "parent: B-3\nestimate: 8\n");
    commit_at(&env, "s3", "2026-02-15T23:30:00Z");
    // S4 (ending 2026-03-01): no commit; then a commit after it.
    open(&env, "B-8", "a8", "estimate: 1\n");
    commit_at(&env, "s5", "2026-03-03T09:00:00Z");
    let r = env
        .run_with(
            &["burnup", "--format", "json"],
            &[("BACKLOG_TODAY", "2026-03-05")],
        )
        .ok();
    assert!(r.stdout.trim_start().starts_with("{\n  \"schema\": 1,"));
    let j = r.json();
    type Row = (String, u64, u64, Option<i64>, Option<i64>, u64);
    let rows: Vec<Row> = j["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["scope"].as_u64().unwrap(),
                s["done"].as_u64().unwrap(),
                s["added"].as_i64(),
                s["done_in_sprint"].as_i64(),
                s["unestimated"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-S1".to_owned(), 16, 0, None, None, 0),
            ("2026-S2".to_owned(), 21, 5, Some(5), Some(5), 1),
            ("2026-S3".to_owned(), 23, 8, Some(2), Some(3), 1),
            ("2026-S4".to_owned(), 23, 8, Some(0), Some(0), 1),
        ]
    );
    // The snapshot commits agree with git's own idea of "the last commit by then".
    for (i, before) in [
        "2026-01-18T23:59:59Z",
        "2026-02-01T23:59:59Z",
        "2026-02-15T23:59:59Z",
        "2026-03-01T23:59:59Z",
    ]
    .iter()
    .enumerate()
    {
        let want = env
            .git(&[
                "rev-list",
                "-1",
                "--first-parent",
                &format!("--before={before}"),
                "HEAD",
            ])
            .ok()
            .stdout;
        assert_eq!(j["sprints"][i]["commit"], want.trim(), "sprint {i}");
    }
    let text = env
        .run_with(&["burnup"], &[("BACKLOG_TODAY", "2026-03-05")])
        .ok()
        .stdout;
    assert!(
        text.contains("Scope grew by 7 points over 3 sprints (16 -> 23) while 8 points were done."),
        "{text}"
    );
    // health: the last 3 sprints' growth.
    let h = env
        .run_with(
            &["health", "--format", "json"],
            &[("BACKLOG_TODAY", "2026-03-05")],
        )
        .ok()
        .json();
    assert_eq!(h["scope_growth"]["added"], 7);
    assert_eq!(
        h["scope_growth"]["sprints"],
        serde_json::json!(["2026-S2", "2026-S3", "2026-S4"])
    );
    let ht = env
        .run_with(&["health"], &[("BACKLOG_TODAY", "2026-03-05")])
        .ok()
        .stdout;
    assert!(
        ht.contains(
            "Scope        +7 points in scope over the last 3 sprints (16 -> 23; 8 points done"
        ),
        "{ht}"
    );
}

#[test]
fn test_burnup_outside_git_is_a_clear_error() {
    let env = TestEnv::bare_dir();
    config(&env);
    let r = env.run(&["burnup"]).code(2);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
}

#[test]
fn test_burnup_warns_about_unreadable_item_files_in_history() {
    let env = TestEnv::new();
    config(&env);
    open(&env, "B-1", "a1", "estimate: 5\n");
    env.write(
        "backlog/B-2-bad.md",
        "---\nid: B-2\ntitle: [unclosed\n---\n",
    );
    commit_at(&env, "start", "2026-01-10T10:00:00Z");
    let r = env
        .run_with(
            &["burnup", "--format", "json"],
            &[("BACKLOG_TODAY", "2026-02-03")],
        )
        .ok();
    let j = r.json();
    assert_eq!(j["sprints"][0]["name"], "2026-S1");
    assert_eq!(j["sprints"][1]["name"], "2026-S2");
    assert_eq!(j["sprints"][0]["scope"], 5);
    // The same blob is in both snapshots: one warning, naming file and line.
    assert_eq!(j["warnings"].as_array().unwrap().len(), 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("warning: backlog/B-2-bad.md:4 at ")
            && r.stderr.contains(": invalid YAML")
            && !r.stderr.contains(": line 4"),
        "{}",
        r.stderr
    );
}
