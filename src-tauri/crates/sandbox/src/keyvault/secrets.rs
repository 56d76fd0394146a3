//! Key Vault secret operations (config-keyvault-selfservice.md §3.1, §3.2, §3.4): set, get,
//! versions, list with paging, soft delete, deleted get, purge and recover.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State as AxumState};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::store::{Deleted, Secret, Version, bundle, deleted_bundle, item};
use super::{Action, authorize, check_name, error};
use crate::state::State;
use crate::{Service, http};

type Q = Query<HashMap<String, String>>;

/// §3.2: "Value up to 25 KB".
const MAX_VALUE_BYTES: usize = 25 * 1024;
/// §3.2: "contentType up to 255 chars".
const MAX_CONTENT_TYPE: usize = 255;
/// §3.1: `maxresults=1..25`.
const MAX_RESULTS: usize = 25;

fn not_found(name: &str) -> Response {
    // §3.4: 404 SecretNotFound, "A secret with (name/id) … was not found in this key vault".
    let message = format!(
        "A secret with (name/id) {name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
    );
    error(StatusCode::NOT_FOUND, "SecretNotFound", &message, None)
}

fn bad(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "BadParameter", message, None)
}

fn guard(
    state: &State,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    name: Option<&str>,
    action: Action,
) -> Result<(), Response> {
    if let Some(name) = name {
        check_name(name)?;
    }
    let resource = format!(
        "{}/secrets/{}",
        state.urls.key_vault,
        name.unwrap_or_default()
    );
    authorize(state, query, headers, action, &resource)
}

/// What every operation on one secret reads from its request: the name (and, for a versioned
/// read, the version) from the path, the api-version from the query and the bearer token from the
/// headers. `run` lets the operation go ahead once `guard` has accepted the caller.
pub(super) struct SecretRequest {
    state: Arc<State>,
    name: String,
    version: Option<String>,
    query: HashMap<String, String>,
    headers: HeaderMap,
}

#[derive(Deserialize)]
struct SecretPath {
    name: String,
    version: Option<String>,
}

impl FromRequestParts<Arc<State>> for SecretRequest {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<State>,
    ) -> Result<SecretRequest, Response> {
        let Path(path) = Path::<SecretPath>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(query) = Q::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(SecretRequest {
            state: Arc::clone(state),
            name: path.name,
            version: path.version,
            query,
            headers: parts.headers.clone(),
        })
    }
}

impl SecretRequest {
    /// Runs `operation` on the secret when the name is valid and the caller may do `action`.
    fn run(&self, action: Action, operation: impl FnOnce(&State, &str) -> Response) -> Response {
        match guard(
            &self.state,
            &self.query,
            &self.headers,
            Some(&self.name),
            action,
        ) {
            Ok(()) => operation(&self.state, &self.name),
            Err(response) => response,
        }
    }
}

/// `PUT /secrets/{name}`: a new version, within the §3.2 limits.
pub(super) async fn set(request: SecretRequest, body: Bytes) -> Response {
    request.run(Action::Set, |state, name| store(state, name, &body))
}

fn store(state: &State, name: &str, body: &[u8]) -> Response {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return bad("The request body must be a JSON object.");
    };
    let Some(value) = body.get("value").and_then(Value::as_str) else {
        return bad("The property 'value' is required and must be a string.");
    };
    if value.len() > MAX_VALUE_BYTES {
        return bad(&format!(
            "The secret value is {} bytes; the maximum is 25 KB ({MAX_VALUE_BYTES} bytes).",
            value.len()
        ));
    }
    let content_type = match body.get("contentType") {
        None | Some(Value::Null) => None,
        Some(Value::String(ct)) if ct.len() <= MAX_CONTENT_TYPE => Some(ct.clone()),
        Some(_) => return bad("contentType must be a string of at most 255 characters."),
    };
    let tags: Map<String, Value> = match body.get("tags") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(tags)) if tags.values().all(Value::is_string) && tags.len() <= 15 => {
            tags.clone()
        }
        Some(_) => return bad("tags must be an object of at most 15 string values."),
    };
    let attributes = body.get("attributes").cloned().unwrap_or(Value::Null);
    let now = state.clock.unix(Service::KeyVault);
    let version = Version {
        id: uuid::Uuid::new_v4().simple().to_string(),
        value: value.to_owned(),
        content_type,
        tags,
        enabled: attributes
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        nbf: attributes.get("nbf").and_then(Value::as_i64),
        exp: attributes.get("exp").and_then(Value::as_i64),
        created: now,
        updated: now,
    };
    let key = name.to_ascii_lowercase();
    let mut world = state.world();
    // §3.4: a soft-deleted name → 409 Conflict / ObjectIsDeletedButRecoverable.
    if world.vault.deleted.contains_key(&key) {
        let message = format!(
            "Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged."
        );
        return error(
            StatusCode::CONFLICT,
            "Conflict",
            &message,
            Some("ObjectIsDeletedButRecoverable"),
        );
    }
    let secret = world.vault.secrets.entry(key).or_insert_with(|| Secret {
        name: name.to_owned(),
        versions: Vec::new(),
    });
    secret.versions.push(version.clone());
    let shown = bundle(&state.urls.key_vault, secret, &version, true);
    http::json(StatusCode::OK, &shown, "ok")
}

