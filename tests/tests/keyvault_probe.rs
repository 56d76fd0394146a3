//! Probing the vault without writing (config-keyvault-selfservice.md §3.4), every outcome with
//! its explanation: listing allowed and names absent, no role (ForbiddenByRbac), no valid
//! sign-in (401), a soft-deleted name, throttling (429), a disabled secret, an existing secret
//! shown with its key's kid and thumbprint, and the access-policy and firewall refusals.

use assistant_domain::http::{
    BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError,
};
use assistant_domain::keyvault::api::{Operation, Reason};
use assistant_domain::keyvault::probe::{self, CheckResult, ProbeReport};
use assistant_domain::profile::Environment;
use assistant_sandbox::{Fault, FaultKind, FaultSchedule, Service, defaults};
use assistant_tests::keyvault::API_VERSION;
use assistant_tests::keyvault_flow::Flow;
use serde_json::json;

fn result_of(report: &ProbeReport, operation: Operation, name: Option<&str>) -> CheckResult {
    report
        .checks
        .iter()
        .find(|c| c.operation == operation && c.name.as_deref() == name)
        .map(|c| c.result)
        .unwrap_or_else(|| panic!("no {operation:?} {name:?} check in {report:#?}"))
}

#[tokio::test]
async fn on_a_fresh_vault_the_admin_may_list_both_names_are_absent_and_nothing_is_written() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let report = flow.probe(&session).await;
    let names = &report.names;
    assert_eq!(
        names.client_id,
        "rehearsal--MaskinportenSettingsExternal--ClientId"
    );
    assert_eq!(
        names.key,
        "rehearsal--MaskinportenSettingsExternal--EncodedJwk"
    );
    assert_eq!(result_of(&report, Operation::List, None), CheckResult::Ok);
    for name in names.both() {
        let check = report
            .checks
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
            .unwrap();
        assert_eq!(check.result, CheckResult::Absent);
        assert!(
            check.explanation.en.contains("fine before the first write"),
            "{}",
            check.explanation.en
        );
    }
    assert!(report.ready_to_write && report.role_hint.is_none());
    assert!(report.note.en.starts_with("Nothing was written"));
    let vault_calls: Vec<String> = flow
        .h
        .control
        .request_log()
        .into_iter()
        .filter(|e| e.service == Service::KeyVault)
        .map(|e| e.method)
        .collect();
    assert!(
        vault_calls.iter().all(|m| m == "GET"),
        "a probe only reads: {vault_calls:?}"
    );
}

#[tokio::test]
async fn an_account_without_a_role_is_told_it_is_forbidden_by_rbac_and_who_has_the_role() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_NO_ROLE).await;
    let report = flow.probe(&session).await;
    let list = &report.checks[0];
    assert_eq!(
        (list.result, list.reason),
        (CheckResult::Denied, Some(Reason::ForbiddenByRbac))
    );
    assert!(
        list.explanation.en.contains("no role on this vault"),
        "{}",
        list.explanation.en
    );
    assert!(
        list.raw
            .as_deref()
            .unwrap_or_default()
            .contains("DeniedWithNoValidRBAC"),
        "the vault's own words are kept"
    );
    let hint = report.role_hint.as_ref().expect("a role hint");
    assert!(
        hint.en.contains(defaults::VAULT_ADMIN) && hint.nb.contains("Secrets Officer"),
        "{hint:?}"
    );
    assert!(!report.ready_to_write);
}

#[tokio::test]
async fn an_expired_sign_in_gets_401_and_the_names_are_not_probed_with_it() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.h
        .control
        .skew_clock(Service::KeyVault, time::Duration::hours(2));
    let report = flow.probe(&session).await;
    assert_eq!(report.checks.len(), 1, "{report:#?}");
    assert_eq!(report.checks[0].reason, Some(Reason::Unauthorized));
    assert!(
        report.checks[0]
            .fix
            .as_ref()
            .unwrap()
            .en
            .contains("Sign in again")
    );
}

#[tokio::test]
async fn a_soft_deleted_name_is_found_in_the_deleted_list_with_when_it_was_deleted() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let (names, _) = flow.names();
    let raw = flow.raw(&session);
    raw.put(
        &format!("/secrets/{}?{API_VERSION}", names.client_id),
        json!({"value": "old-client"}),
    )
    .await;
    raw.delete(&format!("/secrets/{}?{API_VERSION}", names.client_id))
        .await;
    let report = flow.probe(&session).await;
    let check = report
        .checks
        .iter()
        .find(|c| c.result == CheckResult::SoftDeleted)
        .expect("soft-deleted");
    assert_eq!(check.name.as_deref(), Some(names.client_id.as_str()));
    assert!(
        check.explanation.en.contains("deleted but recoverable"),
        "{}",
        check.explanation.en
    );
    assert!(check.fix.as_ref().unwrap().en.contains("Recover it"));
    let existing = check.existing.as_ref().expect("what is deleted");
    assert!(
        existing.deleted.is_some() && existing.scheduled_purge.is_some(),
        "{existing:?}"
    );
    assert!(
        !report.ready_to_write,
        "a soft-deleted name needs a decision first"
    );
}

