//! The Azure Key Vault emulator (secrets only; config-keyvault-selfservice.md §3): who may call
//! (api-version, Entra bearer token, RBAC role) and the error shapes. Operations are in `secrets`.

mod secrets;
pub(crate) mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, patch, post};
use serde_json::json;

use crate::seed::{VaultIdentity, VaultRole};
use crate::state::State;
use crate::{Service, http, jwt};

use crate::defaults::VAULT_RESOURCE;
/// §3.1: documented api-versions. Others are refused (strict).
const API_VERSIONS: &[&str] = &[
    "7.5",
    "7.6",
    "2025-06-01",
    "2025-07-01",
    "2025-06-01-preview",
    "2026-03-01-preview",
];

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/secrets", get(secrets::list))
        .route(
            "/secrets/{name}",
            get(secrets::get)
                .put(secrets::set)
                .patch(secrets::update)
                .delete(secrets::delete),
        )
        .route("/secrets/{name}/", patch(secrets::update))
        .route("/secrets/{name}/versions", get(secrets::versions))
        .route(
            "/secrets/{name}/{version}",
            get(secrets::get).patch(secrets::update),
        )
        .route(
            "/deletedsecrets/{name}",
            get(secrets::get_deleted).delete(secrets::purge),
        )
        .route("/deletedsecrets/{name}/recover", post(secrets::recover))
        // Rehearsal (needs the run's secret): as if someone deleted it in the Azure portal.
        .route(
            "/_sandbox/keyvault/soft-delete/{name}",
            post(secrets::rehearse_soft_delete),
        )
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "NotFound",
                "The requested resource was not found.",
                None,
            )
        })
        .with_state(state)
}

/// Data actions checked by RBAC (Azure built-in role definitions).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    Get,
    Set,
    ReadMetadata,
    Delete,
    Purge,
    Recover,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Get => "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            Action::Set => "Microsoft.KeyVault/vaults/secrets/setSecret/action",
            Action::ReadMetadata => "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
            Action::Delete => "Microsoft.KeyVault/vaults/secrets/delete",
            Action::Purge => "Microsoft.KeyVault/vaults/secrets/purge/action",
            Action::Recover => "Microsoft.KeyVault/vaults/secrets/recover/action",
        }
    }

    fn granted_by(self, role: VaultRole) -> bool {
        match role {
            VaultRole::SecretsOfficer => true,
            VaultRole::SecretsUser => matches!(self, Action::Get | Action::ReadMetadata),
        }
    }
}

/// §3.1 error body: `{"error":{"code","message","innererror"?:{"code"}}}`.
pub(crate) fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    inner: Option<&str>,
) -> Response {
    let mut body = json!({"error": {"code": code, "message": message}});
    if let (Some(inner), Some(error)) =
        (inner, body.get_mut("error").and_then(|e| e.as_object_mut()))
    {
        error.insert("innererror".into(), json!({"code": inner}));
    }
    http::json(status, &body, inner.unwrap_or(code))
}

/// §3.2: names match `^[0-9a-zA-Z-]+$` and are 1–127 characters → else 400 BadParameter.
pub(crate) fn check_name(name: &str) -> Result<(), Response> {
    let ok = (1..=127).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(error(
            StatusCode::BAD_REQUEST,
            "BadParameter",
            &format!("The request URI contains an invalid name: {name}"),
            None,
        ))
    }
}

/// The api-version, the bearer token and the caller's role for `action`.
pub(crate) fn authorize(
    state: &State,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    action: Action,
    resource: &str,
) -> Result<(), Response> {
    // §3.1: every operation takes `?api-version=…`. Wording of the error is UNCONFIRMED.
    match query.get("api-version") {
        None => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "BadParameter",
                "The 'api-version' query parameter is missing.",
                None,
            ));
        }
        Some(v) if !API_VERSIONS.contains(&v.as_str()) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "BadParameter",
                &format!(
                    "The specified version ({v}) is not recognized. Consider using the latest supported version (2025-07-01)."
                ),
                None,
            ));
        }
        Some(_) => {}
    }
    let identity = identity(state, headers)?;
    // §3.4: an RBAC vault without a role → 403 ForbiddenByRbac, message with Action and DecisionReason.
    let world = state.world();
    let roles = world
        .vault_seed
        .identities
        .iter()
        .find(|i| i.object_id == identity.object_id)
        .map(|i| i.roles.clone())
        .unwrap_or_default();
    if roles.iter().any(|r| action.granted_by(*r)) {
        return Ok(());
    }
    let message = format!(
        "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: oid={};upn={}\r\nAction: '{}'\r\nResource: '{}'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: {};location=norwayeast\r\n",
        identity.object_id,
        identity.user_principal_name,
        action.name(),
        resource.to_ascii_lowercase(),
        world.vault_seed.name,
    );
    Err(error(
        StatusCode::FORBIDDEN,
        "Forbidden",
        &message,
        Some("ForbiddenByRbac"),
    ))
}

/// A token from the sandbox Entra for the vault's tenant and audience → the identity, else 401
/// with the tenant-discovery challenge (§3.3).
fn identity(state: &State, headers: &HeaderMap) -> Result<VaultIdentity, Response> {
    let tenant = state.world().vault_seed.tenant_id.clone();
    let unauthorized = |message: &str| {
        let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized", message, None);
        let challenge = format!(
            "Bearer authorization=\"{}/{tenant}\", resource=\"{VAULT_RESOURCE}\"",
            state.urls.entra
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    };
    let Some(token) = jwt::bearer(headers) else {
        return Err(unauthorized(
            "AKV10000: Request is missing a Bearer or PoP token.",
        ));
    };
    let parsed = jwt::parse(token)
        .ok_or_else(|| unauthorized("AKV10000: Request is missing a Bearer or PoP token."))?;
    let key = &state.keys.entra;
    // The messages follow recorded answers (tests/conformance/keyvault): AKV10032 names the
    // issuers it expects and the one found; AKV10022 compares the audience exactly.
    let expected_issuer = crate::entra::issuer(state, &tenant);
    let found_issuer = parsed.claim_str("iss").unwrap_or_default().to_owned();
    let invalid_issuer = || {
        unauthorized(&format!(
            "AKV10032: Invalid issuer. Expected one of {expected_issuer}, found {found_issuer}."
        ))
    };
    let signed = parsed.header_str("kid") == Some(key.kid.as_str())
        && parsed
            .rsa_alg()
            .is_some_and(|alg| parsed.verify(&key.decoding, alg));
    if !signed {
        return Err(invalid_issuer());
    }
    if parsed.claim_str("aud") != Some(VAULT_RESOURCE) {
        return Err(unauthorized(&format!(
            "AKV10022: Invalid audience. Expected {VAULT_RESOURCE}, found: {}.",
            parsed.claim_str("aud").unwrap_or_default()
        )));
    }
    if parsed.claim_str("tid") != Some(tenant.as_str()) || found_issuer != expected_issuer {
        return Err(invalid_issuer());
    }
    // No leeway on expiry (strict).
    let now = state.clock.unix(Service::KeyVault);
    if parsed.claim_i64("exp").is_none_or(|exp| exp <= now)
        || parsed.claim_i64("nbf").is_some_and(|nbf| nbf > now)
    {
        return Err(unauthorized("AKV10000: The token is expired."));
    }
    let oid = parsed.claim_str("oid").unwrap_or_default();
    let world = state.world();
    world
        .vault_seed
        .identities
        .iter()
        .find(|i| i.object_id == oid)
        .cloned()
        .ok_or_else(|| unauthorized("AKV10000: Unknown principal."))
}