fn read(state: &State, name: &str, version: Option<&str>) -> Response {
    let world = state.world();
    let Some(secret) = world.vault.secrets.get(&name.to_ascii_lowercase()) else {
        return not_found(name);
    };
    let found = match version {
        Some(id) => secret.version(id),
        None => secret.current(),
    };
    let Some(found) = found else {
        return not_found(&format!("{name}/{}", version.unwrap_or_default()));
    };
    if !found.enabled {
        // §3.4: SecretDisabled (inner code UNCONFIRMED).
        return error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Operation get is not allowed on a disabled secret.",
            Some("SecretDisabled"),
        );
    }
    http::json(
        StatusCode::OK,
        &bundle(&state.urls.key_vault, secret, found, true),
        "ok",
    )
}

/// `PATCH /secrets/{name}/{version}` (or the current version without one): changes
/// `attributes` (`enabled`, `nbf`, `exp`), `contentType` and `tags`, never the value; 200 with
/// the bundle without its value (recorded: tests/conformance/keyvault/kv-update-secret-patch-200.json).
/// This is how an older version is disabled after a key rotation.
pub(super) async fn update(request: SecretRequest, body: Bytes) -> Response {
    let version = request.version.clone();
    request.run(Action::Set, |state, name| {
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
            return bad("The request body must be a JSON object.");
        };
        let now = state.clock.unix(Service::KeyVault);
        let mut world = state.world();
        let Some(secret) = world.vault.secrets.get_mut(&name.to_ascii_lowercase()) else {
            return not_found(name);
        };
        let index = match version.as_deref().filter(|v| !v.is_empty()) {
            Some(id) => secret
                .versions
                .iter()
                .position(|v| v.id.eq_ignore_ascii_case(id)),
            None => secret.versions.len().checked_sub(1),
        };
        let Some(index) = index else {
            return not_found(&format!("{name}/{}", version.unwrap_or_default()));
        };
        let found = &mut secret.versions[index];
        if let Some(attributes) = body.get("attributes") {
            if let Some(enabled) = attributes.get("enabled").and_then(Value::as_bool) {
                found.enabled = enabled;
            }
            if let Some(nbf) = attributes.get("nbf") {
                found.nbf = nbf.as_i64();
            }
            if let Some(exp) = attributes.get("exp") {
                found.exp = exp.as_i64();
            }
        }
        match body.get("contentType") {
            Some(Value::String(ct)) if ct.len() <= MAX_CONTENT_TYPE => {
                found.content_type = Some(ct.clone());
            }
            None | Some(Value::Null) => {}
            Some(_) => return bad("contentType must be a string of at most 255 characters."),
        }
        match body.get("tags") {
            Some(Value::Object(tags))
                if tags.values().all(Value::is_string) && tags.len() <= 15 =>
            {
                found.tags = tags.clone();
            }
            None | Some(Value::Null) => {}
            Some(_) => return bad("tags must be an object of at most 15 string values."),
        }
        found.updated = now;
        let found = found.clone();
        let shown = bundle(&state.urls.key_vault, secret, &found, false);
        http::json(StatusCode::OK, &shown, "updated")
    })
}

/// `GET /secrets/{name}` and `GET /secrets/{name}/{version}`.
pub(super) async fn get(request: SecretRequest) -> Response {
    request.run(Action::Get, |state, name| {
        read(state, name, request.version.as_deref())
    })
}

pub(super) async fn versions(request: SecretRequest) -> Response {
    request.run(Action::ReadMetadata, |state, name| {
        let world = state.world();
        let Some(secret) = world.vault.secrets.get(&name.to_ascii_lowercase()) else {
            return not_found(name);
        };
        let items: Vec<Value> = secret
            .versions
            .iter()
            .map(|v| item(&state.urls.key_vault, secret, v, true))
            .collect();
        http::json(
            StatusCode::OK,
            &json!({"value": items, "nextLink": null}),
            "ok",
        )
    })
}

