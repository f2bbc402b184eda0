use git2::{FileMode, Signature};

use super::id::parse_git_date;
use super::tree::find_tree_entry;
use super::*;

#[test]
fn test_commit_message_and_trailers() {
    let msg = commit_message("estimate", "estimate B-1: 3 -> 5", &[], &["B-1".to_owned()]);
    assert_eq!(
        msg,
        "backlog: estimate B-1: 3 -> 5\n\nBacklog-Op: estimate\nBacklog-Items: B-1\n"
    );
    assert_eq!(
        parse_trailers(&msg),
        (Some("estimate".to_owned()), vec!["B-1".to_owned()])
    );
}

fn sigs() -> Signatures {
    let s = Signature::new("T", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
    Signatures {
        author: s.clone(),
        committer: s,
    }
}

fn change<'a>(path: &'a str, content: &'a str) -> PathChange<'a> {
    PathChange {
        path,
        content: Some(content.as_bytes()),
    }
}

/// A repository with a first commit of a few files (written to the work tree too).
fn repo_with_files() -> (tempfile::TempDir, Repo) {
    let tmp = tempfile::tempdir().unwrap();
    Repository::init(tmp.path()).unwrap();
    let repo = Repo::open(tmp.path()).unwrap();
    let files = [
        ("backlog/a.md", "a\n"),
        ("backlog/sub/b.md", "b\n"),
        ("backlog/z.md", "z\n"),
        ("top.txt", "t\n"),
    ];
    for (path, text) in files {
        let p = tmp.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let changes: Vec<_> = files.iter().map(|(p, t)| change(p, t)).collect();
    repo.commit_paths(&changes, "init", &sigs())
        .unwrap()
        .unwrap();
    (tmp, repo)
}

#[test]
fn test_patched_tree_equals_tree_updater() {
    let (_tmp, repo) = repo_with_files();
    let base = repo.head_commit().unwrap().unwrap().tree().unwrap();
    for path in ["backlog/a.md", "backlog/sub/b.md", "top.txt"] {
        let blob = repo.inner().blob(b"new content\n").unwrap();
        let fast = repo.patched_tree(base.id(), path, blob).unwrap();
        let slow = repo
            .updated_tree(
                &[change(path, "new content\n")],
                &[Some((blob, BLOB_MODE))],
                &base,
            )
            .unwrap();
        assert_eq!(fast, Some(slow), "{path}");
    }
    // Same content: the tree is HEAD's.
    let same = repo.inner().blob(b"a\n").unwrap();
    assert_eq!(
        repo.patched_tree(base.id(), "backlog/a.md", same).unwrap(),
        Some(base.id())
    );
}

#[test]
fn test_patched_tree_declines_new_paths_and_other_modes() {
    let (_tmp, repo) = repo_with_files();
    let base = repo.head_commit().unwrap().unwrap().tree().unwrap();
    let blob = repo.inner().blob(b"x").unwrap();
    for path in [
        "backlog/new.md",
        "backlog/sub",
        "backlog/a.md/x",
        "new/dir.md",
        "backlog//a.md",
    ] {
        assert_eq!(
            repo.patched_tree(base.id(), path, blob).unwrap(),
            None,
            "{path}"
        );
    }
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert("run.sh", blob, FileMode::BlobExecutable);
    let tree = update.create_updated(repo.inner(), &base).unwrap();
    assert_eq!(repo.patched_tree(tree, "run.sh", blob).unwrap(), None);
    assert_eq!(
        repo.entry_at(tree, "run.sh").unwrap(),
        Some((0o100755, blob))
    );
    assert_eq!(repo.entry_at(tree, "backlog/sub/missing.md").unwrap(), None);
}

#[test]
fn test_commit_one_change_updates_head_and_index() {
    let (tmp, repo) = repo_with_files();
    std::fs::write(tmp.path().join("backlog/sub/b.md"), "b2\n").unwrap();
    assert_eq!(
        repo.dirty_paths(&[("backlog/sub/b.md", Some(b"b2\n"))])
            .unwrap(),
        ["backlog/sub/b.md"]
    );
    let oid = repo
        .commit_paths(&[change("backlog/sub/b.md", "b2\n")], "edit", &sigs())
        .unwrap()
        .unwrap();
    let head = repo.inner().find_commit(oid.into()).unwrap();
    assert_eq!(head.parent_count(), 1);
    let entry = head
        .tree()
        .unwrap()
        .get_path(Path::new("backlog/sub/b.md"))
        .unwrap();
    let blob = repo.inner().find_blob(entry.id()).unwrap();
    assert_eq!(blob.content(), b"b2\n");
    // The index follows, and the file is clean again.
    let mut index = repo.inner().index().unwrap();
    index.read(true).unwrap();
    assert_eq!(
        index.get_path(Path::new("backlog/sub/b.md"), 0).unwrap().id,
        entry.id()
    );
    assert!(
        repo.dirty_paths(&[("backlog/sub/b.md", Some(b"b2\n"))])
            .unwrap()
            .is_empty()
    );
    // Committing the same content again records nothing.
    let again = repo.commit_paths(&[change("backlog/sub/b.md", "b2\n")], "edit", &sigs());
    assert_eq!(again.unwrap(), None);
}

#[test]
fn test_find_tree_entry_rejects_malformed_bytes() {
    assert_eq!(find_tree_entry(b"100644 a\0short", b"a"), None);
    assert_eq!(find_tree_entry(b"100644 a", b"a"), None);
    assert_eq!(find_tree_entry(b"", b"a"), None);
    let mut ok = b"100644 a\0".to_vec();
    ok.extend([7u8; 20]);
    assert_eq!(find_tree_entry(&ok, b"a"), Some((0o100644, 9)));
    assert_eq!(find_tree_entry(&ok, b"b"), None);
}

#[test]
fn test_parse_git_date() {
    assert_eq!(
        parse_git_date("@1700000000 +0100"),
        Some((1_700_000_000, 60))
    );
    assert_eq!(
        parse_git_date("1700000000 -0230"),
        Some((1_700_000_000, -150))
    );
    assert_eq!(parse_git_date("yesterday"), None);
}
