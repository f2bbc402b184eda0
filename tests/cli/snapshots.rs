//! Snapshot tests: the whole text and JSON output of every command, and the whole commit
//! (message, trailers, diff) of every mutating command, on the sample backlog in
//! `examples/demo` and on a small generated backlog (`examples/gen_backlog.rs`).
//!
//! They pin behaviour across refactors: a change that alters any output shows up as a
//! snapshot diff. Review and accept intended changes with `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test cli snapshots` and read `git diff`.
//!
//! Every run has `BACKLOG_TODAY` and `COLUMNS` fixed. Minted IDs and commit hashes (random
//! or dependent on them) are replaced by placeholders before comparing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::TestEnv;

#[allow(dead_code)]
#[path = "../../examples/gen_backlog.rs"]
mod gen_backlog;

/// The day every snapshot run pretends it is (inside the demo's third sprint).
const TODAY: &str = "2026-02-16";

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

/// A repository holding 40 generated items (seed 7), committed.
fn generated() -> TestEnv {
    let env = TestEnv::new();
    gen_backlog::write_backlog(&env.path("backlog"), 40, 7).unwrap();
    env.commit_all("Generated backlog");
    env
}

/// Item IDs by their titles, read from the `id:`/`title:` lines of the item files.
fn ids_by_title(env: &TestEnv) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walk(&env.path("backlog")) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
        };
        if let (Some(id), Some(title)) = (field("id:"), field("title:")) {
            out.insert(title, id);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out
}

/// The `rank:` values of items whose IDs are not in `known`.
fn new_ranks(env: &TestEnv, known: &std::collections::HashSet<&String>) -> Vec<String> {
    let mut out = Vec::new();
    for path in walk(&env.path("backlog")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
        };
        if let (Some(id), Some(rank)) = (field("id:"), field("rank:"))
            && !known.contains(&id)
        {
            out.push(rank);
        }
    }
    out
}

/// Placeholders for what is random in a run: minted IDs (`NEW-1`, `NEW-2`, … in title
/// order) and the commit hash.
struct Redact(Vec<(String, String)>);

impl Redact {
    /// Everything new in `env` since `before` was taken, and HEAD's hash if it moved.
    fn since(env: &TestEnv, before: &BTreeMap<String, String>, head_before: &str) -> Self {
        let mut pairs = Vec::new();
        let known: std::collections::HashSet<&String> = before.values().collect();
        let mut n = 0;
        for id in ids_by_title(env).values() {
            if !known.contains(id) {
                n += 1;
                pairs.push((id.clone(), format!("NEW-{n}")));
            }
        }
        // `add` appends with a random jitter in the rank key (merge safety).
        if n > 0 {
            for rank in new_ranks(env, &known) {
                pairs.push((format!("rank: {rank}"), "rank: <new-rank>".to_owned()));
                pairs.push((
                    format!("\"rank\": \"{rank}\""),
                    "\"rank\": \"<new-rank>\"".to_owned(),
                ));
            }
        }
        // `init` names the absolute path it created.
        pairs.insert(0, (env.root.display().to_string(), "<root>".to_owned()));
        let head = head(env);
        if head != head_before && !head.is_empty() {
            pairs.push((head[..10].to_owned(), "<commit>".to_owned()));
            pairs.insert(pairs.len() - 1, (head.clone(), "<commit-hash>".to_owned()));
        }
        Self(pairs)
    }

    fn apply(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (from, to) in &self.0 {
            text = text.replace(from.as_str(), to);
        }
        text
    }
}

fn head(env: &TestEnv) -> String {
    let r = env.git(&["rev-parse", "HEAD"]);
    if r.code == 0 {
        r.stdout.trim().to_owned()
    } else {
        String::new()
    }
}

/// One command's transcript: the command line, exit code, stdout and stderr.
fn transcript(env: &TestEnv, args: &[&str], extra: &[(&str, &str)]) -> (String, Redact) {
    let before = ids_by_title(env);
    let head_before = head(env);
    let mut vars = vec![("BACKLOG_TODAY", TODAY)];
    vars.extend_from_slice(extra);
    let r = env.run_with(args, &vars);
    let redact = Redact::since(env, &before, &head_before);
    let text = format!(
        "$ backlog {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        r.code,
        r.stdout,
        r.stderr
    );
    (redact.apply(&text), redact)
}

