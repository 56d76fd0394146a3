//! Key Vault in the window: sign in (device code, or the Azure CLI's sign-in), probe, write with
//! confirmation, read back. The Azure token stays in `AppState`; the window sees only summaries.

use assistant_domain::AppError;
use assistant_domain::keyvault::probe::ProbeReport;
use assistant_domain::keyvault::session::SignInSummary;
use assistant_domain::keyvault::verify::VerifyReport;
use assistant_domain::keyvault::write::WriteReport;
use assistant_domain::keyvault::{StartVaultLoginRequest, VaultRequest, WriteVaultRequest};
use tauri::State;

use assistant_app::AppState;
use assistant_app::keyvault::{self, VaultLoginStart};

#[tauri::command]
pub async fn start_vault_login(
    state: State<'_, AppState>,
    request: StartVaultLoginRequest,
) -> Result<VaultLoginStart, AppError> {
    keyvault::start_login_for(&state, request).await
}

/// Resolves when the person has approved (or declined, or the code expired, or it was cancelled).
#[tauri::command]
pub async fn poll_vault_login(state: State<'_, AppState>) -> Result<SignInSummary, AppError> {
    keyvault::poll_login(&state).await
}

#[tauri::command]
pub fn cancel_vault_login(state: State<'_, AppState>) {
    keyvault::cancel_login(&state);
}

#[tauri::command]
pub async fn probe_vault(
    state: State<'_, AppState>,
    request: VaultRequest,
) -> Result<ProbeReport, AppError> {
    keyvault::probe(&state, request).await
}

/// Nothing that exists is changed unless `request.confirmed`: the report then says what is there.
#[tauri::command]
pub async fn write_vault_secrets(
    state: State<'_, AppState>,
    request: WriteVaultRequest,
) -> Result<WriteReport, AppError> {
    keyvault::write(&state, request).await
}

#[tauri::command]
pub async fn verify_vault_secrets(
    state: State<'_, AppState>,
    request: VaultRequest,
) -> Result<VerifyReport, AppError> {
    keyvault::verify(&state, request).await
}
