//! The self-service client API shape on the Maskinporten port (config-keyvault-selfservice.md
//! §4.2): clients, and key sets of at most five validated public JWKs.

use assistant_sandbox::defaults;
use assistant_tests::{Harness, StatusCode, TestKey, status_and_json, test_key};
use serde_json::{Value, json};

fn new_client(scopes: &[&str]) -> Value {
    json!({
        "integration_type": "maskinporten", "application_type": "web", "client_name": "rehearsal",
        "description": "made in the sandbox", "token_endpoint_auth_method": "private_key_jwt",
        "grant_types": ["urn:ietf:params:oauth:grant-type:jwt-bearer"], "scopes": scopes,
    })
}

async fn call(
    h: &Harness,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = h
        .http
        .request(method, format!("{}api/v1/clients{path}", h.issuer()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    status_and_json(request.send().await.unwrap()).await
}

/// `POST /{client_id}/jwks` with `{"keys": keys}`.
async fn post_keys(h: &Harness, client_id: &str, keys: Value) -> (StatusCode, Value) {
    let body = json!({ "keys": keys });
    call(
        h,
        reqwest::Method::POST,
        &format!("/{client_id}/jwks"),
        Some(body),
    )
    .await
}

/// Posting `keys` on `client_id` is refused with 400 and `description`.
async fn assert_keys_refused(h: &Harness, client_id: &str, keys: Value, description: &str) {
    let (status, error) = post_keys(h, client_id, keys).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error_description"], description);
}

#[tokio::test]
async fn a_client_created_through_the_api_gets_a_token_with_its_posted_key() {
    let h = Harness::start().await;
    let (status, client) = call(
        &h,
        reqwest::Method::POST,
        "",
        Some(new_client(&["altinn:instances.read"])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    assert_eq!(
        client["client_orgno"],
        defaults::ORG_NUMBER,
        "defaults to the rehearsing org"
    );
    let id = client["client_id"].as_str().unwrap().to_owned();
    let (status, keys) = post_keys(&h, &id, json!([test_key(1).public_jwk()])).await;
    assert_eq!(status, StatusCode::CREATED, "{keys}");
    assert!(
        keys["keys"][0]["exp"].is_i64(),
        "exp filled in: a year after posting"
    );
    let grant = h
        .grant_for(&id, "altinn:instances.read")
        .header("kid", json!(test_key(1).kid));
    assert_eq!(
        h.token_request(&grant.sign(test_key(1))).await.0,
        StatusCode::OK
    );
    let (status, listed) = call(&h, reqwest::Method::GET, "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["client_id"] == json!(id))
    );
}

#[tokio::test]
async fn a_client_needs_the_maskinporten_integration_type() {
    let h = Harness::start().await;
    let mut body = new_client(&[]);
    body["integration_type"] = json!("idporten");
    let (status, error) = call(&h, reqwest::Method::POST, "", Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_request");
    assert_eq!(error["errors"][0]["fieldIdentifier"], "integration_type");
    assert_eq!(
        error["error_description"],
        "integration_type must be maskinporten"
    );
}

#[tokio::test]
async fn the_integration_type_cannot_change_on_update() {
    let h = Harness::start().await;
    let path = format!("/{}", defaults::CLIENT_ID);
    let update = |body: Value| call(&h, reqwest::Method::PUT, &path, Some(body));
    let (status, error) = update(json!({"integration_type": "idporten"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error["error_description"],
        "integration_type cannot be changed"
    );
    let (status, updated) = update(json!({"client_name": "renamed"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["client_name"], "renamed");
}

#[tokio::test]
async fn more_than_five_keys_are_refused() {
    let h = Harness::start().await;
    let keys: Vec<Value> = (0..6)
        .map(|i| {
            let mut jwk = test_key(0).public_jwk();
            jwk["kid"] = json!(format!("k{i}"));
            jwk
        })
        .collect();
    assert_keys_refused(
        &h,
        defaults::CLIENT_ID,
        json!(keys),
        "6 keys posted; a client can have at most 5",
    )
    .await;
}

#[tokio::test]
async fn a_private_jwk_is_refused() {
    let h = Harness::start().await;
    let mut jwk = test_key(1).public_jwk();
    jwk["d"] = json!("c2VjcmV0");
    assert_keys_refused(
        &h,
        defaults::CLIENT_ID,
        json!([jwk]),
        "the JWK contains private key material (d); post only the public key",
    )
    .await;
}

#[tokio::test]
async fn a_key_without_use_is_refused() {
    let h = Harness::start().await;
    let mut jwk = test_key(1).public_jwk();
    jwk.as_object_mut().unwrap().remove("use");
    assert_keys_refused(
        &h,
        defaults::CLIENT_ID,
        json!([jwk]),
        "the JWK member use is required",
    )
    .await;
}

#[tokio::test]
async fn a_1024_bit_key_is_refused() {
    let h = Harness::start().await;
    let small = TestKey::generate("small-key", 1024);
    assert_keys_refused(
        &h,
        defaults::CLIENT_ID,
        json!([small.public_jwk()]),
        "the RSA key has 1024 bits; 2048 to 4096 are accepted",
    )
    .await;
}

#[tokio::test]
async fn an_empty_key_set_is_refused_and_delete_removes_every_key() {
    let h = Harness::start().await;
    let path = format!("/{}/jwks", defaults::CLIENT_ID);
    assert_keys_refused(
        &h,
        defaults::CLIENT_ID,
        json!([]),
        "the key set is empty; use DELETE to remove every key",
    )
    .await;
    assert_eq!(
        call(&h, reqwest::Method::DELETE, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&h, reqwest::Method::GET, &path, None).await.1,
        json!({"keys": []})
    );
    let answer = h.token_request(&h.grant().sign(test_key(0))).await;
    assistant_tests::maskinporten::assert_mp_error(
        &answer,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client.",
    );
}

#[tokio::test]
async fn posting_keys_replaces_the_whole_set() {
    let h = Harness::start().await;
    let path = format!("/{}/jwks", defaults::CLIENT_ID);
    let (status, _) = post_keys(&h, defaults::CLIENT_ID, json!([test_key(1).public_jwk()])).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, keys) = call(&h, reqwest::Method::GET, &path, None).await;
    let kids: Vec<&str> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert_eq!(
        kids,
        [test_key(1).kid.as_str()],
        "the earlier test-key-0 is gone"
    );
}

#[tokio::test]
async fn a_kid_registered_on_another_client_is_refused() {
    let h = Harness::start().await;
    assert_keys_refused(
        &h,
        defaults::DIGDIR_CLIENT_ID,
        json!([test_key(0).public_jwk()]),
        "kid test-key-0 is already registered on another client",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_client_is_404_and_delete_is_204() {
    let h = Harness::start().await;
    let (status, error) = call(&h, reqwest::Method::GET, "/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error_description"], "client nope not found");
    let digdir = format!("/{}", defaults::DIGDIR_CLIENT_ID);
    assert_eq!(
        call(&h, reqwest::Method::DELETE, &digdir, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&h, reqwest::Method::GET, &digdir, None).await.0,
        StatusCode::NOT_FOUND
    );
}
