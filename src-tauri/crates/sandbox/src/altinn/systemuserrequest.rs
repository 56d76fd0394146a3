//! System-user requests (docs/reference/systemuser.md §3; Altinn authentication
//! `RequestSystemUserController`) and the page where the customer approves one (Altinn's access
//! management UI, here on the platform port and behind the run's secret, like the device-login
//! page). An approved request becomes a system user Maskinporten issues tokens for.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::systemregister::{caller_with, vendor_org};
use crate::http;
use crate::seed::SystemUser;
use crate::state::State;

const WRITE: &str = "altinn:authentication/systemuser.request.write";
const READ: &str = "altinn:authentication/systemuser.request.read";
const BASE: &str = "/authentication/api/v1/systemuser/request/vendor";
const PAGE: &str = "/accessmanagement/ui/systemuser/request";

pub(super) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route(BASE, post(create))
        .route(&format!("{BASE}/{{id}}"), get(read))
        .route(&format!("{BASE}/bysystem/{{system}}"), get(by_system))
        .route(PAGE, get(page).post(decide))
}

/// SRC-PROB: `{type, title, status, code}`.
fn problem(status: StatusCode, code: &str, title: &str) -> Response {
    let body = json!({"type": format!("urn:altinn:error:{code}"), "title": title, "status": status.as_u16(), "code": code});
    http::json_as(status, "application/problem+json", &body, code)
}

/// The response body with `confirmUrl` filled again (§3.2), the vendor kept out.
fn view(state: &State, request: &Value) -> Value {
    let mut shown = request.clone();
    if let Some(map) = shown.as_object_mut() {
        map.remove("vendor");
        let id = request["id"].as_str().unwrap_or_default();
        map.insert(
            "confirmUrl".into(),
            json!(format!(
                "{}{PAGE}?id={id}&DONTCHOOSEREPORTEE=true&{}={}",
                state.urls.altinn_platform,
                crate::SECRET_QUERY,
                state.secret
            )),
        );
    }
    shown
}

/// §3.1: 201 new, 200 the pending one, 400 AUTH-00004 when a system user exists.
async fn create(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let vendor = match caller_with(&state, &headers, WRITE) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "STD-00000",
            "One or more validation errors occurred.",
        );
    };
    let system_id = body["systemId"].as_str().unwrap_or_default().to_owned();
    let party = body["partyOrgNo"].as_str().unwrap_or_default().to_owned();
    let mut world = state.world();
    let Some(system) = world
        .systems
        .iter()
        .find(|s| {
            s["id"] == system_id.as_str() && vendor_org(s).as_deref() == Some(vendor.as_str())
        })
        .cloned()
    else {
        return problem(
            StatusCode::NOT_FOUND,
            "AUTH-00011",
            "The Id does not refer to a Registered System.",
        );
    };
    if !crate::is_valid_org_number(&party) {
        return problem(
            StatusCode::BAD_REQUEST,
            "STD-00000",
            "One or more validation errors occurred.",
        );
    }
    let rights = body["rights"].as_array().cloned().unwrap_or_default();
    let system_rights = system["rights"].as_array().cloned().unwrap_or_default();
    if rights.is_empty() || rights.iter().any(|r| !system_rights.contains(r)) {
        return problem(
            StatusCode::BAD_REQUEST,
            "AUTH-00001",
            "One or more Right not found or not delegable.",
        );
    }
    // `externalRef` null defaults to partyOrgNo (D-REQMODEL).
    let given_ref = body["externalRef"].as_str().map(str::to_owned);
    let external_ref = given_ref.clone().unwrap_or_else(|| party.clone());
    let exists = world.system_users.iter().any(|u| {
        u.system_id == system_id
            && u.owner_org == party
            && u.external_ref.clone().unwrap_or_else(|| party.clone()) == external_ref
    });
    if exists {
        return problem(
            StatusCode::BAD_REQUEST,
            "AUTH-00004",
            "Failed to create new SystemUser, existing SystemUser tied to the given System-Id.",
        );
    }
    let same = |r: &&Value| {
        r["systemId"] == system_id.as_str()
            && r["partyOrgNo"] == party.as_str()
            && r["externalRef"] == external_ref.as_str()
    };
    if let Some(pending) = world
        .requests
        .iter()
        .find(|r| same(r) && r["status"] != "Timedout")
    {
        return http::json(StatusCode::OK, &view(&state, pending), "existing");
    }
    let request = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "externalRef": external_ref,
        "systemId": system_id,
        "partyOrgNo": party,
        "rights": rights,
        "accessPackages": [],
        "status": "New",
        "redirectUrl": null,
        "escalated": false,
        "vendor": vendor,
        "refGiven": given_ref.is_some(),
    });
    let shown = view(&state, &request);
    let location = format!(
        "{}/authentication/api/v1/systemuser/request/{}",
        state.urls.altinn_platform,
        request["id"].as_str().unwrap_or_default()
    );
    world.requests.push(request);
    let mut response = http::json(StatusCode::CREATED, &shown, "created");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn strip(request: &Value) -> Value {
    let mut shown = request.clone();
    if let Some(map) = shown.as_object_mut() {
        map.remove("refGiven");
    }
    shown
}

