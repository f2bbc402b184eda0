//! `TestEnv`: a temporary git repository with a pinned environment, and helpers to run
//! `backlog` and `git` in it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestEnv {
    dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// The captured result of one command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The `items` array of a `list --format json` document (`{"schema": 1, "items"}`).
    #[track_caller]
    pub fn items(&self) -> serde_json::Value {
        let doc = self.json();
        assert!(
            self.stdout
                .starts_with("{\n  \"schema\": 1,\n  \"items\": ["),
            "not a list envelope:\n{}",
            self.stdout
        );
        doc["items"].clone()
    }
}

fn run_output(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl TestEnv {
    /// An empty git repository (no commits) with a `backlog/` folder and an identity.
    pub fn new() -> Self {
        let env = Self::bare_dir();
        env.git(&["init", "-q", "-b", "main"]).ok();
        std::fs::create_dir_all(env.root.join("backlog")).unwrap();
        env
    }

    /// A temporary folder that is not a git repository.
    pub fn bare_dir() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("home")).unwrap();
        Self { dir, root }
    }

    fn pin(&self, cmd: &mut Command) {
        cmd.current_dir(&self.root)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root.join("home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.com")
            .env("GIT_COMMITTER_NAME", "Test Committer")
            .env("GIT_COMMITTER_EMAIL", "committer@example.com")
            .env("GIT_AUTHOR_DATE", "@1764000000 +0000")
            .env("GIT_COMMITTER_DATE", "@1764000000 +0000")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100");
    }

    /// Runs `backlog ARGS` in the repository root.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs `backlog ARGS` with extra environment variables (an empty value removes one).
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlog"));
        self.pin(&mut cmd);
        for (k, v) in env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        cmd.args(args);
        run_output(cmd.output().unwrap())
    }

    /// A pinned `backlog ARGS` command in the repository root, to spawn by hand.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlog"));
        self.pin(&mut cmd);
        cmd.args(args);
        cmd
    }

    /// Runs `backlog ARGS` with `input` on standard input.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlog"));
        self.pin(&mut cmd);
        cmd.args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        run_output(child.wait_with_output().unwrap())
    }

    /// Runs `git ARGS` in the repository root.
    pub fn git(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new("git");
        self.pin(&mut cmd);
        cmd.args(args);
        run_output(cmd.output().unwrap())
    }

    /// Runs `git ARGS` with `input` on its standard input (`git fast-import`).
    pub fn git_with_input(&self, args: &[&str], input: &[u8]) -> Run {
        use std::io::Write;
        let mut cmd = Command::new("git");
        self.pin(&mut cmd);
        cmd.args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        run_output(child.wait_with_output().unwrap())
    }

    /// Runs `git ARGS` with the `backlog` binary under test first on `PATH`, as git needs
    /// it for the merge driver `git-setup` installs.
    pub fn git_with_backlog(&self, args: &[&str]) -> Run {
        let bin = Path::new(env!("CARGO_BIN_EXE_backlog")).parent().unwrap();
        let mut paths = vec![bin.to_path_buf()];
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let mut cmd = Command::new("git");
        self.pin(&mut cmd);
        cmd.env("PATH", std::env::join_paths(paths).unwrap());
        cmd.args(args);
        run_output(cmd.output().unwrap())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Writes an item file `backlog/<id>-item.md` with the given extra front-matter lines
    /// and body, and returns its path.
    pub fn item(&self, id: &str, title: &str, extra: &str, body: &str) -> String {
        let rel = format!("backlog/{id}-item.md");
        self.write(
            &rel,
            &format!("---\nid: {id}\ntitle: {title}\n{extra}---\n{body}"),
        );
        rel
    }

    /// Stages everything and commits with the git CLI.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]).ok();
        self.git(&["commit", "-q", "-m", message]).ok();
    }

    /// Number of commits on HEAD.
    pub fn commit_count(&self) -> usize {
        let r = self.git(&["rev-list", "--count", "HEAD"]);
        if r.code != 0 {
            return 0;
        }
        r.stdout.trim().parse().unwrap()
    }

    /// `git status --porcelain`.
    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain"]).ok().stdout
    }

    /// Asserts `git fsck` is clean.
    #[track_caller]
    pub fn assert_fsck(&self) {
        let r = self.git(&["fsck", "--strict", "--no-progress"]);
        assert_eq!(r.code, 0, "git fsck failed:\n{}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains("error"), "git fsck: {}", r.stderr);
    }

    /// The diff of the last commit, without headers (`git show --format= HEAD`).
    pub fn last_diff(&self) -> String {
        self.git(&["show", "--format=", "--unified=0", "HEAD"])
            .ok()
            .stdout
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn keep(&self) -> &Path {
        self.dir.path()
    }
}
