//! Writing the client id and the key to the sandbox vault (config-keyvault-selfservice.md §3.1,
//! §3.4, §5): a first write with content type and tags, the value as the app decodes it, an
//! overwrite refused without confirmation and done with it, a soft-deleted name recovered or
//! purged only with confirmation, and a refused write explained.

use assistant_domain::ErrorKind;
use assistant_domain::keys::index;
use assistant_domain::keyvault::DeletedAction;
use assistant_domain::keyvault::api::Reason;
use assistant_domain::keyvault::explain;
use assistant_domain::keyvault::write::{KEY_CONTENT_TYPE, Plan, WriteOutcome};
use assistant_domain::profile::Environment;
use assistant_domain::secret_store::SecretStore;
use assistant_sandbox::defaults;
use assistant_tests::keyvault::API_VERSION;
use assistant_tests::keyvault_flow::Flow;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

#[tokio::test]
async fn a_first_write_creates_both_secrets_with_content_type_and_tags_and_reads_them_back() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let report = flow.write(&session, false, None).await.unwrap();
    assert_eq!(report.outcome, WriteOutcome::Written, "{report:#?}");
    assert!(
        report
            .secrets
            .iter()
            .all(|s| s.plan == Plan::Create && s.written_version.is_some())
    );
    let verify = report.verify.as_ref().expect("read back");
    assert!(verify.ok, "{verify:#?}");
    assert!(verify.after.redeploy.en.starts_with("Redeploy the app"));
    assert!(
        verify.after.old_secrets.is_empty(),
        "a fresh vault has no older secrets"
    );

    let (names, _) = flow.names();
    let (_, key) = flow
        .raw(&session)
        .get(&format!("/secrets/{}?{API_VERSION}", names.key))
        .await;
    assert_eq!(key["contentType"], KEY_CONTENT_TYPE);
    assert_eq!(key["tags"]["kid"], flow.key.kid.as_str());
    assert_eq!(key["tags"]["thumbprint"], flow.key.thumbprint.as_str());
    assert_eq!(key["tags"]["created-by"], "maskinporten-assistant/test");
    assert_eq!(key["tags"]["key-expires"], flow.key.expires.as_str());
    let (_, client) = flow
        .raw(&session)
        .get(&format!("/secrets/{}?{API_VERSION}", names.client_id))
        .await;
    assert_eq!(client["value"], defaults::CLIENT_ID);
    assert_eq!(client["contentType"], "text/plain");
}

#[tokio::test]
async fn the_written_value_decodes_as_standard_base64_then_json_to_the_keychain_private_jwk() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.write(&session, false, None).await.unwrap();
    let (names, _) = flow.names();
    let (_, bundle) = flow
        .raw(&session)
        .get(&format!("/secrets/{}?{API_VERSION}", names.key))
        .await;
    let value = bundle["value"].as_str().expect("a value");
    // .NET Convert.FromBase64String: the standard alphabet with padding (§1.2).
    let bytes = STANDARD.decode(value).expect("standard base64");
    assert_eq!(value.len() % 4, 0, "padded");
    let stored: Value = serde_json::from_slice(&bytes).expect("JSON");
    let keychain: Value = serde_json::from_str(
        &flow
            .store
            .get(&index::account(&flow.key.kid))
            .unwrap()
            .expect("in the keychain"),
    )
    .unwrap();
    for field in [
        "kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "kid", "alg", "use",
    ] {
        assert!(
            stored[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field} present (app-lib needs all, §2.1)"
        );
        assert_eq!(
            stored[field], keychain[field],
            "{field} equals the keychain key's"
        );
    }
    assert_eq!(
        (
            stored["kid"].as_str(),
            stored["alg"].as_str(),
            stored["use"].as_str()
        ),
        (Some(flow.key.kid.as_str()), Some("RS256"), Some("sig"))
    );
}

#[tokio::test]
async fn an_overwrite_is_refused_without_confirmation_showing_what_is_there_and_done_with_it() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.write(&session, false, None).await.unwrap();
    let first = flow.key.clone();
    let second = flow.new_key();

    let refused = flow.write(&session, false, None).await.unwrap();
    assert_eq!(refused.outcome, WriteOutcome::ConfirmationRequired);
    assert!(refused.verify.is_none());
    let key = &refused.secrets[1];
    assert_eq!(key.plan, Plan::NewVersion);
    let before = key.before.as_ref().unwrap().stored_key.as_ref().unwrap();
    assert_eq!(
        before.thumbprint.as_deref(),
        Some(first.thumbprint.as_str()),
        "shows the stored key"
    );
    assert_eq!(
        refused.secrets[0].plan,
        Plan::Unchanged,
        "the client id did not change"
    );
    assert!(
        refused.message.en.contains(&first.kid)
            && refused.message.en.starts_with("Nothing was written")
    );
    let (names, _) = flow.names();
    let versions = format!("/secrets/{}/versions?{API_VERSION}", names.key);
    let (_, listed) = flow.raw(&session).get(&versions).await;
    assert_eq!(
        listed["value"].as_array().unwrap().len(),
        1,
        "nothing was written"
    );

    let confirmed = flow.write(&session, true, None).await.unwrap();
    assert_eq!(confirmed.outcome, WriteOutcome::Written);
    assert!(confirmed.verify.as_ref().unwrap().ok);
    assert_eq!(confirmed.verify.as_ref().unwrap().kid, second.kid);
    let (_, listed) = flow.raw(&session).get(&versions).await;
    assert_eq!(
        listed["value"].as_array().unwrap().len(),
        2,
        "a new version; the old one stays"
    );

    let again = flow.write(&session, false, None).await.unwrap();
    assert_eq!(
        again.outcome,
        WriteOutcome::Unchanged,
        "the same values need no new version"
    );
}

