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

use std::fs::{File, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use git2::Oid;

use super::journal::{Journal, JournalFile, content_id};
use super::{Change, Lock, Recorded, Workspace, WorkspaceError};
use crate::git::{GitError, PathChange, Repo};
use crate::store::StoreError;

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
            let removed = match &self.repo {
                Some(r) => remove_temp_objects(r.git_dir(), since),
                None => Vec::new(),
            };
            std::fs::remove_dir_all(&dir).map_err(io)?;
            return Ok(Some(Recovery {
                op,
                summary: None,
                action: RecoveryAction::RolledBack,
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
                let committer = &signatures.1;
                crate::git::message::Message {
                    op: &change.op,
                    summary: &change.summary,
                    body: &change.body,
                    items: &change.items,
                    template: config.template.as_ref(),
                    via: ws.via.as_deref(),
                    sign_off: config.sign_off.then(|| {
                        (
                            committer.name().unwrap_or(""),
                            committer.email().unwrap_or(""),
                        )
                    }),
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
            let entries: Vec<(&str, Option<(Oid, u32)>)> = changes
                .iter()
                .zip(&p.blobs)
                .map(|(c, b)| (c.path, *b))
                .collect();
            if let Err(e) = r.update_index(&entries) {
                let source = match e {
                    GitError::Git { source, .. } => source,
                    other => git2::Error::from_str(&other.to_string()),
                };
                return Err(WorkspaceError::IndexNotUpdated {
                    commit: p.commit.to_string(),
                    paths: written,
                    source,
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

/// Removes a finished transaction's folder: the `started` marker first, then the journal
/// (so a kill in between is never mistaken for an interrupted change), then the rest.
fn finish_tx_dir(dir: &Path) -> std::io::Result<()> {
    for name in ["started", "journal"] {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    std::fs::remove_dir_all(dir)
}

/// The current bytes and permission bits of a file (`None` when it does not exist).
pub(super) type Current = (Option<Vec<u8>>, Option<u32>);

pub(super) fn read_current(target: &Path, rel: &str) -> Result<Current, StoreError> {
    let err = |source| StoreError::Io {
        path: rel.to_owned(),
        source,
    };
    match std::fs::read(target) {
        Ok(bytes) => {
            let meta = std::fs::metadata(target).map_err(err)?;
            Ok((Some(bytes), Some(permission_bits(&meta.permissions()))))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((None, None)),
        Err(e) => Err(err(e)),
    }
}

#[cfg(unix)]
fn permission_bits(p: &Permissions) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    p.mode() & 0o7777
}

#[cfg(not(unix))]
fn permission_bits(p: &Permissions) -> u32 {
    if p.readonly() { 0o444 } else { 0o644 }
}

/// Gives a file the permission bits `bits` (Unix; elsewhere the defaults stay).
#[cfg(unix)]
fn set_mode(file: &File, bits: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(Permissions::from_mode(bits))
}

#[cfg(not(unix))]
fn set_mode(_file: &File, _bits: u32) -> std::io::Result<()> {
    Ok(())
}

/// A new file's permissions: read-write for everyone the umask allows, as `open` gives.
#[cfg(unix)]
fn new_file_permissions() -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(Permissions::from_mode(0o666))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<Permissions> {
    None
}

/// Writes the journal durably: a temporary file, fsynced, renamed to `journal`, and the
/// folder fsynced so the rename itself survives a power cut.
fn write_journal(dir: &Path, journal: &Journal) -> std::io::Result<()> {
    let mut temp = tempfile::Builder::new()
        .prefix("journal-")
        .tempfile_in(dir)?;
    temp.write_all(&journal.encode())?;
    temp.as_file().sync_all()?;
    temp.persist(dir.join("journal")).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Publishes one journaled file: a staging file in `staging` (inside `.git`, invisible to
/// git), renamed over `target`; or removes `target`. When `.git` is on another file
/// system the staging file goes next to the target instead.
fn publish(staging: &Path, target: &Path, file: &JournalFile) -> std::io::Result<()> {
    let Some(content) = &file.new else {
        return match std::fs::remove_file(target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let stage = |dir: &Path| -> std::io::Result<tempfile::NamedTempFile> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".backlog-tmp-");
        if let Some(p) = new_file_permissions() {
            builder.permissions(p);
        }
        let mut temp = builder.tempfile_in(dir)?;
        temp.write_all(content)?;
        if let Some(mode) = file.mode {
            set_mode(temp.as_file(), mode)?;
        }
        Ok(temp)
    };
    match stage(staging)?.persist(target) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::CrossesDevices => {
            let parent = target.parent().unwrap_or(Path::new("."));
            stage(parent)?
                .persist(target)
                .map(|_| ())
                .map_err(|e| e.error)
        }
        Err(e) => Err(e.error),
    }
}

/// Makes renames in a folder durable (best effort: not every platform can open one).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn sync_parents(targets: impl Iterator<Item = PathBuf>) {
    let mut parents: Vec<PathBuf> = targets
        .filter_map(|t| t.parent().map(Path::to_path_buf))
        .collect();
    parents.sort();
    parents.dedup();
    for p in parents {
        sync_dir(&p);
    }
}

/// Removes `index.lock` and HEAD's lock files that an interrupted transaction left: those
/// made after its journal (no other writer runs while the workspace lock is held, and
/// git never leaves them behind on its own unless it is killed too).
fn remove_own_git_locks(repo: &Repo, since: SystemTime) -> Vec<String> {
    let git_dir = repo.git_dir();
    let mut candidates = vec![
        git_dir.join("index.lock"),
        git_dir.join("HEAD.lock"),
        git_dir.join("logs/HEAD.lock"),
    ];
    if let Ok(name) = repo.head_ref_name()
        && name != "HEAD"
    {
        candidates.push(git_dir.join(format!("{name}.lock")));
        candidates.push(git_dir.join(format!("logs/{name}.lock")));
    }
    let mut removed = Vec::new();
    for lock in candidates {
        let ours = std::fs::symlink_metadata(&lock)
            .and_then(|m| m.modified())
            .is_ok_and(|m| m >= since);
        if ours && std::fs::remove_file(&lock).is_ok() {
            removed.push(lock.display().to_string());
        }
    }
    removed
}

/// Removes libgit2's temporary object files (`objects/xx/tmp_object_git2_*`,
/// `objects/pack/pack_git2_*`) made since the interrupted transaction started.
fn remove_temp_objects(git_dir: &Path, since: SystemTime) -> Vec<String> {
    let objects = git_dir.join("objects");
    let mut dirs = vec![objects.clone()];
    if let Ok(entries) = std::fs::read_dir(&objects) {
        dirs.extend(
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path()),
        );
    }
    let mut removed = Vec::new();
    for dir in dirs {
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        for file in files.flatten() {
            let name = file.file_name();
            let name = name.to_string_lossy();
            if !(name.starts_with("tmp_object_git2_") || name.starts_with("pack_git2_")) {
                continue;
            }
            let recent = file
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|m| m >= since);
            if recent && std::fs::remove_file(file.path()).is_ok() {
                removed.push(file.path().display().to_string());
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::WorkspaceOptions;

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
}
