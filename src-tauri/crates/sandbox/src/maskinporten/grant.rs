//! Checking a JWT grant (the `assertion` of a token request), rule by rule, each with the error
//! Maskinporten documents for it (protocols.md §1.2–§1.5). The order is: structure, client,
//! key, signature, claim set, audience, times, jti, scopes, consumer_org, system user.

use axum::http::StatusCode;
use serde_json::Value;

pub(crate) use super::error::{MpError, invalid_parameter};
use super::rar;
use super::registry::ClientRecord;
use crate::jwt::{self, UnverifiedJwt};
use crate::state::World;

/// DD-jwtgrant: the documented claims. Live DD-jwtgrant (PR #438): "Adding claims not present
/// in the following documentation will result in a response of 400 Bad request with error
/// description containing Invalid assertion." `sub` is not in the list: whether it is tolerated
/// is UNCONFIRMED, so the sandbox takes the strict side and refuses it.
const DOCUMENTED_CLAIMS: &[&str] = &[
    "aud",
    "iss",
    "iat",
    "exp",
    "jti",
    "scope",
    "resource",
    "pid",
    "consumer_org",
    "iss_onbehalfof",
    "authorization_details",
];
/// DD-jwtgrant: "less than 10 seconds ahead/after our clock".
const IAT_SKEW: i64 = 10;
/// DD-jwtgrant: "Maximum 120 seconds allowed (exp - iat <= 120)".
const MAX_GRANT_LIFETIME: i64 = 120;

/// What an accepted grant asks for.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub client: ClientRecord,
    pub scope: String,
    /// The legal consumer: `consumer_org`, or the client's own org.
    pub consumer_org: String,
    /// Set when the client acts as supplier for `consumer_org`.
    pub supplier_org: Option<String>,
    pub pid: Option<String>,
    pub resource: Option<Value>,
    pub authorization_details: Option<Value>,
}

pub(crate) fn check(
    world: &mut World,
    issuer: &str,
    now: i64,
    assertion: &str,
) -> Result<Accepted, MpError> {
    // DD-err MP-011: a malformed grant (line breaks, typos) → "Invalid assertion. Invalid parameter value".
    let grant = Some(assertion)
        .filter(|a| !a.contains(char::is_whitespace))
        .and_then(jwt::parse)
        .ok_or_else(|| invalid_parameter("The assertion is not a compact JWS"))?;
    // DD-jwtgrant §header: alg RS256, RS384 or RS512.
    let Some(alg) = grant.rsa_alg() else {
        return Err(MpError::new(
            "invalid_grant",
            None,
            "Invalid assertion. Unsupported JWT alg; use RS256, RS384 or RS512",
        ));
    };
    // DD-err MP-100: unknown iss → "Invalid assertion. Client authentication failed." / "Client not found".
    let client = grant
        .claim_str("iss")
        .and_then(|iss| world.registry.clients.get(iss))
        .cloned()
        .ok_or_else(|| {
            MpError::new(
                "invalid_grant",
                Some("MP-100"),
                "Invalid assertion. Client authentication failed. Client not found.",
            )
        })?;
    let key = client_key(&grant, &client, now)?;
    // Strict, UNCONFIRMED: the grant's alg must be the alg the key was registered with.
    if key.alg != alg {
        return Err(MpError::new(
            "invalid_grant",
            None,
            "Invalid assertion. Client authentication failed. The JWT alg differs from the registered key's alg",
        ));
    }
    if !grant.verify(&key.decoding, alg) {
        // DD-err: MP-124 "Invalid JWT signature".
        return Err(MpError::new(
            "invalid_grant",
            Some("MP-124"),
            "Invalid JWT signature",
        ));
    }
    if let Some(extra) = grant
        .claims
        .keys()
        .find(|k| !DOCUMENTED_CLAIMS.contains(&k.as_str()))
    {
        return Err(MpError::new(
            "invalid_request",
            None,
            &format!("Invalid assertion. The claim {extra} is not allowed"),
        ));
    }
    check_audience(&grant, issuer)?;
    let exp = check_times(&grant, now)?;
    // DD-jwtgrant: jti is "recommended"; the sandbox requires it (strict), since a grant without
    // one cannot be told apart from a replay. DD-err MP-012 "Grant is used before".
    let jti = grant
        .claim_str("jti")
        .filter(|j| !j.is_empty())
        .ok_or_else(|| invalid_parameter("The claim jti is missing"))?;
    if !world
        .registry
        .use_jti(&client.client_id, jti, exp + 60, now)
    {
        return Err(MpError::new(
            "invalid_grant",
            Some("MP-012"),
            "Grant is used before",
        ));
    }
    let scope = check_scopes(world, &grant, &client)?;
    let consumer_org = grant.claim_str("consumer_org").map(str::to_owned);
    let pid = optional_string(&grant, "pid")?;
    if pid
        .as_deref()
        .is_some_and(|pid| !crate::is_valid_national_identity_number(pid))
    {
        return Err(invalid_parameter(
            "pid is not a valid national identity number",
        ));
    }
    // DD-jwtgrant: resource "Currently only array supported"; APIC sends a string. UNCONFIRMED
    // which form is accepted, so the sandbox takes the documented one: an array of strings.
    let resource = grant.claims.get("resource").cloned();
    if let Some(resource) = &resource {
        let ok = resource
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string));
        if !ok {
            return Err(invalid_parameter("resource must be an array of strings"));
        }
    }
    let authorization_details = match grant.claims.get("authorization_details") {
        Some(details) => Some(rar::check(world, &client, details)?),
        None => None,
    };
    Ok(Accepted {
        supplier_org: consumer_org.as_ref().map(|_| client.org_number.clone()),
        consumer_org: consumer_org.unwrap_or_else(|| client.org_number.clone()),
        client,
        scope,
        pid,
        resource,
        authorization_details,
    })
}

