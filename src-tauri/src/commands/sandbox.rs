//! The sandbox in the window: where it runs, the rehearsed portal step, what went over the wire.

use assistant_domain::AppError;
use tauri::State;

use assistant_app::AppState;
use assistant_app::rehearsal::Rehearsal;
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
    assistant_app::rehearsal::register_and_record(&state, request).await
}

/// "Rehearse on the sandbox": a sandbox profile with its key, registered, in one click.
#[tauri::command]
pub async fn start_rehearsal(state: State<'_, AppState>) -> Result<Rehearsal, AppError> {
    assistant_app::rehearsal::start(&state).await
}

#[tauri::command]
pub async fn get_wire_log(state: State<'_, AppState>) -> Result<Vec<WireLine>, AppError> {
    Ok(state.sandbox.wire_log().await)
}
