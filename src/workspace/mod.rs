//! A workspace: the backlog store plus, when there is one, its git repository; and the
//! [`Transaction`] that turns a computed [`Change`] into written files and one commit,
//! all or nothing even when the process is killed (see [`transaction`]).
//!
//! Every mutating command runs `let tx = ws.begin()?;` first: it holds the OS file
//! [`lock`] that serialises concurrent `backlog` processes (so no update is lost) for the
//! whole command, and recovers from an interrupted earlier command.

use std::path::PathBuf;
use std::time::Duration;

use crate::git::{GitError, Repo};
use crate::store::{Store, StoreError};

pub mod journal;
pub mod lock;
pub mod transaction;

pub use lock::{Lock, LockError};
pub use transaction::{Recovery, RecoveryAction, Transaction};

/// What a mutating operation wants to record: file contents and a description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    /// The operation name (`estimate`, `add`…), used in the `Backlog-Op` trailer.
    pub op: String,
    /// The commit summary after `backlog: `, e.g. `estimate B-7KX2: 3 -> 5`.
    pub summary: String,
    /// Extra lines for the commit message body (votes, moved items…).
    pub body: Vec<String>,
    /// IDs of the items created or changed.
    pub items: Vec<String>,
    /// Files to write: root-relative path and full new content.
    pub writes: Vec<(String, String)>,
    /// Files to remove: root-relative paths.
    pub removes: Vec<String>,
}

impl Change {
    /// A change with nothing to write.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.removes.is_empty()
    }
}

/// What happened to a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Written and committed.
    Committed(String),
    /// Written; the workspace is not in a git repository.
    NotARepository,
    /// Written; committing is switched off (`--no-commit` or `commit: false`).
    CommitDisabled,
    /// Nothing to write.
    NothingChanged,
}

