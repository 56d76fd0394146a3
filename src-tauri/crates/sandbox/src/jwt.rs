//! Reading and writing compact JWTs with full control over every check: the emulators parse the
//! header and claims themselves (so each rule can answer with its own error), and use
//! jsonwebtoken only for the RSA signature itself.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

/// A compact JWT split into its parts, not yet verified.
#[derive(Debug)]
pub(crate) struct UnverifiedJwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    signing_input: String,
    signature: String,
}

/// Splits and decodes a compact JWS. `None` for anything that is not three base64url parts
/// with JSON objects in the first two.
pub(crate) fn parse(token: &str) -> Option<UnverifiedJwt> {
    let mut parts = token.split('.');
    let (header, claims, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || signature.is_empty() {
        return None;
    }
    let decode = |part: &str| -> Option<Map<String, Value>> {
        let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        }
    };
    Some(UnverifiedJwt {
        header: decode(header)?,
        claims: decode(claims)?,
        signing_input: format!("{header}.{claims}"),
        signature: signature.to_owned(),
    })
}

impl UnverifiedJwt {
    /// The header's `alg` when it is one of the RSA PKCS#1 v1.5 algorithms.
    pub(crate) fn rsa_alg(&self) -> Option<Algorithm> {
        rsa_alg(self.header.get("alg")?.as_str()?)
    }

    pub(crate) fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name)?.as_str()
    }

    pub(crate) fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name)?.as_str()
    }

    /// An integer claim (NumericDate). Fractions and strings do not count.
    pub(crate) fn claim_i64(&self, name: &str) -> Option<i64> {
        self.claims.get(name)?.as_i64()
    }

    /// True when the signature is valid for `key` with `alg`.
    pub(crate) fn verify(&self, key: &DecodingKey, alg: Algorithm) -> bool {
        jsonwebtoken::crypto::verify(&self.signature, self.signing_input.as_bytes(), key, alg)
            .unwrap_or(false)
    }
}

pub(crate) fn rsa_alg(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "RS512" => Some(Algorithm::RS512),
        _ => None,
    }
}

/// The bearer token of an `Authorization: Bearer …` header (scheme case-insensitive).
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
