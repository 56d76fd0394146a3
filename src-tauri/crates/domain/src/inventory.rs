//! What is stored on this machine, keys and profiles together: the operations the GUI and the CLI
//! call, with their request and result types (exported to TypeScript). Keys keep their private
//! part in the secret store and their public record in the index; profiles refer to keys by kid.

use std::path::PathBuf;

use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::datadir::DataDir;
use crate::error::{AppError, ErrorKind};
use crate::keys::index::{self, KeyRecord, KeySource};
use crate::keys::{KeyError, generate, import, jwk};
use crate::profile::{self, Profile};
use crate::secret::{EncodedJwk, ImportText, PrivateJwk};
use crate::secret_store::SecretStore;
use zeroize::Zeroizing;

/// Import files are small; refuse anything that cannot be a key before reading it all.
const MAX_IMPORT_BYTES: u64 = import::MAX_TEXT_BYTES as u64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeySummary {
    pub kid: String,
    pub bits: u32,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339: created + 1 year, Maskinporten's limit.
    pub expires: String,
    /// RFC 7638 SHA-256 thumbprint, base64url.
    pub thumbprint: String,
    /// Names of the profiles that use this key.
    pub profiles: Vec<String>,
    pub source: KeySource,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerateKeyRequest {
    pub bits: u32,
    /// Attach the new key to this profile (and name the kid after it).
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "stage", rename_all = "snake_case")]
#[ts(export)]
pub enum KeygenProgress {
    Generating { bits: u32 },
    Storing,
    Done { key: KeySummary },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PublicKeyFormat {
    Jwk,
    Jwks,
    Pem,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportPublicKeyRequest {
    pub kid: String,
    pub format: PublicKeyFormat,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PublicKeyExport {
    pub kid: String,
    pub format: PublicKeyFormat,
    pub content: String,
    pub suggested_file_name: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavePublicKeyRequest {
    pub kid: String,
    pub format: PublicKeyFormat,
    pub path: String,
}

/// Its Debug never shows pasted text: that is a private key.
#[derive(Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ImportKeySource {
    /// Wiped from memory when dropped, like every copy made of it here.
    Text {
        #[ts(type = "string")]
        text: Zeroizing<String>,
    },
    File {
        path: String,
    },
}

impl std::fmt::Debug for ImportKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text { .. } => f.write_str("Text([redacted])"),
            Self::File { path } => f.debug_struct("File").field("path", path).finish(),
        }
    }
}

