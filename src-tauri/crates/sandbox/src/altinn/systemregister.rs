//! The system register's vendor API (docs/reference/systemuser.md §2; Altinn authentication
//! `SystemRegisterController`, `ValidationErrors`): POST `/vendor`, GET and PUT
//! `/vendor/{systemId}`, with the Maskinporten token's scope and organisation checked and the
//! validation codes and texts of the service (AUTH.VLD-000NN in a validation problem).
//!
//! Deliberate difference: the resource register is the apps this sandbox serves, so a right is
//! known when it names `app_{org}_{app}` of one of them.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::maskinporten_claims;
use crate::http;
use crate::state::{State, World};

const SCOPE: &str = "altinn:authentication/systemregister.write";
const BASE: &str = "/authentication/api/v1/systemregister/vendor";

pub(super) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route(BASE, post(create).get(list))
        .route(&format!("{BASE}/{{id}}"), get(read).put(replace))
}

/// 401 without a valid Maskinporten token, 403 without the scope; else the vendor's org.
pub(super) fn caller_with(
    state: &State,
    headers: &HeaderMap,
    scope: &str,
) -> Result<String, Response> {
    let (claims, org) = maskinporten_claims(state, headers)
        .map_err(|why| http::empty(StatusCode::UNAUTHORIZED, why))?;
    let scopes = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !scopes.split_whitespace().any(|s| s == scope) {
        return Err(http::empty(StatusCode::FORBIDDEN, "scope missing"));
    }
    Ok(org)
}

fn caller(state: &State, headers: &HeaderMap) -> Result<String, Response> {
    caller_with(state, headers, SCOPE)
}

/// SRC-VAL texts (newest), by code.
fn detail(code: &str) -> &'static str {
    match code {
        "AUTH.VLD-00000" => "the org number identifier is not valid ISO6523 identifier",
        "AUTH.VLD-00001" => "The system id does not match the format orgnumber_xxxx...",
        "AUTH.VLD-00002" => "The system id already exists",
        "AUTH.VLD-00003" => {
            "One or more resources specified in rights were not found in Altinn's resource register."
        }
        "AUTH.VLD-00004" => "One of the client id is already tagged with an existing system",
        "AUTH.VLD-00005" => {
            "One or more of the redirect urls format is not valid. The valid format is https://xxx.xx"
        }
        "AUTH.VLD-00006" => "One or more duplicate rights found",
        "AUTH.VLD-00009" => {
            "One or more resource id is in wrong format. The valid format is urn:altinn:resource"
        }
        "AUTH.VLD-00011" => "Request contains duplicate client ids",
        "AUTH.VLD-00012" => {
            "The system ID in the request body does not match the system ID in the URL"
        }
        "AUTH.VLD-00013" => {
            "System ID cannot have spaces in id (leading, trailing or in between the id)"
        }
        _ => "",
    }
}

/// §1.2: a validation problem, `STD-00000` with `validationErrors`.
fn problem(codes: &[&str]) -> Response {
    let errors: Vec<Value> = codes
        .iter()
        .map(|c| json!({"code": c, "detail": detail(c), "paths": []}))
        .collect();
    let body = json!({
        "type": "urn:altinn:error:STD-00000",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "code": "STD-00000",
        "validationErrors": errors,
    });
    http::json_as(
        StatusCode::BAD_REQUEST,
        "application/problem+json",
        &body,
        &codes.join(","),
    )
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The vendor org of a body (`vendor.ID` = `0192:` + 9 digits), or AUTH.VLD-00000.
pub(super) fn vendor_org(body: &Value) -> Option<String> {
    body["vendor"]["ID"]
        .as_str()
        .or(body["vendor"]["id"].as_str())
        .and_then(|id| id.strip_prefix("0192:"))
        .filter(|n| crate::is_valid_org_number(n))
        .map(str::to_owned)
}

/// SRC-REG's checks of a body, in their order; `creating` adds the uniqueness of the id.
fn invalid(world: &World, body: &Value, vendor: &str, creating: bool) -> Vec<&'static str> {
    let mut codes = Vec::new();
    let id = body["id"].as_str().unwrap_or_default();
    if !id.starts_with(&format!("{vendor}_")) {
        codes.push("AUTH.VLD-00001");
    }
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        codes.push("AUTH.VLD-00013");
    }
    if creating && world.systems.iter().any(|s| s["id"] == id) {
        codes.push("AUTH.VLD-00002");
    }
    let resources: Vec<&Value> = body["rights"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["resource"].as_array().into_iter().flatten())
        .collect();
    if resources.iter().any(|r| r["id"] != "urn:altinn:resource") {
        codes.push("AUTH.VLD-00009");
    } else if resources
        .iter()
        .any(|r| !known_resource(world, r["value"].as_str().unwrap_or_default()))
    {
        codes.push("AUTH.VLD-00003");
    }
    let rights = body["rights"].as_array().cloned().unwrap_or_default();
    if rights
        .iter()
        .enumerate()
        .any(|(i, r)| rights[..i].contains(r))
    {
        codes.push("AUTH.VLD-00006");
    }
    let clients = strings(&body["clientId"]);
    if clients
        .iter()
        .enumerate()
        .any(|(i, c)| clients[..i].contains(c))
    {
        codes.push("AUTH.VLD-00011");
    }
    let taken = world
        .systems
        .iter()
        .filter(|s| s["id"] != id)
        .any(|s| strings(&s["clientId"]).iter().any(|c| clients.contains(c)));
    if taken {
        codes.push("AUTH.VLD-00004");
    }
    if strings(&body["allowedRedirectUrls"])
        .iter()
        .any(|u| !u.starts_with("https://"))
    {
        codes.push("AUTH.VLD-00005");
    }
    codes
}

