//! RSA keys as JWKs: the private JWK kept in the keychain, the public JWK/JWKS/PEM people paste
//! into Samarbeidsportalen, the RFC 7638 thumbprint, and the `EncodedJwk` value for Key Vault.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::secret::{EncodedJwk, PrivateJwk};

/// The only signing algorithm we register and use. Both Altinn.ApiClients.Maskinporten and the
/// app-lib built-in client sign with RS256 whatever the key says
/// (config-keyvault-selfservice.md §1.2, §2.1; protocols.md §1.2 "Use RS256").
pub const ALG: &str = "RS256";
/// `use=sig` is required on every registered key since 2025-05-22 (config-keyvault-selfservice.md §4.2).
pub const USE: &str = "sig";

/// A public RSA JWK with the fields Maskinporten requires on a registered key:
/// `kty, e, n, use, kid, alg` (config-keyvault-selfservice.md §5, DD-admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    pub kty: String,
    pub kid: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub alg: String,
    pub n: String,
    pub e: String,
}

impl PublicJwk {
    pub fn from_key(key: &RsaPrivateKey, kid: &str) -> Self {
        Self {
            kty: "RSA".into(),
            kid: kid.into(),
            use_: USE.into(),
            alg: ALG.into(),
            n: b64u(key.n()).to_string(),
            e: b64u(key.e()).to_string(),
        }
    }

    /// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no spaces.
    pub fn thumbprint(&self) -> String {
        thumbprint(&self.n, &self.e)
    }
}

/// RFC 7638 §3.2 for RSA: `{"e":…,"kty":"RSA","n":…}`.
pub fn thumbprint(n_b64u: &str, e_b64u: &str) -> String {
    let canonical = format!(r#"{{"e":"{e_b64u}","kty":"RSA","n":"{n_b64u}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

fn b64u(value: &BigUint) -> Zeroizing<String> {
    b64u_padded(value, 0)
}

/// Big-endian bytes left-padded with zeros to `len` (never cut: a longer value stays as it is).
fn b64u_padded(value: &BigUint, len: usize) -> Zeroizing<String> {
    let bytes = Zeroizing::new(value.to_bytes_be());
    let mut padded = Zeroizing::new(vec![0u8; len.saturating_sub(bytes.len())]);
    padded.extend_from_slice(&bytes);
    Zeroizing::new(URL_SAFE_NO_PAD.encode(&*padded))
}

/// The octet lengths private parameters are written with: `d` as long as the modulus, the
/// primes and CRT values half of it (rounded up). RFC 7518 §6.3.2 leaves leading zeros to the
/// encoder, but .NET's RSA import on Windows (CNG) demands these exact lengths and throws "The
/// specified RSA parameters are not valid" for a shorter `d`, `dp`, `dq` or `qi`
/// (dotnet/corefx #39087, #41226). About one key in a hundred has such a value; both Altinn
/// clients run on .NET, so every private export is padded.
fn private_lengths(key: &RsaPrivateKey) -> (usize, usize) {
    let modulus = key.n().to_bytes_be().len();
    (modulus, modulus.div_ceil(2))
}

/// The private JWK's JSON shape. Field order follows the list the Altinn libraries document.
#[derive(Serialize)]
struct PrivateJwkJson<'a> {
    kty: &'a str,
    n: &'a str,
    e: &'a str,
    d: &'a str,
    p: &'a str,
    q: &'a str,
    dp: &'a str,
    dq: &'a str,
    qi: &'a str,
    kid: &'a str,
    alg: &'a str,
    #[serde(rename = "use")]
    use_: &'a str,
}

/// The CRT values, computed from d, p and q rather than trusted from an imported file.
pub(crate) struct Crt {
    pub dp: BigUint,
    pub dq: BigUint,
    pub qi: BigUint,
}

pub(crate) fn crt(key: &RsaPrivateKey) -> Option<Crt> {
    let [p, q] = key.primes() else { return None };
    let one = BigUint::from(1u8);
    let two = BigUint::from(2u8);
    // qi = q^-1 mod p, by Fermat (p is prime): q^(p-2) mod p.
    Some(Crt {
        dp: key.d() % (p - &one),
        dq: key.d() % (q - &one),
        qi: q.modpow(&(p - &two), p),
    })
}

/// The full private JWK (`kty n e d p q dp dq qi kid alg use`), which both
/// Altinn.ApiClients.Maskinporten `EncodedJwk` and app-lib `jwkBase64` read; app-lib's
/// `JwkWrapper.Validate()` requires every one of these fields (config-keyvault-selfservice.md §2.1).
pub fn private_jwk(key: &RsaPrivateKey, kid: &str) -> PrivateJwk {
    let [p, q] = key.primes() else {
        unreachable!("keys are always built from two primes (generate and import ensure it)")
    };
    let crt = crt(key).unwrap_or_else(|| unreachable!("two primes checked above"));
    let (full, half) = private_lengths(key);
    let parts = [
        b64u(key.n()),
        b64u(key.e()),
        b64u_padded(key.d(), full),
        b64u_padded(p, half),
        b64u_padded(q, half),
        b64u_padded(&crt.dp, half),
        b64u_padded(&crt.dq, half),
        b64u_padded(&crt.qi, half),
    ];
    let json = PrivateJwkJson {
        kty: "RSA",
        n: &parts[0],
        e: &parts[1],
        d: &parts[2],
        p: &parts[3],
        q: &parts[4],
        dp: &parts[5],
        dq: &parts[6],
        qi: &parts[7],
        kid,
        alg: ALG,
        use_: USE,
    };
    let text = serde_json::to_string(&json).unwrap_or_else(|_| unreachable!("plain strings"));
    PrivateJwk::new(text)
}

/// `EncodedJwk`: standard base64 (RFC 4648 §4, `+/`, `=` padding) of the private JWK JSON, as
/// .NET `Convert.FromBase64String` expects (config-keyvault-selfservice.md §1.2).
pub fn encoded_jwk(jwk: &PrivateJwk) -> EncodedJwk {
    EncodedJwk::new(STANDARD.encode(jwk.expose_secret().as_bytes()))
}

/// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), which the Samarbeidsportalen form accepts.
pub fn spki_pem(key: &RsaPrivateKey) -> String {
    key.to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap_or_else(|_| unreachable!("encoding a valid RSA public key cannot fail"))
}

/// The kid characters Maskinporten allows (`oidc_func_clientreg.md`: `[A-Za-z0-9._-]`).
pub fn is_valid_kid(kid: &str) -> bool {
    !kid.is_empty()
        && kid.len() <= 128
        && kid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_example_thumbprint_matches_the_rfc() {
        // RFC 7638 §3.1 example key and its published thumbprint.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn kid_rule_allows_only_letters_digits_dot_underscore_and_dash() {
        assert!(is_valid_kid("acme-20261121-a1b2c3d4"));
        assert!(is_valid_kid("My.Key_01"));
        for bad in ["", "has space", "æøå", "a/b", "a:b"] {
            assert!(!is_valid_kid(bad), "{bad:?} must be refused");
        }
    }
}
