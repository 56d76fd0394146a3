//! The read-back check: the client id secret holds the profile's client id, and the key secret
//! decodes (standard base64, JSON) to a complete private JWK with the keychain key's kid and
//! thumbprint and the very same parameters (config-keyvault-selfservice.md §1.2, §2.1). Also how
//! a stored secret is shown: names, tags, dates and what its key is, never its value.

use std::collections::BTreeMap;

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;
use url::Url;

use super::after::{self, AfterReport};
use super::api::{self, KeyVaultError, Operation, Reason, StoredSecret};
use super::keyvalue::{self, KeyEncoding, StoredKey};
use super::material::Material;
use super::names::SecretNames;
use crate::diagnosis::{Localized, l};
use crate::http::Transport;
use crate::secret::AzureToken;

/// Which of the two secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ClientId,
    Key,
}

/// A stored secret as the person may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultSecretInfo")]
pub struct SecretInfo {
    pub name: String,
    pub version: Option<String>,
    pub content_type: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub enabled: bool,
    /// RFC 3339.
    pub created: Option<String>,
    pub updated: Option<String>,
    /// Soft-deleted secrets: when, and when the vault purges them.
    pub deleted: Option<String>,
    pub scheduled_purge: Option<String>,
    /// The client id secret's value (a client id is not a secret).
    pub client_id: Option<String>,
    /// The key secret's key, decoded in memory: kid, thumbprint, completeness.
    pub stored_key: Option<StoredKey>,
}

fn rfc3339(unix: Option<i64>) -> Option<String> {
    unix.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
}

/// Shows `secret` (its value only as metadata).
pub fn info(secret: &StoredSecret, role: Role) -> SecretInfo {
    let value = secret.value.as_ref().map(|v| v.expose_secret());
    SecretInfo {
        name: secret.name.clone(),
        version: secret.version.clone(),
        content_type: secret.content_type.clone(),
        tags: secret.tags.clone(),
        enabled: secret.enabled,
        created: rfc3339(secret.created),
        updated: rfc3339(secret.updated),
        deleted: rfc3339(secret.deleted),
        scheduled_purge: rfc3339(secret.scheduled_purge),
        client_id: value
            .filter(|_| role == Role::ClientId)
            .map(|v| v.chars().take(200).collect()),
        stored_key: value.filter(|_| role == Role::Key).map(keyvalue::inspect),
    }
}

/// One secret read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultSecretCheck")]
pub struct SecretCheck {
    pub name: String,
    pub found: bool,
    pub info: Option<SecretInfo>,
    pub ok: bool,
    /// What is wrong, when something is.
    pub problems: Vec<Localized>,
}

/// The read-back of both secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultVerifyReport")]
pub struct VerifyReport {
    pub vault: String,
    pub names: SecretNames,
    pub kid: String,
    pub thumbprint: String,
    pub client_id: SecretCheck,
    pub key: SecretCheck,
    pub ok: bool,
    /// The redeploy reminder and the older secrets still in the vault.
    pub after: AfterReport,
}

/// Whether the stored key is the keychain key: the problems, none when it is.
pub fn key_problems(secret: &StoredSecret, material: &Material) -> Vec<Localized> {
    let mut problems = Vec::new();
    if !secret.enabled {
        problems.push(l(
            "The secret is disabled: the app loads only enabled secrets.",
            "Hemmeligheten er deaktivert: appen laster bare aktive hemmeligheter.",
        ));
    }
    let Some(value) = &secret.value else {
        problems.push(l(
            "The vault returned no value.",
            "Hvelvet returnerte ingen verdi.",
        ));
        return problems;
    };
    let stored = keyvalue::inspect(value.expose_secret());
    match stored.encoding {
        KeyEncoding::StandardBase64 => {}
        KeyEncoding::Base64Url => problems.push(l("The value is base64url (or lacks its '=' padding); .NET Convert.FromBase64String needs standard base64 with '+', '/' and '=' padding.", "Verdien er base64url (eller mangler '='-utfyllingen); .NET Convert.FromBase64String krever standard base64 med '+', '/' og '='-utfylling.")),
        KeyEncoding::NotBase64 => problems.push(l("The value is not base64.", "Verdien er ikke base64.")),
        KeyEncoding::NotJson => problems.push(l("The value decodes to something that is not a JWK (JSON).", "Verdien dekodes til noe som ikke er en JWK (JSON).")),
    }
    if !stored.missing_fields.is_empty() && stored.encoding != KeyEncoding::NotBase64 {
        let missing = stored.missing_fields.join(", ");
        problems.push(l(
            format!("The stored JWK lacks {missing}; the app needs all of kty, n, e, d, p, q, dp, dq, qi, kid, alg and use."),
            format!("Den lagrede JWK-en mangler {missing}; appen trenger alle av kty, n, e, d, p, q, dp, dq, qi, kid, alg og use."),
        ));
    }
    let record = &material.key;
    if stored.kid.as_deref() != Some(record.kid.as_str()) {
        let got = stored.kid.clone().unwrap_or_else(|| "none".into());
        problems.push(l(
            format!(
                "The stored key has kid {got}, the keychain key has kid {}.",
                record.kid
            ),
            format!(
                "Den lagrede nøkkelen har kid {got}, nøkkelen i nøkkelringen har kid {}.",
                record.kid
            ),
        ));
    }
    if stored.thumbprint.as_deref() != Some(record.thumbprint.as_str()) {
        let got = stored.thumbprint.clone().unwrap_or_else(|| "none".into());
        problems.push(l(
            format!(
                "The stored key is another key: thumbprint {got}, the keychain key's is {}.",
                record.thumbprint
            ),
            format!(
                "Den lagrede nøkkelen er en annen nøkkel: thumbprint {got}, nøkkelringens er {}.",
                record.thumbprint
            ),
        ));
    } else {
        let differing =
            keyvalue::differing_fields(value.expose_secret(), material.encoded_jwk.expose_secret());
        let private: Vec<&String> = differing
            .iter()
            .filter(|f| !["kid"].contains(&f.as_str()))
            .collect();
        if !private.is_empty() {
            let fields = private
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(l(
                format!("The stored key has the same public part but differs in {fields}."),
                format!("Den lagrede nøkkelen har samme offentlige del, men er ulik i {fields}."),
            ));
        }
    }
    if problems.is_empty() && !stored.usable {
        problems.push(l(
            "The stored key is not a consistent RSA private key.",
            "Den lagrede nøkkelen er ikke en gyldig privat RSA-nøkkel.",
        ));
    }
    problems
}

