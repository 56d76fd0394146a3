//! The sandbox's own RSA signing keys (Maskinporten, Altinn platform, Entra), their public JWKs,
//! and the rules for keys that clients register (shape, size, no private members).
//!
//! Keys are generated once per process and shared by every sandbox started in it: RSA key
//! generation is slow in debug builds, and tests start many sandboxes. A new process (a new app
//! launch) gets new keys.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

use crate::SandboxError;

/// One RS256 signing key with its `kid`.
pub(crate) struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    pub decoding: DecodingKey,
    public_jwk: Value,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    fn generate(kid: String) -> Result<Self, SandboxError> {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .map_err(|e| SandboxError::Keys(e.to_string()))?;
        let pem = private
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .map_err(|e| SandboxError::Keys(e.to_string()))?;
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|e| SandboxError::Keys(e.to_string()))?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| SandboxError::Keys(e.to_string()))?;
        let public_jwk =
            json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": e});
        Ok(Self {
            kid,
            encoding,
            decoding,
            public_jwk,
        })
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid`.
    pub(crate) fn sign(&self, claims: &Value) -> Option<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).ok()
    }

    /// The public key set, `{"keys":[…]}`.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.public_jwk] })
    }
}

/// The three issuers' keys.
#[derive(Debug)]
pub(crate) struct ServiceKeys {
    pub maskinporten: SigningKey,
    pub platform: SigningKey,
    pub entra: SigningKey,
}

static KEYS: OnceLock<Result<std::sync::Arc<ServiceKeys>, String>> = OnceLock::new();

impl ServiceKeys {
    /// The process-wide keys, generated on first use off the async threads.
    pub(crate) async fn load() -> Result<std::sync::Arc<ServiceKeys>, SandboxError> {
        if let Some(done) = KEYS.get() {
            return done.clone().map_err(SandboxError::Keys);
        }
        let made = tokio::task::spawn_blocking(|| {
            KEYS.get_or_init(|| {
                let suffix = uuid::Uuid::new_v4().simple().to_string();
                let make =
                    |name: &str| SigningKey::generate(format!("sandbox-{name}-{}", &suffix[..8]));
                Ok(std::sync::Arc::new(ServiceKeys {
                    maskinporten: make("maskinporten").map_err(|e| e.to_string())?,
                    platform: make("altinn-platform").map_err(|e| e.to_string())?,
                    entra: make("entra").map_err(|e| e.to_string())?,
                }))
            })
            .clone()
        })
        .await
        .map_err(|e| SandboxError::Keys(e.to_string()))?;
        made.map_err(SandboxError::Keys)
    }
}

/// A client's public key that passed the registration rules.
#[derive(Debug, Clone)]
pub(crate) struct PublicKey {
    pub kid: String,
    pub alg: Algorithm,
    pub decoding: DecodingKey,
    pub jwk: Value,
}

/// Members a registered JWK may carry (RFC 7517 §4, RFC 7518 §6.3.1 public part, and the
/// optional `exp` DD-admin mentions). Anything else is refused: the sandbox is strict where the
/// real API's tolerance is UNCONFIRMED.
const JWK_MEMBERS: &[&str] = &[
    "kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256", "n", "e", "exp", "iat",
    "nbf",
];
/// RFC 7518 §6.3.2: private RSA members. A public key upload must never carry them.
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth"];

/// Checks a JWK the way Maskinporten registration does.
pub(crate) fn validate_public_jwk(jwk: &Value) -> Result<PublicKey, String> {
    let Some(map) = jwk.as_object() else {
        return Err("a JWK must be a JSON object".into());
    };
    if let Some(private) = PRIVATE_MEMBERS.iter().find(|m| map.contains_key(**m)) {
        // Not in the reference: refusing private material is the safe side (secrets policy).
        return Err(format!(
            "the JWK contains private key material ({private}); post only the public key"
        ));
    }
    if let Some(unknown) = map.keys().find(|k| !JWK_MEMBERS.contains(&k.as_str())) {
        return Err(format!("unknown JWK member {unknown}"));
    }
    // config-keyvault-selfservice §5: "kty, e, n, use, kid, alg required (use enforced since 2025-05-22)".
    let field = |name: &str| -> Result<&str, String> {
        map.get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the JWK member {name} is required"))
    };
    let (kty, use_, kid, alg, n, e) = (
        field("kty")?,
        field("use")?,
        field("kid")?,
        field("alg")?,
        field("n")?,
        field("e")?,
    );
    if kty != "RSA" {
        return Err(format!("kty must be RSA, not {kty}"));
    }
    if use_ != "sig" {
        return Err(format!("use must be sig, not {use_}"));
    }
    // protocols §1.6: kid characters [A-Za-z0-9._-].
    if !kid
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "kid {kid} may only contain A-Z, a-z, 0-9, '.', '_' and '-'"
        ));
    }
    // config-keyvault-selfservice §5: RS256, RS384, RS512.
    let alg = crate::jwt::rsa_alg(alg)
        .ok_or_else(|| format!("alg must be RS256, RS384 or RS512, not {alg}"))?;
    let modulus = URL_SAFE_NO_PAD
        .decode(n)
        .map_err(|_| "n is not base64url".to_owned())?;
    URL_SAFE_NO_PAD
        .decode(e)
        .map_err(|_| "e is not base64url".to_owned())?;
    let bits = modulus_bits(&modulus);
    // protocols §1.6: minimum 2048 bits. Larger keys: config-keyvault-selfservice §5 shows
    // 4096 working (Altinn operator); above 4096 is UNCONFIRMED, so refused.
    if !(2048..=4096).contains(&bits) {
        return Err(format!(
            "the RSA key has {bits} bits; 2048 to 4096 are accepted"
        ));
    }
    let decoding = DecodingKey::from_rsa_components(n, e).map_err(|err| err.to_string())?;
    Ok(PublicKey {
        kid: kid.to_owned(),
        alg,
        decoding,
        jwk: jwk.clone(),
    })
}

fn modulus_bits(bytes: &[u8]) -> usize {
    let Some(first) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    (bytes.len() - first) * 8 - bytes[first].leading_zeros() as usize
}
