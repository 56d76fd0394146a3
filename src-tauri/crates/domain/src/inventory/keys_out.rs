//! Keys out of the store, checked against the index: the public part (JWK, JWKS, PEM), and the
//! private key for signing and for Key Vault.

use std::path::PathBuf;

use serde::Serialize;

use crate::datadir::DataDir;
use crate::error::{AppError, ErrorKind};
use crate::keys::index::{self, KeyRecord};
use crate::keys::{import, jwk};
use crate::secret::{EncodedJwk, PrivateJwk};
use crate::secret_store::SecretStore;

use super::find_record;
use super::requests::*;

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