/// Whether the client id secret holds the profile's client id.
pub fn client_id_problems(secret: &StoredSecret, client_id: &str) -> Vec<Localized> {
    let mut problems = Vec::new();
    if !secret.enabled {
        problems.push(l(
            "The secret is disabled: the app loads only enabled secrets.",
            "Hemmeligheten er deaktivert: appen laster bare aktive hemmeligheter.",
        ));
    }
    let stored = secret
        .value
        .as_ref()
        .map(|v| v.expose_secret().trim().to_string());
    if stored.as_deref() != Some(client_id) {
        let got: String = stored.unwrap_or_default().chars().take(80).collect();
        problems.push(l(
            format!("The vault holds client id \"{got}\", the profile has {client_id}."),
            format!("Hvelvet har klient-id \"{got}\", profilen har {client_id}."),
        ));
    }
    problems
}

/// Reads one secret: `Ok(None)` when absent.
pub async fn read(
    transport: &dyn Transport,
    vault: &Url,
    token: &AzureToken,
    name: &str,
) -> Result<Option<StoredSecret>, KeyVaultError> {
    let response = transport
        .send(api::get(vault, token, name))
        .await
        .map_err(|source| KeyVaultError::Transport {
            operation: Operation::Get,
            source,
        })?;
    match api::parse_secret(Operation::Get, name, &response) {
        Ok(secret) => Ok(Some(secret)),
        Err(e) if e.reason() == Some(Reason::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn check(
    name: &str,
    found: Option<(&StoredSecret, Role)>,
    problems: Vec<Localized>,
) -> SecretCheck {
    let mut problems = problems;
    if found.is_none() {
        problems.push(l(
            format!("{name} is not in the vault."),
            format!("{name} finnes ikke i hvelvet."),
        ));
    }
    SecretCheck {
        name: name.to_string(),
        found: found.is_some(),
        info: found.map(|(s, role)| info(s, role)),
        ok: problems.is_empty(),
        problems,
    }
}

/// Reads both secrets back and compares them with the profile and the keychain; then the
/// redeploy reminder and the migration check.
pub async fn verify(
    transport: &dyn Transport,
    vault: &Url,
    token: &AzureToken,
    names: &SecretNames,
    material: &Material,
) -> Result<VerifyReport, KeyVaultError> {
    let client = read(transport, vault, token, &names.client_id).await?;
    let key = read(transport, vault, token, &names.key).await?;
    let client_problems = client
        .as_ref()
        .map(|s| client_id_problems(s, &material.client_id))
        .unwrap_or_default();
    let key_problems = key
        .as_ref()
        .map(|s| key_problems(s, material))
        .unwrap_or_default();
    let client_id = check(
        &names.client_id,
        client.as_ref().map(|s| (s, Role::ClientId)),
        client_problems,
    );
    let key = check(
        &names.key,
        key.as_ref().map(|s| (s, Role::Key)),
        key_problems,
    );
    let after = after::check(transport, vault, token, names).await;
    Ok(VerifyReport {
        vault: vault.as_str().trim_end_matches('/').to_string(),
        after,
        names: names.clone(),
        kid: material.key.kid.clone(),
        thumbprint: material.key.thumbprint.clone(),
        ok: client_id.ok && key.ok,
        client_id,
        key,
    })
}
