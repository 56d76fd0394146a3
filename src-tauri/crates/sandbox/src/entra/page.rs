//! The device-login page (`/devicelogin`): a small HTML form where a person enters the user
//! code, picks which seeded identity signs in, and approves or denies. It stands in for
//! `microsoft.com/devicelogin` and the Entra sign-in that follows it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Service;
use crate::http::{escape_html, tagged};
use crate::state::State;

pub(super) async fn show(AxumState(state): AxumState<Arc<State>>) -> Response {
    html(StatusCode::OK, &form_page(&state, None), "ok")
}

pub(super) async fn submit(AxumState(state): AxumState<Arc<State>>, body: Bytes) -> Response {
    let form = super::form(&body);
    let user_code = form.get("user_code").cloned().unwrap_or_default();
    let identity = form.get("identity").cloned().unwrap_or_default();
    let approve = form.get("decision").map(String::as_str) == Some("approve");
    let now = state.clock.unix(Service::Entra);
    let mut world = state.world();
    let known = world
        .vault_seed
        .identities
        .iter()
        .find(|i| i.object_id == identity)
        .cloned();
    let object_id = match (approve, known) {
        (true, Some(identity)) => Some(identity.object_id),
        (true, None) => {
            drop(world);
            return html(
                StatusCode::BAD_REQUEST,
                &form_page(&state, Some("Choose who signs in.")),
                "no identity",
            );
        }
        (false, _) => None,
    };
    let signed_in = object_id.is_some();
    match world.device_codes.decide(&user_code, object_id, now) {
        Ok(()) => {
            let text = if signed_in {
                "You have signed in to the Maskinporten Assistant sandbox. You can close this window."
            } else {
                "You declined the sign-in. You can close this window."
            };
            html(
                StatusCode::OK,
                &layout(&format!("<p id=\"result\">{text}</p>")),
                if signed_in { "approved" } else { "declined" },
            )
        }
        Err(_) => {
            drop(world);
            html(
                StatusCode::BAD_REQUEST,
                &form_page(
                    &state,
                    Some("That code is unknown or has expired. Check the code and try again."),
                ),
                "unknown code",
            )
        }
    }
}

fn form_page(state: &State, error: Option<&str>) -> String {
    let world = state.world();
    let options: String = world
        .vault_seed
        .identities
        .iter()
        .map(|i| {
            format!(
                "<label><input type=\"radio\" name=\"identity\" value=\"{}\"> {} ({})</label><br>",
                escape_html(&i.object_id),
                escape_html(&i.display_name),
                escape_html(&i.user_principal_name)
            )
        })
        .collect();
    let error = error
        .map(|e| format!("<p id=\"error\" role=\"alert\">{}</p>", escape_html(e)))
        .unwrap_or_default();
    layout(&format!(
        "{error}<form method=\"post\">\
         <p><label for=\"user_code\">Code</label> <input id=\"user_code\" name=\"user_code\" autocomplete=\"off\" required></p>\
         <fieldset><legend>Sign in as</legend>{options}</fieldset>\
         <p><button name=\"decision\" value=\"approve\">Sign in</button> <button name=\"decision\" value=\"deny\">Deny</button></p></form>"
    ))
}

fn layout(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sandbox sign-in</title></head>\
         <body><h1>Sandbox sign-in (Entra ID device code)</h1>{body}</body></html>"
    )
}

fn html(status: StatusCode, body: &str, outcome: &str) -> Response {
    let mut response = (status, body.to_owned()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    tagged(response, outcome)
}
