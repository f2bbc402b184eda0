//! The merge driver end to end: `git-setup`, then real `git merge`s of branches that each
//! ran one refinement command on the same item.

use serde_json::Value;

use crate::harness::TestEnv;

const X: &str = "backlog/B-X-sign-in.md";
const X_TEXT: &str = "---
id: B-X
title: Sign in with SSO
type: story
status: draft
rank: a2
estimate: 3
value: 5
labels: [auth]
owner: dana  # product
depends_on: [B-Y]
created: 2026-11-24
---
As a returning user, I want to sign in with SSO so that I don't manage another password.

## Acceptance criteria
- [ ] I reach my IdP.
- [ ] A failed sign-in shows the IdP's error.
";

/// A repository after `init` (which runs `git-setup`) with four items on `main`.
fn seeded() -> TestEnv {
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    env.write(X, X_TEXT);
    env.item(
        "B-Y",
        "Identity provider setup",
        "status: ready\nrank: a1\nestimate: 8\n",
        "",
    );
    env.item("B-Z", "Audit log", "rank: a3\n", "");
    env.item("B-W", "Password reset", "rank: a4\n", "");
    env.commit_all("seed");
    env
}

/// The refinement commands of the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Estimate,
    Owner,
    Value,
    Status,
    Labels,
    DependsOn,
    Rank,
    CheckCriterion,
    AddCriterion,
    SplitOther,
    Add,
}

const ALL: [Cmd; 11] = [
    Cmd::Estimate,
    Cmd::Owner,
    Cmd::Value,
    Cmd::Status,
    Cmd::Labels,
    Cmd::DependsOn,
    Cmd::Rank,
    Cmd::CheckCriterion,
    Cmd::AddCriterion,
    Cmd::SplitOther,
    Cmd::Add,
];

impl Cmd {
    /// The scalar key this command sets: the same command on both sides (with different
    /// values) is a real disagreement on that key.
    fn scalar_key(self) -> Option<&'static str> {
        match self {
            Cmd::Estimate => Some("estimate"),
            Cmd::Owner => Some("owner"),
            Cmd::Value => Some("value"),
            Cmd::Status => Some("status"),
            _ => None,
        }
    }
}

