//! The token chain (domain `chain::run`) against the sandbox: success, and every diagnosis the
//! person can meet, each asserting the explanation shown, not only that it failed. Grants our
//! own builder can never produce (no kid, wrong aud, a reused jti, an extra claim) are sent raw
//! and the sandbox's real answer is run through the same parser and diagnosis.

use assistant_domain::chain::{self, ChainOptions, ChainRequest, Session, Stage, StageStatus};
use assistant_domain::diagnosis::{self, Context, DiagnosisCode};
use assistant_domain::endpoints::Endpoints;
use assistant_domain::http::{HttpResponse, ReqwestTransport, Transport, TransportError};
use assistant_domain::maskinporten::token;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::{FixedClock, SystemClock};
use assistant_sandbox::{Fault, FaultKind, FaultSchedule, Service, defaults};
use assistant_tests::chain_support::{KID, endpoints, key, profile, public_jwk};
use assistant_tests::{Harness, test_key};
use serde_json::json;

const INSTANCES: &str = "altinn:instances.read altinn:instances.write";

async fn run(h: &Harness, profile: &Profile, options: ChainOptions) -> chain::ChainReport {
    let (request, context) = chain::request_for_profile(profile, &options).expect("request");
    let transport = ReqwestTransport::new(None).expect("client");
    chain::run(
        &Session::default(),
        &transport,
        &SystemClock,
        key(),
        &endpoints(h),
        &request,
        context,
    )
    .await
    .0
}

async fn registered() -> Harness {
    let h = Harness::start().await;
    h.control
        .register_key(defaults::CLIENT_ID, public_jwk())
        .expect("register");
    h
}

fn exchange_options() -> ChainOptions {
    ChainOptions {
        exchange: true,
        ..ChainOptions::default()
    }
}

fn code(report: &chain::ChainReport) -> Option<DiagnosisCode> {
    report.diagnosis.as_ref().map(|d| d.code)
}

fn failed_at(report: &chain::ChainReport) -> Option<Stage> {
    report
        .stages
        .iter()
        .find(|s| s.status == StageStatus::Failed)
        .map(|s| s.stage)
}

#[tokio::test]
async fn a_registered_key_gets_a_verified_token_and_an_altinn_token_with_the_claims_shown() {
    let h = registered().await;
    let report = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        exchange_options(),
    )
    .await;
    assert!(report.ok, "{:?}", report.diagnosis);
    assert!(
        report.stages.iter().all(|s| s.status == StageStatus::Ok),
        "{:?}",
        report.stages
    );
    let mp = report.maskinporten.as_ref().expect("claims");
    assert_eq!(mp.consumer_org.as_deref(), Some(defaults::ORG_NUMBER));
    assert_eq!(mp.client_amr.as_deref(), Some("private_key_jwt"));
    assert_eq!(
        mp.scopes,
        ["altinn:instances.read", "altinn:instances.write"]
    );
    assert_eq!(report.expires_in, Some(599));
    assert!(
        report
            .scope_check
            .as_ref()
            .is_some_and(|c| c.covers_instances)
    );
    let altinn = report.altinn.as_ref().expect("altinn claims");
    assert_eq!(altinn.claims["urn:altinn:orgNumber"], defaults::ORG_NUMBER);
    assert!(
        altinn.expires_at - altinn.issued_at <= 1800,
        "30-minute Altinn token"
    );
    let grant = report.grant.as_ref().expect("grant claims");
    assert_eq!(
        grant.aud,
        h.issuer(),
        "aud is the issuer, with the trailing slash"
    );
    assert!(
        report.clock.as_ref().is_some_and(|c| c.warning.is_none()),
        "clocks agree"
    );
}

#[tokio::test]
async fn a_key_not_registered_on_the_client_is_explained_with_kid_client_and_where_to_upload() {
    let h = Harness::start().await;
    let report = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(
        (code(&report), failed_at(&report)),
        (Some(DiagnosisCode::UnknownKid), Some(Stage::Token))
    );
    let d = report.diagnosis.as_ref().expect("diagnosis");
    assert!(
        d.explanation.en.contains(KID) && d.explanation.en.contains(defaults::CLIENT_ID),
        "{}",
        d.explanation.en
    );
    assert!(
        d.explanation.nb.contains("ligger ikke på klient"),
        "{}",
        d.explanation.nb
    );
    assert!(d.fix.en.contains("Upload the public key"), "{}", d.fix.en);
    assert!(
        d.raw
            .as_deref()
            .is_some_and(|r| r.contains("Unknown key identifier")),
        "raw answer kept"
    );
    assert_eq!(
        report
            .stages
            .iter()
            .filter(|s| s.status == StageStatus::Skipped)
            .count(),
        2,
        "verify and exchange skipped"
    );
}

