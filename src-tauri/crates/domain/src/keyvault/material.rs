//! What goes into the vault for a profile: its client id and its key, the private part taken
//! from the keychain (checked against the key index by `inventory::encoded_jwk`) and never shown.
//! Blocking (keychain): call it off the async runtime.

use crate::datadir::DataDir;
use crate::error::{AppError, ErrorKind};
use crate::inventory;
use crate::keys::index::{self, KeyRecord};
use crate::profile::Profile;
use crate::secret::EncodedJwk;
use crate::secret_store::SecretStore;

/// The values of one write, and the key's public record for tags and checks.
#[derive(Debug)]
pub struct Material {
    pub client_id: String,
    pub key: KeyRecord,
    pub encoded_jwk: EncodedJwk,
}

/// The profile's key record (public metadata only; no keychain access).
pub fn key_record(dir: &DataDir, profile: &Profile) -> Result<KeyRecord, AppError> {
    let kid = profile.key_id.as_deref().ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Profile \"{}\" has no key.", profile.name),
        )
        .with_hint("Generate or import a key for the profile first (Keys step).")
    })?;
    index::load(dir)?
        .into_iter()
        .find(|r| r.kid == kid)
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::NotFound,
                format!("There is no key with kid \"{kid}\" on this machine."),
            )
        })
}

/// The client id the admin pasted back from Samarbeidsportalen (config-keyvault-selfservice.md §0.5).
pub fn client_id(profile: &Profile) -> Result<String, AppError> {
    profile.client_id.as_deref().map(str::to_string).ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Profile \"{}\" has no client id.", profile.name),
        )
        .with_hint("Paste the client id from Samarbeidsportalen into the profile (profile edit --client-id).")
    })
}

/// Client id, key record and the `EncodedJwk` from the keychain.
pub fn load(
    dir: &DataDir,
    store: &dyn SecretStore,
    profile: &Profile,
) -> Result<Material, AppError> {
    let client_id = client_id(profile)?;
    let key = key_record(dir, profile)?;
    let encoded_jwk = inventory::encoded_jwk(dir, store, &key.kid)?;
    Ok(Material {
        client_id,
        key,
        encoded_jwk,
    })
}
