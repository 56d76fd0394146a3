//! `system register|show` against the sandbox's system register (issue 17): what is there and
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
        serde_json::json!([format!("create the system {id}")])
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
