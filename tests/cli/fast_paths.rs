//! The read and commit paths that issue 7 made faster: `list` renders per item while
//! loading, `show`/`estimate` scan only file names, and the commit reads the index once.
//! These tests pin the observable behaviour those optimisations must keep.

use crate::harness::TestEnv;

fn sample(env: &TestEnv) {
    env.item(
        "B-0001",
        "First",
        "rank: a1\nstatus: ready\nestimate: 3\nlabels: [web, api]\nowner: sam\n",
        "As a user, I want x so that y.\n",
    );
    env.item(
        "B-0002",
        "\"Second: with a colon\"",
        "rank: a0\nlabels:\n  - web\n",
        "Body.\n",
    );
    env.item(
        "B-0003",
        "Third",
        "created: 2026-01-02\ntype: bug\n",
        "Body.\n",
    );
    env.write(
        "backlog/sub/B-0004-nested.md",
        "---\nid: B-0004\ntitle: Nested\nrank: a2\n---\n",
    );
}

#[test]
fn test_list_json_is_the_pretty_envelope_of_items() {
    let env = TestEnv::new();
    sample(&env);
    let run = env.run(&["list", "--format", "json"]).ok();
    let value = run.json();
    // Byte-for-byte what serde_json's pretty printer writes for the whole object.
    assert_eq!(
        run.stdout,
        format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
    );
    assert_eq!(value["schema"], 1);
    let items = run.items();
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["B-0002", "B-0001", "B-0004", "B-0003"]);
    assert_eq!(items[0]["title"], "Second: with a colon");
    assert_eq!(items[0]["labels"], serde_json::json!(["web"]));
    assert_eq!(items[1]["estimate"], 3);
    assert_eq!(items[2]["path"], "backlog/sub/B-0004-nested.md");
}

#[test]
fn test_list_json_empty_and_filtered() {
    let env = TestEnv::new();
    const EMPTY: &str = "{\n  \"schema\": 1,\n  \"items\": []\n}\n";
    assert_eq!(env.run(&["list", "--format", "json"]).ok().stdout, EMPTY);
    sample(&env);
    let run = env
        .run(&["list", "--format", "json", "--label", "api"])
        .ok();
    assert_eq!(
        run.stdout,
        format!("{}\n", serde_json::to_string_pretty(&run.json()).unwrap())
    );
    assert_eq!(run.items().as_array().unwrap().len(), 1);
    let none = env
        .run(&["list", "--format", "json", "--owner", "nobody"])
        .ok();
    assert_eq!(none.stdout, EMPTY);
}

#[test]
fn test_list_text_aligns_columns_and_warns_about_broken_files() {
    let env = TestEnv::new();
    sample(&env);
    env.write(
        "backlog/B-0009-broken.md",
        "---\nid: B-0009\ntitle: [unclosed\n---\n",
    );
    let run = env.run(&["list", "--quiet"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert_eq!(
        lines[1],
        "B-0001  ready  3  First                 @sam  [web, api]"
    );
    assert!(
        lines[3].starts_with("B-0003  draft  -  Third"),
        "{}",
        lines[3]
    );
    assert!(
        run.stderr
            .contains("backlog/B-0009-broken.md:4: invalid YAML"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_show_and_estimate_find_items_by_name_prefix_anywhere() {
    let env = TestEnv::new();
    sample(&env);
    env.write(
        "backlog/renamed.md",
        "---\nid: B-0005\ntitle: Renamed file\n---\n",
    );
    env.commit_all("items");
    let shown = env.run(&["show", "b-0004", "--format", "json"]).ok().json();
    assert_eq!(shown["title"], "Nested");
    let shown = env.run(&["show", "B-0005", "--format", "json"]).ok().json();
    assert_eq!(shown["path"], "backlog/renamed.md");
    let err = env.run(&["show", "B-000"]).code(2);
    assert!(err.stderr.contains("ambiguous"), "{}", err.stderr);
    env.run(&["estimate", "B-0004", "5"]).ok();
    assert!(
        env.read("backlog/sub/B-0004-nested.md")
            .contains("estimate: 5\n")
    );
    assert_eq!(env.status(), "");
    env.assert_fsck();
}

#[test]
fn test_estimate_commits_only_its_file_and_keeps_staged_work_staged() {
    let env = TestEnv::new();
    sample(&env);
    env.write("notes.txt", "v1\n");
    env.commit_all("items");
    env.write("notes.txt", "v2\n");
    env.git(&["add", "notes.txt"]).ok();
    env.run(&["estimate", "B-0001", "8"]).ok();
    assert_eq!(env.commit_count(), 2);
    let files = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(files, "backlog/B-0001-item.md\n");
    // The estimate's file is clean in the index; the staged note is still staged.
    assert_eq!(env.status(), "M  notes.txt\n");
    // An uncommitted edit to the item is refused, and nothing is written.
    env.write(
        "backlog/B-0001-item.md",
        &env.read("backlog/B-0001-item.md")
            .replace("First", "First!"),
    );
    let err = env.run(&["estimate", "B-0001", "3"]).code(2);
    assert!(err.stderr.contains("uncommitted"), "{}", err.stderr);
    assert!(env.read("backlog/B-0001-item.md").contains("estimate: 8\n"));
    env.assert_fsck();
}
