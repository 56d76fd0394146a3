//! Signing keys: generation, import, the public exports and the index of what is stored. The
//! private JWK lives only in the secret store; the index (a plain file) holds public metadata.
//! Combining keys with profiles is `crate::inventory`'s job.

pub mod generate;
pub mod import;
pub mod index;
pub mod jwk;

use crate::error::{AppError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}-bit keys are not offered; choose 2048, 3072 or 4096")]
    UnsupportedSize(usize),
    #[error("key generation failed: {0}")]
    Generation(String),
    #[error("the text is not a key this app recognises")]
    Unrecognised,
    #[error("the key could not be read ({0})")]
    Malformed(String),
    #[error("only RSA keys can be used with Maskinporten here; this is {0}")]
    NotRsa(String),
    #[error("this is a public key or certificate; importing needs the private key")]
    PublicOnly,
    #[error("the key is password-protected (ENCRYPTED PRIVATE KEY)")]
    Encrypted,
    #[error("the key has {0} bits; Maskinporten needs at least 2048")]
    TooSmall(usize),
    #[error("the key's private parts do not match its public parts: {0}")]
    Inconsistent(String),
    #[error(
        "the key says alg {0}; keys here are RS256, as both Altinn client libraries sign with RS256"
    )]
    UnsupportedAlg(String),
    #[error("\"{0}\" is not a valid key id: use only letters A–Z, digits, '.', '_' and '-'")]
    InvalidKid(String),
}

impl From<KeyError> for AppError {
    fn from(error: KeyError) -> Self {
        let (kind, hint) = match &error {
            KeyError::Generation(_) => (ErrorKind::Internal, None),
            KeyError::Unrecognised => (
                ErrorKind::InvalidInput,
                Some(
                    "Paste a private JWK (JSON), its base64 form (EncodedJwk), or a PEM file that starts with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----.",
                ),
            ),
            KeyError::Encrypted => (
                ErrorKind::InvalidInput,
                Some(
                    "Decrypt it on this machine first, for example: openssl pkcs8 -in key.pem -out plain.pem, import plain.pem, then delete plain.pem.",
                ),
            ),
            KeyError::TooSmall(_) => (
                ErrorKind::InvalidInput,
                Some(
                    "Generate a new 2048-bit (or larger) key here and register its public part on the client.",
                ),
            ),
            KeyError::PublicOnly => (
                ErrorKind::InvalidInput,
                Some(
                    "The public part is what you upload to Samarbeidsportalen; the app needs the private key.",
                ),
            ),
            _ => (ErrorKind::InvalidInput, None),
        };
        let app = AppError::new(kind, error.to_string());
        match hint {
            Some(hint) => app.with_hint(hint),
            None => app,
        }
    }
}
