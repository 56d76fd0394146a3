//! The Key Vault secrets REST API, requests (config-keyvault-selfservice.md §3.1): pure builders
//! for the operations this tool uses. What the vault answers is read in `answer`.

use std::collections::BTreeMap;

use url::Url;

use super::API_VERSION;
pub use super::answer::{
    KeyVaultError, Reason, SignInRefusal, StoredSecret, VaultError, check, parse_error,
    parse_secret,
};
pub use super::operation::Operation;
use crate::http::HttpRequest;
use crate::secret::AzureToken;

fn url(vault: &Url, path: &str, query: &[(&str, &str)]) -> Url {
    let mut url = vault.clone();
    let base = vault.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{base}{path}"));
    url.set_query(None);
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("api-version", API_VERSION);
        for (key, value) in query {
            pairs.append_pair(key, value);
        }
    }
    url
}

fn authorized(request: HttpRequest, token: &AzureToken) -> HttpRequest {
    request
        .header("Authorization", format!("Bearer {}", token.expose_secret()))
        .header("Accept", "application/json")
}

/// `GET /secrets?maxresults=1` without a token: the 401 carries the tenant (§3.3).
pub fn unauthenticated_list(vault: &Url) -> HttpRequest {
    HttpRequest::get(url(vault, "/secrets", &[("maxresults", "1")]))
        .header("Accept", "application/json")
}

/// `GET /secrets?maxresults=1`: tests the list permission the app needs too (§2.4, §3.4).
pub fn list(vault: &Url, token: &AzureToken) -> HttpRequest {
    authorized(unauthenticated_list(vault), token)
}

/// `GET /secrets/{name}`: the latest version, with its value.
pub fn get(vault: &Url, token: &AzureToken, name: &str) -> HttpRequest {
    authorized(
        HttpRequest::get(url(vault, &format!("/secrets/{name}"), &[])),
        token,
    )
}

/// `GET /secrets/{name}/versions?maxresults=1`: whether a name exists, without reading a value.
pub fn versions(vault: &Url, token: &AzureToken, name: &str) -> HttpRequest {
    let target = url(
        vault,
        &format!("/secrets/{name}/versions"),
        &[("maxresults", "1")],
    );
    authorized(HttpRequest::get(target), token)
}

/// `GET /secrets/{name}/versions?maxresults=25`: every version's id and attributes, no values
/// (Key Vault REST "Get Secret Versions"; 25 is its page maximum). Later pages come by `nextLink`.
pub fn all_versions(vault: &Url, token: &AzureToken, name: &str) -> HttpRequest {
    let target = url(
        vault,
        &format!("/secrets/{name}/versions"),
        &[("maxresults", "25")],
    );
    authorized(HttpRequest::get(target), token)
}

/// `PATCH /secrets/{name}/{version}` with `{"attributes":{"enabled":false}}` (Key Vault REST
/// "Update Secret"): the version stays, readable again once enabled, but `GET` by version fails
/// and nothing can start on it by mistake.
pub fn disable(vault: &Url, token: &AzureToken, name: &str, version: &str) -> HttpRequest {
    let mut request = HttpRequest::post(
        url(vault, &format!("/secrets/{name}/{version}"), &[]),
        "application/json",
        br#"{"attributes":{"enabled":false}}"#.to_vec(),
    );
    request.method = "PATCH";
    authorized(request, token)
}

/// `GET /deletedsecrets/{name}`.
pub fn get_deleted(vault: &Url, token: &AzureToken, name: &str) -> HttpRequest {
    authorized(
        HttpRequest::get(url(vault, &format!("/deletedsecrets/{name}"), &[])),
        token,
    )
}

/// `POST /deletedsecrets/{name}/recover`.
pub fn recover(vault: &Url, token: &AzureToken, name: &str) -> HttpRequest {
    let target = url(vault, &format!("/deletedsecrets/{name}/recover"), &[]);
    authorized(
        HttpRequest::post(target, "application/json", b"{}".to_vec()),
        token,
    )
}

/// `DELETE /deletedsecrets/{name}`.
pub fn purge(vault: &Url, token: &AzureToken, name: &str) -> HttpRequest {
    let mut request = HttpRequest::get(url(vault, &format!("/deletedsecrets/{name}"), &[]));
    request.method = "DELETE";
    authorized(request, token)
}

/// `PUT /secrets/{name}` with `{value, contentType, tags}` (§3.1). No `attributes.exp`: the key
/// expiry goes in a tag, so no tool ever treats the secret itself as expired.
pub fn set(
    vault: &Url,
    token: &AzureToken,
    name: &str,
    value: &str,
    content_type: &str,
    tags: &BTreeMap<String, String>,
) -> HttpRequest {
    // Serialized from borrowed fields straight into the request body (wiped on drop), with no
    // intermediate `serde_json::Value` holding another copy of the secret.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct SetSecret<'a> {
        value: &'a str,
        content_type: &'a str,
        tags: &'a BTreeMap<String, String>,
    }
    let body = SetSecret {
        value,
        content_type,
        tags,
    };
    let mut request = HttpRequest::post(
        url(vault, &format!("/secrets/{name}"), &[]),
        "application/json",
        serde_json::to_vec(&body).unwrap_or_default(),
    );
    request.method = "PUT";
    authorized(request, token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vault() -> Url {
        Url::parse("https://acme-kv.vault.azure.net").expect("url")
    }

    #[test]
    fn requests_carry_the_api_version_the_bearer_token_and_exact_paths() {
        let token = AzureToken::new("tok".into());
        let list = list(&vault(), &token);
        assert_eq!(
            list.url.as_str(),
            "https://acme-kv.vault.azure.net/secrets?api-version=2025-07-01&maxresults=1"
        );
        assert_eq!(list.header_value("authorization"), Some("Bearer tok"));
        let purge = purge(&vault(), &token, "a--B");
        assert_eq!(
            (purge.method, purge.url.path()),
            ("DELETE", "/deletedsecrets/a--B")
        );
        let recover = recover(&vault(), &token, "a--B");
        assert_eq!(recover.url.path(), "/deletedsecrets/a--B/recover");
        assert!(
            unauthenticated_list(&vault())
                .header_value("authorization")
                .is_none()
        );
    }

    #[test]
    fn a_set_body_has_value_content_type_and_tags_only() {
        let tags = BTreeMap::from([("kid".to_string(), "k1".to_string())]);
        let request = set(
            &vault(),
            &AzureToken::new("t".into()),
            "n",
            "v",
            "text/plain",
            &tags,
        );
        assert_eq!(request.method, "PUT");
        let body: Value = serde_json::from_slice(&request.body).expect("json");
        assert_eq!(
            body,
            serde_json::json!({"value": "v", "contentType": "text/plain", "tags": {"kid": "k1"}})
        );
    }
}
