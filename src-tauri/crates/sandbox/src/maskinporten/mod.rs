//! The Maskinporten emulator: metadata, JWKS, `/token` and the self-service client API on one
//! port, plus `/_sandbox/log`. Grant rules live in `grant` and `rar`, issuing in `token`.

mod error;
mod grant;
mod rar;
pub(crate) mod registry;
mod selfservice;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

use crate::http;
use crate::state::State;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/jwk", get(jwks))
        .route("/token", post(token::token))
        .route("/_sandbox/log", get(request_log))
        .merge(selfservice::routes())
        .merge(crate::rehearsal::routes())
        .fallback(|| async { http::empty(StatusCode::NOT_FOUND, "not found") })
        .with_state(state)
}

/// protocols §1.1: the shape of `https://test.maskinporten.no/.well-known/oauth-authorization-server`
/// with this server's URLs. Only the RAR type the sandbox implements is listed (the real test
/// document also lists `urn:altinn:consent`).
async fn metadata(AxumState(state): AxumState<Arc<State>>) -> Response {
    let issuer = &state.urls.maskinporten;
    let body = json!({
        "authorization_details_types_supported": ["urn:altinn:systemuser", "urn:altinn:consent"],
        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        "issuer": issuer,
        "jwks_uri": format!("{issuer}jwk"),
        "token_endpoint": format!("{issuer}token"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "RS512"],
    });
    http::json(StatusCode::OK, &body, "ok")
}

/// The keys Maskinporten signs access tokens with (DD-wk: read them via `jwks_uri`).
async fn jwks(AxumState(state): AxumState<Arc<State>>) -> Response {
    http::json(StatusCode::OK, &state.keys.maskinporten.jwks(), "ok")
}

/// The secret-free request log of every service. Loopback only, no authentication.
async fn request_log(AxumState(state): AxumState<Arc<State>>) -> Response {
    let entries = serde_json::to_value(state.log.snapshot()).unwrap_or_default();
    http::json(StatusCode::OK, &entries, "ok")
}
