//! Maskinporten, client side: the server metadata, the JWT grant, the token request and the
//! verification of the access token. Each step is a pure request builder and a pure response
//! parser (protocols.md §1); `crate::token_test` sends them through the transport.

pub mod access_token;
pub mod grant;
pub mod metadata;
pub mod token;

use crate::http::TransportError;

/// One variant per step that can fail; the server's own words are kept for the diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaskinportenError {
    #[error("Maskinporten's metadata could not be fetched: {0}")]
    MetadataTransport(TransportError),
    #[error("Maskinporten's metadata answered HTTP {status}")]
    MetadataStatus { status: u16, raw: String },
    #[error("Maskinporten's metadata is not what Maskinporten publishes: {problem}")]
    MetadataInvalid { problem: String, raw: String },
    #[error("the grant could not be signed: {0}")]
    Signing(String),
    #[error("the token request got no answer: {0}")]
    TokenTransport(TransportError),
    #[error("Maskinporten refused the grant: {error}{}", description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())]
    TokenRejected {
        status: u16,
        error: String,
        description: Option<String>,
        raw: String,
    },
    #[error("Maskinporten answered HTTP {status} with a body that is not a token response")]
    TokenUnparseable { status: u16, raw: String },
    #[error("Maskinporten's signing keys could not be fetched: {0}")]
    JwksTransport(TransportError),
    #[error("Maskinporten's signing keys are unusable: {0}")]
    JwksInvalid(String),
    #[error("the access token did not verify against Maskinporten's keys: {0}")]
    AccessTokenInvalid(String),
}

/// Error bodies are kept for the person to read, but never anything shaped like a JWT: a server
/// (or a proxy) that echoes the request must not get a token or assertion into a log.
pub fn scrub(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(2000));
    for word in raw.split_inclusive(|c: char| {
        c.is_whitespace() || c == '"' || c == '\'' || c == '=' || c == '&'
    }) {
        let trimmed = word.trim_end_matches(|c: char| {
            c.is_whitespace() || c == '"' || c == '\'' || c == '=' || c == '&'
        });
        if trimmed.starts_with("eyJ") && trimmed.matches('.').count() >= 1 {
            out.push_str("[redacted]");
            out.push_str(&word[trimmed.len()..]);
        } else {
            out.push_str(word);
        }
    }
    out.chars().take(2000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_jwt_shaped_words_and_keeps_the_rest() {
        let raw = r#"{"error":"invalid_grant","echo":"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.sig"} assertion=eyJa.b.c&x=1"#;
        let clean = scrub(raw);
        assert!(!clean.contains("eyJ"), "{clean}");
        assert!(
            clean.contains("invalid_grant") && clean.contains("x=1"),
            "{clean}"
        );
    }
}
