//! The requests and answers of the inventory's operations, as the window and the CLI send and
//! read them (exported to TypeScript).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::keys::index::KeySource;
use crate::profile::Profile;

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
