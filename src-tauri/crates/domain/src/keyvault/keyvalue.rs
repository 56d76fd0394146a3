//! Reading a stored key value in memory, the way the app will: standard base64
//! (`Convert.FromBase64String`), then UTF-8 JSON, then a private RSA JWK with every field
//! app-lib's `JwkWrapper.Validate()` requires (config-keyvault-selfservice.md §1.2, §2.1). What
//! comes out is metadata (kid, thumbprint, which fields are there or differ); the decoded text is
//! wiped when dropped.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::keys::{import, jwk};

/// §2.1: `kty, use, kid, alg, n, e, d, p, q, qi, dp, dq` must all be non-empty.
pub const FIELDS: [&str; 12] = [
    "kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "kid", "alg", "use",
];

/// How far the value decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VaultKeyEncoding")]
pub enum KeyEncoding {
    /// Standard padded base64 of a JSON object: what the app can read.
    StandardBase64,
    /// base64url: .NET `Convert.FromBase64String` refuses it (§1.2).
    Base64Url,
    NotBase64,
    /// Base64, but not UTF-8 JSON of an object.
    NotJson,
}

/// What a stored key value holds, without any of its secret parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultStoredKey")]
pub struct StoredKey {
    pub encoding: KeyEncoding,
    pub kid: Option<String>,
    /// RFC 7638 thumbprint of its public part, when it has `n` and `e`.
    pub thumbprint: Option<String>,
    pub alg: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    /// Required fields that are absent or empty.
    pub missing_fields: Vec<String>,
    /// It parses as a consistent RSA private key of at least 2048 bits.
    pub usable: bool,
}

#[derive(Deserialize, Default)]
struct JwkJson {
    kty: Option<Zeroizing<String>>,
    n: Option<Zeroizing<String>>,
    e: Option<Zeroizing<String>>,
    d: Option<Zeroizing<String>>,
    p: Option<Zeroizing<String>>,
    q: Option<Zeroizing<String>>,
    dp: Option<Zeroizing<String>>,
    dq: Option<Zeroizing<String>>,
    qi: Option<Zeroizing<String>>,
    kid: Option<Zeroizing<String>>,
    alg: Option<Zeroizing<String>>,
    #[serde(rename = "use")]
    use_: Option<Zeroizing<String>>,
}

impl JwkJson {
    fn field(&self, name: &str) -> Option<&str> {
        let value = match name {
            "kty" => &self.kty,
            "n" => &self.n,
            "e" => &self.e,
            "d" => &self.d,
            "p" => &self.p,
            "q" => &self.q,
            "dp" => &self.dp,
            "dq" => &self.dq,
            "qi" => &self.qi,
            "kid" => &self.kid,
            "alg" => &self.alg,
            "use" => &self.use_,
            _ => &None,
        };
        value
            .as_deref()
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Decodes standard base64 (falling back to base64url only to say what is wrong) into JSON text.
fn decode(value: &str) -> (KeyEncoding, Option<Zeroizing<String>>) {
    let compact: Zeroizing<String> =
        Zeroizing::new(value.chars().filter(|c| !c.is_whitespace()).collect());
    let (encoding, bytes) = match STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) => (KeyEncoding::StandardBase64, bytes),
        Err(_) => match URL_SAFE_NO_PAD
            .decode(compact.trim_end_matches('='))
            .or_else(|_| URL_SAFE.decode(compact.as_bytes()))
        {
            Ok(bytes) => (KeyEncoding::Base64Url, bytes),
            Err(_) => return (KeyEncoding::NotBase64, None),
        },
    };
    let bytes = Zeroizing::new(bytes);
    match std::str::from_utf8(&bytes) {
        Ok(text) if text.trim_start().starts_with('{') => {
            (encoding, Some(Zeroizing::new(text.to_string())))
        }
        _ => (KeyEncoding::NotJson, None),
    }
}

fn parse(text: &str) -> Option<JwkJson> {
    serde_json::from_str::<JwkJson>(text).ok()
}

