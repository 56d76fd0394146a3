//! The system-user route: which profiles get it, its steps, and what proves each of them.

use time::macros::datetime;

use super::system_proofs;
use super::*;
use crate::appconfig::appb_system::AppBSystemUserReport;
use crate::history::HistoryAction;
use crate::systemuser::request::SystemUserRequest;

const NOW: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

fn vendor() -> Profile {
    Profile {
        name: "Vendor".into(),
        client_id: Some("c-1".into()),
        scopes: vec![
            "altinn:authentication/systemregister.write".into(),
            "altinn:instances.read".into(),
        ],
        ..Profile::default()
    }
}

fn ids(list: &Checklist) -> Vec<StepId> {
    list.steps.iter().map(|s| s.id).collect()
}

fn state(list: &Checklist, id: StepId) -> StepState {
    list.step(id).expect("on the route").state
}

fn request(status: &str) -> SystemUserRequest {
    SystemUserRequest {
        id: "r-1".into(),
        external_ref: Some("ref-1".into()),
        system_id: "312345676_maskinporten-assistant".into(),
        party_org_no: "310987654".into(),
        rights: Vec::new(),
        status: status.into(),
        confirm_url: None,
    }
}

/// A token-test line as `proofs::token_test` writes it, with or without a system user.
fn token_line(system_user: bool) -> HistoryEntry {
    let user = if system_user {
        serde_json::json!({ "org": "310987654" })
    } else {
        serde_json::Value::Null
    };
    HistoryEntry::new(NOW, "Vendor", HistoryAction::TokenTest, true, "token")
        .for_step(StepId::Token, StepState::Verified)
        .with_detail(serde_json::json!({ "maskinporten": { "systemUser": user } }))
}

#[test]
fn a_profile_without_app_a_whose_client_may_write_the_register_is_a_vendors() {
    let list = build(&vendor(), None, &[], NOW);
    assert_eq!(list.route, Route::SystemUser);
    assert_eq!(ids(&list), SYSTEM_USER_STEPS);
    assert!(list.route_reason.en.contains("system register"));
    assert_eq!(
        list.next,
        Some(StepId::Key),
        "the client id is there, the key is not"
    );

    let with_app_a = Profile {
        app_a: Some("ttd/app-a".into()),
        ..vendor()
    };
    assert_eq!(build(&with_app_a, None, &[], NOW).route, Route::MultiApp);
    let no_scope = Profile {
        scopes: Vec::new(),
        ..vendor()
    };
    assert_eq!(build(&no_scope, None, &[], NOW).route, Route::MultiApp);
}

#[test]
fn a_profile_that_walked_the_multi_app_steps_stays_there_when_its_client_gets_the_scope() {
    let path = HistoryEntry::new(NOW, "Vendor", HistoryAction::ConfigCheck, true, "path")
        .for_step(StepId::Path, StepState::Verified);
    let list = build(&vendor(), None, &[path], NOW);
    assert_eq!(list.route, Route::MultiApp);
    // The shared steps (client, key, token…) say nothing about the route.
    let shared = HistoryEntry::new(NOW, "Vendor", HistoryAction::TokenTest, true, "token")
        .for_step(StepId::Client, StepState::Verified);
    assert_eq!(
        build(&vendor(), None, &[shared], NOW).route,
        Route::SystemUser
    );
}

#[test]
fn the_persons_choice_of_route_wins_both_ways_and_the_last_one_counts() {
    let chose = |route| route_line(NOW, &vendor(), route);
    let list = build(&vendor(), None, &[chose(Route::MultiApp)], NOW);
    assert_eq!((list.route, ids(&list).len()), (Route::MultiApp, 10));
    assert_eq!(list.route_reason.en, "Chosen by you.");
    let list = build(
        &vendor(),
        None,
        &[chose(Route::MultiApp), chose(Route::SystemUser)],
        NOW,
    );
    assert_eq!(list.route, Route::SystemUser);
    let other = route_line(
        NOW,
        &Profile {
            name: "Other".into(),
            ..vendor()
        },
        Route::MultiApp,
    );
    assert_eq!(
        build(&vendor(), None, &[other], NOW).route,
        Route::SystemUser
    );
}

#[test]
fn on_this_route_only_the_system_users_token_proves_the_token_step() {
    let plain = build(&vendor(), None, &[token_line(false)], NOW);
    assert_eq!(state(&plain, StepId::Token), StepState::Todo);
    let proven = build(&vendor(), None, &[token_line(false), token_line(true)], NOW);
    assert_eq!(state(&proven, StepId::Token), StepState::Verified);
    // On the multi-app route any token of the profile's counts, as before.
    let multi = Profile {
        scopes: Vec::new(),
        ..vendor()
    };
    let list = build(&multi, None, &[token_line(false)], NOW);
    assert_eq!(state(&list, StepId::Token), StepState::Verified);
}

