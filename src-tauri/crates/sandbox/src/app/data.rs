//! Data elements and the process of an app-B instance: `PUT/GET …/data/{id}` (form data as
//! JSON or XML, XML by default) and `PUT …/process/next` (Task_1 → end, with a receipt PDF).

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::access::InstanceRequest;
use super::store::{Content, DataElement, Instance, data_view};
use super::{formdata, links, message, unknown_app};
use crate::clock::rfc3339;
use crate::{Service, http};

pub(super) async fn get(request: InstanceRequest) -> Response {
    let wants_xml = request
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("xml"));
    let found = request.on_instance("read", |definition, instance, _| {
        let element = instance
            .data
            .iter()
            .find(|d| Some(d.id.to_string()) == request.ids.data)
            .ok_or_else(|| http::empty(StatusCode::NOT_FOUND, "unknown data element"))?;
        let schema = |id: &str| definition.schemas.get(id).cloned().unwrap_or_default();
        // protocols §4.1: form data as JSON, or XML with `Accept: application/xml`.
        Ok(match &element.content {
            Content::Form(form) if wants_xml => (
                "application/xml".to_owned(),
                formdata::to_xml(&schema(&element.data_type), form).into_bytes(),
            ),
            Content::Form(form) => ("application/json".to_owned(), form.to_string().into_bytes()),
            Content::Binary(bytes) => (element.content_type.clone(), bytes.clone()),
        })
    });
    match found {
        Ok((content_type, bytes)) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        Err(response) => response,
    }
}

/// protocols §4.1: "body JSON or XML (Content-Type decides; XML is the default if no content
/// type)"; 201 DataElement; 409 if no current task.
pub(super) async fn put(request: InstanceRequest, body: Bytes) -> Response {
    let now = request.state.clock.now(Service::Apps);
    let content_type = http::media_type(&request.headers);
    let updated = request.on_instance("write", |definition, instance, caller| {
        if instance.task_started.is_none() {
            return Err(message(
                StatusCode::CONFLICT,
                "The instance has no current task; its data can no longer be changed",
                "no current task",
            ));
        }
        let element = instance
            .data
            .iter_mut()
            .find(|d| Some(d.id.to_string()) == request.ids.data)
            .ok_or_else(|| http::empty(StatusCode::NOT_FOUND, "unknown data element"))?;
        let data_type = definition
            .data_type(&element.data_type)
            .ok_or_else(unknown_app)?;
        let schema = definition
            .schemas
            .get(&data_type.id)
            .filter(|_| data_type.app_logic.is_some());
        element.content = match (schema, content_type.as_deref()) {
            (Some(schema), Some(ct)) if ct.ends_with("json") => {
                Content::Form(formdata::from_json(schema, &body).map_err(bad)?)
            }
            (Some(schema), None) => Content::Form(formdata::from_xml(schema, &body).map_err(bad)?),
            (Some(schema), Some(ct)) if ct.ends_with("xml") => {
                Content::Form(formdata::from_xml(schema, &body).map_err(bad)?)
            }
            (Some(_), Some(ct)) => {
                return Err(bad(format!(
                    "Content-Type {ct} is not supported for form data"
                )));
            }
            (None, ct) => {
                let ct = ct.unwrap_or_default();
                if !data_type
                    .allowed_content_types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(ct))
                    || body.is_empty()
                {
                    return Err(bad(format!(
                        "Content-Type '{ct}' or an empty body is invalid for element type '{}'",
                        data_type.id
                    )));
                }
                element.content_type = ct.to_owned();
                Content::Binary(body.to_vec())
            }
        };
        element.last_changed = now;
        element.last_changed_by = caller.user_id();
        let element = element.clone();
        instance.last_changed = now;
        instance.last_changed_by = caller.user_id();
        Ok(data_view(
            &links(&request.state, definition),
            instance,
            &element,
        ))
    });
    updated.map_or_else(
        |r| r,
        |view| http::json(StatusCode::CREATED, &view, "updated"),
    )
}