/// The last commit as the git CLI shows it: message with trailers, then the patch (blob
/// hashes dropped), then `git status` (which must stay clean of backlog files).
fn last_commit(env: &TestEnv, redact: &Redact) -> String {
    let show = env
        .git(&["show", "--format=%B---", "--patch", "--no-color", "HEAD"])
        .ok()
        .stdout;
    let patch: String = show
        .lines()
        .filter(|l| !l.starts_with("index "))
        .map(|l| format!("{l}\n"))
        .collect();
    // git orders a patch by path, and new paths hold random IDs: order the files by their
    // redacted text instead.
    let patch = redact.apply(&patch);
    let mut parts: Vec<&str> = patch.split("\ndiff --git ").map(str::trim_end).collect();
    let message = parts.remove(0);
    parts.sort_unstable();
    let mut out = format!("{message}\n");
    for part in parts {
        out.push_str("diff --git ");
        out.push_str(part);
        out.push('\n');
    }
    let status = env.status();
    redact.apply(&format!("{out}--- git status --porcelain\n{status}"))
}

/// Every `--format json` document is one object with `"schema"` first (DESIGN.md,
/// "Machine output"); a run that failed (exit 2) prints nothing on stdout.
fn assert_schema_first(transcript: &str) {
    let stdout = transcript
        .split_once("--- stdout\n")
        .and_then(|(_, rest)| rest.split_once("--- stderr\n"))
        .map_or("", |(out, _)| out);
    if transcript.contains("\nexit: 2\n") {
        assert_eq!(stdout, "", "{transcript}");
    } else {
        assert!(
            stdout.starts_with("{\n  \"schema\": 1,\n"),
            "JSON without `schema` first:\n{transcript}"
        );
    }
}

/// Snapshots read-only commands, each in text and in JSON.
/// The fixture's one commit hash changes whenever the fixture does; it is `<head>` here.
fn read_only(prefix: &str, env: &TestEnv, commands: &[(&str, &[&str])]) {
    let head = head(env);
    let redact = Redact(vec![
        (head.clone(), "<head-hash>".to_owned()),
        (head[..10].to_owned(), "<head>".to_owned()),
    ]);
    for (name, args) in commands {
        let (text, _) = transcript(env, args, &[]);
        insta::assert_snapshot!(format!("{prefix}_{name}_text"), redact.apply(&text));
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        let (json, _) = transcript(env, &json_args, &[]);
        assert_schema_first(&json);
        insta::assert_snapshot!(format!("{prefix}_{name}_json"), redact.apply(&json));
    }
    assert_eq!(env.status(), "", "a read-only command changed files");
}

/// Snapshots a mutating command, in text and in JSON (each in a fresh repository from
/// `setup`), with the commit it records.
fn mutating(name: &str, setup: fn() -> TestEnv, args: &[&str], extra: &[(&str, &str)]) {
    for (format, suffix) in [(None, "text"), (Some("json"), "json")] {
        let env = setup();
        let mut run_args = args.to_vec();
        if let Some(f) = format {
            run_args.extend(["--format", f]);
        }
        let head_before = head(&env);
        let (out, redact) = transcript(&env, &run_args, extra);
        if format.is_some() {
            assert_schema_first(&out);
        }
        let commit = if head(&env) == head_before {
            format!("(none)\n--- git status --porcelain\n{}", env.status())
        } else {
            last_commit(&env, &redact)
        };
        insta::assert_snapshot!(
            format!("{name}_{suffix}"),
            format!("{out}=== commit\n{commit}")
        );
        env.assert_fsck();
    }
}

