//! A workspace: the backlog store plus, when there is one, its git repository; and the
//! transaction that turns a computed [`Change`] into written files and one commit.
//!
//! Order of a transaction ([`Workspace::apply`]):
//! 1. refuse early, before anything is written: a missing git identity, or a touched item
//!    file with uncommitted changes (unless `allow_dirty`);
//! 2. write every file atomically (all temp files first, then the renames);
//! 3. commit exactly those paths on top of HEAD and refresh their index entries.
//!
//! If step 3 fails the files stay written and the error says what to run. An OS file
//! [`lock`] serialises concurrent `backlog` processes so no update is lost.

use std::path::PathBuf;
use std::time::Duration;

use crate::git::{self, GitError, PathChange, Repo};
use crate::store::{Store, StoreError};

pub mod lock;

pub use lock::{Lock, LockError};

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
    /// The files were written but the commit failed.
    #[error("wrote {} but could not record the commit: {source}", .paths.join(", "))]
    CommitFailed {
        /// What was written.
        paths: Vec<String>,
        /// Why the commit failed.
        source: GitError,
    },
    /// The commit was made, but the index still has the old entries of its paths.
    #[error("recorded commit {commit}, but could not update git's index for {}: {source}", .paths.join(", "))]
    IndexNotUpdated {
        /// The commit.
        commit: String,
        /// The committed paths.
        paths: Vec<String>,
        /// Why.
        source: git2::Error,
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
        let repo = Repo::discover(&start);
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

    /// The refusals of [`Workspace::apply`] for a change to `paths`, without writing: a
    /// missing git identity, git's index lock, and (unless `allow_dirty`) uncommitted
    /// edits in those files. `edit` runs them before it opens the editor, so nobody edits
    /// what cannot be recorded.
    pub fn preflight(&self, paths: &[String]) -> Result<(), WorkspaceError> {
        let Some(repo) = self.repo.as_ref().filter(|_| self.commit) else {
            return Ok(());
        };
        repo.signature()?;
        repo.check_index_unlocked()?;
        if !self.allow_dirty {
            let change = Change {
                writes: paths.iter().map(|p| (p.clone(), String::new())).collect(),
                ..Change::default()
            };
            self.refuse_dirty(repo, &change)?;
        }
        Ok(())
    }

    /// Takes the workspace lock, waiting up to five seconds for another process (see
    /// [`lock`] for why it can never be left stuck).
    pub fn lock(&self) -> Result<Lock, WorkspaceError> {
        let path = match &self.repo {
            Some(r) => r.git_dir().join("backlog.lock"),
            None => self.store.dir().join(".backlog.lock"),
        };
        Ok(Lock::acquire(&path, Duration::from_secs(5))?)
    }

    /// Writes and records a change (see the module docs for the order of steps).
    pub fn apply(&self, change: &Change) -> Result<Recorded, WorkspaceError> {
        if change.is_empty() {
            return Ok(Recorded::NothingChanged);
        }
        let repo = self.repo.as_ref().filter(|_| self.commit);
        let signatures = match repo {
            Some(r) => Some(r.signature()?),
            None => None,
        };
        if let Some(r) = repo {
            r.check_index_unlocked()?;
        }
        if let Some(r) = repo.filter(|_| !self.allow_dirty) {
            self.refuse_dirty(r, change)?;
        }
        self.store.write_files(&change.writes)?;
        self.store.remove_files(&change.removes)?;
        let (Some(repo), Some(signatures)) = (repo, signatures) else {
            return Ok(if self.repo.is_none() {
                Recorded::NotARepository
            } else {
                Recorded::CommitDisabled
            });
        };
        let paths: Vec<PathChange<'_>> = change
            .writes
            .iter()
            .map(|(p, c)| PathChange {
                path: p,
                content: Some(c.as_bytes()),
            })
            .chain(change.removes.iter().map(|p| PathChange {
                path: p,
                content: None,
            }))
            .collect();
        let config = &self.store.config.commit;
        let committer = &signatures.1;
        let message = git::message::Message {
            op: &change.op,
            summary: &change.summary,
            body: &change.body,
            items: &change.items,
            template: config.template.as_ref(),
            via: self.via.as_deref(),
            sign_off: config.sign_off.then(|| {
                (
                    committer.name().unwrap_or(""),
                    committer.email().unwrap_or(""),
                )
            }),
        }
        .render();
        match repo.commit_paths(&paths, &message, &signatures) {
            Ok(Some(oid)) => Ok(Recorded::Committed(oid.to_string())),
            Ok(None) => Ok(Recorded::NothingChanged),
            Err(GitError::IndexNotUpdated { commit, source }) => {
                Err(WorkspaceError::IndexNotUpdated {
                    commit,
                    paths: paths.iter().map(|p| p.path.to_owned()).collect(),
                    source,
                })
            }
            Err(source) => Err(WorkspaceError::CommitFailed {
                paths: paths.iter().map(|p| p.path.to_owned()).collect(),
                source,
            }),
        }
    }

    fn refuse_dirty(&self, repo: &Repo, change: &Change) -> Result<(), WorkspaceError> {
        let mut current: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        for path in change.writes.iter().map(|(p, _)| p).chain(&change.removes) {
            let content = match std::fs::read(self.store.absolute(path)) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => {
                    return Err(StoreError::Io {
                        path: path.clone(),
                        source,
                    }
                    .into());
                }
            };
            current.push((path.clone(), content));
        }
        let query: Vec<(&str, Option<&[u8]>)> = current
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_deref()))
            .collect();
        let dirty = repo.dirty_paths(&query)?;
        if dirty.is_empty() {
            Ok(())
        } else {
            Err(GitError::Dirty { paths: dirty }.into())
        }
    }
}
