//! The guided checklist for the window and the CLI: what each action proved goes into the
//! history as a step line, the checklist is folded from those lines and the profile's facts, and
//! the report is written from both. Recording never fails an action: a history line that cannot
//! be written is lost, the action's own result is not.

use std::path::PathBuf;

use assistant_domain::appconfig::{AppConfigReport, CheckAppConfigRequest, ConfigPath};
use assistant_domain::chain::ChainReport;
use assistant_domain::checklist::{self, Checklist, StepId, StepState};
use assistant_domain::datadir::DataDir;
use assistant_domain::history::{self, HistoryEntry};
use assistant_domain::keyvault::probe::ProbeReport;
use assistant_domain::keyvault::verify::VerifyReport;
use assistant_domain::keyvault::write::{WriteOutcome, WriteReport};
use assistant_domain::report::{self, Lang};
use assistant_domain::{AppError, ErrorKind, inventory};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChecklistRequest {
    pub profile: String,
}

/// A person's own mark: "I have done this" (steps done outside the tool) or "start over".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarkStepRequest {
    pub profile: String,
    pub step: StepId,
    pub state: StepState,
    /// For the path step: the path the person says the app is on.
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<ConfigPath>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReportRequest {
    pub profile: String,
    /// `en` or `nb` (a locale such as `nb-NO` works too).
    pub lang: String,
    /// Where to save; `None` saves a new file in the data folder's `reports`.
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedReport {
    pub path: String,
}

/// The profile's checklist as of now.
pub fn get(state: &AppState, profile: &str) -> Result<Checklist, AppError> {
    let profile = inventory::show_profile(&state.dir, profile)?;
    let keys = inventory::list_keys(&state.dir)?;
    let key = profile
        .key_id
        .as_deref()
        .and_then(|kid| keys.iter().find(|k| k.kid == kid));
    let lines = history::load(&state.dir)?;
    Ok(checklist::build(&profile, key, &lines, state.clock.now()))
}

/// The profile's history lines, newest first (the activity log).
pub fn activity(state: &AppState, profile: &str) -> Result<Vec<HistoryEntry>, AppError> {
    let mut lines: Vec<HistoryEntry> = history::load(&state.dir)?
        .into_iter()
        .filter(|e| e.profile == profile)
        .collect();
    lines.reverse();
    Ok(lines)
}

pub fn mark(state: &AppState, request: &MarkStepRequest) -> Result<Checklist, AppError> {
    let profile = inventory::show_profile(&state.dir, &request.profile)?;
    let line = checklist::mark_line(
        state.clock.now(),
        &profile,
        request.step,
        request.state,
        request.path,
    )?;
    history::append(&state.dir, &line)?;
    get(state, &profile.name)
}

fn record(
    state: &AppState,
    profile: &str,
    (action, step): (&str, StepId),
    outcome: StepState,
    said: impl Into<String>,
    kid: Option<&str>,
    detail: Option<serde_json::Value>,
) {
    let mut line =
        HistoryEntry::new(state.clock.now(), profile, action, said).for_step(step, outcome);
    line.kid = kid.map(str::to_string);
    line.detail = detail;
    crate::flows::remember(state, line);
}

fn proven(ok: bool) -> StepState {
    if ok {
        StepState::Verified
    } else {
        StepState::Failed
    }
}

/// A token test proves the client and key (Maskinporten accepted the grant), the token, and,
/// when asked for, the exchange. The report's claims are decoded, without signatures.
pub fn token_tested(state: &AppState, profile: &str, exchange: bool, report: &ChainReport) {
    let kid = Some(report.kid.as_str());
    let detail = serde_json::to_value(report).ok();
    let failure = report
        .diagnosis
        .as_ref()
        .map(|d| d.title.en.clone())
        .unwrap_or_else(|| "the chain stopped".into());
    match &report.maskinporten {
        Some(token) => {
            let said = format!(
                "Maskinporten token for {} with {}",
                token.consumer_org.as_deref().unwrap_or("?"),
                token.scopes.join(" ")
            );
            for step in [StepId::Client, StepId::Key] {
                record(
                    state,
                    profile,
                    ("token-test", step),
                    StepState::Verified,
                    "Maskinporten accepted the client and key",
                    kid,
                    None,
                );
            }
            record(
                state,
                profile,
                ("token-test", StepId::Token),
                StepState::Verified,
                said,
                kid,
                detail.clone(),
            );
            if exchange {
                let ok = report.altinn.is_some();
                let said = if ok {
                    "exchanged for an Altinn token".to_string()
                } else {
                    failure
                };
                record(
                    state,
                    profile,
                    ("exchange", StepId::Exchange),
                    proven(ok),
                    said,
                    kid,
                    detail,
                );
            }
        }
        None => record(
            state,
            profile,
            ("token-test", StepId::Token),
            StepState::Failed,
            failure,
            kid,
            detail,
        ),
    }
}

/// A check with a profile finds the path (unless it could not tell) and checks the configuration.
pub fn config_checked(state: &AppState, request: &CheckAppConfigRequest, report: &AppConfigReport) {
    let Some(profile) = request.profile.as_deref().filter(|p| !p.trim().is_empty()) else {
        return;
    };
    let path = report.path.path;
    // Absolute, so the check can run again from anywhere (the CLI may have been given a relative path).
    let folder = std::fs::canonicalize(&request.path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| request.path.clone());
    let detail = serde_json::json!({ "path": path, "folder": folder, "appVersion": report.path.app_version });
    if path != ConfigPath::Unknown {
        record(
            state,
            profile,
            ("config-check", StepId::Path),
            StepState::Verified,
            format!("path found in {}", request.path),
            None,
            Some(detail.clone()),
        );
    }
    let said = format!("{} error(s), {} warning(s)", report.errors, report.warnings);
    let detail = serde_json::json!({ "folder": request.path, "errors": report.errors, "warnings": report.warnings });
    record(
        state,
        profile,
        ("config-check", StepId::Config),
        proven(!report.has_errors()),
        said,
        None,
        Some(detail),
    );
}

/// The portal step rehearsed in the sandbox: the client exists and knows the key.
pub fn client_registered(state: &AppState, profile: &str, client_id: &str, kid: Option<&str>) {
    record(
        state,
        profile,
        ("sandbox-register", StepId::Client),
        StepState::Verified,
        format!("public key registered on sandbox client {client_id}"),
        kid,
        None,
    );
}

pub fn vault_probed(state: &AppState, profile: &str, report: &ProbeReport) {
    let said = if report.ready_to_write {
        format!("can list and read secrets in {}", report.vault)
    } else {
        format!("not ready to write to {}", report.vault)
    };
    record(
        state,
        profile,
        ("keyvault-probe", StepId::VaultAccess),
        proven(report.ready_to_write),
        said,
        None,
        None,
    );
}

pub fn vault_written(state: &AppState, profile: &str, report: &WriteReport) {
    match (&report.verify, report.outcome) {
        (Some(verify), _) => vault_verified(state, profile, verify),
        // Waiting for the person's confirmation is not a failure; nothing was tried yet.
        (None, WriteOutcome::ConfirmationRequired | WriteOutcome::DeletedNeedsDecision) => {}
        (None, _) => record(
            state,
            profile,
            ("keyvault-write", StepId::VaultWrite),
            StepState::Failed,
            report.message.en.clone(),
            Some(&report.kid),
            None,
        ),
    }
}

pub fn vault_verified(state: &AppState, profile: &str, report: &VerifyReport) {
    let said = if report.ok {
        format!(
            "read back from {}: same client id and key as the keychain",
            report.vault
        )
    } else {
        format!(
            "read back from {}: the secrets differ from the profile",
            report.vault
        )
    };
    let detail = serde_json::json!({ "vault": report.vault, "kid": report.kid, "thumbprint": report.thumbprint });
    record(
        state,
        profile,
        ("keyvault-verify", StepId::VaultWrite),
        proven(report.ok),
        said,
        Some(&report.kid),
        Some(detail),
    );
}

/// Writes the report: to `path` when given (the save dialog has asked about replacing it), else
/// as a new file under the data folder's `reports`, never over an older one.
pub fn save_report(state: &AppState, request: &ReportRequest) -> Result<SavedReport, AppError> {
    let profile = inventory::show_profile(&state.dir, &request.profile)?;
    let list = get(state, &profile.name)?;
    let lines = history::load(&state.dir)?;
    let now = state.clock.now();
    let html = report::render(Lang::parse(&request.lang), &profile, &list, &lines, now);
    let target = match &request.path {
        Some(path) => PathBuf::from(path),
        None => new_report_path(&state.dir, &profile.name, now)?,
    };
    let (Some(folder), Some(name)) = (target.parent(), target.file_name().and_then(|n| n.to_str()))
    else {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!("{} is not a file path.", target.display()),
        ));
    };
    DataDir::new(folder).write_text(name, &html)?;
    history::append(
        &state.dir,
        &HistoryEntry::new(
            now,
            &profile.name,
            "report",
            format!("report saved to {}", target.display()),
        ),
    )?;
    Ok(SavedReport {
        path: target.display().to_string(),
    })
}

fn new_report_path(
    dir: &DataDir,
    profile: &str,
    now: time::OffsetDateTime,
) -> Result<PathBuf, AppError> {
    let slug: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stamp = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let folder = dir.root().join("reports");
    let base = format!("report-{}-{stamp}", slug.trim_matches('-'));
    (1..1000)
        .map(|n| {
            if n == 1 {
                folder.join(format!("{base}.html"))
            } else {
                folder.join(format!("{base}-{n}.html"))
            }
        })
        .find(|p| !p.exists())
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Storage,
                "Too many reports this second; try again.",
            )
        })
}
