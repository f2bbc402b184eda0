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
//!
//! This is the only layer that names `git2` (the crate's `clippy.toml` disallows its
//! types and calls everywhere else; the lints are allowed here, for `src/git/` alone).
//! The layers above get crate types: [`ObjectId`], [`Signatures`], [`Failure`].

#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::{ErrorCode, ObjectType, Oid, Repository};

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
    /// The commit was recorded, but the index entries of its paths could not be refreshed.
    #[error("recorded commit {commit} but could not update git's index: {source}")]
    IndexNotUpdated {
        /// The commit that was made.
        commit: String,
        /// Why the index was not updated.
        source: git2::Error,
    },
    /// Git's index is locked by another process (or a left-over `index.lock`).
    #[error("git's index is locked ({path} exists): another git command may be running")]
    IndexLocked {
        /// The lock file.
        path: String,
    },
    /// HEAD or its branch is locked by another process (or a left-over
    /// `refs/heads/<branch>.lock`).
    #[error("git's branch is locked ({path} exists): another git command may be running")]
    RefLocked {
        /// The lock file.
        path: String,
    },
    /// The repository exists but cannot be used (dubious ownership, unsupported format).
    #[error("{0}")]
    Unusable(String),
    /// `commit.gpgsign` is set: backlog cannot sign, so it does not commit.
    #[error(
        "this repository signs its commits (commit.gpgsign is true), and backlog cannot sign: \
         it runs no external programs such as gpg; nothing was changed"
    )]
    SigningRequired,
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
    /// Raw tree objects read by [`Repo::raw_tree`], newest last. A 100k-item folder is a
    /// 6 MB tree: the dirty check and the commit of one change both need it, and libgit2
    /// does not cache trees that large.
    trees: RefCell<Vec<(Oid, Rc<[u8]>)>>,
    /// git's commit-graph file, read on first use (`None` inside: there is none, or it
    /// cannot be read; see [`graph`]).
    graph: std::cell::OnceCell<Option<graph::CommitGraph>>,
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
    /// or in a bare one; an error for a repository git would refuse too (owned by another
    /// user, or in a format libgit2 cannot read such as SHA-256), so a command never
    /// silently stops committing.
    pub fn discover(start: &Path) -> Result<Option<Self>, GitError> {
        configure_libgit2();
        let repo = match Repository::discover(start) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(GitError::Unusable(unusable_reason(&e))),
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let workdir = workdir.to_path_buf();
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        Ok(Some(Self {
            repo,
            workdir,
            trees: RefCell::default(),
            graph: std::cell::OnceCell::new(),
        }))
    }

    /// The content git stores for work-tree `bytes` at `path`: git's end-of-line "clean"
    /// conversion (CRLF to LF) where `core.autocrlf` (`true` or `input`) or the
    /// `text` / `eol` attributes ask for it, as `git add` does. Everything else is stored
    /// as it is (libgit2 runs no external filter programs, and neither does backlog).
    pub fn clean<'b>(&self, path: &str, bytes: &'b [u8]) -> std::borrow::Cow<'b, [u8]> {
        use std::borrow::Cow;
        if !bytes.windows(2).any(|w| w == b"\r\n") || !self.converts_eol(path, bytes) {
            return Cow::Borrowed(bytes);
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut rest = bytes;
        while let Some(at) = rest.windows(2).position(|w| w == b"\r\n") {
            out.extend_from_slice(&rest[..at]);
            out.push(b'\n');
            rest = &rest[at + 2..];
        }
        out.extend_from_slice(rest);
        Cow::Owned(out)
    }

    /// Whether git converts CRLF to LF when it stores `path` (see [`Repo::clean`]).
    fn converts_eol(&self, path: &str, bytes: &[u8]) -> bool {
        use git2::{AttrCheckFlags, AttrValue};
        let attr = |name: &str| {
            AttrValue::from_string(
                self.repo
                    .get_attr(Path::new(path), name, AttrCheckFlags::FILE_THEN_INDEX)
                    .ok()
                    .flatten(),
            )
        };
        let binary = bytes.contains(&0);
        match attr("text") {
            AttrValue::False => false,
            AttrValue::True => true,
            AttrValue::String("auto") => !binary,
            _ => {
                if matches!(attr("eol"), AttrValue::String("crlf" | "lf")) {
                    return true;
                }
                let autocrlf = self
                    .repo
                    .config()
                    .ok()
                    .and_then(|c| c.get_string("core.autocrlf").ok())
                    .map(|v| v.to_ascii_lowercase());
                !binary
                    && matches!(
                        autocrlf.as_deref(),
                        Some("true" | "input" | "yes" | "on" | "1")
                    )
            }
        }
    }

    /// Refuses to commit when the repository requires signed commits: libgit2 does not
    /// run `gpg` (nothing is executed from the repository's configuration), and an
    /// unsigned commit where `git commit` would sign is worse than none.
    pub fn check_signing(&self) -> Result<(), GitError> {
        let config = self.repo.config().map_err(git("read config"))?;
        if config.get_bool("commit.gpgsign").unwrap_or(false) {
            return Err(GitError::SigningRequired);
        }
        Ok(())
    }

    /// Opens the repository at exactly `path`.
    pub fn open(path: &Path) -> Result<Self, GitError> {
        configure_libgit2();
        let repo = Repository::open(path).map_err(git("open"))?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| GitError::Git {
                op: "open",
                source: git2::Error::from_str("bare repository"),
            })?
            .to_path_buf();
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        Ok(Self {
            repo,
            workdir,
            trees: RefCell::default(),
            graph: std::cell::OnceCell::new(),
        })
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
    ///
    /// For the git layer only (`clippy.toml` disallows it elsewhere).
    pub(crate) fn inner(&self) -> &Repository {
        &self.repo
    }

    /// Fails when git's index, HEAD or HEAD's branch is locked (another git command is
    /// running, or one was killed): checked before anything is written, so a change is
    /// never half recorded because a lock turned up later.
    pub fn check_unlocked(&self) -> Result<(), GitError> {
        let lock = self.repo.path().join("index.lock");
        if lock.exists() {
            return Err(GitError::IndexLocked {
                path: lock.display().to_string(),
            });
        }
        let mut refs = vec![self.repo.path().join("HEAD.lock")];
        if let Ok(name) = self.head_ref_name()
            && name != "HEAD"
        {
            refs.push(self.repo.path().join(format!("{name}.lock")));
        }
        for lock in refs {
            if std::fs::symlink_metadata(&lock).is_ok() {
                return Err(GitError::RefLocked {
                    path: lock.display().to_string(),
                });
            }
        }
        Ok(())
    }

    /// HEAD's commit, or `None` on an unborn branch.
    pub(crate) fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, GitError> {
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
        let head_tree = self.head_commit()?.map(|c| c.tree_id());
        let index = self.repo.index().map_err(git("read index"))?;
        let mut dirty = Vec::new();
        for (path, content) in paths {
            let head_oid = match head_tree {
                Some(tree) => self.entry_at(tree, path)?.map(|(_, oid)| oid),
                None => None,
            };
            let index_oid = index.get_path(Path::new(path), 0).map(|e| e.id);
            let work_oid = match content {
                Some(bytes) => Some(
                    Oid::hash_object(ObjectType::Blob, &self.clean(path, bytes))
                        .map_err(git("hash"))?,
                ),
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
    ///
    /// The three steps ([`Repo::prepare_commit`], [`Repo::advance_head`],
    /// [`Repo::update_index`]) are public so a crash-safe transaction can journal between
    /// them (see `workspace::transaction`).
    pub fn commit_paths(
        &self,
        changes: &[PathChange<'_>],
        message: &str,
        signatures: &Signatures,
    ) -> Result<Option<ObjectId>, GitError> {
        let Some(prepared) = self.prepare_commit(changes, message, signatures)? else {
            return Ok(None);
        };
        self.advance_head(prepared.parent, prepared.commit, message)?;
        let entries: Vec<(&str, Option<(ObjectId, u32)>)> = changes
            .iter()
            .zip(&prepared.blobs)
            .map(|(c, b)| (c.path, *b))
            .collect();
        if let Err(e) = self.update_index(&entries) {
            let source = match e {
                GitError::Git { source, .. } => source,
                other => git2::Error::from_str(&other.to_string()),
            };
            return Err(GitError::IndexNotUpdated {
                commit: prepared.commit.to_string(),
                source,
            });
        }
        Ok(Some(prepared.commit))
    }

    /// Writes the blobs, trees and commit object of `changes` on top of HEAD without
    /// moving any reference. `None` when the tree equals HEAD's (nothing to record). A
    /// path that is executable in HEAD stays executable.
    pub fn prepare_commit(
        &self,
        changes: &[PathChange<'_>],
        message: &str,
        signatures: &Signatures,
    ) -> Result<Option<PreparedCommit>, GitError> {
        if changes.len() >= PACKED_COMMIT_PATHS {
            return self.prepare_commit_packed(changes, message, signatures);
        }
        let head = self.head_commit()?;
        let base_tree = match &head {
            Some(c) => c.tree().map_err(git("read HEAD tree"))?,
            // libgit2 knows git's empty tree without it being stored, so an unborn HEAD
            // leaves no dangling object behind (`git fsck` stays quiet).
            None => match Oid::from_str(EMPTY_TREE).and_then(|oid| self.repo.find_tree(oid)) {
                Ok(tree) => tree,
                Err(_) => {
                    let oid = self
                        .repo
                        .treebuilder(None)
                        .and_then(|b| b.write())
                        .map_err(git("build empty tree"))?;
                    self.repo.find_tree(oid).map_err(git("build empty tree"))?
                }
            },
        };
        let mut blobs = Vec::with_capacity(changes.len());
        for change in changes {
            blobs.push(match change.content {
                Some(bytes) => {
                    let blob = self
                        .repo
                        .blob(&self.clean(change.path, bytes))
                        .map_err(git("write blob"))?;
                    let mode = match self.entry_at(base_tree.id(), change.path)? {
                        Some((EXEC_MODE, _)) => EXEC_MODE,
                        _ => BLOB_MODE,
                    };
                    Some((blob, mode))
                }
                None => None,
            });
        }
        let fast = match (changes, blobs.as_slice()) {
            ([PathChange { path, .. }], [Some((blob, BLOB_MODE))]) if head.is_some() => {
                self.patched_tree(base_tree.id(), path, *blob)?
            }
            _ => None,
        };
        let tree_oid = match fast {
            Some(oid) => oid,
            None => self.updated_tree(changes, &blobs, &base_tree)?,
        };
        if tree_oid == base_tree.id() && head.is_some() {
            return Ok(None);
        }
        let tree = self.repo.find_tree(tree_oid).map_err(git("build tree"))?;
        let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
        let oid = self
            .repo
            .commit(
                None,
                &signatures.author,
                &signatures.committer,
                message,
                &tree,
                &parents,
            )
            .map_err(git("commit"))?;
        Ok(Some(PreparedCommit {
            parent: head.map(|c| c.id().into()),
            commit: oid.into(),
            blobs: blobs
                .into_iter()
                .map(|b| b.map(|(id, mode)| (id.into(), mode)))
                .collect(),
        }))
    }

    /// Moves HEAD's branch (or a detached HEAD) from `parent` to `commit`, refusing if it
    /// no longer points at `parent` (like `git_commit_create`). `parent` `None` creates
    /// the branch of an unborn HEAD. The reflog gets `commit: <summary>`.
    pub fn advance_head(
        &self,
        parent: Option<ObjectId>,
        commit: ObjectId,
        message: &str,
    ) -> Result<(), GitError> {
        let commit = commit.raw();
        let summary = message.lines().next().unwrap_or("");
        let name = self.head_ref_name()?;
        match parent {
            Some(parent) => self
                .repo
                .reference_matching(
                    &name,
                    commit,
                    true,
                    parent.raw(),
                    &format!("commit: {summary}"),
                )
                .map(|_| ())
                .map_err(git("move HEAD")),
            None => self
                .repo
                .reference(
                    &name,
                    commit,
                    false,
                    &format!("commit (initial): {summary}"),
                )
                .map(|_| ())
                .map_err(git("move HEAD")),
        }
    }

    /// The reference a commit moves: the branch HEAD points at, or `HEAD` when detached.
    pub fn head_ref_name(&self) -> Result<String, GitError> {
        let head = self.repo.find_reference("HEAD").map_err(git("read HEAD"))?;
        Ok(match head.symbolic_target().ok().flatten() {
            Some(name) => name.to_owned(),
            None if head.symbolic_target_bytes().is_some() => {
                return Err(GitError::Git {
                    op: "read HEAD",
                    source: git2::Error::from_str("HEAD points at a branch name that is not UTF-8"),
                });
            }
            None => "HEAD".to_owned(),
        })
    }

    /// HEAD's commit and its commit time (Unix seconds); `None` without one.
    pub fn head_time(&self) -> Option<(ObjectId, i64)> {
        let c = self.repo.head().ok()?.peel_to_commit().ok()?;
        Some((c.id().into(), c.time().seconds()))
    }

    /// What HEAD's reference points at now (`None` on an unborn branch).
    pub fn head_oid(&self) -> Result<Option<ObjectId>, GitError> {
        Ok(self.head_commit()?.map(|c| c.id().into()))
    }

    /// Sets the index entries of `entries` (`path`, `Some((blob, mode))`, or `None` to
    /// remove it) from a `stat` of each work-tree file, without reading any file again.
    /// The on-disk index is re-read first, so entries another process staged meanwhile
    /// are kept.
    pub fn update_index(
        &self,
        entries: &[(&str, Option<(ObjectId, u32)>)],
    ) -> Result<(), GitError> {
        let mut index = self.repo.index().map_err(git("read index"))?;
        index.read(false).map_err(git("read index"))?;
        let workdir = self.workdir().to_path_buf();
        for (path, id) in entries {
            match id {
                Some((id, mode)) => {
                    let entry = bulk::index_entry(&workdir, path, id.raw(), *mode)?;
                    index.add(&entry).map_err(git("update index"))?;
                }
                None => {
                    if index.get_path(Path::new(path), 0).is_some() {
                        index
                            .remove_path(Path::new(path))
                            .map_err(git("update index"))?;
                    }
                }
            }
        }
        index.write().map_err(git("write index"))
    }

    /// The blob id (and mode) of `path` in the tree of `commit`, if it is a file there.
    pub fn blob_at(
        &self,
        commit: ObjectId,
        path: &str,
    ) -> Result<Option<(ObjectId, u32)>, GitError> {
        let commit = self
            .repo
            .find_commit(commit.raw())
            .map_err(git("read commit"))?;
        Ok(self
            .entry_at(commit.tree_id(), path)?
            .filter(|(mode, _)| *mode != TREE_MODE)
            .map(|(mode, oid)| (oid.into(), mode)))
    }

    /// The ids of the stage-0 entries of `paths` in the on-disk index.
    pub fn index_entry_ids(&self, paths: &[&str]) -> Result<Vec<Option<ObjectId>>, GitError> {
        let mut index = self.repo.index().map_err(git("read index"))?;
        index.read(false).map_err(git("read index"))?;
        Ok(paths
            .iter()
            .map(|p| index.get_path(Path::new(p), 0).map(|e| e.id.into()))
            .collect())
    }

    /// Sets `key` to `value` in the repository's own config (`.git/config`), unless it
    /// already has that value there. Returns whether it changed.
    pub fn set_local_config(&self, key: &str, value: &str) -> Result<bool, GitError> {
        let config = self.repo.config().map_err(git("read config"))?;
        let mut local = config
            .open_level(git2::ConfigLevel::Local)
            .map_err(git("read config"))?;
        if local.get_string(key).ok().as_deref() == Some(value) {
            return Ok(false);
        }
        local.set_str(key, value).map_err(git("write config"))?;
        Ok(true)
    }
}

/// Why git (libgit2) refuses a repository it found, in words for the user.
fn unusable_reason(e: &git2::Error) -> String {
    let detail = e.message();
    if e.code() == ErrorCode::Owner {
        format!(
            "git refuses this repository: it is owned by another user ({detail}); \
             if you trust it, run `git config --global --add safe.directory <its path>`"
        )
    } else if detail.contains("objectformat") || detail.contains("sha256") {
        format!(
            "git repository in a format backlog cannot read (SHA-256 object IDs: {detail}); \
             use --no-commit, or a SHA-1 repository"
        )
    } else {
        format!("cannot open the git repository: {detail}")
    }
}

/// Why a revision the user typed (`main`, `HEAD~1`, a hash) names no commit, in words for
/// the user: libgit2's own messages ("ambiguous lookup - OID prefix is too short",
/// "revspec 'x' not found") name its internals.
pub fn revision_problem(rev: &str, e: &git2::Error) -> String {
    let hex = !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_hexdigit());
    match e.code() {
        ErrorCode::Ambiguous if hex && rev.len() < 4 => {
            "no branch or tag of that name, and a commit hash needs at least 4 characters"
                .to_owned()
        }
        ErrorCode::Ambiguous => {
            "more than one object starts with it: give more characters of the hash".to_owned()
        }
        ErrorCode::NotFound => "no branch, tag or commit of that name".to_owned(),
        _ if e.code() == ErrorCode::Peel || e.message().contains("peel") => {
            "it names a git object that is not a commit".to_owned()
        }
        ErrorCode::InvalidSpec => "not a revision git understands".to_owned(),
        _ => e.message().to_owned(),
    }
}

/// Process-wide libgit2 settings, applied once before the first repository is opened.
///
/// Strict hash verification re-hashes every object read to check it matches its id. The
/// git CLI does not do that on ordinary reads (that is `git fsck`'s job), and for a
/// 100k-item folder it means hashing a 6 MB tree twice per command: 12% of `estimate`.
fn configure_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        opts::limit_mapped_packs();
        opts::keep_freed_heap();
    });
}

