use super::*;
use crate::workspace::WorkspaceOptions;
use std::fs::Permissions;
use std::path::{Path, PathBuf};

/// A repository with a backlog of `n` committed items (`backlog/B-<i>.md`).
fn repo(n: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.name", "T"]);
    git(&["config", "user.email", "t@example.com"]);
    std::fs::create_dir_all(tmp.path().join("backlog")).unwrap();
    std::fs::write(
        tmp.path().join("backlog/config.yml"),
        crate::config::DEFAULT_CONFIG_YML,
    )
    .unwrap();
    for i in 0..n {
        std::fs::write(tmp.path().join(format!("backlog/B-{i}.md")), old(i)).unwrap();
    }
    git(&["add", "-A"]);
    git(&["commit", "-qm", "init"]);
    tmp
}

fn old(i: usize) -> String {
    format!("---\nid: B-{i}\ntitle: item {i}\n---\n")
}

fn new(i: usize) -> String {
    format!("---\nid: B-{i}\ntitle: item {i}\nestimate: 3\n---\n")
}

fn open(dir: &Path) -> Workspace {
    Workspace::open(
        &WorkspaceOptions {
            start: dir.to_path_buf(),
            dir: PathBuf::from("backlog"),
            commit: None,
            allow_dirty: false,
        },
        false,
    )
    .unwrap()
}

/// Rewrites items 0..n and removes item n; `crash` stops after that step.
fn change(n: usize) -> Change {
    Change {
        op: "test".to_owned(),
        summary: "test change".to_owned(),
        items: vec!["B-0".to_owned()],
        writes: (0..n)
            .map(|i| (format!("backlog/B-{i}.md"), new(i)))
            .chain([("backlog/B-new.md".to_owned(), new(99))])
            .collect(),
        removes: vec![format!("backlog/B-{n}.md")],
        ..Change::default()
    }
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn assert_old(dir: &Path, n: usize) {
    for i in 0..=n {
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("backlog/B-{i}.md"))).unwrap(),
            old(i)
        );
    }
    assert!(!dir.join("backlog/B-new.md").exists());
    assert_eq!(git_out(dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
}

fn assert_new(dir: &Path, n: usize) {
    for i in 0..n {
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("backlog/B-{i}.md"))).unwrap(),
            new(i)
        );
    }
    assert!(!dir.join(format!("backlog/B-{n}.md")).exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("backlog/B-new.md")).unwrap(),
        new(99)
    );
    assert_eq!(git_out(dir, &["rev-list", "--count", "HEAD"]).trim(), "2");
    assert!(
        git_out(dir, &["log", "-1", "--format=%B"]).contains("Backlog-Op: test"),
        "the change's commit"
    );
}

