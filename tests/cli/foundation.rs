//! Issue 2: item files, core commands and the commit engine, checked with the git CLI.

use crate::harness::TestEnv;

const ITEM: &str = "---\n# triage notes: keep this comment\nid: B-7KX2\ntitle: 'Sign in with SSO'  # quoted on purpose\nstatus: draft\nx-jira: PROJ-12   # unknown key\nlabels:\n  - auth\n---\nAs a user, I want SSO so that I have one password.\n\n## Acceptance criteria\n- [ ] reach the IdP\n";

fn env_with_item() -> (TestEnv, String) {
    let env = TestEnv::new();
    let path = "backlog/B-7KX2-sign-in.md".to_owned();
    env.write(&path, ITEM);
    env.commit_all("seed");
    (env, path)
}

#[test]
fn test_add_then_list_shows_item() {
    let env = TestEnv::new();
    let id = env
        .run(&["add", "First item"])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let list = env.run(&["list", "--format", "json"]).ok().items();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "draft");
    env.assert_fsck();
}

#[test]
fn test_add_on_unborn_head_commits_with_trailers() {
    let env = TestEnv::new();
    assert_eq!(env.commit_count(), 0);
    let out = env
        .run(&[
            "add",
            "Export to CSV",
            "--type",
            "story",
            "--estimate",
            "3",
            "--value",
            "5",
            "--label",
            "reports",
            "--label",
            "web",
            "--owner",
            "lee",
            "--story",
            "As a manager, I want a CSV so that I can reconcile.",
            "--ac",
            "one",
            "--ac",
            "two",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let id = out["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(out["commit"].as_str().unwrap().len(), 40);
    assert_eq!(env.commit_count(), 1);
    let msg = env.git(&["log", "-1", "--format=%B"]).ok().stdout;
    assert_eq!(
        msg.trim_end(),
        format!("backlog: add {id}: Export to CSV\n\nBacklog-Op: add\nBacklog-Items: {id}")
    );
    assert_eq!(
        env.status(),
        "",
        "work tree and index clean after the commit"
    );
    let show = env.run(&["show", &id, "--format", "json"]).ok().json();
    assert_eq!(
        show["story"],
        "As a manager, I want a CSV so that I can reconcile."
    );
    assert_eq!(show["acceptance_criteria"][1]["text"], "two");
    assert_eq!(show["acceptance_criteria"][1]["done"], false);
    assert_eq!(show["labels"], serde_json::json!(["reports", "web"]));
    env.assert_fsck();
    let fsck = env.git(&["fsck", "--no-progress", "--unreachable"]);
    assert_eq!(
        fsck.stdout, "",
        "no dangling objects after a commit on an unborn HEAD"
    );
}

#[test]
fn test_new_items_go_to_the_bottom() {
    let env = TestEnv::new();
    let a = env.run(&["add", "A"]).ok().stdout.trim().to_owned();
    let b = env.run(&["add", "B"]).ok().stdout.trim().to_owned();
    let c = env.run(&["add", "C"]).ok().stdout.trim().to_owned();
    let list = env.run(&["list", "--format", "json"]).ok().items();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str(), c.as_str()]);
    assert_eq!(env.commit_count(), 3);
}

#[test]
fn test_estimate_commits_only_the_item_and_keeps_staged_work() {
    let (env, path) = env_with_item();
    env.write("notes.txt", "staged work\n");
    env.git(&["add", "notes.txt"]).ok();
    env.run(&["estimate", "b-7kx2", "5"]).ok();
    let files = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(files.trim(), path);
    let diff = env.last_diff();
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
        .collect();
    assert_eq!(changed, ["+estimate: 5"]);
    assert_eq!(
        env.status(),
        "A  notes.txt\n",
        "the other file is still staged"
    );
    let msg = env.git(&["log", "-1", "--format=%s"]).ok().stdout;
    assert_eq!(msg.trim(), "backlog: estimate B-7KX2: none -> 5");
    env.run(&["estimate", "B-7KX2", "8"]).ok();
    let changed: Vec<String> = env
        .last_diff()
        .lines()
        .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
        .map(str::to_owned)
        .collect();
    assert_eq!(changed, ["-estimate: 5", "+estimate: 8"]);
    env.assert_fsck();
}

#[test]
fn test_estimate_rejects_off_scale_value() {
    let (env, path) = env_with_item();
    let before = env.read(&path);
    let r = env.run(&["estimate", "B-7KX2", "4"]).code(2);
    assert!(
        r.stderr
            .contains("4 is not on the estimate scale (0, 1, 2, 3, 5, 8, 13, 20, 40, 100)"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read(&path), before);
    assert_eq!(env.commit_count(), 1);
    assert_eq!(env.status(), "");
}

#[test]
fn test_set_keeps_comments_unknown_keys_and_body() {
    let (env, path) = env_with_item();
    env.run(&["set", "B-7KX2", "owner=dana"]).ok();
    let after = env.read(&path);
    let mut expected = ITEM.replace("---\nAs a user", "owner: dana\n---\nAs a user");
    assert_eq!(after, expected);
    let numstat = env
        .git(&["show", "--numstat", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(numstat.trim(), format!("1\t0\t{path}"));
    // Changing a value keeps the comment after it; a list replaces the block list.
    env.run(&[
        "set",
        "B-7KX2",
        "title=Log in with SSO",
        "labels=[auth, web]",
        "x-jira=",
    ])
    .ok();
    expected = expected
        .replace(
            "title: 'Sign in with SSO'  # quoted",
            "title: Log in with SSO  # quoted",
        )
        .replace("labels:\n  - auth\n", "labels:\n  - auth\n  - web\n")
        .replace("x-jira: PROJ-12   # unknown key\n", "");
    assert_eq!(env.read(&path), expected);
    env.assert_fsck();
}

#[test]
fn test_set_validates_known_keys() {
    let (env, _) = env_with_item();
    let r = env.run(&["set", "B-7KX2", "status=finished"]).code(2);
    assert!(
        r.stderr.contains("unknown status \"finished\""),
        "{}",
        r.stderr
    );
    let r = env.run(&["set", "B-7KX2", "value=lots"]).code(2);
    assert!(
        r.stderr.contains("invalid value for `value`"),
        "{}",
        r.stderr
    );
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_unknown_and_ambiguous_ids_get_suggestions() {
    let env = TestEnv::new();
    env.item("B-AAA1", "one", "", "");
    env.item("B-AAA2", "two", "", "");
    env.commit_all("seed");
    let r = env.run(&["show", "B-AAA"]).code(2);
    assert!(
        r.stderr
            .contains("ambiguous item B-AAA: matches B-AAA1, B-AAA2"),
        "{}",
        r.stderr
    );
    let r = env.run(&["show", "B-AAA3"]).code(2);
    assert!(r.stderr.contains("unknown item B-AAA3"), "{}", r.stderr);
    assert!(
        r.stderr.contains("hint: did you mean B-AAA1 or B-AAA2?"),
        "{}",
        r.stderr
    );
    env.run(&["show", "b-aaa2"]).ok();
}

#[test]
fn test_items_added_on_two_branches_merge_cleanly() {
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    env.git(&["checkout", "-q", "-b", "feature"]).ok();
    let mut feature_ids = Vec::new();
    for i in 0..5 {
        feature_ids.push(
            env.run(&["add", &format!("Feature item {i}")])
                .ok()
                .stdout
                .trim()
                .to_owned(),
        );
    }
    env.git(&["checkout", "-q", "main"]).ok();
    let mut main_ids = Vec::new();
    for i in 0..5 {
        main_ids.push(
            env.run(&["add", &format!("Main item {i}")])
                .ok()
                .stdout
                .trim()
                .to_owned(),
        );
    }
    env.git(&["merge", "-q", "--no-edit", "feature"]).ok();
    let list = env.run(&["list", "--format", "json"]).ok().items();
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 10);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10, "IDs are unique after the merge");
    assert_eq!(env.status(), "");
    env.assert_fsck();
}

#[test]
fn test_malformed_item_is_reported_and_others_still_list() {
    let env = TestEnv::new();
    env.item("B-GOOD", "fine", "", "");
    env.write(
        "backlog/B-BAD1-broken.md",
        "---\nid: B-BAD1\ntitle: [unclosed\nstatus: ready\n---\n",
    );
    env.write("backlog/B-BAD2-nofence.md", "id: B-BAD2\n");
    let r = env.run(&["list", "--format", "json"]).ok();
    assert_eq!(r.items().as_array().unwrap().len(), 1);
    assert!(
        r.stderr.contains("backlog/B-BAD1-broken.md:4:"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("backlog/B-BAD2-nofence.md:1: missing front matter"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"));
    let r = env.run(&["show", "B-BAD1"]).code(2);
    assert!(
        r.stderr
            .contains("error: backlog/B-BAD1-broken.md:4: invalid YAML"),
        "{}",
        r.stderr
    );
}

#[test]
fn test_no_commit_writes_without_committing() {
    let (env, path) = env_with_item();
    env.run(&["--no-commit", "estimate", "B-7KX2", "3"]).ok();
    assert!(env.read(&path).contains("estimate: 3\n"));
    assert_eq!(env.commit_count(), 1);
    assert_eq!(env.status(), format!(" M {path}\n"));
}

#[test]
fn test_dirty_item_file_is_refused() {
    let (env, path) = env_with_item();
    env.write(&path, &ITEM.replace("status: draft", "status: ready"));
    let r = env.run(&["estimate", "B-7KX2", "3"]).code(2);
    assert!(
        r.stderr
            .contains(&format!("{path} has uncommitted changes")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--allow-dirty"), "{}", r.stderr);
    assert!(!env.read(&path).contains("estimate"), "nothing written");
    env.run(&["--allow-dirty", "estimate", "B-7KX2", "3"]).ok();
    let text = env.git(&["show", &format!("HEAD:{path}")]).ok().stdout;
    assert!(text.contains("status: ready") && text.contains("estimate: 3"));
    assert_eq!(env.status(), "");
}

#[test]
fn test_missing_identity_fails_before_writing() {
    let (env, path) = env_with_item();
    let r = env
        .run_with(
            &["estimate", "B-7KX2", "3"],
            &[
                ("GIT_AUTHOR_NAME", ""),
                ("GIT_AUTHOR_EMAIL", ""),
                ("GIT_COMMITTER_NAME", ""),
                ("GIT_COMMITTER_EMAIL", ""),
            ],
        )
        .code(2);
    assert!(
        r.stderr.contains("no git identity configured"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read(&path), ITEM);
}

#[test]
fn test_works_outside_git() {
    let env = TestEnv::bare_dir();
    env.run(&["init"]).ok();
    let r = env.run(&["add", "Offline item"]).ok();
    assert!(
        r.stderr
            .contains("Not in a git repository: nothing was committed."),
        "{}",
        r.stderr
    );
    let id = r.stdout.trim().to_owned();
    env.run(&["estimate", &id, "2"]).ok();
    let show = env.run(&["show", &id, "--format", "json"]).ok().json();
    assert_eq!(show["estimate"], 2);
}

#[test]
fn test_fsck_clean_after_every_command() {
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    env.assert_fsck();
    let id = env
        .run(&["add", "x", "--ac", "a"])
        .ok()
        .stdout
        .trim()
        .to_owned();
    env.assert_fsck();
    env.run(&["estimate", &id, "1"]).ok();
    env.assert_fsck();
    env.run(&["set", &id, "status=ready", "labels=[a]"]).ok();
    env.assert_fsck();
    env.run_with(
        &["edit", &id],
        &[("EDITOR", "sed -i s/title:\\ x/title:\\ y/")],
    )
    .ok();
    env.assert_fsck();
    assert_eq!(env.commit_count(), 5);
    assert_eq!(env.status(), "");
}

#[test]
fn test_edit_validates_and_keeps_invalid_edits() {
    let (env, path) = env_with_item();
    env.run_with(
        &["edit", "B-7KX2"],
        &[("EDITOR", "sed -i s/status:\\ draft/status:\\ ready/")],
    )
    .ok();
    assert!(env.read(&path).contains("status: ready"));
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]).ok().stdout.trim(),
        "backlog: edit B-7KX2"
    );
    let r = env
        .run_with(
            &["edit", "B-7KX2"],
            &[("EDITOR", "sed -i s/title:.*/title:\\ [broken/")],
        )
        .code(2);
    assert!(r.stderr.contains("invalid edit: line 5"), "{}", r.stderr);
    let kept = env.path(".git/backlog-edits/B-7KX2.md");
    assert!(
        std::fs::read_to_string(kept)
            .unwrap()
            .contains("title: [broken")
    );
    assert!(
        env.read(&path).contains("title: 'Sign in with SSO'"),
        "original untouched"
    );
    assert_eq!(env.commit_count(), 2);
}

#[test]
fn test_terminal_escapes_in_titles_are_neutralized() {
    let env = TestEnv::new();
    env.item("B-ESC1", "\"evil \\e[31m red \\u0007\"", "", "");
    let out = env.run(&["list"]).ok().stdout;
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("evil \\u{1b}[31m red \\u{7}"), "{out}");
    let json = env.run(&["list", "--format", "json"]).ok().items();
    assert_eq!(json[0]["title"], "evil \u{1b}[31m red \u{7}");
}

#[test]
fn test_list_filters() {
    let env = TestEnv::new();
    env.item(
        "B-0001",
        "a",
        "status: ready\nlabels: [web]\nowner: dana\ntype: bug\nrank: a0\n",
        "",
    );
    env.item(
        "B-0002",
        "b",
        "status: draft\nlabels: [api]\nowner: lee\ntype: story\nrank: a1\n",
        "",
    );
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list", "--format", "json"];
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
    assert_eq!(ids(&[]), ["B-0001", "B-0002"]);
    assert_eq!(ids(&["--status", "draft"]), ["B-0002"]);
    assert_eq!(ids(&["--label", "web"]), ["B-0001"]);
    assert_eq!(ids(&["--owner", "lee"]), ["B-0002"]);
    assert_eq!(ids(&["--type", "bug"]), ["B-0001"]);
}

#[test]
fn test_list_into_closed_pipe_exits_quietly() {
    let env = TestEnv::new();
    for i in 0..3000 {
        env.item(&format!("B-{i:04}"), &format!("item {i}"), "", "");
    }
    let bin = env!("CARGO_BIN_EXE_backlog");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{bin}' list | head -1; echo \"status=${{PIPESTATUS:-0}}\""
        ))
        .current_dir(env.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("error"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn test_demo_backlog_lists() {
    let env = TestEnv::bare_dir();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let r = env
        .run(&[
            "-C",
            demo.to_str().unwrap(),
            "list",
            "--all",
            "--format",
            "json",
        ])
        .ok();
    assert!(r.items().as_array().unwrap().len() >= 30);
    assert_eq!(r.stderr, "");
}

#[test]
fn test_completions_and_man_page() {
    let env = TestEnv::bare_dir();
    let bash = env.run(&["completions", "--static", "bash"]).ok().stdout;
    assert!(bash.contains("_backlog()") && bash.contains("estimate"));
    // The default script calls back into the binary for every word (IDs included).
    let dynamic = env.run(&["completions", "bash"]).ok().stdout;
    assert!(dynamic.contains("COMPLETE=\"bash\""), "{dynamic}");
    let man = env.run(&["man"]).ok().stdout;
    assert!(man.contains(".TH backlog 1"));
    env.run(&["completions", "nushell-x"]).code(2);
}

#[test]
fn test_concurrent_command_waits_then_fails_clearly() {
    let (env, path) = env_with_item();
    // The lock held by another process (this test) makes the command wait, then fail.
    let file = std::fs::File::create(env.path(".git/backlog.lock")).unwrap();
    file.try_lock().unwrap();
    let r = env.run(&["estimate", "B-7KX2", "3"]).code(2);
    assert!(
        r.stderr.contains("another backlog command is running"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: wait for it to finish"),
        "{}",
        r.stderr
    );
    assert!(!env.read(&path).contains("estimate"));
    // Released (as the OS does when a holder dies): the command runs; a leftover lock
    // file with a dead process's ID in it is no lock.
    drop(file);
    env.write(".git/backlog.lock", "4194303");
    env.run(&["estimate", "B-7KX2", "3"]).ok();
    assert!(env.read(&path).contains("estimate: 3"));
}

#[test]
fn test_fmt_renames_and_fixes_final_newline() {
    let env = TestEnv::new();
    env.write(
        "backlog/sub/renamed.md",
        "---\nid: B-REN1\ntitle: Moved away\n---\nbody",
    );
    env.item("B-OK01", "fine", "", "body\n");
    env.commit_all("seed");
    let r = env.run(&["fmt", "--check"]).code(1);
    assert_eq!(
        r.stdout,
        "backlog/sub/renamed.md: rename to backlog/sub/B-REN1-moved-away.md, add final line break\n"
    );
    env.run(&["fmt"]).ok();
    assert_eq!(
        env.read("backlog/sub/B-REN1-moved-away.md"),
        "---\nid: B-REN1\ntitle: Moved away\n---\nbody\n"
    );
    assert!(!env.path("backlog/sub/renamed.md").exists());
    assert_eq!(env.status(), "");
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]).ok().stdout.trim(),
        "backlog: fmt B-REN1"
    );
    env.run(&["fmt", "--check"]).ok();
    env.assert_fsck();
}

#[test]
fn test_locked_git_index_is_refused_before_writing() {
    let (env, path) = env_with_item();
    env.write(".git/index.lock", "");
    let r = env.run(&["estimate", "B-7KX2", "3"]).code(2);
    assert!(r.stderr.contains("git's index is locked"), "{}", r.stderr);
    assert_eq!(env.read(&path), ITEM, "nothing written");
    assert_eq!(env.commit_count(), 1, "no commit");
}

#[test]
fn test_edit_refuses_values_the_config_does_not_allow() {
    let (env, path) = env_with_item();
    for (sed, message) in [
        (
            "s/status:\\ draft/status:\\ bogus/",
            "unknown status \"bogus\"",
        ),
        (
            "s/status:\\ draft/estimate:\\ 4/",
            "4 is not on the estimate scale",
        ),
        (
            "s/status:\\ draft/depends_on:\\ [B-7KX2]/",
            "`depends_on` refers to the item itself",
        ),
    ] {
        let r = env
            .run_with(&["edit", "B-7KX2"], &[("EDITOR", &format!("sed -i {sed}"))])
            .code(2);
        assert!(r.stderr.contains(message), "{sed}: {}", r.stderr);
        assert_eq!(env.read(&path), ITEM);
        // The invalid edit is kept (the next `edit` would reopen it): start over.
        std::fs::remove_file(env.path(".git/backlog-edits/B-7KX2.md")).unwrap();
    }
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_set_resolves_references_to_canonical_ids() {
    let (env, path) = env_with_item();
    env.item("B-DEP1", "dependency", "", "");
    env.commit_all("dep");
    env.run(&["set", "B-7KX2", "depends_on=[b-dep]", "parent=b-dep1"])
        .ok();
    let text = env.read(&path);
    assert!(
        text.contains("depends_on: [B-DEP1]\n") && text.contains("parent: B-DEP1\n"),
        "{text}"
    );
    let r = env.run(&["set", "B-7KX2", "depends_on=[B-NOPE]"]).code(2);
    assert!(r.stderr.contains("unknown item B-NOPE"), "{}", r.stderr);
    let r = env.run(&["set", "B-7KX2", "parent=B-7KX2"]).code(2);
    assert!(r.stderr.contains("cannot refer to itself"), "{}", r.stderr);
    let r = env.run(&["set", "B-7KX2", "labels=[a,"]).code(2);
    assert!(r.stderr.contains("is not a list"), "{}", r.stderr);
}

#[test]
fn test_links_out_of_the_repository_are_not_followed() {
    let env = TestEnv::new();
    env.item("B-0001", "fine", "", "");
    let secret = env.keep().join("secret.env");
    std::fs::write(&secret, "GITHUB_TOKEN=ghp_secret\n").unwrap();
    std::os::unix::fs::symlink(&secret, env.path("backlog/config.yml")).unwrap();
    let r = env.run(&["check"]).code(2);
    assert!(
        r.stderr.contains("outside the backlog folder"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("ghp_secret") && !r.stdout.contains("ghp_secret"));
    // The backlog folder itself as a link that leaves the repository.
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().to_path_buf();
    std::fs::write(
        outside.join("B-SEC.md"),
        "---\nid: B-SEC\ntitle: SECRET\n---\n",
    )
    .unwrap();
    std::fs::remove_dir_all(env.path("backlog")).unwrap();
    std::os::unix::fs::symlink(&outside, env.path("backlog")).unwrap();
    let r = env.run(&["list"]).code(2);
    assert!(
        r.stderr.contains("leads outside the repository"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("SECRET"));
}

#[test]
fn test_dir_with_dot_dot_gives_real_paths() {
    let env = TestEnv::new();
    env.write("plans/backlog/a.md", "---\nid: P-1\ntitle: t\n---\n");
    let json = env
        .run(&[
            "--dir",
            "backlog/../plans/backlog",
            "list",
            "--format",
            "json",
        ])
        .ok()
        .items();
    assert_eq!(json[0]["path"], "plans/backlog/a.md");
}

#[test]
fn test_fmt_never_renames_two_items_onto_one_file() {
    let env = TestEnv::new();
    env.write(
        "backlog/x.md",
        "---\nid: B-F1\ntitle: Same\n---\nbody one\n",
    );
    env.write(
        "backlog/y.md",
        "---\nid: B-F1\ntitle: Same\n---\nbody two\n",
    );
    env.commit_all("seed");
    env.run(&["fmt"]).ok();
    let mut bodies: Vec<String> = std::fs::read_dir(env.path("backlog"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    bodies.sort();
    assert_eq!(bodies.len(), 2, "both files still exist");
    assert!(bodies[0].ends_with("body one\n") && bodies[1].ends_with("body two\n"));
    env.assert_fsck();
}

#[test]
fn test_add_accepts_unique_prefixes_for_references() {
    let (env, _) = env_with_item();
    let json = env
        .run(&[
            "add",
            "Child",
            "--depends-on",
            "b-7k",
            "--parent",
            "B-7KX",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        json["items"][0]["depends_on"],
        serde_json::json!(["B-7KX2"])
    );
    assert_eq!(json["items"][0]["parent"], "B-7KX2");
    let r = env.run(&["add", "Orphan", "--depends-on", "B-ZZ"]).code(2);
    assert!(r.stderr.contains("unknown item B-ZZ"), "{}", r.stderr);
}

#[test]
fn test_check_changed_since_needs_a_commit() {
    let (env, _) = env_with_item();
    let r = env
        .run(&["check", "--changed-since", "HEAD:backlog"])
        .code(2);
    assert!(r.stderr.contains("HEAD:backlog"), "{}", r.stderr);
}

#[test]
fn test_duplicate_ids_are_refused_not_guessed() {
    let (env, path) = env_with_item();
    env.write(
        "backlog/B-7KX2-copy.md",
        "---\nid: B-7KX2\ntitle: Copy\n---\n",
    );
    env.commit_all("copy");
    let r = env.run(&["estimate", "B-7KX2", "3"]).code(2);
    assert!(
        r.stderr.contains("B-7KX2 is the ID of 2 files"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read(&path), ITEM);
}
