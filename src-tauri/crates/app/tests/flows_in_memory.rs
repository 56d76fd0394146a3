//! The flows the window and the CLI share, run as a library with an in-memory secret store
//! (`AppState::with`): no keychain, no binary, no window. The rehearsal a first run offers, the
//! whole chain, an instance of app B and the made-here verdict, cleanup of what was made here,
//! a bulk run from a CSV, and the system-user path from the vendor's system to an instance made
//! as a customer's system user, on the built-in sandbox, started in this process.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assistant_app::instances::bulk::{self, BulkAction, BulkJobs, StartBulkRequest};
use assistant_app::{AppState, checklist, flows, instances, rehearsal, systemuser};
use assistant_domain::ErrorKind;
use assistant_domain::altinn::bulk::{BulkProgress, created_ids_from_results};
use assistant_domain::altinn::instance::{Create, InstanceRef};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::chain::ChainOptions;
use assistant_domain::checklist::Route;
use assistant_domain::clock::SystemClock;
use assistant_domain::datadir::DataDir;
use assistant_domain::history::HistoryAction;
use assistant_domain::inventory;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::secret_store::MemoryStore;
use assistant_domain::steps::{StepId, StepState};
use assistant_domain::systemuser::request::Status;
use assistant_sandbox::defaults;

#[tokio::test(flavor = "multi_thread")]
async fn a_rehearsal_proves_the_chain_and_makes_an_instance_with_the_key_in_memory() {
    let data = tempfile::tempdir().expect("data dir");
    let store = Arc::new(MemoryStore::default());
    let state = AppState::with(
        DataDir::new(data.path()),
        store.clone(),
        Arc::new(SystemClock),
    );

    let first = rehearsal::start(&state).await.expect("rehearsal");
    assert_eq!(first.profile.name.as_str(), "Rehearsal");
    assert_eq!(first.profile.key_id.as_deref(), Some(first.kid.as_str()));
    assert_eq!(first.client_id, defaults::CLIENT_ID);
    assert!(!store.is_empty(), "the private key went to the store given");
    let list = checklist::get(&state, "Rehearsal").expect("checklist");
    assert!(
        matches!(
            list.step(StepId::Client).expect("on the route").state,
            StepState::Done | StepState::Verified
        ) && list.step(StepId::Key).expect("on the route").state == StepState::Done,
        "the rehearsal settles the client and the key: {:?}",
        list.steps
    );

    let flows::TokenRun { report, tokens } = flows::token_test(
        &state,
        "rehearsal",
        ChainOptions {
            exchange: true,
            ..ChainOptions::default()
        },
    )
    .await
    .expect("the chain runs");
    assert!(report.diagnosis.is_none(), "{:?}", report.diagnosis);
    assert!(tokens.is_some_and(|t| t.altinn.is_some()), "exchanged");
    let list = checklist::get(&state, "Rehearsal").expect("checklist");
    assert_eq!(
        list.step(StepId::Exchange).expect("on the route").state,
        StepState::Verified
    );

    let owner = InstanceOwner::parse(defaults::ORG_NUMBER).expect("owner");
    let made = instances::instantiate(&state, "Rehearsal", &owner, &Create::Template)
        .await
        .expect("an instance of app B");
    let listed = instances::made_here(&state, "REHEARSAL").expect("made here");
    assert_eq!(listed.deletable, std::slice::from_ref(&made.instance.id));

    // A second rehearsal gets a name of its own and leaves the first one as it was.
    let second = rehearsal::start(&state).await.expect("second rehearsal");
    assert_eq!(second.profile.name.as_str(), "Rehearsal 2");
    assert_ne!(second.kid, first.kid);
    let profiles = assistant_domain::inventory::list_profiles(&state.dir).expect("profiles");
    let again = assistant_domain::profile::find(&profiles, "Rehearsal").expect("first");
    assert_eq!(again.key_id.as_deref(), Some(first.kid.as_str()));

    // Nothing secret reached the data folder.
    let written = assistant_tests::cli::all_text_under(data.path());
    assert!(
        !written.contains("\"d\":"),
        "no private JWK member in a file"
    );
    assert!(!assistant_tests::holds_jwt(&written), "no token in a file");
    state.sandbox.shutdown().await;
}

