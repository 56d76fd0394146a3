//! Reading, listing and deleting app-B instances, and `with_instance`, the common gate of every
//! instance route: token, scope, instance lookup and policy.

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::auth::{self, Caller};
use super::store::{instance_view, simple_view};
use super::{links, message, unknown_app};
use crate::http;
use crate::state::{State, World};

/// Authenticates, checks the scope, finds the instance and applies the policy for `action`.
pub(super) fn with_instance<T>(
    state: &State,
    (org, app, party, guid): (&str, &str, &str, &str),
    headers: &HeaderMap,
    action: &str,
    f: impl FnOnce(&mut World, &Caller) -> Result<T, Response>,
) -> Result<T, Response> {
    let mut world = state.world();
    let Some(entry) = world.apps.get_mut(org, app) else {
        return Err(unknown_app());
    };
    let caller = auth::authenticate(state, headers)?;
    auth::require_scope(&caller, action != "read")?;
    let instance = entry
        .instances
        .iter()
        .find(|i| i.party.party_id == party && i.guid.to_string() == guid);
    let instance =
        instance.ok_or_else(|| http::empty(StatusCode::NOT_FOUND, "unknown instance"))?;
    auth::authorize(&entry.definition, &caller, action, &instance.party)?;
    f(&mut world, &caller)
}

pub(super) async fn get(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app, party, guid)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let found = with_instance(
        &state,
        (&org, &app, &party, &guid),
        &headers,
        "read",
        |world, _| {
            let entry = world.apps.get_mut(&org, &app).ok_or_else(unknown_app)?;
            let definition = entry.definition.clone();
            let instance = entry.instance_mut(&party, &guid).ok_or_else(unknown_app)?;
            Ok(instance_view(&links(&state, &definition), instance))
        },
    );
    found.map_or_else(|r| r, |view| http::json(StatusCode::OK, &view, "ok"))
}

/// `DELETE instances/{party}/{guid}`: removes a test instance (needs `write` in the sandbox).
pub(super) async fn delete(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app, party, guid)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let removed = with_instance(
        &state,
        (&org, &app, &party, &guid),
        &headers,
        "write",
        |world, _| {
            let entry = world.apps.get_mut(&org, &app).ok_or_else(unknown_app)?;
            let definition = entry.definition.clone();
            let index = entry
                .instances
                .iter()
                .position(|i| i.party.party_id == party && i.guid.to_string() == guid)
                .ok_or_else(unknown_app)?;
            let instance = entry.instances.remove(index);
            Ok(instance_view(&links(&state, &definition), &instance))
        },
    );
    removed.map_or_else(|r| r, |view| http::json(StatusCode::OK, &view, "deleted"))
}

/// `GET instances/{party}/active`: SimpleInstance list of instances not yet ended.
pub(super) async fn active(
    AxumState(state): AxumState<Arc<State>>,
    Path((org, app, party_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let world = state.world();
    let Some(entry) = world.apps.get(&org, &app) else {
        return unknown_app();
    };
    let caller = match auth::authenticate(&state, &headers)
        .and_then(|c| auth::require_scope(&c, false).map(|()| c))
    {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Some(party) = world.parties.iter().find(|p| p.party_id == party_id) else {
        return message(
            StatusCode::NOT_FOUND,
            &format!("Cannot lookup party: no party with partyId {party_id}"),
            "party lookup",
        );
    };
    if let Err(response) = auth::authorize(&entry.definition, &caller, "read", party) {
        return response;
    }
    let list: Vec<Value> = entry
        .instances
        .iter()
        .filter(|i| i.party.party_id == party_id && i.ended.is_none())
        .map(simple_view)
        .collect();
    http::json(StatusCode::OK, &Value::Array(list), "ok")
}
