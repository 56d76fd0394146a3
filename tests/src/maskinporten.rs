//! Assertions on the Maskinporten emulator's refusals (protocols.md §1): the status, `error`
//! and `error_description` of a token request, for a grant built to break one rule.

use serde_json::{Value, json};

use crate::{Harness, Jwt, StatusCode, test_key};

/// Asserts a Maskinporten error: status, `error` and `error_description`. A description given
/// as `MP-nnn words` means what Maskinporten sends (recorded, tests/conformance/maskinporten):
/// `error_uri` `https://maskinporten.no/errors/MP-nnn`, and the words followed by
/// `(trace_id: …)` in `error_description`.
#[track_caller]
pub fn assert_mp_error(
    actual: &(StatusCode, Value),
    status: StatusCode,
    error: &str,
    description: &str,
) {
    assert_eq!(actual.0, status, "status; body {}", actual.1);
    assert_eq!(actual.1["error"], json!(error), "error; body {}", actual.1);
    let (code, words) = match description.split_once(' ') {
        Some((code, words)) if code.starts_with("MP-") => (Some(code), words),
        _ => (None, description),
    };
    let uri = code.map(|c| format!("https://maskinporten.no/errors/{c}"));
    assert_eq!(
        actual.1["error_uri"].as_str(),
        uri.as_deref(),
        "error_uri; body {}",
        actual.1
    );
    let said = actual.1["error_description"].as_str().unwrap_or_default();
    let (text, trace) = said.rsplit_once(" (trace_id: ").unwrap_or((said, ""));
    assert_eq!(text, words, "error_description; body {}", actual.1);
    assert!(trace.ends_with(')'), "a trace id; body {}", actual.1);
}

/// Starts a sandbox, signs the grant that `build` makes with `test_key(0)` and asserts that
/// Maskinporten refuses it with `status`, `error` and `error_description`.
pub async fn assert_grant_refused(
    build: impl FnOnce(&Harness) -> Jwt,
    status: StatusCode,
    error: &str,
    description: &str,
) {
    let h = Harness::start().await;
    let assertion = build(&h).sign(test_key(0));
    assert_mp_error(
        &h.token_request(&assertion).await,
        status,
        error,
        description,
    );
}

/// A second token request with the same `assertion` is refused: each `jti` is used once.
pub async fn assert_replay_refused(h: &Harness, assertion: &str) {
    assert_mp_error(
        &h.token_request(assertion).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-012 Grant is used before",
    );
}
