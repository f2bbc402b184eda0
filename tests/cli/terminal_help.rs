//! Issue 12, points 6–9: defaults of `list` and `board`, matrix thresholds (bug 10),
//! health figures (bug 11), the terminal (bug 12), help, man pages and completion.

use crate::harness::TestEnv;

fn ids(items: &serde_json::Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Open, done and closed items, ranked in ID order; B-4 depends on the open B-2.
fn mixed(env: &TestEnv) {
    env.item("B-1", "Done one", "rank: a1\nstatus: done\n", "");
    env.item("B-2", "Open draft", "rank: a2\n", "");
    env.item("B-3", "Split parent", "rank: a3\nstatus: split\n", "");
    env.item(
        "B-4",
        "Waiting",
        "rank: a4\nstatus: ready\ndepends_on: [B-2]\n",
        "",
    );
    env.item(
        "B-5",
        "Ready",
        "rank: a5\nstatus: ready\ndepends_on: [B-1]\n",
        "",
    );
    env.commit_all("seed");
}

#[test]
fn test_list_shows_open_items_unless_all() {
    let env = TestEnv::new();
    mixed(&env);
    let open = env.run(&["list", "--format", "json"]).ok().items();
    assert_eq!(ids(&open), ["B-2", "B-4", "B-5"]);
    let all = env.run(&["list", "--all", "--format", "json"]).ok().items();
    assert_eq!(ids(&all), ["B-1", "B-2", "B-3", "B-4", "B-5"]);
    // Asking for a status by name shows it without --all.
    let done = env
        .run(&["list", "--status", "done", "--format", "json"])
        .ok()
        .items();
    assert_eq!(ids(&done), ["B-1"]);
    let text = env.run(&["list", "--quiet"]).ok().stdout;
    assert!(!text.contains("B-1") && text.contains("B-2"), "{text}");
    let tree = env.run(&["list", "--tree"]).ok().stdout;
    assert!(!tree.contains("B-3") && tree.contains("B-5"), "{tree}");
    let tree = env.run(&["list", "--tree", "--all"]).ok().stdout;
    assert!(tree.contains("B-3"), "{tree}");
}

#[test]
fn test_list_unblocked_and_its_hidden_old_name() {
    let env = TestEnv::new();
    mixed(&env);
    let new = env
        .run(&["list", "--unblocked", "--format", "json"])
        .ok()
        .items();
    assert_eq!(ids(&new), ["B-2", "B-5"]);
    let old = env
        .run(&["list", "--ready", "--format", "json"])
        .ok()
        .items();
    assert_eq!(old, new);
    let help = env.run(&["list", "--help"]).ok().stdout;
    assert!(help.contains("--unblocked"), "{help}");
    assert!(!help.contains("  --ready"), "{help}");
    env.run(&["list", "--unblocked", "--blocked"]).code(2);
}

/// Bug 10: `matrix --label auth` took its thresholds from the two filtered items.
#[test]
fn test_matrix_thresholds_come_from_the_open_backlog() {
    let env = TestEnv::new();
    for (id, extra) in [
        ("B-1", "value: 8\nestimate: 2\nlabels: [auth]\n"),
        ("B-2", "value: 8\nestimate: 8\nlabels: [auth]\n"),
        ("B-3", "value: 2\nestimate: 3\n"),
        ("B-4", "value: 3\nestimate: 5\n"),
        ("B-5", "value: 5\nestimate: 1\n"),
        ("B-6", "value: 13\nestimate: 13\nstatus: done\n"),
    ] {
        env.item(id, &format!("Item {id}"), extra, "");
    }
    env.commit_all("seed");
    let m = env
        .run(&["matrix", "--label", "auth", "--format", "json"])
        .ok()
        .json();
    assert_eq!(m["thresholds"]["value"], 5.0);
    assert_eq!(m["thresholds"]["effort"], 3.0);
    assert_eq!(m["thresholds"]["median_over"], "open");
    assert_eq!(m["thresholds"]["median_of"], 5);
    assert_eq!(m["quadrants"]["quick_wins"][0]["id"], "B-1");
    assert_eq!(m["quadrants"]["big_bets"][0]["id"], "B-2");
    assert_eq!(m["quadrants"]["time_sinks"], serde_json::json!([]));
    let text = env.run(&["matrix", "--label", "auth"]).ok().stdout;
    assert!(
        text.starts_with(
            "Value above 5 (median) is high; effort above 3 points (median) is high.\n\
             Medians of the 5 open items with a value and an estimate"
        ),
        "{text}"
    );
    // The old behaviour on request: the two auth items alone.
    let local = env
        .run(&[
            "matrix",
            "--label",
            "auth",
            "--local-thresholds",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(local["thresholds"]["value"], 8.0);
    assert_eq!(local["thresholds"]["median_over"], "shown");
    assert_eq!(local["quadrants"]["time_sinks"][0]["id"], "B-2");
}

/// Bug 11: the headline percentages were not the values that enter the score.
#[test]
fn test_health_lines_show_the_figures_of_the_score() {
    let env = TestEnv::new();
    env.item(
        "B-1",
        "Estimated",
        "rank: a1\nestimate: 2\n",
        "As a user, I want x so that y.\n\n## Acceptance criteria\n- [ ] works\n",
    );
    env.item("B-2", "Unestimated", "rank: a2\n", "");
    env.item("B-3", "Unranked", "estimate: 2\n", "");
    env.item(
        "B-4",
        "Above its dependency",
        "rank: a3\ndepends_on: [B-5]\n",
        "",
    );
    env.item("B-5", "Dependency", "rank: a4\n", "");
    env.commit_all("seed");
    // Horizon: the first item only; estimated 100% there, 40% overall (E = 0.70); ranked
    // 80% less 20% for B-4 above its dependency (P = 0.60).
    let out = env
        .run_with(
            &["health", "--capacity", "1"],
            &[("BACKLOG_TODAY", "2025-11-25")],
        )
        .ok()
        .stdout;
    let score = out.lines().find(|l| l.starts_with("Score = ")).unwrap();
    let figure = |letter: &str| -> u32 {
        let at = score.find(&format!("{letter} ")).unwrap() + 2;
        let value: f64 = score[at..at + 4].parse().unwrap();
        (value * 100.0).round() as u32
    };
    for (name, letter) in [
        ("Detailed", "D"),
        ("Estimated", "E"),
        ("Emergent", "M"),
        ("Prioritized", "P"),
    ] {
        let line = out.lines().find(|l| l.starts_with(name)).unwrap();
        let shown: u32 = line[name.len()..]
            .trim_start()
            .split('%')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(shown, figure(letter), "{name}: {line}\n{score}");
    }
    // Estimated is the mean of the horizon and the whole backlog, and says so.
    assert!(
        out.contains(
            "Estimated     70%  the mean of 100% inside the horizon (1 of 1) and 40% overall"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Prioritized   60%  4 of 5 ranked (80%) less 20% for disorder: 0 rank collisions; \
             1 ranked above a dependency"
        ),
        "{out}"
    );
}

#[test]
fn test_board_caps_the_done_column() {
    let env = TestEnv::new();
    for i in 1..=7 {
        env.item(
            &format!("B-{i}"),
            &format!("Done {i}"),
            &format!(
                "rank: a{i}\nstatus: done\nestimate: 1\nsprint: 2026-S{:02}\n",
                10 + i
            ),
            "",
        );
    }
    env.item("B-8", "Open", "rank: a8\n", "");
    env.commit_all("seed");
    let board = env.run(&["board", "--format", "json"]).ok().json();
    let done = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "done")
        .unwrap()
        .clone();
    let shown: Vec<&str> = done["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["B-3", "B-4", "B-5", "B-6", "B-7"]);
    assert_eq!(
        (done["more"].as_u64(), done["points"].as_u64()),
        (Some(2), Some(7))
    );
    let text = env.run(&["board", "--done", "2"]).ok().stdout;
    assert!(text.contains("DONE (7, 7 pts)"), "{text}");
    assert!(text.contains("… 5 more (--done all)"), "{text}");
    assert!(!text.contains("B-5 ") && text.contains("B-7 "), "{text}");
    let all = env.run(&["board", "--done", "all"]).ok().stdout;
    assert!(all.contains("B-1 ") && !all.contains("more"), "{all}");
    let run = env.run(&["board", "--done", "lots"]).code(2);
    assert!(run.stderr.contains("`all`"), "{}", run.stderr);
}

/// A repository holding a copy of `examples/demo/backlog`, committed.
fn demo() -> TestEnv {
    let env = TestEnv::new();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo/backlog");
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), env.path("backlog").join(entry.file_name())).unwrap();
    }
    env.commit_all("Demo backlog");
    env
}

