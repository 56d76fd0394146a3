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
