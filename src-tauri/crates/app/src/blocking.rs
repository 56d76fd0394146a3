//! Blocking work (keychain, key generation, file locks) off the async runtime: keyring must not
//! run on it (shared/reference/toolchain.md §5).

use assistant_domain::{AppError, ErrorKind};

pub async fn blocking<T, F>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        AppError::new(
            ErrorKind::Internal,
            format!("a background task failed: {e}"),
        )
    })?
}
