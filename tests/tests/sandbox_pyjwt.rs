//! Third-party proof: grants built by Python's PyJWT (not by our own code) get a token, and the
//! same library's wrong grants are refused with the documented errors. The private key goes to
//! python on stdin, never to a file. Needs `python3 -m pip install PyJWT cryptography jwcrypto`.

use std::process::Stdio;

use assistant_sandbox::defaults;
use assistant_tests::maskinporten::{assert_mp_error, assert_replay_refused};
use assistant_tests::{Harness, StatusCode, test_key};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

/// Reads `{"pem", "kid", "claims"}` on stdin and prints an RS256 JWT signed by PyJWT.
const SIGNER: &str = r#"
import json, sys, jwt
request = json.load(sys.stdin)
print(jwt.encode(request["claims"], request["pem"], algorithm="RS256", headers={"kid": request["kid"]}))
"#;

async fn pyjwt_grant(claims: Value, kid: &str) -> String {
    let mut child = tokio::process::Command::new("python3")
        .args(["-c", SIGNER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let request = json!({"pem": test_key(0).private_pkcs8_pem, "kid": kid, "claims": claims});
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(request.to_string().as_bytes())
        .await
        .expect("write stdin");
    drop(stdin);
    let output = child.wait_with_output().await.expect("python3 finishes");
    assert!(
        output.status.success(),
        "PyJWT failed (python3 -m pip install PyJWT cryptography jwcrypto): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn claims(h: &Harness) -> Value {
    let now = assistant_tests::now();
    json!({"aud": h.issuer(), "iss": defaults::CLIENT_ID, "scope": "altinn:instances.read", "iat": now, "exp": now + 60, "jti": uuid::Uuid::new_v4().to_string()})
}

/// A PyJWT grant with `claims` and `kid` is refused with 400, `error` and `description`.
async fn assert_pyjwt_refused(
    h: &Harness,
    claims: Value,
    kid: &str,
    error: &str,
    description: &str,
) {
    let actual = h.token_request(&pyjwt_grant(claims, kid).await).await;
    assert_mp_error(&actual, StatusCode::BAD_REQUEST, error, description);
}

#[tokio::test]
async fn a_pyjwt_grant_gets_a_token_and_cannot_be_used_twice() {
    let h = Harness::start().await;
    let assertion = pyjwt_grant(claims(&h), &test_key(0).kid).await;
    let (status, body) = h.token_request(&assertion).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "altinn:instances.read");
    assert_replay_refused(&h, &assertion).await;
}

#[tokio::test]
async fn pyjwt_grants_with_a_wrong_aud_an_unknown_kid_or_a_sub_claim_are_refused() {
    let h = Harness::start().await;
    let mut wrong_aud = claims(&h);
    wrong_aud["aud"] = json!(format!("{}token", h.issuer()));
    assert_pyjwt_refused(
        &h,
        wrong_aud,
        &test_key(0).kid,
        "invalid_grant",
        "MP-110 Invalid assertion. Client authentication failed. Invalid JWT claim aud.",
    )
    .await;

    assert_pyjwt_refused(
        &h,
        claims(&h),
        "some-other-kid",
        "invalid_grant",
        "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client.",
    )
    .await;

    let mut with_sub = claims(&h);
    with_sub["sub"] = json!(defaults::CLIENT_ID);
    assert_pyjwt_refused(
        &h,
        with_sub,
        &test_key(0).kid,
        "invalid_request",
        "Invalid assertion. The claim sub is not allowed",
    )
    .await;
}
