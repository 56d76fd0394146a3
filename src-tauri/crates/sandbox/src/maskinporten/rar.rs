//! Rich authorization requests in a grant: the Altinn system user (`urn:altinn:systemuser`),
//! protocols.md §2 (DD-su, SU-use, SBS-setup, the MP-303 troubleshooting page).

use serde_json::{Map, Value, json};

use super::error::{MpError, invalid_parameter};
use super::registry::ClientRecord;
use crate::state::World;

const SYSTEM_USER_TYPE: &str = "urn:altinn:systemuser";
/// protocols §2: the grant entry has `type`, `systemuser_org` and the optional `externalRef`.
const ENTRY_FIELDS: &[&str] = &["type", "systemuser_org", "externalRef"];
/// protocols §2: `systemuser_org` is `{authority, ID}`, "Use `ID` with upper-case letters, as in
/// every request example." Whether a lower-case `id` is accepted is UNCONFIRMED: refused here.
const ORG_FIELDS: &[&str] = &["authority", "ID"];
const AUTHORITY: &str = "iso6523-actorid-upis";

/// Checks `authorization_details` and returns the token's version of it.
pub(crate) fn check(
    world: &World,
    client: &ClientRecord,
    details: &Value,
) -> Result<Value, MpError> {
    let entries = details
        .as_array()
        .ok_or_else(|| invalid_parameter("authorization_details must be an array"))?;
    // DD-su, SU-use: "Only one party per grant".
    let [entry] = entries.as_slice() else {
        return Err(invalid_parameter(
            "authorization_details must hold exactly one entry (one party per grant)",
        ));
    };
    let entry = entry
        .as_object()
        .ok_or_else(|| invalid_parameter("an authorization_details entry must be an object"))?;
    // DD-err MP-301: unknown authorization_details type. The message wording is UNCONFIRMED.
    let kind = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind != SYSTEM_USER_TYPE {
        return Err(MpError::new(
            "invalid_authorization_details",
            Some("MP-301"),
            &format!("Invalid authorization_details: unsupported type '{kind}'"),
        ));
    }
    // DD-err MP-302: unknown fields (the early pilot spelling `systemuserorg` lands here).
    unknown_field(entry, ENTRY_FIELDS)?;
    let org = entry
        .get("systemuser_org")
        .and_then(Value::as_object)
        .ok_or_else(|| customer_error("systemuser_org is missing"))?;
    unknown_field(org, ORG_FIELDS)?;
    if org.get("authority").and_then(Value::as_str) != Some(AUTHORITY) {
        return Err(customer_error(
            "systemuser_org.authority must be iso6523-actorid-upis",
        ));
    }
    // protocols §2: ID is "0192:" + the 9-digit org number of the owner. (APIC adds the prefix
    // client-side; Maskinporten itself is not documented to, so a bare number is refused.)
    let owner = org
        .get("ID")
        .and_then(Value::as_str)
        .and_then(|id| id.strip_prefix("0192:"))
        .filter(|n| crate::is_valid_org_number(n))
        .ok_or_else(|| customer_error("systemuser_org.ID must be 0192:<organisation number>"))?;
    let external_ref = match entry.get("externalRef") {
        None => None,
        Some(Value::String(r)) => Some(r.as_str()),
        Some(_) => return Err(customer_error("externalRef must be a string")),
    };
    // MP-303 page: not found when the client id is missing on the system, externalRef is missing
    // or wrong, or systemuser_org is wrong. externalRef defaults to the owner's org number, and a
    // request created with one must be matched exactly (SBS-setup).
    let found = world.system_users.iter().find(|su| {
        su.client_id == client.client_id
            && su.owner_org == owner
            && su.external_ref.as_deref().unwrap_or(&su.owner_org) == external_ref.unwrap_or(owner)
    });
    let Some(user) = found else {
        return Err(customer_error(&format!(
            "No system user found for client {} with systemuser_org 0192:{owner} and externalRef {}",
            client.client_id,
            external_ref.unwrap_or("(none)")
        )));
    };
    // SU-use / SU-tok: the token carries lower-case `id`, systemuser_id as an array, system_id.
    Ok(json!([{
        "type": SYSTEM_USER_TYPE,
        "systemuser_org": {"authority": AUTHORITY, "id": format!("0192:{owner}")},
        "systemuser_id": [user.id],
        "system_id": user.system_id,
    }]))
}

fn unknown_field(map: &Map<String, Value>, known: &[&str]) -> Result<(), MpError> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(field) => Err(MpError::new(
            "invalid_authorization_details",
            Some("MP-302"),
            &format!("Invalid authorization_details: unknown field '{field}'"),
        )),
        None => Ok(()),
    }
}

/// protocols §1.5: `invalid_altinn_customer_configuration` (MP-303).
fn customer_error(detail: &str) -> MpError {
    MpError::new(
        "invalid_altinn_customer_configuration",
        Some("MP-303"),
        &format!("Invalid Altinn customer configuration. {detail}"),
    )
}
