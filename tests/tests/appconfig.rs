//! The app configuration check on our own fixtures (tests/fixtures/appconfig, written for these
//! tests in the shape of the Altinn app template): one fixture per path, one per finding, each
//! finding asserted by id, file and line, the profile cross-checks and app B's policy and party
//! types.

use std::path::{Path, PathBuf};

use assistant_domain::appconfig::{self, AppConfigReport, ConfigPath, Severity, files};
use assistant_domain::profile::{Environment, Profile};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/appconfig")
        .join(case)
}

fn check(case: &str, profile: Option<&Profile>) -> AppConfigReport {
    let app = files::load_app(&fixture(case)).unwrap_or_else(|e| panic!("{case}: {e}"));
    appconfig::check(&app, profile, None)
}

/// `(id, file, line)` of every finding, for exact comparisons.
fn found(report: &AppConfigReport) -> Vec<(String, String, Option<u32>)> {
    report
        .findings
        .iter()
        .map(|f| (f.id.clone(), f.file.clone(), f.line))
        .collect()
}

fn one(id: &str, file: &str, line: Option<u32>) -> Vec<(String, String, Option<u32>)> {
    vec![(id.to_string(), file.to_string(), line)]
}

#[test]
fn each_path_has_a_clean_fixture_that_is_recognised_with_no_findings() {
    for (case, path) in [
        ("studio-provisioned", ConfigPath::StudioProvisioned),
        ("multiline-package-reference", ConfigPath::StudioProvisioned),
        ("central-package-versions", ConfigPath::StudioProvisioned),
        ("own-identity", ConfigPath::OwnIdentity),
        ("own-identity-extension", ConfigPath::OwnIdentity),
        ("legacy", ConfigPath::LegacyBuiltIn),
        ("v9-preview", ConfigPath::V9Preview),
    ] {
        let report = check(case, None);
        assert_eq!(report.path.path, path, "{case}: {:?}", report.path.reasons);
        assert!(
            report.findings.is_empty(),
            "{case} is clean, but: {:?}",
            found(&report)
        );
        assert!(!report.path.reasons.is_empty(), "{case} says why");
    }
}

#[test]
fn every_finding_fixture_gives_exactly_its_finding_at_the_right_file_and_line() {
    const SETTINGS: &str = "App/appsettings.json";
    const PROGRAM: &str = "App/Program.cs";
    const VALUES: &str = "deployment/values.yaml";
    let cases: &[(&str, &str, &str, Option<u32>)] = &[
        (
            "appsettings-syntax",
            "appsettings_syntax",
            SETTINGS,
            Some(20),
        ),
        (
            "appsettings-duplicate-key",
            "appsettings_duplicate_key",
            SETTINGS,
            Some(15),
        ),
        ("section-missing", "section_missing", PROGRAM, Some(33)),
        (
            "environment-missing",
            "environment_missing",
            SETTINGS,
            Some(11),
        ),
        (
            "environment-invalid",
            "environment_invalid",
            SETTINGS,
            Some(12),
        ),
        ("scope-missing", "scope_missing", SETTINGS, Some(11)),
        ("authority-missing", "authority_missing", SETTINGS, Some(11)),
        ("scope-format", "scope_format", SETTINGS, Some(13)),
        (
            "exchange-misspelled",
            "exchange_misspelled",
            SETTINGS,
            Some(14),
        ),
        ("debug-log-key", "debug_log_key", SETTINGS, Some(15)),
        ("fields-mixed", "fields_mixed", SETTINGS, Some(15)),
        (
            "secret-in-appsettings",
            "secret_in_appsettings",
            SETTINGS,
            Some(15),
        ),
        ("keyvault-missing", "keyvault_missing", PROGRAM, Some(28)),
        ("keyvault-order", "keyvault_order", PROGRAM, Some(27)),
        ("eager-binding", "eager_binding", PROGRAM, Some(15)),
        (
            "keyvault-mount-missing",
            "keyvault_mount_missing",
            VALUES,
            Some(8),
        ),
        (
            "keyvault-volume-missing",
            "keyvault_volume_missing",
            VALUES,
            Some(16),
        ),
        (
            "section-name-collision",
            "section_name_collision",
            PROGRAM,
            Some(33),
        ),
        ("obsolete-spelling", "obsolete_spelling", PROGRAM, Some(12)),
        ("authority-invalid", "authority_invalid", SETTINGS, Some(12)),
        (
            "app-version-unknown",
            "app_version_unknown",
            "App/App.csproj",
            None,
        ),
    ];
    for (case, id, file, line) in cases {
        assert_eq!(
            found(&check(case, None)),
            one(id, file, *line),
            "fixture {case}"
        );
    }
}

