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
/// A change takes milliseconds, but storing a key holds the lock across two keychain calls
/// (the kid is checked and stored as one step), which Secret Service can take a second over on a
/// busy machine: twenty key commands started together then queue for up to ~10 s (seen in CI).
/// A holder for longer than this is stuck or waiting on a person's prompt.
const LOCK_WAIT: Duration = Duration::from_secs(30);

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
    #[error("{path} exists already; it was not overwritten")]
    Exists { path: PathBuf },
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
            DataDirError::Exists { .. } => {
                return AppError::new(ErrorKind::ConfirmationRequired, format!("{error}."))
                    .with_hint("Choose another file, or confirm replacing it (--force).");
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
        self.ensure_root()?;
        let file = owner_only(
            fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true),
        )
        .open(&path)
        .map_err(write_err)?;
        let deadline = Instant::now() + self.lock_wait;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    // Best effort: only the message of someone who waits in vain depends on it.
                    let _ = save(
                        &self.file(HOLDER_FILE),
                        holder().as_bytes(),
                        Existing::Replace,
                    );
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
        self.ensure_root()?;
        save(&self.file(name), body, Existing::Replace)
    }

    /// Creates the folder, for its owner only (0700 on Unix).
    pub fn ensure_root(&self) -> Result<(), DataDirError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&self.root)
            .map_err(|source| DataDirError::Write {
                path: self.root.clone(),
                source,
            })
    }

    /// Closes up a folder made before the tool set modes: the folder 0700, its own files and
    /// saved reports 0600. Only a folder that is this tool's (it holds `profiles.json`, `keys.json`
    /// or `.lock`) and only the files it knows by name are touched: a `--data-dir` given by
    /// mistake (a home folder) is left as it is. Best effort.
    pub fn tighten(&self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            const OURS: [&str; 8] = [
                "profiles.json",
                "keys.json",
                "history.jsonl",
                "sandbox.json",
                "sandbox-running.json",
                "known-vaults.json",
                LOCK_FILE,
                HOLDER_FILE,
            ];
            let private = |path: &Path, mode: u32| {
                // Never through a symlink: only what is really there.
                if fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink()) {
                    let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
                }
            };
            if !OURS[..2]
                .iter()
                .chain([&LOCK_FILE])
                .any(|name| self.file(name).is_file())
            {
                return;
            }
            private(&self.root, 0o700);
            for name in OURS {
                private(&self.file(name), 0o600);
            }
            let reports = self.file("reports");
            private(&reports, 0o700);
            for entry in fs::read_dir(&reports).into_iter().flatten().flatten() {
                if entry.file_name().to_string_lossy().ends_with(".html") {
                    private(&entry.path(), 0o600);
                }
            }
        }
    }
}

/// What a save does about a file already at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Leave it, and fail with [`DataDirError::Exists`].
    Keep,
    /// Put the new file in its place (the person confirmed).
    Replace,
}

/// Saves `body` at `path` whole or not at all (a temp file beside it, synced, then moved into
/// place), readable by the owner only (0600 on Unix). A symlink at `path` is never written
/// through: `Replace` puts the new file where the link was (rename), `Keep` fails if anything
/// is there (a hard link, which never replaces). The folder must exist.
pub fn save(path: &Path, body: &[u8], existing: Existing) -> Result<(), DataDirError> {
    let write_err = |source| DataDirError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| write_err(std::io::ErrorKind::InvalidInput.into()))?;
    // A unique temp name: the window and the CLI may write at the same time.
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let written = owner_only(fs::OpenOptions::new().write(true).create_new(true))
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(body)?;
            file.sync_all()
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(write_err(e));
    }
    let placed = match existing {
        Existing::Replace => fs::rename(&tmp, path),
        Existing::Keep => match fs::hard_link(&tmp, path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&tmp);
                return Err(DataDirError::Exists {
                    path: path.to_path_buf(),
                });
            }
            // A file system without hard links (FAT on a USB stick): create-new on the path
            // itself, which also refuses anything already there, a symlink included.
            Err(_) => owner_only(fs::OpenOptions::new().write(true).create_new(true))
                .open(path)
                .and_then(|mut file| {
                    let filled = file.write_all(body).and_then(|()| file.sync_all());
                    if filled.is_err() {
                        // Ours, and half written: gone rather than left looking whole.
                        let _ = fs::remove_file(path);
                    }
                    filled
                }),
            Ok(()) => Ok(()),
        },
    };
    if existing == Existing::Keep {
        let _ = fs::remove_file(&tmp);
    }
    match placed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = fs::remove_file(&tmp);
            Err(DataDirError::Exists {
                path: path.to_path_buf(),
            })
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(write_err(e))
        }
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::symlink_metadata(path)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_save_never_writes_through_a_symlink_nor_over_a_file_unless_told_and_is_the_owners_only() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let elsewhere = tmp.path().join("elsewhere.txt");
        fs::write(&elsewhere, "precious").expect("seed");
        let link = tmp.path().join("report.html");
        std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
        let dangling = tmp.path().join("receipt.pdf");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).expect("symlink");
        for path in [&link, &dangling, &elsewhere] {
            let refused = save(path, b"new", Existing::Keep).expect_err("something is there");
            assert!(matches!(refused, DataDirError::Exists { .. }), "{refused}");
        }
        assert!(
            !tmp.path().join("nowhere").exists(),
            "not created through the dangling link"
        );
        assert_eq!(fs::read_to_string(&elsewhere).expect("read"), "precious");
        // Replacing puts a file where the link was; what it pointed at is untouched.
        save(&link, b"new", Existing::Replace).expect("replace");
        assert!(
            !fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&link).expect("read"), "new");
        assert_eq!(fs::read_to_string(&elsewhere).expect("read"), "precious");
        let fresh = tmp.path().join("public.jwk");
        save(&fresh, b"{}", Existing::Keep).expect("new file");
        assert_eq!((mode(&link), mode(&fresh)), (0o600, 0o600));
        let left: Vec<_> = fs::read_dir(tmp.path())
            .expect("list")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "no temp file left behind: {left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn an_old_open_data_folder_is_closed_up_and_a_folder_that_is_not_ours_is_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        let ours = DataDir::new(tmp.path().join("ours"));
        fs::create_dir_all(ours.file("reports")).expect("dirs");
        for name in [
            "profiles.json",
            "history.jsonl",
            "reports/report-a.html",
            "notes.txt",
        ] {
            fs::write(ours.file(name), "x").expect("seed");
            fs::set_permissions(ours.file(name), fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        fs::set_permissions(ours.root(), fs::Permissions::from_mode(0o755)).expect("chmod");
        ours.tighten();
        assert_eq!(mode(ours.root()), 0o700);
        assert_eq!(mode(&ours.file("profiles.json")), 0o600);
        assert_eq!(mode(&ours.file("history.jsonl")), 0o600);
        assert_eq!(mode(&ours.file("reports/report-a.html")), 0o600);
        assert_eq!(
            mode(&ours.file("notes.txt")),
            0o644,
            "not a file the tool knows"
        );
        let home = DataDir::new(tmp.path().join("home"));
        fs::create_dir_all(home.root()).expect("dir");
        fs::write(home.file("history.jsonl"), "x").expect("seed");
        fs::set_permissions(home.root(), fs::Permissions::from_mode(0o755)).expect("chmod");
        home.tighten();
        assert_eq!(
            mode(home.root()),
            0o755,
            "no profiles.json, keys.json or .lock: not ours"
        );
    }
}
