//! The workspace lock: one `backlog` process at a time changes a backlog.
//!
//! The lock is an advisory OS file lock ([`std::fs::File::try_lock`]: `flock` on Unix,
//! `LockFileEx` on Windows) on a lock file (`.git/backlog.lock`, or `.backlog.lock` in the
//! backlog folder outside git). The OS releases it when the holder's file handle closes,
//! including when the process is killed, so there is no staleness to guess and nothing to
//! clean up. The file itself stays: deleting it would let a waiter that opened the old file
//! and a newcomer that creates a new one both "hold" a lock. Its content (the holder's
//! process ID) is informative only.
//!
//! Waiting is fair: a waiter blocks in the OS (`flock`), which wakes it the moment the
//! holder lets go, instead of polling and losing the race to a holder that takes the lock
//! again at once (a `rank --rebalance` loop starved a polling waiter past its 5 s wait).

use std::fs::{File, TryLockError};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                file = wait_for(file, wait)
                    .map_err(io)?
                    .ok_or_else(|| LockError::Busy {
                        path: path.display().to_string(),
                    })?;
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
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

/// Blocks on the lock in a helper thread for at most `wait`. `None` when it timed out:
/// the helper then releases the lock as soon as it gets it (its channel is closed).
fn wait_for(file: File, wait: Duration) -> std::io::Result<Option<File>> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("backlog-lock".to_owned())
        .spawn(move || {
            let locked = file.lock().map(|()| file);
            // A closed channel drops the file, which releases the lock.
            let _ = send.send(locked);
        })?;
    match receive.recv_timeout(wait) {
        Ok(locked) => locked.map(Some),
        Err(_) => Ok(None),
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
        // exec closes it, which on a loaded machine takes a moment; and the timed-out
        // waiter's helper thread may hold the lock for a moment too.
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

    /// D16: a holder that takes the lock again the moment it lets go (a loop of slow
    /// commands) does not starve a waiter: the waiter is woken by the OS on release and
    /// is served within its wait, every time.
    #[test]
    fn test_waiter_is_served_while_a_holder_keeps_coming_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backlog.lock");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let holder = {
            let (path, stop) = (path.clone(), std::sync::Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut rounds = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // Each round is a new "process": a new open file description.
                    if let Ok(lock) = Lock::acquire(&path, Duration::from_secs(10)) {
                        std::thread::sleep(Duration::from_millis(30));
                        drop(lock);
                        rounds += 1;
                    }
                }
                rounds
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        for _ in 0..10 {
            let start = std::time::Instant::now();
            let lock = Lock::acquire(&path, Duration::from_secs(4))
                .expect("the waiter was starved past its wait");
            assert!(start.elapsed() < Duration::from_secs(4));
            drop(lock);
            std::thread::sleep(Duration::from_millis(5));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(holder.join().unwrap() > 0, "the holder never ran");
    }

    /// D2: a lock whose holder timed out waiting is not kept by the helper thread.
    #[test]
    fn test_timed_out_waiter_does_not_keep_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backlog.lock");
        let first = Lock::acquire(&path, Duration::ZERO).unwrap();
        assert!(Lock::acquire(&path, Duration::from_millis(30)).is_err());
        drop(first);
        // The timed-out waiter's helper takes the lock and must let go of it at once.
        let again = Lock::acquire(&path, Duration::from_secs(5)).unwrap();
        drop(again);
        Lock::acquire(&path, Duration::from_secs(5)).unwrap();
    }

    /// D2: an empty lock file, or one naming a live process (PID 1), left by anyone, does
    /// not block: only a live holder of the OS lock does.
    #[test]
    fn test_empty_or_live_pid_lock_file_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backlog.lock");
        for content in ["", "1"] {
            std::fs::write(&path, content).unwrap();
            // (A wait only for children other tests fork, see above.)
            drop(Lock::acquire(&path, Duration::from_secs(5)).unwrap());
        }
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
