//! The sandbox in the window: where it runs, the rehearsed portal step, what went over the wire.

use assistant_domain::AppError;
use tauri::State;

use assistant_app::AppState;
use assistant_app::sandbox::{
    RegisterRequest, RegistrationOutcome, SandboxInfo, SandboxInfoRequest, WireLine,
};

#[tauri::command]
pub async fn get_sandbox_info(
    state: State<'_, AppState>,
    request: SandboxInfoRequest,
) -> Result<Option<SandboxInfo>, AppError> {
    assistant_app::sandbox::info(&state, request).await
}

#[tauri::command]
pub async fn register_sandbox_key(
    state: State<'_, AppState>,
    request: RegisterRequest,
) -> Result<RegistrationOutcome, AppError> {
    let outcome = assistant_app::sandbox::register_for_window(&state, request).await?;
    assistant_app::checklist::client_registered(&state, &outcome.profile, &outcome.client_id);
    Ok(outcome)
}

#[tauri::command]
pub async fn get_wire_log(state: State<'_, AppState>) -> Result<Vec<WireLine>, AppError> {
    Ok(state.sandbox.wire_log().await)
}
