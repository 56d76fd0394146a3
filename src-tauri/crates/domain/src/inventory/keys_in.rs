//! Keys into this machine: generated or imported into the secret store and the index, and
//! deleted from both.

use rand::rngs::OsRng;

use crate::clock::Clock;
use crate::datadir::DataDir;
use crate::error::{AppError, ErrorKind};
use crate::keys::index::{self, KeyRecord, KeySource};
use crate::keys::{KeyError, generate, import, jwk};
use crate::profile::{self, ProfileName};
use crate::secret::ImportText;
use crate::secret_store::SecretStore;

use super::requests::*;
use super::{attach_target, find_record, summary};

/// Import files are small; refuse anything that cannot be a key before reading it all.
const MAX_IMPORT_BYTES: u64 = import::MAX_TEXT_BYTES as u64;

pub fn generate_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    clock: &dyn Clock,
    request: &GenerateKeyRequest,
    progress: &mut dyn FnMut(KeygenProgress),
) -> Result<KeySummary, AppError> {
    let profiles = profile::load(dir)?;
    let target = attach_target(&profiles, request.profile.as_deref())?;
    let prefix = target
        .as_deref()
        .and_then(|name| profile::find(&profiles, name))
        .map(kid_prefix)
        .unwrap_or_default();
    generate(dir, store, clock, request.bits, &prefix, target, progress)
}

/// A new key named after the profile but not attached to it: a rotation's next key, which
/// the profile signs with only once it is on the client and proven.
pub fn generate_next_key(
    dir: &DataDir,
    store: &dyn SecretStore,
    clock: &dyn Clock,
    bits: u32,
    for_profile: &profile::Profile,
) -> Result<KeySummary, AppError> {
    generate(
        dir,
        store,
        clock,
        bits,
        &kid_prefix(for_profile),
        None,
        &mut |_| {},
    )
}

fn kid_prefix(p: &profile::Profile) -> String {
    p.org_number.clone().unwrap_or_else(|| p.name.to_string())
}

fn generate(
    dir: &DataDir,
    store: &dyn SecretStore,
    clock: &dyn Clock,
    bits: u32,
    prefix: &str,
    target: Option<String>,
    progress: &mut dyn FnMut(KeygenProgress),
) -> Result<KeySummary, AppError> {
    let bits_usize = usize::try_from(bits).unwrap_or(0);
    // Check the size first: progress must not show work that is refused.
    if !generate::SUPPORTED_BITS.contains(&bits_usize) {
        return Err(KeyError::UnsupportedSize(bits_usize).into());
    }
    progress(KeygenProgress::Generating { bits });
    let key = generate::generate_rsa(&mut OsRng, bits_usize)?;
    let now = clock.now();
    let records = index::load(dir)?;
    let kid = loop {
        let kid = generate::new_kid(prefix, now, &mut OsRng);
        if !records.iter().any(|r| r.kid == kid) {
            break kid;
        }
    };
    progress(KeygenProgress::Storing);
    let stored = store_key(dir, store, &key, &kid, KeySource::Generated, now, target)?;
    record_key_made(
        dir,
        now,
        KeySource::Generated,
        &kid,
        stored.attached_to.as_ref(),
    );
    progress(KeygenProgress::Done {
        key: stored.summary.clone(),
    });
    Ok(stored.summary)
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
    let now = clock.now();
    let stored = store_key(
        dir,
        store,
        &imported.key,
        &kid,
        KeySource::Imported,
        now,
        target,
    )?;
    record_key_made(
        dir,
        now,
        KeySource::Imported,
        &kid,
        stored.attached_to.as_ref(),
    );
    Ok(stored.summary)
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

/// A key just stored, and the profile it was attached to (by its saved name), if any.
struct StoredKey {
    summary: KeySummary,
    attached_to: Option<ProfileName>,
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
) -> Result<StoredKey, AppError> {
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
        return Ok(StoredKey {
            summary: summary(&record, &profile::load(dir)?),
            attached_to: None,
        });
    };
    let (profile_name, profiles) = profile::update(dir, |profiles| {
        let Some(p) = profiles.iter_mut().find(|p| p.name.is(&name)) else {
            return Err(AppError::new(
                ErrorKind::NotFound,
                format!(
                    "Key {kid} was stored, but profile \"{name}\" is gone, so it was not attached."
                ),
            ));
        };
        p.key_id = Some(kid.into());
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
    Ok(StoredKey {
        summary: summary(&record, &profiles),
        attached_to: Some(profile_name),
    })
}

/// The checklist's activity line for a key made for a profile (none for a key attached to no
/// profile); losing this line never loses the key.
fn record_key_made(
    dir: &DataDir,
    now: time::OffsetDateTime,
    source: KeySource,
    kid: &str,
    profile: Option<&ProfileName>,
) {
    let Some(profile) = profile else {
        return;
    };
    let (made, made_nb) = match source {
        KeySource::Generated => (
            "key generated into the keychain",
            "nøkkel generert inn i nøkkelringen",
        ),
        KeySource::Imported => (
            "key imported into the keychain",
            "nøkkel importert inn i nøkkelringen",
        ),
    };
    let line = crate::history::HistoryEntry::new(
        now,
        profile,
        crate::history::HistoryAction::Key,
        true,
        made,
    )
    .in_bokmal(made_nb)
    .for_step(crate::steps::StepId::Key, crate::steps::StepState::Done)
    .with_kid(kid);
    let _ = crate::history::append(dir, &line);
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
        .map(|p| p.name.to_string())
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
            users.push(p.name.to_string());
        }
        Ok(users)
    })?;
    Ok(DeleteKeyOutcome {
        kid: record.kid,
        detached_from: users,
    })
}