#[test]
fn test_snapshot_demo_read_only_commands() {
    let env = demo();
    read_only(
        "demo",
        &env,
        &[
            ("list", &["list"]),
            ("list_ready", &["list", "--ready"]),
            ("list_blocked", &["list", "--blocked"]),
            (
                "list_status_label",
                &["list", "--status", "ready", "--label", "web"],
            ),
            ("show", &["show", "B-7KX2"]),
            ("show_prefix", &["show", "b-2a"]),
            ("show_unknown", &["show", "B-NOPE"]),
            ("criteria", &["criteria", "B-7KX2"]),
            ("check", &["check"]),
            ("check_strict", &["check", "--strict"]),
            ("graph", &["graph"]),
            ("graph_item", &["graph", "B-7KX2"]),
            ("dupes", &["dupes"]),
            ("matrix", &["matrix"]),
            ("velocity", &["velocity"]),
            ("plan", &["plan"]),
            (
                "plan_three_sprints",
                &["plan", "--sprints", "3", "--capacity", "13"],
            ),
            ("plan_auto", &["plan", "--capacity", "auto"]),
            ("agenda", &["agenda"]),
            ("health", &["health"]),
            // The demo's sprints (2026-S21..S23) are after TODAY: too little history.
            ("forecast", &["forecast"]),
            (
                "forecast_velocity",
                &["forecast", "--velocity", "8", "--sprints", "3"],
            ),
            (
                "forecast_range_by",
                &[
                    "forecast",
                    "B-2A9C",
                    "B-F8TJ",
                    "--range",
                    "5..12",
                    "--by",
                    "2026-06-01",
                ],
            ),
            ("burnup", &["burnup"]),
            ("board", &["board"]),
            ("log", &["log", "B-7KX2"]),
            ("diff_worktree", &["diff", "HEAD"]),
            ("fmt_check", &["fmt", "--check"]),
            (
                "rank_by_wsjf_dry_run",
                &["rank", "--by", "wsjf", "--dry-run"],
            ),
            (
                "rank_by_value_effort_dry_run",
                &["rank", "--by", "value-effort", "--dry-run"],
            ),
        ],
    );
    for (name, args) in [
        ("check_github", &["check", "--format", "github"][..]),
        ("graph_mermaid", &["graph", "--format", "mermaid"]),
        ("graph_dot", &["graph", "--format", "dot"]),
        ("diff_markdown", &["diff", "HEAD", "--format", "markdown"]),
        (
            "forecast_markdown",
            &[
                "forecast", "B-2A9C", "--range", "5..12", "--format", "markdown",
            ],
        ),
        ("help", &["--help"]),
        ("mcp_instructions", &["mcp", "--instructions"]),
        ("version", &["--version"]),
        ("no_command", &[]),
    ] {
        let (text, _) = transcript(&env, args, &[]);
        let head = head(&env);
        insta::assert_snapshot!(format!("demo_{name}"), text.replace(&head[..10], "<head>"));
    }
}

#[test]
fn test_snapshot_generated_read_only_commands() {
    let env = generated();
    read_only(
        "generated",
        &env,
        &[
            ("list", &["list"]),
            ("check", &["check"]),
            ("graph", &["graph"]),
            ("dupes", &["dupes"]),
            ("matrix", &["matrix"]),
            ("plan", &["plan", "--capacity", "20"]),
            ("health", &["health"]),
            ("board", &["board"]),
            (
                "rank_by_wsjf_dry_run",
                &["rank", "--by", "wsjf", "--dry-run"],
            ),
        ],
    );
}

#[test]
fn test_snapshot_init() {
    mutating("init_empty_repository", TestEnv::new, &["init"], &[]);
    mutating("init_existing", demo, &["init"], &[]);
}

#[test]
fn test_snapshot_add() {
    mutating(
        "add",
        demo,
        &[
            "add",
            "Export expenses to Xero",
            "--type",
            "story",
            "--estimate",
            "3",
            "--value",
            "5",
            "--label",
            "integrations",
            "--owner",
            "marco",
            "--depends-on",
            "B-6CWF",
            "--story",
            "As a finance admin, I want approved expenses in Xero so that I stop retyping them.",
            "--ac",
            "Approved expenses appear in Xero within an hour",
            "--ac",
            "Failures are listed on the integrations page",
        ],
        &[],
    );
    mutating(
        "add_bad_estimate",
        demo,
        &["add", "Too big", "--estimate", "4"],
        &[],
    );
}

