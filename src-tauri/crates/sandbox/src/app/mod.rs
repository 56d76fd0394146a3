//! The Altinn app emulator ("app B") on the apps port, under `/{org}/{app}/…` (protocols.md §4):
//! metadata, schema and policy here; instantiation in `instances`, data and process in `data`.

mod access;
mod auth;
mod data;
pub mod definition;
mod formdata;
mod instances;
mod pdf;
pub(crate) mod store;
mod template;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::http;
use crate::state::State;
use store::{AppEntry, Links};

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/{org}/{app}/api/v1/applicationmetadata", get(metadata))
        .route("/{org}/{app}/api/jsonschema/{id}", get(schema))
        .route("/{org}/{app}/api/v1/meta/authorizationpolicy", get(policy))
        .route("/{org}/{app}/instances", post(instances::post))
        .route("/{org}/{app}/instances/create", post(instances::create))
        .route("/{org}/{app}/instances/{party}/active", get(access::active))
        .route(
            "/{org}/{app}/instances/{party}/{guid}",
            get(access::get).delete(access::delete),
        )
        .route(
            "/{org}/{app}/instances/{party}/{guid}/data/{data}",
            get(data::get).put(data::put),
        )
        .route(
            "/{org}/{app}/instances/{party}/{guid}/process",
            get(data::process),
        )
        .route(
            "/{org}/{app}/instances/{party}/{guid}/process/next",
            put(data::next),
        )
        .fallback(|| async { http::empty(StatusCode::NOT_FOUND, "not found") })
        .with_state(state)
}

/// Any request to an unknown app is 404.
pub(crate) fn unknown_app() -> Response {
    http::empty(StatusCode::NOT_FOUND, "unknown app")
}

/// ASP.NET `StatusCode(n, "text")` in a `[Produces("application/json")]` controller: a JSON string.
pub(crate) fn message(status: StatusCode, text: &str, outcome: &str) -> Response {
    http::json(status, &Value::String(text.to_owned()), outcome)
}

pub(crate) fn links<'a>(state: &'a State, definition: &definition::AppDefinition) -> Links<'a> {
    Links {
        apps: &state.urls.apps,
        platform: &state.urls.altinn_platform,
        app_id: definition.app_id(),
    }
}

/// Answers with `f` for the app `org/app`, or 404 when there is no such app.
fn with_app(
    state: &State,
    org: &str,
    app: &str,
    f: impl FnOnce(&AppEntry) -> Response,
) -> Response {
    match state.world().apps.get(org, app) {
        Some(entry) => f(entry),
        None => unknown_app(),
    }
}

/// protocols §4.1: `applicationmetadata` is AllowAnonymous.
async fn metadata(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app)): Path<(String, String)>,
) -> Response {
    with_app(&state, &org, &app, |entry| {
        let d = &entry.definition;
        // The fields of app-lib's ApplicationMetadata as recorded
        // (tests/conformance/altinn-app/app-metadata-200.json), with every data type's flags.
        let data_types: Vec<Value> = d
            .data_types
            .iter()
            .map(|t| {
                let mut shown = serde_json::to_value(t).unwrap_or_default();
                if let Some(map) = shown.as_object_mut() {
                    map.insert("enablePdfCreation".into(), json!(t.app_logic.is_some()));
                    map.insert("enableFileScan".into(), json!(false));
                    map.insert("validationErrorOnPendingFileScan".into(), json!(false));
                }
                shown
            })
            .collect();
        let body = json!({
            "id": d.app_id(),
            "features": {"footer": false, "jsonObjectInDataResponse": false, "processActions": true},
            "altinnNugetVersion": "8.6.0.0",
            "externalApiIds": [],
            "org": d.org,
            "title": d.title,
            "dataTypes": data_types,
            "partyTypesAllowed": d.party_types_allowed,
            "autoDeleteOnProcessEnd": false,
            "disallowUserInstantiation": d.disallow_user_instantiation,
            "created": "2026-01-01T00:00:00Z",
            "createdBy": "altinn",
            "lastChanged": "2026-01-01T00:00:00Z",
            "lastChangedBy": "altinn",
        });
        http::json(StatusCode::OK, &body, "ok")
    })
}

/// protocols §4.1: `GET api/jsonschema/{id}` reads the model's schema.
async fn schema(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app, id)): Path<(String, String, String)>,
) -> Response {
    with_app(&state, &org, &app, |entry| {
        match entry.definition.schemas.get(&id) {
            Some(schema) => http::json(StatusCode::OK, schema, "ok"),
            None => http::empty(StatusCode::NOT_FOUND, "unknown schema"),
        }
    })
}

/// A simple JSON rendition of the app's XACML policy.
async fn policy(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app)): Path<(String, String)>,
) -> Response {
    with_app(&state, &org, &app, |entry| {
        let body = json!({"appId": entry.definition.app_id(), "rules": entry.definition.policy});
        http::json(StatusCode::OK, &body, "ok")
    })
}
