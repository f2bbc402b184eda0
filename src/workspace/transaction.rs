//! Crash-safe transactions: a change is applied all or nothing, even under `kill -9`.
//!
//! [`Workspace::begin`] takes the workspace lock for the whole command (jj's
//! `start_transaction`) and first finishes or discards whatever an interrupted command
//! left behind; [`Transaction::apply`] then records one change in this order:
//!
//! 1. refuse before anything is written: a missing identity, a leftover `index.lock` /
//!    `HEAD.lock` / branch `.lock`, uncommitted edits of a touched item;
//! 2. write the blobs, trees and commit object (no reference moves yet);
//! 3. write the intent journal ([`journal`](super::journal)) with the new content of
//!    every file, fsync it and rename it into place (the point of no return);
//! 4. move HEAD's branch from the old commit to the new one;
//! 5. publish every file: a staging file under the transaction folder (inside `.git`, so
//!    never visible to git), renamed over the target with the old file's permissions;
//! 6. refresh the index entries of exactly those paths;
//! 7. delete the transaction folder.
//!
//! A crash before step 3 leaves the old state (the next command discards the staging
//! folder and libgit2's temporary object files); a crash after it is rolled forward by
//! the next command, which says what it recovered. The index is never left behind HEAD:
//! the journal stays until step 6 is done.

use std::path::PathBuf;
use std::time::SystemTime;

use crate::git::ObjectId;

use super::journal::{Journal, JournalFile, content_id};
use super::{Change, Lock, Recorded, Workspace, WorkspaceError};
use crate::git::PathChange;
use crate::store::StoreError;

mod files;

pub(super) use files::read_current;
use files::{
    finish_tx_dir, publish, remove_config_lock, remove_own_git_locks, remove_temp_objects,
    sync_parents, write_journal,
};

/// How the `started` marker of [`Transaction::write_git_config`] begins (then the
/// command's name): the one marker after which recovery removes `config.lock`.
const CONFIG_WRITE: &str = "config:";

/// The transaction folder's name inside `.git` (or, outside git, in the backlog folder
/// with a leading dot, which the walker skips).
const TX_DIR: &str = "backlog-tx";

/// A running transaction: holds the workspace lock until dropped.
#[must_use = "a transaction holds the workspace lock until it is dropped"]
#[derive(Debug)]
pub struct Transaction<'a> {
    ws: &'a Workspace,
    _lock: Lock,
    recovered: Option<Recovery>,
    /// Tests stop `apply` after this step, leaving what a `kill -9` there would leave.
    #[cfg(test)]
    crash_after: Option<Step>,
}

/// The steps of [`Transaction::apply`] a test can stop after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Prepared,
    Journaled,
    HeadMoved,
    HalfPublished,
    Published,
}

/// What [`Workspace::begin`] did about an interrupted earlier command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The interrupted operation, when known.
    pub op: Option<String>,
    /// Its commit summary, when it had journaled the change.
    pub summary: Option<String>,
    /// What was done.
    pub action: RecoveryAction,
    /// Lock and temporary files of the interrupted command that were removed.
    pub removed: Vec<String>,
}

/// How an interrupted change was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryAction {
    /// The change had not reached its journal: nothing of it was published; its
    /// temporary files were removed.
    RolledBack,
    /// The change was journaled: it was finished (files written, HEAD moved, index
    /// refreshed as needed).
    RolledForward {
        /// Files written or removed now.
        files: usize,
        /// The change's commit, when it is committed.
        commit: Option<String>,
    },
    /// A write of the clone's git config (`git-setup`, `init`) was interrupted: its
    /// `config.lock` was removed; some of its keys may be set, and running the command
    /// again sets the rest.
    ConfigInterrupted,
    /// The change was journaled but the repository moved on since (HEAD moved, or a file
    /// was edited): it was left as it is and the journal dropped.
    Abandoned {
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match (&self.op, &self.summary) {
            (Some(op), Some(summary)) => format!("`backlog {op}` ({summary})"),
            (Some(op), None) => format!("`backlog {op}`"),
            _ => "backlog command".to_owned(),
        };
        match &self.action {
            RecoveryAction::RolledBack => write!(
                f,
                "an interrupted {what} had not changed anything; removed its temporary files"
            )?,
            RecoveryAction::ConfigInterrupted => write!(
                f,
                "an interrupted {what} was writing this clone's git config; \
                 run `backlog git-setup` to finish it"
            )?,
            RecoveryAction::RolledForward { files, commit } => {
                write!(f, "finished an interrupted {what}: wrote {files} file(s)")?;
                if let Some(c) = commit {
                    write!(f, ", commit {}", &c[..c.len().min(10)])?;
                }
            }
            RecoveryAction::Abandoned { reason } => {
                write!(f, "did not finish an interrupted {what}: {reason}")?;
            }
        }
        if !self.removed.is_empty() {
            write!(f, " (removed {})", self.removed.join(", "))?;
        }
        Ok(())
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Workspace;

    fn deref(&self) -> &Workspace {
        self.ws
    }
}

