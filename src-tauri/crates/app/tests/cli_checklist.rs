//! The guided checklist from the command line, on the sandbox: every step driven by the action
//! that proves it (the same history lines the window writes), a person's own marks, and the report,
//! scanned for the key's private parts and the run's tokens.

mod support;

use base64::Engine as _;
use support::{all_text_under, text};

fn app_a() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/wizard/app-a")
        .canonicalize()
        .expect("fixture")
        .display()
        .to_string()
}

fn states(list: &serde_json::Value) -> Vec<(String, String)> {
    list["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn state_of(list: &serde_json::Value, step: &str) -> String {
    states(list)
        .into_iter()
        .find(|(id, _)| id == step)
        .map(|(_, s)| s)
        .expect("step")
}

#[test]
fn every_step_is_proven_by_its_action_and_the_report_holds_no_secret() {
    let cli = support::cli();
    cli.json(&["profile", "create", "Rehearsal"]);
    let fresh = cli.json(&["checklist", "--profile", "Rehearsal"]);
    assert!(states(&fresh).iter().all(|(_, s)| s == "todo"), "{fresh}");
    assert_eq!(fresh["next"], "path");

    let kid = cli.json(&["key", "generate", "--profile", "Rehearsal"])["kid"]
        .as_str()
        .unwrap()
        .to_string();
    let list = cli.json(&["checklist", "--profile", "Rehearsal"]);
    assert_eq!(state_of(&list, "key"), "done");
    assert_eq!(list["key"]["kid"], kid.as_str());
    assert_eq!(list["key"]["level"], "ok");
    assert!(
        list["key"]["daysLeft"]
            .as_i64()
            .is_some_and(|d| (364..=366).contains(&d)),
        "{list}"
    );

    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    assert_eq!(
        state_of(
            &cli.json(&["checklist", "--profile", "Rehearsal"]),
            "client"
        ),
        "verified"
    );

    let checked = cli.run(&["config", "check", &app_a(), "--profile", "Rehearsal"]);
    assert!(
        checked.status.success(),
        "{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );
    let exchange = cli.run(&["exchange", "--profile", "Rehearsal"]);
    assert!(exchange.status.success(), "{}", text(&exchange.stdout));
    let made = cli.json(&[
        "instantiate",
        "--profile",
        "Rehearsal",
        "--owner",
        "312345676",
    ]);
    let instance_id = made["instance"]["id"]
        .as_str()
        .expect("instance id")
        .to_string();
    for args in [
        [
            "keyvault",
            "probe",
            "--profile",
            "Rehearsal",
            "--sandbox-identity",
            "admin@sandbox.example",
        ],
        [
            "keyvault",
            "write",
            "--profile",
            "Rehearsal",
            "--sandbox-identity",
            "admin@sandbox.example",
        ],
    ] {
        let out = cli.run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }

    let list = cli.json(&["checklist", "--profile", "Rehearsal"]);
    assert_eq!(list["path"], "own_identity");
    assert_eq!(list["appFolder"], app_a().as_str());
    for step in [
        "path",
        "vault_access",
        "client",
        "key",
        "vault_write",
        "config",
        "token",
        "exchange",
        "instance",
    ] {
        assert_eq!(state_of(&list, step), "verified", "{step}: {list}");
    }
    assert_eq!(list["next"], "redeploy");
    assert_eq!(list["complete"], false);

    // Steps the tool proves cannot be ticked by hand; the redeploy is the person's to tick.
    let refused = cli.json_error(&[
        "checklist",
        "--profile",
        "Rehearsal",
        "--mark",
        "token",
        "--state",
        "done",
    ]);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("cannot be marked"),
        "{refused}"
    );
    let done = cli.json(&[
        "checklist",
        "--profile",
        "Rehearsal",
        "--mark",
        "redeploy",
        "--state",
        "done",
    ]);
    assert_eq!(done["complete"], true, "{done}");
    let human = text(&cli.run(&["checklist", "--profile", "Rehearsal"]).stdout);
    assert!(
        human.contains("Every step is done.") && human.contains("✓✓  Token test"),
        "{human}"
    );

    // A new key makes the proofs made with the old one stale.
    let other = cli.json(&["key", "generate"])["kid"]
        .as_str()
        .unwrap()
        .to_string();
    cli.json(&["profile", "edit", "Rehearsal", "--key", &other]);
    let stale = cli.json(&["checklist", "--profile", "Rehearsal"]);
    assert_eq!(state_of(&stale, "token"), "todo");
    assert_eq!(state_of(&stale, "config"), "verified");
    cli.json(&["profile", "edit", "Rehearsal", "--key", &kid]);

    // The secrets a report must not hold: the private key's parts and this run's tokens.
    let encoded = cli.json(&["key", "encoded-jwk", &kid, "--print-secret"])["encodedJwk"]
        .as_str()
        .unwrap()
        .to_string();
    let jwk: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap(),
    )
    .unwrap();
    let shown = text(
        &cli.run(&[
            "exchange",
            "--profile",
            "Rehearsal",
            "--print-secret-tokens",
        ])
        .stdout,
    );
    let tokens: Vec<&str> = shown
        .split_whitespace()
        .filter(|w| w.starts_with("eyJ"))
        .collect();
    assert_eq!(tokens.len(), 2, "{shown}");

    let out = cli.data.path().join("team-report.html");
    let saved = cli.json(&[
        "report",
        "--profile",
        "Rehearsal",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(saved["path"], out.to_str().unwrap());
    let html = std::fs::read_to_string(&out).expect("report");
    for shown in [
        kid.as_str(),
        instance_id.as_str(),
        "312345676",
        "Activity log",
        "urn:altinn:orgNumber",
        "client_amr",
    ] {
        assert!(html.contains(shown), "the report should show {shown}");
    }
    let again = cli.json_error(&[
        "report",
        "--profile",
        "Rehearsal",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again["kind"], "confirmation_required");
    let nb = cli.json(&["report", "--profile", "Rehearsal", "--lang", "nb"]);
    let nb_html = std::fs::read_to_string(nb["path"].as_str().unwrap()).unwrap();
    assert!(nb_html.contains("lang=\"nb\"") && nb_html.contains("Bekreftet"));

    let everything = all_text_under(cli.data.path());
    let mut secrets: Vec<String> = ["d", "p", "q", "dp", "dq", "qi"]
        .iter()
        .map(|f| jwk[f].as_str().unwrap().to_string())
        .collect();
    secrets.push(encoded);
    for token in &tokens {
        secrets.push(token.to_string());
        secrets.push(token.rsplit('.').next().unwrap().to_string()); // the signature alone
    }
    for secret in &secrets {
        assert!(secret.len() > 40);
        assert!(
            !everything.contains(secret.as_str()),
            "a secret reached the data folder (report or history)"
        );
    }
    assert!(
        !assistant_tests::holds_jwt(&everything),
        "nothing JWT-shaped in the data folder"
    );
    assert!(!everything.contains("PRIVATE KEY"));
}

#[test]
fn a_test_profile_using_a_key_that_was_in_the_sandbox_is_warned_and_a_fresh_one_is_not() {
    let cli = support::cli();
    cli.json(&["profile", "create", "Rehearsal"]);
    let rehearsed = cli.json(&["key", "generate", "--profile", "Rehearsal"])["kid"]
        .as_str()
        .unwrap()
        .to_string();
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    let fresh = cli.json(&["key", "generate"])["kid"]
        .as_str()
        .unwrap()
        .to_string();
    let test_profile = |name: &str, kid: &str| {
        cli.json(&[
            "profile",
            "create",
            name,
            "--env",
            "test",
            "--org",
            "312345676",
            "--key",
            kid,
        ]);
        cli.json(&["checklist", "--profile", name])
    };
    let warned = test_profile("Test with the sandbox key", &rehearsed);
    let warnings = warned["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warned}");
    assert!(
        warnings[0]["en"]
            .as_str()
            .is_some_and(|w| w.contains(&rehearsed) && w.contains("sandbox"))
            && warnings[0]["nb"]
                .as_str()
                .is_some_and(|w| w.contains("sandkassen")),
        "{warned}"
    );
    let printed = cli.run(&["checklist", "--profile", "Test with the sandbox key"]);
    assert!(
        text(&printed.stdout).contains("⚠ Key"),
        "{}",
        text(&printed.stdout)
    );
    let clean = test_profile("Test with its own key", &fresh);
    assert_eq!(clean["warnings"], serde_json::json!([]), "{clean}");
    // The sandbox profile itself is not warned about its own key.
    let sandbox = cli.json(&["checklist", "--profile", "Rehearsal"]);
    assert_eq!(sandbox["warnings"], serde_json::json!([]));
}
