//! The app configuration check and path finder: reads app A's repository (`App/App.csproj`,
//! `App/Program.cs`, `App/appsettings*.json`, `deployment/values.yaml`) and, when given, app B's
//! (`App/config/authorization/policy.xml`, `App/config/applicationmetadata.json`), says which
//! Maskinporten path the app is on and why, lists what is wrong with file, line and fix, and
//! produces the snippet to paste. Facts: shared/reference/config-keyvault-selfservice.md §0–§2,
//! protocols.md §4. Everything here is pure except `files` (reading the folder); a running
//! app B is read through its metadata endpoints by the instances step (`altinn::app`).

pub mod appb;
pub mod appb_system;
mod checks;
mod crosscheck;
pub mod csharp;
pub mod files;
pub mod json;
mod pathfinder;
pub mod project;
pub mod snippet;
pub mod versions;
pub mod xacml;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::datadir::DataDir;
use crate::diagnosis::Localized;
pub(crate) use crate::diagnosis::l;
use crate::error::AppError;
use crate::profile::Profile;

pub use files::{AppBFiles, AppConfigError, AppFiles, SourceFile};
pub use snippet::{ConfigSnippet, SnippetPath};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    /// The app will not get a token this way (or will not start).
    Error,
    /// Likely wrong, or ignored config that misleads.
    Warning,
    Info,
}

/// One thing found, with where it is and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    /// A stable id tests and the UI branch on, e.g. `keyvault_order`.
    pub id: String,
    pub severity: Severity,
    /// Relative to the checked folder, with `/`, e.g. `App/Program.cs`.
    pub file: String,
    /// 1-based; `None` when the problem is that something is missing from the whole file.
    pub line: Option<u32>,
    pub message: Localized,
    pub fix: Localized,
}

/// Which way the app gets its Maskinporten credentials
/// (config-keyvault-selfservice.md §2.7, §0.1, §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConfigPath {
    /// App 8.3+: Studio provisions the client and mounts `maskinporten-settings.json`.
    StudioProvisioned,
    /// A client of its own through Altinn.ApiClients.Maskinporten, secrets in Key Vault.
    OwnIdentity,
    /// The built-in client with manual `ClientId`/`JwkBase64` secrets (v8 only).
    LegacyBuiltIn,
    /// Altinn App v9 preview: the built-in client reads only the provisioned file.
    V9Preview,
    /// Below 8.3 and nothing uses Maskinporten yet: the choice is still to be made.
    NotUsedYet,
    /// Neither the project file nor the code says (or says something contradictory).
    Unknown,
}