/// The registered key that must verify this grant (DD-jwtgrant header rules, DD-admin kid rule).
fn client_key<'c>(
    grant: &UnverifiedJwt,
    client: &'c ClientRecord,
    now: i64,
) -> Result<&'c crate::keys::PublicKey, MpError> {
    const UNKNOWN_KID: &str =
        "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client.";
    let x5c = grant.header.get("x5c");
    // DD-err MP-123: x5c must be "an array of string, and not string".
    if x5c.is_some_and(|x| !x.as_array().is_some_and(|a| a.iter().all(Value::is_string))) {
        return Err(MpError::new(
            "invalid_grant",
            Some("MP-123"),
            "Invalid JWT header x5c",
        ));
    }
    if client.keys.is_empty() {
        if x5c.is_some() {
            // The sandbox trusts no business-certificate CA, so no certificate can be valid here.
            return Err(MpError::new(
                "invalid_grant",
                Some("MP-120"),
                "Invalid assertion. The JWT is signed with an invalid certificate.",
            ));
        }
        // ks-no PR #186: also for "kid sent without a registered key".
        return Err(MpError::new("invalid_grant", None, UNKNOWN_KID));
    }
    // DD-admin: a client with a registered JWK "må … bruke kid-parameteren i jwt-headeren
    // istedenfor x5c"; efm-integrasjonspunkt #1443 gives the message.
    let kid = match (grant.header.get("kid"), x5c) {
        (Some(kid), None) => kid.as_str().unwrap_or_default(),
        _ => {
            return Err(MpError::new(
                "invalid_grant",
                None,
                "Invalid JWT. The client requires pre-registered jwk and no key identifier (kid) provided",
            ));
        }
    };
    let stored = client
        .keys
        .iter()
        .find(|k| k.key.kid == kid)
        .ok_or_else(|| MpError::new("invalid_grant", None, UNKNOWN_KID))?;
    // DD-admin, DD-err MP-121: keys live at most one year after posting.
    if stored.expires_at().unix_timestamp() <= now {
        return Err(MpError::new(
            "invalid_grant",
            Some("MP-121"),
            "Invalid assertion. Client authentication failed. Expired key.",
        ));
    }
    Ok(&stored.key)
}

/// DD-token (live): aud "must be set equal to the issuer identifier of maskinporten and must only
/// contain a single value. Using the token-endpoint url as audience is no longer valid."
fn check_audience(grant: &UnverifiedJwt, issuer: &str) -> Result<(), MpError> {
    let ok = match grant.claims.get("aud") {
        Some(Value::String(aud)) => aud == issuer,
        Some(Value::Array(values)) => values.len() == 1 && values[0].as_str() == Some(issuer),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(MpError::new(
            "invalid_grant",
            Some("MP-110"),
            "Invalid assertion. Client authentication failed. Invalid JWT claim aud.",
        ))
    }
}

