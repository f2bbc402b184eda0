//! `list --tree`, `list --group-by`, `list --search` and `show` of a parent: snapshot
//! tests of the text and JSON output on a fixed backlog.

use crate::harness::TestEnv;

/// An epic split into children (one of them split again), plus loose items.
fn backlog() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "backlog/config.yml",
        "definition_of_done: [Code reviewed]\n",
    );
    env.item(
        "B-EPIC",
        "Enterprise sign-in",
        "type: epic\nstatus: split\nrank: a0\nestimate: 40\nlabels: [auth]\n",
        "As an admin, I want SSO so that members use one account.\n",
    );
    env.item(
        "B-SSO1",
        "SSO with Okta",
        "status: done\nrank: a1\nestimate: 8\nparent: B-EPIC\nowner: dana\nlabels: [auth, web]\nsprint: 2026-S9\n",
        "As a member, I want Okta so that I sign in once.\n\n## Acceptance criteria\n- [x] Okta works\n",
    );
    env.item(
        "B-SCIM",
        "Provision users via SCIM",
        "status: split\nrank: a2\nestimate: 13\nparent: B-EPIC\nlabels: [auth, api]\n",
        "Users come and go with the IdP.\n",
    );
    env.item(
        "B-SC1A",
        "SCIM create users",
        "status: done\nrank: a3\nestimate: 5\nparent: B-SCIM\nowner: lee\nsprint: 2026-S10\n",
        "Create.\n\n## Notes\nTalk to the Okta team about rate limits.\n",
    );
    env.item(
        "B-SC1B",
        "SCIM deactivate users",
        "status: ready\nrank: a4\nestimate: 3\nparent: B-SCIM\nowner: lee\nsprint: 2026-S10\n",
        "Deactivate.\n",
    );
    env.item(
        "B-RQSS",
        "Require SSO for all members",
        "status: draft\nrank: a5\nparent: B-EPIC\nowner: dana\n",
        "Admins can require it.\n",
    );
    env.item(
        "B-DARK",
        "Dark mode",
        "type: story\nstatus: in-progress\nrank: a6\nestimate: 3\nlabels: [web]\nowner: priya\nsprint: 2026-S10\n",
        "As a user, I want a dark theme so that my eyes rest.\n",
    );
    env.item(
        "B-BUG1",
        "Crash on HEIC upload",
        "type: bug\nstatus: ready\nrank: a7\nestimate: 2\n",
        "The Android app crashes.\n",
    );
    env.commit_all("seed");
    env
}

#[test]
fn test_list_tree_text_and_json() {
    let env = backlog();
    let run = env.run(&["list", "--tree", "--all"]).ok();
    insta::assert_snapshot!("tree_text", run.stdout);
    let run = env
        .run(&["list", "--tree", "--all", "--format", "json"])
        .ok();
    let json = run.json();
    assert_eq!(json.as_object().unwrap().keys().next().unwrap(), "schema");
    assert_eq!(json["tree"][0]["rollup"]["points_done"], 13);
    assert_eq!(json["tree"][0]["rollup"]["points_total"], 16);
    insta::assert_snapshot!("tree_json", run.stdout);
}

#[test]
fn test_list_tree_with_a_filter_lifts_children_and_keeps_rollups() {
    let env = backlog();
    let run = env.run(&["list", "--tree", "--label", "auth"]).ok();
    insta::assert_snapshot!("tree_text_label_auth", run.stdout);
}

#[test]
fn test_list_group_by_text_and_json() {
    let env = backlog();
    let run = env.run(&["list", "--group-by", "status"]).ok();
    insta::assert_snapshot!("group_by_status_text", run.stdout);
    let run = env
        .run(&["list", "--group-by", "status", "--format", "json"])
        .ok();
    let json = run.json();
    assert_eq!(json["group_by"], "status");
    assert_eq!(json["groups"][0]["value"], "draft");
    insta::assert_snapshot!("group_by_status_json", run.stdout);
    for key in ["owner", "label", "sprint", "parent", "type"] {
        let run = env.run(&["list", "--group-by", key]).ok();
        insta::assert_snapshot!(format!("group_by_{key}_text"), run.stdout);
    }
    let run = env
        .run(&["list", "--group-by", "parent", "--format", "json"])
        .ok();
    insta::assert_snapshot!("group_by_parent_json", run.stdout);
    let run = env.run(&["list", "--group-by", "nope"]).code(2);
    // Built-in keys and the custom fields config.yml declares.
    assert!(
        run.stderr.contains("use one of: status, owner, label"),
        "{}",
        run.stderr
    );
    env.run(&["list", "--group-by", "status", "--tree"]).code(2);
}

#[test]
fn test_show_of_a_parent_lists_children_with_rollup() {
    let env = backlog();
    let run = env.run(&["show", "B-EPIC"]).ok();
    insta::assert_snapshot!("show_parent_text", run.stdout);
    let json = env.run(&["show", "B-EPIC", "--format", "json"]).ok().json();
    let children: Vec<&str> = json["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["B-SSO1", "B-SCIM", "B-RQSS"]);
    assert_eq!(json["rollup"]["items_total"], 4);
    let leaf = env.run(&["show", "B-DARK", "--format", "json"]).ok().json();
    assert_eq!(leaf["children"], serde_json::json!([]));
    assert_eq!(leaf["rollup"], serde_json::Value::Null);
    assert!(
        !env.run(&["show", "B-DARK"])
            .ok()
            .stdout
            .contains("Children")
    );
}

#[test]
fn test_list_search_all_words_case_insensitive_text_and_json() {
    let env = backlog();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["--format", "json", "list", "--all"];
        full.extend_from_slice(args);
        env.run(&full)
            .ok()
            .items()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Title, story, criteria and notes are searched.
    assert_eq!(ids(&["--search", "OKTA"]), ["B-SSO1", "B-SC1A"]);
    assert_eq!(ids(&["--search", "okta rate limits"]), ["B-SC1A"]);
    assert_eq!(ids(&["--search", "okta works"]), ["B-SSO1"]);
    assert_eq!(ids(&["--search", "dark eyes"]), ["B-DARK"]);
    assert!(ids(&["--search", "okta dark"]).is_empty());
    // With the other filters.
    assert_eq!(ids(&["--search", "scim", "--status", "ready"]), ["B-SC1B"]);
    let run = env
        .run(&["list", "--quiet", "--all", "--search", "scim"])
        .ok();
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
    assert!(run.stdout.starts_with("B-SCIM"), "{}", run.stdout);
    // Without --all, the done and split ones are left out.
    let run = env.run(&["list", "--quiet", "--search", "scim"]).ok();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    // And in the outline views.
    let run = env
        .run(&["list", "--tree", "--all", "--search", "scim"])
        .ok();
    assert!(
        run.stdout.contains("B-SCIM") && run.stdout.contains("└─ B-SC1B"),
        "{}",
        run.stdout
    );
    env.run(&["list", "--search", "  "]).code(2);
}
