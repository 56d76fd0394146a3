//! The Entra ID emulator: the OAuth 2.0 device authorization grant (RFC 8628) as
//! `login.microsoftonline.com` serves it (config-keyvault-selfservice.md §3.5), issuing Key
//! Vault access tokens for the seeded identities. The sign-in page is in `page`.

pub(crate) mod codes;
mod page;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rand::Rng;
use serde_json::json;

use crate::defaults::VAULT_RESOURCE;
use crate::state::State;
use crate::{Service, http};
use codes::{Decision, DeviceCode};

/// §3.5: device codes live `expires_in (≈900)` seconds.
const DEVICE_CODE_LIFETIME: i64 = 900;
/// RFC 8628 §3.2 `interval`: 5 s is the default.
const POLL_INTERVAL: i64 = 5;
const TOKEN_LIFETIME: i64 = 3599;
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Azure Resource Manager: the Azure CLI's default resource.
const MANAGEMENT_RESOURCE: &str = "https://management.azure.com";

pub(crate) fn issuer(state: &State, tenant: &str) -> String {
    format!("{}/{tenant}/v2.0", state.urls.entra)
}

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/devicelogin", get(page::show).post(page::submit))
        .fallback(|| async { http::empty(StatusCode::NOT_FOUND, "not found") })
        .with_state(state)
}

/// Entra's error body: `{error, error_description: "AADSTSnnnn: …", error_codes, timestamp,
/// trace_id, correlation_id, error_uri}` (recorded: tests/conformance/entra).
fn aad_error(error: &str, code: u32, message: &str) -> Response {
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {message}"),
        "error_codes": [code],
        "timestamp": crate::clock::rfc3339(time::OffsetDateTime::now_utc()),
        "trace_id": uuid::Uuid::new_v4().to_string(),
        "correlation_id": uuid::Uuid::new_v4().to_string(),
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    http::json(StatusCode::BAD_REQUEST, &body, error)
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// A form POST to `/{tenant}/oauth2/v2.0/…`: the tenant from the path, which must be the vault
/// seed's (else AADSTS90002), and the form fields of the body.
struct TenantForm {
    tenant: String,
    form: HashMap<String, String>,
}

impl FromRequest<Arc<State>> for TenantForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &Arc<State>) -> Result<TenantForm, Response> {
        let (mut parts, body) = request.into_parts();
        let Path(tenant) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        known_tenant(state, &tenant)?;
        Ok(TenantForm {
            tenant,
            form: form(&body),
        })
    }
}

fn known_tenant(state: &State, tenant: &str) -> Result<(), Response> {
    if state
        .world()
        .vault_seed
        .tenant_id
        .eq_ignore_ascii_case(tenant)
    {
        return Ok(());
    }
    Err(aad_error(
        "invalid_request",
        90002,
        &format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        ),
    ))
}

/// `POST /{tenant}/oauth2/v2.0/devicecode` with `client_id` and `scope`.
async fn devicecode(
    AxumState(state): AxumState<Arc<State>>,
    TenantForm { tenant, form }: TenantForm,
) -> Response {
    let client_id = form.get("client_id").cloned().unwrap_or_default();
    let mut world = state.world();
    if !world.vault_seed.public_client_ids.contains(&client_id) {
        return aad_error(
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{tenant}'."
            ),
        );
    }
    // §3.3: one resource's scope (`{resource}/.default` or `/user_impersonation`) plus OIDC
    // scopes. Key Vault's is what the tool asks for; Azure Resource Manager's is what
    // `az account get-access-token` gives without --scope, and the vault refuses such a token
    // with AKV10022 (recorded: tests/conformance/keyvault/kv-401-akv10022-invalid-audience.json).
    let scope = form.get("scope").cloned().unwrap_or_default();
    let resources: Vec<&str> = scope
        .split_whitespace()
        .filter(|s| !["openid", "profile", "offline_access"].contains(s))
        .collect();
    let resource = match resources.as_slice() {
        [one] => [VAULT_RESOURCE, MANAGEMENT_RESOURCE]
            .into_iter()
            .find(|r| *one == format!("{r}/.default") || *one == format!("{r}/user_impersonation")),
        _ => None,
    };
    let Some(resource) = resource else {
        return aad_error(
            "invalid_scope",
            70011,
            "The provided value for the input parameter 'scope' is not valid.",
        );
    };
    let now = state.clock.unix(Service::Entra);
    let mut rng = rand::thread_rng();
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let user_code: String = (0..9)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    let device_code: String = (0..64)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    // The page approves as a seeded identity, so it takes this run's secret (see `serve`): the
    // address given to the app carries it, as only the person who started the flow sees it.
    let verification_uri = format!(
        "{}/devicelogin?{}={}",
        state.urls.entra,
        crate::SECRET_QUERY,
        state.secret
    );
    world.device_codes.codes.push(DeviceCode {
        device_code: device_code.clone(),
        user_code: user_code.clone(),
        client_id,
        resource: resource.to_owned(),
        expires: now + DEVICE_CODE_LIFETIME,
        last_poll: None,
        decision: Decision::Pending,
    });
    let body = json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": DEVICE_CODE_LIFETIME,
        "interval": POLL_INTERVAL,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    });
    http::json(StatusCode::OK, &body, "ok")
}