/// `list`, `show`, `board` and `check` in text (80 columns, with and without colour)
/// and in JSON, and the `--help` of three commands.
#[test]
fn test_snapshot_terminal_output_at_80_columns() {
    let env = demo();
    let vars = [("COLUMNS", "80"), ("BACKLOG_TODAY", "2026-02-16")];
    for (name, args) in [
        ("list", &["list"][..]),
        ("show", &["show", "B-7KX2"]),
        ("board", &["board"]),
        ("check", &["check"]),
    ] {
        let plain = env.run_with(args, &vars);
        let text = format!("exit: {}\n{}{}", plain.code, plain.stdout, plain.stderr);
        insta::assert_snapshot!(format!("terminal_{name}_80_plain"), text);
        for line in plain.stdout.lines() {
            assert!(
                unicode_columns(line) <= 80 || name == "show" || name == "check",
                "{name}: {line}"
            );
        }
        let mut coloured: Vec<&str> = args.to_vec();
        coloured.extend(["--color", "always"]);
        let run = env.run_with(&coloured, &vars);
        let text = format!("exit: {}\n{}{}", run.code, run.stdout, run.stderr);
        insta::assert_snapshot!(format!("terminal_{name}_80_color"), text);
        // Colour changes nothing but the escapes.
        assert_eq!(strip_escapes(&run.stdout), plain.stdout, "{name}");
        let mut json: Vec<&str> = args.to_vec();
        json.extend(["--format", "json", "--color", "always"]);
        let run = env.run_with(&json, &vars);
        assert!(!run.stdout.contains('\u{1b}'), "{name}: colour in JSON");
        insta::assert_snapshot!(format!("terminal_{name}_json"), run.stdout);
    }
    for command in ["list", "board", "matrix"] {
        let run = env.run_with(&[command, "--help"], &vars).ok();
        insta::assert_snapshot!(format!("terminal_help_{command}"), run.stdout);
    }
}

