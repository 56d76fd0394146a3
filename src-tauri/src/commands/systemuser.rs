//! The system-user path in the window: the vendor's system in the system register, the
//! customer's request and its status, and app B's readiness for system users.

use assistant_app::AppState;
use assistant_app::systemuser::{self, ClientScopes, RequestView, SystemPlan};
use assistant_domain::AppError;
use assistant_domain::appconfig::appb_system::AppBSystemUserReport;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::blocking;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SystemRegisterRequest {
    pub profile: String,
    /// Create or update the system as shown; without it, only read and compare.
    pub confirmed: bool,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewSystemUserRequestRequest {
    pub profile: String,
    /// The customer's organisation number.
    pub customer: String,
    pub external_ref: Option<String>,
}

/// The vendor client's scopes for this path; `add` adds the missing ones on the sandbox.
#[tauri::command]
pub async fn system_user_scopes(
    state: State<'_, AppState>,
    profile: String,
    add: bool,
) -> Result<ClientScopes, AppError> {
    systemuser::client_scopes(&state, &profile, add).await
}

#[tauri::command]
pub async fn register_system(
    state: State<'_, AppState>,
    request: SystemRegisterRequest,
) -> Result<SystemPlan, AppError> {
    systemuser::register_recorded(&state, &request.profile, None, request.confirmed).await
}

#[tauri::command]
pub async fn request_system_user(
    state: State<'_, AppState>,
    request: NewSystemUserRequestRequest,
) -> Result<RequestView, AppError> {
    systemuser::request_recorded(
        &state,
        &request.profile,
        None,
        &request.customer,
        request.external_ref.as_deref(),
    )
    .await
}

#[tauri::command]
pub async fn get_system_user_request(
    state: State<'_, AppState>,
    profile: String,
    id: String,
) -> Result<RequestView, AppError> {
    systemuser::status_recorded(&state, &profile, &id).await
}

#[tauri::command]
pub async fn list_system_user_requests(
    state: State<'_, AppState>,
    profile: String,
) -> Result<Vec<RequestView>, AppError> {
    systemuser::list(&state, &profile, None).await
}

/// Reads configuration files only, like the app configuration check; with a profile, the
/// result goes to that profile's checklist.
#[tauri::command]
pub async fn check_app_b_for_system_users(
    state: State<'_, AppState>,
    path: String,
    profile: Option<String>,
) -> Result<AppBSystemUserReport, AppError> {
    let state = state.inner().clone();
    blocking(move || systemuser::check_app_b_recorded(&state, profile.as_deref(), &path)).await
}
