//! Signing in for the vault (config-keyvault-selfservice.md §3.3, §3.5) with the domain's steps
//! against the sandbox: the tenant from the vault's challenge, the device-code flow through
//! pending, slow_down, approval, decline, expiry and cancel, and the Azure CLI path with a faked
//! `az` that hands over a real sandbox token.

use std::sync::Mutex;
use std::time::Duration;

use assistant_domain::clock::Clock;
use assistant_domain::http::BoxFuture;
use assistant_domain::keyvault::azcli::{self, CommandOutput, CommandRunner};
use assistant_domain::keyvault::challenge::{self, TrustedLogin};
use assistant_domain::keyvault::probe::CheckResult;
use assistant_domain::keyvault::session::SignInError;
use assistant_domain::keyvault::{AZURE_CLI_CLIENT_ID, Pause, Resume, SignInMethod, devicecode};
use assistant_domain::{AppError, ErrorKind, FixedClock};
use assistant_sandbox::defaults;
use assistant_tests::keyvault_flow::{AdvancingPause, Flow, advance};

#[tokio::test]
async fn the_tenant_is_learnt_from_the_vaults_challenge_and_only_the_sandbox_login_is_trusted() {
    let flow = Flow::start().await;
    assert_eq!(flow.challenge.tenant, defaults::TENANT_ID);
    assert_eq!(
        flow.challenge.endpoint("devicecode").as_str(),
        format!(
            "{}/{}/oauth2/v2.0/devicecode",
            flow.h.sandbox.urls().entra,
            defaults::TENANT_ID
        )
    );
    assert!(
        challenge::check_trusted(&flow.challenge, &TrustedLogin::Microsoft, &flow.vault).is_err(),
        "a test or prod profile must never sign in at the sandbox's (or any other) host"
    );
}

/// Approves the code at the first wait and does not move the clock, so the next poll comes too
/// soon and Entra says slow_down; later waits move the clock.
struct ApproveThenHurry {
    inner: AdvancingPause,
    approve: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl Pause for ApproveThenHurry {
    fn pause(&self, duration: Duration) -> BoxFuture<'_, Resume> {
        match self.approve.lock().unwrap().take() {
            Some(approve) => {
                approve();
                self.inner.waits.lock().unwrap().push(duration);
                Box::pin(async { Resume::Go })
            }
            None => self.inner.pause(duration),
        }
    }
}

#[tokio::test]
async fn a_device_code_sign_in_waits_while_pending_slows_down_when_told_and_yields_a_vault_token() {
    let flow = Flow::start().await;
    let clock = flow.clock();
    let pending = devicecode::start(
        &flow.transport,
        &clock,
        &flow.challenge,
        AZURE_CLI_CLIENT_ID,
    )
    .await
    .unwrap();
    assert_eq!(
        pending.prompt.verification_uri,
        format!(
            "{}/devicelogin?s={}",
            flow.h.sandbox.urls().entra,
            flow.h.sandbox.secret()
        )
    );
    assert_eq!(pending.prompt.user_code.len(), 9, "{:?}", pending.prompt);
    let (control, code) = (flow.h.control.clone(), pending.prompt.user_code.clone());
    let pause = ApproveThenHurry {
        inner: AdvancingPause::new(flow.h.control.clone()),
        approve: Mutex::new(Some(Box::new(move || {
            control
                .approve_device_code(&code, defaults::VAULT_ADMIN)
                .unwrap();
        }))),
    };
    let session = devicecode::wait(&flow.transport, &clock, &pause, &pending)
        .await
        .unwrap();
    let waits = pause.inner.waits.lock().unwrap().clone();
    assert_eq!(
        waits,
        [Duration::from_secs(5), Duration::from_secs(10)],
        "pending → wait the interval; slow_down → wait 5 s longer (RFC 8628 §3.5)"
    );
    let summary = session.summary();
    assert_eq!(summary.account.as_deref(), Some(defaults::VAULT_ADMIN));
    assert_eq!(
        (summary.tenant.as_str(), summary.method),
        (defaults::TENANT_ID, SignInMethod::DeviceCode)
    );
    assert_eq!(
        flow.probe(&session).await.checks[0].result,
        CheckResult::Ok,
        "the token works at the vault"
    );
}

