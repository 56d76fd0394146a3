//! The app's data folder: where profiles and the key index (public metadata only) live as plain
//! JSON. Writes are atomic (temp file + rename) and a file that does not parse is never
//! overwritten: the person is told where it is and what is wrong.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorKind};

/// Overrides the data folder, for tests and for people who keep several set-ups apart.
pub const DATA_DIR_ENV: &str = "MASKINPORTEN_ASSISTANT_DATA_DIR";

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
    /// How long [`DataDir::locked`] waits for another process to finish its change.
    lock_wait: Duration,
}

/// The data folder's lock: every load→modify→save holds it, so the window and command-line
/// calls, or two command-line calls, changing the folder at once all keep their changes.
pub const LOCK_FILE: &str = ".lock";
/// Who holds the lock (pid, command, since when), for the error when waiting for it times out.
/// A file of its own: on Windows the locked file cannot be read by others.
const HOLDER_FILE: &str = ".lock-holder";
/// A change takes milliseconds; a holder for longer than this is stuck or a person's prompt.
const LOCK_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error(
        "no data folder could be determined for this user; set {DATA_DIR_ENV} or pass --data-dir"
    )]
    NoHome,
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON for this app ({source}); nothing was changed")]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the data folder {path} is being changed by another Maskinporten Assistant ({holder}) and was not free after {seconds} s; nothing was changed"
    )]
    Busy {
        path: PathBuf,
        holder: String,
        seconds: u64,
    },
}

impl From<DataDirError> for AppError {
    fn from(error: DataDirError) -> Self {
        let hint = match &error {
            DataDirError::NoHome => "Pass --data-dir DIR or set the environment variable.",
            DataDirError::Corrupt { .. } => {
                "Fix the file by hand or move it aside (the app then starts with an empty list; keys stay in the OS keychain under jwk:<kid> and can be imported again)."
            }
            DataDirError::Read { .. } | DataDirError::Write { .. } => {
                "Check that the folder exists and that you may write to it."
            }
            DataDirError::Busy { .. } => {
                "Wait for the other window or command to finish (or close it), then try again."
            }
        };
        AppError::new(ErrorKind::Storage, error.to_string()).with_hint(hint)
    }
}