#[tokio::test]
async fn an_unknown_client_is_explained_as_wrong_client_or_environment() {
    let h = registered().await;
    let report = run(
        &h,
        &profile("no-such-client", INSTANCES),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(code(&report), Some(DiagnosisCode::ClientNotFound));
    let d = report.diagnosis.expect("diagnosis");
    assert!(
        d.explanation.en.contains("no-such-client")
            && d.explanation
                .en
                .contains("test client does not work in prod"),
        "{}",
        d.explanation.en
    );
}

#[tokio::test]
async fn a_key_posted_over_a_year_ago_is_explained_as_expired() {
    let h = Harness::start().await;
    let posted = time::OffsetDateTime::now_utc() - time::Duration::days(400);
    h.control
        .register_key_posted_at(defaults::CLIENT_ID, public_jwk(), posted)
        .expect("register");
    let report = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(code(&report), Some(DiagnosisCode::KeyExpired));
    assert!(
        report
            .diagnosis
            .expect("d")
            .fix
            .en
            .contains("Generate a new key")
    );
}

#[tokio::test]
async fn a_scope_missing_on_the_client_is_named() {
    let h = registered().await;
    let report = run(
        &h,
        &profile(
            defaults::CLIENT_ID,
            "altinn:instances.read altinn:serviceowner/instances.delete",
        ),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(code(&report), Some(DiagnosisCode::ScopeNotOnClient));
    assert!(
        report
            .diagnosis
            .expect("d")
            .explanation
            .en
            .contains("altinn:serviceowner/instances.delete")
    );
}

#[tokio::test]
async fn a_supplier_without_the_customers_delegation_is_told_to_ask_for_it() {
    let h = registered().await;
    let options = ChainOptions {
        consumer_org: Some(defaults::CUSTOMER_ORG_NUMBER.into()),
        ..ChainOptions::default()
    };
    let report = run(&h, &profile(defaults::CLIENT_ID, INSTANCES), options).await;
    assert_eq!(code(&report), Some(DiagnosisCode::ScopeNotDelegated));
    assert!(report.diagnosis.expect("d").explanation.en.contains("TT02"));
}

#[tokio::test]
async fn a_delegated_scope_gives_a_supplier_token_for_the_customer() {
    let h = registered().await;
    let options = ChainOptions {
        consumer_org: Some(defaults::CUSTOMER_ORG_NUMBER.into()),
        ..ChainOptions::default()
    };
    let report = run(
        &h,
        &profile(defaults::CLIENT_ID, defaults::DELEGATED_SCOPE),
        options,
    )
    .await;
    assert!(report.ok, "{:?}", report.diagnosis);
    let mp = report.maskinporten.expect("claims");
    assert_eq!(
        mp.consumer_org.as_deref(),
        Some(defaults::CUSTOMER_ORG_NUMBER)
    );
    assert_eq!(mp.supplier_org.as_deref(), Some(defaults::ORG_NUMBER));
    assert!(
        !report.scope_check.expect("check").covers_instances,
        "a delegated scope alone does not reach app B"
    );
}

#[tokio::test]
async fn a_system_user_token_carries_the_system_user_and_a_wrong_external_ref_is_mp_303() {
    let h = registered().await;
    let mut options = ChainOptions {
        system_user_org: Some(defaults::CUSTOMER_ORG_NUMBER.into()),
        external_ref: Some(defaults::SYSTEM_USER_EXTERNAL_REF.into()),
        exchange: true,
        ..ChainOptions::default()
    };
    let report = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        options.clone(),
    )
    .await;
    assert!(report.ok, "{:?}", report.diagnosis);
    let su = report
        .maskinporten
        .and_then(|m| m.system_user)
        .expect("system user");
    assert_eq!(
        (su.org.as_deref(), su.system_user_id.as_deref()),
        (
            Some(defaults::CUSTOMER_ORG_NUMBER),
            Some(defaults::SYSTEM_USER_ID)
        )
    );
    assert!(
        report.altinn.is_some(),
        "system-user tokens are exchanged too"
    );
    options.external_ref = Some("wrong-ref".into());
    let wrong = run(&h, &profile(defaults::CLIENT_ID, INSTANCES), options).await;
    assert_eq!(code(&wrong), Some(DiagnosisCode::SystemUserNotFound));
    assert!(wrong.diagnosis.expect("d").fix.en.contains("externalRef"));
}

#[tokio::test]
async fn a_clock_a_minute_off_is_warned_about_from_the_date_header_and_explained() {
    let h = registered().await;
    h.control.skew_all_clocks(time::Duration::seconds(60));
    let report = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(code(&report), Some(DiagnosisCode::Clock));
    let clock = report.clock.as_ref().expect("clock check");
    assert!(
        (55..=65).contains(&clock.skew_seconds),
        "skew {}",
        clock.skew_seconds
    );
    assert!(
        clock
            .warning
            .as_ref()
            .is_some_and(|w| w.en.contains("behind")),
        "{clock:?}"
    );
    let said = format!("{} s behind", clock.skew_seconds);
    assert!(
        report.diagnosis.expect("d").explanation.en.contains(&said),
        "the explanation gives the measured skew"
    );
}

#[tokio::test]
async fn a_token_sent_to_another_environments_altinn_gets_the_empty_401_explained() {
    let h = registered().await;
    let other = Harness::start().await;
    let mut mixed = endpoints(&h);
    mixed.altinn = endpoints(&other).altinn;
    let (request, context) = chain::request_for_profile(
        &profile(defaults::CLIENT_ID, INSTANCES),
        &exchange_options(),
    )
    .expect("request");
    let transport = ReqwestTransport::new(None).expect("client");
    let (report, tokens) = chain::run(
        &Session::default(),
        &transport,
        &SystemClock,
        key(),
        &mixed,
        &request,
        context,
    )
    .await;
    assert!(tokens.is_none());
    assert_eq!(
        (code(&report), failed_at(&report)),
        (
            Some(DiagnosisCode::ExchangeUnauthorized),
            Some(Stage::Exchange)
        )
    );
    let d = report.diagnosis.expect("d");
    assert!(
        d.explanation.en.contains("other environment"),
        "{}",
        d.explanation.en
    );
    assert_eq!(d.raw.as_deref(), Some("HTTP 401 (empty body)"));
}

#[tokio::test]
async fn a_server_that_answers_garbage_or_hangs_up_is_explained_not_panicked_on() {
    let h = registered().await;
    h.control.inject_fault(Fault {
        service: Service::Maskinporten,
        path_prefix: Some("/token".into()),
        kind: FaultKind::MalformedBody,
        schedule: FaultSchedule::Next(1),
    });
    let garbage = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(code(&garbage), Some(DiagnosisCode::UnexpectedAnswer));
    h.control.inject_fault(Fault {
        service: Service::Maskinporten,
        path_prefix: Some("/token".into()),
        kind: FaultKind::DropConnection,
        schedule: FaultSchedule::Next(1),
    });
    let dropped = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        ChainOptions::default(),
    )
    .await;
    assert_eq!(
        code(&dropped),
        Some(DiagnosisCode::NetworkProtocol),
        "{:?}",
        dropped.diagnosis
    );
    h.control.inject_fault(Fault {
        service: Service::AltinnPlatform,
        path_prefix: None,
        kind: FaultKind::Status(503),
        schedule: FaultSchedule::Next(1),
    });
    let down = run(
        &h,
        &profile(defaults::CLIENT_ID, INSTANCES),
        exchange_options(),
    )
    .await;
    assert_eq!(code(&down), Some(DiagnosisCode::ExchangeFailed));
}

