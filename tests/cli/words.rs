//! Refining the words: `criteria`, `story`, `dod`; each run one commit with the minimal
//! diff, checked with the git CLI.

use crate::harness::TestEnv;

const BODY: &str = "As a user, I want SSO\nso that I have one password less.\n\n\
## Acceptance criteria\n- [ ] Reach the IdP\n- [x] Errors shown\n- [ ] Logout works\n\n\
## Notes\nKeep it short.\n";

fn seeded() -> (TestEnv, String) {
    let env = TestEnv::new();
    let path = env.item("B-1", "SSO", "status: ready\nestimate: 3\n", BODY);
    env.commit_all("seed");
    (env, path)
}

/// The removed and added lines of the last commit (`git show --unified=0`).
fn changed(env: &TestEnv) -> (Vec<String>, Vec<String>) {
    let diff = env.last_diff();
    let pick = |sign: char, header: &str| {
        diff.lines()
            .filter(|l| l.starts_with(sign) && !l.starts_with(header))
            .map(|l| l[1..].to_owned())
            .collect::<Vec<_>>()
    };
    (pick('-', "---"), pick('+', "+++"))
}

fn last_message(env: &TestEnv) -> String {
    env.git(&["log", "-1", "--format=%B"]).ok().stdout
}

/// Asserts the last command made exactly one commit touching only `path`, and a clean tree.
#[track_caller]
fn one_commit(env: &TestEnv, before: usize, path: &str) {
    assert_eq!(env.commit_count(), before + 1, "one commit per run");
    let files = env
        .git(&["show", "--format=", "--name-only", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(files.trim(), path);
    assert_eq!(env.status(), "", "git status clean");
}

#[test]
fn test_criteria_lists_numbered_text_and_json() {
    let (env, _) = seeded();
    let run = env.run(&["criteria", "b-1"]).ok();
    assert_eq!(
        run.stdout,
        "B-1  SSO\n1. [ ] Reach the IdP\n2. [x] Errors shown\n3. [ ] Logout works\n"
    );
    let json = env
        .run(&["--format", "json", "criteria", "B-1"])
        .ok()
        .json();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "schema");
    assert_eq!(json["acceptance_criteria"][1]["number"], 2);
    assert_eq!(json["acceptance_criteria"][1]["text"], "Errors shown");
    assert_eq!(json["acceptance_criteria"][1]["done"], true);
    assert_eq!(env.commit_count(), 1, "listing commits nothing");
}

#[test]
fn test_criteria_check_changes_one_character_of_one_line() {
    let (env, path) = seeded();
    env.run(&["criteria", "B-1", "--check", "3"]).ok();
    one_commit(&env, 1, &path);
    let (removed, added) = changed(&env);
    assert_eq!(removed, ["- [ ] Logout works"]);
    assert_eq!(added, ["- [x] Logout works"]);
    let differ = removed[0]
        .chars()
        .zip(added[0].chars())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differ, 1);
    assert_eq!(
        env.git(&["diff", "--numstat", "HEAD~1", "HEAD"])
            .ok()
            .stdout,
        format!("1\t1\t{path}\n")
    );
    let msg = last_message(&env);
    assert!(msg.starts_with("backlog: criteria B-1: check 3\n"), "{msg}");
    assert!(
        msg.contains("Backlog-Op: criteria\nBacklog-Items: B-1\n"),
        "{msg}"
    );
    env.assert_fsck();
}

#[test]
fn test_criteria_uncheck_and_check_several() {
    let (env, path) = seeded();
    env.run(&["criteria", "B-1", "--uncheck", "2"]).ok();
    one_commit(&env, 1, &path);
    assert_eq!(
        changed(&env),
        (
            vec!["- [x] Errors shown".to_owned()],
            vec!["- [ ] Errors shown".to_owned()]
        )
    );
    let run = env.run(&["criteria", "B-1", "--check", "1", "2", "3"]).ok();
    one_commit(&env, 2, &path);
    assert!(
        run.stdout
            .contains("1. [x] Reach the IdP\n2. [x] Errors shown\n3. [x] Logout works"),
        "{}",
        run.stdout
    );
    assert_eq!(changed(&env).0.len(), 3);
    // Nothing to change: no commit.
    let run = env.run(&["criteria", "B-1", "--check", "1"]).ok();
    assert!(run.stderr.contains("Nothing changed."), "{}", run.stderr);
    assert_eq!(env.commit_count(), 3);
}

