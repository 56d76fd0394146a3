//! Instantiating app B (`POST instances`, `POST instances/create`) in APPLIB
//! `InstancesController` order: permissions, template, parts, party lookup (404), policy (403,
//! empty), party type (403), then the new instance with its auto-created form data.

use std::sync::Arc;

use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

use super::auth::{self, Caller};
use super::store::{Content, DataElement, Instance, instance_view};
use super::template::{
    MISSING_OWNER, Owner, Part, lookup, owner_fields, parse_template, problem, read_parts,
    validate_parts,
};
use super::{formdata, links, message, unknown_app};
use crate::seed::Party;
use crate::state::State;
use crate::{Service, http};

struct Input {
    query_party: Option<String>,
    template: Option<Value>,
    parts: Vec<Part>,
    prefill: Option<Map<String, Value>>,
}

impl Input {
    /// `POST instances`: the query's party, a template and the data parts; no prefill.
    fn posted(query_party: Option<String>, template: Option<Value>, parts: Vec<Part>) -> Input {
        Input {
            query_party,
            template,
            parts,
            prefill: None,
        }
    }

    /// `POST instances/create`: a template with its prefill, no query party and no parts.
    fn simplified(template: Value, prefill: Map<String, Value>) -> Input {
        Input {
            query_party: None,
            template: Some(template),
            parts: Vec::new(),
            prefill: Some(prefill),
        }
    }
}

/// `POST /{org}/{app}/instances?instanceOwnerPartyId=`: a JSON template or multipart.
pub(super) async fn post(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app)): Path<(String, String)>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let query_party = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "instanceOwnerPartyId")
            .map(|(_, v)| v.into_owned())
    });
    let media = http::media_type(&headers).unwrap_or_default();
    let (template, parts) = if media == "multipart/form-data" {
        match read_parts(request).await {
            Ok(mut parts) => {
                let template = parts
                    .iter()
                    .position(|p| p.name == "instance")
                    .map(|i| parts.remove(i));
                // APPLIB RequestPartValidator: the instance part must be application/json.
                if let Some(part) = &template {
                    let ct = part.content_type.clone().unwrap_or_default();
                    if !ct.starts_with("application/json") {
                        let text = format!(
                            "Error when comparing content to application metadata: Unexpected Content-Type '{ct}' of embedded instance template. Expecting 'application/json'"
                        );
                        return message(StatusCode::BAD_REQUEST, &text, "multipart");
                    }
                }
                let template = match template.map(|p| parse_template(&p.bytes)).transpose() {
                    Ok(t) => t,
                    Err(response) => return response,
                };
                (template, parts)
            }
            Err(response) => return response,
        }
    } else {
        let bytes = match axum::body::to_bytes(request.into_body(), 64 * 1024 * 1024).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return message(
                    StatusCode::BAD_REQUEST,
                    "The request body could not be read",
                    "bad body",
                );
            }
        };
        if bytes.is_empty() {
            (None, Vec::new())
        } else if media == "application/json" {
            match parse_template(&bytes) {
                Ok(template) => (Some(template), Vec::new()),
                Err(response) => return response,
            }
        } else {
            return message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Use application/json or multipart/form-data",
                "unsupported media type",
            );
        }
    };
    let input = Input::posted(query_party, template, parts);
    instantiate(&state, &org, &app, &headers, input)
}

/// `POST /{org}/{app}/instances/create` with `InstansiationInstance` (protocols §4.2).
pub(super) async fn create(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let template = match parse_template(&body) {
        Ok(template) => template,
        Err(response) => return response,
    };
    if template
        .get("sourceInstanceId")
        .is_some_and(|v| !v.is_null())
    {
        return message(
            StatusCode::BAD_REQUEST,
            "Creating instance based on a copy from an archived instance is not enabled for this app.",
            "copy disabled",
        );
    }
    let prefill = match template.get("prefill") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) if map.values().all(Value::is_string) => map.clone(),
        Some(_) => {
            return problem(
                "$.prefill",
                "The JSON value could not be converted to System.Collections.Generic.Dictionary`2[System.String,System.String]. Path: $.prefill",
            );
        }
    };
    // APPLIB PostSimplified: instanceOwner with partyId, personNumber or organisationNumber.
    if owner_fields(&template).is_none() {
        return message(StatusCode::BAD_REQUEST, MISSING_OWNER, "missing owner");
    }
    let input = Input::simplified(template, prefill);
    instantiate(&state, &org, &app, &headers, input)
}