/// Its Debug never shows the password (nor, through `ImportKeySource`, pasted text).
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportKeyRequest {
    pub source: ImportKeySource,
    /// Use this kid instead of the one in the key (or instead of a generated one for PEM).
    pub kid: Option<String>,
    pub profile: Option<String>,
    /// For a password-protected (encrypted PKCS#8) key; it is decrypted in memory only.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub password: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for ImportKeyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportKeyRequest")
            .field("source", &self.source)
            .field("kid", &self.kid)
            .field("profile", &self.profile)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteKeyRequest {
    pub kid: String,
    pub confirmed: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteKeyOutcome {
    pub kid: String,
    /// Profiles that referred to the key and now have none.
    pub detached_from: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SaveProfileRequest {
    pub profile: Profile,
    /// `None` creates a profile; a name edits that profile (and may rename it).
    pub original_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteProfileRequest {
    pub name: String,
    pub confirmed: bool,
}

fn not_found_key(kid: &str) -> AppError {
    AppError::new(
        ErrorKind::NotFound,
        format!("There is no key with kid \"{kid}\" on this machine."),
    )
    .with_hint("List the keys to see their kids, or generate or import one.")
}

fn not_found_profile(name: &str) -> AppError {
    AppError::new(
        ErrorKind::NotFound,
        format!("There is no profile named \"{name}\"."),
    )
}

fn summary(record: &KeyRecord, profiles: &[Profile]) -> KeySummary {
    let rfc3339 = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    KeySummary {
        kid: record.kid.clone(),
        bits: u32::try_from(record.bits).unwrap_or(u32::MAX),
        created: rfc3339(record.created),
        expires: rfc3339(record.expires()),
        thumbprint: record.thumbprint.clone(),
        profiles: profiles
            .iter()
            .filter(|p| p.key_id.as_deref() == Some(record.kid.as_str()))
            .map(|p| p.name.clone())
            .collect(),
        source: record.source,
    }
}

pub fn list_keys(dir: &DataDir) -> Result<Vec<KeySummary>, AppError> {
    let profiles = profile::load(dir)?;
    Ok(index::load(dir)?
        .iter()
        .map(|r| summary(r, &profiles))
        .collect())
}

pub fn list_profiles(dir: &DataDir) -> Result<Vec<Profile>, AppError> {
    Ok(profile::load(dir)?)
}

pub fn generate_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    clock: &dyn Clock,
    request: &GenerateKeyRequest,
    progress: &mut dyn FnMut(KeygenProgress),
) -> Result<KeySummary, AppError> {
    let profiles = profile::load(dir)?;
    let target = attach_target(&profiles, request.profile.as_deref())?;
    let bits = usize::try_from(request.bits).unwrap_or(0);
    // Check the size first: progress must not show work that is refused.
    if !generate::SUPPORTED_BITS.contains(&bits) {
        return Err(KeyError::UnsupportedSize(bits).into());
    }
    progress(KeygenProgress::Generating { bits: request.bits });
    let key = generate::generate_rsa(&mut OsRng, bits)?;
    let now = clock.now();
    let records = index::load(dir)?;
    let prefix = target
        .as_deref()
        .and_then(|name| profile::find(&profiles, name))
        .map(|p| p.org_number.clone().unwrap_or_else(|| p.name.clone()))
        .unwrap_or_default();
    let kid = loop {
        let kid = generate::new_kid(&prefix, now, &mut OsRng);
        if !records.iter().any(|r| r.kid == kid) {
            break kid;
        }
    };
    progress(KeygenProgress::Storing);
    let summary = store_key(dir, store, &key, &kid, KeySource::Generated, now, target)?;
    progress(KeygenProgress::Done {
        key: summary.clone(),
    });
    Ok(summary)
}

pub fn import_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    clock: &dyn Clock,
    request: &ImportKeyRequest,
) -> Result<KeySummary, AppError> {
    let text = match &request.source {
        ImportKeySource::Text { text } if text.len() as u64 > MAX_IMPORT_BYTES => {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "That is {} bytes; a key is a few kilobytes. Paste the key itself.",
                    text.len()
                ),
            ));
        }
        ImportKeySource::Text { text } => ImportText::new(text.to_string()),
        ImportKeySource::File { path } => read_import_file(path)?,
    };
    let imported = import::parse_private_key_with(
        text.expose_secret(),
        request.password.as_deref().map(String::as_str),
    )?;
    let profiles = profile::load(dir)?;
    let target = attach_target(&profiles, request.profile.as_deref())?;
    let kid = match request
        .kid
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(kid) => kid.to_string(),
        None => match imported.kid {
            Some(kid) => kid,
            None => generate::new_kid("imported", clock.now(), &mut OsRng),
        },
    };
    if !jwk::is_valid_kid(&kid) {
        return Err(KeyError::InvalidKid(kid).into());
    }
    let records = index::load(dir)?;
    let thumbprint = jwk::PublicJwk::from_key(&imported.key, &kid).thumbprint();
    if let Some(existing) = records
        .iter()
        .find(|r| r.kid == kid || r.thumbprint == thumbprint)
    {
        return Err(AppError::new(
            ErrorKind::AlreadyExists,
            format!("This machine already has a key with kid \"{}\" (thumbprint {}); nothing was imported.", existing.kid, existing.thumbprint),
        )
        .with_hint("Use the stored key, or delete it first if you really mean to replace it."));
    }
    store_key(
        dir,
        store,
        &imported.key,
        &kid,
        KeySource::Imported,
        clock.now(),
        target,
    )
}