#[test]
fn test_criteria_add_adds_one_line_and_creates_the_section() {
    let (env, path) = seeded();
    env.run(&["criteria", "B-1", "--add", "Session expires after 8 hours"])
        .ok();
    one_commit(&env, 1, &path);
    let (removed, added) = changed(&env);
    assert!(removed.is_empty());
    assert_eq!(added, ["- [ ] Session expires after 8 hours"]);
    assert!(
        env.read(&path)
            .contains("- [ ] Logout works\n- [ ] Session expires after 8 hours\n\n## Notes")
    );
    let msg = last_message(&env);
    assert!(
        msg.starts_with("backlog: criteria B-1: add \"Session expires after 8 hours\"\n"),
        "{msg}"
    );

    let other = env.item("B-2", "Bare", "", "Just a story.\n");
    env.commit_all("bare");
    env.run(&["criteria", "B-2", "--add", "One", "--add", "Two"])
        .ok();
    one_commit(&env, 3, &other);
    assert_eq!(
        env.read(&other),
        "---\nid: B-2\ntitle: Bare\n---\nJust a story.\n\n## Acceptance criteria\n- [ ] One\n- [ ] Two\n"
    );
}

#[test]
fn test_criteria_remove_edit_move() {
    let (env, path) = seeded();
    env.run(&["criteria", "B-1", "--remove", "2"]).ok();
    one_commit(&env, 1, &path);
    assert_eq!(
        changed(&env),
        (vec!["- [x] Errors shown".to_owned()], vec![])
    );

    env.run(&[
        "criteria",
        "B-1",
        "--edit",
        "2",
        "Logout ends the IdP session",
    ])
    .ok();
    one_commit(&env, 2, &path);
    assert_eq!(
        changed(&env),
        (
            vec!["- [ ] Logout works".to_owned()],
            vec!["- [ ] Logout ends the IdP session".to_owned()]
        )
    );
    assert!(last_message(&env).starts_with("backlog: criteria B-1: edit 2\n"));

    env.run(&["criteria", "B-1", "--move", "2", "--to", "1"])
        .ok();
    one_commit(&env, 3, &path);
    assert!(env.read(&path).contains(
        "## Acceptance criteria\n- [ ] Logout ends the IdP session\n- [ ] Reach the IdP\n\n## Notes"
    ));
    assert!(last_message(&env).starts_with("backlog: criteria B-1: move 2 -> 1\n"));
    let (removed, added) = changed(&env);
    assert_eq!(removed.len(), 1);
    assert_eq!(added.len(), 1);
}

