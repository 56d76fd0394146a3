//! `POST /token`: the request shape (DD-token), then the grant checks, then a signed access
//! token shaped like Maskinporten's (protocols.md §1.4, §2).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::grant::{self, Accepted, MpError};
use crate::state::State;
use crate::{Service, http};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

pub(super) async fn token(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match accept(&state, &headers, &body) {
        Ok(accepted) => issue(&state, accepted),
        Err(error) => {
            let body = error.body();
            no_store(http::json(error.status, &body, error.outcome))
        }
    }
}

fn accept(state: &State, headers: &HeaderMap, body: &[u8]) -> Result<Accepted, MpError> {
    // DD-token: "POST {token_endpoint} with Content-Type: application/x-www-form-urlencoded".
    // (protocols §6.6: the JSON payload of doc examples is not a valid request.) Wording UNCONFIRMED.
    if http::media_type(headers).as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(MpError::new(
            "invalid_request",
            None,
            "Invalid request. Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let mut form: HashMap<String, String> = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        // RFC 6749 §3.2: parameters "MUST NOT be included more than once".
        if form.insert(name.to_string(), value.to_string()).is_some() {
            return Err(MpError::new(
                "invalid_request",
                None,
                &format!("Invalid request. The parameter {name} is repeated"),
            ));
        }
    }
    // DD-token: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer; RFC 6749 §5.2 names the error.
    if form.get("grant_type").map(String::as_str) != Some(JWT_BEARER) {
        return Err(MpError::new(
            "unsupported_grant_type",
            None,
            "Invalid request. grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer",
        ));
    }
    let assertion = form
        .get("assertion")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| grant::invalid_parameter("The assertion parameter is missing"))?;
    let now = state.clock.unix(Service::Maskinporten);
    let mut world = state.world();
    grant::check(&mut world, &state.urls.maskinporten, now, assertion)
}

fn issue(state: &State, accepted: Accepted) -> Response {
    let now = state.clock.unix(Service::Maskinporten);
    let lifetime = accepted.client.access_token_lifetime;
    let org_id =
        |org: &str| json!({"authority": "iso6523-actorid-upis", "ID": format!("0192:{org}")});
    let mut claims = json!({
        "iss": state.urls.maskinporten,
        "client_id": accepted.client.client_id,
        "client_amr": "private_key_jwt",
        "token_type": "Bearer",
        "consumer": org_id(&accepted.consumer_org),
        "scope": accepted.scope,
        "iat": now,
        "exp": now + i64::from(lifetime),
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    if let Some(map) = claims.as_object_mut() {
        if let Some(supplier) = &accepted.supplier_org {
            map.insert("supplier".into(), org_id(supplier));
        }
        if let Some(resource) = accepted.resource {
            map.insert("aud".into(), resource);
        }
        if let Some(pid) = accepted.pid {
            map.insert("pid".into(), Value::String(pid));
        }
        if let Some(details) = accepted.authorization_details {
            map.insert("authorization_details".into(), details);
        }
    }
    let Some(access_token) = state.keys.maskinporten.sign(&claims) else {
        let body = json!({"error": "server_error", "error_description": "The sandbox could not sign the token"});
        return http::json(StatusCode::INTERNAL_SERVER_ERROR, &body, "server_error");
    };
    let body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": accepted.scope,
    });
    no_store(http::json(StatusCode::OK, &body, "ok"))
}

/// RFC 6749 §5.1: token responses carry `Cache-Control: no-store`.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
