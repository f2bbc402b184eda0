//! `rank` and `matrix`: moves, rebalance, reordering by model, the priority matrix.

use crate::harness::TestEnv;

/// Items with keys `a0`, `a1`, … in the given order, committed.
fn ranked(env: &TestEnv, items: &[(&str, &str)]) {
    let keys = backlog::rank::n_keys_between(None, None, items.len()).unwrap();
    for ((id, extra), key) in items.iter().zip(keys) {
        env.item(
            id,
            &format!("Item {id}"),
            &format!("rank: {key}\n{extra}"),
            "Body.\n",
        );
    }
    env.commit_all("seed");
}

fn order(env: &TestEnv) -> Vec<String> {
    env.run(&["list", "--format", "json"])
        .ok()
        .items()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that HEAD changed exactly the `rank` line of one file, and returns the file.
#[track_caller]
fn assert_one_line_commit(env: &TestEnv) -> String {
    let stat = env
        .git(&["show", "--stat", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert!(
        stat.contains("1 file changed, 1 insertion(+), 1 deletion(-)"),
        "{stat}"
    );
    let diff = env.last_diff();
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed.len(), 2, "{diff}");
    assert!(
        changed[0].starts_with("-rank: ") && changed[1].starts_with("+rank: "),
        "{diff}"
    );
    stat.split('|').next().unwrap().trim().to_owned()
}

fn trailer(env: &TestEnv, key: &str) -> String {
    let msg = env.git(&["log", "-1", "--format=%B"]).ok().stdout;
    msg.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn test_rank_moves_give_exact_orders_with_one_line_diffs() {
    let env = TestEnv::new();
    ranked(
        &env,
        &[
            ("B-01", ""),
            ("B-02", ""),
            ("B-03", ""),
            ("B-04", ""),
            ("B-05", ""),
        ],
    );
    env.run(&["rank", "B-05", "--before", "B-02"]).ok();
    assert_eq!(order(&env), ["B-01", "B-05", "B-02", "B-03", "B-04"]);
    assert_eq!(assert_one_line_commit(&env), "backlog/B-05-item.md");
    assert_eq!(trailer(&env, "Backlog-Items"), "B-05");
    assert_eq!(trailer(&env, "Backlog-Op"), "rank");

    env.run(&["rank", "b-01", "--after", "B-03"]).ok();
    assert_eq!(order(&env), ["B-05", "B-02", "B-03", "B-01", "B-04"]);
    assert_eq!(assert_one_line_commit(&env), "backlog/B-01-item.md");

    env.run(&["rank", "B-04", "--top"]).ok();
    assert_eq!(order(&env), ["B-04", "B-05", "B-02", "B-03", "B-01"]);
    assert_eq!(assert_one_line_commit(&env), "backlog/B-04-item.md");

    env.run(&["rank", "B-05", "--bottom"]).ok();
    assert_eq!(order(&env), ["B-04", "B-02", "B-03", "B-01", "B-05"]);
    assert_eq!(assert_one_line_commit(&env), "backlog/B-05-item.md");
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]).ok().stdout.trim(),
        "backlog: rank B-05: to the bottom"
    );

    // Already there: no commit.
    let commits = env.commit_count();
    let r = env.run(&["rank", "B-05", "--after", "B-01"]).ok();
    assert!(r.stderr.contains("Nothing changed"), "{}", r.stderr);
    assert_eq!(env.commit_count(), commits);
    assert_eq!(env.status(), "");
    env.assert_fsck();
}

