//! Key Vault secret operations (config-keyvault-selfservice.md §3.1, §3.2, §3.4): names
//! and limits, versions, paging, soft delete, purge and recover.

use assistant_sandbox::defaults;
use assistant_tests::keyvault::{API_VERSION as V, Vault};
use assistant_tests::{Harness, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn the_admin_sets_reads_and_versions_a_secret() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    let body = json!({"value": "first", "contentType": "application/jwk+json; base64", "tags": {"kid": "k1"}});
    let (status, first) = vault
        .put(&format!("/secrets/Maskinporten--EncodedJwk?{V}"), body)
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
    vault
        .put(
            &format!("/secrets/Maskinporten--EncodedJwk?{V}"),
            json!({"value": "second"}),
        )
        .await;
    let (_, latest) = vault
        .get(&format!("/secrets/maskinporten--encodedjwk?{V}"))
        .await;
    assert_eq!(
        latest["value"], "second",
        "names are case-insensitive; the latest version wins"
    );
    let (_, old) = vault
        .get(&format!(
            "/secrets/Maskinporten--EncodedJwk/{first_version}?{V}"
        ))
        .await;
    assert_eq!(old["value"], "first");
    let (_, versions) = vault
        .get(&format!("/secrets/Maskinporten--EncodedJwk/versions?{V}"))
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
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    for name in ["a", "b", "c"] {
        vault
            .put(&format!("/secrets/{name}?{V}"), json!({"value": "v"}))
            .await;
    }
    let (status, page) = vault.get(&format!("/secrets?{V}&maxresults=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["value"].as_array().unwrap().len(), 2);
    assert!(page["value"][0].get("value").is_none());
    let next = page["nextLink"].as_str().unwrap().to_owned();
    let rest = h.get_json_as(next, vault.token()).await;
    assert_eq!(rest["value"].as_array().unwrap().len(), 1);
    assert_eq!(rest["nextLink"], Value::Null);
    let (status, _) = vault.get(&format!("/secrets?{V}&maxresults=26")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_invalid_name_is_400_bad_parameter() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    for name in ["under_score".to_owned(), "a".repeat(128)] {
        let (status, body) = vault
            .put(&format!("/secrets/{name}?{V}"), json!({"value": "v"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}");
        assert_eq!(body["error"]["code"], "BadParameter");
    }
    let (status, _) = vault
        .put(
            &format!("/secrets/{}?{V}", "a".repeat(127)),
            json!({"value": "v"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "127 characters is the limit");
}

#[tokio::test]
async fn a_value_over_25_kb_is_400() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    let path = format!("/secrets/big?{V}");
    let (status, body) = vault.put(&path, json!({"value": "x".repeat(25_601)})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "BadParameter");
    let (status, _) = vault.put(&path, json!({"value": "x".repeat(25_600)})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_absent_secret_is_404_secret_not_found() {
    let h = Harness::start().await;
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    let (status, body) = vault.get(&format!("/secrets/nothing?{V}")).await;
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
    let vault = Vault::sign_in(&h, defaults::VAULT_ADMIN).await;
    let path = format!("/secrets/s?{V}");
    let deleted_path = format!("/deletedsecrets/s?{V}");
    let put = |value: &str| vault.put(&path, json!({"value": value}));
    put("one").await;
    let (status, deleted) = vault.delete(&path).await;
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
    assert_eq!(vault.get(&deleted_path).await.0, StatusCode::OK);
    assert_eq!(
        vault
            .post(&format!("/deletedsecrets/s/recover?{V}"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(vault.get(&path).await.1["value"], "one");
    vault.delete(&path).await;
    assert_eq!(vault.delete(&deleted_path).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        put("three").await.0,
        StatusCode::OK,
        "the name is free after a purge"
    );
}
