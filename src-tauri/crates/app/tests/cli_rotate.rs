//! `key rotate` from the command line on the sandbox, with `sandbox serve` keeping
//! one vault and one Maskinporten across commands: both kids work during the overlap, the old
//! one is refused after its removal, the vault holds the new key, the report shows the
//! rotation; a rotation run one step per process (a restart after every step) ends the same
//! and never removes the old key before the new one was proven; a sixth key is refused before
//! anything is sent; `key list --expiring` fails a scheduled job in time.

mod support;

use assistant_sandbox::defaults;
use support::{Cli, Serving, all_text_under, text};

const ADMIN: &str = "admin@sandbox.example";

/// A sandbox profile with a working key registered on its client; returns the kid.
fn working_profile(cli: &Cli) -> String {
    cli.json(&[
        "profile",
        "create",
        "Rehearsal",
        "--client-id",
        defaults::CLIENT_ID,
        "--secret-prefix",
        "rehearsal",
    ]);
    let kid = cli.json(&["key", "generate", "--profile", "Rehearsal"])["kid"]
        .as_str()
        .expect("kid")
        .to_string();
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    kid
}

/// A second profile on the same client that signs with `kid`: proves what Maskinporten
/// accepts for a given key.
fn prober(cli: &Cli, name: &str, kid: &str) {
    cli.json(&[
        "profile",
        "create",
        name,
        "--client-id",
        defaults::CLIENT_ID,
        "--org",
        defaults::ORG_NUMBER,
        "--scope",
        "altinn:serviceowner/instances.read",
        "--key",
        kid,
    ]);
}

fn token_ok(cli: &Cli, profile: &str) -> bool {
    cli.run(&["token", "--profile", profile]).status.success()
}

fn rotate(cli: &Cli, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "--json",
        "key",
        "rotate",
        "--profile",
        "Rehearsal",
        "--sandbox-identity",
        ADMIN,
    ];
    args.extend_from_slice(extra);
    let out = cli.run(&args);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("rotation as JSON")
}

