//! `config check` and `config snippet` through the real binary: exit codes, the `--json` shape,
//! the profile cross-check and app B, on the fixtures in tests/fixtures/appconfig.

mod support;

use std::path::PathBuf;

use support::text;

fn fixture(case: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/appconfig")
        .join(case)
        .display()
        .to_string()
}

#[test]
fn a_clean_app_exits_zero_and_reports_its_path_sections_and_snippet_as_json() {
    let cli = support::cli();
    let report = cli.json(&["config", "check", &fixture("own-identity")]);
    assert_eq!(report["path"]["path"], "own_identity");
    assert_eq!(report["path"]["appVersion"], "8.6.2");
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        report["sections"][0]["section"],
        "orderapp:MaskinportenSettingsExternal"
    );
    assert_eq!(report["sections"][0]["client"], "own_identity");
    assert_eq!(report["sections"][0]["line"], 33);
    assert_eq!(
        report["snippet"]["secrets"][1]["name"],
        "orderapp--MaskinportenSettingsExternal--EncodedJwk"
    );
    assert!(report.get("error").is_none(), "no error on a clean app");
}

#[test]
fn an_error_level_finding_exits_one_and_still_prints_every_finding() {
    let cli = support::cli();
    let out = cli.run(&["--json", "config", "check", &fixture("keyvault-order")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let finding = &report["findings"][0];
    assert_eq!(finding["id"], "keyvault_order");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "App/Program.cs");
    assert_eq!(finding["line"], 27);
    assert!(
        finding["message"]["en"]
            .as_str()
            .is_some_and(|m| m.contains("ConfigureAppWebHost"))
    );
    assert!(finding["fix"]["nb"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(report["error"]["kind"], "invalid_input");

    let plain = cli.run(&["config", "check", &fixture("keyvault-order")]);
    assert_eq!(plain.status.code(), Some(1));
    let stdout = text(&plain.stdout);
    assert!(
        stdout.contains("App/Program.cs:27  [keyvault_order]"),
        "{stdout}"
    );
    assert!(
        text(&plain.stderr).contains("1 error"),
        "{}",
        text(&plain.stderr)
    );
}

#[test]
fn warnings_alone_keep_the_exit_code_at_zero() {
    let cli = support::cli();
    let report = cli.json(&["config", "check", &fixture("debug-log-key")]);
    assert_eq!(report["findings"][0]["id"], "debug_log_key");
    assert_eq!(report["warnings"], 1);
}

#[test]
fn a_profile_whose_secret_names_do_not_fit_the_bound_section_is_an_error() {
    let cli = support::cli();
    cli.json(&[
        "profile",
        "create",
        "order",
        "--env",
        "test",
        "--app-a",
        "ttd/orderapp",
        "--secret-prefix",
        "otherapp",
    ]);
    let out = cli.run(&[
        "--json",
        "config",
        "check",
        &fixture("own-identity"),
        "--profile",
        "order",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["findings"][0]["id"], "profile_section");
    assert!(
        report["findings"][0]["message"]["en"]
            .as_str()
            .is_some_and(|m| m.contains("otherapp--MaskinportenSettingsExternal--ClientId")),
        "{report}"
    );
    let unknown = cli.json_error(&[
        "config",
        "check",
        &fixture("own-identity"),
        "--profile",
        "nope",
    ]);
    assert_eq!(unknown["kind"], "not_found");
}

#[test]
fn app_b_is_checked_when_its_folder_is_given() {
    let cli = support::cli();
    let out = cli.run(&[
        "--json",
        "config",
        "check",
        &fixture("studio-provisioned"),
        "--app-b",
        &fixture("appb-party-types"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["findings"][0]["id"], "appb_party_types");
    assert_eq!(
        report["findings"][0]["file"],
        "App/config/applicationmetadata.json"
    );
    assert_eq!(report["findings"][0]["line"], 10);
}

#[test]
fn a_missing_folder_is_a_not_found_error_not_a_crash() {
    let cli = support::cli();
    let error = cli.json_error(&["config", "check", "/nonexistent/app"]);
    assert_eq!(error["kind"], "not_found");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("/nonexistent/app"))
    );
}

#[test]
fn the_snippet_uses_the_profile_s_names_and_environment() {
    let cli = support::cli();
    cli.json(&[
        "profile",
        "create",
        "prod-order",
        "--env",
        "prod",
        "--secret-prefix",
        "orderapp",
        "--client-id",
        "0b5e5a7c-0000-4000-8000-000000000001",
    ]);
    let legacy = cli.json(&[
        "config",
        "snippet",
        "--path",
        "legacy",
        "--profile",
        "prod-order",
    ]);
    assert_eq!(legacy["section"], "orderapp:MaskinportenSettings");
    assert_eq!(
        legacy["secrets"][1]["name"],
        "orderapp--MaskinportenSettings--JwkBase64"
    );
    assert!(
        legacy["appsettings"]
            .as_str()
            .is_some_and(|a| a.contains("https://maskinporten.no/"))
    );
    let own = cli.run(&[
        "config",
        "snippet",
        "--path",
        "own-identity",
        "--profile",
        "prod-order",
    ]);
    assert_eq!(own.status.code(), Some(0));
    let printed = text(&own.stdout);
    assert!(printed.contains("\"Environment\": \"prod\""), "{printed}");
    assert!(
        printed.contains("GetSection(\"orderapp:MaskinportenSettingsExternal\")"),
        "{printed}"
    );
    assert!(
        printed.contains("orderapp--MaskinportenSettingsExternal--EncodedJwk"),
        "{printed}"
    );
}

fn real_app(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/real-apps")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn a_7x_app_without_maskinporten_is_not_used_yet_with_the_choices_and_exits_zero() {
    let cli = support::cli();
    let out = cli.run(&["config", "check", &real_app("app-template-dotnet-v7-1-4")]);
    let printed = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{printed}{}", text(&out.stderr));
    for words in [
        "Path: no Maskinporten use yet",
        "Choice 1, no upgrade: Altinn.ApiClients.Maskinporten",
        "Choice 2: upgrade to Altinn.App 8.3",
        "No findings",
    ] {
        assert!(printed.contains(words), "missing {words:?} in:\n{printed}");
    }
    let report = cli.json(&["config", "check", &real_app("app-template-dotnet-v7-1-4")]);
    assert_eq!(report["path"]["path"], "not_used_yet");
    assert_eq!(report["errors"], 0);
}

#[test]
fn a_reference_over_several_lines_on_8_12_is_read_and_the_template_s_lower_case_org_rule_passes() {
    let cli = support::cli();
    let report = cli.json(&["config", "check", &fixture("multiline-package-reference")]);
    assert_eq!(report["path"]["appVersion"], "8.12.0");
    assert_eq!(report["path"]["path"], "studio_provisioned");
    let with_b = cli.json(&[
        "config",
        "check",
        &fixture("multiline-package-reference"),
        "--app-b",
        &real_app("altinn-studio-template-v8"),
    ]);
    let ids: Vec<&str> = with_b["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(
        !ids.contains(&"appb_policy_rights"),
        "the template's [org] rule lets the owner instantiate, read and write: {ids:?}"
    );
    assert!(ids.contains(&"appb_policy_no_delete"), "{ids:?}");
}
