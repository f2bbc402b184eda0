//! Sprint readiness: velocity, plan, agenda, health, board.

use std::process::Command;

use crate::harness::TestEnv;

const STORY: &str =
    "As a user, I want it so that it helps.\n\n## Acceptance criteria\n- [ ] works\n";

fn config(env: &TestEnv, sprints: &str) {
    env.write("backlog/config.yml", &format!("sprints:\n{sprints}"));
}

fn today(date: &str) -> [(&'static str, &str); 1] {
    [("BACKLOG_TODAY", date)]
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn test_velocity_from_done_items_by_sprint() {
    let env = TestEnv::new();
    env.item(
        "B-V1",
        "One",
        "status: done\nsprint: 2026-S1\nestimate: 3\n",
        "",
    );
    env.item(
        "B-V2",
        "Two",
        "status: done\nsprint: 2026-S1\nestimate: 5\n",
        "",
    );
    env.item(
        "B-V3",
        "Three",
        "status: done\nsprint: 2026-S2\nestimate: 8\n",
        "",
    );
    env.item(
        "B-V4",
        "Four",
        "status: done\nsprint: 2026-S10\nestimate: 2\n",
        "",
    );
    env.item("B-V5", "Five", "status: done\nsprint: 2026-S10\n", "");
    env.item(
        "B-V6",
        "Six",
        "status: ready\nsprint: 2026-S10\nestimate: 13\n",
        "",
    );
    env.item("B-V7", "Seven", "status: done\nestimate: 20\n", "");
    let v = env.run(&["velocity", "--format", "json"]).ok().json();
    let names: Vec<&str> = v["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["2026-S1", "2026-S2", "2026-S10"]);
    let points: Vec<u64> = v["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["points"].as_u64().unwrap())
        .collect();
    assert_eq!(points, [8, 8, 2]);
    assert_eq!(v["sprints"][2]["unestimated"], serde_json::json!(["B-V5"]));
    assert_eq!(v["average"], 6.0);
    assert_eq!((v["min"].as_u64(), v["max"].as_u64()), (Some(2), Some(8)));
    assert_eq!(v["auto_capacity"], 6);

    let last = env
        .run(&["velocity", "--last", "2", "--format", "json"])
        .ok()
        .json();
    assert_eq!(last["sprints"].as_array().unwrap().len(), 2);
    assert_eq!(last["average"], 5.0);
    assert_eq!(
        last["auto_capacity"], 6,
        "auto always averages the last 3 sprints"
    );

    let text = env.run(&["velocity"]).ok().stdout;
    assert!(text.contains("2026-S1 "), "{text}");
    assert!(text.contains('█'), "{text}");
    assert!(text.contains("average 6.0 points, range 2..8"), "{text}");
    assert!(text.contains("capacity: auto = 6 points"), "{text}");
    assert!(text.contains("1 unestimated: B-V5"), "{text}");
}

/// A backlog with known answers for `plan` (see the test for the arithmetic).
fn plan_fixture(env: &TestEnv) {
    config(env, "  start: 2026-01-05\n  capacity: 10\n");
    env.item(
        "B-D1",
        "Done dep",
        "status: done\nrank: a0\nestimate: 2\n",
        STORY,
    );
    env.item(
        "B-A01",
        "Doing",
        "status: in-progress\nrank: a1\nestimate: 3\n",
        STORY,
    );
    env.item(
        "B-A02",
        "First",
        "status: ready\nrank: a2\nestimate: 5\n",
        STORY,
    );
    env.item(
        "B-A02B",
        "No criteria",
        "rank: a2V\nestimate: 3\n",
        "As a user, I want it so that it helps.\n",
    );
    env.item(
        "B-A03",
        "Eight",
        "status: ready\nrank: a3\nestimate: 8\ndepends_on: [B-D1]\n",
        STORY,
    );
    env.item(
        "B-A04",
        "Too big now",
        "status: ready\nrank: a4\nestimate: 8\n",
        STORY,
    );
    env.item(
        "B-A05",
        "Needs A03",
        "status: ready\nrank: a5\nestimate: 2\ndepends_on: [B-A03]\n",
        STORY,
    );
    env.item(
        "B-A06",
        "Gap filler",
        "status: ready\nrank: a6\nestimate: 2\n",
        STORY,
    );
    env.item("B-A07", "Vague", "rank: a7\n", "");
    env.commit_all("fixture");
}

#[test]
fn test_plan_respects_capacity_readiness_and_dependencies() {
    let env = TestEnv::new();
    plan_fixture(&env);
    let before = env.commit_count();
    let p = env
        .run_with(&["plan", "--format", "json"], &today("2026-01-05"))
        .ok()
        .json();
    let plan = &p["plan"];
    assert_eq!(p["capacity"]["points"], 10);
    // Sprint 1 (starts today): B-A01 in progress (3) + B-A02 (5) = 8; B-A03 (8) goes to
    // sprint 2; B-A04 (8) fits neither (2 left in each) and is skipped; B-A05 depends on
    // B-A03 so it joins sprint 2 although sprint 1 has room; B-A06 (2) fills sprint 1.
    assert_eq!(plan["sprints"][0]["name"], "2026-S1");
    assert_eq!(plan["sprints"][0]["start"], "2026-01-05");
    assert_eq!(plan["sprints"][1]["name"], "2026-S2");
    assert_eq!(ids(&plan["sprints"][0]["in_progress"]), ["B-A01"]);
    assert_eq!(ids(&plan["sprints"][0]["items"]), ["B-A02", "B-A06"]);
    assert_eq!(ids(&plan["sprints"][1]["items"]), ["B-A03", "B-A05"]);
    assert_eq!(plan["sprints"][0]["points"], 10);
    assert_eq!(plan["sprints"][1]["points"], 10);
    assert_eq!(ids(&plan["skipped"]), ["B-A04"]);
    assert_eq!(
        plan["skipped"][0]["reason"],
        "8 points does not fit (room left: 2 in 2026-S1, 2 in 2026-S2)"
    );
    // B-A02B is inside the horizon (8 points above it < 2 × 10) but not ready; B-A07 is
    // beyond the horizon, so it is not listed.
    assert_eq!(ids(&plan["needs_refinement"]), ["B-A02B"]);
    assert_eq!(
        plan["needs_refinement"][0]["missing"][0]["what"],
        "acceptance criteria"
    );

    let text = env.run_with(&["plan"], &today("2026-01-05")).ok().stdout;
    assert!(
        text.contains("2026-S1  2026-01-05 .. 2026-01-18  10/10 points"),
        "{text}"
    );
    assert!(text.contains("Skipped"), "{text}");
    assert!(text.contains("Nothing was written"), "{text}");
    // Without --apply nothing changes.
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.status(), "");

    // --apply: one commit that adds exactly one `sprint:` line to each planned item.
    env.run_with(&["plan", "--apply"], &today("2026-01-05"))
        .ok();
    assert_eq!(env.commit_count(), before + 1);
    assert_eq!(env.status(), "");
    let diff = env.last_diff();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    assert_eq!(
        added,
        [
            "+sprint: 2026-S1",
            "+sprint: 2026-S2",
            "+sprint: 2026-S2",
            "+sprint: 2026-S1"
        ],
        "{diff}"
    );
    assert!(removed.is_empty(), "{diff}");
    let msg = env.git(&["log", "-1", "--format=%B"]).ok().stdout;
    assert!(
        msg.starts_with("backlog: plan 2026-S1, 2026-S2: 4 items"),
        "{msg}"
    );
    assert!(msg.contains("Backlog-Op: plan"), "{msg}");
    assert!(
        msg.contains("Backlog-Items: B-A02, B-A06, B-A03, B-A05"),
        "{msg}"
    );
    let a02 = env.read("backlog/B-A02-item.md");
    assert!(a02.contains("estimate: 5\nsprint: 2026-S1\n---"), "{a02}");
    env.assert_fsck();

    // Planning again changes nothing.
    env.run_with(&["plan", "--apply"], &today("2026-01-05"))
        .ok();
    assert_eq!(env.commit_count(), before + 1);
}

#[test]
fn test_plan_too_large_item_skipped_and_smaller_fills_in() {
    let env = TestEnv::new();
    config(&env, "  start: 2026-01-05\n");
    env.item(
        "B-1",
        "Five",
        "status: ready\nrank: a1\nestimate: 5\n",
        STORY,
    );
    env.item(
        "B-2",
        "Eight",
        "status: ready\nrank: a2\nestimate: 8\n",
        STORY,
    );
    env.item(
        "B-3",
        "Three",
        "status: ready\nrank: a3\nestimate: 3\n",
        STORY,
    );
    let p = env
        .run_with(
            &[
                "plan",
                "--sprints",
                "1",
                "--capacity",
                "7",
                "--format",
                "json",
            ],
            &today("2026-01-06"),
        )
        .ok()
        .json();
    let plan = &p["plan"];
    assert_eq!(
        plan["sprints"][0]["name"], "2026-S2",
        "the sprint after today's"
    );
    assert_eq!(ids(&plan["sprints"][0]["items"]), ["B-1"]);
    assert_eq!(ids(&plan["skipped"]), ["B-2"]);
    assert_eq!(
        plan["skipped"][0]["reason"],
        "8 points is more than the capacity of 7 points: split it"
    );
    let p = env
        .run_with(
            &[
                "plan",
                "--sprints",
                "1",
                "--capacity",
                "8",
                "--format",
                "json",
            ],
            &today("2026-01-06"),
        )
        .ok()
        .json();
    let plan = &p["plan"];
    // 5 + 8 > 8: B-2 is skipped; B-3 (3) fills the gap.
    assert_eq!(ids(&plan["sprints"][0]["items"]), ["B-1", "B-3"]);
    assert_eq!(
        plan["skipped"][0]["reason"],
        "8 points does not fit (room left: 3 in 2026-S2)"
    );
}

#[test]
fn test_plan_needs_capacity() {
    let env = TestEnv::new();
    env.item(
        "B-1",
        "Five",
        "status: ready\nrank: a1\nestimate: 5\n",
        STORY,
    );
    let r = env.run(&["plan"]).code(2);
    assert!(r.stderr.contains("no capacity"), "{}", r.stderr);
    assert!(r.stderr.contains("--capacity"), "{}", r.stderr);
    config(&env, "  capacity: lots\n");
    let r = env.run(&["plan"]).code(2);
    assert!(r.stderr.contains("config.yml:2"), "{}", r.stderr);
}

#[test]
fn test_agenda_lists_not_ready_items_in_horizon_by_owner() {
    let env = TestEnv::new();
    config(&env, "  start: 2026-01-05\n  capacity: 10\n");
    let plain = "Do the thing.\n";
    env.item(
        "B-G1",
        "Doing",
        "status: in-progress\nrank: a1\nestimate: 5\nowner: zed\n",
        plain,
    );
    env.item(
        "B-G2",
        "Ready",
        "rank: a2\nestimate: 3\nowner: amy\n",
        STORY,
    );
    env.item("B-G3", "Unestimated", "rank: a3\nowner: bob\n", STORY);
    env.item("B-G5", "Vague", "rank: a4\nestimate: 2\n", plain);
    env.item(
        "B-G6",
        "Blocked",
        "rank: a5\nestimate: 3\nowner: amy\ndepends_on: [B-G7]\n",
        STORY,
    );
    env.item(
        "B-G4",
        "Huge",
        "rank: a6\nestimate: 13\nowner: amy\n",
        STORY,
    );
    env.item(
        "B-G7",
        "Beyond",
        "rank: a7\nestimate: 1\nowner: bob\n",
        plain,
    );
    let a = env
        .run_with(&["agenda", "--format", "json"], &today("2026-01-05"))
        .ok()
        .json();
    let agenda = &a["agenda"];
    assert_eq!(agenda["sprints"], serde_json::json!(["2026-S1", "2026-S2"]));
    // Sizes 5, 3, 3 (unestimated: median of 5 3 2 3 13 1), 2, 3 = 16 < 20: B-G4 is inside;
    // 29 points are ranked above B-G7, so it is outside.
    assert_eq!(agenda["horizon_items"], 6);
    let groups: Vec<(serde_json::Value, Vec<String>)> = agenda["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["owner"].clone(), ids(&g["items"])))
        .collect();
    assert_eq!(
        groups,
        [
            (
                serde_json::json!("amy"),
                vec!["B-G6".to_owned(), "B-G4".to_owned()]
            ),
            (serde_json::json!("bob"), vec!["B-G3".to_owned()]),
            (serde_json::Value::Null, vec!["B-G5".to_owned()]),
        ]
    );
    let what = |g: usize, i: usize| -> Vec<String> {
        agenda["groups"][g]["items"][i]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["what"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(what(0, 0), ["unresolved dependency B-G7"]);
    assert_eq!(what(0, 1), ["too big: split"]);
    assert_eq!(what(1, 0), ["estimate"]);
    assert_eq!(what(2, 0), ["acceptance criteria", "story form"]);
    assert_eq!(agenda["budget"]["working_days"], 10);
    assert_eq!(agenda["budget"]["hours_per_person"], 8.0);

    let text = env.run_with(&["agenda"], &today("2026-01-05")).ok().stdout;
    let amy = text.find("@amy (2 items)").expect(&text);
    let bob = text.find("@bob (1 item)").expect(&text);
    let unowned = text.find("unowned (1 item)").expect(&text);
    assert!(amy < bob && bob < unowned, "{text}");
    assert!(
        text.contains("needs: acceptance criteria, story form"),
        "{text}"
    );
    assert!(!text.contains("B-G7 "), "{text}");
    assert!(!text.contains("B-G1"), "{text}");
    assert!(text.contains("Budget: ~10% of the sprint"), "{text}");
    assert!(text.contains("about 8 hours per person"), "{text}");

    let md = env
        .run_with(&["agenda", "--format", "markdown"], &today("2026-01-05"))
        .ok()
        .stdout;
    assert!(
        md.starts_with("## Refinement agenda: 2026-S1, 2026-S2"),
        "{md}"
    );
    assert!(md.contains("### @amy"), "{md}");
    assert!(
        md.contains("- [ ] **B-G3** Unestimated: needs estimate"),
        "{md}"
    );
}

/// `git commit` with a chosen committer date.
fn commit_at(env: &TestEnv, message: &str, when: &str) {
    env.git(&["add", "-A"]).ok();
    let out = Command::new("git")
        .current_dir(env.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.root().join("home"))
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

#[test]
fn test_health_figures_known_by_hand() {
    let env = TestEnv::new();
    config(&env, "  capacity: 10\n  horizon: 1\n  stale_days: 30\n");
    // First commit on 2025-10-01: H1 and the done H7.
    env.item(
        "B-H1",
        "Log in",
        "status: ready\nrank: a1\nestimate: 3\n",
        STORY,
    );
    env.item("B-H7", "Shipped", "status: done\nestimate: 8\n", "");
    commit_at(&env, "first", "@1759320000 +0000");
    // Second commit on 2025-11-24.
    env.item(
        "B-H2",
        "Two",
        "status: ready\nrank: a2\nestimate: 5\n",
        "As a user, I want it so that it helps.\n",
    );
    env.item(
        "B-H3",
        "Three",
        "status: ready\nrank: a3\ndepends_on: [B-H4]\n",
        STORY,
    );
    env.item(
        "B-H4",
        "Four",
        "status: ready\nrank: a4\nestimate: 2\n",
        STORY,
    );
    env.item(
        "B-H5",
        "Five",
        "status: draft\nrank: a4\nestimate: 1\ncreated: 2025-09-01\n",
        STORY,
    );
    env.item("B-H6", "log-in!", "status: ready\n", STORY);
    env.commit_all("second");
    // Never committed, no dates.
    env.item(
        "B-H8",
        "Eight",
        "status: ready\nrank: a5\nestimate: 3\n",
        STORY,
    );

    let h = env
        .run_with(&["health", "--format", "json"], &today("2025-12-10"))
        .ok()
        .json();
    assert_eq!(h["open_items"], 7);
    // Horizon: 1 sprint of 10 points. Sizes H1 3, H2 5, H3 3 (median estimate) -> H4 has
    // 11 points above it: outside.
    assert_eq!(h["horizon"]["items"], 3);
    assert_eq!(h["detailed"]["count"], 2);
    assert_eq!(h["detailed"]["total"], 3);
    assert_eq!(h["detailed"]["missing"], serde_json::json!(["B-H2"]));
    assert_eq!(h["estimated_horizon"]["count"], 2);
    assert_eq!(
        h["estimated_horizon"]["missing"],
        serde_json::json!(["B-H3"])
    );
    assert_eq!(h["estimated_overall"]["count"], 5);
    assert_eq!(h["estimated_overall"]["total"], 7);
    assert_eq!(
        h["estimated_overall"]["missing"],
        serde_json::json!(["B-H3", "B-H6"])
    );
    // Emergent: H1's last commit is 70 days old (found just past the stale line, where the
    // walk may stop); H8 has no commit and no date.
    assert_eq!(h["emergent"]["fresh"]["count"], 6);
    assert_eq!(
        h["emergent"]["stale"],
        serde_json::json!([{"id": "B-H1", "last_touched": "2025-10-01", "days": 70, "exact": true}])
    );
    assert_eq!(h["emergent"]["undated"], serde_json::json!(["B-H8"]));
    // Prioritized.
    assert_eq!(h["prioritized"]["ranked"]["count"], 6);
    assert_eq!(
        h["prioritized"]["ranked"]["missing"],
        serde_json::json!(["B-H6"])
    );
    assert_eq!(
        h["prioritized"]["collisions"],
        serde_json::json!([["B-H4", "B-H5"]])
    );
    assert_eq!(
        h["prioritized"]["above_dependencies"],
        serde_json::json!([{"id": "B-H3", "depends_on": "B-H4"}])
    );
    // Clutter: H5 is a draft created 100 days ago; H1 "Log in" and H6 "log-in!" match.
    assert_eq!(h["clutter"]["old_drafts"], serde_json::json!(["B-H5"]));
    assert_eq!(
        h["clutter"]["duplicates"],
        serde_json::json!([["B-H1", "B-H6"]])
    );
    // D = 2/3, E = (2/3 + 5/7) / 2, M = 6/7, P = 6/7 - 3/7, C = 2/7:
    // 100 × (111/42) / 4 - 25 × 2/7 = 58.93 -> 59.
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    assert!(close(&h["score"]["detailed"], 2.0 / 3.0));
    assert!(close(&h["score"]["estimated"], 29.0 / 42.0));
    assert!(close(&h["score"]["emergent"], 6.0 / 7.0));
    assert!(close(&h["score"]["prioritized"], 3.0 / 7.0));
    assert!(close(&h["score"]["clutter"], 2.0 / 7.0));
    assert_eq!(h["score"]["total"], 59);

    // The CI gate.
    env.run_with(&["health", "--min", "59"], &today("2025-12-10"))
        .ok();
    let r = env
        .run_with(&["health", "--min", "60"], &today("2025-12-10"))
        .code(1);
    assert!(r.stdout.contains("Backlog health: 59/100"), "{}", r.stdout);
    assert!(r.stderr.contains("below the minimum of 60"), "{}", r.stderr);
    assert!(r.stdout.contains("stale: B-H1 (70 days)"), "{}", r.stdout);
}

#[test]
fn test_health_outside_git_uses_dates() {
    let env = TestEnv::bare_dir();
    env.write("backlog/config.yml", "sprints:\n  capacity: 10\n");
    env.item(
        "B-1",
        "Old",
        "status: ready\nrank: a1\nupdated: 2025-01-01\n",
        STORY,
    );
    env.item(
        "B-2",
        "New",
        "status: ready\nrank: a2\ncreated: 2025-12-01\n",
        STORY,
    );
    let h = env
        .run_with(&["health", "--format", "json"], &today("2025-12-10"))
        .ok()
        .json();
    assert_eq!(h["emergent"]["stale"][0]["id"], "B-1");
    assert_eq!(h["emergent"]["fresh"]["count"], 1);
}

#[test]
fn test_board_columns_and_width() {
    let env = TestEnv::new();
    env.item(
        "B-1",
        "A rather long title for a card on the board",
        "status: ready\nrank: a1\nestimate: 3\nowner: lee\n",
        "",
    );
    env.item(
        "B-2",
        "Done | piped",
        "status: done\nrank: a2\nestimate: 5\n",
        "",
    );
    env.item("B-3", "Doing", "status: in-progress\nrank: a0\n", "");
    env.item("B-4", "Drafty", "rank: a3\n", "");
    env.item("B-5", "Split away", "status: split\nrank: a4\n", "");
    let j = env.run(&["board", "--format", "json"]).ok().json();
    let shape: Vec<(String, Vec<String>)> = j["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["status"].as_str().unwrap().to_owned(), ids(&c["cards"])))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        shape,
        [
            ("draft".to_owned(), s(&["B-4"])),
            ("ready".to_owned(), s(&["B-1"])),
            ("in-progress".to_owned(), s(&["B-3"])),
            ("done".to_owned(), s(&["B-2"])),
        ]
    );
    let text = env.run_with(&["board"], &[("COLUMNS", "80")]).ok().stdout;
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.starts_with("DRAFT (1, 0 pts)"), "{text}");
    assert!(text.contains("B-1 3p @lee"), "{text}");
    assert!(text.contains('…'), "{text}");
    let narrow = env.run_with(&["board"], &[("COLUMNS", "40")]).ok().stdout;
    assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
    assert!(
        narrow.contains("READY (1, 3 pts)\n  B-1 3p @lee"),
        "{narrow}"
    );
    let md = env.run(&["board", "--format", "markdown"]).ok().stdout;
    assert!(
        md.starts_with("| DRAFT (1, 0 pts) | READY (1, 3 pts) |"),
        "{md}"
    );
    assert!(md.contains("Done \\| piped"), "{md}");
    let all = env.run(&["board", "--all", "--format", "json"]).ok().json();
    assert_eq!(all["columns"].as_array().unwrap().len(), 5);
}
