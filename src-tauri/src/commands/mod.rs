//! Tauri commands, grouped by area. Each is a thin adapter: take the state, call the domain on a
//! blocking thread (keychain and key generation block), return its result or its `AppError`.

pub mod app;
pub mod appconfig;
pub mod chain;
pub mod checklist;
pub mod dialogs;
pub mod instances;
pub mod keys;
pub mod keyvault;
pub mod profiles;
pub mod sandbox;
pub mod systemuser;

/// Blocking domain work (keychain, key generation) runs off the async runtime: keyring must
/// not run on it (shared/reference/toolchain.md §5).
pub(crate) use assistant_app::blocking::blocking;
