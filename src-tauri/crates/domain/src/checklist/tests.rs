use time::macros::datetime;

use super::*;
use crate::keys::index::KeySource;

const NOW: OffsetDateTime = datetime!(2026-11-21 08:00 UTC);

fn profile(client: Option<&str>) -> Profile {
    Profile {
        name: "Rehearsal".into(),
        client_id: client.map(Into::into),
        ..Profile::default()
    }
}

fn key(kid: &str, created: &str, expires: &str) -> KeySummary {
    KeySummary {
        kid: kid.into(),
        bits: 2048,
        created: created.into(),
        expires: expires.into(),
        thumbprint: "tp".into(),
        profiles: vec!["Rehearsal".into()],
        source: KeySource::Generated,
    }
}

fn fresh_key() -> KeySummary {
    key("k1", "2026-11-01T00:00:00Z", "2027-11-01T00:00:00Z")
}

fn line(profile: &str, step: StepId, state: StepState, kid: Option<&str>) -> HistoryEntry {
    let mut e = HistoryEntry::new(
        NOW,
        profile,
        crate::history::HistoryAction::Other,
        state != StepState::Failed,
        "outcome",
    )
    .for_step(step, state);
    e.kid = kid.map(str::to_string);
    e
}

fn path_line(path: ConfigPath) -> HistoryEntry {
    line("Rehearsal", StepId::Path, StepState::Verified, None)
        .with_detail(serde_json::json!({ "path": path, "folder": "/src/app-a" }))
}

#[test]
fn a_new_profile_has_every_step_to_do_and_starts_at_the_path() {
    let list = build(&profile(None), None, &[], NOW);
    assert_eq!(list.steps.len(), 10);
    assert!(list.steps.iter().all(|s| s.state == StepState::Todo));
    assert_eq!(list.next, Some(StepId::Path));
    assert!(!list.complete);
    assert_eq!(list.path, None);
    assert!(list.step(StepId::Key).expect("on the route").note.is_some());
}

#[test]
fn facts_set_the_key_and_client_steps() {
    let list = build(&profile(Some("c")), Some(&fresh_key()), &[], NOW);
    assert_eq!(
        list.step(StepId::Key).expect("on the route").state,
        StepState::Done
    );
    assert_eq!(
        list.step(StepId::Client).expect("on the route").state,
        StepState::Done
    );
    assert_eq!(
        build(&profile(None), None, &[], NOW)
            .step(StepId::Client)
            .expect("on the route")
            .state,
        StepState::Todo
    );

    // A client "verified" line does not count once the profile has lost its client id.
    let history = [line(
        "Rehearsal",
        StepId::Client,
        StepState::Verified,
        Some("k1"),
    )];
    let with = build(&profile(Some("c")), Some(&fresh_key()), &history, NOW);
    assert_eq!(
        with.step(StepId::Client).expect("on the route").state,
        StepState::Verified
    );
    let without = build(&profile(None), Some(&fresh_key()), &history, NOW);
    assert_eq!(
        without.step(StepId::Client).expect("on the route").state,
        StepState::Todo
    );
}

#[test]
fn the_latest_line_of_a_step_wins_and_other_profiles_do_not_count() {
    let history = [
        line("Rehearsal", StepId::Token, StepState::Failed, Some("k1")),
        line("Rehearsal", StepId::Token, StepState::Verified, Some("k1")),
        line("Other", StepId::Token, StepState::Failed, Some("k1")),
        line("Other", StepId::Exchange, StepState::Verified, Some("k1")),
    ];
    let list = build(&profile(Some("c")), Some(&fresh_key()), &history, NOW);
    assert_eq!(
        list.step(StepId::Token).expect("on the route").state,
        StepState::Verified
    );
    assert_eq!(
        list.step(StepId::Exchange).expect("on the route").state,
        StepState::Todo
    );
}

#[test]
fn a_line_written_under_the_name_in_other_case_is_the_same_profiles() {
    // `profile show rehearsal` finds "Rehearsal"; what it did counts for "Rehearsal" too.
    let history = [line(
        "rehearsal ",
        StepId::Exchange,
        StepState::Verified,
        Some("k1"),
    )];
    let list = build(&profile(Some("c")), Some(&fresh_key()), &history, NOW);
    assert_eq!(
        list.step(StepId::Exchange).expect("on the route").state,
        StepState::Verified
    );
}

#[test]
fn a_proof_made_with_another_key_is_stale() {
    let history = [
        line("Rehearsal", StepId::Token, StepState::Verified, Some("old")),
        line(
            "Rehearsal",
            StepId::Instance,
            StepState::Verified,
            Some("old"),
        ),
        line(
            "Rehearsal",
            StepId::Config,
            StepState::Verified,
            Some("old"),
        ),
    ];
    let list = build(&profile(Some("c")), Some(&fresh_key()), &history, NOW);
    assert_eq!(
        list.step(StepId::Token).expect("on the route").state,
        StepState::Todo
    );
    assert_eq!(
        list.step(StepId::Instance).expect("on the route").state,
        StepState::Todo
    );
    // The configuration does not depend on the key.
    assert_eq!(
        list.step(StepId::Config).expect("on the route").state,
        StepState::Verified
    );
}