/// `POST /{tenant}/oauth2/v2.0/token` with the device-code grant.
async fn token(
    AxumState(state): AxumState<Arc<State>>,
    TenantForm { form, .. }: TenantForm,
) -> Response {
    if form.get("grant_type").map(String::as_str) != Some(DEVICE_CODE_GRANT) {
        return aad_error(
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        );
    }
    let now = state.clock.unix(Service::Entra);
    let mut world = state.world();
    let device_code = form.get("device_code").cloned().unwrap_or_default();
    let client_id = form.get("client_id").cloned().unwrap_or_default();
    let Some(code) = world
        .device_codes
        .codes
        .iter_mut()
        .find(|c| c.device_code == device_code)
    else {
        return aad_error(
            "bad_verification_code",
            70000,
            "The provided value for the input parameter 'device_code' is not valid.",
        );
    };
    if code.client_id != client_id {
        return aad_error(
            "invalid_grant",
            70000,
            "The device code was issued to another client.",
        );
    }
    if now >= code.expires {
        return aad_error(
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        );
    }
    // RFC 8628 §3.5: polling faster than `interval` → slow_down.
    let too_fast = code
        .last_poll
        .is_some_and(|last| now - last < POLL_INTERVAL);
    code.last_poll = Some(now);
    match code.decision.clone() {
        Decision::Redeemed => aad_error(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ),
        // learn.microsoft.com v2-oauth2-device-code: "authorization_declined: The end user denied
        // the authorization request." (RFC 8628 calls it access_denied; Entra does not.)
        Decision::Declined => aad_error(
            "authorization_declined",
            70000,
            "The user declined the authorization request.",
        ),
        _ if too_fast => aad_error(
            "slow_down",
            70016,
            "OAuth 2.0 device flow error. Polling too fast; slow down.",
        ),
        Decision::Pending => aad_error(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        Decision::Approved(object_id) => {
            code.decision = Decision::Redeemed;
            let resource = code.resource.clone();
            let identity = world
                .vault_seed
                .identities
                .iter()
                .find(|i| i.object_id == object_id)
                .cloned();
            let Some(identity) = identity else {
                return aad_error(
                    "invalid_grant",
                    50034,
                    "The user account does not exist in the directory.",
                );
            };
            // ARM tokens carry the audience with its trailing slash.
            let aud = if resource == MANAGEMENT_RESOURCE {
                format!("{resource}/")
            } else {
                resource.clone()
            };
            let claims = json!({
                "aud": aud,
                "iss": issuer(&state, &world.vault_seed.tenant_id),
                "tid": world.vault_seed.tenant_id,
                "oid": identity.object_id,
                "upn": identity.user_principal_name,
                "name": identity.display_name,
                "scp": "user_impersonation",
                "appid": client_id,
                "iat": now,
                "nbf": now,
                "exp": now + TOKEN_LIFETIME,
                "uti": uuid::Uuid::new_v4().simple().to_string(),
            });
            let Some(access_token) = state.keys.entra.sign(&claims) else {
                return aad_error("server_error", 50000, "The token could not be signed.");
            };
            let body = json!({
                "token_type": "Bearer",
                "scope": format!("{resource}/user_impersonation"),
                "expires_in": TOKEN_LIFETIME,
                "ext_expires_in": TOKEN_LIFETIME,
                "access_token": access_token,
            });
            http::json(StatusCode::OK, &body, "ok")
        }
    }
}
