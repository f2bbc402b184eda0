//! The README's examples run as pasted: the fenced `sh` block under `## Quick start` is
//! read from README.md when the test runs (so an edit of the README is tested, not a
//! copy of it) and run with bash in an empty temporary folder, with the binary under test
//! first on `PATH`.
//!
//! The one kind of line that is not run: `cargo install …` (it would build and install
//! the tool, which the test already has). Only lines of exactly that form are skipped;
//! every other line runs, and the script stops at the first failing command
//! (`set -euo pipefail`), so a broken example fails the test where a reader would see it
//! fail.

use std::path::Path;
use std::process::Command;

/// The body of the first fenced ```sh block after the heading `heading` in `markdown`.
fn sh_block_under(markdown: &str, heading: &str) -> Option<String> {
    let mut lines = markdown.lines().skip_while(|l| l.trim_end() != heading);
    lines.next()?;
    let mut block = String::new();
    let mut inside = false;
    for line in lines {
        if !inside {
            if line.starts_with("## ") {
                return None;
            }
            inside = line.trim_end() == "```sh";
            continue;
        }
        if line.trim_end() == "```" {
            return Some(block);
        }
        block.push_str(line);
        block.push('\n');
    }
    None
}

/// The script to run: `block` without its `cargo install …` lines (see the module docs),
/// and how many were skipped.
fn runnable(block: &str) -> (String, usize) {
    let mut skipped = 0;
    let mut script = String::from("set -euo pipefail\n");
    for line in block.lines() {
        if line.trim_start().starts_with("cargo install ") {
            skipped += 1;
            continue;
        }
        script.push_str(line);
        script.push('\n');
    }
    (script, skipped)
}

#[test]
fn test_sh_block_under_finds_the_block_of_its_own_section() {
    let md = "# T\n\n## A\n\n```sh\na\n```\n\n## B\n\ntext\n\n## C\n\n```sh\nc1\nc2\n```\n";
    assert_eq!(sh_block_under(md, "## A").as_deref(), Some("a\n"));
    assert_eq!(sh_block_under(md, "## B"), None);
    assert_eq!(sh_block_under(md, "## C").as_deref(), Some("c1\nc2\n"));
    assert_eq!(sh_block_under(md, "## D"), None);
    let (script, skipped) = runnable("cargo install --locked --path .\nbacklog init\n");
    assert_eq!(skipped, 1);
    assert_eq!(script, "set -euo pipefail\nbacklog init\n");
}

#[test]
fn test_the_readme_quick_start_runs_as_pasted() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(manifest.join("README.md")).unwrap();
    let block =
        sh_block_under(&readme, "## Quick start").expect("README has a Quick start sh block");
    let (script, _) = runnable(&block);
    assert!(script.contains("backlog init"), "{script}");

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("home")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_backlog")).parent().unwrap();
    let mut paths = vec![bin.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    // The committer comes from the environment; the author is what the block's own
    // `git config user.name` sets, so the test checks that line does its job.
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&root)
        .env_clear()
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("HOME", root.join("home"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_COMMITTER_NAME", "Quick Start")
        .env("GIT_COMMITTER_EMAIL", "quick-start@example.com")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "the Quick start failed ({}):\n{script}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );

    // `backlog list` showed both items; the first is ready with its estimate.
    assert!(stdout.contains("Sign in with company SSO"), "{stdout}");
    assert!(stdout.contains("Audit log of sign-ins"), "{stdout}");
    let sso = stdout
        .lines()
        .find(|l| l.contains("Sign in with company SSO"))
        .unwrap();
    assert!(sso.contains("ready") && sso.contains(" 5 "), "{sso}");
    // `backlog check` found nothing wrong.
    assert!(!stderr.contains("error"), "{stderr}");

    // What the README says after the block: one small commit per change, by Dana.
    let repo = root.join("my-product");
    let git = |args: &[&str]| -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let subjects = git(&["log", "--format=%s"]);
    let subjects: Vec<&str> = subjects.lines().rev().collect();
    assert_eq!(subjects.len(), 5, "{subjects:?}");
    assert!(subjects[0].starts_with("backlog: init"), "{subjects:?}");
    assert!(subjects[1].starts_with("backlog: add "), "{subjects:?}");
    assert!(subjects[2].ends_with(": none -> 5"), "{subjects:?}");
    assert!(subjects[3].starts_with("backlog: set "), "{subjects:?}");
    assert!(subjects[4].starts_with("backlog: add "), "{subjects:?}");
    assert_eq!(
        git(&["log", "--format=%an"])
            .trim()
            .lines()
            .collect::<Vec<_>>(),
        ["Dana"; 5]
    );
    assert_eq!(git(&["status", "--porcelain"]), "");
}
