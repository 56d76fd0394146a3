//! Desktop smoke test: the real window, driven over WebDriver, calls Rust and shows the answer.
//! Generating a key in the window must put it in the (private) keychain and the key index.

mod support;

use support::desktop::Desktop;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_shows_the_version_and_generates_a_key_into_the_keychain() {
    let app = Desktop::open().await;
    let version = app
        .wait_text("#app-version", |t| t.contains(env!("CARGO_PKG_VERSION")))
        .await;
    assert!(
        version.contains(env!("CARGO_PKG_VERSION")),
        "get_app_info went to Rust and back"
    );

    app.click("#nav-keys").await;
    app.click("#generate-key").await;
    let row = app
        .wait_text("#keys-table [data-kid]", |t| t.contains("2048"))
        .await;
    let listed = app.cli.json(&["key", "list"]);
    let kid = listed[0]["kid"]
        .as_str()
        .expect("the window's key is in the index");
    assert!(row.contains(kid), "the row shows the kid {kid}: {row}");
    let secret = app.cli.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    assert!(
        secret["encodedJwk"].as_str().is_some_and(|v| !v.is_empty()),
        "the private part is in the keychain"
    );

    let shot = app.screenshot("desktop-keys.png").await;
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "a real screenshot"
    );
    app.close().await;
}

/// As a person would on a fresh machine: make a profile, use it, generate its key, do the
/// sandbox's portal step and run the token test with the exchange, then read it in Norwegian.
/// A screenshot per step goes to artifacts/screenshots/.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_goes_from_a_new_profile_to_an_exchanged_altinn_token_in_the_window() {
    let app = Desktop::open().await;
    app.wait_text("#app-version", |t| !t.is_empty()).await;
    app.select("#lang-switch", "en").await;
    app.click("#nav-profiles").await;
    app.click("#new-profile").await;
    app.type_into("#profile-name", "Rehearsal").await;
    app.click("#save-profile").await;
    app.wait_text("#profiles-table [data-profile='Rehearsal']", |t| {
        t.contains("Rehearsal")
    })
    .await;
    // The first profile becomes the active one by itself.
    app.wait_text("#env-badge", |t| t.contains("Rehearsal"))
        .await;
    app.screenshot("01-profiles.png").await;

    app.click("#nav-keys").await;
    app.select("#generate-profile", "Rehearsal").await;
    app.click("#generate-key").await;
    app.wait_text("#keys-table [data-kid]", |t| t.contains("Rehearsal"))
        .await;
    app.screenshot("02-keys.png").await;

    app.click("#nav-token").await;
    app.click("#register-sandbox-key").await;
    app.wait_text("#registration-outcome", |t| t.contains("5b6f1a52"))
        .await;
    app.click("#run-token-test").await;
    let summary = app
        .wait_text("#token-result-summary", |t| !t.is_empty())
        .await;
    let stages = app.wait_text("#chain-stages", |t| !t.is_empty()).await;
    assert!(
        !stages.contains("Failed"),
        "every stage passes: {stages} / {summary}"
    );
    app.wait_text("#altinn-claims", |t| t.contains("312345676"))
        .await;
    app.screenshot("03-token-test.png").await;
    app.wait_text("#wire-log-table", |t| {
        t.contains("/token") && t.contains("exchange")
    })
    .await;

    // Issue 5 in the window: an instance of app B for the organisation itself, moved on to the end.
    app.click("#nav-instances").await;
    app.wait_text("[data-testid='glance-app-id']", |t| {
        t.contains("ttd/sandbox-app-b")
    })
    .await;
    app.type_into("#instance-owner", "312345676").await;
    app.click("#create-instance").await;
    let id = app
        .wait_text("[data-testid='instance-id']", |t| t.contains("500001/"))
        .await;
    app.click("#advance-instance").await;
    app.wait_text("#instance-result[data-state='ended']", |t| {
        !t.trim().is_empty()
    })
    .await;
    app.screenshot("04-instances.png").await;
    let made = std::fs::read_to_string(app.cli.data.path().join("history.jsonl")).expect("history");
    assert!(
        made.contains(id.trim().trim_start_matches(|c: char| !c.is_ascii_digit()))
            && !made.contains("eyJ"),
        "a secret-free history line for {id}: {made}"
    );

    app.click("#nav-token").await;
    app.select("#lang-switch", "nb").await;
    app.wait_text("#token-heading", |t| t.contains("Tokentest"))
        .await;
    app.scroll_to("#token-result").await;
    app.screenshot("03-token-test-nb.png").await;
    let history = std::fs::read_dir(app.cli.data.path())
        .expect("data dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert!(
        history.iter().any(|f| f == "sandbox.json"),
        "the portal step was recorded: {history:?}"
    );
    app.close().await;
}