#[test]
fn the_register_is_to_do_until_it_has_everything_then_verified() {
    let changes = [crate::diagnosis::l(
        "create the system x",
        "opprette systemet x",
    )];
    let read = system_proofs::system_register(NOW, "Vendor", "x", &changes, false);
    let list = build(&vendor(), None, std::slice::from_ref(&read), NOW);
    assert_eq!(state(&list, StepId::SystemRegister), StepState::Todo);
    assert!(
        list.step(StepId::SystemRegister)
            .and_then(|s| s.outcome.as_ref())
            .is_some_and(|o| o.en.contains("create the system x") && o.nb.contains("opprette"))
    );
    let written = system_proofs::system_register(NOW, "Vendor", "x", &changes, true);
    let list = build(&vendor(), None, &[read, written], NOW);
    assert_eq!(state(&list, StepId::SystemRegister), StepState::Verified);
    let without_client = Profile {
        client_id: None,
        ..vendor()
    };
    let list = build(&without_client, None, &[], NOW);
    assert!(list.step(StepId::SystemRegister).unwrap().note.is_some());
}

#[test]
fn the_approval_follows_the_requests_status_and_keeps_customer_and_reference() {
    let at = |status: &str| {
        let line = system_proofs::system_user_request(NOW, "Vendor", &request(status));
        let list = build(&vendor(), None, &[line], NOW);
        list.step(StepId::SystemUserApproval).unwrap().clone()
    };
    assert_eq!(at("New").state, StepState::Todo);
    assert_eq!(at("Rejected").state, StepState::Failed);
    assert_eq!(at("timedout").state, StepState::Failed);
    let approved = at("Accepted");
    assert_eq!(approved.state, StepState::Verified);
    let detail = approved.detail.expect("detail");
    assert_eq!(
        (detail["customer"].as_str(), detail["externalRef"].as_str()),
        (Some("310987654"), Some("ref-1"))
    );
}

#[test]
fn app_b_is_ready_without_errors_and_failed_with_the_first_error_named() {
    let ready = AppBSystemUserReport {
        version: Some("8.6.2".into()),
        roles: vec!["dagl".into()],
        findings: Vec::new(),
    };
    let line = system_proofs::app_b_system_users(NOW, "Vendor", "/home/kari/src/app-b", &ready);
    assert_eq!(
        line.detail.as_ref().unwrap()["folder"],
        "app-b",
        "the folder, not the path"
    );
    let list = build(&vendor(), None, &[line], NOW);
    assert_eq!(state(&list, StepId::AppBSystemUsers), StepState::Verified);

    // No policy file and an unknown version are warnings: nothing says it cannot work.
    let unknown = crate::appconfig::appb_system::check(&crate::appconfig::AppBFiles::default());
    let line = system_proofs::app_b_system_users(NOW, "Vendor", "app-b", &unknown);
    let list = build(&vendor(), None, &[line], NOW);
    assert_eq!(state(&list, StepId::AppBSystemUsers), StepState::Verified);

    let old = crate::appconfig::AppBFiles {
        csproj: Some(crate::appconfig::SourceFile::new(
            "App/App.csproj",
            "<Project><ItemGroup><PackageReference Include=\"Altinn.App.Api\" Version=\"8.5.4\" /></ItemGroup></Project>",
        )),
        ..crate::appconfig::AppBFiles::default()
    };
    let line = system_proofs::app_b_system_users(
        NOW,
        "Vendor",
        "app-b",
        &crate::appconfig::appb_system::check(&old),
    );
    let list = build(&vendor(), None, &[line], NOW);
    let step = list.step(StepId::AppBSystemUsers).unwrap();
    assert_eq!(step.state, StepState::Failed);
    assert!(
        step.outcome.as_ref().unwrap().en.contains("8.5.4"),
        "{:?}",
        step.outcome
    );
}

#[test]
fn a_persons_own_mark_settles_app_b_but_not_the_approval() {
    assert!(StepId::AppBSystemUsers.can_be_marked_done());
    assert!(!StepId::SystemUserApproval.can_be_marked_done());
    assert!(!StepId::SystemRegister.can_be_marked_done());
    assert_eq!(
        StepId::parse("system_user_approval"),
        Some(StepId::SystemUserApproval)
    );
}

#[test]
fn the_report_names_the_route_and_its_steps_in_both_languages() {
    let line = system_proofs::system_user_request(NOW, "Vendor", &request("Accepted"));
    let list = build(&vendor(), None, std::slice::from_ref(&line), NOW);
    let en = crate::report::render(
        crate::report::Lang::En,
        &vendor(),
        &list,
        std::slice::from_ref(&line),
        NOW,
    );
    assert!(
        en.contains("system user: the vendor&#39;s system calls app B"),
        "{en}"
    );
    assert!(en.contains("The customer&#39;s approval") && en.contains("310987654 approved"));
    assert!(
        !en.contains("Key Vault write"),
        "no multi-app steps on this route"
    );
    let nb = crate::report::render(crate::report::Lang::Nb, &vendor(), &list, &[line], NOW);
    assert!(nb.contains("Kundens godkjenning") && nb.contains("godkjente systembrukeren"));
}
