//! Faults on demand (latency, 5xx, 429, malformed bodies, dropped connections, skewed clocks)
//! and the secret-free request log.

use std::time::{Duration, Instant};

use assistant_sandbox::{Fault, FaultKind, FaultSchedule, Service};
use assistant_tests::maskinporten::assert_mp_error;
use assistant_tests::{Harness, StatusCode, test_key};
use serde_json::Value;

fn fault(kind: FaultKind, path: &str, schedule: FaultSchedule) -> Fault {
    Fault {
        service: Service::Maskinporten,
        path_prefix: Some(path.to_owned()),
        kind,
        schedule,
    }
}

async fn metadata_status(h: &Harness) -> StatusCode {
    h.http
        .get(format!(
            "{}.well-known/oauth-authorization-server",
            h.issuer()
        ))
        .send()
        .await
        .unwrap()
        .status()
}

/// `GET /jwk` on Maskinporten.
async fn get_jwk(h: &Harness) -> reqwest::Response {
    h.http
        .get(format!("{}jwk", h.issuer()))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_503_fault_hits_the_next_n_requests_on_its_path_only() {
    let h = Harness::start().await;
    h.control.inject_fault(fault(
        FaultKind::Status(503),
        "/token",
        FaultSchedule::Next(2),
    ));
    assert_eq!(
        metadata_status(&h).await,
        StatusCode::OK,
        "another path is untouched"
    );
    let status = async || h.token_request(&h.grant().sign(test_key(0))).await.0;
    assert_eq!(status().await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(status().await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(status().await, StatusCode::OK, "the fault is used up");
}

#[tokio::test]
async fn a_429_fault_carries_retry_after() {
    let h = Harness::start().await;
    h.control.inject_fault(fault(
        FaultKind::TooManyRequests {
            retry_after_secs: 7,
        },
        "/",
        FaultSchedule::Next(1),
    ));
    let response = get_jwk(&h).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "7");
}

#[tokio::test]
async fn a_malformed_body_fault_keeps_the_status_but_truncates_the_json() {
    let h = Harness::start().await;
    h.control.inject_fault(fault(
        FaultKind::MalformedBody,
        "/token",
        FaultSchedule::Next(1),
    ));
    let assertion = h.grant().sign(test_key(0));
    let response = h.send_token_request(&assertion).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "not parseable: {text}"
    );
}

#[tokio::test]
async fn a_dropped_connection_fault_closes_without_a_response() {
    let h = Harness::start().await;
    h.control.inject_fault(fault(
        FaultKind::DropConnection,
        "/token",
        FaultSchedule::Next(1),
    ));
    let error = h.send_token_request("x").await.expect_err("no response");
    assert!(
        !error.is_status() && !error.is_timeout(),
        "a transport error: {error}"
    );
    assert_eq!(
        metadata_status(&h).await,
        StatusCode::OK,
        "the service keeps running"
    );
}

#[tokio::test]
async fn a_latency_fault_delays_the_answer() {
    let h = Harness::start().await;
    h.control.inject_fault(fault(
        FaultKind::Latency(Duration::from_millis(300)),
        "/jwk",
        FaultSchedule::Next(1),
    ));
    let started = Instant::now();
    let response = get_jwk(&h).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_fractional_fault_hits_every_third_request_deterministically() {
    let h = Harness::start().await;
    h.control.inject_fault(fault(
        FaultKind::Status(502),
        "/jwk",
        FaultSchedule::Fraction {
            numerator: 1,
            denominator: 3,
        },
    ));
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(get_jwk(&h).await.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 502, 200, 200, 502]);
    h.control.clear_faults();
    assert_eq!(get_jwk(&h).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_skewed_server_clock_shows_in_the_date_header_and_in_the_grant_check() {
    let h = Harness::start().await;
    h.control
        .skew_clock(Service::Maskinporten, time::Duration::minutes(5));
    let response = get_jwk(&h).await;
    let date = response.headers()["date"].to_str().unwrap().to_owned();
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let served = time::PrimitiveDateTime::parse(&date, &format)
        .unwrap()
        .assume_utc();
    let ahead = served - time::OffsetDateTime::now_utc();
    assert!(
        ahead > time::Duration::minutes(4) && ahead < time::Duration::minutes(6),
        "Date is 5 minutes ahead: {date}"
    );
    let expected = "MP-130 JWT is expired";
    assert_mp_error(
        &h.token_request(&h.grant().sign(test_key(0))).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        expected,
    );
}

#[tokio::test]
async fn the_request_log_records_outcomes_and_never_secrets() {
    let h = Harness::start().await;
    let token = h.maskinporten_token(&h.grant(), test_key(0)).await;
    let bad = h
        .grant()
        .claim("aud", serde_json::json!("https://test.maskinporten.no/"))
        .sign(test_key(0));
    h.token_request(&bad).await;
    h.exchange(&token, "?test=true").await;
    let url = format!(
        "{}/authentication/api/v1/exchange/maskinporten?secret=s3cr3t-value",
        h.sandbox.urls().altinn_platform
    );
    h.http.get(url).send().await.unwrap();
    let log = h.control.request_log();
    let outcomes: Vec<(&str, Option<u16>, &str)> = log
        .iter()
        .map(|e| (e.path.as_str(), e.status, e.outcome.as_str()))
        .collect();
    assert!(
        outcomes.contains(&("/token", Some(200), "ok")),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&("/token", Some(400), "MP-110")),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&(
            "/authentication/api/v1/exchange/maskinporten?test=true",
            Some(200),
            "ok"
        )),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&(
            "/authentication/api/v1/exchange/maskinporten?secret=***",
            Some(401),
            "no bearer"
        )),
        "{outcomes:?}"
    );
    let served = h.get_json(format!("{}_sandbox/log", h.issuer())).await;
    let text = served.to_string();
    assert!(served.as_array().unwrap().len() >= 4);
    for secret in [token.as_str(), bad.as_str(), "s3cr3t-value"] {
        assert!(!text.contains(secret), "the log must not contain {secret}");
    }
    assert!(!format!("{log:?}").contains(&token));
}

#[tokio::test]
async fn shutdown_closes_every_listener() {
    let h = Harness::start().await;
    let issuer = h.issuer();
    let http = h.http.clone();
    h.sandbox.shutdown().await;
    assert!(http.get(format!("{issuer}jwk")).send().await.is_err());
}