/// Inspects a stored `EncodedJwk` / `JwkBase64` value.
pub fn inspect(value: &str) -> StoredKey {
    let (encoding, text) = decode(value);
    let parsed = text.as_deref().and_then(|t| parse(t));
    let Some(jwk) = parsed else {
        return StoredKey {
            encoding: if text.is_some() {
                KeyEncoding::NotJson
            } else {
                encoding
            },
            kid: None,
            thumbprint: None,
            alg: None,
            use_: None,
            missing_fields: FIELDS.iter().map(|f| f.to_string()).collect(),
            usable: false,
        };
    };
    let thumbprint = match (jwk.field("kty"), jwk.field("n"), jwk.field("e")) {
        (Some("RSA"), Some(n), Some(e)) => Some(jwk::thumbprint(n, e)),
        _ => None,
    };
    StoredKey {
        encoding,
        kid: jwk.field("kid").map(str::to_string),
        thumbprint,
        alg: jwk.field("alg").map(str::to_string),
        use_: jwk.field("use").map(str::to_string),
        missing_fields: FIELDS
            .iter()
            .filter(|f| jwk.field(f).is_none())
            .map(|f| f.to_string())
            .collect(),
        usable: text
            .as_deref()
            .is_some_and(|t| import::parse_private_key(t).is_ok()),
    }
}

/// The names of the JWK fields whose values differ between the stored value and the keychain's
/// `EncodedJwk` (all of them when either does not decode). Never the values.
pub fn differing_fields(stored: &str, keychain: &str) -> Vec<String> {
    let stored = decode(stored).1.and_then(|t| parse(&t));
    let keychain = decode(keychain).1.and_then(|t| parse(&t));
    match (stored, keychain) {
        (Some(a), Some(b)) => FIELDS
            .iter()
            .filter(|f| a.field(f) != b.field(f))
            .map(|f| f.to_string())
            .collect(),
        _ => FIELDS.iter().map(|f| f.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::PrivateJwk;

    fn key() -> &'static (String, String) {
        static KEY: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
        KEY.get_or_init(|| {
            let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("key");
            let private = jwk::private_jwk(&key, "kid-1");
            let thumbprint = jwk::PublicJwk::from_key(&key, "kid-1").thumbprint();
            (
                jwk::encoded_jwk(&private).expose_secret().to_string(),
                thumbprint,
            )
        })
    }

    #[test]
    fn a_keychain_value_decodes_to_a_complete_usable_private_jwk() {
        let (encoded, thumbprint) = key();
        let stored = inspect(encoded);
        assert_eq!(stored.encoding, KeyEncoding::StandardBase64);
        assert_eq!(stored.kid.as_deref(), Some("kid-1"));
        assert_eq!(stored.thumbprint.as_ref(), Some(thumbprint));
        assert_eq!(
            (stored.alg.as_deref(), stored.use_.as_deref()),
            (Some("RS256"), Some("sig"))
        );
        assert!(
            stored.missing_fields.is_empty() && stored.usable,
            "{stored:?}"
        );
        assert!(differing_fields(encoded, encoded).is_empty());
    }

    #[test]
    fn wrong_encodings_missing_fields_and_other_keys_are_named() {
        let (encoded, _) = key();
        let json = String::from_utf8(STANDARD.decode(encoded).expect("b64")).expect("utf8");
        // '~' puts the standard alphabet's '+' into the encoding, so base64url surely differs.
        let tilde = json.replacen('{', r#"{"note":"~~~","#, 1);
        let url_safe = URL_SAFE_NO_PAD.encode(tilde.as_bytes());
        assert_eq!(inspect(&url_safe).encoding, KeyEncoding::Base64Url);
        assert_eq!(
            inspect(&STANDARD.encode(&tilde)).encoding,
            KeyEncoding::StandardBase64
        );
        assert_eq!(inspect("%%%").encoding, KeyEncoding::NotBase64);
        assert_eq!(
            inspect(&STANDARD.encode("hello")).encoding,
            KeyEncoding::NotJson
        );
        let public_only = STANDARD.encode(r#"{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"k"}"#);
        let stored = inspect(&public_only);
        assert!(!stored.usable);
        assert!(
            stored.missing_fields.contains(&"d".to_string()),
            "{stored:?}"
        );
        let renamed = jwk::encoded_jwk(&PrivateJwk::new(json.replace("kid-1", "kid-2")));
        assert_eq!(differing_fields(renamed.expose_secret(), encoded), ["kid"]);
    }
}
