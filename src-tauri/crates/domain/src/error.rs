//! The one boundary error, `{ kind, message, hint }`, that the GUI, the CLI's `--json` output and
//! the tests see. Domain modules keep their own typed errors; each maps itself into this here, so
//! the mapping is written once for every caller. `kind` is a closed set the UI branches on.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    /// The person's input is wrong (a malformed key, a bad org number). Fixable in the form.
    InvalidInput,
    /// The named thing (profile, key) does not exist.
    NotFound,
    /// Something with that name exists already; nothing was overwritten.
    AlreadyExists,
    /// The action would delete or overwrite something; ask the person, then repeat with consent.
    ConfirmationRequired,
    /// The key is password-protected, and no password or a wrong one was given: ask for it.
    PasswordRequired,
    /// The OS keychain refused or is unavailable.
    Keychain,
    /// Reading or writing the app's data folder failed.
    Storage,
    /// A server could not be reached (DNS, TLS, timeout, proxy).
    Network,
    /// A server answered with an error.
    Server,
    /// A bug on our side.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct AppError {
    pub kind: ErrorKind,
    /// What failed, in words a non-developer can act on. Never contains a secret.
    pub message: String,
    /// What to do about it, when we know.
    pub hint: Option<String>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_is_kind_message_hint_in_snake_case() {
        let error = AppError::new(
            ErrorKind::ConfirmationRequired,
            "Deleting key k1 needs consent",
        )
        .with_hint("Repeat with --yes");
        let json = serde_json::to_value(&error).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "confirmation_required",
                "message": "Deleting key k1 needs consent",
                "hint": "Repeat with --yes"
            })
        );
    }

    #[test]
    fn a_missing_hint_is_null_not_absent_so_the_ui_type_is_exact() {
        let json = serde_json::to_value(AppError::new(ErrorKind::Internal, "x")).expect("json");
        assert_eq!(json["hint"], serde_json::Value::Null);
    }
}