#[test]
fn the_studio_path_marks_the_manual_steps_not_needed_with_the_reason() {
    let history = [
        path_line(ConfigPath::StudioProvisioned),
        line("Rehearsal", StepId::Token, StepState::Verified, None),
    ];
    let list = build(&profile(None), None, &history, NOW);
    assert_eq!(list.path, Some(ConfigPath::StudioProvisioned));
    assert_eq!(list.app_folder.as_deref(), Some("/src/app-a"));
    for id in [
        StepId::VaultAccess,
        StepId::Client,
        StepId::Key,
        StepId::VaultWrite,
        StepId::Exchange,
        StepId::Instance,
    ] {
        let step = list.step(id).expect("on the route");
        assert_eq!(step.state, StepState::NotNeeded, "{id:?}");
        assert!(
            step.note
                .as_ref()
                .is_some_and(|n| n.en.contains("Studio") || n.en.contains("provisioned"))
        );
    }
    // Verified stays verified: it was run anyway.
    assert_eq!(
        list.step(StepId::Token).expect("on the route").state,
        StepState::Verified
    );
    assert_eq!(list.next, Some(StepId::Config));
}

#[test]
fn the_own_identity_path_needs_every_step_and_a_reset_forgets_the_path() {
    let history = [path_line(ConfigPath::OwnIdentity)];
    let list = build(&profile(None), None, &history, NOW);
    assert!(list.steps.iter().all(|s| s.state != StepState::NotNeeded));
    assert_eq!(list.next, Some(StepId::VaultAccess));

    let mut history = history.to_vec();
    history.push(line("Rehearsal", StepId::Path, StepState::Todo, None));
    let reset = build(&profile(None), None, &history, NOW);
    assert_eq!(reset.path, None);
    assert_eq!(reset.next, Some(StepId::Path));
}

#[test]
fn every_step_settled_makes_the_list_complete() {
    let mut history = vec![path_line(ConfigPath::OwnIdentity)];
    for id in STEPS.into_iter().skip(1) {
        history.push(line("Rehearsal", id, StepState::Verified, Some("k1")));
    }
    let list = build(&profile(Some("c")), Some(&fresh_key()), &history, NOW);
    assert!(list.complete);
    assert_eq!(list.next, None);
    history.push(line(
        "Rehearsal",
        StepId::Exchange,
        StepState::Failed,
        Some("k1"),
    ));
    let list = build(&profile(Some("c")), Some(&fresh_key()), &history, NOW);
    assert!(!list.complete);
    assert_eq!(list.next, Some(StepId::Exchange));
}

#[test]
fn the_key_watch_warns_well_before_the_year_is_up() {
    let w = key_watch(&fresh_key(), NOW);
    // 345 calendar days less the 8 hours already gone today.
    assert_eq!(
        (w.age_days, w.days_left, w.level),
        (20, 344, ExpiryLevel::Ok)
    );
    let soon = key_watch(
        &key("k", "2025-12-01T00:00:00Z", "2026-12-31T00:00:00Z"),
        NOW,
    );
    assert_eq!((soon.days_left, soon.level), (39, ExpiryLevel::Soon));
    let edge = key_watch(
        &key("k", "2026-01-01T00:00:00Z", "2027-01-21T08:00:00Z"),
        NOW,
    );
    assert_eq!((edge.days_left, edge.level), (61, ExpiryLevel::Ok));
    let gone = key_watch(
        &key("k", "2025-11-01T00:00:00Z", "2026-11-01T00:00:00Z"),
        NOW,
    );
    assert_eq!((gone.days_left, gone.level), (-20, ExpiryLevel::Expired));
}

#[test]
fn only_steps_done_outside_the_tool_can_be_marked_done_by_hand() {
    let p = profile(None);
    for id in [
        StepId::Token,
        StepId::Exchange,
        StepId::Instance,
        StepId::Key,
        StepId::Config,
        StepId::VaultWrite,
    ] {
        let error = mark_line(NOW, &p, id, StepState::Done, None).unwrap_err();
        assert!(
            error.message.contains("cannot be marked"),
            "{id:?}: {}",
            error.message
        );
        assert!(mark_line(NOW, &p, id, StepState::Verified, None).is_err());
        assert!(mark_line(NOW, &p, id, StepState::Todo, None).is_ok());
    }
    assert!(mark_line(NOW, &p, StepId::Client, StepState::Done, None).is_err());
    assert!(
        mark_line(
            NOW,
            &profile(Some("c")),
            StepId::Client,
            StepState::Done,
            None
        )
        .is_ok()
    );
    assert!(mark_line(NOW, &p, StepId::Path, StepState::Done, None).is_err());
    let path = mark_line(
        NOW,
        &p,
        StepId::Path,
        StepState::Done,
        Some(ConfigPath::LegacyBuiltIn),
    )
    .unwrap();
    let list = build(&p, None, &[path], NOW);
    assert_eq!(list.path, Some(ConfigPath::LegacyBuiltIn));
    assert_eq!(
        list.step(StepId::Path).expect("on the route").state,
        StepState::Done
    );
    assert!(mark_line(NOW, &p, StepId::Redeploy, StepState::Done, None).is_ok());
}

#[test]
fn old_history_lines_without_a_step_still_load() {
    let old = r#"{"at":"2026-11-20T10:00:00Z","profile":"Rehearsal","action":"instantiate","app":"ttd/x","instanceId":"1/a","owner":null,"outcome":"created"}"#;
    let entry: HistoryEntry = serde_json::from_str(old).unwrap();
    assert_eq!(entry.step, None);
    let list = build(&profile(None), None, &[entry], NOW);
    assert_eq!(
        list.step(StepId::Instance).expect("on the route").state,
        StepState::Todo
    );
}
