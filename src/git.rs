//! Every libgit2 call the tool makes.
//!
//! A refinement change is committed by building a tree from **HEAD's tree plus the
//! touched paths** (never from the index), so whatever the user has staged stays out of
//! the commit and stays staged. After the commit, the index entries of exactly the touched
//! paths are refreshed from the work tree, so `git status` is clean for them and
//! untouched for everything else. An unborn HEAD (a repository without commits) works:
//! the tree starts empty and the commit has no parent.
//!
//! Files are written before the commit is made (see `workspace`): if the commit fails,
//! the work tree holds the change and the error says how to commit it by hand. Nothing is
//! executed from the repository: libgit2 runs no hooks.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, Signature};

/// Errors from git operations.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No author identity configured.
    #[error("no git identity configured: {0}")]
    MissingIdentity(String),
    /// Item files with uncommitted changes would be swept into the commit.
    #[error("{} uncommitted changes that this command would commit", dirty_list(.paths))]
    Dirty {
        /// Root-relative paths.
        paths: Vec<String>,
    },
    /// A libgit2 call failed.
    #[error("git {op} failed: {source}")]
    Git {
        /// What was being done.
        op: &'static str,
        /// The libgit2 error.
        source: git2::Error,
    },
}

fn dirty_list(paths: &[String]) -> String {
    match paths {
        [one] => format!("{one} has"),
        many => format!("{} have", many.join(", ")),
    }
}

fn git(op: &'static str) -> impl FnOnce(git2::Error) -> GitError {
    move |source| GitError::Git { op, source }
}

/// One path of a commit: new content, or `None` to delete it.
#[derive(Debug, Clone)]
pub struct PathChange<'a> {
    /// Path relative to the work tree, `/`-separated.
    pub path: &'a str,
    /// New content, or `None` when the file is removed.
    pub content: Option<&'a [u8]>,
}

/// A non-bare repository.
pub struct Repo {
    repo: Repository,
    workdir: PathBuf,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("workdir", &self.workdir)
            .finish()
    }
}

impl Repo {
    /// Finds the repository containing `start`, as git does. `None` outside a repository
    /// or in a bare one.
    pub fn discover(start: &Path) -> Option<Self> {
        let repo = Repository::discover(start).ok()?;
        let workdir = repo.workdir()?.to_path_buf();
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        Some(Self { repo, workdir })
    }

