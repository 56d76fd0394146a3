//! What the Key Vault secrets API answers (config-keyvault-selfservice.md §3.1, §3.4): the parse
//! of a `SecretBundle`, and every error answer sorted into a [`Reason`] that `explain` turns into
//! words.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use url::Url;

use super::operation::Operation;
use super::scrub;
use crate::http::{HttpResponse, TransportError};
use crate::secret::VaultValue;

/// Why the vault said no (§3.4), or what else it said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VaultReason")]
pub enum Reason {
    /// 401: no token, an expired one, the wrong audience or the wrong tenant.
    Unauthorized,
    /// 403 on an RBAC vault: no role that allows the action.
    ForbiddenByRbac,
    /// 403 on an access-policy vault: the policy lacks the permission.
    ForbiddenByPolicy,
    /// 403, the older code for ForbiddenByPolicy.
    AccessDenied,
    /// 403: the vault's firewall does not allow this computer's address.
    ForbiddenByFirewall,
    /// 403: the secret exists but is disabled (inner code UNCONFIRMED, §3.4).
    SecretDisabled,
    /// 403 with no code we know.
    Forbidden,
    /// 404 SecretNotFound: absent (fine before a first write).
    NotFound,
    /// 409 ObjectIsDeletedButRecoverable: the name is soft-deleted.
    SoftDeleted,
    /// 409 ObjectIsBeingDeleted: a purge or delete is still running.
    BeingDeleted,
    /// 409 with another code.
    Conflict,
    /// 429: throttled (4,000 requests / 10 s per vault, §3.2).
    Throttled,
    /// 400: the request was refused as malformed (a bad name, a too-large value).
    BadRequest,
    /// 5xx.
    ServerError,
    /// Anything else.
    Unexpected,
}

/// What a 401 names as its cause. Key Vault's `code` is `Unauthorized` for every one of them; the
/// `AKV` code at the start of the message tells them apart (recorded answers,
/// tests/conformance/keyvault).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// `AKV10032: Invalid issuer`: the token is from another Entra tenant than the vault's.
    InvalidIssuer,
    /// `AKV10022: Invalid audience`: the token is for something else than
    /// `https://vault.azure.net` (compared exactly, no trailing slash).
    InvalidAudience,
}

/// One error answer of the vault, kept whole for the explanation (message scrubbed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HTTP {status} {reason:?}")]
pub struct VaultError {
    pub status: u16,
    pub reason: Reason,
    pub code: Option<String>,
    pub inner_code: Option<String>,
    pub message: String,
    /// Seconds from `Retry-After` on a 429.
    pub retry_after: Option<u64>,
    /// On a 401, the cause its message names, if one we know.
    pub sign_in: Option<SignInRefusal>,
}

/// A failed call to the vault, with what was being done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyVaultError {
    #[error("the vault could not be reached to {}: {source}", operation.words())]
    Transport {
        operation: Operation,
        #[source]
        source: TransportError,
    },
    #[error("the vault refused to {} {}: {error}", operation.words(), name.as_deref().unwrap_or("the vault"))]
    Refused {
        operation: Operation,
        name: Option<String>,
        #[source]
        error: VaultError,
    },
    #[error("the vault's answer to {} is not what Key Vault sends (HTTP {status})", operation.words())]
    Unparseable {
        operation: Operation,
        status: u16,
        raw: String,
    },
}

impl KeyVaultError {
    pub fn reason(&self) -> Option<Reason> {
        match self {
            KeyVaultError::Refused { error, .. } => Some(error.reason),
            _ => None,
        }
    }
}

/// A secret as the vault shows it (`SecretBundle` / `DeletedSecretBundle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    pub name: String,
    pub version: Option<String>,
    pub content_type: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub enabled: bool,
    /// Unix seconds.
    pub created: Option<i64>,
    pub updated: Option<i64>,
    /// Deleted bundles only.
    pub deleted: Option<i64>,
    pub scheduled_purge: Option<i64>,
    /// Absent on list items, deleted bundles and recover answers.
    pub value: Option<VaultValue>,
}

