//! The app's data folder: where profiles and the key index (public metadata only) live as plain
//! JSON. Writes are atomic (temp file + rename) and a file that does not parse is never
//! overwritten: the person is told where it is and what is wrong.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorKind};

/// Overrides the data folder, for tests and for people who keep several set-ups apart.
pub const DATA_DIR_ENV: &str = "MASKINPORTEN_ASSISTANT_DATA_DIR";

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

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
        };
        AppError::new(ErrorKind::Storage, error.to_string()).with_hint(hint)
    }
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
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
}
