//! Maskinporten, client side: the server metadata, the JWT grant, the token request and the
//! verification of the access token. Each step is a pure request builder and a pure response
//! parser (protocols.md §1); `crate::chain` sends them through the transport.

pub mod access_token;
pub mod grant;
pub mod metadata;
pub mod token;

use crate::http::TransportError;

/// One variant per step that can fail; the server's own words are kept for the diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaskinportenError {
    #[error("Maskinporten's metadata could not be fetched: {0}")]
    MetadataTransport(#[source] TransportError),
    #[error("Maskinporten's metadata answered HTTP {status}")]
    MetadataStatus { status: u16, raw: String },
    #[error("Maskinporten's metadata is not what Maskinporten publishes: {problem}")]
    MetadataInvalid { problem: String, raw: String },
    #[error("the grant could not be signed: {0}")]
    Signing(String),
    #[error("the token request got no answer: {0}")]
    TokenTransport(#[source] TransportError),
    #[error("Maskinporten refused the grant: {error}{}", description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())]
    TokenRejected {
        status: u16,
        error: String,
        description: Option<String>,
        /// The MP code, e.g. `MP-121`: real answers carry it only in `error_uri`
        /// (`https://maskinporten.no/errors/MP-121`, tests/conformance/maskinporten).
        code: Option<String>,
        raw: String,
    },
    #[error("Maskinporten answered HTTP {status} with a body that is not a token response")]
    TokenUnparseable { status: u16, raw: String },
    #[error("Maskinporten's signing keys could not be fetched: {0}")]
    JwksTransport(#[source] TransportError),
    #[error("Maskinporten's signing keys are unusable: {0}")]
    JwksInvalid(String),
    #[error("the access token did not verify against Maskinporten's keys: {0}")]
    AccessTokenInvalid(String),
    /// The token names a key that the JWKS does not hold: Maskinporten rotated its keys since
    /// the set was fetched (the chain fetches it again once), or the token is not Maskinporten's.
    #[error(
        "the access token did not verify against Maskinporten's keys: no signing key with kid {kid:?} at jwks_uri"
    )]
    SigningKeyUnknown { kid: Option<String> },
}

/// Error bodies are kept for the person to read, but never anything shaped like a JWT or a
/// base64 JSON document (`eyJ…`, the start of `{"` encoded): a server or proxy that echoes the
/// request must not get a token, an assertion or an EncodedJwk into a message. Found anywhere
/// in the text, not only at word starts.
pub fn scrub(raw: &str) -> String {
    let token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=');
    let mut out = String::with_capacity(raw.len().min(2000));
    let mut rest = raw;
    while let Some(at) = rest.find("eyJ") {
        out.push_str(&rest[..at]);
        let run = rest[at..]
            .find(|c: char| !token_char(c))
            .unwrap_or(rest.len() - at);
        if run >= 16 {
            out.push_str("[redacted]");
        } else {
            out.push_str(&rest[at..at + run]);
        }
        rest = &rest[at + run..];
    }
    out.push_str(rest);
    out.chars().take(2000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_jwt_shaped_and_base64_json_runs_wherever_they_start() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln";
        let encoded_jwk = "eyJrdHkiOiJSU0EiLCJuIjoiMHZ4N2Fnb2ViR2NRU3V1UGlMSlhacHQifQ==";
        for raw in [
            format!(r#"{{"error":"invalid_grant","echo":"{jwt}"}} x=1"#),
            format!("<td>{jwt}</td> x=1"),
            format!("Bearer%20{jwt} x=1"),
            format!("token:{jwt} x=1"),
            format!("({encoded_jwk}) x=1"),
        ] {
            let clean = scrub(&raw);
            assert!(!clean.contains("eyJ"), "{clean}");
            assert!(
                clean.contains("[redacted]") && clean.contains("x=1"),
                "{clean}"
            );
        }
        assert_eq!(
            scrub("keyJ is a word"),
            "keyJ is a word",
            "short runs are not tokens"
        );
    }
}
