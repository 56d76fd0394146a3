//! Reading, listing and deleting app-B instances, and `InstanceRequest`, the common gate of
//! every instance route: token, scope, instance lookup and policy.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State as AxumState};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{self, Caller};
use super::definition::AppDefinition;
use super::store::{AppEntry, Instance, instance_view, simple_view};
use super::{links, message, unknown_app};
use crate::http;
use crate::state::State;

/// What every route on one instance reads from its request: the ids from the path
/// (`/{org}/{app}/instances/{party}/{guid}`, and `/data/{data}` on the data routes) and the
/// headers (the bearer token). `with_instance` and `on_instance` are the common gate.
pub(super) struct InstanceRequest {
    pub(super) state: Arc<State>,
    pub(super) ids: InstanceIds,
    pub(super) headers: HeaderMap,
}

#[derive(Deserialize)]
pub(super) struct InstanceIds {
    org: String,
    app: String,
    party: String,
    guid: String,
    /// The data element, on `…/data/{data}`.
    pub(super) data: Option<String>,
}

impl FromRequestParts<Arc<State>> for InstanceRequest {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<State>,
    ) -> Result<InstanceRequest, Response> {
        let Path(ids) = Path::<InstanceIds>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(InstanceRequest {
            state: Arc::clone(state),
            ids,
            headers: parts.headers.clone(),
        })
    }
}

impl InstanceRequest {
    /// Authenticates, checks the scope, finds the instance and applies the policy for `action`;
    /// `f` gets the app and the index of the instance in it.
    pub(super) fn with_instance<T>(
        &self,
        action: &str,
        f: impl FnOnce(&mut AppEntry, usize, &Caller) -> Result<T, Response>,
    ) -> Result<T, Response> {
        let InstanceIds {
            org,
            app,
            party,
            guid,
            ..
        } = &self.ids;
        let mut world = self.state.world();
        let Some(entry) = world.apps.get_mut(org, app) else {
            return Err(unknown_app());
        };
        let caller = auth::authenticate(&self.state, &self.headers)?;
        auth::require_scope(
            &caller,
            action != "read",
            &format!("/{org}/{app}/instances/{party}/{guid}"),
        )?;
        let index = entry
            .instances
            .iter()
            .position(|i| &i.party.party_id == party && &i.guid.to_string() == guid && i.visible());
        let index = index.ok_or_else(|| http::empty(StatusCode::NOT_FOUND, "unknown instance"))?;
        auth::authorize(
            &entry.definition,
            &caller,
            action,
            &entry.instances[index].party,
        )?;
        f(entry, index, &caller)
    }

    /// `with_instance` for the routes that read or change the one instance: `f` gets the app's
    /// definition and the instance.
    pub(super) fn on_instance<T>(
        &self,
        action: &str,
        f: impl FnOnce(&AppDefinition, &mut Instance, &Caller) -> Result<T, Response>,
    ) -> Result<T, Response> {
        self.with_instance(action, |entry, index, caller| {
            f(&entry.definition, &mut entry.instances[index], caller)
        })
    }
}

pub(super) async fn get(request: InstanceRequest) -> Response {
    let found = request.on_instance("read", |definition, instance, _| {
        Ok(instance_view(&links(&request.state, definition), instance))
    });
    found.map_or_else(|r| r, |view| http::json(StatusCode::OK, &view, "ok"))
}

#[derive(Deserialize)]
pub(super) struct DeleteQuery {
    hard: Option<String>,
}

/// `DELETE instances/{party}/{guid}[?hard=true]`, as app-lib and Storage do it: the policy's
/// `delete` action (app-lib `InstanceDelete`, which the template gives only to DAGL and REGNA,
/// not to `[org]`); an archived instance inside the app's `preventInstanceDeletionForDays` is
/// refused (Storage answers "Instance cannot be deleted yet due to application restrictions.",
/// which app-lib turns into a bare 403); then a soft delete (the instance stays, in the owner's
/// trash) or, with `hard=true`, a hard delete; 200 with the instance and its status flags.
/// Sources: tests/conformance/altinn-app/app-delete-instance*.json.
pub(super) async fn delete(
    request: InstanceRequest,
    axum::extract::Query(query): axum::extract::Query<DeleteQuery>,
) -> Response {
    // C# formats the bool as `True`; app-lib parses either case.
    let hard = query
        .hard
        .as_deref()
        .is_some_and(|h| h.eq_ignore_ascii_case("true"));
    let now = request.state.clock.now(crate::Service::Apps);
    let deleted = request.with_instance("delete", |entry, index, caller| {
        let days = entry.definition.prevent_instance_deletion_for_days;
        let instance = &mut entry.instances[index];
        if let (Some(days), Some(archived)) = (days, instance.ended)
            && now < archived + time::Duration::days(i64::from(days))
        {
            return Err(http::empty(StatusCode::FORBIDDEN, "deletion prevented"));
        }
        instance.soft_deleted.get_or_insert(now);
        if hard {
            instance.hard_deleted = Some(now);
        }
        instance.last_changed = now;
        instance.last_changed_by = caller.user_id();
        Ok(instance_view(
            &links(&request.state, &entry.definition),
            instance,
        ))
    });
    let outcome = if hard { "hard-deleted" } else { "soft-deleted" };
    deleted.map_or_else(|r| r, |view| http::json(StatusCode::OK, &view, outcome))
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
    let caller = match auth::authenticate(&state, &headers).and_then(|c| {
        let path = format!("/{org}/{app}/instances/{party_id}/active");
        auth::require_scope(&c, false, &path).map(|()| c)
    }) {
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
        .filter(|i| i.party.party_id == party_id && i.ended.is_none() && i.soft_deleted.is_none())
        .map(simple_view)
        .collect();
    http::json(StatusCode::OK, &Value::Array(list), "ok")
}
