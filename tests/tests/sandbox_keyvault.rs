//! Key Vault secret operations (config-keyvault-selfservice.md §3.1, §3.2, §3.4): names
//! and limits, versions, paging, soft delete, purge and recover.

use assistant_sandbox::defaults;
use assistant_tests::{Harness, StatusCode};
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
async fn the_admin_sets_reads_and_versions_a_secret() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    let body = json!({"value": "first", "contentType": "application/jwk+json; base64", "tags": {"kid": "k1"}});
    let (status, first) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/secrets/Maskinporten--EncodedJwk?{V}"),
        &token,
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["value"], "first");
    assert_eq!(first["contentType"], "application/jwk+json; base64");
    assert_eq!(first["tags"], json!({"kid": "k1"}));
    assert_eq!(first["attributes"]["enabled"], true);
    assert_eq!(
        first["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );
    let first_version = first["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    call(
        &h,
        reqwest::Method::PUT,
        &format!("/secrets/Maskinporten--EncodedJwk?{V}"),
        &token,
        Some(json!({"value": "second"})),
    )
    .await;
    let (_, latest) = call(
        &h,
        reqwest::Method::GET,
        &format!("/secrets/maskinporten--encodedjwk?{V}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        latest["value"], "second",
        "names are case-insensitive; the latest version wins"
    );
    let (_, old) = call(
        &h,
        reqwest::Method::GET,
        &format!("/secrets/Maskinporten--EncodedJwk/{first_version}?{V}"),
        &token,
        None,
    )
    .await;
    assert_eq!(old["value"], "first");
    let (_, versions) = call(
        &h,
        reqwest::Method::GET,
        &format!("/secrets/Maskinporten--EncodedJwk/versions?{V}"),
        &token,
        None,
    )
    .await;
    assert_eq!(versions["value"].as_array().unwrap().len(), 2);
    assert!(
        versions["value"][0].get("value").is_none(),
        "lists carry no values"
    );
}

#[tokio::test]
async fn the_list_pages_with_maxresults_and_next_link() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    for name in ["a", "b", "c"] {
        call(
            &h,
            reqwest::Method::PUT,
            &format!("/secrets/{name}?{V}"),
            &token,
            Some(json!({"value": "v"})),
        )
        .await;
    }
    let (status, page) = call(
        &h,
        reqwest::Method::GET,
        &format!("/secrets?{V}&maxresults=2"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["value"].as_array().unwrap().len(), 2);
    assert!(page["value"][0].get("value").is_none());
    let next = page["nextLink"].as_str().unwrap().to_owned();
    let rest: Value = h
        .http
        .get(next)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["value"].as_array().unwrap().len(), 1);
    assert_eq!(rest["nextLink"], Value::Null);
    let (status, _) = call(
        &h,
        reqwest::Method::GET,
        &format!("/secrets?{V}&maxresults=26"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_invalid_name_is_400_bad_parameter() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    for name in ["under_score".to_owned(), "a".repeat(128)] {
        let (status, body) = call(
            &h,
            reqwest::Method::PUT,
            &format!("/secrets/{name}?{V}"),
            &token,
            Some(json!({"value": "v"})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}");
        assert_eq!(body["error"]["code"], "BadParameter");
    }
    let (status, _) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/secrets/{}?{V}", "a".repeat(127)),
        &token,
        Some(json!({"value": "v"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "127 characters is the limit");
}

#[tokio::test]
async fn a_value_over_25_kb_is_400() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    let (status, body) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/secrets/big?{V}"),
        &token,
        Some(json!({"value": "x".repeat(25_601)})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "BadParameter");
    let (status, _) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/secrets/big?{V}"),
        &token,
        Some(json!({"value": "x".repeat(25_600)})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_absent_secret_is_404_secret_not_found() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    let (status, body) = call(
        &h,
        reqwest::Method::GET,
        &format!("/secrets/nothing?{V}"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "SecretNotFound");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("A secret with (name/id) nothing was not found in this key vault.")
    );
}

#[tokio::test]
async fn a_soft_deleted_name_is_409_until_recovered_or_purged() {
    let h = Harness::start().await;
    let token = vault_token(&h, defaults::VAULT_ADMIN).await;
    let path = format!("/secrets/s?{V}");
    let put = |value: &str| {
        call(
            &h,
            reqwest::Method::PUT,
            &path,
            &token,
            Some(json!({"value": value})),
        )
    };
    put("one").await;
    let (status, deleted) = call(
        &h,
        reqwest::Method::DELETE,
        &format!("/secrets/s?{V}"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        deleted["recoveryId"]
            .as_str()
            .unwrap()
            .ends_with("/deletedsecrets/s")
    );
    assert!(deleted.get("value").is_none());
    let (status, conflict) = put("two").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"]["code"], "Conflict");
    assert_eq!(
        conflict["error"]["innererror"]["code"],
        "ObjectIsDeletedButRecoverable"
    );
    assert_eq!(
        call(
            &h,
            reqwest::Method::GET,
            &format!("/deletedsecrets/s?{V}"),
            &token,
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &h,
            reqwest::Method::POST,
            &format!("/deletedsecrets/s/recover?{V}"),
            &token,
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &h,
            reqwest::Method::GET,
            &format!("/secrets/s?{V}"),
            &token,
            None
        )
        .await
        .1["value"],
        "one"
    );
    call(
        &h,
        reqwest::Method::DELETE,
        &format!("/secrets/s?{V}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        call(
            &h,
            reqwest::Method::DELETE,
            &format!("/deletedsecrets/s?{V}"),
            &token,
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        put("three").await.0,
        StatusCode::OK,
        "the name is free after a purge"
    );
}
