//! Who is calling app B and what they may do: the Altinn token (platform keys, zero clock
//! skew), the instance scopes, and the app's policy (protocols.md §4 "Auth", "Scopes").

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::definition::{APP_OWNER, AppDefinition, SYSTEM_USER};
use crate::seed::Party;
use crate::state::State;
use crate::{Service, http, jwt};

/// The authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub scopes: Vec<String>,
    /// `urn:altinn:orgNumber`.
    pub org_number: String,
    /// `urn:altinn:org` (service owners only).
    pub service_owner: Option<String>,
    /// `(systemuser_id, owner org)` for system-user tokens.
    pub system_user: Option<(String, String)>,
}

impl Caller {
    /// The org the caller acts as: the system user's owner, or the token's organisation.
    pub(crate) fn acting_org(&self) -> &str {
        self.system_user
            .as_ref()
            .map_or(&self.org_number, |(_, owner)| owner)
    }

    /// For `createdBy` / `lastChangedBy`.
    pub(crate) fn user_id(&self) -> String {
        self.system_user
            .as_ref()
            .map_or_else(|| self.org_number.clone(), |(id, _)| id.clone())
    }
}

/// Validates the bearer token (or the `AltinnStudioRuntime` cookie, which APPLIB reads second).
pub(crate) fn authenticate(state: &State, headers: &HeaderMap) -> Result<Caller, Response> {
    caller(state, headers).ok_or_else(|| http::empty(StatusCode::UNAUTHORIZED, "invalid token"))
}

fn caller(state: &State, headers: &HeaderMap) -> Option<Caller> {
    let token = jwt::bearer(headers)
        .map(str::to_owned)
        .or_else(|| cookie(headers, "AltinnStudioRuntime"))?;
    let parsed = jwt::parse(&token)?;
    let key = &state.keys.platform;
    // APPLIB: validated against the platform OpenID keys; a raw Maskinporten token fails here.
    if parsed.header_str("kid") != Some(key.kid.as_str())
        || !parsed.verify(&key.decoding, parsed.rsa_alg()?)
    {
        return None;
    }
    if parsed.claim_str("iss") != Some(crate::altinn::issuer(state).as_str()) {
        return None;
    }
    // APPLIB `AddAuthenticationScheme`: ClockSkew = 0.
    let now = state.clock.unix(Service::Apps);
    if parsed.claim_i64("exp")? <= now || parsed.claim_i64("nbf").is_some_and(|nbf| nbf > now) {
        return None;
    }
    let org_number = parsed.claim_str("urn:altinn:orgNumber")?.to_owned();
    let system_user = match parsed.claims.get("authorization_details") {
        None => None,
        // APPLIB `Authenticated.NewSystemUser`: needs systemuser_id, system_id, the
        // iso6523-actorid-upis authority and a valid consumer org.
        Some(details) => Some(system_user(details)?),
    };
    Some(Caller {
        scopes: parsed
            .claim_str("scope")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        org_number,
        service_owner: parsed.claim_str("urn:altinn:org").map(str::to_owned),
        system_user,
    })
}

fn system_user(details: &Value) -> Option<(String, String)> {
    let entry = details.as_array()?.first()?;
    entry.get("system_id")?.as_str()?;
    let id = entry
        .get("systemuser_id")?
        .as_array()?
        .first()?
        .as_str()?
        .to_owned();
    let org = entry.get("systemuser_org")?;
    if org.get("authority")?.as_str()? != "iso6523-actorid-upis" {
        return None;
    }
    let owner = org.get("id")?.as_str()?.strip_prefix("0192:")?.to_owned();
    crate::is_valid_org_number(&owner).then_some((id, owner))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
}

/// APPLIB `Scopes.HasAltinnInstanceScope`: `altinn:instances.read|write` or the service-owner
/// form `altinn:serviceowner/instances.read|write`; read for GET, write for changes. → 403
/// ProblemDetails "Insufficient scope" with the request's path as `instance` (recorded:
/// tests/conformance/altinn-app/app-instantiate-403-insufficient-scope.json).
pub(crate) fn require_scope(caller: &Caller, write: bool, path: &str) -> Result<(), Response> {
    let wanted = if write {
        "instances.write"
    } else {
        "instances.read"
    };
    let ok = caller
        .scopes
        .iter()
        .any(|s| s == &format!("altinn:{wanted}") || s == &format!("altinn:serviceowner/{wanted}"));
    if ok {
        Ok(())
    } else {
        let problem = serde_json::json!({
            "title": "Forbidden",
            "status": 403,
            "detail": "Insufficient scope",
            "instance": path,
        });
        Err(http::json(
            StatusCode::FORBIDDEN,
            &problem,
            "missing instance scope",
        ))
    }
}

/// The app's policy for `action` on `party`. protocols §4.4: a PDP denial is 403 with an empty
/// body (no obligations in the sandbox). The owner's `[org]` rule covers every party; a system
/// user and an organisation act for their own party only (delegations between parties are not
/// emulated: strict).
pub(crate) fn authorize(
    definition: &AppDefinition,
    caller: &Caller,
    action: &str,
    party: &Party,
) -> Result<(), Response> {
    let own_party = party.org_number.as_deref() == Some(caller.acting_org());
    let matches = |subject: &str| match subject {
        APP_OWNER => {
            caller.system_user.is_none()
                && caller.service_owner.as_deref() == Some(definition.org.as_str())
        }
        SYSTEM_USER => caller.system_user.is_some() && own_party,
        other => {
            caller.system_user.is_none()
                && own_party
                && (other == caller.org_number || caller.service_owner.as_deref() == Some(other))
        }
    };
    let allowed = definition.policy.iter().any(|rule| {
        rule.actions.iter().any(|a| a == action) && rule.subjects.iter().any(|s| matches(s))
    });
    if allowed {
        Ok(())
    } else {
        Err(http::empty(StatusCode::FORBIDDEN, "policy denied"))
    }
}
