//! Azure Key Vault, client side (config-keyvault-selfservice.md §0, §2.4–§2.6, §3): the sign-in
//! (the vault's challenge, the device-code flow, Azure CLI reuse), the secret names, the access
//! probe, the write with its confirmations, the read-back check and what to do afterwards.
//!
//! Every protocol step is a pure request builder plus a pure parser; the orchestrating functions
//! take the transport, the clock and a [`Pause`]. Keys and profiles stay `crate::inventory`'s;
//! where the signed-in session lives (memory only) is the app's business.

pub mod after;
pub mod answer;
pub mod api;
pub mod azcli;
pub mod challenge;
pub mod devicecode;
pub mod explain;
pub mod keyvalue;
pub mod known;
pub mod material;
pub mod names;
mod operation;
pub mod probe;
pub mod session;
pub mod verify;
pub mod versions;
pub mod write;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::http::BoxFuture;

/// The secrets API version. 2025-07-01 is the newest stable version and the one the official
/// Rust SDK 1.0.0 pins (§3.1), so these request shapes are the ones Microsoft tests from Rust;
/// every operation used here (list, get, versions, set, deleted get, recover, purge) is
/// unchanged since 7.x, so nothing depends on a newer feature.
pub const API_VERSION: &str = "2025-07-01";
/// The token audience of Key Vault (§3.3).
pub const VAULT_RESOURCE: &str = "https://vault.azure.net";
/// The v2 scope for a Key Vault token (§3.3).
pub const VAULT_SCOPE: &str = "https://vault.azure.net/.default";
/// The Azure CLI's public client id, which Azure SDKs use as their default developer client
/// (§3.5 option a). Using it needs no app registration or admin consent in Altinn's tenant;
/// `--client-id` replaces it when an organisation registers its own public client (option b).
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Entra ID's public login host: the only authority trusted for test and prod vaults.
pub const MICROSOFT_LOGIN: &str = "https://login.microsoftonline.com";

/// Whether a wait ran out or the person cancelled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    Go,
    Cancelled,
}

/// Waits between polls (device code) and retries (recover, purge). Passed in, so the app can
/// cancel a wait and tests can move the sandbox's clock instead of sleeping.
pub trait Pause: Send + Sync {
    fn pause(&self, duration: Duration) -> BoxFuture<'_, Resume>;
}

/// Which value the app reads its key from (§1.2, §2.1, §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyField {
    /// Altinn.ApiClients.Maskinporten's `EncodedJwk`: the recommended own-identity set-up (§2.7.2).
    #[default]
    EncodedJwk,
    /// The built-in client's `JwkBase64`: legacy v8 manual set-up only (§2.7.3).
    JwkBase64,
}

/// What to do with a soft-deleted name before writing (§3.4: recover or purge first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeletedAction {
    /// Bring the deleted secret back with its versions, then write a new version.
    Recover,
    /// Delete it for good (its old versions are lost), then write the secret anew.
    Purge,
}

/// How the person signs in to Azure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SignInMethod {
    /// OAuth device code (RFC 8628): a code to enter at the verification page.
    DeviceCode,
    /// Reuse the Azure CLI's sign-in (`az account get-access-token`).
    AzureCli,
}

/// `start_vault_login`: sign in for a profile's vault.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StartVaultLoginRequest {
    pub profile: String,
    /// Device code unless given; the sandbox always uses device code.
    pub method: Option<SignInMethod>,
    /// A public client id instead of the Azure CLI's (see [`AZURE_CLI_CLIENT_ID`]).
    pub client_id: Option<String>,
}

/// `probe_vault` and `verify_vault_secrets`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VaultRequest {
    pub profile: String,
    /// `encoded_jwk` unless given.
    pub key_field: Option<KeyField>,
}

/// `write_vault_secrets`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WriteVaultRequest {
    pub profile: String,
    pub key_field: Option<KeyField>,
    /// The person has seen what is in the vault and agrees to a new version, a recover or a
    /// purge. Without it nothing that exists is changed.
    pub confirmed: bool,
    /// For a soft-deleted name: recover or purge (each only with `confirmed`).
    pub deleted_action: Option<DeletedAction>,
}

/// Error bodies are kept for the person to read, but nothing token-shaped (shared with the
/// Maskinporten steps).
pub(crate) fn scrub(raw: &str) -> String {
    crate::maskinporten::scrub(raw)
}