fn known_resource(world: &World, value: &str) -> bool {
    value
        .strip_prefix("app_")
        .and_then(|rest| rest.split_once('_'))
        .is_some_and(|(org, app)| world.apps.get(org, app).is_some())
}

fn parse(body: &Bytes) -> Result<Value, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(problem(&["AUTH.VLD-00000"])),
    }
}

/// §2.1: 200 with the new system's GUID as a JSON string.
async fn create(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let org = match caller(&state, &headers) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let body = match parse(&body) {
        Ok(b) => b,
        Err(response) => return response,
    };
    let Some(vendor) = vendor_org(&body) else {
        return problem(&["AUTH.VLD-00000"]);
    };
    let mut world = state.world();
    let codes = invalid(&world, &body, &vendor, true);
    // The write-access check runs after validation, before its errors are returned (§2.1).
    if vendor != org {
        return http::empty(StatusCode::FORBIDDEN, "not the vendor");
    }
    if !codes.is_empty() {
        return problem(&codes);
    }
    let mut stored = body;
    stored["isVisible"] = stored.get("isVisible").cloned().unwrap_or(json!(true));
    stored["isDeleted"] = json!(false);
    let guid = uuid::Uuid::new_v4().to_string();
    world.systems.push(stored);
    http::json(StatusCode::OK, &Value::String(guid), "created")
}

/// §2.3 `GET /vendor`: the caller's own systems.
async fn list(AxumState(state): AxumState<Arc<State>>, headers: HeaderMap) -> Response {
    let org = match caller(&state, &headers) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let world = state.world();
    let mine: Vec<Value> = world
        .systems
        .iter()
        .filter(|s| vendor_org(s).as_deref() == Some(org.as_str()))
        .cloned()
        .collect();
    http::json(StatusCode::OK, &Value::Array(mine), "ok")
}

/// §2.3: 404 with no body when unknown, 403 when another vendor's.
async fn read(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let org = match caller(&state, &headers) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let world = state.world();
    match world.systems.iter().find(|s| s["id"] == id.as_str()) {
        None => http::empty(StatusCode::NOT_FOUND, "unknown system"),
        Some(system) if vendor_org(system).as_deref() != Some(org.as_str()) => {
            http::empty(StatusCode::FORBIDDEN, "another vendor's system")
        }
        Some(system) => http::json(StatusCode::OK, system, "ok"),
    }
}

/// §2.2: replaces the whole system; `{"succeeded":true}`.
async fn replace(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let org = match caller(&state, &headers) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let body = match parse(&body) {
        Ok(b) => b,
        Err(response) => return response,
    };
    let mut world = state.world();
    let Some(position) = world.systems.iter().position(|s| s["id"] == id.as_str()) else {
        return http::json(
            StatusCode::NOT_FOUND,
            &Value::String(format!("System with ID '{id}' not found.")),
            "unknown system",
        );
    };
    let stored_vendor = vendor_org(&world.systems[position]);
    if stored_vendor.as_deref() != Some(org.as_str()) {
        return http::empty(StatusCode::FORBIDDEN, "another vendor's system");
    }
    if vendor_org(&body) != stored_vendor {
        return http::json(
            StatusCode::NOT_FOUND,
            &Value::String(format!("System with ID '{id}' not found.")),
            "vendor differs",
        );
    }
    if body["id"] != id.as_str() {
        return problem(&["AUTH.VLD-00012"]);
    }
    let codes = invalid(&world, &body, &org, false);
    if !codes.is_empty() {
        return problem(&codes);
    }
    let mut stored = body;
    stored["isDeleted"] = json!(false);
    world.systems[position] = stored;
    http::json(StatusCode::OK, &json!({"succeeded": true}), "replaced")
}
