//! Who may call the Key Vault emulator (config-keyvault-selfservice.md §3.1, §3.3, §3.4): the
//! api-version, the 401 tenant challenge, token checks and RBAC.

use assistant_sandbox::{Service, defaults};
use assistant_tests::keyvault::{API_VERSION as V, Vault};
use assistant_tests::{Harness, StatusCode, test_key};
use serde_json::{Value, json};

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
    let vault = Vault::with_token(&h, &maskinporten);
    assert_eq!(
        vault.get(&format!("/secrets/x?{V}")).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_expired_vault_token_is_401() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    h.control
        .skew_clock(Service::KeyVault, time::Duration::seconds(3600));
    assert_eq!(
        vault.get(&format!("/secrets?{V}")).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_api_version_is_required_and_must_be_a_known_one() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    let (status, body) = vault.get("/secrets").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("BadParameter"))
    );
    let (status, _) = vault.get("/secrets?api-version=1.0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_identity_without_a_role_gets_403_forbidden_by_rbac() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_NO_ROLE).await;
    let (status, body) = vault
        .put(&format!("/secrets/x?{V}"), json!({"value": "v"}))
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