fn read_import_file(path: &str) -> Result<ImportText, AppError> {
    let storage = |e: std::io::Error| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Could not read {path}: {e}"),
        )
    };
    let meta = std::fs::metadata(path).map_err(storage)?;
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!(
                "{path} is {} bytes; a key file is a few kilobytes. Choose the key file itself.",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(storage)?;
    String::from_utf8(bytes)
        .map(ImportText::new)
        .map_err(|_| AppError::new(ErrorKind::InvalidInput, format!("{path} is not a text file; DER keys must be converted to PEM first (openssl rsa -inform DER -in key.der -out key.pem).")))
}

/// Keychain first, then the index; if the index cannot be written the keychain entry is removed,
/// so the two never disagree.
fn store_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    key: &rsa::RsaPrivateKey,
    kid: &str,
    source: KeySource,
    now: time::OffsetDateTime,
    attach_to: Option<String>,
) -> Result<KeySummary, AppError> {
    let public = jwk::PublicJwk::from_key(key, kid);
    let private = jwk::private_jwk(key, kid);
    let account = index::account(kid);
    let record = KeyRecord {
        kid: kid.to_string(),
        bits: rsa::traits::PublicKeyParts::n(key).bits(),
        created: now.replace_nanosecond(0).unwrap_or(now),
        thumbprint: public.thumbprint(),
        n: public.n.clone(),
        e: public.e.clone(),
        source,
    };
    // Under the folder's lock from the check to the index write: two processes storing a key
    // under one kid cannot both pass the check and overwrite each other in the keychain.
    dir.locked(|| -> Result<(), AppError> {
        let mut records = index::load(dir)?;
        if records.iter().any(|r| r.kid == kid) {
            return Err(AppError::new(
                ErrorKind::AlreadyExists,
                format!("A key with kid \"{kid}\" is listed already; nothing was changed."),
            )
            .with_hint("Import it with another kid."));
        }
        // The keychain namespace is per build, not per data folder: another set-up (another
        // --data-dir) may hold a key under this kid. Never overwrite it.
        if store.get(&account)?.is_some() {
            return Err(AppError::new(
                ErrorKind::AlreadyExists,
                format!("The OS keychain already holds a key under kid \"{kid}\" (from another data folder, or one whose index was moved aside); nothing was changed."),
            )
            .with_hint("Import it with another kid, or delete the old entry in the keychain first."));
        }
        store.put(&account, private.expose_secret())?;
        records.push(record.clone());
        if let Err(e) = index::save(dir, &records) {
            // Best effort: the error that matters is the index one; the keychain must not keep
            // a key the index does not list.
            let _ = store.delete(&account);
            return Err(e.into());
        }
        Ok(())
    })?;
    // The key is stored and listed; attaching it to a profile is a separate, later step whose
    // failure must not lose the key. The profile is found again by name: the list may have
    // changed while a large key was being generated.
    let Some(name) = attach_to else {
        return Ok(summary(&record, &profile::load(dir)?));
    };
    let (profile_name, profiles) = profile::update(dir, |profiles| {
        let Some(p) = profiles
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(&name))
        else {
            return Err(AppError::new(
                ErrorKind::NotFound,
                format!(
                    "Key {kid} was stored, but profile \"{name}\" is gone, so it was not attached."
                ),
            ));
        };
        p.key_id = Some(kid.to_string());
        Ok((p.name.clone(), profiles.clone()))
    })
    .map_err(|e| match e.kind {
        ErrorKind::NotFound => e,
        _ => AppError::new(
            ErrorKind::Storage,
            format!(
                "Key {kid} was stored, but the profile could not be updated: {}",
                e.message
            ),
        ),
    })?;
    // The checklist's activity log; losing this line never loses the key.
    let made = match source {
        KeySource::Generated => "key generated into the keychain",
        KeySource::Imported => "key imported into the keychain",
    };
    let line = crate::history::HistoryEntry::new(now, &profile_name, "key", made)
        .for_step(
            crate::checklist::StepId::Key,
            crate::checklist::StepState::Done,
        )
        .with_kid(kid);
    let _ = crate::history::append(dir, &line);
    Ok(summary(&record, &profiles))
}