#[test]
fn test_criteria_bad_input_exits_2_and_changes_nothing() {
    let (env, path) = seeded();
    let before = env.read(&path);
    let run = env.run(&["criteria", "B-1", "--check", "7"]).code(2);
    assert!(
        run.stderr
            .contains("B-1 has 3 acceptance criteria; there is no number 7"),
        "{}",
        run.stderr
    );
    env.run(&["criteria", "B-1", "--check", "x"]).code(2);
    env.run(&["criteria", "B-1", "--check", "1", "--remove", "2"])
        .code(2);
    env.run(&["criteria", "B-1", "--move", "1"]).code(2);
    env.run(&["criteria", "B-1", "--add", "two\nlines"]).code(2);
    env.run(&["criteria", "B-9", "--check", "1"]).code(2);
    assert_eq!(env.read(&path), before);
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_criteria_numbers_are_the_ones_split_give_uses() {
    let (env, _) = seeded();
    env.run(&["criteria", "B-1", "--move", "3", "--to", "1"])
        .ok();
    let run = env.run(&["criteria", "B-1"]).ok();
    assert!(run.stdout.contains("1. [ ] Logout works"));
    env.run(&[
        "split", "B-1", "--into", "Logout", "--into", "Rest", "--give", "1=1",
    ])
    .ok();
    let child = env.run(&["--format", "json", "list"]).ok().items();
    let logout = child
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Logout")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = env.run(&["criteria", &logout]).ok();
    assert!(run.stdout.contains("1. [ ] Logout works"), "{}", run.stdout);
}

#[test]
fn test_story_replaces_only_the_story_lines() {
    let (env, path) = seeded();
    env.run(&[
        "story",
        "B-1",
        "As an employee, I want to sign in with SSO so that I need no extra password.",
    ])
    .ok();
    one_commit(&env, 1, &path);
    let (removed, added) = changed(&env);
    assert_eq!(
        removed,
        ["As a user, I want SSO", "so that I have one password less."]
    );
    assert_eq!(
        added,
        ["As an employee, I want to sign in with SSO so that I need no extra password."]
    );
    let msg = last_message(&env);
    assert!(
        msg.starts_with("backlog: story B-1: As an employee"),
        "{msg}"
    );
    assert!(msg.contains("Backlog-Op: story\n"), "{msg}");
    let json = env.run(&["--format", "json", "show", "B-1"]).ok().json();
    assert_eq!(
        json["story"],
        "As an employee, I want to sign in with SSO so that I need no extra password."
    );
}

#[test]
fn test_story_from_stdin_and_into_an_item_without_one() {
    let env = TestEnv::new();
    let path = env.item("B-1", "SSO", "", "## Acceptance criteria\n- [ ] A\n");
    env.commit_all("seed");
    env.run_stdin(&["story", "B-1", "-"], "As a user,\nI want A\nso that B.\n")
        .ok();
    one_commit(&env, 1, &path);
    let (removed, added) = changed(&env);
    assert!(removed.is_empty());
    assert_eq!(added, ["As a user,", "I want A", "so that B.", ""]);
    assert_eq!(
        env.read(&path),
        "---\nid: B-1\ntitle: SSO\n---\nAs a user,\nI want A\nso that B.\n\n## Acceptance criteria\n- [ ] A\n"
    );
    let run = env.run(&["story", "B-1", "## not a story"]).code(2);
    assert!(run.stderr.contains("plain paragraphs"), "{}", run.stderr);
    env.run_stdin(&["story", "B-1", "-"], "  \n").code(2);
    assert_eq!(env.commit_count(), 2);
}

const TEAM: &str = "definition_of_done: [Code reviewed, Docs updated]\n";

#[test]
fn test_dod_lists_team_and_item_entries_and_checks_them_off() {
    let env = TestEnv::new();
    env.write("backlog/config.yml", TEAM);
    let path = env.item(
        "B-1",
        "SSO",
        "status: in-progress\n",
        "Story.\n\n## Definition of done\n- [ ] Load test on staging\n",
    );
    env.commit_all("seed");
    let run = env.run(&["dod", "B-1"]).ok();
    assert_eq!(
        run.stdout,
        "B-1  SSO\n1. [ ] Code reviewed  (team)\n2. [ ] Docs updated  (team)\n3. [ ] Load test on staging\n"
    );
    let json = env.run(&["--format", "json", "dod", "B-1"]).ok().json();
    assert_eq!(json["definition_of_done"][0]["team"], true);
    assert_eq!(
        json["definition_of_done"][2]["text"],
        "Load test on staging"
    );

    // The item's own entry: one character of one line.
    env.run(&["dod", "B-1", "--check", "3"]).ok();
    one_commit(&env, 1, &path);
    assert_eq!(
        changed(&env),
        (
            vec!["- [ ] Load test on staging".to_owned()],
            vec!["- [x] Load test on staging".to_owned()]
        )
    );
    assert!(last_message(&env).starts_with("backlog: dod B-1: check 3\n"));
    // A team entry the item does not list yet: one line added, checked.
    env.run(&["dod", "B-1", "--check", "1"]).ok();
    one_commit(&env, 2, &path);
    assert_eq!(
        changed(&env),
        (vec![], vec!["- [x] Code reviewed".to_owned()])
    );
    let run = env.run(&["dod", "B-1"]).ok();
    assert!(
        run.stdout.contains(
            "1. [x] Code reviewed  (team)\n2. [ ] Docs updated  (team)\n3. [x] Load test"
        ),
        "{}",
        run.stdout
    );
    // Team entries cannot be removed or edited for one item.
    let run = env.run(&["dod", "B-1", "--remove", "2"]).code(2);
    assert!(
        run.stderr.contains("team's definition of done"),
        "{}",
        run.stderr
    );
    env.run(&["dod", "B-1", "--add", "Feature flag removed"])
        .ok();
    one_commit(&env, 3, &path);
    assert_eq!(
        changed(&env),
        (vec![], vec!["- [ ] Feature flag removed".to_owned()])
    );
}

#[test]
fn test_done_gate_check_set_and_plan() {
    let env = TestEnv::new();
    env.write("backlog/config.yml", TEAM);
    let path = env.item(
        "B-1",
        "SSO",
        "status: in-progress\nestimate: 3\n",
        "Story.\n\n## Acceptance criteria\n- [x] A\n- [ ] B\n",
    );
    env.commit_all("seed");
    // Not done yet: no finding.
    env.run(&["check"]).ok();

    let run = env.run(&["set", "B-1", "status=done"]).ok();
    one_commit(&env, 1, &path);
    assert!(
        run.stderr.contains(
            "warning: B-1 is done, but 1 acceptance criterion is unchecked (2. \"B\") and 2 \
             definition-of-done entries are unchecked (1. \"Code reviewed\", 2. \"Docs updated\")"
        ),
        "{}",
        run.stderr
    );
    // A warning by default: check passes, --strict fails, JSON names the rule.
    let run = env.run(&["check"]).ok();
    assert!(
        run.stdout
            .contains("backlog/B-1-item.md:11: warning[done-incomplete]: B-1 is done, but"),
        "{}",
        run.stdout
    );
    env.run(&["check", "--strict"]).code(1);
    let json = env.run(&["--format", "json", "check"]).ok().json();
    assert_eq!(json["findings"][0]["rule"], "done-incomplete");
    let run = env.run(&["plan", "--capacity", "10"]).ok();
    assert!(
        run.stderr.contains(
            "warning: 1 done item with unchecked acceptance criteria or definition of done (B-1)"
        ),
        "{}",
        run.stderr
    );

    // Severity is configurable.
    env.write(
        "backlog/config.yml",
        &format!("{TEAM}rules:\n  done_incomplete: {{severity: error}}\n"),
    );
    env.run(&["check"]).code(1);

    // Checking everything off closes the gate.
    env.run(&["criteria", "B-1", "--check", "2"]).ok();
    env.run(&["dod", "B-1", "--check", "1", "2"]).ok();
    env.run(&["check"]).ok();
    let run = env.run(&["plan", "--capacity", "10"]).ok();
    assert!(!run.stderr.contains("done item"), "{}", run.stderr);
}

#[test]
fn test_add_uses_the_type_template_and_templates_are_not_items() {
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    let tracked = env.git(&["ls-files"]).ok().stdout;
    assert!(tracked.contains("backlog/templates/bug.md"), "{tracked}");
    // The example template is not an item: list and check ignore it.
    assert_eq!(
        env.run(&["--format", "json", "list"]).ok().items(),
        serde_json::json!([])
    );
    env.run(&["check"]).ok();

    let run = env
        .run(&[
            "--format",
            "json",
            "add",
            "Crash on HEIC upload",
            "--type",
            "bug",
            "--owner",
            "sam",
        ])
        .ok();
    let item = &run.json()["items"][0];
    assert_eq!(item["labels"], serde_json::json!(["bug"]));
    assert_eq!(item["owner"], "sam");
    let path = item["path"].as_str().unwrap().to_owned();
    let text = env.read(&path);
    assert!(
        text.contains("---\n## Steps to reproduce\n1.\n\n## Expected behaviour\n"),
        "{text}"
    );
    assert!(
        text.contains("- [ ] A regression test covers it.\n"),
        "{text}"
    );
    let criteria = env
        .run(&["criteria", item["id"].as_str().unwrap()])
        .ok()
        .stdout;
    assert!(
        criteria.contains("1. [ ] The steps above no longer reproduce the problem."),
        "{criteria}"
    );

    // A custom template: defaults, command-line options win, story and criteria merge in.
    env.write(
        "backlog/templates/story.md",
        "---\n# defaults for stories\nestimate: 3\nlabels: [web]\npriority: high\n---\nAs a …, I want … so that ….\n\n## Acceptance criteria\n\n## Notes\nSee the design doc.\n",
    );
    env.commit_all("story template");
    let run = env
        .run(&[
            "--format",
            "json",
            "add",
            "Dark mode",
            "--label",
            "ux",
            "--story",
            "As a user, I want a dark theme so that my eyes rest.",
            "--ac",
            "Follows the OS setting",
        ])
        .ok();
    let item = &run.json()["items"][0];
    assert_eq!(item["labels"], serde_json::json!(["ux"]));
    assert_eq!(item["estimate"], 3);
    assert_eq!(item["priority"], "high");
    let text = env.read(item["path"].as_str().unwrap());
    assert!(
        text.ends_with("---\nAs a user, I want a dark theme so that my eyes rest.\n\n## Acceptance criteria\n- [ ] Follows the OS setting\n\n## Notes\nSee the design doc.\n"),
        "{text}"
    );
    assert!(run.stderr.is_empty() || !run.stderr.contains("error"));

    // A broken template: exit 2, file and line named, nothing written.
    env.write("backlog/templates/task.md", "---\nstatus: bogus\n---\n");
    let before = env.commit_count();
    let run = env.run(&["add", "Chore", "--type", "task"]).code(2);
    assert!(
        run.stderr
            .contains("backlog/templates/task.md:2: unknown status"),
        "{}",
        run.stderr
    );
    assert_eq!(env.commit_count(), before);
}
