//! Issue 12, "the first hour": one end-to-end regression test per bug of the newcomer
//! report (`bugs 1-9, 11, 13, 14`; 10 and 12 are the terminal's) with the report's own
//! reproduction, checked with the git CLI where something is (or must not be) committed.

use std::path::Path;

use crate::harness::TestEnv;

/// A repository holding a copy of `examples/demo/backlog`, committed.
fn demo() -> TestEnv {
    let env = TestEnv::new();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo/backlog");
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), env.path("backlog").join(entry.file_name())).unwrap();
    }
    env.commit_all("Demo backlog");
    env
}

/// The path of the demo item file whose name starts with `id`.
fn file_of(env: &TestEnv, id: &str) -> String {
    for entry in std::fs::read_dir(env.path("backlog")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with(&format!("{id}-")) {
            return format!("backlog/{name}");
        }
    }
    panic!("no file for {id}");
}

// ---- bug 1: discovery never climbs into an unrelated ancestor ----------------------

#[test]
fn test_bug1_init_outside_git_never_writes_into_an_ancestor_backlog_folder() {
    let env = TestEnv::bare_dir();
    // `git clone …/backlog` next to a scratch folder: an unrelated `backlog/` above.
    env.write("sandbox/backlog/README.md", "the tool's own checkout\n");
    std::fs::create_dir_all(env.path("sandbox/proj")).unwrap();
    let r = env.run(&["-C", "sandbox/proj", "init"]).ok();
    let created = env.path("sandbox/proj/backlog/config.yml");
    assert!(created.is_file(), "{}", r.stderr);
    assert!(!env.path("sandbox/backlog/config.yml").exists());
    // The message names the absolute path it created.
    assert!(
        r.stderr.contains(&format!(
            "Initialized the backlog in {}.",
            created.display()
        )),
        "{}",
        r.stderr
    );
    let r = env.run(&["-C", "sandbox/proj", "add", "Oops"]).ok();
    assert!(!r.stderr.contains("using"), "{}", r.stderr);
    let in_ancestor = std::fs::read_dir(env.path("sandbox/backlog"))
        .unwrap()
        .count();
    assert_eq!(in_ancestor, 1, "the ancestor folder gained files");
    let mine = std::fs::read_dir(env.path("sandbox/proj/backlog"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with("-oops.md"))
        .count();
    assert_eq!(mine, 1);
}

#[test]
fn test_bug1_commands_outside_git_ignore_an_ancestor_folder_that_is_no_backlog() {
    let env = TestEnv::bare_dir();
    env.write("sandbox/backlog/CHANGELOG.md", "# not an item\n");
    std::fs::create_dir_all(env.path("sandbox/proj")).unwrap();
    let r = env.run(&["-C", "sandbox/proj", "list"]).code(2);
    assert!(r.stderr.contains("no backlog folder"), "{}", r.stderr);
    assert!(r.stderr.contains("backlog init"), "{}", r.stderr);
    assert!(!r.stderr.contains("missing front matter"), "{}", r.stderr);
}

#[test]
fn test_bug1_a_backlog_above_the_current_folder_is_named_on_stderr() {
    // Outside git: a real backlog (with its config.yml) above is used, and said.
    let env = TestEnv::bare_dir();
    env.run(&["-C", ".", "init"]).ok();
    std::fs::create_dir_all(env.path("docs/deep")).unwrap();
    let r = env.run(&["-C", "docs/deep", "add", "From below"]).ok();
    assert!(
        r.stderr.starts_with("using ../../backlog\n"),
        "{}",
        r.stderr
    );
    let r = env.run(&["-C", "docs/deep", "list", "--quiet"]).ok();
    assert!(
        !r.stderr.contains("using"),
        "--quiet silences it: {}",
        r.stderr
    );
    assert!(r.stdout.contains("From below"));
    // Inside git: from a subfolder of the repository, the root's backlog, said.
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    std::fs::create_dir_all(env.path("src")).unwrap();
    let r = env.run(&["-C", "src", "add", "In git"]).ok();
    assert!(r.stderr.starts_with("using ../backlog\n"), "{}", r.stderr);
    let r = env.run(&["add", "At the root"]).ok();
    assert!(!r.stderr.contains("using"), "{}", r.stderr);
    // `init` in a subfolder of a repository creates the backlog at the root.
    let env = TestEnv::new();
    std::fs::remove_dir(env.path("backlog")).unwrap();
    std::fs::create_dir_all(env.path("src")).unwrap();
    let r = env.run(&["-C", "src", "init"]).ok();
    assert!(env.path("backlog/config.yml").is_file(), "{}", r.stderr);
    let r = env.run(&["-C", "src", "init"]).code(2);
    let existing = env.path("backlog/config.yml");
    assert!(
        r.stderr
            .contains(&format!("{} already exists", existing.display())),
        "{}",
        r.stderr
    );
}

// ---- bug 2: merge refuses a done duplicate -----------------------------------------

#[test]
fn test_bug2_merge_refuses_a_done_duplicate_and_writes_nothing() {
    let env = demo();
    let before = env.commit_count();
    // B-3M1Q is done (sprint 2026-S21).
    let r = env.run(&["merge", "B-3M1Q", "--into", "B-K7HR"]).code(2);
    assert!(r.stderr.contains("error: B-3M1Q is done"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("hint: if B-K7HR repeats B-3M1Q, merge the other way"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.status(), "");
    // A split item is closed: its children carry its work.
    let r = env.run(&["merge", "B-2A9C", "--into", "B-K7HR"]).code(2);
    assert!(
        r.stderr.contains("B-2A9C is closed (split)"),
        "{}",
        r.stderr
    );
    // Into a done item is allowed (new work that repeats finished work), and said.
    env.run(&["merge", "B-K7HR", "--into", "B-3M1Q"]).ok();
    let message = env.git(&["log", "-1", "--format=%B"]).ok().stdout;
    assert!(
        message.contains("B-3M1Q is done: check the criteria it gained, or reopen it."),
        "{message}"
    );
}

// ---- bug 5: set refuses a dependency cycle; bug 14: dependencies on closed items ----

#[test]
fn test_bug5_set_refuses_a_dependency_cycle_naming_it() {
    let env = demo();
    let before = env.commit_count();
    // B-7KX2 already depends on B-3M1Q.
    let r = env.run(&["set", "B-3M1Q", "depends_on=[B-7KX2]"]).code(2);
    assert!(
        r.stderr.contains(
            "error: B-3M1Q cannot depend on B-7KX2: that makes a dependency cycle \
             B-3M1Q -> B-7KX2 -> B-3M1Q"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.status(), "");
    // A longer cycle, through a prefix in any case: B-N4GS -> B-7KX2 -> B-3M1Q.
    let r = env.run(&["set", "B-3M1Q", "depends_on=[b-n4]"]).code(2);
    assert!(
        r.stderr.contains("B-3M1Q -> B-N4GS -> B-7KX2 -> B-3M1Q"),
        "{}",
        r.stderr
    );
    // A dependency that closes no cycle is fine, and `check` stays clean of cycles.
    env.run(&["set", "B-3M1Q", "depends_on=[B-HX07]"]).ok();
    let check = env.run(&["check", "--format", "json"]);
    assert!(
        !check.stdout.contains("dependency-cycle"),
        "{}",
        check.stdout
    );
}

#[test]
fn test_bug14_dependencies_on_split_or_duplicate_items_are_refused_with_what_instead() {
    let env = demo();
    let before = env.commit_count();
    // B-2A9C was split into B-7KX2, B-N4GS and B-W1YH.
    let r = env
        .run(&["add", "Audit SSO", "--depends-on", "B-2A9C"])
        .code(2);
    assert!(
        r.stderr.contains("error: B-2A9C is closed (split)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "hint: B-2A9C was split: depend on its children instead: B-7KX2, B-N4GS, B-W1YH"
        ),
        "{}",
        r.stderr
    );
    let r = env.run(&["set", "B-AR0W", "depends_on=[B-2A9C]"]).code(2);
    assert!(
        r.stderr.contains("B-2A9C is closed (split)"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before);
    // A duplicate points at the item it was merged into.
    env.run(&["merge", "B-SZ3K", "--into", "B-M5QA"]).ok();
    let r = env.run(&["set", "B-AR0W", "depends_on=[B-SZ3K]"]).code(2);
    assert!(
        r.stderr
            .contains("hint: B-SZ3K was merged into B-M5QA: depend on B-M5QA instead"),
        "{}",
        r.stderr
    );
    // An existing dependency on a closed item does not block other edits of the list.
    env.write(
        &file_of(&env, "B-AR0W"),
        &env.read(&file_of(&env, "B-AR0W")).replacen(
            "status: draft\n",
            "status: draft\ndepends_on: [B-2A9C]\n",
            1,
        ),
    );
    env.commit_all("by hand");
    env.run(&["set", "B-AR0W", "depends_on=[B-2A9C, B-HX07]"])
        .ok();
}

// ---- bug 6: set warns on unknown keys; check has an optional unknown-key rule -------

#[test]
fn test_bug6_set_warns_did_you_mean_and_check_can_report_unknown_keys() {
    let env = demo();
    let r = env.run(&["set", "B-7KX2", "stauts=done"]).ok();
    assert!(
        r.stderr
            .contains("warning: unknown key `stauts`: did you mean `status`?"),
        "{}",
        r.stderr
    );
    // Still set (unknown keys are allowed), one commit.
    assert!(env.last_diff().contains("+stauts: done"));
    // Off by default…
    let r = env.run(&["check", "--format", "json"]);
    assert!(!r.stdout.contains("unknown-key"), "{}", r.stdout);
    // …on when the team asks for it.
    let config = env.read("backlog/config.yml");
    env.write(
        "backlog/config.yml",
        &format!("{config}rules:\n  unknown_key: {{enabled: true, severity: warning}}\n"),
    );
    let r = env.run(&["check", "--format", "json"]);
    let findings = r.json()["findings"].as_array().unwrap().clone();
    let unknown: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "unknown-key")
        .collect();
    assert_eq!(unknown.len(), 1, "{findings:?}");
    assert_eq!(unknown[0]["item"], "B-7KX2");
    assert_eq!(unknown[0]["severity"], "warning");
    assert!(
        unknown[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `status`?")
    );
    let line = unknown[0]["line"].as_u64().unwrap() as usize;
    let file = env.read(unknown[0]["path"].as_str().unwrap());
    assert_eq!(file.lines().nth(line - 1), Some("stauts: done"));
}

#[test]
fn test_set_status_ready_warns_why_it_fails_the_definition_of_ready() {
    let env = demo();
    // B-AR0W is a draft story without an estimate.
    let r = env.run(&["set", "B-AR0W", "status=ready"]).ok();
    assert!(
        r.stderr
            .contains("warning: B-AR0W is now `ready` but fails the definition of ready"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("estimate-missing"), "{}", r.stderr);
    // It is set all the same: `check` is the gate.
    assert!(env.last_diff().contains("+status: ready"));
    assert_eq!(env.run(&["check"]).code, 1);
    // An item that passes gets no warning.
    let r = env.run(&["set", "B-M5QA", "status=draft"]).ok();
    let r2 = env.run(&["set", "B-M5QA", "status=ready"]).ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert!(!r2.stderr.contains("warning"), "{}", r2.stderr);
}

// ---- bugs 7, 8: show is the complete view ------------------------------------------

#[test]
fn test_bug7_show_numbers_criteria_as_split_give_counts_them() {
    let env = demo();
    let r = env.run(&["show", "B-F8TJ"]).ok();
    assert!(
        r.stdout
            .contains("1. [ ] I can connect a QuickBooks Online company via OAuth.\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("5. [ ] Disconnecting QuickBooks stops all further syncing.\n"),
        "{}",
        r.stdout
    );
    // `split --give 2=5` hands the fifth criterion as `show` numbers it.
    env.run(&[
        "split",
        "B-F8TJ",
        "--into",
        "Connect",
        "--into",
        "Disconnect",
        "--give",
        "2=5",
    ])
    .ok();
    let children = env.run(&["show", "B-F8TJ", "--format", "json"]).ok().json();
    let second = children["children"][1]["id"].as_str().unwrap().to_owned();
    let child = env.run(&["show", &second, "--format", "json"]).ok().json();
    assert_eq!(
        child["acceptance_criteria"][0]["text"],
        "Disconnecting QuickBooks stops all further syncing."
    );
    assert_eq!(child["acceptance_criteria"][0]["number"], 1);
    // The split parent lists its children.
    let r = env.run(&["show", "B-F8TJ"]).ok();
    assert!(r.stdout.contains("Children: "), "{}", r.stdout);
    assert!(r.stdout.contains(&second), "{}", r.stdout);
}

#[test]
fn test_bug8_show_prints_the_whole_body_dependencies_and_dependents() {
    let env = demo();
    let r = env.run(&["show", "B-F8TJ"]).ok();
    assert!(
        r.stdout.contains("## Notes\nCovers connection"),
        "{}",
        r.stdout
    );
    // Its dependency with its status, and what depends on it.
    assert!(
        r.stdout
            .contains("Depends on:\n  B-6CWF  ready  Approve or reject team expenses\n"),
        "{}",
        r.stdout
    );
    let r = env.run(&["show", "B-6CWF"]).ok();
    assert!(r.stdout.contains("Needed by:\n"), "{}", r.stdout);
    for id in ["B-F8TJ", "B-K7HR", "B-PB3Z"] {
        assert!(r.stdout.contains(&format!("  {id}  ")), "{}", r.stdout);
    }
    // The same in JSON, `schema` first, with `body`.
    let j = env.run(&["show", "B-F8TJ", "--format", "json"]).ok();
    assert!(j.stdout.starts_with("{\n  \"schema\": 1,"), "{}", j.stdout);
    let j = j.json();
    assert!(
        j["body"]
            .as_str()
            .unwrap()
            .contains("## Notes\nCovers connection")
    );
    assert_eq!(j["dependencies"][0]["id"], "B-6CWF");
    assert_eq!(j["dependencies"][0]["status"], "ready");
    let dependents = env.run(&["show", "B-6CWF", "--format", "json"]).ok().json();
    let ids: Vec<&str> = dependents["dependents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&"B-PB3Z"));
}

// ---- bug 9: filters are case-insensitive and checked --------------------------------

#[test]
fn test_bug9_filters_match_case_insensitively() {
    let env = demo();
    let exact = env
        .run(&["list", "--status", "ready", "--format", "json"])
        .ok()
        .json();
    let upper = env
        .run(&["list", "--status", "READY", "--format", "json"])
        .ok()
        .json();
    assert!(!exact["items"].as_array().unwrap().is_empty());
    assert_eq!(exact, upper);
    for (flag, lower, other) in [
        ("--owner", "dana", "Dana"),
        ("--label", "auth", "AUTH"),
        ("--type", "story", "Story"),
    ] {
        let a = env
            .run(&["list", flag, lower, "--format", "json"])
            .ok()
            .json();
        let b = env
            .run(&["list", flag, other, "--format", "json"])
            .ok()
            .json();
        assert!(!a["items"].as_array().unwrap().is_empty(), "{flag} {lower}");
        assert_eq!(a, b, "{flag} {other}");
    }
    let r = env
        .run(&["rank", "--by", "wsjf", "--status", "Ready", "--dry-run"])
        .ok();
    assert!(!r.stdout.trim().is_empty(), "{}", r.stderr);
}

#[test]
fn test_bug9_unknown_status_or_type_is_a_usage_error_listing_the_known_ones() {
    let env = demo();
    let r = env.run(&["list", "--status", "nonsense"]).code(2);
    assert!(
        r.stderr
            .contains("unknown status \"nonsense\" in --status; known: draft, ready"),
        "{}",
        r.stderr
    );
    let r = env.run(&["list", "--type", "storey"]).code(2);
    assert!(
        r.stderr
            .contains("unknown type \"storey\" in --type; known: story"),
        "{}",
        r.stderr
    );
    let r = env.run(&["matrix", "--status", "nonsense"]).code(2);
    assert!(r.stderr.contains("unknown status"), "{}", r.stderr);
    let r = env
        .run(&["rank", "--by", "wsjf", "--status", "nonsense", "--dry-run"])
        .code(2);
    assert!(r.stderr.contains("unknown status"), "{}", r.stderr);
    // Closed statuses are known.
    env.run(&["list", "--status", "split"]).ok();
}

#[test]
fn test_bug9_an_empty_result_says_so_on_stderr() {
    let env = demo();
    let r = env.run(&["list", "--owner", "nobody"]).ok();
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("0 items match"), "{}", r.stderr);
    let r = env
        .run(&["list", "--owner", "nobody", "--format", "json"])
        .ok();
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 0);
    assert!(r.stderr.contains("0 items match"), "{}", r.stderr);
    let r = env.run(&["list", "--owner", "dana"]).ok();
    assert!(!r.stderr.contains("match"), "{}", r.stderr);
}

// ---- bugs 3, 4: edit is safe ---------------------------------------------------------

/// An editor that leaves a mark in the repository root when it is started.
const MARKING_EDITOR: &str = "touch editor-was-opened && sed -i s/Slack/SLACK/";

#[test]
fn test_bug3_edit_refuses_a_dirty_file_before_opening_the_editor() {
    let env = demo();
    let file = file_of(&env, "B-1TBK");
    let dirty = format!("{}local note\n", env.read(&file));
    env.write(&file, &dirty);
    let r = env
        .run_with(&["edit", "B-1TBK"], &[("EDITOR", MARKING_EDITOR)])
        .code(2);
    assert!(r.stderr.contains("uncommitted changes"), "{}", r.stderr);
    assert!(
        !env.path("editor-was-opened").exists(),
        "the editor was opened"
    );
    assert!(!env.path(".git/backlog-edits/B-1TBK.md").exists());
    assert_eq!(env.read(&file), dirty, "the local note is untouched");
}

#[test]
fn test_bug3_edit_refuses_a_missing_identity_or_index_lock_before_opening_the_editor() {
    let env = demo();
    let r = env
        .run_with(
            &["edit", "B-1TBK"],
            &[
                ("EDITOR", MARKING_EDITOR),
                ("GIT_AUTHOR_NAME", ""),
                ("GIT_AUTHOR_EMAIL", ""),
                ("GIT_COMMITTER_NAME", ""),
                ("GIT_COMMITTER_EMAIL", ""),
            ],
        )
        .code(2);
    assert!(r.stderr.contains("no git identity"), "{}", r.stderr);
    assert!(!env.path("editor-was-opened").exists());
    env.write(".git/index.lock", "");
    let r = env
        .run_with(&["edit", "B-1TBK"], &[("EDITOR", MARKING_EDITOR)])
        .code(2);
    assert!(r.stderr.contains("index.lock"), "{}", r.stderr);
    assert!(!env.path("editor-was-opened").exists());
    std::fs::remove_file(env.path(".git/index.lock")).unwrap();
    // --no-commit needs no identity.
    env.run_with(
        &["edit", "B-1TBK", "--no-commit"],
        &[("EDITOR", MARKING_EDITOR), ("GIT_AUTHOR_NAME", "")],
    )
    .ok();
    assert!(env.read(&file_of(&env, "B-1TBK")).contains("SLACK"));
}

#[test]
fn test_bug4_a_kept_edit_is_reopened_never_overwritten() {
    let env = demo();
    let file = file_of(&env, "B-7KX2");
    // An invalid edit (unknown status) is kept, and the error says where.
    let r = env
        .run_with(
            &["edit", "B-7KX2"],
            &[(
                "EDITOR",
                "sed -i -e s/^status:.*/status:\\ wip/ -e s/IdP/IDP-EDIT/",
            )],
        )
        .code(2);
    let kept = env.path(".git/backlog-edits/B-7KX2.md");
    assert!(
        r.stderr
            .contains(&format!("your edit is kept in {}", kept.display())),
        "{}",
        r.stderr
    );
    assert!(std::fs::read_to_string(&kept).unwrap().contains("IDP-EDIT"));
    // The next edit reopens it: fixing the status records the whole kept edit.
    let r = env
        .run_with(
            &["edit", "B-7KX2"],
            &[("EDITOR", "sed -i s/^status:\\ wip/status:\\ in-progress/")],
        )
        .ok();
    assert!(
        r.stderr.contains("Reopening your kept edit"),
        "{}",
        r.stderr
    );
    assert!(env.read(&file).contains("IDP-EDIT"));
    assert!(env.last_diff().contains("IDP-EDIT"));
    assert!(!kept.exists(), "a recorded edit is no longer kept");
    assert_eq!(env.status(), "");
}

#[test]
fn test_bug3_every_edit_failure_says_where_the_kept_edit_is() {
    let env = demo();
    // The editor fails after changing the file.
    let r = env
        .run_with(
            &["edit", "B-1TBK"],
            &[("EDITOR", "sed -i s/Slack/SLACK/ \"$1\"; false")],
        )
        .code(2);
    let kept = env.path(".git/backlog-edits/B-1TBK.md");
    assert!(r.stderr.contains("exited with"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("your edit is kept in {}", kept.display())),
        "{}",
        r.stderr
    );
    // The file becomes dirty meanwhile: refused before the editor, and the kept edit named.
    let file = file_of(&env, "B-1TBK");
    env.write(&file, &format!("{}local note\n", env.read(&file)));
    let r = env
        .run_with(&["edit", "B-1TBK"], &[("EDITOR", MARKING_EDITOR)])
        .code(2);
    assert!(!env.path("editor-was-opened").exists());
    assert!(
        r.stderr
            .contains(&format!("your edit is kept in {}", kept.display())),
        "{}",
        r.stderr
    );
    assert!(std::fs::read_to_string(&kept).unwrap().contains("SLACK"));
}

// ---- bug 13: wrong or odd messages; bug 14 and point 10: small fixes -----------------

#[test]
fn test_bug13_an_overflowing_value_is_too_large_not_a_non_number() {
    let env = demo();
    let r = env.run(&["set", "B-1TBK", "value=4294967296"]).code(2);
    assert!(
        r.stderr
            .contains("4294967296 is too large (at most 4294967295)"),
        "{}",
        r.stderr
    );
    let r = env.run(&["set", "B-1TBK", "value=abc"]).code(2);
    assert!(r.stderr.contains("is not a whole number"), "{}", r.stderr);
}

#[test]
fn test_bug13_changing_an_id_does_not_claim_references() {
    let env = demo();
    let r = env.run(&["set", "B-5YXD", "id=B-NEWX"]).code(2);
    assert!(
        !r.stderr.contains("other items refer to it"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("cannot be changed"), "{}", r.stderr);
}

#[test]
fn test_bug13_an_unknown_changed_since_revision_is_not_hinted_back() {
    let env = demo();
    let r = env
        .run(&["check", "--changed-since", "origin/main"])
        .code(2);
    assert!(
        !r.stderr.contains("e.g. --changed-since origin/main"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "error: unknown revision \"origin/main\": no branch, tag or commit of that name"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("revspec"), "{}", r.stderr);
}

#[test]
fn test_bug13_split_give_names_the_child_count_with_its_noun() {
    let env = demo();
    let r = env
        .run(&["split", "B-F8TJ", "--into", "One", "--give", "2=1"])
        .code(2);
    assert!(
        r.stderr.contains("but there is 1 child (numbered from 1)"),
        "{}",
        r.stderr
    );
}

#[test]
fn test_bug13_an_estimate_that_is_no_number_says_so() {
    let env = demo();
    let r = env.run(&["estimate", "B-XN62", "five"]).code(2);
    assert!(
        r.stderr
            .contains("\"five\" is not a number of story points"),
        "{}",
        r.stderr
    );
    let r = env.run(&["estimate", "B-XN62", "7"]).code(2);
    assert!(
        r.stderr.contains("7 is not on the estimate scale"),
        "{}",
        r.stderr
    );
}

#[test]
fn test_bug13_an_ambiguous_prefix_counts_the_rest_and_an_empty_id_is_no_prefix() {
    let env = demo();
    let r = env.run(&["show", "b"]).code(2);
    assert!(r.stderr.contains(" and 25 more"), "{}", r.stderr);
    let r = env.run(&["show", ""]).code(2);
    assert!(
        r.stderr.contains("unknown item \"\" (an empty ID)"),
        "{}",
        r.stderr
    );
}

#[test]
fn test_bug13_diff_names_an_invalid_range_without_libgit2_internals() {
    let env = demo();
    let r = env.run(&["diff", "a..b..c"]).code(2);
    assert!(
        r.stderr
            .contains("error: invalid revision range `a..b..c`: give A..B, A...B or one revision"),
        "{}",
        r.stderr
    );
    let r = env.run(&["diff", "HEAD...HEAD..HEAD"]).code(2);
    assert!(r.stderr.contains("invalid revision range"), "{}", r.stderr);
    // One revision that is no branch and too short for a hash.
    let r = env.run(&["diff", "a..HEAD"]).code(2);
    assert!(
        r.stderr.contains(
            "error: unknown revision `a`: no branch or tag of that name, and a commit hash \
             needs at least 4 characters"
        ),
        "{}",
        r.stderr
    );
    let r = env.run(&["diff", "HEAD..nosuch"]).code(2);
    assert!(
        r.stderr
            .contains("error: unknown revision `nosuch`: no branch, tag or commit of that name"),
        "{}",
        r.stderr
    );
    let r = env.run(&["diff", "HEAD:backlog"]).code(2);
    assert!(
        r.stderr
            .contains("it names a git object that is not a commit"),
        "{}",
        r.stderr
    );
    for r in [
        env.run(&["diff", "a..b..c"]),
        env.run(&["diff", "a..HEAD"]),
        env.run(&["diff", "HEAD:backlog"]),
    ] {
        assert!(
            !r.stderr.contains("OID") && !r.stderr.contains("revspec"),
            "{}",
            r.stderr
        );
    }
    // A valid range still works.
    env.run(&["diff", "HEAD..HEAD"]).ok();
}

#[test]
fn test_bug13_a_respread_of_rank_keys_is_not_a_move() {
    let env = TestEnv::new();
    // Crowded keys between the neighbours, so that --rebalance rewrites all three.
    env.item("B-A", "Item A", "rank: a0s4\n", "Body.\n");
    env.item("B-B", "Item B", "rank: a1xT\n", "Body.\n");
    env.item("B-C", "Item C", "rank: a2Wi\n", "Body.\n");
    env.commit_all("seed");
    env.run(&["rank", "--rebalance"]).ok();
    let log = env.run(&["log", "B-B", "--format", "json"]).ok().json();
    let change = &log["entries"][0]["changes"][0];
    assert_eq!(
        change,
        &serde_json::json!({"kind": "rank_key", "from": "a1xT", "to": "a1"}),
        "{log:#}"
    );
    let text = env.run(&["log", "B-B"]).ok().stdout;
    assert!(
        text.contains("rank key respread, same place (rank a1xT -> a1)"),
        "{text}"
    );
    let diff = env
        .run(&["diff", "HEAD~1..HEAD", "--format", "json"])
        .ok()
        .stdout;
    assert!(
        !diff.contains("\"places\": 0") && !diff.contains("\"direction\""),
        "{diff}"
    );
    // A real move still has a direction and places.
    env.run(&["rank", "B-C", "--top"]).ok();
    let log = env.run(&["log", "B-C", "--format", "json"]).ok().json();
    let change = &log["entries"][0]["changes"][0];
    assert_eq!(change["kind"], "rank");
    assert_eq!(change["direction"], "up");
    assert_eq!(change["places"], 2);
}

#[test]
fn test_bug13_an_impossible_date_in_backlog_today_is_refused() {
    let env = demo();
    let r = env
        .run_with(&["plan"], &[("BACKLOG_TODAY", "2026-02-30")])
        .code(2);
    assert!(
        r.stderr
            .contains("BACKLOG_TODAY=\"2026-02-30\" is not a date"),
        "{}",
        r.stderr
    );
}

// ---- bug 14: documentation mismatches and inconsistencies ---------------------------

#[test]
fn test_bug14_the_readme_installs_with_locked() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("cargo install --locked --path ."));
    for line in readme.lines().filter(|l| l.contains("cargo install")) {
        assert!(line.contains("--locked"), "{line}");
    }
}

#[test]
fn test_bug14_every_json_output_puts_schema_first() {
    let env = demo();
    let first_key = |args: &[&str]| -> String {
        let r = env.run(args).ok();
        assert!(
            r.stdout.starts_with("{\n  \"schema\": 1,"),
            "{args:?}: {}",
            r.stdout
        );
        r.json().as_object().unwrap().keys().next().unwrap().clone()
    };
    for args in [
        &["list", "--format", "json"][..],
        &["show", "B-7KX2", "--format", "json"],
        &["velocity", "--format", "json"],
        &["health", "--format", "json"],
    ] {
        assert_eq!(first_key(args), "schema", "{args:?}");
    }
    assert!(env.run(&["list", "--format", "json"]).ok().json()["items"].is_array());
}

#[test]
fn test_bug14_the_config_init_writes_describes_matrix_thresholds_as_the_code_computes_them() {
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    let config = env.read("backlog/config.yml");
    assert!(
        config.contains("# Unset thresholds are the medians of the open items."),
        "{config}"
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains("default to the medians of the open items"),
        "README and config.yml disagree"
    );
    assert!(!readme.contains("medians of the placed items"));
}

#[test]
fn test_bug14_estimate_refuses_closed_items_and_warns_on_done_ones() {
    let env = demo();
    let before = env.commit_count();
    // B-2A9C was split: its points are its children's.
    let r = env.run(&["estimate", "B-2A9C", "13"]).code(2);
    assert!(
        r.stderr
            .contains("error: B-2A9C is closed (split): its points moved to its children"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: estimate its children instead"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before);
    // A duplicate points at the item it was merged into, also through planning poker.
    env.run(&["merge", "B-SZ3K", "--into", "B-M5QA"]).ok();
    let before = env.commit_count();
    let r = env.run(&["estimate", "B-SZ3K", "5"]).code(2);
    assert!(
        r.stderr
            .contains("hint: estimate B-M5QA instead, the item it was merged into"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&["estimate", "B-SZ3K", "--vote", "ann=5", "--vote", "bob=5"])
        .code(2);
    assert!(
        r.stderr.contains("B-SZ3K is closed (duplicate)"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before);
    // A done item is re-estimated, with a warning about its velocity.
    let r = env.run(&["estimate", "B-3M1Q", "5"]).ok();
    assert!(
        r.stderr.contains(
            "warning: B-3M1Q is already done: its new estimate changes the velocity it counted for"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before + 1);
    // An open item: no warning.
    let r = env.run(&["estimate", "B-XN62", "3"]).ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn test_bug14_reopening_a_duplicate_must_drop_its_link() {
    let env = demo();
    env.run(&["merge", "B-SZ3K", "--into", "B-M5QA"]).ok();
    let before = env.commit_count();
    let r = env.run(&["set", "B-SZ3K", "status=draft"]).code(2);
    assert!(
        r.stderr.contains(
            "error: B-SZ3K is a duplicate of B-M5QA: reopening it as `draft` would keep \
             `duplicate_of: B-M5QA`"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "hint: to reopen it, remove the link in the same command: \
             `backlog set B-SZ3K status=draft duplicate_of=`"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before);
    assert_eq!(env.status(), "");
    // Other edits of a duplicate are fine, and so is reopening it without the link.
    env.run(&["set", "B-SZ3K", "owner=lee"]).ok();
    env.run(&["set", "B-SZ3K", "status=draft", "duplicate_of="])
        .ok();
    let text = env.read(&file_of(&env, "B-SZ3K"));
    assert!(text.contains("status: draft\n"), "{text}");
    assert!(!text.contains("duplicate_of"), "{text}");
}

#[test]
fn test_config_errors_name_the_line_and_no_rust_types() {
    let env = demo();
    let config = env.read("backlog/config.yml");
    let lines = config.lines().count();
    let cases: [(&str, String); 4] = [
        (
            "rules: 5",
            format!(
                "config.yml:{}: rules: invalid type: integer `5`, expected a mapping of `key: value` lines",
                lines + 1
            ),
        ),
        (
            "matrix: {value_threshold: [1]}",
            format!(
                "config.yml:{}: matrix.value_threshold: invalid type: sequence, expected a number",
                lines + 1
            ),
        ),
        (
            "fields: {risk: {type: foo}}",
            format!("config.yml:{}: fields.risk: unknown value `foo`", lines + 1),
        ),
        (
            "commit: maybe",
            format!("config.yml:{}: commit is given twice", lines + 1),
        ),
    ];
    for (line, expected) in cases {
        env.write("backlog/config.yml", &format!("{config}{line}\n"));
        let r = env.run(&["list"]).code(2);
        assert!(r.stderr.contains(&expected), "{line}: {}", r.stderr);
        for rust in ["struct ", "f64", "u32", " column "] {
            assert!(!r.stderr.contains(rust), "{line}: {}", r.stderr);
        }
    }
}

#[test]
fn test_slugs_transliterate_and_labels_with_commas_are_refused() {
    let env = demo();
    let r = env.run(&["add", "Ünïcödé café"]).ok();
    assert!(r.stderr.contains("-unicode-cafe.md"), "{}", r.stderr);
    let before = env.commit_count();
    let r = env.run(&["add", "Two labels", "--label", "a, b"]).code(2);
    assert!(
        r.stderr
            .contains("label \"a, b\" contains a comma: give each label its own --label"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), before);
}
