//! The file-system side of a transaction: the journal written durably, files published
//! with their permissions, folders synced, and what an interrupted transaction left behind
//! (its git lock files and libgit2's temporary objects) removed.

use std::fs::{File, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::super::journal::{Journal, JournalFile};
use crate::git::Repo;
use crate::store::StoreError;

/// Removes a finished transaction's folder: the `started` marker first, then the journal
/// (so a kill in between is never mistaken for an interrupted change), then the rest.
pub(super) fn finish_tx_dir(dir: &Path) -> std::io::Result<()> {
    for name in ["started", "journal"] {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    std::fs::remove_dir_all(dir)
}

/// The current bytes and permission bits of a file (`None` when it does not exist).
pub(in crate::workspace) type Current = (Option<Vec<u8>>, Option<u32>);

pub(in crate::workspace) fn read_current(target: &Path, rel: &str) -> Result<Current, StoreError> {
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
pub(super) fn write_journal(dir: &Path, journal: &Journal) -> std::io::Result<()> {
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
pub(super) fn publish(staging: &Path, target: &Path, file: &JournalFile) -> std::io::Result<()> {
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

pub(super) fn sync_parents(targets: impl Iterator<Item = PathBuf>) {
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
pub(super) fn remove_own_git_locks(repo: &Repo, since: SystemTime) -> Vec<String> {
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

/// Removes `config.lock` when it was made since `since` (the interrupted config write's
/// start), as libgit2's own lock of that write.
pub(super) fn remove_config_lock(repo: &Repo, since: SystemTime) -> Vec<String> {
    let lock = repo.git_dir().join("config.lock");
    let ours = std::fs::symlink_metadata(&lock)
        .and_then(|m| m.modified())
        .is_ok_and(|m| m >= since);
    if ours && std::fs::remove_file(&lock).is_ok() {
        vec![lock.display().to_string()]
    } else {
        Vec::new()
    }
}

/// Removes libgit2's temporary object files (`objects/xx/tmp_object_git2_*`,
/// `objects/pack/pack_git2_*`) made since the interrupted transaction started.
pub(super) fn remove_temp_objects(git_dir: &Path, since: SystemTime) -> Vec<String> {
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
