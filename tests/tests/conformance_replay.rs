//! Replays every recorded real answer in `tests/conformance/` through the domain's parsers and
//! asserts the tool's verdict and the person-facing explanation, so the client is held to what
//! the real services say, not to what our sandbox says.

use assistant_domain::altinn::{app, delete, exchange, instance};
use assistant_domain::diagnosis::{self, Context};
use assistant_domain::endpoints::Endpoints;
use assistant_domain::http::{HttpRequest, HttpResponse};
use assistant_domain::keyvault::api::{self, KeyVaultError, Operation};
use assistant_domain::keyvault::azcli::{self, CommandOutput};
use assistant_domain::keyvault::challenge::{self, Challenge, TrustedLogin};
use assistant_domain::keyvault::devicecode::{self, Poll};
use assistant_domain::keyvault::explain;
use assistant_domain::keyvault::session::SignInError;
use assistant_domain::maskinporten::{metadata, token};
use assistant_domain::profile::Environment;
use assistant_domain::{AppError, FixedClock};
use assistant_tests::conformance::{Recorded, load_all};
use time::macros::datetime;
use url::Url;

const NOW: time::OffsetDateTime = datetime!(2026-12-06 10:00 UTC);

fn cx() -> Context {
    Context {
        environment: Environment::Test,
        client_id: "client-1".into(),
        kid: "kid-1".into(),
        scopes: vec!["altinn:serviceowner/instances.read".into()],
        clock_skew_seconds: None,
    }
}

/// What the tool makes of one recorded answer: a verdict word and the words it says.
struct Verdict {
    verdict: String,
    said: String,
}

impl Verdict {
    fn ok(verdict: &str) -> Self {
        Self {
            verdict: verdict.into(),
            said: String::new(),
        }
    }

    fn error(verdict: impl Into<String>, error: &AppError) -> Self {
        Self {
            verdict: verdict.into(),
            said: format!(
                "{} {}",
                error.message,
                error.hint.as_deref().unwrap_or_default()
            ),
        }
    }
}

fn vault_of(r: &Recorded) -> Url {
    let url = Url::parse(&r.request.url).expect("request URL");
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin
}

fn operation(call: &str) -> Operation {
    match call {
        "keyvault.list_secrets" => Operation::List,
        "keyvault.list_versions" => Operation::Versions,
        "keyvault.set_secret" | "keyvault.update_secret" => Operation::Set,
        "keyvault.get_deleted_secret" => Operation::GetDeleted,
        "keyvault.recover" => Operation::Recover,
        "keyvault.purge" => Operation::Purge,
        _ => Operation::Get,
    }
}

fn keyvault(r: &Recorded, response: &HttpResponse) -> Verdict {
    if r.call == "keyvault.challenge" {
        let trusted = challenge::parse(response).and_then(|parsed| {
            assert_eq!(Some(parsed.tenant.as_str()), r.field("tenant"), "{}", r.id);
            challenge::check_trusted(&parsed, &TrustedLogin::Microsoft, &vault_of(r))
        });
        return match trusted {
            Ok(trusted) => Verdict {
                verdict: "sign_in".into(),
                said: trusted.endpoint("devicecode").to_string(),
            },
            Err(e) => Verdict::error("bad_challenge", &AppError::from(e)),
        };
    }
    let op = operation(&r.call);
    let name = "name";
    let result = match op {
        Operation::List | Operation::Versions | Operation::Purge => {
            api::check(op, Some(name), response).map(|()| None)
        }
        _ => api::parse_secret(op, name, response).map(Some),
    };
    match result {
        Ok(Some(secret)) => {
            if let Some(enabled) = r.expect["enabled"].as_bool() {
                assert_eq!(secret.enabled, enabled, "{}", r.id);
            }
            Verdict::ok("secret")
        }
        Ok(None) => Verdict::ok("ok"),
        Err(e) => {
            let reason = e
                .reason()
                .and_then(|r| serde_json::to_value(r).ok())
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "unparseable".into());
            let app = explain::to_app_error(&e, &Environment::Test);
            if let KeyVaultError::Refused { error, .. } = &e
                && let Some(retry) = r.expect["retryAfter"].as_u64()
            {
                assert_eq!(error.retry_after, Some(retry), "{}", r.id);
            }
            Verdict::error(reason, &app)
        }
    }
}

