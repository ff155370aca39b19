//! Whose turn it is to write.
//!
//! SQLite lets one writer in at a time; the others wait in its busy handler,
//! which sleeps and polls (up to 100 ms between tries) and serves no one in
//! particular. A long write done in short transactions (an import commits
//! every ~50 ms) would get the lock back before a sleeping check-in woke
//! up: the desk would wait for the whole import. The gate gives the lock in
//! turn instead:
//!
//! - within a process, writers queue on a fair (FIFO) async mutex;
//! - between processes (the CLI next to the desktop app), the holder of
//!   that mutex also takes two file locks next to the database: a
//!   turnstile, then the gate, then it lets go of the turnstile. A writer of
//!   another process waiting for the gate holds the turnstile meanwhile, so
//!   the writer that just let go of the gate cannot take it again first: it
//!   waits at the turnstile until the other one is through.
//!
//! The locks are advisory `flock`s on `escale.db.turnstile` and
//! `escale.db.gate`; the kernel releases them if a process dies.

use crate::error::{Error, Result};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug)]
pub(crate) struct Gate {
    queue: Arc<Mutex<()>>,
    turnstile: Arc<File>,
    gate: Arc<File>,
}

/// The right to write, until dropped.
pub(crate) struct Turn {
    gate: Arc<File>,
    _queue: OwnedMutexGuard<()>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let _ = self.gate.unlock();
    }
}

impl std::fmt::Debug for Turn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Turn")
    }
}

pub(crate) const TURNSTILE_SUFFIX: &str = ".turnstile";
pub(crate) const GATE_SUFFIX: &str = ".gate";

fn lock_file(db: &Path, suffix: &str) -> Result<File> {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    File::options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&name)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                Error::ReadOnly
            }
            _ => Error::DataDir(format!("{}: {e}", Path::new(&name).display())),
        })
}

impl Gate {
    pub(crate) fn open(db: &Path) -> Result<Gate> {
        Ok(Gate {
            queue: Arc::new(Mutex::new(())),
            turnstile: Arc::new(lock_file(db, TURNSTILE_SUFFIX)?),
            gate: Arc::new(lock_file(db, GATE_SUFFIX)?),
        })
    }

    /// Waits for this writer's turn, at most `patience` (then [`Error::Busy`],
    /// as SQLite's busy timeout would say).
    pub(crate) async fn turn(&self, patience: Duration) -> Result<Turn> {
        let deadline = Instant::now() + patience;
        let queue = tokio::time::timeout(patience, self.queue.clone().lock_owned())
            .await
            .map_err(|_| Error::Busy)?;
        // Between processes: polled every millisecond (a blocking lock
        // could not give up at the deadline); the turnstile keeps the order.
        take(&self.turnstile, deadline).await?;
        let got = take(&self.gate, deadline).await;
        let _ = self.turnstile.unlock();
        got?;
        Ok(Turn {
            gate: self.gate.clone(),
            _queue: queue,
        })
    }
}

/// Takes a file lock, polling until `deadline`. A file system without
/// `flock` (some network shares) has no gate between processes: SQLite's
/// own lock still keeps writes apart.
async fn take(f: &File, deadline: Instant) -> Result<()> {
    loop {
        match f.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) => {
                if Instant::now() >= deadline {
                    return Err(Error::Busy);
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            Err(std::fs::TryLockError::Error(_)) => return Ok(()),
        }
    }
}
