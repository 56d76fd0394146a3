//! `system register|show` against the sandbox's system register: what is there and
//! what the profile needs are shown before anything changes; --yes creates and reads back; a
//! client without the register's scope is told what to add.

mod support;

use assistant_sandbox::defaults;
use support::{Cli, Serving, text};

const SCOPE: &str = "altinn:authentication/systemregister.write";

fn vendor(cli: &Cli, scopes: &[&str]) {
    let app_b = format!("{}/{}", defaults::APP_ORG, defaults::APP_NAME);
    let mut args = vec![
        "profile",
        "create",
        "Vendor",
        "--client-id",
        defaults::CLIENT_ID,
        "--org",
        defaults::ORG_NUMBER,
        "--app-b",
        &app_b,
    ];
    for scope in scopes {
        args.extend(["--scope", scope]);
    }
    cli.json(&args);
    cli.json(&["key", "generate", "--profile", "Vendor"]);
    cli.json(&["sandbox", "register", "--profile", "Vendor"]);
}

#[test]
fn the_system_is_shown_then_registered_only_with_yes_and_then_has_everything() {
    let cli = support::cli();
    vendor(&cli, &[SCOPE, "altinn:instances.read"]);
    let _serving = Serving::start(&cli, &[]);
    let id = format!("{}_maskinporten-assistant", defaults::ORG_NUMBER);

    let shown = cli.json(&["system", "show", "--profile", "Vendor"]);
    assert_eq!(shown["systemId"], id.as_str());
    assert!(shown["registered"].is_null(), "{shown}");
    assert_eq!(
        shown["changes"],
        serde_json::json!([{"en": format!("create the system {id}"), "nb": format!("opprette systemet {id}")}])
    );

    let asked = cli.run(&["--json", "system", "register", "--profile", "Vendor"]);
    assert_eq!(asked.status.code(), Some(1), "{}", text(&asked.stdout));
    let asked: serde_json::Value = serde_json::from_slice(&asked.stdout).expect("JSON");
    assert_eq!(asked["error"]["kind"], "confirmation_required");
    assert!(
        cli.json(&["system", "show", "--profile", "Vendor"])["registered"].is_null(),
        "nothing changed"
    );

    let done = cli.json(&["system", "register", "--profile", "Vendor", "--yes"]);
    assert_eq!(done["written"], true);
    assert_eq!(
        done["registered"]["clientId"],
        serde_json::json!([defaults::CLIENT_ID])
    );
    assert_eq!(
        done["registered"]["rights"][0]["resource"][0]["value"],
        format!("app_{}_{}", defaults::APP_ORG, defaults::APP_NAME)
    );
    let after = cli.run(&["system", "show", "--profile", "Vendor"]);
    assert!(after.status.success());
    assert!(
        text(&after.stdout).contains("It has everything the profile needs."),
        "{}",
        text(&after.stdout)
    );
}

#[test]
fn without_the_registers_scope_on_the_client_the_tool_says_what_to_add() {
    let cli = support::cli();
    vendor(&cli, &["altinn:instances.read"]);
    let refused = cli.json_error(&["system", "show", "--profile", "Vendor"]);
    assert!(
        refused["hint"].as_str().is_some_and(|h| h.contains(SCOPE)),
        "{refused}"
    );
}

/// What the customer does on the confirm page, in their browser: open it, press Approve.
fn approve(confirm_url: &str) -> String {
    tokio::runtime::Runtime::new().unwrap().block_on(
        assistant_tests::systemuser::decide_on_confirm_page(
            confirm_url,
            defaults::CUSTOMER_ORG_NUMBER,
            true,
        ),
    )
}