fn entra(r: &Recorded, response: &HttpResponse) -> Verdict {
    match r.call.as_str() {
        "entra.devicecode" => {
            let challenge = Challenge {
                authority: Url::parse("https://login.microsoftonline.com/t").expect("url"),
                tenant: "t".into(),
                resource: "https://vault.azure.net".into(),
            };
            let pending = devicecode::parse_code(&challenge, "c", response, NOW).expect("code");
            Verdict {
                verdict: "prompt".into(),
                said: format!(
                    "{} {} {}",
                    pending.prompt.user_code,
                    pending.prompt.verification_uri,
                    pending.prompt.interval_seconds
                ),
            }
        }
        "entra.token_poll" => match devicecode::parse_poll(response) {
            Ok(Poll::Token { .. }) => Verdict::ok("token"),
            Ok(Poll::Pending) => Verdict::ok("pending"),
            Ok(Poll::SlowDown) => Verdict::ok("slow_down"),
            Err(e) => {
                let verdict = match &e {
                    SignInError::Expired => "expired",
                    SignInError::Declined => "declined",
                    _ => "refused",
                };
                Verdict::error(verdict, &AppError::from(e))
            }
        },
        "azcli.get_access_token" => {
            let stdout =
                serde_json::to_vec(r.response.body.as_ref().expect("output")).expect("json");
            let output = CommandOutput::new(true, stdout, String::new());
            let session = azcli::parse(&output, None, NOW).expect("a session");
            Verdict {
                verdict: "token".into(),
                said: format!("{} {}", session.tenant, session.expires_at.unix_timestamp()),
            }
        }
        other => panic!("{}: no replay for {other}", r.id),
    }
}

