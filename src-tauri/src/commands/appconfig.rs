//! The app configuration check: read an app's repository, say which Maskinporten path it is on
//! and what is wrong, with file, line and fix.

use assistant_domain::AppError;
use assistant_domain::appconfig::{AppConfigReport, CheckAppConfigRequest};
use tauri::State;

use super::blocking;
use assistant_app::AppState;

#[tauri::command]
pub async fn check_app_config(
    state: State<'_, AppState>,
    request: CheckAppConfigRequest,
) -> Result<AppConfigReport, AppError> {
    let state = state.inner().clone();
    blocking(move || assistant_app::checklist::check_app_config(&state, &request)).await
}
