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

/// The longest text read as a key. An 8192-bit private JWK, pretty-printed and then base64'd
/// (`EncodedJwk`), is about 9 KiB; PEM is smaller. Checked before any parsing, so a huge paste
/// never reaches big-number arithmetic (whose cost grows with the square of the size).
pub const MAX_TEXT_BYTES: usize = 24 * 1024;

/// A key without a password. An encrypted PKCS#8 key gives [`KeyError::Encrypted`]: ask for
/// the password and use [`parse_private_key_with`].
pub fn parse_private_key(text: &str) -> Result<ImportedKey, KeyError> {
    parse_private_key_with(text, None)
}

/// As [`parse_private_key`], decrypting an `ENCRYPTED PRIVATE KEY` (PKCS#8, PBES2) in memory
/// with `password`. The decrypted key never exists anywhere but in this process.
pub fn parse_private_key_with(text: &str, password: Option<&str>) -> Result<ImportedKey, KeyError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(KeyError::TooLarge(text.len()));
    }
    let text = text.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err(KeyError::Unrecognised);
    }
    let imported = if text.starts_with('{') {
        parse_jwk_json(text)?
    } else if text.contains("-----BEGIN") {
        parse_pem(text, password)?
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

fn parse_pem(text: &str, password: Option<&str>) -> Result<ImportedKey, KeyError> {
    let label = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("-----BEGIN ")
                .and_then(|l| l.strip_suffix("-----"))
        })
        .unwrap_or_default();
    let key = match label {
        "RSA PRIVATE KEY" if text.contains("Proc-Type: 4,ENCRYPTED") => {
            return Err(KeyError::LegacyEncrypted);
        }
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_pem(text)
            .map_err(|e| KeyError::Malformed(format!("PKCS#1 PEM: {e}")))?,
        "PRIVATE KEY" => RsaPrivateKey::from_pkcs8_pem(text).map_err(|e| match e {
            // PKCS#8 names the algorithm by OID and rsa checks it as an SPKI algorithm
            // identifier: anything but rsaEncryption is another key type.
            pkcs8::Error::PublicKey(_) => {
                KeyError::NotRsa("a PKCS#8 key of another type (EC, Ed25519, …)".into())
            }
            other => KeyError::Malformed(format!("PKCS#8 PEM: {other}")),
        })?,
        "ENCRYPTED PRIVATE KEY" => match password {
            None => return Err(KeyError::Encrypted),
            Some(password) => decrypt_pkcs8(text, password)?,
        },
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

/// PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5958 §3) with PBES2 (RFC 8018): what `openssl pkcs8
/// -topk8`, `openssl genpkey -aes256` and .NET's `ExportEncryptedPkcs8PrivateKeyPem` write.
fn decrypt_pkcs8(text: &str, password: &str) -> Result<RsaPrivateKey, KeyError> {
    use rsa::pkcs8::der::Decode;
    use rsa::pkcs8::der::pem::PemLabel;
    let (label, der) = rsa::pkcs8::der::pem::decode_vec(text.as_bytes())
        .map_err(|e| KeyError::Malformed(format!("encrypted PKCS#8 PEM: {e}")))?;
    if label != pkcs8::EncryptedPrivateKeyInfo::PEM_LABEL {
        return Err(KeyError::Malformed(format!("unexpected PEM label {label}")));
    }
    // Old schemes (PKCS#12 PBE with 3DES or RC2, PBES1 with DES) do not even parse as PBES2.
    const REENCRYPT: &str = "re-encrypt it, still protected, with openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-aes.pem";
    let info = pkcs8::EncryptedPrivateKeyInfo::from_der(&der).map_err(|e| {
        KeyError::Malformed(format!(
            "its encryption is not one read here ({e}); {REENCRYPT}"
        ))
    })?;
    // Decryption with a wrong password mostly fails the padding check, and otherwise yields
    // bytes that are no PKCS#8 structure: both mean the same to the person.
    let document = info.decrypt(password).map_err(|e| match e {
        // pkcs5 0.7.1 reports a bad padding after CBC decryption as `EncryptFailed`
        // (pbes2/encryption.rs, cbc_decrypt): the usual sign of a wrong password.
        pkcs8::Error::EncryptedPrivateKey(
            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed,
        ) => KeyError::WrongPassword,
        pkcs8::Error::EncryptedPrivateKey(other) => KeyError::Malformed(format!(
            "its encryption is not one read here ({other}); {REENCRYPT}"
        )),
        // The padding happened to come out right (about 1 in 256 wrong passwords), and the
        // decrypted bytes are then checked as DER: garbage, because the password was wrong.
        pkcs8::Error::Asn1(_) => KeyError::WrongPassword,
        other => KeyError::Malformed(format!("encrypted PKCS#8: {other}")),
    })?;
    RsaPrivateKey::from_pkcs8_der(document.as_bytes()).map_err(|e| match e {
        // rsa checks the algorithm identifier (`assert_algorithm_oid`), which fails as an SPKI
        // error: a decrypted key of another type.
        pkcs8::Error::PublicKey(_) => {
            KeyError::NotRsa("a PKCS#8 key of another type (EC, Ed25519, …)".into())
        }
        _ => KeyError::WrongPassword,
    })
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
    // Sizes first, from the text alone: big-number work on an oversized member is what makes
    // a hostile key cost minutes.
    let n_bytes = encoded_len(jwk.n.as_deref());
    if n_bytes * 8 > MAX_BITS {
        return Err(KeyError::TooManyBits(n_bytes * 8));
    }
    for (name, value) in [
        ("e", jwk.e.as_deref()),
        ("d", Some(d)),
        ("p", jwk.p.as_deref().map(String::as_str)),
        ("q", jwk.q.as_deref().map(String::as_str)),
        ("dp", jwk.dp.as_deref().map(String::as_str)),
        ("dq", jwk.dq.as_deref().map(String::as_str)),
        ("qi", jwk.qi.as_deref().map(String::as_str)),
    ] {
        if encoded_len(value) > n_bytes {
            return Err(KeyError::Inconsistent(format!(
                "\"{name}\" is longer than the modulus"
            )));
        }
    }
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

/// How many bytes a base64url member decodes to, without decoding it.
fn encoded_len(value: Option<&str>) -> usize {
    let chars = value.map_or(0, |v| v.trim_end_matches('=').len());
    chars * 3 / 4
}

/// RSA, two primes, at least 2048 bits, and the private parts consistent with the public ones.
fn check_key(key: &RsaPrivateKey) -> Result<(), KeyError> {
    let bits = key.n().bits();
    if bits < MIN_BITS {
        return Err(KeyError::TooSmall(bits));
    }
    if bits > MAX_BITS {
        return Err(KeyError::TooManyBits(bits));
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

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::der::{Encode, pem::LineEnding, pem::PemLabel};

    /// A PBES2 container holding `plaintext`, encrypted with `password`.
    fn encrypted(plaintext: &[u8], password: &str) -> String {
        let salt = [7u8; 16];
        let iv = [9u8; 16];
        let params = pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(1000, &salt, &iv)
            .expect("parameters");
        let scheme = pkcs8::pkcs5::EncryptionScheme::from(params);
        let data = scheme.encrypt(password, plaintext).expect("encrypt");
        let info = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: scheme,
            encrypted_data: &data,
        };
        let der = info.to_der().expect("DER");
        rsa::pkcs8::der::pem::encode_string(
            pkcs8::EncryptedPrivateKeyInfo::PEM_LABEL,
            LineEnding::LF,
            &der,
        )
        .expect("PEM")
    }

    #[test]
    fn bytes_that_decrypt_with_a_good_padding_but_are_no_der_mean_a_wrong_password() {
        // What about one wrong password in 256 produces: the padding fits, the DER does not.
        let pem = encrypted(b"\x9a\x1f not a PKCS#8 structure at all", "typed");
        let error = decrypt_pkcs8(&pem, "typed").expect_err("garbage");
        assert!(matches!(error, KeyError::WrongPassword), "{error}");
        // A well-formed DER structure that is no private key: the same to the person.
        let pem = encrypted(&[0x30, 0x03, 0x02, 0x01, 0x05], "typed");
        let error = decrypt_pkcs8(&pem, "typed").expect_err("no key");
        assert!(matches!(error, KeyError::WrongPassword), "{error}");
    }
}