fn unicode_columns(s: &str) -> usize {
    // Every character the demo prints is one column wide (`…`, `─` included).
    s.chars().count()
}

fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn test_colour_is_off_in_pipes_and_follows_the_environment() {
    let env = demo();
    let has_escape = |vars: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        env.run_with(&all, vars).ok().stdout.contains('\u{1b}')
    };
    // `auto` in a pipe: never, even without NO_COLOR.
    assert!(!has_escape(&[("NO_COLOR", "")], &[]));
    // CLICOLOR_FORCE forces it in a pipe; NO_COLOR wins over it; --color decides last.
    assert!(has_escape(
        &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")],
        &[]
    ));
    assert!(!has_escape(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(has_escape(&[], &["--color", "always"]));
    assert!(!has_escape(
        &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")],
        &["--color", "never"]
    ));
    // Errors on stderr follow the same rules.
    let run = env
        .run_with(&["show", "B-NOPE", "--color", "always"], &[])
        .code(2);
    assert!(run.stderr.starts_with("\u{1b}["), "{:?}", run.stderr);
    let run = env.run(&["show", "B-NOPE"]).code(2);
    assert!(run.stderr.starts_with("error: "), "{:?}", run.stderr);
}

#[test]
fn test_list_columns_fit_the_width_and_header_goes_with_quiet() {
    let env = TestEnv::new();
    env.item(
        "B-1",
        "A title long enough that it has to be cut somewhere",
        "rank: a1\nowner: dana\nlabels: [auth, web]\nestimate: 3\n",
        "",
    );
    env.item(
        "B-2",
        "広い文字のタイトルはここで切られます",
        "rank: a2\n",
        "",
    );
    env.commit_all("seed");
    let run = env.run_with(&["list"], &[("COLUMNS", "40")]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID   STATUS  PTS  TITLE"),
        "{}",
        run.stdout
    );
    for line in &lines {
        let w: usize = line
            .chars()
            .map(|c| {
                if ('\u{3000}'..='\u{9fff}').contains(&c) {
                    2
                } else {
                    1
                }
            })
            .sum();
        assert!(w <= 40, "{w}: {line}");
    }
    assert!(
        lines[1].contains('…') && lines[2].contains('…'),
        "{}",
        run.stdout
    );
    let quiet = env.run_with(&["list", "-q"], &[("COLUMNS", "40")]).ok();
    assert_eq!(quiet.stdout.lines().count(), 2, "{}", quiet.stdout);
    // Without a width (a pipe, COLUMNS unset), nothing is cut.
    let whole = env.run_with(&["list"], &[("COLUMNS", "")]).ok();
    assert!(
        whole
            .stdout
            .contains("A title long enough that it has to be cut somewhere  @dana  [auth, web]"),
        "{}",
        whole.stdout
    );
}

/// Bug 12: `board` ignored the real terminal width (COLUMNS unset, a 60-column pty).
#[test]
fn test_board_fits_a_60_column_terminal_without_columns() {
    let env = demo();
    let script = std::process::Command::new("script")
        .arg("--version")
        .output();
    if script.is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_backlog");
    let inner = format!("stty cols 60 rows 40; exec {bin} board");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &inner, "/dev/null"]);
    cmd.env_clear()
        .current_dir(env.root())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path("home"))
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(text.contains("DRAFT ("), "{text}");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 60,
            "{}: {line}",
            line.chars().count()
        );
    }
}

