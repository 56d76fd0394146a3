//! The access token: verified against the keys at the metadata's `jwks_uri` and decoded into
//! what the person checks (consumer, scopes, client_amr, expiry, system user). DD-token asks
//! clients to treat it as opaque; we only read it to explain it, never to decide access.

use std::collections::HashSet;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use super::metadata::Metadata;
use super::{MaskinportenError, scrub};
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::AccessToken;

pub fn jwks_request(metadata: &Metadata) -> HttpRequest {
    HttpRequest::get(metadata.jwks_uri.clone()).header("Accept", "application/json")
}

#[derive(Debug, Clone, Deserialize)]
pub struct SigningKey {
    pub kid: Option<String>,
    pub kty: String,
    pub n: Option<String>,
    pub e: Option<String>,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<SigningKey>,
}

pub fn parse_jwks(response: &HttpResponse) -> Result<Vec<SigningKey>, MaskinportenError> {
    if response.status != 200 {
        return Err(MaskinportenError::JwksInvalid(format!(
            "HTTP {}: {}",
            response.status,
            scrub(&response.text())
        )));
    }
    let jwks: Jwks = serde_json::from_slice(&response.body)
        .map_err(|e| MaskinportenError::JwksInvalid(format!("not a JWKS ({e})")))?;
    Ok(jwks.keys.into_iter().filter(|k| k.kty == "RSA").collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SystemUserInfo {
    /// `systemuser_org` of the token: the organisation that owns the system user.
    pub org: Option<String>,
    pub system_user_id: Option<String>,
    pub system_id: Option<String>,
}

/// What the person sees of a Maskinporten token: claims only, never the token or its signature.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccessTokenInfo {
    pub issuer: String,
    pub client_id: Option<String>,
    pub client_amr: Option<String>,
    /// The consumer organisation number (from `consumer.ID`, `0192:` removed).
    pub consumer_org: Option<String>,
    pub supplier_org: Option<String>,
    pub scopes: Vec<String>,
    pub issued_at: i64,
    pub expires_at: i64,
    pub system_user: Option<SystemUserInfo>,
    /// Every decoded claim, for the "raw" view.
    #[ts(type = "Record<string, unknown>")]
    pub claims: serde_json::Value,
}

fn org_of(value: &serde_json::Value) -> Option<String> {
    let id = value.get("ID").or_else(|| value.get("id"))?.as_str()?;
    Some(id.strip_prefix("0192:").unwrap_or(id).to_string())
}

/// Reads the claims the UI shows from any JWT payload (Maskinporten's or Altinn's copy of it).
pub fn describe(claims: serde_json::Value) -> AccessTokenInfo {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let number = |name: &str| {
        claims
            .get(name)
            .and_then(serde_json::Value::as_i64)
            .unwrap_or_default()
    };
    let system_user = claims
        .get("authorization_details")
        .and_then(|d| d.as_array())
        .and_then(|d| d.iter().find(|e| e["type"] == "urn:altinn:systemuser"))
        .map(|d| SystemUserInfo {
            org: org_of(&d["systemuser_org"]),
            system_user_id: d["systemuser_id"]
                .as_array()
                .and_then(|ids| ids.first())
                .and_then(|v| v.as_str())
                .map(str::to_string),
            system_id: d["system_id"].as_str().map(str::to_string),
        });
    AccessTokenInfo {
        issuer: text("iss").unwrap_or_default(),
        client_id: text("client_id"),
        client_amr: text("client_amr"),
        consumer_org: claims.get("consumer").and_then(org_of),
        supplier_org: claims.get("supplier").and_then(org_of),
        scopes: text("scope")
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        issued_at: number("iat"),
        expires_at: number("exp"),
        system_user,
        claims,
    }
}

/// Checks the signature with the key named by the token's `kid`, the issuer, and the expiry
/// against the injected clock (not the system clock, so tests and skew warnings agree).
pub fn verify(
    token: &AccessToken,
    keys: &[SigningKey],
    issuer: &str,
    now: OffsetDateTime,
) -> Result<AccessTokenInfo, MaskinportenError> {
    let invalid = |why: String| MaskinportenError::AccessTokenInvalid(why);
    let header = jsonwebtoken::decode_header(token.expose_secret())
        .map_err(|e| invalid(format!("not a JWT ({e})")))?;
    let key = keys
        .iter()
        .find(|k| k.kid.is_some() && k.kid == header.kid)
        .ok_or_else(|| MaskinportenError::SigningKeyUnknown {
            kid: header.kid.clone(),
        })?;
    let (Some(n), Some(e)) = (&key.n, &key.e) else {
        return Err(invalid("the signing key has no n/e".into()));
    };
    let decoding = DecodingKey::from_rsa_components(n, e).map_err(|e| invalid(e.to_string()))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.algorithms = vec![Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];
    validation.required_spec_claims = HashSet::new();
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_issuer(&[issuer]);
    let data =
        jsonwebtoken::decode::<serde_json::Value>(token.expose_secret(), &decoding, &validation)
            .map_err(|e| invalid(e.to_string()))?;
    let info = describe(data.claims);
    if info.expires_at <= now.unix_timestamp() {
        return Err(invalid(format!(
            "it expired at {} (check this computer's clock)",
            info.expires_at
        )));
    }
    Ok(info)
}
