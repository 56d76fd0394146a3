//! Assertions on the Maskinporten emulator's refusals (protocols.md §1): the status, `error`
//! and `error_description` of a token request, for a grant built to break one rule.

use serde_json::{Value, json};

use crate::{Harness, Jwt, StatusCode, test_key};

/// Asserts a Maskinporten error: status, `error` and `error_description`.
#[track_caller]
pub fn assert_mp_error(
    actual: &(StatusCode, Value),
    status: StatusCode,
    error: &str,
    description: &str,
) {
    assert_eq!(actual.0, status, "status; body {}", actual.1);
    assert_eq!(actual.1["error"], json!(error), "error; body {}", actual.1);
    assert_eq!(
        actual.1["error_description"],
        json!(description),
        "error_description; body {}",
        actual.1
    );
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
