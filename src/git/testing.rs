//! Repository fixtures for the unit tests of the layers above `git`, which do not name
//! libgit2 themselves.

use std::path::Path;

use super::Repo;

/// A new repository (with a work tree) at `dir`.
pub(crate) fn init(dir: &Path) -> Repo {
    git2::Repository::init(dir).unwrap();
    Repo::open(dir).unwrap()
}

/// Writes `files` (work-tree-relative path, text) and commits the whole work tree on
/// HEAD, authored and committed at `time` (Unix seconds).
pub(crate) fn commit_files<P: AsRef<str>, T: AsRef<str>>(repo: &Repo, files: &[(P, T)], time: i64) {
    for (path, text) in files {
        let p = repo.workdir().join(path.as_ref());
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text.as_ref()).unwrap();
    }
    let r = repo.inner();
    let mut index = r.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = r.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new("t", "t@example.com", &git2::Time::new(time, 0)).unwrap();
    let parent = r.head().ok().map(|h| h.peel_to_commit().unwrap());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    r.commit(Some("HEAD"), &sig, &sig, "c", &tree, &parents)
        .unwrap();
}

/// The value of `key` in the repository's own config file (`.git/config`).
pub(crate) fn local_config(repo: &Repo, key: &str) -> Option<String> {
    git2::Config::open(&repo.git_dir().join("config"))
        .ok()?
        .get_string(key)
        .ok()
}

/// Writes `bytes` as a blob.
pub(crate) fn write_blob(repo: &Repo, bytes: &[u8]) -> super::ObjectId {
    repo.inner().blob(bytes).unwrap().into()
}

/// An id made of the byte `n` repeated (names no object).
pub(crate) fn object_id(n: u8) -> super::ObjectId {
    git2::Oid::from_bytes(&[n; 20]).unwrap().into()
}

/// Commits (without touching the work tree or HEAD) a root tree holding the folder
/// `folder` with `files` (name, text), on top of `parent`; returns the commit.
pub(crate) fn commit_folder(
    repo: &Repo,
    folder: &str,
    files: &[(String, String)],
    parent: Option<super::ObjectId>,
) -> super::ObjectId {
    let r = repo.inner();
    let mut dir = r.treebuilder(None).unwrap();
    for (name, text) in files {
        let blob = r.blob(text.as_bytes()).unwrap();
        dir.insert(name, blob, 0o100_644).unwrap();
    }
    let mut root = r.treebuilder(None).unwrap();
    root.insert(folder, dir.write().unwrap(), 0o040_000)
        .unwrap();
    let tree = r.find_tree(root.write().unwrap()).unwrap();
    let sig =
        git2::Signature::new("A", "a@example.com", &git2::Time::new(1_764_000_000, 0)).unwrap();
    let parents: Vec<git2::Commit<'_>> = parent
        .map(|p| r.find_commit(p.raw()).unwrap())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    r.commit(None, &sig, &sig, "c", &tree, &parents)
        .unwrap()
        .into()
}
