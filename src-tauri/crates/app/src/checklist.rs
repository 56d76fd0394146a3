//! The guided checklist for the window and the CLI: what each action proved goes into the
//! history as a step line, the checklist is folded from those lines and the profile's facts, and
//! the report is written from both. Recording never fails an action: a history line that cannot
//! be written is lost, the action's own result is not.

use std::path::PathBuf;

use assistant_domain::appconfig::{self, AppConfigReport, CheckAppConfigRequest, ConfigPath};
use assistant_domain::chain::ChainReport;
use assistant_domain::checklist::{
    self, Checklist, Route, StepId, StepState, proofs, system_proofs,
};
use assistant_domain::datadir::{self, DataDir, Existing};
use assistant_domain::history::{self, HistoryEntry};
use assistant_domain::keyvault::probe::ProbeReport;
use assistant_domain::keyvault::verify::VerifyReport;
use assistant_domain::keyvault::write::WriteReport;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::report::{self, Lang};
use assistant_domain::systemuser::request::SystemUserRequest;
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
    let history = history::load(&state.dir)?;
    let mut list = checklist::build(&profile, key, &history.entries, state.clock.now());
    list.history_damaged = history.damaged;
    list.rotations = assistant_domain::rotation::load(&state.dir)?
        .into_iter()
        .filter(|r| r.profile == profile.name)
        .collect();
    if let Some(kid) = profile
        .key_id
        .as_deref()
        .filter(|_| matches!(profile.environment, Environment::Test | Environment::Prod))
        && crate::sandbox::key_used_in_sandbox(&state.dir, kid, &history.entries)?
    {
        list.warnings.push(checklist::sandbox_key_warning(kid));
    }
    Ok(list)
}

