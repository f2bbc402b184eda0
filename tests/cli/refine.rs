//! Refinement operations end to end: planning poker, split, merge, dupes, dependencies.

use crate::harness::TestEnv;

fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn last_message(env: &TestEnv) -> String {
    env.git(&["log", "-1", "--format=%B"]).ok().stdout
}

#[test]
fn test_estimate_votes_agree_sets_estimate_and_records_votes() {
    let env = TestEnv::new();
    let path = env.item("B-1", "Checkout", "estimate: 3\n", "");
    env.commit_all("seed");
    env.run(&[
        "estimate", "b-1", "--vote", "ana=5", "--vote", "bo=5", "--vote", "cy=5",
    ])
    .ok();
    assert!(env.read(&path).contains("estimate: 5\n"));
    let msg = last_message(&env);
    assert!(
        msg.starts_with("backlog: estimate B-1: 3 -> 5 (3 votes)\n"),
        "{msg}"
    );
    assert!(
        msg.contains("Planning-poker votes (unanimous):\n- ana: 5\n- bo: 5\n- cy: 5\n"),
        "{msg}"
    );
    assert!(
        msg.contains("Backlog-Op: estimate\nBacklog-Items: B-1\n"),
        "{msg}"
    );
    let diff = env.last_diff();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(added, ["+estimate: 5"], "one-line diff:\n{diff}");
    env.assert_fsck();
}

