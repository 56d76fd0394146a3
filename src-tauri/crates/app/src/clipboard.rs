//! Copying a token: it goes from Rust straight to the clipboard (never through the UI), and the
//! clipboard is cleared after 30 s, and when the window closes, unless the person has copied
//! something else meanwhile. Every copy of the token held here is wiped when dropped.

use std::sync::Mutex;
use std::time::Duration;

use assistant_domain::{AppError, ErrorKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::AppState;

pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TokenKind {
    Maskinporten,
    Altinn,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CopyTokenRequest {
    pub which: TokenKind,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CopyTokenOutcome {
    pub clears_in_seconds: u64,
}

/// Puts the chosen token from the last successful test on the clipboard and remembers it for
/// clearing; `clear_later` is handed the secret to clear after [`CLEAR_AFTER`] (the window runs
/// that on its own runtime).
pub fn copy_token(
    clipboard: &impl Clipboard,
    state: &AppState,
    which: TokenKind,
    clear_later: impl FnOnce(Zeroizing<String>),
) -> Result<CopyTokenOutcome, AppError> {
    let tokens = state
        .last_tokens
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    // An expired token is worth nothing to the person and should not sit on the clipboard.
    let now = state.clock.now().unix_timestamp();
    let tokens = tokens.filter(|t| match which {
        TokenKind::Maskinporten => t.access_expires_at > now,
        TokenKind::Altinn => t.altinn.as_ref().is_some_and(|(_, exp)| *exp > now),
    });
    let secret = match (which, tokens) {
        (TokenKind::Maskinporten, Some(t)) => {
            Zeroizing::new(t.access_token.expose_secret().to_string())
        }
        (TokenKind::Altinn, Some(t)) => match t.altinn {
            Some((altinn, _)) => Zeroizing::new(altinn.expose_secret().to_string()),
            None => {
                return Err(AppError::new(
                    ErrorKind::NotFound,
                    "The last test did not exchange the token; run it with the exchange.",
                ));
            }
        },
        (_, None) => {
            return Err(AppError::new(
                ErrorKind::NotFound,
                "No valid token (none yet, or it has expired): run the token test first.",
            ));
        }
    };
    clipboard.write(&secret).map_err(|e| {
        AppError::new(ErrorKind::Internal, format!("The clipboard refused: {e}"))
            .with_hint("Close other programs that hold the clipboard, then copy again.")
    })?;
    state.copied.remember(secret.clone());
    clear_later(secret);
    Ok(CopyTokenOutcome {
        clears_in_seconds: CLEAR_AFTER.as_secs(),
    })
}

/// What copying needs from a clipboard: write, read what is there, clear it.
pub trait Clipboard {
    /// Writes `text`; the error says why the system refused.
    fn write(&self, text: &str) -> Result<(), String>;
    fn read(&self) -> Option<Zeroizing<String>>;
    fn clear(&self);
}

/// Clears the clipboard only when it still holds `secret`: the person may have copied
/// something else since, which is theirs.
pub fn clear_if_still(clipboard: &impl Clipboard, secret: &str) -> bool {
    let ours = clipboard.read().is_some_and(|now| now.as_str() == secret);
    if ours {
        clipboard.clear();
    }
    ours
}

/// The last token this window put on the clipboard, so closing the window can take it off
/// (on Windows and macOS the clipboard outlives the program that wrote it).
#[derive(Default)]
pub struct CopiedSecret(Mutex<Option<Zeroizing<String>>>);

impl std::fmt::Debug for CopiedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CopiedSecret([redacted])")
    }
}

impl CopiedSecret {
    pub fn remember(&self, secret: Zeroizing<String>) {
        *self.lock() = Some(secret);
    }

    /// On exit: clear the clipboard if it still holds the last token; forget it either way.
    pub fn clear_on_exit(&self, clipboard: &impl Clipboard) -> bool {
        match self.lock().take() {
            Some(secret) => clear_if_still(clipboard, &secret),
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Zeroizing<String>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    struct Fake(RefCell<Option<String>>);

    impl Clipboard for Fake {
        fn write(&self, text: &str) -> Result<(), String> {
            *self.0.borrow_mut() = Some(text.to_string());
            Ok(())
        }
        fn read(&self) -> Option<Zeroizing<String>> {
            self.0.borrow().clone().map(Zeroizing::new)
        }
        fn clear(&self) {
            *self.0.borrow_mut() = None;
        }
    }

    #[test]
    fn closing_the_window_clears_the_token_it_copied_but_never_what_the_person_copied_since() {
        let copied = CopiedSecret::default();
        let clipboard = Fake::default();
        assert!(
            !copied.clear_on_exit(&clipboard),
            "nothing copied, nothing cleared"
        );

        *clipboard.0.borrow_mut() = Some("eyJ.token".into());
        copied.remember(Zeroizing::new("eyJ.token".into()));
        assert!(copied.clear_on_exit(&clipboard));
        assert_eq!(*clipboard.0.borrow(), None);

        copied.remember(Zeroizing::new("eyJ.token".into()));
        *clipboard.0.borrow_mut() = Some("the person's own text".into());
        assert!(!copied.clear_on_exit(&clipboard));
        assert_eq!(
            clipboard.0.borrow().as_deref(),
            Some("the person's own text")
        );
        assert!(!format!("{copied:?}").contains("eyJ"));
    }
}