#[tokio::test]
async fn a_closed_port_is_a_connection_problem() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let endpoints = Endpoints {
        maskinporten: url::Url::parse(&format!("http://{closed}/")).expect("url"),
        altinn: url::Url::parse("http://127.0.0.1:1/").expect("url"),
        apps: String::new(),
    };
    let (request, context) =
        chain::request_for_profile(&profile("c", INSTANCES), &ChainOptions::default())
            .expect("request");
    let transport = ReqwestTransport::new(None).expect("client");
    let (report, _) = chain::run(
        &Session::default(),
        &transport,
        &FixedClock(time::OffsetDateTime::now_utc()),
        key(),
        &endpoints,
        &request,
        context,
    )
    .await;
    assert_eq!(
        (code(&report), failed_at(&report)),
        (Some(DiagnosisCode::NetworkConnect), Some(Stage::Metadata))
    );
    assert!(report.diagnosis.expect("d").fix.en.contains("proxy"));
}

/// A server on loopback that answers any request with `head` and then streams zeros for ever.
async fn endless(head: &'static str) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let body = vec![b'0'; 64 * 1024];
                let out = if head.contains("chunked") {
                    [
                        format!("{:x}\r\n", body.len()).into_bytes(),
                        body,
                        b"\r\n".to_vec(),
                    ]
                    .concat()
                } else {
                    body
                };
                while socket.write_all(&out).await.is_ok() {}
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_answer_larger_than_any_service_sends_is_refused_not_read_into_memory() {
    let transport = ReqwestTransport::new(None).expect("client");
    for head in [
        // Says up front it is 100 MB.
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n",
        // Does not say, and never ends.
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    ] {
        let addr = endless(head).await;
        let url = url::Url::parse(&format!(
            "http://{addr}/.well-known/oauth-authorization-server"
        ))
        .expect("url");
        let error = assistant_domain::http::Transport::send(
            &transport,
            assistant_domain::http::HttpRequest::get(url),
        )
        .await
        .expect_err("refused");
        assert!(
            matches!(error, TransportError::TooLarge { limit, .. } if limit == assistant_domain::http::MAX_BODY),
            "{error:?}"
        );
        let diagnosis = assistant_domain::diagnosis::for_transport(&error);
        assert_eq!(diagnosis.code, DiagnosisCode::NetworkTooLarge);
    }
}

/// DNS, TLS, proxy and timeout cannot be provoked on loopback without the real network; their
/// diagnosis is checked from the transport errors they produce.
#[test]
fn dns_tls_proxy_and_timeout_faults_each_get_their_own_advice() {
    let cases = [
        (
            TransportError::Dns {
                host: "maskinporten.no".into(),
            },
            DiagnosisCode::NetworkDns,
            "HTTPS_PROXY",
        ),
        (
            TransportError::Tls {
                host: "maskinporten.no".into(),
                detail: "unknown issuer".into(),
            },
            DiagnosisCode::NetworkTls,
            "MASKINPORTEN_ASSISTANT_CA_BUNDLE",
        ),
        (
            TransportError::Proxy {
                detail: "407".into(),
            },
            DiagnosisCode::NetworkProxy,
            "NO_PROXY",
        ),
        (
            TransportError::Timeout {
                host: "maskinporten.no".into(),
            },
            DiagnosisCode::NetworkTimeout,
            "Try again",
        ),
    ];
    for (error, code, advice) in cases {
        let d = diagnosis::for_transport(&error);
        assert_eq!(d.code, code);
        assert!(d.fix.en.contains(advice), "{code:?}: {}", d.fix.en);
        assert!(
            !d.fix.nb.is_empty() && !d.explanation.nb.is_empty(),
            "{code:?} has Norwegian text"
        );
    }
}

/// Sends a raw grant to the sandbox and diagnoses its real answer.
async fn diagnose_raw(h: &Harness, assertion: &str) -> diagnosis::Diagnosis {
    let response = h
        .http
        .post(format!("{}token", h.issuer()))
        .form(&[("grant_type", token::GRANT_TYPE), ("assertion", assertion)])
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("body").to_vec();
    let error = token::parse(&HttpResponse {
        status,
        headers: vec![],
        body,
    })
    .expect_err("refused");
    let context = Context {
        environment: Environment::Test,
        client_id: defaults::CLIENT_ID.into(),
        kid: test_key(0).kid.clone(),
        scopes: vec![],
        clock_skew_seconds: None,
    };
    diagnosis::for_maskinporten(&error, &context)
}

#[tokio::test]
async fn grants_our_builder_never_makes_get_the_right_diagnosis_from_the_sandbox_answer() {
    let h = Harness::start().await;
    let no_kid = h
        .grant()
        .header("kid", serde_json::Value::Null)
        .sign(test_key(0));
    assert_eq!(
        diagnose_raw(&h, &no_kid).await.code,
        DiagnosisCode::KidRequired
    );
    let token_url_aud = h
        .grant()
        .claim("aud", json!(format!("{}token", h.issuer())))
        .sign(test_key(0));
    assert_eq!(
        diagnose_raw(&h, &token_url_aud).await.code,
        DiagnosisCode::WrongAud
    );
    let with_sub = h
        .grant()
        .claim("sub", json!(defaults::CLIENT_ID))
        .sign(test_key(0));
    assert_eq!(
        diagnose_raw(&h, &with_sub).await.code,
        DiagnosisCode::InvalidAssertion
    );
    let once = h.grant().sign(test_key(0));
    let (status, _) = h.token_request(&once).await;
    assert_eq!(status.as_u16(), 200);
    let reused = diagnose_raw(&h, &once).await;
    assert_eq!(reused.code, DiagnosisCode::GrantReused);
    assert!(reused.fix.en.contains("new grant"), "{}", reused.fix.en);
    let bad_type = h
        .grant()
        .claim(
            "authorization_details",
            json!([{"type": "urn:altinn:other"}]),
        )
        .sign(test_key(0));
    assert_eq!(
        diagnose_raw(&h, &bad_type).await.code,
        DiagnosisCode::SystemUserDetails
    );
    let in_the_future = h
        .grant()
        .claim("iat", json!(assistant_tests::now() + 60))
        .claim("exp", json!(assistant_tests::now() + 100))
        .sign(test_key(0));
    assert_eq!(
        diagnose_raw(&h, &in_the_future).await.code,
        DiagnosisCode::Clock
    );
}

#[tokio::test]
async fn the_session_caches_tokens_until_their_expiry_minus_the_margins() {
    let h = registered().await;
    let session = Session::default();
    let (request, context) = chain::request_for_profile(
        &profile(defaults::CLIENT_ID, INSTANCES),
        &exchange_options(),
    )
    .expect("request");
    let transport = ReqwestTransport::new(None).expect("client");
    let endpoints = endpoints(&h);
    let (_, tokens) = chain::run(
        &session,
        &transport,
        &SystemClock,
        key(),
        &endpoints,
        &request,
        context,
    )
    .await;
    let tokens = tokens.expect("tokens");
    let now = time::OffsetDateTime::now_utc();
    assert!(
        session.cached_tokens(&endpoints, &request, now).is_some(),
        "fresh tokens are reused"
    );
    let altinn_exp = tokens.altinn.as_ref().map(|(_, exp)| *exp).expect("altinn");
    let late =
        time::OffsetDateTime::from_unix_timestamp(altinn_exp - chain::ALTINN_MARGIN_SECONDS + 1)
            .expect("time");
    assert!(
        session.cached_tokens(&endpoints, &request, late).is_none(),
        "refreshed before the Altinn token expires"
    );
    let other = ChainRequest {
        scopes: vec!["altinn:instances.read".into()],
        ..request
    };
    assert!(
        session.cached_tokens(&endpoints, &other, now).is_none(),
        "another scope set is another token"
    );
}

#[tokio::test]
async fn neither_the_report_nor_debug_output_nor_the_sandbox_log_holds_a_token_or_assertion() {
    let h = registered().await;
    let (request, context) = chain::request_for_profile(
        &profile(defaults::CLIENT_ID, INSTANCES),
        &exchange_options(),
    )
    .expect("request");
    let transport = ReqwestTransport::new(None).expect("client");
    let (report, tokens) = chain::run(
        &Session::default(),
        &transport,
        &SystemClock,
        key(),
        &endpoints(&h),
        &request,
        context,
    )
    .await;
    let tokens = tokens.expect("tokens");
    let secrets = [
        tokens.access_token.expose_secret().to_string(),
        tokens
            .altinn
            .as_ref()
            .map(|(t, _)| t.expose_secret().to_string())
            .expect("altinn"),
    ];
    let report_json = serde_json::to_string(&report).expect("json");
    let debug = format!("{report:?} {tokens:?}");
    let log = serde_json::to_string(&h.control.request_log()).expect("log");
    for (place, text) in [
        ("report", &report_json),
        ("debug", &debug),
        ("sandbox log", &log),
    ] {
        assert!(
            !assistant_tests::holds_jwt(text),
            "{place} contains something JWT-shaped"
        );
        for secret in &secrets {
            assert!(
                !text.contains(&secret[secret.len() - 40..]),
                "{place} contains a token"
            );
        }
    }
    // A transport that records what it sent proves the assertion went only in the token body.
    struct Recording(ReqwestTransport, std::sync::Mutex<Vec<String>>);
    impl Transport for Recording {
        fn send(
            &self,
            request: assistant_domain::http::HttpRequest,
        ) -> assistant_domain::http::BoxFuture<'_, Result<HttpResponse, TransportError>> {
            self.1.lock().expect("lock").push(format!("{request:?}"));
            self.0.send(request)
        }
    }
    let recording = Recording(
        ReqwestTransport::new(None).expect("client"),
        Default::default(),
    );
    let (request, context) = chain::request_for_profile(
        &profile(defaults::CLIENT_ID, INSTANCES),
        &exchange_options(),
    )
    .expect("request");
    let _ = chain::run(
        &Session::default(),
        &recording,
        &SystemClock,
        key(),
        &endpoints(&h),
        &request,
        context,
    )
    .await;
    let sent = recording.1.lock().expect("lock").join("\n");
    assert!(
        sent.contains("/token") && !assistant_tests::holds_jwt(&sent),
        "request Debug hides bodies and bearer values: {sent}"
    );
}
