//! Copying a token: it goes from Rust straight to the clipboard (never through the UI), and the
//! clipboard is cleared after 30 s unless the person has copied something else meanwhile.

use std::time::Duration;

use assistant_domain::{AppError, ErrorKind};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;

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

pub fn copy_token<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    which: TokenKind,
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
        (TokenKind::Maskinporten, Some(t)) => t.access_token.expose_secret().to_string(),
        (TokenKind::Altinn, Some(t)) => match t.altinn {
            Some((altinn, _)) => altinn.expose_secret().to_string(),
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
    app.clipboard()
        .write_text(secret.clone())
        .map_err(|e| AppError::new(ErrorKind::Internal, format!("The clipboard refused: {e}")))?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLEAR_AFTER).await;
        // Only clear what we put there: the person may have copied something else since.
        if app
            .clipboard()
            .read_text()
            .is_ok_and(|current| current == secret)
        {
            let _ = app.clipboard().clear();
        }
    });
    Ok(CopyTokenOutcome {
        clears_in_seconds: CLEAR_AFTER.as_secs(),
    })
}