#[tokio::test]
async fn throttling_is_explained_with_the_wait_the_vault_asks_for() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.h.control.inject_fault(Fault {
        service: Service::KeyVault,
        path_prefix: Some("/secrets".into()),
        kind: FaultKind::TooManyRequests {
            retry_after_secs: 7,
        },
        schedule: FaultSchedule::Next(1),
    });
    let report = flow.probe(&session).await;
    let list = &report.checks[0];
    assert_eq!(
        (list.result, list.status),
        (CheckResult::Throttled, Some(429))
    );
    assert!(
        list.explanation.en.contains("wait 7 s"),
        "{}",
        list.explanation.en
    );
    assert!(!report.ready_to_write);
}

#[tokio::test]
async fn an_existing_secret_is_shown_with_its_keys_kid_thumbprint_tags_and_dates() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.write(&session, false, None).await.unwrap();
    let report = flow.probe(&session).await;
    let (names, _) = flow.names();
    let key = report
        .checks
        .iter()
        .find(|c| c.name.as_deref() == Some(names.key.as_str()))
        .unwrap();
    assert_eq!(key.result, CheckResult::Ok);
    let info = key.existing.as_ref().expect("shown");
    let stored = info.stored_key.as_ref().expect("decoded in memory");
    assert_eq!(stored.kid.as_deref(), Some(flow.key.kid.as_str()));
    assert_eq!(
        stored.thumbprint.as_deref(),
        Some(flow.key.thumbprint.as_str())
    );
    assert_eq!(info.tags.get("kid"), Some(&flow.key.kid));
    assert!(info.created.is_some() && info.updated.is_some());
    assert!(
        report.ready_to_write,
        "an existing secret gets a new version, after confirmation"
    );
}

#[tokio::test]
async fn a_disabled_secret_is_reported_as_one_the_app_will_not_load() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let (names, _) = flow.names();
    let body = json!({"value": "x", "attributes": {"enabled": false}});
    flow.raw(&session)
        .put(&format!("/secrets/{}?{API_VERSION}", names.key), body)
        .await;
    let report = flow.probe(&session).await;
    let key = report
        .checks
        .iter()
        .find(|c| c.name.as_deref() == Some(names.key.as_str()))
        .unwrap();
    assert_eq!(key.reason, Some(Reason::SecretDisabled));
    assert!(
        key.explanation
            .en
            .contains("the app loads only enabled secrets"),
        "{}",
        key.explanation.en
    );
}

/// The sandbox emulates an RBAC vault; access-policy vaults and firewalls answer in other words
/// (§3.4). This transport lets the real sign-in through and answers the vault's calls as such a
/// vault does, so the same parser and explanations run on those bodies.
struct AnswersAs {
    inner: ReqwestTransport,
    vault: String,
    body: serde_json::Value,
}

impl Transport for AnswersAs {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        if request.url.as_str().starts_with(&self.vault) {
            let body = self.body.to_string().into_bytes();
            return Box::pin(async move {
                Ok(HttpResponse {
                    status: 403,
                    headers: vec![],
                    body,
                })
            });
        }
        self.inner.send(request)
    }
}

#[tokio::test]
async fn access_policy_and_firewall_refusals_as_azure_words_them_are_told_apart_and_explained() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let (names, warnings) = flow.names();
    let refusal = |inner: &str, message: &str| json!({"error": {"code": "Forbidden", "message": message, "innererror": {"code": inner}}});
    let cases = [
        (
            refusal(
                "ForbiddenByPolicy",
                "The user, group or application 'appid=04b07795-8ddb-461a-bbee-02f9e1bf7b46;oid=a11ce000' does not have secrets list permission on key vault 'acme-kv;location=norwayeast'.",
            ),
            Reason::ForbiddenByPolicy,
            "access policies",
        ),
        (
            refusal(
                "AccessDenied",
                "Access denied. Caller does not have secrets list permission on key vault 'acme-kv'.",
            ),
            Reason::AccessDenied,
            "access policies",
        ),
        (
            refusal(
                "ForbiddenByFirewall",
                "Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7",
            ),
            Reason::ForbiddenByFirewall,
            "firewall",
        ),
    ];
    for (body, reason, words) in cases {
        let transport = AnswersAs {
            inner: ReqwestTransport::new(None).unwrap(),
            vault: flow.h.sandbox.urls().key_vault.clone(),
            body,
        };
        let report = probe::probe(
            &transport,
            &flow.vault,
            &session.token,
            &names,
            warnings.clone(),
            &Environment::Test,
        )
        .await;
        let list = &report.checks[0];
        assert_eq!(
            (list.result, list.reason),
            (CheckResult::Denied, Some(reason))
        );
        assert!(
            list.explanation.en.contains(words),
            "{reason:?}: {}",
            list.explanation.en
        );
        if reason == Reason::ForbiddenByFirewall {
            assert!(list.explanation.en.contains("Your role is not the problem"));
        } else {
            let hint = report.role_hint.as_ref().unwrap();
            assert!(
                hint.en.contains("Test Operations") && hint.en.contains("Samarbeidsportalen"),
                "{}",
                hint.en
            );
        }
    }
}
