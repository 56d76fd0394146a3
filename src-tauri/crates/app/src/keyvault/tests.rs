//! The window's sign-in against the in-process sandbox: a device code approved on the sandbox,
//! a waiting sign-in cancelled, and a probe with the kept session. No keychain is touched.

use std::sync::Arc;

use assistant_domain::clock::SystemClock;
use assistant_domain::datadir::DataDir;
use assistant_domain::inventory::{self, SaveProfileRequest};
use assistant_domain::keyvault::{StartVaultLoginRequest, VaultRequest};
use assistant_domain::profile::Profile;
use assistant_domain::secret_store::MemoryStore;
use assistant_sandbox::{Service, defaults};

use super::*;

fn state_with_profile(dir: &std::path::Path) -> AppState {
    let state = AppState::with(
        DataDir::new(dir),
        Arc::new(MemoryStore::default()),
        Arc::new(SystemClock),
    );
    let profile = Profile {
        name: "Window".into(),
        secret_prefix: Some("window".into()),
        ..Profile::default()
    };
    inventory::save_profile(
        &state.dir,
        &SaveProfileRequest {
            profile,
            original_name: None,
        },
    )
    .unwrap();
    state
}

fn start_request() -> StartVaultLoginRequest {
    StartVaultLoginRequest {
        profile: "Window".into(),
        method: None,
        client_id: None,
    }
}

async fn device_code(state: &AppState) -> DeviceCodePrompt {
    match start_login_for(state, start_request()).await.unwrap() {
        VaultLoginStart::DeviceCode { prompt } => prompt,
        other => panic!("the sandbox signs in with a device code, got {other:?}"),
    }
}

#[tokio::test]
async fn a_waiting_sign_in_is_cancelled_and_an_approved_one_keeps_a_session_the_window_never_sees()
{
    let tmp = tempfile::tempdir().unwrap();
    let state = state_with_profile(tmp.path());

    device_code(&state).await;
    let waiting = tokio::spawn({
        let state = state.clone();
        async move { poll_login(&state).await }
    });
    let control = state
        .sandbox
        .control()
        .await
        .expect("the in-process sandbox runs");
    // Cancel once the poll is really waiting: after its first answer (authorization_pending).
    let polled = || {
        control
            .request_log()
            .iter()
            .any(|e| e.service == Service::Entra && e.path.ends_with("/oauth2/v2.0/token"))
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while !polled() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the poll reached Entra");
    cancel_login(&state);
    let cancelled = waiting.await.unwrap().unwrap_err();
    assert!(
        cancelled.message.contains("cancelled"),
        "{}",
        cancelled.message
    );

    let prompt = device_code(&state).await;
    assert!(prompt.verification_uri.contains("/devicelogin?s="));
    control
        .approve_device_code(&prompt.user_code, defaults::VAULT_ADMIN)
        .unwrap();
    let summary = poll_login(&state).await.unwrap();
    assert_eq!(summary.account.as_deref(), Some(defaults::VAULT_ADMIN));
    let shown = serde_json::to_string(&summary).unwrap();
    assert!(
        !shown.contains("eyJ"),
        "the window gets a summary, never the token: {shown}"
    );

    let request = VaultRequest {
        profile: "Window".into(),
        key_field: None,
    };
    let report = probe(&state, request).await.unwrap();
    assert!(report.ready_to_write, "{report:#?}");
    assert_eq!(
        report.names.key,
        "window--MaskinportenSettingsExternal--EncodedJwk"
    );
    state.sandbox.shutdown().await;
}
