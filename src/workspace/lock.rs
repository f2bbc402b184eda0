//! The workspace lock: one `backlog` process at a time changes a backlog.
//!
//! The lock is an advisory OS file lock ([`std::fs::File::try_lock`]: `flock` on Unix,
//! `LockFileEx` on Windows) on a lock file (`.git/backlog.lock`, or `.backlog.lock` in the
//! backlog folder outside git). The OS releases it when the holder's file handle closes,
//! including when the process is killed, so there is no staleness to guess and nothing to
//! clean up. The file itself stays: deleting it would let a waiter that opened the old file
//! and a newcomer that creates a new one both "hold" a lock. Its content (the holder's
//! process ID) is informative only.

use std::fs::{File, TryLockError};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process held the lock for the whole wait.
    #[error("another backlog command is running (it holds the lock on {path})")]
    Busy {
        /// The lock file.
        path: String,
    },
    /// The lock file cannot be opened or locked.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    // Holding the handle holds the lock; closing it releases the lock.
    _file: File,
}

impl Lock {
    /// Takes the lock on `path`, creating the file if needed, and waits up to `wait` for
    /// another holder to let go.
    pub fn acquire(path: &Path, wait: Duration) -> Result<Self, LockError> {
        let io = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(LockError::Busy {
                        path: path.display().to_string(),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        // Who holds it, for a person looking at the file; failures do not matter.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()));
        Ok(Self {
            path: path.to_owned(),
            _file: file,
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Child, Command, Stdio};

    /// Set in a child process started by `test_lock_is_exclusive_and_survives_kills`.
    const CHILD_ENV: &str = "BACKLOG_LOCK_TEST_DIR";

    #[test]
    fn test_lock_excludes_a_second_holder_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/backlog.lock");
        let first = Lock::acquire(&path, Duration::ZERO).unwrap();
        let err = Lock::acquire(&path, Duration::from_millis(50)).unwrap_err();
        assert!(matches!(err, LockError::Busy { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("another backlog command is running")
        );
        drop(first);
        // Not ZERO: a child another test forks meanwhile shares the open file until its
        // exec closes it, which on a loaded machine takes a moment.
        let again = Lock::acquire(&path, Duration::from_secs(5)).unwrap();
        assert_eq!(again.path(), path);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::process::id().to_string()
        );
    }

    #[test]
    fn test_leftover_lock_file_is_not_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backlog.lock");
        std::fs::write(&path, "4194303 and some longer leftover text").unwrap();
        let lock = Lock::acquire(&path, Duration::ZERO).unwrap();
        assert_eq!(
            std::fs::read_to_string(lock.path()).unwrap(),
            std::process::id().to_string()
        );
    }

    /// The child's side of the contention test: take the lock, prove nobody else holds
    /// it for a while (the `holder` file keeps our ID the whole time, and a read-modify-
    /// write of `count` loses no update), release. Exit code 3 reports a second holder.
    #[test]
    fn lock_child_process() {
        let Some(dir) = std::env::var_os(CHILD_ENV) else {
            return;
        };
        let dir = PathBuf::from(dir);
        let me = std::process::id().to_string();
        let lock = Lock::acquire(&dir.join("backlog.lock"), Duration::from_secs(60)).unwrap();
        std::fs::write(dir.join("holder"), &me).unwrap();
        for _ in 0..3 {
            let n: u64 = std::fs::read_to_string(dir.join("count"))
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            std::thread::sleep(Duration::from_millis(3));
            if std::fs::read_to_string(dir.join("holder")).unwrap_or_default() != me {
                std::process::exit(3);
            }
            std::fs::write(dir.join("count.tmp"), (n + 1).to_string()).unwrap();
            std::fs::rename(dir.join("count.tmp"), dir.join("count")).unwrap();
        }
        drop(lock);
    }

    fn spawn_child(dir: &Path) -> Child {
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "workspace::lock::tests::lock_child_process",
                "--test-threads=1",
                "-q",
            ])
            .env(CHILD_ENV, dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Many processes contend for the lock while some are killed at random moments
    /// (holding it or waiting for it): never two holders at once, no lost update among
    /// the survivors, and the lock is free afterwards (a kill never leaves it stuck).
    #[test]
    fn test_lock_is_exclusive_and_survives_kills() {
        let dir = tempfile::tempdir().unwrap();
        // A small deterministic PRNG picks victims and delays (no new dependency).
        let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(std::process::id());
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut children: Vec<Child> = (0..24).map(|_| spawn_child(dir.path())).collect();
        let mut killed = 0;
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(5 + rand(40)));
            let victim = rand(children.len() as u64) as usize;
            if children[victim].try_wait().unwrap().is_none() {
                children[victim].kill().unwrap();
                killed += 1;
            }
        }
        let mut succeeded = 0u64;
        for mut child in children {
            let status = child.wait().unwrap();
            assert_ne!(
                status.code(),
                Some(3),
                "two processes held the lock at once"
            );
            if status.success() {
                succeeded += 1;
            }
        }
        assert!(
            killed > 0 && succeeded > 0,
            "killed {killed}, succeeded {succeeded}"
        );
        // Each survivor added 3; a killed holder may have added part of its 3.
        let count: u64 = std::fs::read_to_string(dir.path().join("count"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(
            count >= 3 * succeeded,
            "lost updates: {count} < 3 × {succeeded}"
        );
        assert!(count <= 3 * (succeeded + killed), "{count}");
        // Not stuck: the lock is free at once.
        Lock::acquire(&dir.path().join("backlog.lock"), Duration::ZERO).unwrap();
    }
}