#[test]
fn test_estimate_votes_diverge_write_nothing_and_name_extremes() {
    let env = TestEnv::new();
    let path = env.item("B-1", "Checkout", "", "");
    env.commit_all("seed");
    let before = env.read(&path);
    let run = env
        .run(&[
            "estimate", "B-1", "--vote", "ana=2", "--vote", "bo=5", "--vote", "cy=13", "--vote",
            "dee=2",
        ])
        .code(1);
    assert!(
        run.stdout
            .contains("votes range from 2 to 13 (4 steps apart"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Lowest: ana, dee (2). Highest: cy (13)."),
        "{}",
        run.stdout
    );
    assert_eq!(env.read(&path), before);
    assert_eq!(env.commit_count(), 1);
    let json = env
        .run(&[
            "--format", "json", "estimate", "B-1", "--vote", "ana=2", "--vote", "cy=13",
        ])
        .code(1)
        .json();
    assert_eq!(json["consensus"], false);
    assert_eq!(json["low"]["voters"][0], "ana");
    assert_eq!(json["high"]["voters"][0], "cy");
    assert_eq!(json["high"]["points"], 13);
}

#[test]
fn test_estimate_votes_adjacent_consensus_takes_higher() {
    let env = TestEnv::new();
    env.write("backlog/config.yml", "estimation:\n  consensus: adjacent\n");
    let path = env.item("B-1", "Checkout", "", "");
    env.commit_all("seed");
    env.run(&["estimate", "B-1", "--vote", "ana=3", "--vote", "bo=5"])
        .ok();
    assert!(env.read(&path).contains("estimate: 5\n"));
    assert!(last_message(&env).contains("within one step, higher value taken"));
    env.run(&["estimate", "B-1", "--vote", "ana=3", "--vote", "bo=8"])
        .code(1);
}

#[test]
fn test_estimate_votes_off_scale_or_malformed_are_refused() {
    let env = TestEnv::new();
    env.item("B-1", "Checkout", "", "");
    env.commit_all("seed");
    let run = env
        .run(&["estimate", "B-1", "--vote", "ana=5", "--vote", "bo=4"])
        .code(2);
    assert!(
        run.stderr
            .contains("bo's vote \"4\" is not on the estimate scale"),
        "{}",
        run.stderr
    );
    env.run(&["estimate", "B-1", "--vote", "ana"]).code(2);
    env.run(&["estimate", "B-1", "--vote", "ana=5", "--vote", "ANA=5"])
        .code(2);
    env.run(&["estimate", "B-1", "5", "--vote", "ana=5"])
        .code(2);
    env.run(&["estimate", "B-1"]).code(2);
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_split_is_one_commit_children_take_parents_place() {
    let env = TestEnv::new();
    env.item("B-A", "Before", "rank: a0\n", "");
    let parent = env.item(
        "B-P",
        "Checkout epic",
        "type: epic\nstatus: ready\nrank: a1\nlabels: [shop]\nowner: dana\ndepends_on: [B-A]\n",
        "As a shopper, I want to pay so that I get my goods.\n\n## Acceptance criteria\n- [ ] Card payments work\n- [ ] PayPal works\n- [ ] Receipts are emailed\n",
    );
    let dependent = env.item("B-C", "After", "rank: a2\ndepends_on: [B-P]\n", "");
    env.item("B-Z", "Last", "rank: a3\n", "");
    env.commit_all("seed");
    let out = env
        .run(&[
            "split",
            "B-P",
            "--into",
            "Pay by card",
            "--into",
            "Pay with PayPal",
            "--give",
            "1=1",
            "--give",
            "2=2",
        ])
        .ok();
    let children: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(children.len(), 2, "{}", out.stdout);
    assert_eq!(env.commit_count(), 2, "one commit for the whole split");
    let stat = env
        .git(&["show", "--stat", "--format=%s", "HEAD"])
        .ok()
        .stdout;
    assert!(
        stat.starts_with(&format!(
            "backlog: split B-P into {}, {}",
            children[0], children[1]
        )),
        "{stat}"
    );
    assert!(stat.contains("4 files changed"), "{stat}");
    for c in &children {
        assert!(stat.contains(&format!("backlog/{c}-")), "{stat}");
    }
    assert!(
        stat.contains(&parent) && stat.contains(&dependent),
        "{stat}"
    );
    assert!(last_message(&env).contains("Backlog-Op: split\n"));

    let list = env.run(&["list", "--all", "--format", "json"]).ok().items();
    assert_eq!(
        ids(&list),
        ["B-A", children[0], children[1], "B-P", "B-C", "B-Z"]
    );
    let p = &list[3];
    assert_eq!(p["status"], "split");
    for (k, c) in children.iter().enumerate() {
        let item = env.run(&["show", c, "--format", "json"]).ok().json();
        assert_eq!(item["parent"], "B-P");
        assert_eq!(item["type"], "epic");
        assert_eq!(item["labels"][0], "shop");
        assert_eq!(item["owner"], "dana");
        assert_eq!(item["depends_on"][0], "B-A");
        let expected = ["Card payments work", "PayPal works"][k];
        assert_eq!(item["acceptance_criteria"][0]["text"], expected);
    }
    let parent_now = env.run(&["show", "B-P", "--format", "json"]).ok().json();
    assert_eq!(
        parent_now["acceptance_criteria"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        parent_now["acceptance_criteria"][0]["text"],
        "Receipts are emailed"
    );
    let c = env.read(&dependent);
    assert!(
        c.contains(&format!("depends_on: [{}, {}]\n", children[0], children[1])),
        "{c}"
    );
    // The dependent is still blocked: nothing silently became ready.
    let blocked = env
        .run(&["list", "--blocked", "--format", "json"])
        .ok()
        .items();
    assert!(ids(&blocked).contains(&"B-C".to_owned()));
    assert_eq!(env.status(), "");
    env.assert_fsck();
}

#[test]
fn test_split_refuses_bad_requests() {
    let env = TestEnv::new();
    env.item("B-P", "Parent", "", "## Acceptance criteria\n- [ ] One\n");
    env.item("B-S", "Gone", "status: split\n", "");
    env.commit_all("seed");
    env.run(&["split", "B-P"]).code(2);
    let run = env
        .run(&["split", "B-P", "--into", "a", "--give", "1=2"])
        .code(2);
    assert!(
        run.stderr.contains("B-P has 1 acceptance criterion"),
        "{}",
        run.stderr
    );
    env.run(&["split", "B-P", "--into", "a", "--give", "2=1"])
        .code(2);
    env.run(&["split", "B-P", "--into", "a", "--give", "x"])
        .code(2);
    env.run(&["split", "B-S", "--into", "a"]).code(2);
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_merge_repoints_every_reference_and_closes_duplicate() {
    let env = TestEnv::new();
    let keep = env.item(
        "B-K",
        "Export invoices",
        "rank: a0\nlabels: [billing]\n",
        "As a clerk, I want exports so that I can file taxes.\n\n## Acceptance criteria\n- [ ] CSV downloads\n",
    );
    let dup = env.item(
        "B-D",
        "Invoice export",
        "rank: a1\nlabels: [billing, csv]\n",
        "## Acceptance criteria\n- [ ] csv downloads\n- [ ] Totals match the ledger\n",
    );
    let waits = env.item("B-X", "Waits", "rank: a2\ndepends_on: [B-D, B-Q]\n", "");
    let child = env.item("B-Y", "Child", "rank: a3\nparent: B-D\n", "");
    env.item("B-Q", "Unrelated", "rank: a4\n", "");
    env.commit_all("seed");
    env.run(&["merge", "b-d", "--into", "B-K"]).ok();
    assert_eq!(env.commit_count(), 2);
    let stat = env
        .git(&["show", "--stat", "--format=%s", "HEAD"])
        .ok()
        .stdout;
    assert!(stat.starts_with("backlog: merge B-D into B-K"), "{stat}");
    assert!(stat.contains("4 files changed"), "{stat}");
    let k = env.read(&keep);
    assert!(k.contains("labels: [billing, csv]\n"), "{k}");
    assert!(
        k.ends_with("- [ ] CSV downloads\n- [ ] Totals match the ledger\n"),
        "{k}"
    );
    let d = env.read(&dup);
    assert!(
        d.contains("status: duplicate\n") && d.contains("duplicate_of: B-K\n"),
        "{d}"
    );
    assert!(env.read(&waits).contains("depends_on: [B-K, B-Q]\n"));
    assert!(env.read(&child).contains("parent: B-K\n"));
    let diff = env
        .git(&["show", "--format=", "--unified=0", "HEAD", "--", &waits])
        .ok()
        .stdout;
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count(),
        1
    );
    // Merging again is refused: the duplicate is closed.
    env.run(&["merge", "B-D", "--into", "B-K"]).code(2);
    env.run(&["merge", "B-K", "--into", "B-K"]).code(2);
    env.assert_fsck();
}

#[test]
fn test_dupes_finds_the_near_duplicate_pair() {
    let env = TestEnv::new();
    env.item("B-1", "Export invoices to CSV", "", "As an accountant, I want to export invoices as CSV so that I can import them into the ledger.\n\n## Acceptance criteria\n- [ ] The CSV has one row per invoice\n");
    env.item(
        "B-2",
        "Reset a forgotten password",
        "",
        "As a user, I want to reset my password so that I can sign in again.\n",
    );
    env.item(
        "B-3",
        "Dark mode for the dashboard",
        "",
        "As a night owl, I want a dark theme so that my eyes rest.\n",
    );
    env.item("B-4", "CSV export of invoices", "", "As an accountant, I want invoices exported to CSV so that I can import them into the ledger.\n\n## Acceptance criteria\n- [ ] One row per invoice in the CSV\n");
    env.item(
        "B-5",
        "Export invoices to CSV",
        "status: done\n",
        "Closed items are skipped.\n",
    );
    env.commit_all("seed");
    let json = env.run(&["dupes", "--format", "json"]).ok().json();
    let pairs = json["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{json}");
    assert_eq!(pairs[0]["a"], "B-1");
    assert_eq!(pairs[0]["b"], "B-4");
    assert!(pairs[0]["score"].as_f64().unwrap() >= 0.5);
    assert_eq!(json["items"], 4);
    let text = env.run(&["dupes", "--threshold", "0.3"]).ok().stdout;
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("B-1  Export invoices to CSV"),
        "{text}"
    );
    env.run(&["dupes", "--threshold", "1.5"]).code(2);
}

#[test]
fn test_list_ready_and_blocked() {
    let env = TestEnv::new();
    env.item("B-1", "Done base", "rank: a0\nstatus: done\n", "");
    env.item("B-2", "Ready to go", "rank: a1\ndepends_on: [B-1]\n", "");
    env.item("B-3", "Waits for B-2", "rank: a2\ndepends_on: [B-2]\n", "");
    env.item("B-4", "No deps", "rank: a3\n", "");
    env.item(
        "B-5",
        "Waits for a ghost",
        "rank: a4\ndepends_on: [B-404]\n",
        "",
    );
    env.commit_all("seed");
    let ready = env
        .run(&["list", "--ready", "--format", "json"])
        .ok()
        .items();
    assert_eq!(ids(&ready), ["B-2", "B-4"]);
    let blocked = env
        .run(&["list", "--blocked", "--format", "json"])
        .ok()
        .items();
    assert_eq!(ids(&blocked), ["B-3", "B-5"]);
    env.run(&["list", "--ready", "--blocked"]).code(2);
}

#[test]
fn test_graph_formats_escape_titles() {
    let env = TestEnv::new();
    env.item(
        "B-1",
        r#"'Say "hi" [now] | {x} <b>'"#,
        "rank: a0\nstatus: in-progress\n",
        "",
    );
    env.item(
        "B-2",
        "'Back\\slash # ; end'",
        "rank: a1\ndepends_on: [B-1]\n",
        "",
    );
    env.item("B-3", "Far away", "rank: a2\ndepends_on: [B-2]\n", "");
    env.item("B-4", "Unrelated", "rank: a3\n", "");
    env.commit_all("seed");

    let m = env.run(&["graph", "--format", "mermaid"]).ok().stdout;
    assert!(m.starts_with("flowchart TD\n"), "{m}");
    assert!(m.contains(r#"n_B_1["B-1: Say #quot;hi#quot; #91;now#93; #124; #123;x#125; #60;b#62;<br/>in-progress"]"#), "{m}");
    assert!(
        m.contains("n_B_1 --> n_B_2\n") && m.contains("n_B_2 --> n_B_3\n"),
        "{m}"
    );
    assert!(m.contains("class n_B_2,n_B_3 blocked"), "{m}");
    for line in m.lines().filter(|l| l.contains("[\"")) {
        let inner = &line[line.find("[\"").unwrap() + 2..line.rfind("\"]").unwrap()];
        assert!(
            !inner.contains(['"', '[', ']', '|', '{', '}', '\\']),
            "{line}"
        );
    }

    let d = env.run(&["graph", "--format", "dot"]).ok().stdout;
    assert!(
        d.starts_with("digraph backlog {\n") && d.ends_with("}\n"),
        "{d}"
    );
    assert!(
        d.contains(r#""B-1" [label="B-1: Say \"hi\" [now] | {x} <b>\nin-progress""#),
        "{d}"
    );
    assert!(d.contains(r#"Back\\slash # ; end\ndraft, blocked""#), "{d}");
    assert!(d.contains("\"B-1\" -> \"B-2\";"), "{d}");

    let md = env.run(&["graph", "--format", "markdown"]).ok().stdout;
    assert!(
        md.starts_with("```mermaid\nflowchart TD\n") && md.ends_with("```\n"),
        "{md}"
    );

    let j = env
        .run(&["graph", "B-2", "--depth", "1", "--format", "json"])
        .ok()
        .json();
    let nodes: Vec<&str> = j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["B-1", "B-2", "B-3"]);
    assert_eq!(j["nodes"][1]["state"], "blocked");
    assert_eq!(j["edges"][0]["item"], "B-2");
    assert_eq!(j["edges"][0]["depends_on"], "B-1");
    let all = env.run(&["graph", "b-1", "--format", "json"]).ok().json();
    assert_eq!(
        all["nodes"].as_array().unwrap().len(),
        3,
        "transitive, without B-4"
    );

    let t = env.run(&["graph"]).ok().stdout;
    assert!(
        t.contains(
            "B-2  draft        Back\\slash # ; end  [blocked by B-1]\n     depends on B-1 (in-progress)\n"
        ),
        "{t}"
    );
    env.run(&["graph", "--format", "github"]).code(2);
    env.run(&["graph", "--depth", "1"]).code(2);
}
