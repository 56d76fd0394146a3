//! Profiles: list, save (create or edit), delete.

use assistant_domain::AppError;
use assistant_domain::inventory::{self, DeleteProfileRequest, SaveProfileRequest};
use assistant_domain::profile::Profile;
use tauri::State;

use super::blocking;
use assistant_app::AppState;

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<Vec<Profile>, AppError> {
    let state = state.inner().clone();
    blocking(move || inventory::list_profiles(&state.dir)).await
}

#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    request: SaveProfileRequest,
) -> Result<Profile, AppError> {
    let state = state.inner().clone();
    blocking(move || inventory::save_profile(&state.dir, &request)).await
}

#[tauri::command]
pub async fn delete_profile(
    state: State<'_, AppState>,
    request: DeleteProfileRequest,
) -> Result<(), AppError> {
    let state = state.inner().clone();
    blocking(move || inventory::delete_profile(&state.dir, &request)).await
}
