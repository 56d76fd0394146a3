//! Tauri commands, grouped by area. Each is a thin adapter: take the state, call the domain on a
//! blocking thread (keychain and key generation block), return its result or its `AppError`.

pub mod app;
pub mod appconfig;
pub mod chain;
pub mod instances;
pub mod keys;
pub mod keyvault;
pub mod profiles;
pub mod sandbox;

use assistant_domain::{AppError, ErrorKind};

/// Runs blocking domain work off the async runtime (keyring must not run on it, see
/// shared/reference/toolchain.md §5).
pub(crate) async fn blocking<T, F>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            AppError::new(
                ErrorKind::Internal,
                format!("a background task failed: {e}"),
            )
        })?
}