fn states(view: &serde_json::Value) -> Vec<(String, String)> {
    view["rotation"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn state_of(view: &serde_json::Value, step: &str) -> String {
    states(view)
        .into_iter()
        .find(|(s, _)| s == step)
        .map(|(_, st)| st)
        .unwrap_or_default()
}

#[test]
fn a_working_key_is_rotated_without_downtime_and_the_report_shows_it() {
    let cli = support::cli();
    let old = working_profile(&cli);
    let _serving = Serving::start(&cli, &[]);
    let out = cli.run(&[
        "keyvault",
        "write",
        "--profile",
        "Rehearsal",
        "--sandbox-identity",
        ADMIN,
    ]);
    assert!(
        out.status.success(),
        "the old key in the vault first: {}",
        text(&out.stderr)
    );
    prober(&cli, "OldKey", &old);
    assert!(token_ok(&cli, "OldKey"), "sanity: the old key works");

    let first = rotate(&cli, &[]);
    assert_eq!(first["stoppedAt"], "redeploy", "{first}");
    let new = first["rotation"]["newKid"]
        .as_str()
        .expect("new kid")
        .to_string();
    assert_ne!(new, old);
    for step in ["generate", "add_to_client", "prove_new_key", "write_vault"] {
        assert_eq!(state_of(&first, step), "done", "{step}: {first}");
    }
    assert_eq!(state_of(&first, "redeploy"), "waiting");
    assert_eq!(state_of(&first, "remove_old"), "todo");
    let on_client: Vec<&str> = first["rotation"]["clientKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(
        on_client.contains(&old.as_str()) && on_client.contains(&new.as_str()),
        "{on_client:?}"
    );

    // The overlap: both kids get tokens; the profile now signs with the new one.
    prober(&cli, "NewKey", &new);
    assert!(
        token_ok(&cli, "OldKey") && token_ok(&cli, "NewKey"),
        "both kids work during the overlap"
    );
    assert_eq!(
        cli.json(&["profile", "show", "Rehearsal"])["keyId"],
        new.as_str()
    );
    let verified = text(
        &cli.run(&[
            "keyvault",
            "verify",
            "--profile",
            "Rehearsal",
            "--sandbox-identity",
            ADMIN,
        ])
        .stdout,
    );
    assert!(
        verified.contains(&format!("keychain key {new}")),
        "the vault holds the new key: {verified}"
    );

    // A second run without the redeploy changes nothing.
    let again = rotate(&cli, &[]);
    assert_eq!(again["stoppedAt"], "redeploy");
    assert!(
        token_ok(&cli, "OldKey"),
        "the old key stays until the redeploy is confirmed"
    );

    let done = rotate(&cli, &["--redeployed"]);
    assert!(done["rotation"]["finished"].is_string(), "{done}");
    assert_eq!(state_of(&done, "remove_old"), "done", "{done}");
    let detail = done["rotation"]["steps"][5]["detail"]["en"]
        .as_str()
        .unwrap();
    assert!(
        detail.contains("1 older vault version(s) disabled"),
        "{detail}"
    );
    let on_client: Vec<&str> = done["rotation"]["clientKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(on_client, [new.as_str()]);
    let refused = cli.json_error(&["token", "--profile", "OldKey"]);
    assert_eq!(
        refused["message"], "The key is not registered on the client",
        "the old key is refused after its removal"
    );
    assert!(
        token_ok(&cli, "Rehearsal") && token_ok(&cli, "NewKey"),
        "the new key works after"
    );

    let report = cli.json(&["report", "--profile", "Rehearsal"]);
    let html =
        std::fs::read_to_string(report["path"].as_str().expect("report path")).expect("report");
    for needle in ["Key rotations", old.as_str(), new.as_str(), "Finished"] {
        assert!(html.contains(needle), "{needle} in the report");
    }
    let everything = all_text_under(cli.data.path());
    assert!(
        !everything.contains("\"d\":") && !everything.contains("eyJ"),
        "no key material or token stored"
    );
}

#[test]
fn one_step_per_process_resumes_each_time_and_never_drops_the_old_key_before_the_proofs() {
    let cli = support::cli();
    let old = working_profile(&cli);
    let _serving = Serving::start(&cli, &[]);
    prober(&cli, "OldKey", &old);
    let mut seen = Vec::new();
    for _ in 0..12 {
        let view = rotate(&cli, &["--step", "--redeployed"]);
        let now = states(&view);
        // While the new key has not been proven twice, the old key must still work.
        let proven =
            state_of(&view, "prove_new_key") == "done" && state_of(&view, "redeploy") == "done";
        if !proven {
            assert!(
                token_ok(&cli, "OldKey"),
                "old key removed before the proofs: {now:?}"
            );
        }
        seen.push(now);
        if view["rotation"]["finished"].is_string() {
            break;
        }
    }
    let last = seen.last().expect("ran");
    assert!(last.iter().all(|(_, state)| state == "done"), "{last:?}");
    assert_eq!(seen.len(), 6, "one step per process: {seen:#?}");
    assert!(
        !token_ok(&cli, "OldKey"),
        "the old key is refused at the end"
    );
}

#[test]
fn a_sixth_key_is_refused_before_anything_is_sent_naming_the_keys_that_could_go() {
    let cli = support::cli();
    working_profile(&cli);
    // Four more keys on the client, as the portal would have them: five in all.
    for i in 0..4 {
        let name = format!("Extra{i}");
        cli.json(&[
            "profile",
            "create",
            &name,
            "--client-id",
            defaults::CLIENT_ID,
        ]);
        cli.json(&["key", "generate", "--profile", &name]);
        cli.json(&["sandbox", "register", "--profile", &name]);
    }
    let _serving = Serving::start(&cli, &[]);
    let out = cli.run(&[
        "--json",
        "key",
        "rotate",
        "--profile",
        "Rehearsal",
        "--sandbox-identity",
        ADMIN,
    ]);
    assert!(!out.status.success(), "a failed step exits 1");
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(state_of(&view, "add_to_client"), "failed", "{view}");
    let words = view["rotation"]["steps"][1]["detail"]["en"]
        .as_str()
        .unwrap();
    assert!(
        words.contains("already has 5 keys") && words.contains("nothing was sent"),
        "{words}"
    );
    assert!(
        words.contains("extra0") || words.contains(defaults::ORG_NUMBER),
        "names keys that could go: {words}"
    );
    assert_eq!(
        view["rotation"]["clientKeys"].as_array().unwrap().len(),
        5,
        "the set is unchanged"
    );
}

#[test]
fn key_list_expiring_passes_a_fresh_key_and_fails_one_that_runs_out_within_the_window() {
    let cli = support::cli();
    working_profile(&cli);
    let fresh = cli.run(&["key", "list", "--expiring"]);
    assert!(fresh.status.success(), "{}", text(&fresh.stdout));
    assert!(text(&fresh.stdout).contains("No key expires within 60 days"));
    let soon = cli.run(&["key", "list", "--expiring", "--days", "400"]);
    assert_eq!(soon.status.code(), Some(1), "{}", text(&soon.stdout));
    let said = text(&soon.stderr);
    assert!(
        said.contains("expire within 400 days") && said.contains("key rotate --profile Rehearsal"),
        "{said}"
    );
}

fn check(cli: &Cli) -> (bool, serde_json::Value) {
    let out = cli.run(&[
        "--json",
        "key",
        "check",
        "--profile",
        "Rehearsal",
        "--sandbox-identity",
        ADMIN,
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", text(&out.stdout), text(&out.stderr)));
    (out.status.success(), report)
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_probes_find_a_vault_key_not_on_the_client_a_missing_redeploy_and_five_keys() {
    let cli = support::cli();
    working_profile(&cli);
    let _serving = Serving::start(&cli, &[]);
    let out = cli.run(&[
        "keyvault",
        "write",
        "--profile",
        "Rehearsal",
        "--sandbox-identity",
        ADMIN,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (ok, healthy) = check(&cli);
    assert!(ok, "a working set-up has no finding: {healthy}");
    assert_eq!(healthy["lookedAt"], serde_json::json!(["client", "vault"]));

    // Not redeployed: the rotation wrote the vault and waits for the redeploy.
    rotate(&cli, &[]);
    let (ok, waiting) = check(&cli);
    assert!(!ok);
    assert_eq!(codes(&waiting), ["not_redeployed"], "{waiting}");
    assert!(
        waiting["findings"][0]["explanation"]["nb"]
            .as_str()
            .unwrap()
            .contains("deployes på nytt")
    );

    // The key in Key Vault is not on the client: a key written to the vault that nobody added.
    let stray = cli.json(&["key", "generate", "--profile", "Rehearsal"])["kid"]
        .as_str()
        .unwrap()
        .to_string();
    let out = cli.run(&[
        "keyvault",
        "write",
        "--profile",
        "Rehearsal",
        "--yes",
        "--sandbox-identity",
        ADMIN,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (ok, stray_found) = check(&cli);
    assert!(!ok);
    assert!(
        codes(&stray_found).contains(&"vault_key_not_on_client".to_string()),
        "{stray_found}"
    );
    assert_eq!(stray_found["vaultKid"], stray.as_str());
    let said = stray_found["findings"][0]["explanation"]["en"]
        .as_str()
        .unwrap();
    assert!(
        said.contains(&stray) && said.contains("Unknown key identifier (kid)"),
        "{said}"
    );
}

#[test]
fn the_probe_finds_five_keys_without_signing_in() {
    let cli = support::cli();
    working_profile(&cli);
    for i in 0..4 {
        let name = format!("Extra{i}");
        cli.json(&[
            "profile",
            "create",
            &name,
            "--client-id",
            defaults::CLIENT_ID,
        ]);
        cli.json(&["key", "generate", "--profile", &name]);
        cli.json(&["sandbox", "register", "--profile", &name]);
    }
    let out = cli.run(&[
        "--json",
        "key",
        "check",
        "--profile",
        "Rehearsal",
        "--no-vault",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(codes(&report), ["client_keys_full"]);
    assert_eq!(report["lookedAt"], serde_json::json!(["client"]));
    assert!(
        report["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Five keys already")),
        "{report}"
    );
}

#[test]
fn the_first_key_goes_onto_the_client_through_the_self_service_api_and_the_checklist_says_so() {
    let cli = support::cli();
    let _serving = Serving::start(&cli, &[]);
    cli.json(&[
        "profile",
        "create",
        "Fresh",
        "--client-id",
        defaults::CLIENT_ID,
        "--org",
        defaults::ORG_NUMBER,
        "--scope",
        "altinn:serviceowner/instances.read",
    ]);
    let kid = cli.json(&["key", "generate", "--profile", "Fresh"])["kid"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!token_ok(&cli, "Fresh"), "sanity: not on the client yet");
    let keys = cli.json(&["key", "upload", "--profile", "Fresh"]);
    assert!(
        keys.as_array()
            .unwrap()
            .iter()
            .any(|k| k["kid"] == kid.as_str()),
        "{keys}"
    );
    let list = cli.json(&["checklist", "--profile", "Fresh"]);
    let client = list["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "client")
        .expect("client step");
    assert_eq!(client["state"], "verified", "{client}");
    assert!(
        client["outcome"].to_string().contains("self-service API"),
        "{client}"
    );
    assert!(token_ok(&cli, "Fresh"), "the uploaded key gets a token");
    let again = cli.json(&["key", "upload", "--profile", "Fresh"]);
    assert_eq!(again, keys, "a second upload changes nothing");
}