impl ConfigPath {
    /// The path's name for people, as the CLI and the report print it (the window has its own
    /// message keys).
    pub fn label(self) -> Localized {
        let (en, nb) = match self {
            ConfigPath::StudioProvisioned => (
                "Studio-provisioned credentials (App 8.3+)",
                "Studio-provisjonert klient (App 8.3+)",
            ),
            ConfigPath::OwnIdentity => (
                "own identity (Altinn.ApiClients.Maskinporten + Key Vault)",
                "egen identitet (Altinn.ApiClients.Maskinporten + Key Vault)",
            ),
            ConfigPath::LegacyBuiltIn => (
                "legacy built-in client (manual JwkBase64 in Key Vault)",
                "eldre innebygd klient (manuell JwkBase64 i Key Vault)",
            ),
            ConfigPath::V9Preview => (
                "Altinn App v9 preview (provisioned credentials only)",
                "Altinn App v9 forhåndsversjon (bare provisjonert klient)",
            ),
            ConfigPath::NotUsedYet => (
                "no Maskinporten use yet (choose a way: see why)",
                "bruker ikke Maskinporten ennå (velg en vei: se hvorfor)",
            ),
            ConfigPath::Unknown => ("not determined", "ikke avgjort"),
        };
        l(en, nb)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PathFinding {
    pub path: ConfigPath,
    /// Why, one line per piece of evidence.
    pub reasons: Vec<Localized>,
    /// The Altinn.App.Api (or Core) version, as written (or `from source`).
    pub app_version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClientKind {
    /// Altinn.ApiClients.Maskinporten (`AddMaskinportenHttpClient`).
    OwnIdentity,
    /// The app library's own client (`ConfigureMaskinportenClient`).
    BuiltIn,
}

/// A configuration section the code binds, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BoundSection {
    pub section: String,
    pub client: ClientKind,
    pub file: String,
    pub line: Option<u32>,
    /// The appsettings files that have the section.
    pub defined_in: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppConfigReport {
    /// The folder (or file) that was checked.
    pub root: String,
    /// The files that were read, relative to `root`.
    pub files: Vec<String>,
    pub path: PathFinding,
    pub sections: Vec<BoundSection>,
    /// Errors first, then warnings, then notes; within each, by file and line.
    pub findings: Vec<Finding>,
    pub errors: u32,
    pub warnings: u32,
    /// What to paste, for the own-identity and legacy paths.
    pub snippet: Option<ConfigSnippet>,
}

impl AppConfigReport {
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

/// `check_app_config`'s one request: app A's folder (or one file), a profile to cross-check, and
/// optionally app B's folder.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckAppConfigRequest {
    pub path: String,
    pub profile: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub app_b: Option<String>,
}

/// Reads the folders and checks them; the profile is looked up by name in the data folder.
pub fn check_app_config(
    dir: &DataDir,
    request: &CheckAppConfigRequest,
) -> Result<AppConfigReport, AppError> {
    let profile = match request.profile.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(name) => Some(crate::profile::show(dir, name)?),
        None => None,
    };
    let app = files::load_app(std::path::Path::new(&request.path))?;
    let app_b = match request.app_b.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(path) => Some(files::load_app_b(std::path::Path::new(path))?),
        None => None,
    };
    Ok(check(&app, profile.as_ref(), app_b.as_ref()))
}

/// The whole check on files already read: path, findings, sections and snippet.
pub fn check(
    app: &AppFiles,
    profile: Option<&Profile>,
    app_b: Option<&AppBFiles>,
) -> AppConfigReport {
    let context = checks::Context::new(app);
    let path = pathfinder::find(&context);
    let mut findings = checks::run(&context, path.path);
    if let Some(profile) = profile {
        findings.extend(crosscheck::run(&context, path.path, profile));
    }
    if let Some(app_b) = app_b {
        // The caller is app A's organisation: the profile's app A, else app A's own metadata.
        let caller = profile
            .and_then(|p| p.app_a.as_deref())
            .and_then(|a| a.split_once('/'))
            .map(|(org, _)| org.to_string())
            .or_else(|| context.org.clone());
        findings.extend(appb::check(app_b, caller.as_deref()));
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.file, a.line, &a.id).cmp(&(b.severity, &b.file, b.line, &b.id))
    });
    findings.dedup();
    let count = |s: Severity| {
        u32::try_from(findings.iter().filter(|f| f.severity == s).count()).unwrap_or(u32::MAX)
    };
    let snippet = SnippetPath::for_path(path.path).map(|kind| {
        // Names from the profile when it sets them, else the section the app already binds.
        let named = profile.is_some_and(|p| p.secret_prefix.is_some() || p.section_name.is_some());
        let bound = match kind {
            SnippetPath::OwnIdentity => context.own.iter().find_map(|b| b.section.clone()),
            SnippetPath::Legacy => context.built_in.iter().find_map(|b| b.section.clone()),
        };
        match bound.filter(|_| !named) {
            Some(section) => snippet::generate_for_section(kind, profile, section),
            None => snippet::generate(kind, profile),
        }
    });
    AppConfigReport {
        root: app.root.display().to_string(),
        files: app.names(),
        sections: context.bound_sections(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        path,
        findings,
        snippet,
    }
}

pub(crate) fn finding(
    id: &str,
    severity: Severity,
    file: &str,
    line: Option<u32>,
    message: Localized,
    fix: Localized,
) -> Finding {
    Finding {
        id: id.into(),
        severity,
        file: file.into(),
        line,
        message,
        fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_path_and_profile_and_app_b_may_be_left_out() {
        let request: CheckAppConfigRequest =
            serde_json::from_value(serde_json::json!({"path": "/repo", "profile": null}))
                .expect("the window sends {path, profile}");
        assert_eq!((request.path.as_str(), request.app_b), ("/repo", None));
    }

    #[test]
    fn the_report_is_camel_case_with_snake_case_ids_and_severities() {
        let app = AppFiles {
            program: Some(SourceFile::new(
                "App/Program.cs",
                "services.AddMaskinportenHttpClient<D>(config.GetSection(\"X\"));",
            )),
            ..AppFiles::default()
        };
        let json = serde_json::to_value(check(&app, None, None)).expect("json");
        assert_eq!(json["path"]["path"], "own_identity");
        assert_eq!(json["path"]["appVersion"], serde_json::Value::Null);
        assert_eq!(json["sections"][0]["definedIn"], serde_json::json!([]));
        let ids: Vec<&str> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        assert!(
            ids.contains(&"section_missing") && ids.contains(&"keyvault_missing"),
            "{ids:?}"
        );
        assert_eq!(json["findings"][0]["severity"], "error");
        assert_eq!(json["snippet"]["section"], "X");
    }
}