/// iat within ±10 s, exp − iat ≤ 120, not expired. Returns exp.
fn check_times(grant: &UnverifiedJwt, now: i64) -> Result<i64, MpError> {
    let iat = grant
        .claim_i64("iat")
        .ok_or_else(|| invalid_parameter("The claim iat is missing or not a NumericDate"))?;
    let exp = grant
        .claim_i64("exp")
        .ok_or_else(|| invalid_parameter("The claim exp is missing or not a NumericDate"))?;
    // DD-err: "Issue time is after now" (client clock ahead).
    if iat > now + IAT_SKEW {
        return Err(MpError::new(
            "invalid_grant",
            None,
            "Issue time is after now",
        ));
    }
    // DD-jwtgrant: iat must be within 10 s of the server clock in both directions. An old iat is
    // a grant used late; DD-err gives MP-130 "JWT is expired" for that.
    if iat < now - IAT_SKEW {
        return Err(MpError::new(
            "invalid_grant",
            Some("MP-130"),
            "JWT is expired",
        ));
    }
    if exp <= iat || exp - iat > MAX_GRANT_LIFETIME {
        return Err(MpError::new(
            "invalid_grant",
            None,
            "Invalid assertion. The grant lifetime must be at most 120 seconds (exp - iat <= 120)",
        ));
    }
    // DD-err MP-130 "JWT is expired". No leeway on exp (strict).
    if exp <= now {
        return Err(MpError::new(
            "invalid_grant",
            Some("MP-130"),
            "JWT is expired",
        ));
    }
    Ok(exp)
}

/// Every scope registered on the client, or (with consumer_org) delegated to it.
fn check_scopes(
    world: &World,
    grant: &UnverifiedJwt,
    client: &ClientRecord,
) -> Result<String, MpError> {
    let scope = grant
        .claim_str("scope")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    // DD-jwtgrant: scope is required (and DD-su: a system-user grant needs ≥1 scope).
    let scope = scope.ok_or_else(|| invalid_parameter("The claim scope is missing"))?;
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let consumer = optional_string(grant, "consumer_org")?;
    if consumer.is_some() && grant.claims.contains_key("iss_onbehalfof") {
        // DD-jwtgrant: consumer_org is "Mutually exclusive with iss_onbehalfof".
        return Err(invalid_parameter(
            "consumer_org and iss_onbehalfof are mutually exclusive",
        ));
    }
    if grant.claims.contains_key("iss_onbehalfof") {
        // The sandbox registers no onbehalfof sub-clients, so any value is unknown (strict).
        return Err(MpError::new(
            "invalid_grant",
            None,
            "Invalid assertion. Unknown iss_onbehalfof for client",
        ));
    }
    let Some(consumer) = consumer else {
        // DD-err MP-200 "Token request contains invalid scopes for client".
        if scopes.iter().any(|s| !client.scopes.iter().any(|c| c == s)) {
            return Err(MpError::new(
                "invalid_scope",
                Some("MP-200"),
                "Token request contains invalid scopes for client",
            ));
        }
        // DD-err MP-250: the organisation has no access to an API owner's scope (access given
        // by the owner can be taken back after the scope was put on the client). Recorded:
        // `forbidden`, "Consumer has not been granted access to the scope X."; the status is
        // UNCONFIRMED, 403 is taken. The sandbox grants access to its own and Altinn's and
        // Digdir's scopes, and to no other API owner's.
        if let Some(s) = scopes.iter().find(|s| !access_granted(s)) {
            return Err(MpError::new(
                "forbidden",
                Some("MP-250"),
                &format!("Consumer has not been granted access to the scope {s}."),
            )
            .with_status(StatusCode::FORBIDDEN));
        }
        return Ok(scopes.join(" "));
    };
    if !crate::is_valid_org_number(&consumer) {
        return Err(invalid_parameter(
            "consumer_org must be a 9-digit organisation number",
        ));
    }
    // DD-err: consumer_org equal to the client's own org.
    if consumer == client.org_number {
        return Err(MpError::new(
            "invalid_grant",
            None,
            "Invalid assertion. The combination consumer_org in claim and delegation scope on client is invalid",
        ));
    }
    // DD-err MP-251 "Consumer … has not delegated access … to supplier …". Listed under
    // "Forbidden"; the HTTP status is UNCONFIRMED, the sandbox answers 403.
    for s in &scopes {
        let delegated = world.org(&consumer).is_some()
            && world.delegations.iter().any(|d| {
                d.consumer_org == consumer && d.supplier_org == client.org_number && d.scope == *s
            });
        if !delegated {
            let message = format!(
                "Consumer {consumer} has not delegated access to the scope {s} to supplier {}.",
                client.org_number
            );
            return Err(MpError::new("forbidden", Some("MP-251"), &message)
                .with_status(StatusCode::FORBIDDEN));
        }
    }
    Ok(scopes.join(" "))
}

/// Scopes of API owners the sandbox's organisations have access to.
fn access_granted(scope: &str) -> bool {
    ["altinn:", "sandbox:", "idporten:", "difitest:"]
        .iter()
        .any(|owner| scope.starts_with(owner))
}

fn optional_string(grant: &UnverifiedJwt, name: &str) -> Result<Option<String>, MpError> {
    match grant.claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid_parameter(&format!(
            "The claim {name} must be a string"
        ))),
    }
}
