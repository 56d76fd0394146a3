//! Serving one emulated host: the accept loop, and around every request the pieces all
//! services share — injected faults, the `Date` header from the (possibly skewed) clock, and the
//! request log. Owns connection lifetimes, so a fault can close a connection with no answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::fault::FaultKind;
use crate::http::Outcome;
use crate::log::{LogEntry, loggable_path};
use crate::state::State;
use crate::{Service, clock};

/// Returned to hyper to make it close the connection without writing a response.
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// The largest body the fault layer reads back when it truncates one.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub(crate) fn spawn(
    service: Service,
    (listener, port): (TcpListener, u16),
    router: Router,
    state: Arc<State>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stop.wait_for(|stopped| *stopped) => break,
            };
            let Ok((stream, _peer)) = accepted else {
                continue;
            };
            let (router, state) = (router.clone(), state.clone());
            let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
                guarded(service, port, router.clone(), state.clone(), request)
            });
            connections.spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), handler)
                    .await;
            });
            while connections.try_join_next().is_some() {}
        }
        connections.abort_all();
    })
}

/// Routes no real service has, or that stand in for a person's sign-in: they take the run's
/// secret. `/_sandbox/…` (the log, the ping), the device-login page that approves as a seeded
/// identity, the system-user confirm page that approves as the customer, and the self-service
/// API, which has no authentication here.
fn needs_secret(service: Service, path: &str) -> bool {
    path.starts_with("/_sandbox/")
        || (service == Service::Entra && path.starts_with("/devicelogin"))
        || (service == Service::AltinnPlatform && path.starts_with("/accessmanagement/"))
        || (service == Service::Maskinporten && path.starts_with("/api/v1/clients"))
}

/// Compares without stopping at the first difference, so timing does not tell how much matched.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn presented_secret(request: &Request<Incoming>) -> Option<String> {
    if let Some(value) = request.headers().get(crate::SECRET_HEADER) {
        return value.to_str().ok().map(str::to_owned);
    }
    url::form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
        .find(|(key, _)| key == crate::SECRET_QUERY)
        .map(|(_, value)| value.into_owned())
}

/// Only this machine's own names for this port: a page whose domain was re-pointed at
/// 127.0.0.1 (DNS rebinding) sends its own domain in `Host`.
fn host_allowed(request: &Request<Incoming>, port: u16) -> bool {
    let Some(host) = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}"))
}

async fn guarded(
    service: Service,
    port: u16,
    router: Router,
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Body>, DroppedOnPurpose> {
    let refuse = |status: StatusCode, text: &str| {
        let mut response = Response::new(Body::from(text.to_owned()));
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    };
    if !host_allowed(&request, port) {
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            "This sandbox answers only to its own loopback address.",
        ));
    }
    let path = request.uri().path();
    if needs_secret(service, path) {
        let ok =
            presented_secret(&request).is_some_and(|s| same(s.as_bytes(), state.secret.as_bytes()));
        if !ok {
            return Ok(refuse(
                StatusCode::UNAUTHORIZED,
                "This route of the sandbox needs the run's secret (the X-Sandbox-Secret header; Maskinporten Assistant keeps it in sandbox-running.json in its data folder).",
            ));
        }
        if path == "/_sandbox/ping" {
            return Ok(refuse(StatusCode::OK, "ok"));
        }
    }
    handle(service, router, state, request).await
}

async fn handle(
    service: Service,
    router: Router,
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Body>, DroppedOnPurpose> {
    let started = Instant::now();
    let at = time::OffsetDateTime::now_utc();
    let method = request.method().to_string();
    let path = loggable_path(request.uri());
    let logged = !request.uri().path().starts_with("/_sandbox/");
    // The sandbox's own routes are never faulted: a fault must not stop its own clearing.
    let fault = logged
        .then(|| state.faults.take(service, request.uri().path()))
        .flatten();
    let log = |status: Option<u16>, outcome: String| {
        if logged {
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            state.log.push(LogEntry {
                at,
                service,
                method: method.clone(),
                path: path.clone(),
                status,
                duration_ms,
                outcome,
            });
        }
    };
    let mut response = match fault {
        Some(FaultKind::DropConnection) => {
            log(None, "fault:dropped connection".into());
            return Err(DroppedOnPurpose);
        }
        Some(FaultKind::Status(code)) => fault_status(code),
        Some(FaultKind::TooManyRequests { retry_after_secs }) => {
            too_many(service, retry_after_secs)
        }
        Some(FaultKind::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            call(router, request).await
        }
        Some(FaultKind::MalformedBody) => truncate(call(router, request).await).await,
        Some(FaultKind::Garbage) => garbage(),
        None => call(router, request).await,
    };
    let date = clock::http_date(state.clock.now(service));
    if let Ok(value) = HeaderValue::from_str(&date) {
        response.headers_mut().insert(header::DATE, value);
    }
    let outcome = match response.extensions().get::<Outcome>() {
        Some(Outcome(text)) => text.clone(),
        None if response.status().is_success() => "ok".into(),
        None => response.status().as_u16().to_string(),
    };
    log(Some(response.status().as_u16()), outcome);
    Ok(response)
}

async fn call(router: Router, request: Request<Incoming>) -> Response<Body> {
    let response: Result<Response<Body>, Infallible> = router.oneshot(request.map(Body::new)).await;
    match response {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// What a captive portal or a proxy's error page looks like to an API client: 200, HTML.
fn garbage() -> Response<Body> {
    let mut response = Response::new(Body::from(
        "<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Guest Wi-Fi: accept the terms to continue.</body></html>",
    ));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .extensions_mut()
        .insert(Outcome("fault:garbage".into()));
    response
}

fn fault_status(code: u16) -> Response<Body> {
    let status =
        StatusCode::from_u16(code.clamp(500, 599)).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = Response::new(Body::from(format!("{status} (sandbox fault)")));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
        .extensions_mut()
        .insert(Outcome(format!("fault:{}", status.as_u16())));
    response
}

/// 429 in the throttled service's own form: Key Vault answers its error JSON with code
/// `Throttled` (recorded: tests/conformance/keyvault/kv-429-throttled.json); the others a short
/// text, their bodies being UNCONFIRMED.
fn too_many(service: Service, retry_after_secs: u32) -> Response<Body> {
    let mut response = if service == Service::KeyVault {
        let body = serde_json::json!({"error": {"code": "Throttled", "message": "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}});
        let mut response = Response::new(Body::from(body.to_string()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    } else {
        Response::new(Body::from("Too Many Requests (sandbox fault)"))
    };
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
        .extensions_mut()
        .insert(Outcome("fault:429".into()));
    response
}

/// Keeps status and headers, cuts the body to its first half.
async fn truncate(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let cut = if bytes.len() < 2 {
        axum::body::Bytes::from_static(b"{\"")
    } else {
        bytes.slice(..bytes.len() / 2)
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .extensions
        .insert(Outcome("fault:malformed body".into()));
    Response::from_parts(parts, Body::from(cut))
}
