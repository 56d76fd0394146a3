//! The Altinn platform emulator: the Maskinporten → Altinn token exchange (protocols.md §3) and
//! the platform's OpenID metadata and signing keys, which the app emulator also trusts.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

mod systemregister;
mod systemuserrequest;

use crate::jwt;
use crate::state::State;
use crate::{Service, http};

/// AUTHN: Maskinporten tokens are validated with `ClockSkew = 10 s`.
const MASKINPORTEN_SKEW: i64 = 10;
/// AUTHN `appsettings.json`: `"JwtValidityMinutes": 30` (prod UNCONFIRMED).
const ALTINN_TOKEN_LIFETIME: i64 = 30 * 60;
const OPENID: &str = "/authentication/api/v1/openid/";

/// The platform token issuer, as in `https://platform.tt02.altinn.no/authentication/api/v1/openid/`.
pub(crate) fn issuer(state: &State) -> String {
    format!("{}{OPENID}", state.urls.altinn_platform)
}

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/authentication/api/v1/exchange/{provider}", get(exchange))
        .route(
            "/authentication/api/v1/openid/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route(
            "/authentication/api/v1/openid/.well-known/openid-configuration/jwks",
            get(jwks),
        )
        .merge(systemregister::routes())
        .merge(systemuserrequest::routes())
        .fallback(|| async { http::empty(StatusCode::NOT_FOUND, "not found") })
        .with_state(state)
}

async fn openid_configuration(AxumState(state): AxumState<Arc<State>>) -> Response {
    let issuer = issuer(&state);
    let body = json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}.well-known/openid-configuration/jwks"),
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    http::json(StatusCode::OK, &body, "ok")
}

async fn jwks(AxumState(state): AxumState<Arc<State>>) -> Response {
    http::json(StatusCode::OK, &state.keys.platform.jwks(), "ok")
}

/// `GET /authentication/api/v1/exchange/{tokenProvider}` (AUTHN `AuthenticationController`).
async fn exchange(
    AxumState(state): AxumState<Arc<State>>,
    Path(provider): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let wants_json = accepts_json(&headers);
    // protocols §3: "{tokenProvider} is case-insensitive: maskinporten, id-porten or altinnstudio;
    // anything else gets 400 "Invalid token provider: …"".
    match provider.to_ascii_lowercase().as_str() {
        "maskinporten" => {}
        // Known providers whose tokens the sandbox never issues: nothing can validate → 401.
        "id-porten" | "altinnstudio" => {
            return http::empty(StatusCode::UNAUTHORIZED, "unsupported provider");
        }
        _ => {
            return string_body(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Invalid token provider: {provider}. Trusted token providers are 'Maskinporten', 'Id-porten' and 'AltinnStudio'."
                ),
                wants_json,
                "invalid provider",
            );
        }
    }
    // protocols §3: the enterprise-user header gets 410 Gone (ProblemDetails).
    if headers.contains_key("x-altinn-enterpriseuser-authentication") {
        let body = json!({
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.11",
            "title": "Gone",
            "status": 410,
            "detail": "Virksomhetsbruker is no longer available",
        });
        return http::json_as(
            StatusCode::GONE,
            "application/problem+json; charset=utf-8",
            &body,
            "enterprise user gone",
        );
    }
    let test = query
        .iter()
        .any(|(k, v)| k == "test" && v.eq_ignore_ascii_case("true"));
    match altinn_token(&state, &headers, test) {
        Ok(token) => string_body(StatusCode::OK, &token, wants_json, "ok"),
        // protocols §3: "401 (empty body): no or unparseable bearer token, bad signature,
        // expired, issuer from the wrong env, missing/invalid consumer, any exception".
        Err(reason) => http::empty(StatusCode::UNAUTHORIZED, reason),
    }
}

