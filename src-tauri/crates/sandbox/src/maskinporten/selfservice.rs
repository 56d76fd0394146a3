//! The Digdir self-service client API shape (config-keyvault-selfservice.md §4.2) on the
//! Maskinporten port: `/api/v1/clients[/{id}[/jwks]]`.
//!
//! Deliberate difference: no authentication. The real API needs a Maskinporten token with
//! `idporten:dcr.*` scopes; the sandbox listens on 127.0.0.1 only, and the organisation of a
//! new client is `client_orgno` from the body or else the seed's first organisation (the one
//! the person rehearses as), where the real API takes it from the admin token.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::registry::{ClientRecord, valid_lifetime};
use crate::clock::rfc3339;
use crate::state::State;
use crate::{Service, http};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

pub(super) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/api/v1/clients", get(list).post(create))
        .route("/api/v1/clients/{id}", get(read).put(update).delete(remove))
        .route(
            "/api/v1/clients/{id}/jwks",
            get(read_jwks)
                .post(replace_jwks)
                .put(replace_jwks)
                .delete(remove_jwks),
        )
}

async fn list(AxumState(state): AxumState<Arc<State>>) -> Response {
    let world = state.world();
    let clients: Vec<Value> = world.registry.clients.values().map(view).collect();
    http::json(StatusCode::OK, &Value::Array(clients), "ok")
}

async fn read(AxumState(state): AxumState<Arc<State>>, Path(id): Path<String>) -> Response {
    match state.world().registry.clients.get(&id) {
        Some(client) => http::json(StatusCode::OK, &view(client), "ok"),
        None => not_found(&id),
    }
}