/// Errors of a transaction.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// A store error (writing files…).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Refused before writing.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The commit could not be recorded; nothing was written.
    #[error("could not record the commit for {}: {source}; nothing was changed", .paths.join(", "))]
    CommitFailed {
        /// What would have been written.
        paths: Vec<String>,
        /// Why the commit failed.
        source: GitError,
    },
    /// The change is recorded in its journal but a file could not be written; the next
    /// command finishes it.
    #[error("could not finish writing {path}: {source}")]
    Interrupted {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The commit was made, but the index still has the old entries of its paths.
    #[error("recorded commit {commit}, but could not update git's index for {}: {source}", .paths.join(", "))]
    IndexNotUpdated {
        /// The commit.
        commit: String,
        /// The committed paths.
        paths: Vec<String>,
        /// Why (libgit2's message).
        source: crate::git::Failure,
    },
    /// The workspace lock could not be taken.
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// How to open a workspace.
#[derive(Debug, Clone)]
pub struct WorkspaceOptions {
    /// Where discovery starts (`-C`, or the current folder).
    pub start: PathBuf,
    /// The backlog folder, relative to the root unless absolute.
    pub dir: PathBuf,
    /// `Some(false)` for `--no-commit`; `None` follows `config.yml`.
    pub commit: Option<bool>,
    /// Commit item files even when they have uncommitted edits.
    pub allow_dirty: bool,
}

/// The store and its repository.
#[derive(Debug)]
pub struct Workspace {
    /// The backlog folder.
    pub store: Store,
    /// The repository, if the backlog is inside one.
    pub repo: Option<Repo>,
    commit: bool,
    allow_dirty: bool,
    via: Option<String>,
    /// Where discovery started (canonical), to say where the backlog is from there.
    start: PathBuf,
}

impl Workspace {
    /// Discovers the repository and opens the backlog folder. `allow_missing` lets `init`
    /// open a workspace whose folder does not exist yet; it also stops discovery from
    /// looking above the start outside git, so `init` creates the backlog where it was
    /// asked to (inside git: at the repository root, or the nearest existing one).
    pub fn open(opts: &WorkspaceOptions, allow_missing: bool) -> Result<Self, StoreError> {
        let start = opts.start.canonicalize().map_err(|source| StoreError::Io {
            path: opts.start.display().to_string(),
            source,
        })?;
        let repo = Repo::discover(&start).map_err(|e| StoreError::Repository(e.to_string()))?;
        let root = match &repo {
            Some(r) => r.workdir().to_path_buf(),
            None if allow_missing => start.clone(),
            None => crate::store::find_root(&start, &opts.dir),
        };
        // Like cargo looking for Cargo.toml: the nearest `<dir>` between the start and
        // the root wins, so `-C examples/demo` finds `examples/demo/backlog`.
        let dir = if opts.dir.is_absolute() {
            opts.dir.clone()
        } else {
            start
                .ancestors()
                .take_while(|a| a.starts_with(&root))
                .map(|a| a.join(&opts.dir))
                .find(|d| d.is_dir())
                .unwrap_or_else(|| root.join(&opts.dir))
        };
        // Resolve links and `..` once, so every path the store hands out is a plain
        // root-relative path. A relative backlog folder that resolves outside the root
        // (a symlink leaving the repository) is refused, not followed.
        let dir = match dir.canonicalize() {
            Ok(canonical) => {
                if !opts.dir.is_absolute() && !canonical.starts_with(&root) {
                    return Err(StoreError::OutsideRoot {
                        path: dir.display().to_string(),
                        target: canonical.display().to_string(),
                    });
                }
                canonical
            }
            Err(_) => dir,
        };
        // A backlog folder inside a nested repository (a submodule, or a repository
        // inside the work tree) belongs to that repository: it is committed there, as
        // `git -C backlog commit` would, never in the outer one (which sees a gitlink).
        let (repo, root) = match repo {
            Some(outer) if dir.is_dir() => {
                match Repo::discover(&dir).map_err(|e| StoreError::Repository(e.to_string()))? {
                    Some(inner) if inner.workdir() != outer.workdir() => {
                        let root = inner.workdir().to_path_buf();
                        (Some(inner), root)
                    }
                    _ => (Some(outer), root),
                }
            }
            other => (other, root),
        };
        let store = Store::open(&root, &dir, allow_missing)?;
        // A backlog folder outside the work tree cannot be committed.
        let repo = repo.filter(|r| {
            let dir = store
                .dir()
                .canonicalize()
                .unwrap_or_else(|_| store.dir().to_path_buf());
            dir.starts_with(r.workdir())
        });
        let commit = opts.commit.unwrap_or(true) && store.config.commit.enabled;
        Ok(Self {
            store,
            repo,
            commit,
            allow_dirty: opts.allow_dirty,
            via: None,
            start,
        })
    }

    /// Where the backlog folder is, relative to where discovery started, when it is not
    /// inside that folder (`../backlog`): a backlog found above the current folder is
    /// worth saying, so nobody writes into an unexpected place.
    pub fn found_elsewhere(&self) -> Option<PathBuf> {
        let dir = self.store.dir();
        (!dir.starts_with(&self.start)).then(|| crate::store::relative_to(dir, &self.start))
    }

    /// Records which front end made the changes: every commit gets a `Backlog-Via: NAME`
    /// trailer (the MCP server sets `mcp`).
    pub fn set_via(&mut self, name: &str) {
        self.via = Some(name.to_owned());
    }

    /// Whether changes will be committed.
    pub fn will_commit(&self) -> bool {
        self.commit && self.repo.is_some()
    }

    /// The refusals of [`Transaction::apply`] for a change to `paths`, without writing: a
    /// missing git identity, git's index lock, and (unless `allow_dirty`) uncommitted
    /// edits in those files. `edit` runs them before it opens the editor, so nobody edits
    /// what cannot be recorded.
    pub fn preflight(&self, paths: &[String]) -> Result<(), WorkspaceError> {
        let Some(repo) = self.repo.as_ref().filter(|_| self.commit) else {
            return Ok(());
        };
        repo.signature()?;
        repo.check_unlocked()?;
        if !self.allow_dirty {
            let refs: Vec<&String> = paths.iter().collect();
            let mut current = Vec::with_capacity(paths.len());
            for path in paths {
                let target = self.store.checked_target(path)?;
                current.push(transaction::read_current(&target, path)?);
            }
            self.refuse_dirty(repo, &refs, &current)?;
        }
        Ok(())
    }

    /// Takes the workspace lock, waiting up to five seconds for another process (see
    /// [`lock`] for why it can never be left stuck). Commands take it through
    /// [`Workspace::begin`].
    fn lock(&self) -> Result<Lock, WorkspaceError> {
        let path = match &self.repo {
            Some(r) => r.git_dir().join("backlog.lock"),
            None => self.store.dir().join(".backlog.lock"),
        };
        Ok(Lock::acquire(&path, Duration::from_secs(5))?)
    }

    fn refuse_dirty(
        &self,
        repo: &Repo,
        paths: &[&String],
        current: &[(Option<Vec<u8>>, Option<u32>)],
    ) -> Result<(), WorkspaceError> {
        let query: Vec<(&str, Option<&[u8]>)> = paths
            .iter()
            .zip(current)
            .map(|(p, (c, _))| (p.as_str(), c.as_deref()))
            .collect();
        let dirty = repo.dirty_paths(&query)?;
        if dirty.is_empty() {
            Ok(())
        } else {
            Err(GitError::Dirty { paths: dirty }.into())
        }
    }
}
