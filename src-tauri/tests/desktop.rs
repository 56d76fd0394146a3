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

/// Where the chain picture's parts and arrows are: one row, or one column, each arrow between
/// the two cells it joins, nothing outside the card.
const FLOW_LAYOUT: &str = r#"
const cells = [...document.querySelectorAll('.flow-cell')].map((e) => e.getBoundingClientRect());
const parts = ['appA', 'maskinporten', 'altinn', 'appB']
  .map((id) => document.getElementById('flow-' + id).getBoundingClientRect());
const arrows = [...document.querySelectorAll('.flow-arrow')].map((e) => e.getBoundingClientRect());
const card = document.querySelector('.flow-card').getBoundingClientRect();
const row = parts.every((p) => Math.abs(p.top - parts[0].top) < 2);
const column = parts.every((p, i) => i === 0 || p.top >= cells[i - 1].bottom - 1);
const inside = [...cells, ...arrows].every((r) => r.left >= card.left - 1 && r.right <= card.right + 1);
const between = arrows.length === 3 && arrows.every((a, i) => row
  ? a.left >= cells[i].right - 1 && a.right <= cells[i + 1].left + 1
  : a.top >= cells[i].bottom - 1 && a.bottom <= cells[i + 1].top + 1);
return { row, column, inside, between, width: card.width };
"#;