/// The profile's history lines, newest first (the activity log).
pub fn activity(state: &AppState, profile: &str) -> Result<Vec<HistoryEntry>, AppError> {
    let mut lines: Vec<HistoryEntry> = history::load(&state.dir)?
        .entries
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

/// Appends what an action proved; a line that cannot be written never fails the action.
fn record(state: &AppState, lines: impl IntoIterator<Item = HistoryEntry>) {
    for line in lines {
        state.remember(line);
    }
}

pub fn token_tested(state: &AppState, profile: &str, exchange: bool, report: &ChainReport) {
    record(
        state,
        proofs::token_test(state.clock.now(), profile, exchange, report),
    );
}

/// The configuration check for the window and the CLI: with a profile, it also records the path
/// and the configuration step for that profile.
pub fn check_app_config(
    state: &AppState,
    request: &CheckAppConfigRequest,
) -> Result<AppConfigReport, AppError> {
    let report = appconfig::check_app_config(&state.dir, request)?;
    if let Some(profile) = request.profile.as_deref().filter(|p| !p.trim().is_empty()) {
        // Absolute, so the check can run again from anywhere (the CLI may get a relative path).
        let folder = std::fs::canonicalize(&request.path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| request.path.clone());
        record(
            state,
            proofs::config_check(state.clock.now(), profile, &folder, &report),
        );
    }
    Ok(report)
}

pub fn client_registered(state: &AppState, profile: &Profile, client_id: &str) {
    let line = proofs::sandbox_registration(
        state.clock.now(),
        &profile.name,
        client_id,
        profile.key_id.as_deref(),
    );
    record(state, [line]);
}

pub fn key_uploaded(state: &AppState, profile: &str, client_id: &str, kid: &str) {
    record(
        state,
        [proofs::self_service_upload(
            state.clock.now(),
            profile,
            client_id,
            kid,
        )],
    );
}

pub fn vault_probed(state: &AppState, profile: &str, report: &ProbeReport) {
    record(
        state,
        [proofs::vault_probe(state.clock.now(), profile, report)],
    );
}

pub fn vault_written(state: &AppState, profile: &str, report: &WriteReport) {
    record(
        state,
        proofs::vault_write(state.clock.now(), profile, report),
    );
}

pub fn vault_verified(state: &AppState, profile: &str, report: &VerifyReport) {
    record(
        state,
        [proofs::vault_verify(state.clock.now(), profile, report)],
    );
}

/// A person's choice of route (multi-app or system user) for the profile's checklist.
pub fn choose_route(state: &AppState, profile: &str, route: Route) -> Result<Checklist, AppError> {
    let profile = inventory::show_profile(&state.dir, profile)?;
    history::append(
        &state.dir,
        &checklist::route_line(state.clock.now(), &profile, route),
    )?;
    get(state, &profile.name)
}

pub fn system_registered(
    state: &AppState,
    profile: &str,
    system_id: &str,
    changes: &[assistant_domain::diagnosis::Localized],
    written: bool,
) {
    record(
        state,
        [system_proofs::system_register(
            state.clock.now(),
            profile,
            system_id,
            changes,
            written,
        )],
    );
}

/// A request as just seen. A status read that shows what the profile's last request line already
/// says (the window asks every few seconds while the customer decides) writes no line, whichever
/// route the profile's checklist is on.
pub fn system_user_request_seen(state: &AppState, profile: &str, request: &SystemUserRequest) {
    let line = system_proofs::system_user_request(state.clock.now(), profile, request);
    let last = history::load(&state.dir).ok().and_then(|h| {
        h.entries
            .into_iter()
            .rev()
            .find(|e| e.action == history::HistoryAction::SystemUserRequest && e.profile == profile)
    });
    let known = last.is_some_and(|e| {
        e.state == line.state
            && e.detail
                .as_ref()
                .and_then(|d| d.get("requestId"))
                .and_then(|id| id.as_str())
                == Some(request.id.as_str())
    });
    if !known {
        record(state, [line]);
    }
}

pub fn app_b_checked(
    state: &AppState,
    profile: &str,
    folder: &str,
    report: &assistant_domain::appconfig::appb_system::AppBSystemUserReport,
) {
    record(
        state,
        [system_proofs::app_b_system_users(
            state.clock.now(),
            profile,
            folder,
            report,
        )],
    );
}

/// A step of the route whose action failed, with the error the person saw.
pub fn step_failed(
    state: &AppState,
    profile: &str,
    action: history::HistoryAction,
    step: StepId,
    error: &AppError,
) {
    record(
        state,
        [system_proofs::failed(
            state.clock.now(),
            profile,
            action,
            step,
            error,
        )],
    );
}

/// Writes the report: to `path` when given (replacing a file there only with `existing` =
/// Replace: the save dialog or `--force` asked), else as a new file under the data folder's
/// `reports`, never over an older one.
pub fn save_report(
    state: &AppState,
    request: &ReportRequest,
    existing: Existing,
) -> Result<SavedReport, AppError> {
    let profile = inventory::show_profile(&state.dir, &request.profile)?;
    let list = get(state, &profile.name)?;
    let lines = history::load(&state.dir)?.entries;
    let now = state.clock.now();
    let html = report::render(Lang::parse(&request.lang), &profile, &list, &lines, now);
    let (target, existing) = match &request.path {
        Some(path) => (PathBuf::from(path), existing),
        None => {
            let path = new_report_path(&state.dir, &profile.name, now)?;
            if let Some(folder) = path.parent() {
                DataDir::new(folder).ensure_root()?;
            }
            (path, Existing::Keep)
        }
    };
    if target.file_name().is_none() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!("{} is not a file path.", target.display()),
        ));
    }
    datadir::save(&target, html.as_bytes(), existing)?;
    history::append(
        &state.dir,
        &HistoryEntry::new(
            now,
            &profile.name,
            history::HistoryAction::Report,
            true,
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
    let folder = dir.root().join("reports");
    (1..1000)
        .map(|n| folder.join(report::file_name(profile, now, n)))
        .find(|p| !p.exists())
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Storage,
                "Too many reports this second; try again.",
            )
        })
}