impl Workspace {
    /// Starts a transaction: takes the workspace lock (waiting up to five seconds for
    /// another process) and recovers from an interrupted earlier command (see
    /// [`Transaction::recovered`]). Read the items a change is computed from *after*
    /// this, so no other process changes them in between.
    pub fn begin(&self) -> Result<Transaction<'_>, WorkspaceError> {
        let lock = self.lock()?;
        let recovered = self.recover()?;
        Ok(Transaction {
            ws: self,
            _lock: lock,
            recovered,
            #[cfg(test)]
            crash_after: None,
        })
    }

    /// Where a transaction keeps its journal and staging files.
    fn tx_dir(&self) -> PathBuf {
        match &self.repo {
            Some(r) => r.git_dir().join(TX_DIR),
            None => self.store.dir().join(format!(".{TX_DIR}")),
        }
    }

    /// Finishes or discards what an interrupted transaction left (module docs).
    fn recover(&self) -> Result<Option<Recovery>, WorkspaceError> {
        let dir = self.tx_dir();
        let Ok(started) = std::fs::symlink_metadata(&dir) else {
            return Ok(None);
        };
        let io = |source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        };
        if !started.is_dir() {
            return Err(io(std::io::Error::other("not a folder")).into());
        }
        let marker = dir.join("started");
        let op = std::fs::read_to_string(&marker)
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let since = std::fs::metadata(&marker)
            .and_then(|m| m.modified())
            .or_else(|_| started.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let journal_path = dir.join("journal");
        let journal = std::fs::read(&journal_path)
            .ok()
            .and_then(|b| Journal::decode(&b));
        let Some(journal) = journal else {
            if op.is_none() && !journal_path.exists() {
                // A transaction that finished but was killed while removing its folder.
                std::fs::remove_dir_all(&dir).map_err(io)?;
                return Ok(None);
            }
            // Before its journal a change takes no git lock; only a config write (its
            // marker says so) takes one, `config.lock`.
            let config_write = op.as_deref().and_then(|o| o.strip_prefix(CONFIG_WRITE));
            let removed = match &self.repo {
                Some(r) => {
                    let mut removed = remove_temp_objects(r.git_dir(), since);
                    if config_write.is_some() {
                        removed.extend(remove_config_lock(r, since));
                    }
                    removed
                }
                None => Vec::new(),
            };
            let action = match config_write {
                Some(_) => RecoveryAction::ConfigInterrupted,
                None => RecoveryAction::RolledBack,
            };
            let op = config_write.map(str::to_owned).or(op);
            std::fs::remove_dir_all(&dir).map_err(io)?;
            return Ok(Some(Recovery {
                op,
                summary: None,
                action,
                removed,
            }));
        };
        let journaled = std::fs::metadata(&journal_path)
            .and_then(|m| m.modified())
            .unwrap_or(since);
        let mut recovery = Recovery {
            op: Some(journal.op.clone()),
            summary: Some(journal.summary.clone()),
            action: RecoveryAction::RolledBack,
            removed: Vec::new(),
        };
        match self.roll_forward(&journal, journaled, &mut recovery.removed) {
            Ok(action) => recovery.action = action,
            Err(Abandon(reason)) => recovery.action = RecoveryAction::Abandoned { reason },
        }
        if let RecoveryAction::RolledForward { .. } = recovery.action
            && let Err(e) = self.finish_recovery(&journal)
        {
            // Keep the journal: the next command tries again.
            return Err(e);
        }
        finish_tx_dir(&dir).map_err(io)?;
        Ok(Some(recovery))
    }

    fn roll_forward(
        &self,
        journal: &Journal,
        journaled: SystemTime,
        removed: &mut Vec<String>,
    ) -> Result<RecoveryAction, Abandon> {
        let fail = |e: &dyn std::fmt::Display| Abandon(e.to_string());
        // Decide everything before touching anything.
        let mut move_head = false;
        if let Some(commit) = journal.commit {
            let Some(repo) = &self.repo else {
                return Err(Abandon("the repository is gone".to_owned()));
            };
            let head = repo.head_oid().map_err(|e| fail(&e))?;
            if head == journal.parent {
                move_head = true;
            } else if head != Some(commit) {
                return Err(Abandon(format!(
                    "HEAD moved since (its commit {} is left unused)",
                    &commit.to_string()[..10]
                )));
            }
        }
        let mut pending = Vec::new();
        for file in &journal.files {
            let target = self.store.absolute(&file.path);
            let current = match std::fs::read(&target) {
                Ok(bytes) => Some(content_id(&bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(Abandon(format!("{}: {e}", file.path))),
            };
            if current == file.new_id() {
                continue;
            }
            if current != file.old {
                return Err(Abandon(format!("{} was changed since", file.path)));
            }
            pending.push(file);
        }
        if let Some(repo) = &self.repo {
            removed.extend(remove_own_git_locks(repo, journaled));
        }
        if move_head && let (Some(repo), Some(commit)) = (&self.repo, journal.commit) {
            repo.advance_head(
                journal.parent,
                commit,
                &format!("backlog: {}", journal.summary),
            )
            .map_err(|e| fail(&e))?;
        }
        let staging = self.tx_dir();
        for file in &pending {
            publish(&staging, &self.store.absolute(&file.path), file).map_err(|e| fail(&e))?;
        }
        Ok(RecoveryAction::RolledForward {
            files: pending.len(),
            commit: journal.commit.map(|c| c.to_string()),
        })
    }

    /// Refreshes the index entries the interrupted commit left behind: those still at
    /// the parent's blob (a staged revert otherwise) move to the commit's blob.
    fn finish_recovery(&self, journal: &Journal) -> Result<(), WorkspaceError> {
        let (Some(repo), Some(commit)) = (&self.repo, journal.commit) else {
            return Ok(());
        };
        let paths: Vec<&str> = journal.files.iter().map(|f| f.path.as_str()).collect();
        let index = repo.index_entry_ids(&paths)?;
        let mut entries = Vec::new();
        for (path, in_index) in paths.iter().zip(index) {
            let new = repo.blob_at(commit, path)?;
            if in_index == new.map(|(id, _)| id) {
                continue;
            }
            let old = match journal.parent {
                Some(parent) => repo.blob_at(parent, path)?.map(|(id, _)| id),
                None => None,
            };
            if in_index == old {
                entries.push((*path, new));
            }
        }
        if !entries.is_empty() {
            repo.update_index(&entries)?;
        }
        Ok(())
    }
}

/// Why a journaled change is not rolled forward.
struct Abandon(String);

impl Transaction<'_> {
    /// What was recovered from an interrupted earlier command, if anything (for the
    /// front end to tell the user).
    pub fn recovered(&self) -> Option<&Recovery> {
        self.recovered.as_ref()
    }

    /// Whether a test asked to stop after `step`.
    #[cfg(test)]
    fn crash(&self, step: Step) -> bool {
        self.crash_after == Some(step)
    }

    #[cfg(not(test))]
    #[inline(always)]
    fn crash(&self, _step: Step) -> bool {
        false
    }

    /// Runs `write`, a change of the repository's own git config (`.git/config`, which
    /// git never commits: `git-setup` sets the merge driver there), inside the
    /// transaction. libgit2 writes the config through `config.lock`; killed half way, it
    /// leaves that lock behind, and every later `git config` would fail. The `started`
    /// marker written first dates the attempt, so the next command removes that lock as
    /// this transaction's own, as it does an interrupted commit's `index.lock`.
    /// `op` names the command in the recovery message (`init`, `git-setup`).
    pub fn write_git_config<T>(
        &self,
        op: &str,
        write: impl FnOnce() -> T,
    ) -> Result<T, WorkspaceError> {
        if self.ws.repo.is_none() {
            return Ok(write());
        }
        let dir = self.ws.tx_dir();
        let io = |source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        std::fs::write(dir.join("started"), format!("{CONFIG_WRITE}{op}")).map_err(io)?;
        let out = write();
        finish_tx_dir(&dir).map_err(io)?;
        Ok(out)
    }

    /// Writes and records a change, all or nothing (module docs).
    pub fn apply(&self, change: &Change) -> Result<Recorded, WorkspaceError> {
        let ws = self.ws;
        if change.is_empty() {
            return Ok(Recorded::NothingChanged);
        }
        let repo = ws.repo.as_ref().filter(|_| ws.commit);
        let signatures = match repo {
            Some(r) => Some(r.signature()?),
            None => None,
        };
        if let Some(r) = repo {
            r.check_signing()?;
            r.check_unlocked()?;
        }
        let paths: Vec<&String> = change
            .writes
            .iter()
            .map(|(p, _)| p)
            .chain(&change.removes)
            .collect();
        let mut current = Vec::with_capacity(paths.len());
        for path in &paths {
            let target = ws.store.checked_target(path)?;
            current.push(read_current(&target, path)?);
        }
        if let Some(r) = repo.filter(|_| !ws.allow_dirty) {
            ws.refuse_dirty(r, &paths, &current)?;
        }

        // Prepare: the commit object, then the journal.
        let dir = ws.tx_dir();
        let io = |source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        std::fs::write(dir.join("started"), &change.op).map_err(io)?;
        let changes: Vec<PathChange<'_>> = change
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
        let message = match &signatures {
            Some(signatures) => {
                let config = &ws.store.config.commit;
                let committer = signatures.committer();
                crate::git::message::Message {
                    op: &change.op,
                    summary: &change.summary,
                    body: &change.body,
                    items: &change.items,
                    template: config.template.as_ref(),
                    via: ws.via.as_deref(),
                    sign_off: config.sign_off.then_some(committer),
                }
                .render()
            }
            None => String::new(),
        };
        let prepared = match (repo, &signatures) {
            (Some(r), Some(s)) => match r.prepare_commit(&changes, &message, s) {
                Ok(p) => p,
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(e.into());
                }
            },
            _ => None,
        };
        if self.crash(Step::Prepared) {
            return Ok(Recorded::NothingChanged);
        }
        let journal = Journal {
            op: change.op.clone(),
            summary: change.summary.clone(),
            parent: prepared.as_ref().and_then(|p| p.parent),
            commit: prepared.as_ref().map(|p| p.commit),
            files: changes
                .iter()
                .zip(&current)
                .map(|(c, (old, mode))| JournalFile {
                    path: c.path.to_owned(),
                    mode: *mode,
                    old: old.as_deref().map(content_id),
                    new: c.content.map(<[u8]>::to_vec),
                })
                .collect(),
        };
        if let Err(e) = write_journal(&dir, &journal) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(io(e).into());
        }

        if self.crash(Step::Journaled) {
            return Ok(Recorded::NothingChanged);
        }

        // Publish: HEAD, the files, the index.
        let written: Vec<String> = paths.iter().map(|p| (*p).clone()).collect();
        if let (Some(r), Some(p)) = (repo, &prepared)
            && let Err(source) = r.advance_head(p.parent, p.commit, &message)
        {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(WorkspaceError::CommitFailed {
                paths: written,
                source,
            });
        }
        if self.crash(Step::HeadMoved) {
            return Ok(Recorded::NothingChanged);
        }
        for (i, file) in journal.files.iter().enumerate() {
            if i == journal.files.len() / 2 && self.crash(Step::HalfPublished) {
                return Ok(Recorded::NothingChanged);
            }
            let target = ws.store.absolute(&file.path);
            if let Err(source) = publish(&dir, &target, file) {
                // The journal stays: the next command finishes the change.
                return Err(WorkspaceError::Interrupted {
                    path: file.path.clone(),
                    source,
                });
            }
        }
        sync_parents(journal.files.iter().map(|f| ws.store.absolute(&f.path)));
        if self.crash(Step::Published) {
            return Ok(Recorded::NothingChanged);
        }
        if let (Some(r), Some(p)) = (repo, &prepared) {
            let entries: Vec<(&str, Option<(ObjectId, u32)>)> = changes
                .iter()
                .zip(&p.blobs)
                .map(|(c, b)| (c.path, *b))
                .collect();
            if let Err(e) = r.update_index(&entries) {
                return Err(WorkspaceError::IndexNotUpdated {
                    commit: p.commit.to_string(),
                    paths: written,
                    source: e.into_failure(),
                });
            }
        }
        finish_tx_dir(&dir).map_err(io)?;
        Ok(match prepared {
            Some(p) => Recorded::Committed(p.commit.to_string()),
            None if repo.is_some() => Recorded::NothingChanged,
            None if ws.repo.is_none() => Recorded::NotARepository,
            None => Recorded::CommitDisabled,
        })
    }
}

#[cfg(test)]
mod tests;