fn attach_target(profiles: &[Profile], name: Option<&str>) -> Result<Option<String>, AppError> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(name) => profiles
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| Some(p.name.clone()))
            .ok_or_else(|| not_found_profile(name)),
    }
}

fn find_record(dir: &DataDir, kid: &str) -> Result<KeyRecord, AppError> {
    index::load(dir)?
        .into_iter()
        .find(|r| r.kid == kid)
        .ok_or_else(|| not_found_key(kid))
}

pub fn export_public_key(
    dir: &DataDir,
    request: &ExportPublicKeyRequest,
) -> Result<PublicKeyExport, AppError> {
    let record = find_record(dir, &request.kid)?;
    let public = record.public_jwk();
    let (content, extension) = match request.format {
        PublicKeyFormat::Jwk => (pretty(&public), "jwk.json"),
        PublicKeyFormat::Jwks => (
            pretty(&serde_json::json!({ "keys": [public] })),
            "jwks.json",
        ),
        PublicKeyFormat::Pem => (public_pem(&record)?, "pub.pem"),
    };
    Ok(PublicKeyExport {
        kid: record.kid.clone(),
        format: request.format,
        content,
        suggested_file_name: format!("{}.{extension}", record.kid),
    })
}

fn pretty<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn public_pem(record: &KeyRecord) -> Result<String, AppError> {
    use base64::Engine;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    let decode = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(v);
    let corrupt = || {
        AppError::new(
            ErrorKind::Storage,
            format!("The stored public key of {} is damaged.", record.kid),
        )
    };
    let n = rsa::BigUint::from_bytes_be(&decode(&record.n).map_err(|_| corrupt())?);
    let e = rsa::BigUint::from_bytes_be(&decode(&record.e).map_err(|_| corrupt())?);
    let public = rsa::RsaPublicKey::new(n, e).map_err(|_| corrupt())?;
    public
        .to_public_key_pem(LineEnding::LF)
        .map_err(|_| corrupt())
}

/// Writes a public key export to a file the person chose. `overwrite` says they confirmed
/// replacing an existing file (a save dialog asks; the CLI needs --force).
pub fn save_public_key(
    dir: &DataDir,
    request: &SavePublicKeyRequest,
    overwrite: bool,
) -> Result<PathBuf, AppError> {
    let export = export_public_key(
        dir,
        &ExportPublicKeyRequest {
            kid: request.kid.clone(),
            format: request.format,
        },
    )?;
    let path = PathBuf::from(&request.path);
    let existing = if overwrite {
        crate::datadir::Existing::Replace
    } else {
        crate::datadir::Existing::Keep
    };
    crate::datadir::save(&path, export.content.as_bytes(), existing)?;
    Ok(path)
}

/// The private JWK from the secret store, checked against the index so a keychain entry that was
/// changed behind our back is caught before it is used or written to Key Vault.
pub fn private_jwk(
    dir: &DataDir,
    store: &dyn SecretStore,
    kid: &str,
) -> Result<PrivateJwk, AppError> {
    let record = find_record(dir, kid)?;
    let mut secret = store.get(&index::account(kid))?.ok_or_else(|| {
        AppError::new(ErrorKind::Keychain, format!("The private part of key \"{kid}\" is missing from the OS keychain."))
            .with_hint("It may have been removed with another tool. Delete the key here and generate a new one.")
    })?;
    // Moved, not copied: the keychain's answer is wiped when `stored` is dropped.
    let stored = PrivateJwk::new(std::mem::take(&mut *secret));
    let parsed = import::parse_private_key(stored.expose_secret())?;
    if jwk::PublicJwk::from_key(&parsed.key, kid).thumbprint() != record.thumbprint {
        return Err(AppError::new(
            ErrorKind::Keychain,
            format!(
                "The keychain entry of \"{kid}\" holds a different key than the one listed here."
            ),
        ));
    }
    // Written anew from the key, not passed through as stored: entries made before every
    // private value was padded to its full length (see `jwk::private_jwk`) export right too.
    Ok(jwk::private_jwk(&parsed.key, kid))
}

