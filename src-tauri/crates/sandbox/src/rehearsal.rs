//! The sandbox's rehearsal routes, for people and scripts steering a `sandbox serve` from
//! outside (tests in the same process use `Control`). Like every `/_sandbox/` route they need the
//! run's secret. Served by the Maskinporten host (faults and clocks reach every service); the
//! Key Vault host has its own (a soft delete, as someone would do in the Azure portal, in
//! `keyvault::secrets::rehearse_soft_delete`).
//!
//! - `POST /_sandbox/faults` `{"service":"apps","pathPrefix":"/ttd","kind":{"type":"status","code":503},"next":3}`
//!   (`next`: the next N matching requests; `"every":[1,4]`: one in four; neither: every matching
//!   request until cleared); `DELETE /_sandbox/faults` clears.
//! - `POST /_sandbox/clock` `{"offsetSeconds":300}`: every service's clock that far ahead.
//! - `POST /_sandbox/keyvault/soft-delete/{name}`: the secret becomes deleted-but-recoverable.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use crate::Service;
use crate::fault::{Fault, FaultKind, FaultSchedule};
use crate::http;
use crate::state::State;

pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/_sandbox/faults", post(add_fault).delete(clear_faults))
        .route("/_sandbox/clock", post(set_clock))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultRequest {
    service: Service,
    path_prefix: Option<String>,
    kind: KindRequest,
    next: Option<u32>,
    every: Option<[u32; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum KindRequest {
    Latency {
        ms: u64,
    },
    Status {
        code: u16,
    },
    TooManyRequests {
        #[serde(rename = "retryAfterSecs")]
        retry_after_secs: u32,
    },
    MalformedBody,
    DropConnection,
    Garbage,
}

async fn add_fault(
    AxumState(state): AxumState<Arc<State>>,
    Json(request): Json<FaultRequest>,
) -> Response {
    let kind = match request.kind {
        KindRequest::Latency { ms } => {
            FaultKind::Latency(std::time::Duration::from_millis(ms.min(120_000)))
        }
        KindRequest::Status { code } => FaultKind::Status(code),
        KindRequest::TooManyRequests { retry_after_secs } => {
            FaultKind::TooManyRequests { retry_after_secs }
        }
        KindRequest::MalformedBody => FaultKind::MalformedBody,
        KindRequest::DropConnection => FaultKind::DropConnection,
        KindRequest::Garbage => FaultKind::Garbage,
    };
    let schedule = match (request.next, request.every) {
        (Some(n), _) => FaultSchedule::Next(n),
        (None, Some([numerator, denominator])) if denominator > 0 => FaultSchedule::Fraction {
            numerator: numerator.min(denominator),
            denominator,
        },
        (None, _) => FaultSchedule::Fraction {
            numerator: 1,
            denominator: 1,
        },
    };
    state.faults.add(Fault {
        service: request.service,
        path_prefix: request.path_prefix,
        kind,
        schedule,
    });
    http::empty(StatusCode::NO_CONTENT, "fault added")
}

async fn clear_faults(AxumState(state): AxumState<Arc<State>>) -> Response {
    state.faults.clear();
    http::empty(StatusCode::NO_CONTENT, "faults cleared")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockRequest {
    offset_seconds: i64,
}

async fn set_clock(
    AxumState(state): AxumState<Arc<State>>,
    Json(request): Json<ClockRequest>,
) -> Response {
    let offset = time::Duration::seconds(request.offset_seconds.clamp(-86_400, 86_400));
    for service in Service::ALL {
        state.clock.set_offset(service, offset);
    }
    http::empty(StatusCode::NO_CONTENT, "clock set")
}