#[test]
fn test_rank_move_errors() {
    let env = TestEnv::new();
    ranked(&env, &[("B-01", ""), ("B-02", "")]);
    let r = env.run(&["rank", "B-01", "--before", "B-01"]).code(2);
    assert!(r.stderr.contains("relative to itself"), "{}", r.stderr);
    let r = env.run(&["rank", "B-09", "--top"]).code(2);
    assert!(r.stderr.contains("unknown item B-09"), "{}", r.stderr);
    let r = env.run(&["rank", "B-0", "--top"]).code(2);
    assert!(r.stderr.contains("ambiguous"), "{}", r.stderr);
    env.run(&["rank", "B-01"]).code(2);
    env.run(&["rank", "B-01", "--top", "--bottom"]).code(2);
    env.run(&["rank", "B-01", "--by", "wsjf"]).code(2);
    env.run(&["rank", "--by", "rice"]).code(2);
    env.run(&["rank", "--dry-run", "--rebalance"]).code(2);
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_rank_sixty_alternating_inserts_keep_keys_short() {
    let env = TestEnv::new();
    ranked(&env, &[("B-A", ""), ("B-B", ""), ("B-C", "")]);
    // Each step moves the third item between the two most recently placed ones, so the
    // gap halves every time and the newest key alternates between lower and upper bound.
    let mut model = vec!["B-A", "B-B", "B-C"];
    let (mut latest, mut previous) = ("B-B", "B-A");
    let mut longest = 0;
    for _ in 0..60 {
        let third = *model
            .iter()
            .find(|id| **id != latest && **id != previous)
            .unwrap();
        let lower = *model
            .iter()
            .find(|id| **id == latest || **id == previous)
            .unwrap();
        let out = env
            .run(&["rank", third, "--after", lower, "--format", "json"])
            .ok()
            .json();
        let key = out["items"][0]["rank"].as_str().unwrap().to_owned();
        longest = longest.max(key.len());
        assert!(key.len() <= 14, "key {key} is longer than 14 characters");
        model.retain(|id| *id != third);
        let at = model.iter().position(|id| *id == lower).unwrap() + 1;
        model.insert(at, third);
        previous = latest;
        latest = third;
    }
    assert_eq!(order(&env), model);
    assert_eq!(env.commit_count(), 61);
    assert!(
        longest > 8,
        "the test should narrow the gap (longest key {longest})"
    );

    // --rebalance respreads them in one commit, touching only the files whose key changes.
    let keys = |env: &TestEnv| -> Vec<String> {
        let list = env.run(&["list", "--format", "json"]).ok().items();
        list.as_array()
            .unwrap()
            .iter()
            .map(|i| i["rank"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = keys(&env);
    env.run(&["rank", "--rebalance"]).ok();
    assert_eq!(env.commit_count(), 62);
    assert_eq!(order(&env), model);
    assert_eq!(keys(&env), ["a0", "a1", "a2"]);
    let touched = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .ok()
        .stdout;
    let changed = before
        .iter()
        .zip(["a0", "a1", "a2"])
        .filter(|(b, a)| b.as_str() != *a)
        .count();
    assert_eq!(touched.lines().count(), changed, "{touched}");
    let r = env.run(&["rank", "--rebalance"]).ok();
    assert!(r.stderr.contains("Nothing changed"), "{}", r.stderr);
    assert_eq!(env.commit_count(), 62);
    env.assert_fsck();
}

#[test]
fn test_rank_rebalance_touches_only_changed_keys() {
    let env = TestEnv::new();
    env.item("B-1", "One", "rank: a0\n", "");
    env.item("B-2", "Two", "rank: a0VVVVVVVV\n", "");
    env.item("B-3", "Three", "rank: a2\n", "");
    env.item("B-4", "Four", "rank: a2\n", "");
    env.item("B-5", "Unranked", "created: 2026-01-01\n", "");
    env.commit_all("seed");
    env.run(&["rank", "--rebalance"]).ok();
    assert_eq!(order(&env), ["B-1", "B-2", "B-3", "B-4", "B-5"]);
    let touched = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(touched, "backlog/B-2-item.md\nbacklog/B-4-item.md\n");
    assert_eq!(trailer(&env, "Backlog-Items"), "B-2, B-4");
    assert!(env.read("backlog/B-4-item.md").contains("rank: a3\n"));
    assert!(!env.read("backlog/B-5-item.md").contains("rank:"));
}

fn wsjf_example(env: &TestEnv) {
    ranked(
        env,
        &[
            ("B-A", "value: 8\nestimate: 2\n"),
            ("B-B", "value: 3\nestimate: 3\n"),
            ("B-C", "value: 13\nestimate: 1\ndepends_on: [B-B]\n"),
            ("B-D", "value: 6\nestimate: 3\n"),
        ],
    );
}

#[test]
fn test_rank_by_wsjf_puts_prerequisite_directly_above() {
    let env = TestEnv::new();
    wsjf_example(&env);
    let r = env.run(&["rank", "--by", "wsjf"]).ok();
    assert!(r.stdout.contains("prerequisite of B-C"), "{}", r.stdout);
    assert_eq!(order(&env), ["B-B", "B-C", "B-A", "B-D"]);
    // Only B-A was out of place: one file, one line.
    assert_eq!(assert_one_line_commit(&env), "backlog/B-A-item.md");
    assert_eq!(trailer(&env, "Backlog-Items"), "B-A");

    // Ranking an already ranked backlog makes no commit.
    let commits = env.commit_count();
    let r = env.run(&["rank", "--by", "wsjf"]).ok();
    assert!(r.stderr.contains("Nothing changed"), "{}", r.stderr);
    let r = env.run(&["rank", "--by", "value-effort"]).ok();
    assert!(r.stderr.contains("Nothing changed"), "{}", r.stderr);
    assert_eq!(env.commit_count(), commits);
}

#[test]
fn test_rank_by_dry_run_writes_nothing() {
    let env = TestEnv::new();
    wsjf_example(&env);
    let r = env.run(&["rank", "--by", "wsjf", "--dry-run"]).ok();
    assert!(
        r.stdout.contains("B-A") && r.stdout.contains("[moved: a0 ->"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("Dry run"), "{}", r.stderr);
    assert_eq!(env.commit_count(), 1);
    assert_eq!(env.status(), "");
    assert_eq!(order(&env), ["B-A", "B-B", "B-C", "B-D"]);
    let json = env
        .run(&["rank", "--by", "wsjf", "--dry-run", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["changed"], false);
    let ids: Vec<&str> = json["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["B-B", "B-C", "B-A", "B-D"]);
    assert_eq!(json["order"][0]["inherited_from"], "B-C");
    assert_eq!(json["order"][2]["moved"], true);
    assert_eq!(json["order"][2]["from"], "a0");
}

#[test]
fn test_rank_by_one_misplaced_item_among_twenty_rewrites_one_file() {
    let env = TestEnv::new();
    let items: Vec<(String, String)> = (0..20)
        .map(|i| {
            // Descending value, except B-13 which deserves the top.
            let value = if i == 13 { 100 } else { 40 - i };
            (
                format!("B-{i:02}"),
                format!("value: {value}\nestimate: 1\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = items
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    ranked(&env, &refs);
    env.run(&["rank", "--by", "value-effort"]).ok();
    assert_eq!(assert_one_line_commit(&env), "backlog/B-13-item.md");
    let mut expected: Vec<String> = (0..20)
        .filter(|&i| i != 13)
        .map(|i| format!("B-{i:02}"))
        .collect();
    expected.insert(0, "B-13".to_owned());
    assert_eq!(order(&env), expected);
    env.assert_fsck();
}

#[test]
fn test_rank_by_unscored_filters_cycles_and_closed_items() {
    let env = TestEnv::new();
    ranked(
        &env,
        &[
            ("B-1", "status: ready\n"),
            ("B-2", "status: draft\nvalue: 50\nestimate: 1\n"),
            ("B-3", "status: ready\nvalue: 2\n"),
            ("B-4", "status: done\nvalue: 90\nestimate: 1\n"),
            ("B-5", "status: ready\nvalue: 5\nestimate: 1\n"),
        ],
    );
    env.item(
        "B-6",
        "Unranked ready",
        "status: ready\nvalue: 8\nestimate: 1\ncreated: 2026-01-01\n",
        "",
    );
    env.commit_all("unranked item");
    let r = env.run(&["rank", "--by", "wsjf", "--status", "ready"]).ok();
    assert!(
        r.stdout.contains("B-1  needs value, estimate"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("B-3  needs estimate"), "{}", r.stdout);
    // Ready items: scored B-6, B-5 first, then unscored B-1, B-3 in their old order; B-2
    // (draft) and B-4 (done) keep their keys.
    let now = order(&env);
    let ready: Vec<&String> = now
        .iter()
        .filter(|id| ["B-1", "B-3", "B-5", "B-6"].contains(&id.as_str()))
        .collect();
    assert_eq!(ready, ["B-6", "B-5", "B-1", "B-3"]);
    let touched = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert!(
        !touched.contains("B-2") && !touched.contains("B-4"),
        "{touched}"
    );
    assert!(
        env.read("backlog/B-6-item.md").contains("rank: "),
        "unranked item got a key"
    );
    assert!(env.read("backlog/B-2-item.md").contains("rank: a1\n"));
    assert!(env.read("backlog/B-4-item.md").contains("rank: a3\n"));

    // A dependency cycle: reported, kept in its order, no endless loop.
    let env = TestEnv::new();
    ranked(
        &env,
        &[
            ("B-1", "value: 1\nestimate: 1\n"),
            ("B-2", "value: 2\nestimate: 1\ndepends_on: [B-3]\n"),
            ("B-3", "value: 9\nestimate: 1\ndepends_on: [B-2]\n"),
        ],
    );
    let r = env.run(&["rank", "--by", "wsjf"]).ok();
    assert!(
        r.stderr.contains("dependency cycle B-2 -> B-3"),
        "{}",
        r.stderr
    );
    assert_eq!(order(&env), ["B-2", "B-3", "B-1"]);
}

#[test]
fn test_matrix_puts_each_item_in_its_quadrant() {
    let env = TestEnv::new();
    ranked(
        &env,
        &[
            ("B-QW", "value: 13\nestimate: 1\n"),
            ("B-BB", "value: 13\nestimate: 8\n"),
            ("B-FI", "value: 1\nestimate: 1\n"),
            ("B-TS", "value: 1\nestimate: 8\n"),
            ("B-NV", "estimate: 3\n"),
            ("B-NN", ""),
            ("B-DONE", "status: done\nvalue: 13\nestimate: 1\n"),
        ],
    );
    let json = env.run(&["matrix", "--format", "json"]).ok().json();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["thresholds"]["value"], 7.0);
    assert_eq!(json["thresholds"]["effort"], 4.5);
    assert_eq!(json["thresholds"]["value_source"], "median");
    let ids = |q: &str| -> Vec<String> {
        json["quadrants"][q]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("quick_wins"), ["B-QW"]);
    assert_eq!(ids("big_bets"), ["B-BB"]);
    assert_eq!(ids("fill_ins"), ["B-FI"]);
    assert_eq!(ids("time_sinks"), ["B-TS"]);
    assert_eq!(json["unplaced"][0]["id"], "B-NV");
    assert_eq!(json["unplaced"][0]["missing"], serde_json::json!(["value"]));
    assert_eq!(
        json["unplaced"][1]["missing"],
        serde_json::json!(["value", "estimate"])
    );
    assert_eq!(json["unplaced"].as_array().unwrap().len(), 2);

    let text = env.run(&["matrix"]).ok().stdout;
    assert!(
        text.contains("Quick wins (high value, low effort): 1\n  B-QW"),
        "{text}"
    );
    assert!(
        text.contains("Time sinks (low value, high effort): 1\n  B-TS"),
        "{text}"
    );
    assert!(text.contains("B-NV  needs value"), "{text}");

    // Thresholds from config.
    env.write(
        "backlog/config.yml",
        "matrix:\n  value_threshold: 0\n  effort_threshold: 100\n",
    );
    let json = env.run(&["matrix", "--format", "json"]).ok().json();
    assert_eq!(json["thresholds"]["effort_source"], "config");
    assert_eq!(json["quadrants"]["quick_wins"].as_array().unwrap().len(), 4);
    env.run(&["matrix", "--format", "dot"]).code(2);
}

#[test]
fn test_rank_unranked_items_get_keys_when_moved() {
    let env = TestEnv::new();
    ranked(&env, &[("B-1", ""), ("B-2", "")]);
    env.item("B-3", "Unranked old", "created: 2026-01-01\n", "");
    env.item("B-4", "Unranked new", "created: 2026-02-01\n", "");
    env.commit_all("unranked");
    let r = env.run(&["rank", "B-4", "--bottom"]).ok();
    assert!(
        r.stderr.contains("1 unranked item still sorts below it"),
        "{}",
        r.stderr
    );
    assert_eq!(order(&env), ["B-1", "B-2", "B-4", "B-3"]);
    let diff = env.last_diff();
    assert!(diff.contains("+rank: a2"), "{diff}");
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count(),
        1
    );

    // --after an unranked item ranks that item too, and says so in the trailer.
    let out = env
        .run(&["rank", "B-1", "--after", "B-3", "--format", "json"])
        .ok()
        .json();
    assert_eq!(out["changed"], true);
    assert_eq!(out["items"].as_array().unwrap().len(), 2);
    assert_eq!(order(&env), ["B-2", "B-4", "B-3", "B-1"]);
    assert_eq!(trailer(&env, "Backlog-Items"), "B-3, B-1");

    // --no-commit writes the file and records nothing.
    let commits = env.commit_count();
    env.run(&["rank", "B-1", "--top", "--no-commit"]).ok();
    assert_eq!(env.commit_count(), commits);
    assert_eq!(order(&env)[0], "B-1");
    assert!(env.status().contains("B-1-item.md"));
}