/// Elements reaching past the window's right edge whose parent does not (the culprits of
/// sideways scrolling), as `tag#id.class`.
const WIDER_THAN_WINDOW: &str = r#"
const edge = document.documentElement.clientWidth + 1;
const past = (e) => e.getBoundingClientRect().right > edge;
return [...document.querySelectorAll('body *')]
  .filter((e) => past(e) && !(e.parentElement && past(e.parentElement) && e.parentElement !== document.body))
  .slice(0, 5)
  .map((e) => (e.parentElement ? e.parentElement.tagName.toLowerCase() + (e.parentElement.id ? '#' + e.parentElement.id : '') + (typeof e.parentElement.className === 'string' && e.parentElement.className ? '.' + e.parentElement.className.trim().split(/\s+/).join('.') : '') + ' > ' : '') + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
"#;

/// A first run: a fresh window offers "Rehearse on the sandbox"; that click and two more (the
/// token step, its Run button) reach an Altinn token exchanged on the sandbox. Screenshots in
/// English and bokmål for the README.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_window_reaches_an_exchanged_token_in_three_clicks_from_the_rehearsal() {
    let app = Desktop::open().await;
    app.wait_text("#app-version", |t| !t.is_empty()).await;
    app.select("#lang-switch", "nb").await;
    app.wait_text("#guide-rehearse", |t| t.contains("Øv i sandkassen"))
        .await;
    app.screenshot("first-run-nb.png").await;
    app.select("#lang-switch", "en").await;
    app.wait_text("#guide-rehearse", |t| t.contains("Rehearse on the sandbox"))
        .await;
    app.screenshot("first-run.png").await;

    // Click 1.
    app.click("#guide-rehearse [data-testid='rehearse']").await;
    app.wait_text("#guide-summary", |t| t.contains("Rehearsal"))
        .await;
    app.wait_text("#env-badge", |t| t.contains("Rehearsal"))
        .await;
    app.screenshot("first-run-checklist.png").await;

    // A 1366×768 laptop at 125 % (1093×614) and the window's minimum (720×560): the chain
    // picture is one row or one column, every arrow between the two parts it joins.
    for (width, height, name) in [(1093, 614, "laptop"), (720, 560, "minimum")] {
        app.resize(width, height).await;
        app.scroll_to(".flow-card").await;
        let layout = app.eval(FLOW_LAYOUT).await;
        assert!(
            (layout["row"] == true || layout["column"] == true)
                && layout["inside"] == true
                && layout["between"] == true,
            "the chain picture at {width}×{height}: {layout}"
        );
        app.screenshot(&format!("{name}-checklist.png")).await;
    }
    app.resize(1200, 820).await;
    let profiles = app.cli.json(&["profile", "list"]);
    assert_eq!(
        profiles[0]["name"], "Rehearsal",
        "the profile is saved where the CLI finds it: {profiles}"
    );
    let kid = profiles[0]["keyId"].as_str().expect("with its key");
    let secret = app.cli.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    assert!(
        secret["encodedJwk"].as_str().is_some_and(|v| !v.is_empty()),
        "its private part is in the keychain"
    );

    // Clicks 2 and 3.
    app.click("#nav-token").await;
    app.click("#run-token-test").await;
    let stages = app.wait_text("#chain-stages", |t| !t.is_empty()).await;
    assert!(!stages.contains("Failed"), "every stage passes: {stages}");
    app.wait_text("#altinn-claims", |t| t.contains("312345676"))
        .await;
    app.scroll_to("#token-result").await;
    app.screenshot("first-run-token.png").await;
    for (width, height, name) in [(1093, 614, "laptop"), (720, 560, "minimum")] {
        app.resize(width, height).await;
        app.scroll_to("#token-result").await;
        app.screenshot(&format!("{name}-token.png")).await;
        let overflow = app.eval(WIDER_THAN_WINDOW).await;
        assert_eq!(
            overflow,
            serde_json::json!([]),
            "no sideways scrolling at {width}×{height}"
        );
    }
    app.resize(1200, 820).await;
    app.select("#lang-switch", "nb").await;
    app.wait_text("#token-heading", |t| t.contains("Tokentest"))
        .await;
    app.screenshot("first-run-token-nb.png").await;
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

    // In the window: an instance of app B for the organisation itself, moved on to the end.
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
    // The made-here list is Rust's verdict (list_made_here): the new instance, made and not
    // deleted, with its Show button.
    let instance_id = id.trim().trim_start_matches(|c: char| !c.is_ascii_digit());
    app.wait_text(
        &format!(
            "#made-here-table tr[data-instance='{instance_id}'] [data-testid='show-instance']"
        ),
        |t| !t.trim().is_empty(),
    )
    .await;
    app.screenshot("04-instances.png").await;
    let made = std::fs::read_to_string(app.cli.data.path().join("history.jsonl")).expect("history");
    assert!(
        made.contains(id.trim().trim_start_matches(|c: char| !c.is_ascii_digit()))
            && !assistant_tests::holds_jwt(&made),
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

/// The fixture app A on the own-identity path, configured for a sandbox profile named Rehearsal.
fn fixture_app_a() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/wizard/app-a")
        .canonicalize()
        .expect("fixture")
        .display()
        .to_string()
}

/// What a person does on the sandbox's /devicelogin page in their browser: enter the code and
/// sign in as the account with a role on the vault.
async fn approve_device_code(uri: &str, code: &str, account: &str) {
    let http = reqwest::Client::new();
    let page = http
        .get(uri)
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("page");
    let identity = page
        .split("<label>")
        .find(|l| l.contains(account))
        .and_then(|l| l.split("value=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap_or_else(|| panic!("{account} on the sign-in page: {page}"))
        .to_string();
    let answer = http
        .post(uri)
        .form(&[
            ("user_code", code),
            ("identity", identity.as_str()),
            ("decision", "approve"),
        ])
        .send()
        .await
        .expect("approve");
    assert!(answer.status().is_success(), "approve: {}", answer.status());
}

/// The sign-in card's device code, approved on the sandbox's page as the vault's admin.
async fn sign_in_as_vault_admin(app: &Desktop) {
    app.click("#vault-login").await;
    let uri = app
        .wait_text("#vault-verification-uri", |t| t.contains("/devicelogin"))
        .await;
    let code = app
        .wait_text("#vault-user-code", |t| !t.trim().is_empty())
        .await;
    approve_device_code(uri.trim(), code.trim(), "admin@sandbox.example").await;
    app.wait_text("[data-testid='vault-account']", |t| {
        t.contains("admin@sandbox.example")
    })
    .await;
}

/// As a person would: a new profile, then the checklist from "which path?" to a created
/// instance of app B, every step driven from its own card on the sandbox, a screenshot per step,
/// the report saved and scanned for secrets, and the checklist in Norwegian.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_walks_the_whole_checklist_to_an_instance_of_app_b() {
    let app = Desktop::open().await;
    app.wait_text("#app-version", |t| !t.is_empty()).await;
    app.select("#lang-switch", "en").await;
    // A fresh machine opens on the checklist, which asks for a profile first.
    app.wait_text("#guide-no-profile", |t| t.contains("profile"))
        .await;
    app.click("#nav-profiles").await;
    app.click("#new-profile").await;
    app.type_into("#profile-name", "Rehearsal").await;
    app.click("#save-profile").await;
    app.wait_text("#env-badge", |t| t.contains("Rehearsal"))
        .await;

    app.click("#nav-guide").await;
    app.wait_text("#guide-summary", |t| t.contains("0 of 10"))
        .await;
    app.screenshot("guide-00-start.png").await;
    let verified = |step: &str| format!("#guide-step-{step}[data-state='verified']");

    // 1. The path, from app A's repository.
    app.type_into("#guide-app-folder", &fixture_app_a()).await;
    app.click("#guide-path-check").await;
    app.wait_text(&verified("path"), |t| t.contains("Verified"))
        .await;
    app.wait_text("#guide-path-found", |t| t.contains("Own identity"))
        .await;
    app.screenshot("guide-01-path.png").await;

    // 2. Key Vault access: sign in with the device code, approved on the sandbox's page.
    app.click("#guide-next-path").await;
    sign_in_as_vault_admin(&app).await;
    app.click("#guide-vault-probe").await;
    app.wait_text(&verified("vault_access"), |t| t.contains("Verified"))
        .await;
    app.screenshot("guide-02-vault-access.png").await;
    app.click("#guide-next-vault_access").await;

    // 3 and 4. The client needs the key's public half: the step says so and leads to the key.
    app.wait_text("#guide-client-nokey", |t| t.contains("no key"))
        .await;
    app.screenshot("guide-03-client-needs-key.png").await;
    app.click("#guide-client-nokey button").await;
    app.click("#guide-key-generate").await;
    app.wait_text("#guide-step-key[data-state='done']", |t| t.contains("Done"))
        .await;
    app.wait_text("#watch-key", |t| t.contains("days left"))
        .await;
    app.screenshot("guide-04-key.png").await;
    app.click("#guide-next-key").await;
    app.click("#guide-client-register").await;
    app.wait_text(&verified("client"), |t| t.contains("Verified"))
        .await;
    app.screenshot("guide-05-client.png").await;

    // 5. The secrets written to the sandbox's Key Vault and read back.
    app.click("#guide-next-client").await;
    app.click("#vault-write").await;
    app.wait_text(&verified("vault_write"), |t| t.contains("Verified"))
        .await;
    app.screenshot("guide-06-vault-write.png").await;

    // 6. The configuration check, against the profile as it is now.
    app.click("#guide-toggle-config").await;
    app.click("#guide-config-check").await;
    app.wait_text(&verified("config"), |t| t.contains("Verified"))
        .await;
    app.wait_text("#guide-config-result", |t| t.contains("Errors: 0"))
        .await;
    app.screenshot("guide-07-config.png").await;

    // 7 to 9. Token, exchange, and an instance of app B.
    app.click("#guide-toggle-token").await;
    app.click("#guide-token-run").await;
    app.wait_text(&verified("token"), |t| t.contains("Verified"))
        .await;
    app.wait_text("#guide-token-ok", |t| t.contains("312345676"))
        .await;
    app.screenshot("guide-08-token.png").await;
    app.click("#guide-toggle-exchange").await;
    app.click("#guide-exchange-run").await;
    app.wait_text(&verified("exchange"), |t| t.contains("Verified"))
        .await;
    app.wait_text("#guide-exchange-ok", |t| t.contains("312345676"))
        .await;
    app.screenshot("guide-09-exchange.png").await;
    app.click("#guide-toggle-instance").await;
    app.click("#guide-instance-create").await;
    app.wait_text(&verified("instance"), |t| t.contains("Verified"))
        .await;
    let made = app
        .wait_text("#guide-instance-made", |t| t.contains("500001/"))
        .await;
    app.screenshot("guide-10-instance.png").await;

    // 10. The redeploy is the person's to tick; then every step is settled and the picture green.
    app.click("#guide-toggle-redeploy").await;
    app.click("#guide-redeploy-done").await;
    app.wait_text("#guide-complete", |t| t.contains("Every step is done"))
        .await;
    for part in ["appA", "keyvault", "maskinporten", "altinn", "appB"] {
        app.wait_text(&format!("#flow-{part}[data-state='ok']"), |t| {
            t.contains("verified")
        })
        .await;
    }
    app.scroll_to("#guide-title").await;
    app.screenshot("guide-11-done.png").await;

    // The report, saved from the window, holds the ids and no secret.
    app.click("#guide-report-save").await;
    let path = app
        .wait_text("#guide-report-path", |t| t.ends_with(".html"))
        .await;
    let html = std::fs::read_to_string(path.trim()).expect("report");
    let id = made
        .split_whitespace()
        .find(|w| w.starts_with("500001/"))
        .expect("id");
    assert!(
        html.contains(id) && html.contains("Verified") && html.contains("urn:altinn:orgNumber")
    );
    let watch = app.wait_text("#watch-key", |t| t.starts_with("Key ")).await;
    let kid = watch
        .split_whitespace()
        .nth(1)
        .expect("kid")
        .trim_end_matches(':');
    let out = app
        .cli
        .run(&["--json", "key", "encoded-jwk", kid, "--print-secret"]);
    let encoded: serde_json::Value = serde_json::from_slice(&out.stdout).expect("encoded jwk");
    let encoded = encoded["encodedJwk"].as_str().expect("encodedJwk");
    use base64::Engine as _;
    let jwk: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64"),
    )
    .expect("jwk");
    let everything = support::all_text_under(app.cli.data.path());
    for part in ["d", "p", "q", "dp", "dq", "qi"] {
        let secret = jwk[part].as_str().expect("private part");
        assert!(
            !html.contains(secret) && !everything.contains(secret),
            "the key's {part} reached a file"
        );
    }
    assert!(
        !everything.contains(encoded) && !assistant_tests::holds_jwt(&everything),
        "no encoded key or token in the data folder"
    );
    std::fs::copy(
        path.trim(),
        support::desktop::artifacts().join("guide-report.html"),
    )
    .expect("keep the report");

    // The same checklist in Norwegian.
    app.select("#lang-switch", "nb").await;
    app.wait_text("#guide-title", |t| t.contains("Sjekkliste"))
        .await;
    app.wait_text("#guide-step-token [data-testid='step-state']", |t| {
        t.contains("Bekreftet")
    })
    .await;
    app.screenshot("guide-12-done-nb.png").await;
    app.close().await;
}

/// A page that misbehaves (a bug, or script injected through a rendered answer) still reaches
/// no file the person did not pick in a dialog, opens no dialog and no page of its own choosing,
/// and has no core API beyond calling the app's commands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reaches_no_file_it_was_not_given_and_no_page_but_the_official_ones() {
    let app = Desktop::open().await;
    app.wait_text("#app-version", |t| !t.is_empty()).await;
    let outside = tempfile::tempdir().expect("tmp");
    let planted = outside.path().join("planted.pem");
    let secret_file = outside.path().join("id_rsa");
    std::fs::write(&secret_file, "-----BEGIN PRIVATE KEY-----\n").expect("seed");
    let not_picked = |answer: Result<serde_json::Value, serde_json::Value>| {
        let err = answer.expect_err("refused");
        assert_eq!(err["kind"], "invalid_input", "{err}");
        assert!(
            err["message"]
                .as_str()
                .unwrap_or_default()
                .contains("not chosen in this window's file dialog"),
            "{err}"
        );
    };

    let kid = app.cli.json(&["key", "generate"])["kid"]
        .as_str()
        .expect("kid")
        .to_string();
    // Writes: a public key, a report, a receipt, a bulk results file.
    not_picked(
        app.invoke(
            "save_public_key",
            serde_json::json!({ "request": { "kid": kid, "format": "pem", "path": planted } }),
        )
        .await,
    );
    not_picked(
        app.invoke(
            "save_report",
            serde_json::json!({ "request": { "profile": "x", "lang": "en", "path": planted } }),
        )
        .await,
    );
    assert!(!planted.exists(), "nothing was written");
    // Reads: a key to import, a data file, a bulk CSV.
    not_picked(
        app.invoke(
            "import_key",
            serde_json::json!({ "request": { "source": { "kind": "file", "path": secret_file }, "kid": null, "profile": null } }),
        )
        .await,
    );
    not_picked(
        app.invoke(
            "start_bulk",
            serde_json::json!({ "request": { "profile": "x", "csvPath": secret_file, "concurrency": 1, "resultsPath": null }, "onProgress": "__CHANNEL__:1" }),
        )
        .await,
    );
    assert_eq!(
        app.cli.json(&["key", "list"]).as_array().map(Vec::len),
        Some(1)
    );

    // The plugins' and core's own commands that were not granted.
    for (command, args) in [
        ("plugin:dialog|open", serde_json::json!({ "options": {} })),
        (
            "plugin:opener|open_url",
            serde_json::json!({ "url": "https://sjolvbetjening.samarbeid.digdir.no.evil.example/" }),
        ),
        (
            "plugin:opener|open_path",
            serde_json::json!({ "path": secret_file }),
        ),
        (
            "plugin:event|listen",
            serde_json::json!({ "event": "x", "target": { "kind": "Any" }, "handler": 1 }),
        ),
        (
            "plugin:window|close",
            serde_json::json!({ "label": "main" }),
        ),
    ] {
        let err = app
            .invoke(command, args)
            .await
            .expect_err(&format!("{command} is refused"));
        assert!(
            err.as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains("not allowed"),
            "{command}: {err}"
        );
    }
    app.close().await;
}