fn instantiate(state: &State, org: &str, app: &str, headers: &HeaderMap, input: Input) -> Response {
    let now = state.clock.now(Service::Apps);
    let mut world = state.world();
    let Some(definition) = world.apps.get(org, app).map(|e| e.definition.clone()) else {
        return unknown_app();
    };
    let caller = match auth::authenticate(state, headers).and_then(|c| {
        auth::require_scope(&c, true, &format!("/{org}/{app}/instances/create")).map(|()| c)
    }) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    // APPLIB VerifyInstantiationPermissions: in prod, disallowUserInstantiation needs an
    // urn:altinn:org claim. Strict (UNCONFIRMED whether TT02 enforces it): always applied.
    if definition.disallow_user_instantiation && caller.service_owner.is_none() {
        return message(
            StatusCode::FORBIDDEN,
            &format!("User instantiation is disabled for this application {org}/{app}"),
            "user instantiation disabled",
        );
    }
    let body_party = input
        .template
        .as_ref()
        .and_then(|t| t.pointer("/instanceOwner/partyId"))
        .filter(|v| !v.is_null());
    let owner = match (&input.query_party, &input.template) {
        (None, None) => {
            return message(
                StatusCode::BAD_REQUEST,
                "Cannot create an instance without an instanceOwner.partyId. Either provide instanceOwner party Id as a query parameter or an instanceTemplate object in the body.",
                "missing owner",
            );
        }
        (Some(_), Some(_)) if body_party.is_some() => {
            return message(
                StatusCode::BAD_REQUEST,
                "You cannot provide an instanceOwnerPartyId as a query param as well as an instance template in the body. Choose one or the other.",
                "owner twice",
            );
        }
        (_, Some(template)) if input.query_party.is_none() => match owner_fields(template) {
            Some(owner) => owner,
            None => return message(StatusCode::BAD_REQUEST, MISSING_OWNER, "missing owner"),
        },
        (Some(party), _) => Owner {
            party_id: Some(party.clone()),
            ..Owner::default()
        },
        (None, Some(_)) => return message(StatusCode::BAD_REQUEST, MISSING_OWNER, "missing owner"),
    };
    if let Err(text) = validate_parts(&definition, &input.parts) {
        return message(
            StatusCode::BAD_REQUEST,
            &format!("Error when comparing content to application metadata: {text}"),
            "multipart",
        );
    }
    // protocols §4.4: a failed lookup is 404 "Cannot lookup party: …", not 400.
    let party = match lookup(&world, &owner) {
        Ok(party) => party,
        Err(text) => {
            return message(
                StatusCode::NOT_FOUND,
                &format!("Cannot lookup party: {text}"),
                "party lookup",
            );
        }
    };
    if let Err(response) = auth::authorize(&definition, &caller, "instantiate", &party) {
        return response;
    }
    if !definition.party_types_allowed.allows(party.party_type) {
        return message(
            StatusCode::FORBIDDEN,
            &format!(
                "Party {} is not allowed to instantiate this application {org}/{app}",
                party.party_id
            ),
            "party type",
        );
    }
    let instance = match new_instance(&definition, &caller, party, input, now) {
        Ok(instance) => instance,
        Err(text) => return message(StatusCode::BAD_REQUEST, &text, "bad data"),
    };
    let links = links(state, &definition);
    let view = instance_view(&links, &instance);
    let location = links.instance(&instance).0;
    if let Some(entry) = world.apps.get_mut(org, app) {
        entry.instances.push(instance);
    }
    let mut response = http::json(StatusCode::CREATED, &view, "created");
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn new_instance(
    definition: &super::definition::AppDefinition,
    caller: &Caller,
    party: Party,
    input: Input,
    now: time::OffsetDateTime,
) -> Result<Instance, String> {
    let by = caller.user_id();
    let element = |data_type: &str,
                   content_type: &str,
                   filename: Option<String>,
                   content: Content| DataElement {
        id: uuid::Uuid::new_v4(),
        data_type: data_type.to_owned(),
        content_type: content_type.to_owned(),
        filename,
        content,
        created: now,
        created_by: by.clone(),
        last_changed: now,
        last_changed_by: by.clone(),
    };
    let mut data = Vec::new();
    for part in input.parts {
        let data_type = definition
            .data_type(&part.name)
            .ok_or("unknown data type")?;
        let content_type = part.content_type.unwrap_or_default();
        let content = match definition
            .schemas
            .get(&data_type.id)
            .filter(|_| data_type.app_logic.is_some())
        {
            Some(schema) if content_type.contains("json") => {
                Content::Form(formdata::from_json(schema, &part.bytes)?)
            }
            Some(schema) => Content::Form(formdata::from_xml(schema, &part.bytes)?),
            None => Content::Binary(part.bytes),
        };
        data.push(element(
            &part.name,
            content_type.split(';').next().unwrap_or_default().trim(),
            part.file_name,
            content,
        ));
    }
    // APPLIB ProcessTaskInitializer: autoCreate form types of the first task; prefill applies.
    for data_type in &definition.data_types {
        let auto = data_type.app_logic.as_ref().is_some_and(|l| l.auto_create)
            && data_type.task_id.as_deref() == Some("Task_1");
        if !auto || data.iter().any(|d| d.data_type == data_type.id) {
            continue;
        }
        let mut form = Value::Object(Map::new());
        if let (Some(prefill), Some(schema)) =
            (&input.prefill, definition.schemas.get(&data_type.id))
        {
            formdata::prefill(schema, &mut form, prefill);
        }
        data.push(element(
            &data_type.id,
            "application/xml",
            None,
            Content::Form(form),
        ));
    }
    let text = |name: &str| {
        input
            .template
            .as_ref()
            .and_then(|t| t.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Ok(Instance {
        guid: uuid::Uuid::new_v4(),
        party,
        created: now,
        created_by: by.clone(),
        last_changed: now,
        last_changed_by: by,
        due_before: text("dueBefore"),
        visible_after: text("visibleAfter"),
        process_started: now,
        task_started: Some(now),
        ended: None,
        soft_deleted: None,
        hard_deleted: None,
        data,
    })
}
