//! Files the window may touch: only those the person picked in a native dialog.
//!
//! The webview is the least trusted part of the app (Tauri's security model: treat the frontend
//! as untrusted, check everything in Rust). So the page never opens dialogs itself (no
//! `dialog:*` permission); it asks Rust to, Rust remembers what the person answered, and every
//! command that reads or writes a file the page names checks that name against this list. A
//! page that was made to misbehave can then neither read `~/.ssh/id_rsa` as a "key to import"
//! nor write a "public key" over `~/.bashrc`.
//!
//! Not covered, on purpose: app A's repository folder for the configuration check, which people
//! type or paste (it is only read, for a fixed set of configuration files, never written).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use assistant_domain::{AppError, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Picked in an "Open" dialog: may be read.
    Read,
    /// Picked in a "Save as" dialog, which has asked about replacing a file there: may be written.
    Write,
}

/// What the person picked in this window's dialogs, for as long as the window is open.
#[derive(Debug, Default)]
pub struct PathGrants {
    picked: Mutex<HashSet<(PathBuf, Access)>>,
}

impl PathGrants {
    /// Called only with a dialog's answer.
    pub fn grant(&self, path: PathBuf, access: Access) {
        self.lock().insert((path, access));
    }

    /// The path, when the person picked it in a dialog for this kind of use; else an error
    /// that says to use the button. A path written differently (`a/../b`) is not the same pick.
    pub fn check(&self, path: &str, access: Access) -> Result<PathBuf, AppError> {
        let wanted = (Path::new(path).to_path_buf(), access);
        match self.lock().contains(&wanted) {
            true => Ok(wanted.0),
            false => Err(AppError::new(
                ErrorKind::InvalidInput,
                format!("{path} was not chosen in this window's file dialog."),
            )
            .with_hint("Choose the file with the button next to the field; the window only opens or saves files picked there.")),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<(PathBuf, Access)>> {
        self.picked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_picked_path_passes_and_only_for_the_use_it_was_picked_for() {
        let grants = PathGrants::default();
        let err = grants
            .check("/home/kari/.ssh/id_rsa", Access::Read)
            .expect_err("never picked");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(
            err.hint.as_deref().unwrap_or("").contains("button"),
            "{err:?}"
        );

        grants.grant("/home/kari/keys/ttd.pem".into(), Access::Read);
        assert_eq!(
            grants.check("/home/kari/keys/ttd.pem", Access::Read).ok(),
            Some(PathBuf::from("/home/kari/keys/ttd.pem"))
        );
        // Opened for reading is not leave to write there.
        assert!(
            grants
                .check("/home/kari/keys/ttd.pem", Access::Write)
                .is_err()
        );
        // Another spelling of a path next to it is another path.
        assert!(
            grants
                .check("/home/kari/keys/../.bashrc", Access::Read)
                .is_err()
        );

        grants.grant("/home/kari/report.html".into(), Access::Write);
        assert!(
            grants
                .check("/home/kari/report.html", Access::Write)
                .is_ok()
        );
        assert!(
            grants
                .check("/home/kari/report.html", Access::Read)
                .is_err()
        );
    }
}