/// From this many paths on, a commit writes its objects as one pack ([`bulk`]).
const PACKED_COMMIT_PATHS: usize = 256;

mod bulk;
pub mod changed;
pub mod file_diff;
mod graph;
mod id;
pub mod last_commits;
mod merge3;
pub mod message;
pub mod objects;
mod opts;
mod pack;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod trail;
mod tree;
pub mod tree_diff;
pub mod walk;

pub use id::{BadObjectId, Failure, ObjectId, Signatures};
pub use merge3::{MergeFileOptions, merge_file};
pub use opts::disable_object_cache;

/// The id of git's empty tree.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// Length of a SHA-1 object id.
const OID_LEN: usize = 20;
/// Tree-entry modes as written in tree objects (octal, no leading zero).
const TREE_MODE: u32 = 0o40000;
const BLOB_MODE: u32 = 0o100644;
const EXEC_MODE: u32 = 0o100755;

/// A commit object written but not yet on any branch ([`Repo::prepare_commit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedCommit {
    /// HEAD when it was prepared (`None`: unborn branch).
    pub parent: Option<ObjectId>,
    /// The new commit.
    pub commit: ObjectId,
    /// Per change, the blob id and mode written (`None` for a removal).
    pub blobs: Vec<Option<(ObjectId, u32)>>,
}

/// Builds the default commit message: `backlog: <summary>`, an optional body, and the
/// trailers `Backlog-Op` and `Backlog-Items` (see [`message::Message`] for templates).
pub fn commit_message(op: &str, summary: &str, body: &[String], items: &[String]) -> String {
    message::Message {
        op,
        summary,
        body,
        items,
        ..message::Message::default()
    }
    .render()
}

pub use message::parse_trailers;

#[cfg(test)]
mod tests;
