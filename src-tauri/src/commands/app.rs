//! About this installation.

use assistant_domain::AppError;
use assistant_domain::about::{self, AppInfo};
use tauri::State;

use assistant_app::AppState;

#[tauri::command]
pub fn get_app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(about::app_info(&state.dir, env!("CARGO_PKG_VERSION")))
}
