//! The token test: run the chain for a profile, and copy a token without it passing the UI.

use assistant_domain::AppError;
use assistant_domain::chain::{ChainReport, TokenTestRequest};
use tauri::{AppHandle, State};

use assistant_app::AppState;
use assistant_app::clipboard::{CopyTokenOutcome, CopyTokenRequest};

use crate::clipboard::{SystemClipboard, clear_later};

#[tauri::command]
pub async fn run_token_test(
    state: State<'_, AppState>,
    request: TokenTestRequest,
) -> Result<ChainReport, AppError> {
    assistant_app::flows::token_test(&state, &request.profile, request.options)
        .await
        .map(|run| run.report)
}

#[tauri::command]
pub fn copy_token(
    app: AppHandle,
    state: State<'_, AppState>,
    request: CopyTokenRequest,
) -> Result<CopyTokenOutcome, AppError> {
    assistant_app::clipboard::copy_token(&SystemClipboard(&app), &state, request.which, |secret| {
        clear_later(&app, secret)
    })
}