#[test]
fn v9_marks_both_the_configure_call_and_the_appsettings_section_as_dead() {
    let report = check("v9-dead-config", None);
    assert_eq!(report.path.path, ConfigPath::V9Preview);
    assert_eq!(
        found(&report),
        vec![
            ("v9_dead_config".into(), "App/Program.cs".into(), Some(12)),
            (
                "v9_dead_config".into(),
                "App/appsettings.json".into(),
                Some(10)
            ),
        ]
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Warning)
    );
}

#[test]
fn bom_crlf_comments_odd_spacing_and_a_cut_off_program_still_give_findings_at_the_right_lines() {
    let report = check("tolerant", None);
    assert_eq!(report.path.path, ConfigPath::OwnIdentity);
    assert_eq!(
        found(&report),
        vec![
            ("keyvault_missing".into(), "App/Program.cs".into(), Some(15)),
            (
                "environment_invalid".into(),
                "App/appsettings.json".into(),
                Some(5)
            ),
        ]
    );
}

fn profile(edit: impl FnOnce(&mut Profile)) -> Profile {
    let mut profile = Profile {
        name: "order".into(),
        environment: Environment::Test,
        client_id: Some("0b5e5a7c-0000-4000-8000-000000000001".into()),
        scopes: vec![
            "altinn:serviceowner/instances.read".into(),
            "altinn:serviceowner/instances.write".into(),
        ],
        app_a: Some("ttd/orderapp".into()),
        secret_prefix: Some("orderapp".into()),
        section_name: Some("MaskinportenSettingsExternal".into()),
        ..Profile::default()
    };
    edit(&mut profile);
    profile
}

#[test]
fn a_profile_that_matches_the_app_adds_no_findings() {
    let report = check("profile-client-id", Some(&profile(|_| {})));
    assert_eq!(found(&report), vec![]);
    let snippet = report.snippet.expect("own identity has a snippet");
    assert_eq!(
        snippet.secrets[0].name,
        "orderapp--MaskinportenSettingsExternal--ClientId"
    );
}

#[test]
fn the_profile_cross_checks_name_the_line_that_disagrees() {
    let other_prefix = profile(|p| p.secret_prefix = Some("otherapp".into()));
    assert_eq!(
        found(&check("own-identity", Some(&other_prefix))),
        one("profile_section", "App/Program.cs", Some(33))
    );
    let other_client = profile(|p| p.client_id = Some("another-client".into()));
    assert_eq!(
        found(&check("profile-client-id", Some(&other_client))),
        one("profile_client_id", "App/appsettings.json", Some(15))
    );
    let prod = profile(|p| p.environment = Environment::Prod);
    assert_eq!(
        found(&check("own-identity", Some(&prod))),
        one("profile_environment", "App/appsettings.json", Some(12))
    );
    let read_only = profile(|p| p.scopes = vec!["altinn:serviceowner/instances.read".into()]);
    let report = check("own-identity", Some(&read_only));
    assert_eq!(
        found(&report),
        one("profile_scopes", "App/appsettings.json", Some(13))
    );
    assert!(
        report.findings[0]
            .message
            .en
            .contains("altinn:serviceowner/instances.write")
    );
}

fn app_b(case: &str) -> Vec<(String, String, Option<u32>)> {
    let files = files::load_app_b(&fixture(case)).unwrap_or_else(|e| panic!("{case}: {e}"));
    appconfig::appb::check(&files, None)
        .into_iter()
        .map(|f| (f.id, f.file, f.line))
        .collect()
}