#[tokio::test]
async fn a_declined_sign_in_an_expired_code_and_a_cancel_each_end_the_wait_with_their_own_error() {
    let flow = Flow::start().await;
    let clock = flow.clock();
    let start = || {
        devicecode::start(
            &flow.transport,
            &clock,
            &flow.challenge,
            AZURE_CLI_CLIENT_ID,
        )
    };

    let declined = start().await.unwrap();
    flow.h
        .control
        .deny_device_code(&declined.prompt.user_code)
        .unwrap();
    let pause = AdvancingPause::new(flow.h.control.clone());
    let error = devicecode::wait(&flow.transport, &clock, &pause, &declined)
        .await
        .unwrap_err();
    assert_eq!(error, SignInError::Declined);
    let app = AppError::from(error);
    assert!(
        app.hint.unwrap_or_default().contains("approve"),
        "says what to do"
    );

    // The app's clock stands still, so it is Entra that says expired_token.
    let expiring = start().await.unwrap();
    let app_clock = FixedClock(clock.now());
    advance(&flow.h.control, Duration::from_secs(901));
    let error = devicecode::wait(&flow.transport, &app_clock, &pause, &expiring)
        .await
        .unwrap_err();
    assert_eq!(error, SignInError::Expired, "a code lives 900 s");

    struct Cancelled;
    impl Pause for Cancelled {
        fn pause(&self, _: Duration) -> BoxFuture<'_, Resume> {
            Box::pin(async { Resume::Cancelled })
        }
    }
    let waiting = start().await.unwrap();
    let error = devicecode::wait(&flow.transport, &clock, &Cancelled, &waiting)
        .await
        .unwrap_err();
    assert_eq!(error, SignInError::Cancelled);
}

#[tokio::test]
async fn a_public_client_the_tenant_does_not_know_is_refused_with_what_to_use_instead() {
    let flow = Flow::start().await;
    let error = devicecode::start(
        &flow.transport,
        &flow.clock(),
        &flow.challenge,
        "not-a-known-client",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, SignInError::Refused { error, .. } if error == "unauthorized_client"),
        "{error:?}"
    );
    let app = AppError::from(error);
    assert_eq!(app.kind, ErrorKind::Server);
    assert!(app.hint.unwrap_or_default().contains("public client id"));
}

/// `az` faked: it records its arguments and answers with a given JSON, like the real one.
struct FakeAz {
    answer: String,
    args: Mutex<Vec<String>>,
}

impl CommandRunner for FakeAz {
    fn run(&self, program: &str, args: &[String]) -> std::io::Result<CommandOutput> {
        *self.args.lock().unwrap() = [&[program.to_string()], args].concat();
        Ok(CommandOutput::new(
            true,
            self.answer.clone().into_bytes(),
            String::new(),
        ))
    }
}

#[tokio::test]
async fn the_azure_cli_path_asks_az_for_a_vault_token_in_the_vaults_tenant_and_that_token_works() {
    let flow = Flow::start().await;
    // The sandbox's own token stands in for one that `az login` obtained.
    let real = flow.sign_in(defaults::VAULT_ADMIN).await;
    let answer = serde_json::json!({
        "accessToken": real.token.expose_secret(),
        "expires_on": real.expires_at.unix_timestamp(),
        "tenant": defaults::TENANT_ID,
        "tokenType": "Bearer",
    });
    let az = FakeAz {
        answer: answer.to_string(),
        args: Mutex::default(),
    };
    let session = azcli::sign_in(&az, &flow.clock(), Some(&flow.challenge.tenant)).unwrap();
    assert_eq!(
        az.args.lock().unwrap().join(" "),
        format!(
            "az account get-access-token --scope https://vault.azure.net/.default -o json --tenant {}",
            defaults::TENANT_ID
        )
    );
    assert_eq!(session.method, SignInMethod::AzureCli);
    assert_eq!(session.account.as_deref(), Some(defaults::VAULT_ADMIN));
    assert_eq!(flow.probe(&session).await.checks[0].result, CheckResult::Ok);
    assert!(
        !format!("{session:?}").contains(real.token.expose_secret()),
        "the session prints redacted"
    );
}