/// What a command did, to be found again after the merge.
#[derive(Debug, Clone)]
enum Fact {
    Field(&'static str, Value),
    Label(&'static str),
    DependsOn(&'static str),
    Rank(String),
    Done(usize),
    Criterion(&'static str),
    Split(Vec<String>),
    Exists(String),
}

fn show(env: &TestEnv, id: &str) -> Value {
    env.run(&["show", id, "--format", "json"]).ok().json()
}

/// Runs `cmd` (variant `side`, 0 or 1) on the current branch and returns its facts.
fn apply(env: &TestEnv, cmd: Cmd, side: usize) -> Vec<Fact> {
    let pick = |a: &'static str, b: &'static str| if side == 0 { a } else { b };
    match cmd {
        Cmd::Estimate => {
            let points = pick("5", "8");
            env.run(&["estimate", "B-X", points]).ok();
            vec![Fact::Field(
                "estimate",
                points.parse::<u64>().unwrap().into(),
            )]
        }
        Cmd::Owner | Cmd::Value | Cmd::Status => {
            let (key, value) = match cmd {
                Cmd::Owner => ("owner", pick("ann", "ben")),
                Cmd::Value => ("value", pick("8", "13")),
                _ => ("status", pick("ready", "in-progress")),
            };
            env.run(&["set", "B-X", &format!("{key}={value}")]).ok();
            let json = match value.parse::<u64>() {
                Ok(n) => n.into(),
                Err(_) => value.into(),
            };
            vec![Fact::Field(key, json)]
        }
        Cmd::Labels => {
            let label = pick("web", "api");
            env.run(&["set", "B-X", &format!("labels=[auth, {label}]")])
                .ok();
            vec![Fact::Label("auth"), Fact::Label(label)]
        }
        Cmd::DependsOn => {
            let id = pick("B-Z", "B-W");
            env.run(&["set", "B-X", &format!("depends_on=[B-Y, {id}]")])
                .ok();
            vec![Fact::DependsOn(id)]
        }
        Cmd::Rank => {
            env.run(&["rank", "B-X", pick("--bottom", "--top")]).ok();
            let rank = show(env, "B-X")["rank"].as_str().unwrap().to_owned();
            assert_ne!(rank, "a2");
            vec![Fact::Rank(rank)]
        }
        Cmd::CheckCriterion => {
            // Side 0 checks the last criterion (next to where side 1 would append one).
            let n = if side == 0 { 2 } else { 1 };
            env.run(&["criteria", "B-X", "--check", &n.to_string()])
                .ok();
            vec![Fact::Done(n - 1)]
        }
        Cmd::AddCriterion => {
            let text = pick("Works on mobile.", "The sign-in is logged.");
            env.run(&["criteria", "B-X", "--add", text]).ok();
            vec![Fact::Criterion(text)]
        }
        Cmd::SplitOther => {
            let prefix = pick("Left", "Right");
            env.run(&[
                "split",
                "B-Y",
                "--into",
                &format!("{prefix} one"),
                "--into",
                &format!("{prefix} two"),
            ])
            .ok();
            let list = env.run(&["list", "--format", "json"]).ok().items();
            let items = &list;
            let children: Vec<String> = items
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["parent"] == "B-Y")
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(children.len(), 2);
            vec![Fact::Split(children)]
        }
        Cmd::Add => {
            let out = env
                .run(&[
                    "add",
                    pick("Remember me", "Sign out everywhere"),
                    "--format",
                    "json",
                ])
                .ok()
                .json();
            vec![Fact::Exists(
                out["items"][0]["id"].as_str().unwrap().to_owned(),
            )]
        }
    }
}

/// Asserts every fact holds after the merge.
#[track_caller]
fn assert_facts(env: &TestEnv, facts: &[Fact], what: &str) {
    let x = show(env, "B-X");
    let strings = |key: &str| -> Vec<String> {
        x[key]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let criteria = x["acceptance_criteria"].as_array().unwrap().clone();
    let ranks: Vec<&String> = facts
        .iter()
        .filter_map(|f| match f {
            Fact::Rank(r) => Some(r),
            _ => None,
        })
        .collect();
    if let Some(smallest) = ranks.iter().min() {
        assert_eq!(x["rank"].as_str(), Some(smallest.as_str()), "{what}: rank");
    }
    for fact in facts {
        match fact {
            Fact::Field(key, value) => assert_eq!(&x[*key], value, "{what}: {key}"),
            Fact::Label(l) => assert!(strings("labels").contains(&l.to_string()), "{what}: {x}"),
            Fact::DependsOn(id) => {
                assert!(
                    strings("depends_on").contains(&id.to_string()),
                    "{what}: {x}"
                )
            }
            Fact::Rank(_) => {}
            Fact::Done(n) => assert_eq!(criteria[*n]["done"], true, "{what}: {x}"),
            Fact::Criterion(text) => {
                assert!(criteria.iter().any(|c| c["text"] == *text), "{what}: {x}")
            }
            Fact::Split(children) => {
                let deps = strings("depends_on");
                assert!(!deps.contains(&"B-Y".to_owned()), "{what}: {x}");
                for child in children {
                    assert!(deps.contains(child), "{what}: {child} missing: {x}");
                    assert_eq!(show(env, child)["parent"], "B-Y", "{what}");
                }
                assert_eq!(show(env, "B-Y")["status"], "split", "{what}");
            }
            Fact::Exists(id) => {
                env.run(&["show", id]).ok();
            }
        }
    }
}

/// Runs `a` on one branch and `b` on another (both from `main`), merges them with
/// `git merge`, and checks the outcome the issue asks for.
fn merge_pair(env: &TestEnv, a: Cmd, b: Cmd) {
    let what = format!("{a:?} + {b:?}");
    let (ours, theirs) = (format!("{a:?}-{b:?}-a"), format!("{a:?}-{b:?}-b"));
    env.git(&["checkout", "-q", "-b", &ours, "main"]).ok();
    let mut facts = apply(env, a, 0);
    env.git(&["checkout", "-q", "-b", &theirs, "main"]).ok();
    facts.extend(apply(env, b, 1));
    env.git(&["checkout", "-q", &ours]).ok();
    let merge = env.git_with_backlog(&["merge", "-q", "--no-edit", &theirs]);
    match (a == b).then(|| a.scalar_key()).flatten() {
        None => {
            assert_eq!(
                merge.code,
                0,
                "{what}: expected a clean merge\n{}{}\n{}",
                merge.stdout,
                merge.stderr,
                env.read(X)
            );
            assert_facts(env, &facts, &what);
            assert_eq!(env.status(), "", "{what}");
        }
        Some(key) => {
            assert_ne!(
                merge.code,
                0,
                "{what}: expected a conflict\n{}",
                env.read(X)
            );
            let text = env.read(X);
            let starts = text.lines().filter(|l| l.starts_with("<<<<<<<")).count();
            assert_eq!(starts, 1, "{what}: one conflict\n{text}");
            let inside: Vec<&str> = text
                .lines()
                .skip_while(|l| !l.starts_with("<<<<<<<"))
                .skip(1)
                .take_while(|l| !l.starts_with(">>>>>>>"))
                .filter(|l| *l != "=======")
                .collect();
            assert_eq!(inside.len(), 2, "{what}: one line per side\n{text}");
            assert!(
                inside.iter().all(|l| l.starts_with(&format!("{key}: "))),
                "{what}: markers around `{key}` only\n{text}"
            );
            assert!(
                text.contains("<<<<<<< HEAD\n") && text.contains(&format!(">>>>>>> {theirs}\n")),
                "{what}: git's labels\n{text}"
            );
            let check = env.run(&["check", "--format", "json"]).code(1).json();
            let finding = check["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["rule"] == "merge-conflict")
                .unwrap_or_else(|| panic!("{what}: no merge-conflict finding: {check}"));
            assert_eq!(finding["path"], X);
            let marker_line = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
            assert_eq!(finding["line"], marker_line, "{what}");
            env.git(&["merge", "--abort"]).ok();
        }
    }
}

/// Every unordered pair of commands (a command with itself included), in slices so the
/// test harness runs them in parallel.
fn pairs(slice: usize, of: usize) -> Vec<(Cmd, Cmd)> {
    let mut all = Vec::new();
    for (i, &a) in ALL.iter().enumerate() {
        for &b in &ALL[i..] {
            all.push((a, b));
        }
    }
    all.into_iter()
        .enumerate()
        .filter(|(n, _)| n % of == slice)
        .map(|(_, p)| p)
        .collect()
}

fn run_slice(slice: usize) {
    let env = seeded();
    for (a, b) in pairs(slice, 3) {
        merge_pair(&env, a, b);
    }
    env.assert_fsck();
}

#[test]
fn test_pairs_of_refinement_commands_merge_by_key_part_1() {
    run_slice(0);
}

#[test]
fn test_pairs_of_refinement_commands_merge_by_key_part_2() {
    run_slice(1);
}

#[test]
fn test_pairs_of_refinement_commands_merge_by_key_part_3() {
    run_slice(2);
}

#[test]
fn test_pairs_cover_every_combination() {
    let n: usize = (0..3).map(|s| pairs(s, 3).len()).sum();
    assert_eq!(n, 11 * 12 / 2);
}

#[test]
fn test_without_the_driver_neighbouring_keys_conflict() {
    // The control for the tests above: git's own line merge conflicts on this pair. A
    // fresh clone is like this: the attribute is committed, the config is not cloned.
    let env = seeded();
    env.git(&["config", "--remove-section", "merge.backlog"])
        .ok();
    env.git(&["checkout", "-q", "-b", "a", "main"]).ok();
    env.run(&["estimate", "B-X", "5"]).ok();
    env.git(&["checkout", "-q", "-b", "b", "main"]).ok();
    env.run(&["set", "B-X", "value=8"]).ok();
    env.git(&["checkout", "-q", "a"]).ok();
    let merge = env.git_with_backlog(&["merge", "-q", "--no-edit", "b"]);
    assert_ne!(merge.code, 0, "{}", env.read(X));
    env.git(&["merge", "--abort"]).ok();
    // `git-setup` in this clone brings the driver back: no commit, the attribute is there.
    let before = env.commit_count();
    let out = env.run(&["git-setup", "--format", "json"]).ok().json();
    assert_eq!(out["schema"], 1);
    assert_eq!(out["attributes"]["changed"], false);
    assert_eq!(
        out["configured"],
        serde_json::json!(["merge.backlog.name", "merge.backlog.driver"])
    );
    assert_eq!(env.commit_count(), before);
    env.git_with_backlog(&["merge", "-q", "--no-edit", "b"])
        .ok();
    let text = env.read(X);
    assert!(text.contains("estimate: 5\nvalue: 8\n"), "{text}");
}

#[test]
fn test_git_setup_commits_the_attribute_once_and_is_idempotent() {
    let env = TestEnv::new();
    env.item("B-1", "One", "", "");
    env.commit_all("seed");
    let run = env.run(&["git-setup"]).ok();
    assert!(
        run.stderr
            .contains("Added `*.md merge=backlog` to backlog/.gitattributes."),
        "{}",
        run.stderr
    );
    assert_eq!(env.commit_count(), 2);
    let show = env
        .git(&["show", "--name-only", "--format=%B", "HEAD"])
        .ok()
        .stdout;
    assert!(
        show.starts_with("backlog: git-setup backlog/.gitattributes: "),
        "{show}"
    );
    assert!(show.contains("Backlog-Op: git-setup\n"), "{show}");
    assert!(
        show.trim_end().ends_with("backlog/.gitattributes"),
        "{show}"
    );
    let attr = env
        .git(&[
            "check-attr",
            "merge",
            "--",
            "backlog/B-1-item.md",
            "backlog/config.yml",
        ])
        .ok()
        .stdout;
    assert_eq!(
        attr,
        "backlog/B-1-item.md: merge: backlog\nbacklog/config.yml: merge: unspecified\n"
    );
    let driver = env
        .git(&["config", "--local", "merge.backlog.driver"])
        .ok()
        .stdout;
    assert!(
        driver.starts_with("backlog merge-file %O %A %B --path %P"),
        "{driver}"
    );
    // Again: nothing to do, nothing committed.
    let run = env.run(&["git-setup"]).ok();
    assert!(run.stderr.contains("already"), "{}", run.stderr);
    assert_eq!(env.commit_count(), 2);
    assert_eq!(env.status(), "");
}

#[test]
fn test_git_setup_outside_a_repository_is_a_clear_error() {
    let env = TestEnv::bare_dir();
    std::fs::create_dir_all(env.path("backlog")).unwrap();
    let run = env.run(&["git-setup"]).code(2);
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_rename_on_one_side_and_edit_on_the_other_merge() {
    // `fmt` renames the file on one branch (and the estimate changes there too, so git
    // must merge contents across the rename); the other branch edits the neighbouring key.
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    env.write("backlog/sso.md", X_TEXT);
    env.item("B-Y", "Identity provider setup", "rank: a1\n", "");
    env.commit_all("seed");
    env.git(&["checkout", "-q", "-b", "tidy"]).ok();
    env.run(&["fmt"]).ok();
    assert!(env.path("backlog/B-X-sign-in-with-sso.md").exists());
    env.run(&["estimate", "B-X", "5"]).ok();
    env.git(&["checkout", "-q", "-b", "refine", "main"]).ok();
    env.run(&["set", "B-X", "value=8"]).ok();
    env.git(&["checkout", "-q", "tidy"]).ok();
    env.git_with_backlog(&["merge", "-q", "--no-edit", "refine"])
        .ok();
    assert!(!env.path("backlog/sso.md").exists());
    let text = env.read("backlog/B-X-sign-in-with-sso.md");
    assert_eq!(
        text,
        X_TEXT
            .replace("estimate: 3", "estimate: 5")
            .replace("value: 5", "value: 8")
    );
    assert_eq!(env.status(), "");
}

#[test]
fn test_conflicted_item_is_refused_by_commands_that_rewrite_it() {
    let env = seeded();
    env.git(&["checkout", "-q", "-b", "a", "main"]).ok();
    env.run(&["estimate", "B-X", "5"]).ok();
    env.git(&["checkout", "-q", "-b", "b", "main"]).ok();
    env.run(&["estimate", "B-X", "8"]).ok();
    env.git(&["checkout", "-q", "a"]).ok();
    assert_ne!(env.git_with_backlog(&["merge", "-q", "b"]).code, 0);
    let before = env.read(X);
    for args in [
        &["estimate", "B-X", "3"][..],
        &["set", "B-X", "owner=cy"],
        &["rank", "B-X", "--top"],
    ] {
        let run = env.run(args).code(2);
        assert!(
            run.stderr
                .contains("B-X-sign-in.md:7: unresolved merge conflict"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(env.read(X), before, "{args:?} rewrote the conflicted file");
    }
    let run = env.run(&["estimate", "B-X", "3"]).code(2);
    assert!(
        run.stderr.contains("unresolved merge conflict"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: finish the merge first"),
        "{}",
        run.stderr
    );
    // Text output names the rule and the line of the first marker.
    let check = env.run(&["check"]).code(1);
    assert!(
        check
            .stdout
            .contains(&format!("{X}:7: error[merge-conflict]")),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("YAML"), "{}", check.stdout);
}

#[test]
fn test_merge_file_cli_exit_codes_and_outputs() {
    let env = TestEnv::bare_dir();
    let base = "---\nid: B-1\nestimate: 3\nvalue: 5\n---\nbody\n";
    env.write("base.md", base);
    env.write("ours.md", &base.replace("estimate: 3", "estimate: 5"));
    env.write("theirs.md", &base.replace("value: 5", "value: 8"));
    // Clean: the result replaces OURS, exit 0, nothing on stdout.
    let run = env
        .run(&["merge-file", "base.md", "ours.md", "theirs.md"])
        .ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        env.read("ours.md"),
        "---\nid: B-1\nestimate: 5\nvalue: 8\n---\nbody\n"
    );
    // Conflict: exit 1, markers in OURS, a status line naming --path.
    env.write("theirs.md", &base.replace("estimate: 3", "estimate: 8"));
    env.write("ours.md", &base.replace("estimate: 3", "estimate: 5"));
    let run = env
        .run(&[
            "merge-file",
            "base.md",
            "ours.md",
            "theirs.md",
            "--path",
            "backlog/B-1.md",
        ])
        .code(1);
    assert!(
        run.stderr.contains("backlog/B-1.md: 1 conflict left"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.read("ours.md"),
        "---\nid: B-1\n<<<<<<< ours\nestimate: 5\n=======\nestimate: 8\n>>>>>>> theirs\nvalue: 5\n---\nbody\n"
    );
    // --stdout leaves OURS alone; JSON reports the outcome.
    env.write("ours.md", &base.replace("estimate: 3", "estimate: 5"));
    let run = env
        .run(&[
            "merge-file",
            "-p",
            "base.md",
            "ours.md",
            "theirs.md",
            "--ours-label",
            "main",
        ])
        .code(1);
    assert!(run.stdout.contains("<<<<<<< main\n"), "{}", run.stdout);
    assert_eq!(
        env.read("ours.md"),
        base.replace("estimate: 3", "estimate: 5")
    );
    let json = env
        .run(&[
            "merge-file",
            "base.md",
            "ours.md",
            "theirs.md",
            "--format",
            "json",
        ])
        .code(1)
        .json();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["clean"], false);
    assert_eq!(json["conflicts"], 1);
    assert_eq!(json["strategy"], "keys");
    // Unusable input: exit 2, the file named, OURS untouched.
    env.write("ours.md", "kept\n");
    let run = env
        .run(&["merge-file", "base.md", "ours.md", "missing.md"])
        .code(2);
    assert!(run.stderr.contains("missing.md"), "{}", run.stderr);
    std::fs::write(env.path("bin.md"), b"\0\x01").unwrap();
    env.run(&["merge-file", "base.md", "ours.md", "bin.md"])
        .code(2);
    assert_eq!(env.read("ours.md"), "kept\n");
}

#[test]
fn test_merge_file_without_front_matter_and_with_crlf() {
    let env = TestEnv::bare_dir();
    env.write("base.md", "# Notes\none\ntwo\nthree\n");
    env.write("ours.md", "# Notes\nONE\ntwo\nthree\n");
    env.write("theirs.md", "# Notes\none\ntwo\nTHREE\n");
    let json = env
        .run(&[
            "merge-file",
            "base.md",
            "ours.md",
            "theirs.md",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(json["strategy"], "lines");
    assert_eq!(env.read("ours.md"), "# Notes\nONE\ntwo\nTHREE\n");
    let base = "---\r\nid: B-1\r\nestimate: 3\r\nvalue: 5\r\n---\r\n- [ ] a\r\n";
    env.write("base.md", base);
    env.write("ours.md", &base.replace("estimate: 3", "estimate: 5"));
    env.write(
        "theirs.md",
        &base
            .replace("value: 5", "value: 8")
            .replace("- [ ] a", "- [x] a"),
    );
    env.run(&["merge-file", "base.md", "ours.md", "theirs.md"])
        .ok();
    assert_eq!(
        env.read("ours.md"),
        "---\r\nid: B-1\r\nestimate: 5\r\nvalue: 8\r\n---\r\n- [x] a\r\n"
    );
}
