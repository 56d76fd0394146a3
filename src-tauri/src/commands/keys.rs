//! Keys: list, generate (with progress over a channel), export and save the public part, import,
//! delete.

use assistant_domain::AppError;
use assistant_domain::inventory::{
    self, DeleteKeyOutcome, DeleteKeyRequest, ExportPublicKeyRequest, GenerateKeyRequest,
    ImportKeyRequest, ImportKeySource, KeyView, KeygenProgress, PublicKeyExport,
    SavePublicKeyRequest,
};
use assistant_domain::selfservice::ClientKey;
use tauri::State;
use tauri::ipc::Channel;

use super::blocking;
use assistant_app::AppState;
use assistant_app::grants::{Access, PathGrants};
use assistant_app::rotation::{KeyCheck, RotateRequest, RotationView};

#[tauri::command]
pub async fn list_keys(state: State<'_, AppState>) -> Result<Vec<KeyView>, AppError> {
    let state = state.inner().clone();
    let now = state.clock.now();
    blocking(move || inventory::list_keys(&state.dir).map(|keys| KeyView::all(keys, now))).await
}

#[tauri::command]
pub async fn generate_key(
    state: State<'_, AppState>,
    request: GenerateKeyRequest,
    on_progress: Channel<KeygenProgress>,
) -> Result<KeyView, AppError> {
    let s = state.inner().clone();
    // A closed channel (the window went away) must not stop the key from being stored.
    let mut report = move |p| drop(on_progress.send(p));
    blocking(move || {
        inventory::generate_key(&s.dir, &*s.store, &*s.clock, &request, &mut report)
            .map(|key| KeyView::new(key, s.clock.now()))
    })
    .await
}

#[tauri::command]
pub async fn export_public_key(
    state: State<'_, AppState>,
    request: ExportPublicKeyRequest,
) -> Result<PublicKeyExport, AppError> {
    let state = state.inner().clone();
    blocking(move || inventory::export_public_key(&state.dir, &request)).await
}

/// The path comes from the save dialog, which has already asked about replacing a file.
#[tauri::command]
pub async fn save_public_key(
    state: State<'_, AppState>,
    grants: State<'_, PathGrants>,
    request: SavePublicKeyRequest,
) -> Result<String, AppError> {
    grants.check(&request.path, Access::Write)?;
    let state = state.inner().clone();
    blocking(move || {
        inventory::save_public_key(&state.dir, &request, true).map(|p| p.display().to_string())
    })
    .await
}

#[tauri::command]
pub async fn import_key(
    state: State<'_, AppState>,
    grants: State<'_, PathGrants>,
    request: ImportKeyRequest,
) -> Result<KeyView, AppError> {
    if let ImportKeySource::File { path } = &request.source {
        grants.check(path, Access::Read)?;
    }
    let s = state.inner().clone();
    blocking(move || {
        inventory::import_key(&s.dir, &*s.store, &*s.clock, &request)
            .map(|key| KeyView::new(key, s.clock.now()))
    })
    .await
}

#[tauri::command]
pub async fn delete_key(
    state: State<'_, AppState>,
    request: DeleteKeyRequest,
) -> Result<DeleteKeyOutcome, AppError> {
    let state = state.inner().clone();
    blocking(move || inventory::delete_key(&state.dir, &*state.store, &request)).await
}

/// The profile's rotation under way, if any.
#[tauri::command]
pub async fn get_rotation(
    state: State<'_, AppState>,
    profile: String,
) -> Result<Option<RotationView>, AppError> {
    assistant_app::rotation::status(state.inner(), &profile).await
}

/// Starts or continues the profile's key rotation as far as it can go now.
#[tauri::command]
pub async fn rotate_key(
    state: State<'_, AppState>,
    request: RotateRequest,
) -> Result<RotationView, AppError> {
    assistant_app::rotation::advance(state.inner(), &request).await
}

/// The key probes: the client's keys, the key in Key Vault (when signed in), the rotation.
#[tauri::command]
pub async fn check_keys(
    state: State<'_, AppState>,
    profile: String,
    via: Option<String>,
) -> Result<KeyCheck, AppError> {
    assistant_app::rotation::check(state.inner(), &profile, via.as_deref()).await
}

/// The profile's key onto its client through the self-service API (`via`: the admin client's
/// profile; none on the sandbox). Returns the client's keys read back.
#[tauri::command]
pub async fn upload_key(
    state: State<'_, AppState>,
    profile: String,
    via: Option<String>,
) -> Result<Vec<ClientKey>, AppError> {
    assistant_app::rotation::upload(state.inner(), &profile, via.as_deref()).await
}