// ---- point 8: help that teaches, man pages -----------------------------------------

/// The visible subcommands, from the top-level help's groups.
fn commands(env: &TestEnv) -> Vec<String> {
    let help = env.run(&["--help"]).ok().stdout;
    help.lines()
        .skip_while(|l| !l.starts_with("Capture:"))
        .take_while(|l| !l.starts_with("Global options:"))
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn test_top_level_help_groups_commands_by_workflow_and_global_options() {
    let env = TestEnv::new();
    let help = env.run(&["--help"]).ok().stdout;
    let headings: Vec<&str> = help
        .lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .collect();
    assert_eq!(
        headings,
        [
            "Capture:",
            "Refine:",
            "Plan:",
            "Review:",
            "Team & integration:",
            "Global options:"
        ],
        "{help}"
    );
    assert!(!help.contains("\nCommands:"), "{help}");
    let names = commands(&env);
    assert_eq!(names.len(), 35, "{names:?}");
    // A subcommand's own options come first; the global ones under their heading.
    let set = env.run(&["set", "--help"]).ok().stdout;
    let own = set.find("--strict-wip").unwrap();
    let global = set.find("Global options:").unwrap();
    assert!(
        own < global && set[global..].contains("--no-commit"),
        "{set}"
    );
}

#[test]
fn test_every_subcommand_help_ends_with_examples() {
    let env = TestEnv::new();
    for command in commands(&env) {
        let help = env.run(&[&command, "--help"]).ok().stdout;
        let examples = help
            .split("\nExamples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{help}"));
        assert!(
            examples
                .lines()
                .any(|l| l.contains(&format!("backlog {command}"))),
            "{command}: {examples}"
        );
    }
}