/// Parses a 200 `SecretBundle` (or a deleted one); anything else is an error answer.
pub fn parse_secret(
    operation: Operation,
    name: &str,
    response: &HttpResponse,
) -> Result<StoredSecret, KeyVaultError> {
    check(operation, Some(name), response)?;
    let unparseable = || KeyVaultError::Unparseable {
        operation,
        status: response.status,
        raw: scrub(&response.text()).chars().take(300).collect(),
    };
    let body: Value = serde_json::from_slice(&response.body).map_err(|_| unparseable())?;
    let id = body
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(unparseable)?;
    let (stored_name, version) = split_id(id).ok_or_else(unparseable)?;
    let attributes = body.get("attributes");
    let number = |v: Option<&Value>, key: &str| v.and_then(|a| a.get(key)).and_then(Value::as_i64);
    Ok(StoredSecret {
        name: stored_name,
        version,
        content_type: body
            .get("contentType")
            .and_then(Value::as_str)
            .map(str::to_string),
        tags: body
            .get("tags")
            .and_then(Value::as_object)
            .map(|t| {
                t.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
        enabled: attributes
            .and_then(|a| a.get("enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(true),
        created: number(attributes, "created"),
        updated: number(attributes, "updated"),
        deleted: number(Some(&body), "deletedDate"),
        scheduled_purge: number(Some(&body), "scheduledPurgeDate"),
        value: body
            .get("value")
            .and_then(Value::as_str)
            .map(|v| VaultValue::new(v.to_string())),
    })
}

/// `{vault}/secrets/{name}[/{version}]` or `{vault}/deletedsecrets/{name}` → name, version.
fn split_id(id: &str) -> Option<(String, Option<String>)> {
    let path = Url::parse(id).ok()?.path().to_string();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let at = parts
        .iter()
        .rposition(|p| *p == "secrets" || *p == "deletedsecrets")?;
    let name = parts.get(at + 1)?.to_string();
    Some((name, parts.get(at + 2).map(|v| v.to_string())))
}

/// A 2xx passes; any other status becomes a [`KeyVaultError::Refused`] with its reason.
pub fn check(
    operation: Operation,
    name: Option<&str>,
    response: &HttpResponse,
) -> Result<(), KeyVaultError> {
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    Err(KeyVaultError::Refused {
        operation,
        name: name.map(str::to_string),
        error: parse_error(response),
    })
}

/// Sorts an error answer (§3.4). The body is `{"error":{"code","message","innererror":{"code"}}}`
/// (§3.1), but a proxy or a fault may send anything: then the status decides.
pub fn parse_error(response: &HttpResponse) -> VaultError {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let error = body.get("error");
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let code = text(error.and_then(|e| e.get("code")));
    let inner_code = text(
        error
            .and_then(|e| e.get("innererror"))
            .and_then(|i| i.get("code")),
    );
    let message = text(error.and_then(|e| e.get("message"))).unwrap_or_else(|| response.text());
    let message: String = scrub(&message).chars().take(600).collect();
    let has = |wanted: &str| {
        [&code, &inner_code]
            .iter()
            .any(|c| c.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(wanted)))
    };
    let says = |words: &str| message.to_ascii_lowercase().contains(words);
    let reason = match response.status {
        401 => Reason::Unauthorized,
        403 if has("ForbiddenByRbac") || says("deniedwithnovalidrbac") => Reason::ForbiddenByRbac,
        403 if has("ForbiddenByFirewall") || says("client address is not authorized") => {
            Reason::ForbiddenByFirewall
        }
        403 if has("ForbiddenByPolicy") => Reason::ForbiddenByPolicy,
        403 if has("AccessDenied") => Reason::AccessDenied,
        403 if has("SecretDisabled") || says("disabled secret") => Reason::SecretDisabled,
        403 if says("permission on key vault") => Reason::ForbiddenByPolicy,
        403 => Reason::Forbidden,
        404 => Reason::NotFound,
        409 if has("ObjectIsDeletedButRecoverable") || says("deleted but recoverable") => {
            Reason::SoftDeleted
        }
        409 if has("ObjectIsBeingDeleted") => Reason::BeingDeleted,
        409 => Reason::Conflict,
        429 => Reason::Throttled,
        400 => Reason::BadRequest,
        500..=599 => Reason::ServerError,
        _ => Reason::Unexpected,
    };
    let sign_in = match response.status {
        401 if message.contains("AKV10032") => Some(SignInRefusal::InvalidIssuer),
        401 if message.contains("AKV10022") => Some(SignInRefusal::InvalidAudience),
        _ => None,
    };
    VaultError {
        status: response.status,
        reason,
        code,
        inner_code,
        message,
        retry_after: response
            .header("retry-after")
            .and_then(|v| v.trim().parse().ok()),
        sign_in,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Retry-After".into(), "7".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    fn error(status: u16, code: &str, inner: Option<&str>, message: &str) -> Reason {
        let inner = inner
            .map(|i| format!(r#","innererror":{{"code":"{i}"}}"#))
            .unwrap_or_default();
        let body = format!(r#"{{"error":{{"code":"{code}","message":"{message}"{inner}}}}}"#);
        parse_error(&answer(status, &body)).reason
    }

    #[test]
    fn every_documented_refusal_is_told_apart() {
        assert_eq!(
            error(401, "Unauthorized", None, "AKV10000"),
            Reason::Unauthorized
        );
        assert_eq!(
            error(403, "Forbidden", Some("ForbiddenByRbac"), "x"),
            Reason::ForbiddenByRbac
        );
        assert_eq!(
            error(
                403,
                "Forbidden",
                Some("ForbiddenByPolicy"),
                "does not have secrets set permission on key vault"
            ),
            Reason::ForbiddenByPolicy
        );
        assert_eq!(
            error(403, "Forbidden", Some("AccessDenied"), "x"),
            Reason::AccessDenied
        );
        assert_eq!(
            error(
                403,
                "Forbidden",
                Some("ForbiddenByFirewall"),
                "Client address is not authorized and caller is not a trusted service."
            ),
            Reason::ForbiddenByFirewall
        );
        assert_eq!(
            error(403, "Forbidden", Some("SecretDisabled"), "x"),
            Reason::SecretDisabled
        );
        assert_eq!(error(404, "SecretNotFound", None, "x"), Reason::NotFound);
        assert_eq!(
            error(409, "Conflict", Some("ObjectIsDeletedButRecoverable"), "x"),
            Reason::SoftDeleted
        );
        assert_eq!(
            error(409, "Conflict", Some("ObjectIsBeingDeleted"), "x"),
            Reason::BeingDeleted
        );
        let throttled = parse_error(&answer(429, "Too Many Requests"));
        assert_eq!(
            (throttled.reason, throttled.retry_after),
            (Reason::Throttled, Some(7))
        );
        assert_eq!(
            parse_error(&answer(502, "<html>")).reason,
            Reason::ServerError
        );
    }

    #[test]
    fn a_401_names_its_cause_from_the_akv_code_in_the_message() {
        // Bodies as recorded in tests/conformance/keyvault/kv-401-akv10032-invalid-issuer.json and
        // kv-401-akv10022-invalid-audience.json.
        let issuer = r#"{"error":{"code":"Unauthorized","message":"AKV10032: Invalid issuer. Expected one of https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/, https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/, https://sts.windows.net/e2d54eb5-3869-4f70-8578-dee5fc7331f4/, https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/, https://sts.windows.net/975f013f-7f24-47e8-a7d3-abc4752bf346/, found https://sts.windows.net/96be4b7a-defb-4dc2-a31f-49ee6145d5ab/."}}"#;
        let audience = r#"{"error":{"code":"Unauthorized","message":"AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com/."}}"#;
        // Seen in real reports (the corpus's notes): a 401 code with no words of its own here.
        let other = r#"{"error":{"code":"Unauthorized","message":"AKV10046: Unable to resolve the key used for signature validation."}}"#;
        for (body, sign_in) in [
            (issuer, Some(SignInRefusal::InvalidIssuer)),
            (audience, Some(SignInRefusal::InvalidAudience)),
            (other, None),
            ("", None),
        ] {
            let error = parse_error(&answer(401, body));
            assert_eq!(
                (error.reason, error.sign_in),
                (Reason::Unauthorized, sign_in),
                "{body}"
            );
        }
        // The cause is a 401's only: the same words in a 403 are not a sign-in refusal.
        assert_eq!(parse_error(&answer(403, issuer)).sign_in, None);
    }

    #[test]
    fn a_bundle_gives_name_version_tags_dates_and_a_redacted_value() {
        let body = r#"{"value":"s3cret","id":"https://acme-kv.vault.azure.net/secrets/app--S--ClientId/abc123","contentType":"text/plain","attributes":{"enabled":true,"created":1700000000,"updated":1700000001},"tags":{"kid":"k1"}}"#;
        let secret =
            parse_secret(Operation::Get, "app--S--ClientId", &answer(200, body)).expect("ok");
        assert_eq!(secret.name, "app--S--ClientId");
        assert_eq!(secret.version.as_deref(), Some("abc123"));
        assert_eq!(secret.tags.get("kid").map(String::as_str), Some("k1"));
        assert_eq!(
            (secret.created, secret.enabled),
            (Some(1_700_000_000), true)
        );
        assert!(
            !format!("{secret:?}").contains("s3cret"),
            "values print redacted"
        );
        let garbage = parse_secret(Operation::Get, "n", &answer(200, "{\"id\": 3"));
        assert!(matches!(garbage, Err(KeyVaultError::Unparseable { .. })));
    }
}