/// The key to sign grants with, from the keychain (checked against the index).
pub fn signing_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    kid: &str,
) -> Result<rsa::RsaPrivateKey, AppError> {
    let jwk = private_jwk(dir, store, kid)?;
    Ok(import::parse_private_key(jwk.expose_secret())?.key)
}

pub fn encoded_jwk(
    dir: &DataDir,
    store: &dyn SecretStore,
    kid: &str,
) -> Result<EncodedJwk, AppError> {
    Ok(jwk::encoded_jwk(&private_jwk(dir, store, kid)?))
}

pub fn delete_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    request: &DeleteKeyRequest,
) -> Result<DeleteKeyOutcome, AppError> {
    let record = find_record(dir, &request.kid)?;
    let users: Vec<String> = profile::load(dir)?
        .iter()
        .filter(|p| p.key_id.as_deref() == Some(record.kid.as_str()))
        .map(|p| p.name.clone())
        .collect();
    if !request.confirmed {
        let used = if users.is_empty() {
            String::new()
        } else {
            format!(" It is used by: {}.", users.join(", "))
        };
        return Err(AppError::new(ErrorKind::ConfirmationRequired, format!("Deleting key \"{}\" removes its private part from the keychain for good.{used}", record.kid))
            .with_hint("Confirm to delete. A client that still has this public key registered cannot get tokens from this machine afterwards."));
    }
    // Index first: a failure after it leaves an unlisted keychain entry, never a listed key
    // whose private part is gone.
    index::update(dir, |records| {
        records.retain(|r| r.kid != record.kid);
        Ok(())
    })?;
    store.delete(&index::account(&record.kid))?;
    let users = profile::update(dir, |profiles| {
        let mut users = Vec::new();
        for p in profiles
            .iter_mut()
            .filter(|p| p.key_id.as_deref() == Some(record.kid.as_str()))
        {
            p.key_id = None;
            users.push(p.name.clone());
        }
        Ok(users)
    })?;
    Ok(DeleteKeyOutcome {
        kid: record.kid,
        detached_from: users,
    })
}

pub fn save_profile(dir: &DataDir, request: &SaveProfileRequest) -> Result<Profile, AppError> {
    let new = profile::normalize(request.profile.clone())?;
    if let Some(kid) = &new.key_id {
        find_record(dir, kid)?;
    }
    profile::update(dir, |profiles| {
        let position = match request.original_name.as_deref() {
            Some(original) => Some(
                profiles
                    .iter()
                    .position(|p| p.name.eq_ignore_ascii_case(original.trim()))
                    .ok_or_else(|| not_found_profile(original))?,
            ),
            None => None,
        };
        let clash = profiles
            .iter()
            .enumerate()
            .any(|(i, p)| p.name.eq_ignore_ascii_case(&new.name) && Some(i) != position);
        if clash {
            return Err(AppError::new(
                ErrorKind::AlreadyExists,
                format!(
                    "A profile named \"{}\" exists already; nothing was changed.",
                    new.name
                ),
            )
            .with_hint("Pick another name, or edit that profile."));
        }
        match position {
            Some(i) => profiles[i] = new.clone(),
            None => profiles.push(new.clone()),
        }
        Ok(new)
    })
}

pub fn delete_profile(dir: &DataDir, request: &DeleteProfileRequest) -> Result<(), AppError> {
    profile::update(dir, |profiles| {
        let Some(position) = profiles
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(request.name.trim()))
        else {
            return Err(not_found_profile(&request.name));
        };
        if !request.confirmed {
            return Err(AppError::new(
                ErrorKind::ConfirmationRequired,
                format!(
                    "Deleting profile \"{}\" cannot be undone. Its key stays on this machine.",
                    profiles[position].name
                ),
            )
            .with_hint("Confirm to delete."));
        }
        profiles.remove(position);
        Ok(())
    })
}

pub fn show_profile(dir: &DataDir, name: &str) -> Result<Profile, AppError> {
    profile::find(&profile::load(dir)?, name)
        .cloned()
        .ok_or_else(|| not_found_profile(name))
}