/// Issue 18 in the window: from the rehearsal's working key, the person signs in to the
/// sandbox's Key Vault on the rotation card, starts the rotation (new key beside the old one,
/// proven, written to the vault), confirms the redeploy, and the old key goes. Screenshots of
/// the overlap and the end, in English and bokmål.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_rotates_the_key_in_the_window_without_downtime() {
    let app = Desktop::open().await;
    app.wait_text("#app-version", |t| !t.is_empty()).await;
    app.select("#lang-switch", "en").await;
    app.click("#guide-rehearse [data-testid='rehearse']").await;
    app.wait_text("#env-badge", |t| t.contains("Rehearsal"))
        .await;
    let old = app.cli.json(&["profile", "list"])[0]["keyId"]
        .as_str()
        .expect("the rehearsal's key")
        .to_string();

    app.click("#nav-keys").await;
    app.wait_text("#rotate-title", |t| t.contains("Rotate the key"))
        .await;
    sign_in_as_vault_admin(&app).await;

    app.click("#rotate-start").await;
    app.wait_text("#rotate-step-redeploy[data-state='waiting']", |t| {
        t.contains("Redeploy app A")
    })
    .await;
    for step in ["generate", "add_to_client", "prove_new_key", "write_vault"] {
        app.wait_text(&format!("#rotate-step-{step}[data-state='done']"), |_| true)
            .await;
    }
    let both = app
        .wait_text("#rotate-client-keys", |t| t.contains(&old))
        .await;
    let new = app.cli.json(&["profile", "list"])[0]["keyId"]
        .as_str()
        .expect("the new key")
        .to_string();
    assert_ne!(
        new, old,
        "the profile signs with the new key once it is proven"
    );
    assert!(
        both.contains(&new),
        "both keys on the client during the overlap: {both}"
    );
    app.scroll_to("#rotate-card").await;
    app.screenshot("rotate-01-overlap.png").await;
    // The probe sees what the person must still do: the vault has the new key, app A does not.
    app.click("#rotate-check").await;
    app.wait_text("#rotate-probe [data-code='not_redeployed']", |t| {
        t.contains("app A still signs with the old one")
    })
    .await;

    app.click("#rotate-redeployed").await;
    app.wait_text("#rotate-finished", |t| t.contains(&new))
        .await;
    let after = app
        .wait_text("#rotate-client-keys", |t| !t.contains(&old))
        .await;
    assert!(after.contains(&new), "{after}");
    app.click("#rotate-check").await;
    app.wait_text("#rotate-probe-ok", |t| t.contains("No problem found"))
        .await;
    app.scroll_to("#rotate-card").await;
    app.screenshot("rotate-02-finished.png").await;
    app.select("#lang-switch", "nb").await;
    app.wait_text("#rotate-finished", |t| t.contains("Rotasjonen er fullført"))
        .await;
    app.scroll_to("#rotate-card").await;
    app.screenshot("rotate-02-finished-nb.png").await;

    let rotations = std::fs::read_to_string(app.cli.data.path().join("rotations.json"))
        .expect("the rotation is on record");
    assert!(rotations.contains(&old) && rotations.contains(&new));
    app.close().await;
}