    /// Opens the repository at exactly `path`.
    pub fn open(path: &Path) -> Result<Self, GitError> {
        let repo = Repository::open(path).map_err(git("open"))?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| GitError::Git {
                op: "open",
                source: git2::Error::from_str("bare repository"),
            })?
            .to_path_buf();
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        Ok(Self { repo, workdir })
    }

    /// The work tree's root.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The `.git` folder.
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The underlying libgit2 repository, for read-only queries (history, trees).
    pub fn inner(&self) -> &Repository {
        &self.repo
    }

    /// The author/committer from git config (honouring `GIT_AUTHOR_*`/`GIT_COMMITTER_*`
    /// environment variables), or a clear error.
    pub fn signature(&self) -> Result<(Signature<'static>, Signature<'static>), GitError> {
        let config = self.repo.config().map_err(git("read config"))?;
        let get = |env: &str, key: &str| -> Option<String> {
            std::env::var(env)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .or_else(|| config.get_string(key).ok())
        };
        let missing = || {
            GitError::MissingIdentity(
                "set it with `git config user.name \"Your Name\"` and \
                 `git config user.email you@example.com`, or pass --no-commit"
                    .to_owned(),
            )
        };
        let author_name = get("GIT_AUTHOR_NAME", "user.name").ok_or_else(missing)?;
        let author_email = get("GIT_AUTHOR_EMAIL", "user.email").ok_or_else(missing)?;
        let committer_name = get("GIT_COMMITTER_NAME", "user.name").unwrap_or(author_name.clone());
        let committer_email =
            get("GIT_COMMITTER_EMAIL", "user.email").unwrap_or(author_email.clone());
        let make = |name: &str,
                    email: &str,
                    date_env: &str|
         -> Result<Signature<'static>, GitError> {
            match std::env::var(date_env)
                .ok()
                .and_then(|d| parse_git_date(&d))
            {
                Some((secs, offset)) => Signature::new(name, email, &git2::Time::new(secs, offset)),
                None => Signature::now(name, email),
            }
            .map_err(|e| GitError::MissingIdentity(e.message().to_owned()))
        };
        Ok((
            make(&author_name, &author_email, "GIT_AUTHOR_DATE")?,
            make(&committer_name, &committer_email, "GIT_COMMITTER_DATE")?,
        ))
    }

    /// HEAD's commit, or `None` on an unborn branch.
    pub fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, GitError> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_commit().map_err(git("read HEAD"))?)),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(GitError::Git {
                op: "read HEAD",
                source: e,
            }),
        }
    }

    /// The paths among `paths` whose work-tree or staged content differs from HEAD
    /// (including files that are not committed at all). `contents` gives the current
    /// work-tree bytes of each path, `None` when the file does not exist.
    pub fn dirty_paths(&self, paths: &[(&str, Option<&[u8]>)]) -> Result<Vec<String>, GitError> {
        let head_tree = match self.head_commit()? {
            Some(c) => Some(c.tree().map_err(git("read HEAD tree"))?),
            None => None,
        };
        let index = self.repo.index().map_err(git("read index"))?;
        let mut dirty = Vec::new();
        for (path, content) in paths {
            let head_oid = head_tree
                .as_ref()
                .and_then(|t| t.get_path(Path::new(path)).ok())
                .map(|e| e.id());
            let index_oid = index.get_path(Path::new(path), 0).map(|e| e.id);
            let work_oid = match content {
                Some(bytes) => {
                    Some(Oid::hash_object(ObjectType::Blob, bytes).map_err(git("hash"))?)
                }
                None => None,
            };
            let index_differs = index_oid != head_oid;
            let work_differs = work_oid.is_some() && work_oid != head_oid;
            if index_differs || work_differs {
                dirty.push((*path).to_owned());
            }
        }
        Ok(dirty)
    }

    /// Commits exactly `changes` on top of HEAD and refreshes their index entries.
    /// Returns `None` when the resulting tree equals HEAD's (nothing to record).
    pub fn commit_paths(
        &self,
        changes: &[PathChange<'_>],
        message: &str,
        signatures: &(Signature<'static>, Signature<'static>),
    ) -> Result<Option<Oid>, GitError> {
        let head = self.head_commit()?;
        let base_tree = match &head {
            Some(c) => c.tree().map_err(git("read HEAD tree"))?,
            None => {
                let oid = self
                    .repo
                    .treebuilder(None)
                    .and_then(|b| b.write())
                    .map_err(git("build empty tree"))?;
                self.repo.find_tree(oid).map_err(git("build empty tree"))?
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for change in changes {
            match change.content {
                Some(bytes) => {
                    let blob = self.repo.blob(bytes).map_err(git("write blob"))?;
                    update.upsert(change.path, blob, FileMode::Blob);
                }
                None => {
                    update.remove(change.path);
                }
            }
        }
        let tree_oid = update
            .create_updated(&self.repo, &base_tree)
            .map_err(git("build tree"))?;
        if tree_oid == base_tree.id() && head.is_some() {
            return Ok(None);
        }
        let tree = self.repo.find_tree(tree_oid).map_err(git("build tree"))?;
        let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
        let oid = self
            .repo
            .commit(
                Some("HEAD"),
                &signatures.0,
                &signatures.1,
                message,
                &tree,
                &parents,
            )
            .map_err(git("commit"))?;
        self.refresh_index(changes)?;
        Ok(Some(oid))
    }

    /// Updates the index entries of `changes` to match the work tree.
    fn refresh_index(&self, changes: &[PathChange<'_>]) -> Result<(), GitError> {
        let mut index = self.repo.index().map_err(git("read index"))?;
        for change in changes {
            let path = Path::new(change.path);
            if change.content.is_some() {
                index.add_path(path).map_err(git("update index"))?;
            } else if index.get_path(path, 0).is_some() {
                index.remove_path(path).map_err(git("update index"))?;
            }
        }
        index.write().map_err(git("write index"))
    }
}

/// Parses the `GIT_*_DATE` forms tests and scripts use: `@<secs> <+hhmm>` or
/// `<secs> <+hhmm>`.
fn parse_git_date(s: &str) -> Option<(i64, i32)> {
    let s = s.trim().trim_start_matches('@');
    let mut parts = s.split_whitespace();
    let secs: i64 = parts.next()?.parse().ok()?;
    let offset = parts.next().unwrap_or("+0000");
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = offset.trim_start_matches(['+', '-']);
    if digits.len() != 4 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some((secs, sign * (hours * 60 + minutes)))
}

/// Builds the commit message: `backlog: <summary>`, an optional body, and the trailers
/// `Backlog-Op` and `Backlog-Items`.
pub fn commit_message(op: &str, summary: &str, body: &[String], items: &[String]) -> String {
    let mut msg = format!("backlog: {summary}\n\n");
    if !body.is_empty() {
        for line in body {
            msg.push_str(line);
            msg.push('\n');
        }
        msg.push('\n');
    }
    msg.push_str(&format!("Backlog-Op: {op}\n"));
    if !items.is_empty() {
        msg.push_str(&format!("Backlog-Items: {}\n", items.join(", ")));
    }
    msg
}

/// Parses the `Backlog-Op` and `Backlog-Items` trailers of a commit message.
pub fn parse_trailers(message: &str) -> (Option<String>, Vec<String>) {
    let mut op = None;
    let mut items = Vec::new();
    for line in message.lines() {
        if let Some(v) = line.strip_prefix("Backlog-Op: ") {
            op = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("Backlog-Items: ") {
            items = v
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    (op, items)
}

#[cfg(test)]
mod tests {
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
}
