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
    #[error("the key is password-protected (ENCRYPTED PRIVATE KEY): its password is needed")]
    Encrypted,
    #[error("the password does not open this key")]
    WrongPassword,
    #[error(
        "the key is encrypted in OpenSSL's old format (Proc-Type: 4,ENCRYPTED), which is not read here"
    )]
    LegacyEncrypted,
    #[error("that is {0} bytes; a private key is a few kilobytes")]
    TooLarge(usize),
    #[error("a {0}-bit key; at most 8192 bits are accepted")]
    TooManyBits(usize),
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
            // Decrypted in memory only; never advise writing a plain copy to disk.
            KeyError::Encrypted => (
                ErrorKind::PasswordRequired,
                Some(
                    "Enter the key's password (in a terminal: you are asked, or give it on standard input with --password-stdin).",
                ),
            ),
            KeyError::WrongPassword => (
                ErrorKind::PasswordRequired,
                Some("Check the password (letters, case and keyboard layout) and try again."),
            ),
            KeyError::LegacyEncrypted => (
                ErrorKind::InvalidInput,
                Some(
                    "Convert it to an encrypted PKCS#8 key, which keeps it protected: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out key.pem; then import key.pem with its password.",
                ),
            ),
            KeyError::TooLarge(_) => (
                ErrorKind::InvalidInput,
                Some(
                    "Paste or choose the private key itself (a JWK, its base64 form, or a PEM file).",
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
        // The Display texts read well inside other sentences ("could not import: the key …");
        // shown on their own they start as a sentence does.
        let text = error.to_string();
        let mut chars = text.chars();
        let sentence = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        };
        let app = AppError::new(kind, sentence);
        match hint {
            Some(hint) => app.with_hint(hint),
            None => app,
        }
    }
}