#[test]
fn app_b_must_let_the_service_owner_instantiate_read_and_write_and_accept_organisations() {
    // Clean: the owner may instantiate, read and write. As in the template, not delete: said
    // as a note, because cleaning up test instances then gets 403.
    assert_eq!(
        app_b("appb-clean"),
        one(
            "appb_policy_no_delete",
            "App/config/authorization/policy.xml",
            Some(26)
        )
    );
    assert_eq!(
        app_b("appb-policy-rights"),
        one(
            "appb_policy_rights",
            "App/config/authorization/policy.xml",
            Some(26)
        )
    );
    assert_eq!(
        app_b("appb-party-types"),
        vec![
            (
                "appb_policy_no_delete".to_string(),
                "App/config/authorization/policy.xml".to_string(),
                Some(26)
            ),
            (
                "appb_party_types".to_string(),
                "App/config/applicationmetadata.json".to_string(),
                Some(10)
            )
        ]
    );
}

#[test]
fn another_organisation_than_app_b_s_own_is_not_covered_by_the_org_placeholder() {
    let files = files::load_app_b(&fixture("appb-clean")).expect("fixture");
    let ids: Vec<String> = appconfig::appb::check(&files, Some("digdir"))
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(ids, vec!["appb_policy_rights"]);
}

#[test]
fn versions_come_from_a_reference_over_several_lines_and_from_the_central_props_file() {
    let multi = check("multiline-package-reference", None);
    assert_eq!(multi.path.app_version.as_deref(), Some("8.12.0"));
    assert!(
        multi.path.reasons[0].en.contains("line 11"),
        "{:?}",
        multi.path.reasons[0]
    );
    let central = check("central-package-versions", None);
    assert_eq!(central.path.app_version.as_deref(), Some("8.9.1"));
    let extension = check("own-identity-extension", None);
    assert!(
        extension.path.reasons[1]
            .en
            .starts_with("MaskinportenSetup.cs line 14:"),
        "the registration is found where it is: {:?}",
        extension.path.reasons
    );
    assert_eq!(extension.sections[0].file, "App/logic/MaskinportenSetup.cs");
}

#[test]
fn the_old_spelling_is_advised_against_only_where_the_new_one_exists() {
    let on = |version: &str| {
        let mut app = files::load_app(&fixture("obsolete-spelling")).expect("fixture");
        let csproj = app.csproj.as_mut().expect("csproj");
        csproj.text = csproj.text.replace("8.7.0", version);
        app
    };
    let app = on("8.6.2");
    let report = appconfig::check(&app, None, None);
    assert!(
        !report.findings.iter().any(|f| f.id == "obsolete_spelling"),
        "on 8.6 the British name is the only one: {:?}",
        found(&report)
    );
    let report = appconfig::check(&on("*"), None, None);
    let advice = report
        .findings
        .iter()
        .find(|f| f.id == "obsolete_spelling")
        .expect("said, with the version it depends on");
    assert!(advice.message.en.contains("8.7.0"), "{}", advice.message.en);
}

#[test]
fn a_single_file_can_be_checked_on_its_own() {
    let app = files::load_app(&fixture("environment-invalid/App/appsettings.json")).expect("file");
    assert_eq!(app.names(), vec!["appsettings.json"]);
    let report = appconfig::check(&app, None, None);
    assert_eq!(report.path.path, ConfigPath::Unknown);
}

#[test]
fn a_folder_without_app_files_is_refused_with_a_clear_error() {
    let empty = tempfile::tempdir().expect("tempdir");
    let error = files::load_app(empty.path()).expect_err("no app here");
    assert!(error.to_string().contains("no Altinn app files"), "{error}");
    let missing = files::load_app(&empty.path().join("nope")).expect_err("missing");
    assert!(missing.to_string().contains("does not exist"), "{missing}");
}

#[test]
fn app_b_is_checked_for_app_a_s_own_organisation_from_its_metadata() {
    let b = files::load_app_b(&fixture("appb-clean")).expect("app B");
    let same_org = |org: &str| appconfig::AppFiles {
        metadata: Some(appconfig::SourceFile::new(
            "App/config/applicationmetadata.json",
            format!(r#"{{"id": "{org}/app-a", "org": "{org}"}}"#),
        )),
        ..files::load_app(&fixture("studio-provisioned")).expect("app A")
    };
    let ids = |org: &str| -> Vec<String> {
        appconfig::check(&same_org(org), None, Some(&b))
            .findings
            .into_iter()
            .map(|f| f.id)
            .collect()
    };
    assert!(
        ids("digdir").contains(&"appb_policy_rights".to_string()),
        "app A of another organisation is not app B's [org]"
    );
    assert!(!ids("ttd").contains(&"appb_policy_rights".to_string()));
}
