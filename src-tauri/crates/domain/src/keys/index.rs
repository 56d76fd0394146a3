//! The key index (`keys.json`): public metadata of every key in the keychain, so keys can be
//! listed and their public part exported without unlocking the keychain. Nothing secret here.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::datadir::{DataDir, DataDirError};
use crate::error::AppError;

pub const FILE: &str = "keys.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeySource {
    Generated,
    Imported,
}

/// One key's public record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub kid: String,
    pub bits: usize,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    pub thumbprint: String,
    /// Public modulus and exponent, base64url (as in the public JWK).
    pub n: String,
    pub e: String,
    pub source: KeySource,
}

impl KeyRecord {
    /// Keys live at most one year after posting to Maskinporten (DD-admin; MP-121 "Expired key").
    /// 365 days from creation: never later than the real limit.
    pub fn expires(&self) -> OffsetDateTime {
        self.created + time::Duration::days(365)
    }

    pub fn public_jwk(&self) -> super::jwk::PublicJwk {
        super::jwk::PublicJwk {
            kty: "RSA".into(),
            kid: self.kid.clone(),
            use_: super::jwk::USE.into(),
            alg: super::jwk::ALG.into(),
            n: self.n.clone(),
            e: self.e.clone(),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    keys: Vec<KeyRecord>,
}

pub fn load(dir: &DataDir) -> Result<Vec<KeyRecord>, DataDirError> {
    Ok(dir
        .read_json::<IndexFile>(FILE)?
        .map(|f| f.keys)
        .unwrap_or_default())
}

/// Load, change, save, under the data folder's lock, so a change made meanwhile by the window
/// or another command is never lost. Nothing is saved when `change` fails.
pub fn update<R>(
    dir: &DataDir,
    change: impl FnOnce(&mut Vec<KeyRecord>) -> Result<R, AppError>,
) -> Result<R, AppError> {
    dir.locked(|| {
        let mut keys = load(dir)?;
        let result = change(&mut keys)?;
        save(dir, &keys)?;
        Ok(result)
    })
}

pub(crate) fn save(dir: &DataDir, keys: &[KeyRecord]) -> Result<(), DataDirError> {
    dir.write_json(
        FILE,
        &IndexFile {
            version: 1,
            keys: keys.to_vec(),
        },
    )
}

/// The keychain account under which a key's private JWK is stored.
pub fn account(kid: &str) -> String {
    format!("jwk:{kid}")
}
