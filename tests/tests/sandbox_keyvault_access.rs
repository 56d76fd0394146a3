//! Who may call the Key Vault emulator (config-keyvault-selfservice.md §3.1, §3.3, §3.4): the
//! api-version, the 401 tenant challenge, token checks and RBAC.

use assistant_sandbox::{Service, defaults};
use assistant_tests::{Harness, StatusCode, test_key};
use serde_json::{Value, json};

const V: &str = "api-version=7.6";

/// Signs in through the device-code flow as `identity` and returns the vault token.
async fn vault_token(h: &Harness, identity: &str) -> String {
    let entra = &h.sandbox.urls().entra;
    let code: Value = h
        .http
        .post(format!(
            "{entra}/{}/oauth2/v2.0/devicecode",
            defaults::TENANT_ID
        ))
        .form(&[
            ("client_id", defaults::AZURE_CLI_CLIENT_ID),
            ("scope", "https://vault.azure.net/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    h.control
        .approve_device_code(code["user_code"].as_str().unwrap(), identity)
        .unwrap();
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", defaults::AZURE_CLI_CLIENT_ID),
        ("device_code", code["device_code"].as_str().unwrap()),
    ];
    let token: Value = h
        .http
        .post(format!("{entra}/{}/oauth2/v2.0/token", defaults::TENANT_ID))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

async fn call(
    h: &Harness,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = h
        .http
        .request(method, format!("{}{path}", h.sandbox.urls().key_vault))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn no_bearer_gets_401_with_the_tenant_challenge() {
    let h = Harness::start().await;
    let response = h
        .http
        .get(format!("{}/secrets/x?{V}", h.sandbox.urls().key_vault))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        challenge,
        format!(
            "Bearer authorization=\"{}/{}\", resource=\"https://vault.azure.net\"",
            h.sandbox.urls().entra,
            defaults::TENANT_ID
        )
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Unauthorized");
}

#[tokio::test]
async fn a_token_that_is_not_from_the_sandbox_entra_is_401() {
    let h = Harness::start().await;
    let maskinporten = h.maskinporten_token(&h.grant(), test_key(0)).await;
    assert_eq!(
        call(
            &h,
            reqwest::Method::GET,
            &format!("/secrets/x?{V}"),
            &maskinporten,
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_expired_vault_token_is_401() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    h.control
        .skew_clock(Service::KeyVault, time::Duration::seconds(3600));
    assert_eq!(
        call(
            &h,
            reqwest::Method::GET,
            &format!("/secrets?{V}"),
            &token,
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_api_version_is_required_and_must_be_a_known_one() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    let (status, body) = call(&h, reqwest::Method::GET, "/secrets", &token, None).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("BadParameter"))
    );
    let (status, _) = call(
        &h,
        reqwest::Method::GET,
        "/secrets?api-version=1.0",
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_identity_without_a_role_gets_403_forbidden_by_rbac() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_NO_ROLE).await;
    let (status, body) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/secrets/x?{V}"),
        &token,
        Some(json!({"value": "v"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "Forbidden");
    assert_eq!(body["error"]["innererror"]["code"], "ForbiddenByRbac");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action'"),
        "{message}"
    );
    assert!(
        message.contains("DecisionReason: 'DeniedWithNoValidRBAC'"),
        "{message}"
    );
}
