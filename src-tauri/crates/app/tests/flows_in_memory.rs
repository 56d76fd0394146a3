//! The flows the window and the CLI share, run as a library with an in-memory secret store
//! (`AppState::with`): no keychain, no binary, no window. The rehearsal a first run offers, the
//! whole chain, an instance of app B and the made-here verdict, on the built-in sandbox.

use std::sync::Arc;

use assistant_app::{AppState, checklist, flows, instances, rehearsal};
use assistant_domain::altinn::instance::Create;
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::chain::ChainOptions;
use assistant_domain::clock::SystemClock;
use assistant_domain::datadir::DataDir;
use assistant_domain::secret_store::MemoryStore;
use assistant_domain::steps::{StepId, StepState};
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