#[test]
fn a_customer_approves_a_system_user_request_and_the_vendor_then_gets_its_token_and_exchange() {
    let cli = support::cli();
    vendor(
        &cli,
        &[
            SCOPE,
            "altinn:authentication/systemuser.request.write",
            "altinn:authentication/systemuser.request.read",
            "altinn:instances.read",
            "altinn:instances.write",
        ],
    );
    let _serving = Serving::start(&cli, &[]);
    cli.json(&["system", "register", "--profile", "Vendor", "--yes"]);
    let customer = defaults::CUSTOMER_ORG_NUMBER;
    let token_as_system_user = || {
        cli.run(&[
            "exchange",
            "--profile",
            "Vendor",
            "--scope",
            "altinn:instances.read altinn:instances.write",
            "--system-user",
            customer,
            "--external-ref",
            "ref-1",
        ])
    };
    let before = token_as_system_user();
    assert!(!before.status.success(), "no system user yet");
    assert!(
        text(&before.stdout).contains("MP-303") || text(&before.stderr).contains("MP-303"),
        "{}{}",
        text(&before.stdout),
        text(&before.stderr)
    );

    let asked = cli.json(&[
        "systemuser",
        "request",
        "--profile",
        "Vendor",
        "--customer",
        customer,
        "--external-ref",
        "ref-1",
    ]);
    assert_eq!(asked["status"], "new", "{asked}");
    let id = asked["request"]["id"].as_str().unwrap().to_string();
    let confirm = asked["request"]["confirmUrl"]
        .as_str()
        .expect("confirm link")
        .to_string();
    let again = cli.json(&[
        "systemuser",
        "request",
        "--profile",
        "Vendor",
        "--customer",
        customer,
        "--external-ref",
        "ref-1",
    ]);
    assert_eq!(
        again["request"]["id"],
        id.as_str(),
        "a pending request is given back, not doubled"
    );

    let decided = approve(&confirm);
    assert!(decided.contains("Approved"), "{decided}");
    let status = cli.json(&[
        "systemuser",
        "status",
        "--profile",
        "Vendor",
        "--id",
        &id,
        "--wait",
    ]);
    assert_eq!(status["status"], "accepted", "{status}");
    assert!(
        status["nextStep"]["en"]
            .as_str()
            .unwrap()
            .contains("--system-user")
    );
    let listed = cli.json(&["systemuser", "list", "--profile", "Vendor"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);

    let after = token_as_system_user();
    assert!(
        after.status.success(),
        "{}{}",
        text(&after.stdout),
        text(&after.stderr)
    );
    let printed = text(&after.stdout);
    assert!(
        printed.contains("✓ Token") && printed.contains("Exchange"),
        "{printed}"
    );
    // The vendor alone may not make instances for the customer; as its system user it may.
    let alone = cli.run(&["instantiate", "--profile", "Vendor", "--owner", customer]);
    assert!(!alone.status.success(), "the vendor's own token is refused");
    let made = cli.json(&[
        "instantiate",
        "--profile",
        "Vendor",
        "--owner",
        customer,
        "--system-user",
        customer,
        "--external-ref",
        "ref-1",
    ]);
    assert_eq!(
        made["instance"]["ownerPartyId"],
        defaults::CUSTOMER_PARTY_ID,
        "{made}"
    );
    // The checklist took the system-user route by itself (no app A, a vendor's scope) and holds
    // what each command proved; app B's readiness comes from a real public app state.
    let app_b = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/real-apps/altinn-studio-template-v8");
    let checked = cli.json(&[
        "system",
        "check-app-b",
        "--app-b",
        app_b.to_str().unwrap(),
        "--profile",
        "Vendor",
    ]);
    assert_eq!(
        checked["roles"],
        serde_json::json!(["priv", "dagl"]),
        "{checked}"
    );
    let list = cli.json(&["checklist", "--profile", "Vendor"]);
    assert_eq!(list["route"], "system_user", "{list}");
    let states: Vec<(String, String)> = list["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().into(),
                s["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("client", "verified"),
        ("key", "verified"),
        ("system_register", "verified"),
        ("system_user_approval", "verified"),
        ("app_b_system_users", "verified"),
        ("token", "verified"),
        ("exchange", "verified"),
        ("instance", "verified"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(states, want, "{list}");
    assert_eq!(list["complete"], true);
    let text = text(&cli.run(&["checklist", "--profile", "Vendor"]).stdout);
    assert!(text.contains("route system user"), "{text}");
    // Back to the multi-app route: the person's choice wins, and its steps come back.
    let multi = cli.json(&["checklist", "--profile", "Vendor", "--route", "multi-app"]);
    assert_eq!(multi["steps"].as_array().unwrap().len(), 10);
    // Reading a status the history already holds writes nothing, whichever route is chosen.
    let request_lines = || {
        std::fs::read_to_string(cli.data.path().join("history.jsonl"))
            .unwrap()
            .matches("system-user-request")
            .count()
    };
    let before = request_lines();
    for _ in 0..2 {
        cli.json(&["systemuser", "status", "--profile", "Vendor", "--id", &id]);
    }
    assert_eq!(request_lines(), before, "no line per status read");
    let back = cli.json(&["checklist", "--profile", "Vendor", "--route", "system-user"]);
    assert_eq!(back["complete"], true, "the proofs are kept: {back}");

    let duplicate = cli.json_error(&[
        "systemuser",
        "request",
        "--profile",
        "Vendor",
        "--customer",
        customer,
        "--external-ref",
        "ref-1",
    ]);
    assert!(
        duplicate["message"]
            .as_str()
            .unwrap()
            .contains("AUTH-00004"),
        "{duplicate}"
    );
}

/// The diagnosis code of a failed system-user exchange.
fn mp303_cause(cli: &Cli, customer: &str, external_ref: Option<&str>) -> String {
    let mut args = vec![
        "--json",
        "exchange",
        "--profile",
        "Vendor",
        "--scope",
        "altinn:instances.read",
        "--system-user",
        customer,
    ];
    if let Some(r) = external_ref {
        args.extend(["--external-ref", r]);
    }
    let out = cli.run(&args);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    let diagnosis = &report["diagnosis"];
    assert!(
        diagnosis["raw"]
            .as_str()
            .is_some_and(|r| r.contains("MP-303")),
        "Maskinporten's own words are kept: {diagnosis}"
    );
    assert!(
        !diagnosis["fix"]["nb"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    diagnosis["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn each_mp303_cause_produced_on_the_sandbox_gets_its_own_explanation() {
    let cli = support::cli();
    vendor(
        &cli,
        &[
            SCOPE,
            "altinn:authentication/systemuser.request.write",
            "altinn:authentication/systemuser.request.read",
            "altinn:instances.read",
        ],
    );
    let _serving = Serving::start(&cli, &[]);
    let customer = defaults::CUSTOMER_ORG_NUMBER;
    assert_eq!(
        mp303_cause(&cli, customer, Some("ref-1")),
        "system_not_registered"
    );
    cli.json(&["system", "register", "--profile", "Vendor", "--yes"]);
    assert_eq!(
        mp303_cause(&cli, customer, Some("ref-1")),
        "system_user_not_requested"
    );
    let asked = cli.json(&[
        "systemuser",
        "request",
        "--profile",
        "Vendor",
        "--customer",
        customer,
        "--external-ref",
        "ref-1",
    ]);
    assert_eq!(
        mp303_cause(&cli, customer, Some("ref-1")),
        "system_user_not_approved"
    );
    approve(asked["request"]["confirmUrl"].as_str().unwrap());
    assert_eq!(
        mp303_cause(&cli, customer, Some("ref-2")),
        "system_user_wrong_external_ref"
    );
    assert_eq!(
        mp303_cause(&cli, customer, None),
        "system_user_wrong_external_ref",
        "missing"
    );
    assert_eq!(
        mp303_cause(&cli, defaults::SUBUNIT_ORG_NUMBER, Some("ref-1")),
        "system_user_wrong_org"
    );
}