fn bad(text: String) -> Response {
    message(StatusCode::BAD_REQUEST, &text, "bad data")
}

/// `GET …/process`: AppProcessState.
pub(super) async fn process(request: InstanceRequest) -> Response {
    let found = request.on_instance("read", |_, instance, _| Ok(process_state(instance)));
    found.map_or_else(|r| r, |view| http::json(StatusCode::OK, &view, "ok"))
}

/// `PUT …/process/next`: Task_1 → EndEvent_1. The data task is completed with `write` (or the
/// action in the optional body); minCount of the task's data types is validated (409).
pub(super) async fn next(request: InstanceRequest, body: Bytes) -> Response {
    let now = request.state.clock.now(Service::Apps);
    let action = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| b.get("action").and_then(Value::as_str).map(str::to_owned));
    let action = action.unwrap_or_else(|| "write".to_owned());
    let moved = request.on_instance(&action, |definition, instance, caller| {
            if instance.task_started.is_none() {
                return Err(message(
                    StatusCode::CONFLICT,
                    "Process is ended. It is not possible to move to the next element.",
                    "process ended",
                ));
            }
            let issues: Vec<Value> = definition
            .data_types
            .iter()
            .filter(|d| d.task_id.as_deref() == Some("Task_1"))
            .filter(|d| instance.data.iter().filter(|e| e.data_type == d.id).count() < d.min_count as usize)
            .map(|d| json!({"severity": 1, "code": "TooFewDataElementsOfType", "field": d.id, "description": format!("Too few data elements of type {}", d.id)}))
            .collect();
            if !issues.is_empty() {
                let body = json!({"title": "Validation failed for task", "status": 409, "detail": "1 or more validation issues", "validationIssues": issues});
                return Err(http::json_as(
                    StatusCode::CONFLICT,
                    "application/problem+json; charset=utf-8",
                    &body,
                    "validation failed",
                ));
            }
            instance.task_started = None;
            instance.ended = Some(now);
            instance.last_changed = now;
            instance.last_changed_by = caller.user_id();
            // protocols §4.3 "Receipt": a PDF data element (contentType application/pdf) after the end.
            let receipt_type = definition.data_types.iter().find(|d| {
                d.task_id.is_none()
                    && d.allowed_content_types
                        .iter()
                        .any(|t| t == "application/pdf")
            });
            let receipt_type =
                receipt_type.map_or_else(|| "ref-data-as-pdf".to_owned(), |d| d.id.clone());
            let line = format!(
                "Kvittering {} {} {}",
                definition.app_id(),
                instance.guid,
                rfc3339(now)
            );
            instance.data.push(DataElement {
                id: uuid::Uuid::new_v4(),
                data_type: receipt_type,
                content_type: "application/pdf".into(),
                filename: Some("receipt.pdf".into()),
                content: Content::Binary(super::pdf::receipt(&line)),
                created: now,
                created_by: caller.user_id(),
                last_changed: now,
                last_changed_by: caller.user_id(),
            });
            Ok(process_state(instance))
        },
    );
    moved.map_or_else(|r| r, |view| http::json(StatusCode::OK, &view, "ok"))
}

fn process_state(instance: &Instance) -> Value {
    let current = instance.task_started.map(|started| {
        json!({"flow": 2, "started": rfc3339(started), "elementId": "Task_1", "name": "Utfylling", "altinnTaskType": "data",
               "ended": null, "actions": {"write": true, "complete": true}, "userActions": [], "hasReadAccess": true, "hasWriteAccess": true, "elementType": "Task"})
    });
    json!({
        "started": rfc3339(instance.process_started),
        "startEvent": "StartEvent_1",
        "currentTask": current,
        "ended": instance.ended.map(rfc3339),
        "endEvent": instance.ended.map(|_| "EndEvent_1"),
        "processTasks": [{"elementId": "Task_1", "elementType": "Task", "altinnTaskType": "data"}],
    })
}
