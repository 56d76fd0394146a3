//! The path finder on real public Altinn app states (tests/fixtures/real-apps/, each with its
//! source repository and commits in SOURCE.md): the configuration check runs on each and must
//! reach the verdict written down in its `expected.json` before the tool ran on it.

use std::path::{Path, PathBuf};

use assistant_domain::appconfig::{self, ConfigPath, files};
use serde_json::Value;

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real-apps");
    let mut apps: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("tests/fixtures/real-apps")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    apps.sort();
    apps
}

fn path_name(path: ConfigPath) -> String {
    serde_json::to_value(path)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn every_real_app_state_gets_the_verdict_a_careful_reader_wrote_down() {
    let apps = corpus();
    assert!(apps.len() >= 12, "{} real app states", apps.len());
    let mut wrong = Vec::new();
    for app in &apps {
        let name = app.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(app.join("expected.json")).expect("read"),
        )
        .expect("expected.json");
        let source = std::fs::read_to_string(app.join("SOURCE.md")).expect("SOURCE.md");
        assert!(
            source.contains("## Verdict")
                && (source.contains("github") || source.contains("Altinn/")),
            "{name}: SOURCE.md names its repository and holds the verdict"
        );
        let files = match files::load_app(app) {
            Ok(files) => files,
            Err(e) => {
                wrong.push(format!("{name}: not read: {e}"));
                continue;
            }
        };
        let report = appconfig::check(&files, None, None);
        let got = path_name(report.path.path);
        let reasons: Vec<String> = report.path.reasons.iter().map(|r| r.en.clone()).collect();
        if Some(got.as_str()) != expected["path"].as_str() {
            wrong.push(format!(
                "{name}: path {got}, expected {} — {reasons:?}",
                expected["path"]
            ));
        }
        if let Some(banned) = expected["mustNot"].as_array()
            && banned.iter().any(|b| b.as_str() == Some(got.as_str()))
        {
            wrong.push(format!("{name}: must never be {got}"));
        }
        match expected["appVersion"].as_str() {
            Some("floating") => {
                let floating = report
                    .path
                    .app_version
                    .as_deref()
                    .is_some_and(|v| v.contains('*'))
                    && reasons.iter().any(|r| r.contains("floating"));
                if !floating {
                    wrong.push(format!(
                        "{name}: the floating version is not named — {:?} {reasons:?}",
                        report.path.app_version
                    ));
                }
            }
            want => {
                if report.path.app_version.as_deref() != want {
                    wrong.push(format!(
                        "{name}: version {:?}, expected {want:?}",
                        report.path.app_version
                    ));
                }
            }
        }
        if let Some(package) = expected["package"].as_str()
            && !reasons[0].contains(package)
        {
            wrong.push(format!(
                "{name}: the package {package} is not named: {}",
                reasons[0]
            ));
        }
        if let Some(errors) = expected["errors"].as_u64()
            && u64::from(report.errors) != errors
        {
            let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
            wrong.push(format!(
                "{name}: {} errors, expected {errors}: {ids:?}",
                report.errors
            ));
        }
        if let Some(app_b) = expected["appB"].as_object() {
            let b = files::load_app_b(app).expect("app B's files");
            let policy = b.policy.clone().expect("policy.xml");
            let (granted, _) =
                appconfig::appb::granted(&policy.text, None, None).expect("policy reads");
            for (key, action) in [
                ("ownerInstantiates", "instantiate"),
                ("ownerDeletes", "delete"),
            ] {
                let has = granted.iter().any(|g| g == action);
                if app_b[key].as_bool() != Some(has) {
                    wrong.push(format!(
                        "{name}: the owner's {action} is {has}, expected {}",
                        app_b[key]
                    ));
                }
            }
            if let Some(system) = app_b.get("systemUser") {
                let report = appconfig::appb_system::check(&b);
                let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
                let want: Vec<&str> = system["findings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let roles: Vec<&str> = system["roles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if ids != want || report.roles != roles {
                    wrong.push(format!(
                        "{name}: for system users {ids:?} and roles {:?}, expected {want:?} and {roles:?}",
                        report.roles
                    ));
                }
            }
            let findings = appconfig::appb::check(&b, None);
            if findings.iter().any(|f| f.id == "appb_policy_rights") {
                wrong.push(format!(
                    "{name}: the template's [org] rule was not read as the owner's"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