/// Options that create a file only its owner may read or write: mode 0600 on Unix (national
/// identity numbers and instance ids are nobody else's business). On Windows the files live in
/// the person's own profile, whose permissions already keep others out.
pub fn owner_only(options: &mut fs::OpenOptions) -> &mut fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// `pid 4242 (maskinporten-assistant, a command), since 2026-12-06T09:05:03Z`: enough to find
/// it in a process list. Its arguments are left out: paths and names are nobody else's business.
fn holder() -> String {
    let mut args = std::env::args_os();
    let program = args
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let kind = if args.next().is_some() {
        "a command"
    } else {
        "the window"
    };
    let since = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    format!(
        "pid {} ({program}, {kind}), since {since}",
        std::process::id()
    )
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            lock_wait: LOCK_WAIT,
        }
    }

    /// With another wait for the lock (tests).
    pub fn with_lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// Runs a load→modify→save under the data folder's lock (an OS file lock on `.lock`, which
    /// the OS releases if the process dies). Waits at most `lock_wait` for another holder, then
    /// says who it is. Not re-entrant: `change` must not call `locked` again.
    pub fn locked<R, E: From<DataDirError>>(
        &self,
        change: impl FnOnce() -> Result<R, E>,
    ) -> Result<R, E> {
        let _held = self.lock()?;
        change()
    }

    fn lock(&self) -> Result<fs::File, DataDirError> {
        let path = self.file(LOCK_FILE);
        let write_err = |source| DataDirError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.root).map_err(write_err)?;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(write_err)?;
        let deadline = Instant::now() + self.lock_wait;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    // Best effort: only the message of someone who waits in vain depends on it.
                    let _ = fs::write(self.file(HOLDER_FILE), holder());
                    return Ok(file);
                }
                // A file system without locks (some network shares): as before locks existed.
                Err(fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                    return Ok(file);
                }
                Err(fs::TryLockError::Error(e)) => return Err(write_err(e)),
                Err(fs::TryLockError::WouldBlock) if Instant::now() >= deadline => {
                    let holder = fs::read_to_string(self.file(HOLDER_FILE))
                        .map(|h| h.trim().to_string())
                        .unwrap_or_else(|_| "unknown".into());
                    return Err(DataDirError::Busy {
                        path: self.root.clone(),
                        holder,
                        seconds: self.lock_wait.as_secs(),
                    });
                }
                Err(fs::TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// `explicit` (the `--data-dir` option) wins, then the environment variable, then the
    /// platform's data folder. Debug builds use their own folder, like their own keychain namespace.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self, DataDirError> {
        if let Some(dir) = explicit {
            return Ok(Self::new(dir));
        }
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::new(dir));
        }
        Ok(Self::new(Self::platform_default()?))
    }

    /// The platform's data folder for this build: `%APPDATA%\no.maskinporten-assistant` on
    /// Windows (the roaming profile, so it follows the person between the organisation's
    /// machines), `~/Library/Application Support/…` on macOS, `$XDG_DATA_HOME/…` (else
    /// `~/.local/share/…`) on Linux. Computing it touches nothing.
    pub fn platform_default() -> Result<PathBuf, DataDirError> {
        let base = dirs::data_dir().ok_or(DataDirError::NoHome)?;
        Ok(base.join(crate::secret_store::keychain_service()))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Reads a JSON document; an absent file gives `None`.
    pub fn read_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, DataDirError> {
        let path = self.file(name);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(DataDirError::Read { path, source }),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| DataDirError::Corrupt { path, source })
    }

    /// Writes a JSON document atomically: a crash leaves the old file or the new one, never half.
    pub fn write_json<T: Serialize>(&self, name: &str, value: &T) -> Result<(), DataDirError> {
        let mut body = serde_json::to_vec_pretty(value).map_err(|e| DataDirError::Write {
            path: self.file(name),
            source: e.into(),
        })?;
        body.push(b'\n');
        self.write_bytes(name, &body)
    }

    /// Writes a text file atomically (temp file + rename).
    pub fn write_text(&self, name: &str, text: &str) -> Result<(), DataDirError> {
        self.write_bytes(name, text.as_bytes())
    }

    fn write_bytes(&self, name: &str, body: &[u8]) -> Result<(), DataDirError> {
        let path = self.file(name);
        let write_err = |source| DataDirError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.root).map_err(write_err)?;
        // A unique temp name: the window and the CLI may write at the same time.
        let tmp = self.file(&format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let mut file = fs::File::create(&tmp).map_err(write_err)?;
        file.write_all(body).map_err(write_err)?;
        file.sync_all().map_err(write_err)?;
        fs::rename(&tmp, &path).map_err(write_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_file_reads_as_none_and_a_written_one_reads_back() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path().join("nested"));
        assert_eq!(dir.read_json::<Vec<u32>>("a.json").expect("read"), None);
        dir.write_json("a.json", &vec![1, 2, 3])
            .expect("write creates the folder");
        assert_eq!(
            dir.read_json::<Vec<u32>>("a.json").expect("read"),
            Some(vec![1, 2, 3])
        );
    }

    #[test]
    fn a_corrupt_file_is_reported_with_its_path_and_left_untouched() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path());
        fs::write(dir.file("p.json"), "{ // a comment\n}").expect("seed");
        let error = dir
            .read_json::<Vec<u32>>("p.json")
            .expect_err("must not parse");
        let app: AppError = error.into();
        assert_eq!(app.kind, ErrorKind::Storage);
        assert!(app.message.contains("p.json"), "{}", app.message);
        assert_eq!(
            fs::read_to_string(dir.file("p.json")).expect("still there"),
            "{ // a comment\n}"
        );
    }

    #[test]
    fn the_default_data_folder_is_the_platforms_own() {
        let dir = DataDir::platform_default().expect("a home folder");
        let text = dir.to_string_lossy().replace('\\', "/");
        let expected = if cfg!(windows) {
            "/AppData/Roaming/"
        } else if cfg!(target_os = "macos") {
            "/Library/Application Support/"
        } else if std::env::var_os("XDG_DATA_HOME").is_some_and(|v| !v.is_empty()) {
            "/"
        } else {
            "/.local/share/"
        };
        assert!(text.contains(expected), "{text}");
        assert!(
            text.ends_with(&format!("/{}", crate::secret_store::keychain_service())),
            "{text}"
        );
        assert!(dir.is_absolute(), "{text}");
    }

    #[test]
    fn a_change_waits_for_the_one_before_it_and_a_holder_that_stays_is_named() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path());
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = {
            let dir = dir.clone();
            std::thread::spawn(move || {
                dir.locked(|| -> Result<(), DataDirError> {
                    held_tx.send(()).expect("send");
                    release_rx.recv().expect("release");
                    dir.write_json("n.json", &1)
                })
            })
        };
        held_rx.recv().expect("held");
        // A holder that does not let go: the second change gives up, says who, and changes nothing.
        let busy = dir
            .clone()
            .with_lock_wait(Duration::from_millis(100))
            .locked(|| dir.write_json("n.json", &2))
            .expect_err("busy");
        let message = AppError::from(busy).message;
        assert!(
            message.contains(&format!("pid {}", std::process::id()))
                && message.contains("nothing was changed"),
            "{message}"
        );
        // One that lets go: the waiting change runs after it, on what it saved.
        let waiter = {
            let dir = dir.clone();
            std::thread::spawn(move || {
                dir.locked(|| -> Result<(), DataDirError> {
                    let n: u32 = dir.read_json("n.json")?.unwrap_or_default();
                    dir.write_json("n.json", &(n + 10))
                })
            })
        };
        release_tx.send(()).expect("release");
        holder.join().expect("holder").expect("first change");
        waiter.join().expect("waiter").expect("second change");
        assert_eq!(dir.read_json::<u32>("n.json").expect("read"), Some(11));
    }
}