fn assert_clean(dir: &Path) {
    assert_eq!(
        git_out(dir, &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    assert!(
        !dir.join(".git").join(TX_DIR).exists(),
        "transaction folder left"
    );
}

/// Runs the change, stopping after `step`, then opens the workspace again as the next
/// command would and returns what it recovered.
fn crash_then_recover(dir: &Path, n: usize, step: Step) -> Option<Recovery> {
    let ws = open(dir);
    let mut tx = ws.begin().unwrap();
    tx.crash_after = Some(step);
    tx.apply(&change(n)).unwrap();
    drop(tx);
    let ws = open(dir);
    let tx = ws.begin().unwrap();
    tx.recovered().cloned()
}

#[test]
fn test_crash_before_the_journal_rolls_back() {
    let tmp = repo(4);
    // What a kill inside libgit2's object writes leaves (D7's libgit2 cousins).
    let objects = tmp.path().join(".git/objects");
    let ws = open(tmp.path());
    let mut tx = ws.begin().unwrap();
    tx.crash_after = Some(Step::Prepared);
    tx.apply(&change(3)).unwrap();
    drop(tx);
    std::fs::write(objects.join("tmp_object_git2_a1"), "x").unwrap();
    std::fs::write(objects.join("pack/pack_git2_b2"), "x").unwrap();
    let ws = open(tmp.path());
    let r = ws.begin().unwrap().recovered().cloned().unwrap();
    assert_eq!(r.removed.len(), 2, "{r:?}");
    assert!(!objects.join("tmp_object_git2_a1").exists());
    assert_eq!(r.action, RecoveryAction::RolledBack);
    assert_eq!(r.op.as_deref(), Some("test"));
    assert!(r.to_string().contains("had not changed anything"), "{r}");
    assert_old(tmp.path(), 3);
    assert_clean(tmp.path());
}

#[test]
fn test_crash_after_the_journal_rolls_forward_at_every_step() {
    for step in [
        Step::Journaled,
        Step::HeadMoved,
        Step::HalfPublished,
        Step::Published,
    ] {
        let tmp = repo(6);
        let r = crash_then_recover(tmp.path(), 5, step).unwrap();
        assert!(
            matches!(r.action, RecoveryAction::RolledForward { .. }),
            "{step:?}: {r:?}"
        );
        assert!(
            r.to_string()
                .starts_with("finished an interrupted `backlog test` (test change)"),
            "{r}"
        );
        assert_new(tmp.path(), 5);
        // D3: the index is never left behind HEAD (no staged revert).
        assert_clean(tmp.path());
    }
}

#[test]
fn test_a_kill_while_removing_the_finished_folder_is_not_reported() {
    let tmp = repo(2);
    let dir = tmp.path().join(".git").join(TX_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".backlog-tmp-x"), "x").unwrap();
    let ws = open(tmp.path());
    assert_eq!(ws.begin().unwrap().recovered(), None);
    assert!(!dir.exists());
}

#[test]
fn test_a_finished_transaction_leaves_nothing_and_recovers_nothing() {
    let tmp = repo(3);
    let ws = open(tmp.path());
    let tx = ws.begin().unwrap();
    assert!(matches!(
        tx.apply(&change(2)).unwrap(),
        Recorded::Committed(_)
    ));
    drop(tx);
    assert_new(tmp.path(), 2);
    assert_clean(tmp.path());
    assert_eq!(open(tmp.path()).begin().unwrap().recovered(), None);
}

#[test]
fn test_locks_left_by_the_interrupted_commit_are_removed() {
    let tmp = repo(3);
    let ws = open(tmp.path());
    let mut tx = ws.begin().unwrap();
    tx.crash_after = Some(Step::Journaled);
    tx.apply(&change(2)).unwrap();
    drop(tx);
    // A kill inside libgit2's ref update and index write leaves its lock files.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let git_dir = tmp.path().join(".git");
    std::fs::write(git_dir.join("refs/heads/main.lock"), "").unwrap();
    std::fs::write(git_dir.join("index.lock"), "partial").unwrap();
    let ws = open(tmp.path());
    let tx = ws.begin().unwrap();
    let r = tx.recovered().unwrap();
    assert_eq!(r.removed.len(), 2, "{r:?}");
    drop(tx);
    assert_new(tmp.path(), 2);
    assert_clean(tmp.path());
}

#[test]
fn test_a_killed_git_config_write_leaves_no_config_lock() {
    let tmp = repo(1);
    let git_dir = tmp.path().join(".git");
    let ws = open(tmp.path());
    let tx = ws.begin().unwrap();
    // What `kill -9` inside libgit2's config write leaves: the `started` marker of
    // `write_git_config`, and libgit2's half-written `config.lock`.
    tx.write_git_config("git-setup", || {
        std::fs::write(git_dir.join("config.lock"), "[core]\n").unwrap();
        std::fs::copy(
            git_dir.join(TX_DIR).join("started"),
            tmp.path().join("marker"),
        )
        .unwrap();
    })
    .unwrap();
    drop(tx);
    // The write finished: its folder is gone; put back what the kill would have left.
    assert!(!git_dir.join(TX_DIR).exists());
    std::fs::create_dir_all(git_dir.join(TX_DIR)).unwrap();
    std::fs::rename(
        tmp.path().join("marker"),
        git_dir.join(TX_DIR).join("started"),
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(git_dir.join("config.lock"), "[core]\n").unwrap();
    let ws = open(tmp.path());
    let r = ws.begin().unwrap().recovered().cloned().unwrap();
    assert_eq!(r.op.as_deref(), Some("git-setup"));
    assert_eq!(r.action, RecoveryAction::ConfigInterrupted);
    assert!(
        r.to_string().contains("run `backlog git-setup` to finish"),
        "{r}"
    );
    assert!(!git_dir.join("config.lock").exists(), "{r:?}");
    assert_eq!(r.removed.len(), 1, "{r:?}");
    assert_clean(tmp.path());
}

#[test]
fn test_an_interrupted_change_never_removes_git_locks_it_did_not_take() {
    // Killed before its journal, a change has taken no git lock: a lock newer than its
    // marker is another program's (a `git commit` running now), so it stays, and the
    // change is refused as usual.
    let tmp = repo(3);
    let ws = open(tmp.path());
    let mut tx = ws.begin().unwrap();
    tx.crash_after = Some(Step::Prepared);
    tx.apply(&change(2)).unwrap();
    drop(tx);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let git_dir = tmp.path().join(".git");
    for lock in ["index.lock", "config.lock"] {
        std::fs::write(git_dir.join(lock), "").unwrap();
    }
    let ws = open(tmp.path());
    let tx = ws.begin().unwrap();
    assert_eq!(tx.recovered().unwrap().action, RecoveryAction::RolledBack);
    assert!(git_dir.join("index.lock").exists());
    assert!(git_dir.join("config.lock").exists());
    assert!(
        tx.apply(&change(2))
            .unwrap_err()
            .to_string()
            .contains("is locked")
    );
}

#[test]
fn test_a_users_config_lock_outside_a_transaction_is_left_alone() {
    let tmp = repo(1);
    let lock = tmp.path().join(".git/config.lock");
    std::fs::write(&lock, "").unwrap();
    let ws = open(tmp.path());
    assert_eq!(ws.begin().unwrap().recovered(), None);
    assert!(
        lock.exists(),
        "another program's lock is not ours to remove"
    );
}

#[test]
fn test_leftover_git_locks_without_a_journal_refuse_before_writing() {
    let tmp = repo(3);
    for lock in ["refs/heads/main.lock", "index.lock", "HEAD.lock"] {
        let path = tmp.path().join(".git").join(lock);
        std::fs::write(&path, "").unwrap();
        let ws = open(tmp.path());
        let tx = ws.begin().unwrap();
        let err = tx.apply(&change(2)).unwrap_err();
        assert!(err.to_string().contains("is locked"), "{lock}: {err}");
        drop(tx);
        std::fs::remove_file(&path).unwrap();
        // D8: nothing was written.
        assert_old(tmp.path(), 2);
        assert_clean(tmp.path());
    }
}

#[test]
fn test_journal_is_abandoned_when_head_moved_since() {
    let tmp = repo(3);
    let ws = open(tmp.path());
    let mut tx = ws.begin().unwrap();
    tx.crash_after = Some(Step::Journaled);
    tx.apply(&change(2)).unwrap();
    drop(tx);
    std::fs::write(tmp.path().join("other.txt"), "x").unwrap();
    git_out(tmp.path(), &["add", "other.txt"]);
    git_out(tmp.path(), &["commit", "-qm", "meanwhile"]);
    let ws = open(tmp.path());
    let tx = ws.begin().unwrap();
    let r = tx.recovered().unwrap();
    assert!(
        matches!(&r.action, RecoveryAction::Abandoned { reason } if reason.contains("HEAD moved")),
        "{r:?}"
    );
    drop(tx);
    assert_eq!(
        git_out(tmp.path(), &["log", "-1", "--format=%s"]).trim(),
        "meanwhile"
    );
    assert_clean(tmp.path());
}

#[cfg(unix)]
#[test]
fn test_executable_bit_and_permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = repo(2);
    let path = tmp.path().join("backlog/B-0.md");
    std::fs::set_permissions(&path, Permissions::from_mode(0o755)).unwrap();
    git_out(tmp.path(), &["add", "backlog/B-0.md"]);
    git_out(tmp.path(), &["commit", "-qm", "exec"]);
    let ws = open(tmp.path());
    let tx = ws.begin().unwrap();
    tx.apply(&Change {
        op: "test".to_owned(),
        summary: "one".to_owned(),
        writes: vec![("backlog/B-0.md".to_owned(), new(0))],
        ..Change::default()
    })
    .unwrap();
    drop(tx);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o755);
    // D12: the commit keeps mode 100755.
    assert!(git_out(tmp.path(), &["ls-tree", "HEAD", "backlog/B-0.md"]).starts_with("100755"),);
    assert_clean(tmp.path());
}
