//! Regression tests of the reliability report (issue 20, D1–D16) that need the real
//! binary and git: crash leftovers, locks, git set-ups, JSON escapes. The others are unit
//! tests next to the code (`workspace::transaction`, `workspace::lock`,
//! `document::budget`, `model::item`, `view::json_text`) and `scripts/crash-test.py`.

use crate::harness::TestEnv;

const ITEM: &str = "---\nid: B-GOOD\ntitle: Good item\nstatus: draft\nestimate: 3\n---\nAs a user, I want x so that y.\n\n## Acceptance criteria\n- [ ] ok\n";

fn env_with_item() -> TestEnv {
    let env = TestEnv::new();
    env.write("backlog/B-GOOD-good.md", ITEM);
    env.commit_all("seed");
    env
}

/// D2: an empty lock file (a kill between create and PID write in the old scheme) or one
/// naming a live process (PID 1) does not block a command.
#[test]
fn test_d2_leftover_lock_files_do_not_block() {
    let env = env_with_item();
    for content in ["", "1", "999999"] {
        env.write(".git/backlog.lock", content);
        let start = std::time::Instant::now();
        env.run(&["estimate", "B-GOOD", if content == "1" { "5" } else { "8" }])
            .ok();
        // Not the 5 s lock wait (generous: this is a regression bound, not a benchmark).
        assert!(start.elapsed() < std::time::Duration::from_secs(4));
    }
    assert_eq!(env.status(), "");
}