fn maskinporten(r: &Recorded, response: &HttpResponse) -> Verdict {
    match r.call.as_str() {
        "maskinporten.metadata" => {
            let endpoints = Endpoints::test();
            let found = metadata::parse(&endpoints, response).expect("test metadata");
            Verdict {
                verdict: "metadata".into(),
                said: format!("{} {}", found.issuer, found.token_endpoint),
            }
        }
        "maskinporten.token" => match token::parse(response) {
            Ok(t) => Verdict {
                verdict: "token".into(),
                said: format!("{} {}", t.expires_in, t.scope),
            },
            Err(e) => {
                let d = diagnosis::for_maskinporten(&e, &cx());
                Verdict {
                    verdict: serde_json::to_value(d.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    said: format!("{} {} {}", d.title.en, d.explanation.en, d.fix.en),
                }
            }
        },
        other => panic!("{}: no replay for {other}", r.id),
    }
}

fn exchange_verdict(response: &HttpResponse) -> Verdict {
    match exchange::parse(response) {
        Ok((_, info)) => Verdict {
            verdict: "token".into(),
            said: info.issuer,
        },
        Err(e) => {
            let d = diagnosis::for_exchange(&e, &cx(), None, "https://test.maskinporten.no/");
            Verdict {
                verdict: serde_json::to_value(d.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                said: format!("{} {} {}", d.title.en, d.explanation.en, d.fix.en),
            }
        }
    }
}

fn altinn_app(r: &Recorded, response: &HttpResponse) -> Verdict {
    match r.call.as_str() {
        "app.metadata" => {
            let meta = app::parse_metadata(response).expect("metadata");
            Verdict {
                verdict: "metadata".into(),
                said: format!("{} {}", meta.id, meta.data_types.len()),
            }
        }
        "app.delete_instance" => match delete::parse(response) {
            Ok(delete::Deleted::Hard) => Verdict::ok("hard_deleted"),
            Ok(delete::Deleted::Soft) => Verdict::ok("soft_deleted"),
            Err(e) => Verdict::error("refused", &delete::explain(e, "ttd/app-b")),
        },
        "app.put_data" | "app.process_next" => match instance::parse_ok(response) {
            Ok(()) => Verdict::ok("ok"),
            Err(e) => Verdict::error("refused", &AppError::from(e)),
        },
        _ => match instance::parse_instance(response) {
            Ok(i) => Verdict {
                verdict: if i.ended.is_some() {
                    "ended".into()
                } else {
                    "instance".into()
                },
                said: format!("{} {}", i.id, i.current_task.unwrap_or_default()),
            },
            Err(e) => Verdict::error("refused", &AppError::from(e)),
        },
    }
}

fn replay(r: &Recorded) -> Verdict {
    let response = r.response.http();
    match r.service.as_str() {
        "keyvault" => keyvault(r, &response),
        "entra" => entra(r, &response),
        "maskinporten" => maskinporten(r, &response),
        "altinn-exchange" => exchange_verdict(&response),
        "altinn-app" => altinn_app(r, &response),
        other => panic!("{}: unknown service {other}", r.id),
    }
}

#[test]
fn the_corpus_has_thirty_or_more_exchanges_each_with_its_source_and_what_it_shows() {
    let all = load_all();
    assert!(all.len() >= 30, "{} recorded exchanges", all.len());
    for r in &all {
        let named = r.source.repo.is_some() && r.source.path.is_some();
        assert!(
            named || r.source.url.is_some() || !r.notes.is_empty(),
            "{}: a source (repository and path, or a page)",
            r.id
        );
        if let Some(commit) = &r.source.commit {
            assert!(
                commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()),
                "{}: a full commit id",
                r.id
            );
        }
        assert!(!r.shows.trim().is_empty(), "{}: says what it shows", r.id);
        assert!(!r.verdict().is_empty(), "{}: an expected verdict", r.id);
        assert_eq!(
            r.file.file_stem().and_then(|s| s.to_str()),
            Some(r.id.as_str()),
            "the id is the file name"
        );
    }
    for service in [
        "keyvault",
        "entra",
        "maskinporten",
        "altinn-exchange",
        "altinn-app",
    ] {
        assert!(
            all.iter().any(|r| r.service == service),
            "{service} is covered"
        );
    }
}

#[test]
fn every_recorded_answer_gets_the_expected_verdict_and_explanation() {
    let mut wrong = Vec::new();
    for r in load_all() {
        if r.verdict() == "not_used" {
            continue;
        }
        let got = replay(&r);
        if got.verdict != r.verdict() {
            wrong.push(format!(
                "{}: verdict {} (expected {}) — {}",
                r.id,
                got.verdict,
                r.verdict(),
                got.said
            ));
            continue;
        }
        for words in r.says() {
            if !got.said.contains(words) {
                wrong.push(format!("{}: does not say {words:?} in: {}", r.id, got.said));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_real_challenge_naming_login_windows_net_signs_in_at_login_microsoftonline_com() {
    let recorded = load_all()
        .into_iter()
        .find(|r| r.id == "kv-challenge-401-get-api7.4-2022")
        .expect("the 2022 recording");
    assert!(
        recorded
            .response
            .header("www-authenticate")
            .is_some_and(|h| h.contains("https://login.windows.net/")),
        "the recording names login.windows.net"
    );
    let vault = Url::parse("https://ttd-kv-test.vault.azure.net/").expect("url");
    let transport = assistant_tests::conformance::Scripted::answering(vec![
        recorded.response.http(),
        HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"user_code":"ABC","device_code":"d","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5}"#.to_vec(),
        },
    ]);
    use assistant_domain::http::Transport;
    let answer = transport
        .send(challenge::request(&vault))
        .await
        .expect("answered");
    let found = challenge::parse(&answer).expect("parsed");
    let trusted =
        challenge::check_trusted(&found, &TrustedLogin::Microsoft, &vault).expect("trusted");
    devicecode::start(&transport, &FixedClock(NOW), &trusted, "client")
        .await
        .expect("code");
    let sent: Vec<HttpRequest> = transport.sent();
    assert_eq!(
        sent[1].url.as_str(),
        "https://login.microsoftonline.com/12345678-1234-1234-1234-123456789012/oauth2/v2.0/devicecode",
        "only the tenant came from the challenge"
    );
    assert!(
        sent.iter()
            .all(|r| r.url.host_str() != Some("login.windows.net")),
        "nothing went to the alias"
    );

    // Any other host in the same place is refused before anything is sent.
    let mut forged = recorded.response.http();
    forged.headers = vec![(
        "WWW-Authenticate".into(),
        "Bearer authorization=\"https://login.evil.example/12345678-1234-1234-1234-123456789012\", resource=\"https://vault.azure.net\"".into(),
    )];
    let parsed = challenge::parse(&forged).expect("well-formed");
    assert!(matches!(
        challenge::check_trusted(&parsed, &TrustedLogin::Microsoft, &vault),
        Err(SignInError::UntrustedAuthority { .. })
    ));
}