/// §3.2: 404 AUTH-00010 when unknown (or another vendor's).
async fn read(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let vendor = match caller_with(&state, &headers, READ) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let world = state.world();
    match world
        .requests
        .iter()
        .find(|r| r["id"] == id.as_str() && r["vendor"] == vendor.as_str())
    {
        Some(request) => http::json(StatusCode::OK, &strip(&view(&state, request)), "ok"),
        None => problem(
            StatusCode::NOT_FOUND,
            "AUTH-00010",
            "The Id does not refer to a Request in our system.",
        ),
    }
}

/// §3.2: one page, `{"links":{},"data":[…]}` (the sandbox never has a second page).
async fn by_system(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(system): Path<String>,
) -> Response {
    let vendor = match caller_with(&state, &headers, READ) {
        Ok(org) => org,
        Err(response) => return response,
    };
    let world = state.world();
    let data: Vec<Value> = world
        .requests
        .iter()
        .filter(|r| r["systemId"] == system.as_str() && r["vendor"] == vendor.as_str())
        .map(|r| strip(&view(&state, r)))
        .collect();
    http::json(StatusCode::OK, &json!({"links": {}, "data": data}), "ok")
}

fn html(status: StatusCode, body: String, outcome: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sandbox: approve a system user</title></head><body><h1>Sandbox: approve a system user (stands in for Altinn's access management)</h1>{body}</body></html>"
    );
    let mut response = (status, page).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    http::tagged(response, outcome)
}

/// What the customer sees: who asks, for which organisation, which rights; approve or not.
async fn page(
    AxumState(state): AxumState<Arc<State>>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let id = query
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let world = state.world();
    let Some(request) = world.requests.iter().find(|r| r["id"] == id.as_str()) else {
        return html(
            StatusCode::NOT_FOUND,
            "<p>No such request.</p>".into(),
            "unknown request",
        );
    };
    let e = http::escape_html;
    let rights: Vec<String> = request["rights"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["resource"].as_array().into_iter().flatten())
        .filter_map(|r| r["value"].as_str().map(|v| format!("<li>{}</li>", e(v))))
        .collect();
    let body = format!(
        "<p>Vendor <strong>{}</strong> asks organisation <strong>{}</strong> for a system user for system <strong>{}</strong> (status {}).</p><ul>{}</ul>\
         <form method=\"post\" action=\"{PAGE}?{}={}\"><input type=\"hidden\" name=\"id\" value=\"{}\">\
         <button name=\"decision\" value=\"approve\">Approve</button> <button name=\"decision\" value=\"reject\">Do not approve</button></form>",
        e(request["vendor"].as_str().unwrap_or_default()),
        e(request["partyOrgNo"].as_str().unwrap_or_default()),
        e(request["systemId"].as_str().unwrap_or_default()),
        e(request["status"].as_str().unwrap_or_default()),
        rights.join(""),
        crate::SECRET_QUERY,
        e(&state.secret),
        e(&id),
    );
    html(StatusCode::OK, body, "confirm page")
}

/// The customer's decision: `Accepted` makes the system user (one per client id of the
/// system), `Rejected` does not. Only a `New` request can be decided.
async fn decide(AxumState(state): AxumState<Arc<State>>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (id, decision) = (field("id"), field("decision"));
    let mut world = state.world();
    let Some(index) = world.requests.iter().position(|r| r["id"] == id.as_str()) else {
        return html(
            StatusCode::NOT_FOUND,
            "<p>No such request.</p>".into(),
            "unknown request",
        );
    };
    if world.requests[index]["status"] != "New" {
        return html(
            StatusCode::CONFLICT,
            "<p>This request was already decided.</p>".into(),
            "decided",
        );
    }
    let approve = decision == "approve";
    world.requests[index]["status"] = json!(if approve { "Accepted" } else { "Rejected" });
    if approve {
        let request = world.requests[index].clone();
        let system_id = request["systemId"].as_str().unwrap_or_default().to_owned();
        let clients: Vec<String> = world
            .systems
            .iter()
            .find(|s| s["id"] == system_id.as_str())
            .and_then(|s| s["clientId"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for client_id in clients {
            world.system_users.push(SystemUser {
                // The request id "also will be reused by the SystemUser when it is approved" (§3.1).
                id: id.clone(),
                system_id: system_id.clone(),
                owner_org: request["partyOrgNo"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                client_id,
                external_ref: (request["refGiven"] == true).then(|| {
                    request["externalRef"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                }),
            });
        }
    }
    let words = if approve {
        "Approved: the system user exists."
    } else {
        "Not approved."
    };
    html(
        StatusCode::OK,
        format!("<p id=\"decision\">{words}</p>"),
        if approve { "approved" } else { "rejected" },
    )
}