/// A valid Maskinporten token of this sandbox (AUTHN's checks): its claims and the consumer's
/// organisation number. The error is a log outcome only.
pub(crate) fn maskinporten_claims(
    state: &State,
    headers: &HeaderMap,
) -> Result<(Map<String, Value>, String), &'static str> {
    let token = jwt::bearer(headers).ok_or("no bearer")?;
    let parsed = jwt::parse(token).ok_or("unparseable token")?;
    let key = &state.keys.maskinporten;
    let alg = parsed.rsa_alg().ok_or("bad alg")?;
    if parsed.header_str("kid") != Some(key.kid.as_str()) || !parsed.verify(&key.decoding, alg) {
        return Err("bad signature");
    }
    let now = state.clock.unix(Service::AltinnPlatform);
    // AUTHN: lifetime checked with 10 s skew.
    let exp = parsed.claim_i64("exp").ok_or("no exp")?;
    if exp + MASKINPORTEN_SKEW <= now
        || parsed
            .claim_i64("nbf")
            .is_some_and(|nbf| nbf - MASKINPORTEN_SKEW > now)
    {
        return Err("expired");
    }
    // AUTHN: iss must equal the issuer of the environment's Maskinporten.
    if parsed.claim_str("iss") != Some(state.urls.maskinporten.as_str()) {
        return Err("wrong issuer");
    }
    // AUTHN: the consumer claim (iso6523-actorid-upis) is required.
    let consumer = parsed.claims.get("consumer").ok_or("no consumer")?;
    let org_number = (consumer.get("authority").and_then(Value::as_str)
        == Some("iso6523-actorid-upis"))
    .then(|| consumer.get("ID").and_then(Value::as_str))
    .flatten()
    .and_then(|id| id.strip_prefix("0192:"))
    .filter(|n| crate::is_valid_org_number(n))
    .ok_or("invalid consumer")?
    .to_owned();
    Ok((parsed.claims, org_number))
}

/// Validates the Maskinporten token and builds the Altinn token. The error is a log outcome only.
fn altinn_token(state: &State, headers: &HeaderMap, test: bool) -> Result<String, &'static str> {
    let (claims, org_number) = maskinporten_claims(state, headers)?;
    let now = state.clock.unix(Service::AltinnPlatform);
    let scope = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    // SCEN, AUTHN: copy the claims minus aud, iss, client_amr, sid; times are replaced.
    let mut claims: Map<String, Value> = claims
        .into_iter()
        .filter(|(k, _)| {
            !["aud", "iss", "client_amr", "sid", "exp", "iat", "nbf"].contains(&k.as_str())
        })
        .collect();
    claims.insert("urn:altinn:orgNumber".into(), json!(org_number));
    claims.insert(
        "urn:altinn:authenticatemethod".into(),
        json!("maskinporten"),
    );
    claims.insert("urn:altinn:authlevel".into(), json!(3));
    // AUTHN: urn:altinn:org only for service-owner scopes; `?test=true` turns digdir into ttd
    // (OrgIsDigDirAndTestIsTrue), otherwise it is ignored.
    if scope
        .split_whitespace()
        .any(|s| s.contains("altinn:serviceowner"))
    {
        let code = state
            .world()
            .org(&org_number)
            .and_then(|o| o.service_owner.clone());
        let code = match code.as_deref() {
            Some("digdir") if test => Some("ttd".to_owned()),
            _ => code,
        };
        if let Some(code) = code {
            claims.insert("urn:altinn:org".into(), json!(code));
        }
    }
    claims.insert("iss".into(), json!(issuer(state)));
    claims.insert("sid".into(), json!(uuid::Uuid::new_v4().to_string()));
    claims.insert("nbf".into(), json!(now));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + ALTINN_TOKEN_LIFETIME));
    state
        .keys
        .platform
        .sign(&Value::Object(claims))
        .ok_or("signing failed")
}

fn accepts_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|t| {
                t.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .eq_ignore_ascii_case("application/json")
            })
        })
}

/// ASP.NET `Ok(string)`: text/plain by default, a JSON string literal when JSON is accepted
/// (protocols §3 "Response 200").
fn string_body(status: StatusCode, text: &str, as_json: bool, outcome: &str) -> Response {
    if as_json {
        http::json(status, &Value::String(text.to_owned()), outcome)
    } else {
        http::text(status, text.to_owned(), outcome)
    }
}