#[test]
fn test_snapshot_set_edit_estimate() {
    mutating(
        "set",
        demo,
        &["set", "B-W1YH", "status=ready", "estimate=5", "owner=lee"],
        &[],
    );
    mutating(
        "set_unknown_status",
        demo,
        &["set", "B-W1YH", "status=doing"],
        &[],
    );
    mutating(
        "edit",
        demo,
        &["edit", "B-1TBK"],
        &[("EDITOR", "sed -i s/title:\\ Slack/title:\\ Teams/")],
    );
    mutating("estimate", demo, &["estimate", "B-XN62", "3"], &[]);
    mutating(
        "estimate_off_scale",
        demo,
        &["estimate", "B-XN62", "4"],
        &[],
    );
    mutating(
        "estimate_votes_diverged",
        demo,
        &["estimate", "B-GQ7Y", "--vote", "ana=3", "--vote", "ben=13"],
        &[],
    );
    mutating(
        "estimate_votes_agreed",
        demo,
        &["estimate", "B-GQ7Y", "--vote", "ana=5", "--vote", "ben=5"],
        &[],
    );
}

#[test]
fn test_snapshot_criteria_story() {
    mutating(
        "criteria_add",
        demo,
        &["criteria", "B-6CWF", "--add", "Rejections need a reason"],
        &[],
    );
    mutating(
        "criteria_check",
        demo,
        &["criteria", "B-6CWF", "--check", "1", "2"],
        &[],
    );
    mutating(
        "criteria_move",
        demo,
        &["criteria", "B-6CWF", "--move", "1", "--to", "3"],
        &[],
    );
    mutating(
        "story",
        demo,
        &[
            "story",
            "B-SZ3K",
            "As a night-shift approver, I want a dark theme so that the screen does not glare.",
        ],
        &[],
    );
}

#[test]
fn test_snapshot_split_merge() {
    mutating(
        "split",
        demo,
        &[
            "split",
            "B-F8TJ",
            "--into",
            "Sync expenses to QuickBooks",
            "--into",
            "Sync receipts to QuickBooks",
            "--give",
            "1=1,2",
        ],
        &[],
    );
    mutating("merge", demo, &["merge", "B-AR0W", "--into", "B-R6DP"], &[]);
}

#[test]
fn test_snapshot_rank() {
    mutating("rank_top", demo, &["rank", "B-SZ3K", "--top"], &[]);
    mutating(
        "rank_after",
        demo,
        &["rank", "B-SZ3K", "--after", "B-6CWF"],
        &[],
    );
    mutating("rank_bottom", demo, &["rank", "B-N4GS", "--bottom"], &[]);
    mutating("rank_rebalance", demo, &["rank", "--rebalance"], &[]);
    mutating("rank_by_wsjf", demo, &["rank", "--by", "wsjf"], &[]);
    mutating(
        "generated_rank_by_wsjf",
        generated,
        &["rank", "--by", "wsjf"],
        &[],
    );
}

#[test]
fn test_snapshot_plan_apply_and_fmt() {
    mutating("plan_apply", demo, &["plan", "--apply"], &[]);
    mutating("fmt", demo, &["fmt"], &[]);
    mutating("generated_fmt", generated, &["fmt"], &[]);
}

#[test]
fn test_snapshot_history_after_a_session() {
    let env = demo();
    for args in [
        &["estimate", "B-XN62", "3"][..],
        &["set", "B-W1YH", "status=ready", "estimate=5"],
        &["rank", "B-SZ3K", "--top"],
        &["merge", "B-AR0W", "--into", "B-R6DP"],
    ] {
        env.run_with(args, &[("BACKLOG_TODAY", TODAY)]).ok();
    }
    let commits: Vec<String> = env
        .git(&["rev-list", "HEAD"])
        .ok()
        .stdout
        .lines()
        .map(str::to_owned)
        .collect();
    // Commit hashes are stable here (no minted IDs), but name them for readability.
    let redact = Redact(
        commits
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                [
                    (c.clone(), format!("<commit-{i}>")),
                    (c[..10].to_owned(), format!("<c{i}>")),
                ]
            })
            .collect(),
    );
    for (name, args) in [
        ("diff", &["diff", "HEAD~4..HEAD"][..]),
        ("diff_json", &["diff", "HEAD~4..HEAD", "--format", "json"]),
        (
            "diff_markdown",
            &["diff", "HEAD~4..HEAD", "--format", "markdown"],
        ),
        ("log", &["log", "B-W1YH"]),
        ("log_json", &["log", "B-W1YH", "--format", "json"]),
        ("log_merged", &["log", "B-R6DP"]),
        ("health", &["health"]),
        ("velocity", &["velocity"]),
    ] {
        let (text, _) = transcript(&env, args, &[]);
        insta::assert_snapshot!(format!("session_{name}"), redact.apply(&text));
    }
}