/// D7 and D3: after a command, no temporary file anywhere, the index matches HEAD.
#[test]
fn test_d3_d7_no_temp_files_and_index_follows_head() {
    let env = env_with_item();
    env.run(&["add", "Second", "--estimate", "2"]).ok();
    env.run(&["estimate", "B-GOOD", "5"]).ok();
    assert_eq!(
        env.git(&["status", "--porcelain", "--untracked-files=all"])
            .stdout,
        ""
    );
    assert_eq!(env.git(&["diff", "--cached", "--stat"]).stdout, "");
    assert!(!env.path(".git/backlog-tx").exists());
    let names: Vec<String> = std::fs::read_dir(env.path("backlog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");
}

/// D6 / D3 end to end: an interrupted change whose journal was written but nothing else
/// (HEAD, file and index all old) is finished by the next command, which says so; git
/// then sees a clean, complete change.
#[test]
fn test_d6_interrupted_change_is_finished_by_the_next_command() {
    let env = env_with_item();
    let rev = |r: &str| env.git(&["rev-parse", r]).ok().stdout.trim().to_owned();
    let path = "backlog/B-GOOD-good.md";
    // The change's commit object, as a killed `estimate` prepares it: made for real,
    // then HEAD, file and index put back.
    let parent = rev("HEAD");
    env.run(&["estimate", "B-GOOD", "8"]).ok();
    let commit = rev("HEAD");
    let after = env.read(path);
    env.git(&["reset", "-q", "--hard", &parent]).ok();
    let old_id = env
        .git(&["hash-object", path])
        .ok()
        .stdout
        .trim()
        .to_owned();
    // The journal format of `workspace::journal`.
    let journal = format!(
        "backlog-journal 1\nop estimate\nsummary estimate B-GOOD: 3 -> 8\nparent {parent}\n\
         commit {commit}\nfile {} - {old_id} {}\n{path}\n{after}\nend\n",
        path.len(),
        after.len()
    );
    env.write(".git/backlog-tx/journal", &journal);
    let r = env.run(&["set", "B-GOOD", "owner=@dana"]).ok();
    assert!(
        r.stderr
            .contains("finished an interrupted `backlog estimate` (estimate B-GOOD: 3 -> 8)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        rev("HEAD~1"),
        commit,
        "the interrupted commit, then the new one"
    );
    let now = env.read(path);
    assert!(
        now.contains("estimate: 8") && now.contains("@dana"),
        "{now}"
    );
    assert!(!env.path(".git/backlog-tx").exists());
    assert_eq!(env.status(), "");
    env.assert_fsck();
}

/// D8: a leftover branch lock is refused before anything is written.
#[test]
fn test_d8_leftover_ref_lock_is_refused_before_writing() {
    let env = env_with_item();
    env.write(".git/refs/heads/main.lock", "");
    let r = env.run(&["estimate", "B-GOOD", "5"]).code(2);
    assert!(r.stderr.contains("git's branch is locked"), "{}", r.stderr);
    assert_eq!(env.read("backlog/B-GOOD-good.md"), ITEM, "nothing written");
    assert_eq!(env.commit_count(), 1);
    std::fs::remove_file(env.path(".git/refs/heads/main.lock")).unwrap();
    assert_eq!(env.status(), "");
}

/// D4: `core.autocrlf=true` (a CRLF work tree): the item is not "dirty", the commit
/// stores LF and changes one line, and `git status` stays clean.
#[test]
fn test_d4_autocrlf_work_tree_edits_are_one_line_lf_commits() {
    let env = env_with_item();
    env.git(&["config", "core.autocrlf", "true"]).ok();
    // A CRLF checkout, as `git clone` makes it under autocrlf (the index has its stat).
    env.write("backlog/B-GOOD-good.md", &ITEM.replace('\n', "\r\n"));
    env.git(&["add", "backlog/B-GOOD-good.md"]).ok();
    assert_eq!(env.status(), "", "git sees no change");
    env.run(&["estimate", "B-GOOD", "5"]).ok();
    let numstat = env
        .git(&["show", "--numstat", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert_eq!(numstat.trim(), "1\t1\tbacklog/B-GOOD-good.md");
    let blob = env
        .git(&["show", "HEAD:backlog/B-GOOD-good.md"])
        .ok()
        .stdout;
    assert!(!blob.contains('\r'), "stored normalized");
    assert_eq!(env.status(), "");
}

/// D4: `.gitattributes` `eol=crlf` works the same way.
#[test]
fn test_d4_eol_attribute_is_honoured() {
    let env = env_with_item();
    env.write(".gitattributes", "*.md text eol=crlf\n");
    env.commit_all("attributes");
    env.write("backlog/B-GOOD-good.md", &ITEM.replace('\n', "\r\n"));
    env.git(&["add", "backlog/B-GOOD-good.md"]).ok();
    assert_eq!(env.status(), "");
    env.run(&["estimate", "B-GOOD", "5"]).ok();
    let numstat = env
        .git(&["show", "--numstat", "--format=", "HEAD"])
        .ok()
        .stdout;
    assert!(numstat.starts_with("1\t1\t"), "{numstat}");
    assert_eq!(env.status(), "");
}

/// D9: a SHA-256 repository is a clear error with exit 2, not a silent no-commit.
#[test]
fn test_d9_sha256_repository_is_a_clear_error() {
    let env = TestEnv::bare_dir();
    if env.git(&["init", "-q", "--object-format=sha256"]).code != 0 {
        return; // a git without SHA-256 support cannot make one
    }
    env.write("backlog/B-GOOD-good.md", ITEM);
    let r = env.run(&["estimate", "B-GOOD", "5"]).code(2);
    assert!(r.stderr.contains("SHA-256"), "{}", r.stderr);
    assert_eq!(env.read("backlog/B-GOOD-good.md"), ITEM, "nothing written");
    env.run(&["list"]).code(2);
}

/// D9: a repository owned by another user is refused as git refuses it (only testable
/// as root, where the ownership can be changed).
#[test]
fn test_d9_dubious_ownership_is_a_clear_error() {
    let env = env_with_item();
    let chown = std::process::Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(env.path(".git"))
        .output();
    if !chown.is_ok_and(|o| o.status.success()) {
        return;
    }
    let r = env.run(&["estimate", "B-GOOD", "5"]).code(2);
    assert!(r.stderr.contains("owned by another user"), "{}", r.stderr);
    assert!(r.stderr.contains("safe.directory"), "{}", r.stderr);
    assert_eq!(env.read("backlog/B-GOOD-good.md"), ITEM);
}

/// D11: `commit.gpgsign=true` is refused before writing, with the way out.
#[test]
fn test_d11_gpgsign_is_refused_clearly() {
    let env = env_with_item();
    env.git(&["config", "commit.gpgsign", "true"]).ok();
    let r = env.run(&["estimate", "B-GOOD", "5"]).code(2);
    assert!(r.stderr.contains("commit.gpgsign"), "{}", r.stderr);
    assert!(r.stderr.contains("--no-commit"), "{}", r.stderr);
    assert_eq!(env.read("backlog/B-GOOD-good.md"), ITEM);
    env.run(&["--no-commit", "estimate", "B-GOOD", "5"]).ok();
}

/// D12: the executable bit survives a rewrite, in the file and in the commit.
#[test]
fn test_d12_executable_bit_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let env = env_with_item();
    let path = env.path("backlog/B-GOOD-good.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.commit_all("exec");
    env.run(&["estimate", "B-GOOD", "5"]).ok();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o755
    );
    let tree = env
        .git(&["ls-tree", "HEAD", "backlog/B-GOOD-good.md"])
        .ok()
        .stdout;
    assert!(tree.starts_with("100755"), "{tree}");
    assert_eq!(env.status(), "");
}

/// D13: a backlog folder that is its own repository (a submodule) is committed there.
#[test]
fn test_d13_backlog_in_a_nested_repository_commits_there() {
    let env = TestEnv::new();
    std::fs::remove_dir_all(env.path("backlog")).unwrap();
    env.write("README.md", "outer\n");
    env.commit_all("outer");
    let inner = env.path("backlog");
    std::fs::create_dir_all(&inner).unwrap();
    let git_inner = |args: &[&str]| {
        let mut a = vec!["-C", "backlog"];
        a.extend_from_slice(args);
        env.git(&a).ok()
    };
    git_inner(&["init", "-q", "-b", "main"]);
    env.write("backlog/B-GOOD-good.md", ITEM);
    git_inner(&["add", "-A"]);
    git_inner(&["commit", "-qm", "inner seed"]);
    env.run(&["add", "New item", "--estimate", "2"]).ok();
    let log = git_inner(&["log", "--format=%s"]).stdout;
    assert!(log.starts_with("backlog: add"), "{log}");
    assert_eq!(git_inner(&["status", "--porcelain"]).stdout, "");
    assert_eq!(env.commit_count(), 1, "the outer repository is untouched");
}

/// D10: a file whose name is not UTF-8 is reported, never rewritten under another name.
#[test]
fn test_d10_non_utf8_file_name_is_not_duplicated() {
    use std::os::unix::ffi::OsStrExt;
    let env = env_with_item();
    let name = std::ffi::OsStr::from_bytes(b"B-FNU-\xff\xfe.md");
    std::fs::write(
        env.path("backlog").join(name),
        "---\nid: B-FNU\ntitle: fnu\n---\nbody\n",
    )
    .unwrap();
    env.commit_all("fnu");
    let r = env.run(&["set", "B-FNU", "value=3"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
    let count = std::fs::read_dir(env.path("backlog")).unwrap().count();
    assert_eq!(count, 2, "no second file");
    assert_eq!(env.status(), "");
    let check = env.run(&["check"]);
    assert!(check.stdout.contains("not valid UTF-8"), "{}", check.stdout);
}

/// D14: JSON output escapes C1 controls, DEL and bidi overrides.
#[test]
fn test_d14_json_escapes_c1_del_and_bidi() {
    let env = TestEnv::new();
    env.write(
        "backlog/B-EVIL-item.md",
        "---\nid: B-EVIL\ntitle: \"Evil \\e]0;pwned\\a \\x9b31m \\x7f \\u202e\"\n---\nbody\n",
    );
    env.commit_all("evil");
    for args in [
        &["list", "--format", "json"][..],
        &["show", "B-EVIL", "--format", "json"][..],
    ] {
        let r = env.run(args).ok();
        assert!(
            r.stdout
                .contains(r"Evil \u001b]0;pwned\u0007 \u009b31m \u007f \u202e"),
            "{}",
            r.stdout
        );
        assert!(
            !r.stdout
                .chars()
                .any(|c| matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}')),
            "raw characters in {args:?}"
        );
        let _ = r.json();
    }
}

/// D15: a second file claiming the same ID under another name (a hand-made copy) is
/// named by `show`, text and JSON, which otherwise finds the item by file name alone.
#[test]
fn test_d15_show_names_an_impostor_with_the_same_id() {
    let env = env_with_item();
    env.write(
        "backlog/B-COPY-x.md",
        &ITEM.replace("Good item", "Impostor"),
    );
    env.commit_all("copy");
    let r = env.run(&["show", "B-GOOD"]).ok();
    assert!(r.stdout.contains("Good item"), "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "warning: backlog/B-COPY-x.md also has id B-GOOD; this is backlog/B-GOOD-good.md"
        ),
        "{}",
        r.stderr
    );
    let json = env.run(&["show", "B-GOOD", "--format", "json"]).ok();
    assert!(json.stderr.contains("B-COPY-x.md also has id B-GOOD"));
    assert_eq!(json.json()["id"], "B-GOOD");
    // `check` reports it as a finding.
    let check = env.run(&["check"]);
    assert!(check.stdout.contains("duplicate-id"), "{}", check.stdout);
    // Without a copy, no warning.
    std::fs::remove_file(env.path("backlog/B-COPY-x.md")).unwrap();
    let r = env.run(&["show", "B-GOOD"]).ok();
    assert!(!r.stderr.contains("also has id"), "{}", r.stderr);
}