async fn create(AxumState(state): AxumState<Arc<State>>, Object(body): Object) -> Response {
    let now = state.clock.now(Service::Maskinporten);
    let mut world = state.world();
    let default_org = world
        .orgs
        .first()
        .map(|o| o.org_number.clone())
        .unwrap_or_default();
    let org = body
        .get("client_orgno")
        .and_then(Value::as_str)
        .unwrap_or(&default_org)
        .to_owned();
    if world.org(&org).is_none() {
        return invalid("client_orgno", &format!("unknown organisation {org}"));
    }
    // §4.2 POST body: integration_type, token_endpoint_auth_method and grant_types as below.
    if body.get("integration_type").and_then(Value::as_str) != Some("maskinporten") {
        return invalid("integration_type", "integration_type must be maskinporten");
    }
    if body
        .get("token_endpoint_auth_method")
        .and_then(Value::as_str)
        != Some("private_key_jwt")
    {
        return invalid(
            "token_endpoint_auth_method",
            "token_endpoint_auth_method must be private_key_jwt",
        );
    }
    if body.get("grant_types") != Some(&json!([JWT_BEARER])) {
        return invalid(
            "grant_types",
            "grant_types must be [\"urn:ietf:params:oauth:grant-type:jwt-bearer\"]",
        );
    }
    let mut client = ClientRecord {
        client_id: uuid::Uuid::new_v4().to_string(),
        org_number: org,
        name: String::new(),
        description: String::new(),
        scopes: Vec::new(),
        access_token_lifetime: 599,
        keys: Vec::new(),
        created: now,
        last_updated: now,
    };
    if let Err(response) = apply(&mut client, &body, true) {
        return response;
    }
    let id = client.client_id.clone();
    let shown = view(&client);
    world.registry.clients.insert(id.clone(), client);
    let mut response = http::json(StatusCode::CREATED, &shown, "created");
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/clients/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn update(
    AxumState(state): AxumState<Arc<State>>,
    Path(id): Path<String>,
    Object(body): Object,
) -> Response {
    let now = state.clock.now(Service::Maskinporten);
    let mut world = state.world();
    let Some(existing) = world.registry.clients.get(&id) else {
        return not_found(&id);
    };
    // §4.2: "PUT /api/v1/clients/{id} update; integration_type cannot change".
    if body
        .get("integration_type")
        .is_some_and(|t| t != "maskinporten")
    {
        return invalid("integration_type", "integration_type cannot be changed");
    }
    let mut client = existing.clone();
    if let Err(response) = apply(&mut client, &body, false) {
        return response;
    }
    client.last_updated = now;
    let shown = view(&client);
    world.registry.clients.insert(id, client);
    http::json(StatusCode::OK, &shown, "ok")
}

async fn remove(AxumState(state): AxumState<Arc<State>>, Path(id): Path<String>) -> Response {
    match state.world().registry.clients.remove(&id) {
        Some(_) => http::empty(StatusCode::NO_CONTENT, "deleted"),
        None => not_found(&id),
    }
}

async fn read_jwks(AxumState(state): AxumState<Arc<State>>, Path(id): Path<String>) -> Response {
    match state.world().registry.clients.get(&id) {
        Some(client) => http::json(StatusCode::OK, &jwks(client), "ok"),
        None => not_found(&id),
    }
}

/// §4.2: `{"keys":[…]}` replaces the whole set; 201. At most five keys, each validated.
async fn replace_jwks(
    AxumState(state): AxumState<Arc<State>>,
    Path(id): Path<String>,
    Object(body): Object,
) -> Response {
    let Some(keys) = body.get("keys").and_then(Value::as_array) else {
        return invalid("keys", "the body must be {\"keys\":[…]}");
    };
    let now = state.clock.now(Service::Maskinporten);
    let mut world = state.world();
    if !world.registry.clients.contains_key(&id) {
        return not_found(&id);
    }
    // DD-admin: "JWK exp defaults to +1 year if omitted, and re-posting extends it": every key
    // in a posted set counts as posted now.
    let posted: Vec<(Value, time::OffsetDateTime)> =
        keys.iter().map(|k| (k.clone(), now)).collect();
    if let Err(message) = world.registry.replace_keys(&id, &posted, now) {
        return invalid("keys", &message);
    }
    match world.registry.clients.get(&id) {
        Some(client) => http::json(StatusCode::CREATED, &jwks(client), "created"),
        None => not_found(&id),
    }
}

/// §4.2: DELETE removes the keys (an empty POST is not allowed).
async fn remove_jwks(AxumState(state): AxumState<Arc<State>>, Path(id): Path<String>) -> Response {
    match state.world().registry.clients.get_mut(&id) {
        Some(client) => {
            client.keys.clear();
            http::empty(StatusCode::NO_CONTENT, "deleted")
        }
        None => not_found(&id),
    }
}

/// Copies the editable fields from a body; `creating` makes name, description and scopes required.
fn apply(
    client: &mut ClientRecord,
    body: &Map<String, Value>,
    creating: bool,
) -> Result<(), Response> {
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    match text("client_name") {
        Some(name) => client.name = name.to_owned(),
        None if creating => return Err(invalid("client_name", "client_name is required")),
        None => {}
    }
    match text("description") {
        Some(description) => client.description = description.to_owned(),
        None if creating => return Err(invalid("description", "description is required")),
        None => {}
    }
    match body.get("scopes") {
        Some(Value::Array(scopes)) if scopes.iter().all(Value::is_string) => {
            client.scopes = scopes
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
        }
        Some(_) => return Err(invalid("scopes", "scopes must be an array of strings")),
        None if creating => return Err(invalid("scopes", "scopes is required")),
        None => {}
    }
    if let Some(lifetime) = body.get("access_token_lifetime") {
        match lifetime
            .as_u64()
            .and_then(|l| u32::try_from(l).ok())
            .filter(|l| valid_lifetime(*l))
        {
            Some(lifetime) => client.access_token_lifetime = lifetime,
            None => {
                return Err(invalid(
                    "access_token_lifetime",
                    "access_token_lifetime must be 119–599 seconds",
                ));
            }
        }
    }
    Ok(())
}

fn view(client: &ClientRecord) -> Value {
    json!({
        "client_id": client.client_id,
        "client_name": client.name,
        "client_orgno": client.org_number,
        "description": client.description,
        "active": true,
        "created": rfc3339(client.created),
        "last_updated": rfc3339(client.last_updated),
        "integration_type": "maskinporten",
        "application_type": "web",
        "scopes": client.scopes,
        "grant_types": [JWT_BEARER],
        "token_endpoint_auth_method": "private_key_jwt",
        "access_token_lifetime": client.access_token_lifetime,
        "jwks": jwks(client),
    })
}

fn jwks(client: &ClientRecord) -> Value {
    json!({"keys": client.keys.iter().map(|k| k.public_view()).collect::<Vec<_>>()})
}

/// A request body that must be a JSON object, else 400 in the §4.2 error shape.
struct Object(Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Object {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Object, Response> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match serde_json::from_slice(&body) {
            Ok(Value::Object(map)) => Ok(Object(map)),
            _ => Err(invalid("body", "the body must be a JSON object")),
        }
    }
}

/// §4.2 error shape: `{status,timestamp,correlation_id,errors:[…],error,error_description}`.
fn error(status: StatusCode, field: &str, message: &str, error: &str) -> Response {
    let body = json!({
        "status": status.as_u16(),
        "timestamp": rfc3339(time::OffsetDateTime::now_utc()),
        "correlation_id": uuid::Uuid::new_v4().to_string(),
        "errors": [{"errorMessage": message, "isFieldError": field != "body", "objectName": "client", "fieldIdentifier": field}],
        "error": error,
        "error_description": message,
    });
    http::json(status, &body, error)
}

fn invalid(field: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, field, message, "invalid_request")
}

fn not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "client_id",
        &format!("client {id} not found"),
        "not_found",
    )
}