/// `GET /secrets?maxresults=N[&$skiptoken=K]`: items without values, and a nextLink.
pub(super) async fn list(
    AxumState(state): AxumState<Arc<State>>,
    Query(query): Q,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = guard(&state, &query, &headers, None, Action::ReadMetadata) {
        return response;
    }
    let max = match query.get("maxresults").map(|m| m.parse::<usize>()) {
        None => MAX_RESULTS,
        Some(Ok(n)) if (1..=MAX_RESULTS).contains(&n) => n,
        Some(_) => return bad("maxresults must be an integer from 1 to 25."),
    };
    let skip = query
        .get("$skiptoken")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let world = state.world();
    let vault = &state.urls.key_vault;
    let all: Vec<Value> = world
        .vault
        .secrets
        .values()
        .filter_map(|s| s.current().map(|v| item(vault, s, v, false)))
        .collect();
    let page: Vec<Value> = all.iter().skip(skip).take(max).cloned().collect();
    let next = (skip + max < all.len()).then(|| {
        let version = query.get("api-version").cloned().unwrap_or_default();
        format!(
            "{vault}/secrets?api-version={version}&$skiptoken={}&maxresults={max}",
            skip + max
        )
    });
    http::json(
        StatusCode::OK,
        &json!({"value": page, "nextLink": next}),
        "ok",
    )
}

/// Soft delete → 200 DeletedSecretBundle.
pub(super) async fn delete(request: SecretRequest) -> Response {
    request.run(Action::Delete, |state, name| {
        match soft_delete(state, name) {
            Some(shown) => http::json(StatusCode::OK, &shown, "deleted"),
            None => not_found(name),
        }
    })
}

/// `POST /_sandbox/keyvault/soft-delete/{name}`: the secret becomes deleted-but-recoverable, so
/// the next write meets the 409 a person meets after someone deleted it in the portal.
pub(super) async fn rehearse_soft_delete(
    AxumState(state): AxumState<Arc<State>>,
    Path(name): Path<String>,
) -> Response {
    match soft_delete(&state, &name) {
        Some(_) => http::empty(StatusCode::NO_CONTENT, "soft-deleted"),
        None => http::empty(StatusCode::NOT_FOUND, "no such secret"),
    }
}

/// Moves a secret to the deleted-but-recoverable state; its DeletedSecretBundle, or None
/// when there is no such secret.
fn soft_delete(state: &State, name: &str) -> Option<Value> {
    let now = state.clock.unix(Service::KeyVault);
    let key = name.to_ascii_lowercase();
    let mut world = state.world();
    let secret = world.vault.secrets.remove(&key)?;
    let deleted = Deleted {
        secret,
        deleted_date: now,
    };
    let shown = deleted_bundle(&state.urls.key_vault, &deleted);
    world.vault.deleted.insert(key, deleted);
    Some(shown)
}

fn deleted_not_found(name: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "SecretNotFound",
        &format!("Deleted Secret not found: {name}"),
        None,
    )
}

pub(super) async fn get_deleted(request: SecretRequest) -> Response {
    request.run(Action::ReadMetadata, |state, name| {
        let world = state.world();
        match world.vault.deleted.get(&name.to_ascii_lowercase()) {
            Some(deleted) => http::json(
                StatusCode::OK,
                &deleted_bundle(&state.urls.key_vault, deleted),
                "ok",
            ),
            None => deleted_not_found(name),
        }
    })
}

/// Purge → 204.
pub(super) async fn purge(request: SecretRequest) -> Response {
    request.run(Action::Purge, |state, name| {
        match state
            .world()
            .vault
            .deleted
            .remove(&name.to_ascii_lowercase())
        {
            Some(_) => http::empty(StatusCode::NO_CONTENT, "purged"),
            None => deleted_not_found(name),
        }
    })
}

/// Recover → 200 SecretBundle (no value).
pub(super) async fn recover(request: SecretRequest) -> Response {
    request.run(Action::Recover, |state, name| {
        let key = name.to_ascii_lowercase();
        let mut world = state.world();
        let Some(deleted) = world.vault.deleted.remove(&key) else {
            return deleted_not_found(name);
        };
        let shown = deleted
            .secret
            .current()
            .map(|v| bundle(&state.urls.key_vault, &deleted.secret, v, false))
            .unwrap_or_default();
        world.vault.secrets.insert(key, deleted.secret);
        http::json(StatusCode::OK, &shown, "recovered")
    })
}
