//! The request side of instantiation: multipart sections and their `RequestPartValidator`
//! rules, the instance template (owner fields must be strings), and the party lookup.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::definition::AppDefinition;
use super::message;
use crate::http;
use crate::seed::Party;
use crate::state::World;

pub(super) const MISSING_OWNER: &str = "Error: instanceOwnerPartyId query parameter is empty and InstanceOwner is missing from instance template. You must populate instanceOwnerPartyId or InstanceOwner";

/// One multipart section.
pub(super) struct Part {
    pub name: String,
    pub content_type: Option<String>,
    /// The `filename` of its Content-Disposition, which becomes the data element's `filename`.
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// APPLIB `RequestPartValidator` (messages as in the source).
pub(super) fn validate_parts(definition: &AppDefinition, parts: &[Part]) -> Result<(), String> {
    for part in parts {
        let Some(data_type) = definition.data_type(&part.name) else {
            return Err(format!(
                "Multipart section named, '{}' does not correspond to an element type in application metadata",
                part.name
            ));
        };
        let Some(content_type) = &part.content_type else {
            return Err(format!(
                "The multipart section named {} is missing Content-Type.",
                part.name
            ));
        };
        // RequestPartValidator: `part.ContentType.Split(";")[0]`, then
        // `AllowedContentTypes.Contains(…)` on a List<string>: the charset goes, nothing is
        // trimmed, and the comparison is ordinal (case-sensitive). Source:
        // tests/conformance/altinn-app/app-multipart-allowedcontenttypes-case-sensitive.json.
        let bare = content_type.split(';').next().unwrap_or_default();
        if !data_type.allowed_content_types.iter().any(|t| t == bare) {
            return Err(format!(
                "The multipart section named {} has a Content-Type '{content_type}' which is invalid for element type '{}'",
                part.name, data_type.id
            ));
        }
        if part.bytes.is_empty() {
            return Err(format!(
                "The multipart section named {} has no data. Cannot process empty part.",
                part.name
            ));
        }
        if data_type
            .max_size
            .is_some_and(|mb| mb > 0 && part.bytes.len() as u64 > mb * 1024 * 1024)
        {
            return Err(format!(
                "The multipart section named {} exceeds the size limit of element type '{}'",
                part.name, data_type.id
            ));
        }
    }
    for data_type in &definition.data_types {
        let count = parts.iter().filter(|p| p.name == data_type.id).count();
        if data_type.max_count > 0 && count > data_type.max_count as usize {
            return Err(format!(
                "The list of parts contains more elements of type '{}' than the element type allows.",
                data_type.id
            ));
        }
    }
    Ok(())
}

pub(super) async fn read_parts(request: Request) -> Result<Vec<Part>, Response> {
    let bad = || {
        message(
            StatusCode::BAD_REQUEST,
            "The multipart body could not be read",
            "bad multipart",
        )
    };
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| bad())?;
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_owned();
        // The header as sent: the parsed MIME type would be lower-cased, and app-lib compares
        // the raw value with allowedContentTypes.
        let content_type = field
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|_| bad())?.to_vec();
        parts.push(Part {
            name,
            content_type,
            file_name,
            bytes,
        });
    }
    Ok(parts)
}

#[derive(Debug, Default)]
pub(super) struct Owner {
    pub party_id: Option<String>,
    pub person_number: Option<String>,
    pub org_number: Option<String>,
}

/// The owner fields of a template, when at least one is set.
pub(super) fn owner_fields(template: &Value) -> Option<Owner> {
    let owner = template.get("instanceOwner")?;
    let field = |name: &str| owner.get(name).and_then(Value::as_str).map(str::to_owned);
    let found = Owner {
        party_id: field("partyId"),
        person_number: field("personNumber"),
        org_number: field("organisationNumber"),
    };
    (found.party_id.is_some() || found.person_number.is_some() || found.org_number.is_some())
        .then_some(found)
}

/// Parses an instance template. `instanceOwner` members are strings in Storage's model: a number
/// is refused as System.Text.Json does (protocols §6.10; UNCONFIRMED live, strict here).
pub(super) fn parse_template(body: &[u8]) -> Result<Value, Response> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| problem("$", &format!("The request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(problem(
            "$",
            "The JSON value could not be converted to an instance template. Path: $",
        ));
    }
    if let Some(owner) = value.get("instanceOwner").and_then(Value::as_object) {
        for (name, v) in owner {
            if !(v.is_string() || v.is_null()) {
                let path = format!("$.instanceOwner.{name}");
                return Err(problem(
                    &path,
                    &format!(
                        "The JSON value could not be converted to System.String. Path: {path}"
                    ),
                ));
            }
        }
    }
    Ok(value)
}

/// ASP.NET `ValidationProblemDetails` for a body that does not bind.
pub(super) fn problem(path: &str, text: &str) -> Response {
    let body = json!({
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": {path: [text]},
    });
    http::json_as(
        StatusCode::BAD_REQUEST,
        "application/problem+json; charset=utf-8",
        &body,
        "model binding",
    )
}

pub(super) fn lookup(world: &World, owner: &Owner) -> Result<Party, String> {
    let found = if let Some(id) = &owner.party_id {
        world
            .parties
            .iter()
            .find(|p| &p.party_id == id)
            .ok_or_else(|| format!("no party with partyId {id}"))
    } else if let Some(ssn) = &owner.person_number {
        world
            .parties
            .iter()
            .find(|p| p.ssn.as_ref() == Some(ssn))
            .ok_or_else(|| "no party with that person number".to_owned())
    } else {
        let org = owner.org_number.clone().unwrap_or_default();
        world
            .parties
            .iter()
            .find(|p| p.org_number.as_ref() == Some(&org))
            .ok_or_else(|| format!("no party with organisation number {org}"))
    };
    found.cloned()
}
