//! Key import: a private JWK (JSON, or a JWKS holding one key), the base64 `EncodedJwk` form, or
//! PEM (PKCS#1 `RSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY`). Only RSA keys of at least 2048 bits whose
//! private parts are consistent with the public ones are accepted.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::KeyError;
use super::jwk::{ALG, USE, crt};

/// Maskinporten's minimum key size (protocols.md §1.6).
pub const MIN_BITS: usize = 2048;

/// What an import yields: the key and the kid found in the input, if any. Its Debug shows the
/// kid only (`RsaPrivateKey`'s own Debug would print the private exponent).
pub struct ImportedKey {
    pub key: RsaPrivateKey,
    pub kid: Option<String>,
}

impl std::fmt::Debug for ImportedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportedKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Larger keys than this are refused: Maskinporten does not need them and they make the
/// consistency check slow enough to look like a hang.
pub const MAX_BITS: usize = 8192;

pub fn parse_private_key(text: &str) -> Result<ImportedKey, KeyError> {
    let text = text.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err(KeyError::Unrecognised);
    }
    let imported = if text.starts_with('{') {
        parse_jwk_json(text)?
    } else if text.contains("-----BEGIN") {
        parse_pem(text)?
    } else {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = STANDARD
            .decode(&compact)
            .or_else(|_| URL_SAFE_NO_PAD.decode(compact.trim_end_matches('=')))
            .map_err(|_| KeyError::Unrecognised)?;
        let decoded = Zeroizing::new(String::from_utf8(bytes).map_err(|_| KeyError::Unrecognised)?);
        if !decoded.trim_start().starts_with('{') {
            return Err(KeyError::Unrecognised);
        }
        parse_jwk_json(decoded.trim())?
    };
    check_key(&imported.key)?;
    Ok(imported)
}

fn parse_pem(text: &str) -> Result<ImportedKey, KeyError> {
    let label = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("-----BEGIN ")
                .and_then(|l| l.strip_suffix("-----"))
        })
        .unwrap_or_default();
    let key = match label {
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_pem(text)
            .map_err(|e| KeyError::Malformed(format!("PKCS#1 PEM: {e}")))?,
        "PRIVATE KEY" => RsaPrivateKey::from_pkcs8_pem(text).map_err(|e| {
            // PKCS#8 names the algorithm by OID; anything but rsaEncryption is another key type.
            if e.to_string().contains("algorithm OID") {
                KeyError::NotRsa("a PKCS#8 key of another type (EC, Ed25519, …)".into())
            } else {
                KeyError::Malformed(format!("PKCS#8 PEM: {e}"))
            }
        })?,
        "ENCRYPTED PRIVATE KEY" => return Err(KeyError::Encrypted),
        "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => return Err(KeyError::PublicOnly),
        "EC PRIVATE KEY" | "OPENSSH PRIVATE KEY" | "DSA PRIVATE KEY" => {
            return Err(KeyError::NotRsa(label.to_string()));
        }
        other => {
            return Err(KeyError::Malformed(format!(
                "unknown PEM block \"{other}\""
            )));
        }
    };
    Ok(ImportedKey { key, kid: None })
}

/// Only the fields we read. Private members are wrapped so they are wiped after use.
#[derive(Deserialize)]
struct JwkFields {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
    d: Option<Zeroizing<String>>,
    p: Option<Zeroizing<String>>,
    q: Option<Zeroizing<String>>,
    dp: Option<Zeroizing<String>>,
    dq: Option<Zeroizing<String>>,
    qi: Option<Zeroizing<String>>,
}

#[derive(Deserialize)]
struct JwksFields {
    keys: Vec<serde_json::Value>,
}