#[test]
fn test_man_all_writes_a_page_per_subcommand_with_exit_status_environment_files() {
    let env = TestEnv::new();
    let r = env.run(&["man", "--all", "man1"]).ok();
    assert!(
        r.stderr.contains("Wrote 39 man pages to man1."),
        "{}",
        r.stderr
    );
    let mut pages = vec!["backlog.1".to_owned()];
    pages.extend(commands(&env).iter().map(|c| format!("backlog-{c}.1")));
    pages.extend(
        ["backlog-md", "github", "csv"]
            .iter()
            .map(|s| format!("backlog-import-{s}.1")),
    );
    let mut written: Vec<String> = std::fs::read_dir(env.path("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    pages.sort();
    assert_eq!(written, pages);
    for page in &pages {
        let text = env.read(&format!("man1/{page}"));
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
        ] {
            assert!(text.contains(section), "{page} lacks {section}");
        }
        assert!(text.contains("\\fBBACKLOG_TODAY\\fR") && text.contains("\\fB101\\fR"));
    }
    let set = env.read("man1/backlog-set.1");
    assert!(
        set.starts_with(".ie") && set.contains(".TH backlog-set 1"),
        "{set}"
    );
    assert!(
        set.contains(".SH EXAMPLES\n.nf\nbacklog set B\\-7KX2 status=ready\n"),
        "{set}"
    );
    assert!(set.contains("\\fB\\-\\-strict\\-wip\\fR"), "{set}");
    // Without --all: backlog.1 on stdout, as before.
    let one = env.run(&["man"]).ok().stdout;
    assert!(one.contains(".TH backlog 1") && one.contains(".SH \"EXIT STATUS\""));
}

/// Completes word `COMP_CWORD` of `words` the way bash does once the script of `backlog
/// completions bash` is loaded (the script calls back into the binary on PATH).
fn bash_complete(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_backlog"))
        .parent()
        .unwrap()
        .to_owned();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <(backlog completions bash)\n\
         COMP_WORDS=({words}); COMP_CWORD={last}; COMP_TYPE=9\n\
         _clap_complete_backlog backlog {current} {previous}\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        last = words.len() - 1,
        current = quoted[words.len() - 1],
        previous = quoted[words.len() - 2],
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(env.root())
        .env("PATH", path)
        .env_remove("BACKLOG_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn test_bash_completes_ids_statuses_labels_owners_and_set_assignments() {
    let env = TestEnv::new();
    env.run(&["init", "-q"]).ok();
    mixed(&env);
    env.item(
        "X-9",
        "Other prefix",
        "rank: a9\nlabels: [ux]\nowner: ana\n",
        "",
    );
    env.commit_all("items");
    // IDs: open items first, then the done `B-1` and the split `B-3`, each group in
    // backlog order; a prefix narrows them, case-insensitively.
    let ids = bash_complete(&env, &["backlog", "show", "b-"]);
    assert_eq!(ids, ["B-2", "B-4", "B-5", "B-1", "B-3"], "{ids:?}");
    assert_eq!(bash_complete(&env, &["backlog", "merge", "X"]), ["X-9"]);
    assert_eq!(
        bash_complete(&env, &["backlog", "rank", "B-2", "--before", "X"]),
        ["X-9"]
    );
    assert_eq!(
        bash_complete(&env, &["backlog", "list", "--status", "in"]),
        ["in-progress"]
    );
    assert_eq!(
        bash_complete(&env, &["backlog", "list", "--label", "u"]),
        ["ux"]
    );
    assert_eq!(
        bash_complete(&env, &["backlog", "add", "T", "--owner", ""]),
        ["ana"]
    );
    assert_eq!(
        bash_complete(&env, &["backlog", "set", "B-2", "stat"]),
        ["status="]
    );
    assert_eq!(
        bash_complete(&env, &["backlog", "set", "B-2", "status=re"]),
        ["status=ready"]
    );
    // Outside any backlog the shell is offered nothing, and nothing fails.
    let outside = TestEnv::bare_dir();
    assert!(bash_complete(&outside, &["backlog", "show", "B"]).is_empty());
}

#[test]
fn test_static_completion_script_needs_no_callback() {
    let env = TestEnv::new();
    let out = env.run(&["completions", "--static", "bash"]).ok();
    assert!(out.stdout.contains("_backlog()"), "{}", out.stdout);
    assert!(!out.stdout.contains("COMPLETE="));
    let dynamic = env.run(&["completions", "zsh"]).ok();
    assert!(
        dynamic.stdout.contains("COMPLETE=\"zsh\""),
        "{}",
        dynamic.stdout
    );
}

#[test]
fn test_each_command_takes_and_lists_only_its_formats() {
    let env = TestEnv::new();
    env.run(&["init", "-q"]).ok();
    let path = env.item("B-1", "One", "rank: a1\n", "");
    env.commit_all("item");
    // After the command or before it: a usage error naming what it writes, nothing done.
    for args in [
        &["set", "B-1", "x=1", "--format", "dot"][..],
        &["--format", "dot", "set", "B-1", "x=1"][..],
    ] {
        let err = env.run(args).code(2).stderr;
        assert!(
            err.contains("`set` does not support --format dot; use one of: text, json"),
            "{err}"
        );
    }
    assert_eq!(env.commit_count(), 1 + 1, "nothing was committed");
    assert!(!env.read(&path).contains("x: 1"));
    let show = env.run(&["show", "--help"]).ok().stdout;
    assert!(
        show.contains("- json:") && !show.contains("- dot:"),
        "{show}"
    );
    let graph = env.run(&["graph", "--help"]).ok().stdout;
    assert!(
        graph.contains("- dot:") && !graph.contains("- csv:"),
        "{graph}"
    );
    let check = env.run(&["check", "--help"]).ok().stdout;
    assert!(
        check.contains("- github:") && !check.contains("- markdown:"),
        "{check}"
    );
    // A word that is no format at all: clap's error, listing what the command writes.
    let err = env
        .run(&["set", "B-1", "x=1", "--format", "bogus"])
        .code(2)
        .stderr;
    assert!(err.contains("[possible values: text, json]"), "{err}");
    // The formats a command does write still work in both places.
    env.run(&["graph", "--format", "dot"]).ok();
    env.run(&["--format", "json", "show", "B-1"]).ok().json();
}