/// A data folder, an in-memory secret store and the state every flow gets.
fn in_memory() -> (tempfile::TempDir, Arc<MemoryStore>, AppState) {
    let data = tempfile::tempdir().expect("data dir");
    let store = Arc::new(MemoryStore::default());
    let state = AppState::with(
        DataDir::new(data.path()),
        store.clone(),
        Arc::new(SystemClock),
    );
    (data, store, state)
}

/// No private JWK member and no token in any file under `root`.
fn assert_nothing_secret(root: &Path) {
    let written = assistant_tests::cli::all_text_under(root);
    assert!(!written.is_empty(), "the flows wrote something to look at");
    assert!(
        !written.contains("\"d\":"),
        "no private JWK member in a file"
    );
    assert!(!assistant_tests::holds_jwt(&written), "no token in a file");
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_asks_first_and_with_consent_removes_every_instance_made_here() {
    let (data, _store, state) = in_memory();
    let rehearsal = rehearsal::start(&state).await.expect("rehearsal");
    let profile = rehearsal.profile.name.to_string();
    // The built-in app B keeps the template's policy, under which its owner may not delete; this
    // sandbox, in this process, has one that allows it, announced in the data folder as
    // `sandbox serve` does, so every flow below goes to it.
    let apps = tempfile::tempdir().expect("tmp");
    let sandbox = assistant_app::sandbox::start_with_app(
        &state.dir,
        Some(&rehearsal.profile),
        Some(&assistant_tests::apps::deletable_app_b(apps.path())),
    )
    .await
    .expect("sandbox with a deletable app B");
    assistant_app::sandbox::announce_running(&state.dir, &sandbox).expect("announced");

    let owner = InstanceOwner::parse(defaults::ORG_NUMBER).expect("owner");
    let mut made = Vec::new();
    for _ in 0..2 {
        let instance = instances::instantiate(&state, &profile, &owner, &Create::Template)
            .await
            .expect("an instance of app B");
        made.push(instance.instance.id);
    }
    let made = sorted(made);
    assert_ne!(made[0], made[1]);
    assert_eq!(
        sorted(
            instances::made_here(&state, &profile)
                .expect("made here")
                .deletable
        ),
        made
    );

    let refused = instances::deletion_targets(&state, &profile, &[], true, false)
        .expect_err("no delete without consent");
    assert_eq!(refused.kind, ErrorKind::ConfirmationRequired);
    assert!(refused.message.contains("2 instance(s)"), "{refused:?}");
    assert_eq!(
        sorted(
            instances::made_here(&state, &profile)
                .expect("made here")
                .deletable
        ),
        made,
        "nothing was deleted"
    );
    for id in &made {
        let id = InstanceRef::parse(id).expect("id");
        instances::show(&state, &profile, &id)
            .await
            .expect("still in app B");
    }

    let targets = instances::deletion_targets(&state, &profile, &[], true, true)
        .expect("with consent, all made here");
    assert_eq!(sorted(targets.iter().map(InstanceRef::id).collect()), made);
    let outcomes = instances::delete(&state, &profile, &targets)
        .await
        .expect("delete");
    assert_eq!(outcomes.len(), 2);
    assert!(
        outcomes
            .iter()
            .all(|o| o.deleted && o.hard && o.error.is_none()),
        "both gone for good: {outcomes:?}"
    );
    assert!(
        instances::made_here(&state, &profile)
            .expect("made here")
            .deletable
            .is_empty(),
        "nothing left to clean up"
    );
    let gone = instances::show(&state, &profile, &InstanceRef::parse(&made[0]).expect("id"))
        .await
        .expect_err("deleted");
    assert_eq!(gone.kind, ErrorKind::NotFound);
    let deleted: Vec<String> = checklist::activity(&state, &profile)
        .expect("activity")
        .into_iter()
        .filter(|e| e.action == HistoryAction::Delete && e.succeeded)
        .filter_map(|e| e.instance_id)
        .collect();
    assert_eq!(sorted(deleted), made, "a history line for each delete");

    assistant_app::sandbox::withdraw_running(&state.dir);
    sandbox.shutdown().await;
    state.sandbox.shutdown().await;
    assert_nothing_secret(data.path());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_run_makes_one_instance_per_csv_row_and_each_shows_as_made_here() {
    let (data, _store, state) = in_memory();
    let rehearsal = rehearsal::start(&state).await.expect("rehearsal");
    let profile = rehearsal.profile.name.to_string();
    let work = tempfile::tempdir().expect("tmp");
    let csv = work.path().join("owners.csv");
    let row = |name: &str| {
        format!(
            "{},{},{name}\n",
            defaults::ORG_NUMBER,
            defaults::ORG_PARTY_ID
        )
    };
    std::fs::write(
        &csv,
        format!(
            "owner,partyId,navn\n{}{}{}",
            row("En"),
            row("To"),
            row("Tre")
        ),
    )
    .expect("csv");

    let seen: Mutex<Vec<(usize, usize, usize)>> = Mutex::default();
    let progress = |p: BulkProgress| {
        seen.lock()
            .expect("progress")
            .push((p.total, p.done, p.created));
    };
    let jobs = BulkJobs::default();
    let summary = bulk::bulk_in_window(
        &state,
        &jobs,
        StartBulkRequest {
            profile: profile.clone(),
            csv_path: csv.display().to_string(),
            concurrency: Some(2),
            results_path: None,
        },
        &progress,
    )
    .await
    .expect("bulk run");
    assert_eq!(
        (
            summary.total,
            summary.created,
            summary.failed,
            summary.unknown
        ),
        (3, 3, 0, 0),
        "{summary:?}"
    );
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    assert_eq!(
        seen.lock().expect("progress").last(),
        Some(&(3, 3, 3)),
        "the progress ends at every row done"
    );
    assert_eq!(
        bulk::steer(&jobs, BulkAction::Pause)
            .expect_err("the run ended")
            .kind,
        ErrorKind::NotFound
    );

    let results_path = work.path().join("owners.results.csv");
    assert_eq!(PathBuf::from(&summary.results_file), results_path);
    let results = std::fs::read_to_string(&results_path).expect("results file");
    assert_eq!(
        results.lines().count(),
        1 + 3,
        "a header and one line per row: {results}"
    );
    let created = sorted(created_ids_from_results(&results).expect("instance ids"));
    assert_eq!(created.len(), 3, "{results}");
    assert!(
        created.windows(2).all(|w| w[0] != w[1]),
        "every row its own instance: {created:?}"
    );
    let here = instances::made_here(&state, &profile).expect("made here");
    assert_eq!(sorted(here.deletable), created);
    assert!(
        here.rows
            .iter()
            .all(|r| r.entry.action == HistoryAction::Bulk && !r.deleted),
        "{:?}",
        here.rows
    );

    state.sandbox.shutdown().await;
    assert_nothing_secret(data.path());
    assert!(!assistant_tests::holds_jwt(&results), "no token in results");
}

/// What the customer does on the confirm page, in their browser: open it, press Approve.
async fn approve(confirm_url: &str) -> String {
    assistant_tests::systemuser::decide_on_confirm_page(
        confirm_url,
        defaults::CUSTOMER_ORG_NUMBER,
        true,
    )
    .await
}

fn step_state(state: &AppState, profile: &str, step: StepId) -> StepState {
    checklist::get(state, profile)
        .expect("checklist")
        .step(step)
        .unwrap_or_else(|| panic!("{step:?} on the route"))
        .state
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vendor_registers_its_system_a_customer_approves_and_an_instance_is_made_as_the_system_user()
 {
    let (data, store, state) = in_memory();
    let vendor = "Vendor";
    inventory::save_profile(
        &state.dir,
        &inventory::SaveProfileRequest {
            profile: Profile {
                name: vendor.into(),
                environment: Environment::Sandbox,
                org_number: Some(defaults::ORG_NUMBER.into()),
                client_id: Some(defaults::CLIENT_ID.into()),
                app_b: Some(format!("{}/{}", defaults::APP_ORG, defaults::APP_NAME)),
                ..Profile::default()
            },
            original_name: None,
        },
    )
    .expect("vendor profile");
    inventory::generate_key(
        &state.dir,
        &*store,
        &SystemClock,
        &inventory::GenerateKeyRequest {
            bits: 2048,
            profile: Some(vendor.into()),
        },
        &mut |_| {},
    )
    .expect("key");
    assert!(!store.is_empty(), "the private key went to the store given");

    // The portal step on the sandbox: the path's scopes added to the client, the key registered.
    let asked = systemuser::client_scopes(&state, vendor, false)
        .await
        .expect("scopes");
    assert_eq!(asked.missing.len(), systemuser::CLIENT_SCOPES.len());
    let added = systemuser::client_scopes(&state, vendor, true)
        .await
        .expect("scopes added");
    assert!(added.added && added.missing.is_empty(), "{added:?}");

    let system_id = format!("{}_{}", defaults::ORG_NUMBER, systemuser::DEFAULT_NAME);
    let shown = systemuser::register_recorded(&state, vendor, None, false)
        .await
        .expect("shown");
    assert_eq!(shown.system_id, system_id);
    assert!(
        !shown.written && shown.registered.is_none() && shown.changes.len() == 1,
        "{shown:?}"
    );
    assert_eq!(
        step_state(&state, vendor, StepId::SystemRegister),
        StepState::Todo
    );
    let unchanged = systemuser::register(&state, vendor, None, false)
        .await
        .expect("read again");
    assert!(unchanged.registered.is_none(), "nothing was written");

    let written = systemuser::register_recorded(&state, vendor, None, true)
        .await
        .expect("written");
    assert!(written.written, "{written:?}");
    let registered = written.registered.expect("read back");
    assert_eq!(registered.id, system_id);
    assert_eq!(registered.client_id, [defaults::CLIENT_ID]);
    assert_eq!(
        step_state(&state, vendor, StepId::SystemRegister),
        StepState::Verified
    );
    let again = systemuser::register(&state, vendor, None, false)
        .await
        .expect("read again");
    assert!(again.changes.is_empty(), "{:?}", again.changes);

    let customer = defaults::CUSTOMER_ORG_NUMBER;
    let requested = systemuser::request_recorded(&state, vendor, None, customer, Some("ref-1"))
        .await
        .expect("request");
    assert_eq!(requested.status, Status::New, "{requested:?}");
    assert!(requested.confirm_qr.is_some(), "a code to scan");
    let confirm = requested.request.confirm_url.clone().expect("confirm link");
    assert_ne!(
        step_state(&state, vendor, StepId::SystemUserApproval),
        StepState::Verified,
        "not approved yet"
    );

    let decided = approve(&confirm).await;
    assert!(decided.contains("Approved"), "{decided}");
    let status = systemuser::status_recorded(&state, vendor, &requested.request.id)
        .await
        .expect("status");
    assert_eq!(status.status, Status::Accepted, "{status:?}");
    assert_eq!(
        step_state(&state, vendor, StepId::SystemUserApproval),
        StepState::Verified
    );

    let flows::TokenRun { report, tokens } = flows::token_test(
        &state,
        vendor,
        ChainOptions {
            system_user_org: Some(customer.into()),
            external_ref: Some("ref-1".into()),
            exchange: true,
            scopes: vec![
                "altinn:instances.read".into(),
                "altinn:instances.write".into(),
            ],
            ..ChainOptions::default()
        },
    )
    .await
    .expect("the chain runs");
    assert!(report.diagnosis.is_none(), "{:?}", report.diagnosis);
    assert!(tokens.is_some_and(|t| t.altinn.is_some()), "exchanged");
    let named = report
        .maskinporten
        .as_ref()
        .and_then(|m| m.system_user.clone())
        .expect("the token names a system user");
    assert_eq!(named.org.as_deref(), Some(customer), "{named:?}");
    assert!(named.system_user_id.is_some(), "{named:?}");

    let owner = InstanceOwner::parse(customer).expect("owner");
    let acting = flows::ActingAs {
        system_user_org: customer.into(),
        external_ref: Some("ref-1".into()),
    };
    let made = instances::instantiate_as(&state, vendor, Some(&acting), &owner, &Create::Template)
        .await
        .expect("an instance as the system user");
    assert_eq!(made.instance.owner_party_id, defaults::CUSTOMER_PARTY_ID);

    let list = checklist::get(&state, vendor).expect("checklist");
    assert_eq!(list.route, Route::SystemUser, "{:?}", list.route_reason);
    for step in [
        StepId::SystemRegister,
        StepId::SystemUserApproval,
        StepId::Token,
        StepId::Exchange,
        StepId::Instance,
    ] {
        assert_eq!(
            list.step(step).map(|s| s.state),
            Some(StepState::Verified),
            "{step:?}: {:?}",
            list.steps
        );
    }

    state.sandbox.shutdown().await;
    assert_nothing_secret(data.path());
}