fn parse_jwk_json(text: &str) -> Result<ImportedKey, KeyError> {
    let value: Zeroizing<String> = Zeroizing::new(text.to_string());
    let parsed: serde_json::Value = serde_json::from_str(&value)
        .map_err(|e| KeyError::Malformed(format!("JSON: {e} (JSON does not allow comments)")))?;
    let single = if parsed.get("keys").is_some() {
        let jwks: JwksFields = serde_json::from_value(parsed)
            .map_err(|e| KeyError::Malformed(format!("JWKS: {e}")))?;
        match <[serde_json::Value; 1]>::try_from(jwks.keys) {
            Ok([only]) => only,
            Err(keys) => {
                return Err(KeyError::Malformed(format!(
                    "a JWKS with {} keys; import one key at a time",
                    keys.len()
                )));
            }
        }
    } else {
        parsed
    };
    let jwk: JwkFields =
        serde_json::from_value(single).map_err(|e| KeyError::Malformed(format!("JWK: {e}")))?;
    match jwk.kty.as_deref() {
        Some("RSA") => {}
        Some(other) => return Err(KeyError::NotRsa(format!("JWK kty {other}"))),
        None => return Err(KeyError::Malformed("JWK without \"kty\"".into())),
    }
    if let Some(alg) = jwk.alg.as_deref().filter(|a| *a != ALG) {
        return Err(KeyError::UnsupportedAlg(alg.to_string()));
    }
    if let Some(use_) = jwk.use_.as_deref().filter(|u| *u != USE) {
        return Err(KeyError::Malformed(format!(
            "JWK \"use\" is \"{use_}\"; a signing key has \"sig\""
        )));
    }
    let Some(d) = jwk.d.as_deref() else {
        return Err(KeyError::PublicOnly);
    };
    let number = |name: &str, v: Option<&str>| -> Result<BigUint, KeyError> {
        let v = v.ok_or_else(|| KeyError::Malformed(format!("JWK without \"{name}\"")))?;
        let bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(v.trim_end_matches('='))
                .map_err(|_| KeyError::Malformed(format!("JWK \"{name}\" is not base64url")))?,
        );
        Ok(BigUint::from_bytes_be(&bytes))
    };
    let n = number("n", jwk.n.as_deref())?;
    let e = number("e", jwk.e.as_deref())?;
    let d = number("d", Some(d))?;
    let p = number("p", jwk.p.as_deref().map(String::as_str))?;
    let q = number("q", jwk.q.as_deref().map(String::as_str))?;
    let key = RsaPrivateKey::from_components(n, e, d, vec![p, q])
        .map_err(|e| KeyError::Inconsistent(e.to_string()))?;
    // The CRT values, when given, must agree with d, p and q: a key whose dp/dq/qi are wrong
    // signs garbage in .NET (which uses CRT) while looking fine here.
    let computed = crt(&key).ok_or_else(|| KeyError::Inconsistent("not a two-prime key".into()))?;
    for (name, given, want) in [
        ("dp", &jwk.dp, &computed.dp),
        ("dq", &jwk.dq, &computed.dq),
        ("qi", &jwk.qi, &computed.qi),
    ] {
        if let Some(given) = given.as_deref()
            && number(name, Some(given))? != *want
        {
            return Err(KeyError::Inconsistent(format!(
                "\"{name}\" does not match p, q and d"
            )));
        }
    }
    Ok(ImportedKey { key, kid: jwk.kid })
}

/// RSA, two primes, at least 2048 bits, and the private parts consistent with the public ones.
fn check_key(key: &RsaPrivateKey) -> Result<(), KeyError> {
    let bits = key.n().bits();
    if bits < MIN_BITS {
        return Err(KeyError::TooSmall(bits));
    }
    if bits > MAX_BITS {
        return Err(KeyError::Malformed(format!(
            "a {bits}-bit key; at most {MAX_BITS} bits are accepted"
        )));
    }
    if key.primes().len() != 2 {
        return Err(KeyError::Inconsistent(
            "multi-prime RSA keys are not supported".into(),
        ));
    }
    key.validate()
        .map_err(|e| KeyError::Inconsistent(e.to_string()))?;
    let [p, q] = key.primes() else {
        return Err(KeyError::Inconsistent("not a two-prime key".into()));
    };
    if &(p * q) != key.n() {
        return Err(KeyError::Inconsistent("p × q is not n".into()));
    }
    Ok(())
}