#[tokio::test]
async fn a_soft_deleted_name_needs_a_choice_and_a_confirmation_then_recover_brings_it_back() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.write(&session, false, None).await.unwrap();
    let (names, _) = flow.names();
    flow.raw(&session)
        .delete(&format!("/secrets/{}?{API_VERSION}", names.key))
        .await;

    let undecided = flow.write(&session, true, None).await.unwrap();
    assert_eq!(undecided.outcome, WriteOutcome::DeletedNeedsDecision);
    assert_eq!(undecided.secrets[1].plan, Plan::Decide);
    assert!(
        undecided.secrets[1]
            .before
            .as_ref()
            .unwrap()
            .deleted
            .is_some(),
        "shows when it was deleted"
    );
    let unconfirmed = flow
        .write(&session, false, Some(DeletedAction::Recover))
        .await
        .unwrap();
    assert_eq!(unconfirmed.outcome, WriteOutcome::ConfirmationRequired);
    let (status, _) = flow
        .raw(&session)
        .get(&format!("/deletedsecrets/{}?{API_VERSION}", names.key))
        .await;
    assert_eq!(
        status, 200,
        "still soft-deleted: nothing happened without confirmation"
    );

    let recovered = flow
        .write(&session, true, Some(DeletedAction::Recover))
        .await
        .unwrap();
    assert_eq!(recovered.outcome, WriteOutcome::Written);
    assert_eq!(recovered.secrets[1].plan, Plan::Recover);
    assert_eq!(
        recovered.secrets[1].written_version, None,
        "it held the same key: no new version needed"
    );
    assert!(recovered.verify.as_ref().unwrap().ok);
}

#[tokio::test]
async fn purge_removes_a_soft_deleted_name_for_good_and_the_secret_is_written_anew() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.write(&session, false, None).await.unwrap();
    flow.new_key();
    let (names, _) = flow.names();
    let raw = flow.raw(&session);
    raw.delete(&format!("/secrets/{}?{API_VERSION}", names.key))
        .await;
    let purged = flow
        .write(&session, true, Some(DeletedAction::Purge))
        .await
        .unwrap();
    assert_eq!(purged.outcome, WriteOutcome::Written);
    assert_eq!(purged.secrets[1].plan, Plan::Purge);
    assert!(purged.verify.as_ref().unwrap().ok, "{purged:#?}");
    let (_, listed) = raw
        .get(&format!("/secrets/{}/versions?{API_VERSION}", names.key))
        .await;
    assert_eq!(
        listed["value"].as_array().unwrap().len(),
        1,
        "the old versions went with the purge"
    );
}

#[tokio::test]
async fn a_write_without_a_role_is_refused_with_the_role_to_ask_for() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_NO_ROLE).await;
    let error = flow.write(&session, false, None).await.unwrap_err();
    assert_eq!(error.reason(), Some(Reason::ForbiddenByRbac));
    let app = explain::to_app_error(&error, &Environment::Prod);
    assert_eq!(app.kind, ErrorKind::Server);
    assert!(app.hint.unwrap_or_default().contains("Prod Operations"));
}

#[tokio::test]
async fn the_first_private_key_write_to_a_vault_new_to_this_machine_waits_for_a_confirmation_naming_the_host()
 {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let before = flow.h.control.request_log().len();
    let asked = flow.write_to(&session, false, true, None).await.unwrap();
    assert_eq!(asked.outcome, WriteOutcome::NewVaultConfirmationRequired);
    let host = flow.vault.host_str().expect("host").to_string();
    assert!(asked.message.en.contains(&host), "{}", asked.message.en);
    assert!(asked.message.nb.contains(&host), "{}", asked.message.nb);
    assert!(
        asked.secrets.iter().all(|s| s.written_version.is_none()),
        "nothing written"
    );
    let writes = flow.h.control.request_log()[before..]
        .iter()
        .filter(|e| e.method == "PUT")
        .count();
    assert_eq!(writes, 0, "not one PUT before the person confirms");

    let written = flow.write_to(&session, true, true, None).await.unwrap();
    assert_eq!(written.outcome, WriteOutcome::Written);
    assert!(written.verify.as_ref().is_some_and(|v| v.ok));
}
