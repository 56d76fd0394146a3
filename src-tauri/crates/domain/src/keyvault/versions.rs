//! After a rotation: every version of the key secret but the newest is disabled, so nothing
//! can start on an old key by mistake (Key Vault REST "Get Secret Versions" and "Update
//! Secret", config-keyvault-selfservice.md §3.1). Disabled, not deleted: a version can be
//! enabled again if the rotation has to be undone.

use url::Url;

use super::answer::{KeyVaultError, check};
use super::api;
use super::operation::Operation;
use crate::http::{HttpRequest, HttpResponse, Transport};
use crate::secret::AzureToken;

/// One version of a secret, from the versions list (no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: String,
    pub enabled: bool,
    /// `attributes.created`, seconds since 1970.
    pub created: i64,
}

/// `{"value":[{"id":"…/secrets/{name}/{version}","attributes":{"enabled","created"}}],"nextLink"}`.
pub fn parse_versions(
    response: &HttpResponse,
    name: &str,
) -> Result<(Vec<VersionInfo>, Option<String>), KeyVaultError> {
    check(Operation::Versions, Some(name), response)?;
    let unparseable = || KeyVaultError::Unparseable {
        operation: Operation::Versions,
        status: response.status,
        raw: response.text().chars().take(200).collect(),
    };
    let body: serde_json::Value =
        serde_json::from_slice(&response.body).map_err(|_| unparseable())?;
    let items = body["value"].as_array().ok_or_else(unparseable)?;
    let mut versions = Vec::with_capacity(items.len());
    for item in items {
        let id = item["id"].as_str().ok_or_else(unparseable)?;
        let version = id
            .rsplit('/')
            .next()
            .filter(|v| !v.is_empty())
            .ok_or_else(unparseable)?;
        versions.push(VersionInfo {
            version: version.to_string(),
            enabled: item["attributes"]["enabled"].as_bool().unwrap_or(true),
            created: item["attributes"]["created"].as_i64().unwrap_or(0),
        });
    }
    Ok((versions, body["nextLink"].as_str().map(str::to_string)))
}

/// Disables every enabled version of `name` except `keep`; returns the versions disabled.
/// A `nextLink` is followed only on the same vault, so the token never goes elsewhere.
pub async fn disable_all_but(
    transport: &dyn Transport,
    vault: &Url,
    token: &AzureToken,
    name: &str,
    keep: &str,
) -> Result<Vec<String>, KeyVaultError> {
    let mut request = api::all_versions(vault, token, name);
    let mut all = Vec::new();
    for _ in 0..100 {
        let response = send(transport, request, Operation::Versions).await?;
        let (page, next) = parse_versions(&response, name)?;
        all.extend(page);
        match next
            .and_then(|n| Url::parse(&n).ok())
            .filter(|n| n.origin() == vault.origin())
        {
            Some(next) => {
                request = HttpRequest::get(next)
                    .header("Authorization", format!("Bearer {}", token.expose_secret()))
            }
            None => break,
        }
    }
    if !all.iter().any(|v| v.version == keep) {
        // The version just written is not listed: disabling "the others" could hit the new one.
        return Err(KeyVaultError::Unparseable {
            operation: Operation::Versions,
            status: 200,
            raw: format!("version {keep} of {name} is not in the vault's list of versions"),
        });
    }
    let mut disabled = Vec::new();
    for old in all.iter().filter(|v| v.enabled && v.version != keep) {
        let response = send(
            transport,
            api::disable(vault, token, name, &old.version),
            Operation::Disable,
        )
        .await?;
        check(Operation::Disable, Some(name), &response)?;
        disabled.push(old.version.clone());
    }
    Ok(disabled)
}

async fn send(
    transport: &dyn Transport,
    request: HttpRequest,
    operation: Operation,
) -> Result<HttpResponse, KeyVaultError> {
    transport
        .send(request)
        .await
        .map_err(|source| KeyVaultError::Transport { operation, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn versions_are_read_from_their_ids_with_enabled_and_created() {
        let (versions, next) = parse_versions(
            &response(r#"{"value":[{"id":"https://v.vault.azure.net/secrets/k/abc","attributes":{"enabled":false,"created":5}},{"id":"https://v.vault.azure.net/secrets/k/def","attributes":{"enabled":true,"created":9}}],"nextLink":"https://v.vault.azure.net/secrets/k/versions?$skiptoken=x"}"#),
            "k",
        )
        .expect("parsed");
        assert_eq!(
            versions[0],
            VersionInfo {
                version: "abc".into(),
                enabled: false,
                created: 5
            }
        );
        assert_eq!(versions[1].version, "def");
        assert!(next.unwrap().contains("skiptoken"));
        assert!(parse_versions(&response(r#"{"value":[{"attributes":{}}]}"#), "k").is_err());
        assert!(parse_versions(&response("<html>"), "k").is_err());
    }

    #[test]
    fn the_disable_request_patches_one_version_with_enabled_false() {
        let vault = Url::parse("https://v.vault.azure.net/").unwrap();
        let request = api::disable(&vault, &AzureToken::new("t".into()), "k", "abc");
        assert_eq!(request.method, "PATCH");
        assert_eq!(request.url.path(), "/secrets/k/abc");
        assert_eq!(request.body, br#"{"attributes":{"enabled":false}}"#);
    }
}