/// As a vendor would, from a fresh profile on the sandbox: the client's scopes, the system in the
/// system register, a request to the customer with its link and QR code, the customer's approval
/// seen by the window's own status poll, then token, exchange and an instance of app B as the
/// customer's system user; app B checked for system users; nothing secret in the data folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_gets_an_instance_of_app_b_as_the_customers_system_user_in_the_window() {
    let app = Desktop::open().await;
    app.wait_text("#app-version", |t| !t.is_empty()).await;
    app.select("#lang-switch", "en").await;
    app.click("#guide-rehearse [data-testid='rehearse']").await;
    app.wait_text("#env-badge", |t| t.contains("Rehearsal"))
        .await;

    app.click("#nav-systemuser").await;
    app.wait_text("#su-scopes-missing", |t| {
        t.contains("altinn:authentication/systemregister.write")
    })
    .await;
    app.click("#su-scopes-add").await;
    app.wait_text("#su-scopes-ok", |t| t.contains("every scope"))
        .await;

    app.click("#su-system-read").await;
    app.wait_text("#su-system-changes", |t| t.contains("create the system"))
        .await;
    let before = app.cli.json(&["profile", "list"]);
    assert!(
        before[0]["scopes"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x == "altinn:instances.write")),
        "{before}"
    );
    app.click("#su-system-write").await;
    let registered = app
        .wait_text("#su-system-registered", |t| t.contains("app_"))
        .await;
    app.wait_text("#su-system-written", |t| t.contains("read back"))
        .await;
    let client_id = before[0]["clientId"].as_str().expect("client id");
    assert!(registered.contains(client_id), "{registered}");
    app.scroll_to("#su-system").await;
    app.screenshot("systemuser-01-system.png").await;

    // The proof waits for an approved request.
    app.wait_text("#su-proof-waiting", |t| t.contains("approved"))
        .await;
    let customer = assistant_sandbox::defaults::CUSTOMER_ORG_NUMBER;
    app.type_into("#su-customer", customer).await;
    app.type_into("#su-external-ref", "ref-1").await;
    app.click("#su-send").await;
    app.wait_text("#su-request-view[data-status='new'] #su-status", |t| {
        t.contains("waiting for the customer")
    })
    .await;
    app.wait_text("#su-poll[data-polling='true']", |t| {
        t.contains("Last checked")
    })
    .await;
    let confirm = app
        .wait_text("#su-confirm-url", |t| t.starts_with("http"))
        .await;
    let squares = app
        .eval("return document.querySelector('#su-qr path')?.getAttribute('d')?.split('M').length ?? 0")
        .await;
    assert!(
        squares.as_u64().is_some_and(|n| n > 100),
        "a QR code with its modules: {squares}"
    );
    app.scroll_to("#su-request").await;
    app.screenshot("systemuser-02-request.png").await;

    // The customer approves elsewhere; the window sees it by its own poll, no click here.
    assistant_tests::systemuser::decide_on_confirm_page(confirm.trim(), customer, true).await;
    app.wait_text("#su-request-view[data-status='accepted'] #su-status", |t| {
        t.contains("approved")
    })
    .await;
    let polled = app
        .eval("return document.querySelector('#su-poll') === null")
        .await;
    assert_eq!(polled, serde_json::json!(true), "no poll after a decision");

    app.click("#su-proof-token").await;
    app.wait_text("#su-proof-report[data-ok='true']", |t| t.contains(customer))
        .await;
    let kept = app
        .wait_text("[data-testid='claim-altinn-system-user']", |t| {
            t.contains(customer)
        })
        .await;
    assert!(
        kept.contains("maskinporten-assistant"),
        "the Altinn token keeps the system user: {kept}"
    );
    app.click("#su-proof-instance").await;
    let made = app
        .wait_text("#su-proof-made", |t| {
            t.contains(assistant_sandbox::defaults::CUSTOMER_PARTY_ID)
        })
        .await;
    assert!(made.contains("system user"), "{made}");
    app.scroll_to("#su-proof").await;
    app.screenshot("systemuser-03-proof.png").await;
    app.select("#lang-switch", "nb").await;
    app.wait_text("#su-proof-made", |t| t.contains("systembrukeren"))
        .await;
    app.screenshot("systemuser-03-proof-nb.png").await;
    app.select("#lang-switch", "en").await;

    // App B, a real public app state: the current v8 template is ready for system users.
    let app_b = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/real-apps/altinn-studio-template-v8")
        .canonicalize()
        .expect("fixture");
    app.type_into("#su-appb-folder", &app_b.display().to_string())
        .await;
    app.click("#su-appb-check").await;
    app.wait_text("#su-appb-ready", |t| t.contains("ready for system users"))
        .await;
    let roles = app
        .wait_text("#su-appb-roles", |t| t.contains("dagl"))
        .await;
    assert!(roles.contains("priv"), "{roles}");

    // The checklist took the system-user route for this profile and holds every proof.
    app.click("#nav-guide").await;
    app.wait_text("#guide-route[data-route='system_user']", |t| {
        t.contains("System user")
    })
    .await;
    app.wait_text("#guide-complete", |t| !t.is_empty()).await;
    for step in [
        "client",
        "key",
        "system_register",
        "system_user_approval",
        "app_b_system_users",
        "token",
        "exchange",
        "instance",
    ] {
        app.wait_text(
            &format!("#guide-step-{step}[data-state='verified']"),
            |_| true,
        )
        .await;
    }
    app.wait_text("#flow-customer[data-state='ok']", |_| true)
        .await;
    app.scroll_to("#guide-route").await;
    app.screenshot("systemuser-04-checklist.png").await;

    let everything = support::all_text_under(app.cli.data.path());
    assert!(
        !assistant_tests::holds_jwt(&everything),
        "no token in the data folder"
    );
    app.close().await;
}
