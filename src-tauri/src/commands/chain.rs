//! The token test: run the chain for a profile, and copy a token without it passing the UI.

use assistant_domain::AppError;
use assistant_domain::chain::{ChainReport, TokenTestRequest};
use tauri::{AppHandle, State};

use crate::AppState;
use crate::clipboard::{self, CopyTokenOutcome, CopyTokenRequest};

#[tauri::command]
pub async fn run_token_test(
    state: State<'_, AppState>,
    request: TokenTestRequest,
) -> Result<ChainReport, AppError> {
    crate::flows::token_test(&state, &request.profile, request.options)
        .await
        .map(|(report, _)| report)
}

#[tauri::command]
pub fn copy_token(
    app: AppHandle,
    state: State<'_, AppState>,
    request: CopyTokenRequest,
) -> Result<CopyTokenOutcome, AppError> {
    clipboard::copy_token(&app, &state, request.which)
}
